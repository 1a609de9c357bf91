// Tests of the generic family (keyspace and TTL commands). Expected replies and error texts are
// redis-server 7.0.15's, observed on the wire.
#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "commands/family_test_util.h"

namespace cardinal::commands {
namespace {

using resp::Arr;
using resp::Bulk;
using resp::Bulks;
using resp::Err;
using resp::Int;
using resp::kEmptyArray;
using resp::kNil;
using resp::kOk;
using resp::Simple;

constexpr int64_t kT0 = 1'700'000'000'000;  // a fixed "now" in unix ms

class GenericFamilyTest : public FamilyTest {
 protected:
  void SetKeys(int n, const std::string& prefix = "key:") {
    for (int i = 0; i < n; i++) {
      ASSERT_EQ(RunArgs({"SET", prefix + std::to_string(i), std::to_string(i)}), kOk);
    }
  }
  // Full SCAN from cursor 0; returns every key as often as it was returned. `between` runs after
  // each call (to change the keyspace mid-scan).
  std::map<std::string, int> FullScan(std::vector<std::string> opts, int* calls = nullptr,
                                      const std::function<void(int)>& between = {}) {
    std::map<std::string, int> seen;
    std::string cursor = "0";
    int n = 0;
    do {
      std::vector<std::string> argv{"SCAN", cursor};
      argv.insert(argv.end(), opts.begin(), opts.end());
      protocol::RespValue v = RunArgsDecoded(argv);
      if (v.type != protocol::RespValue::kArray || v.elems.size() != 2) {
        ADD_FAILURE() << "bad SCAN reply " << v.DebugString();
        break;
      }
      cursor = v.elems[0].str;
      for (const auto& k : v.elems[1].elems) seen[k.str]++;
      if (between) between(n);
      n++;
      if (n > 2'000'000) {
        ADD_FAILURE() << "SCAN does not terminate";
        break;
      }
    } while (cursor != "0");
    if (calls != nullptr) *calls = n;
    return seen;
  }
  size_t DbSize() {
    return WithDb([](storage::Db& db) { return db.Size(); });
  }
};

// ---------------------------------------------------------------------------------------------
// DEL / UNLINK / EXISTS / TOUCH / TYPE

TEST_F(GenericFamilyTest, DelCountsDeletedKeysOnce) {
  Run({"SET", "a", "1"});
  Run({"SET", "b", "2"});
  EXPECT_EQ(Run({"DEL", "a", "a", "b", "c"}), Int(2));
  EXPECT_EQ(Run({"EXISTS", "a", "b"}), Int(0));
  EXPECT_EQ(Run({"DEL", "a"}), Int(0));
  EXPECT_EQ(Run({"DEL"}), Err("ERR wrong number of arguments for 'del' command"));
  EXPECT_EQ(Run({"del", "x"}), Int(0));  // case-insensitive name
}

TEST_F(GenericFamilyTest, DelSkipsExpiredKeys) {
  SetNow(kT0);
  Run({"SET", "a", "1", "PX", "10"});
  Run({"SET", "b", "1"});
  SetNow(kT0 + 11);
  EXPECT_EQ(Run({"DEL", "a", "b"}), Int(1));
  EXPECT_EQ(DbSize(), 0u);
}

TEST_F(GenericFamilyTest, DelPropagatesOnlyDeletedKeys) {
  Run({"SET", "a", "1"});
  Run({"SET", "c", "1"});
  sink();
  EXPECT_EQ(Run({"DEL", "a", "b", "c", "a"}), Int(2));
  auto recs = sink().TakeArgv();
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0], (std::vector<std::string>{"DEL", "a", "c"}));
  EXPECT_EQ(Run({"DEL", "a", "b"}), Int(0));
  EXPECT_TRUE(sink().TakeArgv().empty());
  Run({"SET", "u", "1"});
  sink().Take();
  EXPECT_EQ(Run({"UNLINK", "u", "zz"}), Int(1));
  recs = sink().TakeArgv();
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0], (std::vector<std::string>{"UNLINK", "u"}));
}

TEST_F(GenericFamilyTest, UnlinkFreesLargeValuesLazily) {
  std::string big(100 * 1024, 'x');
  ASSERT_EQ(RunArgs({"SET", "big", big}), kOk);
  Run({"SET", "small", "1"});
  uint64_t before = lazy_freer().freed_objects();
  EXPECT_EQ(Run({"UNLINK", "big", "small", "missing", "big"}), Int(2));
  lazy_freer().Drain();
  EXPECT_EQ(lazy_freer().freed_objects(), before + 1);
  EXPECT_EQ(Run({"EXISTS", "big", "small"}), Int(0));
  EXPECT_EQ(Run({"UNLINK"}), Err("ERR wrong number of arguments for 'unlink' command"));
}

TEST_F(GenericFamilyTest, ExistsCountsDuplicatesAndExpiry) {
  SetNow(kT0);
  Run({"SET", "a", "1"});
  Run({"SET", "t", "1", "PX", "5"});
  EXPECT_EQ(Run({"EXISTS", "a"}), Int(1));
  EXPECT_EQ(Run({"EXISTS", "a", "a", "a", "nokey"}), Int(3));
  EXPECT_EQ(Run({"EXISTS", "t"}), Int(1));
  SetNow(kT0 + 5);  // a key expires only once the clock has passed its deadline
  EXPECT_EQ(Run({"EXISTS", "t"}), Int(1));
  SetNow(kT0 + 6);
  EXPECT_EQ(Run({"EXISTS", "t", "a"}), Int(1));
  EXPECT_EQ(Run({"EXISTS"}), Err("ERR wrong number of arguments for 'exists' command"));
}

TEST_F(GenericFamilyTest, ExistsCountsKeyspaceHitsWithoutTouchingLru) {
  SetNow(kT0);
  Run({"SET", "a", "1"});
  uint64_t hits = keyspace().SumStat(&storage::ShardStats::keyspace_hits);
  uint64_t misses = keyspace().SumStat(&storage::ShardStats::keyspace_misses);
  SetNow(kT0 + 5000);
  EXPECT_EQ(Run({"EXISTS", "a", "nokey"}), Int(1));
  EXPECT_EQ(Run({"TYPE", "a"}), Simple("string"));
  EXPECT_EQ(Run({"TTL", "a"}), Int(-1));
  EXPECT_EQ(keyspace().SumStat(&storage::ShardStats::keyspace_hits), hits + 3);
  EXPECT_EQ(keyspace().SumStat(&storage::ShardStats::keyspace_misses), misses + 1);
  EXPECT_EQ(Run({"OBJECT", "IDLETIME", "a"}), Int(5));
  EXPECT_EQ(Run({"TOUCH", "a"}), Int(1));
  EXPECT_EQ(Run({"OBJECT", "IDLETIME", "a"}), Int(0));
}

TEST_F(GenericFamilyTest, TouchCountsExistingKeys) {
  Run({"SET", "a", "1"});
  Run({"SET", "b", "1"});
  EXPECT_EQ(Run({"TOUCH", "a", "a", "b", "nokey"}), Int(3));
  EXPECT_EQ(Run({"TOUCH", "nokey"}), Int(0));
  EXPECT_EQ(Run({"TOUCH"}), Err("ERR wrong number of arguments for 'touch' command"));
}

TEST_F(GenericFamilyTest, Type) {
  Run({"SET", "s", "v"});
  Run({"SET", "i", "12"});
  EXPECT_EQ(Run({"TYPE", "s"}), Simple("string"));
  EXPECT_EQ(Run({"TYPE", "i"}), Simple("string"));
  EXPECT_EQ(Run({"TYPE", "nokey"}), Simple("none"));
  EXPECT_EQ(Run({"TYPE"}), Err("ERR wrong number of arguments for 'type' command"));
  EXPECT_EQ(Run({"TYPE", "a", "b"}), Err("ERR wrong number of arguments for 'type' command"));
}

