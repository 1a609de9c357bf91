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

#include <string_view>

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
  const size_t after = e->MemoryUsage();
  if (after != mem_before) {
    db.AdjustMemory(e->key(), static_cast<int64_t>(after) - static_cast<int64_t>(mem_before));
  }
  if (storage::ObjectLength(e) == 0) {
    std::string key(e->key());
    db.Delete(key);
    return true;
  }
  db.Touch(e->key());
  return false;
}

}  // namespace cardinal::commands
