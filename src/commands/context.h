// CommandContext: what a command handler sees, and the scheduling seam.
//
// Handlers parse their arguments, then run shard-local operations through Run*/RunKeys/RunAll,
// then reply. Run locks the shards that own the keys (unless this context already holds them, as
// inside EXEC), gives the operation a storage::Db view, hands the propagation records to the
// Propagator while the locks are still held, and unlocks. Whether the executor locks shards (now)
// or hops to an owner thread (possible later) is invisible to command code.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command.h"
#include "protocol/reply_builder.h"
#include "storage/keyspace.h"

namespace cardinal::server {
class Server;
struct ClientInfo;
}

namespace cardinal::commands {

// Transaction state of a client (MULTI/EXEC/WATCH).
struct MultiState {
  bool active = false;
  bool aborted = false;  // a command failed to queue: EXEC answers EXECABORT
  std::vector<std::vector<std::string>> queued;
  std::vector<const Command*> queued_cmds;
};

struct WatchedKey {
  int db;
  std::string key;
  bool expired_when_watched;
};

// The per-connection state commands read and change. Owned by the connection's thread.
struct ClientState {
  uint64_t id = 0;
  server::ClientInfo* info = nullptr;  // the shared, cross-thread view (CLIENT LIST)
  int db = 0;
  bool resp3 = false;
  bool authenticated = false;
  bool close_after_reply = false;
  enum class ReplyMode { kOn, kOff } reply_mode = ReplyMode::kOn;
  bool skip_next_reply = false;         // CLIENT REPLY SKIP
  bool suppress_current_reply = false;  // set by CLIENT REPLY OFF|SKIP for their own reply
  MultiState multi;
  std::unique_ptr<storage::WatchFlag> watch_flag;  // allocated on first WATCH
  std::vector<WatchedKey> watched;
  // Set by a blocking command that found nothing to pop: the connection stops reading commands
  // until the client is served, times out (at `block_deadline_ms`, 0 = never) or is unblocked.
  std::shared_ptr<storage::BlockedClient> blocked;
  int64_t block_deadline_ms = 0;
};

// Parameters command code reads (registered in the config registry by the server).
struct CommandConfig {
  std::atomic<int64_t> proto_max_bulk_len{512LL * 1024 * 1024};
  // Index into MaxmemoryPolicyNames() (server_config.cc), Redis's order: 0 volatile-lru,
  // 1 volatile-lfu, 2 volatile-random, 3 volatile-ttl, 4 allkeys-lru, 5 allkeys-lfu,
  // 6 allkeys-random, 7 noeviction.
  std::atomic<int64_t> maxmemory_policy{7};
  bool lfu_policy() const {
    int64_t p = maxmemory_policy.load(std::memory_order_relaxed);
    return p == 1 || p == 5;
  }
  std::atomic<int64_t> lazyfree_lazy_user_del{0};
  std::atomic<int64_t> lazyfree_lazy_user_flush{0};
  // Compact-encoding thresholds, under Redis's names (and the old *-ziplist-* aliases). A
  // collection converts to the full structure past them and never converts back, as in Redis.
  std::atomic<int64_t> list_max_listpack_size{-2};  // > 0: elements per node; -1..-5: 4..64 KiB
  std::atomic<int64_t> list_compress_depth{0};      // accepted; nodes are not compressed
  std::atomic<int64_t> hash_max_listpack_entries{512};
  std::atomic<int64_t> hash_max_listpack_value{64};
  std::atomic<int64_t> set_max_intset_entries{512};
  std::atomic<int64_t> zset_max_listpack_entries{128};
  std::atomic<int64_t> zset_max_listpack_value{64};
  static CommandConfig& Defaults();
};

class CommandContext {
 public:
  CommandContext(server::Server* server, storage::Keyspace* keyspace, ClientState* client,
                 protocol::ReplyBuilder* reply, const CommandConfig* config = nullptr)
      : server_(server), ks_(keyspace), client_(client), reply_(reply),
        config_(config ? config : &CommandConfig::Defaults()) {}

  const CommandConfig& config() const { return *config_; }

  protocol::ReplyBuilder& reply() { return *reply_; }
  ClientState& client() { return *client_; }
  server::Server* server() { return server_; }
  storage::Keyspace& keyspace() { return *ks_; }
  int db_index() const { return client_->db; }
  // The command's clock (ms since the epoch), fixed for its whole run, as in Redis.
  int64_t now_ms() const { return now_ms_; }
  void set_now_ms(int64_t now) { now_ms_ = now; }
  const Command* command() const { return command_; }
  // The executing worker's per-command counters (indexed by Command::id()), or null.
  CommandStatsCell* stats_cells() const { return stats_cells_; }
  void set_stats_cells(CommandStatsCell* cells) { stats_cells_ = cells; }
  void set_command(const Command* c) { command_ = c; }

