// LoadRdb / LoadRdbFile (snapshot.h): Redis's RDB format, versions 1 to 10.
//
// The file is read in 1 MiB blocks; strings are handed out as views into the block (copied only
// when a value spans more than a block or is LZF-compressed), so a small key costs no allocation
// beyond its Entry. Nothing read from the file is trusted for sizing: a claimed length is
// checked against the file's size (when known) and buffers grow only with bytes that arrived.
#include <fmt/format.h>
#include <lzf.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstring>
#include <memory>
#include <numeric>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/string_util.h"
#include "core/intset.h"
#include "core/listpack.h"
#include "core/quicklist.h"
#include "core/str_map.h"
#include "core/str_set.h"
#include "core/zset.h"
#include "persistence/crc64.h"
#include "persistence/rdb_format.h"
#include "persistence/redis_encodings.h"
#include "persistence/snapshot.h"
#include "storage/object.h"

namespace cardinal::persistence {

namespace {

static_assert(std::endian::native == std::endian::little,
              "RDB integers are little-endian; the loads below read them in host order");

using redis_enc::BlobElement;
using storage::Encoding;
using storage::Entry;
using storage::ObjType;

constexpr size_t kBlockSize = size_t{1} << 20;
// Scratch buffers for values longer than a block or compressed are kept for the next value up to
// this size.
constexpr size_t kMaxIdleScratch = 16 * kBlockSize;
// LZF's densest code copies 264 bytes for 3 input bytes: a claimed expansion beyond this ratio
// cannot be real, so the claimed length is refused before anything is allocated for it.
constexpr uint64_t kMaxLzfRatio = 100;
// Counts read from the file size reservations at most this far; beyond it containers grow with
// the elements that actually arrive.
constexpr size_t kMaxReserve = size_t{1} << 16;
// Keys are inserted in batches of this many so that the table lookups of a batch, each a likely
// cache miss in a big keyspace, overlap (see Loader::Flush).
constexpr size_t kInsertBatch = 32;

std::string Printable(std::string_view s) {
  constexpr size_t kMax = 64;
  std::string out;
  for (char c : s.substr(0, kMax)) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7F && c != '\\' && c != '\'') {
      out.push_back(c);
    } else {
      out += fmt::format("\\x{:02x}", u);
    }
  }
  if (s.size() > kMax) out += "...";
  return out;
}

// ---------------------------------------------------------------------------------------------
// Input: the buffered byte stream, with the RDB primitive decodings.

class Input {
 public:
  Input(SequentialFile* file, std::string_view name, uint64_t file_size)
      : file_(file), name_(name), limit_(file_size), buf_(new char[kBlockSize]) {}

  uint64_t offset() const { return base_ + pos_; }
  const std::string& name() const { return name_; }
  void set_crc(bool on) { crc_on_ = on; }

  Status Corrupt(std::string_view what, uint64_t at) const {
    return Status::Corruption(fmt::format("{}: {} at offset {}", name_, what, at));
  }

