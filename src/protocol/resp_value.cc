// RESP reply decoder. A straightforward recursive-descent reader: replies are produced by our own
// server, so clarity matters more than speed, but it still refuses to trust claimed lengths and
// counts (it never allocates by them) because the HTTP API may feed it arbitrary captured bytes.
#include "protocol/resp_value.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "protocol/resp_parser.h"

namespace cardinal::protocol {
namespace {

constexpr int kMaxDepth = 512;

enum class Status { kOk, kIncomplete, kMalformed };

class Decoder {
 public:
  explicit Decoder(std::string_view in) : in_(in) {}

  Status Decode(RespValue* out, int depth);
  size_t pos() const { return pos_; }
  const std::string& error() const { return error_; }

 private:
  Status Malformed(std::string msg) {
    error_ = std::move(msg);
    return Status::kMalformed;
  }
  // Reads the rest of a line ending in CRLF into *line, advancing past the CRLF.
  Status ReadLine(std::string_view* line);
  Status ReadLength(int64_t* len);
  // Reads `len` payload bytes followed by CRLF.
  Status ReadPayload(int64_t len, std::string_view* payload);
  Status ReadElements(size_t count, RespValue* out, int depth);

  std::string_view in_;
  size_t pos_ = 0;
  std::string error_;
};

Status Decoder::ReadLine(std::string_view* line) {
  const size_t cr = in_.find('\r', pos_);
  if (cr == std::string_view::npos || cr + 1 >= in_.size()) {
    // A bare '\n' inside what is still an incomplete line cannot become valid later.
    if (in_.find('\n', pos_) != std::string_view::npos) return Malformed("LF without CR");
    return Status::kIncomplete;
  }
  if (in_[cr + 1] != '\n') return Malformed("CR not followed by LF");
  *line = in_.substr(pos_, cr - pos_);
  if (line->find('\n') != std::string_view::npos) return Malformed("LF inside a line");
  pos_ = cr + 2;
  return Status::kOk;
}

Status Decoder::ReadLength(int64_t* len) {
  std::string_view line;
  if (Status s = ReadLine(&line); s != Status::kOk) return s;
  if (!ParseStrictInt64(line, len)) return Malformed("bad length '" + std::string(line) + "'");
  return Status::kOk;
}

Status Decoder::ReadPayload(int64_t len, std::string_view* payload) {
  if (len < 0) return Malformed("negative length");
  const size_t avail = in_.size() - pos_;
  if (static_cast<uint64_t>(avail) < static_cast<uint64_t>(len) + 2) return Status::kIncomplete;
  const size_t n = static_cast<size_t>(len);
  if (in_[pos_ + n] != '\r' || in_[pos_ + n + 1] != '\n') {
    return Malformed("payload not followed by CRLF");
  }
  *payload = in_.substr(pos_, n);
  pos_ += n + 2;
  return Status::kOk;
}

Status Decoder::ReadElements(size_t count, RespValue* out, int depth) {
  // Every element takes at least 3 bytes ("_\r\n"), so a count the remaining input cannot possibly
  // satisfy is reported as incomplete without building anything.
  if (count > (in_.size() - pos_) / 3) return Status::kIncomplete;
  out->elems.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    out->elems.emplace_back();
    if (Status s = Decode(&out->elems.back(), depth + 1); s != Status::kOk) return s;
  }
  return Status::kOk;
}

Status Decoder::Decode(RespValue* out, int depth) {
  if (depth > kMaxDepth) return Malformed("aggregates nested too deeply");
  if (pos_ >= in_.size()) return Status::kIncomplete;
  const char type = in_[pos_++];
  std::string_view line;
  std::string_view payload;
  int64_t n = 0;
  switch (type) {
    case '+':
    case '-':
    case '(':
      if (Status s = ReadLine(&line); s != Status::kOk) return s;
      out->type = type == '+'   ? RespValue::kSimple
                  : type == '-' ? RespValue::kError
                                : RespValue::kBigNumber;
      out->str.assign(line);
      return Status::kOk;
    case ':':
      if (Status s = ReadLine(&line); s != Status::kOk) return s;
      if (!ParseStrictInt64(line, &out->integer)) {
        return Malformed("bad integer '" + std::string(line) + "'");
      }
      out->type = RespValue::kInt;
      return Status::kOk;
    case '$':
    case '!':
    case '=':
      if (Status s = ReadLength(&n); s != Status::kOk) return s;
      if (type == '$' && n == -1) {
        out->type = RespValue::kNullBulk;
        return Status::kOk;
      }
      if (Status s = ReadPayload(n, &payload); s != Status::kOk) return s;
      if (type == '=') {
        if (payload.size() < 4 || payload[3] != ':') return Malformed("bad verbatim string");
        out->type = RespValue::kVerbatim;
        out->format.assign(payload.substr(0, 3));
        out->str.assign(payload.substr(4));
      } else {
        out->type = type == '$' ? RespValue::kBulk : RespValue::kError;
        out->str.assign(payload);
      }
      return Status::kOk;
    case '*':
    case '%':
    case '~':
    case '>':
    case '|': {
      if (Status s = ReadLength(&n); s != Status::kOk) return s;
      if (type == '*' && n == -1) {
        out->type = RespValue::kNullArray;
        return Status::kOk;
      }
      if (n < 0) return Malformed("negative aggregate length");
      uint64_t count = static_cast<uint64_t>(n);
      if (type == '%' || type == '|') count *= 2;
      if (type == '|') {
        // Attributes annotate the reply that follows; keep only that reply.
        RespValue attributes;
        if (Status s = ReadElements(count, &attributes, depth); s != Status::kOk) return s;
        return Decode(out, depth + 1);
      }
      out->type = type == '*'   ? RespValue::kArray
                  : type == '%' ? RespValue::kMap
                  : type == '~' ? RespValue::kSet
                                : RespValue::kPush;
      return ReadElements(count, out, depth);
    }
    case '_':
      if (Status s = ReadLine(&line); s != Status::kOk) return s;
      if (!line.empty()) return Malformed("null with a payload");
      out->type = RespValue::kNull;
      return Status::kOk;
    case '#':
      if (Status s = ReadLine(&line); s != Status::kOk) return s;
      if (line != "t" && line != "f") return Malformed("bad boolean");
      out->type = RespValue::kBool;
      out->integer = line == "t" ? 1 : 0;
      return Status::kOk;
    case ',': {
      if (Status s = ReadLine(&line); s != Status::kOk) return s;
      // strtod accepts "inf", "-inf", "nan" and exponents; it needs a NUL-terminated copy.
      std::string text(line);
      char* end = nullptr;
      const double d = std::strtod(text.c_str(), &end);
      if (text.empty() || end != text.c_str() + text.size()) {
        return Malformed("bad double '" + text + "'");
      }
      out->type = RespValue::kDouble;
      out->dbl = d;
      out->str = std::move(text);
      return Status::kOk;
    }
    default:
      return Malformed(std::string("unknown type byte '") + type + "'");
  }
}

const char* TypeName(RespValue::Type t) {
  switch (t) {
    case RespValue::kSimple:
      return "simple";
    case RespValue::kError:
      return "error";
    case RespValue::kInt:
      return "int";
    case RespValue::kBulk:
      return "bulk";
    case RespValue::kNull:
      return "null";
    case RespValue::kArray:
      return "array";
    case RespValue::kMap:
      return "map";
    case RespValue::kSet:
      return "set";
    case RespValue::kPush:
      return "push";
    case RespValue::kDouble:
      return "double";
    case RespValue::kBool:
      return "bool";
    case RespValue::kBigNumber:
      return "bignum";
    case RespValue::kVerbatim:
      return "verbatim";
    case RespValue::kNullArray:
      return "nullarray";
    case RespValue::kNullBulk:
      return "nullbulk";
  }
  return "?";
}

void AppendQuoted(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (u < 0x20 || u >= 0x7f) {
      out->append("\\x");
      out->push_back(kHex[u >> 4]);
      out->push_back(kHex[u & 15]);
    } else {
      out->push_back(c);
    }
  }
  out->push_back('"');
}

