#include "persistence/redis_encodings.h"

#include <fmt/format.h>

#include <bit>
#include <cstring>

#include "common/string_util.h"

namespace cardinal::persistence::redis_enc {

static_assert(std::endian::native == std::endian::little,
              "the blob formats are little-endian; loads below read them in host order");

namespace {

using Bytes = const unsigned char*;

template <class T>
T Load(Bytes p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

// A little-endian signed integer of `width` bytes (1, 2, 3, 4 or 8), sign-extended.
int64_t LoadSigned(Bytes p, unsigned width) {
  switch (width) {
    case 1: return static_cast<int8_t>(p[0]);
    case 2: return Load<int16_t>(p);
    case 3: {
      const uint32_t u = p[0] | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16);
      return static_cast<int32_t>(u << 8) >> 8;
    }
    case 4: return Load<int32_t>(p);
    default: return Load<int64_t>(p);
  }
}

Status Corrupt(std::string_view format, std::string_view what, uint64_t offset) {
  return Status::Corruption(fmt::format("{}: {} at offset {}", format, what, offset));
}

BlobElement Str(Bytes p, size_t n) {
  return BlobElement{std::string_view(reinterpret_cast<const char*>(p), n), 0, false};
}
BlobElement Int(int64_t v) { return BlobElement{{}, v, true}; }

// ---------------------------------------------------------------------------------------------
// Ziplist: [zlbytes u32][zltail u32][zllen u16] entries [0xFF]. Entry: prevlen (1 byte < 254,
// or 0xFE + u32), encoding (+ length), payload. zllen 0xFFFF means "count by walking".

constexpr size_t kZiplistHeader = 10;

// Parses the encoding at p[0..avail) (avail >= 1): sets *e and *size (encoding + payload bytes).
// Returns an empty string on success, else what is wrong.
std::string_view ZiplistEntry(Bytes p, size_t avail, BlobElement* e, size_t* size) {
  const unsigned char enc = p[0];
  size_t header = 0, len = 0;
  switch (enc >> 6) {
    case 0:
      header = 1;
      len = enc & 0x3F;
      break;
    case 1:
      if (avail < 2) return "string length cut off";
      header = 2;
      len = (size_t{enc & 0x3Fu} << 8) | p[1];
      break;
    case 2:
      if (avail < 5) return "string length cut off";
      header = 5;
      len = (size_t{p[1]} << 24) | (size_t{p[2]} << 16) | (size_t{p[3]} << 8) | p[4];
      break;
    default: {
      unsigned width;
      switch (enc) {
        case 0xC0: width = 2; break;
        case 0xD0: width = 4; break;
        case 0xE0: width = 8; break;
        case 0xF0: width = 3; break;
        case 0xFE: width = 1; break;
        default:
          if (enc >= 0xF1 && enc <= 0xFD) {  // 4-bit immediate 0..12, stored as 1..13
            *e = Int(enc - 0xF1);
            *size = 1;
            return {};
          }
          return "invalid entry encoding";
      }
      if (avail - 1 < width) return "integer runs past the end of the blob";
      *e = Int(LoadSigned(p + 1, width));
      *size = 1 + width;
      return {};
    }
  }
  if (len > avail - header) return "string runs past the end of the blob";
  *e = Str(p + header, len);
  *size = header + len;
  return {};
}

// ---------------------------------------------------------------------------------------------
// Listpack: [total bytes u32][count u16] elements [0xFF]. Element: encoding (+ length), payload,
// backlen = size of encoding + payload in 1..5 bytes. count 0xFFFF means "count by walking".

constexpr size_t kListpackHeader = 6;

// The backlen bytes for an element of `len` bytes, as the format's writer lays them out: the
// first byte holds the top bits, every later byte has bit 7 set (a reader walking backwards
// stops at the byte without it). The size thresholds are the writer's (16383 takes 3 bytes).
size_t EncodeBacklen(uint64_t len, unsigned char* out) {
  size_t n;
  if (len <= 127) {
    n = 1;
  } else if (len < 16383) {
    n = 2;
  } else if (len < 2097151) {
    n = 3;
  } else if (len < 268435455) {
    n = 4;
  } else {
    n = 5;
  }
  for (size_t i = 0; i < n; ++i) {
    const unsigned shift = static_cast<unsigned>(7 * (n - 1 - i));
    out[i] = static_cast<unsigned char>((len >> shift) & 127) | (i == 0 ? 0 : 128);
  }
  return n;
}

std::string_view ListpackEntry(Bytes p, size_t avail, BlobElement* e, size_t* size) {
  const unsigned char enc = p[0];
  if (enc < 0x80) {  // 7-bit unsigned integer
    *e = Int(enc);
    *size = 1;
    return {};
  }
  size_t header, len;
  if ((enc & 0xC0) == 0x80) {  // string of up to 63 bytes
    header = 1;
    len = enc & 0x3F;
  } else if ((enc & 0xE0) == 0xC0) {  // 13-bit signed integer
    if (avail < 2) return "integer runs past the end of the blob";
    const int64_t u = (int64_t{enc & 0x1F} << 8) | p[1];
    *e = Int(u >= 4096 ? u - 8192 : u);
    *size = 2;
    return {};
  } else if ((enc & 0xF0) == 0xE0) {  // string of up to 4095 bytes
    if (avail < 2) return "string length cut off";
    header = 2;
    len = (size_t{enc & 0x0Fu} << 8) | p[1];
  } else if (enc == 0xF0) {  // string with a 32-bit length
    if (avail < 5) return "string length cut off";
    header = 5;
    len = Load<uint32_t>(p + 1);
  } else if (enc >= 0xF1 && enc <= 0xF4) {  // 16, 24, 32, 64-bit integers
    static constexpr unsigned kWidth[] = {2, 3, 4, 8};
    const unsigned width = kWidth[enc - 0xF1];
    if (avail - 1 < width) return "integer runs past the end of the blob";
    *e = Int(LoadSigned(p + 1, width));
    *size = 1 + width;
    return {};
  } else if (enc == 0xFF) {
    return "end marker before the end of the blob";
  } else {
    return "invalid element encoding";
  }
  if (len > avail - header) return "string runs past the end of the blob";
  *e = Str(p + header, len);
  *size = header + len;
  return {};
}

}  // namespace

std::string_view BlobElement::View(char* scratch) const {
  if (!is_int) return str;
  return {scratch, FormatInt64(ival, scratch)};
}

size_t BlobElement::TextSize() const {
  if (!is_int) return str.size();
  char buf[kScratchSize];
  return FormatInt64(ival, buf);
}

Status DecodeZiplist(std::string_view blob, uint64_t base, std::vector<BlobElement>* out) {
  out->clear();
  const auto* p = reinterpret_cast<Bytes>(blob.data());
  const size_t size = blob.size();
  constexpr std::string_view kName = "ziplist";
  if (size < kZiplistHeader + 1) {
    return Corrupt(kName, fmt::format("{} bytes is shorter than an empty ziplist", size), base);
  }
  const uint32_t zlbytes = Load<uint32_t>(p);
  const uint32_t zltail = Load<uint32_t>(p + 4);
  const uint16_t zllen = Load<uint16_t>(p + 8);
  if (zlbytes != size) {
    return Corrupt(kName, fmt::format("header says {} bytes but the blob has {}", zlbytes, size),
                   base);
  }
  const size_t end = size - 1;
  if (p[end] != 0xFF) return Corrupt(kName, "missing end marker", base + end);
  size_t pos = kZiplistHeader, prev_size = 0, last = kZiplistHeader;
  while (pos < end) {
    const size_t start = pos;
    size_t prevlen;
    if (p[pos] == 0xFE) {
      if (end - pos < 5) return Corrupt(kName, "prevlen cut off", base + pos);
      prevlen = Load<uint32_t>(p + pos + 1);
      pos += 5;
    } else if (p[pos] == 0xFF) {
      return Corrupt(kName, "end marker before the end of the blob", base + pos);
    } else {
      prevlen = p[pos];
      pos += 1;
    }
    if (prevlen != prev_size) {
      return Corrupt(kName,
                     fmt::format("prevlen {} does not match the previous entry's {} bytes", prevlen,
                                 prev_size),
                     base + start);
    }
    if (pos >= end) return Corrupt(kName, "entry encoding cut off", base + start);
    BlobElement e;
    size_t entry_size;
    std::string_view err = ZiplistEntry(p + pos, end - pos, &e, &entry_size);
    if (!err.empty()) return Corrupt(kName, err, base + pos);
    out->push_back(e);
    pos += entry_size;
    prev_size = pos - start;
    last = start;
  }
  if (zltail != last) {
    return Corrupt(kName, fmt::format("tail offset {} but the last entry is at {}", zltail, last),
                   base + 4);
  }
  if (zllen != UINT16_MAX && zllen != out->size()) {
    return Corrupt(kName,
                   fmt::format("header counts {} entries but the blob has {}", zllen, out->size()),
                   base + 8);
  }
  return Status::Ok();
}

Status DecodeListpack(std::string_view blob, uint64_t base, std::vector<BlobElement>* out) {
  out->clear();
  const auto* p = reinterpret_cast<Bytes>(blob.data());
  const size_t size = blob.size();
  constexpr std::string_view kName = "listpack";
  if (size < kListpackHeader + 1) {
    return Corrupt(kName, fmt::format("{} bytes is shorter than an empty listpack", size), base);
  }
  const uint32_t total = Load<uint32_t>(p);
  const uint16_t count = Load<uint16_t>(p + 4);
  if (total != size) {
    return Corrupt(kName, fmt::format("header says {} bytes but the blob has {}", total, size),
                   base);
  }
  const size_t end = size - 1;
  if (p[end] != 0xFF) return Corrupt(kName, "missing end marker", base + end);
  size_t pos = kListpackHeader;
  while (pos < end) {
    BlobElement e;
    size_t entry_size;
    std::string_view err = ListpackEntry(p + pos, end - pos, &e, &entry_size);
    if (!err.empty()) return Corrupt(kName, err, base + pos);
    unsigned char backlen[5];
    const size_t bl = EncodeBacklen(entry_size, backlen);
    const size_t at = pos + entry_size;
    if (end - at < bl) return Corrupt(kName, "backlen runs past the end of the blob", base + at);
    if (std::memcmp(p + at, backlen, bl) != 0) {
      return Corrupt(kName, fmt::format("backlen does not match the element's {} bytes", entry_size),
                     base + at);
    }
    out->push_back(e);
    pos = at + bl;
  }
  if (count != UINT16_MAX && count != out->size()) {
    return Corrupt(kName,
                   fmt::format("header counts {} elements but the blob has {}", count, out->size()),
                   base + 4);
  }
  return Status::Ok();
}

// Zipmap (Redis < 2.6 hashes): [count u8, 254 = unknown] then per pair: key length, key,
// value length, free u8, value, `free` unused bytes; [0xFF]. A length is one byte below 254, or
// 254 followed by a little-endian u32.
Status DecodeZipmap(std::string_view blob, uint64_t base, std::vector<BlobElement>* out) {
  out->clear();
  const auto* p = reinterpret_cast<Bytes>(blob.data());
  const size_t size = blob.size();
  constexpr std::string_view kName = "zipmap";
  if (size < 2) return Corrupt(kName, fmt::format("{} bytes is shorter than an empty zipmap", size), base);
  const size_t end = size - 1;
  if (p[end] != 0xFF) return Corrupt(kName, "missing end marker", base + end);
  const unsigned header_count = p[0];
  size_t pos = 1;
  // Reads a length at pos; returns what is wrong when it is cut off or is the end marker.
  auto read_len = [&](size_t* len) -> std::string_view {
    if (pos >= end) return "length cut off";
    if (p[pos] < 254) {
      *len = p[pos++];
      return {};
    }
    if (p[pos] == 0xFF) return "end marker inside a pair";
    if (end - pos < 5) return "length cut off";
    *len = Load<uint32_t>(p + pos + 1);
    pos += 5;
    return {};
  };
  while (pos < end) {
    size_t klen, vlen;
    const size_t kpos = pos;
    std::string_view err = read_len(&klen);
    if (!err.empty()) return Corrupt(kName, err, base + kpos);
    if (klen > end - pos) return Corrupt(kName, "key runs past the end of the blob", base + kpos);
    const BlobElement key = Str(p + pos, klen);
    pos += klen;
    const size_t vpos = pos;
    err = read_len(&vlen);
    if (!err.empty()) return Corrupt(kName, err, base + vpos);
    if (pos >= end) return Corrupt(kName, "free byte cut off", base + pos);
    const size_t free = p[pos++];
    if (vlen > end - pos || free > end - pos - vlen) {
      return Corrupt(kName, "value runs past the end of the blob", base + vpos);
    }
    out->push_back(key);
    out->push_back(Str(p + pos, vlen));
    pos += vlen + free;
  }
  const size_t pairs = out->size() / 2;
  if (header_count < 254 && header_count != pairs) {
    return Corrupt(kName, fmt::format("header counts {} pairs but the blob has {}", header_count, pairs),
                   base);
  }
  return Status::Ok();
}

// Intset: [width u32: 2, 4 or 8][count u32] then `count` little-endian integers of that width,
// strictly ascending.
Status DecodeIntset(std::string_view blob, uint64_t base, std::vector<int64_t>* out) {
  out->clear();
  const auto* p = reinterpret_cast<Bytes>(blob.data());
  constexpr std::string_view kName = "intset";
  if (blob.size() < 8) return Corrupt(kName, "header cut off", base);
  const uint32_t width = Load<uint32_t>(p);
  const uint32_t count = Load<uint32_t>(p + 4);
  if (width != 2 && width != 4 && width != 8) {
    return Corrupt(kName, fmt::format("invalid element width {}", width), base);
  }
  if ((blob.size() - 8) / width != count || (blob.size() - 8) % width != 0) {
    return Corrupt(kName,
                   fmt::format("header counts {} members of {} bytes but the blob has {} bytes",
                               count, width, blob.size()),
                   base + 4);
  }
  out->reserve(count);
  for (size_t i = 0; i < count; ++i) {
    const int64_t v = LoadSigned(p + 8 + i * width, width);
    if (i > 0 && v <= out->back()) {
      return Corrupt(kName, "members not in strictly ascending order", base + 8 + i * width);
    }
    out->push_back(v);
  }
  return Status::Ok();
}

}  // namespace cardinal::persistence::redis_enc
