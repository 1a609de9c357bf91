// ReplyBuilder: serialises command replies as RESP2 or RESP3 bytes.
//
// Command code describes a reply in terms of RESP3 types (map, set, double, boolean, null, ...)
// and the builder degrades them to their RESP2 encodings when the client has not sent HELLO 3,
// exactly as Redis 7.0 does, so command implementations never branch on the protocol version.
//
// The builder appends to a caller-owned std::string (the connection's output buffer, or a capture
// buffer for MULTI/EXEC and the HTTP API) and keeps no other state, so switching targets with
// set_out() is free. Every reply of every command passes through here, so the common replies are
// constant appends and integers are formatted by hand (see reply_builder.cc).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace cardinal::protocol {

// The textual form Redis 7.0 gives a double reply (ZSCORE, ZINCRBY, ZADD INCR, ...): printf's
// "%.17g", i.e. 17 significant digits, which round-trips every double but is not the shortest form
// (1.1 -> "1.1000000000000001", 0.1 -> "0.10000000000000001", 3 -> "3", -0.0 -> "-0",
// 1e300 -> "1.0000000000000001e+300", 1e-5 -> "1.0000000000000001e-05"). Infinities are "inf" and
// "-inf"; NaN (which Redis never replies with) is "nan". Locale-independent.
std::string FormatDouble(double d);

// Writes FormatDouble(d) to `buf`, which must hold at least kMaxDoubleChars bytes; returns the
// length. No allocation.
inline constexpr size_t kMaxDoubleChars = 32;
size_t FormatDoubleTo(double d, char* buf);

// Writes the decimal form of `v` to `buf` (at least kMaxInt64Chars bytes); returns the length.
inline constexpr size_t kMaxInt64Chars = 20;
size_t FormatInt64To(int64_t v, char* buf);

class ReplyBuilder {
 public:
  // `out` must outlive the builder (or be replaced with set_out() first). Starts in RESP2.
  explicit ReplyBuilder(std::string* out) : out_(out) {}

  void set_out(std::string* out) { out_ = out; }
  std::string* out() const { return out_; }
  void set_resp3(bool resp3) { resp3_ = resp3; }
  bool resp3() const { return resp3_; }

  // +s. `s` must not contain CR or LF (status texts are fixed strings chosen by the server).
  void SendSimple(std::string_view s);
  // +OK
  void SendOk();
  // -msg. `msg` is the complete error text including its code, without the leading '-'
  // ("ERR syntax error", "WRONGTYPE Operation against ..."). Any CR or LF in it (e.g. from echoed
  // user input) becomes a space, as in Redis, so the reply is always a single line.
  void SendError(std::string_view msg);
  // :v
  void SendLong(int64_t v);
  // $len\r\ns\r\n (binary-safe).
  void SendBulk(std::string_view s);
  // A missing value (GET of an absent key). RESP2 $-1, RESP3 _.
  void SendNull();
  // A missing aggregate (BLPOP timeout, EXEC abort). RESP2 *-1, RESP3 _.
  void SendNullArray();
  // Aggregate headers: the caller then sends exactly n elements (2n for a map: key, value, ...).
  void SendArrayLen(size_t n);  // *n
  void SendMapLen(size_t n);    // RESP3 %n; RESP2 *2n
  void SendSetLen(size_t n);    // RESP3 ~n; RESP2 *n
  void SendPushLen(size_t n);   // RESP3 >n; RESP2 *n (pub/sub messages)
  // RESP3 ,<FormatDouble(d)>; RESP2 a bulk string of the same text.
  void SendDouble(double d);
  // RESP3 #t / #f; RESP2 :1 / :0.
  void SendBool(bool b);
  // `s` is a decimal integer of any size. RESP3 (s; RESP2 bulk.
  void SendBigNumber(std::string_view s);
  // Human-readable text (INFO, LATENCY DOCTOR...). RESP3 =len\r\nfmt:text; RESP2 bulk of `text`.
  // `format` must be exactly three characters ("txt" or "mkd").
  void SendVerbatim(std::string_view text, std::string_view format = "txt");
  // An array of bulk strings.
  void SendBulks(std::span<const std::string_view> items);

  // Bytes currently in the output string (not only those appended by this builder).
  size_t size() const { return out_->size(); }

 private:
  // Appends "<prefix><n>\r\n".
  void SendHeader(char prefix, uint64_t n);

  std::string* out_;
  bool resp3_ = false;
};

}  // namespace cardinal::protocol
