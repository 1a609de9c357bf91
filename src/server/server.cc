#include "server/server.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <cstring>
#include <fstream>
#include <random>

#include "commands/blocking.h"
#include "commands/families.h"
#include "core/hash.h"
#include "common/logging.h"
#include "common/version.h"
#include "common/string_util.h"
#include "protocol/errors.h"
#include "server/families.h"
#include "server/listener.h"

namespace cardinal::server {

// ---------------------------------------------------------------------------------------------
// Worker

Worker::Worker(Server* server, int index)
    : server_(server), index_(index),
      cmd_stats_(new commands::CommandStatsCell[server->commands().id_count()]) {
  rng_ = std::random_device{}() | 1;
  loop_.SetBeforeSleep([this] { BeforeSleep(); });
  deliver_ = [this](uint64_t client_id) {
    return [this, client_id](std::string reply) {
      // Always through the queue, even from this thread: the serving command may be running
      // inside another connection's input processing.
      loop_.Post([this, client_id, reply = std::move(reply)]() mutable {
        if (Connection* c = FindClient(client_id)) c->Unblock(std::move(reply));
      });
    };
  };
  int hz = static_cast<int>(server->config().hz.load());
  loop_.AddTimer(1000 / std::max(1, std::min(hz, 500)), [this] { Cron(); });
}

Worker::~Worker() {
  for (auto& [ptr, conn] : conns_) ptr->Close();  // Close() calls Retire(): retired_ must live
  conns_.clear();
  retired_.clear();
}

void Worker::AddConnection(std::unique_ptr<Connection> c) {
  Connection* raw = c.get();
  conns_[raw] = std::move(c);
  by_id_[raw->info().id] = raw;
  server_->RegisterClient(raw);
  raw->Start();
}

void Worker::Retire(Connection* c) {
  by_id_.erase(c->info().id);
  retired_.push_back(c);
}

void Worker::BeforeSleep() {
  FreeRetired();
  persistence::WriteAheadLog* w = nullptr;
  for (int round = 0; round < 4 && !wal_waiters_.empty(); round++) {
    w = server_->persistence().wal();
    if (w != nullptr) w->WriteOut();
    ReleaseWalWaiters();
    if (w != nullptr && w->policy() == persistence::FsyncPolicy::kAlways) return;  // sync thread
  }
  // Replies that a write(2) alone would release must not wait for the next event.
  if (!wal_waiters_.empty() && w != nullptr && w->healthy()) loop_.Post([] {});
}

void Worker::WaitForWal(Connection* c) {
  if (c->wal_waiting_) return;
  c->wal_waiting_ = true;
  wal_waiters_.push_back(c->info().id);
}

void Worker::ReleaseWalWaiters() {
  std::vector<uint64_t> ids;
  ids.swap(wal_waiters_);
  for (uint64_t id : ids) {
    if (Connection* c = FindClient(id)) {
      c->wal_waiting_ = false;
      c->Pump();  // sends what the log now covers; waits again for the rest
    }
  }
}

void Worker::FreeRetired() {
  for (Connection* c : retired_) conns_.erase(c);
  retired_.clear();
}

void Worker::Cron() {
  int64_t now = net::UnixTimeMs();
  if (index_ == 0) {
    server_->SampleOps(now);
    server_->persistence().Cron();
  }
  for (auto& [ptr, conn] : conns_) ptr->Cron(now);
  ActiveExpireCycle();
  FreeRetired();
}

// Active expiry, Redis-style adaptive sampling. Each worker owns the shards i with
// i % workers == index. Per shard and database with volatile keys, sample 20 keys with a TTL and
// delete the expired ones; repeat while more than 10% of a sample was expired (many expired keys
// remain), but stop after a time budget of ~25% of a cron period (Redis's ACTIVE_EXPIRE_CYCLE_
// SLOW_TIME_PERC) so a mass expiry never stalls clients. The share of expired-but-present keys
// is thereby bounded near 10% of volatile keys, and CPU per cycle is bounded by the budget.
void Worker::ActiveExpireCycle() {
  if (server_->persistence().loading()) return;  // the loader owns the keyspace until done
  auto& ks = server_->keyspace();
  int workers = server_->num_workers();
  int hz = static_cast<int>(std::max<int64_t>(1, server_->config().hz.load()));
  int64_t effort = std::clamp<int64_t>(server_->config().active_expire_effort.load(), 1, 10);
  const unsigned samples = static_cast<unsigned>(20 + 5 * (effort - 1));
  const int64_t budget_us = 1000000 / hz * (25 + 2 * (effort - 1)) / 100 / std::max(1, workers);
  int64_t start = net::UnixTimeUs();
  int64_t now_ms = start / 1000;
  for (unsigned s = static_cast<unsigned>(index_); s < storage::kShardCount;
       s += static_cast<unsigned>(workers)) {
    storage::Shard& shard = ks.shard(s);
    for (int db = 0; db < ks.num_dbs(); db++) {
      if (shard.dbs[db]->expires.size() == 0) continue;  // racy read: only a hint
      std::vector<storage::PropagatedCommand> records;
      std::lock_guard lk(shard.mu);
      storage::Db view(&ks, db, now_ms, &records);
      for (int round = 0; round < 16; round++) {
        size_t expired = view.ActiveExpireSample(s, samples, &rng_);
        if (expired * 10 <= samples) break;
        if (net::UnixTimeUs() - start > budget_us) break;
      }
      ks.propagator().Emit(records);
    }
    if (net::UnixTimeUs() - start > budget_us) break;
  }
}

// ---------------------------------------------------------------------------------------------
// Server

sigset_t ShutdownSignals() {
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGTERM);
  sigaddset(&mask, SIGINT);
  return mask;
}

