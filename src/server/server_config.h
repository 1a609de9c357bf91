// ServerConfig: the values of the server's parameters, where the hot paths read them.
//
// Numbers live in std::atomic<int64_t> so any worker thread reads them without a lock and CONFIG
// SET changes them at once; strings sit behind config::StringValue. RegisterServerConfig (in
// server_config.cc) declares each parameter once in the ConfigRegistry, which serves the config
// file, CARDINAL_* environment variables, --flags, CONFIG GET/SET/REWRITE alike.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "commands/context.h"
#include "config/config_registry.h"

namespace cardinal::server {

struct OutputLimit {
  int64_t hard = 0;         // bytes; 0 = none
  int64_t soft = 0;         // bytes; 0 = none
  int64_t soft_seconds = 0;
};

struct ServerConfig {
  // The values command code reads (proto-max-bulk-len, maxmemory-policy, lazyfree-lazy-user-*).
  commands::CommandConfig cmd;
  // Network
  std::atomic<int64_t> port{6379};
  std::atomic<int64_t> tcp_backlog{511};
  std::atomic<int64_t> tcp_keepalive{300};
  std::atomic<int64_t> protected_mode{1};
  std::atomic<int64_t> maxclients{10000};
  std::atomic<int64_t> timeout{0};
  std::atomic<int64_t> threads{0};     // 0 = number of cores (resolved at start)
  std::atomic<int64_t> io_threads{1};  // Redis's knob, accepted and reported for tools
  // Limits
  std::atomic<int64_t> client_query_buffer_limit{1024LL * 1024 * 1024};
  // Keyspace
  std::atomic<int64_t> databases{16};
  std::atomic<int64_t> hz{10};
  std::atomic<int64_t> active_expire_effort{1};
  std::atomic<int64_t> maxmemory{0};
  std::atomic<int64_t> lazyfree_lazy_expire{0};
  std::atomic<int64_t> lazyfree_lazy_server_del{0};
  std::atomic<int64_t> maxmemory_samples{5};
  std::atomic<int64_t> lazyfree_lazy_eviction{0};
  std::atomic<int64_t> repl_backlog_size{1024 * 1024};
  std::atomic<int64_t> slowlog_log_slower_than{10000};
  std::atomic<int64_t> slowlog_max_len{128};
  std::atomic<int64_t> latency_monitor_threshold{0};
  std::atomic<int64_t> cluster_enabled{0};
  // Persistence (server/persistence.h)
  std::atomic<int64_t> appendonly{0};
  std::atomic<int64_t> appendfsync{1};  // index into {always, everysec, no}
  std::atomic<int64_t> aof_load_truncated{1};
  std::atomic<int64_t> auto_aof_rewrite_percentage{100};
  std::atomic<int64_t> auto_aof_rewrite_min_size{64LL << 20};
  std::atomic<int64_t> rdbcompression{1};
  std::atomic<int64_t> rdbchecksum{1};
  std::atomic<int64_t> stop_writes_on_bgsave_error{1};
  std::atomic<int64_t> rdb_key_save_delay{0};  // us per key in a saving child (tests, as Redis)
  std::atomic<int64_t> key_load_delay{0};       // us per key (or log command) while loading
  std::atomic<int64_t> backup_keep{7};          // snapshots kept in backup-dir
  std::atomic<int64_t> daemonize{0};
  // Logging

  config::StringValue bind;
  config::StringValue requirepass;
  config::StringValue dir;
  config::StringValue dbfilename;
  config::StringValue backup_dir;
  config::StringValue appendfilename;
  config::StringValue appenddirname;
  config::StringValue logfile;
  config::StringValue pidfile;
  config::StringValue save;
  config::StringValue propagation_log_file;
  config::StringValue notify_keyspace_events;

  std::mutex output_limit_mu;
  OutputLimit normal_output_limit;  // GUARDED_BY(output_limit_mu)
  OutputLimit replica_output_limit{256LL << 20, 64LL << 20, 60};
  OutputLimit pubsub_output_limit{32LL << 20, 8LL << 20, 60};
  // Mirrors of normal_output_limit, read after every command without taking the mutex.
  std::atomic<int64_t> normal_hard{0}, normal_soft{0}, normal_soft_seconds{0};
  OutputLimit NormalOutputLimit() const {
    return {normal_hard.load(std::memory_order_relaxed), normal_soft.load(std::memory_order_relaxed),
            normal_soft_seconds.load(std::memory_order_relaxed)};
  }
};

// maxmemory-policy names, in the order CommandConfig::maxmemory_policy indexes them.
const std::vector<std::string>& MaxmemoryPolicyNames();

// Declares every parameter in `registry`. `config` must outlive it.
void RegisterServerConfig(ServerConfig* config, config::ConfigRegistry* registry);

}  // namespace cardinal::server
