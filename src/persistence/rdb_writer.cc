// The RDB writer: WriteRdb / SaveRdbFile (snapshot.h).
//
// Encodings written, chosen to be exactly what Redis 7.0 itself writes for the same object, so
// redis-server loads our file the way it loads its own dump (no conversions beyond its own
// thresholds) and so one format family serves both directions:
//   string            STRING: INT8/16/32 when canonical and 32-bit, LZF when enabled, > 20 bytes
//                     and smaller, else length + bytes. A kInt value beyond 32 bits is written as
//                     its decimal text, as Redis does.
//   list              QUICKLIST_2: nodes are Redis-format listpacks (redis_listpack_encoder.h)
//                     cut at 8 KiB, Redis's default node size, because Redis keeps loaded nodes
//                     as they are; elements of >= 1 GiB get PLAIN nodes, as in Redis 7.0.
//   hash  listpack    HASH_LISTPACK blob: one contiguous blob, which Redis loads without
//                     re-inserting each field.
//   hash  hashtable   HASH (length + field/value strings): the only encoding for big hashes.
//   set   intset      SET_INTSET blob: the array as is (width, count, little-endian members).
//   set   hashtable   SET (length + members). Redis 7.0 has no listpack sets (7.2 does, RDB 11).
//   zset  listpack    ZSET_LISTPACK blob (member, score pairs; scores as listpack integers or
//                     text that strtod reads back exactly).
//   zset  skiplist    ZSET_2 with binary double scores (exact, no text round trip), from the
//                     greatest element to the smallest: Redis then inserts every element at the
//                     head of its skiplist, O(1) each.
// Blobs (listpacks, intsets) go through the same LZF rule as strings, as Redis does.
//
// Why streaming through one buffer: BGSAVE runs this in a forked child of a threaded process, so
// it avoids heap traffic (one 1 MiB output buffer, one LZF scratch and one listpack scratch,
// reused for every key), appends to the file in 1 MiB blocks and checksums each block once as it
// is flushed.
#include "persistence/rdb_writer.h"

#include <fmt/format.h>
#include <lzf.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>

#include "common/string_util.h"
#include "core/intset.h"
#include "core/listpack.h"
#include "core/str_map.h"
#include "core/str_set.h"
#include "core/zset.h"
#include "persistence/crc64.h"
#include "persistence/rdb_format.h"
#include "persistence/redis_listpack_encoder.h"
#include "storage/keyspace.h"

