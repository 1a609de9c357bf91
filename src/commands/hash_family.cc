// Hash commands: HSET, HSETNX, HGET, HMGET, HMSET, HDEL, HEXISTS, HLEN, HSTRLEN, HKEYS, HVALS,
// HGETALL, HINCRBY, HINCRBYFLOAT, HRANDFIELD, HSCAN.
//
// Encodings, as in Redis 7.0: a hash starts as a listpack of field, value, field, value... and
// converts to a core::StrMap ("hashtable") for good when a field or value longer than
// hash-max-listpack-value is written, or when it holds more than hash-max-listpack-entries
// fields after a write (checked after every field written, even an overwrite, so lowering the
// threshold converts a hash on its next write). HSETNX and HINCRBY* follow the same rules for
// the field they write. Listpack hashes iterate in insertion order, which replies show.
//
// Handlers parse every argument first, run one shard-local operation, and reply from inside it
// (views into the hash stay valid there). Writes follow collection_util.h (FindOfType /
// NewCollection / FinishWrite), so an emptied hash disappears.
#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <unordered_set>
#include <vector>

#include "commands/collection_util.h"
#include "commands/context.h"
#include "commands/families.h"
#include "commands/scan_util.h"
#include "common/string_util.h"
#include "core/listpack.h"
#include "core/str_map.h"

