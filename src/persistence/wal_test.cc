#include "persistence/wal.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <thread>

#include "persistence/wal_format.h"

namespace cardinal::persistence {
namespace {

using storage::PropagatedCommand;

class WalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("wal_test_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<WriteAheadLog> MakeLog(FsyncPolicy p) {
    WriteAheadLog::Options o;
    o.env = &env_;
    o.dir = dir_.string();
    o.prefix = "appendonly.aof";
    o.fsync = p;
    return std::make_unique<WriteAheadLog>(o);
  }

  static void Append(WriteAheadLog* log, int i) {
    log->Consume({PropagatedCommand{0, {"SET", "k" + std::to_string(i), std::to_string(i)}}});
  }

  // Keys of every record in the file, in order; fails the test unless the file scans clean.
  std::vector<std::string> Keys(const std::string& name) {
    std::string data;
    EXPECT_TRUE(ReadWholeFile(Env::Posix(), (dir_ / name).string(), &data).ok());
    std::vector<std::string> keys;
    Status cb;
    wal::ScanResult r = wal::Scan(
        data,
        [&](std::string_view payload, uint64_t) {
          std::vector<PropagatedCommand> b;
          Status s = wal::DecodeBatch(payload, &b);
          for (auto& c : b) keys.push_back(c.argv[1]);
          return s;
        },
        &cb);
    EXPECT_EQ(r.kind, wal::ScanResult::Kind::kClean) << r.reason;
    return keys;
  }

  static bool WaitFor(const std::function<bool()>& pred) {
    for (int i = 0; i < 500; i++) {  // 5 s at most
      if (pred()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  static std::vector<std::string> Expected(int from, int to) {
    std::vector<std::string> v;
    for (int i = from; i < to; i++) v.push_back("k" + std::to_string(i));
    return v;
  }

  std::filesystem::path dir_;
  FaultInjectionEnv env_{Env::Posix()};
};

TEST_F(WalTest, EveryPolicyWritesEveryRecordOnce) {
  for (FsyncPolicy p : {FsyncPolicy::kAlways, FsyncPolicy::kEverySec, FsyncPolicy::kNo}) {
    std::string name = "f" + std::to_string(static_cast<int>(p));
    auto log = MakeLog(p);
    ASSERT_TRUE(log->Open(name).ok());
    for (int i = 0; i < 100; i++) {
      Append(log.get(), i);
      if (i % 7 == 0) log->WriteOut();
    }
    log->WriteOut();
    EXPECT_EQ(log->written_lsn(), log->appended_lsn());
    if (p == FsyncPolicy::kAlways) {
      EXPECT_TRUE(WaitFor([&] { return log->Covered(log->appended_lsn()); }));
    } else {
      EXPECT_TRUE(log->Covered(log->appended_lsn()));
    }
    ASSERT_TRUE(log->Close().ok());
    EXPECT_EQ(Keys(name), Expected(0, 100));
  }
}

TEST_F(WalTest, AlwaysCoversOnlyAfterTheSync) {
  auto log = MakeLog(FsyncPolicy::kAlways);
  ASSERT_TRUE(log->Open("a").ok());
  env_.Arm(FaultInjectionEnv::Op::kSync, "", EIO);
  Append(log.get(), 0);
  uint64_t gate = log->appended_lsn();
  log->WriteOut();
  EXPECT_EQ(log->written_lsn(), gate);  // in the kernel, but the fsync fails
  EXPECT_TRUE(WaitFor([&] { return !log->healthy(); }));
  EXPECT_FALSE(log->Covered(gate));
  EXPECT_EQ(log->last_errno(), EIO);
  env_.Disarm();
  // The retry writes the unsynced record again at the last synced size and fsyncs it.
  EXPECT_TRUE(WaitFor([&] { return log->healthy() && log->Covered(gate); }));
  Append(log.get(), 1);
  log->WriteOut();
  ASSERT_TRUE(log->Close().ok());
  EXPECT_EQ(Keys("a"), Expected(0, 2));
}

TEST_F(WalTest, FailedWriteIsNotCoveredAndIsRetriedWithoutDuplicates) {
  for (int err : {EIO, ENOSPC}) {
    std::string name = "w" + std::to_string(err);
    auto log = MakeLog(FsyncPolicy::kEverySec);
    ASSERT_TRUE(log->Open(name).ok());
    Append(log.get(), 0);
    log->WriteOut();
    // The next write gets 5 bytes in, then fails: a torn record the log must cut away.
    env_.Arm(FaultInjectionEnv::Op::kWrite, name, err, 5);
    Append(log.get(), 1);
    Append(log.get(), 2);
    uint64_t gate = log->appended_lsn();
    log->WriteOut();
    EXPECT_FALSE(log->healthy());
    EXPECT_EQ(log->last_errno(), err);
    EXPECT_FALSE(log->Covered(gate));
    Append(log.get(), 3);  // arrives while unhealthy: kept in order behind the failed bytes
    env_.Disarm();
    EXPECT_TRUE(WaitFor([&] { return log->healthy() && log->Covered(gate); }));
    ASSERT_TRUE(log->Close().ok());
    EXPECT_EQ(Keys(name), Expected(0, 4));
  }
}

TEST_F(WalTest, RotateMovesLaterRecordsToTheNewFile) {
  auto log = MakeLog(FsyncPolicy::kEverySec);
  ASSERT_TRUE(log->Open("one").ok());
  for (int i = 0; i < 10; i++) Append(log.get(), i);
  ASSERT_TRUE(log->Rotate("two").ok());
  EXPECT_EQ(log->durable_lsn(), log->appended_lsn());
  EXPECT_EQ(log->current_file(), "two");
  for (int i = 10; i < 15; i++) Append(log.get(), i);
  ASSERT_TRUE(log->Close().ok());
  EXPECT_EQ(Keys("one"), Expected(0, 10));
  EXPECT_EQ(Keys("two"), Expected(10, 15));
}

TEST_F(WalTest, ReopeningAppendsAfterExistingRecords) {
  {
    auto log = MakeLog(FsyncPolicy::kNo);
    ASSERT_TRUE(log->Open("r").ok());
    Append(log.get(), 0);
    ASSERT_TRUE(log->Close().ok());
  }
  auto log = MakeLog(FsyncPolicy::kNo);
  ASSERT_TRUE(log->Open("r").ok());
  Append(log.get(), 1);
  ASSERT_TRUE(log->Close().ok());
  EXPECT_EQ(Keys("r"), Expected(0, 2));
}

}  // namespace
}  // namespace cardinal::persistence
