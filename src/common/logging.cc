// Logger implementation. State is a handful of globals because the log is process-wide and must
// be usable before anything else is constructed and from signal handlers. The output descriptor
// is swapped under an exclusive lock while writers hold it shared, so a line is never written to
// a descriptor that a concurrent SetLogFile has already closed (and possibly reused).
#include "common/logging.h"

#include <fcntl.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <shared_mutex>

namespace cardinal {

namespace logging_internal {
std::atomic<int64_t> g_level{static_cast<int64_t>(LogLevel::kNotice)};
}  // namespace logging_internal

namespace {

std::atomic<int64_t> g_format{static_cast<int64_t>(LogFormat::kLegacy)};
std::atomic<char> g_role{'M'};
// Current output descriptor; read lock-free by the signal handler.
std::atomic<int> g_fd{STDOUT_FILENO};
// Guards g_fd against being closed while a writer uses it, and g_path.
std::shared_mutex g_fd_mu;
std::string g_path;  // "" = stdout

constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

char LevelChar(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return '.';
    case LogLevel::kVerbose:
      return '-';
    case LogLevel::kNotice:
      return '*';
    default:
      return '#';
  }
}

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kVerbose:
      return "verbose";
    case LogLevel::kNotice:
      return "notice";
    default:
      return "warning";
  }
}

const char* RoleName(char role) {
  switch (role) {
    case 'S':
      return "replica";
    case 'C':
      return "child";
    case 'X':
      return "sentinel";
    default:
      return "master";
  }
}

int64_t NowMs() {
  struct timeval tv;
  gettimeofday(&tv, nullptr);
  return static_cast<int64_t>(tv.tv_sec) * 1000 + tv.tv_usec / 1000;
}

// Writes all of `data` with as few write(2) calls as the kernel allows (normally one).
void WriteAll(int fd, const char* data, size_t len) {
  while (len > 0) {
    ssize_t w = ::write(fd, data, len);
    if (w < 0) {
      if (errno == EINTR) continue;
      return;  // nowhere to report a logging failure
    }
    data += w;
    len -= static_cast<size_t>(w);
  }
}

void WriteLine(const std::string& line) {
  std::shared_lock lock(g_fd_mu);
  WriteAll(g_fd.load(std::memory_order_relaxed), line.data(), line.size());
}

Status OpenLogFd(const std::string& path, int* fd) {
  if (path.empty()) {
    *fd = STDOUT_FILENO;
    return Status::Ok();
  }
  int f = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (f < 0)
    return Status::IOError(std::string("Can't open the log file: ") + std::strerror(errno));
  *fd = f;
  return Status::Ok();
}

void InstallFd(int fd, const std::string& path) {
  std::unique_lock lock(g_fd_mu);
  int old = g_fd.exchange(fd);
  g_path = path;
  if (old != STDOUT_FILENO && old != fd) ::close(old);
}

// Signal-safe helpers: append to a fixed buffer without allocation.
struct RawBuf {
  char data[1024];
  size_t len = 0;
  void Put(const char* s) {
    while (*s != '\0' && len < sizeof(data) - 1) data[len++] = *s++;
  }
  void PutChar(char c) {
    if (len < sizeof(data) - 1) data[len++] = c;
  }
  void PutInt(int64_t v) {
    char tmp[24];
    int n = 0;
    bool neg = v < 0;
    uint64_t u = neg ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
    do {
      tmp[n++] = static_cast<char>('0' + u % 10);
      u /= 10;
    } while (u != 0);
    if (neg) PutChar('-');
    while (n > 0) PutChar(tmp[--n]);
  }
};

}  // namespace

Status InitLogging(const LogOptions& options) {
  int fd = STDOUT_FILENO;
  Status s = OpenLogFd(options.file, &fd);
  if (!s.ok()) return s;
  InstallFd(fd, options.file);
  SetLogLevel(options.level);
  SetLogFormat(options.format);
  return Status::Ok();
}

void SetLogLevel(LogLevel level) {
  logging_internal::g_level.store(static_cast<int64_t>(level), std::memory_order_relaxed);
}

