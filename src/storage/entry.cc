#include "storage/entry.h"

#include <cstdlib>
#include <new>

#include "common/string_util.h"
#include "storage/object.h"

namespace cardinal::storage {

std::string_view TypeName(ObjType t) {
  switch (t) {
    case ObjType::kString: return "string";
    case ObjType::kList: return "list";
    case ObjType::kSet: return "set";
    case ObjType::kZSet: return "zset";
    case ObjType::kHash: return "hash";
    case ObjType::kStream: return "stream";
  }
  return "none";
}

std::string_view EncodingName(Encoding e) {
  switch (e) {
    case Encoding::kInt: return "int";
    case Encoding::kEmbStr: return "embstr";
    case Encoding::kRaw: return "raw";
    case Encoding::kListpack: return "listpack";
    case Encoding::kQuicklist: return "quicklist";
    case Encoding::kIntset: return "intset";
    case Encoding::kHashtable: return "hashtable";
    case Encoding::kSkiplist: return "skiplist";
  }
  return "unknown";
}

RawString* RawString::New(std::string_view s, size_t cap) {
  if (cap < s.size()) cap = s.size();
  auto* r = static_cast<RawString*>(std::malloc(sizeof(RawString) + cap));
  if (r == nullptr) throw std::bad_alloc();
  r->len = s.size();
  r->cap = cap;
  if (!s.empty()) std::memcpy(r->data, s.data(), s.size());
  return r;
}

void RawString::Free(RawString* r) { std::free(r); }

size_t Entry::value_size() const {
  switch (encoding()) {
    case Encoding::kInt: return sizeof(int64_t);
    case Encoding::kEmbStr: return 1 + bytes_[value_offset()];
    case Encoding::kRaw: return sizeof(RawString*);
    default: return sizeof(void*);
  }
}

Entry* Entry::Allocate(ObjType type, Encoding enc, std::string_view key, int64_t expire_at_ms,
                       size_t value_size) {
  const bool has_expire = expire_at_ms >= 0;
  size_t size = kHeaderSize + (has_expire ? kExpireSize : 0) + key.size() + value_size;
  auto* e = static_cast<Entry*>(std::malloc(size));
  if (e == nullptr) throw std::bad_alloc();
  e->bytes_[0] = static_cast<uint8_t>(type) | (static_cast<uint8_t>(enc) << 4);
  e->bytes_[1] = has_expire ? kHasExpire : 0;
  e->Store<uint16_t>(2, 0);
  e->Store<uint32_t>(4, 0);
  e->Store<uint32_t>(8, static_cast<uint32_t>(key.size()));
  if (has_expire) {
    e->Store<int64_t>(12, expire_at_ms);
    e->Store<uint32_t>(20, 0);
  }
  if (!key.empty()) std::memcpy(e->bytes_ + e->key_offset(), key.data(), key.size());
  return e;
}

Entry* Entry::NewString(std::string_view key, std::string_view value, int64_t expire_at_ms) {
  int64_t iv;
  if (value.size() <= 20 && ValueIsCanonicalInt64(value, &iv)) {
    return NewInt(key, iv, expire_at_ms);
  }
  return NewStringAs(key, value,
                     value.size() <= kMaxEmbeddedString ? Encoding::kEmbStr : Encoding::kRaw,
                     expire_at_ms);
}

bool Entry::OverwriteStringInPlace(std::string_view value) {
  int64_t iv;
  bool is_int = value.size() <= 20 && ValueIsCanonicalInt64(value, &iv);
  if (encoding() == Encoding::kInt) {
    if (!is_int) return false;
    set_int_value(iv);
    return true;
  }
  if (encoding() != Encoding::kEmbStr || is_int) return false;
  size_t off = value_offset();
  if (bytes_[off] != value.size()) return false;
  if (!value.empty()) std::memcpy(bytes_ + off + 1, value.data(), value.size());
  return true;
}

Entry* Entry::NewStringAs(std::string_view key, std::string_view value, Encoding enc,
                          int64_t expire_at_ms) {
  if (enc == Encoding::kInt) {
    int64_t iv = 0;
    ValueIsCanonicalInt64(value, &iv);
    return NewInt(key, iv, expire_at_ms);
  }
  if (enc == Encoding::kEmbStr && value.size() <= kMaxEmbeddedString) {
    Entry* e = Allocate(ObjType::kString, Encoding::kEmbStr, key, expire_at_ms, 1 + value.size());
    size_t off = e->value_offset();
    e->bytes_[off] = static_cast<uint8_t>(value.size());
    if (!value.empty()) std::memcpy(e->bytes_ + off + 1, value.data(), value.size());
    return e;
  }
  return NewRaw(key, RawString::New(value, value.size()), expire_at_ms);
}

Entry* Entry::NewInt(std::string_view key, int64_t value, int64_t expire_at_ms) {
  Entry* e = Allocate(ObjType::kString, Encoding::kInt, key, expire_at_ms, sizeof(int64_t));
  e->set_int_value(value);
  return e;
}

Entry* Entry::NewRaw(std::string_view key, RawString* raw, int64_t expire_at_ms) {
  Entry* e = Allocate(ObjType::kString, Encoding::kRaw, key, expire_at_ms, sizeof(RawString*));
  e->set_raw(raw);
  return e;
}

Entry* Entry::NewObject(std::string_view key, ObjType type, Encoding enc, void* obj,
                        int64_t expire_at_ms) {
  Entry* e = Allocate(type, enc, key, expire_at_ms, sizeof(void*));
  e->set_object(obj);
  return e;
}

Entry* Entry::CloneWith(const Entry* src, std::string_view key, int64_t expire_at_ms) {
  Entry* e = Allocate(src->type(), src->encoding(), key, expire_at_ms, src->value_size());
  e->set_lru(src->lru());
  if (src->is_collection()) {
    e->set_object(CloneObject(src->type(), src->encoding(), src->object()));
  } else if (src->encoding() == Encoding::kRaw) {
    RawString* r = src->raw();
    e->set_raw(RawString::New(r->view(), r->len));
  } else {
    std::memcpy(e->bytes_ + e->value_offset(), src->bytes_ + src->value_offset(),
                src->value_size());
  }
  return e;
}

Entry* Entry::Relayout(const Entry* src, int64_t expire_at_ms) {
  Entry* e = Allocate(src->type(), src->encoding(), src->key(), expire_at_ms, src->value_size());
  e->set_lru(src->lru());
  std::memcpy(e->bytes_ + e->value_offset(), src->bytes_ + src->value_offset(), src->value_size());
  return e;
}

void Entry::Free(Entry* e) {
  if (e->is_collection()) {
    FreeObject(e->type(), e->encoding(), e->object());
  } else if (e->encoding() == Encoding::kRaw) {
    RawString::Free(e->raw());
  }
  std::free(e);
}

void Entry::FreeShell(Entry* e) { std::free(e); }

std::string_view Entry::str_view() const {
  if (encoding() == Encoding::kEmbStr) {
    size_t off = value_offset();
    return {reinterpret_cast<const char*>(bytes_) + off + 1, bytes_[off]};
  }
  return raw()->view();
}

void Entry::AppendStringValue(std::string* out) const {
  if (encoding() == Encoding::kInt) {
    char buf[24];
    size_t n = FormatInt64(int_value(), buf);
    out->append(buf, n);
  } else {
    std::string_view v = str_view();
    out->append(v.data(), v.size());
  }
}

size_t Entry::StringLength() const {
  if (encoding() == Encoding::kInt) {
    char buf[24];
    return FormatInt64(int_value(), buf);
  }
  return str_view().size();
}

size_t Entry::MemoryUsage() const {
  size_t n = value_offset() + value_size();
  if (is_collection()) {
    n += ObjectMemoryUsage(type(), encoding(), object());
  } else if (encoding() == Encoding::kRaw) {
    n += sizeof(RawString) + raw()->cap;
  }
  return n;
}

bool Entry::IsLargeValue() const {
  // Redis frees lazily when freeing costs more than ~64 allocations; a collection's cost is its
  // element count for the non-compact encodings (one block per element), 1 for a compact one.
  if (is_collection()) return ObjectFreeEffort(type(), encoding(), object()) > 64;
  return encoding() == Encoding::kRaw && raw()->cap >= 64 * 1024;
}

}  // namespace cardinal::storage
