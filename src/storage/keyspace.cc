#include "storage/keyspace.h"

#include "common/string_util.h"

namespace cardinal::storage {

Shard::Shard(int num_dbs) : watchers(num_dbs), blocked(num_dbs) {
  dbs.reserve(num_dbs);
  for (int i = 0; i < num_dbs; i++) dbs.push_back(std::make_unique<DbTable>());
}

Keyspace::Keyspace(int num_dbs, LazyFreer* lazy_freer) : num_dbs_(num_dbs), lazy_freer_(lazy_freer) {
  for (auto& s : shards_) s = std::make_unique<Shard>(num_dbs);
}

Keyspace::~Keyspace() {
  for (auto& s : shards_) {
    for (auto& t : s->dbs) t->keys.Clear([](Entry* e) { Entry::Free(e); });
    for (Entry* e : s->deferred_frees) Entry::Free(e);
  }
}

// With a single worker thread no other thread touches live tables (the lazy-free thread only
// frees detached ones), so the shard locks would only cost time: they become no-ops.
void Keyspace::Lock(ShardMask mask) {
  if (single_worker_.load(std::memory_order_relaxed)) return;
  while (mask) {
    unsigned i = static_cast<unsigned>(__builtin_ctzll(mask));
    shards_[i]->mu.lock();
    mask &= mask - 1;
  }
}

void Keyspace::Unlock(ShardMask mask) {
  if (single_worker_.load(std::memory_order_relaxed)) return;
  while (mask) {
    unsigned i = static_cast<unsigned>(__builtin_ctzll(mask));
    shards_[i]->mu.unlock();
    mask &= mask - 1;
  }
}

template <class Fn>
static void ForEachHashShard(Keyspace* ks, bool single_worker, const uint64_t* hashes, size_t n,
                             int db, Fn&& fn) {
  for (size_t i = 0; i < n; i++) {
    Shard& s = ks->shard(ShardOfHash(hashes[i]));
    if (single_worker) {
      fn(s.dbs[db]->keys, hashes[i]);
    } else if (s.mu.try_lock()) {
      fn(s.dbs[db]->keys, hashes[i]);
      s.mu.unlock();
    }
  }
}

void Keyspace::PrefetchSlots(int db, const uint64_t* hashes, size_t n) {
  ForEachHashShard(this, single_worker_.load(std::memory_order_relaxed), hashes, n, db,
                   [](const KeyTable& t, uint64_t h) { t.PrefetchSlot(h); });
}

void Keyspace::PrefetchEntries(int db, const uint64_t* hashes, size_t n) {
  ForEachHashShard(this, single_worker_.load(std::memory_order_relaxed), hashes, n, db,
                   [](const KeyTable& t, uint64_t h) { t.PrefetchEntry(h); });
}

// Reads sizes without the shard locks: the table's size counter is a plain word that is only
// written under the lock, so a racing read sees an old or new value, which INFO and DBSIZE accept
// (Redis answers DBSIZE from one thread; ours may be a few writes stale on other threads).
size_t Keyspace::KeyCount(int db) const {
  size_t n = 0;
  for (const auto& s : shards_) n += s->dbs[db]->keys.size();
  return n;
}

size_t Keyspace::ExpiresCount(int db) const {
  size_t n = 0;
  for (const auto& s : shards_) n += s->dbs[db]->expires.size();
  return n;
}

uint64_t Keyspace::SumStat(std::atomic<uint64_t> ShardStats::*field) const {
  uint64_t n = 0;
  for (const auto& s : shards_) n += (s->stats.*field).load(std::memory_order_relaxed);
  return n;
}

int64_t Keyspace::UsedBytes() const {
  int64_t n = 0;
  for (const auto& s : shards_) n += s->stats.used_bytes.load(std::memory_order_relaxed);
  return n;
}

// ---------------------------------------------------------------------------------------------
// Db: the shard-local operations every command is built from.

// Counters written only under the shard lock need no atomic read-modify-write; the atomic type
// only makes INFO's lock-free reads well-defined.
static inline void BumpUnderLock(std::atomic<uint64_t>& c) {
  c.store(c.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

static inline void AddUnderLock(std::atomic<int64_t>& c, int64_t delta) {
  c.store(c.load(std::memory_order_relaxed) + delta, std::memory_order_relaxed);
}

static inline bool IsExpired(const Entry* e, int64_t now_ms) {
  // Like Redis, a key is expired only once the clock has passed its deadline.
  return e->has_expire() && e->expire_at() < now_ms;
}

Entry* Db::Peek(std::string_view key) {
  uint64_t h = core::HashKey(key);
  return table(key, h).keys.Find(key, h);
}

Entry* Db::FindLive(std::string_view key, uint64_t h, Shard& s) {
  DbTable& t = *s.dbs[db_];
  Entry* e = t.keys.Find(key, h);
  if (e != nullptr && IsExpired(e, now_ms_)) {
    ExpireNow(t, s, e, h);
    return nullptr;
  }
  return e;
}

Entry* Db::Find(std::string_view key) {
  uint64_t h = core::HashKey(key);
  return FindLive(key, h, shard_of(h));
}

Entry* Db::FindRead(std::string_view key) {
  uint64_t h = core::HashKey(key);
  Shard& s = shard_of(h);
  Entry* e = FindLive(key, h, s);
  if (e == nullptr) {
    BumpUnderLock(s.stats.keyspace_misses);
  } else {
    BumpUnderLock(s.stats.keyspace_hits);
    // Only a changed value is stored: a page that is only read stays clean (cache line,
    // copy-on-write).
    uint32_t now_s = static_cast<uint32_t>(now_ms_ / 1000);
    if (e->lru() != now_s && !ks_->fork_child_active()) e->set_lru(now_s);
  }
  return e;
}

void Db::ExpireNow(DbTable& t, Shard& s, Entry* e, uint64_t hash) {
  std::string key(e->key());
  t.keys.Erase(key, hash);
  t.expires.Remove(e);
  BumpUnderLock(s.stats.expired_keys);
  TouchIn(s, key);
  if (propagating()) Propagate({"DEL", key});
  FreeEntry(s, e);
}

void Db::FreeEntry(Shard& s, Entry* e) {
  AddUnderLock(s.stats.used_bytes, -(static_cast<int64_t>(e->MemoryUsage())));
  Dispose(s, e);
}

void Db::Dispose(Shard& s, Entry* e) {
  if (ks_->fork_child_active()) {
    s.deferred_frees.push_back(e);  // see Keyspace::set_fork_child_active
  } else if (e->IsLargeValue() && ks_->lazy_freer() != nullptr) {
    ks_->lazy_freer()->FreeEntry(e);
  } else {
    Entry::Free(e);
  }
}

bool Db::Upsert(Entry* e) {
  std::string_view key = e->key();
  uint64_t h = core::HashKey(key);
  return UpsertImpl(e, h, shard_of(h).dbs[db_]->keys.Find(key, h));
}

bool Db::UpsertFound(Entry* e, Entry* found) { return UpsertImpl(e, core::HashKey(e->key()), found); }

bool Db::UpsertImpl(Entry* e, uint64_t h, Entry* old) {
  std::string_view key = e->key();
  Shard& s = shard_of(h);
  DbTable& t = *s.dbs[db_];
  e->set_lru(static_cast<uint32_t>(now_ms_ / 1000));
  AddUnderLock(s.stats.used_bytes, static_cast<int64_t>(e->MemoryUsage()));
  if (e->has_expire()) t.expires.Add(e);
  bool replaced = false;
  if (old != nullptr) {
    t.keys.Replace(key, h, e);
    if (old->has_expire()) t.expires.Remove(old);
    // An expired-but-not-yet-collected key counts as absent for the caller's reply, not here.
    replaced = !IsExpired(old, now_ms_);
    FreeEntry(s, old);
  } else {
    t.keys.Insert(e, h);
  }
  // Clients block only on absent keys, so a new list or zset is the only thing that can wake them.
  if (e->type() == ObjType::kList || e->type() == ObjType::kZSet) SignalReady(key, s);
  TouchIn(s, key);
  BumpUnderLock(s.stats.dirty);
  return replaced;
}

bool Db::OverwriteString(Entry* e, std::string_view value, int64_t expire_at_ms) {
  if (e->type() != ObjType::kString || e->has_expire() != (expire_at_ms >= 0)) return false;
  if (ks_->fork_child_active()) return false;  // a fresh entry copies no page for the child
  if (!e->OverwriteStringInPlace(value)) return false;
  if (expire_at_ms >= 0) e->set_expire_at(expire_at_ms);
  e->set_lru(static_cast<uint32_t>(now_ms_ / 1000));
  Touch(e->key());
  return true;
}

void Db::Replace(Entry* old_entry, Entry* new_entry) {
  std::string_view key = new_entry->key();
  uint64_t h = core::HashKey(key);
  Shard& s = shard_of(h);
  DbTable& t = *s.dbs[db_];
  t.keys.Replace(key, h, new_entry);
  if (old_entry->has_expire() && new_entry->has_expire()) {
    t.expires.Replace(old_entry, new_entry);
  } else if (old_entry->has_expire()) {
    t.expires.Remove(old_entry);
  } else if (new_entry->has_expire()) {
    t.expires.Add(new_entry);
  }
  new_entry->set_lru(static_cast<uint32_t>(now_ms_ / 1000));
  AddUnderLock(s.stats.used_bytes, static_cast<int64_t>(new_entry->MemoryUsage()));
  FreeEntry(s, old_entry);
  TouchIn(s, key);
  BumpUnderLock(s.stats.dirty);
}

Entry* Db::Detach(std::string_view key) {
  uint64_t h = core::HashKey(key);
  Shard& s = shard_of(h);
  DbTable& t = *s.dbs[db_];
  Entry* e = t.keys.Erase(key, h);
  if (e == nullptr) return nullptr;
  if (e->has_expire()) t.expires.Remove(e);
  AddUnderLock(s.stats.used_bytes, -(static_cast<int64_t>(e->MemoryUsage())));
  TouchIn(s, key);
  BumpUnderLock(s.stats.dirty);
  return e;
}

bool Db::Delete(std::string_view key) {
  Entry* e = Detach(key);
  if (e == nullptr) return false;
  Dispose(shard_of(core::HashKey(key)), e);
  return true;
}

Entry* Db::SetExpire(Entry* e, int64_t expire_at_ms) {
  uint64_t h = core::HashKey(e->key());
  Shard& s = shard_of(h);
  DbTable& t = *s.dbs[db_];
  if (e->has_expire()) {
    e->set_expire_at(expire_at_ms);
  } else {
    int64_t before = static_cast<int64_t>(e->MemoryUsage());
    std::string key(e->key());
    Entry* n = Entry::Relayout(e, expire_at_ms);
    t.keys.Replace(key, h, n);
    Entry::FreeShell(e);
    t.expires.Add(n);
    AddUnderLock(s.stats.used_bytes, static_cast<int64_t>(n->MemoryUsage()) - before);
    e = n;
  }
  TouchIn(s, e->key());
  BumpUnderLock(s.stats.dirty);
  return e;
}

Entry* Db::Persist(Entry* e) {
  if (!e->has_expire()) return e;
  uint64_t h = core::HashKey(e->key());
  Shard& s = shard_of(h);
  DbTable& t = *s.dbs[db_];
  t.expires.Remove(e);
  int64_t before = static_cast<int64_t>(e->MemoryUsage());
  std::string key(e->key());
  Entry* n = Entry::Relayout(e, -1);
  t.keys.Replace(key, h, n);
  Entry::FreeShell(e);
  AddUnderLock(s.stats.used_bytes, static_cast<int64_t>(n->MemoryUsage()) - before);
  TouchIn(s, key);
  BumpUnderLock(s.stats.dirty);
  return n;
}

void Db::Touch(std::string_view key) {
  Shard& s = shard_of(core::HashKey(key));
  TouchIn(s, key);
  BumpUnderLock(s.stats.dirty);
}

void Db::TouchIn(Shard& s, std::string_view key) {
  WatchMap& w = s.watchers[db_];
  if (w.empty()) return;
  auto it = w.find(std::string(key));
  if (it == w.end()) return;
  for (WatchFlag* f : it->second) f->dirty.store(true, std::memory_order_relaxed);
}

void Db::RegisterBlocked(const std::shared_ptr<BlockedClient>& bc) {
  for (const std::string& key : bc->keys) {
    Shard& s = shard_of(core::HashKey(key));
    BlockedQueue& q = s.blocked[db_][key];
    // BLPOP k k waits once per key.
    if (q.empty() || q.back() != bc) q.push_back(bc);
  }
}

void Db::UnregisterBlockedKey(const BlockedClient* bc, std::string_view key) {
  Shard& s = shard_of(core::HashKey(key));
  BlockingMap& m = s.blocked[db_];
  auto it = m.find(std::string(key));
  if (it == m.end()) return;
  BlockedQueue& q = it->second;
  // Drop this client and any other claimed leftovers met on the way.
  std::erase_if(q, [bc](const std::shared_ptr<BlockedClient>& w) {
    return w.get() == bc || w->is_claimed();
  });
  if (q.empty()) m.erase(it);
}

void Db::SignalReady(std::string_view key, Shard& s) {
  const BlockingMap& m = s.blocked[db_];
  if (m.empty() || ready_keys_ == nullptr) return;
  if (m.find(std::string(key)) == m.end()) return;
  ready_keys_->push_back(ReadyKey{db_, std::string(key)});
}

void Db::TouchAndAdjust(std::string_view key, int64_t delta) {
  Shard& s = shard_of(core::HashKey(key));
  if (delta != 0) AddUnderLock(s.stats.used_bytes, delta);
  TouchIn(s, key);
  BumpUnderLock(s.stats.dirty);
}

void Db::SignalWaitedKeysPresent() {
  if (ready_keys_ == nullptr) return;
  for (unsigned i = 0; i < kShardCount; ++i) {
    Shard& s = ks_->shard(i);
    for (const auto& [key, waiters] : s.blocked[db_]) {
      Entry* e = Peek(key);
      if (e != nullptr && (e->type() == ObjType::kList || e->type() == ObjType::kZSet)) {
        ready_keys_->push_back(ReadyKey{db_, key});
      }
    }
  }
}

void Db::AdjustMemory(std::string_view key, int64_t delta) {
  AddUnderLock(shard_of(core::HashKey(key)).stats.used_bytes, delta);
}

void Db::AddDirty(uint64_t n) { ks_->shard(0).stats.dirty.fetch_add(n, std::memory_order_relaxed); }

void Db::Propagate(std::vector<std::string> argv) {
  if (propagation_ == nullptr) return;
  propagation_->push_back(PropagatedCommand{db_, std::move(argv)});
}

size_t Db::Size() const { return ks_->KeyCount(db_); }

void Db::Flush(bool async) {
  for (unsigned i = 0; i < kShardCount; i++) {
    Shard& s = ks_->shard(i);
    // Move the contents out but keep the DbTable object itself: lock-free readers (DBSIZE,
    // INFO, the expire cron's emptiness hint) may hold its address.
    auto old = std::make_unique<DbTable>(std::move(*s.dbs[db_]));
    *s.dbs[db_] = DbTable();
    // Every watcher of this db whose key existed sees a change (Redis: touchAllWatchedKeysInDb).
    WatchMap& w = s.watchers[db_];
    for (auto& [key, flags] : w) {
      uint64_t h = core::HashKey(key);
      if (old->keys.Find(key, h) != nullptr) {
        for (WatchFlag* f : flags) f->dirty.store(true, std::memory_order_relaxed);
      }
    }
    int64_t freed = 0;
    old->keys.ForEach([&](Entry* e) { freed += static_cast<int64_t>(e->MemoryUsage()); });
    AddUnderLock(s.stats.used_bytes, -(freed));
    if (async && ks_->lazy_freer() != nullptr) {
      ks_->lazy_freer()->FreeTable(std::move(old));
    } else {
      old->keys.Clear([](Entry* e) { Entry::Free(e); });
    }
  }
}

size_t Db::ActiveExpireSample(unsigned shard_index, unsigned samples, uint64_t* rng) {
  Shard& s = ks_->shard(shard_index);
  DbTable& t = *s.dbs[db_];
  size_t expired = 0;
  for (unsigned i = 0; i < samples && t.expires.size() > 0; i++) {
    // xorshift64*: cheap and good enough for sampling.
    *rng ^= *rng >> 12;
    *rng ^= *rng << 25;
    *rng ^= *rng >> 27;
    Entry* e = t.expires.Sample(*rng * 2685821657736338717ULL);
    if (e != nullptr && IsExpired(e, now_ms_)) {
      ExpireNow(t, s, e, core::HashKey(e->key()));
      expired++;
    }
  }
  return expired;
}

// ---------------------------------------------------------------------------------------------
// LazyFreer

LazyFreer::LazyFreer() : thread_([this] { Run(); }) {}

LazyFreer::~LazyFreer() {
  {
    std::lock_guard lk(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void Keyspace::ReleaseDeferredFrees() {
  for (unsigned i = 0; i < kShardCount; i++) {
    std::vector<Entry*> entries;
    {
      Lock(ShardMask{1} << i);
      entries.swap(shards_[i]->deferred_frees);
      Unlock(ShardMask{1} << i);
    }
    for (Entry* e : entries) {
      if (lazy_freer_ != nullptr) {
        lazy_freer_->FreeEntry(e);
      } else {
        Entry::Free(e);
      }
    }
  }
}

void LazyFreer::FreeEntry(Entry* e) {
  {
    std::lock_guard lk(mu_);
    entries_.push_back(e);
  }
  pending_.fetch_add(1, std::memory_order_relaxed);
  cv_.notify_one();
}

void LazyFreer::FreeTable(std::unique_ptr<DbTable> t) {
  {
    std::lock_guard lk(mu_);
    tables_.push_back(std::move(t));
  }
  pending_.fetch_add(1, std::memory_order_relaxed);
  cv_.notify_one();
}

void LazyFreer::Drain() {
  std::unique_lock lk(mu_);
  idle_cv_.wait(lk, [&] { return entries_.empty() && tables_.empty() && !busy_; });
}

void LazyFreer::Run() {
  std::unique_lock lk(mu_);
  while (true) {
    cv_.wait(lk, [&] { return stop_ || !entries_.empty() || !tables_.empty(); });
    if (entries_.empty() && tables_.empty()) {
      if (stop_) return;
      continue;
    }
    auto entries = std::move(entries_);
    auto tables = std::move(tables_);
    entries_.clear();
    tables_.clear();
    busy_ = true;
    lk.unlock();
    const size_t n = entries.size() + tables.size();
    for (Entry* e : entries) Entry::Free(e);
    for (auto& t : tables) t->keys.Clear([](Entry* e) { Entry::Free(e); });
    tables.clear();
    freed_.fetch_add(n, std::memory_order_relaxed);
    pending_.fetch_sub(n, std::memory_order_relaxed);
    lk.lock();
    busy_ = false;
    idle_cv_.notify_all();
  }
}

}  // namespace cardinal::storage
