// In-process tests of the hash family: replies and errors as redis-server 7.0.15 gives them,
// encoding conversions, what each write propagates, memory accounting, and the bounded
// HRANDFIELD reply. The differential tests (tests/compat/test_diff_hashes.py) cover the wide
// space of sequences against the real Redis.
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
using resp::kOk;

using Argv = std::vector<std::string>;

class HashFamilyTest : public FamilyTest {
 protected:
  std::string Encoding(std::string_view key) {
    return WithDb([&](storage::Db& db) {
      storage::Entry* e = db.Peek(key);
      return e == nullptr ? std::string("none") : std::string(storage::EncodingName(e->encoding()));
    });
  }
  void Fill(const std::string& key, int n, const std::string& prefix = "f") {
    for (int i = 0; i < n; ++i) RunArgs({"HSET", key, prefix + std::to_string(i), "v"});
  }
};

TEST_F(HashFamilyTest, SetGetAndOrder) {
  EXPECT_EQ(Run({"HSET", "h", "b", "1", "a", "2", "b", "3"}), Int(2));
  EXPECT_EQ(Run({"HGET", "h", "b"}), Bulk("3"));
  EXPECT_EQ(Run({"HGET", "h", "zz"}), kNil);
  EXPECT_EQ(Run({"HGETALL", "h"}), Bulks({"b", "3", "a", "2"}));  // insertion order
  EXPECT_EQ(Run({"HKEYS", "h"}), Bulks({"b", "a"}));
  EXPECT_EQ(Run({"HVALS", "h"}), Bulks({"3", "2"}));
  EXPECT_EQ(Run({"HMGET", "h", "a", "zz"}), Arr({Bulk("2"), kNil}));
  EXPECT_EQ(Run({"HLEN", "h"}), Int(2));
  EXPECT_EQ(Run({"HSTRLEN", "h", "a"}), Int(1));
  EXPECT_EQ(Run({"HEXISTS", "h", "a"}), Int(1));
  EXPECT_EQ(Run({"HMSET", "h", "c", "4"}), kOk);
  EXPECT_EQ(Run({"HSET", "h", "c"}), Err("ERR wrong number of arguments for 'hset' command"));
  EXPECT_EQ(Run({"HSET", "h", "c", "1", "d"}),
            Err("ERR wrong number of arguments for 'hset' command"));
  EXPECT_EQ(Encoding("h"), "listpack");
}

TEST_F(HashFamilyTest, Resp3MapForHGetAll) {
  SetResp3(true);
  Run({"HSET", "h", "a", "1"});
  EXPECT_EQ(Run({"HGETALL", "h"}), "%1\r\n" + Bulk("a") + Bulk("1"));
  EXPECT_EQ(Run({"HGETALL", "nokey"}), "%0\r\n");
  EXPECT_EQ(Run({"HRANDFIELD", "h", "2", "WITHVALUES"}), Arr({Bulks({"a", "1"})}));
}

TEST_F(HashFamilyTest, WrongTypeAndMissing) {
  Run({"SET", "s", "x"});
  const std::string wrong = Err(protocol::kWrongTypeErr);
  for (const Argv& argv :
       {Argv{"HSET", "s", "f", "v"}, Argv{"HGET", "s", "f"}, Argv{"HDEL", "s", "f"},
        Argv{"HGETALL", "s"}, Argv{"HINCRBY", "s", "f", "1"}, Argv{"HSCAN", "s", "0"},
        Argv{"HRANDFIELD", "s", "1"}}) {
    EXPECT_EQ(RunArgs(argv), wrong) << argv[0];
  }
  EXPECT_EQ(Run({"HDEL", "nokey", "f"}), Int(0));
  EXPECT_EQ(Run({"HLEN", "nokey"}), Int(0));
  EXPECT_EQ(Run({"HSCAN", "nokey", "0", "COUNT", "0"}), Arr({Bulk("0"), kEmptyArray}));
  EXPECT_EQ(Run({"HSCAN", "s", "x"}), Err("ERR invalid cursor"));
}

TEST_F(HashFamilyTest, ConversionAtThresholds) {
  Fill("h", 512);
  EXPECT_EQ(Encoding("h"), "listpack");
  Run({"HSET", "h", "last", "v"});
  EXPECT_EQ(Encoding("h"), "hashtable");
  EXPECT_EQ(Run({"HLEN", "h"}), Int(513));
  Run({"HSET", "v", "f", std::string(64, 'x')});
  EXPECT_EQ(Encoding("v"), "listpack");
  Run({"HSET", "v", std::string(65, 'k'), "1"});
  EXPECT_EQ(Encoding("v"), "hashtable");
  EXPECT_EQ(Run({"HGET", "v", "f"}), Bulk(std::string(64, 'x')));
}

