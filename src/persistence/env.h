// Env: the file-system seam of persistence. Everything the write-ahead log and snapshots do to
// files goes through an Env, so tests can inject the failures real disks produce (EIO, ENOSPC on
// write or fsync) without a special file system, and so the rules for durable file replacement
// (write a temporary, fsync it, rename, fsync the directory) live in one place.
//
// PosixEnv is the real thing. FaultInjectionEnv wraps another Env and fails chosen operations on
// files whose path contains a pattern; the server always goes through one (armed by DEBUG
// commands in tests, a relaxed atomic load when disarmed).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace cardinal::persistence {

// An append-only file. Append either writes every byte or fails (a short write is retried;
// a failure leaves an unknown number of bytes written, which the caller must treat as torn).
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status Append(std::string_view data) = 0;
  // fdatasync: data and the size, not necessarily timestamps.
  virtual Status Sync() = 0;
  virtual Status Close() = 0;
  // Bytes in the file as this handle sees it: the size at open plus what was appended.
  virtual uint64_t Size() const = 0;
  const std::string& path() const { return path_; }

 protected:
  std::string path_;
};

class SequentialFile {
 public:
  virtual ~SequentialFile() = default;
  // Reads up to `n` bytes into `buf`; *got == 0 means end of file.
  virtual Status Read(char* buf, size_t n, size_t* got) = 0;
};

class Env {
 public:
  virtual ~Env() = default;
  // The process-wide PosixEnv.
  static Env* Posix();

  // Opens `path` for appending, creating it (0644). truncate: start empty.
  virtual Status NewWritableFile(const std::string& path, bool truncate,
                                 std::unique_ptr<WritableFile>* out) = 0;
  virtual Status NewSequentialFile(const std::string& path,
                                   std::unique_ptr<SequentialFile>* out) = 0;
  virtual Status RenameFile(const std::string& from, const std::string& to) = 0;
  virtual Status DeleteFile(const std::string& path) = 0;
  virtual Status TruncateFile(const std::string& path, uint64_t size) = 0;
  // Makes renames and creations in `dir` durable.
  virtual Status SyncDir(const std::string& dir) = 0;
  virtual Status CreateDirIfMissing(const std::string& dir) = 0;
  // NotFound when the file does not exist.
  virtual Status GetFileSize(const std::string& path, uint64_t* size) = 0;
  virtual bool FileExists(const std::string& path) = 0;
  // Names (not paths) of the regular files in `dir`.
  virtual Status ListDir(const std::string& dir, std::vector<std::string>* names) = 0;
};

// Helpers built on the seam.
std::string DirName(const std::string& path);   // "." when there is no slash
std::string JoinPath(const std::string& dir, const std::string& name);
// Reads a whole (small) file: manifests, tests.
Status ReadWholeFile(Env* env, const std::string& path, std::string* out);
// Durable replacement: writes `data` to `path`.tmp-<pid>, fsyncs, renames over `path`, fsyncs the
// directory. A crash leaves either the old or the new file.
Status WriteFileAtomically(Env* env, const std::string& path, std::string_view data);

// Fails operations on matching files with an errno, as a broken disk would.
class FaultInjectionEnv : public Env {
 public:
  enum class Op { kWrite, kSync };
  explicit FaultInjectionEnv(Env* base) : base_(base) {}

  // Makes `op` fail with `err` (EIO, ENOSPC...) on files whose path contains `path_pattern`
  // ("" = every file). For kWrite, `after_bytes` bytes more are accepted first (a partial
  // write before the error). Replaces an earlier fault of the same op.
  void Arm(Op op, const std::string& path_pattern, int err, uint64_t after_bytes = 0);
  void Disarm();
  bool armed() const { return armed_.load(std::memory_order_relaxed); }

  Status NewWritableFile(const std::string& path, bool truncate,
                         std::unique_ptr<WritableFile>* out) override;
  Status NewSequentialFile(const std::string& path, std::unique_ptr<SequentialFile>* out) override {
    return base_->NewSequentialFile(path, out);
  }
  Status RenameFile(const std::string& from, const std::string& to) override {
    return base_->RenameFile(from, to);
  }
  Status DeleteFile(const std::string& path) override { return base_->DeleteFile(path); }
  Status TruncateFile(const std::string& path, uint64_t size) override {
    return base_->TruncateFile(path, size);
  }
  Status SyncDir(const std::string& dir) override;
  Status CreateDirIfMissing(const std::string& dir) override { return base_->CreateDirIfMissing(dir); }
  Status GetFileSize(const std::string& path, uint64_t* size) override {
    return base_->GetFileSize(path, size);
  }
  bool FileExists(const std::string& path) override { return base_->FileExists(path); }
  Status ListDir(const std::string& dir, std::vector<std::string>* names) override {
    return base_->ListDir(dir, names);
  }

  // Decides whether an operation on `path` fails now; for writes, how many of `len` bytes may
  // still be written first (*allowed). Returns 0 or the errno to fail with.
  int Check(Op op, const std::string& path, size_t len, size_t* allowed);

 private:
  struct Fault {
    bool active = false;
    std::string pattern;
    int err = 0;
    uint64_t budget = 0;  // kWrite: bytes still accepted before failing
  };
  Env* base_;
  std::atomic<bool> armed_{false};
  std::mutex mu_;
  Fault write_, sync_;
};

}  // namespace cardinal::persistence
