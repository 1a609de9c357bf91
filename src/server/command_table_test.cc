// Guards the command table: every registered command carries complete metadata and is exercised
// by at least one test (unit test beside the code, or a Python integration/differential test).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "commands/families.h"
#include "common/string_util.h"
#include "server/families.h"

namespace cardinal::server {
namespace {

using commands::Command;
using commands::CommandRegistry;

CommandRegistry& Registry() {
  static CommandRegistry* r = [] {
    auto* reg = new CommandRegistry();
    commands::RegisterAllFamilies(reg);
    RegisterServerFamilies(reg);
    return reg;
  }();
  return *r;
}

void CheckMetadata(const Command& c) {
  SCOPED_TRACE(c.full_name());
  const auto& s = c.spec();
  EXPECT_FALSE(s.name.empty());
  EXPECT_NE(s.arity, 0);
  EXPECT_FALSE(s.summary.empty());
  EXPECT_FALSE(s.since.empty());
  EXPECT_FALSE(s.complexity.empty());
  EXPECT_FALSE((c.parent() ? c.parent()->spec().group : s.group).empty());
  EXPECT_TRUE(s.handler != nullptr || c.has_subcommands());
  // Names are stored lower case: COMMAND reports them that way and lookup lower-cases input.
  for (char ch : s.name) EXPECT_FALSE(ch >= 'A' && ch <= 'Z');
  // Write commands must declare whether they can grow memory or not; read-only ones must not
  // also be writes.
  EXPECT_FALSE((s.flags & commands::kWrite) && (s.flags & commands::kReadOnly));
  if (s.keys.first > 0) {
    EXPECT_GT(s.keys.step, 0);
    EXPECT_TRUE(s.keys.last < 0 || s.keys.last >= s.keys.first);
    // A key argument must exist within the minimum arity.
    int min_args = s.arity > 0 ? s.arity : -s.arity;
    EXPECT_LT(s.keys.first, min_args);
  } else {
    EXPECT_EQ(s.keys.last, 0);
    EXPECT_EQ(s.keys.step, 0);
  }
}

TEST(CommandTable, EveryCommandHasMetadata) {
  ASSERT_GT(Registry().all().size(), 50u);
  for (const auto& c : Registry().all()) {
    CheckMetadata(*c);
    for (const auto& sub : c->subcommands()) CheckMetadata(*sub);
  }
}

TEST(CommandTable, LookupIsCaseInsensitive) {
  EXPECT_NE(Registry().Find("GET"), nullptr);
  EXPECT_EQ(Registry().Find("GET"), Registry().Find("get"));
  EXPECT_EQ(Registry().Find("GeT"), Registry().Find("get"));
  EXPECT_EQ(Registry().Find("nosuchcommand"), nullptr);
  EXPECT_EQ(Registry().Find(std::string(100, 'g')), nullptr);
}

TEST(CommandTable, KeyIndexes) {
  const Command* mset = Registry().Find("mset");
  std::vector<std::string_view> args = {"mset", "a", "1", "b", "2"};
  EXPECT_EQ(mset->KeyIndexes(args), (std::vector<int>{1, 3}));
  const Command* get = Registry().Find("get");
  std::vector<std::string_view> gargs = {"get", "k"};
  EXPECT_EQ(get->KeyIndexes(gargs), (std::vector<int>{1}));
}

// Reads every test source once.
std::string AllTestSources() {
  std::string all;
  namespace fs = std::filesystem;
  fs::path root(CARDINAL_SOURCE_DIR);
  for (const char* dir : {"src", "tests"}) {
    for (auto& e : fs::recursive_directory_iterator(root / dir)) {
      if (!e.is_regular_file()) continue;
      std::string name = e.path().filename().string();
      bool is_test = (name.size() > 8 && name.ends_with("_test.cc")) ||
                     (name.starts_with("test_") && name.ends_with(".py"));
      if (!is_test || name == "command_table_test.cc") continue;
      std::ifstream f(e.path());
      std::stringstream ss;
      ss << f.rdbuf();
      all += ss.str();
      all += '\n';
    }
  }
  for (auto& ch : all) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return all;
}

TEST(CommandTable, EveryCommandIsMentionedInATest) {
  std::string sources = AllTestSources();
  ASSERT_FALSE(sources.empty());
  for (const auto& c : Registry().all()) {
    std::string name(c->name());
    // The name as a whole word inside a string literal or argument list: "get", 'get', "GET ...
    std::regex word("[\"' (]" + std::regex_replace(name, std::regex("-"), "\\-") + "[\"' ,)]");
    EXPECT_TRUE(std::regex_search(sources, word)) << "no test mentions command " << name;
  }
}

}  // namespace
}  // namespace cardinal::server