// ---------------------------------------------------------------------------------------------
// KEYS

std::set<std::string> KeySet(const protocol::RespValue& v) {
  std::set<std::string> out;
  for (const auto& e : v.elems) out.insert(e.str);
  return out;
}

TEST_F(GenericFamilyTest, KeysPatterns) {
  for (const char* k : {"foo", "bar", "foobar", "hello", "hallo", "hxllo", "h*llo", "F"}) {
    Run({"SET", k, "1"});
  }
  using S = std::set<std::string>;
  EXPECT_EQ(KeySet(RunDecoded({"KEYS", "f*"})), (S{"foo", "foobar"}));
  EXPECT_EQ(KeySet(RunDecoded({"KEYS", "*bar"})), (S{"bar", "foobar"}));
  EXPECT_EQ(KeySet(RunDecoded({"KEYS", "[fb]oo"})), (S{"foo"}));
  EXPECT_EQ(KeySet(RunDecoded({"KEYS", "h?llo"})), (S{"hello", "hallo", "hxllo", "h*llo"}));
  EXPECT_EQ(KeySet(RunDecoded({"KEYS", "h[^e]llo"})), (S{"hallo", "hxllo", "h*llo"}));
  EXPECT_EQ(KeySet(RunDecoded({"KEYS", "h\\*llo"})), (S{"h*llo"}));
  EXPECT_EQ(KeySet(RunDecoded({"KEYS", "*"})).size(), 8u);
  EXPECT_EQ(Run({"KEYS", "F*"}), Bulks({"F"}));  // case-sensitive
  EXPECT_EQ(Run({"KEYS", "nomatch*"}), kEmptyArray);
  EXPECT_EQ(Run({"KEYS"}), Err("ERR wrong number of arguments for 'keys' command"));
  EXPECT_EQ(Run({"KEYS", "a", "b"}), Err("ERR wrong number of arguments for 'keys' command"));
}

TEST_F(GenericFamilyTest, KeysSkipsExpiredKeysWithoutDeletingThem) {
  SetNow(kT0);
  Run({"SET", "live", "1"});
  Run({"SET", "dead", "1", "PX", "1"});
  SetNow(kT0 + 2);
  EXPECT_EQ(Run({"KEYS", "*"}), Bulks({"live"}));
  EXPECT_EQ(Run({"DBSIZE"}), Int(2));  // collected lazily later, as in Redis
  EXPECT_EQ(Run({"EXISTS", "dead"}), Int(0));
  EXPECT_EQ(Run({"DBSIZE"}), Int(1));
}

TEST_F(GenericFamilyTest, KeysOnlySeesTheSelectedDb) {
  Run({"SET", "a", "1"});
  EXPECT_EQ(Run({"SELECT", "3"}), kOk);
  EXPECT_EQ(Run({"KEYS", "*"}), kEmptyArray);
  Run({"SET", "b", "1"});
  EXPECT_EQ(Run({"KEYS", "*"}), Bulks({"b"}));
}

// ---------------------------------------------------------------------------------------------
// SCAN