  template <class T>
  Status ReadFixed(T* v, const char* what) {
    if (Status s = Fill(sizeof(T), what); !s.ok()) return s;
    std::memcpy(v, buf_.get() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return Status::Ok();
  }

  // Raw bytes: a view into the block, or into a scratch buffer for more than a block. Valid
  // until the next read.
  Status ReadBytes(uint64_t n, std::string_view* out, const char* what) {
    if (n > limit_ - std::min(limit_, offset())) {
      return Corrupt(fmt::format("{} of {} bytes runs past the end of the file", what, n),
                     offset());
    }
    if (n <= kBlockSize) {
      if (Status s = Fill(n, what); !s.ok()) return s;
      *out = {buf_.get() + pos_, n};
      pos_ += n;
      return Status::Ok();
    }
    // Grow with the bytes that arrive, so a corrupt length fails at the end of the file instead
    // of allocating what it claims.
    big_.clear();
    for (uint64_t left = n; left > 0;) {
      if (Status s = Fill(std::min<uint64_t>(left, kBlockSize), what); !s.ok()) return s;
      const size_t take = static_cast<size_t>(std::min<uint64_t>(left, end_ - pos_));
      big_.append(buf_.get() + pos_, take);
      pos_ += take;
      left -= take;
    }
    *out = big_;
    return Status::Ok();
  }

  // A length (not a string encoding).
  Status ReadLength(uint64_t* len, const char* what) {
    bool encoded;
    const uint64_t at = offset();
    if (Status s = ReadLengthOrEncoding(len, &encoded, what); !s.ok()) return s;
    if (encoded) return Corrupt(fmt::format("string encoding where {} was expected", what), at);
    return Status::Ok();
  }

  // A string, decoded (integer encodings formatted, LZF decompressed). The view is valid until
  // the next read. Sets last_blob_offset()/last_was_compressed() for blob error messages.
  Status ReadString(std::string_view* out, const char* what) {
    // The previous view is dead now: drop a scratch buffer that one huge value left behind.
    if (big_.capacity() > kMaxIdleScratch) std::string().swap(big_);
    if (lzf_.capacity() > kMaxIdleScratch) std::string().swap(lzf_);
    uint64_t len;
    bool encoded;
    const uint64_t at = offset();
    if (Status s = ReadLengthOrEncoding(&len, &encoded, what); !s.ok()) return s;
    last_compressed_ = false;
    if (!encoded) {
      last_blob_offset_ = offset();
      return ReadBytes(len, out, what);
    }
    switch (len) {
      case rdb::kEncInt8: return ReadIntText<int8_t>(out, what);
      case rdb::kEncInt16: return ReadIntText<int16_t>(out, what);
      case rdb::kEncInt32: return ReadIntText<int32_t>(out, what);
      case rdb::kEncLzf:
        return ReadLzf(out, what, at);
      default:
        return Corrupt(fmt::format("unknown string encoding {} in {}", len, what), at);
    }
  }

  // The ZSET (version 1) score: a length byte (253 NaN, 254 +inf, 255 -inf) and decimal text.
  Status ReadTextDouble(double* v) {
    const uint64_t at = offset();
    uint8_t len;
    if (Status s = ReadFixed(&len, "a score"); !s.ok()) return s;
    if (len == 253) return Corrupt("NaN score", at);
    if (len == 254 || len == 255) {
      *v = len == 254 ? HUGE_VAL : -HUGE_VAL;
      return Status::Ok();
    }
    std::string_view text;
    if (Status s = ReadBytes(len, &text, "a score"); !s.ok()) return s;
    if (!ParseDouble(text, v)) return Corrupt(fmt::format("invalid score '{}'", Printable(text)), at);
    return Status::Ok();
  }

  Status ReadBinaryDouble(double* v) {
    const uint64_t at = offset();
    if (Status s = ReadFixed(v, "a score"); !s.ok()) return s;
    if (std::isnan(*v)) return Corrupt("NaN score", at);
    return Status::Ok();
  }

  // The CRC-64 of every byte consumed so far.
  uint64_t Crc() {
    FoldCrc();
    return crc_;
  }

  uint64_t last_blob_offset() const { return last_blob_offset_; }
  bool last_was_compressed() const { return last_compressed_; }

 private:
  // Ensures `need` (<= kBlockSize) bytes are buffered at pos_.
  Status Fill(size_t need, const char* what) {
    if (end_ - pos_ >= need) return Status::Ok();
    if (pos_ + need > kBlockSize) {
      FoldCrc();
      std::memmove(buf_.get(), buf_.get() + pos_, end_ - pos_);
      base_ += pos_;
      end_ -= pos_;
      pos_ = 0;
      crc_pos_ = 0;
    }
    while (end_ - pos_ < need) {
      size_t got = 0;
      if (!eof_) {
        if (Status s = file_->Read(buf_.get() + end_, kBlockSize - end_, &got); !s.ok()) return s;
      }
      if (got == 0) {
        eof_ = true;
        return Corrupt(fmt::format("unexpected end of file reading {} ({} of {} bytes present)",
                                   what, end_ - pos_, need),
                       offset());
      }
      end_ += got;
    }
    return Status::Ok();
  }

  void FoldCrc() {
    if (crc_on_ && pos_ > crc_pos_) crc_ = Crc64(crc_, buf_.get() + crc_pos_, pos_ - crc_pos_);
    crc_pos_ = pos_;
  }

  Status ReadLengthOrEncoding(uint64_t* len, bool* encoded, const char* what) {
    const uint64_t at = offset();
    uint8_t b;
    if (Status s = ReadFixed(&b, what); !s.ok()) return s;
    *encoded = false;
    switch (b >> 6) {
      case rdb::kLen6Bit:
        *len = b & 0x3F;
        return Status::Ok();
      case rdb::kLen14Bit: {
        uint8_t lo;
        if (Status s = ReadFixed(&lo, what); !s.ok()) return s;
        *len = (uint64_t{b & 0x3Fu} << 8) | lo;
        return Status::Ok();
      }
      case rdb::kLenEncVal:
        *encoded = true;
        *len = b & 0x3F;
        return Status::Ok();
      default:
        break;
    }
    if (b == rdb::kLen32Bit) {
      uint32_t v;
      if (Status s = ReadFixed(&v, what); !s.ok()) return s;
      *len = __builtin_bswap32(v);
      return Status::Ok();
    }
    if (b == rdb::kLen64Bit) {
      uint64_t v;
      if (Status s = ReadFixed(&v, what); !s.ok()) return s;
      *len = __builtin_bswap64(v);
      return Status::Ok();
    }
    return Corrupt(fmt::format("invalid length byte 0x{:02x} in {}", b, what), at);
  }

  // An integer-encoded string: a little-endian T, handed out as its decimal text.
  template <class T>
  Status ReadIntText(std::string_view* out, const char* what) {
    T v;
    if (Status s = ReadFixed(&v, what); !s.ok()) return s;
    *out = {int_buf_, FormatInt64(v, int_buf_)};
    return Status::Ok();
  }

  Status ReadLzf(std::string_view* out, const char* what, uint64_t at) {
    uint64_t clen, ulen;
    if (Status s = ReadLength(&clen, what); !s.ok()) return s;
    if (Status s = ReadLength(&ulen, what); !s.ok()) return s;
    if (clen > UINT32_MAX || ulen > UINT32_MAX || ulen > clen * kMaxLzfRatio + 64) {
      return Corrupt(fmt::format("LZF string claims {} bytes from {} compressed bytes", ulen, clen),
                     at);
    }
    std::string_view in;
    last_blob_offset_ = offset();
    if (Status s = ReadBytes(clen, &in, what); !s.ok()) return s;
    // resize keeps the capacity, so a stream of compressed values reuses one buffer.
    lzf_.resize(static_cast<size_t>(ulen));
    const unsigned got = lzf_decompress(in.data(), static_cast<unsigned>(clen), lzf_.data(),
                                        static_cast<unsigned>(ulen));
    if (got != ulen) {
      return Corrupt(fmt::format("LZF string does not decompress to its {} bytes", ulen), at);
    }
    last_compressed_ = true;
    *out = lzf_;
    return Status::Ok();
  }

  SequentialFile* file_;
  std::string name_;
  uint64_t limit_;  // file size, or UINT64_MAX when unknown
  std::unique_ptr<char[]> buf_;
  size_t pos_ = 0, end_ = 0;
  uint64_t base_ = 0;  // file offset of buf_[0]
  bool eof_ = false;
  bool crc_on_ = true;  // from byte 0; ReadHeader turns it off for versions without a trailer
  uint64_t crc_ = 0;
  size_t crc_pos_ = 0;  // buf_[crc_pos_, pos_) is consumed but not yet in crc_
  char int_buf_[kInt64BufSize];
  std::string big_, lzf_;
  uint64_t last_blob_offset_ = 0;
  bool last_compressed_ = false;
};

// ---------------------------------------------------------------------------------------------
// Loader

// A collection being built; freed unless handed to an Entry.
struct Object {
  ObjType type = ObjType::kString;
  Encoding enc = Encoding::kInt;
  void* ptr = nullptr;

