// Glob matcher. The classic recursive matcher backtracks into every '*' and is exponential on
// patterns such as "a*a*a*a*b"; this one keeps only the most recent '*' as a restart point. That
// is sufficient because every other token ('?', a literal, a set) consumes exactly one byte: if a
// match exists at all, one exists where the last star absorbs the extra bytes, so earlier stars
// never need to grow again. Each restart advances the string position, so the total work is
// bounded by |pattern| * |str|.
#include "common/glob.h"

#include <cstddef>

namespace cardinal {
namespace {

unsigned char Fold(unsigned char c, bool nocase) {
  if (nocase && c >= 'A' && c <= 'Z') return static_cast<unsigned char>(c - 'A' + 'a');
  return c;
}

// Matches the single-byte token starting at pattern[p] (not '*') against byte `c`. Sets `next` to
// the index just past the token. Returns whether the byte is accepted.
bool MatchOne(std::string_view pattern, size_t p, unsigned char c, bool nocase, size_t* next) {
  const size_t n = pattern.size();
  const unsigned char pc = static_cast<unsigned char>(pattern[p]);
  if (pc == '?') {
    *next = p + 1;
    return true;
  }
  if (pc == '\\' && p + 1 < n) {
    *next = p + 2;
    return Fold(static_cast<unsigned char>(pattern[p + 1]), nocase) == Fold(c, nocase);
  }
  if (pc != '[') {
    *next = p + 1;
    return Fold(pc, nocase) == Fold(c, nocase);
  }
  // Character set. Scan to the closing ']' (or the end of the pattern) in one pass, testing the
  // byte along the way.
  size_t i = p + 1;
  bool negate = false;
  if (i < n && pattern[i] == '^') {
    negate = true;
    ++i;
  }
  const unsigned char fc = Fold(c, nocase);
  bool found = false;
  while (i < n && pattern[i] != ']') {
    if (pattern[i] == '\\' && i + 1 < n) {
      if (Fold(static_cast<unsigned char>(pattern[i + 1]), nocase) == fc) found = true;
      i += 2;
    } else if (i + 2 < n && pattern[i + 1] == '-') {
      // As in Redis, the range end is taken literally even when it is ']' ("[a-]" is the range
      // ']'..'a', and the set then continues to the next ']').
      unsigned char lo = Fold(static_cast<unsigned char>(pattern[i]), nocase);
      unsigned char hi = Fold(static_cast<unsigned char>(pattern[i + 2]), nocase);
      if (lo > hi) {
        unsigned char t = lo;
        lo = hi;
        hi = t;
      }
      if (fc >= lo && fc <= hi) found = true;
      i += 3;
    } else {
      if (Fold(static_cast<unsigned char>(pattern[i]), nocase) == fc) found = true;
      ++i;
    }
  }
  *next = i < n ? i + 1 : n;  // past ']', or the end for an unterminated set
  return found != negate;
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view str, bool nocase) {
  const size_t np = pattern.size();
  const size_t ns = str.size();
  size_t p = 0;
  size_t s = 0;
  // Restart point: pattern index just after the last '*' seen, and the string index that star
  // currently stops at. npos means no star yet, so a mismatch is final.
  size_t star_p = std::string_view::npos;
  size_t star_s = 0;
  // Redis quirk kept for compatibility: a non-empty pattern never matches the empty string
  // ("**" does not match ""), except the lone "*" that KEYS and SCAN treat as "everything".
  if (ns == 0) return np == 0 || pattern == "*";
  while (s < ns) {
    if (p < np && pattern[p] == '*') {
      while (p < np && pattern[p] == '*') ++p;
      if (p == np) return true;  // a trailing star swallows the rest
      star_p = p;
      star_s = s;
      continue;
    }
    size_t next = 0;
    if (p < np && MatchOne(pattern, p, static_cast<unsigned char>(str[s]), nocase, &next)) {
      p = next;
      ++s;
      continue;
    }
    if (star_p == std::string_view::npos) return false;
    // Let the last star absorb one more byte and retry the rest of the pattern from there.
    p = star_p;
    s = ++star_s;
  }
  // The string is consumed; only stars may remain.
  while (p < np && pattern[p] == '*') ++p;
  return p == np;
}

bool GlobHasSpecialChars(std::string_view pattern) {
  return pattern.find_first_of("*?[\\") != std::string_view::npos;
}

}  // namespace cardinal
