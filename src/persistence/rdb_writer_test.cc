#include "persistence/rdb_writer.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <lzf.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/intset.h"
#include "core/listpack.h"
#include "core/quicklist.h"
#include "core/str_map.h"
#include "core/str_set.h"
#include "core/zset.h"
#include "persistence/crc64.h"
#include "persistence/env.h"
#include "persistence/rdb_format.h"
#include "persistence/snapshot.h"
#include "storage/keyspace.h"

namespace cardinal::persistence {
namespace {

using storage::Encoding;
using storage::Entry;
using storage::ObjType;

// ---------------------------------------------------------------------------------------------
// Helpers.

std::string Bytes(std::initializer_list<int> b) {
  std::string s;
  for (int c : b) s.push_back(static_cast<char>(c));
  return s;
}

std::string Hex(std::string_view s) {
  std::string out;
  char b[4];
  for (unsigned char c : s) {
    std::snprintf(b, sizeof(b), "%02x", c);
    out += b;
  }
  return out;
}

// A WritableFile into memory.
class StringFile : public WritableFile {
 public:
  Status Append(std::string_view d) override {
    data.append(d);
    ++appends;
    return Status::Ok();
  }
  Status Sync() override { return Status::Ok(); }
  Status Close() override { return Status::Ok(); }
  uint64_t Size() const override { return data.size(); }
  std::string data;
  int appends = 0;
};

// Bytes produced by `fn` on a fresh encoder (no header), flushed without the EOF trailer.
template <class Fn>
std::string Encode(Fn fn, bool compression = true) {
  StringFile f;
  RdbSaveOptions opt;
  opt.compression = compression;
  {
    rdbw::RdbEncoder enc(&f, opt);
    fn(enc);
    EXPECT_TRUE(enc.Finish().ok());
  }
  // Drop the EOF byte and the 8-byte trailer Finish added.
  return f.data.substr(0, f.data.size() - 9);
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string TempDir() {
  char tmpl[] = "/tmp/rdbw-test-XXXXXX";
  char* d = ::mkdtemp(tmpl);
  EXPECT_NE(d, nullptr);
  return d ? d : "/tmp";
}

void RemoveTree(const std::string& dir) {
  std::string cmd = "rm -rf '" + dir + "'";
  (void)std::system(cmd.c_str());
}

// ---------------------------------------------------------------------------------------------
// Byte-exact encodings.

std::string Len(uint64_t n) {
  uint8_t b[9];
  size_t k = rdbw::EncodeLength(n, b);
  return std::string(reinterpret_cast<char*>(b), k);
}

TEST(RdbWriterTest, LengthEncoding) {
  EXPECT_EQ(Len(0), Bytes({0x00}));
  EXPECT_EQ(Len(63), Bytes({0x3f}));
  EXPECT_EQ(Len(64), Bytes({0x40, 0x40}));
  EXPECT_EQ(Len(300), Bytes({0x41, 0x2c}));
  EXPECT_EQ(Len(16383), Bytes({0x7f, 0xff}));
  EXPECT_EQ(Len(16384), Bytes({0x80, 0x00, 0x00, 0x40, 0x00}));
  EXPECT_EQ(Len(0x12345678), Bytes({0x80, 0x12, 0x34, 0x56, 0x78}));
  EXPECT_EQ(Len(0xFFFFFFFFull), Bytes({0x80, 0xff, 0xff, 0xff, 0xff}));
  EXPECT_EQ(Len(0x100000000ull), Bytes({0x81, 0, 0, 0, 0x01, 0, 0, 0, 0}));
  EXPECT_EQ(Len(0x0102030405060708ull), Bytes({0x81, 1, 2, 3, 4, 5, 6, 7, 8}));
}

std::string Str(std::string_view s, bool compression = true) {
  return Encode([&](rdbw::RdbEncoder& e) { e.WriteString(s); }, compression);
}

TEST(RdbWriterTest, IntegerEncodedStrings) {
  EXPECT_EQ(Str("0"), Bytes({0xc0, 0x00}));
  EXPECT_EQ(Str("1"), Bytes({0xc0, 0x01}));
  EXPECT_EQ(Str("-1"), Bytes({0xc0, 0xff}));
  EXPECT_EQ(Str("127"), Bytes({0xc0, 0x7f}));
  EXPECT_EQ(Str("-128"), Bytes({0xc0, 0x80}));
  EXPECT_EQ(Str("128"), Bytes({0xc1, 0x80, 0x00}));
  EXPECT_EQ(Str("-129"), Bytes({0xc1, 0x7f, 0xff}));
  EXPECT_EQ(Str("32767"), Bytes({0xc1, 0xff, 0x7f}));
  EXPECT_EQ(Str("-32768"), Bytes({0xc1, 0x00, 0x80}));
  EXPECT_EQ(Str("32768"), Bytes({0xc2, 0x00, 0x80, 0x00, 0x00}));
  EXPECT_EQ(Str("2147483647"), Bytes({0xc2, 0xff, 0xff, 0xff, 0x7f}));
  EXPECT_EQ(Str("-2147483648"), Bytes({0xc2, 0x00, 0x00, 0x00, 0x80}));
  // Beyond 32 bits, or not canonical: the text as it is.
  EXPECT_EQ(Str("2147483648"), std::string("\x0a") + "2147483648");
  EXPECT_EQ(Str("-2147483649"), std::string("\x0b") + "-2147483649");
  for (std::string_view s : {"007", "-0", "+1", " 1", "1 ", "1a", "", "-", "0x10", "1.0"}) {
    EXPECT_EQ(Str(s), std::string(1, static_cast<char>(s.size())) + std::string(s)) << s;
  }
  // A kInt value: INT encodings, else its decimal text.
  auto int_value = [](int64_t v) {
    return Encode([&](rdbw::RdbEncoder& e) { e.WriteInt64String(v); });
  };
  EXPECT_EQ(int_value(-7), Bytes({0xc0, 0xf9}));
  EXPECT_EQ(int_value(70000), Bytes({0xc2, 0x70, 0x11, 0x01, 0x00}));
  EXPECT_EQ(int_value(int64_t{1} << 40), std::string("\x0d") + "1099511627776");
  EXPECT_EQ(int_value(INT64_MIN), std::string("\x14") + "-9223372036854775808");
  EXPECT_EQ(int_value(INT64_MAX), std::string("\x13") + "9223372036854775807");
}

// Decodes an LZF string record starting at `rec` (0xC3, lengths, data).
std::string DecodeLzfRecord(const std::string& rec) {
  EXPECT_EQ(static_cast<uint8_t>(rec[0]), 0xc3);
  size_t p = 1;
  auto read_len = [&]() -> uint64_t {
    const uint8_t b = static_cast<uint8_t>(rec[p]);
    if ((b >> 6) == 0) return p += 1, b & 0x3f;
    if ((b >> 6) == 1) return p += 2, (uint64_t{b & 0x3fu} << 8) | static_cast<uint8_t>(rec[p - 1]);
    EXPECT_EQ(b, 0x80);
    uint64_t v = 0;
    for (int i = 1; i <= 4; i++) v = (v << 8) | static_cast<uint8_t>(rec[p + i]);
    p += 5;
    return v;
  };
  const uint64_t clen = read_len();
  const uint64_t len = read_len();
  EXPECT_EQ(p + clen, rec.size());
  std::string out(len, '\0');
  const unsigned got = lzf_decompress(rec.data() + p, static_cast<unsigned>(clen), out.data(),
                                      static_cast<unsigned>(len));
  EXPECT_EQ(got, len);
  return out;
}

TEST(RdbWriterTest, LzfCompression) {
  const std::string a1000(1000, 'a');
  std::string rec = Str(a1000);
  EXPECT_LT(rec.size(), 50u);
  EXPECT_EQ(DecodeLzfRecord(rec), a1000);

  std::string pattern;
  for (int i = 0; i < 20000; i++) pattern += "field-" + std::to_string(i % 97) + ";";
  rec = Str(pattern);
  EXPECT_LT(rec.size(), pattern.size() / 2);
  EXPECT_EQ(DecodeLzfRecord(rec), pattern);

  // 21 bytes (the first length Redis compresses) of one repeated byte.
  const std::string a21(21, 'a');
  rec = Str(a21);
  EXPECT_LT(rec.size(), 22u);
  EXPECT_EQ(DecodeLzfRecord(rec), a21);

  // 20 bytes: never compressed, however compressible.
  const std::string a20(20, 'a');
  EXPECT_EQ(Str(a20), "\x14" + a20);

  // Incompressible data stays plain.
  std::mt19937_64 rng(7);
  std::string noise(5000, '\0');
  for (char& c : noise) c = static_cast<char>(rng());
  EXPECT_EQ(Str(noise), Len(noise.size()) + noise);

  // rdbcompression no.
  EXPECT_EQ(Str(a1000, /*compression=*/false), Len(1000) + a1000);
}

TEST(RdbWriterTest, BinaryDouble) {
  auto d = [](double v) { return Encode([&](rdbw::RdbEncoder& e) { e.WriteBinaryDouble(v); }); };
  EXPECT_EQ(d(1.5), Bytes({0, 0, 0, 0, 0, 0, 0xf8, 0x3f}));
  EXPECT_EQ(d(-2.0), Bytes({0, 0, 0, 0, 0, 0, 0x00, 0xc0}));
  EXPECT_EQ(d(0.0), Bytes({0, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(d(-0.0), Bytes({0, 0, 0, 0, 0, 0, 0, 0x80}));
  EXPECT_EQ(d(std::numeric_limits<double>::infinity()), Bytes({0, 0, 0, 0, 0, 0, 0xf0, 0x7f}));
  EXPECT_EQ(d(-std::numeric_limits<double>::infinity()), Bytes({0, 0, 0, 0, 0, 0, 0xf0, 0xff}));
  EXPECT_EQ(d(0.1), Bytes({0x9a, 0x99, 0x99, 0x99, 0x99, 0x99, 0xb9, 0x3f}));
}

// Entries compared with the bytes redis-server 7.0.15 wrote for the same data (its dump.rdb of
// `SET a 1; HSET h f1 v1 f2 -5 f3 300; ZADD z 1.5 m1 -3 m2 inf m3 -0.0 m4;
// RPUSH l x 12 -5000 100000; SADD s 1 2 70000`, seen with xxd).
class RdbGoldenTest : public ::testing::Test {
 protected:
  std::string EncodeEntry(Entry* e) {
    std::string out = Encode([&](rdbw::RdbEncoder& enc) { enc.WriteEntry(*e); });
    Entry::Free(e);
    return out;
  }
};

TEST_F(RdbGoldenTest, String) {
  EXPECT_EQ(Hex(EncodeEntry(Entry::NewString("a", "1", -1))), "000161c001");
}

TEST_F(RdbGoldenTest, HashListpack) {
  core::Listpack lp(core::Listpack::NewBuffer());
  lp.AppendPair("f1", "v1");
  lp.AppendPair("f2", "-5");
  lp.AppendPair("f3", "300");
  EXPECT_EQ(
      Hex(EncodeEntry(Entry::NewObject("h", ObjType::kHash, Encoding::kListpack, lp.data(), -1))),
      "1001681d1d0000000600826631038276310382663203dffb02826633"
      "03c12c02ff");
}

TEST_F(RdbGoldenTest, ZSetListpack) {
  core::Listpack lp(core::Listpack::NewBuffer());
  core::zlp::Insert(&lp, "m1", 1.5);
  core::zlp::Insert(&lp, "m2", -3);
  core::zlp::Insert(&lp, "m3", std::numeric_limits<double>::infinity());
  core::zlp::Insert(&lp, "m4", -0.0);
  EXPECT_EQ(
      Hex(EncodeEntry(Entry::NewObject("z", ObjType::kZSet, Encoding::kListpack, lp.data(), -1))),
      "11017a26260000000800826d3203dffd02826d34030001826d310383312e3504826d330383696e6604ff");
}

TEST_F(RdbGoldenTest, ListQuicklist) {
  auto* ql = new core::QuickList();
  for (const char* v : {"x", "12", "-5000", "100000"}) ql->PushBack(v);
  EXPECT_EQ(Hex(EncodeEntry(Entry::NewObject("l", ObjType::kList, Encoding::kQuicklist, ql, -1))),
            "12016c010215150000000400817802"
            "0c01f178ec03f2a0860104ff");
}

TEST_F(RdbGoldenTest, SetIntset) {
  auto* is = new core::IntSet();
  for (int64_t v : {1, 2, 70000}) is->Insert(v);
  EXPECT_EQ(Hex(EncodeEntry(Entry::NewObject("s", ObjType::kSet, Encoding::kIntset, is, -1))),
            "0b017314040000000300000001000000020000007011010"
            "0");
}

TEST_F(RdbGoldenTest, ExpireOpcode) {
  // 252, then the unix ms time as 8 little-endian bytes.
  EXPECT_EQ(Hex(EncodeEntry(Entry::NewString("k", "v", 0x0102030405060708))),
            "fc0807060504030201"
            "00016b0176");
}

// Plain encodings: length + strings; ZSET_2 from the greatest element down.
TEST(RdbWriterTest, PlainCollectionEncodings) {
  auto* map = new core::StrMap();
  map->Set("f", "12");
  Entry* e = Entry::NewObject("h", ObjType::kHash, Encoding::kHashtable, map, -1);
  EXPECT_EQ(Hex(Encode([&](rdbw::RdbEncoder& enc) { enc.WriteEntry(*e); })),
            "04016801"
            "0166c00c");
  Entry::Free(e);

  auto* set = new core::StrSet();
  set->Insert("abc");
  e = Entry::NewObject("s", ObjType::kSet, Encoding::kHashtable, set, -1);
  EXPECT_EQ(Hex(Encode([&](rdbw::RdbEncoder& enc) { enc.WriteEntry(*e); })),
            "02017301"
            "03616263");
  Entry::Free(e);

  auto* z = new core::ZSet();
  z->Insert("lo", -1.0);
  z->Insert("hi", 2.0);
  e = Entry::NewObject("z", ObjType::kZSet, Encoding::kSkiplist, z, -1);
  EXPECT_EQ(Hex(Encode([&](rdbw::RdbEncoder& enc) { enc.WriteEntry(*e); })),
            "05017a02"
            "026869"
            "0000000000000040"
            "026c6f"
            "000000000000f0bf");
  Entry::Free(e);
}

// A long list is cut into 8 KiB Redis listpacks; the node count written first matches.
TEST(RdbWriterTest, QuicklistNodes) {
  auto* ql = new core::QuickList();
  const std::string item(100, 'q');
  for (int i = 0; i < 1000; i++) ql->PushBack(item);
  ql->PushBack(std::string(20000, 'Z'));  // larger than a node: a node of its own
  ql->PushBack("tail");
  Entry* e = Entry::NewObject("l", ObjType::kList, Encoding::kQuicklist, ql, -1);
  const std::string out = Encode([&](rdbw::RdbEncoder& enc) { enc.WriteEntry(*e); }, false);
  Entry::Free(e);
  // A 100-byte string element takes 2 header bytes + 100 + a 1-byte backlen = 103 bytes; a node
  // has 7 bytes of header and end byte, so (8192 - 7) / 103 = 79 elements fit. The big element
  // and "tail" each take one more node.
  const size_t per_node = (8192 - 7) / 103;
  const size_t expected_nodes = (1000 + per_node - 1) / per_node + 2;
  ASSERT_EQ(out.substr(0, 3), Bytes({rdb::kTypeListQuicklist2, 1, 'l'}));
  size_t p = 3;
  auto read_len = [&]() -> uint64_t {
    const uint8_t b = static_cast<uint8_t>(out[p]);
    if ((b >> 6) == 0) return p += 1, b & 0x3f;
    if ((b >> 6) == 1) return p += 2, (uint64_t{b & 0x3fu} << 8) | static_cast<uint8_t>(out[p - 1]);
    uint64_t v = 0;
    for (int i = 1; i <= 4; i++) v = (v << 8) | static_cast<uint8_t>(out[p + i]);
    p += 5;
    return v;
  };
  const uint64_t nodes = read_len();
  EXPECT_EQ(nodes, expected_nodes);
  size_t elements = 0;
  for (uint64_t n = 0; n < nodes; n++) {
    ASSERT_EQ(read_len(), rdb::kQuicklistNodePacked);
    const uint64_t len = read_len();
    ASSERT_LE(p + len, out.size());
    const std::string lp = out.substr(p, len);
    uint32_t total;
    std::memcpy(&total, lp.data(), 4);
    EXPECT_EQ(total, len);
    if (n + 2 < nodes) {
      EXPECT_LE(len, 8192u);
    }
    elements += static_cast<uint8_t>(lp[4]) | (static_cast<uint8_t>(lp[5]) << 8);
    p += len;
  }
  EXPECT_EQ(p, out.size());
  EXPECT_EQ(elements, 1002u);
}

TEST(RdbWriterTest, PlainQuicklistNode) {
  auto* ql = new core::QuickList();
  ql->PushBack("a");
  ql->PushBack(std::string(300, 'P'));
  ql->PushBack("b");
  Entry* e = Entry::NewObject("l", ObjType::kList, Encoding::kQuicklist, ql, -1);
  const std::string out = Encode(
      [&](rdbw::RdbEncoder& enc) {
        enc.set_plain_node_threshold(300);
        enc.WriteEntry(*e);
      },
      false);
  Entry::Free(e);
  // 3 nodes: packed [a], plain P*300, packed [b].
  const std::string expected = Bytes({rdb::kTypeListQuicklist2, 1, 'l', 3}) +
                               Bytes({2, 10, 10, 0, 0, 0, 1, 0, 0x81, 'a', 2, 0xff}) + Bytes({1}) +
                               Len(300) + std::string(300, 'P') +
                               Bytes({2, 10, 10, 0, 0, 0, 1, 0, 0x81, 'b', 2, 0xff});
  EXPECT_EQ(Hex(out), Hex(expected));
}

// ---------------------------------------------------------------------------------------------
// Whole files.

std::unique_ptr<storage::Keyspace> NewKeyspace() {
  return std::make_unique<storage::Keyspace>(16, nullptr);
}

TEST(RdbWriterTest, EmptyKeyspaceHeaderAuxEofCrc) {
  auto ks = NewKeyspace();
  StringFile f;
  RdbSaveOptions opt;
  opt.aux = {{"redis-ver", "7.0.15"}, {"redis-bits", "64"}, {"ctime", "1700000000"}};
  RdbSaveStats stats;
  ASSERT_TRUE(WriteRdb(*ks, &f, opt, &stats).ok());
  const std::string body = std::string("REDIS0010") +
                           "\xfa\x09redis-ver\x06"
                           "7.0.15" +
                           "\xfa\x0aredis-bits\xc0\x40" +
                           "\xfa\x05"
                           "ctime\xc2" +
                           Bytes({0x00, 0xf1, 0x53, 0x65}) + "\xff";
  ASSERT_EQ(Hex(f.data.substr(0, body.size())), Hex(body));
  ASSERT_EQ(f.data.size(), body.size() + 8);
  const uint64_t crc = Crc64(0, body);
  std::string trailer(8, '\0');
  for (int i = 0; i < 8; i++) trailer[i] = static_cast<char>(crc >> (8 * i));
  EXPECT_EQ(Hex(f.data.substr(body.size())), Hex(trailer));
  EXPECT_EQ(stats.keys, 0u);
  EXPECT_EQ(stats.bytes, f.data.size());
}

TEST(RdbWriterTest, ChecksumOffWritesZeros) {
  auto ks = NewKeyspace();
  storage::Db(ks.get(), 0, NowMs(), nullptr).Upsert(Entry::NewString("k", "v", -1));
  StringFile f;
  RdbSaveOptions opt;
  opt.checksum = false;
  ASSERT_TRUE(WriteRdb(*ks, &f, opt, nullptr).ok());
  EXPECT_EQ(f.data.substr(f.data.size() - 9), Bytes({0xff, 0, 0, 0, 0, 0, 0, 0, 0}));
  // Same bytes before the trailer as with the checksum on.
  StringFile g;
  ASSERT_TRUE(WriteRdb(*ks, &g, RdbSaveOptions{}, nullptr).ok());
  EXPECT_EQ(f.data.substr(0, f.data.size() - 8), g.data.substr(0, g.data.size() - 8));
  EXPECT_NE(g.data.substr(g.data.size() - 8), std::string(8, '\0'));
}

TEST(RdbWriterTest, DatabasesAndResizeDb) {
  auto ks = NewKeyspace();
  const int64_t now = NowMs();
  storage::Db(ks.get(), 0, now, nullptr).Upsert(Entry::NewString("a", "x", -1));
  storage::Db(ks.get(), 15, now, nullptr).Upsert(Entry::NewString("b", "y", now + 100000));
  storage::Db(ks.get(), 15, now, nullptr).Upsert(Entry::NewString("c", "z", -1));
  StringFile f;
  RdbSaveStats stats;
  ASSERT_TRUE(WriteRdb(*ks, &f, RdbSaveOptions{}, &stats).ok());
  EXPECT_EQ(stats.keys, 3u);
  EXPECT_EQ(stats.bytes, f.data.size());
  const std::string db0 = Bytes({0xfe, 0, 0xfb, 1, 0}) + Bytes({0, 1, 'a', 1, 'x'});
  EXPECT_EQ(f.data.substr(9, db0.size()), db0);
  EXPECT_EQ(f.data.substr(9 + db0.size(), 5), Bytes({0xfe, 15, 0xfb, 2, 1}));
}

// rdb-key-save-delay: the writer sleeps after each key (a lower bound only: sleeps may be longer).
TEST(RdbWriterTest, KeySaveDelay) {
  auto ks = NewKeyspace();
  storage::Db db(ks.get(), 0, NowMs(), nullptr);
  for (int i = 0; i < 50; i++) db.Upsert(Entry::NewString("k" + std::to_string(i), "v", -1));
  StringFile f;
  RdbSaveOptions opt;
  opt.key_save_delay_us = 2000;
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(WriteRdb(*ks, &f, opt, nullptr).ok());
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(100));
  StringFile g;
  ASSERT_TRUE(WriteRdb(*ks, &g, RdbSaveOptions{}, nullptr).ok());
  EXPECT_EQ(f.data, g.data);
}

// The output does not depend on where buffer flushes fall.
TEST(RdbWriterTest, BufferSizeDoesNotChangeOutput) {
  auto ks = NewKeyspace();
  storage::Db db(ks.get(), 0, NowMs(), nullptr);
  for (int i = 0; i < 2000; i++) {
    db.Upsert(Entry::NewString("key:" + std::to_string(i), std::string(i % 300, 'a' + i % 26), -1));
  }
  auto* ql = new core::QuickList();
  for (int i = 0; i < 5000; i++) ql->PushBack("item-" + std::to_string(i));
  db.Upsert(Entry::NewObject("list", ObjType::kList, Encoding::kQuicklist, ql, -1));
  StringFile big;
  rdbw::RdbEncoder enc_big(&big, RdbSaveOptions{});
  ASSERT_TRUE(rdbw::WriteKeyspace(*ks, &enc_big).ok());
  StringFile small;
  rdbw::RdbEncoder enc_small(&small, RdbSaveOptions{}, 300);
  ASSERT_TRUE(rdbw::WriteKeyspace(*ks, &enc_small).ok());
  EXPECT_EQ(big.data, small.data);
  EXPECT_EQ(big.appends, 2);  // the body and the trailer
  EXPECT_GT(small.appends, 100);
}

// ---------------------------------------------------------------------------------------------
// Failures.

TEST(RdbWriterTest, EnospcLeavesOldFileAndNoTemp) {
  const std::string dir = TempDir();
  const std::string path = dir + "/dump.rdb";
  ASSERT_TRUE(WriteFileAtomically(Env::Posix(), path, "old contents").ok());
  auto ks = NewKeyspace();
  storage::Db db(ks.get(), 0, NowMs(), nullptr);
  for (int i = 0; i < 100000; i++)
    db.Upsert(Entry::NewString("k" + std::to_string(i), "value", -1));

  FaultInjectionEnv env(Env::Posix());
  for (uint64_t after : {uint64_t{0}, uint64_t{100}, uint64_t{1} << 20}) {
    env.Arm(FaultInjectionEnv::Op::kWrite, "dump.rdb", ENOSPC, after);
    RdbSaveStats stats;
    Status s = SaveRdbFile(*ks, &env, path, RdbSaveOptions{}, &stats);
    ASSERT_FALSE(s.ok()) << after;
    EXPECT_NE(s.message().find("No space left on device"), std::string::npos) << s.message();
    EXPECT_NE(s.message().find(path + ".tmp-"), std::string::npos) << s.message();
    std::vector<std::string> names;
    ASSERT_TRUE(Env::Posix()->ListDir(dir, &names).ok());
    EXPECT_EQ(names, std::vector<std::string>{"dump.rdb"});
    std::string contents;
    ASSERT_TRUE(ReadWholeFile(Env::Posix(), path, &contents).ok());
    EXPECT_EQ(contents, "old contents");
  }
  // A failing fsync too.
  env.Disarm();
  env.Arm(FaultInjectionEnv::Op::kSync, "dump.rdb", EIO);
  Status s = SaveRdbFile(*ks, &env, path, RdbSaveOptions{}, nullptr);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("Input/output error"), std::string::npos) << s.message();
  std::vector<std::string> names;
  ASSERT_TRUE(Env::Posix()->ListDir(dir, &names).ok());
  EXPECT_EQ(names, std::vector<std::string>{"dump.rdb"});

  // Healthy again: the file is replaced.
  env.Disarm();
  RdbSaveStats stats;
  ASSERT_TRUE(SaveRdbFile(*ks, &env, path, RdbSaveOptions{}, &stats).ok());
  EXPECT_EQ(stats.keys, 100000u);
  uint64_t size = 0;
  ASSERT_TRUE(Env::Posix()->GetFileSize(path, &size).ok());
  EXPECT_EQ(size, stats.bytes);
  RemoveTree(dir);
}

TEST(RdbWriterTest, UnwritableDirectory) {
  auto ks = NewKeyspace();
  Status s =
      SaveRdbFile(*ks, Env::Posix(), "/nonexistent-dir-rdbw/dump.rdb", RdbSaveOptions{}, nullptr);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("/nonexistent-dir-rdbw/dump.rdb.tmp-"), std::string::npos);
  EXPECT_NE(s.message().find("No such file or directory"), std::string::npos) << s.message();
}

// ---------------------------------------------------------------------------------------------
// End to end against redis-check-rdb and redis-server 7.0 (skipped where they are not installed).

bool OnPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return false;
  std::string p(path);
  size_t start = 0;
  while (start <= p.size()) {
    size_t end = p.find(':', start);
    if (end == std::string::npos) end = p.size();
    const std::string cand = p.substr(start, end - start) + "/" + name;
    if (::access(cand.c_str(), X_OK) == 0) return true;
    start = end + 1;
  }
  return false;
}

// What a key should read back as.
struct Expected {
  int db = 0;
  std::string key;
  ObjType type = ObjType::kString;
  int64_t expire_at = -1;
  std::string str;
  std::vector<std::string> list;
  std::vector<std::string> pairs;    // hash: field, value, ...
  std::vector<std::string> members;  // set
  std::vector<std::pair<std::string, double>> zset;
};

class DataBuilder {
 public:
  explicit DataBuilder(storage::Keyspace* ks) : ks_(ks), now_(NowMs()) {}

