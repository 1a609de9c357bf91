// Set commands: SADD, SREM, SISMEMBER, SMISMEMBER, SMEMBERS, SCARD, SPOP, SRANDMEMBER, SMOVE,
// SINTER, SINTERCARD, SINTERSTORE, SUNION, SUNIONSTORE, SDIFF, SDIFFSTORE, SSCAN.
//
// Encodings, as in Redis 7.0 (which has no listpack sets): a set is a core::IntSet ("intset")
// while every member is a canonical 64-bit integer and it has at most set-max-intset-entries
// members (checked after each member added, so lowering the threshold converts a set on its
// next addition), and a core::StrSet ("hashtable") otherwise, for good. A new set starts as an
// intset when its first member is an integer. The *STORE commands build their result the same
// way, member by member from an empty intset, so its encoding is the one Redis reports (which
// for SDIFFSTORE depends on the algorithm, see SetDiff).
//
// Handlers parse every argument first, run one operation over all their keys (atomic), and reply
// from inside it, where views into the sets are valid. Writes follow collection_util.h, so an
// emptied set disappears and a *STORE with an empty result deletes its destination.
//
// Random picks (SPOP, SRANDMEMBER) never build an unbounded reply: a negative SRANDMEMBER count
// streams picks into the reply and gives up past proto-max-bulk-len; positive counts are
// bounded by the set.
#include <algorithm>
#include <numeric>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <unordered_set>
#include <vector>

#include "commands/collection_util.h"
#include "commands/context.h"
#include "commands/families.h"
#include "commands/scan_util.h"
#include "common/string_util.h"
#include "core/intset.h"
#include "core/str_set.h"

namespace cardinal::commands {

using core::IntSet;
using core::StrSet;
using storage::Db;
using storage::Encoding;
using storage::Entry;
using storage::ObjType;

namespace {

constexpr std::string_view kPositiveCountErr = "ERR value is out of range, must be positive";
constexpr std::string_view kCountOutOfRangeErr =
    "ERR value is out of range, value must between -9223372036854775807 and "
    "9223372036854775807";
constexpr std::string_view kNumKeysErr = "ERR numkeys should be greater than 0";
constexpr std::string_view kTooManyKeysErr =
    "ERR Number of keys can't be greater than number of args";
constexpr std::string_view kLimitNegativeErr = "ERR LIMIT can't be negative";

// Redis caps set-max-intset-entries at 2^30 (IntSet also counts in 32 bits).
constexpr int64_t kIntsetEntriesCap = int64_t{1} << 30;
// SPOP with a count propagates its effect as SREMs of at most this many members each (one
// record per batch; a multi-record command leaves as one MULTI/EXEC batch).
constexpr size_t kSRemBatch = 1024;

uint64_t NextRandom() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return rng();
}

// Uniform in [0, n) without a division.
size_t RandomIndex(size_t n) {
  return static_cast<size_t>((static_cast<unsigned __int128>(NextRandom()) * n) >> 64);
}

std::vector<std::string> ToStrings(ArgList args) { return {args.begin(), args.end()}; }

size_t MaxIntsetEntries(const CommandContext& ctx) {
  const int64_t v = ctx.config().set_max_intset_entries.load(std::memory_order_relaxed);
  return static_cast<size_t>(std::clamp<int64_t>(v, 0, kIntsetEntriesCap));
}

// A member as iteration hands it out: its text, plus its value when it came from an intset (so
// intset-to-intset operations never parse or format).
struct MemberRef {
  std::string_view str;
  const int64_t* ival = nullptr;
};

// ---------------------------------------------------------------------------------------------
// SetObj: a set of either encoding behind one interface

// A handle on a set object (it does not own it). Add may convert an intset to a StrSet: the
// handle then names the new object and the old one is freed; the owner stores the new pointer
// (see Store).
class SetObj {
 public:
  SetObj(Encoding enc, void* obj) : enc_(enc), obj_(obj) {}
  static SetObj Of(const Entry* e) { return {e->encoding(), e->object()}; }
  // An empty set in the encoding Redis gives a set created for the member `first`.
  static SetObj NewFor(std::string_view first) {
    int64_t v;
    if (ParseInt64(first, &v)) return NewIntset();
    return {Encoding::kHashtable, new StrSet()};
  }
  static SetObj NewIntset() { return {Encoding::kIntset, new IntSet()}; }

  Encoding encoding() const { return enc_; }
  void* object() const { return obj_; }
  bool is_intset() const { return enc_ == Encoding::kIntset; }
  IntSet* ints() const { return static_cast<IntSet*>(obj_); }
  StrSet* strs() const { return static_cast<StrSet*>(obj_); }
  size_t size() const { return is_intset() ? ints()->size() : strs()->size(); }
  void Free() { storage::FreeObject(ObjType::kSet, enc_, obj_); }

