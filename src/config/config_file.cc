// Tokenizer and line parser for redis.conf syntax. Written as a small state machine over the
// line so that behaviour at the edges (quotes inside a word, a quote followed by a letter, bad
// hex escapes) is the same as in the Redis loader users already write files for.
#include "config/config_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace cardinal::config {
namespace {

bool IsSeparator(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\0'; }

// Leading blanks are skipped with isspace() semantics (includes \v and \f), like Redis.
bool IsLeadingSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsPrintable(unsigned char c) { return c >= 0x20 && c < 0x7f; }

}  // namespace

std::optional<std::vector<std::string>> SplitArgs(std::string_view line) {
  std::vector<std::string> args;
  size_t i = 0;
  const size_t n = line.size();
  while (true) {
    while (i < n && IsLeadingSpace(line[i])) ++i;
    if (i >= n) return args;
    std::string current;
    bool in_double = false;
    bool in_single = false;
    bool done = false;
    while (!done) {
      if (in_double) {
        if (i >= n) return std::nullopt;  // unterminated "
        char c = line[i];
        if (c == '\\' && i + 3 < n && line[i + 1] == 'x' && HexValue(line[i + 2]) >= 0 &&
            HexValue(line[i + 3]) >= 0) {
          current.push_back(static_cast<char>(HexValue(line[i + 2]) * 16 + HexValue(line[i + 3])));
          i += 4;
          continue;
        }
        if (c == '\\' && i + 1 < n) {
          char e = line[i + 1];
          switch (e) {
            case 'n':
              current.push_back('\n');
              break;
            case 'r':
              current.push_back('\r');
              break;
            case 't':
              current.push_back('\t');
              break;
            case 'b':
              current.push_back('\b');
              break;
            case 'a':
              current.push_back('\a');
              break;
            default:
              current.push_back(e);
              break;
          }
          i += 2;
          continue;
        }
        if (c == '"') {
          // The closing quote must end the argument.
          if (i + 1 < n && !IsSeparator(line[i + 1])) return std::nullopt;
          in_double = false;
          done = true;
          ++i;
          continue;
        }
        current.push_back(c);
        ++i;
      } else if (in_single) {
        if (i >= n) return std::nullopt;  // unterminated '
        char c = line[i];
        if (c == '\\' && i + 1 < n && line[i + 1] == '\'') {
          current.push_back('\'');
          i += 2;
          continue;
        }
        if (c == '\'') {
          if (i + 1 < n && !IsSeparator(line[i + 1])) return std::nullopt;
          in_single = false;
          done = true;
          ++i;
          continue;
        }
        current.push_back(c);
        ++i;
      } else {
        if (i >= n || IsSeparator(line[i])) {
          done = true;
          continue;
        }
        char c = line[i++];
        if (c == '"') {
          in_double = true;
        } else if (c == '\'') {
          in_single = true;
        } else {
          current.push_back(c);
        }
      }
    }
    args.push_back(std::move(current));
  }
}

std::string QuoteArg(std::string_view arg) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(arg.size() + 2);
  out.push_back('"');
  for (char ch : arg) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\a':
        out += "\\a";
        break;
      case '\b':
        out += "\\b";
        break;
      default:
        if (IsPrintable(c)) {
          out.push_back(static_cast<char>(c));
        } else {
          out += "\\x";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 15]);
        }
    }
  }
  out.push_back('"');
  return out;
}

std::string QuoteArgIfNeeded(std::string_view arg) {
  if (arg.empty()) return QuoteArg(arg);
  for (char ch : arg) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (!IsPrintable(c) || c == ' ' || c == '"' || c == '\'' || c == '\\') return QuoteArg(arg);
  }
  return std::string(arg);
}

std::string_view TrimBlanks(std::string_view s) {
  size_t b = 0;
  size_t e = s.size();
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (b < e && blank(s[b])) ++b;
  while (e > b && blank(s[e - 1])) --e;
  return s.substr(b, e - b);
}

Status ParseConfigText(std::string_view text, std::vector<ConfigLine>* out, int* error_line,
                       std::string* error_text) {
  int line_number = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view raw = text.substr(pos, eol - pos);
    ++line_number;
    pos = eol + 1;
    std::string_view line = TrimBlanks(raw);
    if (line.empty() || line[0] == '#') continue;
    auto args = SplitArgs(line);
    if (!args) {
      if (error_line != nullptr) *error_line = line_number;
      if (error_text != nullptr) *error_text = std::string(line);
      return Status::InvalidArgument("Unbalanced quotes in configuration line");
    }
    if (args->empty()) continue;
    out->push_back(ConfigLine{line_number, std::string(line), std::move(*args)});
  }
  return Status::Ok();
}

Status ReadFileToString(const std::string& path, std::string* out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IOError(std::strerror(errno));
  out->clear();
  char buf[16384];
  while (true) {
    ssize_t r = ::read(fd, buf, sizeof(buf));
    if (r < 0) {
      if (errno == EINTR) continue;
      int saved = errno;
      ::close(fd);
      return Status::IOError(std::strerror(saved));
    }
    if (r == 0) break;
    out->append(buf, static_cast<size_t>(r));
  }
  ::close(fd);
  return Status::Ok();
}

}  // namespace cardinal::config
