// Blob decoders against blobs assembled here byte by byte from the format descriptions (ziplist,
// listpack, intset, zipmap), covering every entry encoding, and against corrupt variants.
#include "persistence/redis_encodings.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

namespace cardinal::persistence::redis_enc {
namespace {

void PutLE(std::string* out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void PutBE(std::string* out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

// Expected decoder output, in text form ("i:<n>" for integers, "s:<bytes>" for strings).
std::vector<std::string> Texts(const std::vector<BlobElement>& elems) {
  std::vector<std::string> out;
  for (const BlobElement& e : elems) {
    out.push_back(e.is_int ? "i:" + std::to_string(e.ival) : "s:" + std::string(e.str));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Ziplist

// Builds a ziplist entry by entry; each entry's encoding bytes are given explicitly so every
// encoding (and non-minimal ones) can be produced.
class ZiplistBuilder {
 public:
  ZiplistBuilder& Raw(const std::string& encoded, bool large_prevlen = false) {
    std::string e;
    if (prev_ < 254 && !large_prevlen) {
      e.push_back(static_cast<char>(prev_));
    } else {
      e.push_back(static_cast<char>(0xFE));
      PutLE(&e, prev_, 4);
    }
    e += encoded;
    tail_ = 10 + body_.size();
    body_ += e;
    prev_ = e.size();
    count_++;
    return *this;
  }
  ZiplistBuilder& Str(const std::string& s) {
    std::string enc;
    if (s.size() < 64) {
      enc.push_back(static_cast<char>(s.size()));
    } else if (s.size() < 16384) {
      enc.push_back(static_cast<char>(0x40 | (s.size() >> 8)));
      enc.push_back(static_cast<char>(s.size() & 0xFF));
    } else {
      enc.push_back(static_cast<char>(0x80));
      PutBE(&enc, s.size(), 4);
    }
    return Raw(enc + s);
  }
  // An integer with the encoding byte `enc` and `width` payload bytes.
  ZiplistBuilder& Int(uint8_t enc, int64_t v, int width) {
    std::string e(1, static_cast<char>(enc));
    PutLE(&e, static_cast<uint64_t>(v), width);
    return Raw(e);
  }
  std::string Build(int64_t count_override = -1) const {
    std::string out;
    PutLE(&out, 10 + body_.size() + 1, 4);
    PutLE(&out, count_ == 0 ? 10 : tail_, 4);
    PutLE(&out, count_override >= 0 ? static_cast<uint64_t>(count_override) : count_, 2);
    return out + body_ + "\xff";
  }

 private:
  std::string body_;
  size_t prev_ = 0, tail_ = 10, count_ = 0;
};

TEST(Ziplist, EveryEncoding) {
  const std::string s300(300, 'x');
  const std::string s20000(20000, 'y');
  ZiplistBuilder b;
  b.Str("")
      .Str("abc")
      .Str(std::string(63, 'a'))
      .Str(std::string(64, 'b'))  // 14-bit length
      .Str(s300)                  // the next entry needs a 5-byte prevlen
      .Int(0xF1, 0, 0)            // 4-bit immediates: 0xF1 = 0 ... 0xFD = 12
      .Int(0xFD, 0, 0)
      .Int(0xFE, -128, 1)  // int8
      .Int(0xFE, 127, 1)
      .Int(0xC0, -32768, 2)  // int16
      .Int(0xF0, -8388608, 3)  // int24
      .Int(0xF0, 8388607, 3)
      .Int(0xD0, -2147483648LL, 4)  // int32
      .Int(0xE0, INT64_MIN, 8)      // int64
      .Int(0xE0, INT64_MAX, 8)
      .Str(s20000)  // 32-bit length
      .Str("end");
  std::vector<BlobElement> out;
  const std::string blob = b.Build();  // the elements view into it
  ASSERT_TRUE(DecodeZiplist(blob, 0, &out).ok());
  const std::vector<std::string> want = {
      "s:", "s:abc", "s:" + std::string(63, 'a'), "s:" + std::string(64, 'b'), "s:" + s300,
      "i:0", "i:12", "i:-128", "i:127", "i:-32768", "i:-8388608", "i:8388607", "i:-2147483648",
      "i:" + std::to_string(INT64_MIN), "i:" + std::to_string(INT64_MAX), "s:" + s20000, "s:end"};
  EXPECT_EQ(Texts(out), want);
}

TEST(Ziplist, Empty) {
  std::vector<BlobElement> out = {BlobElement{"stale"}};
  ASSERT_TRUE(DecodeZiplist(ZiplistBuilder().Build(), 0, &out).ok());
  EXPECT_TRUE(out.empty());
}

TEST(Ziplist, LargePrevlenHoldingASmallValue) {
  // Writers may keep a 5-byte prevlen after the previous entry shrank.
  ZiplistBuilder b;
  b.Str("a").Raw(std::string("\x02", 1) + "bc", /*large_prevlen=*/true);
  std::vector<BlobElement> out;
  const std::string blob = b.Build();
  ASSERT_TRUE(DecodeZiplist(blob, 0, &out).ok());
  EXPECT_EQ(Texts(out), (std::vector<std::string>{"s:a", "s:bc"}));
}

TEST(Ziplist, UnknownCountIsCounted) {
  ZiplistBuilder b;
  b.Str("a").Str("b");
  std::vector<BlobElement> out;
  ASSERT_TRUE(DecodeZiplist(b.Build(0xFFFF), 0, &out).ok());
  EXPECT_EQ(out.size(), 2u);
}

// Expects DecodeZiplist to fail with a message containing `what` and "at offset <offset>".
void ExpectZiplistError(const std::string& blob, const std::string& what, uint64_t offset) {
  std::vector<BlobElement> out;
  Status s = DecodeZiplist(blob, 1000, &out);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  EXPECT_NE(s.message().find("ziplist: " + what), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("at offset " + std::to_string(1000 + offset)), std::string::npos)
      << s.message();
}

TEST(Ziplist, Corruption) {
  ZiplistBuilder b;
  b.Str("ab").Int(0xC0, 1000, 2);
  const std::string good = b.Build();  // header 10, "\0\x02ab" at 10, "\x04\xc0.." at 14, end 18
  ASSERT_EQ(good.size(), 19u);

  ExpectZiplistError(good.substr(0, 10), "10 bytes is shorter", 0);
  std::string s = good;
  s[0] = 20;
  ExpectZiplistError(s, "header says 20 bytes but the blob has 19", 0);
  s = good;
  s.back() = 0;
  ExpectZiplistError(s, "missing end marker", 18);
  s = good;
  s[14] = 3;  // prevlen of the second entry
  ExpectZiplistError(s, "prevlen 3 does not match the previous entry's 4 bytes", 14);
  s = good;
  s[4] = 10;  // zltail
  ExpectZiplistError(s, "tail offset 10 but the last entry is at 14", 4);
  s = good;
  s[8] = 3;  // zllen
  ExpectZiplistError(s, "header counts 3 entries but the blob has 2", 8);
  s = good;
  s[11] = 0x3F;  // the string now claims 63 bytes
  ExpectZiplistError(s, "string runs past the end", 11);
  s = good;
  s[15] = static_cast<char>(0xC1);  // not an integer encoding
  ExpectZiplistError(s, "invalid entry encoding", 15);
  s = good;
  s[15] = static_cast<char>(0xE0);  // int64 needs 8 bytes, 2 remain
  ExpectZiplistError(s, "integer runs past the end", 15);
  s = good;
  s[14] = static_cast<char>(0xFF);  // an end marker where an entry starts
  ExpectZiplistError(s, "end marker before the end", 14);
  s = good;
  s[14] = static_cast<char>(0xFE);  // a 5-byte prevlen that does not fit
  ExpectZiplistError(s, "prevlen cut off", 14);
  // A 32-bit string length of 4 GiB.
  std::string huge;
  PutLE(&huge, 17, 4);
  PutLE(&huge, 10, 4);
  PutLE(&huge, 1, 2);
  huge += std::string("\0\x80\xff\xff\xff\xff", 6) + "\xff";
  ExpectZiplistError(huge, "string runs past the end", 11);
}

// ---------------------------------------------------------------------------------------------
// Listpack

// The backlen as the format lays it out; thresholds as redis-server 7.0.15 writes them
// (checked against its dumps: an element of 16383 bytes takes a 3-byte backlen).
std::string Backlen(size_t len) {
  size_t n = len <= 127 ? 1 : len < 16383 ? 2 : len < 2097151 ? 3 : len < 268435455 ? 4 : 5;
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    const size_t shift = 7 * (n - 1 - i);
    out.push_back(static_cast<char>(((len >> shift) & 127) | (i == 0 ? 0 : 128)));
  }
  return out;
}

class ListpackBuilder {
 public:
  ListpackBuilder& Raw(const std::string& encoded) {
    body_ += encoded + Backlen(encoded.size());
    count_++;
    return *this;
  }
  ListpackBuilder& Str(const std::string& s) {
    std::string enc;
    if (s.size() < 64) {
      enc.push_back(static_cast<char>(0x80 | s.size()));
    } else if (s.size() < 4096) {
      enc.push_back(static_cast<char>(0xE0 | (s.size() >> 8)));
      enc.push_back(static_cast<char>(s.size() & 0xFF));
    } else {
      enc.push_back(static_cast<char>(0xF0));
      PutLE(&enc, s.size(), 4);
    }
    return Raw(enc + s);
  }
  ListpackBuilder& UInt7(uint8_t v) { return Raw(std::string(1, static_cast<char>(v))); }
  ListpackBuilder& Int13(int v) {
    const unsigned u = static_cast<unsigned>(v) & 0x1FFF;
    return Raw(std::string{static_cast<char>(0xC0 | (u >> 8)), static_cast<char>(u & 0xFF)});
  }
  // 0xF1..0xF4: 16, 24, 32, 64-bit integers.
  ListpackBuilder& Int(uint8_t enc, int64_t v, int width) {
    std::string e(1, static_cast<char>(enc));
    PutLE(&e, static_cast<uint64_t>(v), width);
    return Raw(e);
  }
  std::string Build(int64_t count_override = -1) const {
    std::string out;
    PutLE(&out, 6 + body_.size() + 1, 4);
    PutLE(&out, count_override >= 0 ? static_cast<uint64_t>(count_override) : count_, 2);
    return out + body_ + "\xff";
  }

 private:
  std::string body_;
  size_t count_ = 0;
};

TEST(Listpack, EveryEncoding) {
  ListpackBuilder b;
  b.UInt7(0)
      .UInt7(127)
      .Int13(-4096)
      .Int13(4095)
      .Int13(-1)
      .Int(0xF1, -32768, 2)
      .Int(0xF1, 32767, 2)
      .Int(0xF2, -8388608, 3)
      .Int(0xF2, 8388607, 3)
      .Int(0xF3, INT32_MIN, 4)
      .Int(0xF4, INT64_MIN, 8)
      .Int(0xF4, INT64_MAX, 8)
      .Str("")
      .Str(std::string(63, 'a'))    // 6-bit length
      .Str(std::string(64, 'b'))    // 12-bit length, 2-byte backlen below
      .Str(std::string(4095, 'c'))  // 12-bit length
      .Str(std::string(4096, 'd'))  // 32-bit length
      .Str(std::string(16378, 'e'))  // 16383 bytes with its header: a 3-byte backlen
      .Str(std::string(16377, 'f'))  // 16382 bytes: still 2
      .Str("tail");
  std::vector<BlobElement> out;
  const std::string blob = b.Build();
  Status s = DecodeListpack(blob, 0, &out);
  ASSERT_TRUE(s.ok()) << s.message();
  const std::vector<std::string> want = {
      "i:0", "i:127", "i:-4096", "i:4095", "i:-1", "i:-32768", "i:32767", "i:-8388608",
      "i:8388607", "i:" + std::to_string(INT32_MIN), "i:" + std::to_string(INT64_MIN),
      "i:" + std::to_string(INT64_MAX), "s:", "s:" + std::string(63, 'a'),
      "s:" + std::string(64, 'b'), "s:" + std::string(4095, 'c'), "s:" + std::string(4096, 'd'),
      "s:" + std::string(16378, 'e'), "s:" + std::string(16377, 'f'), "s:tail"};
  EXPECT_EQ(Texts(out), want);
}

TEST(Listpack, BacklenSizesMatchRedis) {
  // Bytes redis-server 7.0.15 wrote after one-element list nodes of these sizes.
  EXPECT_EQ(Backlen(16383), std::string("\x00\xff\xff", 3));
  EXPECT_EQ(Backlen(16382), std::string("\x7f\xfe", 2));
  EXPECT_EQ(Backlen(2097151), std::string("\x00\xff\xff\xff", 4));
  EXPECT_EQ(Backlen(2097150), std::string("\x7f\xff\xfe", 3));
}

TEST(Listpack, EmptyAndUnknownCount) {
  std::vector<BlobElement> out;
  ASSERT_TRUE(DecodeListpack(ListpackBuilder().Build(), 0, &out).ok());
  EXPECT_TRUE(out.empty());
  ListpackBuilder b;
  b.Str("x").UInt7(5);
  const std::string blob = b.Build(0xFFFF);
  ASSERT_TRUE(DecodeListpack(blob, 0, &out).ok());
  EXPECT_EQ(Texts(out), (std::vector<std::string>{"s:x", "i:5"}));
}

void ExpectListpackError(const std::string& blob, const std::string& what, uint64_t offset) {
  std::vector<BlobElement> out;
  Status s = DecodeListpack(blob, 500, &out);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("listpack: " + what), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("at offset " + std::to_string(500 + offset)), std::string::npos)
      << s.message();
}

TEST(Listpack, Corruption) {
  ListpackBuilder b;
  b.Str("ab").Int(0xF1, 1000, 2);
  const std::string good = b.Build();  // header 6, "\x82ab\x03" at 6, "\xf1..\x03" at 10, end 14
  ASSERT_EQ(good.size(), 15u);

  ExpectListpackError(good.substr(0, 6), "6 bytes is shorter", 0);
  std::string s = good;
  s[0] = 16;
  ExpectListpackError(s, "header says 16 bytes but the blob has 15", 0);
  s = good;
  s.back() = 0;
  ExpectListpackError(s, "missing end marker", 14);
  s = good;
  s[9] = 2;  // backlen of "ab"
  ExpectListpackError(s, "backlen does not match the element's 3 bytes", 9);
  s = good;
  s[4] = 3;
  ExpectListpackError(s, "header counts 3 elements but the blob has 2", 4);
  s = good;
  s[6] = static_cast<char>(0xBF);  // a 63-byte string
  ExpectListpackError(s, "string runs past the end", 6);
  s = good;
  s[10] = static_cast<char>(0xF5);
  ExpectListpackError(s, "invalid element encoding", 10);
  s = good;
  s[10] = static_cast<char>(0xF4);  // int64 needs 8 bytes
  ExpectListpackError(s, "integer runs past the end", 10);
  s = good;
  s[10] = static_cast<char>(0xFF);
  ExpectListpackError(s, "end marker before the end", 10);
  s = good;
  s[10] = static_cast<char>(0xF0);  // 32-bit string length cut off by the end marker
  ExpectListpackError(s, "string length cut off", 10);
  // An element whose backlen would need bytes past the end.
  std::string cut = std::string("\x0a\0\0\0\x01\0", 6) + "\x82" + "ab" + "\xff";
  ExpectListpackError(cut, "backlen runs past the end", 9);
  // A 32-bit string claiming 4 GiB.
  std::string huge = std::string("\x0c\0\0\0\x01\0", 6) + "\xf0\xff\xff\xff\xff" + "\xff";
  ExpectListpackError(huge, "string runs past the end", 6);
}

// ---------------------------------------------------------------------------------------------
// Intset

std::string Intset(uint32_t width, const std::vector<int64_t>& values, int64_t count = -1) {
  std::string out;
  PutLE(&out, width, 4);
  PutLE(&out, count >= 0 ? static_cast<uint64_t>(count) : values.size(), 4);
  for (int64_t v : values) PutLE(&out, static_cast<uint64_t>(v), static_cast<int>(width));
  return out;
}

TEST(Intset, Widths) {
  std::vector<int64_t> out;
  ASSERT_TRUE(DecodeIntset(Intset(2, {-32768, -1, 0, 32767}), 0, &out).ok());
  EXPECT_EQ(out, (std::vector<int64_t>{-32768, -1, 0, 32767}));
  ASSERT_TRUE(DecodeIntset(Intset(4, {INT32_MIN, 5, INT32_MAX}), 0, &out).ok());
  EXPECT_EQ(out, (std::vector<int64_t>{INT32_MIN, 5, INT32_MAX}));
  ASSERT_TRUE(DecodeIntset(Intset(8, {INT64_MIN, 0, INT64_MAX}), 0, &out).ok());
  EXPECT_EQ(out, (std::vector<int64_t>{INT64_MIN, 0, INT64_MAX}));
  ASSERT_TRUE(DecodeIntset(Intset(2, {}), 0, &out).ok());
  EXPECT_TRUE(out.empty());
}

void ExpectIntsetError(const std::string& blob, const std::string& what, uint64_t offset) {
  std::vector<int64_t> out;
  Status s = DecodeIntset(blob, 7, &out);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("intset: " + what), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("at offset " + std::to_string(7 + offset)), std::string::npos)
      << s.message();
}

TEST(Intset, Corruption) {
  ExpectIntsetError("\x02\0\0", "header cut off", 0);
  ExpectIntsetError(Intset(3, {}), "invalid element width 3", 0);
  ExpectIntsetError(Intset(2, {1, 2}, 3), "header counts 3 members of 2 bytes", 4);
  ExpectIntsetError(Intset(4, {1, 2}) + "x", "header counts 2 members of 4 bytes", 4);
  ExpectIntsetError(Intset(4, {1, 2}, 0x40000001), "header counts 1073741825", 4);
  ExpectIntsetError(Intset(2, {1, 3, 2}), "members not in strictly ascending order", 12);
  ExpectIntsetError(Intset(8, {5, 5}), "members not in strictly ascending order", 16);
}

// ---------------------------------------------------------------------------------------------
// Zipmap

std::string ZipmapLen(size_t n) {
  if (n < 254) return std::string(1, static_cast<char>(n));
  std::string out(1, static_cast<char>(254));
  PutLE(&out, n, 4);
  return out;
}

std::string Zipmap(const std::vector<std::pair<std::string, std::string>>& pairs, int count = -1,
                   int free = 0) {
  std::string out(1, static_cast<char>(count >= 0 ? count : static_cast<int>(pairs.size())));
  for (const auto& [k, v] : pairs) {
    out += ZipmapLen(k.size()) + k + ZipmapLen(v.size()) + static_cast<char>(free) + v +
           std::string(static_cast<size_t>(free), '?');
  }
  return out + "\xff";
}

TEST(Zipmap, Pairs) {
  std::vector<BlobElement> out;
  const std::string long_value(300, 'v');
  const std::string blob = Zipmap({{"f", "1"}, {"long", long_value}, {"", ""}});
  ASSERT_TRUE(DecodeZipmap(blob, 0, &out).ok());
  EXPECT_EQ(Texts(out), (std::vector<std::string>{"s:f", "s:1", "s:long", "s:" + long_value,
                                                   "s:", "s:"}));
  // Free bytes after values are skipped; 254 means "count unknown".
  const std::string unknown_count = Zipmap({{"a", "b"}, {"c", "d"}}, 254, 3);
  ASSERT_TRUE(DecodeZipmap(unknown_count, 0, &out).ok());
  EXPECT_EQ(Texts(out), (std::vector<std::string>{"s:a", "s:b", "s:c", "s:d"}));
  ASSERT_TRUE(DecodeZipmap(Zipmap({}), 0, &out).ok());
  EXPECT_TRUE(out.empty());
}

void ExpectZipmapError(const std::string& blob, const std::string& what, uint64_t offset) {
  std::vector<BlobElement> out;
  Status s = DecodeZipmap(blob, 0, &out);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("zipmap: " + what), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("at offset " + std::to_string(offset)), std::string::npos)
      << s.message();
}

TEST(Zipmap, Corruption) {
  const std::string good = Zipmap({{"ab", "cd"}});  // 01 02 'ab' 02 00 'cd' ff
  ASSERT_EQ(good.size(), 9u);
  ExpectZipmapError("\x01", "1 bytes is shorter", 0);
  std::string s = good;
  s.back() = 0;
  ExpectZipmapError(s, "missing end marker", 8);
  s = good;
  s[0] = 2;
  ExpectZipmapError(s, "header counts 2 pairs but the blob has 1", 0);
  s = good;
  s[1] = 9;
  ExpectZipmapError(s, "key runs past the end", 1);
  s = good;
  s[4] = 5;
  ExpectZipmapError(s, "value runs past the end", 4);
  s = good;
  s[5] = 3;  // free bytes past the end
  ExpectZipmapError(s, "value runs past the end", 4);
  s = good;
  s[4] = static_cast<char>(0xFF);
  ExpectZipmapError(s, "end marker inside a pair", 4);
  s = good;
  s[1] = static_cast<char>(0xFE);  // a 5-byte length with 6 bytes left but a key beyond them
  ExpectZipmapError(s, "key runs past the end", 1);
  ExpectZipmapError(std::string("\x01\x01", 2) + "k" + "\xff", "length cut off", 3);
}

TEST(BlobElement, TextForms) {
  char scratch[BlobElement::kScratchSize];
  BlobElement i{{}, -1234, true};
  EXPECT_EQ(i.View(scratch), "-1234");
  EXPECT_EQ(i.TextSize(), 5u);
  BlobElement s{"hello"};
  EXPECT_EQ(s.View(scratch), "hello");
  EXPECT_EQ(s.TextSize(), 5u);
}

}  // namespace
}  // namespace cardinal::persistence::redis_enc
