// Status: the result of an operation that can fail with a message (I/O, config, persistence).
// Cheap when OK (no allocation); the message carries the context a user needs (file, offset,
// parameter name). Hot command paths use OpStatus (storage/op_status.h) instead.
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace cardinal {

class Status {
 public:
  enum class Code { kOk, kInvalidArgument, kNotFound, kIOError, kCorruption, kUnsupported };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg) { return Status(Code::kInvalidArgument, std::move(msg)); }
  static Status NotFound(std::string msg) { return Status(Code::kNotFound, std::move(msg)); }
  static Status IOError(std::string msg, int posix_errno = 0) {
    Status s(Code::kIOError, std::move(msg));
    s.errno_ = posix_errno;
    return s;
  }
  static Status Corruption(std::string msg) { return Status(Code::kCorruption, std::move(msg)); }
  static Status Unsupported(std::string msg) { return Status(Code::kUnsupported, std::move(msg)); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // The errno behind an IOError (0 when unknown): MISCONF replies quote strerror of it.
  int posix_errno() const { return errno_; }

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}
  Code code_ = Code::kOk;
  std::string message_;
  int errno_ = 0;
};

}  // namespace cardinal