  bool Contains(MemberRef m) const {
    if (!is_intset()) return strs()->Contains(m.str);
    if (m.ival != nullptr) return ints()->Contains(*m.ival);
    int64_t v;
    return ParseInt64(m.str, &v) && ints()->Contains(v);
  }
  bool Contains(std::string_view m) const { return Contains(MemberRef{m}); }

  // Calls fn(MemberRef) for every member (intset: ascending) until fn returns false. Views are
  // valid during the call only.
  template <class Fn>
  void ForEachWhile(Fn&& fn) const {
    if (!is_intset()) {
      strs()->ForEachWhile([&](std::string_view m) { return fn(MemberRef{m}); });
      return;
    }
    char buf[kInt64BufSize];
    const IntSet& s = *ints();
    for (size_t i = 0; i < s.size(); ++i) {
      const int64_t v = s.At(i);
      if (!fn(MemberRef{std::string_view(buf, FormatInt64(v, buf)), &v})) return;
    }
  }
  template <class Fn>
  void ForEach(Fn&& fn) const {
    if (!is_intset()) {
      strs()->ForEach([&](std::string_view m) { fn(MemberRef{m}); });
      return;
    }
    char buf[kInt64BufSize];
    ints()->ForEach([&](int64_t v) {
      fn(MemberRef{std::string_view(buf, FormatInt64(v, buf)), &v});
    });
  }

  // Adds `m` with Redis's conversion rules. Returns true if it was not a member.
  bool Add(MemberRef m, size_t max_intset) {
    if (is_intset()) {
      int64_t v;
      if (m.ival != nullptr || ParseInt64(m.str, &v)) {
        if (m.ival != nullptr) v = *m.ival;
        if (!ints()->Insert(v)) return false;
        if (ints()->size() > max_intset) ToHashtable();
        return true;
      }
      ToHashtable();
    }
    return strs()->Insert(m.str);
  }
  bool Add(std::string_view m, size_t max_intset) { return Add(MemberRef{m}, max_intset); }

  bool Remove(MemberRef m) {
    if (!is_intset()) return strs()->Erase(m.str);
    if (m.ival != nullptr) return ints()->Erase(*m.ival);
    int64_t v;
    return ParseInt64(m.str, &v) && ints()->Erase(v);
  }
  bool Remove(std::string_view m) { return Remove(MemberRef{m}); }

  // A uniformly random member (intsets format it into `buf`, kInt64BufSize bytes).
  // REQUIRES: size() > 0.
  std::string_view Random(char* buf) const {
    if (!is_intset()) return strs()->RandomMember(NextRandom());
    return {buf, FormatInt64(ints()->At(RandomIndex(ints()->size())), buf)};
  }

  void ToHashtable() {
    auto* s = new StrSet();
    ForEach([&](MemberRef m) { s->Insert(m.str); });
    delete ints();
    enc_ = Encoding::kHashtable;
    obj_ = s;
  }

