#include "server/persistence.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <functional>

#include <fmt/format.h>

#include "common/logging.h"
#include "common/string_util.h"
#include "common/version.h"
#include "net/event_loop.h"
#include "persistence/wal_format.h"
#include "protocol/reply_builder.h"
#include "server/server.h"

namespace cardinal::server {

using persistence::AofManifest;
using persistence::FsyncPolicy;
using persistence::WriteAheadLog;

namespace {

// Redis's texts, so clients and tools that match on them keep working.
constexpr const char* kBgsaveErr =
    "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to "
    "disk. Commands that may modify the data set are disabled, because this instance is "
    "configured to report errors during writes if RDB snapshotting fails "
    "(stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB "
    "error.";

// Private_Dirty of this process (smaps_rollup): in a forked child, the memory copy-on-write
// duplicated.
uint64_t PrivateDirtyBytes() {
  int fd = ::open("/proc/self/smaps_rollup", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char buf[4096];
  ssize_t n = ::read(fd, buf, sizeof(buf) - 1);
  ::close(fd);
  if (n <= 0) return 0;
  buf[n] = 0;
  const char* p = std::strstr(buf, "Private_Dirty:");
  if (p == nullptr) return 0;
  return std::strtoull(p + 14, nullptr, 10) * 1024;
}

}  // namespace

Persistence::Persistence(Server* server) : server_(server) {
  lastsave_unix_.store(net::UnixTimeMs() / 1000);
}

Persistence::~Persistence() {
  if (child_pid_ > 0) {
    ::kill(child_pid_, SIGUSR1);
    ::waitpid(child_pid_, nullptr, 0);
  }
  if (WriteAheadLog* w = wal()) w->Close();
}

std::string Persistence::aof_dir() const { return server_->config().appenddirname.Get(); }

std::string Persistence::RewriteTempName(pid_t child) const {
  return persistence::JoinPath(aof_dir(), fmt::format("{}.rewrite-{}.rdb", prefix(), child));
}

std::string Persistence::prefix() const { return server_->config().appendfilename.Get(); }

bool Persistence::SaveRulesSet() const { return !server_->config().save.Get().empty(); }

uint64_t Persistence::DirtySinceSave() const {
  uint64_t now = server_->keyspace().SumStat(&storage::ShardStats::dirty);
  uint64_t base = dirty_baseline_.load(std::memory_order_relaxed);
  return now > base ? now - base : 0;
}

persistence::RdbSaveOptions Persistence::SaveOptions(bool aof_base) const {
  persistence::RdbSaveOptions o;
  const ServerConfig& c = server_->config();
  o.compression = c.rdbcompression.load() != 0;
  o.checksum = c.rdbchecksum.load() != 0;
  o.aux = {{"redis-ver", kRedisCompatVersion},
           {"redis-bits", "64"},
           {"ctime", std::to_string(net::UnixTimeMs() / 1000)},
           {"used-mem", std::to_string(server_->keyspace().UsedBytes())},
           {"aof-base", aof_base ? "1" : "0"}};
  return o;
}

persistence::RdbLoadOptions Persistence::LoadOptions() const {
  persistence::RdbLoadOptions o;
  const auto& c = server_->config().cmd;
  o.list_max_listpack_size = c.list_max_listpack_size.load();
  o.hash_max_listpack_entries = c.hash_max_listpack_entries.load();
  o.hash_max_listpack_value = c.hash_max_listpack_value.load();
  o.set_max_intset_entries = c.set_max_intset_entries.load();
  o.zset_max_listpack_entries = c.zset_max_listpack_entries.load();
  o.zset_max_listpack_value = c.zset_max_listpack_value.load();
  o.expired_before_ms = net::UnixTimeMs();
  o.key_load_delay_us = server_->config().key_load_delay.load();
  return o;
}

// ---------------------------------------------------------------------------------------------
// Start-up

namespace {
Status LoadSnapshotLogged(storage::Keyspace& ks, persistence::Env* env, const std::string& path,
                          const persistence::RdbLoadOptions& options, uint64_t* loaded) {
  persistence::RdbLoadStats st;
  Status s = persistence::LoadRdbFile(ks, env, path, options, &st);
  if (!s.ok()) return s;
  CLOG(kNotice, "Done loading RDB {}, keys loaded: {}, keys expired: {}.", path, st.keys_loaded,
       st.keys_expired_skipped);
  if (st.keys_empty_skipped > 0) CLOG(kNotice, "Empty keys skipped: {}", st.keys_empty_skipped);
  *loaded = st.keys_loaded;
  return Status::Ok();
}
}  // namespace

Status Persistence::LoadAndStartLog() {
  loading_start_ms_.store(net::UnixTimeMs());
  int64_t start = net::MonotonicMs();
  auto& ks = server_->keyspace();
  std::string rdb = server_->config().dbfilename.Get();
  bool aof = server_->config().appendonly.load() != 0;
  Status s;
  if (aof) {
    AofManifest manifest;
    s = AofManifest::Load(&env_, aof_dir(), prefix(), &manifest);
    if (s.ok()) {
      s = LoadAof(manifest);
      if (!s.ok()) return s;
      RemoveUnreferencedFiles(manifest);
      CLOG(kNotice, "DB loaded from append only file: {:.3f} seconds",
           (net::MonotonicMs() - start) / 1000.0);
      std::lock_guard lk(mu_);
      s = OpenLog(manifest);
    } else if (s.code() == Status::Code::kNotFound) {
      // No log yet. Unlike Redis 7.0 (which would start empty and lose the snapshot), an
      // existing dump.rdb seeds the new log.
      if (env_.FileExists(rdb)) {
        uint64_t loaded = 0;
        s = LoadSnapshotLogged(ks, &env_, rdb, LoadOptions(), &loaded);
        if (!s.ok()) return s;
        loaded_keys_.store(loaded);
        CLOG(kNotice, "DB loaded from disk: {:.3f} seconds", (net::MonotonicMs() - start) / 1000.0);
      }
      s = env_.CreateDirIfMissing(aof_dir());
      std::lock_guard lk(mu_);
      if (s.ok()) s = CreateLogFromDataset();
    }
    if (s.ok()) appendonly_on_ = true;
  } else if (env_.FileExists(rdb)) {
    uint64_t loaded = 0;
    s = LoadSnapshotLogged(ks, &env_, rdb, LoadOptions(), &loaded);
    if (s.ok()) {
      loaded_keys_.store(loaded);
      CLOG(kNotice, "DB loaded from disk: {:.3f} seconds", (net::MonotonicMs() - start) / 1000.0);
    }
  }
  // What was loaded is on disk already: start counting changes from here.
  dirty_baseline_.store(ks.SumStat(&storage::ShardStats::dirty));
  return s;
}

Status Persistence::LoadAof(const AofManifest& manifest) {
  auto& ks = server_->keyspace();
  if (manifest.base) {
    uint64_t loaded = 0;
    Status s = LoadSnapshotLogged(ks, &env_, persistence::JoinPath(aof_dir(), manifest.base->name),
                                  LoadOptions(), &loaded);
    if (!s.ok()) return s;
    loaded_keys_.store(loaded);
  }
  for (size_t i = 0; i < manifest.incrs.size(); i++) {
    Status s = ReplayIncr(manifest.incrs[i].name, i + 1 == manifest.incrs.size());
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

// Applies one incremental file. Commands run through their handlers like a client's, but with no
// client, no stats and no propagation (the log's sink is registered only after loading).
Status Persistence::ReplayIncr(const std::string& name, bool last) {
  std::string path = persistence::JoinPath(aof_dir(), name);
  std::string data;
  Status s = persistence::ReadWholeFile(&env_, path, &data);
  if (!s.ok()) {
    if (s.code() == Status::Code::kNotFound && last) return Status::Ok();  // created, never synced
    return s;
  }
  commands::ClientState client;
  std::string out;
  protocol::ReplyBuilder reply(&out);
  commands::CommandContext ctx(server_, &server_->keyspace(), &client, &reply, &server_->config().cmd);
  std::vector<storage::PropagatedCommand> batch;
  std::vector<std::string_view> args;
  uint64_t commands_applied = 0, failed = 0;
  const int64_t delay_us = server_->config().key_load_delay.load();
  Status cb;
  persistence::wal::ScanResult r = persistence::wal::Scan(
      data,
      [&](std::string_view payload, uint64_t offset) {
        Status d = persistence::wal::DecodeBatch(payload, &batch);
        if (!d.ok()) {
          return Status::Corruption(fmt::format("{}: {} at offset {}", name, d.message(), offset));
        }
        for (const auto& rec : batch) {
          const commands::Command* cmd = server_->commands().Find(rec.argv[0]);
          if (cmd != nullptr && cmd->has_subcommands() && rec.argv.size() > 1) {
            cmd = cmd->FindSubcommand(rec.argv[1]);
          }
          if (cmd == nullptr || !cmd->CheckArity(rec.argv.size())) {
            return Status::Corruption(fmt::format("{}: unknown command '{}' in the record at offset {}",
                                                  name, std::string_view(rec.argv[0]).substr(0, 64), offset));
          }
          if (rec.db < 0 || rec.db >= server_->keyspace().num_dbs()) {
            return Status::Corruption(fmt::format("{}: database {} out of range at offset {}", name,
                                                  rec.db, offset));
          }
          client.db = rec.db;
          args.assign(rec.argv.begin(), rec.argv.end());
          out.clear();
          ctx.set_command(cmd);
          ctx.set_now_ms(net::UnixTimeMs());
          cmd->spec().handler(args, ctx);
          if (!out.empty() && out[0] == '-') {
            if (failed++ < 10) {
              CLOG(kWarning, "{}: replaying '{}' at offset {} failed: {}", name,
                   std::string_view(rec.argv[0]).substr(0, 64), offset, out.substr(1, out.find('\r') - 1));
            }
          }
          commands_applied++;
          if (delay_us > 0) std::this_thread::sleep_for(std::chrono::microseconds(delay_us));
        }
        return Status::Ok();
      },
      &cb);
  if (!cb.ok()) return cb;
  using Kind = persistence::wal::ScanResult::Kind;
  switch (r.kind) {
    case Kind::kClean:
      break;
    case Kind::kBadHeader:
      return Status::Corruption(fmt::format("{}: {}", path, r.reason));
    case Kind::kCorrupt:
      return Status::Corruption(fmt::format(
          "Bad file format reading the append only file {}: {} at offset {} (valid records "
          "follow it, so this is damage in the middle of the log, not a torn tail). Use "
          "cardinal-check-aof to inspect it",
          path, r.reason, r.bad_offset));
    case Kind::kTornTail: {
      uint64_t dropped = data.size() - r.good_end;
      if (!last || server_->config().aof_load_truncated.load() == 0) {
        return Status::Corruption(fmt::format(
            "Unexpected end of file reading the append only file {} at offset {} ({}); {}", path,
            r.bad_offset, r.reason,
            last ? "aof-load-truncated is off" : "only the last file of the log may be cut short"));
      }
      CLOG(kWarning,
           "!!! Warning: short read while loading the AOF file {}!!! Truncating {} bytes at offset "
           "{} ({}); {} records loaded.",
           path, dropped, r.good_end, r.reason, r.records);
      s = env_.TruncateFile(path, r.good_end);
      if (!s.ok()) return s;
      break;
    }
  }
  CLOG(kNotice, "Replayed {} commands from {}", commands_applied, name);
  return Status::Ok();
}

void Persistence::RemoveUnreferencedFiles(const AofManifest& manifest) {
  std::vector<std::string> names;
  if (!env_.ListDir(aof_dir(), &names).ok()) return;
  std::vector<std::string> keep = manifest.FileNames();
  keep.push_back(AofManifest::ManifestName(prefix()));
  for (const auto& n : names) {
    if (!n.starts_with(prefix() + ".")) continue;
    if (std::find(keep.begin(), keep.end(), n) != keep.end()) continue;
    CLOG(kNotice, "Removing {}: the manifest no longer names it", n);
    env_.DeleteFile(persistence::JoinPath(aof_dir(), n));
  }
}

Status Persistence::OpenLog(AofManifest manifest) {
  if (manifest.incrs.empty()) {
    manifest.incrs.push_back({AofManifest::IncrName(prefix(), manifest.NextSeq()), manifest.NextSeq()});
    Status s = manifest.Save(&env_, aof_dir(), prefix());
    if (!s.ok()) return s;
  }
  WriteAheadLog::Options o;
  o.env = &env_;
  o.dir = aof_dir();
  o.prefix = prefix();
  o.fsync = static_cast<FsyncPolicy>(server_->config().appendfsync.load());
  auto log = std::make_unique<WriteAheadLog>(o);
  Status s = log->Open(manifest.incrs.back().name);
  if (!s.ok()) return s;
  uint64_t older = 0, base = 0;
  if (manifest.base) env_.GetFileSize(persistence::JoinPath(aof_dir(), manifest.base->name), &base);
  for (size_t i = 0; i + 1 < manifest.incrs.size(); i++) {
    uint64_t sz = 0;
    env_.GetFileSize(persistence::JoinPath(aof_dir(), manifest.incrs[i].name), &sz);
    older += sz;
  }
  older_incr_bytes_.store(base + older);
  if (aof_base_size_.load() == 0) aof_base_size_.store(base + older + log->current_size());
  log->SetProgressCallback([srv = server_] { srv->OnWalProgress(); });
  WriteAheadLog* raw = log.get();
  manifest_ = std::move(manifest);
  logs_.push_back(std::move(log));
  server_->keyspace().propagator().AddSink(
      std::shared_ptr<storage::PropagationSink>(raw, [](storage::PropagationSink*) {}));
  wal_.store(raw, std::memory_order_release);
  return Status::Ok();
}

Status Persistence::CreateLogFromDataset() {
  uint64_t seq = manifest_.NextSeq();
  AofManifest fresh;
  fresh.base = AofManifest::File{AofManifest::BaseName(prefix(), seq), seq};
  fresh.incrs.push_back({AofManifest::IncrName(prefix(), seq), seq});
  persistence::RdbSaveStats st;
  Status s = persistence::SaveRdbFile(server_->keyspace(), &env_,
                                      persistence::JoinPath(aof_dir(), fresh.base->name),
                                      SaveOptions(true), &st);
  if (s.ok()) s = fresh.Save(&env_, aof_dir(), prefix());
  if (!s.ok()) return s;
  RemoveUnreferencedFiles(fresh);
  aof_base_size_.store(0);
  return OpenLog(fresh);
}

void Persistence::DisableLog() {
  WriteAheadLog* w = wal_.exchange(nullptr);
  if (w == nullptr) return;
  server_->keyspace().propagator().RemoveSink(w);
  w->Close();
  server_->OnWalProgress();  // replies that waited for it go out now
}

// ---------------------------------------------------------------------------------------------
// Write refusal

bool Persistence::WritesRefused(std::string* err) const {
  if (WriteAheadLog* w = wal(); w != nullptr && !w->healthy()) {
    *err = fmt::format("MISCONF Errors writing to the AOF file: {}", strerror(w->last_errno()));
    return true;
  }
  if (!last_bgsave_ok_.load(std::memory_order_relaxed) &&
      server_->config().stop_writes_on_bgsave_error.load(std::memory_order_relaxed) != 0 &&
      SaveRulesSet()) {
    *err = kBgsaveErr;
    return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Snapshots

Status Persistence::Save() {
  {
    std::lock_guard lk(mu_);
    if (child_kind_ == ChildKind::kRdb) return Status::InvalidArgument("ERR Background save already in progress");
  }
  auto& ks = server_->keyspace();
  ks.Lock(storage::Keyspace::kAllShards);
  uint64_t dirty = ks.SumStat(&storage::ShardStats::dirty);
  persistence::RdbSaveStats st;
  Status s = persistence::SaveRdbFile(ks, &env_, server_->config().dbfilename.Get(),
                                      SaveOptions(false), &st);
  ks.Unlock(storage::Keyspace::kAllShards);
  if (!s.ok()) {
    CLOG(kWarning, "Failed saving the DB: {}", s.message());
    last_bgsave_ok_.store(false);
    return Status::IOError("ERR");
  }
  CLOG(kNotice, "DB saved on disk");
  KeepBackup();
  dirty_baseline_.store(dirty);
  lastsave_unix_.store(net::UnixTimeMs() / 1000);
  last_bgsave_ok_.store(true);
  rdb_saves_.fetch_add(1);
  return Status::Ok();
}

pid_t Persistence::ForkSnapshot(const std::string& path, bool aof_base,
                                const std::function<Status()>& in_lock, Status* in_lock_status) {
  auto& ks = server_->keyspace();
  persistence::RdbSaveOptions opts = SaveOptions(aof_base);
  int64_t delay_us = server_->config().rdb_key_save_delay.load();
  opts.key_save_delay_us = delay_us;
  // Every shard locked: no write is half-done in the child's copy of memory.
  ks.Lock(storage::Keyspace::kAllShards);
  *in_lock_status = in_lock ? in_lock() : Status::Ok();
  if (!in_lock_status->ok()) {
    ks.Unlock(storage::Keyspace::kAllShards);
    return -1;
  }
  dirty_at_fork_ = ks.SumStat(&storage::ShardStats::dirty);
  pid_t parent = ::getpid();
  int cow_pipe[2] = {-1, -1};
  if (::pipe2(cow_pipe, O_CLOEXEC | O_NONBLOCK) != 0) cow_pipe[0] = cow_pipe[1] = -1;
  pid_t pid = ::fork();
  if (pid == 0) {
    // The child: one thread, a frozen copy of the keyspace. Nothing here may take a lock another
    // thread of the parent could have held at the fork. It dies with the parent: an orphan
    // finishing later must not rename files under a restarted server.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(1);
    SetLogRole('C');
    signal(SIGUSR1, SIG_DFL);
    persistence::RdbSaveStats st;
    Status s = persistence::SaveRdbFile(ks, persistence::Env::Posix(),
                                        aof_base ? RewriteTempName(::getpid()) : path, opts, &st);
    if (!s.ok()) {
      CLOG(kWarning, "Write error saving DB on disk: {}", s.message());
      ::_exit(1);
    }
    // What copy-on-write cost: the pages this child no longer shares with the parent (both
    // sides' writes), reported to the parent for INFO's *_last_cow_size, as Redis does.
    uint64_t cow = PrivateDirtyBytes();
    CLOG(kNotice, "{} saved on disk ({} keys); {} MB of memory used by copy-on-write",
         aof_base ? "AOF base" : "DB", st.keys, cow >> 20);
    if (cow_pipe[1] >= 0) {
      ssize_t w = ::write(cow_pipe[1], &cow, sizeof(cow));
      (void)w;
    }
    ::_exit(0);
  }
  if (cow_pipe[1] >= 0) ::close(cow_pipe[1]);
  if (pid > 0) {
    ks.set_fork_child_active(true);
    cow_fd_ = cow_pipe[0];
  } else if (cow_pipe[0] >= 0) {
    ::close(cow_pipe[0]);
  }
  ks.Unlock(storage::Keyspace::kAllShards);
  return pid;
}

std::string Persistence::BgSave(bool schedule) {
  std::lock_guard lk(mu_);
  if (child_kind_ == ChildKind::kRdb) return "-ERR Background save already in progress";
  if (child_kind_ == ChildKind::kRewrite) {
    if (!schedule) {
      return "-ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE "
             "SCHEDULE in order to schedule a BGSAVE whenever possible.";
    }
    bgsave_scheduled_ = true;
    return "+Background saving scheduled";
  }
  last_bgsave_try_ms_ = net::UnixTimeMs();
  Status unused;
  pid_t pid = ForkSnapshot(server_->config().dbfilename.Get(), false, nullptr, &unused);
  if (pid < 0) {
    last_bgsave_ok_.store(false);
    return fmt::format("-ERR Background save failed: fork: {}", strerror(errno));
  }
  CLOG(kNotice, "Background saving started by pid {}", pid);
  child_pid_ = pid;
  child_kind_ = ChildKind::kRdb;
  child_start_ms_ = net::UnixTimeMs();
  bgsave_scheduled_ = false;
  return "+Background saving started";
}

std::string Persistence::BgRewriteAof() {
  std::lock_guard lk(mu_);
  if (child_kind_ == ChildKind::kRewrite) {
    return "-ERR Background append only file rewriting already in progress";
  }
  if (child_kind_ == ChildKind::kRdb) {
    rewrite_scheduled_ = true;
    return "+Background append only file rewriting scheduled";
  }
  WriteAheadLog* w = wal();
  if (w == nullptr) {
    // Redis rewrites even with appendonly off (an AOF that is not used); with no log there is
    // nothing to compact, so say so.
    return "-ERR Background append only file rewriting needs appendonly yes";
  }
  uint64_t seq = manifest_.NextSeq();
  // In the fork's locked instant: later records go to a new incremental file, which the
  // manifest lists right away, so a crash during the rewrite replays old base + all incrs.
  Status rotate;
  pid_t pid = ForkSnapshot(
      "", true,
      [&]() -> Status {
        AofManifest next = manifest_;
        next.incrs.push_back({AofManifest::IncrName(prefix(), seq), seq});
        // Manifest first: a record must never go to a file the manifest does not name (a listed
        // last file that does not exist yet is simply empty at load).
        uint64_t finished_size = w->current_size();
        Status s = next.Save(&env_, aof_dir(), prefix());
        if (!s.ok()) return s;
        s = w->Rotate(next.incrs.back().name);
        if (!s.ok()) return s;
        older_incr_bytes_.fetch_add(finished_size);
        manifest_ = std::move(next);
        return Status::Ok();
      },
      &rotate);
  if (!rotate.ok()) {
    last_rewrite_ok_.store(false);
    return fmt::format("-ERR Background append only file rewriting failed: {}", rotate.message());
  }
  if (pid < 0) {
    last_rewrite_ok_.store(false);
    return fmt::format("-ERR Can't rewrite append only file in background: fork: {}",
                       strerror(errno));
  }
  CLOG(kNotice, "Background append only file rewriting started by pid {}", pid);
  child_pid_ = pid;
  child_kind_ = ChildKind::kRewrite;
  child_start_ms_ = net::UnixTimeMs();
  rewrite_seq_ = seq;
  rewrite_scheduled_ = false;
  return "+Background append only file rewriting started";
}

// REQUIRES: mu_.
bool Persistence::FinishRewrite(bool ok) {
  std::string base_name = AofManifest::BaseName(prefix(), rewrite_seq_);
  std::string temp = RewriteTempName(child_pid_);
  if (ok) {
    // The child wrote a temporary name: only this process, which knows the rewrite is still
    // wanted, gives it the name the new manifest will use.
    Status s = env_.RenameFile(temp, persistence::JoinPath(aof_dir(), base_name));
    if (s.ok()) s = env_.SyncDir(aof_dir());
    if (!s.ok()) {
      CLOG(kWarning, "Can't install the rewritten AOF base: {}", s.message());
      ok = false;
    }
  }
  if (!ok) {
    env_.DeleteFile(temp);
    return false;
  }
  AofManifest next;
  next.base = AofManifest::File{base_name, rewrite_seq_};
  for (const auto& f : manifest_.incrs) {
    if (f.seq >= rewrite_seq_) next.incrs.push_back(f);
  }
  Status s = next.Save(&env_, aof_dir(), prefix());
  if (!s.ok()) {
    CLOG(kWarning, "Can't write the AOF manifest after a rewrite: {}", s.message());
    return false;
  }
  manifest_ = next;
  RemoveUnreferencedFiles(next);
  uint64_t base = 0;
  env_.GetFileSize(persistence::JoinPath(aof_dir(), base_name), &base);
  older_incr_bytes_.store(base);
  WriteAheadLog* w = wal();
  aof_base_size_.store(base + (w ? w->current_size() : 0));
  aof_rewrites_.fetch_add(1);
  CLOG(kNotice, "Background AOF rewrite finished successfully");
  return true;
}

void Persistence::ReapChild() {
  if (child_pid_ <= 0) return;
  int status = 0;
  pid_t r = ::waitpid(child_pid_, &status, WNOHANG);
  if (r == 0) return;
  bool ok = r == child_pid_ && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  int64_t secs = (net::UnixTimeMs() - child_start_ms_) / 1000;
  uint64_t cow = 0;
  if (cow_fd_ >= 0) {
    if (::read(cow_fd_, &cow, sizeof(cow)) != sizeof(cow)) cow = 0;
    ::close(cow_fd_);
    cow_fd_ = -1;
  }
  (child_kind_ == ChildKind::kRdb ? last_rdb_cow_bytes_ : last_aof_cow_bytes_).store(cow);
  if (child_kind_ == ChildKind::kRdb) {
    if (ok) {
      CLOG(kNotice, "Background saving terminated with success");
      KeepBackup();
      uint64_t base = dirty_baseline_.load();
      if (dirty_at_fork_ > base) dirty_baseline_.store(dirty_at_fork_);
      lastsave_unix_.store(net::UnixTimeMs() / 1000);
      rdb_saves_.fetch_add(1);
    } else {
      CLOG(kWarning, "Background saving error");
    }
    last_bgsave_ok_.store(ok);
    last_bgsave_time_sec_.store(secs);
  } else {
    ok = FinishRewrite(ok);
    if (!ok) CLOG(kWarning, "Background AOF rewrite terminated with error");
    last_rewrite_ok_.store(ok);
    last_rewrite_time_sec_.store(secs);
  }
  child_pid_ = -1;
  child_kind_ = ChildKind::kNone;
  StopChildMode();
}

void Persistence::StopChildMode() {
  auto& ks = server_->keyspace();
  ks.Lock(storage::Keyspace::kAllShards);
  ks.set_fork_child_active(false);
  ks.Unlock(storage::Keyspace::kAllShards);
  ks.ReleaseDeferredFrees();
}

void Persistence::Cron() {
  if (loading()) return;
  const ServerConfig& c = server_->config();
  // CONFIG SET appendonly / appendfsync. Lock order everywhere: mu_, then shard locks.
  bool want_aof = c.appendonly.load() != 0;
  if (want_aof != appendonly_on_) {
    std::lock_guard lk(mu_);
    if (child_pid_ > 0) {
      // A child is writing: switch once it is done (next ticks).
    } else if (want_aof) {
      auto& ks = server_->keyspace();
      ks.Lock(storage::Keyspace::kAllShards);
      Status s = env_.CreateDirIfMissing(aof_dir());
      if (s.ok()) s = CreateLogFromDataset();
      ks.Unlock(storage::Keyspace::kAllShards);
      if (s.ok()) {
        CLOG(kNotice, "AOF enabled: base written, logging writes");
        appendonly_on_ = true;
      } else {
        CLOG(kWarning, "Can't enable the append only file: {}", s.message());
        server_->config().appendonly.store(0);
      }
    } else {
      DisableLog();
      appendonly_on_ = false;
    }
  }
  if (WriteAheadLog* w = wal()) w->set_policy(static_cast<FsyncPolicy>(c.appendfsync.load()));

  std::lock_guard lk(mu_);
  ReapChild();
  if (child_pid_ > 0) return;
  int64_t now_ms = net::UnixTimeMs();
  if (rewrite_scheduled_) {
    mu_.unlock();
    BgRewriteAof();
    mu_.lock();
    return;
  }
  bool start_bgsave = bgsave_scheduled_;
  // save <seconds> <changes>: after a failure, retry no sooner than 5 s (Redis's delay).
  std::string rules = c.save.Get();
  if (!start_bgsave && !rules.empty()) {
    uint64_t dirty = DirtySinceSave();
    int64_t since = now_ms / 1000 - lastsave_unix();
    bool may_retry = last_bgsave_ok_.load() || now_ms - last_bgsave_try_ms_ > 5000;
    std::vector<std::string_view> w = SplitSpaces(rules);
    for (size_t i = 0; i + 1 < w.size() && may_retry; i += 2) {
      int64_t secs = 0, changes = 0;
      ParseInt64(w[i], &secs);
      ParseInt64(w[i + 1], &changes);
      if (dirty >= static_cast<uint64_t>(changes) && since >= secs && dirty > 0) {
        CLOG(kNotice, "{} changes in {} seconds. Saving...", changes, secs);
        start_bgsave = true;
        break;
      }
    }
  }
  if (start_bgsave) {
    mu_.unlock();
    BgSave(false);
    mu_.lock();
    return;
  }
  // auto-aof-rewrite-percentage / -min-size.
  if (WriteAheadLog* w = wal()) {
    int64_t perc = c.auto_aof_rewrite_percentage.load();
    uint64_t size = older_incr_bytes_.load() + w->current_size();
    uint64_t base = std::max<uint64_t>(1, aof_base_size_.load());
    if (perc > 0 && size > static_cast<uint64_t>(c.auto_aof_rewrite_min_size.load()) &&
        (size - std::min(size, base)) * 100 / base >= static_cast<uint64_t>(perc)) {
      CLOG(kNotice, "Starting automatic rewriting of AOF on {}% growth", (size - base) * 100 / base);
      mu_.unlock();
      BgRewriteAof();
      mu_.lock();
    }
  }
}

void Persistence::KeepBackup() {
  std::string dir = server_->config().backup_dir.Get();
  if (dir.empty()) return;
  std::string src = server_->config().dbfilename.Get();
  Status s = env_.CreateDirIfMissing(dir);
  // Names sort by time; the millisecond keeps two saves in one second apart.
  std::string name = fmt::format("dump-{}.rdb", net::UnixTimeMs());
  std::string dst = persistence::JoinPath(dir, name);
  if (s.ok() && ::link(src.c_str(), dst.c_str()) != 0) {
    // Another file system (EXDEV) or no hard links: copy. dump.rdb is only ever replaced by a
    // rename, so the inode linked or read here is a whole snapshot.
    std::string data;
    s = persistence::ReadWholeFile(&env_, src, &data);
    if (s.ok()) s = persistence::WriteFileAtomically(&env_, dst, data);
  }
  if (!s.ok()) {
    CLOG(kWarning, "Can't keep a backup of {} in {}: {}", src, dir, s.message());
    return;
  }
  std::vector<std::string> names;
  if (!env_.ListDir(dir, &names).ok()) return;
  std::erase_if(names, [](const std::string& n) {
    return !n.starts_with("dump-") || !n.ends_with(".rdb");
  });
  std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() < b.size() : a < b;  // numeric order of the stamps
  });
  size_t keep = static_cast<size_t>(server_->config().backup_keep.load());
  for (size_t i = 0; i + keep < names.size(); i++) {
    env_.DeleteFile(persistence::JoinPath(dir, names[i]));
  }
  CLOG(kNotice, "Backup kept as {}", dst);
}

Status Persistence::Shutdown(int save_mode) {
  {
    std::lock_guard lk(mu_);
    if (child_pid_ > 0) {
      CLOG(kWarning, "There is a child saving an .rdb or rewriting the AOF. Killing it!");
      ::kill(child_pid_, SIGUSR1);
      ::waitpid(child_pid_, nullptr, 0);
      if (child_kind_ == ChildKind::kRewrite) FinishRewrite(false);
      if (cow_fd_ >= 0) ::close(cow_fd_);
      cow_fd_ = -1;
      child_pid_ = -1;
      StopChildMode();
      child_kind_ = ChildKind::kNone;
    }
  }
  if (WriteAheadLog* w = wal()) {
    CLOG(kNotice, "Calling fsync() on the AOF file.");
    Status s = w->Close();
    if (!s.ok()) return s;
  }
  if (save_mode > 0 || (save_mode == 0 && SaveRulesSet())) {
    CLOG(kNotice, "Saving the final RDB snapshot before exiting.");
    Status s = Save();
    if (!s.ok()) {
      CLOG(kWarning, "Error trying to save the DB, can't exit.");
      return Status::IOError("Errors trying to SHUTDOWN. Check logs.");
    }
  }
  return Status::Ok();
}

std::string Persistence::InfoSection() {
  std::lock_guard lk(mu_);
  int64_t now_ms = net::UnixTimeMs();
  WriteAheadLog* w = wal();
  bool loading_now = loading();
  std::string out = fmt::format(
      "# Persistence\r\n"
      "loading:{}\r\n"
      "async_loading:0\r\n"
      "current_cow_peak:0\r\n"
      "current_cow_size:0\r\n"
      "current_cow_size_age:0\r\n"
      "current_fork_perc:0.00\r\n"
      "current_save_keys_processed:0\r\n"
      "current_save_keys_total:0\r\n"
      "rdb_changes_since_last_save:{}\r\n"
      "rdb_bgsave_in_progress:{}\r\n"
      "rdb_last_save_time:{}\r\n"
      "rdb_last_bgsave_status:{}\r\n"
      "rdb_last_bgsave_time_sec:{}\r\n"
      "rdb_current_bgsave_time_sec:{}\r\n"
      "rdb_saves:{}\r\n"
      "rdb_last_cow_size:{}\r\n"
      "rdb_last_load_keys_expired:0\r\n"
      "rdb_last_load_keys_loaded:{}\r\n"
      "aof_enabled:{}\r\n"
      "aof_rewrite_in_progress:{}\r\n"
      "aof_rewrite_scheduled:{}\r\n"
      "aof_last_rewrite_time_sec:{}\r\n"
      "aof_current_rewrite_time_sec:{}\r\n"
      "aof_last_bgrewrite_status:{}\r\n"
      "aof_rewrites:{}\r\n"
      "aof_rewrites_consecutive_failures:0\r\n"
      "aof_last_write_status:{}\r\n"
      "aof_last_cow_size:{}\r\n"
      "module_fork_in_progress:0\r\n"
      "module_fork_last_cow_size:0\r\n",
      loading_now ? 1 : 0, DirtySinceSave(), child_kind_ == ChildKind::kRdb ? 1 : 0,
      lastsave_unix(), last_bgsave_ok_.load() ? "ok" : "err", last_bgsave_time_sec_.load(),
      child_kind_ == ChildKind::kRdb ? (now_ms - child_start_ms_) / 1000 : -1, rdb_saves_.load(),
      last_rdb_cow_bytes_.load(), loaded_keys_.load(), w != nullptr ? 1 : 0, child_kind_ == ChildKind::kRewrite ? 1 : 0,
      rewrite_scheduled_ ? 1 : 0, last_rewrite_time_sec_.load(),
      child_kind_ == ChildKind::kRewrite ? (now_ms - child_start_ms_) / 1000 : -1,
      last_rewrite_ok_.load() ? "ok" : "err", aof_rewrites_.load(),
      w == nullptr || w->healthy() ? "ok" : "err", last_aof_cow_bytes_.load());
  if (w != nullptr) {
    out += fmt::format(
        "aof_current_size:{}\r\n"
        "aof_base_size:{}\r\n"
        "aof_pending_rewrite:0\r\n"
        "aof_buffer_length:{}\r\n"
        "aof_pending_bio_fsync:0\r\n"
        "aof_delayed_fsync:0\r\n",
        older_incr_bytes_.load() + w->current_size(), aof_base_size_.load(),
        w->appended_lsn() - w->written_lsn());
  }
  if (loading_now) {
    out += fmt::format(
        "loading_start_time:{}\r\n"
        "loading_total_bytes:0\r\n"
        "loading_rdb_used_mem:0\r\n"
        "loading_loaded_bytes:0\r\n"
        "loading_loaded_perc:0.00\r\n"
        "loading_eta_seconds:1\r\n",
        loading_start_ms_.load() / 1000);
  }
  return out;
}

}  // namespace cardinal::server
