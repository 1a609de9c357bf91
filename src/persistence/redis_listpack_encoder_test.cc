#include "persistence/redis_listpack_encoder.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace cardinal::persistence {
namespace {

std::string Bytes(std::initializer_list<int> b) {
  std::string s;
  for (int c : b) s.push_back(static_cast<char>(c));
  return s;
}

// The element bytes (encoding + payload + backlen) of a one-element listpack.
std::string IntElement(int64_t v) {
  std::string buf;
  RedisListpackBuilder b(&buf);
  b.AppendInt(v);
  std::string lp(b.Finish());
  return lp.substr(6, lp.size() - 7);
}

// Integer encodings at every width boundary; the expected bytes follow the listpack
// specification and match what redis-server 7.0.15 writes (e.g. 12 -> 0c01, 300 -> c12c02,
// -5 -> dffb02, -5000 -> f178ec03, 100000 -> f2a0860104, seen in its dump.rdb).
TEST(RedisListpackEncoderTest, IntegerEncodings) {
  EXPECT_EQ(IntElement(0), Bytes({0x00, 0x01}));
  EXPECT_EQ(IntElement(12), Bytes({0x0c, 0x01}));
  EXPECT_EQ(IntElement(127), Bytes({0x7f, 0x01}));
  EXPECT_EQ(IntElement(128), Bytes({0xc0, 0x80, 0x02}));
  EXPECT_EQ(IntElement(300), Bytes({0xc1, 0x2c, 0x02}));
  EXPECT_EQ(IntElement(-1), Bytes({0xdf, 0xff, 0x02}));
  EXPECT_EQ(IntElement(-5), Bytes({0xdf, 0xfb, 0x02}));
  EXPECT_EQ(IntElement(4095), Bytes({0xcf, 0xff, 0x02}));
  EXPECT_EQ(IntElement(-4096), Bytes({0xd0, 0x00, 0x02}));
  EXPECT_EQ(IntElement(4096), Bytes({0xf1, 0x00, 0x10, 0x03}));
  EXPECT_EQ(IntElement(-4097), Bytes({0xf1, 0xff, 0xef, 0x03}));
  EXPECT_EQ(IntElement(-5000), Bytes({0xf1, 0x78, 0xec, 0x03}));
  EXPECT_EQ(IntElement(32767), Bytes({0xf1, 0xff, 0x7f, 0x03}));
  EXPECT_EQ(IntElement(-32768), Bytes({0xf1, 0x00, 0x80, 0x03}));
  EXPECT_EQ(IntElement(32768), Bytes({0xf2, 0x00, 0x80, 0x00, 0x04}));
  EXPECT_EQ(IntElement(100000), Bytes({0xf2, 0xa0, 0x86, 0x01, 0x04}));
  EXPECT_EQ(IntElement(8388607), Bytes({0xf2, 0xff, 0xff, 0x7f, 0x04}));
  EXPECT_EQ(IntElement(-8388608), Bytes({0xf2, 0x00, 0x00, 0x80, 0x04}));
  EXPECT_EQ(IntElement(8388608), Bytes({0xf3, 0x00, 0x00, 0x80, 0x00, 0x05}));
  EXPECT_EQ(IntElement(INT32_MAX), Bytes({0xf3, 0xff, 0xff, 0xff, 0x7f, 0x05}));
  EXPECT_EQ(IntElement(INT32_MIN), Bytes({0xf3, 0x00, 0x00, 0x00, 0x80, 0x05}));
  EXPECT_EQ(IntElement(int64_t{INT32_MAX} + 1),
            Bytes({0xf4, 0x00, 0x00, 0x00, 0x80, 0, 0, 0, 0, 0x09}));
  EXPECT_EQ(IntElement(INT64_MIN), Bytes({0xf4, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x09}));
  EXPECT_EQ(IntElement(INT64_MAX),
            Bytes({0xf4, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x09}));
}

TEST(RedisListpackEncoderTest, StringHeaders) {
  std::string buf;
  RedisListpackBuilder b(&buf);
  b.AppendString("");
  b.AppendString("m2");
  b.AppendString(std::string(63, 'a'));
  b.AppendString(std::string(64, 'b'));
  b.AppendString(std::string(4095, 'c'));
  b.AppendString(std::string(4096, 'd'));
  const std::string lp(b.Finish());
  size_t p = 6;
  EXPECT_EQ(lp.substr(p, 2), Bytes({0x80, 0x01}));
  p += 2;
  EXPECT_EQ(lp.substr(p, 4), Bytes({0x82, 'm', '2', 0x03}));
  p += 4;
  EXPECT_EQ(static_cast<uint8_t>(lp[p]), 0xbf);  // 10 + 63
  EXPECT_EQ(static_cast<uint8_t>(lp[p + 64]), 64);
  p += 65;
  EXPECT_EQ(lp.substr(p, 2), Bytes({0xe0, 0x40}));  // 1110 + 12-bit 64
  EXPECT_EQ(lp.substr(p + 66, 1), Bytes({66}));
  p += 67;
  EXPECT_EQ(lp.substr(p, 2), Bytes({0xef, 0xff}));
  EXPECT_EQ(lp.substr(p + 4097, 2), Bytes({4097 >> 7, (4097 & 127) | 128}));
  p += 4099;
  EXPECT_EQ(lp.substr(p, 5), Bytes({0xf0, 0x00, 0x10, 0x00, 0x00}));
  p += 5 + 4096 + 2;
  EXPECT_EQ(p + 1, lp.size());
  EXPECT_EQ(static_cast<uint8_t>(lp.back()), 0xFF);
  EXPECT_EQ(lp.substr(0, 6), Bytes({static_cast<int>(lp.size() & 0xFF),
                                    static_cast<int>(lp.size() >> 8), 0, 0, 6, 0}));
}

// Redis recomputes the backlen width from the entry size when validating, so the widths must
// switch exactly at its boundaries.
TEST(RedisListpackEncoderTest, BacklenBoundaries) {
  struct Case {
    size_t len;
    size_t width;
  };
  for (const Case c :
       {Case{1, 1}, Case{127, 1}, Case{128, 2}, Case{16382, 2}, Case{16383, 3}, Case{2097150, 3},
        Case{2097151, 4}, Case{268435454, 4}, Case{268435455, 5}, Case{uint64_t{1} << 32, 5}}) {
    char b[5];
    ASSERT_EQ(RedisListpackBuilder::EncodeBacklen(c.len, b), c.width) << c.len;
    // Read right to left: low 7 bits first, continue while the top bit is set.
    uint64_t v = 0;
    unsigned shift = 0;
    size_t i = c.width;
    for (;;) {
      const uint8_t byte = static_cast<uint8_t>(b[--i]);
      v |= uint64_t{byte & 127u} << shift;
      if (!(byte & 128)) break;
      shift += 7;
      ASSERT_GT(i, 0u);
    }
    EXPECT_EQ(i, 0u) << c.len;  // the first byte ends the walk
    EXPECT_EQ(v, c.len);
  }
  char b[5];
  RedisListpackBuilder::EncodeBacklen(128, b);
  EXPECT_EQ(std::string(b, 2), Bytes({0x01, 0x80}));
}

TEST(RedisListpackEncoderTest, CountSaturatesAndSizesMatch) {
  std::string buf;
  RedisListpackBuilder b(&buf);
  size_t predicted = RedisListpackBuilder::kHeaderSize + 1;
  for (int i = 0; i < 70000; i++) {
    if (i % 3 == 0) {
      b.AppendInt(i * 977 - 30000000);
      predicted += RedisListpackBuilder::IntElementSize(i * 977 - 30000000);
    } else {
      const std::string s(static_cast<size_t>(i % 200), 'x');
      b.AppendString(s);
      predicted += RedisListpackBuilder::StringElementSize(s.size());
    }
    ASSERT_EQ(b.bytes(), predicted);
  }
  const std::string_view lp = b.Finish();
  EXPECT_EQ(lp.size(), predicted);
  EXPECT_EQ(static_cast<uint8_t>(lp[4]), 0xFF);
  EXPECT_EQ(static_cast<uint8_t>(lp[5]), 0xFF);
  EXPECT_EQ(b.count(), 70000u);
}

TEST(RedisListpackEncoderTest, EmptyListpack) {
  std::string buf = "garbage";
  RedisListpackBuilder b(&buf);
  EXPECT_EQ(b.Finish(), Bytes({7, 0, 0, 0, 0, 0, 0xFF}));
}

// A walk from the end by backlens lands on every element start, and a forward decode gives the
// appended values back: a stand-in for Redis's integrity check over a random mix.
TEST(RedisListpackEncoderTest, RandomRoundTrip) {
  std::mt19937_64 rng(42);
  std::string buf;
  RedisListpackBuilder b(&buf);
  struct Item {
    bool is_int;
    int64_t v;
    std::string s;
  };
  std::vector<Item> items;
  for (int i = 0; i < 3000; i++) {
    if (rng() % 2) {
      int shift = static_cast<int>(rng() % 64);
      int64_t v = static_cast<int64_t>(rng()) >> shift;
      items.push_back({true, v, {}});
      b.AppendInt(v);
    } else {
      size_t len = rng() % 5 == 0 ? rng() % 20000 : rng() % 100;
      std::string s(len, '\0');
      for (char& c : s) c = static_cast<char>(rng());
      items.push_back({false, 0, s});
      b.AppendString(s);
    }
  }
  const std::string lp(b.Finish());
  ASSERT_EQ(lp.size(), static_cast<uint32_t>(
                           static_cast<uint8_t>(lp[0]) | static_cast<uint8_t>(lp[1]) << 8 |
                           static_cast<uint8_t>(lp[2]) << 16 | static_cast<uint8_t>(lp[3]) << 24));
  auto u8 = [&](size_t i) { return static_cast<uint8_t>(lp[i]); };
  auto le = [&](size_t i, int n) {
    uint64_t v = 0;
    for (int k = 0; k < n; k++) v |= uint64_t{u8(i + k)} << (8 * k);
    return v;
  };
  std::vector<size_t> starts;
  size_t p = 6;
  for (const Item& it : items) {
    starts.push_back(p);
    const uint8_t e = u8(p);
    size_t enc_len;
    if (it.is_int) {
      int64_t got;
      if (e < 0x80) {
        got = e;
        enc_len = 1;
      } else if ((e & 0xE0) == 0xC0) {
        uint64_t t = (uint64_t{e & 0x1Fu} << 8) | u8(p + 1);
        got = t >= 4096 ? static_cast<int64_t>(t) - 8192 : static_cast<int64_t>(t);
        enc_len = 2;
      } else {
        const int n = e == 0xF1 ? 2 : e == 0xF2 ? 3 : e == 0xF3 ? 4 : 8;
        ASSERT_TRUE(e >= 0xF1 && e <= 0xF4);
        uint64_t t = le(p + 1, n);
        got = n == 8 ? static_cast<int64_t>(t)
                     : static_cast<int64_t>(t << (64 - 8 * n)) >> (64 - 8 * n);
        enc_len = 1 + static_cast<size_t>(n);
      }
      ASSERT_EQ(got, it.v);
    } else {
      size_t len;
      size_t hdr;
      if ((e & 0xC0) == 0x80) {
        len = e & 0x3F;
        hdr = 1;
      } else if ((e & 0xF0) == 0xE0) {
        len = (size_t{e & 0x0Fu} << 8) | u8(p + 1);
        hdr = 2;
      } else {
        ASSERT_EQ(e, 0xF0);
        len = le(p + 1, 4);
        hdr = 5;
      }
      ASSERT_EQ(lp.substr(p + hdr, len), it.s);
      enc_len = hdr + len;
    }
    char bl[5];
    const size_t bn = RedisListpackBuilder::EncodeBacklen(enc_len, bl);
    ASSERT_EQ(lp.substr(p + enc_len, bn), std::string(bl, bn));
    p += enc_len + bn;
  }
  ASSERT_EQ(p, lp.size() - 1);
  // Backwards.
  size_t end = lp.size() - 1;
  for (size_t i = items.size(); i-- > 0;) {
    uint64_t v = 0;
    unsigned shift = 0;
    size_t q = end;
    for (;;) {
      const uint8_t byte = u8(--q);
      v |= uint64_t{byte & 127u} << shift;
      if (!(byte & 128)) break;
      shift += 7;
    }
    ASSERT_EQ(q - v, starts[i]) << i;
    end = q - v;
  }
}

}  // namespace
}  // namespace cardinal::persistence
