// Number parsing/formatting and ASCII case helpers whose exact behaviour is visible to clients.
//
// Redis clients depend on byte-exact answers: which argument strings are accepted as integers
// or floats, which error a malformed one produces, and how INCRBYFLOAT prints its result. Every
// rule here was checked against redis-server 7.0.15 (see string_util_test.cc, which encodes the
// observed answers). All functions are locale-independent, throw nothing, and allocate only when
// they return a std::string, so they are safe on the command hot path.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cardinal {

// Longest text Redis accepts as a long double (INCRBYFLOAT, HINCRBYFLOAT, blocking timeouts):
// inputs of this many bytes or more are rejected outright.
inline constexpr size_t kMaxLongDoubleChars = 5 * 1024;

// Buffer size FormatInt64 needs: "-9223372036854775808" is 20 bytes, plus one to spare for a NUL.
inline constexpr size_t kInt64BufSize = 21;

// Strict decimal int64, the rule behind every integer argument (INCRBY, EXPIRE, SETRANGE, ...)
// and reply "ERR value is not an integer or out of range" on failure. Accepts exactly the
// canonical spellings: optional '-', then "0" alone or a digit 1-9 followed by digits, within
// range. Rejects empty, '+', "-0", leading zeros, any whitespace, embedded NUL, trailing bytes.
bool ParseInt64(std::string_view s, int64_t* out);

// Strict decimal uint64 with the same canonical rules (no sign at all). For our own unsigned
// arguments; NOT what Redis uses for SCAN cursors (see ParseScanCursor).
bool ParseUint64(std::string_view s, uint64_t* out);

// SCAN/HSCAN/SSCAN/ZSCAN cursor, which Redis 7.0 parses with C strtoul: "+1", "01", "-1"
// (= 2^64-1, negation wraps), "" (= 0) and anything after an embedded NUL are all accepted.
// Rejected: a leading whitespace byte, no digits after a sign, trailing bytes, values past
// 2^64-1 in magnitude. Failure reply: "ERR invalid cursor".
bool ParseScanCursor(std::string_view s, uint64_t* out);

// Whether SET would store `s` with Redis's "int" encoding (OBJECT ENCODING -> int). Guarantees
// that formatting *out reproduces `s` byte for byte, so a GET of the integer form is exact.
bool ValueIsCanonicalInt64(std::string_view s, int64_t* out);

// Writes the decimal form of v into buf (at least kInt64BufSize bytes, no NUL written) and
// returns its length.
size_t FormatInt64(int64_t v, char* buf);
// Writes the decimal digits of `v` so that they end just before `end` (two digits per step, no
// division per digit) and returns a pointer to the first digit. The reply builder writes RESP
// length headers in place with it.
char* WriteDigitsBackward(uint64_t v, char* end);
std::string Int64ToString(int64_t v);

// Redis's long double parsing (INCRBYFLOAT/HINCRBYFLOAT arguments and stored values); failure
// reply is "ERR value is not a valid float" (HINCRBYFLOAT on a bad stored value: "ERR hash value
// is not a float"). strtold semantics in the C locale: decimal, hex ("0x1p4"), leading '+',
// "inf"/"infinity" in any case. Rejects empty, length >= kMaxLongDoubleChars, leading
// whitespace, trailing bytes or embedded NUL, NaN, overflow to +-inf, underflow to zero
// (underflow to a nonzero subnormal is accepted).
bool ParseLongDouble(std::string_view s, long double* out);

// The text INCRBYFLOAT stores and replies: printf "%.17Lf" (17 digits after the point, rounded
// half to even), then trailing zeros and a trailing '.' are stripped, and "-0" becomes "0".
// Large values print in full ("1e300" -> 301 digits). Callers must reject NaN/inf results first
// (INCRBYFLOAT: "ERR increment would produce NaN or Infinity"; HINCRBYFLOAT: "ERR value is NaN
// or Infinity"); for them this returns "nan"/"inf"/"-inf".
std::string FormatLongDoubleHuman(long double v);

// Redis's double parsing (ZADD/ZINCRBY scores): strtod semantics, same rules as ParseLongDouble
// but with no length limit. Accepts "inf", "+inf", "-inf", "Infinity"; rejects NaN. Failure
// reply: "ERR value is not a valid float".
bool ParseDouble(std::string_view s, double* out);

// Blocking-command timeout in seconds (BLPOP, BRPOP, BLMOVE, BZPOPMIN, ...), converted to
// milliseconds rounded up: 0.0001 -> 1 ms, -0.0001 -> 0. *timeout_ms == 0 means block forever.
// On failure *error is the complete reply text:
//   "ERR timeout is not a float or out of range" when ParseLongDouble fails (incl. NaN);
//   "ERR timeout is negative" when the millisecond value is < 0, and also (Redis 7.0 quirk) for
//   "inf" and anything >= 2^63 ms, which Redis converts to a negative integer.
// The caller turns it into a deadline; Redis 7.0 does not reject now + timeout overflowing, so
// saturate at INT64_MAX (practically "forever") rather than erroring.
bool ParseTimeoutSeconds(std::string_view s, int64_t* timeout_ms, std::string* error);

// ASCII-only case helpers for command names and keywords; bytes >= 0x80 are left untouched.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
void ToLowerAscii(std::string* s);
std::string ToUpperAscii(std::string_view s);

// The space-separated words of `s` (runs of spaces separate; no quoting), as views into it:
// `save` rules, manifest lines.
std::vector<std::string_view> SplitSpaces(std::string_view s);

}  // namespace cardinal
