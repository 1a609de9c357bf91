#include "persistence/wal.h"

#include <chrono>

#include <fmt/format.h>

#include "common/logging.h"
#include "persistence/wal_format.h"

namespace cardinal::persistence {

WriteAheadLog::WriteAheadLog(Options options)
    : options_(std::move(options)), policy_(static_cast<int>(options_.fsync)) {}

WriteAheadLog::~WriteAheadLog() { Close(); }

Status WriteAheadLog::Open(const std::string& incr_name) {
  std::string path = JoinPath(options_.dir, incr_name);
  uint64_t size = 0;
  bool fresh = !options_.env->GetFileSize(path, &size).ok() || size < wal::kFileHeaderSize;
  std::unique_ptr<WritableFile> f;
  Status s = options_.env->NewWritableFile(path, /*truncate=*/fresh, &f);
  if (!s.ok()) return s;
  if (fresh) {
    s = f->Append(wal::FileHeader());
    if (s.ok()) s = f->Sync();
    if (s.ok()) s = options_.env->SyncDir(options_.dir);
    if (!s.ok()) return s;
  }
  std::lock_guard lk(io_mu_);
  file_ = std::move(f);
  file_name_ = incr_name;
  good_size_ = synced_size_ = file_->Size();
  current_size_.store(good_size_, std::memory_order_relaxed);
  stop_ = false;
  sync_thread_ = std::thread([this] { SyncLoop(); });
  return Status::Ok();
}

Status WriteAheadLog::Close() {
  {
    std::lock_guard lk(sync_mu_);
    if (stop_ && !sync_thread_.joinable()) return Status::Ok();
    stop_ = true;
  }
  sync_cv_.notify_all();
  if (sync_thread_.joinable()) sync_thread_.join();
  std::lock_guard lk(io_mu_);
  if (file_ == nullptr) return Status::Ok();
  if (needs_repair_) RepairLocked();
  WriteLocked();
  Status s = healthy() ? file_->Sync() : Status::IOError(last_error_, last_errno());
  if (s.ok()) {
    durable_.store(written_.load());
  }
  file_->Close();
  file_.reset();
  return s;
}

void WriteAheadLog::set_policy(FsyncPolicy p) {
  policy_.store(static_cast<int>(p), std::memory_order_relaxed);
  sync_cv_.notify_all();
}

void WriteAheadLog::Consume(const std::vector<storage::PropagatedCommand>& batch) {
  std::lock_guard lk(buf_mu_);
  size_t before = buf_.size();
  wal::AppendBatch(batch, &buf_);
  appended_.fetch_add(buf_.size() - before, std::memory_order_release);
}

void WriteAheadLog::WriteOut() {
  if (!healthy()) return;  // the sync thread retries once a second
  {
    std::lock_guard lk(io_mu_);
    if (file_ == nullptr) return;
    WriteLocked();
  }
  if (policy() == FsyncPolicy::kAlways) {
    {
      std::lock_guard lk(sync_mu_);
      sync_wanted_ = true;
    }
    sync_cv_.notify_one();
  }
}

bool WriteAheadLog::RepairLocked() {
  std::string path = JoinPath(options_.dir, file_name_);
  Status s = options_.env->TruncateFile(path, good_size_);
  std::unique_ptr<WritableFile> f;
  if (s.ok()) s = options_.env->NewWritableFile(path, /*truncate=*/false, &f);
  if (!s.ok()) {
    SetError(s);
    return false;
  }
  file_ = std::move(f);
  file_epoch_++;
  needs_repair_ = false;
  return true;
}

void WriteAheadLog::WriteLocked() {
  if (needs_repair_ && !RepairLocked()) return;
  std::string data;
  {
    std::lock_guard lk(buf_mu_);
    data.swap(buf_);
  }
  if (!retry_.empty()) {
    retry_.append(data);
    data.swap(retry_);
    retry_.clear();
  }
  if (data.empty()) return;
  Status s = file_->Append(data);
  if (!s.ok()) {
    // Part of it may be in the file: cut it back before anything else is written after it.
    retry_ = std::move(data);
    needs_repair_ = true;
    SetError(s);
    return;
  }
  good_size_ = file_->Size();
  current_size_.store(good_size_, std::memory_order_relaxed);
  written_.fetch_add(data.size(), std::memory_order_release);
  if (policy() == FsyncPolicy::kAlways) {
    if (unsynced_.empty()) {
      unsynced_.swap(data);
    } else {
      unsynced_.append(data);
    }
  } else if (!healthy()) {
    ClearError();
  }
}

void WriteAheadLog::Sync() {
  std::shared_ptr<WritableFile> file;
  uint64_t target_lsn, target_size, epoch;
  size_t unsynced_len;
  {
    std::lock_guard lk(io_mu_);
    if (file_ == nullptr || needs_repair_) return;
    target_lsn = written_.load();
    if (target_lsn == durable_.load() && healthy()) return;
    file = file_;
    target_size = good_size_;
    epoch = file_epoch_;
    unsynced_len = unsynced_.size();
  }
  Status s = file->Sync();
  std::lock_guard lk(io_mu_);
  if (epoch != file_epoch_) return;  // rotated or repaired meanwhile: that path synced
  if (s.ok()) {
    synced_size_ = target_size;
    unsynced_.erase(0, unsynced_len);
    if (target_lsn > durable_.load()) durable_.store(target_lsn, std::memory_order_release);
    if (!healthy()) ClearError();
    return;
  }
  SetError(s);
  if (policy() == FsyncPolicy::kAlways) {
    // After a failed fsync the kernel may have dropped the dirty pages (and reports the error
    // once): what was not durable must be written again from memory, at the last synced size.
    retry_.insert(0, unsynced_);
    unsynced_.clear();
    written_.store(durable_.load(), std::memory_order_release);
    good_size_ = synced_size_;
    needs_repair_ = true;
  }
}

void WriteAheadLog::SyncLoop() {
  auto last_fsync = std::chrono::steady_clock::now();
  for (;;) {
    {
      std::unique_lock lk(sync_mu_);
      bool always = policy() == FsyncPolicy::kAlways;
      sync_cv_.wait_for(lk, std::chrono::milliseconds(always && healthy() ? 100 : 1000),
                        [&] { return stop_ || (sync_wanted_ && healthy()); });
      if (stop_) return;
      sync_wanted_ = false;
    }
    auto covered = [this] {
      return policy() == FsyncPolicy::kAlways ? durable_lsn() : written_lsn();
    };
    uint64_t covered_before = covered();
    {
      // Records with no waiting client (active expiry, a retry after an error) are written here.
      std::lock_guard lk(io_mu_);
      if (file_ != nullptr) WriteLocked();
    }
    FsyncPolicy p = policy();
    auto now = std::chrono::steady_clock::now();
    if (p == FsyncPolicy::kAlways ||
        (p == FsyncPolicy::kEverySec && now - last_fsync >= std::chrono::milliseconds(1000)) ||
        !healthy()) {
      Sync();
      last_fsync = now;
    }
    if (covered() != covered_before) NotifyProgress();
  }
}

void WriteAheadLog::NotifyProgress() {
  if (progress_) progress_();
}

Status WriteAheadLog::Rotate(const std::string& incr_name) {
  std::lock_guard lk(io_mu_);
  if (file_ == nullptr) return Status::IOError("the write-ahead log is not open");
  WriteLocked();
  if (!healthy()) return Status::IOError(last_error_, last_errno());
  Status s = file_->Sync();
  if (!s.ok()) {
    SetError(s);
    return s;
  }
  std::string path = JoinPath(options_.dir, incr_name);
  std::unique_ptr<WritableFile> f;
  s = options_.env->NewWritableFile(path, /*truncate=*/true, &f);
  if (s.ok()) s = f->Append(wal::FileHeader());
  if (s.ok()) s = f->Sync();
  if (s.ok()) s = options_.env->SyncDir(options_.dir);
  if (!s.ok()) return s;  // the old file stays current and healthy
  file_->Close();
  file_ = std::move(f);
  file_name_ = incr_name;
  file_epoch_++;
  good_size_ = synced_size_ = file_->Size();
  current_size_.store(good_size_, std::memory_order_relaxed);
  unsynced_.clear();
  durable_.store(written_.load(), std::memory_order_release);
  return Status::Ok();
}

std::string WriteAheadLog::current_file() const {
  std::lock_guard lk(io_mu_);
  return file_name_;
}

std::string WriteAheadLog::last_error() const {
  std::lock_guard lk(io_mu_);
  return last_error_;
}

void WriteAheadLog::SetError(const Status& s) {
  if (healthy()) CLOG(kWarning, "Error writing to the append-only file: {}", s.message());
  last_error_ = s.message();
  last_errno_.store(s.posix_errno(), std::memory_order_relaxed);
  healthy_.store(false, std::memory_order_release);
}

void WriteAheadLog::ClearError() {
  CLOG(kNotice, "AOF write error looks solved, Redis can write again.");
  healthy_.store(true, std::memory_order_release);
}

}  // namespace cardinal::persistence
