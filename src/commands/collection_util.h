// Helpers shared by the collection families (lists, hashes, sets, sorted sets).
//
// The write pattern every collection command follows, so WATCH, memory accounting, the dirty
// counter and "an emptied collection disappears" hold everywhere:
//
//   OpStatus st;
//   Entry* e = FindOfType(db, key, ObjType::kHash, &st);   // nullptr: absent or WRONGTYPE
//   if (st != OpStatus::kOk) return st;
//   if (e == nullptr) { e = NewCollection(db, key, ObjType::kHash, Encoding::kListpack, obj); }
//   size_t before = CollectionMemory(e);
//   ... mutate the object (for a listpack: e->set_object(lp.data()) after each mutation) ...
//   FinishWrite(db, e, before);   // adjusts memory, touches the key, deletes it when empty
//
// FinishWrite must be called only when something changed (Redis does not signal no-op writes).
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "commands/context.h"
#include "commands/op_status.h"
#include "common/string_util.h"
#include "protocol/errors.h"
#include "storage/keyspace.h"
#include "storage/object.h"

namespace cardinal::commands {

// Looks `key` up expecting `type`. Returns the entry; nullptr with *st = kOk when absent, nullptr
// with *st = kWrongType when the key holds another type. `read` counts keyspace hits/misses
// (lookupKeyRead); writers pass false.
inline storage::Entry* FindOfType(storage::Db& db, std::string_view key, storage::ObjType type,
                                  OpStatus* st, bool read = false) {
  storage::Entry* e = read ? db.FindRead(key) : db.Find(key);
  *st = OpStatus::kOk;
  if (e != nullptr && e->type() != type) {
    *st = OpStatus::kWrongType;
    return nullptr;
  }
  return e;
}

inline size_t CollectionMemory(const storage::Entry* e) { return e->MemoryUsage(); }

// Creates `key` holding the (empty) object `obj`, with no TTL. The new key is accounted and
// touched by the insert; call FinishWrite after filling it, with `before` taken after creation.
inline storage::Entry* NewCollection(storage::Db& db, std::string_view key, storage::ObjType type,
                                     storage::Encoding enc, void* obj) {
  storage::Entry* e = storage::Entry::NewObject(key, type, enc, obj, -1);
  db.Upsert(e);
  return e;
}

// Ends a write to collection `e` whose memory use was `mem_before`: accounts the growth, marks
// the key modified (WATCH, dirty counter) and deletes the key if the collection is now empty.
// Returns true if the key was deleted (e is then dangling).
inline bool FinishWrite(storage::Db& db, storage::Entry* e, size_t mem_before) {
  const int64_t delta = static_cast<int64_t>(e->MemoryUsage()) - static_cast<int64_t>(mem_before);
  if (storage::ObjectLength(e) == 0) {
    db.AdjustMemory(e->key(), delta);
    std::string key(e->key());
    db.Delete(key);
    return true;
  }
  db.TouchAndAdjust(e->key(), delta);
  return false;
}

// Random-member replies with a negative count (SRANDMEMBER, HRANDFIELD, ZRANDMEMBER) repeat
// members, so their length is the client's number, not the collection's size. Redis builds any
// such reply and can exhaust memory (SRANDMEMBER k -9223372036854775807 wedges it); Cardinal
// bounds it by proto-max-bulk-len: a count that cannot fit even with the smallest elements is
// refused at once, and a reply that outgrows the bound while being written is withdrawn and
// replaced by this error. Smaller counts get exactly Redis's reply.
inline constexpr std::string_view kRandomReplyTooLargeErr =
    "ERR count too large: the reply would exceed proto-max-bulk-len";

class BoundedRandomReply {
 public:
  explicit BoundedRandomReply(CommandContext& ctx)
      : rb_(ctx.reply()), out_(rb_.out()), mark_(out_->size()),
        max_(static_cast<uint64_t>(std::max<int64_t>(
            ctx.config().proto_max_bulk_len.load(std::memory_order_relaxed), 0))) {}
  // Whether `count` elements of at least `min_element_bytes` each could fit; if not, replies
  // with the error.
  bool Admit(uint64_t count, uint64_t min_element_bytes) {
    if (count <= max_ / min_element_bytes) return true;
    rb_.SendError(kRandomReplyTooLargeErr);
    return false;
  }
  // Call every so often while writing (and at the end): once the reply is over the bound, it
  // is replaced by the error and false returned.
  bool Check() {
    if (out_->size() - mark_ <= max_) return true;
    out_->resize(mark_);
    rb_.SendError(kRandomReplyTooLargeErr);
    return false;
  }

