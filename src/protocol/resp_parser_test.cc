// Tests for RequestParser. Expected error texts and splitting behaviour were taken from a running
// redis-server 7.0.15 fed the same raw bytes.
#include "protocol/resp_parser.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <functional>
#include <new>
#include <random>
#include <string>
#include <vector>

// Records the largest single allocation so tests can prove that claimed lengths are not allocated.
namespace {
std::atomic<size_t> g_max_alloc{0};
}  // namespace

void* operator new(size_t n) {
  size_t prev = g_max_alloc.load(std::memory_order_relaxed);
  while (n > prev && !g_max_alloc.compare_exchange_weak(prev, n)) {
  }
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
// noinline: once inlined next to a `new`, GCC 12 flags the free() as a mismatched deallocation.
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace cardinal::protocol {
namespace {

using Result = RequestParser::Result;
using Command = std::vector<std::string>;

struct Outcome {
  std::vector<Command> commands;  // Includes empty commands (*0, blank inline lines).
  Result last = Result::kIncomplete;
  std::string error;
  size_t leftover = 0;  // Bytes still unconsumed at the end.

  bool operator==(const Outcome&) const = default;
};

std::string Describe(const Outcome& o) {
  std::string s = "commands=[";
  for (const Command& c : o.commands) {
    s += "[";
    for (const std::string& a : c) s += "'" + a + "' ";
    s += "]";
  }
  s += "] last=" + std::to_string(static_cast<int>(o.last)) + " error='" + o.error +
       "' leftover=" + std::to_string(o.leftover);
  return s;
}

// Feeds `data` the way a connection would: chunks of the sizes `next_chunk` returns are appended to
// a buffer, every complete command is consumed from its front, and after each incomplete parse
// the buffer is moved to a fresh allocation (the parser must keep offsets, not pointers; under
// ASan a stale pointer is caught).
Outcome Feed(std::string_view data, const std::function<size_t()>& next_chunk,
             RequestParser::Limits limits = {}) {
  RequestParser parser;
  parser.set_limits(limits);
  Outcome out;
  std::string buf;
  size_t fed = 0;
  std::vector<std::string_view> args;
  while (true) {
    size_t consumed = 0;
    const Result r = parser.Parse(buf, &args, &consumed);
    if (r == Result::kCommand) {
      EXPECT_GT(consumed, 0u);
      EXPECT_LE(consumed, buf.size());
      out.commands.emplace_back(args.begin(), args.end());
      buf.erase(0, consumed);
      continue;
    }
    if (r == Result::kError) {
      out.last = r;
      out.error = parser.error();
      break;
    }
    if (fed == data.size()) break;
    const size_t n = std::min(std::max<size_t>(next_chunk(), 1), data.size() - fed);
    std::string moved;
    moved.reserve(buf.size() + n);
    moved.append(buf).append(data.substr(fed, n));
    buf.swap(moved);
    fed += n;
  }
  out.leftover = out.last == Result::kError ? 0 : buf.size();
  return out;
}

Outcome FeedAll(std::string_view data, RequestParser::Limits limits = {}) {
  return Feed(
      data, [&] { return data.size(); }, limits);
}

// Parses `input` in one call and expects a single command.
Command ParseOne(std::string_view input, size_t* consumed_out = nullptr) {
  RequestParser parser;
  std::vector<std::string_view> args;
  size_t consumed = 0;
  EXPECT_EQ(parser.Parse(input, &args, &consumed), Result::kCommand) << parser.error();
  if (consumed_out) *consumed_out = consumed;
  return Command(args.begin(), args.end());
}

std::string ParseError(std::string_view input) {
  RequestParser parser;
  std::vector<std::string_view> args;
  size_t consumed = 0;
  const Result r = parser.Parse(input, &args, &consumed);
  EXPECT_EQ(r, Result::kError) << "input: " << input.substr(0, 40);
  return parser.error();
}

Result ParseResult(std::string_view input) {
  RequestParser parser;
  std::vector<std::string_view> args;
  size_t consumed = 0;
  return parser.Parse(input, &args, &consumed);
}

TEST(ParseStrictInt64Test, AcceptsCanonicalIntegers) {
  int64_t v = -1;
  EXPECT_TRUE(ParseStrictInt64("0", &v));
  EXPECT_EQ(v, 0);
  EXPECT_TRUE(ParseStrictInt64("42", &v));
  EXPECT_EQ(v, 42);
  EXPECT_TRUE(ParseStrictInt64("-17", &v));
  EXPECT_EQ(v, -17);
  EXPECT_TRUE(ParseStrictInt64("9223372036854775807", &v));
  EXPECT_EQ(v, INT64_MAX);
  EXPECT_TRUE(ParseStrictInt64("-9223372036854775808", &v));
  EXPECT_EQ(v, INT64_MIN);
}

TEST(ParseStrictInt64Test, RejectsNonCanonicalText) {
  int64_t v = 0;
  for (std::string_view s :
       {"", "-", "+1", "01", "00", "-0", "-01", " 1", "1 ", "1a", "0x10", "9223372036854775808",
        "-9223372036854775809", "99999999999999999999999", "1.0", "1e3"}) {
    EXPECT_FALSE(ParseStrictInt64(s, &v)) << s;
  }
}

TEST(RequestParserTest, ParsesMultibulk) {
  size_t consumed = 0;
  EXPECT_EQ(ParseOne("*1\r\n$4\r\nPING\r\n", &consumed), (Command{"PING"}));
  EXPECT_EQ(consumed, 14u);
  EXPECT_EQ(ParseOne("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nvalue\r\nextra", &consumed),
            (Command{"SET", "k", "value"}));
  EXPECT_EQ(consumed, 31u);
}

TEST(RequestParserTest, ArgumentsAreViewsIntoTheInput) {
  const std::string input = "*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n";
  RequestParser parser;
  std::vector<std::string_view> args;
  size_t consumed = 0;
  ASSERT_EQ(parser.Parse(input, &args, &consumed), Result::kCommand);
  ASSERT_EQ(args.size(), 2u);
  EXPECT_EQ(args[0].data(), input.data() + 8);
  EXPECT_EQ(args[1].data(), input.data() + 17);
}

TEST(RequestParserTest, BulksAreBinarySafe) {
  using namespace std::string_literals;
  const std::string input = "*4\r\n$4\r\na\r\nb\r\n$0\r\n\r\n$3\r\n\0\0\0\r\n$2\r\n$3\r\n"s;
  EXPECT_EQ(ParseOne(input), (Command{"a\r\nb", "", std::string("\0\0\0", 3), "$3"}));
}

TEST(RequestParserTest, EmptyAndNegativeCountsAreEmptyCommands) {
  for (const auto& [input, len] : std::vector<std::pair<std::string, size_t>>{
           {"*0\r\n", 4}, {"*-1\r\n", 5}, {"*-100\r\nPING\r\n", 7}}) {
    size_t consumed = 0;
    EXPECT_EQ(ParseOne(input, &consumed), Command{}) << input;
    EXPECT_EQ(consumed, len) << input;
  }
}

TEST(RequestParserTest, LikeRedisTheBytesAfterCrAreNotChecked) {
  // Redis skips two bytes after each '\r' and after each payload without looking at them.
  size_t consumed = 0;
  EXPECT_EQ(ParseOne("*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n", &consumed), Command{"PING"});
  EXPECT_EQ(consumed, 14u);
  EXPECT_EQ(ParseOne("*1\rX$4\r\nPING\r\n", &consumed), Command{"PING"});
  EXPECT_EQ(consumed, 14u);
  EXPECT_EQ(ParseOne("*1\r\n$4\rXPING\r\n", &consumed), Command{"PING"});
}

TEST(RequestParserTest, MultibulkErrorsMatchRedis) {
  const std::string kCount = "Protocol error: invalid multibulk length";
  const std::string kBulk = "Protocol error: invalid bulk length";
  for (std::string_view in : {"*+1\r\n", "*01\r\n", "*-0\r\n", "*\r\n", "* 1\r\n", "*1 \r\n",
                              "*1x\r\n", "*2147483648\r\n", "*9223372036854775808\r\n"}) {
    EXPECT_EQ(ParseError(in), kCount) << in;
  }
  for (std::string_view in :
       {"*1\r\n$-1\r\n", "*1\r\n$-0\r\n", "*1\r\n$+4\r\n", "*1\r\n$04\r\n", "*1\r\n$ 4\r\n",
        "*1\r\n$\r\n", "*1\r\n$536870913\r\n", "*2\r\n$1\r\na\r\n$x\r\n"}) {
    EXPECT_EQ(ParseError(in), kBulk) << in;
  }
  EXPECT_EQ(ParseError("*1\r\nx4\r\n"), "Protocol error: expected '$', got 'x'");
  EXPECT_EQ(ParseError("*2\r\n$1\r\na\r\n*1\r\n"), "Protocol error: expected '$', got '*'");
  EXPECT_EQ(ParseError("*1\r\n\xff\r\n"), "Protocol error: expected '$', got '\xff'");
  // An empty line or a bare "\n" line echoes CR/LF, which Redis turns into a space.
  EXPECT_EQ(ParseError("*1\r\n\r\n"), "Protocol error: expected '$', got ' '");
  EXPECT_EQ(ParseError("*1\r\n\n4\r\n"), "Protocol error: expected '$', got ' '");
}

TEST(RequestParserTest, LargestCountsAndLengthsAreAccepted) {
  EXPECT_EQ(ParseResult("*2147483647\r\n"), Result::kIncomplete);
  EXPECT_EQ(ParseResult("*1\r\n$536870912\r\n"), Result::kIncomplete);
}

TEST(RequestParserTest, MaxBulkLenIsConfigurable) {
  RequestParser::Limits limits;
  limits.max_bulk_len = 3;
  Outcome ok = FeedAll("*1\r\n$3\r\nabc\r\n", limits);
  EXPECT_EQ(ok.commands, std::vector<Command>{{"abc"}});
  Outcome bad = FeedAll("*1\r\n$4\r\nabcd\r\n", limits);
  EXPECT_EQ(bad.error, "Protocol error: invalid bulk length");
}

TEST(RequestParserTest, HeaderLineLengthLimits) {
  // Redis errors once more than 64 KiB are buffered without finding the line's '\r'.
  EXPECT_EQ(ParseResult("*" + std::string(kMaxInlineSize - 1, '1')), Result::kIncomplete);
  EXPECT_EQ(ParseError("*" + std::string(kMaxInlineSize, '1')),
            "Protocol error: too big mbulk count string");
  EXPECT_EQ(ParseResult("*1\r\n" + std::string(kMaxInlineSize, '$')), Result::kIncomplete);
  EXPECT_EQ(ParseError("*1\r\n" + std::string(kMaxInlineSize + 1, '$')),
            "Protocol error: too big bulk count string");
  // The bulk-header limit counts from the header, not from the start of the command.
  EXPECT_EQ(ParseResult("*2\r\n$3\r\nabc\r\n" + std::string(kMaxInlineSize, '$')),
            Result::kIncomplete);
  // A '\r' found in time is fine even if the line is long (it then fails as a number).
  EXPECT_EQ(ParseError("*1" + std::string(kMaxInlineSize, 'x') + "\r\n"),
            "Protocol error: invalid multibulk length");
}

TEST(RequestParserTest, InlineLengthLimit) {
  EXPECT_EQ(ParseResult(std::string(kMaxInlineSize, 'P')), Result::kIncomplete);
  EXPECT_EQ(ParseError(std::string(kMaxInlineSize + 1, 'P')),
            "Protocol error: too big inline request");
  EXPECT_EQ(ParseOne("ECHO " + std::string(kMaxInlineSize * 2, 'a') + "\n").size(), 2u);
}

TEST(RequestParserTest, NulHidesLineTerminatorLikeRedis) {
  // Redis looks for line ends with strchr(), which stops at NUL: the request stalls until the
  // line limit is exceeded.
  using namespace std::string_literals;
  EXPECT_EQ(ParseResult("*1\0\r\n$4\r\nPING\r\n"s), Result::kIncomplete);
  EXPECT_EQ(ParseResult("PING\0\r\n"s), Result::kIncomplete);
  EXPECT_EQ(ParseResult("*1\r\n$4\0\r\nPING\r\n"s), Result::kIncomplete);
  EXPECT_EQ(ParseResult("*1\r\n\0$4\r\nPING\r\n"s), Result::kIncomplete);
  EXPECT_EQ(ParseError("*1\0"s + std::string(kMaxInlineSize, 'x')),
            "Protocol error: too big mbulk count string");
  EXPECT_EQ(ParseError("PING\0"s + std::string(kMaxInlineSize, 'x') + "\n"),
            "Protocol error: too big inline request");
  // Once hidden, a terminator arriving later does not help either.
  EXPECT_EQ(Feed("*1\0\r\n$4\r\nPING\r\n"s, [] { return 1; }).commands.size(), 0u);
  // NULs after the terminator, or inside bulk payloads, are harmless.
  EXPECT_EQ(ParseOne("*1\r\n$1\r\n\0\r\n"s), Command{"\0"s});
  EXPECT_EQ(ParseOne("PING\n\0"s), Command{"PING"});
}

struct InlineCase {
  std::string line;
  Command args;
};

TEST(RequestParserTest, InlineSplittingMatchesRedis) {
  const std::vector<InlineCase> cases = {
      {"PING\r\n", {"PING"}},
      {"PING\n", {"PING"}},
      {"  PING\n", {"PING"}},
      {"SET  k\tv \r\n", {"SET", "k", "v"}},
      {"ECHO \"a\\x41\\n\\\"b\"\r\n", {"ECHO", "aA\n\"b"}},
      {"ECHO \"\\q\\b\\a\\t\\r\\\\\"\n", {"ECHO", "q\b\a\t\r\\"}},
      {"ECHO \"\\x4g\"\n", {"ECHO", "x4g"}},
      {"ECHO \"\\xff\\x00\"\n", {"ECHO", std::string("\xff\0", 2)}},
      {"ECHO 'a\\'b\\n'\r\n", {"ECHO", "a'b\\n"}},
      {"ECHO a\"b c\"\r\n", {"ECHO", "ab c"}},
      {"ECHO x'y z' w\r\n", {"ECHO", "xy z", "w"}},
      {"ECHO \"\"\r\n", {"ECHO", ""}},
      {"ECHO '' ''\r\n", {"ECHO", "", ""}},
      {"ECHO a\rb\n", {"ECHO", "a", "b"}},
      {"ECHO a\vb\n", {"ECHO", "a\vb"}},  // \v separates only when leading.
      {"ECHO\vab\n", {"ECHO\vab"}},
      {"\vECHO \fab\n", {"ECHO", "ab"}},
      {"ECHO \"a\"\v\n", {"ECHO", "a"}},  // ... but is a valid space after a closing quote.
      {"ECHO \"x\"\r\r\n", {"ECHO", "x"}},
      {"ECHO \xff\n", {"ECHO", "\xff"}},
      {"\r\n", {}},
      {"\n", {}},
      {"   \t \r\n", {}},
  };
  for (const InlineCase& c : cases) {
    size_t consumed = 0;
    EXPECT_EQ(ParseOne(c.line, &consumed), c.args) << c.line;
    EXPECT_EQ(consumed, c.line.size()) << c.line;
  }
}

TEST(RequestParserTest, InlineUnbalancedQuotes) {
  for (std::string_view in : {"ECHO \"ab\"c\r\n", "ECHO 'ab'c\r\n", "ECHO \"abc\r\n", "ECHO 'abc\n",
                              "ECHO \"a\\\n", "ECHO a\"\n", "ECHO \"a\"\"b\"\n", "ECHO '\\'\n"}) {
    EXPECT_EQ(ParseError(in), "Protocol error: unbalanced quotes in request") << in;
  }
}

TEST(RequestParserTest, InlineArgsWithoutQuotesAreZeroCopy) {
  const std::string input = "SET key \"quoted value\" plain\r\n";
  RequestParser parser;
  std::vector<std::string_view> args;
  size_t consumed = 0;
  ASSERT_EQ(parser.Parse(input, &args, &consumed), Result::kCommand);
  ASSERT_EQ(args.size(), 4u);
  EXPECT_EQ(args[0].data(), input.data());
  EXPECT_EQ(args[1].data(), input.data() + 4);
  EXPECT_EQ(args[2], "quoted value");
  EXPECT_EQ(args[3].data(), input.data() + 23);
}

TEST(RequestParserTest, IncompleteLeavesOutputsUntouched) {
  RequestParser parser;
  std::vector<std::string_view> args = {"sentinel"};
  size_t consumed = 99;
  EXPECT_EQ(parser.Parse("*2\r\n$3\r\nGET\r\n$3\r\nke", &args, &consumed), Result::kIncomplete);
  EXPECT_EQ(args.size(), 1u);
  EXPECT_EQ(consumed, 99u);
}

TEST(RequestParserTest, ErrorIsStickyUntilReset) {
  RequestParser parser;
  std::vector<std::string_view> args;
  size_t consumed = 0;
  ASSERT_EQ(parser.Parse("*x\r\n", &args, &consumed), Result::kError);
  EXPECT_EQ(parser.Parse("PING\r\n", &args, &consumed), Result::kError);
  parser.Reset();
  EXPECT_TRUE(parser.error().empty());
  ASSERT_EQ(parser.Parse("PING\r\n", &args, &consumed), Result::kCommand);
  EXPECT_EQ(args, std::vector<std::string_view>{"PING"});
}

TEST(RequestParserTest, ResetDiscardsPartialCommand) {
  RequestParser parser;
  std::vector<std::string_view> args;
  size_t consumed = 0;
  ASSERT_EQ(parser.Parse("*2\r\n$3\r\nGET\r\n", &args, &consumed), Result::kIncomplete);
  parser.Reset();
  ASSERT_EQ(parser.Parse("*1\r\n$4\r\nPING\r\n", &args, &consumed), Result::kCommand);
  EXPECT_EQ(args, std::vector<std::string_view>{"PING"});
}

TEST(RequestParserTest, BytesWantedReportsBulkInProgress) {
  RequestParser parser;
  std::vector<std::string_view> args;
  size_t consumed = 0;
  EXPECT_EQ(parser.BytesWanted(), 0u);
  const std::string head = "*2\r\n$3\r\nSET\r\n$100000\r\n";
  ASSERT_EQ(parser.Parse(head, &args, &consumed), Result::kIncomplete);
  EXPECT_EQ(parser.BytesWanted(), head.size() + 100000 + 2);
  std::string full = head + std::string(100000, 'v') + "\r\n";
  ASSERT_EQ(parser.Parse(full, &args, &consumed), Result::kCommand);
  EXPECT_EQ(consumed, full.size());
  EXPECT_EQ(parser.BytesWanted(), 0u);
}

TEST(RequestParserTest, HugeClaimedSizesAreNotAllocated) {
  RequestParser parser;
  std::vector<std::string_view> args;
  size_t consumed = 0;
  g_max_alloc = 0;
  EXPECT_EQ(parser.Parse("*2147483647\r\n$536870912\r\nabc", &args, &consumed),
            Result::kIncomplete);
  EXPECT_EQ(parser.BytesWanted(), 25u + 536870912u + 2u);
  EXPECT_LT(g_max_alloc.load(), 64u * 1024u);
}

// A pipeline mixing every kind of request; every way of splitting it must give the same commands.
std::string Pipeline() {
  std::string p;
  p += "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nva\r\nl\r\n";
  p += "PING\r\n";
  p += "*0\r\n";
  p += "*1\r\n$0\r\n\r\n";
  p += "ECHO \"hello\\nworld\" 'it\\'s' plain\n";
  p += "\r\n";
  p += "*-1\r\n";
  p += "*2\r\n$4\r\nECHO\r\n$19\r\n" + std::string("0123456789\r\n\0\0*$4\r\n", 19) + "\r\n";
  p += "  SET  a   b  \r\n";
  p += "*1\r\n$4\r\nPING\r\n";
  p += "*2\r\n$3\r\nGET\r\n$1\r\n";  // Incomplete tail.
  return p;
}

TEST(RequestParserTest, EverySplitPointMatchesOneShot) {
  const std::string data = Pipeline();
  const Outcome expected = FeedAll(data);
  ASSERT_EQ(expected.last, Result::kIncomplete);
  ASSERT_EQ(expected.commands.size(), 10u) << Describe(expected);
  EXPECT_EQ(expected.commands[0], (Command{"SET", "key", "va\r\nl"}));
  EXPECT_EQ(expected.commands[4], (Command{"ECHO", "hello\nworld", "it's", "plain"}))
      << Describe(expected);
  EXPECT_EQ(expected.leftover, 17u);

  // Byte by byte.
  EXPECT_EQ(Feed(data, [] { return 1; }), expected);
  // Two pieces, split at every position.
  for (size_t split = 0; split <= data.size(); ++split) {
    bool first = true;
    const Outcome got = Feed(data, [&] {
      const size_t n = first ? split : data.size();
      first = false;
      return n;
    });
    ASSERT_EQ(got, expected) << "split at " << split << ": " << Describe(got);
  }
  // Random chunkings.
  std::mt19937 rng(12345);
  for (int round = 0; round < 500; ++round) {
    const size_t max_chunk = 1 + rng() % 40;
    const Outcome got = Feed(data, [&] { return 1 + rng() % max_chunk; });
    ASSERT_EQ(got, expected) << "round " << round << ": " << Describe(got);
  }
}

TEST(RequestParserTest, ErrorsAreFoundAtAnySplit) {
  const std::string data = "*1\r\n$4\r\nPING\r\nECHO ok\n*2\r\n$3\r\nGET\r\n$-5\r\n*1\r\n";
  const Outcome expected = FeedAll(data);
  ASSERT_EQ(expected.error, "Protocol error: invalid bulk length");
  ASSERT_EQ(expected.commands.size(), 2u);
  EXPECT_EQ(Feed(data, [] { return 1; }), expected);
  std::mt19937 rng(7);
  for (int round = 0; round < 200; ++round) {
    EXPECT_EQ(Feed(data, [&] { return 1 + rng() % 10; }), expected);
  }
}

TEST(RequestParserTest, LargeBulkInSmallChunksIsLinear) {
  // 32 MB arriving 4 KB at a time: re-scanning the payload on every read would take minutes.
  constexpr size_t kSize = 32 << 20;
  std::string data = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + std::to_string(kSize) + "\r\n";
  const size_t header = data.size();
  data.append(kSize, 'x');
  data += "\r\n";
  RequestParser parser;
  std::vector<std::string_view> args;
  size_t consumed = 0;
  size_t have = 0;
  Result r = Result::kIncomplete;
  while (r == Result::kIncomplete && have < data.size()) {
    have = std::min(data.size(), have + 4096);
    r = parser.Parse(std::string_view(data).substr(0, have), &args, &consumed);
    if (r == Result::kIncomplete && have > header) {
      ASSERT_EQ(parser.BytesWanted(), data.size());
    }
  }
  ASSERT_EQ(r, Result::kCommand);
  EXPECT_EQ(consumed, data.size());
  ASSERT_EQ(args.size(), 3u);
  EXPECT_EQ(args[2].size(), kSize);
  EXPECT_EQ(args[2].data(), data.data() + header);
}

TEST(RequestParserTest, MillionArgumentsInSmallChunksIsLinear) {
  constexpr int kArgs = 1000000;
  std::string data = "*" + std::to_string(kArgs) + "\r\n";
  for (int i = 0; i < kArgs; ++i) data += "$1\r\n" + std::string(1, 'a' + i % 26) + "\r\n";
  RequestParser parser;
  std::vector<std::string_view> args;
  size_t consumed = 0;
  size_t have = 0;
  Result r = Result::kIncomplete;
  while (r == Result::kIncomplete && have < data.size()) {
    have = std::min(data.size(), have + 1000);
    r = parser.Parse(std::string_view(data).substr(0, have), &args, &consumed);
  }
  ASSERT_EQ(r, Result::kCommand);
  EXPECT_EQ(consumed, data.size());
  ASSERT_EQ(args.size(), static_cast<size_t>(kArgs));
  EXPECT_EQ(args[0], "a");
  EXPECT_EQ(args[kArgs - 1], std::string(1, 'a' + (kArgs - 1) % 26));
}

TEST(RequestParserTest, LongHeaderLineInTinyChunksIsNotRescanned) {
  // A 60 KB header line fed byte by byte: rescanning it each time would be ~1.8e9 byte reads.
  const std::string data = "*" + std::string(60000, '1');
  RequestParser parser;
  std::vector<std::string_view> args;
  size_t consumed = 0;
  for (size_t have = 1; have <= data.size(); ++have) {
    ASSERT_EQ(parser.Parse(std::string_view(data).substr(0, have), &args, &consumed),
              Result::kIncomplete);
  }
}

}  // namespace
}  // namespace cardinal::protocol
