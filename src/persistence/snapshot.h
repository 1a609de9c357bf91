// Snapshots in Redis's RDB format (rdb_format.h): the whole keyspace written to one file, and
// loaded back. Used by SAVE, BGSAVE (in a forked child), the base file of the write-ahead log
// and, later, full resynchronisation of replicas.
//
// Writing: collections are written in encodings every Redis >= 7.0 loads (rdb_writer.cc says
// which and why). Reading: every type and encoding Redis 7.0 (and older versions) write —
// plain, ziplist, listpack, intset, quicklist, zipmap, LZF-compressed and integer-encoded
// strings — rebuilt through the core classes with the encodings our thresholds choose.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "persistence/env.h"
#include "storage/keyspace.h"

namespace cardinal::persistence {

struct RdbSaveOptions {
  bool compression = true;  // rdbcompression: LZF for strings longer than 20 bytes
  bool checksum = true;     // rdbchecksum: CRC-64 trailer (0 when off)
  // Aux fields written after the header, in order (redis-ver, redis-bits, ctime, used-mem,
  // aof-base, ...). The caller supplies them; the writer adds nothing of its own.
  std::vector<std::pair<std::string, std::string>> aux;
  // rdb-key-save-delay: sleep this many microseconds after each key (tests use it to keep a
  // child busy, as with Redis; 0 = none).
  int64_t key_save_delay_us = 0;
};

struct RdbSaveStats {
  uint64_t keys = 0;
  uint64_t bytes = 0;
};

// Writes every database of `ks` to `out` (header, aux, per non-empty db SELECTDB + RESIZEDB +
// entries, EOF, checksum). Does not sync or close `out`.
// REQUIRES: nothing mutates `ks` meanwhile: the caller holds every shard lock, or is a forked
// child (which has no other threads).
Status WriteRdb(storage::Keyspace& ks, WritableFile* out, const RdbSaveOptions& options,
                RdbSaveStats* stats);

// WriteRdb into `path`.tmp-<pid>, fsync, rename over `path`, fsync the directory: a crash
// leaves the old file or the new one. Same REQUIRES as WriteRdb.
Status SaveRdbFile(storage::Keyspace& ks, Env* env, const std::string& path,
                   const RdbSaveOptions& options, RdbSaveStats* stats);

// Thresholds that choose the encoding of loaded collections (the same config parameters the
// commands use: list-max-listpack-size, hash-max-listpack-*, set-max-intset-entries,
// zset-max-listpack-*).
struct RdbLoadOptions {
  int64_t list_max_listpack_size = -2;
  int64_t hash_max_listpack_entries = 128;
  int64_t hash_max_listpack_value = 64;
  int64_t set_max_intset_entries = 512;
  int64_t zset_max_listpack_entries = 128;
  int64_t zset_max_listpack_value = 64;
  // Keys whose TTL is before this time (unix ms) are skipped, as a Redis master does; < 0 keeps
  // every key.
  int64_t expired_before_ms = -1;
  // key-load-delay: sleep this many microseconds after each key (tests use it to observe the
  // loading state, as with Redis; 0 = none).
  int64_t key_load_delay_us = 0;
};

struct RdbLoadStats {
  int version = 0;
  uint64_t keys_loaded = 0;
  uint64_t keys_expired_skipped = 0;
  uint64_t keys_empty_skipped = 0;  // empty collections, skipped as Redis 7.0 does
  uint64_t bytes = 0;  // bytes of the file consumed
  std::vector<std::pair<std::string, std::string>> aux;
};

// Loads an RDB stream into `ks` (keys already present are replaced). `name` names the source in
// errors, which always say what was wrong and at which byte offset ("Corruption: dump.rdb: ...
// at offset N"). A checksum mismatch, a truncated file, an unknown type or a database index
// beyond ks.num_dbs() is an error; keys loaded before the error stay in `ks` (the caller decides
// whether to discard them). Locks each key's shard while inserting, so it may run while the
// server serves -LOADING replies.
Status LoadRdb(storage::Keyspace& ks, SequentialFile* in, std::string_view name,
               const RdbLoadOptions& options, RdbLoadStats* stats);
Status LoadRdbFile(storage::Keyspace& ks, Env* env, const std::string& path,
                   const RdbLoadOptions& options, RdbLoadStats* stats);

}  // namespace cardinal::persistence
