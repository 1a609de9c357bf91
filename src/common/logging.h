// Process-wide server log. Default line format is Redis's, so existing log tooling keeps working:
//   <pid>:<role> <dd Mon yyyy HH:MM:SS.mmm> <level char> <message>
// e.g. "4140:M 22 Nov 2026 03:56:24.875 * Ready to accept connections", with level chars
// '.' debug, '-' verbose, '*' notice, '#' warning. `log-format logfmt` gives instead
//   pid=4140 role=master timestamp="2026-11-22T03:56:24.875+01:00" level=notice message="..."
//
// Cost model: the level check is one relaxed atomic load, done before any formatting (use CLOG
// to also skip evaluating the arguments). Each line is emitted with a single write(2) on an
// O_APPEND descriptor, so lines from concurrent threads (and processes sharing the file) never
// interleave. Every setter may be called from any thread at any time.
#pragma once

#include <fmt/core.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "common/status.h"

namespace cardinal {

// Ordered by severity; a line is written when its level >= the configured level. kNothing as the
// configured level silences everything (it is never a line's level).
enum class LogLevel : int64_t { kDebug = 0, kVerbose = 1, kNotice = 2, kWarning = 3, kNothing = 4 };

enum class LogFormat : int64_t { kLegacy = 0, kLogfmt = 1 };

struct LogOptions {
  LogLevel level = LogLevel::kNotice;
  std::string file;  // "" = standard output
  LogFormat format = LogFormat::kLegacy;
};

// Opens the log file (O_APPEND|O_CREAT, 0644) and sets level and format. Before this is called
// logging goes to stdout at notice level. On failure nothing changes and the IOError message is
// "Can't open the log file: <strerror>".
Status InitLogging(const LogOptions& options);

// Runtime setters (CONFIG SET). Safe from any thread.
void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();
void SetLogFormat(LogFormat format);
LogFormat GetLogFormat();
// Switches the output file ("" = stdout); same error as InitLogging.
Status SetLogFile(const std::string& path);
// Reopens the current log file by path (for SIGHUP / logrotate moving the file away).
Status ReopenLogFile();
// Role character in the legacy format: 'M' master (default), 'S' replica, 'C' forked child,
// 'X' sentinel. logfmt spells them master/replica/child/sentinel.
void SetLogRole(char role);

// Direct storage for the config registry: registering `loglevel` / `log-format` as enums over
// these (names in LogLevel / LogFormat order) makes CONFIG SET take effect with no apply hook.
std::atomic<int64_t>* LogLevelStorage();
std::atomic<int64_t>* LogFormatStorage();

namespace logging_internal {
extern std::atomic<int64_t> g_level;
}  // namespace logging_internal

// True when a line at `level` would be written. Inline so the filtered case costs one load.
inline bool ShouldLog(LogLevel level) {
  return static_cast<int64_t>(level) >= logging_internal::g_level.load(std::memory_order_relaxed) &&
         level != LogLevel::kNothing;
}

// Writes one line (the prefix is added here; `message` must not end with '\n'). Does not check
// the level: callers go through Log/CLOG, or check ShouldLog themselves.
void LogMessage(LogLevel level, std::string_view message);

// Writes `message` with no prefix (Redis's LL_RAW, e.g. for the startup banner), subject to the
// level filter.
void LogRaw(LogLevel level, std::string_view message);

template <typename... Args>
inline void Log(LogLevel level, fmt::format_string<Args...> format, Args&&... args) {
  if (!ShouldLog(level)) return;
  LogMessage(level, fmt::format(format, std::forward<Args>(args)...));
}

// Async-signal-safe: no locks, no allocation, no stdio. Writes Redis's signal-handler line
//   <pid>:signal-handler (<unix seconds>) <message>
// to the current log descriptor. Not level-filtered (signal lines are always important).
void LogRawFromSignalHandler(const char* message);

// Formatting helpers, exposed for tests and for anything that must reproduce the log format.
// `unix_ms` is milliseconds since the epoch, rendered in local time.
std::string FormatLogLine(LogFormat format, int pid, char role, int64_t unix_ms, LogLevel level,
                          std::string_view message);
// logfmt string escaping (no surrounding quotes): \" \\ \n \r \t, other control bytes as \xHH.
std::string LogfmtEscape(std::string_view s);

}  // namespace cardinal

// CLOG(kNotice, "Ready to accept connections {}", "tcp"): the arguments are not even evaluated
// when the level is filtered out.
#define CLOG(level, ...)                                                               \
  do {                                                                                 \
    if (::cardinal::ShouldLog(::cardinal::LogLevel::level)) {                          \
      ::cardinal::LogMessage(::cardinal::LogLevel::level, ::fmt::format(__VA_ARGS__)); \
    }                                                                                  \
  } while (0)
