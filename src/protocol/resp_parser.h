// RequestParser: turns the bytes a client sends into command argument vectors.
//
// Clients speak two request syntaxes: the RESP multibulk form (`*N\r\n$len\r\nbytes\r\n...`, what
// every client library sends) and the "inline" form (a text line split on spaces with shell-like
// quoting, what telnet users and some tools send). Both are parsed here to match Redis 7.0
// byte-for-byte, including its error texts and quirks, because clients and test suites observe
// them.
//
// The parser sits on the hottest path of the server, so it is
//   * zero-copy: arguments are views into the connection's input buffer, never copies;
//   * resumable: when a command arrives over many reads, the work already done (argument count,
//     the positions of complete arguments, the current bulk length, how far a header line has been
//     scanned) is kept, so a 100 MB argument or a million-argument command costs O(bytes) in total
//     rather than being re-parsed from the start on every read;
//   * allocation-safe: a claimed length is never allocated up front, so a client cannot make the
//     server reserve 512 MB by sending a 15-byte header.
//
// Because the caller's buffer may be reallocated between calls, all retained state is stored as
// offsets from the start of the command, never as pointers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cardinal::protocol {

// Redis's PROTO_INLINE_MAX_SIZE: the longest inline request or multibulk header line that may be
// buffered while its terminator has not been seen yet.
inline constexpr size_t kMaxInlineSize = 64 * 1024;

// Strict integer parsing with Redis's string2ll rules: optional '-', then digits with no leading
// zero (except the single string "0"; "-0" is rejected), no '+', no spaces, no overflow of int64.
// Returns false (leaving *value unspecified) when `s` is not such an integer.
bool ParseStrictInt64(std::string_view s, int64_t* value);

class RequestParser {
 public:
  struct Limits {
    int64_t max_bulk_len = 512LL * 1024 * 1024;  // proto-max-bulk-len
  };
  enum class Result { kCommand, kIncomplete, kError };

  RequestParser() = default;
  RequestParser(const RequestParser&) = delete;
  RequestParser& operator=(const RequestParser&) = delete;

  // Parses at most one command from `input`, which must start at the first byte of the command in
  // progress: the caller keeps unconsumed bytes at the front of its buffer and appends new data
  // after them (the buffer may be moved or reallocated between calls).
  //
  // kCommand: *args is replaced by the command's arguments and *consumed is set to the number of
  //   bytes used; the caller drops them and calls again for the next (pipelined) command. *args may
  //   be EMPTY: `*0\r\n`, `*-1\r\n` (any count <= 0) and blank inline lines are commands with no
  //   arguments that Redis silently skips; the caller must just consume them and continue.
  //   The views point into `input`, except inline arguments that used quotes, which point into
  //   storage owned by this parser. All are valid until the caller's buffer changes or the next
  //   call to Parse() or Reset(), whichever comes first.
  // kIncomplete: more data is needed. Call again with the same bytes plus whatever arrived since.
  //   *args and *consumed are left untouched.
  // kError: the request is malformed; error() returns Redis's text without the "ERR " prefix (e.g.
  //   "Protocol error: invalid multibulk length"). The connection should reply "-ERR <text>" and
  //   close; the parser must be Reset() before any further use.
  Result Parse(std::string_view input, std::vector<std::string_view>* args, size_t* consumed);

  // While a bulk argument's payload is being received: the total number of bytes (from the start
  // of the command) the input must hold for that bulk, including its trailing CRLF, to be
  // complete. 0 at any other time. This is a hint for growing the input buffer gradually; the
  // claimed length comes from the client, so the caller must never allocate it up front.
  size_t BytesWanted() const;

  // Text of the last kError; empty otherwise.
  const std::string& error() const { return error_; }

  // Forgets any partially parsed command and any error.
  void Reset();

  void set_limits(Limits l) { limits_ = l; }
  const Limits& limits() const { return limits_; }

 private:
  enum class State : uint8_t {
    kStart,         // Nothing parsed yet: the first byte decides multibulk vs inline.
    kMultibulkLen,  // Looking for the end of the `*<count>` line.
    kBulkLen,       // Looking for the end of a `$<len>` line.
    kBulkData,      // Waiting for `bulk_len_ + 2` bytes at `pos_`.
    kInline,        // Looking for the '\n' that ends an inline request.
  };

  // Finds the first `terminator` at or after scan_pos_, emulating Redis's use of strchr() on its
  // NUL-terminated query buffer: a NUL byte ends the search as if the terminator were absent.
  // Returns the terminator's offset, or npos after advancing scan_pos_ past what was searched.
  size_t FindTerminator(std::string_view input, char terminator);

  Result ParseMultibulk(std::string_view input, std::vector<std::string_view>* args,
                        size_t* consumed);
  Result ParseInline(std::string_view input, std::vector<std::string_view>* args, size_t* consumed);
  Result Fail(std::string msg);
  // Returns to kStart after a command (keeps inline_storage_, which the returned views use).
  void ClearCommandState();
  Result Finish(std::string_view input, std::vector<std::string_view>* args, size_t* consumed);

  Limits limits_;
  State state_ = State::kStart;
  size_t pos_ = 0;         // Offset of the next unparsed byte (the current line or bulk payload).
  size_t scan_pos_ = 0;    // Offset where the search for the current line's terminator resumes.
  bool blocked_ = false;   // A NUL hides the current line's terminator (see FindTerminator).
  int64_t args_left_ = 0;  // Bulks still expected in the current multibulk.
  int64_t bulk_len_ = 0;   // Length of the bulk whose payload starts at pos_ (kBulkData).
  // (offset, length) of each complete argument, relative to the start of the command.
  std::vector<std::pair<size_t, size_t>> spans_;
  // Unescaped inline arguments that could not be views into the input.
  std::string inline_storage_;
  std::string error_;
};

}  // namespace cardinal::protocol