TEST_F(GenericFamilyTest, ScanErrors) {
  EXPECT_EQ(Run({"SCAN"}), Err("ERR wrong number of arguments for 'scan' command"));
  EXPECT_EQ(Run({"SCAN", "abc"}), Err("ERR invalid cursor"));
  EXPECT_EQ(Run({"SCAN", " 0"}), Err("ERR invalid cursor"));
  EXPECT_EQ(Run({"SCAN", "18446744073709551616"}), Err("ERR invalid cursor"));
  EXPECT_EQ(Run({"SCAN", "abc", "COUNT", "0"}), Err("ERR invalid cursor"));
  EXPECT_EQ(Run({"SCAN", "0", "COUNT", "0"}), Err("ERR syntax error"));
  EXPECT_EQ(Run({"SCAN", "0", "COUNT", "-1"}), Err("ERR syntax error"));
  EXPECT_EQ(Run({"SCAN", "0", "COUNT", "abc"}), Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(Run({"SCAN", "0", "COUNT", "1000000000000000000000"}),
            Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(Run({"SCAN", "0", "MATCH"}), Err("ERR syntax error"));
  EXPECT_EQ(Run({"SCAN", "0", "foo", "bar"}), Err("ERR syntax error"));
  EXPECT_EQ(Run({"SCAN", "0", "TYPE"}), Err("ERR syntax error"));
}

TEST_F(GenericFamilyTest, ScanEmptyDbAndOddCursors) {
  EXPECT_EQ(Run({"SCAN", "0"}), Arr({Bulk("0"), kEmptyArray}));
  EXPECT_EQ(Run({"SCAN", "12345"}), Arr({Bulk("0"), kEmptyArray}));
  Run({"SET", "a", "1"});
  // Cursors Redis's strtoul accepts: "+0", "-1" (= 2^64-1), "". Any cursor is safe to resume.
  EXPECT_EQ(Run({"SCAN", "+0", "COUNT", "1000"}), Arr({Bulk("0"), Bulks({"a"})}));
  for (const char* c : {"-1", "", "18446744073709551615", "99999", "9223372036854775808"}) {
    protocol::RespValue v = RunDecoded({"SCAN", c});
    ASSERT_EQ(v.type, protocol::RespValue::kArray) << c;
    ASSERT_EQ(v.elems.size(), 2u);
  }
}

TEST_F(GenericFamilyTest, ScanSmallDbFinishesInFewCalls) {
  Run({"SET", "only", "1"});
  int calls = 0;
  auto seen = FullScan({}, &calls);
  EXPECT_EQ(seen, (std::map<std::string, int>{{"only", 1}}));
  EXPECT_LE(calls, 4);
  EXPECT_EQ(Run({"SCAN", "0", "COUNT", "100000"}), Arr({Bulk("0"), Bulks({"only"})}));
}

TEST_F(GenericFamilyTest, ScanReturnsEveryKeyExactlyOnce) {
  SetKeys(5000);
  int calls = 0;
  auto seen = FullScan({"COUNT", "10"}, &calls);
  ASSERT_EQ(seen.size(), 5000u);
  for (const auto& [k, n] : seen) EXPECT_EQ(n, 1) << k;
  EXPECT_GT(calls, 1);
  // A large COUNT gets everything in one call.
  protocol::RespValue v = RunDecoded({"SCAN", "0", "COUNT", "1000000"});
  EXPECT_EQ(v.elems[0].str, "0");
  EXPECT_EQ(v.elems[1].elems.size(), 5000u);
}

TEST_F(GenericFamilyTest, ScanCountIsAHintThatBoundsWork) {
  SetKeys(200'000);  // > 921 keys per shard table: several segments each
  protocol::RespValue v = RunDecoded({"SCAN", "0", "COUNT", "10"});
  EXPECT_NE(v.elems[0].str, "0");
  EXPECT_GE(v.elems[1].elems.size(), 10u);
  EXPECT_LE(v.elems[1].elems.size(), 40u);
  // A MATCH that rejects everything still returns after bounded work, with a live cursor.
  v = RunDecoded({"SCAN", "0", "MATCH", "nothing*", "COUNT", "10"});
  EXPECT_NE(v.elems[0].str, "0");
  EXPECT_TRUE(v.elems[1].elems.empty());
}

TEST_F(GenericFamilyTest, ScanWhileKeysAreAddedAndRemoved) {
  SetKeys(5000, "old:");
  std::set<std::string> removed;
  auto seen = FullScan({"COUNT", "10"}, nullptr, [&](int call) {
    if (call == 20) {
      // Enough new keys to split every shard's table several times mid-scan.
      for (int i = 0; i < 80'000; i++) Run({"SET", "new:" + std::to_string(i), "x"});
    }
    if (call >= 10 && call < 1010) {
      std::string k = "old:" + std::to_string((call - 10) * 5);
      Run({"DEL", k});
      removed.insert(k);
    }
  });
  for (int i = 0; i < 5000; i++) {
    std::string k = "old:" + std::to_string(i);
    auto it = seen.find(k);
    if (removed.count(k)) {
      EXPECT_TRUE(it == seen.end() || it->second == 1) << k;
    } else {
      ASSERT_TRUE(it != seen.end()) << "missing " << k;
      EXPECT_EQ(it->second, 1) << k;
    }
  }
  for (const auto& [k, n] : seen) EXPECT_EQ(n, 1) << k;
}

TEST_F(GenericFamilyTest, ScanMatchAndType) {
  for (const char* k : {"foo", "bar", "foobar"}) Run({"SET", k, "1"});
  auto seen = FullScan({"MATCH", "f*", "COUNT", "100"});
  EXPECT_EQ(seen, (std::map<std::string, int>{{"foo", 1}, {"foobar", 1}}));
  EXPECT_EQ(FullScan({"TYPE", "STRING"}).size(), 3u);
  EXPECT_TRUE(FullScan({"TYPE", "list"}).empty());
  EXPECT_TRUE(FullScan({"TYPE", "nosuchtype"}).empty());  // 7.0: no error, just nothing
  EXPECT_EQ(FullScan({"MATCH", "*", "TYPE", "string", "COUNT", "5"}).size(), 3u);
}

TEST_F(GenericFamilyTest, ScanSkipsAndCollectsExpiredKeys) {
  SetNow(kT0);
  Run({"SET", "live", "1"});
  for (int i = 0; i < 50; i++) Run({"SET", "dead" + std::to_string(i), "1", "PX", "10"});
  SetNow(kT0 + 11);
  sink();
  auto seen = FullScan({});
  EXPECT_EQ(seen, (std::map<std::string, int>{{"live", 1}}));
  EXPECT_EQ(Run({"DBSIZE"}), Int(1));
  auto recs = sink().TakeArgv();
  EXPECT_EQ(recs.size(), 50u);
  for (const auto& r : recs) EXPECT_EQ(r[0], "DEL");
}

// ---------------------------------------------------------------------------------------------
// RANDOMKEY / DBSIZE

TEST_F(GenericFamilyTest, RandomKey) {
  EXPECT_EQ(Run({"RANDOMKEY"}), kNil);
  SetResp3(true);
  EXPECT_EQ(Run({"RANDOMKEY"}), resp::kNull3);
  SetResp3(false);
  Run({"SET", "a", "1"});
  EXPECT_EQ(Run({"RANDOMKEY"}), Bulk("a"));
  for (int i = 0; i < 20; i++) Run({"SET", "k" + std::to_string(i), "1"});
  std::set<std::string> got;
  for (int i = 0; i < 400; i++) got.insert(RunDecoded({"RANDOMKEY"}).str);
  EXPECT_GT(got.size(), 10u);
  EXPECT_EQ(Run({"RANDOMKEY", "x"}), Err("ERR wrong number of arguments for 'randomkey' command"));
}

TEST_F(GenericFamilyTest, RandomKeySkipsExpiredKeys) {
  SetNow(kT0);
  for (int i = 0; i < 10; i++) Run({"SET", "dead" + std::to_string(i), "1", "PX", "1"});
  Run({"SET", "live", "1"});
  SetNow(kT0 + 2);
  for (int i = 0; i < 20; i++) EXPECT_EQ(Run({"RANDOMKEY"}), Bulk("live"));
}

TEST_F(GenericFamilyTest, RandomKeyTerminatesWhenEverythingExpired) {
  SetNow(kT0);
  SetKeys(1000);
  for (int i = 0; i < 1000; i++) Run({"PEXPIRE", "key:" + std::to_string(i), "1"});
  SetNow(kT0 + 2);
  // Each call collects a bounded number of expired keys, then answers nil if it found no live
  // one; repeated calls drain the keyspace.
  int calls = 0;
  while (DbSize() > 0 && calls < 100) {
    EXPECT_EQ(Run({"RANDOMKEY"}), kNil);
    calls++;
  }
  EXPECT_EQ(DbSize(), 0u);
  EXPECT_EQ(Run({"RANDOMKEY"}), kNil);
}

TEST_F(GenericFamilyTest, DbSize) {
  EXPECT_EQ(Run({"DBSIZE"}), Int(0));
  SetKeys(100);
  EXPECT_EQ(Run({"DBSIZE"}), Int(100));
  Run({"SELECT", "1"});
  EXPECT_EQ(Run({"DBSIZE"}), Int(0));
  EXPECT_EQ(Run({"DBSIZE", "x"}), Err("ERR wrong number of arguments for 'dbsize' command"));
}

// ---------------------------------------------------------------------------------------------
// RENAME / RENAMENX

TEST_F(GenericFamilyTest, Rename) {
  SetNow(kT0);
  EXPECT_EQ(Run({"RENAME", "nokey", "x"}), Err("ERR no such key"));
  EXPECT_EQ(Run({"RENAME", "nokey", "nokey"}), Err("ERR no such key"));
  Run({"SET", "a", "1"});
  EXPECT_EQ(Run({"RENAME", "a", "a"}), kOk);
  EXPECT_EQ(Run({"GET", "a"}), Bulk("1"));
  EXPECT_EQ(Run({"EXPIRE", "a", "100"}), Int(1));
  EXPECT_EQ(Run({"RENAME", "a", "c"}), kOk);  // keeps the TTL
  EXPECT_EQ(Run({"EXISTS", "a"}), Int(0));
  EXPECT_EQ(Run({"GET", "c"}), Bulk("1"));
  EXPECT_EQ(Run({"PTTL", "c"}), Int(100000));
  Run({"SET", "d", "x"});
  EXPECT_EQ(Run({"RENAME", "d", "c"}), kOk);  // overwrites, and c loses its TTL
  EXPECT_EQ(Run({"TTL", "c"}), Int(-1));
  EXPECT_EQ(Run({"GET", "c"}), Bulk("x"));
  EXPECT_EQ(Run({"RENAME", "c"}), Err("ERR wrong number of arguments for 'rename' command"));
  EXPECT_EQ(Run({"RENAME", "c", "d", "e"}),
            Err("ERR wrong number of arguments for 'rename' command"));
}

TEST_F(GenericFamilyTest, RenameMovesRawAndLargeValues) {
  std::string big(100 * 1024, 'y');
  RunArgs({"SET", "big", big});
  std::string raw(60, 'r');
  RunArgs({"SET", "raw", raw});
  EXPECT_EQ(Run({"RENAME", "big", "big2"}), kOk);
  EXPECT_EQ(Run({"RENAME", "raw", "raw2"}), kOk);
  EXPECT_EQ(Run({"GET", "big2"}), Bulk(big));
  EXPECT_EQ(Run({"GET", "raw2"}), Bulk(raw));
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "raw2"}), Bulk("raw"));
  Run({"SET", "n", "123"});
  EXPECT_EQ(Run({"RENAME", "n", "n2"}), kOk);
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "n2"}), Bulk("int"));
  EXPECT_EQ(Run({"GET", "n2"}), Bulk("123"));
}