namespace cardinal::commands {

using core::Listpack;
using core::LpValue;
using core::StrMap;
using storage::Db;
using storage::Encoding;
using storage::Entry;
using storage::ObjType;

namespace {

constexpr std::string_view kHashNotIntegerErr = "ERR hash value is not an integer";
constexpr std::string_view kHashNotFloatErr = "ERR hash value is not a float";
constexpr std::string_view kIncrNanOrInfErr = "ERR value is NaN or Infinity";
constexpr std::string_view kValueOutOfRangeErr = "ERR value is out of range";
constexpr std::string_view kCountOutOfRangeErr =
    "ERR value is out of range, value must between -9223372036854775807 and "
    "9223372036854775807";

// A listpack's uint32 sizes must never overflow: convert well before (Redis keeps listpacks
// under 1 GB for the same reason).
constexpr size_t kMaxListpackBytes = size_t{1} << 30;

uint64_t NextRandom() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return rng();
}

std::vector<std::string> ToStrings(ArgList args) { return {args.begin(), args.end()}; }

// Thresholds of the compact encoding, read once per command.
struct Limits {
  int64_t entries;
  int64_t value;
  explicit Limits(const CommandContext& ctx)
      : entries(ctx.config().hash_max_listpack_entries.load(std::memory_order_relaxed)),
        value(ctx.config().hash_max_listpack_value.load(std::memory_order_relaxed)) {}
  bool TooLong(std::string_view s) const { return static_cast<int64_t>(s.size()) > value; }
};

bool IsListpack(const Entry* e) { return e->encoding() == Encoding::kListpack; }
Listpack Lp(const Entry* e) { return Listpack(e->object_as<uint8_t>()); }
StrMap* Map(const Entry* e) { return e->object_as<StrMap>(); }
size_t HashLength(const Entry* e) { return storage::ObjectLength(e); }

// ---------------------------------------------------------------------------------------------
// Encoding-independent access

// Calls fn(field, value) for every pair (listpack: insertion order). The views are valid during
// the call only.
template <class Fn>
void ForEachPair(const Entry* e, Fn&& fn) {
  if (!IsListpack(e)) return Map(e)->ForEach(fn);
  Listpack lp = Lp(e);
  char fs[LpValue::kScratchSize], vs[LpValue::kScratchSize];
  for (Listpack::Pos p = lp.First(); p != Listpack::kNpos;) {
    const LpValue f = lp.Get(p);
    p = lp.Next(p);
    const LpValue v = lp.Get(p);
    p = lp.Next(p);
    fn(f.View(fs), v.View(vs));
  }
}

// Looks `field` up; on success *out views the value (integers are formatted into `scratch`,
// LpValue::kScratchSize bytes).
bool GetValue(const Entry* e, std::string_view field, char* scratch, std::string_view* out) {
  if (!IsListpack(e)) {
    auto v = Map(e)->Find(field);
    if (!v) return false;
    *out = *v;
    return true;
  }
  Listpack lp = Lp(e);
  const Listpack::Pos p = lp.Find(lp.First(), field, 1);
  if (p == Listpack::kNpos) return false;
  *out = lp.Get(lp.Next(p)).View(scratch);
  return true;
}

void ConvertToMap(Entry* e) {
  uint8_t* buf = e->object_as<uint8_t>();
  auto* map = new StrMap();
  map->Reserve(Listpack(buf).size() / 2);
  ForEachPair(e, [&](std::string_view f, std::string_view v) { map->Set(f, v); });
  e->set_object(Encoding::kHashtable, map);
  Listpack::FreeBuffer(buf);
}

// Writes field = value with Redis's conversion rules. Returns true if the field is new.
bool SetField(Entry* e, std::string_view field, std::string_view value, const Limits& lim) {
  if (IsListpack(e)) {
    Listpack lp = Lp(e);
    if (lim.TooLong(field) || lim.TooLong(value) ||
        lp.bytes() + field.size() + value.size() + 32 > kMaxListpackBytes) {
      ConvertToMap(e);
    } else {
      const Listpack::Pos p = lp.Find(lp.First(), field, 1);
      const bool inserted = p == Listpack::kNpos;
      if (inserted) {
        lp.AppendPair(field, value);
      } else {
        lp.Replace(lp.Next(p), value);
      }
      e->set_object(lp.data());
      if (static_cast<int64_t>(lp.size() / 2) > lim.entries) ConvertToMap(e);
      return inserted;
    }
  }
  return Map(e)->Set(field, value);
}

bool DeleteField(Entry* e, std::string_view field) {
  if (!IsListpack(e)) return Map(e)->Erase(field);
  Listpack lp = Lp(e);
  const Listpack::Pos p = lp.Find(lp.First(), field, 1);
  if (p == Listpack::kNpos) return false;
  lp.EraseRange(p, 2);
  e->set_object(lp.data());
  return true;
}

// The hash at `key` for writing, created empty (listpack) if absent. nullptr with *st set on
// WRONGTYPE.
Entry* FindOrCreateHash(Db& db, std::string_view key, OpStatus* st) {
  Entry* e = FindOfType(db, key, ObjType::kHash, st);
  if (*st != OpStatus::kOk) return nullptr;
  if (e == nullptr) {
    e = NewCollection(db, key, ObjType::kHash, Encoding::kListpack, Listpack::NewBuffer());
  }
  return e;
}

// ---------------------------------------------------------------------------------------------
// Writes

// HSET key field value [field value ...] / HMSET: replies the number of new fields / OK.
void HSetGeneric(ArgList args, CommandContext& ctx, bool hmset) {
  if (args.size() % 2 != 0) return ReplyWrongArity(ctx, ctx.command()->full_name());
  const std::string_view key = args[1];
  const Limits lim(ctx);
  auto& rb = ctx.reply();
  ctx.Run(key, [&](Db& db) {
    OpStatus st;
    Entry* e = FindOrCreateHash(db, key, &st);
    if (e == nullptr) return SendOpError(rb, st);
    const size_t before = CollectionMemory(e);
    // Like Redis, a long field or value anywhere in the command converts before any write.
    if (IsListpack(e)) {
      for (size_t i = 2; i < args.size(); ++i) {
        if (lim.TooLong(args[i])) {
          ConvertToMap(e);
          break;
        }
      }
    }
    int64_t added = 0;
    for (size_t i = 2; i < args.size(); i += 2) added += SetField(e, args[i], args[i + 1], lim);
    FinishWrite(db, e, before);
    if (db.propagating()) db.Propagate(ToStrings(args));
    if (hmset)
      rb.SendOk();
    else
      rb.SendLong(added);
  });
}

void CmdHSet(ArgList args, CommandContext& ctx) { HSetGeneric(args, ctx, false); }
void CmdHMSet(ArgList args, CommandContext& ctx) { HSetGeneric(args, ctx, true); }

void CmdHSetNx(ArgList args, CommandContext& ctx) {
  const std::string_view key = args[1], field = args[2], value = args[3];
  const Limits lim(ctx);
  auto& rb = ctx.reply();
  ctx.Run(key, [&](Db& db) {
    OpStatus st;
    Entry* e = FindOfType(db, key, ObjType::kHash, &st);
    if (st != OpStatus::kOk) return SendOpError(rb, st);
    char scratch[LpValue::kScratchSize];
    std::string_view cur;
    if (e != nullptr && GetValue(e, field, scratch, &cur)) return rb.SendLong(0);
    if (e == nullptr) {
      e = NewCollection(db, key, ObjType::kHash, Encoding::kListpack, Listpack::NewBuffer());
    }
    const size_t before = CollectionMemory(e);
    SetField(e, field, value, lim);
    FinishWrite(db, e, before);
    if (db.propagating()) db.Propagate(ToStrings(args));
    rb.SendLong(1);
  });
}

void CmdHDel(ArgList args, CommandContext& ctx) {
  const std::string_view key = args[1];
  auto& rb = ctx.reply();
  ctx.Run(key, [&](Db& db) {
    OpStatus st;
    Entry* e = FindOfType(db, key, ObjType::kHash, &st);
    if (st != OpStatus::kOk) return SendOpError(rb, st);
    if (e == nullptr) return rb.SendLong(0);
    const size_t before = CollectionMemory(e);
    int64_t deleted = 0;
    for (size_t i = 2; i < args.size(); ++i) {
      if (DeleteField(e, args[i])) {
        ++deleted;
        if (HashLength(e) == 0) break;  // the key goes away; the other fields can't exist
      }
    }
    if (deleted > 0) {
      FinishWrite(db, e, before);
      if (db.propagating()) db.Propagate(ToStrings(args));
    }
    rb.SendLong(deleted);
  });
}

void CmdHIncrBy(ArgList args, CommandContext& ctx) {
  int64_t incr;
  if (!ParseInt64(args[3], &incr)) return ctx.reply().SendError(protocol::kNotIntegerErr);
  const std::string_view key = args[1], field = args[2];
  const Limits lim(ctx);
  auto& rb = ctx.reply();
  ctx.Run(key, [&](Db& db) {
    OpStatus st;
    Entry* e = FindOfType(db, key, ObjType::kHash, &st);
    if (st != OpStatus::kOk) return SendOpError(rb, st);
    int64_t cur = 0;
    char scratch[LpValue::kScratchSize];
    std::string_view v;
    if (e != nullptr && GetValue(e, field, scratch, &v) && !ParseInt64(v, &cur)) {
      return rb.SendError(kHashNotIntegerErr);
    }
    int64_t result;
    if (__builtin_add_overflow(cur, incr, &result)) return rb.SendError(protocol::kOverflowErr);
    if (e == nullptr) {
      e = NewCollection(db, key, ObjType::kHash, Encoding::kListpack, Listpack::NewBuffer());
    }
    const size_t before = CollectionMemory(e);
    char buf[kInt64BufSize];
    SetField(e, field, std::string_view(buf, FormatInt64(result, buf)), lim);
    FinishWrite(db, e, before);
    if (db.propagating()) db.Propagate(ToStrings(args));
    rb.SendLong(result);
  });
}

void CmdHIncrByFloat(ArgList args, CommandContext& ctx) {
  long double incr;
  if (!ParseLongDouble(args[3], &incr)) return ctx.reply().SendError(protocol::kNotFloatErr);
  if (std::isnan(incr) || std::isinf(incr)) return ctx.reply().SendError(kIncrNanOrInfErr);
  const std::string_view key = args[1], field = args[2];
  const Limits lim(ctx);
  auto& rb = ctx.reply();
  ctx.Run(key, [&](Db& db) {
    OpStatus st;
    Entry* e = FindOfType(db, key, ObjType::kHash, &st);
    if (st != OpStatus::kOk) return SendOpError(rb, st);
    long double cur = 0;
    char scratch[LpValue::kScratchSize];
    std::string_view v;
    if (e != nullptr && GetValue(e, field, scratch, &v) && !ParseLongDouble(v, &cur)) {
      return rb.SendError(kHashNotFloatErr);
    }
    const long double result = cur + incr;
    if (std::isnan(result) || std::isinf(result)) return rb.SendError(protocol::kNanOrInfErr);
    const std::string s = FormatLongDoubleHuman(result);
    if (e == nullptr) {
      e = NewCollection(db, key, ObjType::kHash, Encoding::kListpack, Listpack::NewBuffer());
    }
    const size_t before = CollectionMemory(e);
    SetField(e, field, s, lim);
    FinishWrite(db, e, before);
    // Propagated as HSET of the result, so replicas never redo the float arithmetic.
    if (db.propagating()) db.Propagate({"HSET", std::string(key), std::string(field), s});
    rb.SendBulk(s);
  });
}

// ---------------------------------------------------------------------------------------------
// Reads

// Runs fn(const Entry*) on the hash at args[1] (nullptr when absent) or replies WRONGTYPE.
template <class Fn>
void ReadHash(ArgList args, CommandContext& ctx, Fn&& fn) {
  auto& rb = ctx.reply();
  ctx.Run(args[1], [&](Db& db) {
    OpStatus st;
    const Entry* e = FindOfType(db, args[1], ObjType::kHash, &st, /*read=*/true);
    if (st != OpStatus::kOk) return SendOpError(rb, st);
    fn(e);
  });
}

void CmdHGet(ArgList args, CommandContext& ctx) {
  auto& rb = ctx.reply();
  ReadHash(args, ctx, [&](const Entry* e) {
    char scratch[LpValue::kScratchSize];
    std::string_view v;
    if (e != nullptr && GetValue(e, args[2], scratch, &v)) return rb.SendBulk(v);
    rb.SendNull();
  });
}

void CmdHMGet(ArgList args, CommandContext& ctx) {
  auto& rb = ctx.reply();
  ReadHash(args, ctx, [&](const Entry* e) {
    rb.SendArrayLen(args.size() - 2);
    for (size_t i = 2; i < args.size(); ++i) {
      char scratch[LpValue::kScratchSize];
      std::string_view v;
      if (e != nullptr && GetValue(e, args[i], scratch, &v))
        rb.SendBulk(v);
      else
        rb.SendNull();
    }
  });
}

void CmdHExists(ArgList args, CommandContext& ctx) {
  auto& rb = ctx.reply();
  ReadHash(args, ctx, [&](const Entry* e) {
    char scratch[LpValue::kScratchSize];
    std::string_view v;
    rb.SendLong(e != nullptr && GetValue(e, args[2], scratch, &v) ? 1 : 0);
  });
}

void CmdHStrLen(ArgList args, CommandContext& ctx) {
  auto& rb = ctx.reply();
  ReadHash(args, ctx, [&](const Entry* e) {
    char scratch[LpValue::kScratchSize];
    std::string_view v;
    rb.SendLong(e != nullptr && GetValue(e, args[2], scratch, &v) ? static_cast<int64_t>(v.size())
                                                                  : 0);
  });
}

void CmdHLen(ArgList args, CommandContext& ctx) {
  auto& rb = ctx.reply();
  ReadHash(args, ctx, [&](const Entry* e) {
    rb.SendLong(e != nullptr ? static_cast<int64_t>(HashLength(e)) : 0);
  });
}

enum class Part { kFields, kValues, kBoth };

void GetAllGeneric(ArgList args, CommandContext& ctx, Part part) {
  auto& rb = ctx.reply();
  ReadHash(args, ctx, [&](const Entry* e) {
    const size_t n = e != nullptr ? HashLength(e) : 0;
    if (part == Part::kBoth)
      rb.SendMapLen(n);
    else
      rb.SendArrayLen(n);
    if (e == nullptr) return;
    ForEachPair(e, [&](std::string_view f, std::string_view v) {
      if (part != Part::kValues) rb.SendBulk(f);
      if (part != Part::kFields) rb.SendBulk(v);
    });
  });
}

void CmdHKeys(ArgList args, CommandContext& ctx) { GetAllGeneric(args, ctx, Part::kFields); }
void CmdHVals(ArgList args, CommandContext& ctx) { GetAllGeneric(args, ctx, Part::kValues); }
void CmdHGetAll(ArgList args, CommandContext& ctx) { GetAllGeneric(args, ctx, Part::kBoth); }

// ---------------------------------------------------------------------------------------------
// HRANDFIELD

// Random access to a hash's pairs by index: a listpack is indexed once (field positions), so
// each pick is O(1) whatever the count.
class PairSampler {
 public:
  explicit PairSampler(const Entry* e) : e_(e) {
    if (IsListpack(e)) {
      Listpack lp = Lp(e);
      positions_.reserve(lp.size() / 2);
      for (Listpack::Pos p = lp.First(); p != Listpack::kNpos; p = lp.Next(lp.Next(p))) {
        positions_.push_back(p);
      }
    }
  }
  // A uniformly random pair; the views are valid until the next call.
  std::pair<std::string_view, std::string_view> Random() {
    if (!IsListpack(e_)) return Map(e_)->RandomElement(NextRandom());
    return At(static_cast<size_t>(NextRandom() % positions_.size()));
  }
  // Listpack only: the i-th pair.
  std::pair<std::string_view, std::string_view> At(size_t i) {
    Listpack lp = Lp(e_);
    const Listpack::Pos p = positions_[i];
    return {lp.Get(p).View(fs_), lp.Get(lp.Next(p)).View(vs_)};
  }

