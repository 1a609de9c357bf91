// Glob-style pattern matching with Redis's semantics, shared by KEYS, SCAN MATCH, CONFIG GET and
// (later) PSUBSCRIBE. Patterns come from clients, so the matcher must never take exponential time:
// it runs in O(|pattern| * |str|) time and O(1) space whatever the pattern looks like.
#pragma once

#include <string_view>

namespace cardinal {

// Returns true when `str` matches `pattern` as a whole.
//
// Syntax (Redis compatible):
//   *        any sequence of bytes, including the empty one (runs of '*' act as one)
//   ?        exactly one byte
//   [abc]    one byte from the set; [^abc] one byte not in the set; [a-z] a range (the ends may be
//            given in either order; as in Redis "[a-]" is the range ']'..'a'); inside brackets
//            '\x' stands for the byte x. A '[' without a closing ']' extends the set to the end
//            of the pattern, as in Redis.
//   \x       the byte x literally; a trailing lone '\' matches a '\'.
// The empty string is matched only by "" and "*" (Redis: "**" or "*?" never match it).
// With `nocase`, ASCII letters compare case-insensitively (ranges included). Bytes are compared as
// unsigned chars; no UTF-8 awareness, like Redis.
bool GlobMatch(std::string_view pattern, std::string_view str, bool nocase = false);

// True when `pattern` contains a glob metacharacter ('*', '?', '[' or '\'), i.e. when matching it
// is not a plain (case-sensitive) equality test. Lets callers turn such lookups into hash lookups.
bool GlobHasSpecialChars(std::string_view pattern);

}  // namespace cardinal
