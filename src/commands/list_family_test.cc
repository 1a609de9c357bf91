// In-process tests of the list family: replies that are awkward to reach from Python (exact
// RESP3 shapes), what each write propagates, memory accounting, and the list_ops.h API the
// blocking commands build on. Behaviour against Redis is covered by tests/integration/
// test_lists.py and tests/compat/test_diff_lists.py.
#include "commands/family_test_util.h"
#include "commands/list_ops.h"
#include "core/quicklist.h"
#include "storage/object.h"

namespace cardinal::commands {
namespace {

using resp::Arr;
using resp::Bulk;
using resp::Bulks;
using resp::Err;
using resp::Int;

using Argv = std::vector<std::vector<std::string>>;

class ListFamilyTest : public FamilyTest {};

TEST_F(ListFamilyTest, PushPopReplies) {
  EXPECT_EQ(Run({"RPUSH", "l", "a", "b", "c"}), Int(3));
  EXPECT_EQ(Run({"LPUSH", "l", "z"}), Int(4));
  EXPECT_EQ(Run({"LPOP", "l"}), Bulk("z"));
  EXPECT_EQ(Run({"RPOP", "l", "2"}), Bulks({"c", "b"}));
  EXPECT_EQ(Run({"LPOP", "l", "0"}), resp::kEmptyArray);
  EXPECT_EQ(Run({"LPOP", "l", "5"}), Bulks({"a"}));
  EXPECT_EQ(Run({"EXISTS", "l"}), Int(0));
  EXPECT_EQ(Run({"LPOP", "l"}), resp::kNil);
  EXPECT_EQ(Run({"LPOP", "l", "1"}), resp::kNullArray);
  EXPECT_EQ(Run({"LPOP", "l", "-1"}), Err("ERR value is out of range, must be positive"));
  SetResp3(true);
  EXPECT_EQ(Run({"LPOP", "l"}), resp::kNull3);
  EXPECT_EQ(Run({"RPOP", "l", "3"}), resp::kNull3);
  EXPECT_EQ(Run({"LMPOP", "1", "l", "LEFT"}), resp::kNull3);
}

TEST_F(ListFamilyTest, WrongType) {
  Run({"SET", "s", "v"});
  for (auto argv : std::vector<std::vector<std::string>>{
           {"LPUSH", "s", "a"}, {"RPUSHX", "s", "a"}, {"LPOP", "s"}, {"RPOP", "s", "2"},
           {"LLEN", "s"}, {"LRANGE", "s", "0", "-1"}, {"LINDEX", "s", "0"}, {"LSET", "s", "0", "x"},
           {"LINSERT", "s", "BEFORE", "a", "b"}, {"LREM", "s", "0", "a"}, {"LTRIM", "s", "0", "1"},
           {"LPOS", "s", "a"}, {"LMOVE", "s", "d", "LEFT", "LEFT"}, {"RPOPLPUSH", "s", "d"},
           {"LMPOP", "1", "s", "LEFT"}}) {
    EXPECT_EQ(RunArgs(argv), Err(protocol::kWrongTypeErr)) << argv[0];
  }
  EXPECT_EQ(Run({"GET", "s"}), Bulk("v"));
}

TEST_F(ListFamilyTest, ObjectEncodingIsAlwaysQuicklist) {
  Run({"RPUSH", "l", "a"});
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "l"}), Bulk("quicklist"));
  EXPECT_EQ(Run({"TYPE", "l"}), resp::Simple("list"));
}

TEST_F(ListFamilyTest, PropagatesEffects) {
  auto& s = sink();
  Run({"RPUSH", "l", "a", "b", "c", "d", "e", "f"});
  Run({"lpush", "l", "z"});
  Run({"LPUSHX", "missing", "a"});  // no effect
  Run({"LPOP", "l"});
  Run({"RPOP", "l", "2"});
  Run({"LPOP", "l", "0"});         // no effect
  Run({"LPOP", "missing", "3"});   // no effect
  EXPECT_EQ(s.TakeArgv(), (Argv{{"RPUSH", "l", "a", "b", "c", "d", "e", "f"},
                                {"lpush", "l", "z"},
                                {"LPOP", "l"},
                                {"RPOP", "l", "2"}}));
  Run({"LMPOP", "2", "missing", "l", "RIGHT", "COUNT", "10"});  // pops the 4 left
  EXPECT_EQ(s.TakeArgv(), (Argv{{"RPOP", "l", "4"}}));
  Run({"RPUSH", "l", "a", "b", "c"});
  Run({"RPOPLPUSH", "l", "m"});
  Run({"LMOVE", "l", "l", "LEFT", "RIGHT"});
  Run({"RPOPLPUSH", "missing", "m"});  // no effect
  EXPECT_EQ(s.TakeArgv(), (Argv{{"RPUSH", "l", "a", "b", "c"},
                                {"LMOVE", "l", "m", "RIGHT", "LEFT"},
                                {"LMOVE", "l", "l", "LEFT", "RIGHT"}}));
  Run({"LREM", "l", "0", "zz"});               // no effect
  Run({"LINSERT", "l", "BEFORE", "zz", "x"});  // no effect
  Run({"LTRIM", "l", "0", "-1"});              // no effect
  Run({"LSET", "l", "0", "x"});
  Run({"LINSERT", "l", "AFTER", "x", "y"});
  Run({"LREM", "l", "1", "y"});
  Run({"LTRIM", "l", "5", "10"});              // empties the list
  EXPECT_EQ(s.TakeArgv(), (Argv{{"LSET", "l", "0", "x"},
                                {"LINSERT", "l", "AFTER", "x", "y"},
                                {"LREM", "l", "1", "y"},
                                {"LTRIM", "l", "5", "10"}}));
  EXPECT_EQ(Run({"EXISTS", "l"}), Int(0));
}