 private:
  Encoding enc_;
  void* obj_;
};

// Makes `e` hold `s` after a possible conversion.
void Store(Entry* e, const SetObj& s) {
  if (e->object() != s.object()) e->set_object(s.encoding(), s.object());
}

void SendMembers(protocol::ReplyBuilder& rb, const SetObj& s) {
  s.ForEach([&](MemberRef m) { rb.SendBulk(m.str); });
}

// Looks `key` up as a set (reads count keyspace hits/misses); replies and returns false on
// WRONGTYPE. *e is null when the key is absent.
bool FindSet(Db& db, std::string_view key, bool read, protocol::ReplyBuilder& rb, Entry** e) {
  OpStatus st;
  *e = FindOfType(db, key, ObjType::kSet, &st, read);
  if (st != OpStatus::kOk) {
    SendOpError(rb, st);
    return false;
  }
  return true;
}

// `k` distinct positions in [0, n), in random order. REQUIRES: k <= n.
std::vector<uint32_t> DistinctPositions(size_t n, size_t k) {
  if (k * 2 <= n) {
    std::vector<uint32_t> out;
    out.reserve(k);
    std::vector<bool> taken(n);
    while (out.size() < k) {
      const size_t i = RandomIndex(n);
      if (!taken[i]) {
        taken[i] = true;
        out.push_back(static_cast<uint32_t>(i));
      }
    }
    return out;
  }
  std::vector<uint32_t> all(n);
  std::iota(all.begin(), all.end(), 0u);
  for (size_t i = 0; i < k; ++i) std::swap(all[i], all[i + RandomIndex(n - i)]);
  all.resize(k);
  return all;
}

// ---------------------------------------------------------------------------------------------
// SADD, SREM, SISMEMBER, SMISMEMBER, SCARD, SMEMBERS

void CmdSAdd(ArgList args, CommandContext& ctx) {
  auto& rb = ctx.reply();
  const std::string_view key = args[1];
  const size_t max_intset = MaxIntsetEntries(ctx);
  ctx.Run(key, [&](Db& db) {
    Entry* e;
    if (!FindSet(db, key, false, rb, &e)) return;
    if (e == nullptr) {
      SetObj s = SetObj::NewFor(args[2]);
      e = NewCollection(db, key, ObjType::kSet, s.encoding(), s.object());
    }
    const size_t before = CollectionMemory(e);
    SetObj s = SetObj::Of(e);
    int64_t added = 0;
    for (size_t i = 2; i < args.size(); ++i) added += s.Add(args[i], max_intset);
    Store(e, s);
    if (added > 0) {
      FinishWrite(db, e, before);
      if (db.propagating()) db.Propagate(ToStrings(args));
    }
    rb.SendLong(added);
  });
}

void CmdSRem(ArgList args, CommandContext& ctx) {
  auto& rb = ctx.reply();
  const std::string_view key = args[1];
  ctx.Run(key, [&](Db& db) {
    Entry* e;
    if (!FindSet(db, key, false, rb, &e)) return;
    if (e == nullptr) return rb.SendLong(0);
    const size_t before = CollectionMemory(e);
    SetObj s = SetObj::Of(e);
    int64_t removed = 0;
    for (size_t i = 2; i < args.size() && s.size() > 0; ++i) removed += s.Remove(args[i]);
    if (removed > 0) {
      FinishWrite(db, e, before);
      if (db.propagating()) db.Propagate(ToStrings(args));
    }
    rb.SendLong(removed);
  });
}

// Runs fn(const Entry* or null) on `key` looked up for reading, after the WRONGTYPE check.
template <class Fn>
void ReadSet(CommandContext& ctx, std::string_view key, Fn&& fn) {
  auto& rb = ctx.reply();
  ctx.Run(key, [&](Db& db) {
    Entry* e;
    if (FindSet(db, key, true, rb, &e)) fn(static_cast<const Entry*>(e));
  });
}

void CmdSIsMember(ArgList args, CommandContext& ctx) {
  auto& rb = ctx.reply();
  ReadSet(ctx, args[1], [&](const Entry* e) {
    rb.SendLong(e != nullptr && SetObj::Of(e).Contains(args[2]) ? 1 : 0);
  });
}

void CmdSMIsMember(ArgList args, CommandContext& ctx) {
  auto& rb = ctx.reply();
  ReadSet(ctx, args[1], [&](const Entry* e) {
    rb.SendArrayLen(args.size() - 2);
    for (size_t i = 2; i < args.size(); ++i) {
      rb.SendLong(e != nullptr && SetObj::Of(e).Contains(args[i]) ? 1 : 0);
    }
  });
}

void CmdSCard(ArgList args, CommandContext& ctx) {
  auto& rb = ctx.reply();
  ReadSet(ctx, args[1], [&](const Entry* e) {
    rb.SendLong(e == nullptr ? 0 : static_cast<int64_t>(SetObj::Of(e).size()));
  });
}

void CmdSMembers(ArgList args, CommandContext& ctx) {
  auto& rb = ctx.reply();
  ReadSet(ctx, args[1], [&](const Entry* e) {
    if (e == nullptr) return rb.SendSetLen(0);
    const SetObj s = SetObj::Of(e);
    rb.SendSetLen(s.size());
    SendMembers(rb, s);
  });
}

// ---------------------------------------------------------------------------------------------
// SPOP, SRANDMEMBER

// Collects removed members into SREM records of at most kSRemBatch members.
class SRemPropagator {
 public:
  SRemPropagator(Db& db, std::string_view key) : db_(db), key_(key), on_(db.propagating()) {}
  ~SRemPropagator() { Flush(); }
  void Add(std::string_view m) {
    if (!on_) return;
    if (argv_.empty()) argv_ = {"SREM", std::string(key_)};
    argv_.emplace_back(m);
    if (argv_.size() == 2 + kSRemBatch) Flush();
  }
  void Flush() {
    if (!argv_.empty()) db_.Propagate(std::move(argv_));
    argv_.clear();
  }