 private:
  const Entry* e_;
  std::vector<Listpack::Pos> positions_;
  char fs_[LpValue::kScratchSize];
  char vs_[LpValue::kScratchSize];
};

void SendPair(protocol::ReplyBuilder& rb, std::string_view f, std::string_view v, bool withvalues) {
  if (withvalues && rb.resp3()) rb.SendArrayLen(2);
  rb.SendBulk(f);
  if (withvalues) rb.SendBulk(v);
}

void SendRandomHeader(protocol::ReplyBuilder& rb, size_t count, bool withvalues) {
  rb.SendArrayLen(withvalues && !rb.resp3() ? count * 2 : count);
}

// Negative count: `count` picks with repetition, streamed straight into the reply, bounded by
// BoundedRandomReply (collection_util.h).
void SendRandomWithRepetition(CommandContext& ctx, const Entry* e, uint64_t count,
                              bool withvalues) {
  auto& rb = ctx.reply();
  BoundedRandomReply bound(ctx);
  // The smallest possible element is an empty bulk ("$0\r\n\r\n").
  if (!bound.Admit(count, withvalues ? 12 + (rb.resp3() ? 4 : 0) : 6)) return;
  PairSampler sampler(e);
  SendRandomHeader(rb, count, withvalues);
  for (uint64_t i = 0; i < count; ++i) {
    auto [f, v] = sampler.Random();
    SendPair(rb, f, v, withvalues);
    if ((i & 1023) == 1023 && !bound.Check()) return;
  }
  bound.Check();
}

// Positive count below the size: `count` distinct pairs.
void SendRandomDistinct(protocol::ReplyBuilder& rb, const Entry* e, size_t count, bool withvalues) {
  const size_t size = HashLength(e);
  SendRandomHeader(rb, count, withvalues);
  if (IsListpack(e)) {
    // Selection sampling: one pass, each pair kept with probability needed/remaining.
    PairSampler sampler(e);
    size_t needed = count;
    for (size_t i = 0; i < size && needed > 0; ++i) {
      if (NextRandom() % (size - i) < needed) {
        auto [f, v] = sampler.At(i);
        SendPair(rb, f, v, withvalues);
        --needed;
      }
    }
    return;
  }
  const StrMap* map = Map(e);
  // Few fields wanted: draw until enough distinct ones. Draws are roughly uniform, so this
  // takes ~count draws when count <= size / 3; the cap only guards a very sparse table, where
  // the full copy below is cheap anyway.
  if (count * 3 <= size) {
    std::unordered_set<std::string_view> picked;
    std::vector<std::pair<std::string_view, std::string_view>> out;
    for (size_t draws = 0; out.size() < count && draws < 8 * count + 64; ++draws) {
      auto pv = map->RandomElement(NextRandom());
      if (picked.insert(pv.first).second) out.push_back(pv);
    }
    if (out.size() == count) {
      for (auto& [f, v] : out) SendPair(rb, f, v, withvalues);
      return;
    }
  }
  // Many fields wanted: shuffle all of them partially and take the first `count`.
  std::vector<std::pair<std::string_view, std::string_view>> all;
  all.reserve(size);
  map->ForEach([&](std::string_view f, std::string_view v) { all.emplace_back(f, v); });
  for (size_t i = 0; i < count; ++i) {
    std::swap(all[i], all[i + NextRandom() % (size - i)]);
    SendPair(rb, all[i].first, all[i].second, withvalues);
  }
}

void CmdHRandField(ArgList args, CommandContext& ctx) {
  auto& rb = ctx.reply();
  if (args.size() == 2) {
    return ReadHash(args, ctx, [&](const Entry* e) {
      if (e == nullptr) return rb.SendNull();
      PairSampler sampler(e);
      rb.SendBulk(sampler.Random().first);
    });
  }
  int64_t l;
  if (!ParseInt64(args[2], &l)) return rb.SendError(protocol::kNotIntegerErr);
  if (l == INT64_MIN) return rb.SendError(kCountOutOfRangeErr);
  if (args.size() > 4 || (args.size() == 4 && !EqualsIgnoreCase(args[3], "withvalues"))) {
    return rb.SendError(protocol::kSyntaxErr);
  }
  const bool withvalues = args.size() == 4;
  // Redis refuses counts whose doubled (field + value) length would overflow.
  if (withvalues && (l < -(INT64_MAX / 2) || l > INT64_MAX / 2)) {
    return rb.SendError(kValueOutOfRangeErr);
  }
  const uint64_t count = l < 0 ? static_cast<uint64_t>(-l) : static_cast<uint64_t>(l);
  ReadHash(args, ctx, [&](const Entry* e) {
    if (e == nullptr || count == 0) return rb.SendArrayLen(0);
    const size_t size = HashLength(e);
    // As in Redis, a count of 1 is a pick with repetition (the same thing for one pick).
    if (l < 0 || count == 1) return SendRandomWithRepetition(ctx, e, count, withvalues);
    if (count >= size) {  // the whole hash, in its iteration order
      SendRandomHeader(rb, size, withvalues);
      ForEachPair(e,
                  [&](std::string_view f, std::string_view v) { SendPair(rb, f, v, withvalues); });
      return;
    }
    SendRandomDistinct(rb, e, static_cast<size_t>(count), withvalues);
  });
}

// ---------------------------------------------------------------------------------------------
// HSCAN

void CmdHScan(ArgList args, CommandContext& ctx) {
  auto& rb = ctx.reply();
  uint64_t cursor;
  if (!ParseScanCursor(args[2], &cursor)) return rb.SendError(kInvalidCursorErr);
  ReadHash(args, ctx, [&](const Entry* e) {
    if (e == nullptr) {  // Redis answers an absent key before looking at the options
      rb.SendArrayLen(2);
      rb.SendBulk("0");
      return rb.SendArrayLen(0);
    }
    ScanOptions opt;
    if (std::string_view err = ParseCollectionScan(args, &opt); !err.empty()) {
      return rb.SendError(err);
    }
    std::vector<std::string> found;  // field, value, field, value...
    auto collect = [&](std::string_view f, std::string_view v) {
      if (!opt.Matches(f)) return;
      found.emplace_back(f);
      found.emplace_back(v);
    };
    if (IsListpack(e)) {
      // A compact hash is returned whole in one call, with cursor 0, as Redis does.
      ForEachPair(e, collect);
      cursor = 0;
    } else {
      // Redis's bound: about COUNT * 10 buckets visited per call.
      const size_t want = static_cast<size_t>(std::min<int64_t>(opt.count, INT32_MAX)) * 2;
      int64_t steps = opt.count > INT64_MAX / 10 ? INT64_MAX : opt.count * 10;
      const StrMap* map = Map(e);
      do {
        cursor = map->Scan(cursor, collect);
      } while (cursor != 0 && --steps > 0 && found.size() < want);
    }
    rb.SendArrayLen(2);
    rb.SendBulk(std::to_string(cursor));
    rb.SendArrayLen(found.size());
    for (const std::string& s : found) rb.SendBulk(s);
  });
}

}  // namespace

