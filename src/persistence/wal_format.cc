#include "persistence/wal_format.h"

#include <xxhash.h>

#include <cstring>

#include <fmt/format.h>

namespace cardinal::persistence::wal {
namespace {

void PutU32(std::string* out, uint32_t v) {
  char b[4];
  std::memcpy(b, &v, 4);  // little-endian host
  out->append(b, 4);
}

uint32_t GetU32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

void PutVarint(std::string* out, uint64_t v) {
  char b[10];
  size_t n = 0;
  while (v >= 0x80) {
    b[n++] = static_cast<char>((v & 0x7F) | 0x80);
    v >>= 7;
  }
  b[n++] = static_cast<char>(v);
  out->append(b, n);
}

bool GetVarint(std::string_view* in, uint64_t* v) {
  uint64_t result = 0;
  for (unsigned shift = 0, i = 0; i < 10 && i < in->size(); i++, shift += 7) {
    uint8_t byte = static_cast<uint8_t>((*in)[i]);
    if (i == 9 && byte > 1) return false;  // more than 64 bits
    result |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) {
      in->remove_prefix(i + 1);
      *v = result;
      return true;
    }
  }
  return false;
}

size_t VarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    n++;
  }
  return n;
}

size_t CommandSize(const storage::PropagatedCommand& c) {
  size_t n = VarintSize(static_cast<uint64_t>(c.db)) + VarintSize(c.argv.size());
  for (const auto& a : c.argv) n += VarintSize(a.size()) + a.size();
  return n;
}

// Appends one record holding commands [begin, end) of the batch.
void AppendRecord(const std::vector<storage::PropagatedCommand>& batch, size_t begin, size_t end,
                  std::string* out) {
  size_t start = out->size();
  PutU32(out, 0);  // checksum, filled in below
  PutU32(out, 0);  // length, filled in below
  out->push_back(static_cast<char>(kTypeCommandBatch));
  size_t payload_start = out->size();
  PutVarint(out, end - begin);
  for (size_t i = begin; i < end; i++) {
    const auto& c = batch[i];
    PutVarint(out, static_cast<uint64_t>(c.db));
    PutVarint(out, c.argv.size());
    for (const auto& a : c.argv) {
      PutVarint(out, a.size());
      out->append(a);
    }
  }
  uint32_t len = static_cast<uint32_t>(out->size() - payload_start);
  std::memcpy(out->data() + start + 4, &len, 4);
  uint32_t sum = Checksum(std::string_view(out->data() + start + 4, out->size() - start - 4));
  std::memcpy(out->data() + start, &sum, 4);
}

}  // namespace

uint32_t Checksum(std::string_view covered) {
  return static_cast<uint32_t>(XXH3_64bits(covered.data(), covered.size()));
}

std::string FileHeader() {
  std::string h(kMagic);
  PutU32(&h, kFormatVersion);
  return h;
}

size_t AppendBatch(const std::vector<storage::PropagatedCommand>& batch, std::string* out) {
  if (batch.empty()) return 0;
  size_t records = 0, begin = 0, size = 10;  // 10: the count varint at most
  for (size_t i = 0; i < batch.size(); i++) {
    size_t cs = CommandSize(batch[i]);
    if (i > begin && size + cs > kMaxPayload) {
      AppendRecord(batch, begin, i, out);
      records++;
      begin = i;
      size = 10;
    }
    size += cs;
  }
  AppendRecord(batch, begin, batch.size(), out);
  return records + 1;
}

Status DecodeBatch(std::string_view payload, std::vector<storage::PropagatedCommand>* batch) {
  batch->clear();
  auto bad = [](std::string_view what) {
    return Status::Corruption(fmt::format("malformed command batch: {}", what));
  };
  uint64_t count = 0;
  if (!GetVarint(&payload, &count) || count == 0) return bad("command count");
  // Each command takes at least 3 bytes (db, argc, one length): a count beyond that is a lie.
  if (count > payload.size() / 3) return bad("command count larger than the record");
  batch->resize(count);
  for (auto& cmd : *batch) {
    uint64_t db = 0, argc = 0;
    if (!GetVarint(&payload, &db) || db > INT32_MAX) return bad("database index");
    if (!GetVarint(&payload, &argc) || argc == 0 || argc > payload.size()) {
      return bad("argument count");
    }
    cmd.db = static_cast<int>(db);
    cmd.argv.resize(argc);
    for (auto& arg : cmd.argv) {
      uint64_t len = 0;
      if (!GetVarint(&payload, &len) || len > payload.size()) return bad("argument length");
      arg.assign(payload.data(), len);
      payload.remove_prefix(len);
    }
  }
  if (!payload.empty()) return bad("trailing bytes");
  return Status::Ok();
}

bool RecordAt(std::string_view data, uint64_t offset, uint64_t* end, std::string_view* payload,
              std::string* reason) {
  if (data.size() - offset < kRecordHeaderSize) {
    *reason = "incomplete record header";
    return false;
  }
  const char* p = data.data() + offset;
  uint32_t sum = GetU32(p);
  uint64_t len = GetU32(p + 4);
  if (len > data.size() - offset - kRecordHeaderSize) {
    *reason = fmt::format("record length {} runs past the end of the file", len);
    return false;
  }
  if (static_cast<uint8_t>(p[8]) != kTypeCommandBatch) {
    *reason = fmt::format("unknown record type {}", static_cast<uint8_t>(p[8]));
    return false;
  }
  if (Checksum(std::string_view(p + 4, len + 5)) != sum) {
    *reason = "checksum mismatch";
    return false;
  }
  *payload = std::string_view(p + kRecordHeaderSize, len);
  *end = offset + kRecordHeaderSize + len;
  return true;
}

bool AnyValidRecordAfter(std::string_view data, uint64_t offset) {
  for (uint64_t y = offset + 1; y + kRecordHeaderSize <= data.size(); y++) {
    // Cheap filters first: the type byte and the length bound reject almost every offset.
    if (static_cast<uint8_t>(data[y + 8]) != kTypeCommandBatch) continue;
    uint64_t end = 0;
    std::string_view payload;
    std::string reason;
    if (RecordAt(data, y, &end, &payload, &reason)) return true;
  }
  return false;
}

}  // namespace cardinal::persistence::wal
