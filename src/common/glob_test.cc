// Tests for GlobMatch: Redis's pattern semantics, case folding, and the guarantee that hostile
// patterns finish in polynomial time.
#include "common/glob.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace cardinal {
namespace {

TEST(GlobTest, Literals) {
  EXPECT_TRUE(GlobMatch("", ""));
  EXPECT_FALSE(GlobMatch("", "a"));
  EXPECT_FALSE(GlobMatch("a", ""));
  EXPECT_TRUE(GlobMatch("hello", "hello"));
  EXPECT_FALSE(GlobMatch("hello", "hell"));
  EXPECT_FALSE(GlobMatch("hello", "helloo"));
  EXPECT_FALSE(GlobMatch("Hello", "hello"));
  EXPECT_TRUE(GlobMatch("Hello", "hELLO", /*nocase=*/true));
}

TEST(GlobTest, Star) {
  EXPECT_TRUE(GlobMatch("*", ""));
  EXPECT_FALSE(GlobMatch("**", ""));  // Redis: only "" and the lone "*" match the empty string
  EXPECT_FALSE(GlobMatch("?", ""));
  EXPECT_TRUE(GlobMatch("a*", "a"));
  EXPECT_TRUE(GlobMatch("a**", "a"));
  EXPECT_TRUE(GlobMatch("*", "anything"));
  EXPECT_TRUE(GlobMatch("**", "x"));
  EXPECT_TRUE(GlobMatch("h*o", "hello"));
  EXPECT_TRUE(GlobMatch("h*o", "ho"));
  EXPECT_FALSE(GlobMatch("h*o", "hellx"));
  EXPECT_TRUE(GlobMatch("*llo", "hello"));
  EXPECT_TRUE(GlobMatch("he*", "hello"));
  EXPECT_TRUE(GlobMatch("*l*l*", "hello"));
  EXPECT_FALSE(GlobMatch("*l*l*l*", "hello"));
  EXPECT_TRUE(GlobMatch("a*b*c", "aXbYbZc"));
  EXPECT_TRUE(GlobMatch("user:*:name", "user:1000:name"));
  EXPECT_FALSE(GlobMatch("user:*:name", "user:1000:age"));
}

TEST(GlobTest, QuestionMark) {
  EXPECT_TRUE(GlobMatch("h?llo", "hello"));
  EXPECT_TRUE(GlobMatch("h?llo", "hallo"));
  EXPECT_FALSE(GlobMatch("h?llo", "hllo"));
  EXPECT_TRUE(GlobMatch("???", "abc"));
  EXPECT_FALSE(GlobMatch("???", "ab"));
  EXPECT_TRUE(GlobMatch("*?", "a"));
  EXPECT_FALSE(GlobMatch("*?", ""));
}

TEST(GlobTest, Sets) {
  EXPECT_TRUE(GlobMatch("h[ae]llo", "hello"));
  EXPECT_TRUE(GlobMatch("h[ae]llo", "hallo"));
  EXPECT_FALSE(GlobMatch("h[ae]llo", "hillo"));
  EXPECT_TRUE(GlobMatch("h[^e]llo", "hallo"));
  EXPECT_FALSE(GlobMatch("h[^e]llo", "hello"));
  EXPECT_TRUE(GlobMatch("h[a-b]llo", "hbllo"));
  EXPECT_FALSE(GlobMatch("h[a-b]llo", "hcllo"));
  EXPECT_TRUE(GlobMatch("[z-a]", "m"));  // reversed range
  EXPECT_TRUE(GlobMatch("[0-9][0-9]", "42"));
  EXPECT_FALSE(GlobMatch("[0-9]", "x"));
  EXPECT_TRUE(GlobMatch("[\\]]", "]"));  // escaped ']' inside a set
  EXPECT_TRUE(GlobMatch("[\\-]", "-"));
  // Redis reads "[a-]" as the range ']'..'a' followed by an unterminated set.
  EXPECT_TRUE(GlobMatch("[a-]", "a"));
  EXPECT_TRUE(GlobMatch("[a-]", "^"));
  EXPECT_TRUE(GlobMatch("[a-]", "]"));
  EXPECT_FALSE(GlobMatch("[a-]", "-"));
  EXPECT_TRUE(GlobMatch("[-a]", "-"));  // a leading '-' is literal
  EXPECT_FALSE(GlobMatch("[]", "a"));   // empty set matches nothing
  EXPECT_TRUE(GlobMatch("[^]", "a"));   // negated empty set matches anything
  EXPECT_TRUE(GlobMatch("[A-C]", "b", /*nocase=*/true));
  EXPECT_TRUE(GlobMatch("[a-c]", "B", /*nocase=*/true));
  EXPECT_FALSE(GlobMatch("[a-c]", "B"));
}

TEST(GlobTest, UnterminatedSetExtendsToEnd) {
  EXPECT_TRUE(GlobMatch("a[bc", "ab"));
  EXPECT_TRUE(GlobMatch("a[bc", "ac"));
  EXPECT_FALSE(GlobMatch("a[bc", "abc"));
  EXPECT_FALSE(GlobMatch("a[", "a"));
}

TEST(GlobTest, Escapes) {
  EXPECT_TRUE(GlobMatch("\\*", "*"));
  EXPECT_FALSE(GlobMatch("\\*", "a"));
  EXPECT_TRUE(GlobMatch("a\\?c", "a?c"));
  EXPECT_FALSE(GlobMatch("a\\?c", "abc"));
  EXPECT_TRUE(GlobMatch("\\[x]", "[x]"));
  EXPECT_TRUE(GlobMatch("a\\", "a\\"));  // trailing backslash is literal
  EXPECT_TRUE(GlobMatch("\\a", "a"));
}

TEST(GlobTest, BinarySafe) {
  std::string s("a\0b", 3);
  EXPECT_TRUE(GlobMatch(std::string("a\0b", 3), s));
  EXPECT_TRUE(GlobMatch("a?b", s));
  EXPECT_TRUE(GlobMatch("*\xff", "x\xff"));
  EXPECT_TRUE(GlobMatch("[\x80-\xff]", "\xc3"));
}

TEST(GlobTest, HasSpecialChars) {
  EXPECT_FALSE(GlobHasSpecialChars("maxmemory"));
  EXPECT_TRUE(GlobHasSpecialChars("max*"));
  EXPECT_TRUE(GlobHasSpecialChars("a?"));
  EXPECT_TRUE(GlobHasSpecialChars("[a]"));
  EXPECT_TRUE(GlobHasSpecialChars("a\\b"));
}

TEST(GlobTest, PathologicalPatternsArePolynomial) {
  // A naive backtracking matcher needs ~C(len, stars) steps here: astronomically many.
  std::string str(20000, 'a');
  std::string pattern;
  for (int i = 0; i < 30; ++i) pattern += "a*";
  pattern += "b";
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(GlobMatch(pattern, str));
  EXPECT_FALSE(GlobMatch("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", str));
  EXPECT_FALSE(GlobMatch("*[a]*[a]*?*?*?*?*?*?*?*?*?*?*c", str));
  EXPECT_TRUE(GlobMatch(pattern.substr(0, pattern.size() - 1), str));
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed, std::chrono::seconds(2));
}

}  // namespace
}  // namespace cardinal