TEST_F(GenericFamilyTest, RenameOfExpiredKeyIsNoSuchKey) {
  SetNow(kT0);
  Run({"SET", "a", "1", "PX", "5"});
  SetNow(kT0 + 6);
  EXPECT_EQ(Run({"RENAME", "a", "b"}), Err("ERR no such key"));
  EXPECT_EQ(Run({"RENAMENX", "a", "b"}), Err("ERR no such key"));
}

TEST_F(GenericFamilyTest, RenameNx) {
  EXPECT_EQ(Run({"RENAMENX", "nokey", "x"}), Err("ERR no such key"));
  Run({"SET", "a", "1"});
  Run({"SET", "b", "2"});
  EXPECT_EQ(Run({"RENAMENX", "a", "a"}), Int(0));
  EXPECT_EQ(Run({"RENAMENX", "a", "b"}), Int(0));
  EXPECT_EQ(Run({"GET", "b"}), Bulk("2"));
  EXPECT_EQ(Run({"RENAMENX", "a", "c"}), Int(1));
  EXPECT_EQ(Run({"GET", "c"}), Bulk("1"));
  EXPECT_EQ(Run({"EXISTS", "a"}), Int(0));
}

TEST_F(GenericFamilyTest, RenameAcrossShardsIsAtomicWithWatchers) {
  Run({"SET", "src", "v"});
  storage::WatchFlag flag;
  keyspace().shard(storage::ShardOf("dst")).watchers[0]["dst"].push_back(&flag);
  EXPECT_EQ(Run({"RENAME", "src", "dst"}), kOk);
  EXPECT_TRUE(flag.dirty.load());
  keyspace().shard(storage::ShardOf("dst")).watchers[0].clear();
}

// ---------------------------------------------------------------------------------------------
// COPY / MOVE

TEST_F(GenericFamilyTest, CopyErrors) {
  Run({"SET", "c", "1"});
  EXPECT_EQ(Run({"COPY", "c", "c"}), Err("ERR source and destination objects are the same"));
  EXPECT_EQ(Run({"COPY", "nokey", "nokey"}),
            Err("ERR source and destination objects are the same"));
  EXPECT_EQ(Run({"COPY", "c", "c", "DB", "0"}),
            Err("ERR source and destination objects are the same"));
  EXPECT_EQ(Run({"COPY", "c", "e", "DB", "16"}), Err("ERR DB index is out of range"));
  EXPECT_EQ(Run({"COPY", "c", "e", "DB", "-1"}), Err("ERR DB index is out of range"));
  EXPECT_EQ(Run({"COPY", "c", "e", "DB", "abc"}),
            Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(Run({"COPY", "c", "e", "DB", "01"}),
            Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(Run({"COPY", "c", "e", "DB", "2147483648"}),
            Err("ERR value is out of range, value must between -2147483648 and 2147483647"));
  EXPECT_EQ(Run({"COPY", "c", "e", "foo"}), Err("ERR syntax error"));
  EXPECT_EQ(Run({"COPY", "c", "e", "DB"}), Err("ERR syntax error"));
  EXPECT_EQ(Run({"COPY", "nokey", "e", "foo"}), Err("ERR syntax error"));
  EXPECT_EQ(Run({"COPY", "c"}), Err("ERR wrong number of arguments for 'copy' command"));
}

TEST_F(GenericFamilyTest, Copy) {
  SetNow(kT0);
  Run({"SET", "c", "hello"});
  EXPECT_EQ(Run({"COPY", "nokey", "e"}), Int(0));
  EXPECT_EQ(Run({"COPY", "c", "e"}), Int(1));
  EXPECT_EQ(Run({"GET", "e"}), Bulk("hello"));
  EXPECT_EQ(Run({"TTL", "e"}), Int(-1));
  Run({"SET", "c", "world", "EX", "100"});
  EXPECT_EQ(Run({"COPY", "c", "e"}), Int(0));
  EXPECT_EQ(Run({"GET", "e"}), Bulk("hello"));
  EXPECT_EQ(Run({"COPY", "c", "e", "replace"}), Int(1));
  EXPECT_EQ(Run({"GET", "e"}), Bulk("world"));
  EXPECT_EQ(Run({"PTTL", "e"}), Int(100000));  // TTL copied
  // The copy is independent of the source.
  Run({"APPEND", "c", "!"});
  EXPECT_EQ(Run({"GET", "e"}), Bulk("world"));
  // Same key name into another db.
  EXPECT_EQ(Run({"COPY", "c", "c", "DB", "1"}), Int(1));
  EXPECT_EQ(Run({"COPY", "c", "c", "DB", "1"}), Int(0));
  EXPECT_EQ(Run({"COPY", "c", "x", "Replace", "REPLACE", "db", "1", "DB", "2"}), Int(1));
  Run({"SELECT", "2"});
  EXPECT_EQ(Run({"GET", "x"}), Bulk("world!"));
  EXPECT_EQ(Run({"PTTL", "x"}), Int(100000));
  Run({"SELECT", "1"});
  EXPECT_EQ(Run({"GET", "c"}), Bulk("world!"));
  EXPECT_EQ(Run({"EXISTS", "x"}), Int(0));
}

TEST_F(GenericFamilyTest, CopyOverExpiredDestination) {
  SetNow(kT0);
  Run({"SET", "s", "1"});
  Run({"SET", "d", "old", "PX", "5"});
  SetNow(kT0 + 6);
  EXPECT_EQ(Run({"COPY", "s", "d"}), Int(1));
  EXPECT_EQ(Run({"GET", "d"}), Bulk("1"));
}

TEST_F(GenericFamilyTest, Move) {
  SetNow(kT0);
  Run({"SET", "c", "1", "EX", "50"});
  EXPECT_EQ(Run({"MOVE", "c", "0"}), Err("ERR source and destination objects are the same"));
  EXPECT_EQ(Run({"MOVE", "c", "16"}), Err("ERR DB index is out of range"));
  EXPECT_EQ(Run({"MOVE", "c", "-1"}), Err("ERR DB index is out of range"));
  EXPECT_EQ(Run({"MOVE", "c", "abc"}), Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(Run({"MOVE", "c", "99999999999"}),
            Err("ERR value is out of range, value must between -2147483648 and 2147483647"));
  EXPECT_EQ(Run({"MOVE", "nokey", "1"}), Int(0));
  EXPECT_EQ(Run({"MOVE", "c", "1"}), Int(1));
  EXPECT_EQ(Run({"EXISTS", "c"}), Int(0));
  EXPECT_EQ(Run({"MOVE", "c", "1"}), Int(0));
  Run({"SET", "c", "2"});
  EXPECT_EQ(Run({"MOVE", "c", "1"}), Int(0));  // exists in the target
  EXPECT_EQ(Run({"GET", "c"}), Bulk("2"));
  Run({"SELECT", "1"});
  EXPECT_EQ(Run({"GET", "c"}), Bulk("1"));
  EXPECT_EQ(Run({"TTL", "c"}), Int(50));  // TTL kept
  EXPECT_EQ(Run({"MOVE", "c"}), Err("ERR wrong number of arguments for 'move' command"));
}

// ---------------------------------------------------------------------------------------------
// OBJECT

TEST_F(GenericFamilyTest, ObjectEncodingAndRefcount) {
  Run({"SET", "i", "5"});
  Run({"SET", "zero", "0"});
  Run({"SET", "i3", "9999"});
  Run({"SET", "i2", "10000"});
  Run({"SET", "n", "-1"});
  Run({"SET", "e", "hello"});
  Run({"SET", "m0", "-0"});
  RunArgs({"SET", "r", std::string(45, 'a')});
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "i"}), Bulk("int"));
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "e"}), Bulk("embstr"));
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "m0"}), Bulk("embstr"));
  EXPECT_EQ(Run({"object", "encoding", "r"}), Bulk("raw"));
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "nokey"}), kNil);
  EXPECT_EQ(Run({"OBJECT", "REFCOUNT", "i"}), Int(2147483647));
  EXPECT_EQ(Run({"OBJECT", "REFCOUNT", "zero"}), Int(2147483647));
  EXPECT_EQ(Run({"OBJECT", "REFCOUNT", "i3"}), Int(2147483647));
  EXPECT_EQ(Run({"OBJECT", "REFCOUNT", "i2"}), Int(1));
  EXPECT_EQ(Run({"OBJECT", "REFCOUNT", "n"}), Int(1));
  EXPECT_EQ(Run({"OBJECT", "REFCOUNT", "e"}), Int(1));
  EXPECT_EQ(Run({"OBJECT", "REFCOUNT", "nokey"}), kNil);
  SetResp3(true);
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "nokey"}), resp::kNull3);
}