  Object() = default;
  Object(ObjType t, Encoding e, void* p) : type(t), enc(e), ptr(p) {}
  Object(Object&& o) noexcept : type(o.type), enc(o.enc), ptr(std::exchange(o.ptr, nullptr)) {}
  Object& operator=(Object&& o) noexcept {
    Reset();
    type = o.type;
    enc = o.enc;
    ptr = std::exchange(o.ptr, nullptr);
    return *this;
  }
  ~Object() { Reset(); }
  void Reset() {
    if (ptr != nullptr) storage::FreeObject(type, enc, ptr);
    ptr = nullptr;
  }
  void* Release() { return std::exchange(ptr, nullptr); }
};

size_t Clamp(int64_t v) { return v < 0 ? 0 : static_cast<size_t>(v); }

bool LessLp(const core::LpValue& a, const core::LpValue& b) {
  if (a.is_int != b.is_int) return a.is_int;
  return a.is_int ? a.ival < b.ival : a.str < b.str;
}
bool EqualLp(const core::LpValue& a, const core::LpValue& b) {
  return a.is_int == b.is_int && (a.is_int ? a.ival == b.ival : a.str == b.str);
}

class Loader {
 public:
  Loader(storage::Keyspace& ks, Input& in, const RdbLoadOptions& options, RdbLoadStats* stats)
      : ks_(ks), in_(in), opt_(options), stats_(stats),
        hash_entries_(Clamp(options.hash_max_listpack_entries)),
        hash_value_(Clamp(options.hash_max_listpack_value)),
        set_intset_(Clamp(options.set_max_intset_entries)),
        zset_entries_(Clamp(options.zset_max_listpack_entries)),
        zset_value_(Clamp(options.zset_max_listpack_value)),
        list_fill_(static_cast<int>(std::clamp<int64_t>(options.list_max_listpack_size,
                                                        core::QuickList::kMinFill,
                                                        core::QuickList::kMaxFill))),
        now_ms_(std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count()) {}

  // Loads everything; keys read before an error are inserted too.
  Status Run() {
    Status s = ReadAll();
    Flush();
    return s;
  }

 private:
  struct Pending {
    Entry* entry;
    uint64_t hash;
    int db;
  };

  Status ReadAll();
  Status ReadHeader();
  Status ReadTrailer();
  Status LoadKey(uint8_t type, uint64_t at);
  // Reads the value of `type` into *obj; leaves obj->ptr null for an empty collection.
  Status ReadObject(uint8_t type, Object* obj);

  Status ReadList(Object* obj);
  Status ReadQuicklist(bool version2, Object* obj);
  Status ReadSet(Object* obj);
  Status ReadIntset(Object* obj);
  Status ReadZSet(bool binary_scores, Object* obj);
  Status ReadHash(Object* obj);
  Status ReadBlob(uint8_t type, Object* obj);

  // Builders from elements held in memory (decoded blobs or copied plain elements).
  Status BuildHash(const std::vector<BlobElement>& kv, uint64_t at, Object* obj);
  Status BuildSet(const std::vector<BlobElement>& members, uint64_t at, Object* obj);
  Status BuildZSet(const std::vector<BlobElement>& members, const std::vector<double>& scores,
                   uint64_t at, Object* obj);
  // Checks that the elements at even positions of a listpack (hash fields, zset members) are
  // distinct.
  bool EvenElementsUnique(const core::Listpack& lp);

  // Plain elements are copied out of the input block into arena_ (the next read may overwrite
  // the block); Fixup turns the recorded offsets into views once all have been read.
  Status ReadCopied(const char* what);
  void FixupCopied();

  Status Decode(Status (*decoder)(std::string_view, uint64_t, std::vector<BlobElement>*),
                std::string_view blob);
  Status BlobError(const Status& s) const;
  Status KeyError(std::string_view what, uint64_t at) const {
    return in_.Corrupt(fmt::format("{} (key '{}')", what, Printable(key_)), at);
  }

  void Insert(Entry* e);
  void Flush();

  storage::Keyspace& ks_;
  Input& in_;
  const RdbLoadOptions& opt_;
  RdbLoadStats* stats_;
  const size_t hash_entries_, hash_value_, set_intset_, zset_entries_, zset_value_;
  const int list_fill_;
  const int64_t now_ms_;

