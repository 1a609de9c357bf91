// Implementation of the client-visible number rules declared in string_util.h. Integer parsing
// and formatting are hand-written (they run for nearly every command); float parsing defers to
// glibc's strtod_l/strtold_l in a private "C" locale because Redis uses strtod/strtold, and
// matching their rounding, hex and inf/nan handling bit for bit is easiest by calling them.
#include "common/string_util.h"

#include <locale.h>
#include <stdlib.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

namespace cardinal {
namespace {

// The C library's isspace() in the "C" locale, without consulting the process locale.
constexpr bool IsCSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

constexpr bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Parses a non-empty run of digits with no leading zero (unless it is exactly "0") into a
// magnitude no larger than `limit`. Shared by the signed and unsigned strict parsers.
bool ParseCanonicalMagnitude(std::string_view digits, uint64_t limit, uint64_t* out) {
  if (digits.empty()) return false;
  if (digits[0] == '0') {
    if (digits.size() != 1) return false;
    *out = 0;
    return true;
  }
  uint64_t v = 0;
  for (char c : digits) {
    if (!IsDigit(c)) return false;
    uint64_t d = static_cast<uint64_t>(c - '0');
    // Checked before multiplying so the arithmetic itself never wraps.
    if (v > (limit - d) / 10) return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

// One locale object for the whole process: strto*_l with it ignores whatever setlocale() the
// embedding program may have called, so "1.5" never turns into "1,5" under a foreign locale.
locale_t CLocale() {
  static const locale_t loc = newlocale(LC_ALL_MASK, "C", static_cast<locale_t>(0));
  return loc;
}

// Redis's shared acceptance rule for strtod/strtold results: the whole input consumed (so an
// embedded NUL fails), no leading whitespace (strtod would skip it), no NaN, and an ERANGE only
// tolerated when the result is a nonzero finite value (i.e. a subnormal).
template <typename T>
bool AcceptFloatResult(std::string_view s, const char* buf, const char* end, T v, int err) {
  if (IsCSpace(s[0])) return false;
  if (static_cast<size_t>(end - buf) != s.size()) return false;
  if (std::isnan(v)) return false;
  if (err == ERANGE && (std::isinf(v) || v == 0)) return false;
  return true;
}

// Sized for the long double limit so both float parsers share a stack buffer on the common
// path; only ParseDouble ever sees longer inputs.
constexpr size_t kFloatBufSize = kMaxLongDoubleChars;

constexpr char kDigitPairs[] =
    "00010203040506070809"
    "10111213141516171819"
    "20212223242526272829"
    "30313233343536373839"
    "40414243444546474849"
    "50515253545556575859"
    "60616263646566676869"
    "70717273747576777879"
    "80818283848586878889"
    "90919293949596979899";

}  // namespace

bool ParseInt64(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  bool negative = s[0] == '-';
  if (negative) s.remove_prefix(1);
  // "-0" is not canonical: the magnitude after '-' must start with 1-9.
  if (negative && !s.empty() && s[0] == '0') return false;
  constexpr uint64_t kMaxPositive = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  uint64_t magnitude;
  if (!ParseCanonicalMagnitude(s, negative ? kMaxPositive + 1 : kMaxPositive, &magnitude)) {
    return false;
  }
  // Negate in unsigned arithmetic so INT64_MIN's magnitude (2^63) converts without overflow.
  *out = negative ? static_cast<int64_t>(0 - magnitude) : static_cast<int64_t>(magnitude);
  return true;
}

bool ParseUint64(std::string_view s, uint64_t* out) {
  return ParseCanonicalMagnitude(s, std::numeric_limits<uint64_t>::max(), out);
}

bool ParseScanCursor(std::string_view s, uint64_t* out) {
  // Redis hands the argument to strtoul as a C string, so the first NUL ends it.
  size_t nul = s.find('\0');
  if (nul != std::string_view::npos) s = s.substr(0, nul);
  if (s.empty()) {  // strtoul converts nothing and stops on the terminator: cursor 0.
    *out = 0;
    return true;
  }
  if (IsCSpace(s[0])) return false;
  size_t i = 0;
  bool negative = false;
  if (s[0] == '+' || s[0] == '-') {
    negative = s[0] == '-';
    i = 1;
  }
  // A sign with no digits is "no conversion": strtoul points back at the sign, which is not the
  // terminator, so Redis rejects it.
  if (i == s.size() || !IsDigit(s[i])) return false;
  uint64_t v = 0;
  for (; i < s.size(); ++i) {
    if (!IsDigit(s[i])) return false;
    uint64_t d = static_cast<uint64_t>(s[i] - '0');
    if (v > (std::numeric_limits<uint64_t>::max() - d) / 10) return false;  // ERANGE
    v = v * 10 + d;
  }
  *out = negative ? 0 - v : v;  // strtoul negates in unsigned arithmetic: "-1" is 2^64-1.
  return true;
}

bool ValueIsCanonicalInt64(std::string_view s, int64_t* out) {
  // ParseInt64 accepts only the exact text FormatInt64 produces (at most 20 bytes), so success
  // here is both Redis's int-encoding test and the round-trip guarantee.
  return s.size() <= 20 && ParseInt64(s, out);
}

char* WriteDigitsBackward(uint64_t u, char* p) {
  while (u >= 100) {
    size_t pair = static_cast<size_t>(u % 100) * 2;
    u /= 100;
    *--p = kDigitPairs[pair + 1];
    *--p = kDigitPairs[pair];
  }
  if (u >= 10) {
    size_t pair = static_cast<size_t>(u) * 2;
    *--p = kDigitPairs[pair + 1];
    *--p = kDigitPairs[pair];
  } else {
    *--p = static_cast<char>('0' + u);
  }
  return p;
}

size_t FormatInt64(int64_t v, char* buf) {
  uint64_t u = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  // Build right to left in a scratch area, then copy once: avoids counting digits up front.
  char tmp[kInt64BufSize];
  char* p = WriteDigitsBackward(u, tmp + sizeof(tmp));
  if (v < 0) *--p = '-';
  size_t len = static_cast<size_t>(tmp + sizeof(tmp) - p);
  std::memcpy(buf, p, len);
  return len;
}

std::string Int64ToString(int64_t v) {
  char buf[kInt64BufSize];
  return std::string(buf, FormatInt64(v, buf));
}

bool ParseLongDouble(std::string_view s, long double* out) {
  if (s.empty() || s.size() >= kMaxLongDoubleChars) return false;
  char buf[kFloatBufSize];
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = '\0';
  char* end;
  errno = 0;
  long double v = strtold_l(buf, &end, CLocale());
  if (!AcceptFloatResult(s, buf, end, v, errno)) return false;
  *out = v;
  return true;
}

bool ParseDouble(std::string_view s, double* out) {
  if (s.empty()) return false;
  char stack_buf[kFloatBufSize];
  // Redis sets no length limit here; giant inputs (e.g. thousands of leading zeros) are legal
  // but never hot, so they alone pay for a heap copy.
  std::string heap_buf;
  char* buf = stack_buf;
  if (s.size() >= sizeof(stack_buf)) {
    heap_buf.assign(s);
    buf = heap_buf.data();
  } else {
    std::memcpy(buf, s.data(), s.size());
    buf[s.size()] = '\0';
  }
  char* end;
  errno = 0;
  double v = strtod_l(buf, &end, CLocale());
  if (!AcceptFloatResult(s, buf, end, v, errno)) return false;
  *out = v;
  return true;
}

std::string FormatLongDoubleHuman(long double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  // LDBL_MAX needs 4933 integer digits + '.' + 17 decimals; the buffer covers any finite value.
  char buf[kMaxLongDoubleChars];
  auto res = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed, 17);
  if (res.ec != std::errc()) return std::string();  // Unreachable for finite values.
  size_t len = static_cast<size_t>(res.ptr - buf);
  // Fixed notation with precision 17 always has a '.', so stripping stops at it at the latest.
  while (buf[len - 1] == '0') --len;
  if (buf[len - 1] == '.') --len;
  // Values in (-5e-18, 0] print as "-0.000..."; Redis reports them as plain "0".
  if (len == 2 && buf[0] == '-' && buf[1] == '0') return "0";
  return std::string(buf, len);
}

bool ParseTimeoutSeconds(std::string_view s, int64_t* timeout_ms, std::string* error) {
  long double seconds;
  if (!ParseLongDouble(s, &seconds)) {
    *error = "ERR timeout is not a float or out of range";
    return false;
  }
  long double ms = std::ceil(seconds * 1000.0L);
  // Redis converts with a plain cast; on x86-64 every out-of-range value (including +inf)
  // becomes INT64_MIN and so reports "negative". Reproduce that without the undefined cast.
  constexpr long double kTwoTo63 = 9223372036854775808.0L;
  if (!(ms < kTwoTo63) || ms < 0) {
    *error = "ERR timeout is negative";
    return false;
  }
  *timeout_ms = static_cast<int64_t>(ms);  // ceil(-0.x) is -0.0 here, which casts to 0.
  return true;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x == y) continue;
    // Fold only A-Z/a-z; (x | 0x20) equality alone would also pair '@' with '`' and so on.
    char lx = (x >= 'A' && x <= 'Z') ? static_cast<char>(x | 0x20) : x;
    char ly = (y >= 'A' && y <= 'Z') ? static_cast<char>(y | 0x20) : y;
    if (lx != ly) return false;
  }
  return true;
}

void ToLowerAscii(std::string* s) {
  for (char& c : *s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c | 0x20);
  }
}

std::string ToUpperAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c & ~0x20);
  }
  return out;
}

std::vector<std::string_view> SplitSpaces(std::string_view s) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') i++;
    size_t j = i;
    while (j < s.size() && s[j] != ' ') j++;
    if (j > i) words.push_back(s.substr(i, j - i));
    i = j;
  }
  return words;
}

}  // namespace cardinal
