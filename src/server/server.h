// Server: wiring of listeners, worker threads, the keyspace, the command registry and config.
//
// Threads (docs/ARCHITECTURE.md): N workers (--threads, default = cores), each an EventLoop
// that accepts from the shared listening sockets (EPOLLEXCLUSIVE wakes one worker per
// connection) and then owns the connection for life. Commands run on the connection's worker and
// reach the keyspace through CommandContext (shard locks). One lazy-free thread frees large
// values. Worker 0 runs on the main thread and also handles signals and shutdown.
#pragma once

#include <signal.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "commands/command.h"
#include "config/config_registry.h"
#include "server/connection.h"
#include "server/persistence.h"
#include "server/server_config.h"
#include "server/slowlog.h"
#include "storage/keyspace.h"

namespace cardinal::server {

class Listener;

// Blocks SIGTERM/SIGINT (handled later through a signalfd) and ignores SIGPIPE. Must run in
// main() before any thread is created, so that every thread inherits the mask.
void BlockShutdownSignals();
sigset_t ShutdownSignals();

class Worker {
 public:
  Worker(Server* server, int index);
  // Closes the remaining connections while every member they call back into is still alive.
  ~Worker();
  int index() const { return index_; }
  net::EventLoop& loop() { return loop_; }
  void AddConnection(std::unique_ptr<Connection> c);
  // Defers freeing until the current event batch is done (handlers may still be referenced).
  void Retire(Connection* c);
  void Cron();
  // Active expiry for the shards this worker is responsible for.
  void ActiveExpireCycle();
  // This worker's per-command counters (indexed by Command::id()); written only by this thread.
  commands::CommandStatsCell* cmd_stats() { return cmd_stats_.get(); }
  // A connection of this worker by client id (null if gone). Thread: this worker only.
  Connection* FindClient(uint64_t id) const {
    auto it = by_id_.find(id);
    return it == by_id_.end() ? nullptr : it->second;
  }
  // How a blocked client's reply reaches its connection on this worker (blocking.h).
  const commands::CommandContext::DeliverFactory& deliver_factory() const { return deliver_; }
  // Connections whose replies wait for the write-ahead log (docs/PERSISTENCE.md). Before the
  // loop sleeps the worker writes the log out and releases those it covers; the log's sync
  // thread wakes the loop (ReleaseWalWaiters) when an fsync covers more.
  void WaitForWal(Connection* c);
  void ReleaseWalWaiters();

 private:
  void BeforeSleep();
  void FreeRetired();
  Server* server_;
  int index_;
  net::EventLoop loop_;
  std::unordered_map<Connection*, std::unique_ptr<Connection>> conns_;
  std::unordered_map<uint64_t, Connection*> by_id_;
  commands::CommandContext::DeliverFactory deliver_;
  std::vector<Connection*> retired_;
  std::vector<uint64_t> wal_waiters_;  // client ids
  uint64_t rng_;
  std::unique_ptr<commands::CommandStatsCell[]> cmd_stats_;
};

// Server-wide counters for INFO stats.
struct ServerStats {
  std::atomic<uint64_t> total_connections_received{0};
  std::atomic<uint64_t> rejected_connections{0};
  std::atomic<uint64_t> net_input_bytes{0};
  std::atomic<uint64_t> net_output_bytes{0};
  std::atomic<uint64_t> total_error_replies{0};
  std::atomic<int64_t> connected_clients{0};
  std::atomic<uint64_t> client_query_buffer_limit_disconnections{0};
  std::atomic<uint64_t> client_output_buffer_limit_disconnections{0};
  std::atomic<int64_t> blocked_clients{0};
};

class Server {
 public:
  Server();
  ~Server();

  // Applies defaults < file < environment < flags; returns a message on a bad configuration.
  Status Configure(const std::vector<std::string>& argv, char** envp);
  // Binds, starts workers, serves until shutdown. Returns the process exit code.
  int Run();
  // Thread-safe: asks the server to stop (SHUTDOWN, SIGTERM). `save_mode`: -1 NOSAVE, 0 as
  // configured (save when save rules exist), 1 SAVE.
  void RequestShutdown(int save_mode = 0);
  Persistence& persistence() { return *persistence_; }
  // The log's sync thread calls this when more of the log became durable: every worker
  // releases the replies that waited for it.
  void OnWalProgress();