void AppendDebug(const RespValue& v, std::string* out) {
  switch (v.type) {
    case RespValue::kNull:
    case RespValue::kNullArray:
    case RespValue::kNullBulk:
      out->append(TypeName(v.type));
      return;
    case RespValue::kInt:
      out->append("int ").append(std::to_string(v.integer));
      return;
    case RespValue::kBool:
      out->append(v.integer ? "true" : "false");
      return;
    case RespValue::kArray:
    case RespValue::kMap:
    case RespValue::kSet:
    case RespValue::kPush:
      out->append(TypeName(v.type)).append("[");
      for (size_t i = 0; i < v.elems.size(); ++i) {
        if (i > 0) out->append(", ");
        AppendDebug(v.elems[i], out);
      }
      out->append("]");
      return;
    case RespValue::kVerbatim:
      out->append("verbatim ").append(v.format).append(" ");
      AppendQuoted(v.str, out);
      return;
    default:
      out->append(TypeName(v.type)).append(" ");
      AppendQuoted(v.str, out);
      return;
  }
}

}  // namespace

RespValue RespValue::WithStr(Type type, std::string s) {
  RespValue v;
  v.type = type;
  v.str = std::move(s);
  return v;
}

RespValue RespValue::Of(Type type) {
  RespValue v;
  v.type = type;
  return v;
}

RespValue RespValue::Bool(bool b) {
  RespValue v;
  v.type = kBool;
  v.integer = b ? 1 : 0;
  return v;
}

RespValue RespValue::Double(double d, std::string text) {
  RespValue v = WithStr(kDouble, std::move(text));
  v.dbl = d;
  return v;
}

RespValue RespValue::Verbatim(std::string text, std::string format) {
  RespValue v = WithStr(kVerbatim, std::move(text));
  v.format = std::move(format);
  return v;
}

RespValue RespValue::Int(int64_t value) {
  RespValue v;
  v.type = kInt;
  v.integer = value;
  return v;
}

RespValue RespValue::Aggregate(Type type, std::vector<RespValue> elems) {
  RespValue v;
  v.type = type;
  v.elems = std::move(elems);
  return v;
}

std::string RespValue::DebugString() const {
  std::string out;
  AppendDebug(*this, &out);
  return out;
}

std::optional<RespValue> DecodeReply(std::string_view in, size_t* consumed, std::string* error) {
  Decoder decoder(in);
  RespValue value;
  const Status status = decoder.Decode(&value, 0);
  if (error != nullptr) error->clear();
  if (status == Status::kOk) {
    *consumed = decoder.pos();
    return value;
  }
  if (status == Status::kMalformed && error != nullptr) *error = decoder.error();
  return std::nullopt;
}

}  // namespace cardinal::protocol