TEST_F(ListFamilyTest, MemoryAccountingReturnsToBaseline) {
  const int64_t base = keyspace().UsedBytes();
  Run({"RPUSH", "l", "a", "b"});
  const int64_t small = keyspace().UsedBytes();
  EXPECT_GT(small, base);
  std::vector<std::string> push = {"RPUSH", "l"};
  for (int i = 0; i < 5000; ++i) push.push_back("element-" + std::to_string(i));
  RunArgs(push);
  EXPECT_GT(keyspace().UsedBytes(), small + 5000 * 10);
  Run({"LSET", "l", "100", std::string(20000, 'x')});
  Run({"LINSERT", "l", "BEFORE", "element-2500", "new"});
  Run({"LREM", "l", "0", "element-7"});
  Run({"LTRIM", "l", "10", "-10"});
  Run({"LMOVE", "l", "other", "LEFT", "RIGHT"});
  Run({"LPOP", "l", "100"});
  Run({"DEL", "other"});
  // Whatever happened in between, the accounting matches the key's current size...
  const size_t actual = WithDb([](storage::Db& db) { return db.Find("l")->MemoryUsage(); });
  EXPECT_EQ(keyspace().UsedBytes() - base, static_cast<int64_t>(actual));
  Run({"DEL", "l"});
  // ...and deleting it returns to where we started.
  EXPECT_EQ(keyspace().UsedBytes(), base);
}

TEST_F(ListFamilyTest, LposRankLongMinQuirks) {
  Run({"RPUSH", "l", "a", "c", "b", "c", "d", "c"});
  EXPECT_EQ(Run({"LPOS", "l", "c", "RANK", "-9223372036854775808"}), Int(5));
  EXPECT_EQ(Run({"LPOS", "l", "c", "RANK", "-9223372036854775808", "COUNT", "0"}),
            Arr({Int(5), Int(3), Int(1)}));
  EXPECT_EQ(Run({"LPOS", "l", "c", "RANK", "-9223372036854775808", "COUNT", "1"}),
            Arr({Int(5), Int(3), Int(1)}));  // Redis 7.0 ignores COUNT here
  EXPECT_EQ(Run({"LPOS", "l", "c", "RANK", "-9223372036854775808", "COUNT", "1", "MAXLEN", "3"}),
            Arr({Int(5), Int(3)}));
  EXPECT_EQ(Run({"LPOS", "l", "c", "RANK", "-9223372036854775807"}), resp::kNil);
  EXPECT_EQ(Run({"LPOS", "l", "c", "RANK", "9223372036854775807", "COUNT", "0"}),
            resp::kEmptyArray);
}

TEST_F(ListFamilyTest, FillConfigIsApplied) {
  CommandConfig::Defaults().list_max_listpack_size.store(2);
  Run({"RPUSH", "l", "a", "b", "c", "d", "e"});
  const size_t nodes = WithDb([](storage::Db& db) {
    return db.Find("l")->object_as<core::QuickList>()->node_count();
  });
  CommandConfig::Defaults().list_max_listpack_size.store(-2);
  EXPECT_EQ(nodes, 3u);
  EXPECT_EQ(Run({"LRANGE", "l", "0", "-1"}), Bulks({"a", "b", "c", "d", "e"}));
}

// ---- list_ops.h: the operations the blocking commands reuse.

