// ReplyBuilder implementation.
//
// Integers are formatted by hand rather than with snprintf or fmt: a reply header ("*3", "$5",
// ":42") is emitted for nearly every value the server sends, and a locale-free two-digits-per-step
// conversion into a stack buffer, appended to the output in one call, is several times cheaper than
// a printf-family call that parses a format string on every use.
#include "protocol/reply_builder.h"

#include <cassert>
#include <charconv>
#include <cmath>
#include <cstring>

#include "common/string_util.h"

namespace cardinal::protocol {
namespace {

constexpr std::string_view kCrlf = "\r\n";

}  // namespace

size_t FormatInt64To(int64_t v, char* buf) { return FormatInt64(v, buf); }

size_t FormatDoubleTo(double d, char* buf) {
  // Redis 7.0 special-cases infinities so that every libc prints them the same way.
  if (std::isinf(d)) {
    const std::string_view s = d > 0 ? "inf" : "-inf";
    std::memcpy(buf, s.data(), s.size());
    return s.size();
  }
  if (std::isnan(d)) {
    std::memcpy(buf, "nan", 3);
    return 3;
  }
  // std::to_chars with general format and a precision is specified to produce exactly what
  // printf("%.17g") does in the C locale (Redis 7.0's addReplyDouble), without its locale lookup
  // or format parsing.
  const auto result = std::to_chars(buf, buf + kMaxDoubleChars, d, std::chars_format::general, 17);
  assert(result.ec == std::errc());
  return static_cast<size_t>(result.ptr - buf);
}

std::string FormatDouble(double d) {
  char buf[kMaxDoubleChars];
  return std::string(buf, FormatDoubleTo(d, buf));
}

void ReplyBuilder::SendHeader(char prefix, uint64_t n) {
  char buf[1 + kMaxInt64Chars + 2];
  char* end = buf + sizeof(buf);
  std::memcpy(end - 2, "\r\n", 2);
  char* p = WriteDigitsBackward(n, end - 2);
  *--p = prefix;
  out_->append(p, static_cast<size_t>(end - p));
}

void ReplyBuilder::SendSimple(std::string_view s) {
  out_->push_back('+');
  out_->append(s);
  out_->append(kCrlf);
}

void ReplyBuilder::SendOk() { out_->append("+OK\r\n"); }

void ReplyBuilder::SendError(std::string_view msg) {
  const size_t start = out_->size();
  out_->push_back('-');
  out_->append(msg);
  if (msg.find_first_of(kCrlf) != std::string_view::npos) {
    for (size_t i = start + 1; i < out_->size(); ++i) {
      char& c = (*out_)[i];
      if (c == '\r' || c == '\n') c = ' ';
    }
  }
  out_->append(kCrlf);
}

void ReplyBuilder::SendLong(int64_t v) {
  // 0 and 1 are by far the most common integer replies (EXISTS, SISMEMBER, DEL of one key...).
  if (v == 0) {
    out_->append(":0\r\n");
    return;
  }
  if (v == 1) {
    out_->append(":1\r\n");
    return;
  }
  char buf[1 + kMaxInt64Chars + 1 + 2];
  char* end = buf + sizeof(buf);
  std::memcpy(end - 2, "\r\n", 2);
  const uint64_t magnitude = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  char* p = WriteDigitsBackward(magnitude, end - 2);
  if (v < 0) *--p = '-';
  *--p = ':';
  out_->append(p, static_cast<size_t>(end - p));
}

void ReplyBuilder::SendBulk(std::string_view s) {
  SendHeader('$', s.size());
  out_->append(s);
  out_->append(kCrlf);
}

void ReplyBuilder::SendNull() { out_->append(resp3_ ? "_\r\n" : "$-1\r\n"); }

void ReplyBuilder::SendNullArray() { out_->append(resp3_ ? "_\r\n" : "*-1\r\n"); }

void ReplyBuilder::SendArrayLen(size_t n) {
  if (n == 0) {
    out_->append("*0\r\n");
    return;
  }
  SendHeader('*', n);
}

void ReplyBuilder::SendMapLen(size_t n) {
  if (resp3_) {
    SendHeader('%', n);
  } else {
    SendHeader('*', 2 * static_cast<uint64_t>(n));
  }
}

void ReplyBuilder::SendSetLen(size_t n) { SendHeader(resp3_ ? '~' : '*', n); }

void ReplyBuilder::SendPushLen(size_t n) { SendHeader(resp3_ ? '>' : '*', n); }

void ReplyBuilder::SendDouble(double d) {
  char buf[kMaxDoubleChars];
  const size_t len = FormatDoubleTo(d, buf);
  if (resp3_) {
    out_->push_back(',');
    out_->append(buf, len);
    out_->append(kCrlf);
  } else {
    SendBulk(std::string_view(buf, len));
  }
}

void ReplyBuilder::SendBool(bool b) {
  if (resp3_) {
    out_->append(b ? "#t\r\n" : "#f\r\n");
  } else {
    out_->append(b ? ":1\r\n" : ":0\r\n");
  }
}

void ReplyBuilder::SendBigNumber(std::string_view s) {
  if (resp3_) {
    out_->push_back('(');
    out_->append(s);
    out_->append(kCrlf);
  } else {
    SendBulk(s);
  }
}

void ReplyBuilder::SendVerbatim(std::string_view text, std::string_view format) {
  if (!resp3_) {
    SendBulk(text);
    return;
  }
  assert(format.size() == 3);
  SendHeader('=', text.size() + format.size() + 1);
  out_->append(format);
  out_->push_back(':');
  out_->append(text);
  out_->append(kCrlf);
}

void ReplyBuilder::SendBulks(std::span<const std::string_view> items) {
  // One reservation for the whole array: each element costs its payload plus at most
  // "$" + 20 digits + 2 CRLFs of framing.
  size_t total = 1 + kMaxInt64Chars + 2;
  for (std::string_view item : items) total += item.size() + 1 + kMaxInt64Chars + 4;
  out_->reserve(out_->size() + total);
  SendArrayLen(items.size());
  for (std::string_view item : items) SendBulk(item);
}

}  // namespace cardinal::protocol
