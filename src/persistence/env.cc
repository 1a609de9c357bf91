#include "persistence/env.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace cardinal::persistence {
namespace {

Status ErrnoStatus(std::string_view what, const std::string& path, int err) {
  return Status::IOError(fmt::format("{} {}: {}", what, path, strerror(err)), err);
}

class PosixWritableFile : public WritableFile {
 public:
  PosixWritableFile(std::string path, int fd, uint64_t size) : fd_(fd), size_(size) {
    path_ = std::move(path);
  }
  ~PosixWritableFile() override {
    if (fd_ >= 0) ::close(fd_);
  }
  Status Append(std::string_view data) override {
    const char* p = data.data();
    size_t left = data.size();
    while (left > 0) {
      ssize_t n = ::write(fd_, p, left);
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus("write", path_, errno);
      }
      p += n;
      left -= static_cast<size_t>(n);
      size_ += static_cast<uint64_t>(n);
    }
    return Status::Ok();
  }
  Status Sync() override {
    if (::fdatasync(fd_) != 0) return ErrnoStatus("fsync", path_, errno);
    return Status::Ok();
  }
  Status Close() override {
    if (fd_ < 0) return Status::Ok();
    int rc = ::close(fd_);
    fd_ = -1;
    if (rc != 0) return ErrnoStatus("close", path_, errno);
    return Status::Ok();
  }
  uint64_t Size() const override { return size_; }

 private:
  int fd_;
  uint64_t size_;
};

class PosixSequentialFile : public SequentialFile {
 public:
  PosixSequentialFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixSequentialFile() override { ::close(fd_); }
  Status Read(char* buf, size_t n, size_t* got) override {
    for (;;) {
      ssize_t r = ::read(fd_, buf, n);
      if (r < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus("read", path_, errno);
      }
      *got = static_cast<size_t>(r);
      return Status::Ok();
    }
  }

 private:
  std::string path_;
  int fd_;
};

class PosixEnv : public Env {
 public:
  Status NewWritableFile(const std::string& path, bool truncate,
                         std::unique_ptr<WritableFile>* out) override {
    int flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (truncate ? O_TRUNC : 0);
    int fd = ::open(path.c_str(), flags, 0644);
    if (fd < 0) return ErrnoStatus("open", path, errno);
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      int err = errno;
      ::close(fd);
      return ErrnoStatus("stat", path, err);
    }
    *out = std::make_unique<PosixWritableFile>(path, fd, static_cast<uint64_t>(st.st_size));
    return Status::Ok();
  }
  Status NewSequentialFile(const std::string& path,
                           std::unique_ptr<SequentialFile>* out) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT) return Status::NotFound(fmt::format("{} does not exist", path));
      return ErrnoStatus("open", path, errno);
    }
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    *out = std::make_unique<PosixSequentialFile>(path, fd);
    return Status::Ok();
  }
  Status RenameFile(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) return ErrnoStatus("rename", from + " to", errno);
    return Status::Ok();
  }
  Status DeleteFile(const std::string& path) override {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return ErrnoStatus("unlink", path, errno);
    return Status::Ok();
  }
  Status TruncateFile(const std::string& path, uint64_t size) override {
    if (::truncate(path.c_str(), static_cast<off_t>(size)) != 0) {
      return ErrnoStatus("truncate", path, errno);
    }
    return Status::Ok();
  }
  Status SyncDir(const std::string& dir) override {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus("open directory", dir, errno);
    int rc = ::fsync(fd);
    int err = errno;
    ::close(fd);
    if (rc != 0) return ErrnoStatus("fsync directory", dir, err);
    return Status::Ok();
  }
  Status CreateDirIfMissing(const std::string& dir) override {
    if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
      return ErrnoStatus("mkdir", dir, errno);
    }
    return Status::Ok();
  }
  Status GetFileSize(const std::string& path, uint64_t* size) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) {
      if (errno == ENOENT) return Status::NotFound(fmt::format("{} does not exist", path));
      return ErrnoStatus("stat", path, errno);
    }
    *size = static_cast<uint64_t>(st.st_size);
    return Status::Ok();
  }
  bool FileExists(const std::string& path) override { return ::access(path.c_str(), F_OK) == 0; }
  Status ListDir(const std::string& dir, std::vector<std::string>* names) override {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) return ErrnoStatus("opendir", dir, errno);
    while (struct dirent* de = ::readdir(d)) {
      if (de->d_type == DT_REG || de->d_type == DT_UNKNOWN) names->emplace_back(de->d_name);
    }
    ::closedir(d);
    return Status::Ok();
  }
};