  std::vector<Expected> model;

  void Put(int db, Entry* e) { storage::Db(ks_, db, now_, nullptr).Upsert(e); }

  void String(int db, std::string key, std::string value, int64_t exp = -1) {
    Put(db, Entry::NewString(key, value, exp));
    Add(db, key, ObjType::kString, exp).str = value;
  }
  void StringAs(int db, std::string key, std::string value, Encoding enc) {
    Put(db, Entry::NewStringAs(key, value, enc, -1));
    Add(db, key, ObjType::kString, -1).str = value;
  }
  void Int(int db, std::string key, int64_t v) {
    Put(db, Entry::NewInt(key, v, -1));
    Add(db, key, ObjType::kString, -1).str = std::to_string(v);
  }
  void List(int db, std::string key, const std::vector<std::string>& items, int64_t exp = -1) {
    auto* ql = new core::QuickList();
    for (const auto& s : items) ql->PushBack(s);
    Put(db, Entry::NewObject(key, ObjType::kList, Encoding::kQuicklist, ql, exp));
    Add(db, key, ObjType::kList, exp).list = items;
  }
  void Hash(int db, std::string key, const std::vector<std::string>& pairs, bool listpack,
            int64_t exp = -1) {
    Entry* e;
    if (listpack) {
      core::Listpack lp(core::Listpack::NewBuffer());
      for (size_t i = 0; i < pairs.size(); i += 2) lp.AppendPair(pairs[i], pairs[i + 1]);
      e = Entry::NewObject(key, ObjType::kHash, Encoding::kListpack, lp.data(), exp);
    } else {
      auto* m = new core::StrMap();
      for (size_t i = 0; i < pairs.size(); i += 2) m->Set(pairs[i], pairs[i + 1]);
      e = Entry::NewObject(key, ObjType::kHash, Encoding::kHashtable, m, exp);
    }
    Put(db, e);
    Add(db, key, ObjType::kHash, exp).pairs = pairs;
  }
  void IntSet(int db, std::string key, const std::vector<int64_t>& members) {
    auto* s = new core::IntSet();
    std::vector<std::string> text;
    for (int64_t v : members) {
      s->Insert(v);
      text.push_back(std::to_string(v));
    }
    Put(db, Entry::NewObject(key, ObjType::kSet, Encoding::kIntset, s, -1));
    Add(db, key, ObjType::kSet, -1).members = text;
  }
  void StrSet(int db, std::string key, const std::vector<std::string>& members) {
    auto* s = new core::StrSet();
    for (const auto& m : members) s->Insert(m);
    Put(db, Entry::NewObject(key, ObjType::kSet, Encoding::kHashtable, s, -1));
    Add(db, key, ObjType::kSet, -1).members = members;
  }
  void ZSet(int db, std::string key, std::vector<std::pair<std::string, double>> items,
            bool listpack, int64_t exp = -1) {
    Entry* e;
    if (listpack) {
      core::Listpack lp(core::Listpack::NewBuffer());
      for (const auto& [m, s] : items) core::zlp::Insert(&lp, m, s);
      e = Entry::NewObject(key, ObjType::kZSet, Encoding::kListpack, lp.data(), exp);
    } else {
      auto* z = new core::ZSet();
      for (const auto& [m, s] : items) z->Insert(m, s);
      e = Entry::NewObject(key, ObjType::kZSet, Encoding::kSkiplist, z, exp);
    }
    Put(db, e);
    std::sort(items.begin(), items.end(), [](const auto& a, const auto& b) {
      return a.second < b.second || (a.second == b.second && a.first < b.first);
    });
    Add(db, key, ObjType::kZSet, exp).zset = items;
  }

