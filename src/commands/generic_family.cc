// Generic commands: the keyspace (DEL, EXISTS, TYPE, KEYS, SCAN, RANDOMKEY, RENAME, COPY, MOVE,
// TOUCH, OBJECT, DBSIZE, SWAPDB, FLUSHDB, FLUSHALL, SELECT) and TTLs (EXPIRE family, TTL family,
// PERSIST).
//
// Shape of every handler: parse all arguments first (errors in Redis's order), then one
// shard-local operation through ctx.Run / RunKeys / RunAll / RunOn, then reply. Multi-key
// commands take all their shards in one RunKeys so they are atomic. Every reply and error text
// here was checked against redis-server 7.0.15 (generic_family_test.cc encodes the answers).
//
// Propagation: effects, not requests. EXPIRE/PEXPIRE/EXPIREAT leave as PEXPIREAT key <abs-ms>
// (or DEL when the time is already past), DEL/UNLINK list only the keys actually removed,
// RENAMENX leaves as RENAME, PERSIST only when it removed a TTL; COPY, MOVE, SWAPDB, FLUSHDB and
// FLUSHALL are deterministic and leave as themselves.
#include <algorithm>
#include <climits>
#include <cstdint>
#include <iterator>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "commands/context.h"
#include "commands/families.h"
#include "common/glob.h"
#include "common/string_util.h"
#include "protocol/errors.h"

