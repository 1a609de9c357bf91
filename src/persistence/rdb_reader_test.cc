// LoadRdb against dumps written by redis-server 7.0.15 (tests/data/rdb, see its README), against
// files assembled here from the format description (old versions, every opcode, corrupt and
// hostile input), and a randomized corruption run that must never crash.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <cstring>
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/string_util.h"
#include "core/intset.h"
#include "core/listpack.h"
#include "core/quicklist.h"
#include "core/str_map.h"
#include "core/str_set.h"
#include "core/zset.h"
#include "persistence/crc64.h"
#include "persistence/env.h"
#include "persistence/snapshot.h"
#include "storage/keyspace.h"
#include "storage/object.h"

namespace cardinal::persistence {
namespace {

using storage::Encoding;
using storage::Entry;
using storage::ObjType;

const std::string kDataDir = std::string(CARDINAL_SOURCE_DIR) + "/tests/data/rdb/";

std::string ReadFixture(const std::string& name) {
  std::string data;
  Status s = ReadWholeFile(Env::Posix(), kDataDir + name, &data);
  EXPECT_TRUE(s.ok()) << s.message();
  return data;
}

// An in-memory file that hands out at most `chunk` bytes per Read, so block refills and values
// spanning them are exercised.
class StringFile : public SequentialFile {
 public:
  explicit StringFile(std::string data, size_t chunk = SIZE_MAX)
      : data_(std::move(data)), chunk_(chunk) {}
  Status Read(char* buf, size_t n, size_t* got) override {
    *got = std::min({n, chunk_, data_.size() - pos_});
    std::memcpy(buf, data_.data() + pos_, *got);
    pos_ += *got;
    return Status::Ok();
  }

 private:
  std::string data_;
  size_t chunk_;
  size_t pos_ = 0;
};

Status Load(storage::Keyspace& ks, const std::string& data, RdbLoadStats* stats = nullptr,
            const RdbLoadOptions& options = {}, size_t chunk = SIZE_MAX) {
  StringFile f(data, chunk);
  return LoadRdb(ks, &f, "test.rdb", options, stats);
}

// ---------------------------------------------------------------------------------------------
// Reading values back out of the keyspace.

Entry* Find(storage::Keyspace& ks, int db, std::string_view key) {
  storage::Db view(&ks, db, 0, nullptr);
  return view.Peek(key);
}

std::string StringOf(const Entry* e) {
  std::string out;
  e->AppendStringValue(&out);
  return out;
}

std::vector<std::string> ListOf(const Entry* e) {
  std::vector<std::string> out;
  for (auto c = e->object_as<core::QuickList>()->Front(); c.valid(); c.Next()) {
    out.push_back(c.value().ToString());
  }
  return out;
}

std::map<std::string, std::string> HashOf(const Entry* e) {
  std::map<std::string, std::string> out;
  if (e->encoding() == Encoding::kListpack) {
    core::Listpack lp(e->object_as<uint8_t>());
    for (auto p = lp.First(); p != core::Listpack::kNpos; p = lp.Next(lp.Next(p))) {
      out[lp.Get(p).ToString()] = lp.Get(lp.Next(p)).ToString();
    }
  } else {
    e->object_as<core::StrMap>()->ForEach(
        [&](std::string_view f, std::string_view v) { out[std::string(f)] = std::string(v); });
  }
  return out;
}

std::set<std::string> SetOf(const Entry* e) {
  std::set<std::string> out;
  if (e->encoding() == Encoding::kIntset) {
    e->object_as<core::IntSet>()->ForEach([&](int64_t v) { out.insert(std::to_string(v)); });
  } else {
    e->object_as<core::StrSet>()->ForEach([&](std::string_view m) { out.insert(std::string(m)); });
  }
  return out;
}

using ZPairs = std::vector<std::pair<std::string, double>>;
ZPairs ZSetOf(const Entry* e) {
  ZPairs out;
  if (e->encoding() == Encoding::kListpack) {
    core::Listpack lp(e->object_as<uint8_t>());
    for (auto p = lp.First(); p != core::Listpack::kNpos; p = lp.Next(lp.Next(p))) {
      out.emplace_back(lp.Get(p).ToString(), core::zlp::ScoreAt(lp, lp.Next(p)));
    }
  } else {
    for (auto it = e->object_as<core::ZSet>()->begin(); it.valid(); it.Next()) {
      out.emplace_back(std::string(it.member()), it.score());
    }
  }
  return out;
}

// used_bytes must equal what the entries own, and a load must not count as changes to save.
void ExpectAccounting(storage::Keyspace& ks, uint64_t dirty_before = 0) {
  int64_t total = 0;
  for (unsigned i = 0; i < storage::kShardCount; ++i) {
    for (auto& t : ks.shard(i).dbs) {
      t->keys.ForEach([&](Entry* e) { total += static_cast<int64_t>(e->MemoryUsage()); });
    }
  }
  EXPECT_EQ(ks.UsedBytes(), total);
  EXPECT_EQ(ks.SumStat(&storage::ShardStats::dirty), dirty_before);
}

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

// ---------------------------------------------------------------------------------------------
// An RDB assembled from the format description.

class RdbBuilder {
 public:
  explicit RdbBuilder(int version = 10) : version_(version) {
    char h[16];
    std::snprintf(h, sizeof(h), "REDIS%04d", version);
    out_ = h;
  }
  RdbBuilder& Byte(uint8_t b) {
    out_.push_back(static_cast<char>(b));
    return *this;
  }
  RdbBuilder& Raw(const std::string& s) {
    out_ += s;
    return *this;
  }
  RdbBuilder& LE(uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) Byte(static_cast<uint8_t>(v >> (8 * i)));
    return *this;
  }
  RdbBuilder& Len(uint64_t n) {
    if (n < 64) return Byte(static_cast<uint8_t>(n));
    if (n < 16384) return Byte(static_cast<uint8_t>(0x40 | (n >> 8))).Byte(n & 0xFF);
    if (n <= UINT32_MAX) {
      Byte(0x80);
      for (int i = 3; i >= 0; --i) Byte(static_cast<uint8_t>(n >> (8 * i)));
      return *this;
    }
    Byte(0x81);
    for (int i = 7; i >= 0; --i) Byte(static_cast<uint8_t>(n >> (8 * i)));
    return *this;
  }
  RdbBuilder& Str(const std::string& s) { return Len(s.size()).Raw(s); }
  // An LZF stream of literal runs only (valid LZF; Redis's decoder accepts any valid stream).
  RdbBuilder& Lzf(const std::string& s) {
    std::string c;
    for (size_t i = 0; i < s.size(); i += 32) {
      const size_t n = std::min<size_t>(32, s.size() - i);
      c.push_back(static_cast<char>(n - 1));
      c += s.substr(i, n);
    }
    return Byte(0xC3).Len(c.size()).Len(s.size()).Raw(c);
  }
  RdbBuilder& Key(uint8_t type, const std::string& key) { return Byte(type).Str(key); }
  RdbBuilder& SelectDb(uint64_t db) { return Byte(0xFE).Len(db); }
  std::string Finish(bool zero_crc = false) {
    Byte(0xFF);
    if (version_ >= 5) LE(zero_crc ? 0 : Crc64(0, out_), 8);
    return out_;
  }

