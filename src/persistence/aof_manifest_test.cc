#include "persistence/aof_manifest.h"

#include <gtest/gtest.h>

namespace cardinal::persistence {
namespace {

TEST(AofManifestTest, FormatParseRoundTrip) {
  AofManifest m;
  m.base = AofManifest::File{AofManifest::BaseName("appendonly.aof", 3), 3};
  m.incrs.push_back({AofManifest::IncrName("appendonly.aof", 3), 3});
  m.incrs.push_back({AofManifest::IncrName("appendonly.aof", 4), 4});
  EXPECT_EQ(m.Format(),
            "file appendonly.aof.3.base.rdb seq 3 type b\n"
            "file appendonly.aof.3.incr.cwal seq 3 type i\n"
            "file appendonly.aof.4.incr.cwal seq 4 type i\n");
  AofManifest back;
  ASSERT_TRUE(AofManifest::Parse(m.Format(), &back).ok());
  EXPECT_EQ(back.Format(), m.Format());
  EXPECT_EQ(back.NextSeq(), 5u);
  EXPECT_EQ(AofManifest().NextSeq(), 1u);
}

TEST(AofManifestTest, AcceptsRedisSyntaxVariants) {
  AofManifest m;
  // Key order, comments, CRLF and Redis's history entries are all fine.
  ASSERT_TRUE(AofManifest::Parse("# comment\r\nseq 1 type b file a.1.base.rdb\r\n"
                                 "file old.aof seq 0 type h\nfile a.2.incr.cwal seq 2 type i\n",
                                 &m)
                  .ok());
  ASSERT_TRUE(m.base.has_value());
  EXPECT_EQ(m.base->name, "a.1.base.rdb");
  ASSERT_EQ(m.incrs.size(), 1u);
  EXPECT_EQ(m.incrs[0].seq, 2u);
}

TEST(AofManifestTest, RejectsBrokenManifests) {
  AofManifest m;
  EXPECT_FALSE(AofManifest::Parse("file a seq 1 type x\n", &m).ok());                 // type
  EXPECT_FALSE(AofManifest::Parse("file a seq -1 type i\n", &m).ok());                // seq
  EXPECT_FALSE(AofManifest::Parse("file a type i\n", &m).ok());                       // no seq
  EXPECT_FALSE(AofManifest::Parse("file ../x seq 1 type i\n", &m).ok());              // path
  EXPECT_FALSE(AofManifest::Parse("file a seq 2 type i\nfile b seq 1 type i\n", &m).ok());
  EXPECT_FALSE(AofManifest::Parse("file a seq 1 type i\nfile b seq 2 type b\n", &m).ok());
  EXPECT_FALSE(AofManifest::Parse("file a seq\n", &m).ok());                          // odd words
}

}  // namespace
}  // namespace cardinal::persistence