namespace cardinal::commands {

using storage::Db;
using storage::Encoding;
using storage::Entry;
using storage::KeyTable;
using storage::ObjType;

namespace {

// Error texts only this family uses (Redis 7.0's, byte for byte).
constexpr std::string_view kIntRangeErr =
    "ERR value is out of range, value must between -2147483648 and 2147483647";
constexpr std::string_view kNxAndOthersErr =
    "ERR NX and XX, GT or LT options at the same time are not compatible";
constexpr std::string_view kGtAndLtErr =
    "ERR GT and LT options at the same time are not compatible";
constexpr std::string_view kInvalidCursorErr = "ERR invalid cursor";
constexpr std::string_view kInvalidFirstDbErr = "ERR invalid first DB index";
constexpr std::string_view kInvalidSecondDbErr = "ERR invalid second DB index";
constexpr std::string_view kFreqNotTrackedErr =
    "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that "
    "when switching between policies at runtime LRU and LFU data will take some time to adjust.";

// Redis keeps one shared object for each integer 0..9999 and reports its refcount as INT_MAX.
constexpr int64_t kSharedIntegers = 10000;
constexpr int64_t kSharedRefcount = INT32_MAX;

inline bool IsExpired(const Entry* e, int64_t now_ms) {
  return e->has_expire() && e->expire_at() < now_ms;
}

// Redis's getIntFromObjectOrReply: a strict int64 that must also fit in 32 bits. Replies the
// error itself and returns false on failure.
bool ParseIntArg(CommandContext& ctx, std::string_view s, int* out) {
  int64_t v;
  if (!ParseInt64(s, &v)) {
    ctx.reply().SendError(protocol::kNotIntegerErr);
    return false;
  }
  if (v < INT32_MIN || v > INT32_MAX) {
    ctx.reply().SendError(kIntRangeErr);
    return false;
  }
  *out = static_cast<int>(v);
  return true;
}

// A db index argument (SELECT, MOVE, COPY ... DB): integer errors, then the range check.
bool ParseDbArg(CommandContext& ctx, std::string_view s, int* out) {
  if (!ParseIntArg(ctx, s, out)) return false;
  if (*out < 0 || *out >= ctx.keyspace().num_dbs()) {
    ctx.reply().SendError(protocol::kDbIndexOutOfRange);
    return false;
  }
  return true;
}

// Redis's lookupKeyReadWithFlags(LOOKUP_NOTOUCH): expires lazily and counts keyspace hits and
// misses, but leaves the LRU clock alone (EXISTS, TYPE, TTL and OBJECT must not reset
// OBJECT IDLETIME).
Entry* FindNoTouch(Db& db, std::string_view key) {
  Entry* e = db.Find(key);
  auto& stats = db.shard_of(core::HashKey(key)).stats;
  (e != nullptr ? stats.keyspace_hits : stats.keyspace_misses)
      .fetch_add(1, std::memory_order_relaxed);
  return e;
}

std::string Upper(std::string_view s) { return ToUpperAscii(s); }

// The command as the client sent it, name upper-cased, for "propagated as itself".
std::vector<std::string> AsSent(ArgList args) {
  std::vector<std::string> argv(args.begin(), args.end());
  argv[0] = Upper(argv[0]);
  return argv;
}

// Gives `e` (detached from the table, so owned by the caller) a new key, moving an out-of-line
// string buffer instead of copying it. Frees `e`.
Entry* RekeyDetached(Entry* e, std::string_view new_key) {
  const int64_t expire_at = e->expire_at();
  if (e->type() == ObjType::kString && e->encoding() == Encoding::kRaw) {
    Entry* n = Entry::NewRaw(new_key, e->raw(), expire_at);
    n->set_lru(e->lru());
    Entry::FreeShell(e);
    return n;
  }
  Entry* n = Entry::CloneWith(e, new_key, expire_at);
  Entry::Free(e);
  return n;
}

// ---------------------------------------------------------------------------------------------
// DEL / UNLINK / EXISTS / TOUCH / TYPE

// DEL and UNLINK differ only in name: Db::Delete already hands large values to the lazy-free
// thread, so both return without paying for the free.
void DelGeneric(ArgList args, CommandContext& ctx, std::string_view propagated_name) {
  ArgList keys = args.subspan(1);
  int64_t deleted = ctx.RunKeys(keys, [&](Db& db) {
    std::vector<std::string> record;
    int64_t n = 0;
    for (std::string_view key : keys) {
      // Find first: an expired key is collected (and its own DEL propagated) and not counted.
      if (db.Find(key) == nullptr || !db.Delete(key)) continue;
      n++;
      if (db.propagating()) {
        if (record.empty()) record.emplace_back(propagated_name);
        record.emplace_back(key);
      }
    }
    if (!record.empty()) db.Propagate(std::move(record));
    return n;
  });
  ctx.reply().SendLong(deleted);
}

void CmdDel(ArgList args, CommandContext& ctx) { DelGeneric(args, ctx, "DEL"); }
void CmdUnlink(ArgList args, CommandContext& ctx) { DelGeneric(args, ctx, "UNLINK"); }

// Counts duplicates: EXISTS k k answers 2.
void CmdExists(ArgList args, CommandContext& ctx) {
  ArgList keys = args.subspan(1);
  int64_t n = ctx.RunKeys(keys, [&](Db& db) {
    int64_t count = 0;
    for (std::string_view key : keys) count += FindNoTouch(db, key) != nullptr;
    return count;
  });
  ctx.reply().SendLong(n);
}

// Updates the access time of each existing key.
void CmdTouch(ArgList args, CommandContext& ctx) {
  ArgList keys = args.subspan(1);
  int64_t n = ctx.RunKeys(keys, [&](Db& db) {
    int64_t count = 0;
    for (std::string_view key : keys) count += db.FindRead(key) != nullptr;
    return count;
  });
  ctx.reply().SendLong(n);
}

void CmdType(ArgList args, CommandContext& ctx) {
  std::string_view key = args[1];
  std::string_view type = ctx.Run(key, [&](Db& db) -> std::string_view {
    Entry* e = FindNoTouch(db, key);
    return e == nullptr ? std::string_view("none") : storage::TypeName(e->type());
  });
  ctx.reply().SendSimple(type);
}

// ---------------------------------------------------------------------------------------------
// KEYS / SCAN / RANDOMKEY / DBSIZE

// Like Redis, expired keys are skipped but not deleted (KEYS is a read of the whole keyspace).
void CmdKeys(ArgList args, CommandContext& ctx) {
  std::string_view pattern = args[1];
  const bool all = pattern == "*";
  auto& rb = ctx.reply();
  ctx.RunAll([&](Db& db) {
    const int64_t now = db.now_ms();
    std::vector<std::string_view> keys;  // valid while the shards stay locked
    for (unsigned s = 0; s < storage::kShardCount; s++) {
      db.table_of_shard(s).keys.ForEach([&](Entry* e) {
        if (IsExpired(e, now)) return;
        std::string_view k = e->key();
        if (all || GlobMatch(pattern, k)) keys.push_back(k);
      });
    }
    rb.SendBulks(keys);
  });
}

// SCAN cursor layout (see SegmentedTable::ScanBucket): bucket-major over the 64-bit hash space.
// The top 10 bits hold the home-slot bucket being walked, the low 54 bits the hash position
// (whose low 10 bits are always zero) >> 10. Cursor 0 is bucket 0 at position 0, the start; the
// walk ends after bucket 1023 leaves the last shard, answering 0. A key present for the whole
// scan is returned exactly once; keys added or removed meanwhile at most once.
constexpr unsigned kCursorPosBits = 54;
constexpr uint64_t kCursorPosMask = (uint64_t{1} << kCursorPosBits) - 1;
static_assert(KeyTable::kBuckets == (1u << (64 - kCursorPosBits)));
static_assert(KeyTable::kMaxDepthBits == kCursorPosBits);

// Work bound of one SCAN call, in units of 1/kShardCount of an entry: each entry examined costs
// kShardCount units, each (segment, bucket) or empty-shard visit one unit (a single slot check).
// The budget is COUNT * 10 entries like Redis's maxiterations, but at least kMinScanVisits,
// so a small database (spread over 64 shards x 1024 buckets) is returned in one call, as Redis
// returns a small dict in one call.
constexpr int64_t kMinScanVisits = 2048;

void CmdScan(ArgList args, CommandContext& ctx) {
  auto& rb = ctx.reply();
  uint64_t cursor;
  if (!ParseScanCursor(args[1], &cursor)) return rb.SendError(kInvalidCursorErr);
  int64_t count = 10;
  std::string_view pattern;
  bool use_pattern = false;
  std::string_view type;
  bool use_type = false;
  for (size_t j = 2; j < args.size(); j += 2) {
    const bool has_value = j + 1 < args.size();
    if (EqualsIgnoreCase(args[j], "count") && has_value) {
      if (!ParseInt64(args[j + 1], &count)) return rb.SendError(protocol::kNotIntegerErr);
      if (count < 1) return rb.SendError(protocol::kSyntaxErr);
    } else if (EqualsIgnoreCase(args[j], "match") && has_value) {
      pattern = args[j + 1];
      use_pattern = pattern != "*";
    } else if (EqualsIgnoreCase(args[j], "type") && has_value) {
      type = args[j + 1];
      use_type = true;
    } else {
      return rb.SendError(protocol::kSyntaxErr);
    }
  }

  std::vector<std::string> keys;
  const int db_index = ctx.db_index();
  if (ctx.keyspace().KeyCount(db_index) == 0) {  // like Redis on an empty dict: done at once
    cursor = 0;
  } else {
    unsigned bucket = static_cast<unsigned>(cursor >> kCursorPosBits);
    uint64_t hpos = (cursor & kCursorPosMask) << 10;
    constexpr int64_t kUnit = storage::kShardCount;
    const int64_t visits = count > INT64_MAX / (10 * kUnit) ? INT64_MAX / kUnit : count * 10;
    const int64_t max_units = std::max<int64_t>(visits, kMinScanVisits) * kUnit;
    const size_t want = static_cast<size_t>(std::min<int64_t>(count, INT32_MAX));
    int64_t units = 0;
    bool done = false;
    std::vector<std::string> expired;
    while (!done && keys.size() < want && units < max_units) {
      const unsigned shard = storage::ShardOfHash(hpos);
      ctx.RunOn(storage::ShardMask{1} << shard, [&](Db& db) {
        const int64_t now = db.now_ms();
        const KeyTable& table = db.table_of_shard(shard).keys;
        if (table.empty()) {
          // One call covers the whole shard range: skip it at almost no cost.
          hpos = table.ScanBucket(bucket, hpos, [](Entry*) {});
          units += 1;
          return;
        }
        do {
          units += 1;  // an empty (segment, bucket) is one slot check
          hpos = table.ScanBucket(bucket, hpos, [&](Entry* e) {
            units += kUnit;
            if (IsExpired(e, now)) {
              expired.emplace_back(e->key());
              return;
            }
            if (use_type && !EqualsIgnoreCase(storage::TypeName(e->type()), type)) return;
            if (use_pattern && !GlobMatch(pattern, e->key())) return;
            keys.emplace_back(e->key());
          });
        } while (hpos != 0 && storage::ShardOfHash(hpos) == shard && keys.size() < want &&
                 units < max_units);
        // Like Redis, SCAN deletes the expired keys it meets (Find expires and propagates DEL).
        for (const std::string& k : expired) db.Find(k);
        expired.clear();
      });
      if (hpos == 0) {
        if (++bucket == KeyTable::kBuckets) done = true;
      }
    }
    cursor = done ? 0 : (uint64_t{bucket} << kCursorPosBits) | (hpos >> 10);
  }
  rb.SendArrayLen(2);
  rb.SendBulk(std::to_string(cursor));
  rb.SendArrayLen(keys.size());
  for (const std::string& k : keys) rb.SendBulk(k);
}

uint64_t NextRandom() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return rng();
}

// RANDOMKEY: picks a shard weighted by its size, then an entry of its table. An expired pick is
// deleted (as in Redis) and another one drawn; after kRandomKeyTries expired picks in a row the
// answer is nil, so a keyspace full of expired keys costs bounded work per call (each call still
// collects up to kRandomKeyTries of them).
constexpr int kRandomKeyTries = 100;

void CmdRandomKey(ArgList args, CommandContext& ctx) {
  auto& rb = ctx.reply();
  ctx.RunAll([&](Db& db) {
    for (int attempt = 0; attempt < kRandomKeyTries; attempt++) {
      size_t total = 0;
      for (unsigned s = 0; s < storage::kShardCount; s++) {
        total += db.table_of_shard(s).keys.size();
      }
      if (total == 0) break;
      size_t pick = static_cast<size_t>(NextRandom() % total);
      unsigned shard = 0;
      for (; shard < storage::kShardCount; shard++) {
        size_t n = db.table_of_shard(shard).keys.size();
        if (pick < n) break;
        pick -= n;
      }
      Entry* e = db.table_of_shard(shard).keys.RandomElement(NextRandom());
      if (e == nullptr) continue;
      if (!IsExpired(e, db.now_ms())) return rb.SendBulk(e->key());
      std::string key(e->key());
      db.Find(key);  // deletes it and propagates DEL
    }
    rb.SendNull();
  });
}

// Counts keys not yet collected even if logically expired, as Redis does.
void CmdDbSize(ArgList args, CommandContext& ctx) {
  size_t n = ctx.RunAll([&](Db& db) { return db.Size(); });
  ctx.reply().SendLong(static_cast<int64_t>(n));
}

// ---------------------------------------------------------------------------------------------
// RENAME / RENAMENX / COPY / MOVE

enum class RenameResult { kNoSuchKey, kDone, kNotDone };

// RENAME keeps the source's TTL (and drops the destination's); renaming a key to itself is OK
// (RENAMENX: 0) as long as it exists.
void RenameGeneric(ArgList args, CommandContext& ctx, bool nx) {
  std::string_view src = args[1], dst = args[2];
  std::string_view both[] = {src, dst};
  RenameResult r = ctx.RunKeys(both, [&](Db& db) {
    Entry* e = db.Find(src);
    if (e == nullptr) return RenameResult::kNoSuchKey;
    if (src == dst) return nx ? RenameResult::kNotDone : RenameResult::kDone;
    if (nx && db.Find(dst) != nullptr) return RenameResult::kNotDone;
    Entry* moved = RekeyDetached(db.Detach(src), dst);
    db.Upsert(moved);
    if (db.propagating()) db.Propagate({"RENAME", std::string(src), std::string(dst)});
    return RenameResult::kDone;
  });
  auto& rb = ctx.reply();
  switch (r) {
    case RenameResult::kNoSuchKey:
      return rb.SendError(protocol::kNoSuchKeyErr);
    case RenameResult::kDone:
      return nx ? rb.SendLong(1) : rb.SendOk();
    case RenameResult::kNotDone:
      return rb.SendLong(0);
  }
}

void CmdRename(ArgList args, CommandContext& ctx) { RenameGeneric(args, ctx, false); }
void CmdRenameNx(ArgList args, CommandContext& ctx) { RenameGeneric(args, ctx, true); }

// COPY source destination [DB destination-db] [REPLACE]. The copy keeps the source's TTL.
void CmdCopy(ArgList args, CommandContext& ctx) {
  auto& rb = ctx.reply();
  std::string_view src = args[1], dst = args[2];
  int dst_db = ctx.db_index();
  bool replace = false;
  for (size_t j = 3; j < args.size(); j++) {
    if (EqualsIgnoreCase(args[j], "replace")) {
      replace = true;
    } else if (EqualsIgnoreCase(args[j], "db") && j + 1 < args.size()) {
      if (!ParseDbArg(ctx, args[++j], &dst_db)) return;
    } else {
      return rb.SendError(protocol::kSyntaxErr);
    }
  }
  if (dst_db == ctx.db_index() && src == dst) return rb.SendError(protocol::kSameObjectErr);
  std::string_view both[] = {src, dst};
  bool copied = ctx.RunKeys(both, [&](Db& db) {
    Entry* e = db.Find(src);
    if (e == nullptr) return false;
    Db target = db.WithDb(dst_db);
    if (!replace && target.Find(dst) != nullptr) return false;
    target.Upsert(Entry::CloneWith(e, dst, e->expire_at()));
    if (db.propagating()) db.Propagate(AsSent(args));
    return true;
  });
  rb.SendLong(copied ? 1 : 0);
}

// MOVE key db: 0 when the key is missing here or already exists there. Keeps the TTL.
void CmdMove(ArgList args, CommandContext& ctx) {
  auto& rb = ctx.reply();
  std::string_view key = args[1];
  int dst_db;
  if (!ParseDbArg(ctx, args[2], &dst_db)) return;
  if (dst_db == ctx.db_index()) return rb.SendError(protocol::kSameObjectErr);
  bool moved = ctx.Run(key, [&](Db& db) {
    if (db.Find(key) == nullptr) return false;
    Db target = db.WithDb(dst_db);
    if (target.Find(key) != nullptr) return false;
    target.Upsert(db.Detach(key));
    if (db.propagating()) db.Propagate({"MOVE", std::string(key), Int64ToString(dst_db)});
    return true;
  });
  rb.SendLong(moved ? 1 : 0);
}

// ---------------------------------------------------------------------------------------------
// OBJECT

// Runs `fn(Entry*)` on the key (no LRU touch), or replies nil when it is missing.
template <class Fn>
void ObjectLookup(ArgList args, CommandContext& ctx, Fn&& fn) {
  std::string_view key = args[2];
  ctx.Run(key, [&](Db& db) {
    Entry* e = FindNoTouch(db, key);
    if (e == nullptr) return ctx.reply().SendNull();
    fn(db, e);
  });
}

void CmdObjectEncoding(ArgList args, CommandContext& ctx) {
  ObjectLookup(args, ctx,
               [&](Db&, Entry* e) { ctx.reply().SendBulk(storage::EncodingName(e->encoding())); });
}

void CmdObjectRefcount(ArgList args, CommandContext& ctx) {
  ObjectLookup(args, ctx, [&](Db&, Entry* e) {
    bool shared = e->type() == ObjType::kString && e->encoding() == Encoding::kInt &&
                  e->int_value() >= 0 && e->int_value() < kSharedIntegers;
    ctx.reply().SendLong(shared ? kSharedRefcount : 1);
  });
}

void CmdObjectIdletime(ArgList args, CommandContext& ctx) {
  ObjectLookup(args, ctx, [&](Db& db, Entry* e) {
    int64_t idle = db.now_ms() / 1000 - static_cast<int64_t>(e->lru());
    ctx.reply().SendLong(std::max<int64_t>(idle, 0));
  });
}

// The LFU counter is not tracked yet (eviction issue), which is exactly Redis's situation under
// the default maxmemory-policy (noeviction): a missing key answers nil, an existing one errors.
void CmdObjectFreq(ArgList args, CommandContext& ctx) {
  ObjectLookup(args, ctx, [&](Db&, Entry*) { ctx.reply().SendError(kFreqNotTrackedErr); });
}

void CmdObjectHelp(ArgList args, CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "ENCODING <key>",
      "    Return the kind of internal representation used in order to store the value",
      "    associated with a <key>.",
      "FREQ <key>",
      "    Return the access frequency index of the <key>. The returned integer is",
      "    proportional to the logarithm of the recent access frequency of the key.",
      "IDLETIME <key>",
      "    Return the idle time of the <key>, that is the approximated number of",
      "    seconds elapsed since the last access to the key.",
      "REFCOUNT <key>",
      "    Return the number of references of the value associated with the specified",
      "    <key>.",
      "HELP",
      "    Prints this help.",
  };
  auto& rb = ctx.reply();
  rb.SendArrayLen(std::size(kLines));
  for (std::string_view l : kLines) rb.SendSimple(l);
}

