// Tests for ReplyBuilder and FormatDouble. Expected bytes were checked against redis-server 7.0.15
// in RESP2 and after HELLO 3.
#include "protocol/reply_builder.h"

#include <gtest/gtest.h>

#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "protocol/resp_value.h"

namespace cardinal::protocol {

void PrintTo(const RespValue& v, std::ostream* os) { *os << v.DebugString(); }

namespace {

// Runs `fn` against a RESP2 and a RESP3 builder and returns the bytes each produced.
template <typename Fn>
std::pair<std::string, std::string> Both(Fn fn) {
  std::string out2, out3;
  ReplyBuilder b2(&out2);
  ReplyBuilder b3(&out3);
  b3.set_resp3(true);
  fn(b2);
  fn(b3);
  return {out2, out3};
}

using P = std::pair<std::string, std::string>;

TEST(FormatDoubleTest, MatchesRedis70) {
  // Values observed from ZSCORE / ZINCRBY on redis-server 7.0.15 (identical in RESP2 and RESP3).
  EXPECT_EQ(FormatDouble(1.1), "1.1000000000000001");        // ZADD z 1.1 a; ZSCORE z a
  EXPECT_EQ(FormatDouble(1.1 + 0.1), "1.2000000000000002");  // ZINCRBY z 0.1 a
  EXPECT_EQ(FormatDouble(1.2000000000000002 + 0.1), "1.3000000000000003");
  EXPECT_EQ(FormatDouble(1e300), "1.0000000000000001e+300");
  EXPECT_EQ(FormatDouble(3), "3");
  EXPECT_EQ(FormatDouble(-0.0), "-0");  // ZINCRBY w -0.0 x on a new member
  EXPECT_EQ(FormatDouble(0.0), "0");
  EXPECT_EQ(FormatDouble(1e-5), "1.0000000000000001e-05");
  EXPECT_EQ(FormatDouble(0.1), "0.10000000000000001");
  EXPECT_EQ(FormatDouble(123456789012345678.0), "1.2345678901234568e+17");
  EXPECT_EQ(FormatDouble(1.5e-310), "1.5000000000000201e-310");  // subnormal
  EXPECT_EQ(FormatDouble(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(FormatDouble(-std::numeric_limits<double>::infinity()), "-inf");
  EXPECT_EQ(FormatDouble(std::nan("")), "nan");
  EXPECT_EQ(FormatDouble(-std::nan("")), "nan");
}

TEST(FormatDoubleTest, EqualsPrintfPercent17g) {
  auto check = [](double d) {
    char expected[64];
    std::snprintf(expected, sizeof(expected), "%.17g", d);
    ASSERT_EQ(FormatDouble(d), expected) << d;
  };
  for (double d : {1.0, -1.0, 0.5, 2.5, 1e16, 1e17, 123456789.0, 1e-4, 1e-300, 4.9e-324,
                   std::numeric_limits<double>::max(), std::numeric_limits<double>::lowest(),
                   std::numeric_limits<double>::min(), 9007199254740993.0, 0.3}) {
    check(d);
  }
  std::mt19937_64 rng(42);
  for (int i = 0; i < 200000; ++i) {
    uint64_t bits = rng();
    double d;
    std::memcpy(&d, &bits, sizeof(d));
    if (std::isnan(d) || std::isinf(d)) continue;
    check(d);
  }
  std::uniform_real_distribution<double> dist(-1e6, 1e6);
  for (int i = 0; i < 100000; ++i) check(dist(rng));
}

TEST(FormatInt64Test, EdgeValues) {
  char buf[kMaxInt64Chars];
  for (int64_t v : {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{9}, int64_t{10}, int64_t{-10},
                    int64_t{99}, int64_t{100}, int64_t{101}, int64_t{12345}, INT64_MAX, INT64_MIN,
                    INT64_MAX - 1, INT64_MIN + 1}) {
    EXPECT_EQ(std::string(buf, FormatInt64To(v, buf)), std::to_string(v));
  }
  std::mt19937_64 rng(1);
  for (int i = 0; i < 100000; ++i) {
    const auto v = static_cast<int64_t>(rng() >> (rng() % 64));
    ASSERT_EQ(std::string(buf, FormatInt64To(v, buf)), std::to_string(v));
    ASSERT_EQ(std::string(buf, FormatInt64To(-v, buf)), std::to_string(-v));
  }
}

TEST(ReplyBuilderTest, SimpleAndOk) {
  EXPECT_EQ(Both([](ReplyBuilder& b) { b.SendSimple("PONG"); }), P("+PONG\r\n", "+PONG\r\n"));
  EXPECT_EQ(Both([](ReplyBuilder& b) { b.SendOk(); }), P("+OK\r\n", "+OK\r\n"));
}

TEST(ReplyBuilderTest, ErrorIsAlwaysOneLine) {
  EXPECT_EQ(Both([](ReplyBuilder& b) { b.SendError("ERR syntax error"); }),
            P("-ERR syntax error\r\n", "-ERR syntax error\r\n"));
  EXPECT_EQ(Both([](ReplyBuilder& b) { b.SendError("ERR bad\r\nthing\n"); }),
            P("-ERR bad  thing \r\n", "-ERR bad  thing \r\n"));
  // Only the message is sanitised, not what was already in the buffer.
  std::string out = "+A\r\n";
  ReplyBuilder b(&out);
  b.SendError("WRONGTYPE x\ny");
  EXPECT_EQ(out, "+A\r\n-WRONGTYPE x y\r\n");
}

TEST(ReplyBuilderTest, Long) {
  for (const auto& [v, text] :
       std::vector<std::pair<int64_t, std::string>>{{0, ":0\r\n"},
                                                    {1, ":1\r\n"},
                                                    {-1, ":-1\r\n"},
                                                    {42, ":42\r\n"},
                                                    {INT64_MAX, ":9223372036854775807\r\n"},
                                                    {INT64_MIN, ":-9223372036854775808\r\n"}}) {
    EXPECT_EQ(Both([v = v](ReplyBuilder& b) { b.SendLong(v); }), P(text, text));
  }
}

TEST(ReplyBuilderTest, Bulk) {
  EXPECT_EQ(Both([](ReplyBuilder& b) { b.SendBulk("hello"); }),
            P("$5\r\nhello\r\n", "$5\r\nhello\r\n"));
  EXPECT_EQ(Both([](ReplyBuilder& b) { b.SendBulk(""); }), P("$0\r\n\r\n", "$0\r\n\r\n"));
  const std::string bin("a\r\n\0b", 5);
  EXPECT_EQ(Both([&](ReplyBuilder& b) { b.SendBulk(bin); }),
            P("$5\r\n" + bin + "\r\n", "$5\r\n" + bin + "\r\n"));
  const std::string big(123456, 'x');
  EXPECT_EQ(Both([&](ReplyBuilder& b) { b.SendBulk(big); }).first, "$123456\r\n" + big + "\r\n");
}

TEST(ReplyBuilderTest, Nulls) {
  EXPECT_EQ(Both([](ReplyBuilder& b) { b.SendNull(); }), P("$-1\r\n", "_\r\n"));
  EXPECT_EQ(Both([](ReplyBuilder& b) { b.SendNullArray(); }), P("*-1\r\n", "_\r\n"));
}

TEST(ReplyBuilderTest, AggregateHeaders) {
  EXPECT_EQ(Both([](ReplyBuilder& b) { b.SendArrayLen(0); }), P("*0\r\n", "*0\r\n"));
  EXPECT_EQ(Both([](ReplyBuilder& b) { b.SendArrayLen(3); }), P("*3\r\n", "*3\r\n"));
  EXPECT_EQ(Both([](ReplyBuilder& b) { b.SendArrayLen(1000000); }),
            P("*1000000\r\n", "*1000000\r\n"));
  EXPECT_EQ(Both([](ReplyBuilder& b) { b.SendMapLen(7); }), P("*14\r\n", "%7\r\n"));
  EXPECT_EQ(Both([](ReplyBuilder& b) { b.SendMapLen(0); }), P("*0\r\n", "%0\r\n"));
  EXPECT_EQ(Both([](ReplyBuilder& b) { b.SendSetLen(2); }), P("*2\r\n", "~2\r\n"));
  EXPECT_EQ(Both([](ReplyBuilder& b) { b.SendPushLen(3); }), P("*3\r\n", ">3\r\n"));
}

TEST(ReplyBuilderTest, Double) {
  EXPECT_EQ(Both([](ReplyBuilder& b) { b.SendDouble(1.1); }),
            P("$18\r\n1.1000000000000001\r\n", ",1.1000000000000001\r\n"));
  EXPECT_EQ(Both([](ReplyBuilder& b) { b.SendDouble(3); }), P("$1\r\n3\r\n", ",3\r\n"));
  EXPECT_EQ(Both([](ReplyBuilder& b) { b.SendDouble(-0.0); }), P("$2\r\n-0\r\n", ",-0\r\n"));
  EXPECT_EQ(Both([](ReplyBuilder& b) { b.SendDouble(std::numeric_limits<double>::infinity()); }),
            P("$3\r\ninf\r\n", ",inf\r\n"));
  EXPECT_EQ(Both([](ReplyBuilder& b) { b.SendDouble(-std::numeric_limits<double>::infinity()); }),
            P("$4\r\n-inf\r\n", ",-inf\r\n"));
  EXPECT_EQ(Both([](ReplyBuilder& b) { b.SendDouble(1e300); }),
            P("$23\r\n1.0000000000000001e+300\r\n", ",1.0000000000000001e+300\r\n"));
}

TEST(ReplyBuilderTest, Bool) {
  EXPECT_EQ(Both([](ReplyBuilder& b) { b.SendBool(true); }), P(":1\r\n", "#t\r\n"));
  EXPECT_EQ(Both([](ReplyBuilder& b) { b.SendBool(false); }), P(":0\r\n", "#f\r\n"));
}

TEST(ReplyBuilderTest, BigNumber) {
  EXPECT_EQ(Both([](ReplyBuilder& b) { b.SendBigNumber("123456789012345678901234567890"); }),
            P("$30\r\n123456789012345678901234567890\r\n", "(123456789012345678901234567890\r\n"));
}

TEST(ReplyBuilderTest, Verbatim) {
  EXPECT_EQ(Both([](ReplyBuilder& b) { b.SendVerbatim("# Server\r\nx:1\r\n"); }),
            P("$15\r\n# Server\r\nx:1\r\n\r\n", "=19\r\ntxt:# Server\r\nx:1\r\n\r\n"));
  EXPECT_EQ(Both([](ReplyBuilder& b) { b.SendVerbatim("*hi*", "mkd"); }),
            P("$4\r\n*hi*\r\n", "=8\r\nmkd:*hi*\r\n"));
  EXPECT_EQ(Both([](ReplyBuilder& b) { b.SendVerbatim(""); }), P("$0\r\n\r\n", "=4\r\ntxt:\r\n"));
}

TEST(ReplyBuilderTest, Bulks) {
  const std::vector<std::string_view> items = {"a", "", "hello"};
  const std::string want = "*3\r\n$1\r\na\r\n$0\r\n\r\n$5\r\nhello\r\n";
  EXPECT_EQ(Both([&](ReplyBuilder& b) { b.SendBulks(items); }), P(want, want));
  EXPECT_EQ(Both([](ReplyBuilder& b) { b.SendBulks({}); }), P("*0\r\n", "*0\r\n"));
}

TEST(ReplyBuilderTest, AppendsAndRetargets) {
  std::string a = "existing";
  std::string c;
  ReplyBuilder b(&a);
  EXPECT_FALSE(b.resp3());
  b.SendOk();
  EXPECT_EQ(b.size(), 13u);
  b.set_out(&c);
  EXPECT_EQ(b.out(), &c);
  b.set_resp3(true);
  EXPECT_TRUE(b.resp3());
  b.SendNull();
  EXPECT_EQ(a, "existing+OK\r\n");
  EXPECT_EQ(c, "_\r\n");
  EXPECT_EQ(b.size(), 3u);
}

// Builds one reply exercising every method, then decodes it back.
void BuildEverything(ReplyBuilder& b) {
  b.SendArrayLen(15);
  b.SendSimple("PONG");
  b.SendOk();
  b.SendError("ERR oops");
  b.SendLong(-12345);
  b.SendBulk(std::string("bin\r\n\0", 6));
  b.SendNull();
  b.SendNullArray();
  b.SendMapLen(1);
  b.SendBulk("field");
  b.SendDouble(2.5);
  b.SendSetLen(2);
  b.SendLong(1);
  b.SendLong(0);
  b.SendPushLen(1);
  b.SendBulk("message");
  b.SendDouble(0.1);
  b.SendBool(true);
  b.SendBigNumber("-99999999999999999999");
  b.SendVerbatim("line1\nline2");
  const std::vector<std::string_view> items = {"x", "y"};
  b.SendBulks(items);
  b.SendArrayLen(0);
}

TEST(ReplyBuilderTest, RoundTripsThroughDecoderResp2) {
  std::string out;
  ReplyBuilder b(&out);
  BuildEverything(b);
  size_t consumed = 0;
  std::string error;
  const auto v = DecodeReply(out, &consumed, &error);
  ASSERT_TRUE(v.has_value()) << error;
  using V = RespValue;
  const V expected = V::Aggregate(
      V::kArray, {V::Simple("PONG"), V::Simple("OK"), V::Error("ERR oops"), V::Int(-12345),
                  V::Bulk(std::string("bin\r\n\0", 6)), V::Of(V::kNullBulk), V::Of(V::kNullArray),
                  V::Aggregate(V::kArray, {V::Bulk("field"), V::Bulk("2.5")}),
                  V::Aggregate(V::kArray, {V::Int(1), V::Int(0)}),
                  V::Aggregate(V::kArray, {V::Bulk("message")}), V::Bulk("0.10000000000000001"),
                  V::Int(1), V::Bulk("-99999999999999999999"), V::Bulk("line1\nline2"),
                  V::Aggregate(V::kArray, {V::Bulk("x"), V::Bulk("y")})});
  EXPECT_EQ(*v, expected);
  // The trailing "*0" is a second, separate reply.
  size_t consumed2 = 0;
  const auto empty = DecodeReply(std::string_view(out).substr(consumed), &consumed2);
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(*empty, V::Aggregate(V::kArray, {}));
  EXPECT_EQ(consumed + consumed2, out.size());
}

TEST(ReplyBuilderTest, RoundTripsThroughDecoderResp3) {
  std::string out;
  ReplyBuilder b(&out);
  b.set_resp3(true);
  BuildEverything(b);
  size_t consumed = 0;
  std::string error;
  const auto v = DecodeReply(out, &consumed, &error);
  ASSERT_TRUE(v.has_value()) << error;
  using V = RespValue;
  const V expected = V::Aggregate(
      V::kArray,
      {V::Simple("PONG"), V::Simple("OK"), V::Error("ERR oops"), V::Int(-12345),
       V::Bulk(std::string("bin\r\n\0", 6)), V::Of(V::kNull), V::Of(V::kNull),
       V::Aggregate(V::kMap, {V::Bulk("field"), V::Double(2.5, "2.5")}),
       V::Aggregate(V::kSet, {V::Int(1), V::Int(0)}), V::Aggregate(V::kPush, {V::Bulk("message")}),
       V::Double(0.1, "0.10000000000000001"), V::Bool(true), V::BigNumber("-99999999999999999999"),
       V::Verbatim("line1\nline2"), V::Aggregate(V::kArray, {V::Bulk("x"), V::Bulk("y")})});
  EXPECT_EQ(*v, expected);
  // Then the trailing "*0".
  const std::string_view rest = std::string_view(out).substr(consumed);
  size_t consumed2 = 0;
  const auto empty = DecodeReply(rest, &consumed2);
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(*empty, V::Aggregate(V::kArray, {}));
  EXPECT_EQ(consumed + consumed2, out.size());
}

// ---- DecodeReply ----

RespValue DecodeOk(std::string_view in) {
  size_t consumed = 0;
  std::string error;
  auto v = DecodeReply(in, &consumed, &error);
  EXPECT_TRUE(v.has_value()) << error << " for " << in;
  EXPECT_EQ(consumed, in.size()) << in;
  return v.value_or(RespValue::Error("<decode failed>"));
}

std::string DecodeMalformed(std::string_view in) {
  size_t consumed = 0;
  std::string error;
  EXPECT_FALSE(DecodeReply(in, &consumed, &error).has_value()) << in;
  EXPECT_FALSE(error.empty()) << "expected malformed, got incomplete: " << in;
  return error;
}

TEST(DecodeReplyTest, Scalars) {
  using V = RespValue;
  EXPECT_EQ(DecodeOk("+OK\r\n"), V::Simple("OK"));
  EXPECT_EQ(DecodeOk("+\r\n"), V::Simple(""));
  EXPECT_EQ(DecodeOk("-ERR x y\r\n"), V::Error("ERR x y"));
  EXPECT_EQ(DecodeOk("!8\r\nERR a\r\nb\r\n"), V::Error("ERR a\r\nb"));
  EXPECT_EQ(DecodeOk(":-9223372036854775808\r\n"), V::Int(INT64_MIN));
  EXPECT_EQ(DecodeOk(std::string("$3\r\na\0b\r\n", 9)), V::Bulk(std::string("a\0b", 3)));
  EXPECT_EQ(DecodeOk("$0\r\n\r\n"), V::Bulk(""));
  EXPECT_EQ(DecodeOk("$-1\r\n"), V::Of(V::kNullBulk));
  EXPECT_EQ(DecodeOk("*-1\r\n"), V::Of(V::kNullArray));
  EXPECT_EQ(DecodeOk("_\r\n"), V::Of(V::kNull));
  EXPECT_EQ(DecodeOk("#t\r\n"), V::Bool(true));
  EXPECT_EQ(DecodeOk("#f\r\n"), V::Bool(false));
  EXPECT_EQ(DecodeOk("(3492890328409238509324850943850943825024385\r\n"),
            V::BigNumber("3492890328409238509324850943850943825024385"));
  EXPECT_EQ(DecodeOk("=15\r\ntxt:Some string\r\n"), V::Verbatim("Some string"));
  EXPECT_EQ(DecodeOk(",1.5e-310\r\n"), V::Double(1.5e-310, "1.5e-310"));
  EXPECT_EQ(DecodeOk(",-0\r\n"), V::Double(-0.0, "-0"));
  EXPECT_EQ(DecodeOk(",inf\r\n"), V::Double(std::numeric_limits<double>::infinity(), "inf"));
  EXPECT_EQ(DecodeOk(",-inf\r\n"), V::Double(-std::numeric_limits<double>::infinity(), "-inf"));
  const RespValue nan = DecodeOk(",nan\r\n");
  EXPECT_EQ(nan.type, V::kDouble);
  EXPECT_TRUE(std::isnan(nan.dbl));
}

TEST(DecodeReplyTest, AggregatesAndAttributes) {
  using V = RespValue;
  EXPECT_EQ(DecodeOk("*2\r\n*1\r\n:1\r\n$-1\r\n"),
            V::Aggregate(V::kArray, {V::Aggregate(V::kArray, {V::Int(1)}), V::Of(V::kNullBulk)}));
  EXPECT_EQ(DecodeOk("%1\r\n+k\r\n~2\r\n:1\r\n:2\r\n"),
            V::Aggregate(V::kMap, {V::Simple("k"), V::Aggregate(V::kSet, {V::Int(1), V::Int(2)})}));
  EXPECT_EQ(DecodeOk(">2\r\n$7\r\nmessage\r\n_\r\n"),
            V::Aggregate(V::kPush, {V::Bulk("message"), V::Of(V::kNull)}));
  EXPECT_EQ(DecodeOk("|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.19\r\n*1\r\n:7\r\n"),
            V::Aggregate(V::kArray, {V::Int(7)}));
}

TEST(DecodeReplyTest, RealRedisHello3Reply) {
  // Captured from redis-server 7.0.15.
  const std::string hello =
      "%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n"
      "$2\r\nid\r\n:62\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n"
      "$7\r\nmodules\r\n*0\r\n";
  const RespValue v = DecodeOk(hello);
  ASSERT_EQ(v.type, RespValue::kMap);
  ASSERT_EQ(v.elems.size(), 14u);
  EXPECT_EQ(v.elems[3], RespValue::Bulk("7.0.15"));
  EXPECT_EQ(v.elems[13], RespValue::Aggregate(RespValue::kArray, {}));
}

TEST(DecodeReplyTest, EveryPrefixIsIncomplete) {
  const std::string in =
      "*5\r\n$5\r\nhello\r\n%1\r\n+a\r\n,1.5\r\n=8\r\nmkd:*hi*\r\n|1\r\n+x\r\n+y\r\n#t\r\n"
      "!3\r\nERR\r\n";
  const RespValue full = DecodeOk(in);
  for (size_t n = 0; n < in.size(); ++n) {
    size_t consumed = 77;
    std::string error = "unset";
    EXPECT_FALSE(DecodeReply(in.substr(0, n), &consumed, &error).has_value()) << n;
    EXPECT_EQ(error, "") << n;
    EXPECT_EQ(consumed, 77u);
  }
  // Trailing bytes are left for the next call.
  size_t consumed = 0;
  const auto v = DecodeReply(in + "+next\r\n", &consumed);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(*v, full);
  EXPECT_EQ(consumed, in.size());
}

TEST(DecodeReplyTest, HugeClaimsAreIncompleteNotAllocated) {
  size_t consumed = 0;
  std::string error;
  EXPECT_FALSE(DecodeReply("*9223372036854775807\r\n:1\r\n", &consumed, &error).has_value());
  EXPECT_EQ(error, "");
  EXPECT_FALSE(DecodeReply("%4611686018427387904\r\n", &consumed, &error).has_value());
  EXPECT_EQ(error, "");
  EXPECT_FALSE(DecodeReply("$9223372036854775807\r\nabc", &consumed, &error).has_value());
  EXPECT_EQ(error, "");
}

TEST(DecodeReplyTest, Malformed) {
  for (std::string_view in : {"?\r\n",
                              "+a\nb\r\n",
                              "+a\rb\r\n",
                              ":1.5\r\n",
                              ":+1\r\n",
                              ":\r\n",
                              "$3\r\nabcd\r\n",
                              "$-2\r\n",
                              "$x\r\n",
                              "*-2\r\n",
                              "%-1\r\n",
                              "#x\r\n",
                              ",abc\r\n",
                              ",\r\n",
                              "_x\r\n",
                              "=2\r\nab\r\n",
                              "=5\r\ntxtx1\r\n",
                              "*1\r\n?\r\n",
                              "*2\r\n:1\r\n:x\r\n",
                              "+ok\n"}) {
    DecodeMalformed(in);
  }
  std::string deep;
  for (int i = 0; i < 600; ++i) deep += "*1\r\n";
  deep += ":1\r\n";
  EXPECT_EQ(DecodeMalformed(deep), "aggregates nested too deeply");
}

}  // namespace
}  // namespace cardinal::protocol
