#include "core/listpack.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace cardinal::core {
namespace {

// Owns a buffer for the test (Listpack itself is a handle).
struct Owned {
  Listpack lp{Listpack::NewBuffer()};
  ~Owned() { Listpack::FreeBuffer(lp.data()); }
};

std::vector<std::string> Contents(const Listpack& lp) {
  std::vector<std::string> out;
  for (auto p = lp.First(); p != Listpack::kNpos; p = lp.Next(p)) out.push_back(lp.Get(p).ToString());
  return out;
}

std::vector<std::string> ContentsBackward(const Listpack& lp) {
  std::vector<std::string> out;
  for (auto p = lp.Last(); p != Listpack::kNpos; p = lp.Prev(p)) {
    out.insert(out.begin(), lp.Get(p).ToString());
  }
  return out;
}

TEST(ListpackTest, EmptyBuffer) {
  Owned o;
  EXPECT_EQ(o.lp.size(), 0u);
  EXPECT_EQ(o.lp.bytes(), Listpack::kHeaderSize);
  EXPECT_EQ(o.lp.First(), Listpack::kNpos);
  EXPECT_EQ(o.lp.Last(), Listpack::kNpos);
  EXPECT_EQ(o.lp.Seek(0), Listpack::kNpos);
  EXPECT_EQ(o.lp.Seek(-1), Listpack::kNpos);
}

TEST(ListpackTest, IntegersKeepTheirTextAndEncodeCompactly) {
  const std::vector<std::string> values = {
      "0", "127", "128", "-1", "-4096", "4095", "4096", "-4097", "32767", "-32768", "32768",
      "8388607", "-8388608", "8388608", "2147483647", "-2147483648", "2147483648",
      "9223372036854775807", "-9223372036854775808", "9223372036854775808", "01", "-0", "+1",
      " 1", "1 ", "", "abc"};
  Owned o;
  for (const auto& v : values) o.lp.Append(v);
  EXPECT_EQ(Contents(o.lp), values);
  EXPECT_EQ(ContentsBackward(o.lp), values);
  // Canonical integers are stored as integers; near-misses stay strings.
  EXPECT_TRUE(o.lp.Get(o.lp.Seek(0)).is_int);
  EXPECT_TRUE(o.lp.Get(o.lp.Seek(18)).is_int);   // INT64_MIN
  EXPECT_FALSE(o.lp.Get(o.lp.Seek(19)).is_int);  // 2^63 does not fit
  EXPECT_FALSE(o.lp.Get(o.lp.Seek(20)).is_int);  // "01"
  // A small integer costs its header and one backlen byte.
  EXPECT_EQ(Listpack::EncodedSize("5"), 2u);
  EXPECT_EQ(Listpack::EncodedSize("-100"), 3u);
  EXPECT_EQ(Listpack::EncodedSize("hello"), 7u);
}

TEST(ListpackTest, LongStringsUseWiderHeadersAndBacklens) {
  Owned o;
  const std::vector<std::string> values = {std::string(63, 'a'), std::string(64, 'b'),
                                           std::string(4095, 'c'), std::string(4096, 'd'),
                                           std::string(20000, 'e'), "x"};
  for (const auto& v : values) o.lp.Append(v);
  EXPECT_EQ(Contents(o.lp), values);
  EXPECT_EQ(ContentsBackward(o.lp), values);
  EXPECT_EQ(Listpack::EncodedSize(std::string(20000, 'e')), 5 + 20000 + 3u);
}

TEST(ListpackTest, FindWithSkipMatchesOnlyFieldPositions) {
  Owned o;
  for (const char* s : {"f1", "v1", "v1", "f2", "x", "10"}) o.lp.Append(s);
  // Fields are at even positions: "v1" at index 2 is a field, at index 1 a value.
  auto p = o.lp.Find(o.lp.First(), "v1", 1);
  ASSERT_NE(p, Listpack::kNpos);
  EXPECT_EQ(p, o.lp.Seek(2));
  EXPECT_EQ(o.lp.Find(o.lp.First(), "10", 1), Listpack::kNpos);  // a value, not a field
  EXPECT_EQ(o.lp.Find(o.lp.First(), "10", 0), o.lp.Seek(5));
  EXPECT_EQ(o.lp.Find(o.lp.First(), "010", 0), Listpack::kNpos);
  EXPECT_TRUE(o.lp.Get(o.lp.Seek(5)).Equals("10"));
  EXPECT_FALSE(o.lp.Get(o.lp.Seek(5)).Equals("10.0"));
}

TEST(ListpackTest, ReplaceWithAValueReadFromTheSameBuffer) {
  Owned o;
  o.lp.Append(std::string(100, 'z'));
  o.lp.Append("short");
  // The replacement's bytes live inside the buffer that Replace reallocates.
  std::string_view first = o.lp.Get(o.lp.First()).str;
  o.lp.Replace(o.lp.Seek(1), first);
  first = o.lp.Get(o.lp.First()).str;
  o.lp.Insert(o.lp.First(), first);
  EXPECT_EQ(Contents(o.lp), std::vector<std::string>(3, std::string(100, 'z')));
}

TEST(ListpackTest, CountBeyondTheTwoByteHeaderFieldIsCountedByWalking) {
  Owned o;
  for (int i = 0; i < 70000; ++i) o.lp.AppendInt(i % 100);
  EXPECT_EQ(o.lp.size(), 70000u);
  EXPECT_EQ(o.lp.Get(o.lp.Seek(69999)).ival, 99);
  o.lp.EraseRange(o.lp.First(), 5000);
  EXPECT_EQ(o.lp.size(), 65000u);  // walked, then cached again
  o.lp.Append("x");
  EXPECT_EQ(o.lp.size(), 65001u);
  o.lp.Erase(o.lp.First());
  EXPECT_EQ(o.lp.size(), 65000u);
  EXPECT_EQ(o.lp.Get(o.lp.Last()).str, "x");
}

// Random operations against a std::vector model, checking both walk directions and Seek.
TEST(ListpackTest, RandomizedAgainstVector) {
  std::mt19937_64 rng(12345);
  auto random_value = [&]() -> std::string {
    switch (rng() % 6) {
      case 0: return std::to_string(static_cast<int64_t>(rng() % 300) - 150);
      case 1: return std::to_string(static_cast<int64_t>(rng()));
      case 2: return std::string(rng() % 5, 'a' + rng() % 26);
      case 3: return std::string(60 + rng() % 10, 'q');
      case 4: return std::string(4090 + rng() % 10, 'w');
      default: return "0" + std::to_string(rng() % 100);
    }
  };
  Owned o;
  std::vector<std::string> model;
  for (int step = 0; step < 4000; ++step) {
    const int op = static_cast<int>(rng() % 7);
    const int64_t n = static_cast<int64_t>(model.size());
    if (op == 0 || n == 0) {
      std::string v = random_value();
      o.lp.Append(v);
      model.push_back(v);
    } else if (op == 1 && step % 3 == 0) {
      std::string a = random_value(), b = random_value();
      o.lp.AppendPair(a, b);
      model.push_back(a);
      model.push_back(b);
    } else if (op == 1) {
      std::string v = random_value();
      o.lp.Prepend(v);
      model.insert(model.begin(), v);
    } else if (op == 2) {
      const int64_t i = static_cast<int64_t>(rng() % n);
      std::string v = random_value();
      o.lp.Insert(o.lp.Seek(i), v);
      model.insert(model.begin() + i, v);
    } else if (op == 3) {
      const int64_t i = static_cast<int64_t>(rng() % n);
      o.lp.Erase(o.lp.Seek(-(n - i)));
      model.erase(model.begin() + i);
    } else if (op == 4) {
      const int64_t i = static_cast<int64_t>(rng() % n);
      std::string v = random_value();
      o.lp.Replace(o.lp.Seek(i), v);
      model[i] = v;
    } else if (op == 5) {
      const int64_t i = static_cast<int64_t>(rng() % n);
      const size_t cnt = rng() % 4;
      o.lp.EraseRange(o.lp.Seek(i), cnt);
      model.erase(model.begin() + i, model.begin() + std::min<int64_t>(n, i + cnt));
    } else {
      const int64_t i = static_cast<int64_t>(rng() % n);
      auto p = o.lp.Find(o.lp.First(), model[i]);
      ASSERT_NE(p, Listpack::kNpos);
      EXPECT_EQ(o.lp.Get(p).ToString(), model[i]);
    }
    ASSERT_EQ(o.lp.size(), model.size());
    if (step % 50 == 0) {
      ASSERT_EQ(Contents(o.lp), model);
      ASSERT_EQ(ContentsBackward(o.lp), model);
    }
  }
  EXPECT_EQ(Contents(o.lp), model);
  uint8_t* copy = Listpack::CloneBuffer(o.lp.data());
  EXPECT_EQ(Contents(Listpack(copy)), model);
  Listpack::FreeBuffer(copy);
  o.lp.Clear();
  EXPECT_EQ(o.lp.size(), 0u);
  EXPECT_EQ(o.lp.bytes(), Listpack::kHeaderSize);
}

}  // namespace
}  // namespace cardinal::core
