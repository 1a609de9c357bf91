// Client-visible error texts, in one place, because clients match on them byte for byte
// (including the ERR / WRONGTYPE / EXECABORT prefixes). Texts are Redis 7.0's.
#pragma once

#include <string_view>

namespace cardinal::protocol {

inline constexpr std::string_view kSyntaxErr = "ERR syntax error";
inline constexpr std::string_view kWrongTypeErr =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
inline constexpr std::string_view kNotIntegerErr = "ERR value is not an integer or out of range";
inline constexpr std::string_view kNotFloatErr = "ERR value is not a valid float";
inline constexpr std::string_view kOverflowErr = "ERR increment or decrement would overflow";
inline constexpr std::string_view kNoSuchKeyErr = "ERR no such key";
inline constexpr std::string_view kDbIndexOutOfRange = "ERR DB index is out of range";
inline constexpr std::string_view kInvalidDbIndex = "ERR invalid DB index";
inline constexpr std::string_view kSameObjectErr =
    "ERR source and destination objects are the same";
inline constexpr std::string_view kInvalidExpireErr = "ERR invalid expire time in '%s' command";
inline constexpr std::string_view kNoAuthErr = "NOAUTH Authentication required.";
inline constexpr std::string_view kWrongPassErr =
    "WRONGPASS invalid username-password pair or user is disabled.";
inline constexpr std::string_view kExecAbortErr =
    "EXECABORT Transaction discarded because of previous errors.";
inline constexpr std::string_view kMultiNestedErr = "ERR MULTI calls can not be nested";
inline constexpr std::string_view kExecWithoutMultiErr = "ERR EXEC without MULTI";
inline constexpr std::string_view kDiscardWithoutMultiErr = "ERR DISCARD without MULTI";
inline constexpr std::string_view kWatchInMultiErr = "ERR WATCH inside MULTI is not allowed";
inline constexpr std::string_view kMaxClientsErr = "ERR max number of clients reached";
inline constexpr std::string_view kStringTooLongErr =
    "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
inline constexpr std::string_view kOffsetOutOfRangeErr = "ERR offset is out of range";
inline constexpr std::string_view kNanOrInfErr = "ERR increment would produce NaN or Infinity";
inline constexpr std::string_view kNoProtoErr = "NOPROTO unsupported protocol version";
inline constexpr std::string_view kLoadingErr = "LOADING Redis is loading the dataset in memory";

}  // namespace cardinal::protocol