TEST_F(ListFamilyTest, OpListPopAndMultiPop) {
  auto& s = sink();
  Run({"RPUSH", "l", "a", "b", "c"});
  Run({"SET", "str", "v"});
  s.Take();
  WithDb([&](storage::Db& db) {
    std::vector<std::string> out;
    EXPECT_EQ(OpListPop(db, "l", ListEnd::kRight, 1, PopForm::kSingle, &out), OpStatus::kOk);
    EXPECT_EQ(out, (std::vector<std::string>{"c"}));
    EXPECT_EQ(OpListPop(db, "nokey", ListEnd::kLeft, 5, PopForm::kWithCount, &out), OpStatus::kOk);
    EXPECT_EQ(out.size(), 1u);
    EXPECT_EQ(OpListPop(db, "str", ListEnd::kLeft, 1, PopForm::kSingle, &out),
              OpStatus::kWrongType);

    MultiPopArgs args{{"nokey", "l", "str"}, ListEnd::kLeft, 10};
    int idx = 0;
    out.clear();
    EXPECT_EQ(OpListMultiPop(db, args, &idx, &out), OpStatus::kOk);
    EXPECT_EQ(idx, 1);
    EXPECT_EQ(out, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(OpListMultiPop(db, args, &idx, &out), OpStatus::kWrongType);  // l is gone now
    MultiPopArgs none{{"nokey", "nokey2"}, ListEnd::kRight, 1};
    EXPECT_EQ(OpListMultiPop(db, none, &idx, &out), OpStatus::kOk);
    EXPECT_EQ(idx, -1);
  });
  EXPECT_EQ(s.TakeArgv(), (Argv{{"RPOP", "l"}, {"LPOP", "l", "2"}}));
  EXPECT_EQ(Run({"EXISTS", "l"}), Int(0));
}

TEST_F(ListFamilyTest, OpListMove) {
  Run({"RPUSH", "src", "a", "b"});
  Run({"SET", "str", "v"});
  WithDb([&](storage::Db& db) {
    std::optional<std::string> moved;
    EXPECT_EQ(OpListMove(db, "nokey", "str", ListEnd::kLeft, ListEnd::kLeft, -2, &moved),
              OpStatus::kOk);  // absent source: destination not checked
    EXPECT_FALSE(moved.has_value());
    EXPECT_EQ(OpListMove(db, "src", "str", ListEnd::kLeft, ListEnd::kLeft, -2, &moved),
              OpStatus::kWrongType);
    EXPECT_EQ(OpListMove(db, "src", "dst", ListEnd::kLeft, ListEnd::kRight, -2, &moved),
              OpStatus::kOk);
    EXPECT_EQ(moved, "a");
    EXPECT_EQ(OpListMove(db, "src", "src", ListEnd::kLeft, ListEnd::kRight, -2, &moved),
              OpStatus::kOk);  // a one-element rotation keeps the key
    EXPECT_EQ(moved, "b");
  });
  EXPECT_EQ(Run({"LRANGE", "src", "0", "-1"}), Bulks({"b"}));
  EXPECT_EQ(Run({"LRANGE", "dst", "0", "-1"}), Bulks({"a"}));
}

TEST_F(ListFamilyTest, ParseMultiPopArgs) {
  auto parse = [](std::vector<std::string_view> argv, size_t idx, MultiPopArgs* out) {
    std::string_view err;
    bool ok = ParseMultiPopArgs(argv, idx, out, &err);
    return ok ? std::string("ok") : std::string(err);
  };
  MultiPopArgs a;
  EXPECT_EQ(parse({"LMPOP", "2", "k1", "k2", "right", "COUNT", "7"}, 1, &a), "ok");
  EXPECT_EQ(a.keys, (std::vector<std::string_view>{"k1", "k2"}));
  EXPECT_EQ(a.end, ListEnd::kRight);
  EXPECT_EQ(a.count, 7u);
  EXPECT_EQ(parse({"BLMPOP", "0.5", "1", "k", "LEFT"}, 2, &a), "ok");
  EXPECT_EQ(a.count, 1u);
  EXPECT_EQ(parse({"LMPOP", "0", "k", "LEFT"}, 1, &a), "ERR numkeys should be greater than 0");
  EXPECT_EQ(parse({"LMPOP", "x", "k", "LEFT"}, 1, &a), "ERR numkeys should be greater than 0");
  EXPECT_EQ(parse({"LMPOP", "2", "k", "LEFT"}, 1, &a), "ERR syntax error");
  EXPECT_EQ(parse({"LMPOP", "9223372036854775807", "k", "LEFT"}, 1, &a), "ERR syntax error");
  EXPECT_EQ(parse({"LMPOP", "1", "k", "UP"}, 1, &a), "ERR syntax error");
  EXPECT_EQ(parse({"LMPOP", "1", "k", "LEFT", "COUNT", "0"}, 1, &a),
            "ERR count should be greater than 0");
  EXPECT_EQ(parse({"LMPOP", "1", "k", "LEFT", "COUNT", "0", "COUNT", "1"}, 1, &a),
            "ERR count should be greater than 0");
  EXPECT_EQ(parse({"LMPOP", "1", "k", "LEFT", "COUNT", "1", "COUNT", "2"}, 1, &a),
            "ERR syntax error");
  EXPECT_EQ(parse({"LMPOP", "1", "k", "LEFT", "COUNT"}, 1, &a), "ERR syntax error");
  std::vector<std::string_view> argv = {"LMPOP", "2", "a", "b", "LEFT"};
  EXPECT_EQ(MultiPopKeyIndexes(argv, 1), (std::vector<int>{2, 3}));
  argv = {"LMPOP", "5", "a", "LEFT"};
  EXPECT_TRUE(MultiPopKeyIndexes(argv, 1).empty());
}

}  // namespace
}  // namespace cardinal::commands