  int version_ = 0;
  int db_ = 0;
  int64_t expire_ms_ = -1;  // of the next key; -1: none
  std::string key_;
  std::string field_;  // a hash field / zset member while its value is read
  std::string arena_;
  std::vector<size_t> copied_ends_;  // end of each copied element in arena_
  std::vector<BlobElement> elems_;
  std::vector<double> scores_;
  std::vector<int64_t> ints_;
  std::vector<core::LpValue> lp_values_;
  std::vector<uint32_t> order_;
  Pending pending_[kInsertBatch];
  size_t num_pending_ = 0;
};

Status Loader::ReadAll() {
  if (Status s = ReadHeader(); !s.ok()) return s;
  for (;;) {
    const uint64_t at = in_.offset();
    uint8_t type;
    if (Status s = in_.ReadFixed(&type, "a type or opcode"); !s.ok()) return s;
    switch (type) {
      case rdb::kOpExpireTimeMs: {
        if (Status s = in_.ReadFixed(&expire_ms_, "an expire time"); !s.ok()) return s;
        // A deadline before 1970 is long past; < 0 would mean "no TTL" to Entry.
        expire_ms_ = std::max<int64_t>(expire_ms_, 0);
        continue;
      }
      case rdb::kOpExpireTime: {
        int32_t sec;
        if (Status s = in_.ReadFixed(&sec, "an expire time"); !s.ok()) return s;
        expire_ms_ = std::max<int64_t>(int64_t{sec} * 1000, 0);
        continue;
      }
      case rdb::kOpIdle: {  // LRU idle time of the next key: not kept (no eviction yet)
        uint64_t idle;
        if (Status s = in_.ReadLength(&idle, "an idle time"); !s.ok()) return s;
        continue;
      }
      case rdb::kOpFreq: {  // LFU counter of the next key: not kept (no eviction yet)
        uint8_t freq;
        if (Status s = in_.ReadFixed(&freq, "an LFU counter"); !s.ok()) return s;
        continue;
      }
      case rdb::kOpSelectDb: {
        uint64_t db;
        if (Status s = in_.ReadLength(&db, "a database index"); !s.ok()) return s;
        if (db >= static_cast<uint64_t>(ks_.num_dbs())) {
          // The file may well be intact: the server is configured with fewer databases.
          return Status::InvalidArgument(
              fmt::format("{}: database index {} is out of range: the server has {} databases "
                          "(the 'databases' setting) at offset {}",
                          in_.name(), db, ks_.num_dbs(), at));
        }
        db_ = static_cast<int>(db);
        continue;
      }
      case rdb::kOpResizeDb: {
        // Key and expire counts of the database that follows: a hint we do not need, since the
        // key tables grow by segment splits with no rehash to avoid.
        uint64_t keys, expires;
        if (Status s = in_.ReadLength(&keys, "a database size"); !s.ok()) return s;
        if (Status s = in_.ReadLength(&expires, "a database size"); !s.ok()) return s;
        continue;
      }
      case rdb::kOpAux: {
        std::string_view v;
        if (Status s = in_.ReadString(&v, "an aux field name"); !s.ok()) return s;
        std::string name(v);
        if (Status s = in_.ReadString(&v, "an aux field value"); !s.ok()) return s;
        stats_->aux.emplace_back(std::move(name), std::string(v));
        continue;
      }
      case rdb::kOpModuleAux:
        return Status::Unsupported(fmt::format(
            "{}: module auxiliary data (opcode 247) at offset {}: modules are not supported",
            in_.name(), at));
      case rdb::kOpFunction2:
      case rdb::kOpFunction:
        return Status::Unsupported(fmt::format(
            "{}: a function library (opcode {}) at offset {}: functions are not supported yet",
            in_.name(), type, at));
      case rdb::kOpEof:
        return ReadTrailer();
      default:
        break;
    }
    if (Status s = LoadKey(type, at); !s.ok()) return s;
    expire_ms_ = -1;
    if (opt_.key_load_delay_us > 0) {  // key-load-delay: each key visible before the pause
      Flush();
      std::this_thread::sleep_for(std::chrono::microseconds(opt_.key_load_delay_us));
    }
  }
}

Status Loader::ReadHeader() {
  std::string_view h;
  if (Status s = in_.ReadBytes(9, &h, "the header"); !s.ok()) return s;
  if (h.substr(0, 5) != "REDIS") {
    return in_.Corrupt(fmt::format("not an RDB file: it starts with '{}', not 'REDIS'",
                                   Printable(h.substr(0, 5))),
                       0);
  }
  int version = 0;
  for (char c : h.substr(5)) {
    if (c < '0' || c > '9') {
      return in_.Corrupt(fmt::format("invalid RDB version '{}'", Printable(h.substr(5))), 5);
    }
    version = version * 10 + (c - '0');
  }
  if (version < rdb::kMinLoadVersion || version > rdb::kMaxLoadVersion) {
    return Status::Unsupported(fmt::format("{}: RDB version {} is not supported (this server reads "
                                           "versions {} to {}) at offset 5",
                                           in_.name(), version, rdb::kMinLoadVersion,
                                           rdb::kMaxLoadVersion));
  }
  version_ = version;
  stats_->version = version;
  // Versions before 5 have no checksum trailer.
  in_.set_crc(version >= 5);
  return Status::Ok();
}

Status Loader::ReadTrailer() {
  if (version_ >= 5) {
    const uint64_t computed = in_.Crc();
    const uint64_t at = in_.offset();
    uint64_t stored;
    if (Status s = in_.ReadFixed(&stored, "the checksum"); !s.ok()) return s;
    // Zero: written with rdbchecksum no; Redis loads such files without a check too.
    if (stored != 0 && stored != computed) {
      return in_.Corrupt(fmt::format("checksum mismatch: the file says {:016x}, its contents "
                                     "give {:016x}",
                                     stored, computed),
                         at);
    }
  }
  stats_->bytes = in_.offset();
  return Status::Ok();
}

Status Loader::LoadKey(uint8_t type, uint64_t at) {
  switch (type) {
    case rdb::kTypeString:
    case rdb::kTypeList:
    case rdb::kTypeSet:
    case rdb::kTypeZSet:
    case rdb::kTypeHash:
    case rdb::kTypeZSet2:
    case rdb::kTypeHashZipmap:
    case rdb::kTypeListZiplist:
    case rdb::kTypeSetIntset:
    case rdb::kTypeZSetZiplist:
    case rdb::kTypeHashZiplist:
    case rdb::kTypeListQuicklist:
    case rdb::kTypeHashListpack:
    case rdb::kTypeZSetListpack:
    case rdb::kTypeListQuicklist2:
      break;
    case rdb::kTypeModule:
    case rdb::kTypeModule2:
      return Status::Unsupported(fmt::format(
          "{}: a module value (type {}) at offset {}: modules are not supported", in_.name(),
          type, at));
    case rdb::kTypeStreamListpacks:
    case rdb::kTypeStreamListpacks2:
    case 21:  // stream listpacks v3 (Redis 7.2)
      return Status::Unsupported(fmt::format(
          "{}: a stream (type {}) at offset {}: streams are not supported yet", in_.name(), type,
          at));
    default:
      return in_.Corrupt(fmt::format("unknown value type {}", type), at);
  }
  std::string_view k;
  if (Status s = in_.ReadString(&k, "a key"); !s.ok()) return s;
  key_.assign(k);
  const bool expired =
      opt_.expired_before_ms >= 0 && expire_ms_ >= 0 && expire_ms_ < opt_.expired_before_ms;
  if (type == rdb::kTypeString) {
    std::string_view v;
    if (Status s = in_.ReadString(&v, "a string value"); !s.ok()) return s;
    if (expired) {
      stats_->keys_expired_skipped++;
      return Status::Ok();
    }
    Insert(Entry::NewString(key_, v, expire_ms_));
    stats_->keys_loaded++;
    return Status::Ok();
  }
  Object obj;
  if (Status s = ReadObject(type, &obj); !s.ok()) return s;
  // An empty collection: Redis 7.0 skips such keys too (an old Redis bug could save them).
  if (obj.ptr == nullptr) {
    stats_->keys_empty_skipped++;
    return Status::Ok();
  }
  if (expired) {
    stats_->keys_expired_skipped++;
    return Status::Ok();
  }
  Insert(Entry::NewObject(key_, obj.type, obj.enc, obj.Release(), expire_ms_));
  stats_->keys_loaded++;
  return Status::Ok();
}

void Loader::Insert(Entry* e) {
  pending_[num_pending_++] = Pending{e, core::HashKey(e->key()), db_};
  if (num_pending_ == kInsertBatch) Flush();
}

// Inserts the pending keys with their shards locked (as commands lock them). Each key's table
// slot is read first for the whole batch: with millions of keys nearly every lookup misses the
// cache, and issued together the misses overlap instead of being paid one after the other
// (measured: the lookups were ~45% of loading 3M small keys before batching).
void Loader::Flush() {
  storage::ShardMask mask = 0;
  for (size_t i = 0; i < num_pending_; ++i) {
    mask |= storage::ShardMask{1} << storage::ShardOfHash(pending_[i].hash);
  }
  ks_.Lock(mask);
  for (size_t i = 0; i < num_pending_; ++i) {
    const Pending& p = pending_[i];
    ks_.shard(storage::ShardOfHash(p.hash)).dbs[p.db]->keys.PrefetchSlot(p.hash);
  }
  for (size_t i = 0; i < num_pending_; ++i) {
    const Pending& p = pending_[i];
    storage::Shard& s = ks_.shard(storage::ShardOfHash(p.hash));
    storage::Db(&ks_, p.db, now_ms_, nullptr).Upsert(p.entry);
    // Loading is not a change to save: keep rdb_changes_since_last_save where it was.
    s.stats.dirty.store(s.stats.dirty.load(std::memory_order_relaxed) - 1,
                        std::memory_order_relaxed);
  }
  ks_.Unlock(mask);
  num_pending_ = 0;
}

Status Loader::ReadObject(uint8_t type, Object* obj) {
  switch (type) {
    case rdb::kTypeList: return ReadList(obj);
    case rdb::kTypeListQuicklist: return ReadQuicklist(false, obj);
    case rdb::kTypeListQuicklist2: return ReadQuicklist(true, obj);
    case rdb::kTypeSet: return ReadSet(obj);
    case rdb::kTypeSetIntset: return ReadIntset(obj);
    case rdb::kTypeZSet: return ReadZSet(false, obj);
    case rdb::kTypeZSet2: return ReadZSet(true, obj);
    case rdb::kTypeHash: return ReadHash(obj);
    default: return ReadBlob(type, obj);
  }
}

Status Loader::Decode(Status (*decoder)(std::string_view, uint64_t, std::vector<BlobElement>*),
                      std::string_view blob) {
  Status s = decoder(blob, in_.last_was_compressed() ? 0 : in_.last_blob_offset(), &elems_);
  return s.ok() ? s : BlobError(s);
}

Status Loader::BlobError(const Status& s) const {
  std::string where;
  if (in_.last_was_compressed()) {
    where = fmt::format(" of the LZF-compressed blob at offset {}", in_.last_blob_offset());
  }
  return Status::Corruption(
      fmt::format("{}: {}{} (key '{}')", in_.name(), s.message(), where, Printable(key_)));
}

Status Loader::ReadCopied(const char* what) {
  std::string_view v;
  if (Status s = in_.ReadString(&v, what); !s.ok()) return s;
  arena_.append(v);
  copied_ends_.push_back(arena_.size());
  return Status::Ok();
}

void Loader::FixupCopied() {
  elems_.resize(copied_ends_.size());
  size_t begin = 0;
  for (size_t i = 0; i < copied_ends_.size(); ++i) {
    elems_[i] = BlobElement{std::string_view(arena_).substr(begin, copied_ends_[i] - begin)};
    begin = copied_ends_[i];
  }
}

Status Loader::ReadList(Object* obj) {
  uint64_t n;
  if (Status s = in_.ReadLength(&n, "a list length"); !s.ok()) return s;
  auto* ql = new core::QuickList(list_fill_);
  Object o(ObjType::kList, Encoding::kQuicklist, ql);
  for (uint64_t i = 0; i < n; ++i) {
    std::string_view v;
    if (Status s = in_.ReadString(&v, "a list element"); !s.ok()) return s;
    ql->PushBack(v);
  }
  if (!ql->empty()) *obj = std::move(o);
  return Status::Ok();
}

Status Loader::ReadQuicklist(bool version2, Object* obj) {
  uint64_t nodes;
  if (Status s = in_.ReadLength(&nodes, "a quicklist node count"); !s.ok()) return s;
  auto* ql = new core::QuickList(list_fill_);
  Object o(ObjType::kList, Encoding::kQuicklist, ql);
  char scratch[BlobElement::kScratchSize];
  for (uint64_t i = 0; i < nodes; ++i) {
    uint64_t container = rdb::kQuicklistNodePacked;
    const uint64_t at = in_.offset();
    if (version2) {
      if (Status s = in_.ReadLength(&container, "a quicklist node container"); !s.ok()) return s;
      if (container != rdb::kQuicklistNodePlain && container != rdb::kQuicklistNodePacked) {
        return KeyError(fmt::format("invalid quicklist node container {}", container), at);
      }
    }
    std::string_view blob;
    if (Status s = in_.ReadString(&blob, "a quicklist node"); !s.ok()) return s;
    if (container == rdb::kQuicklistNodePlain) {  // one element too large for a listpack
      ql->PushBack(blob);
      continue;
    }
    // Empty nodes are skipped, as Redis does.
    if (Status s = Decode(version2 ? redis_enc::DecodeListpack : redis_enc::DecodeZiplist, blob);
        !s.ok()) {
      return s;
    }
    for (const BlobElement& e : elems_) ql->PushBack(e.View(scratch));
  }
  if (!ql->empty()) *obj = std::move(o);
  return Status::Ok();
}

Status Loader::ReadSet(Object* obj) {
  const uint64_t at = in_.offset();
  uint64_t n;
  if (Status s = in_.ReadLength(&n, "a set size"); !s.ok()) return s;
  if (n > set_intset_) {  // too many members for an intset whatever they are
    auto* set = new core::StrSet();
    Object o(ObjType::kSet, Encoding::kHashtable, set);
    for (uint64_t i = 0; i < n; ++i) {
      const uint64_t mat = in_.offset();
      std::string_view m;
      if (Status s = in_.ReadString(&m, "a set member"); !s.ok()) return s;
      if (!set->Insert(m)) return KeyError("duplicate set member", mat);
    }
    *obj = std::move(o);
    return Status::Ok();
  }
  arena_.clear();
  copied_ends_.clear();
  for (uint64_t i = 0; i < n; ++i) {
    if (Status s = ReadCopied("a set member"); !s.ok()) return s;
  }
  FixupCopied();
  return BuildSet(elems_, at, obj);
}

Status Loader::BuildSet(const std::vector<BlobElement>& members, uint64_t at, Object* obj) {
  if (members.empty()) return Status::Ok();
  bool all_ints = members.size() <= set_intset_;
  ints_.clear();
  for (size_t i = 0; all_ints && i < members.size(); ++i) {
    int64_t v = members[i].ival;
    all_ints = members[i].is_int || ParseInt64(members[i].str, &v);
    ints_.push_back(v);
  }
  if (all_ints) {
    auto* set = new core::IntSet();
    Object o(ObjType::kSet, Encoding::kIntset, set);
    for (int64_t v : ints_) {
      if (!set->Insert(v)) return KeyError("duplicate set member", at);
    }
    *obj = std::move(o);
    return Status::Ok();
  }
  auto* set = new core::StrSet();
  Object o(ObjType::kSet, Encoding::kHashtable, set);
  char scratch[BlobElement::kScratchSize];
  for (const BlobElement& m : members) {
    if (!set->Insert(m.View(scratch))) return KeyError("duplicate set member", at);
  }
  *obj = std::move(o);
  return Status::Ok();
}

Status Loader::ReadIntset(Object* obj) {
  std::string_view blob;
  if (Status s = in_.ReadString(&blob, "an intset"); !s.ok()) return s;
  Status s = redis_enc::DecodeIntset(blob, in_.last_was_compressed() ? 0 : in_.last_blob_offset(),
                                     &ints_);
  if (!s.ok()) return BlobError(s);
  if (ints_.empty()) return Status::Ok();
  if (ints_.size() <= set_intset_) {
    auto* set = new core::IntSet();
    Object o(ObjType::kSet, Encoding::kIntset, set);
    for (int64_t v : ints_) set->Insert(v);  // strictly ascending: checked by the decoder
    *obj = std::move(o);
    return Status::Ok();
  }
  auto* set = new core::StrSet();
  Object o(ObjType::kSet, Encoding::kHashtable, set);
  char buf[kInt64BufSize];
  for (int64_t v : ints_) set->Insert(std::string_view(buf, FormatInt64(v, buf)));
  *obj = std::move(o);
  return Status::Ok();
}

Status Loader::ReadZSet(bool binary_scores, Object* obj) {
  const uint64_t at = in_.offset();
  uint64_t n;
  if (Status s = in_.ReadLength(&n, "a sorted set size"); !s.ok()) return s;
  auto read_score = [&](double* score) {
    return binary_scores ? in_.ReadBinaryDouble(score) : in_.ReadTextDouble(score);
  };
  if (n > zset_entries_) {
    auto* z = new core::ZSet();
    Object o(ObjType::kZSet, Encoding::kSkiplist, z);
    for (uint64_t i = 0; i < n; ++i) {
      const uint64_t mat = in_.offset();
      std::string_view m;
      if (Status s = in_.ReadString(&m, "a sorted set member"); !s.ok()) return s;
      field_.assign(m);
      double score, old;
      if (Status s = read_score(&score); !s.ok()) return s;
      if (z->Score(field_, &old)) return KeyError("duplicate sorted set member", mat);
      z->Insert(field_, score);
    }
    *obj = std::move(o);
    return Status::Ok();
  }
  arena_.clear();
  copied_ends_.clear();
  scores_.clear();
  for (uint64_t i = 0; i < n; ++i) {
    if (Status s = ReadCopied("a sorted set member"); !s.ok()) return s;
    double score;
    if (Status s = read_score(&score); !s.ok()) return s;
    scores_.push_back(score);
  }
  FixupCopied();
  return BuildZSet(elems_, scores_, at, obj);
}

Status Loader::BuildZSet(const std::vector<BlobElement>& members, const std::vector<double>& scores,
                         uint64_t at, Object* obj) {
  const size_t n = members.size();
  if (n == 0) return Status::Ok();
  bool compact = n <= zset_entries_;
  for (size_t i = 0; compact && i < n; ++i) compact = members[i].TextSize() <= zset_value_;
  if (!compact) {
    auto* z = new core::ZSet();
    Object o(ObjType::kZSet, Encoding::kSkiplist, z);
    char scratch[BlobElement::kScratchSize];
    for (size_t i = 0; i < n; ++i) {
      const std::string_view m = members[i].View(scratch);
      double old;
      if (z->Score(m, &old)) return KeyError("duplicate sorted set member", at);
      z->Insert(m, scores[i]);
    }
    *obj = std::move(o);
    return Status::Ok();
  }
  // The listpack keeps (score, member) order, as ZADD does. Redis writes its listpacks in that
  // order and its skiplists in reverse; sort rather than trust either.
  order_.resize(n);
  std::iota(order_.begin(), order_.end(), 0);
  std::sort(order_.begin(), order_.end(), [&](uint32_t a, uint32_t b) {
    if (scores[a] != scores[b]) return scores[a] < scores[b];
    char sa[BlobElement::kScratchSize], sb[BlobElement::kScratchSize];
    return members[a].View(sa) < members[b].View(sb);
  });
  core::Listpack lp(core::Listpack::NewBuffer());
  char buf[32];
  for (uint32_t i : order_) {
    if (members[i].is_int) {
      lp.AppendInt(members[i].ival);
    } else {
      lp.Append(members[i].str);
    }
    lp.Append(core::zlp::EncodeScore(scores[i], buf));
  }
  Object o(ObjType::kZSet, Encoding::kListpack, lp.data());
  if (!EvenElementsUnique(lp)) return KeyError("duplicate sorted set member", at);
  *obj = std::move(o);
  return Status::Ok();
}

Status Loader::ReadHash(Object* obj) {
  const uint64_t at = in_.offset();
  uint64_t n;
  if (Status s = in_.ReadLength(&n, "a hash size"); !s.ok()) return s;
  if (n > hash_entries_) {
    auto* map = new core::StrMap();
    Object o(ObjType::kHash, Encoding::kHashtable, map);
    map->Reserve(static_cast<size_t>(std::min<uint64_t>(n, kMaxReserve)));
    for (uint64_t i = 0; i < n; ++i) {
      const uint64_t fat = in_.offset();
      std::string_view v;
      if (Status s = in_.ReadString(&v, "a hash field"); !s.ok()) return s;
      field_.assign(v);
      if (Status s = in_.ReadString(&v, "a hash value"); !s.ok()) return s;
      if (!map->Set(field_, v)) return KeyError("duplicate hash field", fat);
    }
    *obj = std::move(o);
    return Status::Ok();
  }
  arena_.clear();
  copied_ends_.clear();
  for (uint64_t i = 0; i < n; ++i) {
    if (Status s = ReadCopied("a hash field"); !s.ok()) return s;
    if (Status s = ReadCopied("a hash value"); !s.ok()) return s;
  }
  FixupCopied();
  return BuildHash(elems_, at, obj);
}

Status Loader::BuildHash(const std::vector<BlobElement>& kv, uint64_t at, Object* obj) {
  if (kv.size() % 2 != 0) {
    return KeyError(fmt::format("hash encoding holds an odd number ({}) of elements", kv.size()),
                    at);
  }
  const size_t n = kv.size() / 2;
  if (n == 0) return Status::Ok();
  bool compact = n <= hash_entries_;
  for (size_t i = 0; compact && i < kv.size(); ++i) compact = kv[i].TextSize() <= hash_value_;
  char fs[BlobElement::kScratchSize], vs[BlobElement::kScratchSize];
  if (!compact) {
    auto* map = new core::StrMap();
    Object o(ObjType::kHash, Encoding::kHashtable, map);
    map->Reserve(std::min(n, kMaxReserve));
    for (size_t i = 0; i < kv.size(); i += 2) {
      if (!map->Set(kv[i].View(fs), kv[i + 1].View(vs))) return KeyError("duplicate hash field", at);
    }
    *obj = std::move(o);
    return Status::Ok();
  }
  core::Listpack lp(core::Listpack::NewBuffer());
  for (size_t i = 0; i < kv.size(); i += 2) lp.AppendPair(kv[i].View(fs), kv[i + 1].View(vs));
  Object o(ObjType::kHash, Encoding::kListpack, lp.data());
  if (!EvenElementsUnique(lp)) return KeyError("duplicate hash field", at);
  *obj = std::move(o);
  return Status::Ok();
}

bool Loader::EvenElementsUnique(const core::Listpack& lp) {
  lp_values_.clear();
  for (core::Listpack::Pos p = lp.First(); p != core::Listpack::kNpos; p = lp.Next(lp.Next(p))) {
    lp_values_.push_back(lp.Get(p));
  }
  std::sort(lp_values_.begin(), lp_values_.end(), LessLp);
  return std::adjacent_find(lp_values_.begin(), lp_values_.end(), EqualLp) == lp_values_.end();
}

Status Loader::ReadBlob(uint8_t type, Object* obj) {
  const uint64_t at = in_.offset();
  std::string_view blob;
  if (Status s = in_.ReadString(&blob, "an encoded value"); !s.ok()) return s;
  switch (type) {
    case rdb::kTypeListZiplist: {
      if (Status s = Decode(redis_enc::DecodeZiplist, blob); !s.ok()) return s;
      if (elems_.empty()) return Status::Ok();
      auto* ql = new core::QuickList(list_fill_);
      Object o(ObjType::kList, Encoding::kQuicklist, ql);
      char scratch[BlobElement::kScratchSize];
      for (const BlobElement& e : elems_) ql->PushBack(e.View(scratch));
      *obj = std::move(o);
      return Status::Ok();
    }
    case rdb::kTypeHashZipmap:
    case rdb::kTypeHashZiplist:
    case rdb::kTypeHashListpack: {
      auto decoder = type == rdb::kTypeHashZipmap    ? redis_enc::DecodeZipmap
                     : type == rdb::kTypeHashZiplist ? redis_enc::DecodeZiplist
                                                     : redis_enc::DecodeListpack;
      if (Status s = Decode(decoder, blob); !s.ok()) return s;
      return BuildHash(elems_, at, obj);
    }
    case rdb::kTypeZSetZiplist:
    case rdb::kTypeZSetListpack: {
      if (Status s = Decode(type == rdb::kTypeZSetZiplist ? redis_enc::DecodeZiplist
                                                          : redis_enc::DecodeListpack,
                            blob);
          !s.ok()) {
        return s;
      }
      if (elems_.size() % 2 != 0) {
        return KeyError(
            fmt::format("sorted set encoding holds an odd number ({}) of elements", elems_.size()),
            at);
      }
      // Members move to the front half of elems_, scores to scores_.
      scores_.clear();
      for (size_t i = 0; i < elems_.size(); i += 2) {
        const BlobElement& s = elems_[i + 1];
        double score = static_cast<double>(s.ival);
        if (!s.is_int && !ParseDouble(s.str, &score)) {
          return KeyError(fmt::format("invalid score '{}'", Printable(s.str)), at);
        }
        scores_.push_back(score);
        elems_[i / 2] = elems_[i];
      }
      elems_.resize(scores_.size());
      return BuildZSet(elems_, scores_, at, obj);
    }
    default:
      return in_.Corrupt(fmt::format("unknown value type {}", type), at);
  }
}

Status LoadRdbImpl(storage::Keyspace& ks, SequentialFile* file, std::string_view name,
                   uint64_t file_size, const RdbLoadOptions& options, RdbLoadStats* stats) {
  RdbLoadStats ignored;
  if (stats == nullptr) stats = &ignored;
  *stats = RdbLoadStats{};
  Input in(file, name, file_size);
  Loader loader(ks, in, options, stats);
  Status s = loader.Run();
  if (stats->bytes == 0) stats->bytes = in.offset();
  return s;
}

}  // namespace

Status LoadRdb(storage::Keyspace& ks, SequentialFile* in, std::string_view name,
               const RdbLoadOptions& options, RdbLoadStats* stats) {
  return LoadRdbImpl(ks, in, name, UINT64_MAX, options, stats);
}

Status LoadRdbFile(storage::Keyspace& ks, Env* env, const std::string& path,
                   const RdbLoadOptions& options, RdbLoadStats* stats) {
  std::unique_ptr<SequentialFile> file;
  if (Status s = env->NewSequentialFile(path, &file); !s.ok()) return s;
  uint64_t size = UINT64_MAX;
  if (!env->GetFileSize(path, &size).ok()) size = UINT64_MAX;
  return LoadRdbImpl(ks, file.get(), path, size, options, stats);
}

}  // namespace cardinal::persistence