 private:
  int version_;
  std::string out_;
};

// A listpack blob (Redis's format) of short strings and 7-bit integers.
std::string RedisListpack(const std::vector<std::string>& elems) {
  std::string body;
  for (const std::string& e : elems) {
    int64_t v;
    if (ParseInt64(e, &v) && v >= 0 && v < 128) {
      body.push_back(static_cast<char>(v));
      body.push_back(1);
    } else {
      body.push_back(static_cast<char>(0x80 | e.size()));
      body += e;
      body.push_back(static_cast<char>(e.size() + 1));
    }
  }
  std::string out;
  const size_t total = 6 + body.size() + 1;
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(total >> (8 * i)));
  out.push_back(static_cast<char>(elems.size() & 0xFF));
  out.push_back(static_cast<char>(elems.size() >> 8));
  return out + body + "\xff";
}

// A ziplist blob of short strings.
std::string RedisZiplist(const std::vector<std::string>& elems) {
  std::string body;
  size_t prev = 0, tail = 10;
  for (const std::string& e : elems) {
    tail = 10 + body.size();
    body.push_back(static_cast<char>(prev));
    body.push_back(static_cast<char>(e.size()));
    body += e;
    prev = 2 + e.size();
  }
  std::string out;
  const size_t total = 10 + body.size() + 1;
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(total >> (8 * i)));
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(tail >> (8 * i)));
  out.push_back(static_cast<char>(elems.size() & 0xFF));
  out.push_back(static_cast<char>(elems.size() >> 8));
  return out + body + "\xff";
}

// Expects a failed load whose message contains every one of `parts`.
void ExpectError(const Status& s, Status::Code code, const std::vector<std::string>& parts) {
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), code) << s.message();
  for (const std::string& p : parts) {
    EXPECT_NE(s.message().find(p), std::string::npos) << "'" << p << "' not in: " << s.message();
  }
}

class RdbReaderTest : public ::testing::Test {
 protected:
  storage::Keyspace ks_{16, nullptr};
};

// ---------------------------------------------------------------------------------------------
// redis-server fixtures

TEST_F(RdbReaderTest, StringsFixture) {
  RdbLoadStats stats;
  for (size_t chunk : {SIZE_MAX, size_t{7}}) {
    storage::Keyspace ks(16, nullptr);
    Status s = Load(ks, ReadFixture("strings.rdb"), &stats, {}, chunk);
    ASSERT_TRUE(s.ok()) << s.message();
    EXPECT_EQ(stats.version, 10);
    EXPECT_EQ(stats.keys_loaded, 18u);
    EXPECT_EQ(stats.bytes, ReadFixture("strings.rdb").size());
    EXPECT_EQ(ks.KeyCount(0), 18u);
    EXPECT_EQ(ks.ExpiresCount(0), 3u);
    const std::map<std::string, std::pair<std::string, Encoding>> want = {
        {"s:empty", {"", Encoding::kEmbStr}},
        {"s:small", {"hello", Encoding::kEmbStr}},
        {"s:int8", {"12", Encoding::kInt}},
        {"s:neg8", {"-100", Encoding::kInt}},
        {"s:int16", {"1234", Encoding::kInt}},
        {"s:neg16", {"-30000", Encoding::kInt}},
        {"s:int32", {"123456789", Encoding::kInt}},
        {"s:min32", {"-2147483648", Encoding::kInt}},
        {"s:int64", {"9223372036854775807", Encoding::kInt}},
        {"s:lead0", {"007", Encoding::kEmbStr}},
        {"s:float", {"3.14", Encoding::kEmbStr}},
        {"s:binary", {std::string("a\0b\xff" "c\r\n", 7), Encoding::kEmbStr}},
        {"s:lzf", {Repeat("abcdefghij", 30), Encoding::kRaw}},
        {"s:nolzf", {"Zq8#kL2@pW9!xT4%mN7^vB1&cR6*yH3(gJ5)", Encoding::kEmbStr}},
        {"s:ttl1", {"v1", Encoding::kEmbStr}},
        {"s:ttl2", {"12345", Encoding::kInt}},
        {"s:ttl3", {std::string(100, 'x'), Encoding::kRaw}},
    };
    for (const auto& [key, value] : want) {
      Entry* e = Find(ks, 0, key);
      ASSERT_NE(e, nullptr) << key;
      EXPECT_EQ(e->type(), ObjType::kString);
      EXPECT_EQ(StringOf(e), value.first) << key;
      EXPECT_EQ(e->encoding(), value.second) << key;
    }
    std::string big;
    for (int i = 1; i <= 2000; ++i) {
      char buf[32];
      std::snprintf(buf, sizeof(buf), "Cardinal-%05d;", i);
      big += buf;
    }
    EXPECT_EQ(StringOf(Find(ks, 0, "s:big")), big);
    EXPECT_EQ(Find(ks, 0, "s:ttl1")->expire_at(), 4102444800000);
    EXPECT_EQ(Find(ks, 0, "s:ttl2")->expire_at(), 4102444800500);
    EXPECT_EQ(Find(ks, 0, "s:ttl3")->expire_at(), 4102444801000);
    EXPECT_EQ(Find(ks, 0, "s:small")->expire_at(), -1);
    const std::map<std::string, std::string> aux(stats.aux.begin(), stats.aux.end());
    EXPECT_EQ(aux.at("redis-ver"), "7.0.15");
    EXPECT_EQ(aux.at("redis-bits"), "64");
    ExpectAccounting(ks);
  }
}

TEST_F(RdbReaderTest, CompactFixture) {
  RdbLoadStats stats;
  Status s = Load(ks_, ReadFixture("compact.rdb"), &stats);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(stats.keys_loaded, 9u);

  Entry* e = Find(ks_, 0, "l:small");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->encoding(), Encoding::kQuicklist);
  EXPECT_EQ(ListOf(e), (std::vector<std::string>{"a", "b", "c", "1", "-5", "300", "70000",
                                                 "4294967296", "", std::string(70, 'q')}));
  std::vector<std::string> nodes;
  for (int i = 1; i <= 20; ++i) nodes.push_back(std::to_string(i));
  EXPECT_EQ(ListOf(Find(ks_, 0, "l:nodes")), nodes);
  EXPECT_EQ(ListOf(Find(ks_, 0, "l:enc")),
            (std::vector<std::string>{"30000", "-30000", "1073741824", "-1073741824", "8388607",
                                      "-8388608", "4095", "-4096", "127", std::string(4095, 'w'),
                                      std::string(5000, 'W')}));

  e = Find(ks_, 0, "h:small");
  EXPECT_EQ(e->encoding(), Encoding::kListpack);
  EXPECT_EQ(HashOf(e), (std::map<std::string, std::string>{
                           {"f1", "v1"}, {"f2", "2"}, {"f3", ""}, {"num", "123456789012"},
                           {"neg", "-7"}}));

  for (const auto& [key, members] : std::map<std::string, std::set<std::string>>{
           {"set:i16", {"1", "2", "3", "-1", "100"}},
           {"set:i32", {"100000", "-100000", "7"}},
           {"set:i64", {"5000000000", "-5000000000", "1"}}}) {
    e = Find(ks_, 0, key);
    ASSERT_NE(e, nullptr) << key;
    EXPECT_EQ(e->encoding(), Encoding::kIntset) << key;
    EXPECT_EQ(SetOf(e), members) << key;
  }

  e = Find(ks_, 0, "z:small");
  EXPECT_EQ(e->encoding(), Encoding::kListpack);
  EXPECT_EQ(ZSetOf(e), (ZPairs{{"e", -HUGE_VAL}, {"c", -3}, {"f", 0}, {"a", 1}, {"a2", 2.5},
                               {"b", 2.5}, {"pi", 3.14159}, {"g", 1e300}, {"d", HUGE_VAL}}));
  EXPECT_EQ(ZSetOf(Find(ks_, 0, "z:ints")), (ZPairs{{"x", 10}, {"y", 20}, {"z", 30}}));
  ExpectAccounting(ks_);
}