  ServerConfig& config() { return config_; }
  config::ConfigRegistry& config_registry() { return registry_; }
  commands::CommandRegistry& commands() { return commands_; }
  storage::Keyspace& keyspace() { return *keyspace_; }
  storage::LazyFreer& lazy_freer() { return *lazy_freer_; }
  ServerStats& stats() { return stats_; }
  const std::string& run_id() const { return run_id_; }
  const std::string& config_file() const { return config_file_; }
  int64_t start_time_ms() const { return start_time_ms_; }
  int num_workers() const { return static_cast<int>(workers_.size()); }
  std::vector<int> listening_ports() const;

  // The one place every command goes through: lookup, arity/auth/MULTI checks, execution, stats.
  void Dispatch(Connection* conn, commands::ArgList args);
  // Runs one command with all checks done (EXEC reuses it for queued commands). `clock_us` is
  // the time the command starts (0: read the clock); on return it holds the time it ended, so a
  // pipelined batch reads the clock once per command rather than three times.
  void Execute(const commands::Command* cmd, commands::ArgList args, commands::CommandContext& ctx,
               int64_t* clock_us);
  // INFO commandstats / total_commands_processed: sums over the workers' cells.
  struct CommandTotals {
    uint64_t calls = 0, usec = 0, rejected_calls = 0, failed_calls = 0;
  };
  CommandTotals CommandStats(const commands::Command& c);
  uint64_t TotalCommandsProcessed();

  // Client registry (CLIENT LIST/KILL/ID, INFO clients, maxclients).
  uint64_t NextClientId() { return next_client_id_.fetch_add(1) ; }
  void RegisterClient(Connection* c);
  void UnregisterClient(Connection* c);
  std::mutex& clients_mu() { return clients_mu_; }
  // Snapshot of all clients' infos (taken under clients_mu_).
  std::vector<std::shared_ptr<ClientInfo>> ClientInfos();
  // Asks the owning worker to close the client; returns false if unknown.
  bool KillClient(uint64_t id);
  // CLIENT UNBLOCK: ends a blocked command with its timeout reply, or with an -UNBLOCKED error.
  // Returns false if the client is unknown or not blocked.
  bool UnblockClient(uint64_t id, bool with_error);

  // Error statistics (INFO errorstats): counts per error prefix.
  void CountError(std::string_view error_text);
  std::map<std::string, uint64_t> ErrorStats();
  void ResetStats();

  int64_t lastsave_unix() const { return persistence_->lastsave_unix(); }
  SlowLog& slowlog() { return slowlog_; }
  // INFO instantaneous_ops_per_sec: commands per second over the last sampling window
  // (worker 0's cron samples about once a second).
  void SampleOps(int64_t now_ms);
  int64_t instantaneous_ops_per_sec() const { return inst_ops_.load(std::memory_order_relaxed); }

 private:
  friend class Worker;
  void RecordSlowCommand(commands::ArgList args, int64_t end_us, int64_t duration_us,
                         const ClientInfo* info);
  Status Bind();
  void OpenPropagationLog();
  // The loader thread's body: loads the data, then lets commands in (or stops the server).
  void LoadData();

  ServerConfig config_;
  config::ConfigRegistry registry_;
  commands::CommandRegistry commands_;
  std::unique_ptr<storage::LazyFreer> lazy_freer_;
  std::unique_ptr<storage::Keyspace> keyspace_;
  std::unique_ptr<Persistence> persistence_;
  // Commands the dispatcher treats specially, looked up once (no name compares per command).
  const commands::Command* ping_cmd_ = nullptr;
  const commands::Command* exec_cmd_ = nullptr;
  std::thread loader_;
  std::atomic<int> shutdown_save_mode_{0};
  std::atomic<int> exit_code_{0};
  ServerStats stats_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::thread> threads_;
  std::vector<std::unique_ptr<Listener>> listeners_;
  std::atomic<uint64_t> next_client_id_{1};
  std::mutex clients_mu_;
  std::unordered_map<uint64_t, Connection*> clients_;  // GUARDED_BY(clients_mu_)
  std::mutex errors_mu_;
  std::map<std::string, uint64_t> error_stats_;  // GUARDED_BY(errors_mu_)
  std::string run_id_;
  std::string config_file_;
  int64_t start_time_ms_ = 0;
  std::atomic<bool> shutdown_{false};
  SlowLog slowlog_;
  int64_t ops_sample_ms_ = 0;      // only worker 0 touches these two
  uint64_t ops_sample_count_ = 0;
  std::atomic<int64_t> inst_ops_{0};
};

}  // namespace cardinal::server