namespace cardinal::persistence {

namespace rdbw {
namespace {

using storage::Encoding;
using storage::ObjType;

void PutLE(uint8_t* p, uint64_t v, int n) {
  for (int i = 0; i < n; i++) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

// The list's elements cut into Redis quicklist nodes. One rule drives both passes of WriteList
// (counting nodes, then writing them), so the node count written up front always matches.
// Sink: Packed(v) adds v to the open packed node (opening one if none), Close() ends the open
// packed node, Plain(v) writes a plain node.
template <class Sink>
void PackList(const core::QuickList& ql, size_t plain_threshold, Sink& sink) {
  size_t node_bytes = 0;  // bytes of the open node's listpack (0: none open)
  for (core::QuickList::Cursor c = ql.Front(); c.valid(); c.Next()) {
    const core::LpValue v = c.value();
    if (!v.is_int && v.str.size() >= plain_threshold) {
      if (node_bytes != 0) sink.Close();
      node_bytes = 0;
      sink.Plain(v);
      continue;
    }
    const size_t sz = RedisListpackBuilder::ElementSize(v);
    if (node_bytes != 0 && node_bytes + sz > RdbEncoder::kQuicklistNodeBytes) {
      sink.Close();
      node_bytes = 0;
    }
    if (node_bytes == 0) node_bytes = RedisListpackBuilder::kHeaderSize + 1;
    node_bytes += sz;
    sink.Packed(v);
  }
  if (node_bytes != 0) sink.Close();
}

struct NodeCounter {
  uint64_t nodes = 0;
  void Packed(const core::LpValue&) {}
  void Close() { ++nodes; }
  void Plain(const core::LpValue&) { ++nodes; }
};

void PrefetchValue(const storage::Entry* e) {
  if (e->is_collection()) {
    __builtin_prefetch(e->object());
  } else if (e->encoding() == Encoding::kRaw) {
    __builtin_prefetch(e->raw());
  }
}

}  // namespace

size_t EncodeLength(uint64_t len, uint8_t* out) {
  if (len < (1u << 6)) {
    out[0] = static_cast<uint8_t>(len);
    return 1;
  }
  if (len < (1u << 14)) {
    out[0] = static_cast<uint8_t>((rdb::kLen14Bit << 6) | (len >> 8));
    out[1] = static_cast<uint8_t>(len);
    return 2;
  }
  // Both wide forms are big-endian.
  if (len <= UINT32_MAX) {
    out[0] = rdb::kLen32Bit;
    for (int i = 0; i < 4; i++) out[1 + i] = static_cast<uint8_t>(len >> (24 - 8 * i));
    return 5;
  }
  out[0] = rdb::kLen64Bit;
  for (int i = 0; i < 8; i++) out[1 + i] = static_cast<uint8_t>(len >> (56 - 8 * i));
  return 9;
}

size_t EncodeInteger(int64_t v, uint8_t* out) {
  constexpr uint8_t kSpecial = rdb::kLenEncVal << 6;
  if (v >= INT8_MIN && v <= INT8_MAX) {
    out[0] = kSpecial | rdb::kEncInt8;
    out[1] = static_cast<uint8_t>(v);
    return 2;
  }
  if (v >= INT16_MIN && v <= INT16_MAX) {
    out[0] = kSpecial | rdb::kEncInt16;
    PutLE(out + 1, static_cast<uint64_t>(v), 2);
    return 3;
  }
  if (v >= INT32_MIN && v <= INT32_MAX) {
    out[0] = kSpecial | rdb::kEncInt32;
    PutLE(out + 1, static_cast<uint64_t>(v), 4);
    return 5;
  }
  return 0;
}

RdbEncoder::RdbEncoder(WritableFile* out, const RdbSaveOptions& options, size_t buffer_size)
    : out_(out),
      options_(options),
      buf_(new char[std::max(buffer_size, kMinBufferSize)]),
      cap_(std::max(buffer_size, kMinBufferSize)) {}

void RdbEncoder::Emit(const char* data, size_t n) {
  if (n == 0) return;
  flushed_ += n;
  if (!status_.ok()) return;
  if (options_.checksum) crc_ = Crc64(crc_, data, n);
  Status s = out_->Append(std::string_view(data, n));
  if (!s.ok()) status_ = std::move(s);
}

void RdbEncoder::Flush() {
  const size_t n = pos_;
  pos_ = 0;
  Emit(buf_.get(), n);
}

void RdbEncoder::WriteByte(uint8_t b) { *Space(1) = static_cast<char>(b); }

void RdbEncoder::WriteRaw(const void* data, size_t n) {
  const char* p = static_cast<const char*>(data);
  if (n <= cap_ - pos_) {
    std::memcpy(buf_.get() + pos_, p, n);
    pos_ += n;
    return;
  }
  Flush();
  if (n >= cap_ / 2) {
    Emit(p, n);  // big payloads go straight to the file
  } else {
    std::memcpy(buf_.get(), p, n);
    pos_ = n;
  }
}

void RdbEncoder::WriteLength(uint64_t len) {
  uint8_t b[9];
  WriteRaw(b, EncodeLength(len, b));
}

void RdbEncoder::WriteString(std::string_view s) {
  // Redis's rule: only texts of up to 11 bytes can be 32-bit integers ("-2147483648").
  int64_t v;
  if (s.size() <= 11 && ParseInt64(s, &v)) {
    uint8_t b[5];
    const size_t n = EncodeInteger(v, b);
    if (n != 0) {
      WriteRaw(b, n);
      return;
    }
  }
  WriteBlob(s);
}

void RdbEncoder::WriteBlob(std::string_view s) {
  if (options_.compression && s.size() > 20 && TryWriteLzf(s)) return;
  uint8_t b[9];
  const size_t n = EncodeLength(s.size(), b);
  if (s.size() <= 64) {  // the common small case: one bounds check for header and bytes
    char* p = Space(n + s.size());
    std::memcpy(p, b, n);
    std::memcpy(p + n, s.data(), s.size());
    return;
  }
  WriteRaw(b, n);
  WriteRaw(s.data(), s.size());
}

bool RdbEncoder::TryWriteLzf(std::string_view s) {
  if (s.size() > UINT32_MAX) return false;  // liblzf takes 32-bit lengths
  // Compressed form: 1 byte + length(compressed) + length(original) + data. It must beat
  // length(original) + data, so the compressed data must be below s.size() - 2 bytes.
  const size_t limit = s.size() - 3;
  if (lzf_cap_ < limit) {
    lzf_buf_.reset(new char[limit]);
    lzf_cap_ = limit;
  }
  const unsigned c = lzf_compress(s.data(), static_cast<unsigned>(s.size()), lzf_buf_.get(),
                                  static_cast<unsigned>(limit));
  if (c == 0) return false;
  uint8_t hdr[1 + 9 + 9];
  hdr[0] = (rdb::kLenEncVal << 6) | rdb::kEncLzf;
  size_t n = 1;
  n += EncodeLength(c, hdr + n);
  const size_t clen_size = n - 1;
  if (1 + clen_size + c >= s.size()) return false;  // no saving after all
  n += EncodeLength(s.size(), hdr + n);
  WriteRaw(hdr, n);
  WriteRaw(lzf_buf_.get(), c);
  return true;
}

void RdbEncoder::WriteInt64String(int64_t v) {
  uint8_t b[5];
  size_t n = EncodeInteger(v, b);
  if (n != 0) {
    WriteRaw(b, n);
    return;
  }
  char text[kInt64BufSize + 1];
  text[0] = static_cast<char>(FormatInt64(v, text + 1));  // length < 64: one length byte
  WriteRaw(text, 1 + static_cast<size_t>(text[0]));
}

void RdbEncoder::WriteBinaryDouble(double d) {
  uint64_t bits;
  std::memcpy(&bits, &d, 8);
  uint8_t b[8];
  PutLE(b, bits, 8);
  WriteRaw(b, 8);
}

void RdbEncoder::WriteHeader() {
  char magic[16];
  const int n = std::snprintf(magic, sizeof(magic), "REDIS%04d", rdb::kVersion);
  WriteRaw(magic, static_cast<size_t>(n));
  for (const auto& [k, v] : options_.aux) WriteAux(k, v);
}

void RdbEncoder::WriteAux(std::string_view key, std::string_view value) {
  WriteByte(rdb::kOpAux);
  WriteString(key);
  WriteString(value);
}

void RdbEncoder::WriteSelectDb(uint64_t db, uint64_t keys, uint64_t expires) {
  WriteByte(rdb::kOpSelectDb);
  WriteLength(db);
  WriteByte(rdb::kOpResizeDb);
  WriteLength(keys);
  WriteLength(expires);
}

void RdbEncoder::WriteStringValue(const storage::Entry& e) {
  if (e.encoding() == Encoding::kInt) {
    WriteInt64String(e.int_value());
  } else {
    WriteString(e.str_view());
  }
}

void RdbEncoder::WriteEntry(const storage::Entry& e) {
  if (!status_.ok()) return;  // the file is already lost; finish the walk cheaply
  if (e.has_expire()) {
    uint8_t* p = reinterpret_cast<uint8_t*>(Space(9));
    p[0] = rdb::kOpExpireTimeMs;
    PutLE(p + 1, static_cast<uint64_t>(e.expire_at()), 8);
  }
  const Encoding enc = e.encoding();
  switch (e.type()) {
    case ObjType::kString:
      WriteByte(rdb::kTypeString);
      WriteString(e.key());
      WriteStringValue(e);
      break;
    case ObjType::kList:
      WriteByte(rdb::kTypeListQuicklist2);
      WriteString(e.key());
      WriteList(*e.object_as<core::QuickList>());
      break;
    case ObjType::kHash:
      if (enc == Encoding::kListpack &&
          core::Listpack(e.object_as<uint8_t>()).bytes() <= max_listpack_blob_) {
        WriteByte(rdb::kTypeHashListpack);
        WriteString(e.key());
        WriteListpackBlob(e.object_as<uint8_t>());
      } else {
        WriteByte(rdb::kTypeHash);
        WriteString(e.key());
        if (enc == Encoding::kListpack) {
          core::Listpack lp(e.object_as<uint8_t>());
          WriteLength(lp.size() / 2);
          char scratch[core::LpValue::kScratchSize];
          for (auto p = lp.First(); p != core::Listpack::kNpos; p = lp.Next(p)) {
            WriteString(lp.Get(p).View(scratch));
          }
        } else {
          const auto& map = *e.object_as<core::StrMap>();
          WriteLength(map.size());
          map.ForEach([&](std::string_view f, std::string_view v) {
            WriteString(f);
            WriteString(v);
          });
        }
      }
      break;
    case ObjType::kSet:
      if (enc == Encoding::kIntset) {
        WriteByte(rdb::kTypeSetIntset);
        WriteString(e.key());
        WriteIntSetBlob(e.object());
      } else {
        WriteByte(rdb::kTypeSet);
        WriteString(e.key());
        const auto& set = *e.object_as<core::StrSet>();
        WriteLength(set.size());
        set.ForEach([&](std::string_view m) { WriteString(m); });
      }
      break;
    case ObjType::kZSet:
      if (enc == Encoding::kListpack &&
          core::Listpack(e.object_as<uint8_t>()).bytes() <= max_listpack_blob_) {
        WriteByte(rdb::kTypeZSetListpack);
        WriteString(e.key());
        WriteListpackBlob(e.object_as<uint8_t>());
      } else {
        WriteByte(rdb::kTypeZSet2);
        WriteString(e.key());
        if (enc == Encoding::kListpack) {
          core::Listpack lp(e.object_as<uint8_t>());
          WriteLength(lp.size() / 2);
          char scratch[core::LpValue::kScratchSize];
          // Greatest first, as for the skiplist below.
          for (auto p = lp.Last(); p != core::Listpack::kNpos;) {
            const auto m = lp.Prev(p);
            WriteString(lp.Get(m).View(scratch));
            WriteBinaryDouble(core::zlp::ScoreAt(lp, p));
            p = lp.Prev(m);
          }
        } else {
          const auto& z = *e.object_as<core::ZSet>();
          WriteLength(z.size());
          for (auto it = z.At(z.size() - 1); it.valid(); it.Prev()) {
            WriteString(it.member());
            WriteBinaryDouble(it.score());
          }
        }
      }
      break;
    default:
      status_ = Status::Unsupported(
          fmt::format("{}: key '{}' has type {}, which the RDB writer cannot save", out_->path(),
                      e.key(), TypeName(e.type())));
      return;
  }
  ++keys_;
  if (options_.key_save_delay_us != 0) KeySaveDelay();
}

void RdbEncoder::KeySaveDelay() {
  // rdb-key-save-delay as Redis reads it: n > 0 sleeps n microseconds per key; n < 0 sleeps one
  // microsecond every -n keys (Redis does it with probability 1/-n).
  if (options_.key_save_delay_us > 0) {
    std::this_thread::sleep_for(std::chrono::microseconds(options_.key_save_delay_us));
  } else if (keys_ % static_cast<uint64_t>(-options_.key_save_delay_us) == 0) {
    std::this_thread::sleep_for(std::chrono::microseconds(1));
  }
}

void RdbEncoder::WriteList(const core::QuickList& ql) {
  NodeCounter counter;
  PackList(ql, plain_node_threshold_, counter);
  WriteLength(counter.nodes);

  struct Writer {
    RdbEncoder* enc;
    RedisListpackBuilder lp;
    void Packed(const core::LpValue& v) { lp.Append(v); }
    void Close() {
      enc->WriteLength(rdb::kQuicklistNodePacked);
      enc->WriteBlob(lp.Finish());
      lp = RedisListpackBuilder(&enc->scratch_);
    }
    void Plain(const core::LpValue& v) {
      enc->WriteLength(rdb::kQuicklistNodePlain);
      enc->WriteBlob(v.str);
    }
  } writer{this, RedisListpackBuilder(&scratch_)};
  PackList(ql, plain_node_threshold_, writer);
}

void RdbEncoder::WriteListpackBlob(const uint8_t* buf) {
  core::Listpack lp(const_cast<uint8_t*>(buf));
  RedisListpackBuilder out(&scratch_);
  for (auto p = lp.First(); p != core::Listpack::kNpos; p = lp.Next(p)) out.Append(lp.Get(p));
  WriteBlob(out.Finish());
}

void RdbEncoder::WriteIntSetBlob(const void* obj) {
  // Layout: uint32 width, uint32 count, then the members ascending, little-endian.
  const auto& set = *static_cast<const core::IntSet*>(obj);
  const unsigned width = set.width();
  scratch_.resize(8 + set.size() * width);
  auto* p = reinterpret_cast<uint8_t*>(scratch_.data());
  PutLE(p, width, 4);
  PutLE(p + 4, set.size(), 4);
  p += 8;
  set.ForEach([&](int64_t v) {
    PutLE(p, static_cast<uint64_t>(v), static_cast<int>(width));
    p += width;
  });
  WriteBlob(scratch_);
}

Status RdbEncoder::Finish() {
  WriteByte(rdb::kOpEof);
  Flush();  // the checksum covers every byte up to and including EOF
  uint8_t trailer[8];
  PutLE(trailer, options_.checksum ? crc_ : 0, 8);
  Emit(reinterpret_cast<const char*>(trailer), 8);  // (updates crc_, which is no longer used)
  return status_;
}

Status WriteKeyspace(storage::Keyspace& ks, RdbEncoder* enc) {
  enc->WriteHeader();
  for (int db = 0; db < ks.num_dbs() && enc->status().ok(); db++) {
    uint64_t keys = 0;
    uint64_t expires = 0;
    for (unsigned i = 0; i < storage::kShardCount; i++) {
      const storage::DbTable* t = ks.shard(i).dbs[db].get();
      if (t == nullptr) continue;
      keys += t->keys.size();
      expires += t->expires.size();
    }
    if (keys == 0) continue;
    enc->WriteSelectDb(static_cast<uint64_t>(db), keys, expires);
    // Entries are scattered over the heap, so reading each is a cache miss: measured ~95% of
    // the time of writing small strings. The walk therefore prefetches each entry (both lines a
    // small entry may straddle) kLookahead entries before writing it, and half-way there, once
    // the entry has arrived, the out-of-line value it points to (a raw string or a collection).
    constexpr size_t kLookahead = 16;
    const storage::Entry* ring[kLookahead];
    size_t n = 0;
    auto step = [&](const storage::Entry* e) {
      __builtin_prefetch(e);
      __builtin_prefetch(reinterpret_cast<const char*>(e) + 63);
      if (n >= kLookahead / 2) PrefetchValue(ring[(n - kLookahead / 2) % kLookahead]);
      const storage::Entry*& slot = ring[n % kLookahead];
      if (n >= kLookahead) enc->WriteEntry(*slot);
      slot = e;
      ++n;
    };
    for (unsigned i = 0; i < storage::kShardCount; i++) {
      const storage::DbTable* t = ks.shard(i).dbs[db].get();
      if (t != nullptr) t->keys.ForEach(step);
    }
    for (size_t i = n > kLookahead ? n - kLookahead : 0; i < n; i++) {
      enc->WriteEntry(*ring[i % kLookahead]);
    }
  }
  return enc->Finish();
}

}  // namespace rdbw

Status WriteRdb(storage::Keyspace& ks, WritableFile* out, const RdbSaveOptions& options,
                RdbSaveStats* stats) {
  rdbw::RdbEncoder enc(out, options);
  Status s = rdbw::WriteKeyspace(ks, &enc);
  if (stats != nullptr) {
    stats->keys = enc.keys();
    stats->bytes = enc.bytes();
  }
  return s;
}

Status SaveRdbFile(storage::Keyspace& ks, Env* env, const std::string& path,
                   const RdbSaveOptions& options, RdbSaveStats* stats) {
  const std::string tmp = fmt::format("{}.tmp-{}", path, ::getpid());
  std::unique_ptr<WritableFile> f;
  Status s = env->NewWritableFile(tmp, /*truncate=*/true, &f);
  if (!s.ok()) return s;
  s = WriteRdb(ks, f.get(), options, stats);
  if (s.ok()) s = f->Sync();
  if (s.ok()) s = f->Close();
  if (s.ok()) s = env->RenameFile(tmp, path);
  if (!s.ok()) {
    f.reset();  // closes the descriptor before the unlink
    env->DeleteFile(tmp);
    return s;
  }
  return env->SyncDir(DirName(path));
}

}  // namespace cardinal::persistence
