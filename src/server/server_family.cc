// Server commands: INFO, COMMAND, TIME, LASTSAVE, SHUTDOWN, DEBUG (CONFIG is in
// config_family.cc).
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <fmt/format.h>
#ifdef CARDINAL_HAVE_MIMALLOC
#include <mimalloc.h>
#endif

#include <cerrno>
#include <chrono>
#include <fstream>
#include <thread>

#include "commands/context.h"
#include "common/glob.h"
#include "common/string_util.h"
#include "common/version.h"
#include "net/event_loop.h"
#include "protocol/errors.h"
#include "server/families.h"
#include "server/server.h"

namespace cardinal::server {

using commands::ArgList;
using commands::Command;
using commands::CommandContext;
using commands::CommandSpec;

namespace {

Server& Srv(CommandContext& ctx) { return *ctx.server(); }

int64_t ReadRssBytes() {
  std::ifstream f("/proc/self/statm");
  int64_t size = 0, resident = 0;
  f >> size >> resident;
  return resident * sysconf(_SC_PAGESIZE);
}

std::string HumanBytes(int64_t n) {
  double d = static_cast<double>(n);
  if (n < 1024) return fmt::format("{}B", n);
  if (n < 1024 * 1024) return fmt::format("{:.2f}K", d / 1024);
  if (n < 1024LL * 1024 * 1024) return fmt::format("{:.2f}M", d / (1024 * 1024));
  return fmt::format("{:.2f}G", d / (1024.0 * 1024 * 1024));
}

// ---------------------------------------------------------------------------------------------
// INFO: Redis's sections and field names, which exporters, Sentinel and redis-cli parse.

std::string InfoServer(Server& srv, CommandContext& ctx) {
  utsname u{};
  uname(&u);
  int64_t uptime = (net::UnixTimeMs() - srv.start_time_ms()) / 1000;
  auto ports = srv.listening_ports();
  return fmt::format(
      "# Server\r\n"
      "redis_version:{}\r\n"
      "redis_git_sha1:00000000\r\n"
      "redis_git_dirty:0\r\n"
      "redis_build_id:0\r\n"
      "redis_mode:standalone\r\n"
      "os:{} {} {}\r\n"
      "arch_bits:64\r\n"
      "monotonic_clock:POSIX clock_gettime\r\n"
      "multiplexing_api:epoll\r\n"
      "atomicvar_api:c11-builtin\r\n"
      "gcc_version:{}.{}.{}\r\n"
      "process_id:{}\r\n"
      "process_supervised:no\r\n"
      "run_id:{}\r\n"
      "tcp_port:{}\r\n"
      "server_time_usec:{}\r\n"
      "uptime_in_seconds:{}\r\n"
      "uptime_in_days:{}\r\n"
      "hz:{}\r\n"
      "configured_hz:{}\r\n"
      "lru_clock:{}\r\n"
      "executable:{}\r\n"
      "config_file:{}\r\n"
      "io_threads_active:0\r\n"
      "server_name:cardinal\r\n"
      "cardinal_version:{}\r\n"
      "server_threads:{}\r\n",
      kRedisCompatVersion, u.sysname, u.release, u.machine, __GNUC__, __GNUC_MINOR__,
      __GNUC_PATCHLEVEL__, getpid(), srv.run_id(), ports.empty() ? 0 : ports[0],
      net::UnixTimeUs(), uptime, uptime / 86400, srv.config().hz.load(), srv.config().hz.load(),
      (net::UnixTimeMs() / 1000) & ((1 << 24) - 1), "cardinal-server", srv.config_file(),
      kCardinalVersion, srv.num_workers());
}

std::string InfoClients(Server& srv, CommandContext& ctx) {
  return fmt::format(
      "# Clients\r\n"
      "connected_clients:{}\r\n"
      "cluster_connections:0\r\n"
      "maxclients:{}\r\n"
      "client_recent_max_input_buffer:0\r\n"
      "client_recent_max_output_buffer:0\r\n"
      "blocked_clients:{}\r\n"
      "tracking_clients:0\r\n"
      "clients_in_timeout_table:0\r\n",
      srv.stats().connected_clients.load(), srv.config().maxclients.load(),
      srv.stats().blocked_clients.load());
}

std::string InfoMemory(Server& srv, CommandContext& ctx) {
  auto& ks = srv.keyspace();
  int64_t tables = 0;
  for (unsigned i = 0; i < storage::kShardCount; i++) {
    // Through the context: inside EXEC the shards may already be held by this client.
    ctx.RunOn(storage::ShardMask{1} << i, [&](storage::Db&) {
      for (auto& t : ks.shard(i).dbs) {
        tables += static_cast<int64_t>(t->keys.MemoryUsage() + t->expires.MemoryUsage());
      }
    });
  }
  int64_t dataset = ks.UsedBytes();
  int64_t rss = ReadRssBytes();
  // used_memory: what the allocator has committed (mimalloc), else RSS; never less than what
  // the keyspace accounts for.
  int64_t used = rss;
#ifdef CARDINAL_HAVE_MIMALLOC
  size_t elapsed, utime, stime, cur_rss, peak_rss, cur_commit, peak_commit, faults;
  mi_process_info(&elapsed, &utime, &stime, &cur_rss, &peak_rss, &cur_commit, &peak_commit,
                  &faults);
  used = static_cast<int64_t>(cur_commit);
#endif
  used = std::max(used, dataset + tables);
  int64_t maxmemory = srv.config().maxmemory.load();
  long pages = sysconf(_SC_PHYS_PAGES);
  int64_t total_system = static_cast<int64_t>(pages) * sysconf(_SC_PAGESIZE);
  const auto& policies = MaxmemoryPolicyNames();
  int64_t policy = std::clamp<int64_t>(srv.config().cmd.maxmemory_policy.load(), 0,
                                       static_cast<int64_t>(policies.size()) - 1);
  return fmt::format(
      "# Memory\r\n"
      "used_memory:{}\r\n"
      "used_memory_human:{}\r\n"
      "used_memory_rss:{}\r\n"
      "used_memory_rss_human:{}\r\n"
      "used_memory_peak:{}\r\n"
      "used_memory_peak_human:{}\r\n"
      "used_memory_overhead:{}\r\n"
      "used_memory_dataset:{}\r\n"
      "allocator_allocated:{}\r\n"
      "allocator_resident:{}\r\n"
      "total_system_memory:{}\r\n"
      "total_system_memory_human:{}\r\n"
      "used_memory_lua:31744\r\n"
      "used_memory_scripts:0\r\n"
      "maxmemory:{}\r\n"
      "maxmemory_human:{}\r\n"
      "maxmemory_policy:{}\r\n"
      "mem_fragmentation_ratio:{:.2f}\r\n"
      "mem_allocator:mimalloc\r\n"
      "lazyfree_pending_objects:{}\r\n"
      "lazyfreed_objects:{}\r\n",
      used, HumanBytes(used), rss, HumanBytes(rss), used, HumanBytes(used), tables, dataset, used,
      rss, total_system, HumanBytes(total_system), maxmemory, HumanBytes(maxmemory),
      policies[static_cast<size_t>(policy)],
      used > 0 ? static_cast<double>(rss) / static_cast<double>(used) : 0.0,
      srv.lazy_freer().pending(), srv.lazy_freer().freed_objects());
}

std::string InfoPersistence(Server& srv, CommandContext& ctx) {
  return srv.persistence().InfoSection();
}

std::string InfoStats(Server& srv, CommandContext& ctx) {
  auto& st = srv.stats();
  auto& ks = srv.keyspace();
  return fmt::format(
      "# Stats\r\n"
      "total_connections_received:{}\r\n"
      "total_commands_processed:{}\r\n"
      "instantaneous_ops_per_sec:{}\r\n"
      "total_net_input_bytes:{}\r\n"
      "total_net_output_bytes:{}\r\n"
      "instantaneous_input_kbps:0.00\r\n"
      "instantaneous_output_kbps:0.00\r\n"
      "rejected_connections:{}\r\n"
      "sync_full:0\r\n"
      "sync_partial_ok:0\r\n"
      "sync_partial_err:0\r\n"
      "expired_keys:{}\r\n"
      "expired_stale_perc:0.00\r\n"
      "expired_time_cap_reached_count:0\r\n"
      "expire_cycle_cpu_milliseconds:0\r\n"
      "evicted_keys:0\r\n"
      "evicted_clients:0\r\n"
      "total_eviction_exceeded_time:0\r\n"
      "current_eviction_exceeded_time:0\r\n"
      "keyspace_hits:{}\r\n"
      "keyspace_misses:{}\r\n"
      "pubsub_channels:0\r\n"
      "pubsub_patterns:0\r\n"
      "latest_fork_usec:0\r\n"
      "total_forks:0\r\n"
      "migrate_cached_sockets:0\r\n"
      "slave_expires_tracked_keys:0\r\n"
      "active_defrag_hits:0\r\n"
      "active_defrag_misses:0\r\n"
      "active_defrag_key_hits:0\r\n"
      "active_defrag_key_misses:0\r\n"
      "total_active_defrag_time:0\r\n"
      "current_active_defrag_time:0\r\n"
      "tracking_total_keys:0\r\n"
      "tracking_total_items:0\r\n"
      "tracking_total_prefixes:0\r\n"
      "unexpected_error_replies:0\r\n"
      "total_error_replies:{}\r\n"
      "dump_payload_sanitizations:0\r\n"
      "total_reads_processed:0\r\n"
      "total_writes_processed:0\r\n"
      "io_threaded_reads_processed:0\r\n"
      "io_threaded_writes_processed:0\r\n"
      "client_query_buffer_limit_disconnections:{}\r\n"
      "client_output_buffer_limit_disconnections:{}\r\n",
      st.total_connections_received.load(), srv.TotalCommandsProcessed(),
      srv.instantaneous_ops_per_sec(),
      st.net_input_bytes.load(), st.net_output_bytes.load(), st.rejected_connections.load(),
      ks.SumStat(&storage::ShardStats::expired_keys),
      ks.SumStat(&storage::ShardStats::keyspace_hits),
      ks.SumStat(&storage::ShardStats::keyspace_misses), st.total_error_replies.load(),
      st.client_query_buffer_limit_disconnections.load(),
      st.client_output_buffer_limit_disconnections.load());
}

std::string InfoReplication(Server& srv, CommandContext& ctx) {
  return fmt::format(
      "# Replication\r\n"
      "role:master\r\n"
      "connected_slaves:0\r\n"
      "master_failover_state:no-failover\r\n"
      "master_replid:{}\r\n"
      "master_replid2:0000000000000000000000000000000000000000\r\n"
      "master_repl_offset:0\r\n"
      "second_repl_offset:-1\r\n"
      "repl_backlog_active:0\r\n"
      "repl_backlog_size:1048576\r\n"
      "repl_backlog_first_byte_offset:0\r\n"
      "repl_backlog_histlen:0\r\n",
      srv.run_id());
}

std::string InfoCpu() {
  rusage self{}, children{};
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  auto secs = [](const timeval& tv) { return tv.tv_sec + tv.tv_usec / 1e6; };
  return fmt::format(
      "# CPU\r\n"
      "used_cpu_sys:{:.6f}\r\n"
      "used_cpu_user:{:.6f}\r\n"
      "used_cpu_sys_children:{:.6f}\r\n"
      "used_cpu_user_children:{:.6f}\r\n",
      secs(self.ru_stime), secs(self.ru_utime), secs(children.ru_stime),
      secs(children.ru_utime));
}

void AppendCommandStat(Server& srv, const Command& c, std::string* out) {
  Server::CommandTotals t = srv.CommandStats(c);
  uint64_t calls = t.calls, usec = t.usec, rejected = t.rejected_calls, failed = t.failed_calls;
  if (calls == 0 && rejected == 0 && failed == 0) return;
  *out += fmt::format("cmdstat_{}:calls={},usec={},usec_per_call={:.2f},rejected_calls={},"
                      "failed_calls={}\r\n",
                      c.full_name(), calls, usec,
                      calls ? static_cast<double>(usec) / static_cast<double>(calls) : 0.0,
                      rejected, failed);
}

std::string InfoCommandStats(Server& srv, CommandContext& ctx) {
  std::string out = "# Commandstats\r\n";
  std::vector<const Command*> cmds;
  for (auto& c : srv.commands().all()) {
    cmds.push_back(c.get());
    for (auto& s : c->subcommands()) cmds.push_back(s.get());
  }
  std::sort(cmds.begin(), cmds.end(),
            [](auto* a, auto* b) { return a->full_name() < b->full_name(); });
  for (auto* c : cmds) AppendCommandStat(srv, *c, &out);
  return out;
}

std::string InfoErrorStats(Server& srv, CommandContext& ctx) {
  std::string out = "# Errorstats\r\n";
  for (auto& [prefix, count] : srv.ErrorStats()) {
    out += fmt::format("errorstat_{}:count={}\r\n", prefix, count);
  }
  return out;
}

std::string InfoKeyspace(Server& srv, CommandContext& ctx) {
  std::string out = "# Keyspace\r\n";
  auto& ks = srv.keyspace();
  for (int db = 0; db < ks.num_dbs(); db++) {
    size_t keys = ks.KeyCount(db);
    if (keys == 0) continue;
    out += fmt::format("db{}:keys={},expires={},avg_ttl=0\r\n", db, keys, ks.ExpiresCount(db));
  }
  return out;
}

void CmdInfo(ArgList args, CommandContext& ctx) {
  Server& srv = Srv(ctx);
  struct Section {
    std::string_view name;
    bool in_default;
    std::string (*render)(Server&, CommandContext&);
  };
  static const Section kSections[] = {
      {"server", true, InfoServer},
      {"clients", true, InfoClients},
      {"memory", true, InfoMemory},
      {"persistence", true, InfoPersistence},
      {"stats", true, InfoStats},
      {"replication", true, InfoReplication},
      {"cpu", true, [](Server&, CommandContext&) { return InfoCpu(); }},
      {"modules", true, [](Server&, CommandContext&) { return std::string("# Modules\r\n"); }},
      {"commandstats", false, InfoCommandStats},
      {"errorstats", true, InfoErrorStats},
      {"cluster", true, [](Server&, CommandContext&) { return std::string("# Cluster\r\ncluster_enabled:0\r\n"); }},
      {"keyspace", true, InfoKeyspace},
  };
  bool all = false, everything = false, defaults = args.size() == 1;
  std::vector<std::string> wanted;
  for (size_t i = 1; i < args.size(); i++) {
    std::string s(args[i]);
    ToLowerAscii(&s);
    if (s == "all") all = true;
    else if (s == "everything") everything = true;
    else if (s == "default") defaults = true;
    else wanted.push_back(s);
  }
  std::string out;
  for (const auto& sec : kSections) {
    bool take = everything || all || (defaults && sec.in_default) ||
                std::find(wanted.begin(), wanted.end(), sec.name) != wanted.end();
    if (!take) continue;
    if (!out.empty()) out += "\r\n";
    out += sec.render(srv, ctx);
  }
  ctx.reply().SendVerbatim(out);
}

// ---------------------------------------------------------------------------------------------
// COMMAND: answers from the registry (redis-py's cluster client and redis-cli read it).

void SendCommandInfo(protocol::ReplyBuilder& rb, const Command& c) {
  const CommandSpec& s = c.spec();
  rb.SendArrayLen(10);
  rb.SendBulk(c.full_name());
  rb.SendLong(s.arity);
  auto flags = commands::FlagNames(s.flags);
  if (s.key_extractor != nullptr) flags.push_back("movablekeys");
  rb.SendSetLen(flags.size());
  for (auto f : flags) rb.SendSimple(f);
  rb.SendLong(s.keys.first);
  rb.SendLong(s.keys.last);
  rb.SendLong(s.keys.step);
  auto cats = commands::AclCategoryNames(s.acl, s.flags);
  rb.SendSetLen(cats.size());
  for (auto cat : cats) rb.SendSimple(cat);
  rb.SendArrayLen(0);  // tips
  if (s.keys.first > 0) {
    rb.SendArrayLen(1);
    rb.SendMapLen(3);
    rb.SendBulk("flags");
    rb.SendSetLen(1);
    rb.SendSimple((s.flags & commands::kWrite) ? "RW" : "RO");
    rb.SendBulk("begin_search");
    rb.SendMapLen(2);
    rb.SendBulk("type");
    rb.SendBulk("index");
    rb.SendBulk("spec");
    rb.SendMapLen(1);
    rb.SendBulk("index");
    rb.SendLong(s.keys.first);
    rb.SendBulk("find_keys");
    rb.SendMapLen(2);
    rb.SendBulk("type");
    rb.SendBulk("range");
    rb.SendBulk("spec");
    rb.SendMapLen(3);
    rb.SendBulk("lastkey");
    rb.SendLong(s.keys.last >= 0 ? s.keys.last - s.keys.first : s.keys.last);
    rb.SendBulk("keystep");
    rb.SendLong(s.keys.step);
    rb.SendBulk("limit");
    rb.SendLong(0);
  } else {
    rb.SendArrayLen(0);
  }
  rb.SendArrayLen(c.subcommands().size());
  for (auto& sub : c.subcommands()) SendCommandInfo(rb, *sub);
}

void SendCommandDocs(protocol::ReplyBuilder& rb, const Command& c) {
  const CommandSpec& s = c.spec();
  bool subs = c.has_subcommands();
  rb.SendMapLen(subs ? 5 : 4);
  rb.SendBulk("summary");
  rb.SendBulk(s.summary);
  rb.SendBulk("since");
  rb.SendBulk(s.since);
  rb.SendBulk("group");
  rb.SendBulk(c.parent() ? c.parent()->spec().group : s.group);
  rb.SendBulk("complexity");
  rb.SendBulk(s.complexity);
  if (subs) {
    rb.SendBulk("subcommands");
    rb.SendMapLen(c.subcommands().size());
    for (auto& sub : c.subcommands()) {
      rb.SendBulk(sub->full_name());
      SendCommandDocs(rb, *sub);
    }
  }
}

void CmdCommand(ArgList args, CommandContext& ctx) {
  auto& all = Srv(ctx).commands().all();
  ctx.reply().SendArrayLen(all.size());
  for (auto& c : all) SendCommandInfo(ctx.reply(), *c);
}

const Command* FindCommandOrSub(Server& srv, std::string_view name) {
  size_t bar = name.find('|');
  if (bar == std::string_view::npos) return srv.commands().Find(name);
  const Command* parent = srv.commands().Find(name.substr(0, bar));
  return parent ? parent->FindSubcommand(name.substr(bar + 1)) : nullptr;
}

void CmdCommandInfo(ArgList args, CommandContext& ctx) {
  auto& rb = ctx.reply();
  if (args.size() == 2) return CmdCommand(args, ctx);
  rb.SendArrayLen(args.size() - 2);
  // Unknown names answer nil, as in Redis.
  for (size_t i = 2; i < args.size(); i++) {
    const Command* c = FindCommandOrSub(Srv(ctx), args[i]);
    if (c == nullptr) rb.SendNullArray(); else SendCommandInfo(rb, *c);
  }
}

void CmdCommandDocs(ArgList args, CommandContext& ctx) {
  auto& rb = ctx.reply();
  std::vector<const Command*> cmds;
  if (args.size() == 2) {
    for (auto& c : Srv(ctx).commands().all()) cmds.push_back(c.get());
  } else {
    for (size_t i = 2; i < args.size(); i++) {
      if (const Command* c = FindCommandOrSub(Srv(ctx), args[i])) cmds.push_back(c);
    }
  }
  rb.SendMapLen(cmds.size());
  for (auto* c : cmds) {
    rb.SendBulk(c->full_name());
    SendCommandDocs(rb, *c);
  }
}

void CmdCommandCount(ArgList, CommandContext& ctx) {
  ctx.reply().SendLong(static_cast<int64_t>(Srv(ctx).commands().all().size()));
}

void CmdCommandList(ArgList args, CommandContext& ctx) {
  auto& rb = ctx.reply();
  std::string_view pattern, aclcat;
  if (args.size() == 5 && EqualsIgnoreCase(args[2], "FILTERBY")) {
    if (EqualsIgnoreCase(args[3], "PATTERN")) pattern = args[4];
    else if (EqualsIgnoreCase(args[3], "ACLCAT")) aclcat = args[4];
    else if (!EqualsIgnoreCase(args[3], "MODULE")) return rb.SendError(protocol::kSyntaxErr);
    else return rb.SendArrayLen(0);
  } else if (args.size() != 2) {
    return rb.SendError(protocol::kSyntaxErr);
  }
  std::vector<std::string> names;
  auto consider = [&](const Command& c) {
    if (!pattern.empty() && !GlobMatch(pattern, c.full_name(), true)) return;
    if (!aclcat.empty()) {
      auto cats = commands::AclCategoryNames(c.spec().acl, c.spec().flags);
      bool found = false;
      for (auto cat : cats) found |= EqualsIgnoreCase(cat.substr(1), aclcat);
      if (!found) return;
    }
    names.push_back(c.full_name());
  };
  for (auto& c : Srv(ctx).commands().all()) {
    consider(*c);
    for (auto& s : c->subcommands()) consider(*s);
  }
  rb.SendArrayLen(names.size());
  for (auto& n : names) rb.SendBulk(n);
}

void CmdCommandGetKeys(ArgList args, CommandContext& ctx) {
  auto& rb = ctx.reply();
  ArgList sub = args.subspan(2);
  const Command* c = Srv(ctx).commands().Find(sub[0]);
  if (c != nullptr && c->has_subcommands() && sub.size() >= 2) {
    if (const Command* s = c->FindSubcommand(sub[1])) c = s;
  }
  if (c == nullptr) return rb.SendError("ERR Invalid command specified");
  if (!c->CheckArity(sub.size())) return rb.SendError("ERR Invalid number of arguments specified for command");
  auto idx = c->KeyIndexes(sub);
  if (idx.empty()) {
    // A command whose keys depend on its arguments (numkeys) found none: the arguments are bad.
    return rb.SendError(c->spec().key_extractor != nullptr
                            ? "ERR Invalid arguments specified for command"
                            : "ERR The command has no key arguments");
  }
  rb.SendArrayLen(idx.size());
  for (int i : idx) rb.SendBulk(sub[i]);
}

void CmdCommandHelp(ArgList, CommandContext& ctx) {
  commands::SendHelp(
      ctx, "COMMAND",
      {"(no subcommand)", "    Return details about all Redis commands.", "COUNT",
       "    Return the total number of commands in this Redis server.", "LIST",
       "    Return a list of all commands in this Redis server.", "INFO [<command-name> ...]",
       "    Return details about multiple Redis commands.", "DOCS [<command-name> ...]",
       "    Return documentation details about multiple Redis commands.",
       "GETKEYS <full-command>", "    Return the keys from a full Redis command."});
}

// ---------------------------------------------------------------------------------------------

void CmdTime(ArgList, CommandContext& ctx) {
  int64_t us = net::UnixTimeUs();
  ctx.reply().SendArrayLen(2);
  ctx.reply().SendBulk(Int64ToString(us / 1000000));
  ctx.reply().SendBulk(Int64ToString(us % 1000000));
}

void CmdLastSave(ArgList, CommandContext& ctx) { ctx.reply().SendLong(Srv(ctx).lastsave_unix()); }

void CmdShutdown(ArgList args, CommandContext& ctx) {
  int save_mode = 0;
  for (size_t i = 1; i < args.size(); i++) {
    std::string_view a = args[i];
    if (EqualsIgnoreCase(a, "NOSAVE")) {
      save_mode = -1;
    } else if (EqualsIgnoreCase(a, "SAVE")) {
      save_mode = 1;
    } else if (!EqualsIgnoreCase(a, "NOW") && !EqualsIgnoreCase(a, "FORCE") &&
               !EqualsIgnoreCase(a, "ABORT")) {
      return ctx.reply().SendError(protocol::kSyntaxErr);
    }
    if (EqualsIgnoreCase(a, "ABORT")) return ctx.reply().SendError("ERR No shutdown in progress.");
  }
  // The log is flushed and the snapshot saved once every worker has stopped (Server::Run), so
  // no write can slip in after them. Like Redis, a successful SHUTDOWN sends no reply.
  Srv(ctx).RequestShutdown(save_mode);
  ctx.client().close_after_reply = true;
}

void CmdSave(ArgList, CommandContext& ctx) {
  Status s = Srv(ctx).persistence().Save();
  if (!s.ok()) return ctx.reply().SendError(s.message());
  ctx.reply().SendOk();
}

// Sends a "+text" / "-text" line from the persistence manager.
void SendStatusLine(CommandContext& ctx, const std::string& line) {
  if (line[0] == '-') return ctx.reply().SendError(line.substr(1));
  ctx.reply().SendSimple(line.substr(1));
}

void CmdBgSave(ArgList args, CommandContext& ctx) {
  bool schedule = false;
  if (args.size() > 1) {
    if (args.size() > 2 || !EqualsIgnoreCase(args[1], "SCHEDULE")) {
      return ctx.reply().SendError(protocol::kSyntaxErr);
    }
    schedule = true;
  }
  SendStatusLine(ctx, Srv(ctx).persistence().BgSave(schedule));
}

void CmdBgRewriteAof(ArgList, CommandContext& ctx) {
  SendStatusLine(ctx, Srv(ctx).persistence().BgRewriteAof());
}

void CmdDebug(ArgList args, CommandContext& ctx) {
  auto& rb = ctx.reply();
  std::string_view sub = args[1];
  if (EqualsIgnoreCase(sub, "SLEEP") && args.size() == 3) {
    long double secs;
    if (!ParseLongDouble(args[2], &secs)) return rb.SendError(protocol::kNotFloatErr);
    std::this_thread::sleep_for(std::chrono::microseconds(static_cast<int64_t>(secs * 1e6)));
    return rb.SendOk();
  }
  if (EqualsIgnoreCase(sub, "SET-ACTIVE-EXPIRE") && args.size() == 3) return rb.SendOk();
  // DEBUG FAULT WRITE|SYNC <path-substring> <EIO|ENOSPC> [<bytes accepted first>] | DEBUG FAULT
  // OFF: makes persistence file operations fail as a broken disk would (Cardinal's own, tests).
  if (EqualsIgnoreCase(sub, "FAULT") && args.size() >= 3) {
    auto& env = Srv(ctx).persistence().env();
    if (EqualsIgnoreCase(args[2], "OFF") && args.size() == 3) {
      env.Disarm();
      return rb.SendOk();
    }
    if (args.size() < 5 || args.size() > 6) return rb.SendError(protocol::kSyntaxErr);
    bool write = EqualsIgnoreCase(args[2], "WRITE");
    if (!write && !EqualsIgnoreCase(args[2], "SYNC")) return rb.SendError(protocol::kSyntaxErr);
    int err = EqualsIgnoreCase(args[4], "ENOSPC") ? ENOSPC
              : EqualsIgnoreCase(args[4], "EIO")  ? EIO
                                                  : 0;
    int64_t after = 0;
    if (err == 0 || (args.size() == 6 && (!ParseInt64(args[5], &after) || after < 0))) {
      return rb.SendError(protocol::kSyntaxErr);
    }
    env.Arm(write ? persistence::FaultInjectionEnv::Op::kWrite : persistence::FaultInjectionEnv::Op::kSync,
            std::string(args[3]), err, static_cast<uint64_t>(after));
    return rb.SendOk();
  }
  if (EqualsIgnoreCase(sub, "HELP")) {
    rb.SendArrayLen(2);
    rb.SendSimple("SLEEP <seconds>");
    rb.SendSimple("    Stop the server for <seconds>. Decimals allowed.");
    return;
  }
  rb.SendError(fmt::format("ERR unknown subcommand '{}'. Try DEBUG HELP.", sub.substr(0, 128)));
}

// ---------------------------------------------------------------------------------------------
// SLOWLOG and LATENCY

void CmdSlowlogGet(ArgList args, CommandContext& ctx) {
  int64_t count = 10;
  if (args.size() == 3) {
    if (!ParseInt64(args[2], &count) || count < -1) {
      return ctx.reply().SendError("ERR count should be greater than or equal to -1");
    }
  }
  auto entries = Srv(ctx).slowlog().Get(count);
  auto& rb = ctx.reply();
  rb.SendArrayLen(entries.size());
  for (const auto& e : entries) {
    rb.SendArrayLen(6);
    rb.SendLong(static_cast<int64_t>(e.id));
    rb.SendLong(e.unix_seconds);
    rb.SendLong(e.duration_us);
    rb.SendArrayLen(e.argv.size());
    for (const auto& a : e.argv) rb.SendBulk(a);
    rb.SendBulk(e.client_addr);
    rb.SendBulk(e.client_name);
  }
}

void CmdSlowlogLen(ArgList, CommandContext& ctx) {
  ctx.reply().SendLong(static_cast<int64_t>(Srv(ctx).slowlog().Len()));
}

void CmdSlowlogReset(ArgList, CommandContext& ctx) {
  Srv(ctx).slowlog().Reset();
  ctx.reply().SendOk();
}

void CmdSlowlogHelp(ArgList, CommandContext& ctx) {
  commands::SendHelp(
      ctx, "SLOWLOG",
      {"GET [<count>]",
       "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
       "    Entries are made of:",
       "    id, timestamp, time in microseconds, arguments array, client IP and port,",
       "    client name",
       "LEN", "    Return the length of the slowlog.", "RESET", "    Reset the slowlog."});
}

// The latency monitor records events only when latency-monitor-threshold > 0; no event source
// exists yet, so its views answer as Redis does with nothing recorded.
void CmdLatencyLatest(ArgList, CommandContext& ctx) { ctx.reply().SendArrayLen(0); }
void CmdLatencyHistory(ArgList, CommandContext& ctx) { ctx.reply().SendArrayLen(0); }
void CmdLatencyReset(ArgList, CommandContext& ctx) { ctx.reply().SendLong(0); }

}  // namespace

void RegisterServerFamily(commands::CommandRegistry* r) {
  using namespace commands;  // NOLINT: flag names
  constexpr auto spec = ServerGroupSpec;
  r->Add(spec("info", -1, kLoading | kStale, "Returns information and statistics about the server.",
              "1.0.0", "O(1)", CmdInfo));
  // A bare COMMAND runs the container's own handler; COMMAND <sub> dispatches to a subcommand.
  CommandSpec command = spec("command", -1, kLoading | kStale,
                             "Returns detailed information about all commands.", "2.8.13",
                             "O(N) where N is the total number of Redis commands", CmdCommand);
  command.acl = kAclConnection;
  command.subcommands = {
      spec("info", -2, kLoading | kStale, "Returns information about one, multiple or all "
           "commands.", "2.8.13", "O(N) where N is the number of commands to look up",
           CmdCommandInfo),
      spec("docs", -2, kLoading | kStale, "Returns documentary information about one, multiple "
           "or all commands.", "7.0.0", "O(N) where N is the number of commands to look up",
           CmdCommandDocs),
      spec("count", 2, kLoading | kStale, "Returns a count of commands.", "2.8.13", "O(1)",
           CmdCommandCount),
      spec("list", -2, kLoading | kStale, "Returns a list of command names.", "7.0.0",
           "O(N) where N is the total number of Redis commands", CmdCommandList),
      spec("getkeys", -3, kLoading | kStale, "Extracts the key names from an arbitrary "
           "command.", "2.8.13", "O(N) where N is the number of arguments to the command",
           CmdCommandGetKeys),
      spec("help", 2, kLoading | kStale, "Returns helpful text about the different "
           "subcommands.", "5.0.0", "O(1)", CmdCommandHelp),
  };
  for (auto& sub : command.subcommands) sub.acl = kAclConnection;
  r->Add(std::move(command));
  r->Add(spec("time", 1, kLoading | kStale | kFast, "Returns the server time.", "2.6.0", "O(1)",
              CmdTime));
  r->Add(spec("lastsave", 1, kLoading | kStale | kFast,
              "Returns the Unix timestamp of the last successful save to disk.", "1.0.0", "O(1)",
              CmdLastSave));
  r->Add(spec("save", 1, kAdmin | kNoScript | kNoMulti,
              "Synchronously saves the database(s) to disk.", "1.0.0",
              "O(N) where N is the total number of keys in all databases", CmdSave));
  r->Add(spec("bgsave", -1, kAdmin | kNoScript, "Asynchronously saves the database(s) to disk.",
              "1.0.0", "O(1)", CmdBgSave));
  r->Add(spec("bgrewriteaof", 1, kAdmin | kNoScript,
              "Asynchronously rewrites the append-only file to disk.", "1.0.0", "O(1)",
              CmdBgRewriteAof));
  r->Add(spec("shutdown", -1, kAdmin | kNoScript | kLoading | kStale | kNoMulti | kAllowBusy,
              "Synchronously saves the database(s) to disk and shuts down the Redis server.",
              "1.0.0", "O(N) when saving, where N is the total number of keys in all databases "
              "when saving data, otherwise O(1)", CmdShutdown));
  uint32_t introspect = kAdmin | kLoading | kStale;
  CommandSpec slowlog = spec("slowlog", -2, 0, "A container for slow log commands.", "2.2.12",
                             "Depends on subcommand.", nullptr);
  slowlog.subcommands = {
      spec("get", -2, introspect, "Returns the slow log's entries.", "2.2.12",
           "O(N) where N is the number of entries returned", CmdSlowlogGet),
      spec("len", 2, introspect, "Returns the number of entries in the slow log.", "2.2.12",
           "O(1)", CmdSlowlogLen),
      spec("reset", 2, introspect, "Clears all entries from the slow log.", "2.2.12",
           "O(N) where N is the number of entries in the slowlog", CmdSlowlogReset),
      spec("help", 2, kLoading | kStale,
           "Show helpful text about the different subcommands", "6.2.0", "O(1)",
           CmdSlowlogHelp),
  };
  r->Add(std::move(slowlog));
  CommandSpec latency = spec("latency", -2, 0, "A container for latency diagnostics commands.",
                             "2.8.13", "Depends on subcommand.", nullptr);
  latency.subcommands = {
      spec("latest", 2, introspect, "Returns the latest latency samples for all events.",
           "2.8.13", "O(1)", CmdLatencyLatest),
      spec("history", 3, introspect, "Returns timestamp-latency samples for an event.",
           "2.8.13", "O(1)", CmdLatencyHistory),
      spec("reset", -2, introspect, "Resets the latency data for one or more events.",
           "2.8.13", "O(1)", CmdLatencyReset),
  };
  r->Add(std::move(latency));
  r->Add(spec("debug", -2, kAdmin | kNoScript | kLoading | kStale,
              "A container for debugging commands.", "1.0.0", "Depends on subcommand.",
              CmdDebug));
}

}  // namespace cardinal::server
