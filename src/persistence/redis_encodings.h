// Decoders for the compact blob formats Redis stores inside RDB strings: ziplist (lists, hashes
// and sorted sets up to Redis 6.2), listpack (Redis 7.0), intset and zipmap (Redis < 2.6).
//
// Each decoder validates the whole blob before handing anything out — header fields against the
// blob's size, every entry's length against the bytes that remain, back-lengths (ziplist prevlen,
// listpack backlen) against the entry they describe, the element count in the header, the end
// marker — so a corrupt blob is an error, never an out-of-bounds read. These blobs are Redis's
// formats and are only read here: Cardinal's own core::Listpack has a different layout.
//
// Errors are Status::Corruption("<format>: <what> at offset N"), N being `base` (the blob's
// offset in the file) plus the offset inside the blob, so the message points into the file.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace cardinal::persistence::redis_enc {

// One element of a ziplist, listpack or zipmap: bytes inside the blob, or an integer.
struct BlobElement {
  std::string_view str;  // when !is_int: points into the blob
  int64_t ival = 0;      // when is_int
  bool is_int = false;

  static constexpr size_t kScratchSize = 24;
  // The element as text; integers are formatted into `scratch` (kScratchSize bytes).
  std::string_view View(char* scratch) const;
  // Byte length of the text form (integers: their decimal digits).
  size_t TextSize() const;
};

// Appends every entry of the ziplist in `blob` to *out (cleared first).
Status DecodeZiplist(std::string_view blob, uint64_t base, std::vector<BlobElement>* out);
// Appends every element of the listpack in `blob` to *out (cleared first).
Status DecodeListpack(std::string_view blob, uint64_t base, std::vector<BlobElement>* out);
// Appends key, value, key, value... of the zipmap in `blob` to *out (cleared first).
Status DecodeZipmap(std::string_view blob, uint64_t base, std::vector<BlobElement>* out);
// Appends the members of the intset in `blob` to *out (cleared first); they must be strictly
// ascending, as an intset keeps them.
Status DecodeIntset(std::string_view blob, uint64_t base, std::vector<int64_t>* out);

}  // namespace cardinal::persistence::redis_enc
