// Sorted-set commands (ZADD ... ZSCAN) over the two encodings: a Listpack of member, score pairs
// (small sets) and core::ZSet (encoding "skiplist").
//
// Every range command is reduced to ranks: a score or lex bound becomes the number of elements
// before it (an O(log n) descent in the tree, a scan of the listpack), LIMIT and REV become an
// arithmetic on [lo, hi), and the reply walks that many elements from one rank. So ZRANGE,
// ZRANGEBYSCORE, ZCOUNT, ZREMRANGEBY* and ZRANGESTORE share one resolution of their range.
//
// Encoding rules follow Redis 7.0: a key is created as a listpack when the members of the
// creating command fit zset-max-listpack-entries/-value, converts to a skiplist when an insert
// passes them and never converts back, except that a stored result (ZRANGESTORE, Z*STORE) picks
// its encoding from its own size.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "commands/collection_util.h"
#include "commands/context.h"
#include "commands/families.h"
#include "commands/op_status.h"
#include "commands/scan_util.h"
#include "commands/zset_ops.h"
#include "common/string_util.h"
#include "core/intset.h"
#include "core/listpack.h"
#include "core/str_set.h"
#include "core/zset.h"

namespace cardinal::commands {

using core::Listpack;
using storage::Db;
using storage::Encoding;
using storage::Entry;
using storage::ObjType;
namespace zlp = core::zlp;

namespace {

constexpr std::string_view kMinMaxNotFloatErr = "ERR min or max is not a float";
constexpr std::string_view kLexRangeErr = "ERR min or max not valid string range item";
constexpr std::string_view kNanScoreErr = "ERR resulting score is not a number (NaN)";
constexpr std::string_view kWeightErr = "ERR weight value is not a float";
constexpr std::string_view kPositiveErr = "ERR value is out of range, must be positive";
constexpr std::string_view kOutOfRangeErr = "ERR value is out of range";
constexpr std::string_view kLimitRankErr =
    "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX";
constexpr std::string_view kWithScoresLexErr =
    "ERR syntax error, WITHSCORES not supported in combination with BYLEX";


std::mt19937_64& Rng() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  return rng;
}

// ---------------------------------------------------------------------------------------------
// A sorted set in either encoding, through one interface of ranks.

class ZRef {
 public:
  explicit ZRef(Entry* e) : e_(e) {}
  bool is_lp() const { return e_->encoding() == Encoding::kListpack; }
  Listpack lp() const { return Listpack(e_->object_as<uint8_t>()); }
  core::ZSet* zs() const { return e_->object_as<core::ZSet>(); }

  size_t size() const { return is_lp() ? zlp::Length(lp()) : zs()->size(); }

  bool Score(std::string_view m, double* s) const {
    if (!is_lp()) return zs()->Score(m, s);
    return zlp::Find(lp(), m, s) != Listpack::kNpos;
  }

  int64_t Rank(std::string_view m) const {
    if (!is_lp()) return zs()->Rank(m);
    const Listpack l = lp();
    int64_t r = 0;
    for (Listpack::Pos p = l.First(); p != Listpack::kNpos; p = l.Next(l.Next(p)), ++r) {
      if (l.Get(p).Equals(m)) return r;
    }
    return -1;
  }

  // Elements with score < s (<= s when inclusive).
  size_t CountScoreBelow(double s, bool inclusive) const {
    if (!is_lp()) return zs()->CountScoreBelow(s, inclusive);
    return LpPrefix([&](std::string_view, double es) { return inclusive ? es <= s : es < s; },
                    false);
  }

  // Leading elements whose member is < m (<= m when inclusive).
  size_t CountLexBelow(std::string_view m, bool inclusive) const {
    if (!is_lp()) return zs()->CountLexBelow(m, inclusive);
    return LpPrefix(
        [&](std::string_view em, double) {
          const int c = em.compare(m);
          return inclusive ? c <= 0 : c < 0;
        },
        true);
  }

  // Calls f(member, score) for `n` elements starting at forward rank `first`, going towards
  // higher ranks, or lower ones when `rev`. REQUIRES: the ranks exist.
  template <class F>
  void ForRange(size_t first, size_t n, bool rev, F&& f) const {
    if (n == 0) return;
    if (!is_lp()) {
      core::ZSet::Iterator it = zs()->At(first);
      for (size_t k = 0; k < n; ++k) {
        f(it.member(), it.score());
        if (rev) it.Prev(); else it.Next();
      }
      return;
    }
    const Listpack l = lp();
    char scratch[core::LpValue::kScratchSize];
    Listpack::Pos p = l.Seek(static_cast<int64_t>(2 * first));
    for (size_t k = 0; k < n; ++k) {
      const Listpack::Pos sp = l.Next(p);
      f(l.Get(p).View(scratch), zlp::ScoreAt(l, sp));
      if (k + 1 == n) break;
      p = rev ? l.Prev(l.Prev(p)) : l.Next(sp);
    }
  }
  template <class F>
  void ForEach(F&& f) const { ForRange(0, size(), false, f); }

  // Writes. The caller brackets them with CollectionMemory / FinishWrite.
  // Adds a new member, converting to a skiplist first when the listpack would pass the limits.
  void Insert(std::string_view m, double s, const CommandConfig& cfg) {
    if (is_lp()) {
      const size_t n = size();
      if (static_cast<int64_t>(n + 1) > cfg.zset_max_listpack_entries.load() ||
          static_cast<int64_t>(m.size()) > cfg.zset_max_listpack_value.load()) {
        ConvertToSkiplist();
      }
    }
    if (!is_lp()) return zs()->Insert(m, s);
    Listpack l = lp();
    zlp::Insert(&l, m, s);
    e_->set_object(l.data());
  }
  // Changes a present member's score.
  void Update(std::string_view m, double s) {
    if (!is_lp()) {
      zs()->UpdateScore(m, s);
      return;
    }
    Listpack l = lp();
    double old;
    const Listpack::Pos p = zlp::Find(l, m, &old);
    // Copy the member out: it lives in the buffer being edited.
    const std::string member(m);
    zlp::ErasePair(&l, p);
    zlp::Insert(&l, member, s);
    e_->set_object(l.data());
  }
  bool Erase(std::string_view m) {
    if (!is_lp()) return zs()->Erase(m);
    Listpack l = lp();
    double s;
    const Listpack::Pos p = zlp::Find(l, m, &s);
    if (p == Listpack::kNpos) return false;
    zlp::ErasePair(&l, p);
    e_->set_object(l.data());
    return true;
  }
  // Removes forward ranks [first, last).
  void EraseRanks(size_t first, size_t last) {
    if (first >= last) return;
    if (!is_lp()) return zs()->EraseRanks(first, last);
    Listpack l = lp();
    l.EraseRange(l.Seek(static_cast<int64_t>(2 * first)), 2 * (last - first));
    e_->set_object(l.data());
  }

  void ConvertToSkiplist() {
    auto* z = new core::ZSet();
    ForEach([&](std::string_view m, double s) { z->Insert(m, s); });
    Listpack::FreeBuffer(e_->object_as<uint8_t>());
    e_->set_object(Encoding::kSkiplist, z);
  }

 private:
  // Leading pairs of the listpack satisfying pred(member, score).
  template <class Pred>
  size_t LpPrefix(Pred pred, bool needs_member) const {
    const Listpack l = lp();
    char scratch[core::LpValue::kScratchSize];
    size_t n = 0;
    for (Listpack::Pos p = l.First(); p != Listpack::kNpos;) {
      const Listpack::Pos sp = l.Next(p);
      const std::string_view m = needs_member ? l.Get(p).View(scratch) : std::string_view();
      if (!pred(m, zlp::ScoreAt(l, sp))) break;
      ++n;
      p = l.Next(sp);
    }
    return n;
  }

