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

void UnwatchAllKeys(storage::Keyspace& ks, ClientState& st) {
  if (st.watched.empty()) return;
  for (auto& w : st.watched) {
    storage::Shard& s = ks.shard(storage::ShardOf(w.key));
    std::lock_guard lk(s.mu);
    auto& map = s.watchers[w.db];
    auto it = map.find(w.key);
    if (it == map.end()) continue;
    std::erase(it->second, st.watch_flag.get());
    if (it->second.empty()) map.erase(it);
  }
  st.watched.clear();
  st.watch_flag->dirty.store(false);
}

void ReplyWrongArity(CommandContext& ctx, std::string_view full_name) {
  std::string msg = "ERR wrong number of arguments for '";
  msg.append(full_name).append("' command");
  ctx.reply().SendError(msg);
}

}  // namespace cardinal::commands
