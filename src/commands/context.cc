#include "commands/context.h"

namespace cardinal::commands {

CommandConfig& CommandConfig::Defaults() {
  static CommandConfig defaults;
  return defaults;
}

void CommandContext::HoldShards(storage::ShardMask mask) {
  storage::ShardMask taken = mask & ~held_;
  ks_->Lock(taken);
  held_ |= taken;
}

void CommandContext::ReleaseShards() {
  FlushPropagation();
  ks_->Unlock(held_);
  held_ = 0;
}

void CommandContext::FlushPropagation() {
  if (propagation_.empty()) return;
  ks_->propagator().Emit(propagation_);
  propagation_.clear();
}

namespace {
// Removes the registrations. REQUIRES: the shards of all watched keys are locked by the caller.
void RemoveWatchRegistrations(storage::Keyspace& ks, ClientState& st) {
  for (auto& w : st.watched) {
    auto& map = ks.shard(storage::ShardOf(w.key)).watchers[w.db];
    auto it = map.find(w.key);
    if (it == map.end()) continue;
    std::erase(it->second, st.watch_flag.get());
    if (it->second.empty()) map.erase(it);
  }
  st.watched.clear();
  st.watch_flag->dirty.store(false);
}

storage::ShardMask WatchedShards(const ClientState& st) {
  storage::ShardMask mask = 0;
  for (auto& w : st.watched) mask |= storage::ShardMask{1} << storage::ShardOf(w.key);
  return mask;
}
}  // namespace

void UnwatchAllKeys(storage::Keyspace& ks, ClientState& st) {
  if (st.watched.empty()) return;
  storage::ShardMask mask = WatchedShards(st);
  ks.Lock(mask);
  RemoveWatchRegistrations(ks, st);
  ks.Unlock(mask);
}

void UnwatchAllKeys(CommandContext& ctx) {
  ClientState& st = ctx.client();
  if (st.watched.empty()) return;
  // Through the context, so an UNWATCH queued in MULTI reuses the shards EXEC already holds.
  ctx.RunOn(WatchedShards(st), [&](storage::Db&) { RemoveWatchRegistrations(ctx.keyspace(), st); });
}

void SendHelp(CommandContext& ctx, std::string_view command,
              std::initializer_list<std::string_view> lines) {
  auto& rb = ctx.reply();
  rb.SendArrayLen(lines.size() + 3);
  std::string header(command);
  header += " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:";
  rb.SendSimple(header);
  for (auto l : lines) rb.SendSimple(l);
  rb.SendSimple("HELP");
  rb.SendSimple("    Prints this help.");
}

void ReplyWrongArity(CommandContext& ctx, std::string_view full_name) {
  std::string msg = "ERR wrong number of arguments for '";
  msg.append(full_name).append("' command");
  ctx.reply().SendError(msg);
}

}  // namespace cardinal::commands
