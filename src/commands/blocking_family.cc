// Blocking pops: BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP, BZPOPMIN, BZPOPMAX, BZMPOP.
//
// Each handler first tries the non-blocking operation (list_ops.h / zset_ops.h) on its keys in
// one locked section; when every key is empty it registers the client there (BlockClient), so
// no push can slip in between. Served later, the same operation runs on the key that got data
// and propagates as the non-blocking command (LPOP, LMOVE, ZPOPMIN ...). Inside MULTI (and
// later scripts) nothing blocks: the command answers as if its timeout expired.
#include <optional>

#include "commands/blocking.h"
#include "commands/collection_util.h"
#include "commands/families.h"
#include "commands/list_ops.h"
#include "commands/zset_ops.h"

namespace cardinal::commands {

using storage::Db;
using storage::ObjType;

namespace {

std::vector<std::string> ToStrings(std::span<const std::string_view> keys) {
  return std::vector<std::string>(keys.begin(), keys.end());
}

// ---------------------------------------------------------------------------------------------
// Lists

void SendKeyValue(protocol::ReplyBuilder& rb, std::string_view key, std::string_view value) {
  rb.SendArrayLen(2);
  rb.SendBulk(key);
  rb.SendBulk(value);
}

// BLPOP / BRPOP key [key ...] timeout
void BlockingListPop(ArgList args, CommandContext& ctx, ListEnd end) {
  int64_t deadline;
  if (!ParseBlockTimeout(ctx, args.back(), &deadline)) return;
  std::span<const std::string_view> keys = args.subspan(1, args.size() - 2);
  auto& rb = ctx.reply();
  ctx.RunKeys(keys, [&](Db& db) {
    for (std::string_view key : keys) {
      std::vector<std::string> out;
      OpStatus st = OpListPop(db, key, end, 1, PopForm::kSingle, &out);
      if (st != OpStatus::kOk) return SendOpError(rb, st);
      if (!out.empty()) return SendKeyValue(rb, key, out[0]);
    }
    if (!ctx.may_block()) return rb.SendNullArray();
    BlockRequest req{.keys = ToStrings(keys), .type = ObjType::kList, .deadline_ms = deadline};
    req.serve = [end](Db& d, std::string_view key, protocol::ReplyBuilder& out_rb) {
      std::vector<std::string> out;
      OpListPop(d, key, end, 1, PopForm::kSingle, &out);
      SendKeyValue(out_rb, key, out.empty() ? std::string_view() : out[0]);
    };
    BlockClient(ctx, db, std::move(req));
  });
}

void CmdBlpop(ArgList args, CommandContext& ctx) { BlockingListPop(args, ctx, ListEnd::kLeft); }
void CmdBrpop(ArgList args, CommandContext& ctx) { BlockingListPop(args, ctx, ListEnd::kRight); }

void BlockingListMove(ArgList args, CommandContext& ctx, ListEnd from, ListEnd to,
                      std::string_view timeout) {
  int64_t deadline;
  if (!ParseBlockTimeout(ctx, timeout, &deadline)) return;
  std::string_view src = args[1], dst = args[2];
  const int fill = static_cast<int>(ctx.config().list_max_listpack_size.load());
  auto& rb = ctx.reply();
  std::string_view keys[2] = {src, dst};
  ctx.RunKeys(keys, [&](Db& db) {
    std::optional<std::string> moved;
    OpStatus st = OpListMove(db, src, dst, from, to, fill, &moved);
    if (st != OpStatus::kOk) return SendOpError(rb, st);
    if (moved) return rb.SendBulk(*moved);
    if (!ctx.may_block()) return rb.SendNull();
    BlockRequest req{.keys = {std::string(src)}, .type = ObjType::kList,
                     .extra_lock_key = std::string(dst), .deadline_ms = deadline};
    req.serve = [dst = std::string(dst), from, to, fill](Db& d, std::string_view key,
                                                         protocol::ReplyBuilder& out_rb) {
      std::optional<std::string> m;
      OpStatus s = OpListMove(d, key, dst, from, to, fill, &m);
      if (s != OpStatus::kOk) return SendOpError(out_rb, s);  // dst became another type
      out_rb.SendBulk(m ? std::string_view(*m) : std::string_view());
    };
    BlockClient(ctx, db, std::move(req));
  });
}

// BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout
void CmdBlmove(ArgList args, CommandContext& ctx) {
  ListEnd from, to;
  if (!ParseListEnd(args[3], &from) || !ParseListEnd(args[4], &to)) {
    return ctx.reply().SendError(protocol::kSyntaxErr);
  }
  BlockingListMove(args, ctx, from, to, args[5]);
}

// BRPOPLPUSH source destination timeout
void CmdBrpoplpush(ArgList args, CommandContext& ctx) {
  BlockingListMove(args, ctx, ListEnd::kRight, ListEnd::kLeft, args[3]);
}

// BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]
void CmdBlmpop(ArgList args, CommandContext& ctx) {
  int64_t deadline;
  if (!ParseBlockTimeout(ctx, args[1], &deadline)) return;
  MultiPopArgs mp;
  std::string_view error;
  auto& rb = ctx.reply();
  if (!ParseMultiPopArgs(args, 2, &mp, &error)) return rb.SendError(error);
  ctx.RunKeys(mp.keys, [&](Db& db) {
    int key_index = -1;
    std::vector<std::string> out;
    OpStatus st = OpListMultiPop(db, mp, &key_index, &out);
    if (st != OpStatus::kOk) return SendOpError(rb, st);
    if (key_index >= 0) return SendMultiPopReply(rb, mp.keys[key_index], out);
    if (!ctx.may_block()) return rb.SendNullArray();
    BlockRequest req{.keys = ToStrings(mp.keys), .type = ObjType::kList, .deadline_ms = deadline};
    req.serve = [end = mp.end, count = mp.count](Db& d, std::string_view key,
                                                 protocol::ReplyBuilder& out_rb) {
      std::vector<std::string> values;
      OpListPop(d, key, end, count, PopForm::kWithCount, &values);
      SendMultiPopReply(out_rb, key, values);
    };
    BlockClient(ctx, db, std::move(req));
  });
}

std::vector<int> BlmpopKeys(ArgList args) { return MultiPopKeyIndexes(args, 2); }

// ---------------------------------------------------------------------------------------------
// Sorted sets

// BZPOPMIN/BZPOPMAX: [key, member, score] (the score a double in RESP3).
void SendBlockingZPopReply(protocol::ReplyBuilder& rb, std::string_view key, const ZElement& e) {
  rb.SendArrayLen(3);
  rb.SendBulk(key);
  rb.SendBulk(e.first);
  rb.SendDouble(e.second);
}

// BZPOPMIN / BZPOPMAX key [key ...] timeout
void BlockingZPop(ArgList args, CommandContext& ctx, ZEnd end) {
  int64_t deadline;
  if (!ParseBlockTimeout(ctx, args.back(), &deadline)) return;
  std::span<const std::string_view> keys = args.subspan(1, args.size() - 2);
  auto& rb = ctx.reply();
  ctx.RunKeys(keys, [&](Db& db) {
    for (std::string_view key : keys) {
      std::vector<ZElement> out;
      OpStatus st = OpZSetPop(db, key, end, 1, &out);
      if (st != OpStatus::kOk) return SendOpError(rb, st);
      if (!out.empty()) return SendBlockingZPopReply(rb, key, out[0]);
    }
    if (!ctx.may_block()) return rb.SendNullArray();
    BlockRequest req{.keys = ToStrings(keys), .type = ObjType::kZSet, .deadline_ms = deadline};
    req.serve = [end](Db& d, std::string_view key, protocol::ReplyBuilder& out_rb) {
      std::vector<ZElement> out;
      OpZSetPop(d, key, end, 1, &out);
      if (out.empty()) return out_rb.SendNullArray();
      SendBlockingZPopReply(out_rb, key, out[0]);
    };
    BlockClient(ctx, db, std::move(req));
  });
}

void CmdBzpopmin(ArgList args, CommandContext& ctx) { BlockingZPop(args, ctx, ZEnd::kMin); }
void CmdBzpopmax(ArgList args, CommandContext& ctx) { BlockingZPop(args, ctx, ZEnd::kMax); }

// BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]
void CmdBzmpop(ArgList args, CommandContext& ctx) {
  int64_t deadline;
  if (!ParseBlockTimeout(ctx, args[1], &deadline)) return;
  ZMPopArgs mp;
  std::string_view error;
  auto& rb = ctx.reply();
  if (!ParseZMPopArgs(args, 2, &mp, &error)) return rb.SendError(error);
  ctx.RunKeys(mp.keys, [&](Db& db) {
    int key_index = -1;
    std::vector<ZElement> out;
    OpStatus st = OpZSetMultiPop(db, mp, &key_index, &out);
    if (st != OpStatus::kOk) return SendOpError(rb, st);
    if (key_index >= 0) return SendZMPopReply(rb, mp.keys[key_index], out);
    if (!ctx.may_block()) return rb.SendNullArray();
    BlockRequest req{.keys = ToStrings(mp.keys), .type = ObjType::kZSet, .deadline_ms = deadline};
    req.serve = [end = mp.end, count = mp.count](Db& d, std::string_view key,
                                                 protocol::ReplyBuilder& out_rb) {
      std::vector<ZElement> values;
      OpZSetPop(d, key, end, count, &values);
      SendZMPopReply(out_rb, key, values);
    };
    BlockClient(ctx, db, std::move(req));
  });
}

std::vector<int> BzmpopKeys(ArgList args) { return ZMPopKeyIndexes(args, 2); }

}  // namespace

void RegisterBlockingFamily(CommandRegistry* r) {
  auto add = [&](std::string_view name, int arity, uint32_t flags, KeySpec keys, uint64_t acl,
                 std::string_view group, std::string_view summary, std::string_view since,
                 std::string_view complexity, Handler h, KeyExtractor extractor = nullptr) {
    r->Add(CommandSpec{.name = name, .arity = arity, .flags = flags | kWrite | kBlocking,
                       .keys = keys, .acl = acl | kAclWrite | kAclBlocking, .group = group,
                       .summary = summary, .since = since, .complexity = complexity,
                       .handler = h, .key_extractor = extractor});
  };
  const uint64_t list = kAclList | kAclSlow;
  const uint64_t zset = kAclSortedSet;
  add("blpop", -3, kNoScript, {1, -2, 1}, list, "list",
      "Removes and returns the first element in a list. Blocks until an element is available "
      "otherwise. Deletes the list if the last element was popped.",
      "2.0.0", "O(N) where N is the number of provided keys.", CmdBlpop);
  add("brpop", -3, kNoScript, {1, -2, 1}, list, "list",
      "Removes and returns the last element in a list. Blocks until an element is available "
      "otherwise. Deletes the list if the last element was popped.",
      "2.0.0", "O(N) where N is the number of provided keys.", CmdBrpop);
  add("blmove", 6, kNoScript | kDenyOom, {1, 2, 1}, list, "list",
      "Pops an element from a list, pushes it to another list and returns it. Blocks until an "
      "element is available otherwise. Deletes the list if the last element was moved.",
      "6.2.0", "O(1)", CmdBlmove);
  add("brpoplpush", 4, kNoScript | kDenyOom, {1, 2, 1}, list, "list",
      "Pops an element from a list, pushes it to another list and returns it. Block until an "
      "element is available otherwise. Deletes the list if the last element was popped.",
      "2.2.0", "O(1)", CmdBrpoplpush);
  add("blmpop", -5, 0, {0, 0, 0}, list, "list",
      "Pops the first element from one of multiple lists. Blocks until an element is available "
      "otherwise. Deletes the list if the last element was popped.",
      "7.0.0", "O(N+M) where N is the number of provided keys and M is the number of elements "
      "returned.", CmdBlmpop, BlmpopKeys);
  add("bzpopmin", -3, kNoScript | kFast, {1, -2, 1}, zset | kAclFast, "sorted-set",
      "Removes and returns the member with the lowest score from one or more sorted sets. "
      "Blocks until a member is available otherwise. Deletes the sorted set if the last element "
      "was popped.",
      "5.0.0", "O(log(N)) with N being the number of elements in the sorted set.", CmdBzpopmin);
  add("bzpopmax", -3, kNoScript | kFast, {1, -2, 1}, zset | kAclFast, "sorted-set",
      "Removes and returns the member with the highest score from one or more sorted sets. "
      "Blocks until a member available otherwise.  Deletes the sorted set if the last element "
      "was popped.",
      "5.0.0", "O(log(N)) with N being the number of elements in the sorted set.", CmdBzpopmax);
  add("bzmpop", -5, 0, {0, 0, 0}, zset | kAclSlow, "sorted-set",
      "Removes and returns a member by score from one or more sorted sets. Blocks until a "
      "member is available otherwise. Deletes the sorted set if the last element was popped.",
      "7.0.0", "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number "
      "of elements in the sorted set, and M being the number of elements popped.",
      CmdBzmpop, BzmpopKeys);
}

}  // namespace cardinal::commands
