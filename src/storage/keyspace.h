// Keyspace: all databases, split into lock-striped shards.
//
// Threading model (docs/ARCHITECTURE.md, "Threads"): a key belongs to the shard named by the top
// kShardBits of its hash. Each shard has a mutex and, per database, a SegmentedTable of entries
// and an ExpireIndex. Any worker thread may run a command on any shard after locking it; a
// multi-key command locks all its shards in ascending order (no deadlock), so it is atomic. With
// 64 shards, single-key commands on different keys rarely meet on one lock, and with one thread
// the uncontended lock costs ~20 ns, which we measured as a few % of a GET.
//
// Command code never locks directly: it goes through server::CommandContext::Run (the scheduling
// seam), which locks, builds a Db view, runs the shard-local operation, hands propagation records
// to the Propagator and unlocks. Db is the only way to read or change entries; every mutation
// goes through it so watched keys, the expire index, memory accounting and stats stay in step.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>
#include <condition_variable>
#include <thread>

#include "core/expire_index.h"
#include "core/hash.h"
#include "core/segmented_table.h"
#include "storage/blocking.h"
#include "storage/entry.h"
#include "storage/propagation.h"

namespace cardinal::storage {

class LazyFreer;

inline constexpr unsigned kShardBits = 6;
inline constexpr unsigned kShardCount = 1u << kShardBits;
using ShardMask = uint64_t;  // bit i = shard i; kShardCount must stay <= 64
static_assert(kShardCount <= 64);

inline unsigned ShardOfHash(uint64_t hash) { return static_cast<unsigned>(hash >> (64 - kShardBits)); }
inline unsigned ShardOf(std::string_view key) { return ShardOfHash(core::HashKey(key)); }

// Set by a client that WATCHes keys; any write to a watched key sets it (EXEC then aborts).
struct WatchFlag {
  std::atomic<bool> dirty{false};
};

using KeyTable = core::SegmentedTable<Entry, EntryKeyTraits>;
using ExpireSet = core::ExpireIndex<Entry, EntryExpireTraits>;

struct DbTable {
  DbTable() : keys(kShardBits) {}
  KeyTable keys;
  ExpireSet expires;
};

// key -> clients watching it, per database. Kept apart from DbTable because registrations stay
// with the database index when FLUSHDB or SWAPDB replace the data. Usually empty, so the write
// path costs one empty() check.
using WatchMap = std::unordered_map<std::string, std::vector<WatchFlag*>>;

// Counters that INFO sums over shards. Written under the shard lock, read without it.
struct ShardStats {
  std::atomic<uint64_t> keyspace_hits{0};
  std::atomic<uint64_t> keyspace_misses{0};
  std::atomic<uint64_t> expired_keys{0};
  std::atomic<uint64_t> expired_stale_perc{0};
  std::atomic<int64_t> used_bytes{0};
  std::atomic<uint64_t> dirty{0};  // writes since the last save (rdb_changes_since_last_save)
};

class Shard {
 public:
  explicit Shard(int num_dbs);
  std::mutex mu;
  std::vector<std::unique_ptr<DbTable>> dbs;  // GUARDED_BY(mu)
  std::vector<WatchMap> watchers;              // GUARDED_BY(mu), one per db
  std::vector<BlockingMap> blocked;            // GUARDED_BY(mu), one per db (blocking.h)
  // Entries removed while a forked snapshot child runs: freeing writes into their blocks, which
  // would copy their pages for the child, so they wait for the child to exit.
  std::vector<Entry*> deferred_frees;          // GUARDED_BY(mu)
  ShardStats stats;
};

class Keyspace {
 public:
  Keyspace(int num_dbs, LazyFreer* lazy_freer);
  ~Keyspace();

  int num_dbs() const { return num_dbs_; }
  Shard& shard(unsigned i) { return *shards_[i]; }
  Propagator& propagator() { return propagator_; }
  LazyFreer* lazy_freer() { return lazy_freer_; }

  // Lock helpers: lock every shard in `mask` in ascending order.
  void Lock(ShardMask mask);
  void Unlock(ShardMask mask);
  static constexpr ShardMask kAllShards = ~ShardMask{0} >> (64 - kShardCount);

