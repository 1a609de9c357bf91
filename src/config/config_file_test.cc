// Tests for the redis.conf tokenizer: quoting rules identical to Redis's loader and redis-cli,
// the repr-style quoting used by CONFIG REWRITE, and line handling.
#include "config/config_file.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cardinal::config {
namespace {

using Args = std::vector<std::string>;

Args Split(std::string_view line) {
  auto r = SplitArgs(line);
  EXPECT_TRUE(r.has_value()) << line;
  return r.value_or(Args{});
}

TEST(SplitArgsTest, PlainWords) {
  EXPECT_EQ(Split(""), Args{});
  EXPECT_EQ(Split("   \t "), Args{});
  EXPECT_EQ(Split("port 6379"), (Args{"port", "6379"}));
  EXPECT_EQ(Split("  save   3600 1\t300 100  "), (Args{"save", "3600", "1", "300", "100"}));
  EXPECT_EQ(Split("a#b # c"), (Args{"a#b", "#", "c"}));  // '#' inside a line is not a comment
}

TEST(SplitArgsTest, DoubleQuotes) {
  EXPECT_EQ(Split("save \"\""), (Args{"save", ""}));
  EXPECT_EQ(Split("requirepass \"a b\""), (Args{"requirepass", "a b"}));
  EXPECT_EQ(Split(R"(x "a\"b\\c")"), (Args{"x", "a\"b\\c"}));
  EXPECT_EQ(Split(R"(x "\n\r\t\b\a\q")"), (Args{"x", "\n\r\t\b\aq"}));
  EXPECT_EQ(Split(R"(x "\x41\x7a\xff")"), (Args{"x", "Az\xff"}));
  EXPECT_EQ(Split(R"(x "\x4")"), (Args{"x", "x4"}));         // not two hex digits: plain escape
  EXPECT_EQ(Split("foo\"bar baz\""), (Args{"foobar baz"}));  // quote inside a word
  EXPECT_EQ(Split("\"a\"\t\"b\""), (Args{"a", "b"}));
}

TEST(SplitArgsTest, SingleQuotes) {
  EXPECT_EQ(Split("x 'a b'"), (Args{"x", "a b"}));
  EXPECT_EQ(Split(R"(x 'it\'s')"), (Args{"x", "it's"}));
  EXPECT_EQ(Split(R"(x 'a\nb')"), (Args{"x", "a\\nb"}));  // no other escapes
  EXPECT_EQ(Split("x ''"), (Args{"x", ""}));
}

TEST(SplitArgsTest, Unbalanced) {
  EXPECT_FALSE(SplitArgs("x \"abc").has_value());
  EXPECT_FALSE(SplitArgs("x 'abc").has_value());
  EXPECT_FALSE(SplitArgs("x \"abc\"def").has_value());  // closing quote must end the word
  EXPECT_FALSE(SplitArgs("x 'abc'def").has_value());
  EXPECT_FALSE(SplitArgs("x \"abc\\").has_value());
}

TEST(QuoteArgTest, ReprForm) {
  EXPECT_EQ(QuoteArg(""), "\"\"");
  EXPECT_EQ(QuoteArg("a b\"c"), R"("a b\"c")");
  EXPECT_EQ(QuoteArg("x\\y\n\r\t\a\b"), R"("x\\y\n\r\t\a\b")");
  EXPECT_EQ(QuoteArg(std::string("\x01\xff", 2)), R"("\x01\xff")");
  for (std::string s : {std::string(""), std::string("a b"), std::string("q\"'\\"),
                        std::string("\x00\x7f\x80 z", 5)}) {
    EXPECT_EQ(Split(QuoteArg(s)), Args{s});
    EXPECT_EQ(Split(QuoteArgIfNeeded(s)), Args{s});
  }
  EXPECT_EQ(QuoteArgIfNeeded("127.0.0.1"), "127.0.0.1");
  EXPECT_EQ(QuoteArgIfNeeded("a b"), "\"a b\"");
  EXPECT_EQ(QuoteArgIfNeeded("it's"), "\"it's\"");
}

TEST(ParseConfigTextTest, SkipsCommentsAndBlanksKeepsLineNumbers) {
  std::vector<ConfigLine> lines;
  ASSERT_TRUE(
      ParseConfigText("# comment\n\n  port 6379  \r\n\t# indented comment\nsave \"\"", &lines)
          .ok());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].line_number, 3);
  EXPECT_EQ(lines[0].text, "port 6379");
  EXPECT_EQ(lines[0].args, (Args{"port", "6379"}));
  EXPECT_EQ(lines[1].line_number, 5);
  EXPECT_EQ(lines[1].args, (Args{"save", ""}));
}

TEST(ParseConfigTextTest, UnbalancedQuotesReportLine) {
  std::vector<ConfigLine> lines;
  int line = 0;
  std::string text;
  Status s = ParseConfigText("port 1\n  \"unterminated  \n", &lines, &line, &text);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "Unbalanced quotes in configuration line");
  EXPECT_EQ(line, 2);
  EXPECT_EQ(text, "\"unterminated");
}

TEST(ParseConfigTextTest, TrimBlanks) {
  EXPECT_EQ(TrimBlanks(" \t a b \r\n"), "a b");
  EXPECT_EQ(TrimBlanks(""), "");
  EXPECT_EQ(TrimBlanks(" \n"), "");
}

}  // namespace
}  // namespace cardinal::config