TEST_F(HashFamilyTest, IncrementsAndErrors) {
  EXPECT_EQ(Run({"HINCRBY", "h", "n", "9223372036854775807"}), Int(INT64_MAX));
  EXPECT_EQ(Run({"HINCRBY", "h", "n", "1"}), Err("ERR increment or decrement would overflow"));
  EXPECT_EQ(Run({"HINCRBY", "h", "n", "x"}), Err("ERR value is not an integer or out of range"));
  Run({"HSET", "h", "s", "1.5"});
  EXPECT_EQ(Run({"HINCRBY", "h", "s", "1"}), Err("ERR hash value is not an integer"));
  EXPECT_EQ(Run({"HINCRBYFLOAT", "h", "s", "0.25"}), Bulk("1.75"));
  Run({"HSET", "h", "t", "abc"});
  EXPECT_EQ(Run({"HINCRBYFLOAT", "h", "t", "1"}), Err("ERR hash value is not a float"));
  EXPECT_EQ(Run({"HINCRBYFLOAT", "h", "s", "inf"}), Err("ERR value is NaN or Infinity"));
  EXPECT_EQ(Run({"HINCRBYFLOAT", "h", "s", "x"}), Err("ERR value is not a valid float"));
}

TEST_F(HashFamilyTest, PropagatesEffects) {
  sink();
  Run({"HSET", "h", "a", "1"});
  Run({"HSETNX", "h", "a", "2"});  // no-op
  Run({"HDEL", "h", "zz"});        // no-op
  Run({"HINCRBYFLOAT", "h", "a", "1.5"});
  Run({"HGETALL", "h"});
  Run({"HDEL", "h", "a"});
  EXPECT_EQ(
      sink().TakeArgv(),
      (std::vector<Argv>{{"HSET", "h", "a", "1"}, {"HSET", "h", "a", "2.5"}, {"HDEL", "h", "a"}}));
  EXPECT_EQ(Run({"EXISTS", "h"}), Int(0));
}

TEST_F(HashFamilyTest, MemoryAccountingReturnsToZero) {
  auto used = [&] { return keyspace().UsedBytes(); };
  const int64_t before = used();
  Fill("h", 2000);
  EXPECT_GT(used(), before + 2000 * 16);
  for (int i = 0; i < 2000; ++i) RunArgs({"HDEL", "h", "f" + std::to_string(i)});
  EXPECT_EQ(Run({"EXISTS", "h"}), Int(0));
  EXPECT_EQ(used(), before);
}

TEST_F(HashFamilyTest, ScanListpackWholeAndHashtableComplete) {
  Run({"HSET", "h", "a", "1", "b", "2"});
  EXPECT_EQ(Run({"HSCAN", "h", "12345", "MATCH", "a*"}), Arr({Bulk("0"), Bulks({"a", "1"})}));
  Fill("t", 3000);
  std::set<std::string> seen;
  std::string cursor = "0";
  for (int calls = 0; calls < 100000; ++calls) {
    protocol::RespValue v = RunArgsDecoded({"HSCAN", "t", cursor, "COUNT", "7"});
    ASSERT_EQ(v.elems.size(), 2u);
    cursor = v.elems[0].str;
    for (size_t i = 0; i < v.elems[1].elems.size(); i += 2) {
      EXPECT_TRUE(seen.insert(v.elems[1].elems[i].str).second);
    }
    if (cursor == "0") break;
  }
  EXPECT_EQ(cursor, "0");
  EXPECT_EQ(seen.size(), 3000u);
}

TEST_F(HashFamilyTest, RandFieldRepetitionReplyIsBounded) {
  Run({"HSET", "h", "a", "1"});
  EXPECT_EQ(Run({"HRANDFIELD", "h", "-9223372036854775808"}),
            Err("ERR value is out of range, value must between -9223372036854775807 and "
                "9223372036854775807"));
  EXPECT_EQ(Run({"HRANDFIELD", "h", "-4611686018427387904", "WITHVALUES"}),
            Err("ERR value is out of range"));
  const std::string too_large =
      Err("ERR count too large: the reply would exceed proto-max-bulk-len");
  EXPECT_EQ(Run({"HRANDFIELD", "h", "-9223372036854775807"}), too_large);
  EXPECT_EQ(Run({"HRANDFIELD", "h", "-4611686018427387903", "WITHVALUES"}), too_large);
  std::string three = "*3\r\n" + Bulk("a") + Bulk("a") + Bulk("a");
  EXPECT_EQ(Run({"HRANDFIELD", "h", "-3"}), three);
  EXPECT_EQ(Run({"HRANDFIELD", "h", "5"}), Bulks({"a"}));
}

}  // namespace
}  // namespace cardinal::commands