void BlockShutdownSignals() {
  sigset_t mask = ShutdownSignals();
  pthread_sigmask(SIG_BLOCK, &mask, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

Server::Server() {
  RegisterServerConfig(&config_, &registry_);
  commands::RegisterAllFamilies(&commands_);
  RegisterServerFamilies(&commands_);
  ping_cmd_ = commands_.Find("ping");
  exec_cmd_ = commands_.Find("exec");
  std::random_device rd;
  static const char* kHex = "0123456789abcdef";
  for (int i = 0; i < 40; i++) run_id_.push_back(kHex[rd() % 16]);
}

Server::~Server() = default;

Status Server::Configure(const std::vector<std::string>& argv, char** envp) {
  std::vector<std::string> args(argv.begin() + 1, argv.end());
  Status st = registry_.LoadStartup(args, envp);
  if (!st.ok()) return st;
  config_file_ = registry_.config_file();
  LogOptions log;
  log.level = static_cast<LogLevel>(LogLevelStorage()->load());
  log.format = static_cast<LogFormat>(LogFormatStorage()->load());
  log.file = config_.logfile.Get();
  return InitLogging(log);
}

std::vector<int> Server::listening_ports() const {
  std::vector<int> out;
  for (auto& l : listeners_) out.push_back(l->port());
  return out;
}

Status Server::Bind() {
  int port = static_cast<int>(config_.port.load());
  std::string bind = config_.bind.Get();
  std::vector<std::string> addrs;
  size_t p = 0;
  while (p < bind.size()) {
    size_t q = bind.find(' ', p);
    if (q == std::string::npos) q = bind.size();
    if (q > p) addrs.push_back(bind.substr(p, q - p));
    p = q + 1;
  }
  if (addrs.empty()) addrs = {"*", "-::*"};
  for (const auto& a : addrs) {
    std::unique_ptr<Listener> l;
    Status st = Listener::Open(a, port, static_cast<int>(config_.tcp_backlog.load()), &l);
    if (!st.ok()) return st;
    if (l) listeners_.push_back(std::move(l));
  }
  if (listeners_.empty()) return Status::IOError("Failed listening on any address");
  return Status::Ok();
}

void Server::OpenPropagationLog() {
  std::string path = config_.propagation_log_file.Get();
  if (path.empty()) return;
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    CLOG(kWarning, "Cannot open propagation-log-file {}: {}", path, strerror(errno));
    return;
  }
  keyspace_->propagator().AddSink(std::make_shared<storage::FilePropagationSink>(fd));
}

namespace {
class SignalHandler : public net::IoHandler {
 public:
  SignalHandler(Server* s, int fd) : server_(s), fd_(fd) {}
  void OnEvent(uint32_t) override {
    signalfd_siginfo si;
    while (read(fd_, &si, sizeof(si)) == sizeof(si)) {
      const char* name = si.ssi_signo == SIGINT ? "SIGINT" : "SIGTERM";
      CLOG(kWarning, "Received {} scheduling shutdown...", name);
      server_->RequestShutdown();
    }
  }

 private:
  Server* server_;
  int fd_;
};
}  // namespace

void Server::RequestShutdown(int save_mode) {
  shutdown_save_mode_.store(save_mode);
  shutdown_.store(true);
  for (auto& w : workers_) w->loop().Stop();
}

void Server::OnWalProgress() {
  for (auto& w : workers_) {
    Worker* worker = w.get();
    worker->loop().Post([worker] { worker->ReleaseWalWaiters(); });
  }
}

void Server::LoadData() {
  Status s = persistence_->LoadAndStartLog();
  if (!s.ok()) {
    CLOG(kWarning, "Fatal error loading the DB: {}. Exiting.", s.message());
    exit_code_.store(1);
    persistence_->set_loading(false);
    RequestShutdown(-1);
    return;
  }
  OpenPropagationLog();
  keyspace_->set_single_worker(config_.threads.load() == 1);
  persistence_->set_loading(false);
  CLOG(kNotice, "Ready to accept connections tcp");
}

int Server::Run() {
  start_time_ms_ = net::UnixTimeMs();
  net::CalibrateFastClock();
  int64_t threads = config_.threads.load();
  if (threads <= 0) threads = std::max(1u, std::thread::hardware_concurrency());
  config_.threads.store(threads);

  {
    std::random_device rd;
    core::SetHashSeed((static_cast<uint64_t>(rd()) << 32) | rd());
  }
  lazy_freer_ = std::make_unique<storage::LazyFreer>();
  keyspace_ = std::make_unique<storage::Keyspace>(static_cast<int>(config_.databases.load()),
                                                  lazy_freer_.get());
  // Until the data is loaded the loader thread writes the tables: real locks meanwhile.
  keyspace_->set_single_worker(false);
  persistence_ = std::make_unique<Persistence>(this);
  persistence_->set_loading(true);

  std::string dir = config_.dir.Get();
  if (!dir.empty()) {
    std::error_code ec;  // a failure shows up in chdir below
    std::filesystem::create_directories(dir, ec);
    if (chdir(dir.c_str()) != 0) {
      CLOG(kWarning, "Can't chdir to '{}': {}", dir, strerror(errno));
      return 1;
    }
  }

  CLOG(kNotice, "oO0OoO0OoO0Oo Cardinal is starting oO0OoO0OoO0Oo");
  CLOG(kNotice, "Cardinal version={}, redis compatibility={}, pid={}, just started",
       kCardinalVersion, kRedisCompatVersion, getpid());
  if (config_file_.empty()) {
    CLOG(kWarning,
         "Warning: no config file specified, using the default config. In order to specify a "
         "config file use cardinal-server /path/to/cardinal.conf");
  } else {
    CLOG(kNotice, "Configuration loaded");
  }

  Status st = Bind();
  if (!st.ok()) {
    CLOG(kWarning, "{}", st.message());
    return 1;
  }

  std::string pidfile = config_.pidfile.Get();
  if (!pidfile.empty()) {
    std::ofstream(pidfile) << getpid() << "\n";
  }

  // Signals: handled on worker 0's loop through a signalfd (BlockShutdownSignals ran before any
  // thread existed, so every thread has them blocked and none can take the default action).
  sigset_t mask = ShutdownSignals();
  int sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);

  for (int i = 0; i < threads; i++) workers_.push_back(std::make_unique<Worker>(this, i));
  std::vector<std::unique_ptr<AcceptHandler>> accept_handlers;
  for (auto& w : workers_) {
    for (auto& l : listeners_) {
      accept_handlers.push_back(std::make_unique<AcceptHandler>(this, w.get(), l.get()));
      w->loop().Add(l->fd(), EPOLLIN | EPOLLEXCLUSIVE, accept_handlers.back().get());
    }
  }
  SignalHandler sig_handler(this, sfd);
  workers_[0]->loop().Add(sfd, EPOLLIN, &sig_handler);

  CLOG(kNotice, "Server initialized with {} worker thread(s)", threads);
  for (auto& l : listeners_) {
    CLOG(kNotice, "Listening on {}:{}", l->address(), l->port());
  }

  for (size_t i = 1; i < workers_.size(); i++) {
    threads_.emplace_back([this, i] { workers_[i]->loop().Run(); });
  }
  loader_ = std::thread([this] { LoadData(); });
  if (!shutdown_.load()) workers_[0]->loop().Run();
  for (auto& w : workers_) w->loop().Stop();
  for (auto& t : threads_) t.join();
  if (persistence_->loading()) {
    // Nothing was accepted yet, so nothing can be lost; saving a half-loaded dataset would be
    // wrong and waiting for the load could take minutes. The loader thread still runs: leave
    // without destructors (Redis also exits without saving while loading).
    CLOG(kWarning, "Shutdown requested while loading the dataset: exiting without saving.");
    if (!pidfile.empty()) unlink(pidfile.c_str());
    std::_Exit(0);
  }
  loader_.join();

  CLOG(kWarning, "User requested shutdown...");
  if (exit_code_.load() == 0) {
    // No worker runs any more: the log gets every acknowledged write, the snapshot a
    // consistent dataset.
    Status ps = persistence_->Shutdown(shutdown_save_mode_.load());
    if (!ps.ok()) {
      CLOG(kWarning, "{}", ps.message());
      exit_code_.store(1);
    }
  }
  if (!pidfile.empty()) {
    CLOG(kNotice, "Removing the pid file.");
    unlink(pidfile.c_str());
  }
  // Close client connections on their own threads' objects now that all loops stopped.
  workers_.clear();
  lazy_freer_->Drain();
  CLOG(kWarning, "Cardinal is now ready to exit, bye bye...");
  close(sfd);
  persistence_.reset();
  return exit_code_.load();
}

