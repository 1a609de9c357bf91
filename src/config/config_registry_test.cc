// Tests for ConfigRegistry: per-type parsing with Redis 7.0's error texts, the four startup
// sources and their precedence, CONFIG SET atomicity and rollback, CONFIG GET matching, and
// CONFIG REWRITE's in-place editing. Expected strings were taken from redis-server 7.0.15.
#include "config/config_registry.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/logging.h"
#include "config/config_file.h"

namespace cardinal::config {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

// A stand-in for Redis's `save` parameter: pairs of <seconds> <changes>.
class SaveParams {
 public:
  Status Set(const std::vector<std::string>& words) {
    if (words.size() % 2 != 0) return Status::InvalidArgument("Invalid save parameters");
    std::vector<std::pair<long, long>> parsed;
    for (size_t i = 0; i < words.size(); i += 2) {
      char* end1 = nullptr;
      char* end2 = nullptr;
      long a = std::strtol(words[i].c_str(), &end1, 10);
      long b = std::strtol(words[i + 1].c_str(), &end2, 10);
      if (*end1 != '\0' || *end2 != '\0' || words[i].empty() || words[i + 1].empty()) {
        return Status::InvalidArgument("Invalid save parameters");
      }
      parsed.emplace_back(a, b);
    }
    std::lock_guard lock(mu_);
    params_ = std::move(parsed);
    return Status::Ok();
  }
  std::string Get() const {
    std::lock_guard lock(mu_);
    std::string out;
    for (const auto& [a, b] : params_) {
      if (!out.empty()) out += ' ';
      out += std::to_string(a) + " " + std::to_string(b);
    }
    return out;
  }
  std::vector<std::string> RewriteArgs() const {
    std::lock_guard lock(mu_);
    if (params_.empty()) return {"\"\""};
    std::vector<std::string> out;
    for (const auto& [a, b] : params_) out.push_back(std::to_string(a) + " " + std::to_string(b));
    return out;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::pair<long, long>> params_;
};

// A multi-word special with replace semantics, like `bind`.
class WordList {
 public:
  Status Set(const std::vector<std::string>& words) {
    std::lock_guard lock(mu_);
    words_ = words;
    return Status::Ok();
  }
  std::string Get() const {
    std::lock_guard lock(mu_);
    std::string out;
    for (const auto& w : words_) out += (out.empty() ? "" : " ") + w;
    return out;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> words_;
};

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/cardinal_config_test_XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { std::system(("rm -rf '" + path_ + "'").c_str()); }
  std::string Write(const std::string& name, const std::string& content) const {
    std::string p = path_ + "/" + name;
    std::ofstream(p) << content;
    return p;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class ConfigRegistryTest : public ::testing::Test {
 protected:
  ConfigRegistryTest() : reg_("1.2.3") {
    reg_.AddInt("port", &port_, 6379, 0, 65535);
    reg_.AddInt("hz", &hz_, 10, 0, 2147483647, {.apply = [this](std::string_view v) {
                  applied_.push_back("hz=" + std::string(v));
                  return fail_hz_apply_ ? Status::InvalidArgument("hz apply failed") : Status::Ok();
                }});
    reg_.AddInt("timeout", &timeout_, 0, 0, INT64_MAX);
    reg_.AddMemory("maxmemory", &maxmemory_, 0, 0, INT64_MAX, {.apply = [this](std::string_view v) {
                     applied_.push_back("maxmemory=" + std::string(v));
                     return Status::Ok();
                   }});
    reg_.AddMemory("client-query-buffer-limit", &qbuf_, 1024 * 1024 * 1024, 1024 * 1024, INT64_MAX);
    reg_.AddEnum("maxmemory-policy", &policy_,
                 {"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru",
                  "allkeys-lfu", "allkeys-random", "noeviction"},
                 7);
    reg_.AddBool("appendonly", &appendonly_, false);
    reg_.AddBool("daemonize", &daemonize_, false, {.immutable = true});
    reg_.AddBool("replica-read-only", &replica_ro_, true);
    reg_.AddAlias("slave-read-only", "replica-read-only");
    reg_.AddString("requirepass", &requirepass_, "", {.sensitive = true});
    reg_.AddString("dir", &dir_, "/var/lib/cardinal", {.protected_config = true});
    reg_.AddString("logfile", &logfile_, "", {.immutable = true});
    reg_.AddString("unixsocket", &unixsocket_, "", {.validate = [](std::string_view v) {
                     return v.find(' ') == std::string_view::npos
                                ? Status::Ok()
                                : Status::InvalidArgument("no spaces please");
                   }});
    reg_.AddInt("debug-knob", &hidden_, 5, 0, 10, {.hidden = true});
    reg_.AddSpecial(
        "save", [this](const std::vector<std::string>& w) { return save_.Set(w); },
        [this] { return save_.Get(); }, "3600 1 300 100 60 10000",
        {.multi_arg = true, .append = true, .rewrite = [this] { return save_.RewriteArgs(); }});
    reg_.AddSpecial(
        "bind", [this](const std::vector<std::string>& w) { return bind_.Set(w); },
        [this] { return bind_.Get(); }, "* -::*", {.multi_arg = true});
    reg_.AddEnum("loglevel", LogLevelStorage(),
                 {"debug", "verbose", "notice", "warning", "nothing"}, 2);
    reg_.AddDirective("rename-command", [this](const std::vector<std::string>& args) {
      if (args.size() != 2) return Status::InvalidArgument("wrong number of arguments");
      renames_.push_back(args[0] + "->" + args[1]);
      return Status::Ok();
    });
  }

  std::string Value(const std::string& name) { return reg_.GetValue(name).value_or("<none>"); }

  ConfigRegistry reg_;
  std::atomic<int64_t> port_, hz_, timeout_, maxmemory_, qbuf_, policy_, appendonly_, daemonize_,
      replica_ro_, hidden_;
  StringValue requirepass_, dir_, logfile_, unixsocket_;
  SaveParams save_;
  WordList bind_;
  std::vector<std::string> applied_;
  std::vector<std::string> renames_;
  bool fail_hz_apply_ = false;
  TempDir tmp_;
};

std::string Banner(int line, const std::string& text, const std::string& reason) {
  return "*** FATAL CONFIG FILE ERROR (Cardinal 1.2.3) ***\nReading the configuration file, at "
         "line " +
         std::to_string(line) + "\n>>> '" + text + "'\n" + reason;
}

// ---------------------------------------------------------------------------------------------
// Declaration and parsing

TEST_F(ConfigRegistryTest, DefaultsAreStoredAtDeclaration) {
  EXPECT_EQ(port_.load(), 6379);
  EXPECT_EQ(policy_.load(), 7);
  EXPECT_EQ(replica_ro_.load(), 1);
  EXPECT_EQ(dir_.Get(), "/var/lib/cardinal");
  EXPECT_EQ(Value("save"), "3600 1 300 100 60 10000");
  EXPECT_EQ(Value("bind"), "* -::*");
  EXPECT_EQ(Value("maxmemory-policy"), "noeviction");
  EXPECT_EQ(Value("client-query-buffer-limit"), "1073741824");
  EXPECT_EQ(Value("nosuch"), "<none>");
}

TEST_F(ConfigRegistryTest, ParseErrorsMatchRedis) {
  auto err = [this](std::vector<std::string> words) {
    return reg_.SetFromConfigLine(words).message();
  };
  EXPECT_EQ(err({"port", "abc"}), "argument couldn't be parsed into an integer");
  EXPECT_EQ(err({"port", "70000"}), "argument must be between 0 and 65535 inclusive");
  EXPECT_EQ(err({"port", "+1"}), "argument couldn't be parsed into an integer");
  EXPECT_EQ(err({"port", "01"}), "argument couldn't be parsed into an integer");
  EXPECT_EQ(err({"port", " 1"}), "argument couldn't be parsed into an integer");
  EXPECT_EQ(err({"port", "99999999999999999999"}), "argument couldn't be parsed into an integer");
  EXPECT_EQ(err({"port", "-1"}), "argument must be between 0 and 65535 inclusive");
  EXPECT_EQ(err({"port"}), "wrong number of arguments");
  EXPECT_EQ(err({"port", "1", "2"}), "wrong number of arguments");
  EXPECT_EQ(err({"appendonly", "maybe"}), "argument must be 'yes' or 'no'");
  EXPECT_EQ(err({"maxmemory", "1xb"}), "argument must be a memory value");
  EXPECT_EQ(err({"maxmemory", "-1"}), "argument must be a memory value");
  EXPECT_EQ(err({"maxmemory", "1.5mb"}), "argument must be a memory value");
  EXPECT_EQ(err({"maxmemory", ""}), "argument must be a memory value");
  EXPECT_EQ(err({"maxmemory", "99999999999gb"}), "argument must be a memory value");
  EXPECT_EQ(err({"client-query-buffer-limit", "10"}),
            "argument must be between 1048576 and 9223372036854775807 inclusive");
  EXPECT_EQ(err({"maxmemory-policy", "foo"}),
            "argument(s) must be one of the following: volatile-lru, volatile-lfu, "
            "volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction");
  EXPECT_EQ(err({"nosuchthing", "1"}), "Bad directive or wrong number of arguments");
  EXPECT_EQ(err({"save", "100"}), "Invalid save parameters");
  EXPECT_EQ(err({"save"}), "wrong number of arguments");
  EXPECT_EQ(err({"unixsocket", "a b"}), "no spaces please");
  EXPECT_EQ(err({"rename-command", "x"}), "wrong number of arguments");
}

TEST_F(ConfigRegistryTest, ValuesAcceptedLikeRedis) {
  auto set = [this](std::vector<std::string> words) {
    Status s = reg_.SetFromConfigLine(words);
    EXPECT_TRUE(s.ok()) << s.message();
  };
  set({"PORT", "0"});
  EXPECT_EQ(port_.load(), 0);
  set({"appendonly", "YES"});
  EXPECT_EQ(appendonly_.load(), 1);
  set({"maxmemory-policy", "ALLKEYS-LRU"});
  EXPECT_EQ(Value("maxmemory-policy"), "allkeys-lru");
  const std::pair<const char*, int64_t> memory[] = {{"1", 1},
                                                    {"1b", 1},
                                                    {"1B", 1},
                                                    {"1k", 1000},
                                                    {"1K", 1000},
                                                    {"1kb", 1024},
                                                    {"1kB", 1024},
                                                    {"2m", 2000000},
                                                    {"2Mb", 2097152},
                                                    {"1g", 1000000000},
                                                    {"3GB", 3221225472},
                                                    {"01", 1},
                                                    {"9223372036854775807", INT64_MAX}};
  for (const auto& [text, bytes] : memory) {
    set({"maxmemory", text});
    EXPECT_EQ(maxmemory_.load(), bytes) << text;
  }
  EXPECT_EQ(Value("maxmemory"), "9223372036854775807");
  EXPECT_EQ(reg_.SetFromConfigLine({"timeout", "-0"}).message(),  // string2ll rejects "-0"
            "argument couldn't be parsed into an integer");
}

// ---------------------------------------------------------------------------------------------
// Config file

TEST_F(ConfigRegistryTest, LoadFileAppliesLinesAndDirectives) {
  std::string path = tmp_.Write("a.conf",
                                "# comment\n"
                                "port 7000\n"
                                "\n"
                                "requirepass \"p w\"\n"
                                "slave-read-only no\n"
                                "bind 127.0.0.1 ::1\n"
                                "bind 10.0.0.1\n"
                                "hz 20\n"
                                "hz 30\n"
                                "daemonize yes\n"
                                "rename-command FLUSHALL \"\"\n");
  Status s = reg_.LoadFile(path);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(port_.load(), 7000);
  EXPECT_EQ(requirepass_.Get(), "p w");
  EXPECT_EQ(replica_ro_.load(), 0);
  EXPECT_EQ(Value("bind"), "10.0.0.1");  // bind replaces
  EXPECT_EQ(hz_.load(), 30);             // last one wins
  EXPECT_EQ(daemonize_.load(), 1);       // immutables are fine at startup
  EXPECT_EQ(renames_, std::vector<std::string>{"FLUSHALL->"});
  EXPECT_EQ(reg_.config_file(), path);
  EXPECT_TRUE(applied_.empty());  // apply callbacks are for runtime changes only
}

TEST_F(ConfigRegistryTest, SaveLinesAccumulateWithinAFile) {
  ASSERT_TRUE(reg_.LoadFile(tmp_.Write("s1.conf", "save 100 1\nsave 200 2\n")).ok());
  EXPECT_EQ(Value("save"), "100 1 200 2");
  ASSERT_TRUE(reg_.LoadFile(tmp_.Write("s2.conf", "save \"\"\nsave 100 1\n")).ok());
  EXPECT_EQ(Value("save"), "100 1");
  ASSERT_TRUE(reg_.LoadFile(tmp_.Write("s3.conf", "save 100 1\nsave \"\"\n")).ok());
  EXPECT_EQ(Value("save"), "");
  ASSERT_TRUE(reg_.LoadFile(tmp_.Write("s4.conf", "save 100 1 300 3\n")).ok());
  EXPECT_EQ(Value("save"), "100 1 300 3");
}

TEST_F(ConfigRegistryTest, FileErrorsUseRedisBanner) {
  Status s = reg_.LoadFile(tmp_.Write("e1.conf", "port 6400\nfoo bar\n"));
  EXPECT_EQ(s.message(), Banner(2, "foo bar", "Bad directive or wrong number of arguments"));
  s = reg_.LoadFile(tmp_.Write("e2.conf", "port 6400\n   port   abc   \n"));
  EXPECT_EQ(s.message(), Banner(2, "port   abc", "argument couldn't be parsed into an integer"));
  s = reg_.LoadFile(tmp_.Write("e3.conf", "port 6400\n\"unterminated\n"));
  EXPECT_EQ(s.message(), Banner(2, "\"unterminated", "Unbalanced quotes in configuration line"));
  s = reg_.LoadFile(tmp_.path() + "/missing.conf");
  EXPECT_EQ(s.message(), "Fatal error, can't open config file '" + tmp_.path() +
                             "/missing.conf': No such file or directory");
  // Sensitive values never appear in messages.
  s = reg_.LoadFile(tmp_.Write("e4.conf", "requirepass secret extra\n"));
  EXPECT_EQ(s.message(), Banner(1, "requirepass (redacted)", "wrong number of arguments"));
  EXPECT_TRUE(reg_.IsSensitive("REQUIREPASS"));
  EXPECT_FALSE(reg_.IsSensitive("port"));
}

TEST_F(ConfigRegistryTest, IncludeFiles) {
  std::string inc = tmp_.Write("inc.conf", "save 300 3\nhz 40\n");
  std::string main = tmp_.Write("main.conf", "save 100 1\ninclude " + inc + "\nport 1\n");
  ASSERT_TRUE(reg_.LoadFile(main).ok());
  EXPECT_EQ(Value("save"), "100 1 300 3");  // one source: lines accumulate across the include
  EXPECT_EQ(hz_.load(), 40);
  EXPECT_EQ(reg_.config_file(), main);  // the rewrite target stays the main file

  std::string bad = tmp_.Write("bad.conf", "\nhz abc\n");
  Status s = reg_.LoadFile(tmp_.Write("main2.conf", "include " + bad + "\n"));
  EXPECT_EQ(s.message(), Banner(2, "hz abc", "argument couldn't be parsed into an integer"));

  std::string loop = tmp_.path() + "/loop.conf";
  tmp_.Write("loop.conf", "include " + loop + "\n");
  s = reg_.LoadFile(loop);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("too many nested includes"), std::string::npos) << s.message();
}

// ---------------------------------------------------------------------------------------------
// Command line and environment

TEST_F(ConfigRegistryTest, CommandLineGrouping) {
  Status s = reg_.ApplyCommandLine({"--port", "7000", "--save", "", "--bind", "127.0.0.1", "::1",
                                    "--maxmemory 2mb", "--loglevel", "warning"});
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(port_.load(), 7000);
  EXPECT_EQ(Value("save"), "");
  EXPECT_EQ(Value("bind"), "127.0.0.1 ::1");
  EXPECT_EQ(maxmemory_.load(), 2 * 1024 * 1024);
  EXPECT_EQ(GetLogLevel(), LogLevel::kWarning);
  SetLogLevel(LogLevel::kNotice);

  ASSERT_TRUE(reg_.ApplyCommandLine({"--save", "--port", "7001"}).ok());  // bare --save = ""
  EXPECT_EQ(Value("save"), "");
  EXPECT_EQ(port_.load(), 7001);
  ASSERT_TRUE(reg_.ApplyCommandLine({"--save", "10", "1", "--save", "20", "2", "--save"}).ok());
  EXPECT_EQ(Value("save"), "");
  ASSERT_TRUE(reg_.ApplyCommandLine({"--save", "10", "1", "--save", "20", "2"}).ok());
  EXPECT_EQ(Value("save"), "10 1 20 2");
}

TEST_F(ConfigRegistryTest, CommandLineErrors) {
  EXPECT_EQ(reg_.ApplyCommandLine({"--port", "abc"}).message(),
            Banner(2, "port \"abc\"", "argument couldn't be parsed into an integer"));
  EXPECT_EQ(reg_.ApplyCommandLine({"--nosuchthing", "1"}).message(),
            Banner(2, "nosuchthing \"1\"", "Bad directive or wrong number of arguments"));
  EXPECT_EQ(reg_.ApplyCommandLine({"--bind", "1.1.1.1", "--nosuch", "a b", "x"}).message(),
            Banner(3, "nosuch \"a b\" \"x\"", "Bad directive or wrong number of arguments"));
  EXPECT_EQ(reg_.ApplyCommandLine({"--port"}).message(),
            Banner(2, "port", "wrong number of arguments"));
  EXPECT_EQ(reg_.ApplyCommandLine({"--port abc"}).message(),
            Banner(2, "port abc", "argument couldn't be parsed into an integer"));
  // The first word after a bare option name is its value even if it starts with "--".
  EXPECT_EQ(reg_.ApplyCommandLine({"--loglevel", "--foo"}).message(),
            Banner(2, "loglevel \"--foo\"",
                   "argument(s) must be one of the following: debug, verbose, notice, warning, "
                   "nothing"));
  EXPECT_EQ(reg_.ApplyCommandLine({"--save", "--port", "abc"}).message(),
            Banner(3, "port \"abc\"", "argument couldn't be parsed into an integer"));
  EXPECT_EQ(reg_.ApplyCommandLine({"--port", "1", "--", "x"}).message(),
            Banner(3, "\"x\"", "Bad directive or wrong number of arguments"));
  EXPECT_EQ(reg_.ApplyCommandLine({"--requirepass", "a", "b"}).message(),
            Banner(2, "requirepass (redacted)", "wrong number of arguments"));

  // Line numbers continue after the config file's lines, as in Redis.
  ASSERT_TRUE(reg_.LoadFile(tmp_.Write("n1.conf", "port 6400\n")).ok());
  EXPECT_EQ(reg_.ApplyCommandLine({"--port", "abc"}).message(),
            Banner(3, "port \"abc\"", "argument couldn't be parsed into an integer"));
  ASSERT_TRUE(reg_.LoadFile(tmp_.Write("n2.conf", "port 6400")).ok());
  EXPECT_EQ(reg_.ApplyCommandLine({"--port", "abc"}).message(),
            Banner(2, "port \"abc\"", "argument couldn't be parsed into an integer"));
}

TEST_F(ConfigRegistryTest, Environment) {
  std::vector<std::string> vars = {"PATH=/bin",
                                   "CARDINAL_PORT=7100",
                                   "CARDINAL_MAXMEMORY=1gb",
                                   "CARDINAL_SAVE=100 1 200 2",
                                   "CARDINAL_SLAVE_READ_ONLY=no",
                                   "CARDINAL_UNRELATED=1",
                                   "CARDINAL_MAXMEMORY_POLICY=allkeys-lfu"};
  std::vector<char*> envp;
  for (auto& v : vars) envp.push_back(v.data());
  envp.push_back(nullptr);
  Status s = reg_.ApplyEnvironment(envp.data());
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(port_.load(), 7100);
  EXPECT_EQ(maxmemory_.load(), 1LL << 30);
  EXPECT_EQ(Value("save"), "100 1 200 2");
  EXPECT_EQ(replica_ro_.load(), 0);
  EXPECT_EQ(Value("maxmemory-policy"), "allkeys-lfu");

  std::string bad = "CARDINAL_HZ=fast";
  char* bad_env[] = {bad.data(), nullptr};
  EXPECT_EQ(reg_.ApplyEnvironment(bad_env).message(),
            "*** FATAL CONFIG FILE ERROR (Cardinal 1.2.3) ***\n"
            "Reading the environment variable CARDINAL_HZ\n"
            ">>> 'hz \"fast\"'\n"
            "argument couldn't be parsed into an integer");
  std::string empty_save = "CARDINAL_SAVE=";
  char* save_env[] = {empty_save.data(), nullptr};
  ASSERT_TRUE(reg_.ApplyEnvironment(save_env).ok());
  EXPECT_EQ(Value("save"), "");
}

TEST_F(ConfigRegistryTest, PrecedenceDefaultsFileEnvCommandLineRuntime) {
  std::string conf = tmp_.Write("p.conf",
                                "port 1001\nhz 11\ntimeout 21\nmaxmemory 1mb\nsave 100 1\n"
                                "save 200 2\n");
  std::vector<std::string> vars = {"CARDINAL_HZ=12", "CARDINAL_TIMEOUT=22", "CARDINAL_SAVE=300 3"};
  std::vector<char*> envp;
  for (auto& v : vars) envp.push_back(v.data());
  envp.push_back(nullptr);
  Status s = reg_.LoadStartup({conf, "--timeout", "23", "--save", "400", "4"}, envp.data());
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(Value("appendonly"), "no");   // default
  EXPECT_EQ(port_.load(), 1001);          // file
  EXPECT_EQ(maxmemory_.load(), 1 << 20);  // file
  EXPECT_EQ(hz_.load(), 12);              // env over file
  EXPECT_EQ(timeout_.load(), 23);         // command line over env and file
  EXPECT_EQ(Value("save"), "400 4");      // a later source replaces, it does not append
  ASSERT_TRUE(reg_.SetAtRuntime({{"timeout", "24"}, {"port", "1002"}}).ok());
  EXPECT_EQ(timeout_.load(), 24);  // runtime over everything
  EXPECT_EQ(port_.load(), 1002);
  EXPECT_EQ(reg_.config_file(), conf);

  // Without a config file the first argument is an option.
  ASSERT_TRUE(reg_.LoadStartup({"--port", "1003"}, nullptr).ok());
  EXPECT_EQ(port_.load(), 1003);
}

// ---------------------------------------------------------------------------------------------
// CONFIG SET

TEST_F(ConfigRegistryTest, RuntimeErrorsMatchRedis) {
  auto err = [this](Pairs pairs) { return reg_.SetAtRuntime(pairs).message(); };
  EXPECT_EQ(err({{"nosuch", "1"}}),
            "ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'");
  EXPECT_EQ(err({{"rename-command", "1"}}),
            "ERR Unknown option or number of arguments for CONFIG SET - 'rename-command'");
  EXPECT_EQ(err({{"daemonize", "yes"}}),
            "ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set "
            "immutable config");
  EXPECT_EQ(err({{"dir", "/tmp"}}),
            "ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected "
            "config");
  EXPECT_TRUE(reg_.SetAtRuntime({{"dir", "/tmp"}}, /*allow_protected=*/true).ok());
  EXPECT_EQ(err({{"appendonly", "maybe"}}),
            "ERR CONFIG SET failed (possibly related to argument 'appendonly') - argument must "
            "be 'yes' or 'no'");
  EXPECT_EQ(err({{"hz", "-5"}}),
            "ERR CONFIG SET failed (possibly related to argument 'hz') - argument must be "
            "between 0 and 2147483647 inclusive");
  EXPECT_EQ(err({{"maxmemory", "1mb"}, {"MAXMEMORY", "2mb"}}),
            "ERR CONFIG SET failed (possibly related to argument 'MAXMEMORY') - duplicate "
            "parameter");
  EXPECT_EQ(err({{"replica-read-only", "no"}, {"slave-read-only", "yes"}}),
            "ERR CONFIG SET failed (possibly related to argument 'slave-read-only') - duplicate "
            "parameter");
  EXPECT_EQ(err({{"save", "100 x"}}),
            "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save "
            "parameters");
  // All names are checked before any value: the unknown name wins over an earlier bad value.
  EXPECT_EQ(err({{"hz", "abc"}, {"nosuch", "1"}}),
            "ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'");
  EXPECT_EQ(err({{"hz", "abc"}, {"daemonize", "yes"}}),
            "ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set "
            "immutable config");
  EXPECT_EQ(err({{"hz", "abc"}, {"hz", "5"}}),
            "ERR CONFIG SET failed (possibly related to argument 'hz') - duplicate parameter");
  EXPECT_TRUE(applied_.empty());
}

TEST_F(ConfigRegistryTest, RuntimeSetIsAllOrNothing) {
  // A bad value anywhere leaves every parameter untouched.
  EXPECT_FALSE(reg_.SetAtRuntime({{"hz", "5"}, {"port", "1"}, {"timeout", "abc"}}).ok());
  EXPECT_EQ(hz_.load(), 10);
  EXPECT_EQ(port_.load(), 6379);
  EXPECT_TRUE(applied_.empty());

  ASSERT_TRUE(reg_.SetAtRuntime({{"hz", "5"}, {"maxmemory", "1gb"}, {"save", "10 1  20 2"}}).ok());
  EXPECT_EQ(hz_.load(), 5);
  EXPECT_EQ(maxmemory_.load(), 1LL << 30);
  EXPECT_EQ(Value("save"), "10 1 20 2");
  EXPECT_EQ(applied_, (std::vector<std::string>{"hz=5", "maxmemory=1073741824"}));
  ASSERT_TRUE(reg_.SetAtRuntime({{"save", ""}}).ok());
  EXPECT_EQ(Value("save"), "");
}

TEST_F(ConfigRegistryTest, ApplyFailureRollsBackEverything) {
  ASSERT_TRUE(reg_.SetAtRuntime({{"hz", "7"}, {"maxmemory", "1mb"}, {"save", "1 1"}}).ok());
  applied_.clear();
  fail_hz_apply_ = true;
  Status s = reg_.SetAtRuntime(
      {{"maxmemory", "2mb"}, {"save", "2 2"}, {"port", "1234"}, {"hz", "8"}, {"timeout", "9"}});
  EXPECT_EQ(s.message(),
            "ERR CONFIG SET failed (possibly related to argument 'hz') - hz apply failed");
  EXPECT_EQ(hz_.load(), 7);
  EXPECT_EQ(maxmemory_.load(), 1 << 20);
  EXPECT_EQ(Value("save"), "1 1");
  EXPECT_EQ(port_.load(), 6379);
  EXPECT_EQ(timeout_.load(), 0);
  // maxmemory's callback ran with the new value, then again with the restored one.
  EXPECT_EQ(applied_, (std::vector<std::string>{"maxmemory=2097152", "hz=8", "maxmemory=1048576"}));
}

TEST_F(ConfigRegistryTest, SpecialSetFailureRollsBackStoredValues) {
  int calls = 0;
  reg_.AddSpecial(
      "flaky",
      [&calls](const std::vector<std::string>& w) {
        // Accepts its default at declaration, then fails (e.g. a resource it could not get).
        return ++calls == 1 ? Status::Ok() : Status::InvalidArgument("resource busy");
      },
      [] { return std::string("x"); }, "x");
  Status s = reg_.SetAtRuntime({{"port", "1"}, {"bind", "1.2.3.4"}, {"flaky", "y"}});
  EXPECT_EQ(s.message(),
            "ERR CONFIG SET failed (possibly related to argument 'flaky') - resource busy");
  EXPECT_EQ(port_.load(), 6379);
  EXPECT_EQ(Value("bind"), "* -::*");
}

TEST_F(ConfigRegistryTest, LogLevelTakesEffectThroughStorage) {
  ASSERT_TRUE(reg_.SetAtRuntime({{"loglevel", "debug"}}).ok());
  EXPECT_TRUE(ShouldLog(LogLevel::kDebug));
  ASSERT_TRUE(reg_.SetAtRuntime({{"loglevel", "NOTICE"}}).ok());
  EXPECT_FALSE(ShouldLog(LogLevel::kVerbose));
  EXPECT_EQ(Value("loglevel"), "notice");
}

// ---------------------------------------------------------------------------------------------
// CONFIG GET

TEST_F(ConfigRegistryTest, GetExactAndPatterns) {
  EXPECT_EQ(reg_.Get({"maxmemory"}), (Pairs{{"maxmemory", "0"}}));
  EXPECT_EQ(reg_.Get({"MAXmemory"}), (Pairs{{"MAXmemory", "0"}}));  // echoed as typed
  EXPECT_EQ(reg_.Get({"maxmemory", "MAXMEMORY"}), (Pairs{{"maxmemory", "0"}}));
  EXPECT_EQ(reg_.Get({"nosuch"}), Pairs{});
  EXPECT_EQ(reg_.Get({"rename-command"}), Pairs{});
  EXPECT_EQ(reg_.Get({"max*"}), (Pairs{{"maxmemory", "0"}, {"maxmemory-policy", "noeviction"}}));
  EXPECT_EQ(reg_.Get({"MAX*"}), (Pairs{{"maxmemory", "0"}, {"maxmemory-policy", "noeviction"}}));
  EXPECT_EQ(reg_.Get({"maxmemory", "max*", "port"}),
            (Pairs{{"maxmemory", "0"}, {"maxmemory-policy", "noeviction"}, {"port", "6379"}}));
  // Aliases are matched too and returned under the alias name.
  EXPECT_EQ(reg_.Get({"*read-only"}),
            (Pairs{{"replica-read-only", "yes"}, {"slave-read-only", "yes"}}));
  EXPECT_EQ(reg_.Get({"slave-read-only"}), (Pairs{{"slave-read-only", "yes"}}));
  // Hidden parameters only by exact name.
  EXPECT_EQ(reg_.Get({"debug-*"}), Pairs{});
  EXPECT_EQ(reg_.Get({"debug-knob"}), (Pairs{{"debug-knob", "5"}}));
  auto all = reg_.Get({"*"});
  EXPECT_EQ(all.size(), 17u);  // 16 visible parameters + 1 alias
  EXPECT_EQ(all.front().first, "port");
  ASSERT_TRUE(reg_.SetAtRuntime({{"maxmemory", "1GB"}, {"requirepass", "s3"}}).ok());
  EXPECT_EQ(reg_.Get({"maxmemory"}), (Pairs{{"maxmemory", "1073741824"}}));
  EXPECT_EQ(reg_.Get({"requirepass"}), (Pairs{{"requirepass", "s3"}}));  // as Redis does
}

// ---------------------------------------------------------------------------------------------
// CONFIG REWRITE

TEST_F(ConfigRegistryTest, RewriteWithoutConfigFile) {
  EXPECT_EQ(reg_.Rewrite().message(), "ERR The server is running without a config file");
}

TEST_F(ConfigRegistryTest, RewriteEditsInPlaceLikeRedis) {
  std::string path = tmp_.Write("r.conf",
                                "# top comment\n"
                                "port 16931\n"
                                "save \"\"\n"
                                "\n"
                                "# memory section\n"
                                "maxmemory 100mb\n"
                                "   maxmemory-policy allkeys-lru\n"
                                "hz 20\n"
                                "hz 30\n"
                                "timeout 5\n"
                                "save 100 1\n"
                                "bind 127.0.0.1\n"
                                "appendonly no\n"
                                "rename-command FLUSHALL \"\"\n");
  ASSERT_EQ(chmod(path.c_str(), 0600), 0);
  ASSERT_TRUE(reg_.LoadFile(path).ok());
  EXPECT_EQ(Value("save"), "100 1");
  ASSERT_TRUE(reg_.SetAtRuntime({{"timeout", "0"},
                                 {"maxmemory", "3gb"},
                                 {"requirepass", "a b\"c"},
                                 {"save", "10 1 20 2 30 3"},
                                 {"loglevel", "warning"},
                                 {"slave-read-only", "no"},
                                 {"maxmemory-policy", "noeviction"},
                                 {"client-query-buffer-limit", "1025kb"}})
                  .ok());
  Status s = reg_.Rewrite();
  SetLogLevel(LogLevel::kNotice);  // loglevel's storage is the logger's own level
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(ReadFile(path),
            "# top comment\n"
            "port 16931\n"
            "save 10 1\n"
            "\n"
            "# memory section\n"
            "maxmemory 3gb\n"
            "maxmemory-policy noeviction\n"  // back at default: kept, with the default value
            "hz 30\n"
            "\n"  // extra line of a parameter: blanked
            "timeout 0\n"
            "save 20 2\n"
            "bind 127.0.0.1\n"
            "appendonly no\n"
            "rename-command FLUSHALL \"\"\n"  // not a parameter: kept verbatim
            "\n"
            "# Generated by CONFIG REWRITE\n"
            "client-query-buffer-limit 1025kb\n"
            "replica-read-only no\n"
            "requirepass \"a b\\\"c\"\n"
            "save 30 3\n"
            "loglevel warning\n");
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);  // permissions survive the rename
  EXPECT_EQ(std::system(("ls " + tmp_.path() + " | grep -q tmp").c_str()) == 0, false);

