#include "storage/keyspace.h"

#include <gtest/gtest.h>

namespace cardinal::storage {
namespace {

// While a snapshot child runs, the parent's writes must land on fresh memory: an overwrite makes
// a new entry (the old one stays intact for the child) and removed entries are only freed after
// the child is gone.
TEST(KeyspaceTest, ForkChildModeKeepsOldEntriesUntouched) {
  Keyspace ks(1, nullptr);
  Db db(&ks, 0, 1000, nullptr);
  ASSERT_FALSE(db.Upsert(Entry::NewString("k", "aaaa", -1)));
  Entry* before = db.Find("k");
  ASSERT_NE(before, nullptr);

  // Outside child mode a same-size overwrite is in place.
  EXPECT_TRUE(db.OverwriteString(before, "bbbb", -1));
  EXPECT_EQ(db.Find("k"), before);

  ks.set_fork_child_active(true);
  EXPECT_FALSE(db.OverwriteString(before, "cccc", -1));
  EXPECT_EQ(before->str_view(), "bbbb");
  EXPECT_TRUE(db.UpsertFound(Entry::NewString("k", "cccc", -1), before));
  Entry* after = db.Find("k");
  EXPECT_NE(after, before);
  EXPECT_EQ(after->str_view(), "cccc");
  EXPECT_EQ(before->str_view(), "bbbb");  // still allocated and unchanged: the child's view
  EXPECT_TRUE(db.Delete("k"));
  size_t deferred = 0;
  for (unsigned i = 0; i < kShardCount; i++) deferred += ks.shard(i).deferred_frees.size();
  EXPECT_EQ(deferred, 2u);

  ks.set_fork_child_active(false);
  ks.ReleaseDeferredFrees();  // no lazy freer: freed right here (ASan checks the frees)
  deferred = 0;
  for (unsigned i = 0; i < kShardCount; i++) deferred += ks.shard(i).deferred_frees.size();
  EXPECT_EQ(deferred, 0u);
  EXPECT_EQ(ks.UsedBytes(), 0);
}

}  // namespace
}  // namespace cardinal::storage
