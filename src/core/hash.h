// Key hashing for the keyspace. One 64-bit hash per key, computed once per command and passed to
// every table operation: its top bits pick the shard and the table segment, its low 16 bits pick
// the slot inside a segment and a tag (see segmented_table.h). XXH3 is used because it is among
// the fastest well-distributed 64-bit hashes for short keys, and all 64 bits are usable.
#pragma once

#include <xxhash.h>

#include <cstdint>
#include <string_view>

namespace cardinal::core {

namespace internal {
inline uint64_t hash_seed = 0;  // written once by SetHashSeed before any table exists
}  // namespace internal

// Seeds every later HashKey. The server calls it once at startup with a random value, so clients
// cannot precompute keys that pile into one segment (hash flooding). With seed 0 (tests, tools)
// HashKey equals plain XXH3_64bits. REQUIRES: no table holds entries hashed with another seed.
inline void SetHashSeed(uint64_t seed) { internal::hash_seed = seed; }

// Returns the 64-bit XXH3 hash of `key` under the process's seed.
inline uint64_t HashKey(std::string_view key) {
  return XXH3_64bits_withSeed(key.data(), key.size(), internal::hash_seed);
}

}  // namespace cardinal::core
