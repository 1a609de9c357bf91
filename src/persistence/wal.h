// WriteAheadLog: the sink of the propagation point that makes writes durable
// (docs/PERSISTENCE.md, "Writing, group commit and acknowledgement").
//
// Positions are LSNs: bytes appended since the log was opened in this process. Three of them
// move forward: appended (encoded into the in-memory buffer, under the shard locks of the
// writes), written (handed to the kernel with write(2)) and durable (covered by an fdatasync).
// A connection may send a reply once Covered(its gate LSN): durable for appendfsync always,
// written otherwise.
//
// Who does what:
//  - Consume (the propagator, any worker): encodes a batch into the buffer.
//  - WriteOut (workers before they sleep, and the sync thread): writes the buffer to the file.
//  - the sync thread: fdatasync — for `always` whenever something is written and not yet
//    durable, so every writer that arrived during one fsync shares the next (group commit); for
//    `everysec` once a second. It also retries after an error, once a second.
// Progress wakes the workers through the progress callback.
//
// Errors: a failed write or fsync truncates the file back to its last good size and keeps the
// bytes that did not make it (with `always`, everything not yet durable) in memory, to be
// written again by the next retry; until one succeeds, healthy() is false and the server refuses
// writes with MISCONF. Nothing that was not durable (written) is ever reported covered.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "persistence/aof_manifest.h"
#include "persistence/env.h"
#include "storage/propagation.h"

namespace cardinal::persistence {

enum class FsyncPolicy { kAlways = 0, kEverySec = 1, kNo = 2 };  // appendfsync's enum order

class WriteAheadLog : public storage::PropagationSink {
 public:
  struct Options {
    Env* env = nullptr;
    std::string dir;     // the append-only directory
    std::string prefix;  // appendfilename
    FsyncPolicy fsync = FsyncPolicy::kEverySec;
  };

  explicit WriteAheadLog(Options options);
  ~WriteAheadLog() override;

  // Starts appending to the incremental file `incr_name` (created with a header when absent or
  // empty; an existing file must have been verified by recovery) and starts the sync thread.
  Status Open(const std::string& incr_name);
  // Flushes, fsyncs and closes; stops the sync thread. Returns the last error if the final
  // flush failed.
  Status Close();

  void Consume(const std::vector<storage::PropagatedCommand>& batch) override;

  uint64_t appended_lsn() const { return appended_.load(std::memory_order_acquire); }
  uint64_t written_lsn() const { return written_.load(std::memory_order_acquire); }
  uint64_t durable_lsn() const { return durable_.load(std::memory_order_acquire); }
  bool Covered(uint64_t lsn) const {
    return (policy() == FsyncPolicy::kAlways ? durable_lsn() : written_lsn()) >= lsn;
  }

  // Writes everything appended so far (workers call it before sleeping when a reply waits).
  // With `always`, also wakes the sync thread.
  void WriteOut();
  // Called on the sync thread (or a worker) after the covered position moved.
  void SetProgressCallback(std::function<void()> fn) { progress_ = std::move(fn); }

  FsyncPolicy policy() const { return static_cast<FsyncPolicy>(policy_.load(std::memory_order_relaxed)); }
  void set_policy(FsyncPolicy p);

  bool healthy() const { return healthy_.load(std::memory_order_acquire); }
  int last_errno() const { return last_errno_.load(std::memory_order_relaxed); }
  std::string last_error() const;

  // Starts a new incremental file `incr_name` for the records appended after this call. Every
  // record appended before it is written and fsynced to the old file first. REQUIRES: no
  // Consume runs concurrently (the caller holds every shard lock).
  Status Rotate(const std::string& incr_name);

  // Current incremental file name and size (INFO aof_current_size, rewrite triggers).
  std::string current_file() const;
  uint64_t current_size() const { return current_size_.load(std::memory_order_relaxed); }

 private:
  void SyncLoop();
  // REQUIRES: io_mu_. Writes pending bytes; on failure truncates back and records the error.
  void WriteLocked();
  // REQUIRES: io_mu_. fdatasync; on failure, rewinds (always) and records the error.
  // Outside io_mu_: fdatasync what is written, then account for it (or for the failure).
  void Sync();
  // REQUIRES: io_mu_. Truncates the file to good_size_ and reopens it after a failure.
  bool RepairLocked();
  void SetError(const Status& s);
  void ClearError();
  void NotifyProgress();

  Options options_;
  std::atomic<int> policy_;

  // Appended but not yet written. buf_mu_ is held briefly by Consume and by the swap in
  // WriteLocked, never during I/O.
  std::mutex buf_mu_;
  std::string buf_;
  std::atomic<uint64_t> appended_{0};

  // Everything about the file. Held during write(2)/fdatasync.
  mutable std::mutex io_mu_;
  std::shared_ptr<WritableFile> file_;  // shared: the sync thread fsyncs outside io_mu_
  std::string file_name_;
  uint64_t file_epoch_ = 0;    // bumped when file_ is replaced (rotation, repair)
  bool needs_repair_ = false;  // truncate back to good_size_ and reopen before writing
  std::string retry_;        // bytes that failed to be written, to go before buf_'s
  std::string unsynced_;     // `always`: written but not durable, for rewriting after an error
  uint64_t good_size_ = 0;   // file size covered by the last successful write (or sync)
  uint64_t synced_size_ = 0; // file size covered by the last successful fsync
  std::atomic<uint64_t> written_{0};
  std::atomic<uint64_t> durable_{0};
  std::atomic<uint64_t> current_size_{0};

  std::atomic<bool> healthy_{true};
  std::atomic<int> last_errno_{0};
  std::string last_error_;  // GUARDED_BY(io_mu_)

  std::function<void()> progress_;
  std::mutex sync_mu_;
  std::condition_variable sync_cv_;
  bool sync_wanted_ = false;
  bool stop_ = false;
  std::thread sync_thread_;
};

}  // namespace cardinal::persistence
