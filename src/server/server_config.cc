#include "server/server_config.h"

#include <unistd.h>

#include <climits>
#include <fmt/format.h>

#include "common/logging.h"
#include "common/string_util.h"

namespace cardinal::server {

namespace {

constexpr int64_t kMaxInt = INT_MAX;
constexpr int64_t kMaxLL = LLONG_MAX;

std::string Join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

// client-output-buffer-limit <class> <hard> <soft> <soft seconds> [<class> ...]
Status ParseOutputLimits(ServerConfig* c, const std::vector<std::string>& w) {
  if (w.size() % 4 != 0 || w.empty()) return Status::InvalidArgument("Wrong number of arguments in buffer limit configuration.");
  std::vector<std::pair<std::string, OutputLimit>> parsed;
  for (size_t i = 0; i < w.size(); i += 4) {
    std::string cls = w[i];
    ToLowerAscii(&cls);
    if (cls != "normal" && cls != "slave" && cls != "replica" && cls != "pubsub") {
      return Status::InvalidArgument("Invalid client class specified in buffer limit configuration.");
    }
    OutputLimit lim;
    int64_t vals[3];
    for (int k = 0; k < 3; k++) {
      std::string v = w[i + 1 + k];
      int64_t mul = 1;
      std::string lower = v;
      ToLowerAscii(&lower);
      auto strip = [&](std::string_view suffix, int64_t m) {
        if (lower.size() > suffix.size() && lower.ends_with(suffix)) {
          lower.resize(lower.size() - suffix.size());
          mul = m;
          return true;
        }
        return false;
      };
      if (k < 2) {
        strip("gb", 1LL << 30) || strip("mb", 1LL << 20) || strip("kb", 1LL << 10) ||
            strip("g", 1000000000LL) || strip("m", 1000000LL) || strip("k", 1000LL) ||
            strip("b", 1);
      }
      int64_t n;
      if (!ParseInt64(lower, &n) || n < 0) {
        return Status::InvalidArgument("Error in hard, soft or soft_seconds setting in buffer limit configuration.");
      }
      vals[k] = n * mul;
    }
    lim.hard = vals[0];
    lim.soft = vals[1];
    lim.soft_seconds = vals[2];
    parsed.emplace_back(cls, lim);
  }
  std::lock_guard lk(c->output_limit_mu);
  for (auto& [cls, lim] : parsed) {
    if (cls == "normal") {
      c->normal_output_limit = lim;
      c->normal_hard.store(lim.hard);
      c->normal_soft.store(lim.soft);
      c->normal_soft_seconds.store(lim.soft_seconds);
    }
    else if (cls == "pubsub") c->pubsub_output_limit = lim;
    else c->replica_output_limit = lim;
  }
  return Status::Ok();
}

std::string FormatOutputLimits(ServerConfig* c) {
  std::lock_guard lk(c->output_limit_mu);
  auto f = [](const char* name, const OutputLimit& l) {
    return fmt::format("{} {} {} {}", name, l.hard, l.soft, l.soft_seconds);
  };
  return f("normal", c->normal_output_limit) + " " + f("slave", c->replica_output_limit) + " " +
         f("pubsub", c->pubsub_output_limit);
}

}  // namespace

const std::vector<std::string>& MaxmemoryPolicyNames() {
  static const std::vector<std::string> kNames = {
      "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
      "allkeys-lru",  "allkeys-lfu",  "allkeys-random",  "noeviction"};
  return kNames;
}

void RegisterServerConfig(ServerConfig* c, config::ConfigRegistry* r) {
  using config::ParamOptions;
  const ParamOptions immutable{.immutable = true};

  // Network
  r->AddSpecial(
      "bind",
      [c](const std::vector<std::string>& w) {
        c->bind.Set(w.empty() ? "* -::*" : Join(w));
        return Status::Ok();
      },
      [c] { return c->bind.Get(); }, "* -::*", {.immutable = true, .multi_arg = true});
  r->AddInt("port", &c->port, 6379, 0, 65535, immutable);
  r->AddInt("tcp-backlog", &c->tcp_backlog, 511, 0, kMaxInt, immutable);
  r->AddInt("tcp-keepalive", &c->tcp_keepalive, 300, 0, kMaxInt);
  r->AddBool("protected-mode", &c->protected_mode, true);
  r->AddString("requirepass", &c->requirepass, "", {.sensitive = true});
  r->AddInt("maxclients", &c->maxclients, 10000, 1, kMaxInt);
  r->AddInt("timeout", &c->timeout, 0, 0, kMaxInt);
  r->AddInt("threads", &c->threads, 0, 0, 256, immutable);
  r->AddInt("io-threads", &c->io_threads, 1, 1, 128, immutable);

  // Limits
  r->AddMemory("proto-max-bulk-len", &c->cmd.proto_max_bulk_len, 512LL * 1024 * 1024, 1024 * 1024,
               kMaxLL);
  r->AddMemory("client-query-buffer-limit", &c->client_query_buffer_limit, 1024LL * 1024 * 1024,
               1024 * 1024, kMaxLL);
  r->AddSpecial(
      "client-output-buffer-limit",
      [c](const std::vector<std::string>& w) { return ParseOutputLimits(c, w); },
      [c] { return FormatOutputLimits(c); },
      "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
      {.multi_arg = true});

  // Keyspace
  r->AddInt("databases", &c->databases, 16, 1, kMaxInt, immutable);
  r->AddInt("hz", &c->hz, 10, 1, 500);
  r->AddInt("active-expire-effort", &c->active_expire_effort, 1, 1, 10);
  r->AddMemory("maxmemory", &c->maxmemory, 0, 0, kMaxLL);
  r->AddEnum("maxmemory-policy", &c->cmd.maxmemory_policy, MaxmemoryPolicyNames(), 7);
  r->AddInt("maxmemory-samples", &c->maxmemory_samples, 5, 1, 64);
  r->AddBool("lazyfree-lazy-eviction", &c->lazyfree_lazy_eviction, false);
  r->AddBool("lazyfree-lazy-expire", &c->lazyfree_lazy_expire, false);
  r->AddBool("lazyfree-lazy-server-del", &c->lazyfree_lazy_server_del, false);
  r->AddBool("lazyfree-lazy-user-del", &c->cmd.lazyfree_lazy_user_del, false);
  r->AddBool("lazyfree-lazy-user-flush", &c->cmd.lazyfree_lazy_user_flush, false);
  r->AddInt("list-max-listpack-size", &c->cmd.list_max_listpack_size, -2, INT32_MIN, INT32_MAX);
  r->AddAlias("list-max-ziplist-size", "list-max-listpack-size");
  r->AddInt("list-compress-depth", &c->cmd.list_compress_depth, 0, 0, INT32_MAX);
  r->AddInt("hash-max-listpack-entries", &c->cmd.hash_max_listpack_entries, 512, 0, kMaxLL);
  r->AddAlias("hash-max-ziplist-entries", "hash-max-listpack-entries");
  r->AddInt("hash-max-listpack-value", &c->cmd.hash_max_listpack_value, 64, 0, kMaxLL);
  r->AddAlias("hash-max-ziplist-value", "hash-max-listpack-value");
  r->AddInt("set-max-intset-entries", &c->cmd.set_max_intset_entries, 512, 0, kMaxLL);
  r->AddInt("zset-max-listpack-entries", &c->cmd.zset_max_listpack_entries, 128, 0, kMaxLL);
  r->AddAlias("zset-max-ziplist-entries", "zset-max-listpack-entries");
  r->AddInt("zset-max-listpack-value", &c->cmd.zset_max_listpack_value, 64, 0, kMaxLL);
  r->AddAlias("zset-max-ziplist-value", "zset-max-listpack-value");

  // Persistence (server/persistence.h). appendonly and appendfsync take effect at runtime
  // through the persistence manager, which reads them in its cron.
  r->AddBool("appendonly", &c->appendonly, false);
  r->AddEnum("appendfsync", &c->appendfsync, {"always", "everysec", "no"}, 1);
  r->AddBool("aof-load-truncated", &c->aof_load_truncated, true);
  r->AddInt("auto-aof-rewrite-percentage", &c->auto_aof_rewrite_percentage, 100, 0, INT32_MAX);
  r->AddMemory("auto-aof-rewrite-min-size", &c->auto_aof_rewrite_min_size, 64LL << 20, 0, kMaxLL);
  r->AddBool("rdbcompression", &c->rdbcompression, true);
  r->AddBool("rdbchecksum", &c->rdbchecksum, true, immutable);
  r->AddBool("stop-writes-on-bgsave-error", &c->stop_writes_on_bgsave_error, true);
  r->AddInt("rdb-key-save-delay", &c->rdb_key_save_delay, 0, INT32_MIN, INT32_MAX);
  r->AddInt("key-load-delay", &c->key_load_delay, 0, INT32_MIN, INT32_MAX);
  // Cardinal's own: after every successful SAVE/BGSAVE, keep a copy of the snapshot in
  // backup-dir (a hard link when possible) and delete all but the newest backup-keep.
  r->AddString("backup-dir", &c->backup_dir, "");
  r->AddInt("backup-keep", &c->backup_keep, 7, 1, 100000);
  r->AddString("appendfilename", &c->appendfilename, "appendonly.aof", immutable);
  r->AddString("appenddirname", &c->appenddirname, "appendonlydir", immutable);
  r->AddString("dbfilename", &c->dbfilename, "dump.rdb");
  r->AddSpecial(
      "save",
      [c](const std::vector<std::string>& args) {
        // `--save "3600 1"` arrives as one word: split it like Redis does.
        std::vector<std::string> w;
        for (const auto& a : args) {
          for (std::string_view word : SplitSpaces(a)) w.emplace_back(word);
        }
        if (w.size() % 2 != 0) return Status::InvalidArgument("Invalid save parameters");
        for (const auto& x : w) {
          int64_t n;
          if (!ParseInt64(x, &n) || n < 0) return Status::InvalidArgument("Invalid save parameters");
        }
        c->save.Set(Join(w));
        return Status::Ok();
      },
      [c] { return c->save.Get(); }, "3600 1 300 100 60 10000",
      {.multi_arg = true, .append = true});
  // `dir` is kept absolute, so CONFIG GET shows where data really goes after the server has
  // chdir'ed into it (Redis shows its working directory).
  r->AddSpecial(
      "dir",
      [c](const std::vector<std::string>& w) {
        if (w.size() != 1) return Status::InvalidArgument("wrong number of arguments");
        std::string d = w[0];
        if (d.empty() || d[0] != '/') {
          char cwd[4096];
          if (getcwd(cwd, sizeof(cwd)) == nullptr) return Status::InvalidArgument("getcwd failed");
          std::string base(cwd);
          while (d.rfind("./", 0) == 0) d = d.substr(2);
          d = d.empty() || d == "." ? base : base + "/" + d;
        }
        c->dir.Set(d);
        return Status::Ok();
      },
      [c] { return c->dir.Get(); }, "./data",
      {.apply = [](std::string_view d) {
         if (chdir(std::string(d).c_str()) != 0) {
           return Status::InvalidArgument(fmt::format("No such file or directory"));
         }
         return Status::Ok();
       }});
  r->AddInt("repl-backlog-size", &c->repl_backlog_size, 1024 * 1024, 1, kMaxLL);

  // Process and logs
  r->AddBool("daemonize", &c->daemonize, false, immutable);
  r->AddString("pidfile", &c->pidfile, "", immutable);
  r->AddEnum("loglevel", LogLevelStorage(), {"debug", "verbose", "notice", "warning", "nothing"},
             2);
  r->AddEnum("log-format", LogFormatStorage(), {"legacy", "logfmt"}, 0);
  r->AddString("logfile", &c->logfile, "", immutable);
  r->AddString("propagation-log-file", &c->propagation_log_file, "", immutable);

  // Introspection knobs tools read (slowlog/latency arrive with their commands).
  r->AddInt("slowlog-log-slower-than", &c->slowlog_log_slower_than, 10000, -1, kMaxLL);
  r->AddInt("slowlog-max-len", &c->slowlog_max_len, 128, 0, kMaxLL);
  r->AddInt("latency-monitor-threshold", &c->latency_monitor_threshold, 0, 0, kMaxLL);
  r->AddString("notify-keyspace-events", &c->notify_keyspace_events, "");
  r->AddBool("cluster-enabled", &c->cluster_enabled, false, immutable);
}

}  // namespace cardinal::server