TEST_F(RdbReaderTest, ListFillFollowsOptions) {
  RdbLoadOptions opt;
  opt.list_max_listpack_size = 4;
  ASSERT_TRUE(Load(ks_, ReadFixture("compact.rdb"), nullptr, opt).ok());
  const auto* ql = Find(ks_, 0, "l:nodes")->object_as<core::QuickList>();
  EXPECT_EQ(ql->fill(), 4);
  EXPECT_EQ(ql->node_count(), 5u);
  std::string why;
  EXPECT_TRUE(ql->Verify(&why)) << why;
}

TEST_F(RdbReaderTest, PlainQuicklistNodes) {
  ASSERT_TRUE(Load(ks_, ReadFixture("plain_nodes.rdb")).ok());
  EXPECT_EQ(ListOf(Find(ks_, 0, "l:mixed")),
            (std::vector<std::string>{"a", std::string(150, 'P'), "b", "c",
                                      std::string(300, 'R')}));
}

TEST_F(RdbReaderTest, FullEncodingsFixture) {
  RdbLoadStats stats;
  Status s = Load(ks_, ReadFixture("full.rdb"), &stats);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(stats.keys_loaded, 7u);

  Entry* e = Find(ks_, 0, "h:ht");
  EXPECT_EQ(e->encoding(), Encoding::kHashtable);  // "long" is longer than 64 bytes
  EXPECT_EQ(HashOf(e), (std::map<std::string, std::string>{
                           {"f1", "v1"}, {"f2", "2"}, {"f3", ""}, {"long", std::string(100, 'L')}}));
  e = Find(ks_, 0, "set:ht");
  EXPECT_EQ(e->encoding(), Encoding::kHashtable);
  EXPECT_EQ(SetOf(e), (std::set<std::string>{"a", "b", "c", "1", "2"}));
  // Saved as a hashtable by a server whose limit was 0; ours picks the intset again.
  e = Find(ks_, 0, "set:htints");
  EXPECT_EQ(e->encoding(), Encoding::kIntset);
  EXPECT_EQ(SetOf(e), (std::set<std::string>{"1", "2", "3"}));
  e = Find(ks_, 0, "z:sl");
  EXPECT_EQ(e->encoding(), Encoding::kListpack);
  EXPECT_EQ(ZSetOf(e), (ZPairs{{"e", -HUGE_VAL}, {"c", -3}, {"m", -0.1}, {"f", 0}, {"a", 1},
                               {"b", 2.5}, {"pi", 3.14159}, {"g", 1e300}, {"d", HUGE_VAL}}));

  e = Find(ks_, 0, "h:big");
  EXPECT_EQ(e->encoding(), Encoding::kHashtable);
  std::map<std::string, std::string> big_hash;
  for (int i = 1; i <= 200; ++i) big_hash["field" + std::to_string(i)] = "value" + std::to_string(i);
  EXPECT_EQ(HashOf(e), big_hash);
  e = Find(ks_, 0, "set:big");
  EXPECT_EQ(e->encoding(), Encoding::kHashtable);  // 600 > set-max-intset-entries
  std::set<std::string> big_set;
  for (int i = 1; i <= 600; ++i) big_set.insert(std::to_string(i));
  EXPECT_EQ(SetOf(e), big_set);
  e = Find(ks_, 0, "z:big");
  EXPECT_EQ(e->encoding(), Encoding::kSkiplist);
  ZPairs big_z;
  for (int i = 1; i <= 150; ++i) big_z.emplace_back("m" + std::to_string(i), i);
  EXPECT_EQ(ZSetOf(e), big_z);
  EXPECT_TRUE(e->object_as<core::ZSet>()->CheckInvariants());
  ExpectAccounting(ks_);
}

TEST_F(RdbReaderTest, ThresholdsChooseEncodings) {
  // Large limits: everything compact.
  RdbLoadOptions big;
  big.hash_max_listpack_entries = big.hash_max_listpack_value = 1000;
  big.set_max_intset_entries = 1000;
  big.zset_max_listpack_entries = big.zset_max_listpack_value = 1000;
  ASSERT_TRUE(Load(ks_, ReadFixture("full.rdb"), nullptr, big).ok());
  EXPECT_EQ(Find(ks_, 0, "h:ht")->encoding(), Encoding::kListpack);
  EXPECT_EQ(Find(ks_, 0, "h:big")->encoding(), Encoding::kListpack);
  EXPECT_EQ(HashOf(Find(ks_, 0, "h:big")).at("field200"), "value200");
  EXPECT_EQ(Find(ks_, 0, "set:big")->encoding(), Encoding::kIntset);
  EXPECT_EQ(SetOf(Find(ks_, 0, "set:big")).size(), 600u);
  EXPECT_EQ(Find(ks_, 0, "z:big")->encoding(), Encoding::kListpack);
  EXPECT_EQ(ZSetOf(Find(ks_, 0, "z:big")).back(), (std::pair<std::string, double>{"m150", 150}));
  ExpectAccounting(ks_);

  // Zero limits: everything full, including the listpack/intset blobs of compact.rdb.
  storage::Keyspace ks(16, nullptr);
  RdbLoadOptions zero;
  zero.hash_max_listpack_entries = zero.set_max_intset_entries = zero.zset_max_listpack_entries = 0;
  ASSERT_TRUE(Load(ks, ReadFixture("compact.rdb"), nullptr, zero).ok());
  Entry* e = Find(ks, 0, "h:small");
  EXPECT_EQ(e->encoding(), Encoding::kHashtable);
  EXPECT_EQ(HashOf(e).at("num"), "123456789012");
  e = Find(ks, 0, "set:i64");
  EXPECT_EQ(e->encoding(), Encoding::kHashtable);
  EXPECT_EQ(SetOf(e), (std::set<std::string>{"5000000000", "-5000000000", "1"}));
  e = Find(ks, 0, "z:small");
  EXPECT_EQ(e->encoding(), Encoding::kSkiplist);
  EXPECT_EQ(ZSetOf(e).front(), (std::pair<std::string, double>{"e", -HUGE_VAL}));
  ExpectAccounting(ks);

  // Value-length limits alone.
  storage::Keyspace ks2(16, nullptr);
  RdbLoadOptions short_values;
  short_values.hash_max_listpack_value = 1;  // "v1" is too long
  short_values.zset_max_listpack_value = 1;  // "a2", "pi" too long
  ASSERT_TRUE(Load(ks2, ReadFixture("compact.rdb"), nullptr, short_values).ok());
  EXPECT_EQ(Find(ks2, 0, "h:small")->encoding(), Encoding::kHashtable);
  EXPECT_EQ(Find(ks2, 0, "z:small")->encoding(), Encoding::kSkiplist);
  EXPECT_EQ(Find(ks2, 0, "z:ints")->encoding(), Encoding::kListpack);
}

