// Internals of the RDB writer (WriteRdb in snapshot.h), exposed so rdb_writer_test.cc can check
// each encoding byte for byte. Everything else should call WriteRdb / SaveRdbFile.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "core/quicklist.h"
#include "persistence/env.h"
#include "persistence/snapshot.h"
#include "storage/entry.h"
#include "storage/keyspace.h"

namespace cardinal::persistence::rdbw {

// Writes the RDB length encoding of `len` (1, 2, 5 or 9 bytes) to `out`; returns its size.
size_t EncodeLength(uint64_t len, uint8_t* out);
// Writes `v` as an INT8/INT16/INT32 encoded string (2, 3 or 5 bytes); returns 0 (nothing
// written) when v does not fit 32 bits.
size_t EncodeInteger(int64_t v, uint8_t* out);

// Streams one RDB file to a WritableFile through a single reusable buffer. Every Write* call
// appends; an I/O error is remembered in status() and turns later writes into no-ops, so callers
// check status() at convenient points (per database, at the end) instead of per byte.
// Allocation: a copy of the options, the output buffer, one LZF scratch buffer and one listpack
// scratch buffer, all reused for the whole file (the writer runs in a forked child of a threaded
// process, where heap traffic is best kept small).
class RdbEncoder {
 public:
  static constexpr size_t kDefaultBufferSize = size_t{1} << 20;
  // Room for the largest fixed-size piece written in one step (a small string with its header).
  static constexpr size_t kMinBufferSize = 256;
  // Quicklist nodes are cut at Redis's default node size (list-max-listpack-size -2), since
  // Redis keeps loaded nodes as they are.
  static constexpr size_t kQuicklistNodeBytes = 8192;
  // Redis 7.0 keeps list elements of at least 1 GiB in "plain" quicklist nodes.
  static constexpr size_t kDefaultPlainNodeThreshold = size_t{1} << 30;
  // Hash/zset listpacks above this are written in the plain encoding: Redis refuses to grow a
  // listpack past 1 GiB, and a blob this large gains nothing from the compact form.
  static constexpr size_t kMaxListpackBlob = size_t{1} << 29;

  RdbEncoder(WritableFile* out, const RdbSaveOptions& options,
             size_t buffer_size = kDefaultBufferSize);
  RdbEncoder(const RdbEncoder&) = delete;
  RdbEncoder& operator=(const RdbEncoder&) = delete;

  // "REDIS0010" and the aux fields of the options.
  void WriteHeader();
  void WriteAux(std::string_view key, std::string_view value);
  // SELECTDB + RESIZEDB.
  void WriteSelectDb(uint64_t db, uint64_t keys, uint64_t expires);
  // [EXPIRETIME_MS] type key value.
  void WriteEntry(const storage::Entry& e);
  // EOF and the checksum trailer, then flushes. Returns the first error of the whole file.
  Status Finish();

  // Building blocks.
  void WriteByte(uint8_t b);
  void WriteRaw(const void* data, size_t n);
  void WriteLength(uint64_t len);
  // A string: INT8/16/32 when it is a canonical integer that fits, else LZF when enabled,
  // longer than 20 bytes and actually smaller, else length + bytes (Redis's rules).
  void WriteString(std::string_view s);
  // A binary blob (listpack, intset): LZF or length + bytes, never integer-encoded.
  void WriteBlob(std::string_view s);
  // An integer value: INT8/16/32 when it fits, else its decimal text.
  void WriteInt64String(int64_t v);
  // 8-byte little-endian IEEE double (ZSET_2 scores).
  void WriteBinaryDouble(double d);

  // Tests lower these to exercise plain quicklist nodes and the plain hash/zset fallback
  // without gigabyte elements.
  void set_plain_node_threshold(size_t n) { plain_node_threshold_ = n; }
  void set_max_listpack_blob(size_t n) { max_listpack_blob_ = n; }

  const Status& status() const { return status_; }
  uint64_t keys() const { return keys_; }
  uint64_t bytes() const { return flushed_ + pos_; }

 private:
  // Returns room for `n` bytes in the buffer, flushing first if needed. REQUIRES: n <= capacity.
  char* Space(size_t n) {
    if (cap_ - pos_ < n) Flush();
    char* p = buf_.get() + pos_;
    pos_ += n;
    return p;
  }
  void Flush();
  // Checksums and appends `data` directly (large payloads skip the buffer).
  void Emit(const char* data, size_t n);
  bool TryWriteLzf(std::string_view s);
  void KeySaveDelay();

  void WriteStringValue(const storage::Entry& e);
  void WriteList(const core::QuickList& ql);
  // Converts a core::Listpack (hash or zset pairs) to Redis's listpack format and writes it.
  void WriteListpackBlob(const uint8_t* lp);
  void WriteIntSetBlob(const void* intset);

  WritableFile* out_;
  const RdbSaveOptions options_;  // a copy: callers may pass a temporary
  std::unique_ptr<char[]> buf_;
  size_t cap_;
  size_t pos_ = 0;
  uint64_t flushed_ = 0;
  uint64_t crc_ = 0;
  uint64_t keys_ = 0;
  Status status_;
  size_t plain_node_threshold_ = kDefaultPlainNodeThreshold;
  size_t max_listpack_blob_ = kMaxListpackBlob;
  std::unique_ptr<char[]> lzf_buf_;
  size_t lzf_cap_ = 0;
  std::string scratch_;  // listpack / intset blobs
};

// WriteRdb's body with a caller-made encoder (tests set a lower plain-node threshold): header,
// every non-empty database, EOF and checksum.
Status WriteKeyspace(storage::Keyspace& ks, RdbEncoder* enc);

}  // namespace cardinal::persistence::rdbw