  Entry* e_;
};

bool FitsListpack(size_t n, size_t max_member_len, const CommandConfig& cfg) {
  return static_cast<int64_t>(n) <= cfg.zset_max_listpack_entries.load() &&
         static_cast<int64_t>(max_member_len) <= cfg.zset_max_listpack_value.load();
}

// Creates the empty sorted set ZADD/ZINCRBY add to: a listpack unless the limits allow none or
// the first member is already too long (Redis 7.0's rule; later inserts convert as usual).
Entry* NewZSet(Db& db, std::string_view key, std::string_view first_member,
               const CommandConfig& cfg) {
  if (cfg.zset_max_listpack_entries.load() != 0 &&
      static_cast<int64_t>(first_member.size()) <= cfg.zset_max_listpack_value.load()) {
    return NewCollection(db, key, ObjType::kZSet, Encoding::kListpack, Listpack::NewBuffer());
  }
  return NewCollection(db, key, ObjType::kZSet, Encoding::kSkiplist, new core::ZSet());
}

// Replaces `dst` by `elems` (ascending by (score, member)), encoded by the result's own size, or
// deletes it when the result is empty. Returns whether the keyspace changed.
bool StoreZSet(Db& db, std::string_view dst, const std::vector<ZElement>& elems,
               const CommandConfig& cfg) {
  if (elems.empty()) return db.Delete(dst);
  size_t max_len = 0;
  for (const auto& [m, s] : elems) max_len = std::max(max_len, m.size());
  Entry* e;
  if (FitsListpack(elems.size(), max_len, cfg)) {
    Listpack l(Listpack::NewBuffer());
    char buf[32];
    for (const auto& [m, s] : elems) {
      l.Append(m);
      l.Append(zlp::EncodeScore(s, buf));
    }
    e = Entry::NewObject(dst, ObjType::kZSet, Encoding::kListpack, l.data(), -1);
  } else {
    auto* z = new core::ZSet();
    for (const auto& [m, s] : elems) z->Insert(m, s);
    e = Entry::NewObject(dst, ObjType::kZSet, Encoding::kSkiplist, z, -1);
  }
  db.Upsert(e);
  return true;
}

void PropagateArgs(Db& db, ArgList args) {
  if (db.propagating()) db.Propagate(std::vector<std::string>(args.begin(), args.end()));
}

// ---------------------------------------------------------------------------------------------
// Replies

// Header of a list of n elements: members only, or member + score (flat in RESP2, [member,
// score] pairs in RESP3).
void SendElemsHeader(protocol::ReplyBuilder& rb, size_t n, bool withscores) {
  rb.SendArrayLen(withscores && !rb.resp3() ? 2 * n : n);
}

void SendElem(protocol::ReplyBuilder& rb, std::string_view m, double s, bool withscores) {
  if (withscores && rb.resp3()) rb.SendArrayLen(2);
  rb.SendBulk(m);
  if (withscores) rb.SendDouble(s);
}

void SendElems(protocol::ReplyBuilder& rb, const std::vector<ZElement>& elems, bool withscores) {
  SendElemsHeader(rb, elems.size(), withscores);
  for (const auto& [m, s] : elems) SendElem(rb, m, s, withscores);
}

// ---------------------------------------------------------------------------------------------
// Range parsing

// A score bound as Redis parses it (strtod: leading spaces, hex and "inf" accepted, the empty
// string is 0, parsing stops at a NUL byte; NaN rejected).
bool ParseBoundDouble(std::string_view s, double* out) {
  char small[64];
  std::string big;
  const char* p;
  if (s.size() < sizeof(small)) {
    std::memcpy(small, s.data(), s.size());
    small[s.size()] = '\0';
    p = small;
  } else {
    big.assign(s);
    p = big.c_str();
  }
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(p, &end);
  if (*end != '\0' || std::isnan(v)) return false;
  *out = v;
  return true;
}

struct ScoreRange {
  double min = 0, max = 0;
  bool minex = false, maxex = false;
};

bool ParseScoreBound(std::string_view s, double* v, bool* ex) {
  *ex = !s.empty() && s[0] == '(';
  return ParseBoundDouble(*ex ? s.substr(1) : s, v);
}

bool ParseScoreRange(std::string_view min, std::string_view max, ScoreRange* r) {
  return ParseScoreBound(min, &r->min, &r->minex) && ParseScoreBound(max, &r->max, &r->maxex);
}

struct LexBound {
  enum Kind { kNegInf, kPosInf, kIncl, kExcl } kind = kNegInf;
  std::string_view s;
};

bool ParseLexBound(std::string_view s, LexBound* b) {
  if (s.empty()) return false;
  if (s.size() == 1 && s[0] == '-') {
    b->kind = LexBound::kNegInf;
  } else if (s.size() == 1 && s[0] == '+') {
    b->kind = LexBound::kPosInf;
  } else if (s[0] == '[') {
    b->kind = LexBound::kIncl;
    b->s = s.substr(1);
  } else if (s[0] == '(') {
    b->kind = LexBound::kExcl;
    b->s = s.substr(1);
  } else {
    return false;
  }
  return true;
}

// Forward ranks [lo, hi) of the elements within a range.
void ScoreRanks(const ZRef& z, const ScoreRange& r, size_t* lo, size_t* hi) {
  *lo = z.CountScoreBelow(r.min, r.minex);
  *hi = std::max(*lo, z.CountScoreBelow(r.max, !r.maxex));
}

size_t LexRank(const ZRef& z, const LexBound& b, bool is_max) {
  switch (b.kind) {
    case LexBound::kNegInf: return 0;
    case LexBound::kPosInf: return z.size();
    case LexBound::kIncl: return z.CountLexBelow(b.s, is_max);
    case LexBound::kExcl: return z.CountLexBelow(b.s, !is_max);
  }
  return 0;
}

void LexRanks(const ZRef& z, const LexBound& min, const LexBound& max, size_t* lo, size_t* hi) {
  *lo = LexRank(z, min, false);
  *hi = std::max(*lo, LexRank(z, max, true));
}


// ---------------------------------------------------------------------------------------------
// ZADD / ZINCRBY

enum ZAddFlag : unsigned {
  kZAddNx = 1, kZAddXx = 2, kZAddCh = 4, kZAddIncr = 8, kZAddGt = 16, kZAddLt = 32,
};

enum class AddResult { kNop, kAdded, kUpdated, kSame, kNaN };

// One member of ZADD (Redis's zsetAdd): *newscore is the member's resulting score unless kNop.
AddResult ZAddOne(ZRef& z, std::string_view m, double score, unsigned flags, double* newscore,
                  const CommandConfig& cfg) {
  double cur;
  if (z.Score(m, &cur)) {
    if (flags & kZAddNx) return AddResult::kNop;
    double ns = score;
    if (flags & kZAddIncr) {
      ns = cur + score;
      if (std::isnan(ns)) return AddResult::kNaN;
    }
    if (((flags & kZAddLt) && ns >= cur) || ((flags & kZAddGt) && ns <= cur)) {
      return AddResult::kNop;
    }
    *newscore = ns;
    if (ns == cur) return AddResult::kSame;
    z.Update(m, ns);
    return AddResult::kUpdated;
  }
  if (flags & kZAddXx) return AddResult::kNop;
  z.Insert(m, score, cfg);
  *newscore = score;
  return AddResult::kAdded;
}

// ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]; ZINCRBY passes
// `incr_form` (key increment member) with the INCR flag.
void ZAddGeneric(ArgList args, CommandContext& ctx, unsigned flags, size_t first) {
  auto& rb = ctx.reply();
  const size_t elements = args.size() - first;
  if (elements == 0 || elements % 2 != 0) return rb.SendError(protocol::kSyntaxErr);
  if ((flags & kZAddNx) && (flags & kZAddXx)) {
    return rb.SendError("ERR XX and NX options at the same time are not compatible");
  }
  if ((flags & kZAddNx && flags & (kZAddGt | kZAddLt)) ||
      ((flags & kZAddGt) && (flags & kZAddLt))) {
    return rb.SendError("ERR GT, LT, and/or NX options at the same time are not compatible");
  }
  const size_t pairs = elements / 2;
  if ((flags & kZAddIncr) && pairs > 1) {
    return rb.SendError("ERR INCR option supports a single increment-element pair");
  }
  std::vector<double> scores(pairs);
  for (size_t i = 0; i < pairs; ++i) {
    if (!ParseDouble(args[first + 2 * i], &scores[i])) {
      return rb.SendError(protocol::kNotFloatErr);
    }
  }
  const std::string_view key = args[1];
  const bool incr = flags & kZAddIncr;
  const CommandConfig& cfg = ctx.config();
  ctx.Run(key, [&](Db& db) {
    OpStatus st;
    Entry* e = FindOfType(db, key, ObjType::kZSet, &st);
    if (st != OpStatus::kOk) return SendOpError(rb, st);
    if (e == nullptr) {
      if (flags & kZAddXx) return incr ? rb.SendNull() : rb.SendLong(0);
      e = NewZSet(db, key, args[first + 1], cfg);
    }
    const size_t before = CollectionMemory(e);
    ZRef z(e);
    size_t added = 0, updated = 0, processed = 0;
    double newscore = 0;
    for (size_t i = 0; i < pairs; ++i) {
      const AddResult r = ZAddOne(z, args[first + 2 * i + 1], scores[i], flags, &newscore, cfg);
      if (r == AddResult::kNaN) {
        if (added + updated > 0) FinishWrite(db, e, before);
        return rb.SendError(kNanScoreErr);
      }
      if (r == AddResult::kAdded) ++added;
      if (r == AddResult::kUpdated) ++updated;
      if (r != AddResult::kNop) ++processed;
    }
    if (added + updated > 0) {
      FinishWrite(db, e, before);
      PropagateArgs(db, args);
    } else if (ZRef(e).size() == 0) {
      FinishWrite(db, e, before);  // created but nothing added: never left behind empty
    }
    if (incr) return processed ? rb.SendDouble(newscore) : rb.SendNull();
    rb.SendLong(static_cast<int64_t>((flags & kZAddCh) ? added + updated : added));
  });
}

void CmdZAdd(ArgList args, CommandContext& ctx) {
  unsigned flags = 0;
  size_t i = 2;
  for (; i < args.size(); ++i) {
    const std::string_view o = args[i];
    if (EqualsIgnoreCase(o, "nx")) flags |= kZAddNx;
    else if (EqualsIgnoreCase(o, "xx")) flags |= kZAddXx;
    else if (EqualsIgnoreCase(o, "ch")) flags |= kZAddCh;
    else if (EqualsIgnoreCase(o, "incr")) flags |= kZAddIncr;
    else if (EqualsIgnoreCase(o, "gt")) flags |= kZAddGt;
    else if (EqualsIgnoreCase(o, "lt")) flags |= kZAddLt;
    else break;
  }
  ZAddGeneric(args, ctx, flags, i);
}

void CmdZIncrBy(ArgList args, CommandContext& ctx) {
  // ZINCRBY key increment member: the ZADD INCR path on a (score, member) pair at args[2].
  ZAddGeneric(args, ctx, kZAddIncr, 2);
}

// ---------------------------------------------------------------------------------------------
// Simple reads and ZREM

void CmdZRem(ArgList args, CommandContext& ctx) {
  auto& rb = ctx.reply();
  const std::string_view key = args[1];
  ctx.Run(key, [&](Db& db) {
    OpStatus st;
    Entry* e = FindOfType(db, key, ObjType::kZSet, &st);
    if (st != OpStatus::kOk) return SendOpError(rb, st);
    if (e == nullptr) return rb.SendLong(0);
    const size_t before = CollectionMemory(e);
    ZRef z(e);
    int64_t removed = 0;
    for (size_t i = 2; i < args.size(); ++i) {
      if (z.Erase(args[i])) {
        ++removed;
        if (z.size() == 0) break;
      }
    }
    if (removed > 0) {
      FinishWrite(db, e, before);
      PropagateArgs(db, args);
    }
    rb.SendLong(removed);
  });
}

void CmdZCard(ArgList args, CommandContext& ctx) {
  auto& rb = ctx.reply();
  ctx.Run(args[1], [&](Db& db) {
    OpStatus st;
    Entry* e = FindOfType(db, args[1], ObjType::kZSet, &st, true);
    if (st != OpStatus::kOk) return SendOpError(rb, st);
    rb.SendLong(e ? static_cast<int64_t>(ZRef(e).size()) : 0);
  });
}

void CmdZScore(ArgList args, CommandContext& ctx) {
  auto& rb = ctx.reply();
  ctx.Run(args[1], [&](Db& db) {
    OpStatus st;
    Entry* e = FindOfType(db, args[1], ObjType::kZSet, &st, true);
    if (st != OpStatus::kOk) return SendOpError(rb, st);
    double s;
    if (e == nullptr || !ZRef(e).Score(args[2], &s)) return rb.SendNull();
    rb.SendDouble(s);
  });
}

void CmdZMScore(ArgList args, CommandContext& ctx) {
  auto& rb = ctx.reply();
  ctx.Run(args[1], [&](Db& db) {
    OpStatus st;
    Entry* e = FindOfType(db, args[1], ObjType::kZSet, &st, true);
    if (st != OpStatus::kOk) return SendOpError(rb, st);
    rb.SendArrayLen(args.size() - 2);
    for (size_t i = 2; i < args.size(); ++i) {
      double s;
      if (e != nullptr && ZRef(e).Score(args[i], &s)) {
        rb.SendDouble(s);
      } else {
        rb.SendNull();
      }
    }
  });
}

void ZRankGeneric(ArgList args, CommandContext& ctx, bool rev) {
  auto& rb = ctx.reply();
  ctx.Run(args[1], [&](Db& db) {
    OpStatus st;
    Entry* e = FindOfType(db, args[1], ObjType::kZSet, &st, true);
    if (st != OpStatus::kOk) return SendOpError(rb, st);
    if (e == nullptr) return rb.SendNull();
    const ZRef z(e);
    const int64_t r = z.Rank(args[2]);
    if (r < 0) return rb.SendNull();
    rb.SendLong(rev ? static_cast<int64_t>(z.size()) - 1 - r : r);
  });
}

void CmdZRank(ArgList args, CommandContext& ctx) { ZRankGeneric(args, ctx, false); }
void CmdZRevRank(ArgList args, CommandContext& ctx) { ZRankGeneric(args, ctx, true); }

void CmdZCount(ArgList args, CommandContext& ctx) {
  auto& rb = ctx.reply();
  ScoreRange r;
  if (!ParseScoreRange(args[2], args[3], &r)) return rb.SendError(kMinMaxNotFloatErr);
  ctx.Run(args[1], [&](Db& db) {
    OpStatus st;
    Entry* e = FindOfType(db, args[1], ObjType::kZSet, &st, true);
    if (st != OpStatus::kOk) return SendOpError(rb, st);
    if (e == nullptr) return rb.SendLong(0);
    size_t lo, hi;
    ScoreRanks(ZRef(e), r, &lo, &hi);
    rb.SendLong(static_cast<int64_t>(hi - lo));
  });
}

void CmdZLexCount(ArgList args, CommandContext& ctx) {
  auto& rb = ctx.reply();
  LexBound min, max;
  if (!ParseLexBound(args[2], &min) || !ParseLexBound(args[3], &max)) {
    return rb.SendError(kLexRangeErr);
  }
  ctx.Run(args[1], [&](Db& db) {
    OpStatus st;
    Entry* e = FindOfType(db, args[1], ObjType::kZSet, &st, true);
    if (st != OpStatus::kOk) return SendOpError(rb, st);
    if (e == nullptr) return rb.SendLong(0);
    size_t lo, hi;
    LexRanks(ZRef(e), min, max, &lo, &hi);
    rb.SendLong(static_cast<int64_t>(hi - lo));
  });
}

// ---------------------------------------------------------------------------------------------
// ZRANGE and its older forms, ZRANGESTORE

enum class RangeKind { kRank, kScore, kLex };

struct RangeRequest {
  RangeKind kind = RangeKind::kRank;
  bool rev = false;
  bool withscores = false;
  int64_t offset = 0;
  int64_t limit = -1;
  int64_t start = 0, end = 0;  // kRank
  ScoreRange score;            // kScore
  LexBound lex_min, lex_max;   // kLex
};

// The elements a range selects: `n` of them from forward rank `first`, downwards when rev.
void ResolveRange(const ZRef& z, const RangeRequest& q, size_t* first, size_t* n) {
  *first = 0;
  *n = 0;
  if (q.kind == RangeKind::kRank) {
    size_t lo, hi;
    if (!NormalizeIndexRange(q.start, q.end, z.size(), &lo, &hi)) return;
    *n = hi - lo + 1;
    *first = q.rev ? z.size() - 1 - lo : lo;
    return;
  }
  size_t lo, hi;
  if (q.kind == RangeKind::kScore) {
    ScoreRanks(z, q.score, &lo, &hi);
  } else {
    LexRanks(z, q.lex_min, q.lex_max, &lo, &hi);
  }
  if (q.offset < 0 || static_cast<uint64_t>(q.offset) >= hi - lo) return;
  const size_t off = static_cast<size_t>(q.offset);
  const size_t avail = hi - lo - off;
  *n = q.limit < 0 ? avail : std::min<size_t>(avail, static_cast<uint64_t>(q.limit));
  *first = q.rev ? hi - 1 - off : lo + off;
}

// Redis fills a ZRANGESTORE destination element by element in emission order, starting as a
// listpack when the expected size (`hint`: the count for a rank range, 0 otherwise) fits and
// converting at the first insert that passes a limit. Scores inserted while it was a listpack
// lose a negative zero's sign, which stays visible after the conversion: replay that.
void NormalizeAsRedisStores(std::vector<ZElement>* elems, size_t hint, const CommandConfig& cfg) {
  const int64_t max_entries = cfg.zset_max_listpack_entries.load();
  const int64_t max_value = cfg.zset_max_listpack_value.load();
  if (static_cast<int64_t>(hint) > max_entries) return;
  int64_t count = 0;
  for (auto& [m, s] : *elems) {
    if (count + 1 > max_entries || static_cast<int64_t>(m.size()) > max_value) return;
    if (s == 0) s = 0.0;  // -0 -> 0
    ++count;
  }
}

// ZRANGE key min max [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES] and the fixed forms:
// `kind`/`rev` preset by ZRANGEBYSCORE & co, which accept only WITHSCORES and LIMIT
// (`free_form` false). ZRANGESTORE passes its destination in `dst` (store).
void ZRangeGeneric(ArgList args, CommandContext& ctx, size_t key_idx, bool store, RangeKind kind,
                   bool rev, bool free_form) {
  auto& rb = ctx.reply();
  RangeRequest q;
  q.kind = kind;
  q.rev = rev;
  bool kind_given = !free_form;
  for (size_t j = key_idx + 3; j < args.size(); ++j) {
    const std::string_view o = args[j];
    const size_t left = args.size() - j - 1;
    if (!store && EqualsIgnoreCase(o, "withscores")) {
      q.withscores = true;
    } else if (EqualsIgnoreCase(o, "limit") && left >= 2) {
      if (!ParseInt64(args[j + 1], &q.offset) || !ParseInt64(args[j + 2], &q.limit)) {
        return rb.SendError(protocol::kNotIntegerErr);
      }
      j += 2;
    } else if (free_form && !kind_given && EqualsIgnoreCase(o, "byscore")) {
      q.kind = RangeKind::kScore;
      kind_given = true;
    } else if (free_form && !kind_given && EqualsIgnoreCase(o, "bylex")) {
      q.kind = RangeKind::kLex;
      kind_given = true;
    } else if (free_form && !q.rev && EqualsIgnoreCase(o, "rev")) {
      q.rev = true;
    } else {
      return rb.SendError(protocol::kSyntaxErr);
    }
  }
  // Redis only objects to a count: "LIMIT <any> -1" passes (and is ignored) on a rank range.
  if (q.limit != -1 && q.kind == RangeKind::kRank) return rb.SendError(kLimitRankErr);
  if (q.withscores && q.kind == RangeKind::kLex) return rb.SendError(kWithScoresLexErr);
  std::string_view min_arg = args[key_idx + 1], max_arg = args[key_idx + 2];
  if (q.rev && q.kind != RangeKind::kRank) std::swap(min_arg, max_arg);
  switch (q.kind) {
    case RangeKind::kRank:
      if (!ParseInt64(min_arg, &q.start) || !ParseInt64(max_arg, &q.end)) {
        return rb.SendError(protocol::kNotIntegerErr);
      }
      break;
    case RangeKind::kScore:
      if (!ParseScoreRange(min_arg, max_arg, &q.score)) return rb.SendError(kMinMaxNotFloatErr);
      break;
    case RangeKind::kLex:
      if (!ParseLexBound(min_arg, &q.lex_min) || !ParseLexBound(max_arg, &q.lex_max)) {
        return rb.SendError(kLexRangeErr);
      }
      break;
  }
  const std::string_view key = args[key_idx];
  if (!store) {
    ctx.Run(key, [&](Db& db) {
      OpStatus st;
      Entry* e = FindOfType(db, key, ObjType::kZSet, &st, true);
      if (st != OpStatus::kOk) return SendOpError(rb, st);
      if (e == nullptr) return rb.SendArrayLen(0);
      const ZRef z(e);
      size_t first, n;
      ResolveRange(z, q, &first, &n);
      SendElemsHeader(rb, n, q.withscores);
      z.ForRange(first, n, q.rev, [&](std::string_view m, double s) {
        SendElem(rb, m, s, q.withscores);
      });
    });
    return;
  }
  const std::string_view dst = args[1];
  const std::string_view keys[] = {dst, key};
  ctx.RunKeys(keys, [&](Db& db) {
    OpStatus st;
    Entry* e = FindOfType(db, key, ObjType::kZSet, &st, true);
    if (st != OpStatus::kOk) return SendOpError(rb, st);
    std::vector<ZElement> elems;
    if (e != nullptr) {
      const ZRef z(e);
      size_t first, n;
      ResolveRange(z, q, &first, &n);
      elems.reserve(n);
      z.ForRange(first, n, q.rev,
                 [&](std::string_view m, double s) { elems.emplace_back(std::string(m), s); });
      NormalizeAsRedisStores(&elems, q.kind == RangeKind::kRank ? n : 0, ctx.config());
      if (q.rev) std::reverse(elems.begin(), elems.end());
    }
    if (StoreZSet(db, dst, elems, ctx.config())) PropagateArgs(db, args);
    rb.SendLong(static_cast<int64_t>(elems.size()));
  });
}

void CmdZRange(ArgList args, CommandContext& ctx) {
  ZRangeGeneric(args, ctx, 1, false, RangeKind::kRank, false, true);
}
void CmdZRangeStore(ArgList args, CommandContext& ctx) {
  ZRangeGeneric(args, ctx, 2, true, RangeKind::kRank, false, true);
}
void CmdZRevRange(ArgList args, CommandContext& ctx) {
  ZRangeGeneric(args, ctx, 1, false, RangeKind::kRank, true, false);
}
void CmdZRangeByScore(ArgList args, CommandContext& ctx) {
  ZRangeGeneric(args, ctx, 1, false, RangeKind::kScore, false, false);
}
void CmdZRevRangeByScore(ArgList args, CommandContext& ctx) {
  ZRangeGeneric(args, ctx, 1, false, RangeKind::kScore, true, false);
}
void CmdZRangeByLex(ArgList args, CommandContext& ctx) {
  ZRangeGeneric(args, ctx, 1, false, RangeKind::kLex, false, false);
}
void CmdZRevRangeByLex(ArgList args, CommandContext& ctx) {
  ZRangeGeneric(args, ctx, 1, false, RangeKind::kLex, true, false);
}

// ---------------------------------------------------------------------------------------------
// ZREMRANGEBYRANK / BYSCORE / BYLEX

void ZRemRangeGeneric(ArgList args, CommandContext& ctx, RangeKind kind) {
  auto& rb = ctx.reply();
  RangeRequest q;
  q.kind = kind;
  switch (kind) {
    case RangeKind::kRank:
      if (!ParseInt64(args[2], &q.start) || !ParseInt64(args[3], &q.end)) {
        return rb.SendError(protocol::kNotIntegerErr);
      }
      break;
    case RangeKind::kScore:
      if (!ParseScoreRange(args[2], args[3], &q.score)) return rb.SendError(kMinMaxNotFloatErr);
      break;
    case RangeKind::kLex:
      if (!ParseLexBound(args[2], &q.lex_min) || !ParseLexBound(args[3], &q.lex_max)) {
        return rb.SendError(kLexRangeErr);
      }
      break;
  }
  const std::string_view key = args[1];
  ctx.Run(key, [&](Db& db) {
    OpStatus st;
    Entry* e = FindOfType(db, key, ObjType::kZSet, &st);
    if (st != OpStatus::kOk) return SendOpError(rb, st);
    if (e == nullptr) return rb.SendLong(0);
    ZRef z(e);
    size_t first, n;
    ResolveRange(z, q, &first, &n);
    if (n == 0) return rb.SendLong(0);
    const size_t before = CollectionMemory(e);
    z.EraseRanks(first, first + n);
    FinishWrite(db, e, before);
    PropagateArgs(db, args);
    rb.SendLong(static_cast<int64_t>(n));
  });
}

void CmdZRemRangeByRank(ArgList args, CommandContext& ctx) {
  ZRemRangeGeneric(args, ctx, RangeKind::kRank);
}
void CmdZRemRangeByScore(ArgList args, CommandContext& ctx) {
  ZRemRangeGeneric(args, ctx, RangeKind::kScore);
}
void CmdZRemRangeByLex(ArgList args, CommandContext& ctx) {
  ZRemRangeGeneric(args, ctx, RangeKind::kLex);
}

// ---------------------------------------------------------------------------------------------
// Pops

// Pops up to `count` from one end of `e`; returns the elements in pop order.
void PopFromEntry(Db& db, Entry* e, ZEnd end, uint64_t count, std::vector<ZElement>* out) {
  ZRef z(e);
  const size_t size = z.size();
  const size_t n = static_cast<size_t>(std::min<uint64_t>(count, size));
  const size_t before = CollectionMemory(e);
  out->reserve(out->size() + n);
  const bool max = end == ZEnd::kMax;
  z.ForRange(max ? size - 1 : 0, n, max,
             [&](std::string_view m, double s) { out->emplace_back(std::string(m), s); });
  if (max) {
    z.EraseRanks(size - n, size);
  } else {
    z.EraseRanks(0, n);
  }
  FinishWrite(db, e, before);
}

void PropagatePop(Db& db, std::string_view key, ZEnd end, size_t n) {
  if (!db.propagating() || n == 0) return;
  db.Propagate({end == ZEnd::kMin ? "ZPOPMIN" : "ZPOPMAX", std::string(key), std::to_string(n)});
}

void ZPopGeneric(ArgList args, CommandContext& ctx, ZEnd end) {
  auto& rb = ctx.reply();
  if (args.size() > 3) return rb.SendError(protocol::kSyntaxErr);
  int64_t count = 1;
  const bool count_given = args.size() == 3;
  if (count_given && (!ParseInt64(args[2], &count) || count < 0)) {
    return rb.SendError(kPositiveErr);
  }
  const std::string_view key = args[1];
  ctx.Run(key, [&](Db& db) {
    OpStatus st;
    Entry* e = FindOfType(db, key, ObjType::kZSet, &st);
    if (st != OpStatus::kOk) return SendOpError(rb, st);
    std::vector<ZElement> elems;
    if (e != nullptr && count > 0) {
      PopFromEntry(db, e, end, static_cast<uint64_t>(count), &elems);
      PropagatePop(db, key, end, elems.size());
    }
    SendZPopReply(rb, elems, count_given);
  });
}

void CmdZPopMin(ArgList args, CommandContext& ctx) { ZPopGeneric(args, ctx, ZEnd::kMin); }
void CmdZPopMax(ArgList args, CommandContext& ctx) { ZPopGeneric(args, ctx, ZEnd::kMax); }

std::vector<int> ZMPopKeys(ArgList args) { return ZMPopKeyIndexes(args, 1); }

void CmdZMPop(ArgList args, CommandContext& ctx) {
  auto& rb = ctx.reply();
  ZMPopArgs parsed;
  std::string_view error;
  if (!ParseZMPopArgs(args, 1, &parsed, &error)) return rb.SendError(error);
  ctx.RunKeys(parsed.keys, [&](Db& db) {
    int key_index;
    std::vector<ZElement> elems;
    const OpStatus st = OpZSetMultiPop(db, parsed, &key_index, &elems);
    if (st != OpStatus::kOk) return SendOpError(rb, st);
    if (key_index < 0) return rb.SendNullArray();
    SendZMPopReply(rb, parsed.keys[static_cast<size_t>(key_index)], elems);
  });
}

// ---------------------------------------------------------------------------------------------
// ZRANDMEMBER

void CmdZRandMember(ArgList args, CommandContext& ctx) {
  auto& rb = ctx.reply();
  const std::string_view key = args[1];
  if (args.size() == 2) {
    ctx.Run(key, [&](Db& db) {
      OpStatus st;
      Entry* e = FindOfType(db, key, ObjType::kZSet, &st, true);
      if (st != OpStatus::kOk) return SendOpError(rb, st);
      if (e == nullptr) return rb.SendNull();
      const ZRef z(e);
      z.ForRange(Rng()() % z.size(), 1, false,
                 [&](std::string_view m, double) { rb.SendBulk(m); });
    });
    return;
  }
  int64_t count;
  if (!ParseInt64(args[2], &count)) return rb.SendError(protocol::kNotIntegerErr);
  if (count == INT64_MIN) {
    return rb.SendError(
        "ERR value is out of range, value must between -9223372036854775807 and "
        "9223372036854775807");
  }
  if (args.size() > 4 || (args.size() == 4 && !EqualsIgnoreCase(args[3], "withscores"))) {
    return rb.SendError(protocol::kSyntaxErr);
  }
  const bool withscores = args.size() == 4;
  // Redis refuses counts whose doubled reply length would overflow.
  if (withscores && (count < -INT64_MAX / 2 || count > INT64_MAX / 2)) {
    return rb.SendError(kOutOfRangeErr);
  }
  ctx.Run(key, [&](Db& db) {
    OpStatus st;
    Entry* e = FindOfType(db, key, ObjType::kZSet, &st, true);
    if (st != OpStatus::kOk) return SendOpError(rb, st);
    if (e == nullptr || count == 0) return rb.SendArrayLen(0);
    const ZRef z(e);
    const size_t size = z.size();
    auto& rng = Rng();
    if (count < 0) {
      // With repetition: each element an independent uniform pick, streamed into the reply and
      // bounded by BoundedRandomReply (collection_util.h).
      const uint64_t n = static_cast<uint64_t>(-count);
      BoundedRandomReply bound(ctx);
      // The smallest element: an empty bulk member ("$0\r\n\r\n") and a one-digit score.
      if (!bound.Admit(n, withscores ? 13 : 6)) return;
      SendElemsHeader(rb, n, withscores);
      std::vector<ZElement> all;
      if (z.is_lp()) {
        // Index the pairs once (bounded by the set's size) instead of a walk per pick.
        all.reserve(size);
        z.ForEach([&](std::string_view m, double s) { all.emplace_back(std::string(m), s); });
      }
      for (uint64_t k = 0; k < n; ++k) {
        if (z.is_lp()) {
          const auto& [m, s] = all[rng() % size];
          SendElem(rb, m, s, withscores);
        } else {
          z.ForRange(rng() % size, 1, false,
                     [&](std::string_view m, double s) { SendElem(rb, m, s, withscores); });
        }
        if ((k & 1023) == 1023 && !bound.Check()) return;
      }
      bound.Check();
      return;
    }
    const uint64_t n = static_cast<uint64_t>(count);
    if (n >= size) {
      // The whole set, highest first (what Redis 7.0 answers here).
      SendElemsHeader(rb, size, withscores);
      z.ForRange(size - 1, size, true,
                 [&](std::string_view m, double s) { SendElem(rb, m, s, withscores); });
      return;
    }
    SendElemsHeader(rb, n, withscores);
    if (z.is_lp() || n * 4 > size) {
      // Selection sampling over the ranks: each element kept with probability needed/left, so
      // exactly n distinct elements in one pass and no extra memory.
      uint64_t needed = n;
      uint64_t left = size;
      z.ForEach([&](std::string_view m, double s) {
        if (needed > 0 && rng() % left < needed) {
          SendElem(rb, m, s, withscores);
          --needed;
        }
        --left;
      });
      return;
    }
    // Few out of many: distinct random ranks (n < size / 4, so few retries).
    std::unordered_set<size_t> picked;
    picked.reserve(n);
    while (picked.size() < n) {
      const size_t r = rng() % size;
      if (!picked.insert(r).second) continue;
      z.ForRange(r, 1, false, [&](std::string_view m, double s) { SendElem(rb, m, s, withscores); });
    }
  });
}

// ---------------------------------------------------------------------------------------------
// ZUNION / ZINTER / ZDIFF (+STORE), ZINTERCARD

enum class SetOp { kUnion, kInter, kDiff };
enum class Aggregate { kSum, kMin, kMax };

// One input: a sorted set, a plain set (every member scores 1) or a missing key.
struct OpInput {
  Entry* e = nullptr;
  double weight = 1;

