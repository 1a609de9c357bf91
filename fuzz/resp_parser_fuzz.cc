// libFuzzer target for the request parser (and, as a cheap extra, the reply decoder).
//
// The first input byte seeds how the rest is split into reads; the rest is the byte stream a
// client sends. The stream is parsed twice: in one piece, and in pseudo-random chunks the way a
// connection receives it, with the parser handed an exactly-sized fresh heap copy of the unconsumed
// bytes on every call, so AddressSanitizer reports any read past the input or any use of a pointer
// kept from an earlier buffer. Checked invariants:
//   * no crash, no sanitizer report, no unbounded work;
//   * kCommand consumes 1..size bytes and every argument lies inside the consumed bytes (inline
//     arguments that needed unescaping may instead live in parser storage, outside the input);
//   * a pending bulk's BytesWanted() is beyond what the input holds;
//   * errors carry a "Protocol error: " text;
//   * chunking does not change the result: the commands agree, and unless a line-length ("too
//     big") limit fired — which, as in Redis, depends on how much was buffered — so do the final
//     state and error text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/resp_parser.h"
#include "protocol/resp_value.h"

namespace {

using cardinal::protocol::RequestParser;
using Command = std::vector<std::string>;

struct Run {
  std::vector<Command> commands;
  RequestParser::Result last = RequestParser::Result::kIncomplete;
  std::string error;
};

void Check(bool ok) {
  if (!ok) std::abort();
}

bool Within(std::string_view inner, const char* begin, const char* end) {
  return inner.data() >= begin && inner.data() + inner.size() <= end;
}

bool Overlaps(std::string_view inner, const char* begin, const char* end) {
  return inner.data() < end && inner.data() + inner.size() > begin;
}

// Parses `stream`, handing it over `chunk()` bytes at a time.
template <typename ChunkFn>
Run Parse(std::string_view stream, RequestParser::Limits limits, ChunkFn chunk) {
  RequestParser parser;
  parser.set_limits(limits);
  Run run;
  std::string pending;  // Unconsumed bytes.
  size_t fed = 0;
  std::vector<std::string_view> args;
  while (true) {
    // A fresh allocation of exactly the pending size for every call.
    const size_t n = pending.size();
    std::unique_ptr<char[]> copy(new char[n == 0 ? 1 : n]);
    if (n > 0) std::memcpy(copy.get(), pending.data(), n);
    const std::string_view input(copy.get(), n);
    size_t consumed = 0;
    const RequestParser::Result r = parser.Parse(input, &args, &consumed);
    if (r == RequestParser::Result::kCommand) {
      Check(consumed > 0 && consumed <= n);
      const char* begin = input.data();
      const char* end = begin + consumed;
      const bool multibulk = input[0] == '*';
      Command command;
      for (std::string_view a : args) {
        if (multibulk) {
          Check(Within(a, begin, end));
        } else {
          Check(a.size() < consumed);
          Check(Within(a, begin, end) || !Overlaps(a, begin, end));
        }
        command.emplace_back(a);
      }
      run.commands.push_back(std::move(command));
      pending.erase(0, consumed);
      continue;
    }
    if (r == RequestParser::Result::kError) {
      Check(parser.error().rfind("Protocol error: ", 0) == 0);
      run.last = r;
      run.error = parser.error();
      return run;
    }
    Check(parser.error().empty());
    if (parser.BytesWanted() != 0) Check(parser.BytesWanted() > n);
    if (fed == stream.size()) return run;
    const size_t take = std::min(stream.size() - fed, chunk());
    pending.append(stream.substr(fed, take));
    fed += take;
  }
}

bool TooBig(const Run& r) { return r.error.find("too big") != std::string::npos; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t seed = data[0];
  const std::string_view stream(reinterpret_cast<const char*>(data) + 1, size - 1);

  RequestParser::Limits limits;
  if (seed & 0x80) limits.max_bulk_len = seed & 0x3f;  // Reach the bulk-length limit cheaply.

  const Run whole = Parse(stream, limits, [&] { return stream.size(); });
  std::minstd_rand rng(seed);
  const size_t max_chunk = 1 + (seed & 0x1f);
  const Run chunked = Parse(stream, limits, [&] { return 1 + rng() % max_chunk; });

  const size_t common = std::min(whole.commands.size(), chunked.commands.size());
  for (size_t i = 0; i < common; ++i) Check(whole.commands[i] == chunked.commands[i]);
  if (!TooBig(whole) && !TooBig(chunked)) {
    Check(whole.commands.size() == chunked.commands.size());
    Check(whole.last == chunked.last);
    Check(whole.error == chunked.error);
  }

  // The reply decoder must survive arbitrary bytes too.
  size_t consumed = 0;
  std::string error;
  if (cardinal::protocol::DecodeReply(stream, &consumed, &error)) Check(consumed <= stream.size());
  return 0;
}