// ---------------------------------------------------------------------------------------------
// Client registry

void Server::RegisterClient(Connection* c) {
  std::lock_guard lk(clients_mu_);
  clients_[c->info().id] = c;
  stats_.connected_clients.fetch_add(1);
}

void Server::UnregisterClient(Connection* c) {
  std::lock_guard lk(clients_mu_);
  if (clients_.erase(c->info().id) > 0) stats_.connected_clients.fetch_sub(1);
}

std::vector<std::shared_ptr<ClientInfo>> Server::ClientInfos() {
  std::lock_guard lk(clients_mu_);
  std::vector<std::shared_ptr<ClientInfo>> out;
  out.reserve(clients_.size());
  for (auto& [id, c] : clients_) out.push_back(c->shared_info());
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a->id < b->id; });
  return out;
}

bool Server::UnblockClient(uint64_t id, bool with_error) {
  std::shared_ptr<storage::BlockedClient> bc;
  {
    std::lock_guard lk(clients_mu_);
    auto it = clients_.find(id);
    if (it == clients_.end()) return false;
    bc = it->second->info().blocked_on;
  }
  if (bc == nullptr || !bc->TryClaim()) return false;
  bc->deliver(with_error ? "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n"
                         : bc->timeout_reply);
  return true;
}

bool Server::KillClient(uint64_t id) {
  std::lock_guard lk(clients_mu_);
  auto it = clients_.find(id);
  if (it == clients_.end()) return false;
  it->second->info().kill_requested.store(true);
  // The owner closes it on its next cron tick (at most 1/hz later), on its own thread.
  return true;
}