void CmdObject(ArgList args, CommandContext& ctx) {
  // Only reached if a caller bypasses subcommand dispatch.
  std::string msg = "ERR unknown subcommand '";
  msg.append(args.size() > 1 ? args[1].substr(0, 128) : std::string_view())
      .append("'. Try OBJECT HELP.");
  ctx.reply().SendError(msg);
}

// ---------------------------------------------------------------------------------------------
// SELECT / SWAPDB / FLUSHDB / FLUSHALL

void CmdSelect(ArgList args, CommandContext& ctx) {
  int db;
  if (!ParseDbArg(ctx, args[1], &db)) return;
  ctx.client().db = db;
  ctx.reply().SendOk();
}

// Dirties every WATCH on a key of `db_a` or `db_b` (in this shard) that exists in either.
void TouchWatchersOnSwap(storage::Shard& s, int db_a, int db_b) {
  const storage::DbTable& ta = *s.dbs[db_a];
  const storage::DbTable& tb = *s.dbs[db_b];
  for (int d : {db_a, db_b}) {
    for (auto& [key, flags] : s.watchers[d]) {
      uint64_t h = core::HashKey(key);
      if (ta.keys.Find(key, h) == nullptr && tb.keys.Find(key, h) == nullptr) continue;
      for (storage::WatchFlag* f : flags) f->dirty.store(true, std::memory_order_relaxed);
    }
  }
}

