// Tests of the set family, in process. Expected replies and error texts are redis-server
// 7.0.15's, observed on the wire; propagation records follow what 7.0 writes to its AOF.
#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "commands/family_test_util.h"
#include "protocol/errors.h"

namespace cardinal::commands {
namespace {

using resp::Arr;
using resp::Bulk;
using resp::Bulks;
using resp::Err;
using resp::Int;
using resp::kEmptyArray;
using resp::kNil;

const std::string kWrongType = Err(protocol::kWrongTypeErr);

class SetFamilyTest : public FamilyTest {
 protected:
  ~SetFamilyTest() override { CommandConfig::Defaults().set_max_intset_entries.store(512); }
  std::string Encoding(const std::string& key) { return Run({"OBJECT", "ENCODING", key}); }
  // Members of a set, sorted.
  std::vector<std::string> Members(const std::string& key) {
    auto v = RunArgsDecoded({"SMEMBERS", key});
    std::vector<std::string> out;
    for (const auto& e : v.elems) out.push_back(e.str);
    std::sort(out.begin(), out.end());
    return out;
  }
  std::vector<std::string> Elems(const protocol::RespValue& v) {
    std::vector<std::string> out;
    for (const auto& e : v.elems) out.push_back(e.str);
    return out;
  }
  void AddRange(const std::string& key, int from, int to, const std::string& prefix = "") {
    std::vector<std::string> argv{"SADD", key};
    for (int i = from; i < to; ++i) argv.push_back(prefix + std::to_string(i));
    RunArgs(argv);
  }
};

TEST_F(SetFamilyTest, AddRemoveAndMembership) {
  EXPECT_EQ(Run({"SADD", "s", "b", "a", "b"}), Int(2));
  EXPECT_EQ(Run({"SADD", "s", "a"}), Int(0));
  EXPECT_EQ(Run({"SCARD", "s"}), Int(2));
  EXPECT_EQ(Run({"SISMEMBER", "s", "a"}), Int(1));
  EXPECT_EQ(Run({"SISMEMBER", "s", "zz"}), Int(0));
  EXPECT_EQ(Run({"SISMEMBER", "nokey", "a"}), Int(0));
  EXPECT_EQ(Run({"SMISMEMBER", "s", "a", "zz", "b"}), Arr({Int(1), Int(0), Int(1)}));
  EXPECT_EQ(Run({"SMISMEMBER", "nokey", "a", "b"}), Arr({Int(0), Int(0)}));
  EXPECT_EQ(Run({"SREM", "s", "a", "zz", "a"}), Int(1));
  EXPECT_EQ(Run({"SREM", "nokey", "a"}), Int(0));
  EXPECT_EQ(Run({"SREM", "s", "b"}), Int(1));
  EXPECT_EQ(Run({"EXISTS", "s"}), Int(0));  // an emptied set disappears
  EXPECT_EQ(Run({"SCARD", "s"}), Int(0));
  EXPECT_EQ(Run({"SMEMBERS", "s"}), kEmptyArray);
}

TEST_F(SetFamilyTest, WrongType) {
  Run({"SET", "str", "x"});
  for (auto argv : std::vector<std::vector<std::string>>{{"SADD", "str", "a"},
                                                         {"SREM", "str", "a"},
                                                         {"SISMEMBER", "str", "a"},
                                                         {"SMISMEMBER", "str", "a"},
                                                         {"SCARD", "str"},
                                                         {"SMEMBERS", "str"},
                                                         {"SPOP", "str"},
                                                         {"SPOP", "str", "0"},
                                                         {"SRANDMEMBER", "str"},
                                                         {"SRANDMEMBER", "str", "0"},
                                                         {"SINTER", "nokey", "str"},
                                                         {"SUNION", "str"},
                                                         {"SDIFF", "nokey", "str"},
                                                         {"SINTERSTORE", "d", "nokey", "str"},
                                                         {"SINTERCARD", "2", "nokey", "str"},
                                                         {"SSCAN", "str", "0"},
                                                         {"SMOVE", "str", "x", "a"}}) {
    EXPECT_EQ(RunArgs(argv), kWrongType) << argv[0];
  }
  // An absent source answers 0 before the destination's type is checked.
  EXPECT_EQ(Run({"SMOVE", "nokey", "str", "a"}), Int(0));
  Run({"SADD", "s", "a"});
  EXPECT_EQ(Run({"SMOVE", "s", "str", "a"}), kWrongType);
  // Invalid cursors are reported before the type.
  EXPECT_EQ(Run({"SSCAN", "str", "abc"}), Err("ERR invalid cursor"));
}

TEST_F(SetFamilyTest, EncodingsFollowRedis) {
  Run({"SADD", "i", "1", "-5", "9223372036854775807", "-9223372036854775808"});
  EXPECT_EQ(Encoding("i"), Bulk("intset"));
  EXPECT_EQ(Run({"SMEMBERS", "i"}),
            Bulks({"-9223372036854775808", "-5", "1", "9223372036854775807"}));
  for (const char* not_int :
       {"a", "01", " 1", "-0", "+1", "1 ", "1.0", "00", "9223372036854775808"}) {
    Run({"DEL", "t"});
    Run({"SADD", "t", "5"});
    EXPECT_EQ(Encoding("t"), Bulk("intset"));
    Run({"SADD", "t", not_int});
    EXPECT_EQ(Encoding("t"), Bulk("hashtable")) << not_int;
    EXPECT_EQ(Run({"SISMEMBER", "t", not_int}), Int(1));
    EXPECT_EQ(Run({"SISMEMBER", "t", "5"}), Int(1));
  }
  // The 512/513 boundary, and never back.
  AddRange("big", 0, 512);
  EXPECT_EQ(Encoding("big"), Bulk("intset"));
  Run({"SADD", "big", "512"});
  EXPECT_EQ(Encoding("big"), Bulk("hashtable"));
  Run({"SREM", "big", "512", "511"});
  EXPECT_EQ(Encoding("big"), Bulk("hashtable"));
  // A lowered threshold converts on the next addition only.
  AddRange("s3", 0, 3);
  CommandConfig::Defaults().set_max_intset_entries.store(2);
  Run({"SADD", "s3", "1"});
  EXPECT_EQ(Encoding("s3"), Bulk("intset"));
  Run({"SADD", "s3", "7"});
  EXPECT_EQ(Encoding("s3"), Bulk("hashtable"));
}

TEST_F(SetFamilyTest, StoreResultEncodings) {
  Run({"SADD", "a", "1", "2", "3", "4", "5"});
  Run({"SADD", "b", "3", "4", "5", "x"});
  EXPECT_EQ(Run({"SINTERSTORE", "r", "a", "b"}), Int(3));
  EXPECT_EQ(Encoding("r"), Bulk("intset"));
  EXPECT_EQ(Run({"SMEMBERS", "r"}), Bulks({"3", "4", "5"}));
  EXPECT_EQ(Run({"SUNIONSTORE", "r", "a", "b"}), Int(6));
  EXPECT_EQ(Encoding("r"), Bulk("hashtable"));
  EXPECT_EQ(Run({"SDIFFSTORE", "r", "a", "b"}), Int(2));
  EXPECT_EQ(Encoding("r"), Bulk("intset"));
  // A hashtable holding only integers gives an intset result.
  Run({"SADD", "m", "1", "2", "x"});
  Run({"SREM", "m", "x"});
  EXPECT_EQ(Run({"SUNIONSTORE", "m2", "m"}), Int(2));
  EXPECT_EQ(Encoding("m2"), Bulk("intset"));
  // SDIFF's second algorithm (first set copied, then others removed) keeps the conversion a
  // non-integer caused, as Redis does.
  Run({"SADD", "xx", "x"});
  EXPECT_EQ(Run({"SDIFFSTORE", "r", "b", "xx", "xx", "xx"}), Int(3));
  EXPECT_EQ(Encoding("r"), Bulk("hashtable"));
  EXPECT_EQ(Run({"SDIFFSTORE", "r", "b", "xx"}), Int(3));
  EXPECT_EQ(Encoding("r"), Bulk("intset"));
  // An empty result deletes the destination, whatever it held; TTLs go with a replacement.
  Run({"SET", "r", "x"});
  EXPECT_EQ(Run({"SINTERSTORE", "r", "a", "nokey"}), Int(0));
  EXPECT_EQ(Run({"EXISTS", "r"}), Int(0));
  Run({"SET", "r", "x", "EX", "100"});
  EXPECT_EQ(Run({"SUNIONSTORE", "r", "a"}), Int(5));
  EXPECT_EQ(Run({"TTL", "r"}), Int(-1));
  EXPECT_EQ(Run({"SDIFFSTORE", "r", "a", "a"}), Int(0));
  EXPECT_EQ(Run({"EXISTS", "r"}), Int(0));
}

TEST_F(SetFamilyTest, SetAlgebra) {
  Run({"SADD", "a", "1", "2", "3", "x"});
  Run({"SADD", "b", "2", "3", "4"});
  Run({"SADD", "c", "3", "x", "y"});
  auto sorted = [&](std::initializer_list<std::string_view> argv) {
    auto v = Elems(RunDecoded(argv));
    std::sort(v.begin(), v.end());
    return v;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(sorted({"SINTER", "a", "b"}), (V{"2", "3"}));
  EXPECT_EQ(sorted({"SINTER", "a", "b", "c"}), (V{"3"}));
  EXPECT_EQ(sorted({"SINTER", "a", "a"}), (V{"1", "2", "3", "x"}));
  EXPECT_EQ(sorted({"SINTER", "a", "nokey"}), V{});
  EXPECT_EQ(sorted({"SUNION", "a", "b", "nokey", "c"}), (V{"1", "2", "3", "4", "x", "y"}));
  EXPECT_EQ(sorted({"SDIFF", "a", "b"}), (V{"1", "x"}));
  EXPECT_EQ(sorted({"SDIFF", "a", "b", "c"}), (V{"1"}));
  EXPECT_EQ(sorted({"SDIFF", "nokey", "a"}), V{});
  EXPECT_EQ(sorted({"SDIFF", "a", "nokey"}), (V{"1", "2", "3", "x"}));
  EXPECT_EQ(Run({"SINTERCARD", "2", "a", "b"}), Int(2));
  EXPECT_EQ(Run({"SINTERCARD", "2", "a", "b", "LIMIT", "1"}), Int(1));
  EXPECT_EQ(Run({"SINTERCARD", "2", "a", "b", "limit", "0"}), Int(2));
  EXPECT_EQ(Run({"SINTERCARD", "1", "a", "LIMIT", "1", "LIMIT", "3"}), Int(3));
  EXPECT_EQ(Run({"SINTERCARD", "2", "a", "nokey"}), Int(0));
  // Intset-only intersections reply in ascending order, as Redis's do.
  Run({"SADD", "i1", "5", "3", "1", "9"});
  Run({"SADD", "i2", "9", "1", "5", "7"});
  EXPECT_EQ(Run({"SINTER", "i1", "i2"}), Bulks({"1", "5", "9"}));
  EXPECT_EQ(Run({"SUNION", "i1", "i2"}), Bulks({"1", "3", "5", "7", "9"}));
}

TEST_F(SetFamilyTest, SInterCardErrorsAndKeys) {
  EXPECT_EQ(Run({"SINTERCARD", "0", "a"}), Err("ERR numkeys should be greater than 0"));
  EXPECT_EQ(Run({"SINTERCARD", "abc", "a"}), Err("ERR numkeys should be greater than 0"));
  EXPECT_EQ(Run({"SINTERCARD", "3", "a"}),
            Err("ERR Number of keys can't be greater than number of args"));
  EXPECT_EQ(Run({"SINTERCARD", "1", "a", "LIMIT"}), Err("ERR syntax error"));
  EXPECT_EQ(Run({"SINTERCARD", "1", "a", "LIMIT", "-1"}), Err("ERR LIMIT can't be negative"));
  EXPECT_EQ(Run({"SINTERCARD", "1", "a", "LIMIT", "x"}), Err("ERR LIMIT can't be negative"));
  EXPECT_EQ(Run({"SINTERCARD", "1", "a", "FOO", "1"}), Err("ERR syntax error"));
  const Command* c = registry().Find("sintercard");
  std::vector<std::string_view> args{"sintercard", "2", "a", "b", "LIMIT", "1"};
  EXPECT_EQ(c->KeyIndexes(args), (std::vector<int>{2, 3}));
  std::vector<std::string_view> bad{"sintercard", "5", "a"};
  EXPECT_TRUE(c->KeyIndexes(bad).empty());
}

TEST_F(SetFamilyTest, SMove) {
  Run({"SADD", "s", "1", "2"});
  EXPECT_EQ(Run({"SMOVE", "s", "s", "1"}), Int(1));
  EXPECT_EQ(Run({"SMOVE", "s", "s", "9"}), Int(0));
  EXPECT_EQ(Run({"SMOVE", "s", "d", "9"}), Int(0));
  EXPECT_EQ(Run({"SMOVE", "s", "d", "1"}), Int(1));
  EXPECT_EQ(Encoding("d"), Bulk("intset"));
  EXPECT_EQ(Run({"SMOVE", "s", "d", "2"}), Int(1));
  EXPECT_EQ(Run({"EXISTS", "s"}), Int(0));
  EXPECT_EQ(Members("d"), (std::vector<std::string>{"1", "2"}));
  Run({"SADD", "h", "a"});
  EXPECT_EQ(Run({"SMOVE", "h", "d", "a"}), Int(1));
  EXPECT_EQ(Encoding("d"), Bulk("hashtable"));
  EXPECT_EQ(Run({"SMOVE", "d", "n", "a"}), Int(1));
  EXPECT_EQ(Encoding("n"), Bulk("hashtable"));
}

TEST_F(SetFamilyTest, SPopAndSRandMember) {
  AddRange("s", 0, 10);
  EXPECT_EQ(Run({"SPOP", "s", "abc"}), Err("ERR value is out of range, must be positive"));
  EXPECT_EQ(Run({"SPOP", "s", "-1"}), Err("ERR value is out of range, must be positive"));
  EXPECT_EQ(Run({"SPOP", "s", "1", "2"}), Err("ERR syntax error"));
  EXPECT_EQ(Run({"SPOP", "s", "0"}), kEmptyArray);
  EXPECT_EQ(Run({"SPOP", "nokey"}), kNil);
  EXPECT_EQ(Run({"SPOP", "nokey", "3"}), kEmptyArray);
  EXPECT_EQ(Run({"SRANDMEMBER", "nokey"}), kNil);
  EXPECT_EQ(Run({"SRANDMEMBER", "nokey", "-3"}), kEmptyArray);
  EXPECT_EQ(Run({"SRANDMEMBER", "s", "abc"}), Err(protocol::kNotIntegerErr));
  EXPECT_EQ(Run({"SRANDMEMBER", "s", "-9223372036854775808"}),
            Err("ERR value is out of range, value must between -9223372036854775807 and "
                "9223372036854775807"));
  EXPECT_EQ(Run({"SRANDMEMBER", "s", "1", "2"}), Err("ERR syntax error"));
  // Whole set when the count covers it, in ascending order for an intset.
  EXPECT_EQ(Run({"SRANDMEMBER", "s", "100"}),
            Bulks({"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}));
  auto distinct = Elems(RunDecoded({"SRANDMEMBER", "s", "4"}));
  EXPECT_EQ(distinct.size(), 4u);
  EXPECT_EQ(std::set<std::string>(distinct.begin(), distinct.end()).size(), 4u);
  auto rep = Elems(RunDecoded({"SRANDMEMBER", "s", "-50"}));
  EXPECT_EQ(rep.size(), 50u);
  for (const auto& m : rep) EXPECT_EQ(Run({"SISMEMBER", "s", m}), Int(1));
  auto popped = Elems(RunDecoded({"SPOP", "s", "3"}));
  EXPECT_EQ(popped.size(), 3u);
  for (const auto& m : popped) EXPECT_EQ(Run({"SISMEMBER", "s", m}), Int(0));
  EXPECT_EQ(Run({"SCARD", "s"}), Int(7));
  popped = Elems(RunDecoded({"SPOP", "s", "100"}));
  EXPECT_EQ(popped.size(), 7u);
  EXPECT_EQ(Run({"EXISTS", "s"}), Int(0));
}

// When few members stay (remaining * 5 <= count), Redis rebuilds the set from the kept members:
// a hashtable left with integers only is an intset again, an intset left with more members than
// the limit a hashtable. Otherwise SPOP never changes the encoding.
TEST_F(SetFamilyTest, SPopRebuildsLikeRedis) {
  for (int round = 0; round < 40; ++round) {
    Run({"DEL", "h"});
    Run({"SADD", "h", "1", "2", "3", "4", "5", "6", "x"});
    Run({"SPOP", "h", "6"});
    auto left = Members("h");
    ASSERT_EQ(left.size(), 1u);
    EXPECT_EQ(Encoding("h"), Bulk(left[0] == "x" ? "hashtable" : "intset"));
    Run({"DEL", "h"});
    Run({"SADD", "h", "1", "2", "3", "4", "5", "6", "x"});
    Run({"SPOP", "h", "4"});  // 3 stay: 15 > 4, no rebuild
    EXPECT_EQ(Encoding("h"), Bulk("hashtable"));
  }
  AddRange("i", 0, 100);
  CommandConfig::Defaults().set_max_intset_entries.store(4);
  Run({"SPOP", "i", "90"});
  EXPECT_EQ(Encoding("i"), Bulk("hashtable"));
  Run({"DEL", "i"});
  CommandConfig::Defaults().set_max_intset_entries.store(512);
  AddRange("i", 0, 100);
  Run({"SPOP", "i", "90"});
  EXPECT_EQ(Encoding("i"), Bulk("intset"));
  EXPECT_EQ(Run({"SCARD", "i"}), Int(10));
}

// Huge counts answer at once, within the reply cap, and never wedge the server.
TEST_F(SetFamilyTest, HugeCountsAreBounded) {
  Run({"SADD", "s", "a", "b", "c"});
  const std::string too_large =
      Err("ERR count too large: the reply would exceed proto-max-bulk-len");
  EXPECT_EQ(Run({"SRANDMEMBER", "s", "-9223372036854775807"}), too_large);
  EXPECT_EQ(Run({"SRANDMEMBER", "s", "-4611686018427387904"}), too_large);
  EXPECT_EQ(Run({"SRANDMEMBER", "s", "9223372036854775807"}).substr(0, 4), "*3\r\n");
  // Past the cap while streaming: withdrawn and replaced by the error.
  CommandConfig::Defaults().proto_max_bulk_len.store(1000);
  EXPECT_EQ(Run({"SRANDMEMBER", "s", "-150"}), too_large);
  EXPECT_EQ(RunDecoded({"SRANDMEMBER", "s", "-100"}).elems.size(), 100u);
  CommandConfig::Defaults().proto_max_bulk_len.store(512LL * 1024 * 1024);
  EXPECT_EQ(RunDecoded({"SPOP", "s", "9223372036854775807"}).elems.size(), 3u);
  EXPECT_EQ(Run({"EXISTS", "s"}), Int(0));
}

TEST_F(SetFamilyTest, Resp3Types) {
  SetResp3(true);
  Run({"SADD", "s", "2", "1"});
  EXPECT_EQ(Run({"SMEMBERS", "s"}), "~2\r\n$1\r\n1\r\n$1\r\n2\r\n");
  EXPECT_EQ(Run({"SMEMBERS", "nokey"}), "~0\r\n");
  EXPECT_EQ(Run({"SINTER", "s", "nokey"}), "~0\r\n");
  EXPECT_EQ(Run({"SUNION", "s"}), "~2\r\n$1\r\n1\r\n$1\r\n2\r\n");
  EXPECT_EQ(Run({"SPOP", "nokey"}), "_\r\n");
  EXPECT_EQ(Run({"SPOP", "nokey", "0"}), "~0\r\n");
  EXPECT_EQ(Run({"SRANDMEMBER", "s", "5"}), "*2\r\n$1\r\n1\r\n$1\r\n2\r\n");
  EXPECT_EQ(Run({"SPOP", "s", "5"}), "~2\r\n$1\r\n1\r\n$1\r\n2\r\n");
}

TEST_F(SetFamilyTest, Propagation) {
  sink();
  Run({"SADD", "s", "1", "2", "3", "a"});
  Run({"SADD", "s", "1"});  // no change: not propagated
  Run({"SREM", "s", "zz"});
  auto recs = sink().TakeArgv();
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0][0], "SADD");
  auto one = Elems(RunDecoded({"SPOP", "s"}));
  recs = sink().TakeArgv();
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0][0], "SREM");
  EXPECT_EQ(recs[0].size(), 3u);
  Run({"SPOP", "s", "3"});  // the whole set: DEL
  recs = sink().TakeArgv();
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0], (std::vector<std::string>{"DEL", "s"}));
  // SPOP with a count: SREMs of at most 1024 members, which together remove the popped ones.
  AddRange("big", 0, 3000, "m");
  sink().Take();
  auto popped = Elems(RunDecoded({"SPOP", "big", "2500"}));
  recs = sink().TakeArgv();
  ASSERT_EQ(recs.size(), 3u);
  std::set<std::string> removed;
  for (const auto& r : recs) {
    EXPECT_EQ(r[0], "SREM");
    EXPECT_EQ(r[1], "big");
    EXPECT_LE(r.size(), 2u + 1024);
    removed.insert(r.begin() + 2, r.end());
  }
  EXPECT_EQ(removed, std::set<std::string>(popped.begin(), popped.end()));
  // SMOVE within one key and stores that change nothing are not propagated.
  Run({"SADD", "v", "1"});
  sink().Take();
  Run({"SMOVE", "v", "v", "1"});
  Run({"SINTERSTORE", "w", "nokey"});
  EXPECT_TRUE(sink().TakeArgv().empty());
  Run({"SINTERSTORE", "w", "v"});
  Run({"SMOVE", "v", "w", "1"});
  recs = sink().TakeArgv();
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0][0], "SINTERSTORE");
  EXPECT_EQ(recs[1][0], "SMOVE");
}