// ---------------------------------------------------------------------------------------------
// Statistics

void Server::CountError(std::string_view error_text) {
  size_t sp = error_text.find(' ');
  std::string prefix(error_text.substr(0, sp == std::string_view::npos ? error_text.size() : sp));
  if (prefix.size() > 64) prefix.resize(64);
  stats_.total_error_replies.fetch_add(1, std::memory_order_relaxed);
  std::lock_guard lk(errors_mu_);
  // Redis caps distinct error codes at 128 to keep INFO bounded.
  if (error_stats_.size() >= 128 && !error_stats_.count(prefix)) return;
  error_stats_[prefix]++;
}

std::map<std::string, uint64_t> Server::ErrorStats() {
  std::lock_guard lk(errors_mu_);
  return error_stats_;
}

void Server::ResetStats() {
  {
    std::lock_guard lk(errors_mu_);
    error_stats_.clear();
  }
  // The owning threads may race a reset with an increment and keep one count; acceptable for
  // statistics, and it keeps the hot path free of locked instructions.
  for (auto& w : workers_) {
    for (int i = 0; i < commands_.id_count(); i++) {
      auto& cell = w->cmd_stats()[i];
      cell.calls = 0;
      cell.usec = 0;
      cell.rejected_calls = 0;
      cell.failed_calls = 0;
    }
  }
  stats_.total_connections_received = 0;
  stats_.rejected_connections = 0;
  stats_.net_input_bytes = 0;
  stats_.net_output_bytes = 0;
  stats_.total_error_replies = 0;
  for (unsigned i = 0; i < storage::kShardCount; i++) {
    auto& s = keyspace_->shard(i).stats;
    s.keyspace_hits = 0;
    s.keyspace_misses = 0;
    s.expired_keys = 0;
  }
}