LogLevel GetLogLevel() {
  return static_cast<LogLevel>(logging_internal::g_level.load(std::memory_order_relaxed));
}

void SetLogFormat(LogFormat format) {
  g_format.store(static_cast<int64_t>(format), std::memory_order_relaxed);
}

LogFormat GetLogFormat() {
  return static_cast<LogFormat>(g_format.load(std::memory_order_relaxed));
}

Status SetLogFile(const std::string& path) {
  int fd = STDOUT_FILENO;
  Status s = OpenLogFd(path, &fd);
  if (!s.ok()) return s;
  InstallFd(fd, path);
  return Status::Ok();
}

Status ReopenLogFile() {
  std::string path;
  {
    std::shared_lock lock(g_fd_mu);
    path = g_path;
  }
  return SetLogFile(path);
}

void SetLogRole(char role) { g_role.store(role, std::memory_order_relaxed); }

std::atomic<int64_t>* LogLevelStorage() { return &logging_internal::g_level; }
std::atomic<int64_t>* LogFormatStorage() { return &g_format; }

std::string LogfmtEscape(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += "\\x";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 15]);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  return out;
}

std::string FormatLogLine(LogFormat format, int pid, char role, int64_t unix_ms, LogLevel level,
                          std::string_view message) {
  time_t secs = static_cast<time_t>(unix_ms / 1000);
  int ms = static_cast<int>(unix_ms % 1000);
  struct tm tm;
  localtime_r(&secs, &tm);
  if (format == LogFormat::kLogfmt) {
    long off_min = tm.tm_gmtoff / 60;
    char sign = off_min < 0 ? '-' : '+';
    if (off_min < 0) off_min = -off_min;
    return fmt::format(
        "pid={} role={} timestamp=\"{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}{}{:02}:{:02}\" "
        "level={} message=\"{}\"\n",
        pid, RoleName(role), tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
        tm.tm_sec, ms, sign, off_min / 60, off_min % 60, LevelName(level), LogfmtEscape(message));
  }
  return fmt::format("{}:{} {:02} {} {:04} {:02}:{:02}:{:02}.{:03} {} {}\n", pid, role, tm.tm_mday,
                     kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec, ms,
                     LevelChar(level), message);
}

void LogMessage(LogLevel level, std::string_view message) {
  if (level == LogLevel::kNothing) return;
  WriteLine(FormatLogLine(GetLogFormat(), static_cast<int>(::getpid()),
                          g_role.load(std::memory_order_relaxed), NowMs(), level, message));
}

void LogRaw(LogLevel level, std::string_view message) {
  if (!ShouldLog(level)) return;
  std::string line(message);
  line.push_back('\n');
  WriteLine(line);
}

void LogRawFromSignalHandler(const char* message) {
  if (!ShouldLog(LogLevel::kWarning)) return;
  int saved_errno = errno;  // a handler must not clobber the interrupted code's errno
  RawBuf buf;
  int64_t pid = ::getpid();
  int64_t now = ::time(nullptr);
  if (g_format.load(std::memory_order_relaxed) == static_cast<int64_t>(LogFormat::kLogfmt)) {
    buf.Put("pid=");
    buf.PutInt(pid);
    buf.Put(" role=signal-handler unix_time=");
    buf.PutInt(now);
    buf.Put(" level=warning message=\"");
    for (const char* p = message; *p != '\0'; ++p) {
      if (*p == '"' || *p == '\\') buf.PutChar('\\');
      buf.PutChar(*p == '\n' ? ' ' : *p);
    }
    buf.PutChar('"');
  } else {
    buf.PutInt(pid);
    buf.Put(":signal-handler (");
    buf.PutInt(now);
    buf.Put(") ");
    buf.Put(message);
  }
  buf.data[buf.len++] = '\n';  // Put* always leaves room for this byte
  WriteAll(g_fd.load(std::memory_order_relaxed), buf.data, buf.len);
  errno = saved_errno;
}

}  // namespace cardinal
