// List operations shared by the list commands and their blocking variants (BLPOP, BRPOP,
// BLMOVE, BRPOPLPUSH, BLMPOP). Defined in list_family.cc.
//
// The Op* functions run inside ctx.Run*/RunKeys with the keys' shards locked. Each does the whole
// write: type checks, the change through the collection_util.h pattern (an emptied list
// disappears, WATCH and memory accounting), and the propagation record of its effect, so a
// blocking command that is served calls exactly one of them and is propagated as the
// non-blocking command that ran.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command.h"
#include "commands/context.h"
#include "commands/op_status.h"
#include "storage/keyspace.h"

namespace cardinal::commands {

enum class ListEnd : uint8_t { kLeft, kRight };  // head / tail

// LEFT | RIGHT, any case.
bool ParseListEnd(std::string_view s, ListEnd* out);
std::string_view ListEndName(ListEnd end);  // "LEFT" / "RIGHT"

// How a pop is propagated: "LPOP key" (one element, no count argument, as BLPOP and a plain LPOP
// are) or "LPOP key n" with n the number actually popped (LMPOP, BLMPOP, LPOP with a count).
enum class PopForm : uint8_t { kSingle, kWithCount };

// Pops up to `count` (>= 1) elements from `end` of the list at `key`, appending them to *out in
// pop order. Returns kOk (nothing appended when the key is absent) or kWrongType. REQUIRES:
// count == 1 when form == kSingle.
OpStatus OpListPop(storage::Db& db, std::string_view key, ListEnd end, uint64_t count,
                   PopForm form, std::vector<std::string>* out);

// Moves one element from `from` of list `src` to `to` of list `dst` (created when absent; src ==
// dst rotates). Returns kOk with *moved set to the element, or left empty when src is absent
// (dst is then not even type-checked, as in Redis), or kWrongType when either key holds another
// type (src is checked first). Propagated as "LMOVE src dst from to". `fill` is
// list-max-listpack-size for a created dst.
OpStatus OpListMove(storage::Db& db, std::string_view src, std::string_view dst, ListEnd from,
                    ListEnd to, int fill, std::optional<std::string>* moved);

// LMPOP/BLMPOP arguments: `numkeys key [key ...] LEFT|RIGHT [COUNT count]`.
struct MultiPopArgs {
  std::vector<std::string_view> keys;
  ListEnd end = ListEnd::kLeft;
  uint64_t count = 1;
};

// Parses the LMPOP tail starting with numkeys at args[numkeys_index] (LMPOP: 1, BLMPOP: 2).
// On failure returns false with Redis's error text in *error ("ERR numkeys should be greater
// than 0", "ERR syntax error", "ERR count should be greater than 0"), checked in Redis's order.
bool ParseMultiPopArgs(ArgList args, size_t numkeys_index, MultiPopArgs* out,
                       std::string_view* error);

// Key positions for COMMAND GETKEYS and the dispatcher: the numkeys keys after
// args[numkeys_index]; empty when numkeys is not a valid count.
std::vector<int> MultiPopKeyIndexes(ArgList args, size_t numkeys_index);

// Tries the keys in order and pops from the first non-empty list. Returns kOk with *key_index
// set to the index in args.keys that was popped (and the values in *out), or *key_index = -1
// when every key is absent; kWrongType when a key before the first non-empty one holds another
// type (Redis's order). Propagated as "LPOP|RPOP key n".
OpStatus OpListMultiPop(storage::Db& db, const MultiPopArgs& args, int* key_index,
                        std::vector<std::string>* out);

// Reply of LMPOP/BLMPOP for a successful pop: [key, [values...]].
void SendMultiPopReply(protocol::ReplyBuilder& rb, std::string_view key,
                       const std::vector<std::string>& values);

}  // namespace cardinal::commands