// ---------------------------------------------------------------------------------------------
// Dispatch: the checks every command passes, in Redis's order.

// Redis formats these texts with printf's %.*s, so an argument ends at its first NUL byte.
static std::string_view CString(std::string_view s, size_t max) {
  size_t nul = s.find('\0');
  if (nul != std::string_view::npos) s = s.substr(0, nul);
  return s.substr(0, max);
}

static void UnknownCommandError(commands::ArgList args, std::string* out) {
  out->assign("ERR unknown command '");
  out->append(CString(args[0], 128));
  out->append("', with args beginning with: ");
  size_t budget_start = out->size();
  for (size_t i = 1; i < args.size() && out->size() - budget_start < 128; i++) {
    size_t room = 128 - (out->size() - budget_start);
    out->append("'").append(CString(args[i], room)).append("' ");
  }
}

Server::CommandTotals Server::CommandStats(const commands::Command& c) {
  CommandTotals t;
  for (auto& w : workers_) {
    const auto& cell = w->cmd_stats()[c.id()];
    t.calls += cell.calls.load(std::memory_order_relaxed);
    t.usec += cell.usec.load(std::memory_order_relaxed);
    t.rejected_calls += cell.rejected_calls.load(std::memory_order_relaxed);
    t.failed_calls += cell.failed_calls.load(std::memory_order_relaxed);
  }
  return t;
}