 private:
  Db& db_;
  std::string_view key_;
  bool on_;
  std::vector<std::string> argv_;
};

// Removes `count` random distinct members (0 < count < size) and calls fn(string_view) for each.
// Returns the set's (possibly new) object.
//
// When few members stay (remaining * 5 <= count), Redis builds a new set from the members it
// keeps, starting from the encoding of the first one, and the rest is the reply: so a hashtable
// set whose kept members are all integers becomes an intset again, and an intset whose kept
// members exceed set-max-intset-entries becomes a hashtable. We do the same (it also avoids
// drawing from an ever sparser table), so OBJECT ENCODING after SPOP matches Redis.
template <class Fn>
SetObj PopRandom(SetObj s, size_t count, size_t max_intset, Fn&& fn) {
  const size_t size = s.size();
  const size_t remaining = size - count;
  const bool rebuild = remaining * 5 <= count;
  if (s.is_intset()) {
    IntSet& ints = *s.ints();
    std::vector<bool> remove(size);
    char buf[kInt64BufSize];
    for (uint32_t i : DistinctPositions(size, count)) {
      remove[i] = true;
      fn(std::string_view(buf, FormatInt64(ints.At(i), buf)));
    }
    ints.EraseMarked(remove);
    if (rebuild && remaining > max_intset) s.ToHashtable();
    return s;
  }
  StrSet* strs = s.strs();
  if (rebuild) {
    std::optional<SetObj> keep;
    for (size_t i = 0; i < remaining; ++i) {
      const std::string_view m = strs->RandomMember(NextRandom());
      if (!keep) keep = SetObj::NewFor(m);
      keep->Add(m, max_intset);
      strs->Erase(m);
    }
    strs->ForEach(fn);
    delete strs;
    return *keep;
  }
  for (size_t i = 0; i < count; ++i) {
    const std::string_view m = strs->RandomMember(NextRandom());
    fn(m);
    strs->Erase(m);
  }
  return s;
}

void CmdSPop(ArgList args, CommandContext& ctx) {
  auto& rb = ctx.reply();
  const std::string_view key = args[1];
  if (args.size() > 3) return rb.SendError(protocol::kSyntaxErr);
  if (args.size() == 2) {
    ctx.Run(key, [&](Db& db) {
      Entry* e;
      if (!FindSet(db, key, false, rb, &e)) return;
      if (e == nullptr) return rb.SendNull();
      const size_t before = CollectionMemory(e);
      SetObj s = SetObj::Of(e);
      char buf[kInt64BufSize];
      std::string member(s.Random(buf));
      s.Remove(member);
      rb.SendBulk(member);
      if (db.propagating()) db.Propagate({"SREM", std::string(key), member});
      FinishWrite(db, e, before);
    });
    return;
  }
  int64_t count;
  if (!ParseInt64(args[2], &count) || count < 0) return rb.SendError(kPositiveCountErr);
  ctx.Run(key, [&](Db& db) {
    Entry* e;
    if (!FindSet(db, key, false, rb, &e)) return;
    if (e == nullptr || count == 0) return rb.SendSetLen(0);
    SetObj s = SetObj::Of(e);
    const size_t size = s.size();
    if (static_cast<uint64_t>(count) >= size) {
      // The whole set: reply with it and delete the key, propagated as DEL as Redis does.
      rb.SendSetLen(size);
      SendMembers(rb, s);
      db.Delete(key);
      if (db.propagating()) db.Propagate({"DEL", std::string(key)});
      return;
    }
    const size_t before = CollectionMemory(e);
    SRemPropagator srem(db, key);
    rb.SendSetLen(static_cast<size_t>(count));
    s = PopRandom(s, static_cast<size_t>(count), MaxIntsetEntries(ctx), [&](std::string_view m) {
      rb.SendBulk(m);
      srem.Add(m);
    });
    Store(e, s);
    srem.Flush();
    FinishWrite(db, e, before);
  });
}

// SRANDMEMBER with a negative count: `count` independent picks, streamed into the reply,
// bounded by BoundedRandomReply (collection_util.h).
void SendRandomWithRepetition(CommandContext& ctx, const SetObj& s, uint64_t count) {
  auto& rb = ctx.reply();
  BoundedRandomReply bound(ctx);
  if (!bound.Admit(count, 6)) return;  // the smallest element is an empty bulk, "$0\r\n\r\n"
  rb.SendArrayLen(count);
  char buf[kInt64BufSize];
  for (uint64_t i = 0; i < count; ++i) {
    rb.SendBulk(s.Random(buf));
    if ((i & 1023) == 1023 && !bound.Check()) return;
  }
  bound.Check();
}

// SRANDMEMBER with 0 < count < size: `count` distinct members.
void SendRandomDistinct(protocol::ReplyBuilder& rb, const SetObj& s, size_t count) {
  const size_t size = s.size();
  rb.SendArrayLen(count);
  if (s.is_intset()) {
    char buf[kInt64BufSize];
    for (uint32_t i : DistinctPositions(size, count)) {
      rb.SendBulk(std::string_view(buf, FormatInt64(s.ints()->At(i), buf)));
    }
    return;
  }
  const StrSet& strs = *s.strs();
  // Few members wanted: draw until enough distinct ones (~count draws when count <= size / 3;
  // the cap only guards against bad luck, the shuffle below then finishes the job).
  if (count * 3 <= size) {
    std::unordered_set<std::string_view> picked;
    std::vector<std::string_view> out;
    for (size_t draws = 0; out.size() < count && draws < 8 * count + 64; ++draws) {
      const std::string_view m = strs.RandomMember(NextRandom());
      if (picked.insert(m).second) out.push_back(m);
    }
    if (out.size() == count) {
      for (std::string_view m : out) rb.SendBulk(m);
      return;
    }
  }
  // Many members wanted: a partial shuffle of all of them.
  std::vector<std::string_view> all;
  all.reserve(size);
  strs.ForEach([&](std::string_view m) { all.push_back(m); });
  for (size_t i = 0; i < count; ++i) {
    std::swap(all[i], all[i + RandomIndex(size - i)]);
    rb.SendBulk(all[i]);
  }
}

void CmdSRandMember(ArgList args, CommandContext& ctx) {
  auto& rb = ctx.reply();
  const std::string_view key = args[1];
  if (args.size() > 3) return rb.SendError(protocol::kSyntaxErr);
  if (args.size() == 2) {
    return ReadSet(ctx, key, [&](const Entry* e) {
      if (e == nullptr) return rb.SendNull();
      char buf[kInt64BufSize];
      rb.SendBulk(SetObj::Of(e).Random(buf));
    });
  }
  int64_t l;
  if (!ParseInt64(args[2], &l)) return rb.SendError(protocol::kNotIntegerErr);
  if (l == INT64_MIN) return rb.SendError(kCountOutOfRangeErr);
  const uint64_t count = l < 0 ? static_cast<uint64_t>(-l) : static_cast<uint64_t>(l);
  ReadSet(ctx, key, [&](const Entry* e) {
    if (e == nullptr || count == 0) return rb.SendArrayLen(0);
    const SetObj s = SetObj::Of(e);
    if (l < 0) return SendRandomWithRepetition(ctx, s, count);
    if (count >= s.size()) {  // the whole set, in its iteration order (intset: ascending)
      rb.SendArrayLen(s.size());
      return SendMembers(rb, s);
    }
    SendRandomDistinct(rb, s, static_cast<size_t>(count));
  });
}

// ---------------------------------------------------------------------------------------------
// SMOVE

void CmdSMove(ArgList args, CommandContext& ctx) {
  auto& rb = ctx.reply();
  const std::string_view src = args[1], dst = args[2], member = args[3];
  const size_t max_intset = MaxIntsetEntries(ctx);
  const std::string_view keys[] = {src, dst};
  ctx.RunKeys(keys, [&](Db& db) {
    OpStatus src_st, dst_st;
    Entry* se = FindOfType(db, src, ObjType::kSet, &src_st);
    Entry* de = FindOfType(db, dst, ObjType::kSet, &dst_st);
    // Redis's order: an absent source answers 0 before any type check.
    if (se == nullptr && src_st == OpStatus::kOk) return rb.SendLong(0);
    if (src_st != OpStatus::kOk || dst_st != OpStatus::kOk) {
      return rb.SendError(protocol::kWrongTypeErr);
    }
    if (se == de) return rb.SendLong(SetObj::Of(se).Contains(member) ? 1 : 0);
    const size_t src_before = CollectionMemory(se);
    SetObj s = SetObj::Of(se);
    if (!s.Remove(member)) return rb.SendLong(0);
    FinishWrite(db, se, src_before);  // may delete the source; `member` is an argument, still valid
    if (de == nullptr) {
      SetObj d = SetObj::NewFor(member);
      de = NewCollection(db, dst, ObjType::kSet, d.encoding(), d.object());
    }
    const size_t dst_before = CollectionMemory(de);
    SetObj d = SetObj::Of(de);
    if (d.Add(member, max_intset)) {
      Store(de, d);
      FinishWrite(db, de, dst_before);
    }
    if (db.propagating()) db.Propagate(ToStrings(args));
    rb.SendLong(1);
  });
}

// ---------------------------------------------------------------------------------------------
// SINTER, SUNION, SDIFF and their *STORE / SINTERCARD forms

// Looks every key up as a set: `sets` gets an entry per key (null = absent, an empty set).
// Replies WRONGTYPE and returns false if any key holds another type, whatever its position.
// `read`: source lookups of the plain commands count keyspace hits/misses, *STORE's do not.
bool FindSets(Db& db, std::span<const std::string_view> keys, bool read, protocol::ReplyBuilder& rb,
              std::vector<const Entry*>* sets) {
  sets->clear();
  for (std::string_view k : keys) {
    Entry* e;
    if (!FindSet(db, k, read, rb, &e)) return false;
    sets->push_back(e);
  }
  return true;
}

bool AnyAbsent(const std::vector<const Entry*>& sets) {
  return std::find(sets.begin(), sets.end(), nullptr) != sets.end();
}

// The present sets, smallest first (the intersection walks the smallest).
std::vector<SetObj> BySize(const std::vector<const Entry*>& entries) {
  std::vector<SetObj> sets;
  for (const Entry* e : entries) {
    if (e != nullptr) sets.push_back(SetObj::Of(e));
  }
  std::stable_sort(sets.begin(), sets.end(),
                   [](const SetObj& a, const SetObj& b) { return a.size() < b.size(); });
  return sets;
}

// Calls fn(MemberRef) for each member of the intersection of `sets` (sorted by size, all
// present), in the smallest set's order, until fn returns false.
template <class Fn>
void ForEachInIntersection(const std::vector<SetObj>& sets, Fn&& fn) {
  sets[0].ForEachWhile([&](MemberRef m) {
    for (size_t j = 1; j < sets.size(); ++j) {
      if (sets[j].object() != sets[0].object() && !sets[j].Contains(m)) return true;
    }
    return fn(m);
  });
}

// The union as a new set object, built from an empty intset as Redis builds it.
SetObj SetUnion(const std::vector<const Entry*>& entries, size_t max_intset) {
  SetObj out = SetObj::NewIntset();
  for (const Entry* e : entries) {
    if (e != nullptr) SetObj::Of(e).ForEach([&](MemberRef m) { out.Add(m, max_intset); });
  }
  return out;
}

// The difference (first set minus the others) as a new set object. Like Redis, it picks one of
// two algorithms by estimated work: (1) keep each member of the first set that no other set
// holds, O(|first| * sets); (2) copy the first set and remove every member of the others,
// O(total size). The choice is visible in the result's encoding: (2) can leave a "hashtable"
// holding only integers, because a non-integer member it copied converted the set before being
// removed again. Redis's estimate: (1) costs |first| * sets / 2, (2) the sum of the sizes.
SetObj SetDiff(const std::vector<const Entry*>& entries, size_t max_intset) {
  SetObj out = SetObj::NewIntset();
  if (entries[0] == nullptr) return out;
  const SetObj first = SetObj::Of(entries[0]);
  std::vector<SetObj> others;
  uint64_t work_one = 0, work_two = 0;
  for (size_t j = 0; j < entries.size(); ++j) {
    if (entries[j] == nullptr) continue;
    work_one += first.size();
    work_two += SetObj::Of(entries[j]).size();
    if (j > 0) others.push_back(SetObj::Of(entries[j]));
  }
  work_one /= 2;
  if (work_one <= work_two) {
    // Bigger sets first: the likeliest to exclude a member early.
    std::stable_sort(others.begin(), others.end(),
                     [](const SetObj& a, const SetObj& b) { return a.size() > b.size(); });
    first.ForEach([&](MemberRef m) {
      for (const SetObj& o : others) {
        if (o.Contains(m)) return;
      }
      out.Add(m, max_intset);
    });
    return out;
  }
  first.ForEach([&](MemberRef m) { out.Add(m, max_intset); });
  for (const SetObj& o : others) {
    if (out.size() == 0) break;
    o.ForEachWhile([&](MemberRef m) {
      out.Remove(m);
      return out.size() > 0;
    });
  }
  return out;
}

enum class SetOp { kInter, kUnion, kDiff };

// The result of `op` over the present sets as a new object (the *STORE commands).
SetObj ComputeStore(SetOp op, const std::vector<const Entry*>& entries, size_t max_intset) {
  if (op == SetOp::kUnion) return SetUnion(entries, max_intset);
  if (op == SetOp::kDiff) return SetDiff(entries, max_intset);
  SetObj out = SetObj::NewIntset();
  if (AnyAbsent(entries)) return out;
  ForEachInIntersection(BySize(entries), [&](MemberRef m) {
    out.Add(m, max_intset);
    return true;
  });
  return out;
}

// SINTER, SUNION, SDIFF: the result as a set reply.
void SetOpCommand(ArgList args, CommandContext& ctx, SetOp op) {
  auto& rb = ctx.reply();
  const ArgList keys = args.subspan(1);
  const size_t max_intset = MaxIntsetEntries(ctx);
  ctx.RunKeys(keys, [&](Db& db) {
    std::vector<const Entry*> entries;
    if (!FindSets(db, keys, true, rb, &entries)) return;
    if (op == SetOp::kInter) {
      if (AnyAbsent(entries)) return rb.SendSetLen(0);
      // Collected first (the reply needs the count): values for an intset, views otherwise.
      const std::vector<SetObj> sets = BySize(entries);
      if (sets[0].is_intset()) {
        std::vector<int64_t> out;
        ForEachInIntersection(sets, [&](MemberRef m) {
          out.push_back(*m.ival);
          return true;
        });
        rb.SendSetLen(out.size());
        char buf[kInt64BufSize];
        for (int64_t v : out) rb.SendBulk(std::string_view(buf, FormatInt64(v, buf)));
      } else {
        std::vector<std::string_view> out;
        ForEachInIntersection(sets, [&](MemberRef m) {
          out.push_back(m.str);
          return true;
        });
        rb.SendSetLen(out.size());
        for (std::string_view m : out) rb.SendBulk(m);
      }
      return;
    }
    SetObj result =
        op == SetOp::kUnion ? SetUnion(entries, max_intset) : SetDiff(entries, max_intset);
    rb.SendSetLen(result.size());
    SendMembers(rb, result);
    result.Free();
  });
}

void CmdSInter(ArgList args, CommandContext& ctx) { SetOpCommand(args, ctx, SetOp::kInter); }
void CmdSUnion(ArgList args, CommandContext& ctx) { SetOpCommand(args, ctx, SetOp::kUnion); }
void CmdSDiff(ArgList args, CommandContext& ctx) { SetOpCommand(args, ctx, SetOp::kDiff); }

// SINTERSTORE, SUNIONSTORE, SDIFFSTORE dst key [key ...]: stores the result (replacing whatever
// dst held, TTL included) or, when it is empty, deletes dst. Propagated as sent when it changed
// anything.
void SetOpStoreCommand(ArgList args, CommandContext& ctx, SetOp op) {
  auto& rb = ctx.reply();
  const std::string_view dst = args[1];
  const ArgList keys = args.subspan(2);
  const size_t max_intset = MaxIntsetEntries(ctx);
  ctx.RunKeys(args.subspan(1), [&](Db& db) {
    std::vector<const Entry*> entries;
    if (!FindSets(db, keys, false, rb, &entries)) return;
    SetObj result = ComputeStore(op, entries, max_intset);
    const size_t n = result.size();
    bool changed;
    if (n == 0) {
      result.Free();
      changed = db.Delete(dst);
    } else {
      db.Upsert(Entry::NewObject(dst, ObjType::kSet, result.encoding(), result.object(), -1));
      changed = true;
    }
    if (changed && db.propagating()) db.Propagate(ToStrings(args));
    rb.SendLong(static_cast<int64_t>(n));
  });
}

void CmdSInterStore(ArgList args, CommandContext& ctx) {
  SetOpStoreCommand(args, ctx, SetOp::kInter);
}
void CmdSUnionStore(ArgList args, CommandContext& ctx) {
  SetOpStoreCommand(args, ctx, SetOp::kUnion);
}
void CmdSDiffStore(ArgList args, CommandContext& ctx) {
  SetOpStoreCommand(args, ctx, SetOp::kDiff);
}

// SINTERCARD numkeys key [key ...] [LIMIT limit]. Returns the number of keys, or 0 (after
// replying) when numkeys is invalid. Shared with the key extractor so the two always agree.
int64_t ParseNumKeys(ArgList args, std::string_view* err) {
  int64_t n;
  if (!ParseInt64(args[1], &n) || n <= 0) {
    *err = kNumKeysErr;
    return 0;
  }
  if (n > static_cast<int64_t>(args.size()) - 2) {
    *err = kTooManyKeysErr;
    return 0;
  }
  return n;
}

std::vector<int> SInterCardKeys(ArgList args) {
  std::vector<int> out;
  std::string_view err;
  if (args.size() < 2) return out;
  const int64_t n = ParseNumKeys(args, &err);
  for (int64_t i = 0; i < n; ++i) out.push_back(static_cast<int>(2 + i));
  return out;
}

void CmdSInterCard(ArgList args, CommandContext& ctx) {
  auto& rb = ctx.reply();
  std::string_view err;
  const int64_t numkeys = ParseNumKeys(args, &err);
  if (numkeys == 0) return rb.SendError(err);
  uint64_t limit = 0;  // 0: no limit
  for (size_t j = 2 + static_cast<size_t>(numkeys); j < args.size(); j += 2) {
    if (EqualsIgnoreCase(args[j], "limit") && j + 1 < args.size()) {
      int64_t l;
      if (!ParseInt64(args[j + 1], &l) || l < 0) return rb.SendError(kLimitNegativeErr);
      limit = static_cast<uint64_t>(l);
    } else {
      return rb.SendError(protocol::kSyntaxErr);
    }
  }
  const ArgList keys = args.subspan(2, static_cast<size_t>(numkeys));
  ctx.RunKeys(keys, [&](Db& db) {
    std::vector<const Entry*> entries;
    if (!FindSets(db, keys, true, rb, &entries)) return;
    if (AnyAbsent(entries)) return rb.SendLong(0);
    uint64_t n = 0;
    ForEachInIntersection(BySize(entries), [&](MemberRef) { return ++n != limit; });
    rb.SendLong(static_cast<int64_t>(n));
  });
}

// ---------------------------------------------------------------------------------------------
// SSCAN

void CmdSScan(ArgList args, CommandContext& ctx) {
  auto& rb = ctx.reply();
  uint64_t cursor;
  if (!ParseScanCursor(args[2], &cursor)) return rb.SendError(kInvalidCursorErr);
  ReadSet(ctx, args[1], [&](const Entry* e) {
    if (e == nullptr) {  // Redis answers an absent key before looking at the options
      rb.SendArrayLen(2);
      rb.SendBulk("0");
      return rb.SendArrayLen(0);
    }
    ScanOptions opt;
    if (std::string_view err = ParseCollectionScan(args, &opt); !err.empty()) {
      return rb.SendError(err);
    }
    const SetObj s = SetObj::Of(e);
    if (s.is_intset()) {
      // A compact set is returned whole in one call, with cursor 0, as Redis does.
      std::vector<int64_t> found;
      s.ForEach([&](MemberRef m) {
        if (opt.Matches(m.str)) found.push_back(*m.ival);
      });
      rb.SendArrayLen(2);
      rb.SendBulk("0");
      rb.SendArrayLen(found.size());
      char buf[kInt64BufSize];
      for (int64_t v : found) rb.SendBulk(std::string_view(buf, FormatInt64(v, buf)));
      return;
    }
    // Redis's bounds: stop once COUNT members were collected (before MATCH filters them) or
    // after about COUNT * 10 steps (one step: one bucket).
    const size_t want = static_cast<size_t>(std::min<int64_t>(opt.count, INT32_MAX));
    int64_t steps = opt.count > INT64_MAX / 10 ? INT64_MAX : opt.count * 10;
    size_t collected = 0;
    std::vector<std::string_view> found;
    const StrSet& strs = *s.strs();
    do {
      cursor = strs.ScanStep(cursor, [&](std::string_view m) {
        ++collected;
        if (opt.Matches(m)) found.push_back(m);
      });
    } while (cursor != 0 && --steps > 0 && collected < want);
    rb.SendArrayLen(2);
    rb.SendBulk(std::to_string(cursor));
    rb.SendArrayLen(found.size());
    for (std::string_view m : found) rb.SendBulk(m);
  });
}

}  // namespace

