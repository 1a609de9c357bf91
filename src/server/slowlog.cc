#include "server/slowlog.h"

#include <fmt/format.h>

namespace cardinal::server {

void SlowLog::Add(commands::ArgList args, int64_t unix_seconds, int64_t duration_us,
                  std::string client_addr, std::string client_name, size_t max_len) {
  SlowLogEntry e{0, unix_seconds, duration_us, {}, std::move(client_addr), std::move(client_name)};
  size_t argc = std::min(args.size(), kMaxArgs);
  for (size_t i = 0; i < argc; i++) {
    if (argc != args.size() && i == argc - 1) {
      e.argv.push_back(fmt::format("... ({} more arguments)", args.size() - argc + 1));
      break;
    }
    std::string_view a = args[i];
    if (a.size() > kMaxArgBytes) {
      e.argv.push_back(fmt::format("{}... ({} more bytes)", a.substr(0, kMaxArgBytes),
                                   a.size() - kMaxArgBytes));
    } else {
      e.argv.emplace_back(a);
    }
  }
  std::lock_guard lk(mu_);
  e.id = next_id_++;
  entries_.push_front(std::move(e));
  while (entries_.size() > max_len) entries_.pop_back();
}

std::vector<SlowLogEntry> SlowLog::Get(int64_t count) const {
  std::lock_guard lk(mu_);
  size_t n = count < 0 ? entries_.size() : std::min(entries_.size(), static_cast<size_t>(count));
  return {entries_.begin(), entries_.begin() + static_cast<long>(n)};
}

size_t SlowLog::Len() const {
  std::lock_guard lk(mu_);
  return entries_.size();
}

void SlowLog::Reset() {
  std::lock_guard lk(mu_);
  entries_.clear();
}

}  // namespace cardinal::server
