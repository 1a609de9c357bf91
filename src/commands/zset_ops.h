// Sorted-set operations shared by the sorted-set commands and their blocking variants (BZPOPMIN,
// BZPOPMAX, BZMPOP). Defined in zset_family.cc.
//
// The Op* functions run inside ctx.Run*/RunKeys with the keys' shards locked. Each does the whole
// write: type checks, the change through the collection_util.h pattern (an emptied sorted set
// disappears, WATCH and memory accounting) and the propagation record of its effect ("ZPOPMIN key
// n" / "ZPOPMAX key n" with n the number of elements actually popped), so a served blocking
// command is propagated as the non-blocking pop that ran.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "commands/command.h"
#include "commands/context.h"
#include "commands/op_status.h"
#include "storage/keyspace.h"

namespace cardinal::commands {

enum class ZEnd : uint8_t { kMin, kMax };

// A popped element: member and score.
using ZElement = std::pair<std::string, double>;

// Pops up to `count` (>= 1) elements from the `end` of the sorted set at `key`, appending them to
// *out in pop order (ascending for kMin, descending for kMax). Returns kOk (nothing appended when
// the key is absent) or kWrongType. Propagated as "ZPOPMIN|ZPOPMAX key n".
OpStatus OpZSetPop(storage::Db& db, std::string_view key, ZEnd end, uint64_t count,
                   std::vector<ZElement>* out);

// ZMPOP/BZMPOP arguments: `numkeys key [key ...] MIN|MAX [COUNT count]`.
struct ZMPopArgs {
  std::vector<std::string_view> keys;
  ZEnd end = ZEnd::kMin;
  uint64_t count = 1;
};

// Parses the ZMPOP tail starting with numkeys at args[numkeys_index] (ZMPOP: 1, BZMPOP: 2).
// On failure returns false with Redis's error text in *error ("ERR numkeys should be greater
// than 0", "ERR syntax error", "ERR count should be greater than 0"), checked in Redis's order.
bool ParseZMPopArgs(ArgList args, size_t numkeys_index, ZMPopArgs* out, std::string_view* error);

// Key positions for COMMAND GETKEYS and the dispatcher: the numkeys keys after
// args[numkeys_index]; empty when numkeys is not a valid count.
std::vector<int> ZMPopKeyIndexes(ArgList args, size_t numkeys_index);

// Tries the keys in order and pops from the first non-empty sorted set. Returns kOk with
// *key_index set to the index in args.keys that was popped (elements in *out), or
// *key_index = -1 when every key is absent; kWrongType when a key before the first non-empty one
// holds another type (Redis's order). Propagated as "ZPOPMIN|ZPOPMAX key n".
OpStatus OpZSetMultiPop(storage::Db& db, const ZMPopArgs& args, int* key_index,
                        std::vector<ZElement>* out);

// Converts a listpack-encoded sorted set to the full encoding ("skiplist"), accounting memory.
// SORT does this to the sorted set it reads, as Redis does (it shows in OBJECT ENCODING).
void ConvertZSetToSkiplist(storage::Db& db, storage::Entry* e);

// Replies. ZPOPMIN/ZPOPMAX: flat [member, score, ...] in RESP2; in RESP3 the same flat pair when
// the command had no count argument (`count_given` false), otherwise an array of [member, score]
// pairs. ZMPOP/BZMPOP: [key, [[member, score], ...]] in both protocols. Scores are doubles.
void SendZPopReply(protocol::ReplyBuilder& rb, const std::vector<ZElement>& elems,
                   bool count_given);
void SendZMPopReply(protocol::ReplyBuilder& rb, std::string_view key,
                    const std::vector<ZElement>& elems);

}  // namespace cardinal::commands