void RegisterSetFamily(CommandRegistry* r) {
  auto add = [&](std::string_view name, int arity, uint32_t flags, KeySpec keys,
                 std::string_view summary, std::string_view since, std::string_view complexity,
                 Handler h, KeyExtractor extractor = nullptr) {
    r->Add(CommandSpec{.name = name,
                       .arity = arity,
                       .flags = flags,
                       .keys = keys,
                       .acl = kAclSet,
                       .group = "set",
                       .summary = summary,
                       .since = since,
                       .complexity = complexity,
                       .handler = h,
                       .key_extractor = extractor});
  };
  constexpr KeySpec kOne{1, 1, 1};
  constexpr KeySpec kAll{1, -1, 1};
  add("sadd", -3, kWrite | kDenyOom | kFast, kOne, "Add one or more members to a set", "1.0.0",
      "O(1) for each element added, so O(N) to add N elements when the command is called with "
      "multiple arguments.",
      CmdSAdd);
  add("srem", -3, kWrite | kFast, kOne, "Remove one or more members from a set", "1.0.0",
      "O(N) where N is the number of members to be removed.", CmdSRem);
  add("sismember", 3, kReadOnly | kFast, kOne, "Determine if a given value is a member of a set",
      "1.0.0", "O(1)", CmdSIsMember);
  add("smismember", -3, kReadOnly | kFast, kOne,
      "Returns the membership associated with the given elements for a set", "6.2.0",
      "O(N) where N is the number of elements being checked for membership", CmdSMIsMember);
  add("smembers", 2, kReadOnly, kOne, "Get all the members in a set", "1.0.0",
      "O(N) where N is the set cardinality.", CmdSMembers);
  add("scard", 2, kReadOnly | kFast, kOne, "Get the number of members in a set", "1.0.0", "O(1)",
      CmdSCard);
  add("spop", -2, kWrite | kFast, kOne,
      "Remove and return one or multiple random members from a set", "1.0.0",
      "Without the count argument O(1), otherwise O(N) where N is the value of the "
      "passed count.",
      CmdSPop);
  add("srandmember", -2, kReadOnly, kOne, "Get one or multiple random members from a set", "1.0.0",
      "Without the count argument O(1), otherwise O(N) where N is the absolute value of "
      "the passed count.",
      CmdSRandMember);
  add("smove", 4, kWrite | kFast, KeySpec{1, 2, 1}, "Move a member from one set to another",
      "1.0.0", "O(1)", CmdSMove);
  add("sinter", -2, kReadOnly, kAll, "Intersect multiple sets", "1.0.0",
      "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of "
      "sets.",
      CmdSInter);
  add("sintercard", -3, kReadOnly, KeySpec{0, 0, 0},
      "Intersect multiple sets and return the cardinality of the result", "7.0.0",
      "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of "
      "sets.",
      CmdSInterCard, SInterCardKeys);
  add("sinterstore", -3, kWrite | kDenyOom, kAll,
      "Intersect multiple sets and store the resulting set in a key", "1.0.0",
      "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of "
      "sets.",
      CmdSInterStore);
  add("sunion", -2, kReadOnly, kAll, "Add multiple sets", "1.0.0",
      "O(N) where N is the total number of elements in all given sets.", CmdSUnion);
  add("sunionstore", -3, kWrite | kDenyOom, kAll,
      "Add multiple sets and store the resulting set in a key", "1.0.0",
      "O(N) where N is the total number of elements in all given sets.", CmdSUnionStore);
  add("sdiff", -2, kReadOnly, kAll, "Subtract multiple sets", "1.0.0",
      "O(N) where N is the total number of elements in all given sets.", CmdSDiff);
  add("sdiffstore", -3, kWrite | kDenyOom, kAll,
      "Subtract multiple sets and store the resulting set in a key", "1.0.0",
      "O(N) where N is the total number of elements in all given sets.", CmdSDiffStore);
  add("sscan", -3, kReadOnly, kOne, "Incrementally iterate Set elements", "2.8.0",
      "O(1) for every call. O(N) for a complete iteration, including enough command calls for "
      "the cursor to return back to 0. N is the number of elements inside the collection..",
      CmdSScan);
}

}  // namespace cardinal::commands
