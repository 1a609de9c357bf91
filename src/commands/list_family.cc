// List commands: pushes and pops at both ends, index and range access, LINSERT/LREM/LTRIM/LPOS,
// and the two-key moves (LMOVE, RPOPLPUSH) and LMPOP. Every list is a core::QuickList (Redis 7.0
// reports every list as "quicklist").
//
// Handlers parse all arguments first, in Redis's order (some commands look the key up before
// parsing an index: LINDEX and LSET), then run one shard-local operation and reply from inside
// it, streaming values straight from the list into the output buffer. Writes follow the
// collection_util.h pattern and propagate their effect; the operations reused by the blocking
// variants are declared in list_ops.h.
#include <algorithm>
#include <climits>

#include "commands/collection_util.h"
#include "commands/context.h"
#include "commands/families.h"
#include "commands/list_ops.h"
#include "common/string_util.h"
#include "core/quicklist.h"

namespace cardinal::commands {

using core::QuickList;
using storage::Db;
using storage::Encoding;
using storage::Entry;
using storage::ObjType;

namespace {

constexpr std::string_view kPositiveErr = "ERR value is out of range, must be positive";
constexpr std::string_view kRankZeroErr =
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use "
    "negative to start from the end of the list";
constexpr std::string_view kIndexOutOfRangeErr = "ERR index out of range";

QuickList* ListOf(Entry* e) { return e->object_as<QuickList>(); }

int Fill(const CommandContext& ctx) {
  const int64_t f = ctx.config().list_max_listpack_size.load(std::memory_order_relaxed);
  return static_cast<int>(std::clamp<int64_t>(f, INT_MIN, INT_MAX));
}

void SendValue(protocol::ReplyBuilder& rb, const core::LpValue& v) {
  char buf[core::LpValue::kScratchSize];
  rb.SendBulk(v.View(buf));
}

std::vector<std::string> ToStrings(ArgList args) { return {args.begin(), args.end()}; }

std::string_view PopName(ListEnd end) { return end == ListEnd::kLeft ? "LPOP" : "RPOP"; }

// Pops min(count, size) elements from `end` of list entry `e`, handing each to fn(string_view)
// in pop order before removing them, and finishes the write (the key disappears when emptied).
// Returns how many were popped.
template <class Fn>
size_t PopFromEntry(Db& db, Entry* e, ListEnd end, uint64_t count, Fn&& fn) {
  QuickList* ql = ListOf(e);
  const size_t before = CollectionMemory(e);
  const size_t n = static_cast<size_t>(std::min<uint64_t>(count, ql->size()));
  char buf[core::LpValue::kScratchSize];
  if (end == ListEnd::kLeft) {
    auto c = ql->Front();
    for (size_t i = 0; i < n; ++i, c.Next()) fn(c.value().View(buf));
    ql->Erase(0, n);
  } else {
    auto c = ql->Back();
    for (size_t i = 0; i < n; ++i, c.Prev()) fn(c.value().View(buf));
    ql->Erase(ql->size() - n, n);
  }
  FinishWrite(db, e, before);
  return n;
}

void PropagatePop(Db& db, std::string_view key, ListEnd end, PopForm form, size_t n) {
  if (!db.propagating()) return;
  std::vector<std::string> argv{std::string(PopName(end)), std::string(key)};
  if (form == PopForm::kWithCount) argv.push_back(Int64ToString(static_cast<int64_t>(n)));
  db.Propagate(std::move(argv));
}


// ---------------------------------------------------------------------------------------------
// Pushes

void PushGeneric(ArgList args, CommandContext& ctx, ListEnd end, bool only_if_exists) {
  std::string_view key = args[1];
  const int fill = Fill(ctx);
  auto& rb = ctx.reply();
  ctx.Run(key, [&](Db& db) {
    OpStatus st;
    Entry* e = FindOfType(db, key, ObjType::kList, &st);
    if (st != OpStatus::kOk) return SendOpError(rb, st);
    if (e == nullptr) {
      if (only_if_exists) return rb.SendLong(0);
      e = NewCollection(db, key, ObjType::kList, Encoding::kQuicklist, new QuickList(fill));
    }
    QuickList* ql = ListOf(e);
    ql->set_fill(fill);
    const size_t before = CollectionMemory(e);
    for (size_t i = 2; i < args.size(); ++i) ql->Push(args[i], end == ListEnd::kLeft);
    const size_t len = ql->size();
    FinishWrite(db, e, before);
    rb.SendLong(static_cast<int64_t>(len));
    if (db.propagating()) db.Propagate(ToStrings(args));
  });
}

void CmdLPush(ArgList args, CommandContext& ctx) { PushGeneric(args, ctx, ListEnd::kLeft, false); }
void CmdRPush(ArgList args, CommandContext& ctx) { PushGeneric(args, ctx, ListEnd::kRight, false); }
void CmdLPushX(ArgList args, CommandContext& ctx) { PushGeneric(args, ctx, ListEnd::kLeft, true); }
void CmdRPushX(ArgList args, CommandContext& ctx) { PushGeneric(args, ctx, ListEnd::kRight, true); }

// ---------------------------------------------------------------------------------------------
// Pops

// LPOP/RPOP key [count]. Without a count: a bulk (nil when absent). With one: an array (a null
// array when absent, an empty array for count 0).
void PopGeneric(ArgList args, CommandContext& ctx, ListEnd end) {
  std::string_view key = args[1];
  const bool has_count = args.size() > 2;
  uint64_t count = 1;
  if (has_count) {
    int64_t c;
    if (!ParseInt64(args[2], &c) || c < 0) return ctx.reply().SendError(kPositiveErr);
    count = static_cast<uint64_t>(c);
  }
  auto& rb = ctx.reply();
  ctx.Run(key, [&](Db& db) {
    OpStatus st;
    Entry* e = FindOfType(db, key, ObjType::kList, &st);
    if (st != OpStatus::kOk) return SendOpError(rb, st);
    if (e == nullptr) return has_count ? rb.SendNullArray() : rb.SendNull();
    if (!has_count) {
      PopFromEntry(db, e, end, 1, [&](std::string_view v) { rb.SendBulk(v); });
      return PropagatePop(db, key, end, PopForm::kSingle, 1);
    }
    if (count == 0) return rb.SendArrayLen(0);
    rb.SendArrayLen(static_cast<size_t>(std::min<uint64_t>(count, ListOf(e)->size())));
    const size_t n = PopFromEntry(db, e, end, count, [&](std::string_view v) { rb.SendBulk(v); });
    PropagatePop(db, key, end, PopForm::kWithCount, n);
  });
}

void CmdLPop(ArgList args, CommandContext& ctx) { PopGeneric(args, ctx, ListEnd::kLeft); }
void CmdRPop(ArgList args, CommandContext& ctx) { PopGeneric(args, ctx, ListEnd::kRight); }

// ---------------------------------------------------------------------------------------------
// Reads

void CmdLLen(ArgList args, CommandContext& ctx) {
  std::string_view key = args[1];
  auto& rb = ctx.reply();
  ctx.Run(key, [&](Db& db) {
    OpStatus st;
    Entry* e = FindOfType(db, key, ObjType::kList, &st, true);
    if (st != OpStatus::kOk) return SendOpError(rb, st);
    rb.SendLong(e == nullptr ? 0 : static_cast<int64_t>(ListOf(e)->size()));
  });
}

void CmdLRange(ArgList args, CommandContext& ctx) {
  int64_t start, end;
  if (!ParseInt64(args[2], &start) || !ParseInt64(args[3], &end)) {
    return ctx.reply().SendError(protocol::kNotIntegerErr);
  }
  std::string_view key = args[1];
  auto& rb = ctx.reply();
  ctx.Run(key, [&](Db& db) {
    OpStatus st;
    Entry* e = FindOfType(db, key, ObjType::kList, &st, true);
    if (st != OpStatus::kOk) return SendOpError(rb, st);
    size_t first, last;
    if (e == nullptr || !NormalizeIndexRange(start, end, ListOf(e)->size(), &first, &last)) {
      return rb.SendArrayLen(0);
    }
    const QuickList* ql = ListOf(e);
    const size_t n = last - first + 1;
    rb.SendArrayLen(n);
    auto c = ql->At(static_cast<int64_t>(first));  // seeks from the nearer end
    for (size_t i = 0; i < n; ++i, c.Next()) SendValue(rb, c.value());
  });
}

void CmdLIndex(ArgList args, CommandContext& ctx) {
  std::string_view key = args[1];
  auto& rb = ctx.reply();
  ctx.Run(key, [&](Db& db) {
    // Redis looks the key up before parsing the index.
    OpStatus st;
    Entry* e = FindOfType(db, key, ObjType::kList, &st, true);
    if (st != OpStatus::kOk) return SendOpError(rb, st);
    if (e == nullptr) return rb.SendNull();
    int64_t index;
    if (!ParseInt64(args[2], &index)) return rb.SendError(protocol::kNotIntegerErr);
    auto c = ListOf(e)->At(index);
    if (!c.valid()) return rb.SendNull();
    SendValue(rb, c.value());
  });
}

// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
void CmdLPos(ArgList args, CommandContext& ctx) {
  int64_t rank = 1, count = -1, maxlen = 0;  // count -1: no COUNT given (single reply)
  auto& rb = ctx.reply();
  for (size_t j = 3; j < args.size(); j += 2) {
    if (j + 1 >= args.size()) return rb.SendError(protocol::kSyntaxErr);
    std::string_view opt = args[j], val = args[j + 1];
    if (EqualsIgnoreCase(opt, "rank")) {
      if (!ParseInt64(val, &rank)) return rb.SendError(protocol::kNotIntegerErr);
      if (rank == 0) return rb.SendError(kRankZeroErr);
    } else if (EqualsIgnoreCase(opt, "count")) {
      if (!ParseInt64(val, &count) || count < 0) return rb.SendError("ERR COUNT can't be negative");
    } else if (EqualsIgnoreCase(opt, "maxlen")) {
      if (!ParseInt64(val, &maxlen) || maxlen < 0) {
        return rb.SendError("ERR MAXLEN can't be negative");
      }
    } else {
      return rb.SendError(protocol::kSyntaxErr);
    }
  }
  const bool want_array = count >= 0;
  uint64_t want = !want_array ? 1 : count == 0 ? UINT64_MAX : static_cast<uint64_t>(count);
  // Redis 7.0 negates a negative rank, which leaves LONG_MIN negative: it then searches from the
  // tail skipping nothing, like -1, and its count check overflows, so COUNT is ignored.
  if (rank == INT64_MIN) {
    rank = -1;
    if (want_array) want = UINT64_MAX;
  }
  const bool forward = rank > 0;
  const uint64_t skip = static_cast<uint64_t>(forward ? rank : -rank) - 1;
  std::string_view key = args[1], element = args[2];
  ctx.Run(key, [&](Db& db) {
    OpStatus st;
    Entry* e = FindOfType(db, key, ObjType::kList, &st, true);
    if (st != OpStatus::kOk) return SendOpError(rb, st);
    std::vector<int64_t> found;
    if (e != nullptr) {
      const QuickList* ql = ListOf(e);
      const uint64_t limit = maxlen == 0 ? UINT64_MAX : static_cast<uint64_t>(maxlen);
      int64_t index = forward ? 0 : static_cast<int64_t>(ql->size()) - 1;
      uint64_t matches = 0;
      auto c = forward ? ql->Front() : ql->Back();
      for (uint64_t scanned = 0; c.valid() && scanned < limit && found.size() < want; ++scanned) {
        if (c.value().Equals(element) && matches++ >= skip) found.push_back(index);
        if (forward) {
          c.Next();
          ++index;
        } else {
          c.Prev();
          --index;
        }
      }
    }
    if (!want_array) return found.empty() ? rb.SendNull() : rb.SendLong(found[0]);
    rb.SendArrayLen(found.size());
    for (int64_t i : found) rb.SendLong(i);
  });
}

// ---------------------------------------------------------------------------------------------
// Writes in the middle

void CmdLSet(ArgList args, CommandContext& ctx) {
  std::string_view key = args[1], value = args[3];
  const int fill = Fill(ctx);
  auto& rb = ctx.reply();
  ctx.Run(key, [&](Db& db) {
    // Redis looks the key up before parsing the index.
    OpStatus st;
    Entry* e = FindOfType(db, key, ObjType::kList, &st);
    if (st != OpStatus::kOk) return SendOpError(rb, st);
    if (e == nullptr) return rb.SendError(protocol::kNoSuchKeyErr);
    int64_t index;
    if (!ParseInt64(args[2], &index)) return rb.SendError(protocol::kNotIntegerErr);
    QuickList* ql = ListOf(e);
    ql->set_fill(fill);
    const size_t before = CollectionMemory(e);
    if (!ql->Set(index, value)) return rb.SendError(kIndexOutOfRangeErr);
    FinishWrite(db, e, before);
    rb.SendOk();
    if (db.propagating()) db.Propagate(ToStrings(args));
  });
}

// LINSERT key BEFORE|AFTER pivot element: the new length, 0 when the key is absent, -1 when the
// pivot is not found.
void CmdLInsert(ArgList args, CommandContext& ctx) {
  bool after;
  if (EqualsIgnoreCase(args[2], "after")) {
    after = true;
  } else if (EqualsIgnoreCase(args[2], "before")) {
    after = false;
  } else {
    return ctx.reply().SendError(protocol::kSyntaxErr);
  }
  std::string_view key = args[1], pivot = args[3], value = args[4];
  const int fill = Fill(ctx);
  auto& rb = ctx.reply();
  ctx.Run(key, [&](Db& db) {
    OpStatus st;
    Entry* e = FindOfType(db, key, ObjType::kList, &st);
    if (st != OpStatus::kOk) return SendOpError(rb, st);
    if (e == nullptr) return rb.SendLong(0);
    QuickList* ql = ListOf(e);
    const int64_t index = ql->IndexOf(pivot);
    if (index < 0) return rb.SendLong(-1);
    ql->set_fill(fill);
    const size_t before = CollectionMemory(e);
    ql->Insert(index, value, after);
    const size_t len = ql->size();
    FinishWrite(db, e, before);
    rb.SendLong(static_cast<int64_t>(len));
    if (db.propagating()) db.Propagate(ToStrings(args));
  });
}

void CmdLRem(ArgList args, CommandContext& ctx) {
  int64_t count;
  if (!ParseInt64(args[2], &count)) return ctx.reply().SendError(protocol::kNotIntegerErr);
  std::string_view key = args[1], element = args[3];
  auto& rb = ctx.reply();
  ctx.Run(key, [&](Db& db) {
    OpStatus st;
    Entry* e = FindOfType(db, key, ObjType::kList, &st);
    if (st != OpStatus::kOk) return SendOpError(rb, st);
    if (e == nullptr) return rb.SendLong(0);
    const size_t before = CollectionMemory(e);
    const size_t removed = ListOf(e)->Remove(element, count);
    if (removed > 0) {
      FinishWrite(db, e, before);
      if (db.propagating()) db.Propagate(ToStrings(args));
    }
    rb.SendLong(static_cast<int64_t>(removed));
  });
}

void CmdLTrim(ArgList args, CommandContext& ctx) {
  int64_t start, end;
  if (!ParseInt64(args[2], &start) || !ParseInt64(args[3], &end)) {
    return ctx.reply().SendError(protocol::kNotIntegerErr);
  }
  std::string_view key = args[1];
  auto& rb = ctx.reply();
  ctx.Run(key, [&](Db& db) {
    OpStatus st;
    Entry* e = FindOfType(db, key, ObjType::kList, &st);
    if (st != OpStatus::kOk) return SendOpError(rb, st);
    if (e == nullptr) return rb.SendOk();
    QuickList* ql = ListOf(e);
    const size_t len = ql->size();
    size_t first, last;
    size_t removed;
    const size_t before = CollectionMemory(e);
    if (!NormalizeIndexRange(start, end, len, &first, &last)) {
      removed = ql->Erase(0, len);
    } else {
      removed = ql->Erase(last + 1, len - last - 1);
      removed += ql->Erase(0, first);
    }
    // Redis signals the key as modified even when nothing was trimmed (WATCH sees it), but
    // propagates only a change.
    FinishWrite(db, e, before);
    if (removed > 0 && db.propagating()) db.Propagate(ToStrings(args));
    rb.SendOk();
  });
}

// ---------------------------------------------------------------------------------------------
// Two-key moves and LMPOP

void MoveGeneric(CommandContext& ctx, std::string_view src, std::string_view dst, ListEnd from,
                 ListEnd to) {
  const int fill = Fill(ctx);
  auto& rb = ctx.reply();
  const std::string_view keys[] = {src, dst};
  ctx.RunKeys(keys, [&](Db& db) {
    std::optional<std::string> moved;
    OpStatus st = OpListMove(db, src, dst, from, to, fill, &moved);
    if (st != OpStatus::kOk) return SendOpError(rb, st);
    if (!moved) return rb.SendNull();
    rb.SendBulk(*moved);
  });
}

void CmdLMove(ArgList args, CommandContext& ctx) {
  ListEnd from, to;
  if (!ParseListEnd(args[3], &from) || !ParseListEnd(args[4], &to)) {
    return ctx.reply().SendError(protocol::kSyntaxErr);
  }
  MoveGeneric(ctx, args[1], args[2], from, to);
}

void CmdRPopLPush(ArgList args, CommandContext& ctx) {
  MoveGeneric(ctx, args[1], args[2], ListEnd::kRight, ListEnd::kLeft);
}

std::vector<int> LMPopKeys(ArgList args) { return MultiPopKeyIndexes(args, 1); }

// Finds the first non-empty list among args.keys (Redis's order of type errors) and pops from
// it: on_key(index, n) before the n values, each passed to fn(string_view). Returns kOk with
// *key_index = -1 when every key is absent.
template <class OnKey, class Fn>
OpStatus MultiPop(Db& db, const MultiPopArgs& args, int* key_index, OnKey&& on_key, Fn&& fn) {
  *key_index = -1;
  for (size_t i = 0; i < args.keys.size(); ++i) {
    OpStatus st;
    Entry* e = FindOfType(db, args.keys[i], ObjType::kList, &st);
    if (st != OpStatus::kOk) return st;
    if (e == nullptr) continue;
    *key_index = static_cast<int>(i);
    const size_t n = static_cast<size_t>(std::min<uint64_t>(args.count, ListOf(e)->size()));
    on_key(i, n);
    PopFromEntry(db, e, args.end, n, fn);
    PropagatePop(db, args.keys[i], args.end, PopForm::kWithCount, n);
    return OpStatus::kOk;
  }
  return OpStatus::kOk;
}

void CmdLMPop(ArgList args, CommandContext& ctx) {
  MultiPopArgs parsed;
  std::string_view error;
  auto& rb = ctx.reply();
  if (!ParseMultiPopArgs(args, 1, &parsed, &error)) return rb.SendError(error);
  ctx.RunKeys(parsed.keys, [&](Db& db) {
    int key_index;
    OpStatus st = MultiPop(
        db, parsed, &key_index,
        [&](size_t i, size_t n) {
          rb.SendArrayLen(2);
          rb.SendBulk(parsed.keys[i]);
          rb.SendArrayLen(n);
        },
        [&](std::string_view v) { rb.SendBulk(v); });
    if (st != OpStatus::kOk) return SendOpError(rb, st);
    if (key_index < 0) rb.SendNullArray();
  });
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// list_ops.h

bool ParseListEnd(std::string_view s, ListEnd* out) {
  if (EqualsIgnoreCase(s, "left")) {
    *out = ListEnd::kLeft;
  } else if (EqualsIgnoreCase(s, "right")) {
    *out = ListEnd::kRight;
  } else {
    return false;
  }
  return true;
}

std::string_view ListEndName(ListEnd end) { return end == ListEnd::kLeft ? "LEFT" : "RIGHT"; }

OpStatus OpListPop(Db& db, std::string_view key, ListEnd end, uint64_t count, PopForm form,
                   std::vector<std::string>* out) {
  OpStatus st;
  Entry* e = FindOfType(db, key, ObjType::kList, &st);
  if (st != OpStatus::kOk || e == nullptr) return st;
  const size_t n =
      PopFromEntry(db, e, end, count, [&](std::string_view v) { out->emplace_back(v); });
  PropagatePop(db, key, end, form, n);
  return OpStatus::kOk;
}

OpStatus OpListMove(Db& db, std::string_view src, std::string_view dst, ListEnd from, ListEnd to,
                    int fill, std::optional<std::string>* moved) {
  moved->reset();
  OpStatus st;
  Entry* se = FindOfType(db, src, ObjType::kList, &st);
  if (st != OpStatus::kOk || se == nullptr) return st;
  Entry* de = FindOfType(db, dst, ObjType::kList, &st);
  if (st != OpStatus::kOk) return st;
  QuickList* sq = ListOf(se);
  const size_t src_before = CollectionMemory(se);
  std::string value = sq->Pop(from == ListEnd::kLeft);
  if (src == dst) {  // rotation: the list never becomes empty on the way
    sq->Push(value, to == ListEnd::kLeft);
  } else {
    if (de == nullptr) {
      de = NewCollection(db, dst, ObjType::kList, Encoding::kQuicklist, new QuickList(fill));
    }
    QuickList* dq = ListOf(de);
    dq->set_fill(fill);
    const size_t dst_before = CollectionMemory(de);
    dq->Push(value, to == ListEnd::kLeft);
    FinishWrite(db, de, dst_before);
  }
  FinishWrite(db, se, src_before);
  if (db.propagating()) {
    db.Propagate({"LMOVE", std::string(src), std::string(dst), std::string(ListEndName(from)),
                  std::string(ListEndName(to))});
  }
  *moved = std::move(value);
  return OpStatus::kOk;
}

bool ParseMultiPopArgs(ArgList args, size_t numkeys_index, MultiPopArgs* out,
                       std::string_view* error) {
  MultiKeyPopArgs tail;
  if (!ParseMultiKeyPop(args, numkeys_index,
                        [&](std::string_view w) { return ParseListEnd(w, &out->end); }, &tail,
                        error)) {
    return false;
  }
  out->keys = std::move(tail.keys);
  out->count = tail.count;
  return true;
}

std::vector<int> MultiPopKeyIndexes(ArgList args, size_t numkeys_index) {
  return MultiKeyPopKeyIndexes(args, numkeys_index);
}

OpStatus OpListMultiPop(Db& db, const MultiPopArgs& args, int* key_index,
                        std::vector<std::string>* out) {
  return MultiPop(
      db, args, key_index, [](size_t, size_t) {},
      [&](std::string_view v) { out->emplace_back(v); });
}

void SendMultiPopReply(protocol::ReplyBuilder& rb, std::string_view key,
                       const std::vector<std::string>& values) {
  rb.SendArrayLen(2);
  rb.SendBulk(key);
  rb.SendArrayLen(values.size());
  for (const auto& v : values) rb.SendBulk(v);
}

// ---------------------------------------------------------------------------------------------

void RegisterListFamily(CommandRegistry* r) {
  auto add = [&](std::string_view name, int arity, uint32_t flags, KeySpec keys,
                 std::string_view summary, std::string_view since, std::string_view complexity,
                 Handler h, KeyExtractor extractor = nullptr) {
    r->Add(CommandSpec{.name = name, .arity = arity, .flags = flags, .keys = keys,
                       .acl = kAclList, .group = "list", .summary = summary, .since = since,
                       .complexity = complexity, .handler = h, .key_extractor = extractor});
  };
  constexpr std::string_view kPushCost =
      "O(1) for each element added, so O(N) to add N elements when the command is called with "
      "multiple arguments.";
  add("lpush", -3, kWrite | kDenyOom | kFast, {1, 1, 1},
      "Prepends one or more elements to a list. Creates the key if it doesn't exist.", "1.0.0",
      kPushCost, CmdLPush);
  add("rpush", -3, kWrite | kDenyOom | kFast, {1, 1, 1},
      "Appends one or more elements to a list. Creates the key if it doesn't exist.", "1.0.0",
      kPushCost, CmdRPush);
  add("lpushx", -3, kWrite | kDenyOom | kFast, {1, 1, 1},
      "Prepends one or more elements to a list only when the list exists.", "2.2.0", kPushCost,
      CmdLPushX);
  add("rpushx", -3, kWrite | kDenyOom | kFast, {1, 1, 1},
      "Appends an element to a list only when the list exists.", "2.2.0", kPushCost, CmdRPushX);
  add("lpop", -2, kWrite | kFast, {1, 1, 1},
      "Returns the first elements in a list after removing it. Deletes the list if the last "
      "element was popped.", "1.0.0", "O(N) where N is the number of elements returned", CmdLPop);
  add("rpop", -2, kWrite | kFast, {1, 1, 1},
      "Returns and removes the last elements of the list. Deletes the list if the last element "
      "was popped.", "1.0.0", "O(N) where N is the number of elements returned", CmdRPop);
  add("llen", 2, kReadOnly | kFast, {1, 1, 1}, "Returns the length of a list.", "1.0.0", "O(1)",
      CmdLLen);
  add("lrange", 4, kReadOnly, {1, 1, 1}, "Returns a range of elements from a list.", "1.0.0",
      "O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest "
      "end (HEAD or TAIL) for large lists; and N is the number of elements in the specified "
      "range.", CmdLRange);
  add("lindex", 3, kReadOnly, {1, 1, 1}, "Returns an element from a list by its index.", "1.0.0",
      "O(N) where N is the number of elements to traverse to get to the element at index. This "
      "makes asking for the first or the last element of the list O(1).", CmdLIndex);
  add("lset", 4, kWrite | kDenyOom, {1, 1, 1},
      "Sets the value of an element in a list by its index.", "1.0.0",
      "O(N) where N is the length of the list. Setting either the first or the last element of "
      "the list is O(1).", CmdLSet);
  add("linsert", 5, kWrite | kDenyOom, {1, 1, 1},
      "Inserts an element before or after another element in a list.", "2.2.0",
      "O(N) where N is the number of elements to traverse before seeing the value pivot. This "
      "means that inserting somewhere on the left end on the list (head) can be considered O(1) "
      "and inserting somewhere on the right end (tail) is O(N).", CmdLInsert);
  add("lrem", 4, kWrite, {1, 1, 1},
      "Removes elements from a list. Deletes the list if the last element was removed.", "1.0.0",
      "O(N+M) where N is the length of the list and M is the number of elements removed.",
      CmdLRem);
  add("ltrim", 4, kWrite, {1, 1, 1},
      "Removes elements from both ends a list. Deletes the list if all elements were trimmed.",
      "1.0.0", "O(N) where N is the number of elements to be removed by the operation.", CmdLTrim);
  add("lpos", -3, kReadOnly, {1, 1, 1}, "Returns the index of matching elements in a list.",
      "6.0.6",
      "O(N) where N is the number of elements in the list, for the average case. When searching "
      "for elements near the head or the tail of the list, or when the MAXLEN option is "
      "provided, the command may run in constant time.", CmdLPos);
  add("lmove", 5, kWrite | kDenyOom, {1, 2, 1},
      "Returns an element after popping it from one list and pushing it to another. Deletes the "
      "list if the last element was moved.", "6.2.0", "O(1)", CmdLMove);
  add("rpoplpush", 3, kWrite | kDenyOom, {1, 2, 1},
      "Returns the last element of a list after removing and pushing it to another list. "
      "Deletes the list if the last element was popped.", "1.2.0", "O(1)", CmdRPopLPush);
  add("lmpop", -4, kWrite, {0, 0, 0},
      "Returns multiple elements from a list after removing them. Deletes the list if the last "
      "element was popped.", "7.0.0",
      "O(N+M) where N is the number of provided keys and M is the number of elements returned.",
      CmdLMPop, LMPopKeys);
}

}  // namespace cardinal::commands
