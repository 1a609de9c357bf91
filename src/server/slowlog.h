// SlowLog: the last `slowlog-max-len` commands that ran longer than `slowlog-log-slower-than`
// microseconds (SLOWLOG GET/LEN/RESET). Tools read all six fields of an entry (redis_exporter,
// Grafana's Redis app). Recording takes a mutex, but only for slow commands; the per-command
// cost is one relaxed load and a compare in Server::Execute.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command.h"

namespace cardinal::server {

struct SlowLogEntry {
  uint64_t id;
  int64_t unix_seconds;
  int64_t duration_us;
  std::vector<std::string> argv;  // trimmed like Redis: <= 32 args, <= 128 bytes each
  std::string client_addr;
  std::string client_name;
};

class SlowLog {
 public:
  static constexpr size_t kMaxArgs = 32;
  static constexpr size_t kMaxArgBytes = 128;

  void Add(commands::ArgList args, int64_t unix_seconds, int64_t duration_us,
           std::string client_addr, std::string client_name, size_t max_len);
  // Newest first; count < 0 = all.
  std::vector<SlowLogEntry> Get(int64_t count) const;
  size_t Len() const;
  void Reset();

 private:
  mutable std::mutex mu_;
  std::deque<SlowLogEntry> entries_;  // newest at the front; GUARDED_BY(mu_)
  uint64_t next_id_ = 0;              // GUARDED_BY(mu_)
};

}  // namespace cardinal::server