void Server::SampleOps(int64_t now_ms) {
  if (now_ms - ops_sample_ms_ < 1000) return;
  uint64_t total = TotalCommandsProcessed();
  if (ops_sample_ms_ != 0) {
    inst_ops_.store(static_cast<int64_t>((total - ops_sample_count_) * 1000 /
                                         static_cast<uint64_t>(now_ms - ops_sample_ms_)));
  }
  ops_sample_ms_ = now_ms;
  ops_sample_count_ = total;
}

// Every executed command (also inside EXEC) counts once, as Redis's stat_numcommands: the sum of
// all commands' calls.
uint64_t Server::TotalCommandsProcessed() {
  uint64_t n = 0;
  for (auto& w : workers_) {
    for (int i = 0; i < commands_.id_count(); i++) {
      n += w->cmd_stats()[i].calls.load(std::memory_order_relaxed);
    }
  }
  return n;
}

void Server::Dispatch(Connection* conn, commands::ArgList args) {
  commands::ClientState& st = conn->state();
  protocol::ReplyBuilder reply(conn->output());
  reply.set_resp3(st.resp3);
  commands::CommandContext ctx(this, keyspace_.get(), &st, &reply, &config_.cmd);
  commands::CommandStatsCell* cells = conn->worker()->cmd_stats();
  ctx.set_stats_cells(cells);
  ctx.set_deliver_factory(&conn->worker()->deliver_factory());

  const commands::Command* cmd = commands_.Find(args[0]);
  std::string err;
  if (cmd == nullptr) {
    UnknownCommandError(args, &err);
  } else if (cmd->has_subcommands()) {
    if (args.size() < 2) {
      // A container with its own handler (bare COMMAND) runs it; others need a subcommand.
      if (cmd->spec().handler == nullptr) {
        err = "ERR wrong number of arguments for '" + cmd->full_name() + "' command";
        commands::BumpOwned(cells[cmd->id()].rejected_calls);
      }
    } else if (const commands::Command* sub = cmd->FindSubcommand(args[1]); sub != nullptr) {
      cmd = sub;
    } else {
      err = "ERR unknown subcommand '" + std::string(CString(args[1], 128)) + "'. Try " +
            ToUpperAscii(args[0]) + " HELP.";
      cmd = nullptr;
    }
  }
  if (err.empty() && !cmd->CheckArity(args.size())) {
    err = "ERR wrong number of arguments for '" + cmd->full_name() + "' command";
    commands::BumpOwned(cells[cmd->id()].rejected_calls);
  }
  if (err.empty() && !st.authenticated && !(cmd->spec().flags & commands::kNoAuth)) {
    err = protocol::kNoAuthErr;
    commands::BumpOwned(cells[cmd->id()].rejected_calls);
  }
  if (err.empty() && persistence_->loading() && !(cmd->spec().flags & commands::kLoading)) {
    err = "LOADING Redis is loading the dataset in memory";
    commands::BumpOwned(cells[cmd->id()].rejected_calls);
  }
  // Writes (and PING, as Redis does) are refused while the log or the last BGSAVE failed.
  if (err.empty() && ((cmd->spec().flags & commands::kWrite) || cmd == ping_cmd_) &&
      persistence_->WritesRefused(&err)) {
    commands::BumpOwned(cells[cmd->id()].rejected_calls);
  }
  if (!err.empty()) {
    if (st.multi.active) st.multi.aborted = true;
    if (cmd != nullptr && cmd->name() == "exec") {
      // A rejected EXEC discards the transaction and says why (Redis's execCommandAbort).
      st.multi = commands::MultiState();
      UnwatchAll(ctx);
      std::string_view why = err;
      if (why.starts_with("ERR ")) why.remove_prefix(4);
      err = "EXECABORT Transaction discarded because of: " + std::string(why);
    }
    reply.SendError(err);
    CountError(err);
    return;
  }

  conn->info().last_cmd.store(cmd, std::memory_order_relaxed);
  if (st.multi.active && (cmd->spec().flags & commands::kNoMulti)) {
    // Rejected, and like any rejection inside MULTI it dooms the transaction (EXECABORT).
    std::string e = "ERR Command not allowed inside a transaction";
    st.multi.aborted = true;
    commands::BumpOwned(cells[cmd->id()].rejected_calls);
    reply.SendError(e);
    CountError(e);
    return;
  }
  if (st.multi.active && !(cmd->spec().flags & commands::kTransactionControl)) {
    st.multi.queued.emplace_back(args.begin(), args.end());
    st.multi.queued_cmds.push_back(cmd);
    conn->info().multi_count.store(static_cast<int>(st.multi.queued.size()));
    reply.SendSimple("QUEUED");
    return;
  }

  size_t before = conn->output()->size();
  bool skip_this = st.skip_next_reply;
  st.skip_next_reply = false;
  Execute(cmd, args, ctx, conn->batch_clock_us());
  if ((cmd->spec().flags & (commands::kWrite | commands::kReadOnly)) || cmd->spec().keys.first > 0 ||
      cmd->spec().key_extractor != nullptr || cmd == exec_cmd_) {
    conn->NoteDataReply();
  }
  if (!ctx.ready_keys().empty()) commands::ServeReadyKeys(ctx);
  commands::BumpOwned(conn->info().tot_cmds);
  conn->info().db.store(st.db, std::memory_order_relaxed);
  conn->info().in_multi.store(st.multi.active, std::memory_order_relaxed);
  conn->info().multi_count.store(st.multi.active ? static_cast<int>(st.multi.queued.size()) : -1,
                                 std::memory_order_relaxed);
  // CLIENT REPLY OFF|SKIP: drop this command's reply (CLIENT REPLY OFF/SKIP get none themselves).
  if (skip_this || st.suppress_current_reply ||
      st.reply_mode == commands::ClientState::ReplyMode::kOff) {
    conn->output()->resize(before);
    st.suppress_current_reply = false;
  }
}

