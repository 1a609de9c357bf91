// Collection objects behind an Entry: the operations storage needs without knowing the commands
// (free, deep copy, memory accounting, lazy-free decision), dispatched on (type, encoding).
//
// The object classes live in core/ (they know nothing of clients or replies):
//   kListpack  -> a core::Listpack buffer (uint8_t*), used by small lists, hashes and zsets
//   kQuicklist -> core::QuickList*      kIntset    -> core::IntSet*
//   kHashtable -> core::StrMap* (hash) or core::StrSet* (set)
//   kSkiplist  -> core::ZSet*
// Each class is copy-constructible (deep copy) and has size() (elements) and MemoryUsage()
// (bytes it allocated, O(1)).
#pragma once

#include <cstddef>

#include "storage/entry.h"

namespace cardinal::storage {

void FreeObject(ObjType type, Encoding enc, void* obj);
void* CloneObject(ObjType type, Encoding enc, const void* obj);
size_t ObjectMemoryUsage(ObjType type, Encoding enc, const void* obj);
// Number of elements (list length, hash fields, set members, zset members).
size_t ObjectLength(ObjType type, Encoding enc, const void* obj);
// Roughly how many allocations freeing the object releases (1 for compact encodings).
size_t ObjectFreeEffort(ObjType type, Encoding enc, const void* obj);

inline size_t ObjectLength(const Entry* e) { return ObjectLength(e->type(), e->encoding(), e->object()); }

}  // namespace cardinal::storage