  // Runs `op(storage::Db&)` with the shards of the given keys locked; returns what op returns.
  template <class Op>
  auto Run(std::string_view key, Op&& op) {
    return RunOn(storage::ShardMask{1} << storage::ShardOf(key), std::forward<Op>(op));
  }
  template <class Op>
  auto RunKeys(std::span<const std::string_view> keys, Op&& op) {
    storage::ShardMask mask = 0;
    for (auto k : keys) mask |= storage::ShardMask{1} << storage::ShardOf(k);
    return RunOn(mask, std::forward<Op>(op));
  }
  template <class Op>
  auto RunAll(Op&& op) {
    return RunOn(storage::Keyspace::kAllShards, std::forward<Op>(op));
  }
  template <class Op>
  auto RunOn(storage::ShardMask mask, Op&& op) {
    LockGuard guard(this, mask);
    storage::Db db(ks_, client_->db, now_ms_, &propagation_, &ready_keys_);
    return op(db);
  }

  // Keys that got data while clients were blocked on them (see storage/blocking.h); the server
  // serves their waiters after the command, or after EXEC.
  std::vector<storage::ReadyKey>& ready_keys() { return ready_keys_; }
  // False inside MULTI/EXEC (and later scripts): blocking commands then answer at once as if
  // their timeout had expired, as in Redis.
  bool may_block() const { return may_block_; }
  void set_may_block(bool v) { may_block_ = v; }
  // Where a blocked client's reply must be delivered (set by the server; see blocking.h).
  using DeliverFactory = std::function<std::function<void(std::string)>(uint64_t client_id)>;
  void set_deliver_factory(const DeliverFactory* f) { deliver_factory_ = f; }
  const DeliverFactory* deliver_factory() const { return deliver_factory_; }

  // EXEC: hold `mask` across several commands; the records of all of them leave as one batch.
  void HoldShards(storage::ShardMask mask);
  void ReleaseShards();
  storage::ShardMask held() const { return held_; }

  // Propagates a record from outside a Db (e.g. a command's rewritten form). REQUIRES: called
  // inside Run so the record leaves with the locks held; see propagation.h.
  bool propagating() const { return ks_->propagator().active(); }

 private:
  struct LockGuard {
    LockGuard(CommandContext* c, storage::ShardMask mask) : ctx(c), taken(mask & ~c->held_) {
      if (taken) {
        ctx->ks_->Lock(taken);
        ctx->held_ |= taken;
      }
    }
    ~LockGuard() {
      if (taken) {
        ctx->FlushPropagation();
        ctx->ks_->Unlock(taken);
        ctx->held_ &= ~taken;
      }
    }
    CommandContext* ctx;
    storage::ShardMask taken;
  };
  void FlushPropagation();

  server::Server* server_;
  storage::Keyspace* ks_;
  ClientState* client_;
  protocol::ReplyBuilder* reply_;
  const CommandConfig* config_;
  const Command* command_ = nullptr;
  CommandStatsCell* stats_cells_ = nullptr;
  int64_t now_ms_ = 0;
  storage::ShardMask held_ = 0;
  std::vector<storage::PropagatedCommand> propagation_;
  std::vector<storage::ReadyKey> ready_keys_;
  bool may_block_ = true;
  const DeliverFactory* deliver_factory_ = nullptr;
};

// Removes all of the client's WATCH registrations from the shards' watch maps and clears its
// watch state (UNWATCH, EXEC, DISCARD, RESET, disconnect). This form locks the shards itself;
// REQUIRES: the caller holds no shard locks (a disconnecting connection).
void UnwatchAllKeys(storage::Keyspace& ks, ClientState& st);
// The same inside a command, through the context's locks (works inside EXEC).
void UnwatchAllKeys(CommandContext& ctx);

// Small helpers shared by the families.
void ReplyWrongArity(CommandContext& ctx, std::string_view full_name);
// The reply to `<CMD> HELP`: Redis's header line, the given lines, and the HELP entry, as an
// array of status strings.
void SendHelp(CommandContext& ctx, std::string_view command,
              std::initializer_list<std::string_view> lines);

}  // namespace cardinal::commands
