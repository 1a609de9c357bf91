// RespValue: a decoded RESP2/RESP3 reply, as a tree.
//
// The server itself never decodes replies; this exists for the places that need to look at reply
// bytes after they were produced: unit and integration tests (asserting on structure rather than
// on raw bytes) and the HTTP API, which runs commands against a capture buffer and converts the
// resulting RESP3 into JSON. It favours fidelity over speed: every RESP2 and RESP3 type is kept
// distinct (a RESP2 "$-1" is not the same as a RESP3 "_"), and doubles keep their exact text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cardinal::protocol {

struct RespValue {
  enum Type {
    kSimple,     // +str
    kError,      // -str, or RESP3 blob error !len
    kInt,        // :integer
    kBulk,       // $len str
    kNull,       // RESP3 _
    kArray,      // *n elems
    kMap,        // RESP3 %n: elems holds 2n values, key, value, key, value...
    kSet,        // RESP3 ~n elems
    kPush,       // RESP3 >n elems
    kDouble,     // RESP3 ,dbl (str holds the text exactly as sent, e.g. "1.1000000000000001")
    kBool,       // RESP3 #t/#f: integer is 1 or 0
    kBigNumber,  // RESP3 (str (decimal digits as sent)
    kVerbatim,   // RESP3 =len format:str (format holds the three-letter format)
    kNullArray,  // RESP2 *-1
    kNullBulk,   // RESP2 $-1
  };

  Type type = kNull;
  std::string str;
  std::string format;
  int64_t integer = 0;
  double dbl = 0;
  std::vector<RespValue> elems;

  // Constructors for building expected values (tests) and synthetic replies.
  static RespValue Of(Type type);  // kNull, kNullBulk, kNullArray, or an empty aggregate.
  static RespValue Simple(std::string s) { return WithStr(kSimple, std::move(s)); }
  static RespValue Error(std::string s) { return WithStr(kError, std::move(s)); }
  static RespValue Bulk(std::string s) { return WithStr(kBulk, std::move(s)); }
  static RespValue BigNumber(std::string s) { return WithStr(kBigNumber, std::move(s)); }
  static RespValue Int(int64_t v);
  static RespValue Bool(bool b);
  // `text` is the wire form (e.g. "1.1000000000000001"); compared by operator== along with `d`.
  static RespValue Double(double d, std::string text);
  static RespValue Verbatim(std::string text, std::string format = "txt");
  static RespValue Aggregate(Type type, std::vector<RespValue> elems);

  // A compact single-line rendering for test failure messages, e.g. `[bulk "a", int 1, null]`.
  std::string DebugString() const;

  // Field-wise; note a kDouble holding NaN never equals anything, as with plain doubles.
  bool operator==(const RespValue&) const = default;

 private:
  static RespValue WithStr(Type type, std::string s);
};

// Decodes one reply from the front of `in` (RESP2 or RESP3; attributes `|` are decoded and
// dropped, streamed aggregates are not supported).
// Returns the value and sets *consumed to its length in bytes, or returns nullopt when `in` holds
// only a prefix of a reply (*consumed untouched; `error`, if given, cleared) or when it is
// malformed (`error`, if given, gets a description). Aggregates may nest at most 512 deep.
std::optional<RespValue> DecodeReply(std::string_view in, size_t* consumed,
                                     std::string* error = nullptr);

}  // namespace cardinal::protocol
