// RequestParser implementation. See resp_parser.h for the contract; the comments here explain
// where and why the behaviour follows Redis 7.0's quirks rather than the cleanest reading of the
// RESP specification.
#include "protocol/resp_parser.h"

#include <algorithm>
#include <cassert>
#include <climits>
#include <cstring>

namespace cardinal::protocol {
namespace {

constexpr size_t kNpos = std::string_view::npos;

// Redis preallocates at most this many argument slots from a client-supplied count; larger
// commands grow the vector as arguments actually arrive.
constexpr int64_t kMaxArgReserve = 1024;

// After a command with more argument spans than this, the span vector is released rather than
// kept for reuse, so one huge command does not pin megabytes per connection.
constexpr size_t kMaxRetainedSpans = 4096;

// isspace() in the C locale, which is what Redis uses to skip blanks between inline arguments.
bool IsInlineSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

// The characters that end an unquoted inline argument. Note the asymmetry with IsInlineSpace,
// inherited from Redis: "\v" and "\f" separate arguments only when they lead, so "a\vb" is ONE
// argument while "\va" is "a".
bool EndsBareWord(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

struct InlineToken {
  bool in_storage;  // true: bytes live in the parser's storage; false: a view of the line.
  size_t offset;
  size_t length;
};

// Splits an inline request line the way Redis's sdssplitargs() does. Words without quotes are
// recorded as positions in `line` (zero-copy); words that use quotes are unescaped into
// `*storage`. Returns false on unbalanced quotes, including a closing quote that is not followed
// by whitespace or the end of the line.
bool SplitInline(std::string_view line, std::string* storage, std::vector<InlineToken>* tokens) {
  const size_t n = line.size();
  size_t i = 0;
  while (true) {
    while (i < n && IsInlineSpace(line[i])) ++i;
    if (i == n) return true;

    const size_t start = i;
    const size_t storage_start = storage->size();
    bool copied = false;
    bool done = false;
    while (!done) {
      if (i == n || EndsBareWord(line[i])) break;
      const char c = line[i];
      if (c != '"' && c != '\'') {
        if (copied) storage->push_back(c);
        ++i;
        continue;
      }
      // A quote, possibly in the middle of a word (a"b c" is the single argument `ab c`): from
      // here on the word is no longer a contiguous slice of the input, so copy what we have.
      if (!copied) {
        storage->append(line.substr(start, i - start));
        copied = true;
      }
      ++i;
      if (c == '"') {
        while (true) {
          if (i == n) return false;
          const char q = line[i];
          if (q == '\\' && i + 3 < n && line[i + 1] == 'x' && HexValue(line[i + 2]) >= 0 &&
              HexValue(line[i + 3]) >= 0) {
            storage->push_back(
                static_cast<char>(HexValue(line[i + 2]) * 16 + HexValue(line[i + 3])));
            i += 4;
          } else if (q == '\\' && i + 1 < n) {
            char e = line[i + 1];
            switch (e) {
              case 'n':
                e = '\n';
                break;
              case 'r':
                e = '\r';
                break;
              case 't':
                e = '\t';
                break;
              case 'b':
                e = '\b';
                break;
              case 'a':
                e = '\a';
                break;
              default:
                break;  // \" \\ and any other escaped byte stand for themselves.
            }
            storage->push_back(e);
            i += 2;
          } else if (q == '"') {
            if (i + 1 < n && !IsInlineSpace(line[i + 1])) return false;
            ++i;
            break;
          } else {
            storage->push_back(q);
            ++i;
          }
        }
      } else {
        while (true) {
          if (i == n) return false;
          const char q = line[i];
          if (q == '\\' && i + 1 < n && line[i + 1] == '\'') {
            storage->push_back('\'');
            i += 2;
          } else if (q == '\'') {
            if (i + 1 < n && !IsInlineSpace(line[i + 1])) return false;
            ++i;
            break;
          } else {
            storage->push_back(q);
            ++i;
          }
        }
      }
      // A closing quote always ends the word.
      done = true;
    }
    if (copied) {
      tokens->push_back({true, storage_start, storage->size() - storage_start});
    } else {
      tokens->push_back({false, start, i - start});
    }
  }
}

}  // namespace

bool ParseStrictInt64(std::string_view s, int64_t* value) {
  if (s.empty()) return false;
  if (s.size() == 1 && s[0] == '0') {
    *value = 0;
    return true;
  }
  size_t i = 0;
  const bool negative = s[0] == '-';
  if (negative) {
    i = 1;
    if (s.size() == 1) return false;
  }
  // A leading zero is only valid as the whole string, so "01" and "-0" are rejected.
  if (s[i] < '1' || s[i] > '9') return false;
  uint64_t v = 0;
  for (; i < s.size(); ++i) {
    const unsigned digit = static_cast<unsigned char>(s[i]) - '0';
    if (digit > 9) return false;
    if (v > (UINT64_MAX - digit) / 10) return false;
    v = v * 10 + digit;
  }
  constexpr uint64_t kMaxPositive = static_cast<uint64_t>(INT64_MAX);
  if (negative) {
    if (v > kMaxPositive + 1) return false;
    *value = v == kMaxPositive + 1 ? INT64_MIN : -static_cast<int64_t>(v);
  } else {
    if (v > kMaxPositive) return false;
    *value = static_cast<int64_t>(v);
  }
  return true;
}

void RequestParser::Reset() {
  ClearCommandState();
  inline_storage_.clear();
  error_.clear();
}

void RequestParser::ClearCommandState() {
  state_ = State::kStart;
  pos_ = 0;
  scan_pos_ = 0;
  blocked_ = false;
  args_left_ = 0;
  bulk_len_ = 0;
  spans_.clear();
  if (spans_.capacity() > kMaxRetainedSpans) std::vector<std::pair<size_t, size_t>>().swap(spans_);
}

size_t RequestParser::BytesWanted() const {
  if (state_ != State::kBulkData) return 0;
  return pos_ + static_cast<size_t>(bulk_len_) + 2;
}

RequestParser::Result RequestParser::Fail(std::string msg) {
  // The text goes into a single-line error reply; Redis turns CR/LF (which can only come from the
  // echoed byte in "expected '$', got 'X'") into spaces.
  std::replace(msg.begin(), msg.end(), '\r', ' ');
  std::replace(msg.begin(), msg.end(), '\n', ' ');
  error_ = std::move(msg);
  return Result::kError;
}

size_t RequestParser::FindTerminator(std::string_view input, char terminator) {
  // Redis searches its query buffer with strchr(), which stops at a NUL byte. A NUL before the
  // terminator therefore hides the terminator for good: the request stalls until the line-length
  // limit turns it into a "too big" error. We reproduce that (blocked_) so that binary garbage
  // gets the same treatment as on Redis.
  if (blocked_ || scan_pos_ >= input.size()) return kNpos;
  const char* base = input.data();
  const size_t len = input.size() - scan_pos_;
  const void* hit = std::memchr(base + scan_pos_, terminator, len);
  const size_t end = hit ? static_cast<const char*>(hit) - base : input.size();
  if (std::memchr(base + scan_pos_, '\0', end - scan_pos_) != nullptr) {
    blocked_ = true;
    return kNpos;
  }
  scan_pos_ = end;  // Either the terminator (found again instantly next time) or all scanned.
  return hit ? end : kNpos;
}

RequestParser::Result RequestParser::Finish(std::string_view input,
                                            std::vector<std::string_view>* args, size_t* consumed) {
  args->clear();
  args->reserve(spans_.size());
  for (const auto& [offset, length] : spans_) args->emplace_back(input.data() + offset, length);
  *consumed = pos_;
  ClearCommandState();
  return Result::kCommand;
}

RequestParser::Result RequestParser::Parse(std::string_view input,
                                           std::vector<std::string_view>* args, size_t* consumed) {
  if (!error_.empty()) return Result::kError;
  // The caller must present at least the bytes it presented last time; if it does not (a bug),
  // refuse to index past the input rather than read out of bounds.
  if (input.size() < pos_ || input.size() < scan_pos_) {
    assert(false && "RequestParser::Parse given less input than before");
    return Result::kIncomplete;
  }
  if (state_ == State::kStart) {
    if (input.empty()) return Result::kIncomplete;
    inline_storage_.clear();
    state_ = input[0] == '*' ? State::kMultibulkLen : State::kInline;
  }
  if (state_ == State::kInline) return ParseInline(input, args, consumed);
  return ParseMultibulk(input, args, consumed);
}

RequestParser::Result RequestParser::ParseMultibulk(std::string_view input,
                                                    std::vector<std::string_view>* args,
                                                    size_t* consumed) {
  if (state_ == State::kMultibulkLen) {
    const size_t cr = FindTerminator(input, '\r');
    if (cr == kNpos) {
      if (input.size() - pos_ > kMaxInlineSize) {
        return Fail("Protocol error: too big mbulk count string");
      }
      return Result::kIncomplete;
    }
    // Redis treats the byte after '\r' as the '\n' without looking at it; it only needs it to be
    // present. We do the same so that the byte stream is split into commands identically.
    if (cr + 2 > input.size()) return Result::kIncomplete;
    int64_t count = 0;
    if (!ParseStrictInt64(input.substr(pos_ + 1, cr - pos_ - 1), &count) || count > INT_MAX) {
      return Fail("Protocol error: invalid multibulk length");
    }
    pos_ = cr + 2;
    scan_pos_ = pos_;
    if (count <= 0) return Finish(input, args, consumed);  // "*0" / "*-1": nothing to run.
    args_left_ = count;
    spans_.reserve(static_cast<size_t>(std::min(count, kMaxArgReserve)));
    state_ = State::kBulkLen;
  }

  while (args_left_ > 0) {
    if (state_ == State::kBulkLen) {
      const size_t cr = FindTerminator(input, '\r');
      if (cr == kNpos) {
        if (input.size() - pos_ > kMaxInlineSize) {
          return Fail("Protocol error: too big bulk count string");
        }
        return Result::kIncomplete;
      }
      if (cr + 2 > input.size()) return Result::kIncomplete;
      if (input[pos_] != '$') {
        return Fail(std::string("Protocol error: expected '$', got '") + input[pos_] + "'");
      }
      int64_t len = 0;
      if (!ParseStrictInt64(input.substr(pos_ + 1, cr - pos_ - 1), &len) || len < 0 ||
          len > limits_.max_bulk_len) {
        return Fail("Protocol error: invalid bulk length");
      }
      pos_ = cr + 2;
      bulk_len_ = len;
      state_ = State::kBulkData;
    }
    // Like Redis, the two bytes after the payload are skipped without checking they are CRLF:
    // the length prefix alone delimits the argument.
    if (static_cast<uint64_t>(input.size() - pos_) < static_cast<uint64_t>(bulk_len_) + 2) {
      return Result::kIncomplete;
    }
    spans_.emplace_back(pos_, static_cast<size_t>(bulk_len_));
    pos_ += static_cast<size_t>(bulk_len_) + 2;
    scan_pos_ = pos_;
    --args_left_;
    state_ = State::kBulkLen;
  }
  return Finish(input, args, consumed);
}

RequestParser::Result RequestParser::ParseInline(std::string_view input,
                                                 std::vector<std::string_view>* args,
                                                 size_t* consumed) {
  const size_t newline = FindTerminator(input, '\n');
  if (newline == kNpos) {
    if (input.size() > kMaxInlineSize) return Fail("Protocol error: too big inline request");
    return Result::kIncomplete;
  }
  size_t line_end = newline;
  if (line_end > 0 && input[line_end - 1] == '\r') --line_end;

  std::vector<InlineToken> tokens;
  if (!SplitInline(input.substr(0, line_end), &inline_storage_, &tokens)) {
    return Fail("Protocol error: unbalanced quotes in request");
  }
  // Views are made only now that inline_storage_ has stopped growing (and reallocating).
  args->clear();
  args->reserve(tokens.size());
  for (const InlineToken& t : tokens) {
    const char* base = t.in_storage ? inline_storage_.data() : input.data();
    args->emplace_back(base + t.offset, t.length);
  }
  *consumed = newline + 1;
  ClearCommandState();
  return Result::kCommand;
}

}  // namespace cardinal::protocol
