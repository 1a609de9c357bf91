// Key hashing for the keyspace. One 64-bit hash per key, computed once per command and passed to
// every table operation: its top bits pick the shard and the table segment, its low 16 bits pick
// the slot inside a segment and a tag (see segmented_table.h). XXH3 is used because it is among
// the fastest well-distributed 64-bit hashes for short keys, and all 64 bits are usable.
#pragma once

#include <xxhash.h>

#include <cstdint>
#include <string_view>

namespace cardinal::core {

// Returns the 64-bit XXH3 hash of `key`. Deterministic across runs (unseeded).
inline uint64_t HashKey(std::string_view key) { return XXH3_64bits(key.data(), key.size()); }

}  // namespace cardinal::core
