// In-process tests of the sorted-set family: exact reply bytes in RESP2/RESP3, the zset_ops.h
// API the blocking pops build on (OpZSetPop, OpZSetMultiPop, ParseZMPopArgs, the reply shapes),
// propagation records, and memory accounting across encoding conversions.
#include "commands/zset_ops.h"

#include <gtest/gtest.h>

#include "commands/family_test_util.h"

namespace cardinal::commands {
namespace {

using resp::Arr;
using resp::Bulk;
using resp::Bulks;
using resp::Err;
using resp::Int;

class ZSetFamilyTest : public FamilyTest {};

TEST_F(ZSetFamilyTest, AddScoreRange) {
  EXPECT_EQ(Run({"ZADD", "z", "0.1", "a", "2", "b", "inf", "c"}), Int(3));
  EXPECT_EQ(Run({"ZSCORE", "z", "a"}), Bulk("0.10000000000000001"));
  EXPECT_EQ(Run({"ZRANGE", "z", "0", "-1", "WITHSCORES"}),
            Bulks({"a", "0.10000000000000001", "b", "2", "c", "inf"}));
  SetResp3(true);
  EXPECT_EQ(Run({"ZSCORE", "z", "b"}), ",2\r\n");
  EXPECT_EQ(Run({"ZRANGE", "z", "0", "0", "WITHSCORES"}),
            "*1\r\n*2\r\n$1\r\na\r\n,0.10000000000000001\r\n");
  EXPECT_EQ(Run({"ZPOPMAX", "z"}), "*2\r\n$1\r\nc\r\n,inf\r\n");
  EXPECT_EQ(Run({"ZPOPMAX", "z", "1"}), "*1\r\n*2\r\n$1\r\nb\r\n,2\r\n");
  EXPECT_EQ(Run({"ZMPOP", "1", "nokey", "MIN"}), resp::kNull3);
}

TEST_F(ZSetFamilyTest, ParseZMPopArgs) {
  ZMPopArgs a;
  std::string_view error;
  std::vector<std::string_view> ok = {"BZMPOP", "0", "2", "k1", "k2", "max", "COUNT", "3"};
  ASSERT_TRUE(ParseZMPopArgs(ok, 2, &a, &error));
  EXPECT_EQ(a.keys, (std::vector<std::string_view>{"k1", "k2"}));
  EXPECT_EQ(a.end, ZEnd::kMax);
  EXPECT_EQ(a.count, 3u);
  EXPECT_EQ(ZMPopKeyIndexes(ok, 2), (std::vector<int>{3, 4}));
  struct Case {
    std::vector<std::string_view> args;
    std::string_view error;
  };
  const Case bad[] = {
      {{"ZMPOP", "0", "k", "MIN"}, "ERR numkeys should be greater than 0"},
      {{"ZMPOP", "x", "k", "MIN"}, "ERR numkeys should be greater than 0"},
      {{"ZMPOP", "2", "k", "MIN"}, "ERR syntax error"},
      {{"ZMPOP", "1", "k", "LEFT"}, "ERR syntax error"},
      {{"ZMPOP", "1", "k", "MIN", "COUNT", "0"}, "ERR count should be greater than 0"},
      {{"ZMPOP", "1", "k", "MIN", "COUNT", "1", "COUNT", "2"}, "ERR syntax error"},
      {{"ZMPOP", "1", "k", "MIN", "COUNT"}, "ERR syntax error"},
  };
  for (const Case& c : bad) {
    ZMPopArgs out;
    EXPECT_FALSE(ParseZMPopArgs(c.args, 1, &out, &error));
    EXPECT_EQ(error, c.error);
  }
  EXPECT_TRUE(ZMPopKeyIndexes(bad[0].args, 1).empty());
}

TEST_F(ZSetFamilyTest, OpsPopAndPropagate) {
  Run({"ZADD", "a", "1", "x", "2", "y", "3", "z"});
  Run({"SET", "s", "v"});
  auto& rec = sink();
  WithDb([&](storage::Db& db) {
    std::vector<ZElement> out;
    EXPECT_EQ(OpZSetPop(db, "a", ZEnd::kMax, 2, &out), OpStatus::kOk);
    EXPECT_EQ(out, (std::vector<ZElement>{{"z", 3}, {"y", 2}}));
    out.clear();
    EXPECT_EQ(OpZSetPop(db, "s", ZEnd::kMin, 1, &out), OpStatus::kWrongType);
    EXPECT_EQ(OpZSetPop(db, "nokey", ZEnd::kMin, 1, &out), OpStatus::kOk);
    EXPECT_TRUE(out.empty());
    ZMPopArgs args;
    args.keys = {"nokey", "a", "s"};
    int idx = -2;
    EXPECT_EQ(OpZSetMultiPop(db, args, &idx, &out), OpStatus::kOk);
    EXPECT_EQ(idx, 1);
    EXPECT_EQ(out, (std::vector<ZElement>{{"x", 1}}));
    out.clear();
    // "a" is gone now: the wrong type behind it is reported.
    EXPECT_EQ(OpZSetMultiPop(db, args, &idx, &out), OpStatus::kWrongType);
    args.keys = {"nokey"};
    EXPECT_EQ(OpZSetMultiPop(db, args, &idx, &out), OpStatus::kOk);
    EXPECT_EQ(idx, -1);
  });
  EXPECT_EQ(Run({"EXISTS", "a"}), Int(0));
  EXPECT_EQ(rec.TakeArgv(), (std::vector<std::vector<std::string>>{
                                {"ZPOPMAX", "a", "2"}, {"ZPOPMIN", "a", "1"}}));
}

TEST_F(ZSetFamilyTest, PopReplyShapes) {
  std::string out;
  protocol::ReplyBuilder rb(&out);
  const std::vector<ZElement> two = {{"a", 1.5}, {"b", 2}};
  SendZPopReply(rb, two, true);
  EXPECT_EQ(out, Bulks({"a", "1.5", "b", "2"}));
  out.clear();
  rb.set_resp3(true);
  SendZPopReply(rb, two, true);
  EXPECT_EQ(out, "*2\r\n*2\r\n$1\r\na\r\n,1.5\r\n*2\r\n$1\r\nb\r\n,2\r\n");
  out.clear();
  SendZPopReply(rb, {{"a", 1.5}}, false);
  EXPECT_EQ(out, "*2\r\n$1\r\na\r\n,1.5\r\n");
  out.clear();
  SendZMPopReply(rb, "k", {{"a", 1.5}});
  EXPECT_EQ(out, "*2\r\n$1\r\nk\r\n*1\r\n*2\r\n$1\r\na\r\n,1.5\r\n");
}

TEST_F(ZSetFamilyTest, WritesPropagateOnlyEffects) {
  auto& rec = sink();
  Run({"ZADD", "z", "1", "a"});
  Run({"ZADD", "z", "1", "a"});          // no change
  Run({"ZADD", "z", "XX", "1", "b"});    // no change
  Run({"ZREM", "z", "nope"});            // no change
  Run({"ZREMRANGEBYSCORE", "z", "5", "9"});
  Run({"ZRANGESTORE", "d", "nokey", "0", "-1"});  // nothing to delete
  Run({"ZRANGESTORE", "d", "z", "0", "-1"});
  Run({"ZINTERSTORE", "d", "2", "z", "nokey"});    // deletes d
  EXPECT_EQ(rec.TakeArgv(), (std::vector<std::vector<std::string>>{
                                {"ZADD", "z", "1", "a"},
                                {"ZRANGESTORE", "d", "z", "0", "-1"},
                                {"ZINTERSTORE", "d", "2", "z", "nokey"}}));
}

TEST_F(ZSetFamilyTest, MemoryAccountingFollowsConversions) {
  auto used = [&] { return keyspace().UsedBytes(); };
  const int64_t base = used();
  std::vector<std::string> add = {"ZADD", "z"};
  for (int i = 0; i < 300; ++i) {
    add.push_back(std::to_string(i));
    add.push_back("member-" + std::to_string(i));
  }
  RunArgs(add);
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "z"}), Bulk("skiplist"));
  const int64_t big = used();
  EXPECT_GT(big - base, 300 * 20);
  std::vector<std::string> small = {"ZADD", "l", "1", "a", "2", "b"};
  RunArgs(small);
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "l"}), Bulk("listpack"));
  Run({"DEL", "z", "l"});
  lazy_freer().Drain();
  EXPECT_EQ(used(), base);
}

TEST_F(ZSetFamilyTest, ErrorsBeforeData) {
  Run({"SET", "s", "v"});
  EXPECT_EQ(Run({"ZADD", "s", "x", "m"}), Err("ERR value is not a valid float"));
  EXPECT_EQ(Run({"ZADD", "s", "1", "m"}),
            Err("WRONGTYPE Operation against a key holding the wrong kind of value"));
  EXPECT_EQ(Run({"ZRANGEBYSCORE", "s", "x", "1"}), Err("ERR min or max is not a float"));
  EXPECT_EQ(Run({"ZUNION", "2", "s", "nokey", "WEIGHTS", "x"}),
            Err("WRONGTYPE Operation against a key holding the wrong kind of value"));
  EXPECT_EQ(Run({"ZRANDMEMBER", "s", "x"}), Err("ERR value is not an integer or out of range"));
}

}  // namespace
}  // namespace cardinal::commands