void CmdSwapDb(ArgList args, CommandContext& ctx) {
  auto& rb = ctx.reply();
  int64_t a, b;
  if (!ParseInt64(args[1], &a) || a < INT32_MIN || a > INT32_MAX) {
    return rb.SendError(kInvalidFirstDbErr);
  }
  if (!ParseInt64(args[2], &b) || b < INT32_MIN || b > INT32_MAX) {
    return rb.SendError(kInvalidSecondDbErr);
  }
  const int n = ctx.keyspace().num_dbs();
  if (a < 0 || a >= n || b < 0 || b >= n) return rb.SendError(protocol::kDbIndexOutOfRange);
  ctx.RunAll([&](Db& db) {
    if (a != b) {
      storage::Keyspace& ks = db.keyspace();
      for (unsigned i = 0; i < storage::kShardCount; i++) {
        storage::Shard& s = ks.shard(i);
        TouchWatchersOnSwap(s, static_cast<int>(a), static_cast<int>(b));
        std::swap(s.dbs[a], s.dbs[b]);
      }
      // Clients blocked in either database may now see a list or sorted set.
      db.WithDb(static_cast<int>(a)).SignalWaitedKeysPresent();
      db.WithDb(static_cast<int>(b)).SignalWaitedKeysPresent();
      db.AddDirty();
    }
    if (db.propagating()) db.Propagate(AsSent(args));
  });
  rb.SendOk();
}

