// Constants of Redis's RDB file format (version 10, as Redis 7.0 writes it). Names follow the
// format's documented names so the reader and writer can be checked against the format notes in
// docs/PERSISTENCE.md. Everything multi-byte is little-endian unless noted.
//
// File: "REDIS" + 4 ASCII digits of the version, then opcodes/objects, then kOpEof and an 8-byte
// CRC-64 (crc64.h) of every preceding byte (0 when written with rdbchecksum no).
#pragma once

#include <cstdint>

namespace cardinal::persistence::rdb {

inline constexpr int kVersion = 10;        // what Redis 7.0 writes and what we write
inline constexpr int kMinLoadVersion = 1;  // oldest format we read
inline constexpr int kMaxLoadVersion = 10;

// Object types (the byte before a key).
enum Type : uint8_t {
  kTypeString = 0,
  kTypeList = 1,               // length + strings (old linked list)
  kTypeSet = 2,                // length + strings
  kTypeZSet = 3,               // length + (member, score as decimal string)
  kTypeHash = 4,               // length + (field, value)
  kTypeZSet2 = 5,              // length + (member, score as binary little-endian double)
  kTypeModule = 6,             // unsupported
  kTypeModule2 = 7,            // unsupported
  kTypeHashZipmap = 9,         // string blob: zipmap (Redis < 2.6)
  kTypeListZiplist = 10,       // string blob: ziplist
  kTypeSetIntset = 11,         // string blob: intset
  kTypeZSetZiplist = 12,       // string blob: ziplist of member, score
  kTypeHashZiplist = 13,       // string blob: ziplist of field, value
  kTypeListQuicklist = 14,     // length + ziplist blobs
  kTypeStreamListpacks = 15,   // unsupported (no streams yet)
  kTypeHashListpack = 16,      // string blob: listpack of field, value
  kTypeZSetListpack = 17,      // string blob: listpack of member, score
  kTypeListQuicklist2 = 18,    // length + (container, blob): container 1 plain, 2 packed listpack
  kTypeStreamListpacks2 = 19,  // unsupported (no streams yet)
};

inline constexpr uint8_t kQuicklistNodePlain = 1;
inline constexpr uint8_t kQuicklistNodePacked = 2;

// Opcodes (a byte where a type would be).
enum Opcode : uint8_t {
  kOpFunction2 = 245,      // Redis 7.0 function library
  kOpFunction = 246,       // pre-GA function format
  kOpModuleAux = 247,
  kOpIdle = 248,           // length: LRU idle seconds of the next key
  kOpFreq = 249,           // 1 byte: LFU counter of the next key
  kOpAux = 250,            // string key, string value
  kOpResizeDb = 251,       // length db_size, length expires_size
  kOpExpireTimeMs = 252,   // 8-byte ms unix time of the next key
  kOpExpireTime = 253,     // 4-byte seconds unix time of the next key
  kOpSelectDb = 254,       // length db index
  kOpEof = 255,
};

// Length encoding: the top two bits of the first byte.
//   00xxxxxx                 6-bit length
//   01xxxxxx xxxxxxxx        14-bit length (big-endian)
//   10000000 + 4 bytes       32-bit length (big-endian)
//   10000001 + 8 bytes       64-bit length (big-endian)
//   11xxxxxx                 special string encoding in the low 6 bits:
inline constexpr uint8_t kLen6Bit = 0;
inline constexpr uint8_t kLen14Bit = 1;
inline constexpr uint8_t kLen32Bit = 0x80;
inline constexpr uint8_t kLen64Bit = 0x81;
inline constexpr uint8_t kLenEncVal = 3;
inline constexpr uint8_t kEncInt8 = 0;   // 1-byte signed integer string
inline constexpr uint8_t kEncInt16 = 1;  // 2-byte little-endian signed integer string
inline constexpr uint8_t kEncInt32 = 2;  // 4-byte little-endian signed integer string
inline constexpr uint8_t kEncLzf = 3;    // length compressed, length plain, LZF bytes

}  // namespace cardinal::persistence::rdb