 private:
  protocol::ReplyBuilder& rb_;
  std::string* out_;
  size_t mark_;
  uint64_t max_;
};

// The `numkeys key [key ...] WHERE [COUNT count]` tail of LMPOP/BLMPOP (WHERE = LEFT|RIGHT)
// and ZMPOP/BZMPOP (MIN|MAX), starting with numkeys at args[numkeys_index]. `parse_where(word)`
// returns false for an invalid WHERE. On failure returns false with Redis's error text in
// *error, checked in Redis's order: numkeys, then keys + WHERE present, WHERE, COUNT.
struct MultiKeyPopArgs {
  std::vector<std::string_view> keys;
  uint64_t count = 1;
};
template <class ParseWhere>
bool ParseMultiKeyPop(ArgList args, size_t numkeys_index, ParseWhere&& parse_where,
                      MultiKeyPopArgs* out, std::string_view* error) {
  int64_t numkeys;
  if (!ParseInt64(args[numkeys_index], &numkeys) || numkeys <= 0) {
    *error = "ERR numkeys should be greater than 0";
    return false;
  }
  const size_t first_key = numkeys_index + 1;
  if (static_cast<uint64_t>(numkeys) > args.size() - first_key - 1) {
    *error = protocol::kSyntaxErr;
    return false;
  }
  const size_t where = first_key + static_cast<size_t>(numkeys);
  out->keys.assign(args.begin() + first_key, args.begin() + where);
  if (!parse_where(args[where])) {
    *error = protocol::kSyntaxErr;
    return false;
  }
  out->count = 1;
  bool has_count = false;
  for (size_t j = where + 1; j < args.size(); j += 2) {
    if (!EqualsIgnoreCase(args[j], "count") || has_count || j + 1 >= args.size()) {
      *error = protocol::kSyntaxErr;
      return false;
    }
    int64_t c;
    if (!ParseInt64(args[j + 1], &c) || c <= 0) {
      *error = "ERR count should be greater than 0";
      return false;
    }
    out->count = static_cast<uint64_t>(c);
    has_count = true;
  }
  return true;
}

// Key positions of such a command (COMMAND GETKEYS, the dispatcher): the numkeys keys after
// args[numkeys_index]; empty when numkeys is not a valid count.
inline std::vector<int> MultiKeyPopKeyIndexes(ArgList args, size_t numkeys_index) {
  std::vector<int> out;
  int64_t numkeys;
  if (numkeys_index >= args.size() || !ParseInt64(args[numkeys_index], &numkeys) || numkeys <= 0 ||
      static_cast<uint64_t>(numkeys) > args.size() - numkeys_index - 1) {
    return out;
  }
  for (int64_t i = 0; i < numkeys; ++i) out.push_back(static_cast<int>(numkeys_index + 1 + i));
  return out;
}

// Redis's index-range normalisation (LRANGE, LTRIM, ZRANGE, ZREMRANGEBYRANK): negative indexes
// count from the end. Returns false when the range is empty; otherwise [*first, *last] is within
// [0, len).
inline bool NormalizeIndexRange(int64_t start, int64_t end, size_t len, size_t* first,
                                size_t* last) {
  const int64_t n = static_cast<int64_t>(len);
  if (start < 0) start += n;
  if (end < 0) end += n;
  if (start < 0) start = 0;
  if (start > end || start >= n) return false;
  if (end >= n) end = n - 1;
  *first = static_cast<size_t>(start);
  *last = static_cast<size_t>(end);
  return true;
}

}  // namespace cardinal::commands
