#include "persistence/wal_format.h"

#include <gtest/gtest.h>

#include <random>

namespace cardinal::persistence::wal {
namespace {

using storage::PropagatedCommand;

std::vector<PropagatedCommand> Cmd(int db, std::vector<std::string> argv) {
  return {PropagatedCommand{db, std::move(argv)}};
}

// A file of `n` single-command records; offsets[i] is where record i starts.
std::string MakeFile(int n, std::vector<uint64_t>* offsets) {
  std::string f = FileHeader();
  for (int i = 0; i < n; i++) {
    offsets->push_back(f.size());
    AppendBatch(Cmd(i % 3, {"SET", "key:" + std::to_string(i), std::string(i % 40, 'v')}), &f);
  }
  return f;
}

ScanResult ScanAll(std::string_view data, std::vector<std::vector<PropagatedCommand>>* out) {
  Status cb;
  return Scan(
      data,
      [&](std::string_view payload, uint64_t) {
        std::vector<PropagatedCommand> batch;
        Status s = DecodeBatch(payload, &batch);
        if (s.ok()) out->push_back(std::move(batch));
        return s;
      },
      &cb);
}

TEST(WalFormatTest, HeaderIsDocumentedBytes) {
  EXPECT_EQ(FileHeader(), std::string("CWAL\x01\x00\x00\x00", 8));
}

TEST(WalFormatTest, RecordLayoutMatchesTheDocument) {
  std::string out;
  AppendBatch(Cmd(2, {"SET", "k", "v"}), &out);
  // payload: count=1, db=2, argc=3, then (len, bytes) x 3
  std::string payload("\x01\x02\x03\x03SET\x01k\x01v", 11);
  ASSERT_EQ(out.size(), kRecordHeaderSize + payload.size());
  EXPECT_EQ(out.substr(9), payload);
  EXPECT_EQ(static_cast<uint8_t>(out[4]), payload.size());
  EXPECT_EQ(out.substr(5, 3), std::string(3, '\0'));
  EXPECT_EQ(out[8], 1);
  uint32_t sum;
  memcpy(&sum, out.data(), 4);
  EXPECT_EQ(sum, Checksum(std::string_view(out).substr(4)));
}

TEST(WalFormatTest, RoundTripBatchesWithBinaryAndLargeArguments) {
  std::vector<PropagatedCommand> batch = {
      {0, {"MULTI-PART", std::string("\0\r\n\xff", 4)}},
      {15, {"SET", "big", std::string(300000, 'x')}},
      {1000, {"X"}},
  };
  std::string f = FileHeader();
  AppendBatch(batch, &f);
  std::vector<std::vector<PropagatedCommand>> got;
  ScanResult r = ScanAll(f, &got);
  EXPECT_EQ(r.kind, ScanResult::Kind::kClean);
  ASSERT_EQ(got.size(), 1u);
  ASSERT_EQ(got[0].size(), 3u);
  for (size_t i = 0; i < 3; i++) {
    EXPECT_EQ(got[0][i].db, batch[i].db);
    EXPECT_EQ(got[0][i].argv, batch[i].argv);
  }
}

TEST(WalFormatTest, EveryTruncationIsATornTailAtTheLastWholeRecord) {
  std::vector<uint64_t> offsets;
  std::string f = MakeFile(20, &offsets);
  for (size_t cut = kFileHeaderSize; cut < f.size(); cut++) {
    std::vector<std::vector<PropagatedCommand>> got;
    ScanResult r = ScanAll(std::string_view(f).substr(0, cut), &got);
    size_t whole = 0;
    while (whole < offsets.size() && (whole + 1 < offsets.size() ? offsets[whole + 1] : f.size()) <= cut) whole++;
    uint64_t expect_end = whole == 0 ? kFileHeaderSize : (whole < offsets.size() ? offsets[whole] : f.size());
    if (cut == expect_end) {
      EXPECT_EQ(r.kind, ScanResult::Kind::kClean) << cut;
    } else {
      EXPECT_EQ(r.kind, ScanResult::Kind::kTornTail) << cut;
    }
    EXPECT_EQ(r.good_end, expect_end) << cut;
    EXPECT_EQ(got.size(), whole) << cut;
  }
}

// A flipped bit anywhere is detected: in the last record it reads as a torn tail (an exact
// prefix survives); anywhere else the file is refused as corrupt at that record.
TEST(WalFormatTest, EveryFlippedBitIsDetected) {
  std::vector<uint64_t> offsets;
  std::string f = MakeFile(12, &offsets);
  for (size_t pos = kFileHeaderSize; pos < f.size(); pos++) {
    for (int bit : {0, 3, 7}) {
      std::string g = f;
      g[pos] = static_cast<char>(g[pos] ^ (1 << bit));
      size_t rec = 0;
      while (rec + 1 < offsets.size() && offsets[rec + 1] <= pos) rec++;
      std::vector<std::vector<PropagatedCommand>> got;
      ScanResult r = ScanAll(g, &got);
      ASSERT_NE(r.kind, ScanResult::Kind::kClean) << pos << "/" << bit;
      EXPECT_EQ(r.bad_offset, offsets[rec]) << pos;
      EXPECT_EQ(got.size(), rec) << pos;
      if (rec + 1 == offsets.size()) {
        EXPECT_EQ(r.kind, ScanResult::Kind::kTornTail) << pos;
      } else {
        EXPECT_EQ(r.kind, ScanResult::Kind::kCorrupt) << pos;
      }
    }
  }
}

TEST(WalFormatTest, AppendedGarbageIsATornTail) {
  std::vector<uint64_t> offsets;
  std::string f = MakeFile(5, &offsets);
  std::mt19937 rng(7);
  for (int trial = 0; trial < 50; trial++) {
    std::string g = f;
    size_t n = 1 + rng() % 3000;
    for (size_t i = 0; i < n; i++) g.push_back(static_cast<char>(rng()));
    std::vector<std::vector<PropagatedCommand>> got;
    ScanResult r = ScanAll(g, &got);
    EXPECT_EQ(r.kind, ScanResult::Kind::kTornTail);
    EXPECT_EQ(r.good_end, f.size());
    EXPECT_EQ(got.size(), 5u);
  }
  std::string zeros = f + std::string(4096, '\0');  // a crash after the size grew
  std::vector<std::vector<PropagatedCommand>> got;
  EXPECT_EQ(ScanAll(zeros, &got).kind, ScanResult::Kind::kTornTail);
}

TEST(WalFormatTest, BadHeaderAndShortFiles) {
  std::vector<std::vector<PropagatedCommand>> got;
  EXPECT_EQ(ScanAll("", &got).kind, ScanResult::Kind::kClean);
  EXPECT_EQ(ScanAll("CWA", &got).kind, ScanResult::Kind::kTornTail);
  EXPECT_EQ(ScanAll(std::string("CWAL\x02\x00\x00\x00", 8), &got).kind,
            ScanResult::Kind::kBadHeader);
  EXPECT_EQ(ScanAll("*2\r\n$6\r\nSELECT\r\n", &got).kind, ScanResult::Kind::kBadHeader);
}

TEST(WalFormatTest, MalformedPayloadsAreRejected) {
  std::vector<PropagatedCommand> batch;
  EXPECT_FALSE(DecodeBatch("", &batch).ok());
  EXPECT_FALSE(DecodeBatch(std::string("\x00", 1), &batch).ok());                 // count 0
  EXPECT_FALSE(DecodeBatch(std::string("\x01\x00\x01\x05" "ab", 6), &batch).ok());  // short arg
  EXPECT_FALSE(DecodeBatch(std::string("\x01\x00\x01\x01" "ab", 6), &batch).ok());  // trailing
  EXPECT_FALSE(DecodeBatch(std::string("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f", 10), &batch).ok());
  EXPECT_TRUE(DecodeBatch(std::string("\x01\x00\x01\x02" "ab", 6), &batch).ok());
}

}  // namespace
}  // namespace cardinal::persistence::wal
