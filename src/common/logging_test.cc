// Tests for the logger: exact line formats (legacy and logfmt), level filtering and lazy argument
// evaluation, logfmt escaping, file output and the signal-handler path.
#include "common/logging.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace cardinal {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  std::string line;
  while (std::getline(ss, line)) out.push_back(line);
  return out;
}

class LoggingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/cardinal_logging_test_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/server.log";
    ASSERT_TRUE(InitLogging({LogLevel::kNotice, path_, LogFormat::kLegacy}).ok());
  }
  void TearDown() override {
    ASSERT_TRUE(InitLogging({}).ok());  // back to stdout before deleting the file
    unlink(path_.c_str());
    unlink((path_ + ".2").c_str());
    rmdir(dir_.c_str());
  }
  std::string dir_;
  std::string path_;
};

TEST(LogFormatTest, LegacyLineMatchesRedis) {
  // 2021-03-04 05:06:07.089 UTC, printed in local time, so check the shape and the millis.
  std::string line = FormatLogLine(LogFormat::kLegacy, 4140, 'M', 1614834367089, LogLevel::kNotice,
                                   "Ready to accept connections");
  std::regex re(R"(^4140:M \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} )"
                R"(\d\d:\d\d:\d\d\.089 \* Ready to accept connections\n$)");
  EXPECT_TRUE(std::regex_match(line, re)) << line;
}

TEST(LogFormatTest, LegacyUsesLocalTime) {
  setenv("TZ", "UTC", 1);
  tzset();
  EXPECT_EQ(FormatLogLine(LogFormat::kLegacy, 7, 'M', 1614834367089, LogLevel::kWarning, "x"),
            "7:M 04 Mar 2021 05:06:07.089 # x\n");
  EXPECT_EQ(FormatLogLine(LogFormat::kLegacy, 7, 'S', 1614834367000, LogLevel::kDebug, "d"),
            "7:S 04 Mar 2021 05:06:07.000 . d\n");
  EXPECT_EQ(FormatLogLine(LogFormat::kLegacy, 7, 'M', 1614834367000, LogLevel::kVerbose, "v"),
            "7:M 04 Mar 2021 05:06:07.000 - v\n");
  EXPECT_EQ(FormatLogLine(LogFormat::kLogfmt, 7, 'M', 1614834367089, LogLevel::kNotice, "hi"),
            "pid=7 role=master timestamp=\"2021-03-04T05:06:07.089+00:00\" level=notice "
            "message=\"hi\"\n");
  setenv("TZ", "America/New_York", 1);
  tzset();
  std::string ny =
      FormatLogLine(LogFormat::kLogfmt, 7, 'S', 1614834367089, LogLevel::kWarning, "w");
  unsetenv("TZ");
  tzset();
  // Only assert the offset when the zone database is installed.
  if (ny.find("-05:00") != std::string::npos) {
    EXPECT_EQ(ny,
              "pid=7 role=replica timestamp=\"2021-03-04T00:06:07.089-05:00\" level=warning "
              "message=\"w\"\n");
  }
}

TEST(LogFormatTest, LogfmtEscaping) {
  EXPECT_EQ(LogfmtEscape("plain"), "plain");
  EXPECT_EQ(LogfmtEscape("say \"hi\""), "say \\\"hi\\\"");
  EXPECT_EQ(LogfmtEscape("back\\slash"), "back\\\\slash");
  EXPECT_EQ(LogfmtEscape("a\nb\tc\r"), "a\\nb\\tc\\r");
  EXPECT_EQ(LogfmtEscape(std::string("\x01z", 2)), "\\x01z");
  std::string line = FormatLogLine(LogFormat::kLogfmt, 1, 'M', 0, LogLevel::kNotice, "a \"b\"\n");
  std::regex re(
      R"re(^pid=1 role=master timestamp="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000[+-]\d\d:\d\d" )re"
      R"re(level=notice message="a \\"b\\"\\n"\n$)re");
  EXPECT_TRUE(std::regex_match(line, re)) << line;
}

TEST_F(LoggingTest, WritesToFileWithLevelFiltering) {
  Log(LogLevel::kNotice, "notice {}", 1);
  Log(LogLevel::kVerbose, "verbose {}", 2);  // filtered at notice
  Log(LogLevel::kWarning, "warning {}", 3);
  CLOG(kDebug, "debug {}", 4);  // filtered
  CLOG(kNotice, "clog {}", 5);
  auto lines = Lines(ReadAll(path_));
  ASSERT_EQ(lines.size(), 3u) << ReadAll(path_);
  std::string pid = std::to_string(getpid());
  std::regex re("^" + pid + R"(:M \d\d \w{3} \d{4} \d\d:\d\d:\d\d\.\d{3} ([*#]) (.*)$)");
  std::smatch m;
  ASSERT_TRUE(std::regex_match(lines[0], m, re)) << lines[0];
  EXPECT_EQ(m[1], "*");
  EXPECT_EQ(m[2], "notice 1");
  ASSERT_TRUE(std::regex_match(lines[1], m, re)) << lines[1];
  EXPECT_EQ(m[1], "#");
  EXPECT_EQ(m[2], "warning 3");
  ASSERT_TRUE(std::regex_match(lines[2], m, re));
  EXPECT_EQ(m[2], "clog 5");
}