  size_t size() const {
    if (e == nullptr) return 0;
    if (e->type() == ObjType::kZSet) return ZRef(e).size();
    if (e->encoding() == Encoding::kIntset) return e->object_as<core::IntSet>()->size();
    return e->object_as<core::StrSet>()->size();
  }
  bool Score(std::string_view m, double* s) const {
    if (e == nullptr) return false;
    if (e->type() == ObjType::kZSet) return ZRef(e).Score(m, s);
    *s = 1.0;
    if (e->encoding() == Encoding::kIntset) {
      int64_t v;
      return ParseInt64(m, &v) && e->object_as<core::IntSet>()->Contains(v);
    }
    return e->object_as<core::StrSet>()->Contains(m);
  }
  template <class F>
  void ForEach(F&& f) const {
    if (e == nullptr) return;
    if (e->type() == ObjType::kZSet) return ZRef(e).ForEach(f);
    if (e->encoding() == Encoding::kIntset) {
      char buf[kInt64BufSize];
      e->object_as<core::IntSet>()->ForEach([&](int64_t v) {
        f(std::string_view(buf, FormatInt64(v, buf)), 1.0);
      });
      return;
    }
    e->object_as<core::StrSet>()->ForEach([&](std::string_view m) { f(m, 1.0); });
  }
};

void AggregateInto(double* target, double v, Aggregate agg) {
  switch (agg) {
    case Aggregate::kSum:
      *target += v;
      if (std::isnan(*target)) *target = 0;  // inf + -inf
      break;
    case Aggregate::kMin: *target = v < *target ? v : *target; break;
    case Aggregate::kMax: *target = v > *target ? v : *target; break;
  }
}

bool ElemLess(const ZElement& a, const ZElement& b) {
  if (a.second != b.second) return a.second < b.second;
  return a.first < b.first;
}

// Redis's algorithms, including the order in which scores are combined (it changes float sums):
// inputs sorted by size, smallest first (stable), for union and intersection; NaN products and
// sums become 0. The result is sorted by (score, member).
std::vector<ZElement> ComputeSetOp(std::vector<OpInput> in, SetOp op, Aggregate agg) {
  std::vector<ZElement> out;
  if (op == SetOp::kDiff) {
    const OpInput& first = in[0];
    first.ForEach([&](std::string_view m, double s) {
      double ignored;
      for (size_t j = 1; j < in.size(); ++j) {
        if (in[j].Score(m, &ignored)) return;
      }
      out.emplace_back(std::string(m), s);
    });
  } else {
    std::stable_sort(in.begin(), in.end(),
                     [](const OpInput& a, const OpInput& b) { return a.size() < b.size(); });
    if (op == SetOp::kInter) {
      if (in[0].size() == 0) return out;
      in[0].ForEach([&](std::string_view m, double s) {
        double score = in[0].weight * s;
        if (std::isnan(score)) score = 0;
        for (size_t j = 1; j < in.size(); ++j) {
          double v;
          if (in[j].e == in[0].e) {
            v = s;
          } else if (!in[j].Score(m, &v)) {
            return;
          }
          AggregateInto(&score, v * in[j].weight, agg);
        }
        out.emplace_back(std::string(m), score);
      });
    } else {
      std::unordered_map<std::string, double> acc;
      for (const OpInput& input : in) {
        input.ForEach([&](std::string_view m, double s) {
          double score = input.weight * s;
          if (std::isnan(score)) score = 0;
          auto [it, inserted] = acc.try_emplace(std::string(m), score);
          if (!inserted) AggregateInto(&it->second, score, agg);
        });
      }
      out.reserve(acc.size());
      for (auto& [m, s] : acc) out.emplace_back(m, s);
    }
  }
  std::sort(out.begin(), out.end(), ElemLess);
  return out;
}

// numkeys at args[numkeys_idx], then the keys. Replies with Redis's error and returns false.
bool ParseNumKeys(ArgList args, size_t numkeys_idx, CommandContext& ctx, size_t* numkeys) {
  int64_t n;
  if (!ParseInt64(args[numkeys_idx], &n)) {
    ctx.reply().SendError(protocol::kNotIntegerErr);
    return false;
  }
  if (n < 1) {
    ctx.reply().SendError("ERR at least 1 input key is needed for '" +
                          ctx.command()->full_name() + "' command");
    return false;
  }
  if (static_cast<uint64_t>(n) > args.size() - numkeys_idx - 1) {
    ctx.reply().SendError(protocol::kSyntaxErr);
    return false;
  }
  *numkeys = static_cast<size_t>(n);
  return true;
}

std::vector<int> NumKeysIndexes(ArgList args, size_t numkeys_idx, bool with_dst) {
  std::vector<int> out;
  if (with_dst) out.push_back(1);
  int64_t n;
  if (args.size() <= numkeys_idx || !ParseInt64(args[numkeys_idx], &n) || n < 1 ||
      static_cast<uint64_t>(n) > args.size() - numkeys_idx - 1) {
    return out;
  }
  for (int64_t i = 0; i < n; ++i) out.push_back(static_cast<int>(numkeys_idx + 1 + i));
  return out;
}

std::vector<int> ZSetOpKeys(ArgList args) { return NumKeysIndexes(args, 1, false); }
std::vector<int> ZSetOpStoreKeys(ArgList args) { return NumKeysIndexes(args, 2, true); }

// Looks the inputs up (sorted sets or sets); false with WRONGTYPE replied.
bool LookupInputs(Db& db, std::span<const std::string_view> keys, bool read,
                  std::vector<OpInput>* in, protocol::ReplyBuilder& rb) {
  in->resize(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    Entry* e = read ? db.FindRead(keys[i]) : db.Find(keys[i]);
    if (e != nullptr && e->type() != ObjType::kZSet && e->type() != ObjType::kSet) {
      rb.SendError(protocol::kWrongTypeErr);
      return false;
    }
    (*in)[i].e = e;
  }
  return true;
}

// ZUNION|ZINTER|ZDIFF numkeys key... [WEIGHTS w...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES] and the
// STORE forms (destination at args[1], no WITHSCORES). ZDIFF takes no WEIGHTS/AGGREGATE.
void ZSetOpGeneric(ArgList args, CommandContext& ctx, SetOp op, bool store) {
  auto& rb = ctx.reply();
  const size_t numkeys_idx = store ? 2 : 1;
  size_t numkeys;
  if (!ParseNumKeys(args, numkeys_idx, ctx, &numkeys)) return;
  const std::span<const std::string_view> inputs = args.subspan(numkeys_idx + 1, numkeys);
  std::vector<std::string_view> lock_keys(inputs.begin(), inputs.end());
  if (store) lock_keys.push_back(args[1]);
  ctx.RunKeys(lock_keys, [&](Db& db) {
    std::vector<OpInput> in;
    if (!LookupInputs(db, inputs, !store, &in, rb)) return;
    // Options come after the type checks, as in Redis.
    Aggregate agg = Aggregate::kSum;
    bool withscores = false;
    for (size_t j = numkeys_idx + 1 + numkeys; j < args.size(); ++j) {
      const std::string_view o = args[j];
      const size_t left = args.size() - j - 1;
      if (op != SetOp::kDiff && EqualsIgnoreCase(o, "weights") && left >= numkeys) {
        for (size_t i = 0; i < numkeys; ++i) {
          if (!ParseBoundDouble(args[j + 1 + i], &in[i].weight)) return rb.SendError(kWeightErr);
        }
        j += numkeys;
      } else if (op != SetOp::kDiff && EqualsIgnoreCase(o, "aggregate") && left >= 1) {
        const std::string_view a = args[j + 1];
        if (EqualsIgnoreCase(a, "sum")) agg = Aggregate::kSum;
        else if (EqualsIgnoreCase(a, "min")) agg = Aggregate::kMin;
        else if (EqualsIgnoreCase(a, "max")) agg = Aggregate::kMax;
        else return rb.SendError(protocol::kSyntaxErr);
        ++j;
      } else if (!store && EqualsIgnoreCase(o, "withscores")) {
        withscores = true;
      } else {
        return rb.SendError(protocol::kSyntaxErr);
      }
    }
    const std::vector<ZElement> result = ComputeSetOp(std::move(in), op, agg);
    if (!store) return SendElems(rb, result, withscores);
    if (StoreZSet(db, args[1], result, ctx.config())) PropagateArgs(db, args);
    rb.SendLong(static_cast<int64_t>(result.size()));
  });
}

void CmdZUnion(ArgList args, CommandContext& ctx) { ZSetOpGeneric(args, ctx, SetOp::kUnion, false); }
void CmdZInter(ArgList args, CommandContext& ctx) { ZSetOpGeneric(args, ctx, SetOp::kInter, false); }
void CmdZDiff(ArgList args, CommandContext& ctx) { ZSetOpGeneric(args, ctx, SetOp::kDiff, false); }
void CmdZUnionStore(ArgList args, CommandContext& ctx) {
  ZSetOpGeneric(args, ctx, SetOp::kUnion, true);
}
void CmdZInterStore(ArgList args, CommandContext& ctx) {
  ZSetOpGeneric(args, ctx, SetOp::kInter, true);
}
void CmdZDiffStore(ArgList args, CommandContext& ctx) {
  ZSetOpGeneric(args, ctx, SetOp::kDiff, true);
}

void CmdZInterCard(ArgList args, CommandContext& ctx) {
  auto& rb = ctx.reply();
  size_t numkeys;
  if (!ParseNumKeys(args, 1, ctx, &numkeys)) return;
  const std::span<const std::string_view> inputs = args.subspan(2, numkeys);
  ctx.RunKeys(inputs, [&](Db& db) {
    std::vector<OpInput> in;
    if (!LookupInputs(db, inputs, true, &in, rb)) return;
    int64_t limit = 0;
    for (size_t j = 2 + numkeys; j < args.size(); ++j) {
      if (EqualsIgnoreCase(args[j], "limit") && j + 1 < args.size()) {
        if (!ParseInt64(args[j + 1], &limit) || limit < 0) {
          return rb.SendError("ERR LIMIT can't be negative");
        }
        ++j;
      } else {
        return rb.SendError(protocol::kSyntaxErr);
      }
    }
    std::stable_sort(in.begin(), in.end(),
                     [](const OpInput& a, const OpInput& b) { return a.size() < b.size(); });
    int64_t count = 0;
    bool done = false;
    in[0].ForEach([&](std::string_view m, double) {
      if (done) return;
      double ignored;
      for (size_t j = 1; j < in.size(); ++j) {
        if (in[j].e != in[0].e && !in[j].Score(m, &ignored)) return;
      }
      ++count;
      if (limit > 0 && count >= limit) done = true;
    });
    rb.SendLong(count);
  });
}

// ---------------------------------------------------------------------------------------------
// ZSCAN

// A listpack score as ZSCAN shows it: the text Redis stores in its listpack, i.e. an integral
// value within [-2^62, 2^62] as an integer (so -0 is "0"), anything else as %.17g.
std::string_view ListpackScoreText(double s, char* buf) {
  constexpr double kLimit = 4611686018427387904.0;  // 2^62
  if (s >= -kLimit && s <= kLimit && s == std::trunc(s)) {
    return {buf, FormatInt64(static_cast<int64_t>(s), buf)};
  }
  return {buf, protocol::FormatDoubleTo(s, buf)};
}

void CmdZScan(ArgList args, CommandContext& ctx) {
  auto& rb = ctx.reply();
  uint64_t cursor;
  if (!ParseScanCursor(args[2], &cursor)) return rb.SendError(kInvalidCursorErr);
  const std::string_view key = args[1];
  ctx.Run(key, [&](Db& db) {
    OpStatus st;
    Entry* e = FindOfType(db, key, ObjType::kZSet, &st, true);
    if (st != OpStatus::kOk) return SendOpError(rb, st);
    if (e == nullptr) {
      rb.SendArrayLen(2);
      rb.SendBulk("0");
      return rb.SendArrayLen(0);
    }
    ScanOptions opts;
    if (std::string_view err = ParseCollectionScan(args, &opts); !err.empty()) {
      return rb.SendError(err);
    }
    const ZRef z(e);
    std::vector<std::pair<std::string, std::string>> found;
    char buf[protocol::kMaxDoubleChars + kInt64BufSize];
    uint64_t next = 0;
    if (z.is_lp()) {
      // A compact set is returned whole, whatever the cursor (as Redis does).
      z.ForEach([&](std::string_view m, double s) {
        if (opts.Matches(m)) found.emplace_back(std::string(m), ListpackScoreText(s, buf));
      });
    } else {
      const core::ZSet* zs = z.zs();
      next = cursor;
      // Redis's bound on empty buckets visited per call: ten per requested element.
      const uint64_t count = static_cast<uint64_t>(opts.count);
      const uint64_t max_steps = count > UINT64_MAX / 10 ? UINT64_MAX : count * 10;
      uint64_t steps = 0;
      size_t visited = 0;
      do {
        next = zs->Scan(next, 1, [&](std::string_view m, double s) {
          ++visited;
          if (opts.Matches(m)) {
            found.emplace_back(std::string(m),
                               std::string(buf, protocol::FormatDoubleTo(s, buf)));
          }
        });
      } while (next != 0 && ++steps < max_steps && visited < count);
    }
    rb.SendArrayLen(2);
    rb.SendBulk(std::to_string(next));
    rb.SendArrayLen(2 * found.size());
    for (const auto& [m, s] : found) {
      rb.SendBulk(m);
      rb.SendBulk(s);
    }
  });
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// zset_ops.h

void ConvertZSetToSkiplist(Db& db, Entry* e) {
  if (e->encoding() != Encoding::kListpack) return;
  const size_t before = CollectionMemory(e);
  ZRef(e).ConvertToSkiplist();
  db.AdjustMemory(e->key(), static_cast<int64_t>(CollectionMemory(e)) -
                                static_cast<int64_t>(before));
}

OpStatus OpZSetPop(Db& db, std::string_view key, ZEnd end, uint64_t count,
                   std::vector<ZElement>* out) {
  OpStatus st;
  Entry* e = FindOfType(db, key, ObjType::kZSet, &st);
  if (st != OpStatus::kOk || e == nullptr) return st;
  const size_t before = out->size();
  PopFromEntry(db, e, end, count, out);
  PropagatePop(db, key, end, out->size() - before);
  return OpStatus::kOk;
}

bool ParseZMPopArgs(ArgList args, size_t numkeys_index, ZMPopArgs* out, std::string_view* error) {
  MultiKeyPopArgs tail;
  auto parse_where = [&](std::string_view w) {
    if (EqualsIgnoreCase(w, "min")) {
      out->end = ZEnd::kMin;
    } else if (EqualsIgnoreCase(w, "max")) {
      out->end = ZEnd::kMax;
    } else {
      return false;
    }
    return true;
  };
  if (!ParseMultiKeyPop(args, numkeys_index, parse_where, &tail, error)) return false;
  out->keys = std::move(tail.keys);
  out->count = tail.count;
  return true;
}

std::vector<int> ZMPopKeyIndexes(ArgList args, size_t numkeys_index) {
  return MultiKeyPopKeyIndexes(args, numkeys_index);
}

OpStatus OpZSetMultiPop(Db& db, const ZMPopArgs& args, int* key_index,
                        std::vector<ZElement>* out) {
  *key_index = -1;
  for (size_t i = 0; i < args.keys.size(); ++i) {
    OpStatus st;
    Entry* e = FindOfType(db, args.keys[i], ObjType::kZSet, &st);
    if (st != OpStatus::kOk) return st;
    if (e == nullptr) continue;
    PopFromEntry(db, e, args.end, args.count, out);
    PropagatePop(db, args.keys[i], args.end, out->size());
    *key_index = static_cast<int>(i);
    return OpStatus::kOk;
  }
  return OpStatus::kOk;
}

void SendZPopReply(protocol::ReplyBuilder& rb, const std::vector<ZElement>& elems,
                   bool count_given) {
  if (count_given) return SendElems(rb, elems, true);
  // No count argument: a flat [member, score] even in RESP3.
  rb.SendArrayLen(2 * elems.size());
  for (const auto& [m, s] : elems) {
    rb.SendBulk(m);
    rb.SendDouble(s);
  }
}

void SendZMPopReply(protocol::ReplyBuilder& rb, std::string_view key,
                    const std::vector<ZElement>& elems) {
  rb.SendArrayLen(2);
  rb.SendBulk(key);
  rb.SendArrayLen(elems.size());
  for (const auto& [m, s] : elems) {
    rb.SendArrayLen(2);
    rb.SendBulk(m);
    rb.SendDouble(s);
  }
}

void RegisterZSetFamily(CommandRegistry* r) {
  auto add = [&](std::string_view name, int arity, uint32_t flags, KeySpec keys,
                 std::string_view summary, std::string_view since, std::string_view complexity,
                 Handler h, KeyExtractor extractor = nullptr) {
    r->Add(CommandSpec{.name = name, .arity = arity, .flags = flags, .keys = keys,
                       .acl = kAclSortedSet, .group = "sorted_set", .summary = summary,
                       .since = since, .complexity = complexity, .handler = h,
                       .key_extractor = extractor});
  };
  constexpr KeySpec k1 = {1, 1, 1};
  constexpr KeySpec none = {0, 0, 0};
  const std::string_view log_n = "O(log(N)) where N is the number of elements in the sorted set.";
  const std::string_view range_cost =
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
      "elements returned.";
  const std::string_view remove_cost =
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
      "elements removed by the operation.";
  add("zadd", -4, kWrite | kDenyOom | kFast, k1,
      "Adds one or more members to a sorted set, or updates their scores. Creates the key if it "
      "doesn't exist.", "1.2.0",
      "O(log(N)) for each item added, where N is the number of elements in the sorted set.",
      CmdZAdd);
  add("zincrby", 4, kWrite | kDenyOom | kFast, k1,
      "Increments the score of a member in a sorted set.", "1.2.0", log_n, CmdZIncrBy);
  add("zrem", -3, kWrite | kFast, k1,
      "Removes one or more members from a sorted set. Deletes the sorted set if all members were "
      "removed.", "1.2.0",
      "O(M*log(N)) with N being the number of elements in the sorted set and M the number of "
      "elements to be removed.", CmdZRem);
  add("zcard", 2, kReadOnly | kFast, k1, "Returns the number of members in a sorted set.",
      "1.2.0", "O(1)", CmdZCard);
  add("zscore", 3, kReadOnly | kFast, k1, "Returns the score of a member in a sorted set.",
      "1.2.0", "O(1)", CmdZScore);
  add("zmscore", -3, kReadOnly | kFast, k1,
      "Returns the score of one or more members in a sorted set.", "6.2.0",
      "O(N) where N is the number of members being requested.", CmdZMScore);
  add("zrank", 3, kReadOnly | kFast, k1,
      "Returns the index of a member in a sorted set ordered by ascending scores.", "2.0.0",
      "O(log(N))", CmdZRank);
  add("zrevrank", 3, kReadOnly | kFast, k1,
      "Returns the index of a member in a sorted set ordered by descending scores.", "2.0.0",
      "O(log(N))", CmdZRevRank);
  add("zcount", 4, kReadOnly | kFast, k1,
      "Returns the count of members in a sorted set that have scores within a range.", "2.0.0",
      log_n, CmdZCount);
  add("zlexcount", 4, kReadOnly | kFast, k1,
      "Returns the number of members in a sorted set within a lexicographical range.", "2.8.9",
      log_n, CmdZLexCount);
  add("zrange", -4, kReadOnly, k1, "Returns members in a sorted set within a range of indexes.",
      "1.2.0", range_cost, CmdZRange);
  add("zrangestore", -5, kWrite | kDenyOom, {1, 2, 1},
      "Stores a range of members from sorted set in a key.", "6.2.0",
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
      "elements stored into the destination key.", CmdZRangeStore);
  add("zrangebyscore", -4, kReadOnly, k1,
      "Returns members in a sorted set within a range of scores.", "1.0.5", range_cost,
      CmdZRangeByScore);
  add("zrevrangebyscore", -4, kReadOnly, k1,
      "Returns members in a sorted set within a range of scores in reverse order.", "2.2.0",
      range_cost, CmdZRevRangeByScore);
  add("zrangebylex", -4, kReadOnly, k1,
      "Returns members in a sorted set within a lexicographical range.", "2.8.9", range_cost,
      CmdZRangeByLex);
  add("zrevrangebylex", -4, kReadOnly, k1,
      "Returns members in a sorted set within a lexicographical range in reverse order.",
      "2.8.9", range_cost, CmdZRevRangeByLex);
  add("zrevrange", -4, kReadOnly, k1,
      "Returns members in a sorted set within a range of indexes in reverse order.", "1.2.0",
      range_cost, CmdZRevRange);
  add("zremrangebyrank", 4, kWrite, k1,
      "Removes members in a sorted set within a range of indexes. Deletes the sorted set if all "
      "members were removed.", "2.0.0", remove_cost, CmdZRemRangeByRank);
  add("zremrangebyscore", 4, kWrite, k1,
      "Removes members in a sorted set within a range of scores. Deletes the sorted set if all "
      "members were removed.", "1.2.0", remove_cost, CmdZRemRangeByScore);
  add("zremrangebylex", 4, kWrite, k1,
      "Removes members in a sorted set within a lexicographical range. Deletes the sorted set if "
      "all members were removed.", "2.8.9", remove_cost, CmdZRemRangeByLex);
  add("zpopmin", -2, kWrite | kFast, k1,
      "Returns the lowest-scoring members from a sorted set after removing them. Deletes the "
      "sorted set if the last member was popped.", "5.0.0",
      "O(log(N)*M) with N being the number of elements in the sorted set, and M being the "
      "number of elements popped.", CmdZPopMin);
  add("zpopmax", -2, kWrite | kFast, k1,
      "Returns the highest-scoring members from a sorted set after removing them. Deletes the "
      "sorted set if the last member was popped.", "5.0.0",
      "O(log(N)*M) with N being the number of elements in the sorted set, and M being the "
      "number of elements popped.", CmdZPopMax);
  add("zmpop", -4, kWrite, none,
      "Returns the highest- or lowest-scoring members from one or more sorted sets after "
      "removing them. Deletes the sorted set if the last member was popped.", "7.0.0",
      "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of "
      "elements in the sorted set, and M being the number of elements popped.", CmdZMPop,
      ZMPopKeys);
  add("zrandmember", -2, kReadOnly, k1, "Returns one or more random members from a sorted set.",
      "6.2.0",
      "O(N) where N is the number of members returned", CmdZRandMember);
  add("zunion", -3, kReadOnly, none, "Returns the union of multiple sorted sets.", "6.2.0",
      "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being "
      "the number of elements in the resulting sorted set.", CmdZUnion, ZSetOpKeys);
  add("zinter", -3, kReadOnly, none, "Returns the intersect of multiple sorted sets.", "6.2.0",
      "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the "
      "number of input sorted sets and M being the number of elements in the resulting sorted "
      "set.", CmdZInter, ZSetOpKeys);
  add("zdiff", -3, kReadOnly, none, "Returns the difference between multiple sorted sets.",
      "6.2.0",
      "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N "
      "is the size of the first set, and K is the size of the result set.", CmdZDiff,
      ZSetOpKeys);
  add("zunionstore", -4, kWrite | kDenyOom, k1,
      "Stores the union of multiple sorted sets in a key.", "2.0.0",
      "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being "
      "the number of elements in the resulting sorted set.", CmdZUnionStore, ZSetOpStoreKeys);
  add("zinterstore", -4, kWrite | kDenyOom, k1,
      "Stores the intersect of multiple sorted sets in a key.", "2.0.0",
      "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the "
      "number of input sorted sets and M being the number of elements in the resulting sorted "
      "set.", CmdZInterStore, ZSetOpStoreKeys);
  add("zdiffstore", -4, kWrite | kDenyOom, k1,
      "Stores the difference of multiple sorted sets in a key.", "6.2.0",
      "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N "
      "is the size of the first set, and K is the size of the result set.", CmdZDiffStore,
      ZSetOpStoreKeys);
  add("zintercard", -3, kReadOnly, none,
      "Returns the number of members of the intersect of multiple sorted sets.", "7.0.0",
      "O(N*K) worst case with N being the smallest input sorted set, K being the number of "
      "input sorted sets.", CmdZInterCard, ZSetOpKeys);
  add("zscan", -3, kReadOnly, k1,
      "Iterates over members and scores of a sorted set.", "2.8.0",
      "O(1) for every call. O(N) for a complete iteration, including enough command calls for "
      "the cursor to return back to 0. N is the number of elements inside the collection.",
      CmdZScan);
}

}  // namespace cardinal::commands