// [ASYNC|SYNC]; more than one argument is a syntax error. Default: synchronous
// (lazyfree-lazy-user-flush no).
bool ParseFlushMode(ArgList args, bool* async) {
  *async = false;
  if (args.size() > 2) return false;
  if (args.size() == 2) {
    if (EqualsIgnoreCase(args[1], "async")) {
      *async = true;
    } else if (!EqualsIgnoreCase(args[1], "sync")) {
      return false;
    }
  }
  return true;
}

void CmdFlushDb(ArgList args, CommandContext& ctx) {
  bool async;
  if (!ParseFlushMode(args, &async)) return ctx.reply().SendError(protocol::kSyntaxErr);
  ctx.RunAll([&](Db& db) {
    db.Flush(async);
    db.AddDirty();
    if (db.propagating()) db.Propagate(AsSent(args));
  });
  ctx.reply().SendOk();
}

void CmdFlushAll(ArgList args, CommandContext& ctx) {
  bool async;
  if (!ParseFlushMode(args, &async)) return ctx.reply().SendError(protocol::kSyntaxErr);
  ctx.RunAll([&](Db& db) {
    for (int i = 0; i < db.keyspace().num_dbs(); i++) db.WithDb(i).Flush(async);
    db.AddDirty();
    if (db.propagating()) db.Propagate(AsSent(args));
  });
  ctx.reply().SendOk();
}