TEST_F(GenericFamilyTest, ObjectIdletimeAndFreq) {
  SetNow(kT0);
  Run({"SET", "k", "v"});
  SetNow(kT0 + 3500);
  EXPECT_EQ(Run({"OBJECT", "IDLETIME", "k"}), Int(3));
  EXPECT_EQ(Run({"OBJECT", "IDLETIME", "k"}), Int(3));  // OBJECT does not touch
  Run({"GET", "k"});
  EXPECT_EQ(Run({"OBJECT", "IDLETIME", "k"}), Int(0));
  EXPECT_EQ(Run({"OBJECT", "IDLETIME", "nokey"}), kNil);
  EXPECT_EQ(Run({"OBJECT", "FREQ", "nokey"}), kNil);
  EXPECT_EQ(Run({"OBJECT", "FREQ", "k"}),
            Err("ERR An LFU maxmemory policy is not selected, access frequency not tracked. "
                "Please note that when switching between policies at runtime LRU and LFU data "
                "will take some time to adjust."));
}

TEST_F(GenericFamilyTest, ObjectHelpAndErrors) {
  // Byte for byte what redis-server 7.0.15 sends.
  const std::string help =
      "*15\r\n+OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
      "+ENCODING <key>\r\n"
      "+    Return the kind of internal representation used in order to store the value\r\n"
      "+    associated with a <key>.\r\n"
      "+FREQ <key>\r\n"
      "+    Return the access frequency index of the <key>. The returned integer is\r\n"
      "+    proportional to the logarithm of the recent access frequency of the key.\r\n"
      "+IDLETIME <key>\r\n"
      "+    Return the idle time of the <key>, that is the approximated number of\r\n"
      "+    seconds elapsed since the last access to the key.\r\n"
      "+REFCOUNT <key>\r\n"
      "+    Return the number of references of the value associated with the specified\r\n"
      "+    <key>.\r\n"
      "+HELP\r\n"
      "+    Prints this help.\r\n";
  EXPECT_EQ(Run({"OBJECT", "HELP"}), help);
  EXPECT_EQ(Run({"object", "help"}), help);
  EXPECT_EQ(Run({"OBJECT"}), Err("ERR wrong number of arguments for 'object' command"));
  EXPECT_EQ(Run({"OBJECT", "foo"}), Err("ERR unknown subcommand 'foo'. Try OBJECT HELP."));
  EXPECT_EQ(Run({"OBJECT", "foo", "bar"}), Err("ERR unknown subcommand 'foo'. Try OBJECT HELP."));
  EXPECT_EQ(Run({"OBJECT", "ENCODING"}),
            Err("ERR wrong number of arguments for 'object|encoding' command"));
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "a", "b"}),
            Err("ERR wrong number of arguments for 'object|encoding' command"));
  EXPECT_EQ(Run({"OBJECT", "HELP", "x"}),
            Err("ERR wrong number of arguments for 'object|help' command"));
}

// ---------------------------------------------------------------------------------------------
// SELECT / SWAPDB / FLUSHDB / FLUSHALL

