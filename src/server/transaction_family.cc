// MULTI / EXEC / DISCARD / WATCH / UNWATCH.
//
// Queued commands run atomically: EXEC locks every shard that any queued command's keys (and
// the WATCHed keys) map to — all shards when a queued command has kAllShards — runs them in
// order, and releases the locks once, so other clients see all of the transaction or none of it
// and its propagation records leave as one batch (wrapped in MULTI/EXEC by the sinks).
//
// WATCH registers a flag on each key in the owning shard's watch map; any write to the key sets
// it (storage::Db::TouchIn), as do FLUSHDB/FLUSHALL/SWAPDB. A watched key that expires between
// WATCH and EXEC also aborts, but one that was already expired when watched does not (Redis 7.0).
#include "commands/context.h"
#include "net/event_loop.h"
#include "protocol/errors.h"
#include "server/families.h"
#include "server/server.h"

namespace cardinal::server {

using commands::ArgList;
using commands::ClientState;
using commands::CommandContext;
using commands::CommandSpec;

void UnwatchAll(CommandContext& ctx) { commands::UnwatchAllKeys(ctx); }

namespace {

void DiscardTransaction(ClientState& st) {
  st.multi = commands::MultiState();
}

void CmdMulti(ArgList, CommandContext& ctx) {
  ClientState& st = ctx.client();
  if (st.multi.active) return ctx.reply().SendError(protocol::kMultiNestedErr);
  st.multi.active = true;
  ctx.reply().SendOk();
}

void CmdDiscard(ArgList, CommandContext& ctx) {
  ClientState& st = ctx.client();
  if (!st.multi.active) return ctx.reply().SendError(protocol::kDiscardWithoutMultiErr);
  DiscardTransaction(st);
  UnwatchAll(ctx);
  ctx.reply().SendOk();
}

void CmdWatch(ArgList args, CommandContext& ctx) {
  ClientState& st = ctx.client();
  if (st.multi.active) return ctx.reply().SendError(protocol::kWatchInMultiErr);
  if (!st.watch_flag) st.watch_flag = std::make_unique<storage::WatchFlag>();
  auto& ks = ctx.keyspace();
  for (size_t i = 1; i < args.size(); i++) {
    std::string key(args[i]);
    bool already = false;
    for (auto& w : st.watched) {
      if (w.db == st.db && w.key == key) already = true;
    }
    if (already) continue;
    bool expired = ctx.Run(key, [&](storage::Db& db) {
      storage::Entry* e = db.Peek(key);
      auto& map = ks.shard(storage::ShardOf(key)).watchers[st.db];
      map[key].push_back(st.watch_flag.get());
      return e != nullptr && e->has_expire() && e->expire_at() < db.now_ms();
    });
    st.watched.push_back({st.db, std::move(key), expired});
  }
  ctx.reply().SendOk();
}

void CmdUnwatch(ArgList, CommandContext& ctx) {
  UnwatchAll(ctx);
  ctx.reply().SendOk();
}

void CmdExec(ArgList, CommandContext& ctx) {
  ClientState& st = ctx.client();
  auto& rb = ctx.reply();
  if (!st.multi.active) return rb.SendError(protocol::kExecWithoutMultiErr);
  if (st.multi.aborted) {
    DiscardTransaction(st);
    UnwatchAll(ctx);
    return rb.SendError(protocol::kExecAbortErr);
  }
  commands::MultiState multi = std::move(st.multi);
  DiscardTransaction(st);

  // The shards to hold: every key of every queued command, plus the watched keys so no write
  // can slip in between the WATCH check and the first queued command.
  storage::ShardMask mask = 0;
  for (size_t i = 0; i < multi.queued.size() && mask != storage::Keyspace::kAllShards; i++) {
    const commands::Command* cmd = multi.queued_cmds[i];
    if (cmd->spec().flags & commands::kAllShards) {
      mask = storage::Keyspace::kAllShards;
      break;
    }
    std::vector<std::string_view> argv(multi.queued[i].begin(), multi.queued[i].end());
    for (int k : cmd->KeyIndexes(argv)) mask |= storage::ShardMask{1} << storage::ShardOf(argv[k]);
  }
  for (auto& w : st.watched) mask |= storage::ShardMask{1} << storage::ShardOf(w.key);
  ctx.HoldShards(mask);

  bool dirty = st.watch_flag && st.watch_flag->dirty.load();
  if (!dirty) {
    int64_t now = net::UnixTimeMs();
    for (auto& w : st.watched) {
      if (w.expired_when_watched) continue;
      storage::Db db(&ctx.keyspace(), w.db, now, nullptr);
      storage::Entry* e = db.Peek(w.key);
      if (e != nullptr && e->has_expire() && e->expire_at() < now) dirty = true;
    }
  }
  if (dirty) {
    ctx.ReleaseShards();
    UnwatchAll(ctx);
    return rb.SendNullArray();
  }

  rb.SendArrayLen(multi.queued.size());
  Server* server = ctx.server();
  const commands::Command* exec_cmd = ctx.command();
  int64_t clock_us = 0;
  // Blocking commands inside a transaction answer at once (as if timed out), as in Redis; the
  // clients waiting for keys this transaction fills are served after it (Dispatch).
  ctx.set_may_block(false);
  for (size_t i = 0; i < multi.queued.size(); i++) {
    std::vector<std::string_view> argv(multi.queued[i].begin(), multi.queued[i].end());
    server->Execute(multi.queued_cmds[i], argv, ctx, &clock_us);
  }
  ctx.set_may_block(true);
  ctx.set_command(exec_cmd);
  ctx.ReleaseShards();
  UnwatchAll(ctx);
}

}  // namespace

void RegisterTransactionFamily(commands::CommandRegistry* r) {
  using namespace commands;  // NOLINT: flag names
  auto add = [&](std::string_view name, int arity, uint32_t flags, KeySpec keys,
                 std::string_view summary, std::string_view since, std::string_view complexity,
                 Handler h) {
    r->Add(CommandSpec{.name = name, .arity = arity, .flags = flags | kTransactionControl,
                       .keys = keys, .acl = kAclTransaction, .group = "transactions",
                       .summary = summary, .since = since, .complexity = complexity,
                       .handler = h});
  };
  add("multi", 1, kNoScript | kLoading | kStale | kFast | kAllowBusy, {},
      "Starts a transaction.", "1.2.0", "O(1)", CmdMulti);
  add("exec", 1, kNoScript | kLoading | kStale | kSkipSlowlog, {},
      "Executes all commands in a transaction.", "1.2.0",
      "Depends on commands in the transaction", CmdExec);
  add("discard", 1, kNoScript | kLoading | kStale | kFast | kAllowBusy, {},
      "Discards a transaction.", "2.0.0",
      "O(N), when N is the number of queued commands", CmdDiscard);
  add("watch", -2, kNoScript | kLoading | kStale | kFast | kAllowBusy, {1, -1, 1},
      "Monitors changes to keys to determine the execution of a transaction.", "2.2.0",
      "O(1) for every key.", CmdWatch);
  // UNWATCH is queued inside MULTI like ordinary commands: Redis runs only EXEC, DISCARD,
  // MULTI, WATCH, QUIT and RESET at once.
  r->Add(CommandSpec{.name = "unwatch", .arity = 1,
                     .flags = kNoScript | kLoading | kStale | kFast | kAllowBusy,
                     .acl = kAclTransaction, .group = "transactions",
                     .summary = "Forgets about watched keys of a transaction.", .since = "2.2.0",
                     .complexity = "O(1)", .handler = CmdUnwatch});
}

}  // namespace cardinal::server