  // The rewritten file loads back to the same values.
  ASSERT_TRUE(reg_.LoadFile(path).ok());
  EXPECT_EQ(Value("save"), "10 1 20 2 30 3");
  EXPECT_EQ(requirepass_.Get(), "a b\"c");
  SetLogLevel(LogLevel::kNotice);

  // A second rewrite does not add another signature; removed values blank their lines.
  ASSERT_TRUE(
      reg_.SetAtRuntime({{"save", ""}, {"hz", "10"}, {"requirepass", ""}, {"loglevel", "notice"}})
          .ok());
  ASSERT_TRUE(reg_.Rewrite().ok());
  EXPECT_EQ(ReadFile(path),
            "# top comment\n"
            "port 16931\n"
            "save \"\"\n"
            "\n"
            "# memory section\n"
            "maxmemory 3gb\n"
            "maxmemory-policy noeviction\n"
            "hz 10\n"
            "\n"
            "timeout 0\n"
            "\n"
            "bind 127.0.0.1\n"
            "appendonly no\n"
            "rename-command FLUSHALL \"\"\n"
            "\n"
            "# Generated by CONFIG REWRITE\n"
            "client-query-buffer-limit 1025kb\n"
            "replica-read-only no\n"
            "requirepass \"\"\n"
            "\n"
            "loglevel notice\n");
}

TEST_F(ConfigRegistryTest, RewriteRecreatesMissingFileAndFollowsSymlinks) {
  std::string real = tmp_.Write("real.conf", "port 1\n");
  std::string link = tmp_.path() + "/link.conf";
  ASSERT_EQ(symlink(real.c_str(), link.c_str()), 0);
  ASSERT_TRUE(reg_.LoadFile(link).ok());
  ASSERT_TRUE(reg_.SetAtRuntime({{"port", "2"}, {"maxmemory", "1536"}}).ok());
  ASSERT_TRUE(reg_.Rewrite().ok());
  EXPECT_EQ(ReadFile(real), "port 2\n\n# Generated by CONFIG REWRITE\nmaxmemory 1536\n");
  struct stat st;
  ASSERT_EQ(lstat(link.c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));

  ASSERT_EQ(unlink(real.c_str()), 0);
  ASSERT_EQ(unlink(link.c_str()), 0);
  ASSERT_TRUE(reg_.Rewrite().ok());
  EXPECT_EQ(ReadFile(link), "\n# Generated by CONFIG REWRITE\nport 2\nmaxmemory 1536\n");
}

// ---------------------------------------------------------------------------------------------
// Concurrency smoke test: readers on other threads while CONFIG SET runs.

TEST_F(ConfigRegistryTest, ConcurrentReadersAndWriters) {
  std::atomic<bool> stop{false};
  std::thread reader([&] {
    while (!stop.load()) {
      int64_t v = hz_.load(std::memory_order_relaxed);
      ASSERT_TRUE(v == 10 || v == 20);
      auto got = reg_.Get({"hz", "save"});
      ASSERT_EQ(got.size(), 2u);
      (void)requirepass_.Get();
    }
  });
  for (int i = 0; i < 2000; ++i) {
    ASSERT_TRUE(reg_.SetAtRuntime({{"hz", i % 2 ? "10" : "20"},
                                   {"requirepass", std::to_string(i)},
                                   {"save", i % 2 ? "1 1" : "2 2 3 3"}})
                    .ok());
  }
  stop = true;
  reader.join();
}

}  // namespace
}  // namespace cardinal::config
