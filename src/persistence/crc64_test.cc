#include "persistence/crc64.h"

#include <gtest/gtest.h>

#include <string>

namespace cardinal::persistence {
namespace {

TEST(Crc64Test, CheckValue) {
  EXPECT_EQ(Crc64(0, std::string_view("123456789")), 0xe9c6d914c4b8d9caULL);
  EXPECT_EQ(Crc64(0, std::string_view("")), 0u);
}

// The 8-byte fast path and the byte loop agree, whatever the split and alignment.
TEST(Crc64Test, IncrementalEqualsWhole) {
  std::string data;
  for (int i = 0; i < 1000; i++) data.push_back(static_cast<char>(i * 131 + 7));
  uint64_t whole = Crc64(0, data);
  for (size_t split : {0u, 1u, 7u, 8u, 9u, 500u, 999u, 1000u}) {
    uint64_t a = Crc64(0, data.data(), split);
    EXPECT_EQ(Crc64(a, data.data() + split, data.size() - split), whole) << split;
  }
  uint64_t bytewise = 0;
  for (char c : data) bytewise = Crc64(bytewise, &c, 1);
  EXPECT_EQ(bytewise, whole);
}

}  // namespace
}  // namespace cardinal::persistence