// ---------------------------------------------------------------------------------------------
// EXPIRE / PEXPIRE / EXPIREAT / PEXPIREAT

enum ExpireFlag : unsigned { kExpireNx = 1, kExpireXx = 2, kExpireGt = 4, kExpireLt = 8 };

void SendInvalidExpire(CommandContext& ctx) {
  std::string msg = "ERR invalid expire time in '";
  msg.append(ctx.command() != nullptr ? ctx.command()->full_name() : "expire").append("' command");
  ctx.reply().SendError(msg);
}

// `relative`: the argument is a TTL added to now (EXPIRE, PEXPIRE); `seconds`: the unit.
void ExpireGeneric(ArgList args, CommandContext& ctx, bool relative, bool seconds) {
  auto& rb = ctx.reply();
  std::string_view key = args[1];
  // Options first (an unknown option wins over a bad time), then their compatibility.
  unsigned flags = 0;
  for (size_t j = 3; j < args.size(); j++) {
    if (EqualsIgnoreCase(args[j], "nx")) {
      flags |= kExpireNx;
    } else if (EqualsIgnoreCase(args[j], "xx")) {
      flags |= kExpireXx;
    } else if (EqualsIgnoreCase(args[j], "gt")) {
      flags |= kExpireGt;
    } else if (EqualsIgnoreCase(args[j], "lt")) {
      flags |= kExpireLt;
    } else {
      std::string msg = "ERR Unsupported option ";
      msg.append(args[j]);
      return rb.SendError(msg);
    }
  }
  if ((flags & kExpireNx) && (flags & (kExpireXx | kExpireGt | kExpireLt))) {
    return rb.SendError(kNxAndOthersErr);
  }
  if ((flags & kExpireGt) && (flags & kExpireLt)) return rb.SendError(kGtAndLtErr);

  int64_t when;
  if (!ParseInt64(args[2], &when)) return rb.SendError(protocol::kNotIntegerErr);
  if (seconds) {
    if (when > INT64_MAX / 1000 || when < INT64_MIN / 1000) return SendInvalidExpire(ctx);
    when *= 1000;
  }
  if (relative) {
    const int64_t base = ctx.now_ms();
    if (when > INT64_MAX - base) return SendInvalidExpire(ctx);
    when += base;
  }

  bool changed = ctx.Run(key, [&](Db& db) {
    Entry* e = db.Find(key);
    if (e == nullptr) return false;
    const int64_t current = e->expire_at();  // -1: no TTL, i.e. infinite for GT/LT
    if ((flags & kExpireNx) && current != -1) return false;
    if ((flags & kExpireXx) && current == -1) return false;
    if ((flags & kExpireGt) && (current == -1 || when <= current)) return false;
    if ((flags & kExpireLt) && current != -1 && when >= current) return false;
    if (when <= db.now_ms()) {
      // Already in the past: the key goes now, and replicas see a DEL.
      db.Delete(key);
      if (db.propagating()) db.Propagate({"DEL", std::string(key)});
      return true;
    }
    db.SetExpire(e, when);
    if (db.propagating()) {
      db.Propagate({"PEXPIREAT", std::string(key), Int64ToString(when)});
    }
    return true;
  });
  rb.SendLong(changed ? 1 : 0);
}

void CmdExpire(ArgList args, CommandContext& ctx) { ExpireGeneric(args, ctx, true, true); }
void CmdPExpire(ArgList args, CommandContext& ctx) { ExpireGeneric(args, ctx, true, false); }
void CmdExpireAt(ArgList args, CommandContext& ctx) { ExpireGeneric(args, ctx, false, true); }
void CmdPExpireAt(ArgList args, CommandContext& ctx) { ExpireGeneric(args, ctx, false, false); }

// ---------------------------------------------------------------------------------------------
// TTL / PTTL / EXPIRETIME / PEXPIRETIME / PERSIST

// -2 when the key is missing, -1 when it has no TTL, else the value of `fn(expire_at, now)`.
template <class Fn>
void TtlGeneric(ArgList args, CommandContext& ctx, Fn&& fn) {
  std::string_view key = args[1];
  int64_t v = ctx.Run(key, [&](Db& db) -> int64_t {
    Entry* e = FindNoTouch(db, key);
    if (e == nullptr) return -2;
    if (!e->has_expire()) return -1;
    return fn(e->expire_at(), db.now_ms());
  });
  ctx.reply().SendLong(v);
}