TEST_F(SetFamilyTest, SScan) {
  Run({"SADD", "i", "3", "1", "2"});
  EXPECT_EQ(Run({"SSCAN", "i", "0", "COUNT", "1"}), Arr({Bulk("0"), Bulks({"1", "2", "3"})}));
  EXPECT_EQ(Run({"SSCAN", "i", "12345", "MATCH", "2*"}), Arr({Bulk("0"), Bulks({"2"})}));
  EXPECT_EQ(Run({"SSCAN", "i", "0", "COUNT", "0"}), Err("ERR syntax error"));
  EXPECT_EQ(Run({"SSCAN", "nokey", "0", "COUNT", "0"}), Arr({Bulk("0"), kEmptyArray}));
  AddRange("h", 0, 5000, "m");
  for (const char* count : {"1", "10", "1000"}) {
    std::map<std::string, int> seen;
    std::string cursor = "0";
    int calls = 0;
    do {
      auto v = RunArgsDecoded({"SSCAN", "h", cursor, "COUNT", count});
      ASSERT_EQ(v.elems.size(), 2u);
      cursor = v.elems[0].str;
      for (const auto& e : v.elems[1].elems) seen[e.str]++;
      ASSERT_LT(++calls, 100000);
    } while (cursor != "0");
    EXPECT_EQ(seen.size(), 5000u);
    for (const auto& [m, n] : seen) ASSERT_EQ(n, 1) << m;
  }
}