void Server::RecordSlowCommand(commands::ArgList args, int64_t end_us, int64_t duration_us,
                               const ClientInfo* info) {
  std::string addr, name;
  if (info != nullptr) {
    addr = info->addr;
    std::lock_guard lk(clients_mu_);
    name = info->name;
  }
  slowlog_.Add(args, end_us / 1000000, duration_us, std::move(addr), std::move(name),
               static_cast<size_t>(std::max<int64_t>(0, config_.slowlog_max_len.load())));
}

void Server::Execute(const commands::Command* cmd, commands::ArgList args,
                     commands::CommandContext& ctx, int64_t* clock_us) {
  int64_t start = *clock_us != 0 ? *clock_us : net::FastUnixTimeUs();
  ctx.set_command(cmd);
  ctx.set_now_ms(start / 1000);
  std::string* out = ctx.reply().out();
  size_t before = out->size();
  cmd->spec().handler(args, ctx);
  int64_t end = net::FastUnixTimeUs();
  *clock_us = end;
  commands::CommandStatsCell* cells = ctx.stats_cells();
  if (cells != nullptr) {
    auto& s = cells[cmd->id()];
    commands::BumpOwned(s.calls);
    // The realtime clock may step backwards; a negative duration counts as zero.
    commands::BumpOwned(s.usec, end > start ? static_cast<uint64_t>(end - start) : 0);
  }
  int64_t duration = end > start ? end - start : 0;
  int64_t slower_than = config_.slowlog_log_slower_than.load(std::memory_order_relaxed);
  if (slower_than >= 0 && duration >= slower_than &&
      !(cmd->spec().flags & commands::kSkipSlowlog)) {
    RecordSlowCommand(args, end, duration, ctx.client().info);
  }
  if (out->size() > before && (*out)[before] == '-') {
    if (cells != nullptr) commands::BumpOwned(cells[cmd->id()].failed_calls);
    size_t eol = out->find('\r', before);
    CountError(std::string_view(*out).substr(before + 1, eol - before - 1));
  }
}

}  // namespace cardinal::server