TEST_F(RdbReaderTest, DatabasesFixture) {
  ASSERT_TRUE(Load(ks_, ReadFixture("dbs.rdb")).ok());
  EXPECT_EQ(StringOf(Find(ks_, 0, "k0")), "v0");
  EXPECT_EQ(Find(ks_, 0, "e0")->expire_at(), 4102444800000);
  EXPECT_EQ(StringOf(Find(ks_, 1, "k1")), "v1");
  EXPECT_EQ(ListOf(Find(ks_, 1, "l1")), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(HashOf(Find(ks_, 3, "h3")), (std::map<std::string, std::string>{{"f", "v"}}));
  EXPECT_EQ(Find(ks_, 3, "e3")->expire_at(), 4102444900000);
  EXPECT_EQ(SetOf(Find(ks_, 15, "s15")), (std::set<std::string>{"1", "2", "3"}));
  EXPECT_EQ(Find(ks_, 0, "k1"), nullptr);
  const size_t counts[16] = {2, 2, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  for (int db = 0; db < 16; ++db) EXPECT_EQ(ks_.KeyCount(db), counts[db]) << db;
  EXPECT_EQ(ks_.ExpiresCount(0), 1u);
  EXPECT_EQ(ks_.ExpiresCount(3), 1u);
  ExpectAccounting(ks_);

  storage::Keyspace four(4, nullptr);
  ExpectError(Load(four, ReadFixture("dbs.rdb")), Status::Code::kInvalidArgument,
              {"test.rdb: database index 15 is out of range: the server has 4 databases",
               "at offset"});
  // Databases before the bad index were loaded.
  EXPECT_EQ(StringOf(Find(four, 3, "e3")), "y");
}

TEST_F(RdbReaderTest, ChecksumOffFixture) {
  const std::string data = ReadFixture("nochecksum.rdb");
  ASSERT_EQ(data.substr(data.size() - 8), std::string(8, '\0'));
  ASSERT_TRUE(Load(ks_, data).ok());
  EXPECT_EQ(StringOf(Find(ks_, 0, "k")), Repeat("abcdefghij", 30));
  EXPECT_EQ(ListOf(Find(ks_, 0, "l")), (std::vector<std::string>{"x", "y"}));
}

TEST_F(RdbReaderTest, LegacyFixture) {
  RdbLoadStats stats;
  Status s = Load(ks_, ReadFixture("legacy.rdb"), &stats);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(stats.version, 9);
  EXPECT_EQ(stats.keys_loaded, 10u);
  EXPECT_EQ(stats.aux, (std::vector<std::pair<std::string, std::string>>{{"redis-ver", "5.0.0"}}));

  EXPECT_EQ(ListOf(Find(ks_, 0, "list:plain")),
            (std::vector<std::string>{"a", "12", "-1234", "100000", Repeat("abc", 10)}));
  EXPECT_EQ(ZSetOf(Find(ks_, 0, "zset:v1")),
            (ZPairs{{"c", -HUGE_VAL}, {"d", -2}, {"a", 1.5}, {"e", 300}, {"b", HUGE_VAL}}));
  Entry* e = Find(ks_, 0, "hash:zipmap");
  EXPECT_EQ(e->encoding(), Encoding::kHashtable);  // a 300-byte value
  EXPECT_EQ(HashOf(e), (std::map<std::string, std::string>{
                           {"f1", "v1"}, {"long", std::string(300, 'z')}, {"n", "42"}}));
  EXPECT_EQ(ListOf(Find(ks_, 0, "list:ziplist")),
            (std::vector<std::string>{
                "s6", std::string(100, 'm'), std::string(16400, 'L'), "0", "12", "13", "-1",
                "-128", "127", "200", "-32768", "32767", "40000", "-8388608", "8388607",
                "8388608", "-2147483648", "2147483647", "2147483648", "-9223372036854775808",
                "9223372036854775807", "after-long", ""}));
  e = Find(ks_, 0, "zset:ziplist");
  EXPECT_EQ(e->encoding(), Encoding::kListpack);
  EXPECT_EQ(ZSetOf(e), (ZPairs{{"m0", -5}, {"m1", 1}, {"m2", 2.5}, {"m3", 100000}}));
  e = Find(ks_, 0, "hash:ziplist");
  EXPECT_EQ(e->encoding(), Encoding::kListpack);
  EXPECT_EQ(HashOf(e), (std::map<std::string, std::string>{
                           {"f", "v"}, {"i", "7"}, {"big", "1099511627776"}}));
  EXPECT_EQ(ListOf(Find(ks_, 0, "list:quicklist")),
            (std::vector<std::string>{"q1", "q2", "3", "q4", "5"}));
  EXPECT_EQ(Find(ks_, 0, "exp:sec")->expire_at(), 2000000000000);
  EXPECT_EQ(StringOf(Find(ks_, 0, "idle:key")), "i");
  EXPECT_EQ(StringOf(Find(ks_, 0, "freq:key")), "f");
  ExpectAccounting(ks_);
}

TEST_F(RdbReaderTest, UnsupportedFeatures) {
  ExpectError(Load(ks_, ReadFixture("function.rdb")), Status::Code::kUnsupported,
              {"test.rdb: a function library (opcode 245) at offset", "not supported"});
  ExpectError(Load(ks_, ReadFixture("stream.rdb")), Status::Code::kUnsupported,
              {"a stream (type 19) at offset", "streams are not supported"});
  ExpectError(Load(ks_, RdbBuilder().Key(7, "m").Finish()), Status::Code::kUnsupported,
              {"a module value (type 7) at offset 9"});
  ExpectError(Load(ks_, RdbBuilder().Byte(247).Finish()), Status::Code::kUnsupported,
              {"module auxiliary data (opcode 247) at offset 9"});
}

TEST_F(RdbReaderTest, SkipsKeysExpiredBeforeTheGivenTime) {
  RdbLoadOptions opt;
  opt.expired_before_ms = 4102444800600;  // after s:ttl1 and s:ttl2, before s:ttl3
  RdbLoadStats stats;
  ASSERT_TRUE(Load(ks_, ReadFixture("strings.rdb"), &stats, opt).ok());
  EXPECT_EQ(stats.keys_loaded, 16u);
  EXPECT_EQ(stats.keys_expired_skipped, 2u);
  EXPECT_EQ(Find(ks_, 0, "s:ttl1"), nullptr);
  EXPECT_EQ(Find(ks_, 0, "s:ttl2"), nullptr);
  EXPECT_NE(Find(ks_, 0, "s:ttl3"), nullptr);
  EXPECT_EQ(ks_.ExpiresCount(0), 1u);
  // Collections too.
  storage::Keyspace ks(16, nullptr);
  const std::string data = RdbBuilder()
                               .Byte(0xFC).LE(1000, 8).Key(2, "gone").Len(1).Str("m")
                               .Byte(0xFC).LE(3000, 8).Key(2, "kept").Len(1).Str("m")
                               .Finish();
  opt.expired_before_ms = 2000;
  ASSERT_TRUE(Load(ks, data, &stats, opt).ok());
  EXPECT_EQ(stats.keys_expired_skipped, 1u);
  EXPECT_EQ(Find(ks, 0, "gone"), nullptr);
  EXPECT_EQ(Find(ks, 0, "kept")->expire_at(), 3000);
  ExpectAccounting(ks);
}

TEST_F(RdbReaderTest, ReplacesExistingKeysAndKeepsTheDirtyCounter) {
  {
    storage::Db db(&ks_, 0, 0, nullptr);
    db.Upsert(Entry::NewString("s:small", std::string(200, 'o'), 5));
    db.Upsert(Entry::NewObject("s:lzf", ObjType::kSet, Encoding::kHashtable, new core::StrSet(), -1));
    db.Upsert(Entry::NewString("other", "kept", -1));
  }
  const uint64_t dirty = ks_.SumStat(&storage::ShardStats::dirty);
  ASSERT_EQ(dirty, 3u);
  ASSERT_TRUE(Load(ks_, ReadFixture("strings.rdb")).ok());
  EXPECT_EQ(StringOf(Find(ks_, 0, "s:small")), "hello");
  EXPECT_EQ(Find(ks_, 0, "s:small")->expire_at(), -1);
  EXPECT_EQ(Find(ks_, 0, "s:lzf")->type(), ObjType::kString);
  EXPECT_EQ(StringOf(Find(ks_, 0, "other")), "kept");
  EXPECT_EQ(ks_.KeyCount(0), 19u);
  EXPECT_EQ(ks_.ExpiresCount(0), 3u);
  ExpectAccounting(ks_, dirty);
}

TEST_F(RdbReaderTest, KeyLoadDelayStillLoadsEverything) {
  RdbLoadOptions opt;
  opt.key_load_delay_us = 1;
  RdbLoadStats stats;
  ASSERT_TRUE(Load(ks_, ReadFixture("dbs.rdb"), &stats, opt).ok());
  EXPECT_EQ(stats.keys_loaded, 7u);
  EXPECT_EQ(SetOf(Find(ks_, 15, "s15")), (std::set<std::string>{"1", "2", "3"}));
  ExpectAccounting(ks_);
}

TEST_F(RdbReaderTest, LoadRdbFile) {
  RdbLoadStats stats;
  Status s = LoadRdbFile(ks_, Env::Posix(), kDataDir + "compact.rdb", {}, &stats);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(stats.keys_loaded, 9u);
  s = LoadRdbFile(ks_, Env::Posix(), kDataDir + "no-such.rdb", {}, &stats);
  EXPECT_EQ(s.code(), Status::Code::kNotFound);
}

// ---------------------------------------------------------------------------------------------
// Files assembled here

TEST_F(RdbReaderTest, OldVersionsWithoutChecksum) {
  for (int version : {1, 2, 3, 4}) {
    storage::Keyspace ks(16, nullptr);
    RdbLoadStats stats;
    const std::string data = RdbBuilder(version).Key(0, "k").Str("v").Finish();
    Status s = Load(ks, data, &stats);
    ASSERT_TRUE(s.ok()) << version << ": " << s.message();
    EXPECT_EQ(stats.version, version);
    EXPECT_EQ(stats.bytes, data.size());
    EXPECT_EQ(StringOf(Find(ks, 0, "k")), "v");
  }
}

TEST_F(RdbReaderTest, HeaderErrors) {
  ExpectError(Load(ks_, "RADIS0010\xff"), Status::Code::kCorruption,
              {"test.rdb: not an RDB file: it starts with 'RADIS', not 'REDIS' at offset 0"});
  ExpectError(Load(ks_, "REDIS00a1\xff"), Status::Code::kCorruption,
              {"invalid RDB version '00a1' at offset 5"});
  ExpectError(Load(ks_, RdbBuilder(11).Finish()), Status::Code::kUnsupported,
              {"test.rdb: RDB version 11 is not supported (this server reads versions 1 to 10)"});
  ExpectError(Load(ks_, RdbBuilder(0).Finish()), Status::Code::kUnsupported, {"RDB version 0"});
  ExpectError(Load(ks_, "REDIS"), Status::Code::kCorruption,
              {"unexpected end of file reading the header", "at offset 0"});
  ExpectError(Load(ks_, ""), Status::Code::kCorruption, {"unexpected end of file"});
}

TEST_F(RdbReaderTest, Checksum) {
  std::string data = ReadFixture("strings.rdb");
  data.back() ^= 1;
  ExpectError(Load(ks_, data), Status::Code::kCorruption,
              {"test.rdb: checksum mismatch: the file says", "at offset " +
                                                                 std::to_string(data.size() - 8)});
  // A zero trailer: the writer had rdbchecksum off.
  std::fill(data.end() - 8, data.end(), '\0');
  storage::Keyspace ks(16, nullptr);
  EXPECT_TRUE(Load(ks, data).ok());
  // A flipped byte in a value with the real checksum: detected.
  data = ReadFixture("strings.rdb");
  data[data.find("hello")] = 'j';
  storage::Keyspace ks2(16, nullptr);
  ExpectError(Load(ks2, data), Status::Code::kCorruption, {"checksum mismatch"});
  // A missing trailer.
  data = ReadFixture("strings.rdb");
  data.resize(data.size() - 3);
  storage::Keyspace ks3(16, nullptr);
  ExpectError(Load(ks3, data), Status::Code::kCorruption,
              {"unexpected end of file reading the checksum"});
}

TEST_F(RdbReaderTest, EveryTruncationIsAnError) {
  const std::string data = ReadFixture("compact.rdb");
  for (size_t n = 0; n < data.size(); ++n) {
    storage::Keyspace ks(16, nullptr);
    Status s = Load(ks, data.substr(0, n));
    ASSERT_FALSE(s.ok()) << n;
    EXPECT_NE(s.message().find("at offset"), std::string::npos) << s.message();
    ExpectAccounting(ks);
  }
}

TEST_F(RdbReaderTest, EveryFlippedByteIsAnError) {
  // With the checksum on, any single changed byte is caught (by the parser or the checksum).
  const std::string data = ReadFixture("compact.rdb");
  for (size_t i = 0; i < data.size(); ++i) {
    std::string bad = data;
    bad[i] ^= static_cast<char>(1 << (i % 8));
    storage::Keyspace ks(16, nullptr);
    Status s = Load(ks, bad);
    ASSERT_FALSE(s.ok()) << i;
    ExpectAccounting(ks);
  }
}

TEST_F(RdbReaderTest, ExpireOpcodesAndOddOldOpcodes) {
  const std::string data = RdbBuilder(9)
                               .Byte(0xFA).Str("aux").Str("val")
                               .SelectDb(2)
                               .Byte(0xFB).Len(1000000).Len(5)
                               .Byte(0xFD).LE(1700000000, 4).Key(0, "sec").Str("1")
                               .Byte(0xFC).LE(1700000000123, 8).Key(0, "ms").Str("2")
                               .Byte(0xF8).Len(12345).Byte(0xF9).Byte(7).Key(0, "lru").Str("3")
                               .Finish();
  RdbLoadStats stats;
  ASSERT_TRUE(Load(ks_, data, &stats).ok());
  EXPECT_EQ(Find(ks_, 2, "sec")->expire_at(), 1700000000000);
  EXPECT_EQ(Find(ks_, 2, "ms")->expire_at(), 1700000000123);
  EXPECT_EQ(Find(ks_, 2, "lru")->expire_at(), -1);
  EXPECT_EQ(stats.aux, (std::vector<std::pair<std::string, std::string>>{{"aux", "val"}}));
}

TEST_F(RdbReaderTest, StringEncodings) {
  const std::string long_text = Repeat("0123456789abcdef", 100000);  // 1.6 MB: more than a block
  const std::string data = RdbBuilder()
                               .Key(0, "i8").Byte(0xC0).Byte(0x85)
                               .Key(0, "i16").Byte(0xC1).LE(0x8000, 2)
                               .Key(0, "i32").Byte(0xC2).LE(0x80000000, 4)
                               .Key(0, "lzf").Lzf(Repeat("xyz", 50))
                               .Key(0, "lzf-big").Lzf(long_text)
                               .Key(0, "raw-big").Str(long_text)
                               .Key(0, long_text).Str("long key")
                               .Key(0, "len14").Str(std::string(300, 'a'))
                               .Key(0, "len32").Str(std::string(20000, 'b'))
                               .Finish();
  for (size_t chunk : {SIZE_MAX, size_t{65536}, size_t{999}}) {
    storage::Keyspace ks(16, nullptr);
    Status s = Load(ks, data, nullptr, {}, chunk);
    ASSERT_TRUE(s.ok()) << s.message();
    EXPECT_EQ(StringOf(Find(ks, 0, "i8")), "-123");
    EXPECT_EQ(StringOf(Find(ks, 0, "i16")), "-32768");
    EXPECT_EQ(StringOf(Find(ks, 0, "i32")), "-2147483648");
    EXPECT_EQ(StringOf(Find(ks, 0, "lzf")), Repeat("xyz", 50));
    EXPECT_EQ(StringOf(Find(ks, 0, "lzf-big")), long_text);
    EXPECT_EQ(StringOf(Find(ks, 0, "raw-big")), long_text);
    EXPECT_EQ(StringOf(Find(ks, 0, long_text)), "long key");
    EXPECT_EQ(StringOf(Find(ks, 0, "len14")), std::string(300, 'a'));
    EXPECT_EQ(StringOf(Find(ks, 0, "len32")), std::string(20000, 'b'));
    ExpectAccounting(ks);
  }
}

TEST_F(RdbReaderTest, HostileLengths) {
  // A value claiming 2^63 bytes: an error at the end of the data, not an allocation.
  const std::string huge = RdbBuilder().Key(0, "k").Len(uint64_t{1} << 63).Raw("abc").Finish();
  ExpectError(Load(ks_, huge), Status::Code::kCorruption,
              {"unexpected end of file reading a string value", "at offset"});
  // With the file size known, refused before reading.
  const std::string path = ::testing::TempDir() + "/huge.rdb";
  {
    std::unique_ptr<WritableFile> f;
    ASSERT_TRUE(Env::Posix()->NewWritableFile(path, true, &f).ok());
    ASSERT_TRUE(f->Append(huge).ok());
    ASSERT_TRUE(f->Close().ok());
  }
  ExpectError(LoadRdbFile(ks_, Env::Posix(), path, {}, nullptr), Status::Code::kCorruption,
              {path + ": a string value of 9223372036854775808 bytes runs past the end of the file "
                      "at offset 21"});
  // Counts of 2^40 elements in every collection type: the elements are not there.
  for (uint8_t type : {1, 2, 3, 4, 5, 14, 18}) {
    storage::Keyspace ks(16, nullptr);
    Status s = Load(ks, RdbBuilder().Key(type, "c").Len(uint64_t{1} << 40).Str("x").Finish());
    ASSERT_FALSE(s.ok()) << int{type};
    EXPECT_NE(s.message().find("at offset"), std::string::npos) << s.message();
  }
  // LZF: an impossible expansion, and data that does not decompress to the claimed size.
  ExpectError(Load(ks_, RdbBuilder().Key(0, "k").Byte(0xC3).Len(4).Len(1 << 30).Raw("abcd").Finish()),
              Status::Code::kCorruption,
              {"LZF string claims 1073741824 bytes from 4 compressed bytes at offset 12"});
  ExpectError(Load(ks_, RdbBuilder().Key(0, "k").Byte(0xC3).Len(4).Len(10).Raw("\x02" "abc").Finish()),
              Status::Code::kCorruption, {"LZF string does not decompress to its 10 bytes"});
  // A back reference before the start of the output.
  ExpectError(Load(ks_, RdbBuilder().Key(0, "k").Byte(0xC3).Len(3).Len(10).Raw("\xe0\x01\x10").Finish()),
              Status::Code::kCorruption, {"does not decompress"});
  ExpectError(Load(ks_, RdbBuilder().Key(0, "k").Byte(0xC7).Finish()), Status::Code::kCorruption,
              {"unknown string encoding 7 in a string value at offset 12"});
  ExpectError(Load(ks_, RdbBuilder().Key(0, "k").Byte(0x82).Finish()), Status::Code::kCorruption,
              {"invalid length byte 0x82 in a string value at offset 12"});
  ExpectError(Load(ks_, RdbBuilder().Key(2, "k").Byte(0xC0).Byte(1).Finish()),
              Status::Code::kCorruption,
              {"string encoding where a set size was expected at offset 12"});
}

TEST_F(RdbReaderTest, UnknownTypes) {
  for (uint8_t type : {8, 20, 22, 100, 244}) {
    ExpectError(Load(ks_, RdbBuilder().Key(type, "k").Finish()), Status::Code::kCorruption,
                {"unknown value type " + std::to_string(type) + " at offset 9"});
  }
}

TEST_F(RdbReaderTest, DuplicatesAreCorruption) {
  auto load = [&](const std::string& data, const RdbLoadOptions& opt = {}) {
    storage::Keyspace ks(16, nullptr);
    Status s = Load(ks, data, nullptr, opt);
    ExpectAccounting(ks);
    return s;
  };
  RdbLoadOptions zero;
  zero.hash_max_listpack_entries = zero.set_max_intset_entries = zero.zset_max_listpack_entries = 0;
  for (const RdbLoadOptions& opt : {RdbLoadOptions{}, zero}) {
    ExpectError(load(RdbBuilder().Key(2, "s").Len(3).Str("a").Str("b").Str("a").Finish(), opt),
                Status::Code::kCorruption, {"duplicate set member (key 's')"});
    ExpectError(load(RdbBuilder().Key(2, "s").Len(2).Str("7").Str("7").Finish(), opt),
                Status::Code::kCorruption, {"duplicate set member"});
    ExpectError(load(RdbBuilder().Key(4, "h").Len(2).Str("f").Str("1").Str("f").Str("2").Finish(),
                     opt),
                Status::Code::kCorruption, {"duplicate hash field (key 'h')"});
    ExpectError(load(RdbBuilder().Key(4, "h").Len(2).Str("5").Str("1").Str("5").Str("2").Finish(),
                     opt),
                Status::Code::kCorruption, {"duplicate hash field"});
    ExpectError(load(RdbBuilder().Key(5, "z").Len(2).Str("m").LE(0, 8).Str("m")
                         .LE(0x3FF0000000000000, 8).Finish(),
                     opt),
                Status::Code::kCorruption, {"duplicate sorted set member (key 'z')"});
    ExpectError(load(RdbBuilder().Key(16, "h").Str(RedisListpack({"f", "1", "f", "2"})).Finish(),
                     opt),
                Status::Code::kCorruption, {"duplicate hash field"});
    ExpectError(load(RdbBuilder().Key(13, "h").Str(RedisZiplist({"f", "1", "f", "2"})).Finish(),
                     opt),
                Status::Code::kCorruption, {"duplicate hash field"});
    ExpectError(load(RdbBuilder().Key(17, "z").Str(RedisListpack({"m", "1", "m", "2"})).Finish(),
                     opt),
                Status::Code::kCorruption, {"duplicate sorted set member"});
  }
}

TEST_F(RdbReaderTest, Scores) {
  // NaN in every score form is corruption, as in Redis.
  ExpectError(Load(ks_, RdbBuilder().Key(3, "z").Len(1).Str("m").Byte(253).Finish()),
              Status::Code::kCorruption, {"NaN score at offset 15"});
  ExpectError(Load(ks_, RdbBuilder().Key(3, "z").Len(1).Str("m").Byte(3).Raw("nan").Finish()),
              Status::Code::kCorruption, {"invalid score 'nan'"});
  ExpectError(Load(ks_, RdbBuilder().Key(5, "z").Len(1).Str("m").LE(0x7FF8000000000001, 8).Finish()),
              Status::Code::kCorruption, {"NaN score"});
  ExpectError(Load(ks_, RdbBuilder().Key(17, "z").Str(RedisListpack({"m", "nan"})).Finish()),
              Status::Code::kCorruption, {"invalid score 'nan' (key 'z')"});
  ExpectError(Load(ks_, RdbBuilder().Key(3, "z").Len(1).Str("m").Byte(3).Raw("1x5").Finish()),
              Status::Code::kCorruption, {"invalid score '1x5'"});
  // Text forms: "inf", "-inf", exponents; 254/255 length codes.
  const std::string data = RdbBuilder()
                               .Key(3, "z").Len(5)
                               .Str("a").Byte(3).Raw("inf")
                               .Str("b").Byte(4).Raw("-inf")
                               .Str("c").Byte(254)
                               .Str("d").Byte(255)
                               .Str("e").Byte(5).Raw("1e-10")
                               .Key(17, "zl").Str(RedisListpack({"x", "-inf", "y", "1.5", "w", "7"}))
                               .Finish();
  ASSERT_TRUE(Load(ks_, data).ok());
  EXPECT_EQ(ZSetOf(Find(ks_, 0, "z")), (ZPairs{{"b", -HUGE_VAL}, {"d", -HUGE_VAL}, {"e", 1e-10},
                                               {"a", HUGE_VAL}, {"c", HUGE_VAL}}));
  // Not trusted to be in order: sorted by score, then member.
  EXPECT_EQ(ZSetOf(Find(ks_, 0, "zl")), (ZPairs{{"x", -HUGE_VAL}, {"y", 1.5}, {"w", 7}}));
}

TEST_F(RdbReaderTest, EmptyCollectionsAreSkipped) {
  // Redis 7.0 skips these too (an old bug could save them) rather than refusing the file.
  const std::string data = RdbBuilder()
                               .Key(1, "l").Len(0)
                               .Key(2, "s").Len(0)
                               .Key(3, "z").Len(0)
                               .Key(4, "h").Len(0)
                               .Key(18, "q").Len(0)
                               .Key(18, "q2").Len(1).Len(2).Str(RedisListpack({}))
                               .Key(14, "q1").Len(1).Str(RedisZiplist({}))
                               .Key(16, "hl").Str(RedisListpack({}))
                               .Key(11, "is").Str(std::string("\x02\0\0\0\0\0\0\0", 8))
                               .Key(0, "k").Str("v")
                               .Finish();
  RdbLoadStats stats;
  ASSERT_TRUE(Load(ks_, data, &stats).ok());
  EXPECT_EQ(stats.keys_loaded, 1u);
  EXPECT_EQ(ks_.KeyCount(0), 1u);
  ExpectAccounting(ks_);
}

TEST_F(RdbReaderTest, QuicklistNodes) {
  const std::string data = RdbBuilder()
                               .Key(18, "l").Len(4)
                               .Len(2).Str(RedisListpack({"a", "1"}))
                               .Len(1).Str("plain element")
                               .Len(2).Str(RedisListpack({}))  // empty nodes are skipped
                               .Len(2).Str(RedisListpack({"z"}))
                               .Key(14, "old").Len(2).Str(RedisZiplist({"x"})).Str(RedisZiplist({"y", "z"}))
                               .Finish();
  ASSERT_TRUE(Load(ks_, data).ok());
  EXPECT_EQ(ListOf(Find(ks_, 0, "l")), (std::vector<std::string>{"a", "1", "plain element", "z"}));
  EXPECT_EQ(ListOf(Find(ks_, 0, "old")), (std::vector<std::string>{"x", "y", "z"}));
  ExpectError(Load(ks_, RdbBuilder().Key(18, "l").Len(1).Len(3).Str("x").Finish()),
              Status::Code::kCorruption, {"invalid quicklist node container 3 (key 'l') at offset 13"});
}

TEST_F(RdbReaderTest, BlobErrorsNameTheBlobAndKey) {
  std::string lp = RedisListpack({"f", "v"});
  lp[8] = 9;  // the backlen of "f"
  // The blob starts at 13 (type at 9, key at 10, length at 12); the backlen is 8 bytes into it.
  ExpectError(Load(ks_, RdbBuilder().Key(16, "h").Str(lp).Finish()), Status::Code::kCorruption,
              {"test.rdb: listpack: backlen does not match the element's 2 bytes at offset 21 "
               "(key 'h')"});
  std::string zl = RedisZiplist({"a", "b", "c"});
  ExpectError(Load(ks_, RdbBuilder().Key(13, "h").Str(zl).Finish()), Status::Code::kCorruption,
              {"hash encoding holds an odd number (3) of elements (key 'h')"});
  ExpectError(Load(ks_, RdbBuilder().Key(12, "z").Str(zl).Finish()), Status::Code::kCorruption,
              {"sorted set encoding holds an odd number (3) of elements"});
  // Inside an LZF-compressed blob, offsets are into the decompressed blob.
  ExpectError(Load(ks_, RdbBuilder().Key(16, "h").Lzf(lp).Finish()), Status::Code::kCorruption,
              {"listpack: backlen does not match the element's 2 bytes at offset 8 of the "
               "LZF-compressed blob at offset 15 (key 'h')"});
  ExpectError(Load(ks_, RdbBuilder().Key(11, "s").Str("\x03\0\0\0").Finish()),
              Status::Code::kCorruption, {"intset: header cut off at offset 13 (key 's')"});
  ExpectError(Load(ks_, RdbBuilder().Key(9, "h").Str("\x01\x01k").Finish()),
              Status::Code::kCorruption, {"zipmap: missing end marker at offset 15"});
  ExpectError(Load(ks_, RdbBuilder().Key(10, "l").Str("").Finish()), Status::Code::kCorruption,
              {"ziplist: 0 bytes is shorter than an empty ziplist at offset 13"});
}

TEST_F(RdbReaderTest, IntsetBlobs) {
  std::string is("\x02\0\0\0\x03\0\0\0", 8);  // width 2, 3 members
  for (int16_t v : {-5, 9, 300}) is.append(reinterpret_cast<const char*>(&v), 2);
  const std::string data = RdbBuilder().Key(11, "s").Str(is).Finish();
  ASSERT_TRUE(Load(ks_, data).ok());
  EXPECT_EQ(Find(ks_, 0, "s")->encoding(), Encoding::kIntset);
  EXPECT_EQ(SetOf(Find(ks_, 0, "s")), (std::set<std::string>{"-5", "9", "300"}));
  storage::Keyspace ks(16, nullptr);
  RdbLoadOptions opt;
  opt.set_max_intset_entries = 2;
  ASSERT_TRUE(Load(ks, data, nullptr, opt).ok());
  EXPECT_EQ(Find(ks, 0, "s")->encoding(), Encoding::kHashtable);
  EXPECT_EQ(SetOf(Find(ks, 0, "s")), (std::set<std::string>{"-5", "9", "300"}));
  ExpectAccounting(ks);
}

TEST_F(RdbReaderTest, PlainSetsOfIntegersBecomeIntsets) {
  const std::string data = RdbBuilder()
                               .Key(2, "ints").Len(3).Str("3").Byte(0xC0).Byte(1).Str("-2")
                               .Key(2, "mixed").Len(2).Str("3").Str("007")
                               .Finish();
  ASSERT_TRUE(Load(ks_, data).ok());
  EXPECT_EQ(Find(ks_, 0, "ints")->encoding(), Encoding::kIntset);
  EXPECT_EQ(SetOf(Find(ks_, 0, "ints")), (std::set<std::string>{"3", "1", "-2"}));
  EXPECT_EQ(Find(ks_, 0, "mixed")->encoding(), Encoding::kHashtable);  // "007" is not an integer
  EXPECT_EQ(SetOf(Find(ks_, 0, "mixed")), (std::set<std::string>{"3", "007"}));
}

// ---------------------------------------------------------------------------------------------
// Random corruption: every outcome is a clean error or a clean load, never a crash, a leak (run
// under the ASan build) or broken accounting.

// CARDINAL_RDB_FUZZ_ITERATIONS / CARDINAL_RDB_FUZZ_SEED run longer or other sequences by hand.
TEST_F(RdbReaderTest, RandomCorruptionNeverCrashes) {
  const char* iters_env = std::getenv("CARDINAL_RDB_FUZZ_ITERATIONS");
  const char* seed_env = std::getenv("CARDINAL_RDB_FUZZ_SEED");
  const int iterations = iters_env != nullptr ? std::atoi(iters_env) : 300;
  std::mt19937_64 rng(seed_env != nullptr ? std::strtoull(seed_env, nullptr, 10) : 20240601);
  const char* fixtures[] = {"compact.rdb", "strings.rdb", "full.rdb", "legacy.rdb",
                            "plain_nodes.rdb", "dbs.rdb", "nochecksum.rdb"};
  size_t ok = 0, failed = 0;
  for (const char* name : fixtures) {
    std::string clean = ReadFixture(name);
    // Zero the checksum so corrupt content reaches the parsers instead of the CRC check.
    std::fill(clean.end() - 8, clean.end(), '\0');
    for (int iter = 0; iter < iterations; ++iter) {
      std::string data = clean;
      const int ops = 1 + static_cast<int>(rng() % 4);
      for (int op = 0; op < ops && !data.empty(); ++op) {
        const size_t at = rng() % data.size();
        switch (rng() % 6) {
          case 0: data[at] ^= static_cast<char>(1 << (rng() % 8)); break;
          case 1: data[at] = static_cast<char>(rng()); break;
          case 2: data.resize(at); break;
          case 3: data.insert(at, data.substr(rng() % data.size(), rng() % 16)); break;
          case 4: data.erase(at, 1 + rng() % 16); break;
          default: {  // a plausible big length byte
            static const char kLengths[] = {'\x80', '\x81', '\xfe', '\xff', '\x7f', '\x3f'};
            data[at] = kLengths[rng() % sizeof(kLengths)];
          }
        }
      }
      storage::Keyspace ks(16, nullptr);
      Status s = Load(ks, data, nullptr, {}, 1 + rng() % 4096);
      if (s.ok()) {
        ++ok;
      } else {
        ++failed;
        EXPECT_TRUE(s.code() == Status::Code::kCorruption ||
                    s.code() == Status::Code::kUnsupported ||
                    s.code() == Status::Code::kInvalidArgument)
            << s.message();
        EXPECT_NE(s.message().find("offset"), std::string::npos) << s.message();
      }
      ExpectAccounting(ks);
    }
  }
  EXPECT_GT(failed, 0u);
  std::printf("random corruption: %zu loads succeeded, %zu failed cleanly\n", ok, failed);
}

// ---------------------------------------------------------------------------------------------
// Load time of a big dump: set CARDINAL_RDB_LOAD_FILE to a file (e.g. made by redis-benchmark
// and SAVE, see tests/data/rdb/README.md). Reports only; no threshold.

TEST(RdbReaderBench, LoadFileFromEnv) {
  const char* path = std::getenv("CARDINAL_RDB_LOAD_FILE");
  if (path == nullptr) GTEST_SKIP() << "CARDINAL_RDB_LOAD_FILE not set";
  storage::Keyspace ks(16, nullptr);
  RdbLoadStats stats;
  const auto start = std::chrono::steady_clock::now();
  const std::clock_t cpu_start = std::clock();
  Status s = LoadRdbFile(ks, Env::Posix(), path, {}, &stats);
  const double cpu = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(s.ok()) << s.message();
  std::printf("loaded %llu keys, %llu bytes in %.3f s (%.3f s CPU)\n",
              static_cast<unsigned long long>(stats.keys_loaded),
              static_cast<unsigned long long>(stats.bytes), secs, cpu);
}

}  // namespace
}  // namespace cardinal::persistence