// Random command sequences against a std::set model (contents and cardinalities).
TEST_F(SetFamilyTest, RandomizedAgainstModel) {
  std::mt19937_64 rng(2024);
  std::map<std::string, std::set<std::string>> model;
  const std::vector<std::string> keys = {"k0", "k1", "k2"};
  auto member = [&]() -> std::string {
    switch (rng() % 3) {
      case 0:
        return std::to_string(static_cast<int>(rng() % 1200) - 100);
      case 1:
        return "s" + std::to_string(rng() % 50);
      default:
        return std::to_string(rng() % 5);
    }
  };
  for (int op = 0; op < 6000; ++op) {
    const std::string& k = keys[rng() % keys.size()];
    const int kind = static_cast<int>(rng() % 10);
    if (kind < 5) {
      std::vector<std::string> argv{"SADD", k};
      for (int i = 0; i < 1 + static_cast<int>(rng() % 40); ++i) argv.push_back(member());
      int64_t added = 0;
      for (size_t i = 2; i < argv.size(); ++i) added += model[k].insert(argv[i]).second;
      ASSERT_EQ(RunArgs(argv), Int(added));
    } else if (kind < 7) {
      std::vector<std::string> argv{"SREM", k};
      for (int i = 0; i < 1 + static_cast<int>(rng() % 40); ++i) argv.push_back(member());
      int64_t removed = 0;
      for (size_t i = 2; i < argv.size(); ++i) removed += model[k].erase(argv[i]);
      ASSERT_EQ(RunArgs(argv), Int(removed));
    } else if (kind == 7) {
      const std::string n = std::to_string(rng() % 30);
      auto popped = Elems(RunArgsDecoded({"SPOP", k, n}));
      ASSERT_EQ(popped.size(), std::min<size_t>(model[k].size(), std::stoul(n)));
      for (const auto& m : popped) ASSERT_EQ(model[k].erase(m), 1u) << m;
    } else if (kind == 8) {
      const std::string& d = keys[rng() % keys.size()];
      const std::string m = member();
      const bool moved = model[k].count(m) == 1;
      ASSERT_EQ(RunArgs({"SMOVE", k, d, m}), Int(moved ? 1 : 0));
      if (moved && d != k) {
        model[k].erase(m);
        model[d].insert(m);
      }
    } else {
      const std::string& d = keys[rng() % keys.size()];
      RunArgs({"SUNIONSTORE", d, k, d});
      std::set<std::string> u = model[k];
      u.insert(model[d].begin(), model[d].end());
      model[d] = u;
    }
    for (const auto& key : keys) {
      const auto& m = model[key];
      ASSERT_EQ(RunArgs({"SCARD", key}), Int(static_cast<int64_t>(m.size())));
      if (op % 100 == 0) {
        ASSERT_EQ(Members(key), std::vector<std::string>(m.begin(), m.end()));
      }
      if (Encoding(key) == Bulk("intset")) {
        for (const auto& x : m) {
          int64_t v;
          EXPECT_TRUE(ParseInt64(x, &v)) << x;
        }
      }
    }
  }
}

}  // namespace
}  // namespace cardinal::commands