TEST_F(GenericFamilyTest, Select) {
  EXPECT_EQ(Run({"SELECT", "15"}), kOk);
  EXPECT_EQ(client().db, 15);
  EXPECT_EQ(Run({"SELECT", "16"}), Err("ERR DB index is out of range"));
  EXPECT_EQ(Run({"SELECT", "-1"}), Err("ERR DB index is out of range"));
  EXPECT_EQ(Run({"SELECT", "2147483647"}), Err("ERR DB index is out of range"));
  EXPECT_EQ(Run({"SELECT", "abc"}), Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(Run({"SELECT", "01"}), Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(Run({"SELECT", "99999999999"}),
            Err("ERR value is out of range, value must between -2147483648 and 2147483647"));
  EXPECT_EQ(Run({"SELECT", "-2147483649"}),
            Err("ERR value is out of range, value must between -2147483648 and 2147483647"));
  EXPECT_EQ(client().db, 15);
  EXPECT_EQ(Run({"SELECT"}), Err("ERR wrong number of arguments for 'select' command"));
  EXPECT_EQ(Run({"SELECT", "0"}), kOk);
  EXPECT_EQ(client().db, 0);
}

TEST_F(GenericFamilyTest, SwapDb) {
  SetNow(kT0);
  Run({"SET", "a", "db0", "EX", "100"});
  Run({"SELECT", "1"});
  Run({"SET", "b", "db1"});
  EXPECT_EQ(Run({"SWAPDB", "0", "1"}), kOk);
  EXPECT_EQ(Run({"GET", "a"}), Bulk("db0"));  // still on db 1, which now holds db 0's data
  EXPECT_EQ(Run({"TTL", "a"}), Int(100));
  EXPECT_EQ(Run({"EXISTS", "b"}), Int(0));
  Run({"SELECT", "0"});
  EXPECT_EQ(Run({"GET", "b"}), Bulk("db1"));
  EXPECT_EQ(Run({"DBSIZE"}), Int(1));
  EXPECT_EQ(Run({"SWAPDB", "0", "0"}), kOk);
  EXPECT_EQ(Run({"GET", "b"}), Bulk("db1"));
  // Expiry still works on swapped data.
  Run({"SELECT", "1"});
  SetNow(kT0 + 100'001);
  EXPECT_EQ(Run({"GET", "a"}), kNil);
}

TEST_F(GenericFamilyTest, SwapDbErrors) {
  EXPECT_EQ(Run({"SWAPDB", "0", "16"}), Err("ERR DB index is out of range"));
  EXPECT_EQ(Run({"SWAPDB", "-1", "0"}), Err("ERR DB index is out of range"));
  EXPECT_EQ(Run({"SWAPDB", "abc", "1"}), Err("ERR invalid first DB index"));
  EXPECT_EQ(Run({"SWAPDB", "0", "abc"}), Err("ERR invalid second DB index"));
  EXPECT_EQ(Run({"SWAPDB", "16", "abc"}), Err("ERR invalid second DB index"));
  EXPECT_EQ(Run({"SWAPDB", "2147483648", "0"}), Err("ERR invalid first DB index"));
  EXPECT_EQ(Run({"SWAPDB", "0"}), Err("ERR wrong number of arguments for 'swapdb' command"));
}

TEST_F(GenericFamilyTest, SwapDbDirtiesWatchersOfExistingKeys) {
  Run({"SET", "a", "1"});  // db 0
  storage::WatchFlag on_a0, on_a1, on_missing;
  auto& w0 = keyspace().shard(storage::ShardOf("a")).watchers;
  w0[0]["a"].push_back(&on_a0);
  w0[1]["a"].push_back(&on_a1);
  keyspace().shard(storage::ShardOf("zz")).watchers[1]["zz"].push_back(&on_missing);
  EXPECT_EQ(Run({"SWAPDB", "0", "1"}), kOk);
  EXPECT_TRUE(on_a0.dirty.load());
  EXPECT_TRUE(on_a1.dirty.load());
  EXPECT_FALSE(on_missing.dirty.load());
  w0[0].clear();
  w0[1].clear();
  keyspace().shard(storage::ShardOf("zz")).watchers[1].clear();
}

TEST_F(GenericFamilyTest, FlushDb) {
  SetKeys(100);
  Run({"SELECT", "1"});
  Run({"SET", "other", "1"});
  Run({"SELECT", "0"});
  EXPECT_EQ(Run({"FLUSHDB"}), kOk);
  EXPECT_EQ(Run({"DBSIZE"}), Int(0));
  Run({"SELECT", "1"});
  EXPECT_EQ(Run({"DBSIZE"}), Int(1));
  EXPECT_EQ(Run({"FLUSHDB", "Sync"}), kOk);
  EXPECT_EQ(Run({"DBSIZE"}), Int(0));
  EXPECT_EQ(Run({"FLUSHDB", "foo"}), Err("ERR syntax error"));
  EXPECT_EQ(Run({"FLUSHDB", "async", "sync"}), Err("ERR syntax error"));
}

TEST_F(GenericFamilyTest, FlushAll) {
  std::string big(100 * 1024, 'z');
  for (int db = 0; db < 3; db++) {
    Run({"SELECT", std::to_string(db)});
    SetKeys(50);
    RunArgs({"SET", "big", big});
  }
  EXPECT_EQ(Run({"FLUSHALL", "foo"}), Err("ERR syntax error"));
  EXPECT_EQ(Run({"FLUSHALL", "async", "sync"}), Err("ERR syntax error"));
  uint64_t before = lazy_freer().freed_objects();
  EXPECT_EQ(Run({"FLUSHALL", "ASYNC"}), kOk);
  for (int db = 0; db < 3; db++) {
    Run({"SELECT", std::to_string(db)});
    EXPECT_EQ(Run({"DBSIZE"}), Int(0));
  }
  lazy_freer().Drain();
  EXPECT_GT(lazy_freer().freed_objects(), before);
  EXPECT_EQ(keyspace().UsedBytes(), 0);
  SetKeys(10);
  EXPECT_EQ(Run({"FLUSHALL"}), kOk);
  EXPECT_EQ(Run({"DBSIZE"}), Int(0));
  EXPECT_EQ(Run({"FLUSHALL", "SYNC"}), kOk);
}

TEST_F(GenericFamilyTest, FlushDbDirtiesWatchers) {
  Run({"SET", "a", "1"});
  storage::WatchFlag flag;
  auto& w = keyspace().shard(storage::ShardOf("a")).watchers[0];
  w["a"].push_back(&flag);
  EXPECT_EQ(Run({"FLUSHDB"}), kOk);
  EXPECT_TRUE(flag.dirty.load());
  w.clear();
}

// ---------------------------------------------------------------------------------------------
// EXPIRE family

TEST_F(GenericFamilyTest, ExpireOptionErrors) {
  Run({"SET", "a", "1"});
  const std::string nx_err =
      Err("ERR NX and XX, GT or LT options at the same time are not compatible");
  const std::string gtlt_err = Err("ERR GT and LT options at the same time are not compatible");
  EXPECT_EQ(Run({"EXPIRE", "a", "100", "NX", "XX"}), nx_err);
  EXPECT_EQ(Run({"EXPIRE", "a", "100", "nx", "gt"}), nx_err);
  EXPECT_EQ(Run({"EXPIRE", "nokey", "100", "nx", "lt"}), nx_err);
  EXPECT_EQ(Run({"EXPIRE", "a", "100", "GT", "LT"}), gtlt_err);
  EXPECT_EQ(Run({"EXPIRE", "a", "100", "foo"}), Err("ERR Unsupported option foo"));
  EXPECT_EQ(Run({"EXPIRE", "a", "100", "nx", "foo"}), Err("ERR Unsupported option foo"));
  EXPECT_EQ(Run({"EXPIRE", "a", "abc", "foo"}), Err("ERR Unsupported option foo"));
  EXPECT_EQ(Run({"EXPIRE", "a", "abc"}), Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(Run({"EXPIRE", "nokey", "abc"}), Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(Run({"EXPIRE", "a"}), Err("ERR wrong number of arguments for 'expire' command"));
  EXPECT_EQ(Run({"PEXPIREAT", "a"}), Err("ERR wrong number of arguments for 'pexpireat' command"));
  EXPECT_EQ(Run({"TTL", "a"}), Int(-1));
}

TEST_F(GenericFamilyTest, ExpireOverflow) {
  SetNow(kT0);
  Run({"SET", "a", "1"});
  EXPECT_EQ(Run({"EXPIRE", "a", "9223372036854775807"}),
            Err("ERR invalid expire time in 'expire' command"));
  EXPECT_EQ(Run({"EXPIRE", "a", "9223372036854775"}),
            Err("ERR invalid expire time in 'expire' command"));
  EXPECT_EQ(Run({"EXPIRE", "a", "-9223372036854775808"}),
            Err("ERR invalid expire time in 'expire' command"));
  EXPECT_EQ(Run({"PEXPIRE", "a", "9223372036854775807"}),
            Err("ERR invalid expire time in 'pexpire' command"));
  EXPECT_EQ(Run({"EXPIREAT", "a", "9223372036854776"}),
            Err("ERR invalid expire time in 'expireat' command"));
  EXPECT_EQ(Run({"TTL", "a"}), Int(-1));
  EXPECT_EQ(Run({"EXPIREAT", "a", "9223372036854775"}), Int(1));
  EXPECT_EQ(Run({"PEXPIREAT", "a", "9223372036854775807"}), Int(1));
  EXPECT_EQ(Run({"PEXPIRETIME", "a"}), Int(INT64_MAX));
  EXPECT_EQ(Run({"EXPIRETIME", "a"}), Int(9223372036854776));
  EXPECT_EQ(Run({"PTTL", "a"}), Int(INT64_MAX - kT0));
  EXPECT_EQ(Run({"TTL", "a"}), Int((INT64_MAX - kT0 + 500) / 1000));
  // A hugely negative PEXPIRE does not overflow: it is in the past, so the key goes.
  EXPECT_EQ(Run({"PEXPIRE", "a", "-9223372036854775808"}), Int(1));
  EXPECT_EQ(Run({"EXISTS", "a"}), Int(0));
}

TEST_F(GenericFamilyTest, ExpireSetsAbsoluteDeadlines) {
  SetNow(kT0);
  Run({"SET", "a", "1"});
  EXPECT_EQ(Run({"EXPIRE", "nokey", "100"}), Int(0));
  EXPECT_EQ(Run({"EXPIRE", "a", "100"}), Int(1));
  EXPECT_EQ(Run({"PEXPIRETIME", "a"}), Int(kT0 + 100'000));
  EXPECT_EQ(Run({"PEXPIRE", "a", "1500"}), Int(1));
  EXPECT_EQ(Run({"PEXPIRETIME", "a"}), Int(kT0 + 1500));
  EXPECT_EQ(Run({"EXPIREAT", "a", std::to_string(kT0 / 1000 + 7)}), Int(1));
  EXPECT_EQ(Run({"PEXPIRETIME", "a"}), Int(kT0 + 7000));
  EXPECT_EQ(Run({"PEXPIREAT", "a", std::to_string(kT0 + 1234)}), Int(1));
  EXPECT_EQ(Run({"PEXPIRETIME", "a"}), Int(kT0 + 1234));
  EXPECT_EQ(Run({"PTTL", "a"}), Int(1234));
  SetNow(kT0 + 1234);
  EXPECT_EQ(Run({"GET", "a"}), Bulk("1"));  // alive until the clock passes the deadline
  SetNow(kT0 + 1235);
  EXPECT_EQ(Run({"GET", "a"}), kNil);
  EXPECT_EQ(Run({"TTL", "a"}), Int(-2));
}

TEST_F(GenericFamilyTest, ExpireInThePastDeletes) {
  SetNow(kT0);
  for (const char* k : {"a", "b", "c", "d", "e"}) Run({"SET", k, "1"});
  EXPECT_EQ(Run({"EXPIRE", "a", "-1"}), Int(1));
  EXPECT_EQ(Run({"EXPIRE", "b", "0"}), Int(1));
  EXPECT_EQ(Run({"PEXPIREAT", "c", "0"}), Int(1));
  EXPECT_EQ(Run({"PEXPIREAT", "d", std::to_string(kT0)}), Int(1));  // == now counts as past
  EXPECT_EQ(Run({"EXPIREAT", "e", "-5", "gt"}), Int(0));            // GT on a persistent key: never
  EXPECT_EQ(Run({"EXPIREAT", "e", "-5", "lt"}), Int(1));
  EXPECT_EQ(Run({"DBSIZE"}), Int(0));
}

TEST_F(GenericFamilyTest, ExpireNxXxGtLt) {
  SetNow(kT0);
  Run({"SET", "k", "1"});
  // No TTL: XX and GT refuse (infinite TTL is greater than anything), NX and LT accept.
  EXPECT_EQ(Run({"EXPIRE", "k", "100", "XX"}), Int(0));
  EXPECT_EQ(Run({"EXPIRE", "k", "100", "GT"}), Int(0));
  EXPECT_EQ(Run({"TTL", "k"}), Int(-1));
  EXPECT_EQ(Run({"EXPIRE", "k", "100", "Lt"}), Int(1));
  EXPECT_EQ(Run({"TTL", "k"}), Int(100));
  EXPECT_EQ(Run({"PERSIST", "k"}), Int(1));
  EXPECT_EQ(Run({"EXPIRE", "k", "100", "nx"}), Int(1));
  EXPECT_EQ(Run({"EXPIRE", "k", "50", "nx"}), Int(0));
  EXPECT_EQ(Run({"EXPIRE", "k", "100", "nx", "nx"}), Int(0));
  EXPECT_EQ(Run({"EXPIRE", "k", "50", "xx"}), Int(1));
  EXPECT_EQ(Run({"TTL", "k"}), Int(50));
  EXPECT_EQ(Run({"EXPIRE", "k", "50", "gt"}), Int(0));  // strictly greater
  EXPECT_EQ(Run({"EXPIRE", "k", "40", "gt"}), Int(0));
  EXPECT_EQ(Run({"EXPIRE", "k", "60", "gt"}), Int(1));
  EXPECT_EQ(Run({"EXPIRE", "k", "60", "lt"}), Int(0));  // strictly less
  EXPECT_EQ(Run({"EXPIRE", "k", "70", "lt"}), Int(0));
  EXPECT_EQ(Run({"EXPIRE", "k", "30", "xx", "lt"}), Int(1));
  EXPECT_EQ(Run({"TTL", "k"}), Int(30));
  EXPECT_EQ(Run({"EXPIRE", "k", "0", "gt"}), Int(0));
  EXPECT_EQ(Run({"EXISTS", "k"}), Int(1));
  EXPECT_EQ(Run({"EXPIRE", "nokey", "100", "lt"}), Int(0));
}

TEST_F(GenericFamilyTest, ExpireOnExpiredKeyIsZero) {
  SetNow(kT0);
  Run({"SET", "k", "1", "PX", "10"});
  SetNow(kT0 + 11);
  EXPECT_EQ(Run({"EXPIRE", "k", "100"}), Int(0));
  EXPECT_EQ(Run({"PERSIST", "k"}), Int(0));
}

// ---------------------------------------------------------------------------------------------
// TTL / PTTL / EXPIRETIME / PEXPIRETIME / PERSIST

TEST_F(GenericFamilyTest, TtlRounding) {
  SetNow(kT0);
  EXPECT_EQ(Run({"TTL", "nokey"}), Int(-2));
  EXPECT_EQ(Run({"PTTL", "nokey"}), Int(-2));
  EXPECT_EQ(Run({"EXPIRETIME", "nokey"}), Int(-2));
  EXPECT_EQ(Run({"PEXPIRETIME", "nokey"}), Int(-2));
  Run({"SET", "k", "1"});
  EXPECT_EQ(Run({"TTL", "k"}), Int(-1));
  EXPECT_EQ(Run({"PTTL", "k"}), Int(-1));
  EXPECT_EQ(Run({"EXPIRETIME", "k"}), Int(-1));
  EXPECT_EQ(Run({"PEXPIRETIME", "k"}), Int(-1));
  Run({"PEXPIRE", "k", "1499"});
  EXPECT_EQ(Run({"TTL", "k"}), Int(1));
  Run({"PEXPIRE", "k", "1500"});
  EXPECT_EQ(Run({"TTL", "k"}), Int(2));  // rounded half up
  Run({"PEXPIRE", "k", "499"});
  EXPECT_EQ(Run({"TTL", "k"}), Int(0));
  EXPECT_EQ(Run({"PTTL", "k"}), Int(499));
  SetNow(kT0 + 499);
  EXPECT_EQ(Run({"PTTL", "k"}), Int(0));  // at the deadline, still there
  EXPECT_EQ(Run({"TTL", "k"}), Int(0));
  SetNow(kT0 + 500);
  EXPECT_EQ(Run({"PTTL", "k"}), Int(-2));
  SetNow(kT0);
  Run({"SET", "b", "1"});
  Run({"PEXPIREAT", "b", "4102444800999"});
  EXPECT_EQ(Run({"EXPIRETIME", "b"}), Int(4102444801));
  Run({"PEXPIREAT", "b", "4102444800500"});
  EXPECT_EQ(Run({"EXPIRETIME", "b"}), Int(4102444801));
  Run({"PEXPIREAT", "b", "4102444800499"});
  EXPECT_EQ(Run({"EXPIRETIME", "b"}), Int(4102444800));
  EXPECT_EQ(Run({"PEXPIRETIME", "b"}), Int(4102444800499));
  EXPECT_EQ(Run({"TTL"}), Err("ERR wrong number of arguments for 'ttl' command"));
  EXPECT_EQ(Run({"PTTL", "a", "b"}), Err("ERR wrong number of arguments for 'pttl' command"));
}

TEST_F(GenericFamilyTest, Persist) {
  SetNow(kT0);
  EXPECT_EQ(Run({"PERSIST", "nokey"}), Int(0));
  Run({"SET", "k", "1"});
  EXPECT_EQ(Run({"PERSIST", "k"}), Int(0));
  Run({"EXPIRE", "k", "10"});
  EXPECT_EQ(Run({"PERSIST", "k"}), Int(1));
  EXPECT_EQ(Run({"TTL", "k"}), Int(-1));
  EXPECT_EQ(Run({"PERSIST", "k"}), Int(0));
  SetNow(kT0 + 1'000'000);
  EXPECT_EQ(Run({"GET", "k"}), Bulk("1"));
  EXPECT_EQ(keyspace().ExpiresCount(0), 0u);
}

TEST_F(GenericFamilyTest, LazyExpiryWithFakeClock) {
  SetNow(kT0);
  Run({"SET", "a", "1", "EX", "10"});
  Run({"SET", "b", "1", "PX", "10001"});
  EXPECT_EQ(keyspace().ExpiresCount(0), 2u);
  SetNow(kT0 + 10'001);
  EXPECT_EQ(Run({"EXISTS", "a", "b"}), Int(1));
  EXPECT_EQ(Run({"TYPE", "a"}), Simple("none"));
  EXPECT_EQ(Run({"DBSIZE"}), Int(1));
  EXPECT_EQ(keyspace().ExpiresCount(0), 1u);
  SetNow(kT0 + 10'002);
  EXPECT_EQ(Run({"TTL", "b"}), Int(-2));
  EXPECT_EQ(Run({"DBSIZE"}), Int(0));
  EXPECT_EQ(keyspace().SumStat(&storage::ShardStats::expired_keys), 2u);
}

// ---------------------------------------------------------------------------------------------
// Propagation

TEST_F(GenericFamilyTest, PropagatesEffects) {
  SetNow(kT0);
  Run({"SET", "k", "1"});
  Run({"SET", "p", "1"});
  auto& s = sink();
  using V = std::vector<std::string>;

  EXPECT_EQ(Run({"EXPIRE", "k", "100"}), Int(1));
  EXPECT_EQ(s.TakeArgv(), std::vector<V>({{"PEXPIREAT", "k", std::to_string(kT0 + 100'000)}}));
  EXPECT_EQ(Run({"PEXPIRE", "k", "100", "GT"}), Int(0));  // nothing changed: nothing sent
  EXPECT_TRUE(s.TakeArgv().empty());
  EXPECT_EQ(Run({"EXPIREAT", "k", std::to_string(kT0 / 1000 + 200), "gt"}), Int(1));
  EXPECT_EQ(s.TakeArgv(), std::vector<V>({{"PEXPIREAT", "k", std::to_string(kT0 + 200'000)}}));
  EXPECT_EQ(Run({"PEXPIREAT", "k", std::to_string(kT0 + 5)}), Int(1));
  EXPECT_EQ(s.TakeArgv(), std::vector<V>({{"PEXPIREAT", "k", std::to_string(kT0 + 5)}}));
  EXPECT_EQ(Run({"PERSIST", "k"}), Int(1));
  EXPECT_EQ(s.TakeArgv(), std::vector<V>({{"PERSIST", "k"}}));
  EXPECT_EQ(Run({"PERSIST", "k"}), Int(0));
  EXPECT_TRUE(s.TakeArgv().empty());
  EXPECT_EQ(Run({"EXPIRE", "k", "-1"}), Int(1));
  EXPECT_EQ(s.TakeArgv(), std::vector<V>({{"DEL", "k"}}));

  EXPECT_EQ(Run({"RENAMENX", "p", "q"}), Int(1));
  EXPECT_EQ(s.TakeArgv(), std::vector<V>({{"RENAME", "p", "q"}}));
  EXPECT_EQ(Run({"RENAME", "q", "q"}), kOk);
  EXPECT_TRUE(s.TakeArgv().empty());
  EXPECT_EQ(Run({"copy", "q", "r", "db", "2", "replace"}), Int(1));
  EXPECT_EQ(s.TakeArgv(), std::vector<V>({{"COPY", "q", "r", "db", "2", "replace"}}));
  EXPECT_EQ(Run({"COPY", "q", "r", "DB", "2"}), Int(0));
  EXPECT_TRUE(s.TakeArgv().empty());
  EXPECT_EQ(Run({"MOVE", "q", "3"}), Int(1));
  auto recs = s.Take();
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].argv, (V{"MOVE", "q", "3"}));
  EXPECT_EQ(recs[0].db, 0);
  EXPECT_EQ(Run({"SWAPDB", "2", "3"}), kOk);
  EXPECT_EQ(s.TakeArgv(), std::vector<V>({{"SWAPDB", "2", "3"}}));
  Run({"SELECT", "3"});
  EXPECT_EQ(Run({"FLUSHDB"}), kOk);
  recs = s.Take();
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].argv, (V{"FLUSHDB"}));
  EXPECT_EQ(recs[0].db, 3);
  EXPECT_EQ(Run({"FLUSHALL", "async"}), kOk);
  EXPECT_EQ(s.TakeArgv(), std::vector<V>({{"FLUSHALL", "async"}}));
  // Reads propagate nothing.
  Run({"EXISTS", "x"});
  Run({"TTL", "x"});
  Run({"KEYS", "*"});
  Run({"SCAN", "0"});
  EXPECT_TRUE(s.TakeArgv().empty());
}

TEST_F(GenericFamilyTest, LazyExpiryPropagatesDel) {
  SetNow(kT0);
  Run({"SET", "k", "1", "PX", "10"});
  sink();
  SetNow(kT0 + 11);
  EXPECT_EQ(Run({"TTL", "k"}), Int(-2));
  EXPECT_EQ(sink().TakeArgv(), (std::vector<std::vector<std::string>>{{"DEL", "k"}}));
}

// ---------------------------------------------------------------------------------------------
// Metadata

TEST_F(GenericFamilyTest, EveryCommandHasMetadata) {
  const char* names[] = {"del",        "unlink",      "exists",   "type",      "keys",     "scan",
                         "randomkey",  "rename",      "renamenx", "copy",      "move",     "touch",
                         "object",     "dbsize",      "swapdb",   "flushdb",   "flushall", "select",
                         "expire",     "pexpire",     "expireat", "pexpireat", "ttl",      "pttl",
                         "expiretime", "pexpiretime", "persist"};
  for (const char* n : names) {
    const Command* c = registry().Find(n);
    ASSERT_NE(c, nullptr) << n;
    EXPECT_EQ(c->spec().group, "generic") << n;
    EXPECT_FALSE(c->spec().summary.empty()) << n;
    EXPECT_FALSE(c->spec().since.empty()) << n;
    EXPECT_FALSE(c->spec().complexity.empty()) << n;
    EXPECT_NE(c->spec().arity, 0) << n;
    if (!c->has_subcommands()) {
      EXPECT_NE(c->spec().handler, nullptr) << n;
    }
  }
  const Command* obj = registry().Find("OBJECT");
  for (const char* s : {"encoding", "refcount", "idletime", "freq", "help"}) {
    ASSERT_NE(obj->FindSubcommand(s), nullptr) << s;
  }
  // Key positions, as COMMAND INFO reports them.
  std::string_view del_args[] = {"DEL", "a", "b", "c"};
  EXPECT_EQ(registry().Find("del")->KeyIndexes(del_args), (std::vector<int>{1, 2, 3}));
  std::string_view copy_args[] = {"COPY", "a", "b", "DB", "1"};
  EXPECT_EQ(registry().Find("copy")->KeyIndexes(copy_args), (std::vector<int>{1, 2}));
  std::string_view obj_args[] = {"OBJECT", "ENCODING", "k"};
  EXPECT_EQ(obj->FindSubcommand("encoding")->KeyIndexes(obj_args), (std::vector<int>{2}));
  EXPECT_TRUE(registry().Find("keys")->spec().flags & kAllShards);
  EXPECT_TRUE(registry().Find("flushall")->spec().flags & kAllShards);
}

}  // namespace
}  // namespace cardinal::commands