  // Prefetch hints for the keys of a pipelined batch (SegmentedTable::PrefetchSlot/Entry), so
  // their cache misses overlap. With a single worker thread no other thread modifies live
  // tables, so hints read them without the lock; otherwise a busy shard is skipped (try_lock).
  // Flipped once, when loading ends (no command holds a shard lock then: see Server::LoadData).
  void set_single_worker(bool v) { single_worker_.store(v, std::memory_order_relaxed); }
  void PrefetchSlots(int db, const uint64_t* hashes, size_t n);
  void PrefetchEntries(int db, const uint64_t* hashes, size_t n);

  // While a forked child writes a snapshot, every page the parent writes is copied for the
  // child. So meanwhile reads do not refresh the LRU clock (Redis skips it for the same reason),
  // overwrites allocate fresh entries instead of writing in place, and removed entries are freed
  // only after the child exits (Shard::deferred_frees): the parent's writes land on new pages.
  // REQUIRES for set_fork_child_active: every shard locked.
  void set_fork_child_active(bool v) { fork_child_active_.store(v, std::memory_order_relaxed); }
  bool fork_child_active() const { return fork_child_active_.load(std::memory_order_relaxed); }
  // After the child exited: hands the deferred entries to the lazy-free thread.
  void ReleaseDeferredFrees();
  // Totals without locks (INFO, DBSIZE).
  size_t KeyCount(int db) const;
  size_t ExpiresCount(int db) const;
  uint64_t SumStat(std::atomic<uint64_t> ShardStats::*field) const;
  int64_t UsedBytes() const;

 private:
  int num_dbs_;
  std::array<std::unique_ptr<Shard>, kShardCount> shards_;
  Propagator propagator_;
  LazyFreer* lazy_freer_;
  std::atomic<bool> single_worker_{false};
  std::atomic<bool> fork_child_active_{false};
};

// A view of one database through the shards the current command has locked. Valid only inside
// CommandContext::Run (or another holder of the locks). `now_ms` is fixed for the whole command,
// as in Redis, so one command sees one consistent moment for expiry.
class Db {
 public:
  Db(Keyspace* ks, int db, int64_t now_ms, std::vector<PropagatedCommand>* propagation,
     std::vector<ReadyKey>* ready_keys = nullptr)
      : ks_(ks), db_(db), now_ms_(now_ms), propagation_(propagation), ready_keys_(ready_keys) {}

  int index() const { return db_; }
  int64_t now_ms() const { return now_ms_; }
  Keyspace& keyspace() { return *ks_; }
  // Switches the view to another database (MOVE, COPY ... DB n, SWAPDB in EXEC).
  Db WithDb(int db) const { return Db(ks_, db, now_ms_, propagation_, ready_keys_); }

  // Lookup with lazy expiry: an expired key is deleted (and DEL propagated) and reported absent.
  // FindRead also counts keyspace hits/misses, as Redis's lookupKeyRead does.
  Entry* FindRead(std::string_view key);
  Entry* Find(std::string_view key);
  // Lookup without expiring or counting (SCAN filtering, debug).
  Entry* Peek(std::string_view key);

  // Inserts `e` (owning it), replacing any existing entry of the same key. Returns true if a key
  // was replaced. The old entry is freed (lazily when large).
  bool Upsert(Entry* e);
  // Upsert when the caller has just looked the key up with Find/FindRead in this operation:
  // `found` is what that returned, so the table is not probed twice (SET's hot path).
  bool UpsertFound(Entry* e, Entry* found);
  // SET semantics on a live string entry `e` without reallocating it, when the value fits its
  // block and the TTL state does not change (expire_at_ms < 0: none). Returns false when a new
  // entry is needed (the caller then uses UpsertFound).
  bool OverwriteString(Entry* e, std::string_view value, int64_t expire_at_ms);
  // `new_entry` (same key) takes the place of `old_entry`, which is freed. TTL state follows the
  // new entry; watchers are touched and memory accounting adjusted.
  void Replace(Entry* old_entry, Entry* new_entry);
  // Removes and frees the key. Returns false if absent.
  bool Delete(std::string_view key);
  // Removes the key and returns its entry without freeing it (RENAME, MOVE).
  Entry* Detach(std::string_view key);
  // Sets/clears the TTL of `e` (which may be reallocated; the new pointer is returned).
  Entry* SetExpire(Entry* e, int64_t expire_at_ms);
  Entry* Persist(Entry* e);
  // Marks the key modified: dirties WATCHers (Redis's signalModifiedKey) and counts one change
  // for rdb_changes_since_last_save. Mutations above do this themselves; in-place value changes
  // (INCR, APPEND) must call it.
  void Touch(std::string_view key);
  // Account `delta` bytes of value growth done in place.
  void AdjustMemory(std::string_view key, int64_t delta);
  // Touch + AdjustMemory with one hash of the key (an in-place collection write).
  void TouchAndAdjust(std::string_view key, int64_t delta);
  // Counts changes that touch no single key (FLUSHALL, SWAPDB). Prefer Touch.
  void AddDirty(uint64_t n = 1);

