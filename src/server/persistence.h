// Persistence manager: the server side of durability (docs/PERSISTENCE.md). It owns the
// write-ahead log and its directory, loads data at start-up (snapshot base, then the log; or
// dump.rdb), runs SAVE / BGSAVE / BGREWRITEAOF (forked children), the `save` rules and automatic
// rewrites from worker 0's cron, answers INFO persistence and saves at shutdown.
//
// Threads: LoadAndStartLog runs on a loader thread while workers answer -LOADING; everything
// else runs on worker threads. Child and manifest bookkeeping is under mu_ (taken before any
// shard lock); the hot-path reads (wal(), loading(), WritesRefused) are atomics.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/status.h"
#include "persistence/aof_manifest.h"
#include "persistence/env.h"
#include "persistence/snapshot.h"
#include "persistence/wal.h"

namespace cardinal::server {

class Server;

class Persistence {
 public:
  explicit Persistence(Server* server);
  ~Persistence();

  // The file seam every persistence file operation goes through (DEBUG FAULT arms it).
  persistence::FaultInjectionEnv& env() { return env_; }

  // ---- start-up (loader thread)
  // Loads the log (appendonly yes) or dump.rdb into the keyspace, then opens the log. An error
  // means the server must not start (corrupt data is never served).
  Status LoadAndStartLog();
  bool loading() const { return loading_.load(std::memory_order_acquire); }
  void set_loading(bool v) { loading_.store(v, std::memory_order_release); }

  // ---- the write path
  // The open log, or null when appendonly is off. Stays valid until shutdown.
  persistence::WriteAheadLog* wal() const { return wal_.load(std::memory_order_acquire); }
  // True (and the MISCONF text) when writes must be refused: the log cannot write, or the last
  // background save failed with stop-writes-on-bgsave-error and save rules set.
  bool WritesRefused(std::string* err) const;

  // ---- commands
  Status Save();                            // SAVE (blocks the caller)
  std::string BgSave(bool schedule);        // BGSAVE [SCHEDULE]: the reply line (+... or -ERR)
  std::string BgRewriteAof();               // BGREWRITEAOF
  int64_t lastsave_unix() const { return lastsave_unix_.load(std::memory_order_relaxed); }
  // Worker 0's cron: reaps children, applies save rules, scheduled saves, automatic rewrites
  // and CONFIG SET appendonly / appendfsync changes.
  void Cron();
  // Shutdown, once no worker runs: `save_mode` -1 NOSAVE, 0 default (save when save rules
  // exist), 1 SAVE. Kills a running child, flushes and fsyncs the log, saves. On an error the
  // server logs it and exits with status 1 (Redis would refuse to exit and keep serving).
  Status Shutdown(int save_mode);
  std::string InfoSection();
  // rdb_changes_since_last_save.
  uint64_t DirtySinceSave() const;

 private:
  enum class ChildKind { kNone, kRdb, kRewrite };

  persistence::RdbSaveOptions SaveOptions(bool aof_base) const;
  persistence::RdbLoadOptions LoadOptions() const;
  std::string aof_dir() const;
  std::string prefix() const;
  // Where a rewrite child writes the new base (renamed by the parent when it succeeds).
  std::string RewriteTempName(pid_t child) const;
  Status LoadAof(const persistence::AofManifest& manifest);
  Status ReplayIncr(const std::string& name, bool last);
  // Opens the last incremental file of `manifest` (creating it) and starts logging.
  // REQUIRES: mu_.
  Status OpenLog(persistence::AofManifest manifest);
  // Creates the log from the current dataset: base snapshot + manifest + a new incr file.
  // REQUIRES: mu_, and no concurrent writers (start-up, or every shard locked).
  Status CreateLogFromDataset();
  void DisableLog();
  // Forks with every shard locked; `in_lock` runs in the parent before the fork. Returns the
  // child pid or -1 (errno set).
  pid_t ForkSnapshot(const std::string& path, bool aof_base, const std::function<Status()>& in_lock,
                     Status* in_lock_status);
  void ReapChild();
  // The child is gone: writes go back to in-place updates and immediate frees.
  void StopChildMode();
  // Installs the new base and manifest after the child exited (`ok`: it succeeded). REQUIRES:
  // mu_. Returns whether the rewrite took effect.
  bool FinishRewrite(bool ok);
  void RemoveUnreferencedFiles(const persistence::AofManifest& manifest);
  bool SaveRulesSet() const;
  // backup-dir: links the snapshot just saved there and prunes to backup-keep.
  void KeepBackup();

  Server* server_;
  persistence::FaultInjectionEnv env_{persistence::Env::Posix()};
  std::atomic<bool> loading_{false};
  std::atomic<persistence::WriteAheadLog*> wal_{nullptr};
  std::vector<std::unique_ptr<persistence::WriteAheadLog>> logs_;  // closed ones stay alive

  // Lock order: mu_ before the shard locks (BGSAVE forks holding both).
  mutable std::mutex mu_;
  persistence::AofManifest manifest_;  // GUARDED_BY(mu_)
  ChildKind child_kind_ = ChildKind::kNone;
  pid_t child_pid_ = -1;
  int64_t child_start_ms_ = 0;
  uint64_t dirty_at_fork_ = 0;
  int cow_fd_ = -1;                // read end of the pipe the child reports its COW size on
  uint64_t rewrite_seq_ = 0;       // seq of the base/incr the running rewrite creates
  bool bgsave_scheduled_ = false;
  bool rewrite_scheduled_ = false;
  int64_t last_bgsave_try_ms_ = 0;
  bool appendonly_on_ = false;     // what the cron last applied

  std::atomic<int64_t> lastsave_unix_{0};
  std::atomic<uint64_t> dirty_baseline_{0};
  std::atomic<bool> last_bgsave_ok_{true};
  std::atomic<bool> last_rewrite_ok_{true};
  std::atomic<int64_t> last_bgsave_time_sec_{-1};
  std::atomic<int64_t> last_rewrite_time_sec_{-1};
  std::atomic<uint64_t> rdb_saves_{0};
  std::atomic<uint64_t> last_rdb_cow_bytes_{0};
  std::atomic<uint64_t> last_aof_cow_bytes_{0};
  std::atomic<uint64_t> aof_rewrites_{0};
  std::atomic<uint64_t> aof_base_size_{0};     // base + incr bytes right after the last rewrite
  std::atomic<uint64_t> older_incr_bytes_{0};  // incr files before the current one
  std::atomic<int64_t> loading_start_ms_{0};
  std::atomic<uint64_t> loaded_keys_{0};
};

}  // namespace cardinal::server
