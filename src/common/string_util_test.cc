// Tests for string_util: each accept/reject verdict and each formatted string below was observed
// on redis-server 7.0.15 (raw RESP requests, so whitespace and NUL bytes reached the server
// unmodified). Where Redis's parsed value is not directly visible (SCAN cursors, long double
// bits) the tests compare against the C library routine Redis itself calls.
#include "common/string_util.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cerrno>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <string_view>

namespace cardinal {
namespace {

using namespace std::string_view_literals;  // "..."sv keeps embedded NULs.

// --- Integers -------------------------------------------------------------------------------

// Arguments INCRBY, EXPIRE and SETRANGE all accepted (same verdict for each command).
TEST(ParseInt64Test, AcceptedByRedis) {
  struct Case {
    std::string_view in;
    int64_t want;
  };
  const Case cases[] = {
      {"1", 1},
      {"0", 0},
      {"-1", -1},
      {"10", 10},
      {"9223372036854775807", INT64_MAX},
      {"-9223372036854775808", INT64_MIN},
  };
  for (const Case& c : cases) {
    int64_t v = 42;
    EXPECT_TRUE(ParseInt64(c.in, &v)) << c.in;
    EXPECT_EQ(v, c.want) << c.in;
  }
}

// Arguments INCRBY/EXPIRE/SETRANGE rejected with "ERR value is not an integer or out of range".
TEST(ParseInt64Test, RejectedByRedis) {
  const std::string_view cases[] = {
      "+1"sv,
      "01"sv,
      "-0"sv,
      " 1"sv,
      "1 "sv,
      "\t1"sv,
      "1\n"sv,
      ""sv,
      "-"sv,
      "00"sv,
      "-01"sv,
      "1a"sv,
      "0x10"sv,
      "1.0"sv,
      "1e3"sv,
      "1\0"sv,
      "9223372036854775808"sv,
      "-9223372036854775809"sv,
      "18446744073709551615"sv,
      "123456789012345678901"sv,
      "-00000000000000000001"sv,
  };
  for (std::string_view c : cases) {
    int64_t v = 42;
    EXPECT_FALSE(ParseInt64(c, &v)) << c;
    EXPECT_EQ(v, 42) << "output must be untouched on failure: " << c;
  }
}

TEST(ParseInt64Test, RoundTripsFormatInt64) {
  std::mt19937_64 rng(12345);
  for (int i = 0; i < 100000; ++i) {
    // Mix full-range values with small ones so every digit count is exercised.
    int64_t v = static_cast<int64_t>(rng());
    if (i % 2) v >>= (rng() % 64);
    std::string s = Int64ToString(v);
    EXPECT_EQ(s, std::to_string(v));
    int64_t back;
    ASSERT_TRUE(ParseInt64(s, &back)) << s;
    EXPECT_EQ(back, v);
  }
}

TEST(ParseUint64Test, CanonicalOnly) {
  uint64_t v = 7;
  EXPECT_TRUE(ParseUint64("0", &v));
  EXPECT_EQ(v, 0u);
  EXPECT_TRUE(ParseUint64("18446744073709551615", &v));
  EXPECT_EQ(v, UINT64_MAX);
  EXPECT_TRUE(ParseUint64("9223372036854775808", &v));
  EXPECT_EQ(v, 9223372036854775808u);
  for (std::string_view c : {""sv, "+1"sv, "-1"sv, "-0"sv, "01"sv, " 1"sv, "1 "sv, "1\0"sv,
                             "18446744073709551616"sv, "99999999999999999999"sv}) {
    EXPECT_FALSE(ParseUint64(c, &v)) << c;
  }
}

// SCAN and HSCAN accepted these cursors (reply "0" + empty page on an empty db / missing key).
TEST(ParseScanCursorTest, AcceptedByRedis) {
  struct Case {
    std::string_view in;
    uint64_t want;
  };
  const Case cases[] = {
      {"0"sv, 0},
      {"1"sv, 1},
      {"+1"sv, 1},
      {"01"sv, 1},
      {"-0"sv, 0},
      {"-1"sv, UINT64_MAX},
      {"-18446744073709551615"sv, 1},
      {""sv, 0},
      {"18446744073709551615"sv, UINT64_MAX},
      {"9223372036854775808"sv, 9223372036854775808u},
      {"00000000000000000000000000001"sv, 1},
      {"1\0"sv, 1},
      {"1\0abc"sv, 1},
      {"\0"sv, 0},
      {"-1\0"sv, UINT64_MAX},
      {"0\0"
       "1"sv,
       0},
  };
  for (const Case& c : cases) {
    uint64_t v = 42;
    EXPECT_TRUE(ParseScanCursor(c.in, &v)) << c.in;
    EXPECT_EQ(v, c.want) << c.in;
  }
}

// SCAN and HSCAN replied "ERR invalid cursor".
TEST(ParseScanCursorTest, RejectedByRedis) {
  for (std::string_view c : {"-18446744073709551616"sv, " 1"sv, "1 "sv, "18446744073709551616"sv,
                             "0x10"sv, "1a"sv, "\t1"sv, "+"sv, "-"sv, " "sv, "\v1"sv}) {
    uint64_t v = 42;
    EXPECT_FALSE(ParseScanCursor(c, &v)) << c;
  }
}

// Redis passes the cursor to strtoul(); check the whole rule against the real thing.
TEST(ParseScanCursorTest, MatchesStrtoulRule) {
  auto redis_rule = [](const std::string& s, uint64_t* out) {
    char* end;
    errno = 0;
    unsigned long v = strtoul(s.c_str(), &end, 10);
    if ((!s.empty() && (s[0] == ' ' || (s[0] >= '\t' && s[0] <= '\r'))) || *end != '\0' ||
        errno == ERANGE) {
      return false;
    }
    *out = v;
    return true;
  };
  const char alphabet[] = {'0', '1', '9', '5', '-', '+', ' ', '\t', 'x', 'a', '\0', '.'};
  std::mt19937 rng(7);
  for (int i = 0; i < 200000; ++i) {
    std::string s;
    size_t len = rng() % 24;
    for (size_t j = 0; j < len; ++j) {
      // Digits dominate so that long valid numbers (and overflows) actually occur.
      s.push_back(rng() % 4 ? static_cast<char>('0' + rng() % 10) : alphabet[rng() % 12]);
    }
    uint64_t want = 0;
    uint64_t got = 0;
    bool want_ok = redis_rule(s, &want);
    EXPECT_EQ(ParseScanCursor(s, &got), want_ok) << s;
    if (want_ok) {
      EXPECT_EQ(got, want) << s;
    }
  }
}

// SET k <s>; OBJECT ENCODING k answered "int" for these (GET returned the same bytes).
TEST(ValueIsCanonicalInt64Test, IntEncodedByRedis) {
  struct Case {
    std::string_view in;
    int64_t want;
  };
  const Case cases[] = {
      {"123", 123},
      {"0", 0},
      {"-1", -1},
      {"9999", 9999},
      {"10000", 10000},
      {"10001", 10001},
      {"9223372036854775807", INT64_MAX},
      {"-9223372036854775808", INT64_MIN},
  };
  for (const Case& c : cases) {
    int64_t v;
    ASSERT_TRUE(ValueIsCanonicalInt64(c.in, &v)) << c.in;
    EXPECT_EQ(v, c.want);
    EXPECT_EQ(Int64ToString(v), c.in) << "GET must reproduce the original bytes";
  }
}

// OBJECT ENCODING answered "embstr" for these.
TEST(ValueIsCanonicalInt64Test, StringEncodedByRedis) {
  for (std::string_view c :
       {"0123"sv, "-0"sv, "9223372036854775808"sv, " 1"sv, "1 "sv, "+1"sv, ""sv, "1.0"sv, "00"sv,
        "-9223372036854775809"sv, "12345678901234567890"sv, "111111111111111111111"sv}) {
    int64_t v;
    EXPECT_FALSE(ValueIsCanonicalInt64(c, &v)) << c;
  }
}

TEST(FormatInt64Test, EdgeValues) {
  char buf[kInt64BufSize];
  const int64_t values[] = {0,   1,    -1,    9,      10,        -10,       99,           100,
                            101, 9999, 10000, -99999, INT64_MAX, INT64_MIN, INT64_MIN + 1};
  for (int64_t v : values) {
    size_t n = FormatInt64(v, buf);
    EXPECT_EQ(std::string(buf, n), std::to_string(v));
  }
  EXPECT_EQ(FormatInt64(INT64_MIN, buf), 20u);
  EXPECT_EQ(Int64ToString(INT64_MIN), "-9223372036854775808");
  // Every power of ten and its neighbours, where digit-pair loops usually go wrong.
  for (int64_t p = 1;; p *= 10) {
    for (int64_t v : {p - 1, p, p + 1, -p}) EXPECT_EQ(Int64ToString(v), std::to_string(v));
    if (p > INT64_MAX / 10) break;  // 10^18 is the last power of ten that fits.
  }
}

// --- Long doubles (INCRBYFLOAT) ---------------------------------------------------------------

struct IncrCase {
  std::string_view increment;
  std::string_view reply;
};

// INCRBYFLOAT on a missing key: the reply (== the stored value) for each increment.
const IncrCase kIncrFromMissingKey[] = {
    {"1", "1"},
    {"+1.5", "1.5"},
    {".5", "0.5"},
    {"5.", "5"},
    {"-.5", "-0.5"},
    {"0x10", "16"},
    {"0X1p4", "16"},
    {"1.5e3", "1500"},
    {"3.0e3", "3000"},
    {"1e+3", "1000"},
    {"0e0", "0"},
    {"5.0e-20", "0"},
    {"0.1", "0.1"},
    {"-0.1", "-0.1"},
    {"-0", "0"},
    {"-0.0", "0"},
    {"1e-17", "0.00000000000000001"},
    {"5e-18", "0"},
    {"6e-18", "0.00000000000000001"},
    {"-5e-18", "0"},
    {"-6e-18", "-0.00000000000000001"},
    {"1.5e-17", "0.00000000000000002"},
    {"2.5e-17", "0.00000000000000002"},
    // Exact binary ties at the 18th decimal: printf rounds half to even.
    {"0.000003814697265625", "0.00000381469726562"},
    {"0.000011444091796875", "0.00001144409179688"},
    {"123456789.123456789123", "123456789.12345678912242875"},
    {"1.0000000000000000001", "1"},
    {"999999999999999999999.9", "1000000000000000000000"},
    {"1e20", "100000000000000000000"},
    {"1e21", "1000000000000000000000"},
    {"1e300",
     "1000000000000000000008997324079559193870523944273290747938260082321265646596180935755849"
     "1520837504971903503725086142748359035925561846729839130962605207486462873271356418436532"
     "9408425510760601678972665293237003055138294762099454029477278188962060617926761162709741"
     "0650567187386105690089424915104006144"},
    {"1e-4940", "0"},
    {"3.6e-4951", "0"},
    {"0x1p-16445", "0"},
    {"0e-5000", "0"},
    {"9223372036854775808", "9223372036854775808"},
    {"-9223372036854775809", "-9223372036854775809"},
    {"18446744073709551616", "18446744073709551616"},
    {"0.30000000000000004", "0.30000000000000004"},
    {"1.7976931348623157e308",
     "1797693134862315699959210467741044340483864469443291784853144207651766285231243963547018"
     "6860838708556442879341942552068930870836345113605535789727802647761707349897768628839483"
     "5618163294045594434929537447290627480669417384648879122776218333598953852832103282504751"
     "611691208117720159985926376802466863339536384"},
    {"2e308",
     "1999999999999999999933717593116912913211201996948311344155940959898434697376761237442002"
     "5384377707864089349445010802644630426949918792116719484162886039283753591820003920638155"
     "7326219209014213335878306791577877829121087126122536729803237260434173178506889763247582"
     "601711514636284849020905456510092687857156096"},
};

TEST(LongDoubleTest, IncrByFloatFromMissingKey) {
  for (const IncrCase& c : kIncrFromMissingKey) {
    long double incr;
    ASSERT_TRUE(ParseLongDouble(c.increment, &incr)) << c.increment;
    // A missing key starts at 0 (+0.0): the same sum Redis computes.
    long double sum = 0.0L + incr;
    EXPECT_EQ(FormatLongDoubleHuman(sum), c.reply) << c.increment;
  }
}

TEST(LongDoubleTest, IncrByFloatOnExistingValue) {
  struct Case {
    std::string_view stored;
    std::string_view increment;
    std::string_view reply;
  };
  const Case cases[] = {
      {"10.5", "0.1", "10.6"},
      {"1.1", "2.2", "3.3"},
      {"3", "0.1", "3.1"},
      {"100", "-100.5", "-0.5"},
      {"0.1", "0.2", "0.3"},
      {"9223372036854775807", "1", "9223372036854775808"},
      {"-0.0", "-0", "0"},  // -0.0 + -0.0 is -0.0, still printed "0".
      {"1", "-1", "0"},
      {"5", "0", "5"},
      {"5.000", "0", "5"},
      {"0x10", "0", "16"},
      {"1e2", "0", "100"},
      {"12.000000000000000001", "0", "12"},
      {"12345678901234567890", "0", "12345678901234567890"},
  };
  for (const Case& c : cases) {
    long double a;
    long double b;
    ASSERT_TRUE(ParseLongDouble(c.stored, &a)) << c.stored;
    ASSERT_TRUE(ParseLongDouble(c.increment, &b)) << c.increment;
    EXPECT_EQ(FormatLongDoubleHuman(a + b), c.reply) << c.stored << " + " << c.increment;
  }
  // SET k 1e4000; INCRBYFLOAT k 1e4000 replied 4001 digits starting "19999999999999999999930927".
  long double big;
  ASSERT_TRUE(ParseLongDouble("1e4000", &big));
  std::string s = FormatLongDoubleHuman(big + big);
  EXPECT_EQ(s.size(), 4001u);
  EXPECT_EQ(s.substr(0, 26), "19999999999999999999930927");
  EXPECT_EQ(s.substr(s.size() - 8), "02681344");
  // The largest finite long double still fits the formatting buffer.
  EXPECT_EQ(FormatLongDoubleHuman(LDBL_MAX).size(), 4933u);
  EXPECT_EQ(FormatLongDoubleHuman(-LDBL_MAX).size(), 4934u);
}

// Results Redis answered "ERR increment would produce NaN or Infinity" for: the inputs parse,
// the sum is not finite (the caller's check).
TEST(LongDoubleTest, NonFiniteResultsParseButAreNotFinite) {
  struct Case {
    std::string_view stored;  // "" = missing key
    std::string_view increment;
  };
  const Case cases[] = {
      {"", "inf"}, {"", "-inf"},    {"", "+inf"}, {"", "infinity"},
      {"", "INF"}, {"inf", "-inf"}, {"inf", "1"}, {"1.18e4932", "1.18e4932"},
  };
  for (const Case& c : cases) {
    long double a = 0;
    long double b;
    if (!c.stored.empty()) {
      ASSERT_TRUE(ParseLongDouble(c.stored, &a)) << c.stored;
    }
    ASSERT_TRUE(ParseLongDouble(c.increment, &b)) << c.increment;
    EXPECT_FALSE(std::isfinite(a + b)) << c.stored << " + " << c.increment;
  }
}

// INCRBYFLOAT replied "ERR value is not a valid float" (as argument or as stored value).
TEST(LongDoubleTest, RejectedByRedis) {
  const std::string_view cases[] = {
      " 1"sv,         "1 "sv,        "1e"sv,  "nan"sv, "NaN"sv, "-nan"sv, ""sv,
      "1\0"sv,        "1\0abc"sv,    "\t1"sv, "1_0"sv, "e3"sv,  "abc"sv,  "-"sv,
      "1e-5000"sv,                    // underflows to zero
      "1e-4951"sv,                    // below half the smallest subnormal: rounds to zero
      "0x1p-16446"sv,                 // exactly half the smallest subnormal: ties to even, zero
      "1e5000"sv,     "1.19e4932"sv,  // overflow
  };
  for (std::string_view c : cases) {
    long double v = 42;
    EXPECT_FALSE(ParseLongDouble(c, &v)) << c;
    EXPECT_EQ(v, 42) << c;
  }
}

TEST(LongDoubleTest, LengthLimit) {
  // "000...01" of 5119 bytes was accepted (as argument and as stored value); 5120 rejected.
  std::string ok(kMaxLongDoubleChars - 2, '0');
  ok += '1';
  ASSERT_EQ(ok.size(), 5119u);
  long double v;
  EXPECT_TRUE(ParseLongDouble(ok, &v));
  EXPECT_EQ(v, 1.0L);
  EXPECT_FALSE(ParseLongDouble("0" + ok, &v));
  // '1' x 5119 is a valid length but overflows.
  EXPECT_FALSE(ParseLongDouble(std::string(5119, '1'), &v));
}

TEST(LongDoubleTest, SubnormalsAccepted) {
  long double v;
  ASSERT_TRUE(ParseLongDouble("0x1p-16445", &v));
  EXPECT_EQ(v, std::numeric_limits<long double>::denorm_min());
  ASSERT_TRUE(ParseLongDouble("3.6e-4951", &v));
  EXPECT_EQ(v, std::numeric_limits<long double>::denorm_min());
  EXPECT_TRUE(ParseLongDouble("1e-4950", &v));
  EXPECT_GT(v, 0);
}

TEST(LongDoubleTest, FormatNonFinite) {
  EXPECT_EQ(FormatLongDoubleHuman(std::numeric_limits<long double>::infinity()), "inf");
  EXPECT_EQ(FormatLongDoubleHuman(-std::numeric_limits<long double>::infinity()), "-inf");
  EXPECT_EQ(FormatLongDoubleHuman(std::numeric_limits<long double>::quiet_NaN()), "nan");
}

// --- Doubles (ZADD) ---------------------------------------------------------------------------

TEST(ParseDoubleTest, AcceptedByZadd) {
  struct Case {
    std::string_view in;
    double want;
  };
  const double inf = std::numeric_limits<double>::infinity();
  const Case cases[] = {
      {"1", 1},
      {"inf", inf},
      {"+inf", inf},
      {"-inf", -inf},
      {"INF", inf},
      {"Infinity", inf},
      {"-infinity", -inf},
      {"1e3", 1000},
      {"0x10", 16},
      {"0x1p3", 8},
      {".5", 0.5},
      {"5.", 5},
      {"-.5", -0.5},
      {"+.5", 0.5},
      {"-0", -0.0},
      {"0e-1000", 0},
      {"4.9e-324", std::numeric_limits<double>::denorm_min()},
      {"3e-324", std::numeric_limits<double>::denorm_min()},
      {"1e-310", 1e-310},
  };
  for (const Case& c : cases) {
    double v = 42;
    ASSERT_TRUE(ParseDouble(c.in, &v)) << c.in;
    EXPECT_EQ(v, c.want) << c.in;
  }
  double v;
  ASSERT_TRUE(ParseDouble("-0", &v));
  EXPECT_TRUE(std::signbit(v));
  // No length limit: 6000 zeros then "1" was accepted as score 1.
  std::string long_one(6000, '0');
  long_one += '1';
  ASSERT_TRUE(ParseDouble(long_one, &v));
  EXPECT_EQ(v, 1.0);
}

// ZADD replied "ERR value is not a valid float".
TEST(ParseDoubleTest, RejectedByZadd) {
  for (std::string_view c :
       {"nan"sv, "NaN"sv, "1e"sv, " 1"sv, "1 "sv, ""sv, "1\0"sv, "1e400"sv, "-1e400"sv, "1e-400"sv,
        "2e-324"sv, "2.4e-324"sv, "1_0"sv, "\t1"sv, "- 1"sv, "+-1"sv, "1e+"sv}) {
    double v = 42;
    EXPECT_FALSE(ParseDouble(c, &v)) << c;
    EXPECT_EQ(v, 42) << c;
  }
  double v;
  EXPECT_FALSE(ParseDouble(std::string(400, '1'), &v));  // overflow
  std::string long_bad(6000, '0');
  long_bad += " ";
  EXPECT_FALSE(ParseDouble(long_bad, &v));  // heap-copy path keeps the same rules
}

// --- Blocking timeouts (BLPOP) ----------------------------------------------------------------

TEST(ParseTimeoutSecondsTest, AcceptedByBlpop) {
  struct Case {
    std::string_view in;
    int64_t want_ms;
  };
  const Case cases[] = {
      {"0.5", 500},      // blocked, then timed out
      {"1e3", 1000000},  // blocked
      {"0", 0},          // blocked forever
      {"-0", 0},         // blocked forever
      {"-0.0001", 0},    // ceil(-0.1 ms) == 0: blocked forever
      {"-0.001", 0},     // -0.001L * 1000 lands just above -1, ceil gives 0: blocked
      {"0.0001", 1},     // timed out almost at once (ceil to 1 ms)
      {"1e-10", 1},      // same
      {".1", 100},
      {"0x10", 16000},
      {"+1", 1000},
      {"01", 1000},
      {"5.", 5000},
      {"1e15", 1000000000000000000},
      {"9223372036854775", 9223372036854775000},
      {"9223372036854775.806", 9223372036854775806},
      {"9223372036854775.807", INT64_MAX},  // blocked (Redis's deadline overflowed)
  };
  for (const Case& c : cases) {
    int64_t ms = -42;
    std::string err;
    ASSERT_TRUE(ParseTimeoutSeconds(c.in, &ms, &err)) << c.in << ": " << err;
    EXPECT_EQ(ms, c.want_ms) << c.in;
  }
}

TEST(ParseTimeoutSecondsTest, RejectedByBlpop) {
  struct Case {
    std::string_view in;
    std::string_view error;
  };
  constexpr std::string_view kNotFloat = "ERR timeout is not a float or out of range";
  constexpr std::string_view kNegative = "ERR timeout is negative";
  const Case cases[] = {
      {"-1", kNegative},
      {"-0.0011", kNegative},
      {"abc", kNotFloat},
      {"nan", kNotFloat},
      {" 1", kNotFloat},
      {"1 ", kNotFloat},
      {"", kNotFloat},
      {"1e5000", kNotFloat},
      {"1e-5000", kNotFloat},
      // Redis 7.0 casts out-of-range milliseconds to INT64_MIN, hence "negative".
      {"inf", kNegative},
      {"+inf", kNegative},
      {"-inf", kNegative},
      {"9223372036854776", kNegative},
      {"9223372036854775807", kNegative},
      {"1e16", kNegative},
      {"9223372036854775.8075", kNegative},
      {"9223372036854775.808", kNegative},
  };
  for (const Case& c : cases) {
    int64_t ms = -42;
    std::string err;
    EXPECT_FALSE(ParseTimeoutSeconds(c.in, &ms, &err)) << c.in;
    EXPECT_EQ(err, c.error) << c.in;
    EXPECT_EQ(ms, -42) << c.in;
  }
}

// --- ASCII case helpers -----------------------------------------------------------------------

TEST(CaseTest, EqualsIgnoreCase) {
  EXPECT_TRUE(EqualsIgnoreCase("GET", "get"));
  EXPECT_TRUE(EqualsIgnoreCase("IncrByFloat", "INCRBYFLOAT"));
  EXPECT_TRUE(EqualsIgnoreCase("", ""));
  EXPECT_FALSE(EqualsIgnoreCase("get", "gets"));
  EXPECT_FALSE(EqualsIgnoreCase("@", "`"));  // differ only in bit 0x20 but are not letters
  EXPECT_FALSE(EqualsIgnoreCase("[", "{"));
  EXPECT_FALSE(EqualsIgnoreCase("\xc3\x89", "\xc3\xa9"));  // UTF-8 É/é: ASCII-only folding
  EXPECT_TRUE(EqualsIgnoreCase("a\0b"sv, "A\0B"sv));
  EXPECT_FALSE(EqualsIgnoreCase("a\0b"sv, "a\0c"sv));
}

TEST(CaseTest, LowerAndUpper) {
  std::string s = "SeT Ex@[`{\xc3\x89";
  ToLowerAscii(&s);
  EXPECT_EQ(s, "set ex@[`{\xc3\x89");
  EXPECT_EQ(ToUpperAscii("set ex@[`{\xc3\xa9"), "SET EX@[`{\xc3\xa9");
  EXPECT_EQ(ToUpperAscii(""), "");
}

}  // namespace
}  // namespace cardinal