void RegisterHashFamily(CommandRegistry* r) {
  auto add = [&](std::string_view name, int arity, uint32_t flags, std::string_view summary,
                 std::string_view since, std::string_view complexity, Handler h) {
    r->Add(CommandSpec{.name = name,
                       .arity = arity,
                       .flags = flags,
                       .keys = {1, 1, 1},
                       .acl = kAclHash,
                       .group = "hash",
                       .summary = summary,
                       .since = since,
                       .complexity = complexity,
                       .handler = h});
  };
  constexpr uint32_t kWriteFast = kWrite | kDenyOom | kFast;
  constexpr uint32_t kReadFast = kReadOnly | kFast;
  add("hset", -4, kWriteFast, "Set the string value of a hash field", "2.0.0",
      "O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command "
      "is called with multiple field/value pairs.",
      CmdHSet);
  add("hsetnx", 4, kWriteFast, "Set the value of a hash field, only if the field does not exist",
      "2.0.0", "O(1)", CmdHSetNx);
  add("hmset", -4, kWriteFast, "Set multiple hash fields to multiple values", "2.0.0",
      "O(N) where N is the number of fields being set.", CmdHMSet);
  add("hget", 3, kReadFast, "Get the value of a hash field", "2.0.0", "O(1)", CmdHGet);
  add("hmget", -3, kReadFast, "Get the values of all the given hash fields", "2.0.0",
      "O(N) where N is the number of fields being requested.", CmdHMGet);
  add("hdel", -3, kWrite | kFast, "Delete one or more hash fields", "2.0.0",
      "O(N) where N is the number of fields to be removed.", CmdHDel);
  add("hexists", 3, kReadFast, "Determine if a hash field exists", "2.0.0", "O(1)", CmdHExists);
  add("hlen", 2, kReadFast, "Get the number of fields in a hash", "2.0.0", "O(1)", CmdHLen);
  add("hstrlen", 3, kReadFast, "Get the length of the value of a hash field", "3.2.0", "O(1)",
      CmdHStrLen);
  add("hkeys", 2, kReadOnly, "Get all the fields in a hash", "2.0.0",
      "O(N) where N is the size of the hash.", CmdHKeys);
  add("hvals", 2, kReadOnly, "Get all the values in a hash", "2.0.0",
      "O(N) where N is the size of the hash.", CmdHVals);
  add("hgetall", 2, kReadOnly, "Get all the fields and values in a hash", "2.0.0",
      "O(N) where N is the size of the hash.", CmdHGetAll);
  add("hincrby", 4, kWriteFast, "Increment the integer value of a hash field by the given number",
      "2.0.0", "O(1)", CmdHIncrBy);
  add("hincrbyfloat", 4, kWriteFast,
      "Increment the float value of a hash field by the given amount", "2.6.0", "O(1)",
      CmdHIncrByFloat);
  add("hrandfield", -2, kReadOnly, "Get one or multiple random fields from a hash", "6.2.0",
      "O(N) where N is the number of fields returned", CmdHRandField);
  add("hscan", -3, kReadOnly, "Incrementally iterate hash fields and associated values", "2.8.0",
      "O(1) for every call. O(N) for a complete iteration, including enough command calls for "
      "the cursor to return back to 0. N is the number of elements inside the collection..",
      CmdHScan);
}

}  // namespace cardinal::commands