class FaultyWritableFile : public WritableFile {
 public:
  FaultyWritableFile(FaultInjectionEnv* env, std::unique_ptr<WritableFile> base)
      : env_(env), base_(std::move(base)) {
    path_ = base_->path();
  }
  Status Append(std::string_view data) override {
    size_t allowed = data.size();
    int err = env_->Check(FaultInjectionEnv::Op::kWrite, path_, data.size(), &allowed);
    if (err == 0) return base_->Append(data);
    if (allowed > 0) {
      Status s = base_->Append(data.substr(0, allowed));
      if (!s.ok()) return s;
    }
    return Status::IOError(fmt::format("write {}: {}", path_, strerror(err)), err);
  }
  Status Sync() override {
    size_t allowed = 0;
    int err = env_->Check(FaultInjectionEnv::Op::kSync, path_, 0, &allowed);
    if (err != 0) return Status::IOError(fmt::format("fsync {}: {}", path_, strerror(err)), err);
    return base_->Sync();
  }
  Status Close() override { return base_->Close(); }
  uint64_t Size() const override { return base_->Size(); }

 private:
  FaultInjectionEnv* env_;
  std::unique_ptr<WritableFile> base_;
};

}  // namespace

Env* Env::Posix() {
  static PosixEnv env;
  return &env;
}

std::string DirName(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string JoinPath(const std::string& dir, const std::string& name) {
  if (dir.empty() || dir == ".") return name;
  if (dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

Status ReadWholeFile(Env* env, const std::string& path, std::string* out) {
  std::unique_ptr<SequentialFile> f;
  Status s = env->NewSequentialFile(path, &f);
  if (!s.ok()) return s;
  out->clear();
  char buf[64 * 1024];
  for (;;) {
    size_t got = 0;
    s = f->Read(buf, sizeof(buf), &got);
    if (!s.ok()) return s;
    if (got == 0) return Status::Ok();
    out->append(buf, got);
  }
}

Status WriteFileAtomically(Env* env, const std::string& path, std::string_view data) {
  std::string tmp = fmt::format("{}.tmp-{}", path, ::getpid());
  std::unique_ptr<WritableFile> f;
  Status s = env->NewWritableFile(tmp, /*truncate=*/true, &f);
  if (s.ok()) s = f->Append(data);
  if (s.ok()) s = f->Sync();
  if (s.ok()) s = f->Close();
  if (s.ok()) s = env->RenameFile(tmp, path);
  if (!s.ok()) {
    env->DeleteFile(tmp);
    return s;
  }
  return env->SyncDir(DirName(path));
}

void FaultInjectionEnv::Arm(Op op, const std::string& path_pattern, int err, uint64_t after_bytes) {
  std::lock_guard lk(mu_);
  Fault& f = op == Op::kWrite ? write_ : sync_;
  f = Fault{true, path_pattern, err, after_bytes};
  armed_.store(true, std::memory_order_relaxed);
}

void FaultInjectionEnv::Disarm() {
  std::lock_guard lk(mu_);
  write_ = Fault{};
  sync_ = Fault{};
  armed_.store(false, std::memory_order_relaxed);
}

int FaultInjectionEnv::Check(Op op, const std::string& path, size_t len, size_t* allowed) {
  *allowed = len;
  if (!armed()) return 0;
  std::lock_guard lk(mu_);
  Fault& f = op == Op::kWrite ? write_ : sync_;
  if (!f.active || path.find(f.pattern) == std::string::npos) return 0;
  if (op == Op::kWrite && f.budget >= len) {
    f.budget -= len;
    return 0;
  }
  *allowed = op == Op::kWrite ? static_cast<size_t>(f.budget) : 0;
  f.budget = 0;
  return f.err;
}

Status FaultInjectionEnv::NewWritableFile(const std::string& path, bool truncate,
                                          std::unique_ptr<WritableFile>* out) {
  std::unique_ptr<WritableFile> base;
  Status s = base_->NewWritableFile(path, truncate, &base);
  if (!s.ok()) return s;
  *out = std::make_unique<FaultyWritableFile>(this, std::move(base));
  return Status::Ok();
}

Status FaultInjectionEnv::SyncDir(const std::string& dir) {
  size_t allowed = 0;
  int err = Check(Op::kSync, dir, 0, &allowed);
  if (err != 0) {
    return Status::IOError(fmt::format("fsync directory {}: {}", dir, strerror(err)), err);
  }
  return base_->SyncDir(dir);
}

}  // namespace cardinal::persistence
