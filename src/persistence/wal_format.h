// The write-ahead log's file format (docs/PERSISTENCE.md, "WAL file"): an 8-byte file header,
// then records of [checksum u32][length u32][type u8][payload], the payload of a command batch
// being LEB128 varints and raw argument bytes. Encoding and decoding live here, apart from the
// file handling, so the checker tool and the tests use exactly what the server uses.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/propagation.h"

namespace cardinal::persistence::wal {

inline constexpr std::string_view kMagic = "CWAL";
inline constexpr uint32_t kFormatVersion = 1;
inline constexpr size_t kFileHeaderSize = 8;
inline constexpr size_t kRecordHeaderSize = 9;
inline constexpr uint8_t kTypeCommandBatch = 1;
inline constexpr uint64_t kMaxPayload = 0xFFFFFFFFull;

// The 8-byte file header.
std::string FileHeader();

// Appends the record(s) for one propagation batch to `out`. Returns the number of records (more
// than one only for a batch over kMaxPayload bytes).
size_t AppendBatch(const std::vector<storage::PropagatedCommand>& batch, std::string* out);

// Decodes a command batch payload. Corruption when it does not parse to exactly its length.
Status DecodeBatch(std::string_view payload, std::vector<storage::PropagatedCommand>* batch);

// Scans a whole WAL file image and classifies it (the rules in docs/PERSISTENCE.md, "Reading:
// torn tails and corruption").
struct ScanResult {
  enum class Kind {
    kClean,       // every byte belongs to a valid record
    kTornTail,    // valid records up to good_end, then bytes no valid record follows
    kCorrupt,     // a bad record at bad_offset with a valid record somewhere after it
    kBadHeader,   // the file header is wrong (not a WAL file, or a newer version)
  };
  Kind kind = Kind::kClean;
  uint64_t good_end = 0;     // end of the last valid record (the truncation point)
  uint64_t records = 0;      // valid records before good_end
  uint64_t bad_offset = 0;   // kTornTail / kCorrupt: where the first bad record starts
  std::string reason;        // what was wrong with it
};

// Calls `on_record(payload, offset)` for every valid record before good_end, in order; a
// non-OK return stops the scan and is returned in *callback_status. `data` is the whole file.
template <class Fn>
ScanResult Scan(std::string_view data, Fn&& on_record, Status* callback_status);

// Whether a valid record starts at `offset`; if so, sets *end to its end and *payload.
bool RecordAt(std::string_view data, uint64_t offset, uint64_t* end, std::string_view* payload,
              std::string* reason);
// Whether any valid record starts after `offset`.
bool AnyValidRecordAfter(std::string_view data, uint64_t offset);
uint32_t Checksum(std::string_view covered);

template <class Fn>
ScanResult Scan(std::string_view data, Fn&& on_record, Status* callback_status) {
  ScanResult r;
  *callback_status = Status::Ok();
  if (data.size() < kFileHeaderSize) {
    // A crash right after creating the file: nothing was ever acknowledged from it.
    r.kind = data.empty() ? ScanResult::Kind::kClean : ScanResult::Kind::kTornTail;
    r.reason = "file shorter than its header";
    return r;
  }
  if (data.substr(0, kFileHeaderSize) != FileHeader()) {
    r.kind = ScanResult::Kind::kBadHeader;
    r.reason = "bad file header (not a Cardinal WAL file, or a newer format version)";
    return r;
  }
  uint64_t off = kFileHeaderSize;
  r.good_end = off;
  while (off < data.size()) {
    uint64_t end = 0;
    std::string_view payload;
    std::string reason;
    if (!RecordAt(data, off, &end, &payload, &reason)) {
      r.bad_offset = off;
      r.reason = std::move(reason);
      r.kind = AnyValidRecordAfter(data, off) ? ScanResult::Kind::kCorrupt
                                              : ScanResult::Kind::kTornTail;
      return r;
    }
    *callback_status = on_record(payload, off);
    if (!callback_status->ok()) return r;
    off = end;
    r.good_end = end;
    r.records++;
  }
  return r;
}

}  // namespace cardinal::persistence::wal