TEST_F(LoggingTest, FilteredClogDoesNotEvaluateArguments) {
  int calls = 0;
  auto expensive = [&calls] {
    ++calls;
    return 42;
  };
  SetLogLevel(LogLevel::kWarning);
  CLOG(kNotice, "value {}", expensive());
  EXPECT_EQ(calls, 0);
  CLOG(kWarning, "value {}", expensive());
  EXPECT_EQ(calls, 1);
}

TEST_F(LoggingTest, LevelsAndNothing) {
  SetLogLevel(LogLevel::kDebug);
  EXPECT_TRUE(ShouldLog(LogLevel::kDebug));
  EXPECT_EQ(GetLogLevel(), LogLevel::kDebug);
  SetLogLevel(LogLevel::kNothing);
  EXPECT_FALSE(ShouldLog(LogLevel::kWarning));
  Log(LogLevel::kWarning, "silenced");
  LogRawFromSignalHandler("silenced too");
  EXPECT_EQ(ReadAll(path_), "");
  // The storage pointer is the same atomic the level check reads (used by the config registry).
  LogLevelStorage()->store(static_cast<int64_t>(LogLevel::kVerbose));
  EXPECT_TRUE(ShouldLog(LogLevel::kVerbose));
  EXPECT_FALSE(ShouldLog(LogLevel::kDebug));
  EXPECT_FALSE(ShouldLog(LogLevel::kNothing));
}

TEST_F(LoggingTest, LogfmtToFile) {
  SetLogFormat(LogFormat::kLogfmt);
  Log(LogLevel::kNotice, "quote \" here");
  SetLogFormat(LogFormat::kLegacy);
  auto lines = Lines(ReadAll(path_));
  ASSERT_EQ(lines.size(), 1u);
  std::regex re("^pid=" + std::to_string(getpid()) +
                R"re( role=master timestamp="[^"]+" level=notice message="quote \\" here"$)re");
  EXPECT_TRUE(std::regex_match(lines[0], re)) << lines[0];
}

TEST_F(LoggingTest, RawAndSignalHandlerLines) {
  LogRaw(LogLevel::kNotice, "banner line");
  LogRawFromSignalHandler("Received SIGTERM scheduling shutdown...");
  auto lines = Lines(ReadAll(path_));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "banner line");
  std::regex re("^" + std::to_string(getpid()) +
                R"(:signal-handler \(\d+\) Received SIGTERM scheduling shutdown\.\.\.$)");
  EXPECT_TRUE(std::regex_match(lines[1], re)) << lines[1];
}

TEST_F(LoggingTest, SwitchAndReopenFile) {
  Log(LogLevel::kNotice, "first");
  std::string second = path_ + ".2";
  ASSERT_TRUE(SetLogFile(second).ok());
  Log(LogLevel::kNotice, "second");
  // Simulate logrotate: move the file away, reopen by path.
  std::string rotated = dir_ + "/rotated";
  ASSERT_EQ(rename(second.c_str(), rotated.c_str()), 0);
  ASSERT_TRUE(ReopenLogFile().ok());
  Log(LogLevel::kNotice, "third");
  EXPECT_EQ(Lines(ReadAll(path_)).size(), 1u);
  EXPECT_EQ(Lines(ReadAll(rotated)).size(), 1u);
  EXPECT_EQ(Lines(ReadAll(second)).size(), 1u);
  EXPECT_NE(ReadAll(second).find("third"), std::string::npos);
  ASSERT_TRUE(SetLogFile(path_).ok());
  unlink(rotated.c_str());
}

TEST_F(LoggingTest, BadPathFailsAndKeepsOldFile) {
  Status s = SetLogFile("/nonexistent-dir/x.log");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "Can't open the log file: No such file or directory");
  Log(LogLevel::kNotice, "still here");
  EXPECT_EQ(Lines(ReadAll(path_)).size(), 1u);
}

TEST_F(LoggingTest, ConcurrentLinesDoNotInterleave) {
  constexpr int kThreads = 8;
  constexpr int kLines = 500;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t] {
      for (int i = 0; i < kLines; ++i) {
        Log(LogLevel::kNotice, "thread {} line {} {}", t, i, std::string(100, 'x'));
        if (i % 100 == 0) SetLogLevel(LogLevel::kNotice);  // setters race with writers
      }
    });
  }
  for (auto& th : threads) th.join();
  auto lines = Lines(ReadAll(path_));
  ASSERT_EQ(lines.size(), static_cast<size_t>(kThreads * kLines));
  std::regex re(R"(^\d+:M .* \* thread \d line \d+ x{100}$)");
  for (const auto& line : lines) ASSERT_TRUE(std::regex_match(line, re)) << line;
}

}  // namespace
}  // namespace cardinal