  int64_t now() const { return now_; }

 private:
  Expected& Add(int db, const std::string& key, ObjType t, int64_t exp) {
    model.push_back(Expected{});
    Expected& x = model.back();
    x.db = db;
    x.key = key;
    x.type = t;
    x.expire_at = exp;
    return x;
  }
  storage::Keyspace* ks_;
  int64_t now_;
};

std::string RandomBytes(std::mt19937_64& rng, size_t n) {
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

// Every type and encoding, in databases 0, 1 and 15.
void BuildEveryType(DataBuilder& b) {
  std::mt19937_64 rng(2024);
  const int64_t hour = b.now() + 3600 * 1000;

  // Strings.
  b.String(0, "str:int", "12345");
  b.String(0, "str:int8", "-100");
  b.Int(0, "str:int64min", INT64_MIN);
  b.Int(0, "str:int64max", INT64_MAX);
  b.Int(0, "str:i32min", INT32_MIN);
  b.Int(0, "str:i32max", INT32_MAX);
  b.Int(0, "str:i32over", int64_t{INT32_MAX} + 1);
  b.Int(0, "str:zero", 0);
  b.String(0, "str:embstr", "hello world");
  b.StringAs(0, "str:intlike-embstr", "42", Encoding::kEmbStr);
  b.StringAs(0, "str:intlike-raw", "-32768", Encoding::kRaw);
  b.StringAs(0, "str:raw-short", "short raw", Encoding::kRaw);
  int n = 0;
  for (const char* s : {"007", "-0", "+1", " 1", "1 ", "1.5", "99999999999999999999999"}) {
    b.String(0, "str:notint" + std::to_string(n++), s);
  }
  b.String(0, "str:empty", "");
  static const char kBinary[] = "a\0b\r\n\xff\xfe end of binary value \0\0";
  b.String(0, "str:binary", std::string(kBinary, sizeof(kBinary) - 1));
  b.String(0, "str:compressible", std::string(100000, 'a'));
  std::string text;
  for (int i = 0; i < 3000; i++) text += "line " + std::to_string(i % 50) + " of some text\n";
  b.String(0, "str:text", text);
  b.String(0, "str:21", std::string(21, 'z'));
  b.String(0, "str:random", RandomBytes(rng, 50000));
  b.String(0, "12345", "integer key");
  b.String(0, std::string("\0\xff binary key", 13), "v");
  b.String(0, "ttl:str", "expires", hour);
  b.String(0, "ttl:str2", "expires later", hour + 86400000LL * 365);

  // Lists.
  b.List(1, "list:small", {"a", "b", "1", "-5000", "100000", "9223372036854775807", ""});
  std::vector<std::string> items;
  for (int i = 0; i < 5000; i++) {
    items.push_back("elem-" + std::to_string(i) + std::string(static_cast<size_t>(i % 40), 'x'));
  }
  b.List(1, "list:multinode", items);
  std::vector<std::string> ints;
  for (int64_t v : {int64_t{0},         int64_t{127},           int64_t{128},
                    int64_t{-1},        int64_t{-4096},         int64_t{4095},
                    int64_t{4096},      int64_t{-4097},         int64_t{32767},
                    int64_t{32768},     int64_t{-32768},        int64_t{-32769},
                    int64_t{8388607},   int64_t{8388608},       int64_t{-8388608},
                    int64_t{-8388609},  int64_t{INT32_MAX},     int64_t{INT32_MAX} + 1,
                    int64_t{INT32_MIN}, int64_t{INT32_MIN} - 1, INT64_MAX,
                    INT64_MIN}) {
    ints.push_back(std::to_string(v));
  }
  b.List(1, "list:ints", ints);
  std::vector<std::string> lens;
  for (size_t len :
       {0, 1, 63, 64, 125, 126, 127, 128, 4095, 4096, 16377, 16378, 16379, 2097145, 2097146}) {
    lens.push_back(RandomBytes(rng, len));
  }
  b.List(1, "list:lengths", lens);
  b.List(1, "list:big-element", {"before", std::string(20000, 'B'), "after"});
  b.List(1, "ttl:list", {"x", "y"}, hour);

  // Hashes.
  b.Hash(1, "hash:lp",
         {"f1", "v1", "f2", "-5", "f3", "300", "", "empty", std::string("b\0n", 3), "\xff\xfe",
          "big", "9223372036854775807", "neg", "-9223372036854775808"},
         true);
  std::vector<std::string> pairs;
  for (int i = 0; i < 2000; i++) {
    pairs.push_back("field:" + std::to_string(i));
    pairs.push_back(i % 3 == 0 ? std::to_string(i * 1000) : "value " + std::to_string(i));
  }
  b.Hash(1, "hash:ht-big", pairs, false);
  b.Hash(1, "hash:ht-small", {"a", std::string(100, 'v'), "b", "2"}, false);
  b.Hash(1, "ttl:hash", {"k", "v"}, true, hour);

  // Sets.
  b.IntSet(15, "set:int16", {1, 2, 3, -5, 32767, -32768});
  b.IntSet(15, "set:int32", {70000, -70000, 1});
  b.IntSet(15, "set:int64", {INT64_MIN, INT64_MAX, 0});
  b.StrSet(15, "set:ht-small", {"a", "b", "1", std::string("\0z", 2)});
  std::vector<std::string> members;
  for (int i = 0; i < 3000; i++) members.push_back("member:" + std::to_string(i));
  b.StrSet(15, "set:ht-big", members);

  // Sorted sets.
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<std::pair<std::string, double>> special = {{"m1", 1.5},
                                                         {"m2", -3},
                                                         {"m3", inf},
                                                         {"m4", -0.0},
                                                         {"m5", -inf},
                                                         {"m6", 0.1},
                                                         {"m7", 1e300},
                                                         {"m8", 1152921504606846976.0},
                                                         {"m9", 123456789.123},
                                                         {"m10", -2.5e-300},
                                                         {"m11", 9007199254740993.0},
                                                         {"m12", 0}};
  b.ZSet(15, "zset:lp", special, true);
  auto big = special;
  for (int i = 0; i < 1000; i++) {
    big.emplace_back("rnd:" + std::to_string(i),
                     std::ldexp(static_cast<double>(static_cast<int64_t>(rng() >> 11)), -20) - 4e9);
  }
  big.emplace_back(std::string("bin\0\xff", 5), 7.25);
  b.ZSet(15, "zset:skiplist", big, false);
  b.ZSet(15, "ttl:zset", {{"a", 1}, {"b", 2}}, true, hour);
  b.String(15, "str:db15", "last db");

  // Random mixes of integer widths and string lengths, so Redis's deep listpack validation
  // (--sanitize-dump-payload yes, and redis-check-rdb) sees many element shapes.
  auto random_element = [&]() -> std::string {
    switch (rng() % 4) {
      case 0:
        return std::to_string(static_cast<int64_t>(rng()) >> (rng() % 64));
      case 1:
        return RandomBytes(rng, rng() % 70);
      case 2:
        return RandomBytes(rng, rng() % 5000);
      default:
        return "v" + std::to_string(rng() % 1000);
    }
  };
  for (int k = 0; k < 30; k++) {
    std::vector<std::string> list(rng() % 3000 + 1);
    for (auto& e : list) e = random_element();
    b.List(1, "rnd:list:" + std::to_string(k), list);
    std::vector<std::string> hash;
    std::map<std::string, bool> seen;
    for (size_t i = rng() % 200 + 1; i > 0; i--) {
      std::string f = random_element();
      if (seen[f]) continue;
      seen[f] = true;
      hash.push_back(f);
      hash.push_back(random_element());
    }
    b.Hash(1, "rnd:hash:" + std::to_string(k), hash, true);
    std::vector<std::pair<std::string, double>> zset;
    seen.clear();
    for (size_t i = rng() % 200 + 1; i > 0; i--) {
      std::string m = random_element();
      if (seen[m]) continue;
      seen[m] = true;
      const double score =
          rng() % 2 ? static_cast<double>(static_cast<int64_t>(rng()) >> (rng() % 64))
                    : std::ldexp(static_cast<double>(rng() >> 11), -static_cast<int>(rng() % 80));
      zset.emplace_back(m, rng() % 5 == 0 ? -score : score);
    }
    b.ZSet(15, "rnd:zset:" + std::to_string(k), zset, true);
  }
}

// A minimal RESP client for the checks.
struct Reply {
  char type = 0;
  std::string str;
  int64_t num = 0;
  std::vector<Reply> elems;
};

class RespClient {
 public:
  ~RespClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool Connect(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return false;
    timeval tv{30, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
      ::close(fd_);
      fd_ = -1;
      return false;
    }
    return true;
  }
  bool Command(const std::vector<std::string>& argv, Reply* r) {
    std::string out = "*" + std::to_string(argv.size()) + "\r\n";
    for (const auto& a : argv) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
    size_t off = 0;
    while (off < out.size()) {
      ssize_t n = ::send(fd_, out.data() + off, out.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return false;
      off += static_cast<size_t>(n);
    }
    return Parse(r);
  }
  Reply Cmd(const std::vector<std::string>& argv) {
    Reply r;
    if (!Command(argv, &r)) r.type = '!';
    return r;
  }

 private:
  bool Fill(size_t need) {
    while (buf_.size() - pos_ < need) {
      char tmp[65536];
      ssize_t n = ::recv(fd_, tmp, sizeof(tmp), 0);
      if (n <= 0) return false;
      buf_.append(tmp, static_cast<size_t>(n));
    }
    return true;
  }
  bool Line(std::string* line) {
    for (;;) {
      size_t e = buf_.find("\r\n", pos_);
      if (e != std::string::npos) {
        *line = buf_.substr(pos_, e - pos_);
        pos_ = e + 2;
        return true;
      }
      if (!Fill(buf_.size() - pos_ + 1)) return false;
    }
  }
  bool Parse(Reply* r) {
    std::string line;
    if (!Line(&line) || line.empty()) return false;
    r->type = line[0];
    const std::string rest = line.substr(1);
    switch (r->type) {
      case '+':
      case '-':
        r->str = rest;
        return true;
      case ':':
        r->num = std::strtoll(rest.c_str(), nullptr, 10);
        return true;
      case '$': {
        const long long n = std::strtoll(rest.c_str(), nullptr, 10);
        if (n < 0) return true;
        if (!Fill(static_cast<size_t>(n) + 2)) return false;
        r->str = buf_.substr(pos_, static_cast<size_t>(n));
        pos_ += static_cast<size_t>(n) + 2;
        Compact();
        return true;
      }
      case '*': {
        const long long n = std::strtoll(rest.c_str(), nullptr, 10);
        for (long long i = 0; i < n; i++) {
          r->elems.emplace_back();
          if (!Parse(&r->elems.back())) return false;
        }
        return true;
      }
      default:
        return false;
    }
  }
  void Compact() {
    if (pos_ > (1 << 20)) {
      buf_.erase(0, pos_);
      pos_ = 0;
    }
  }
  int fd_ = -1;
  std::string buf_;
  size_t pos_ = 0;
};

int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof(a);
  int port = -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
    port = ntohs(a.sin_port);
  }
  ::close(fd);
  return port;
}

std::string RunCapture(const std::string& cmd, int* exit_code) {
  std::string out;
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  if (p == nullptr) {
    *exit_code = -1;
    return out;
  }
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  const int st = ::pclose(p);
  *exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return out;
}

// A redis-server loading `dir`/`file`, stopped by PID.
class RedisServer {
 public:
  RedisServer(const std::string& dir, const std::string& file) : dir_(dir) {
    port_ = FreePort();
    const std::string port = std::to_string(port_);
    log_ = dir + "/redis-" + port + ".log";
    pid_ = ::fork();
    if (pid_ == 0) {
      ::execlp("redis-server", "redis-server", "--port", port.c_str(), "--bind", "127.0.0.1",
               "--dir", dir.c_str(), "--dbfilename", file.c_str(), "--save", "", "--appendonly",
               "no", "--sanitize-dump-payload", "yes", "--logfile", log_.c_str(), "--daemonize",
               "no", static_cast<char*>(nullptr));
      ::_exit(127);
    }
  }
  ~RedisServer() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 200; i++) {  // up to 10 s
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  // Waits (bounded) until the server answers PING after loading. On failure, *why holds the log.
  bool WaitReady(std::string* why) {
    for (int i = 0; i < 600; i++) {  // up to 30 s
      int st;
      if (::waitpid(pid_, &st, WNOHANG) == pid_) {
        pid_ = -1;
        ReadWholeFile(Env::Posix(), log_, why);
        return false;
      }
      RespClient c;
      if (c.Connect(port_)) {
        Reply r = c.Cmd({"PING"});
        if (r.type == '+' && r.str == "PONG") return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ReadWholeFile(Env::Posix(), log_, why);
    return false;
  }
  int port() const { return port_; }
  std::string log() const {
    std::string s;
    ReadWholeFile(Env::Posix(), log_, &s);
    return s;
  }

 private:
  std::string dir_;
  std::string log_;
  int port_ = -1;
  pid_t pid_ = -1;
};

double ParseScore(const std::string& s) { return std::strtod(s.c_str(), nullptr); }

void CheckAgainstRedis(const std::string& dir, const std::string& file,
                       const std::vector<Expected>& model) {
  int rc;
  const std::string check = RunCapture("timeout 120 redis-check-rdb " + dir + "/" + file, &rc);
  EXPECT_EQ(rc, 0) << check;
  EXPECT_NE(check.find("RDB looks OK"), std::string::npos) << check;
  EXPECT_NE(check.find("[info] " + std::to_string(model.size()) + " keys read"), std::string::npos)
      << check;

  RedisServer server(dir, file);
  std::string why;
  ASSERT_TRUE(server.WaitReady(&why)) << "redis-server did not load the file:\n" << why;
  RespClient c;
  ASSERT_TRUE(c.Connect(server.port()));

  std::map<int, size_t> per_db;
  for (const auto& x : model) per_db[x.db]++;
  for (int db = 0; db < 16; db++) {
    ASSERT_EQ(c.Cmd({"SELECT", std::to_string(db)}).type, '+');
    EXPECT_EQ(c.Cmd({"DBSIZE"}).num, static_cast<int64_t>(per_db[db])) << "db " << db;
  }
  int current_db = -1;
  for (const auto& x : model) {
    if (x.db != current_db) {
      ASSERT_EQ(c.Cmd({"SELECT", std::to_string(x.db)}).type, '+');
      current_db = x.db;
    }
    const std::string& k = x.key;
    SCOPED_TRACE("db " + std::to_string(x.db) + " key " + Hex(k).substr(0, 80));
    EXPECT_EQ(c.Cmd({"PEXPIRETIME", k}).num, x.expire_at);
    switch (x.type) {
      case ObjType::kString: {
        Reply r = c.Cmd({"GET", k});
        EXPECT_EQ(r.type, '$');
        EXPECT_TRUE(r.str == x.str)
            << "value differs, length " << r.str.size() << " vs " << x.str.size();
        break;
      }
      case ObjType::kList: {
        Reply r = c.Cmd({"LRANGE", k, "0", "-1"});
        ASSERT_EQ(r.type, '*');
        ASSERT_EQ(r.elems.size(), x.list.size());
        for (size_t i = 0; i < x.list.size(); i++) {
          EXPECT_TRUE(r.elems[i].str == x.list[i]) << "element " << i;
        }
        break;
      }
      case ObjType::kHash: {
        Reply r = c.Cmd({"HGETALL", k});
        ASSERT_EQ(r.type, '*');
        std::map<std::string, std::string> got, want;
        for (size_t i = 0; i + 1 < r.elems.size(); i += 2) got[r.elems[i].str] = r.elems[i + 1].str;
        for (size_t i = 0; i + 1 < x.pairs.size(); i += 2) want[x.pairs[i]] = x.pairs[i + 1];
        EXPECT_EQ(r.elems.size(), x.pairs.size());
        EXPECT_TRUE(got == want);
        break;
      }
      case ObjType::kSet: {
        Reply r = c.Cmd({"SMEMBERS", k});
        ASSERT_EQ(r.type, '*');
        std::vector<std::string> got;
        for (const auto& e : r.elems) got.push_back(e.str);
        std::vector<std::string> want = x.members;
        std::sort(got.begin(), got.end());
        std::sort(want.begin(), want.end());
        EXPECT_TRUE(got == want);
        break;
      }
      case ObjType::kZSet: {
        Reply r = c.Cmd({"ZRANGE", k, "0", "-1", "WITHSCORES"});
        ASSERT_EQ(r.type, '*');
        ASSERT_EQ(r.elems.size(), x.zset.size() * 2);
        for (size_t i = 0; i < x.zset.size(); i++) {
          EXPECT_TRUE(r.elems[2 * i].str == x.zset[i].first) << "rank " << i;
          const double got = ParseScore(r.elems[2 * i + 1].str);
          EXPECT_EQ(got, x.zset[i].second) << "rank " << i << " " << r.elems[2 * i + 1].str;
        }
        break;
      }
      default:
        FAIL();
    }
  }
}

class RdbRedisInteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!OnPath("redis-server") || !OnPath("redis-check-rdb")) {
      GTEST_SKIP() << "redis-server / redis-check-rdb not installed";
    }
    dir_ = TempDir();
  }
  // RDBW_KEEP=1 keeps the files and redis logs for a look by hand.
  void TearDown() override {
    if (!dir_.empty() && !std::getenv("RDBW_KEEP")) RemoveTree(dir_);
  }
  std::string dir_;
};

TEST_F(RdbRedisInteropTest, EveryTypeLoadsInRedis) {
  auto ks = NewKeyspace();
  DataBuilder b(ks.get());
  BuildEveryType(b);
  RdbSaveOptions opt;
  opt.aux = {{"redis-ver", "7.0.15"},
             {"redis-bits", "64"},
             {"ctime", std::to_string(NowMs() / 1000)},
             {"aof-base", "0"}};
  RdbSaveStats stats;
  ASSERT_TRUE(SaveRdbFile(*ks, Env::Posix(), dir_ + "/dump.rdb", opt, &stats).ok());
  EXPECT_EQ(stats.keys, b.model.size());
  CheckAgainstRedis(dir_, "dump.rdb", b.model);
}

TEST_F(RdbRedisInteropTest, UncompressedNoChecksum) {
  auto ks = NewKeyspace();
  DataBuilder b(ks.get());
  BuildEveryType(b);
  RdbSaveOptions opt;
  opt.compression = false;
  opt.checksum = false;
  ASSERT_TRUE(SaveRdbFile(*ks, Env::Posix(), dir_ + "/plain.rdb", opt, nullptr).ok());
  CheckAgainstRedis(dir_, "plain.rdb", b.model);
}

// The paths real data rarely takes: plain quicklist nodes (Redis 7.0 makes them for elements of
// 1 GiB or more) and hash/zset listpacks too big for a blob (written as HASH / ZSET_2). Both
// thresholds are lowered so ordinary data takes them.
TEST_F(RdbRedisInteropTest, PlainNodesAndListpackFallbackLoadInRedis) {
  auto ks = NewKeyspace();
  DataBuilder b(ks.get());
  BuildEveryType(b);
  std::mt19937_64 rng(5);
  std::vector<std::string> items;
  for (int i = 0; i < 300; i++) {
    items.push_back(i % 7 == 0 ? RandomBytes(rng, 5000 + static_cast<size_t>(i))
                               : "small-" + std::to_string(i));
  }
  b.List(0, "list:plain", items);
  b.List(0, "list:only-plain", {std::string(10000, 'p'), std::string(9000, 'q')});
  std::unique_ptr<WritableFile> f;
  ASSERT_TRUE(Env::Posix()->NewWritableFile(dir_ + "/fallback.rdb", true, &f).ok());
  rdbw::RdbEncoder enc(f.get(), RdbSaveOptions{});
  enc.set_plain_node_threshold(4096);
  enc.set_max_listpack_blob(0);
  ASSERT_TRUE(rdbw::WriteKeyspace(*ks, &enc).ok());
  ASSERT_TRUE(f->Close().ok());
  CheckAgainstRedis(dir_, "fallback.rdb", b.model);
}

// ---------------------------------------------------------------------------------------------
// Speed (run by hand: --gtest_also_run_disabled_tests --gtest_filter=*Speed*). 3M keys of 16
// bytes with 16-byte values, as `redis-benchmark -t set -n 3000000 -r 100000000 -d 16` makes.

void MeasureSave(int keys, size_t value_size, bool random_values) {
  auto ks = NewKeyspace();
  storage::Db db(ks.get(), 0, NowMs(), nullptr);
  std::mt19937_64 rng(1);
  char key[32];
  std::string value(value_size, 'x');
  for (int i = 0; i < keys; i++) {
    std::snprintf(key, sizeof(key), "key:%012d", i * 33 % 100000000);
    if (random_values) {
      for (char& c : value) c = static_cast<char>('!' + rng() % 90);
    }
    db.Upsert(Entry::NewString(key, value, -1));
  }
  const std::string dir = TempDir();
  for (int round = 0; round < 3; round++) {
    RdbSaveStats stats;
    auto t0 = std::chrono::steady_clock::now();
    ASSERT_TRUE(SaveRdbFile(*ks, Env::Posix(), dir + "/speed.rdb", RdbSaveOptions{}, &stats).ok());
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("SaveRdbFile: %llu keys, %.1f MB in %.3f s = %.0f MB/s\n",
                static_cast<unsigned long long>(stats.keys), stats.bytes / 1e6, secs,
                stats.bytes / 1e6 / secs);
    StringFile mem;
    mem.data.reserve(stats.bytes + 16);
    t0 = std::chrono::steady_clock::now();
    ASSERT_TRUE(WriteRdb(*ks, &mem, RdbSaveOptions{}, &stats).ok());
    const double msecs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("WriteRdb to memory: %.3f s = %.0f MB/s\n", msecs, stats.bytes / 1e6 / msecs);
  }
  RemoveTree(dir);
}

TEST(RdbWriterSpeed, DISABLED_ThreeMillionSmallStrings) { MeasureSave(3000000, 16, false); }

// Values longer than 20 bytes go through LZF: random ones (as redis-benchmark -d 100 writes,
// which LZF cannot shrink) and compressible ones.
TEST(RdbWriterSpeed, DISABLED_OneMillionRandom100ByteStrings) { MeasureSave(1000000, 100, true); }
TEST(RdbWriterSpeed, DISABLED_OneMillionCompressibleStrings) { MeasureSave(1000000, 100, false); }

// Collections, each in its own keyspace: one 3M-element list, 100k small hashes (listpack), one
// zset of 1M (skiplist). Prints the best of 5 runs.
void MeasureWrite(const char* what, storage::Keyspace& ks) {
  double best = 1e9;
  uint64_t bytes = 0;
  for (int round = 0; round < 5; round++) {
    StringFile mem;
    mem.data.reserve(64 << 20);
    RdbSaveStats stats;
    const auto t0 = std::chrono::steady_clock::now();
    ASSERT_TRUE(WriteRdb(ks, &mem, RdbSaveOptions{}, &stats).ok());
    best = std::min(best,
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    bytes = stats.bytes;
  }
  std::printf("WriteRdb %s: %.1f MB in %.3f s (best of 5)\n", what, bytes / 1e6, best);
}

TEST(RdbWriterSpeed, DISABLED_Collections) {
  auto lists = NewKeyspace();
  auto* ql = new core::QuickList();
  for (int i = 0; i < 3000000; i++) {
    ql->PushBack(i % 2 ? std::to_string(i) : "item-" + std::to_string(i));
  }
  storage::Db(lists.get(), 0, NowMs(), nullptr)
      .Upsert(Entry::NewObject("list", ObjType::kList, Encoding::kQuicklist, ql, -1));
  MeasureWrite("list of 3M", *lists);

  auto hashes = NewKeyspace();
  for (int k = 0; k < 100000; k++) {
    core::Listpack lp(core::Listpack::NewBuffer());
    for (int f = 0; f < 10; f++) {
      lp.AppendPair("field" + std::to_string(f), "value" + std::to_string(k));
    }
    storage::Db(hashes.get(), 0, NowMs(), nullptr)
        .Upsert(Entry::NewObject("hash:" + std::to_string(k), ObjType::kHash, Encoding::kListpack,
                                 lp.data(), -1));
  }
  MeasureWrite("100k hashes of 10 fields", *hashes);

  auto zsets = NewKeyspace();
  auto* z = new core::ZSet();
  for (int i = 0; i < 1000000; i++) z->Insert("member:" + std::to_string(i), i * 0.5);
  storage::Db(zsets.get(), 0, NowMs(), nullptr)
      .Upsert(Entry::NewObject("zset", ObjType::kZSet, Encoding::kSkiplist, z, -1));
  MeasureWrite("zset of 1M", *zsets);
}

}  // namespace
}  // namespace cardinal::persistence
