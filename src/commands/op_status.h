// OpStatus: the outcome of a shard-local operation, mapped to Redis's error replies in one place.
#pragma once

#include <string_view>

#include "protocol/errors.h"
#include "protocol/reply_builder.h"

namespace cardinal::commands {

enum class OpStatus {
  kOk,
  kNotFound,
  kWrongType,
  kNotInteger,
  kNotFloat,
  kOverflow,
  kSyntax,
  kTooLong,      // string would exceed proto-max-bulk-len
  kNanOrInf,
  kSkipped,      // NX/XX condition not met
};

inline std::string_view OpStatusError(OpStatus s) {
  switch (s) {
    case OpStatus::kWrongType: return protocol::kWrongTypeErr;
    case OpStatus::kNotInteger: return protocol::kNotIntegerErr;
    case OpStatus::kNotFloat: return protocol::kNotFloatErr;
    case OpStatus::kOverflow: return protocol::kOverflowErr;
    case OpStatus::kSyntax: return protocol::kSyntaxErr;
    case OpStatus::kTooLong: return protocol::kStringTooLongErr;
    case OpStatus::kNanOrInf: return protocol::kNanOrInfErr;
    case OpStatus::kNotFound: return protocol::kNoSuchKeyErr;
    default: return "ERR internal error";
  }
}

inline void SendOpError(protocol::ReplyBuilder& rb, OpStatus s) { rb.SendError(OpStatusError(s)); }

}  // namespace cardinal::commands
