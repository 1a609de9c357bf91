#include "storage/object.h"

#include <cstdlib>

#include "core/intset.h"
#include "core/listpack.h"
#include "core/quicklist.h"
#include "core/str_map.h"
#include "core/str_set.h"
#include "core/zset.h"

namespace cardinal::storage {

namespace {

// Calls fn(T*) with the object cast to its class; fn receives a uint8_t* for listpacks.
template <class Fn>
auto Visit(ObjType type, Encoding enc, void* obj, Fn&& fn) {
  switch (enc) {
    case Encoding::kListpack: return fn(static_cast<uint8_t*>(obj));
    case Encoding::kQuicklist: return fn(static_cast<core::QuickList*>(obj));
    case Encoding::kIntset: return fn(static_cast<core::IntSet*>(obj));
    case Encoding::kHashtable:
      if (type == ObjType::kHash) return fn(static_cast<core::StrMap*>(obj));
      return fn(static_cast<core::StrSet*>(obj));
    case Encoding::kSkiplist: return fn(static_cast<core::ZSet*>(obj));
    default: break;
  }
  std::abort();  // not a collection encoding: a programming error
}

}  // namespace

void FreeObject(ObjType type, Encoding enc, void* obj) {
  Visit(type, enc, obj, [](auto* o) {
    if constexpr (std::is_same_v<decltype(o), uint8_t*>) {
      core::Listpack::FreeBuffer(o);
    } else {
      delete o;
    }
  });
}

void* CloneObject(ObjType type, Encoding enc, const void* obj) {
  return Visit(type, enc, const_cast<void*>(obj), [](auto* o) -> void* {
    if constexpr (std::is_same_v<decltype(o), uint8_t*>) {
      return core::Listpack::CloneBuffer(o);
    } else {
      return new std::remove_pointer_t<decltype(o)>(*o);
    }
  });
}

size_t ObjectMemoryUsage(ObjType type, Encoding enc, const void* obj) {
  return Visit(type, enc, const_cast<void*>(obj), [](auto* o) -> size_t {
    if constexpr (std::is_same_v<decltype(o), uint8_t*>) {
      return core::Listpack(o).bytes();
    } else {
      return o->MemoryUsage();
    }
  });
}

size_t ObjectLength(ObjType type, Encoding enc, const void* obj) {
  size_t n = Visit(type, enc, const_cast<void*>(obj), [](auto* o) -> size_t {
    if constexpr (std::is_same_v<decltype(o), uint8_t*>) {
      return core::Listpack(o).size();
    } else {
      return o->size();
    }
  });
  // Hashes and zsets keep field/value or member/score pairs in one listpack.
  if (enc == Encoding::kListpack && type != ObjType::kList) n /= 2;
  return n;
}

size_t ObjectFreeEffort(ObjType type, Encoding enc, const void* obj) {
  switch (enc) {
    case Encoding::kListpack:
    case Encoding::kIntset:
      return 1;
    case Encoding::kQuicklist:  // one block per node, not per element
      return static_cast<const core::QuickList*>(obj)->node_count();
    default:
      return ObjectLength(type, enc, obj);
  }
}

}  // namespace cardinal::storage