// Milliseconds to seconds, rounded half up, without overflowing near INT64_MAX.
int64_t MsToSecondsRounded(int64_t ms) { return ms / 1000 + (ms % 1000 >= 500 ? 1 : 0); }

void CmdTtl(ArgList args, CommandContext& ctx) {
  TtlGeneric(args, ctx, [](int64_t at, int64_t now) {
    return MsToSecondsRounded(std::max<int64_t>(at - now, 0));
  });
}

void CmdPTtl(ArgList args, CommandContext& ctx) {
  TtlGeneric(args, ctx, [](int64_t at, int64_t now) { return std::max<int64_t>(at - now, 0); });
}

void CmdExpireTime(ArgList args, CommandContext& ctx) {
  TtlGeneric(args, ctx, [](int64_t at, int64_t) { return MsToSecondsRounded(at); });
}

void CmdPExpireTime(ArgList args, CommandContext& ctx) {
  TtlGeneric(args, ctx, [](int64_t at, int64_t) { return at; });
}

void CmdPersist(ArgList args, CommandContext& ctx) {
  std::string_view key = args[1];
  bool changed = ctx.Run(key, [&](Db& db) {
    Entry* e = db.Find(key);
    if (e == nullptr || !e->has_expire()) return false;
    db.Persist(e);
    if (db.propagating()) db.Propagate({"PERSIST", std::string(key)});
    return true;
  });
  ctx.reply().SendLong(changed ? 1 : 0);
}

}  // namespace