  // Propagation (see propagation.h). Cheap no-op when nothing listens.
  bool propagating() const { return ks_->propagator().active(); }
  void Propagate(std::vector<std::string> argv);

  // Blocked clients (blocking.h). Register adds `bc` to the queue of each of its keys; the
  // caller holds the shards of all of them. Unregister removes it from every key it waits for;
  // REQUIRES: the shard of `key` locked (UnregisterKey) — the server calls it per key.
  void RegisterBlocked(const std::shared_ptr<BlockedClient>& bc);
  void UnregisterBlockedKey(const BlockedClient* bc, std::string_view key);
  // Records `key` as ready if clients wait for it (called when a list/zset key is created).
  void SignalReady(std::string_view key, Shard& s);
  // After SWAPDB: records as ready every key of this database that has waiters and now holds a
  // list or sorted set. REQUIRES: all shards locked.
  void SignalWaitedKeysPresent();

  // Whole-database operations. REQUIRE: all shards locked.
  size_t Size() const;
  void Flush(bool async);

  // Expires up to `samples` random volatile keys of this shard; returns how many it expired.
  // REQUIRES: shard `shard_index` locked.
  size_t ActiveExpireSample(unsigned shard_index, unsigned samples, uint64_t* rng);

  DbTable& table_of_shard(unsigned shard_index) { return *ks_->shard(shard_index).dbs[db_]; }
  DbTable& table(std::string_view key, uint64_t hash) {
    return *ks_->shard(ShardOfHash(hash)).dbs[db_];
  }
  Shard& shard_of(uint64_t hash) { return ks_->shard(ShardOfHash(hash)); }

 private:
  void ExpireNow(DbTable& t, Shard& s, Entry* e, uint64_t hash);
  // Lookup with lazy expiry in the shard `s` that owns `key` (hash `h`).
  Entry* FindLive(std::string_view key, uint64_t h, Shard& s);
  bool UpsertImpl(Entry* e, uint64_t hash, Entry* old);
  void FreeEntry(Shard& s, Entry* e);
  // Frees a detached entry (accounting already done): now, on the lazy-free thread, or after a
  // snapshot child exits.
  void Dispose(Shard& s, Entry* e);
  void TouchIn(Shard& s, std::string_view key);

  Keyspace* ks_;
  int db_;
  int64_t now_ms_;
  std::vector<PropagatedCommand>* propagation_;
  std::vector<ReadyKey>* ready_keys_;
};

// Frees large values on a background thread, so UNLINK and FLUSHALL ASYNC return at once.
class LazyFreer {
 public:
  LazyFreer();
  ~LazyFreer();
  void FreeEntry(Entry* e);
  void FreeTable(std::unique_ptr<DbTable> t);
  size_t pending() const { return pending_.load(std::memory_order_relaxed); }
  uint64_t freed_objects() const { return freed_.load(std::memory_order_relaxed); }
  // Blocks until the queue is empty (tests, shutdown).
  void Drain();

 private:
  void Run();
  std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable idle_cv_;
  std::vector<Entry*> entries_;
  std::vector<std::unique_ptr<DbTable>> tables_;
  std::atomic<size_t> pending_{0};
  std::atomic<uint64_t> freed_{0};
  bool stop_ = false;
  bool busy_ = false;
  std::thread thread_;
};

}  // namespace cardinal::storage
