// redis.conf syntax: one directive per line, `keyword arg1 arg2 ...`, '#' comment lines, and
// arguments quoted the way redis-cli and Redis's own config loader quote them. Kept separate from
// the registry so the tokenizer can be tested (and fuzzed) on its own and reused by CONFIG REWRITE,
// which must re-read the old file and write values back with matching quoting.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace cardinal::config {

// Splits one line into arguments with Redis's quoting rules:
//  - arguments are separated by spaces, tabs, CR or LF;
//  - "double quotes" support \n \r \t \b \a, \xHH (two hex digits) and \<any> -> <any>;
//  - 'single quotes' only support \' -> ';
//  - a quote may start in the middle of an argument (foo"bar baz" is one argument: foobar baz),
//    but a closing quote must be followed by a separator or the end of the line.
// Returns std::nullopt on unbalanced quotes. An empty or blank line gives an empty vector.
std::optional<std::vector<std::string>> SplitArgs(std::string_view line);

// Inverse of SplitArgs for one argument, Redis's "repr" form: always double-quoted, with \\ \"
// \n \r \t \a \b escaped and other non-printable bytes as \xhh. SplitArgs(QuoteArg(s)) == {s}.
std::string QuoteArg(std::string_view arg);

// Quotes only when needed (empty, or contains spaces, quotes, backslashes or non-printable
// bytes), so simple values stay readable in rewritten files.
std::string QuoteArgIfNeeded(std::string_view arg);

// One non-blank, non-comment line of a config text.
struct ConfigLine {
  int line_number = 0;            // 1-based, in the text it came from
  std::string text;               // the line with surrounding blanks trimmed, for error messages
  std::vector<std::string> args;  // args[0] is the directive name as written (not lowercased)
};

// Parses a whole config text. Blank lines and lines whose first non-blank character is '#' are
// skipped (a '#' later in a line is NOT a comment, as in Redis). On unbalanced quotes returns
// InvalidArgument with message "Unbalanced quotes in configuration line" and sets *error_line
// (if given) to the 1-based line number and *error_text to the trimmed line.
Status ParseConfigText(std::string_view text, std::vector<ConfigLine>* out,
                       int* error_line = nullptr, std::string* error_text = nullptr);

// Reads a whole file. IOError message: "<strerror(errno)>" (callers add context).
Status ReadFileToString(const std::string& path, std::string* out);

// Trims the blanks Redis trims around config lines (space, tab, CR, LF).
std::string_view TrimBlanks(std::string_view s);

}  // namespace cardinal::config
