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

#include "commands/context.h"
#include "commands/op_status.h"
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
  BoundedRandomReply(CommandContext& ctx)
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

}  // namespace cardinal::commands