void RegisterGenericFamily(CommandRegistry* r) {
  constexpr uint64_t kKs = kAclKeyspace;
  auto add = [&](std::string_view name, int arity, uint32_t flags, KeySpec keys, uint64_t acl,
                 std::string_view summary, std::string_view since, std::string_view complexity,
                 Handler h) {
    r->Add(CommandSpec{.name = name,
                       .arity = arity,
                       .flags = flags,
                       .keys = keys,
                       .acl = acl,
                       .group = "generic",
                       .summary = summary,
                       .since = since,
                       .complexity = complexity,
                       .handler = h,
                       .key_extractor = nullptr,
                       .subcommands = {}});
  };

  add("del", -2, kWrite, {1, -1, 1}, kKs, "Delete a key", "1.0.0",
      "O(N) where N is the number of keys that will be removed. When a key to remove holds a "
      "value other than a string, the individual complexity for this key is O(M) where M is the "
      "number of elements in the list, set, sorted set or hash. Removing a single key that "
      "holds a string value is O(1).",
      CmdDel);
  add("unlink", -2, kWrite | kFast, {1, -1, 1}, kKs,
      "Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non "
      "blocking.",
      "4.0.0",
      "O(1) for each key removed regardless of its size. Then the command does O(N) work in a "
      "different thread in order to reclaim memory, where N is the number of allocations the "
      "deleted objects where composed of.",
      CmdUnlink);
  add("exists", -2, kReadOnly | kFast, {1, -1, 1}, kKs, "Determine if a key exists", "1.0.0",
      "O(N) where N is the number of keys to check.", CmdExists);
  add("type", 2, kReadOnly | kFast, {1, 1, 1}, kKs, "Determine the type stored at key", "1.0.0",
      "O(1)", CmdType);
  add("keys", 2, kReadOnly | kAllShards, {0, 0, 0}, kKs | kAclDangerous,
      "Find all keys matching the given pattern", "1.0.0",
      "O(N) with N being the number of keys in the database, under the assumption that the key "
      "names in the database and the given pattern have limited length.",
      CmdKeys);
  // kAllShards is not a Redis flag: SCAN locks shards one at a time, so inside EXEC it must
  // already hold all of them (taking a lower shard after a higher one could deadlock).
  add("scan", -2, kReadOnly | kAllShards, {0, 0, 0}, kKs, "Incrementally iterate the keys space",
      "2.8.0",
      "O(1) for every call. O(N) for a complete iteration, including enough command calls for "
      "the cursor to return back to 0. N is the number of elements inside the collection.",
      CmdScan);
  add("randomkey", 1, kReadOnly | kAllShards, {0, 0, 0}, kKs,
      "Return a random key from the keyspace", "1.0.0", "O(1)", CmdRandomKey);
  add("rename", 3, kWrite, {1, 2, 1}, kKs, "Rename a key", "1.0.0", "O(1)", CmdRename);
  add("renamenx", 3, kWrite | kFast, {1, 2, 1}, kKs,
      "Rename a key, only if the new key does not exist", "1.0.0", "O(1)", CmdRenameNx);
  add("copy", -3, kWrite | kDenyOom, {1, 2, 1}, kKs, "Copy a key", "6.2.0",
      "O(N) worst case for collections, where N is the number of nested items. O(1) for string "
      "values.",
      CmdCopy);
  add("move", 3, kWrite | kFast, {1, 1, 1}, kKs, "Move a key to another database", "1.0.0", "O(1)",
      CmdMove);
  add("touch", -2, kReadOnly | kFast, {1, -1, 1}, kKs,
      "Alters the last access time of a key(s). Returns the number of existing keys specified.",
      "3.2.1", "O(N) where N is the number of keys that will be touched.", CmdTouch);
  add("dbsize", 1, kReadOnly | kFast | kAllShards, {0, 0, 0}, kKs,
      "Return the number of keys in the selected database", "1.0.0", "O(1)", CmdDbSize);
  add("swapdb", 3, kWrite | kFast | kAllShards, {0, 0, 0}, kKs | kAclDangerous,
      "Swaps two Redis databases", "4.0.0",
      "O(N) where N is the count of clients watching or blocking on keys from both databases.",
      CmdSwapDb);
  add("flushdb", -1, kWrite | kAllShards, {0, 0, 0}, kKs | kAclDangerous,
      "Remove all keys from the current database", "1.0.0",
      "O(N) where N is the number of keys in the selected database", CmdFlushDb);
  add("flushall", -1, kWrite | kAllShards, {0, 0, 0}, kKs | kAclDangerous,
      "Remove all keys from all databases", "1.0.0",
      "O(N) where N is the total number of keys in all databases", CmdFlushAll);
  add("select", 2, kLoading | kStale | kFast, {0, 0, 0}, kAclConnection,
      "Change the selected database for the current connection", "1.0.0", "O(1)", CmdSelect);

  add("expire", -3, kWrite | kFast, {1, 1, 1}, kKs, "Set a key's time to live in seconds", "1.0.0",
      "O(1)", CmdExpire);
  add("pexpire", -3, kWrite | kFast, {1, 1, 1}, kKs, "Set a key's time to live in milliseconds",
      "2.6.0", "O(1)", CmdPExpire);
  add("expireat", -3, kWrite | kFast, {1, 1, 1}, kKs,
      "Set the expiration for a key as a UNIX timestamp", "1.2.0", "O(1)", CmdExpireAt);
  add("pexpireat", -3, kWrite | kFast, {1, 1, 1}, kKs,
      "Set the expiration for a key as a UNIX timestamp specified in milliseconds", "2.6.0", "O(1)",
      CmdPExpireAt);
  add("ttl", 2, kReadOnly | kFast, {1, 1, 1}, kKs, "Get the time to live for a key in seconds",
      "1.0.0", "O(1)", CmdTtl);
  add("pttl", 2, kReadOnly | kFast, {1, 1, 1}, kKs,
      "Get the time to live for a key in milliseconds", "2.6.0", "O(1)", CmdPTtl);
  add("expiretime", 2, kReadOnly | kFast, {1, 1, 1}, kKs,
      "Get the expiration Unix timestamp for a key", "7.0.0", "O(1)", CmdExpireTime);
  add("pexpiretime", 2, kReadOnly | kFast, {1, 1, 1}, kKs,
      "Get the expiration Unix timestamp for a key in milliseconds", "7.0.0", "O(1)",
      CmdPExpireTime);
  add("persist", 2, kWrite | kFast, {1, 1, 1}, kKs, "Remove the expiration from a key", "2.2.0",
      "O(1)", CmdPersist);

  auto sub = [](std::string_view name, int arity, uint32_t flags, KeySpec keys, uint64_t acl,
                std::string_view summary, std::string_view since, Handler h) {
    return CommandSpec{.name = name,
                       .arity = arity,
                       .flags = flags,
                       .keys = keys,
                       .acl = acl,
                       .group = "generic",
                       .summary = summary,
                       .since = since,
                       .complexity = "O(1)",
                       .handler = h,
                       .key_extractor = nullptr,
                       .subcommands = {}};
  };
  r->Add(CommandSpec{
      .name = "object",
      .arity = -2,
      .flags = 0,
      .keys = {0, 0, 0},
      .acl = 0,
      .group = "generic",
      .summary = "A container for object introspection commands",
      .since = "2.2.3",
      .complexity = "Depends on subcommand.",
      .handler = CmdObject,
      .key_extractor = nullptr,
      .subcommands = {
          sub("encoding", 3, kReadOnly, {2, 2, 1}, kKs,
              "Inspect the internal encoding of a Redis object", "2.2.3", CmdObjectEncoding),
          sub("freq", 3, kReadOnly, {2, 2, 1}, kKs,
              "Get the logarithmic access frequency counter of a Redis object", "4.0.0",
              CmdObjectFreq),
          sub("help", 2, kLoading | kStale, {0, 0, 0}, 0,
              "Show helpful text about the different subcommands", "6.2.0", CmdObjectHelp),
          sub("idletime", 3, kReadOnly, {2, 2, 1}, kKs,
              "Get the time since a Redis object was last accessed", "2.2.3", CmdObjectIdletime),
          sub("refcount", 3, kReadOnly, {2, 2, 1}, kKs,
              "Get the number of references to the value of the key", "2.2.3", CmdObjectRefcount),
      }});
}

}  // namespace cardinal::commands
