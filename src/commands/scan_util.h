// Option parsing shared by HSCAN, SSCAN and ZSCAN (SCAN itself also accepts TYPE).
#pragma once

#include <cstdint>
#include <string_view>

#include "commands/command.h"
#include "common/glob.h"
#include "common/string_util.h"
#include "protocol/errors.h"

namespace cardinal::commands {

inline constexpr std::string_view kInvalidCursorErr = "ERR invalid cursor";

struct ScanOptions {
  uint64_t cursor = 0;
  int64_t count = 10;
  std::string_view pattern;
  bool use_pattern = false;  // false for "*" too: nothing to filter
  bool Matches(std::string_view s) const { return !use_pattern || GlobMatch(pattern, s); }
};

// Parses `<cmd> key cursor [MATCH pattern] [COUNT count]` (args[2] is the cursor). Returns the
// error text to reply with, or an empty view on success. Errors in Redis's order: the cursor
// first, then options left to right.
inline std::string_view ParseCollectionScan(ArgList args, ScanOptions* out) {
  if (!ParseScanCursor(args[2], &out->cursor)) return kInvalidCursorErr;
  for (size_t j = 3; j < args.size(); j += 2) {
    const bool has_value = j + 1 < args.size();
    if (EqualsIgnoreCase(args[j], "count") && has_value) {
      if (!ParseInt64(args[j + 1], &out->count)) return protocol::kNotIntegerErr;
      if (out->count < 1) return protocol::kSyntaxErr;
    } else if (EqualsIgnoreCase(args[j], "match") && has_value) {
      out->pattern = args[j + 1];
      out->use_pattern = out->pattern != "*";
    } else {
      return protocol::kSyntaxErr;
    }
  }
  return {};
}

}  // namespace cardinal::commands
