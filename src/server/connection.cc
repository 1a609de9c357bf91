#include "server/connection.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/logging.h"
#include "core/hash.h"
#include "commands/blocking.h"
#include "server/server.h"

namespace cardinal::server {

namespace {
constexpr size_t kReadChunk = 16 * 1024;
// Above this many unsent reply bytes we stop reading the client: it is not consuming what it
// asked for, and reading on would only grow our buffers (backpressure instead of a limit).
constexpr size_t kPauseReadingAbove = 4 * 1024 * 1024;
// Reads per readiness event, so one flooding client cannot starve the others on its thread.
constexpr int kMaxReadsPerEvent = 16;
}  // namespace

Connection::Connection(Server* server, Worker* worker, int fd, uint64_t id, std::string addr,
                       std::string laddr)
    : server_(server), worker_(worker), fd_(fd), info_(std::make_shared<ClientInfo>()),
      reply_(&out_) {
  info_->id = id;
  info_->addr = std::move(addr);
  info_->laddr = std::move(laddr);
  info_->fd = fd;
  info_->created_ms = net::UnixTimeMs();
  info_->last_interaction_ms = info_->created_ms;
  state_.id = id;
  state_.info = info_.get();
  state_.authenticated = server->config().requirepass.Get().empty();
}

Connection::~Connection() {
  if (!closed_) Close();
}

void Connection::Start() { worker_->loop().Add(fd_, EPOLLIN | EPOLLRDHUP, this); }

void Connection::Close() {
  if (closed_) return;
  closed_ = true;
  // A watching or blocked client leaves no registrations behind.
  commands::UnwatchAllKeys(server_->keyspace(), state_);
  if (state_.blocked) {
    state_.blocked->TryClaim();  // if a reply is already on its way, it finds no connection
    LeaveBlocked();
  }
  worker_->loop().Remove(fd_);
  ::close(fd_);
  server_->UnregisterClient(this);
  worker_->Retire(this);
}

void Connection::OnEvent(uint32_t events) {
  if (closed_) return;
  if (events & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP)) {
    HandleRead();
    if (closed_) return;
  }
  if (events & EPOLLOUT) Pump();
}

// Alternates processing buffered input and writing replies until the client is blocked on the
// socket (output pending: EPOLLOUT will call us again) or no complete command is left (EPOLLIN
// will). Every exit leaves one of those two wake-ups armed, so input that backpressure left in
// the buffer is never stranded.
void Connection::Pump() {
  while (!closed_) {
    bool processed = false;
    if (in_len_ > 0 && out_.size() - out_sent_ < kPauseReadingAbove) {
      size_t before = in_len_;
      ProcessInput();
      processed = in_len_ != before;
    }
    if (closed_) return;
    size_t pending_before = out_.size() - out_sent_;
    if (!FlushOutput()) return;
    size_t pending = out_.size() - out_sent_;
    if (in_len_ == 0) return;                      // all input handled; EPOLLIN brings more
    if (pending >= kPauseReadingAbove) return;     // still backpressured; EPOLLOUT is armed
    if (!processed && pending == pending_before) return;  // only a partial command is left
  }
}

void Connection::HandleRead() {
  // Limits are re-read per event so CONFIG SET proto-max-bulk-len applies to open connections.
  protocol::RequestParser::Limits limits;
  limits.max_bulk_len = server_->config().cmd.proto_max_bulk_len.load(std::memory_order_relaxed);
  parser_.set_limits(limits);
  for (int round = 0; round < kMaxReadsPerEvent; round++) {
    if (out_.size() - out_sent_ >= kPauseReadingAbove) break;  // backpressure
    // Grow geometrically as data actually arrives; a bulk length claim never sizes the buffer.
    size_t want = kReadChunk;
    size_t needed = parser_.BytesWanted();
    if (needed > in_len_ && needed - in_len_ > want) {
      want = std::min<size_t>(needed - in_len_, std::max<size_t>(in_len_, kReadChunk));
    }
    if (in_.size() - in_len_ < want) in_.resize(in_len_ + want);
    ssize_t n = ::read(fd_, in_.data() + in_len_, in_.size() - in_len_);
    if (n > 0) {
      in_len_ += static_cast<size_t>(n);
      server_->stats().net_input_bytes.fetch_add(n, std::memory_order_relaxed);
      info_->last_interaction_ms.store(worker_->loop().cached_now_ms(), std::memory_order_relaxed);
      ProcessInput();
      if (closed_) return;
      if (static_cast<size_t>(n) < want) break;  // drained the socket
      continue;
    }
    if (n == 0) {
      Close();
      return;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) break;
    if (errno == EINTR) continue;
    Close();
    return;
  }
  Pump();
}

void Connection::ProtocolError(const std::string& msg) {
  std::string err = "ERR ";
  err += msg;
  reply_.SendError(err);
  server_->CountError(err);
  FlushOutput();
  if (!closed_) Close();
}

bool Connection::ViewsInBuffer(const std::vector<std::string_view>& args) const {
  const char* lo = in_.data();
  const char* hi = lo + in_len_;
  for (auto a : args) {
    if (!a.empty() && (a.data() < lo || a.data() + a.size() > hi)) return false;
  }
  return true;
}

// Hints the keyspace about the first key of every command in the batch, so that the table and
// entry cache misses of 16 pipelined commands overlap instead of queueing (about 2 x 100 ns of
// DRAM latency per command otherwise; see docs/ARCHITECTURE.md, "The path of one command").
void Connection::PrefetchBatch(size_t n) {
  uint64_t hashes[kBatch];
  size_t m = 0;
  for (size_t i = 0; i < n; i++) {
    if (batch_args_[i].size() >= 2) hashes[m++] = core::HashKey(batch_args_[i][1]);
  }
  auto& ks = server_->keyspace();
  ks.PrefetchSlots(state_.db, hashes, m);
  ks.PrefetchEntries(state_.db, hashes, m);
}

void Connection::EnterBlocked() {
  std::shared_ptr<storage::BlockedClient> bc = state_.blocked;
  server_->stats().blocked_clients.fetch_add(1, std::memory_order_relaxed);
  info_->blocked.store(true, std::memory_order_relaxed);
  {
    std::lock_guard lk(server_->clients_mu());
    info_->blocked_on = bc;
  }
  if (state_.block_deadline_ms > 0) {
    Worker* worker = worker_;
    const uint64_t id = info_->id;
    std::weak_ptr<storage::BlockedClient> weak = bc;
    worker_->loop().RunAfter(state_.block_deadline_ms - net::UnixTimeMs(), [worker, id, weak] {
      std::shared_ptr<storage::BlockedClient> b = weak.lock();
      if (b == nullptr) return;
      Connection* c = worker->FindClient(id);
      if (c != nullptr && c->state_.blocked == b && b->TryClaim()) c->Unblock(b->timeout_reply);
    });
  }
}

void Connection::LeaveBlocked() {
  std::shared_ptr<storage::BlockedClient> bc = std::move(state_.blocked);
  commands::UnregisterBlocked(server_->keyspace(), *bc);
  server_->stats().blocked_clients.fetch_sub(1, std::memory_order_relaxed);
  info_->blocked.store(false, std::memory_order_relaxed);
  std::lock_guard lk(server_->clients_mu());
  info_->blocked_on.reset();
}

void Connection::Unblock(std::string reply) {
  if (closed_ || !state_.blocked) return;
  LeaveBlocked();
  out_.append(reply);
  NoteDataReply();  // a served pop
  info_->last_interaction_ms.store(worker_->loop().cached_now_ms(), std::memory_order_relaxed);
  if (!CheckOutputLimits()) return;
  Pump();  // runs the pipelined commands that waited, and writes the replies
}

void Connection::ProcessInput() {
  if (state_.blocked) {
    // Input waits in the buffer until the client is unblocked, within the usual limit.
    CheckQueryBufferLimit();
    return;
  }
  size_t pos = 0;
  batch_clock_us_ = 0;
  bool protocol_error = false;
  while (pos < in_len_ && !closed_ && !state_.close_after_reply && !protocol_error &&
         !state_.blocked) {
    if (out_.size() - out_sent_ >= kPauseReadingAbove) break;  // backpressure
    // Parse ahead up to kBatch complete commands (their arguments are views into in_), then
    // prefetch their keys, then run them in order.
    size_t n = 0, scan = pos;
    while (n < kBatch && scan < in_len_) {
      size_t consumed = 0;
      auto r = parser_.Parse(std::string_view(in_.data() + scan, in_len_ - scan), &batch_args_[n],
                             &consumed);
      if (r == protocol::RequestParser::Result::kIncomplete) break;
      if (r == protocol::RequestParser::Result::kError) {
        protocol_error = true;
        break;
      }
      scan += consumed;
      batch_end_[n++] = scan;
      // Unescaped inline arguments live in the parser and die at its next Parse: run now.
      if (!ViewsInBuffer(batch_args_[n - 1])) break;
    }
    if (n >= 2) PrefetchBatch(n);
    size_t done = 0;
    while (done < n) {
      if (!batch_args_[done].empty()) {
        server_->Dispatch(this, batch_args_[done]);
        if (closed_) return;
      }
      pos = batch_end_[done++];
      if (state_.blocked) {
        EnterBlocked();
        break;
      }
      if (!CheckOutputLimits()) return;
      if (state_.close_after_reply || out_.size() - out_sent_ >= kPauseReadingAbove) break;
    }
    if (done < n) {
      // Stopped early: the parser ran ahead of `pos`; start over from `pos` next time (and
      // meet any protocol error again then).
      parser_.Reset();
      protocol_error = false;
      break;
    }
    if (n == 0) break;  // only an incomplete command (or an error) is left
  }
  if (protocol_error) {
    ProtocolError(parser_.error());
    return;
  }
  if (pos > 0) {
    std::memmove(in_.data(), in_.data() + pos, in_len_ - pos);
    in_len_ -= pos;
  }
  // Give memory back after a large request.
  if (in_len_ == 0 && in_.size() > 64 * 1024) {
    in_.clear();
    in_.shrink_to_fit();
  }
  CheckQueryBufferLimit();
}

void Connection::CheckQueryBufferLimit() {
  info_->qbuf.store(in_len_, std::memory_order_relaxed);
  if (static_cast<int64_t>(in_len_) >
      server_->config().client_query_buffer_limit.load(std::memory_order_relaxed)) {
    CLOG(kWarning, "Closing client that reached max query buffer length: id={} addr={} qbuf={}",
         info_->id, info_->addr, in_len_);
    server_->stats().client_query_buffer_limit_disconnections.fetch_add(1);
    Close();
  }
}

bool Connection::CheckOutputLimits() {
  size_t pending = out_.size() - out_sent_;
  info_->obuf.store(pending, std::memory_order_relaxed);
  OutputLimit lim = server_->config().NormalOutputLimit();
  if (lim.hard == 0 && lim.soft == 0) return true;  // the default: unlimited
  bool over_hard = lim.hard > 0 && static_cast<int64_t>(pending) > lim.hard;
  bool over_soft = false;
  if (lim.soft > 0 && static_cast<int64_t>(pending) > lim.soft) {
    int64_t now = net::UnixTimeMs();
    if (soft_limit_since_ms_ == 0) soft_limit_since_ms_ = now;
    over_soft = now - soft_limit_since_ms_ >= lim.soft_seconds * 1000;
  } else {
    soft_limit_since_ms_ = 0;
  }
  if (over_hard || over_soft) {
    CLOG(kWarning,
         "Client id={} addr={} scheduled to be closed ASAP for overcoming of output buffer limits.",
         info_->id, info_->addr);
    server_->stats().client_output_buffer_limit_disconnections.fetch_add(1);
    Close();
    return false;
  }
  return true;
}

size_t Connection::SendableEnd() {
  persistence::WriteAheadLog* wal = server_->persistence().wal();
  if (wal == nullptr) return out_.size();
  size_t end = std::min(gate_end_, out_.size());
  if (end > out_sent_ && !wal->Covered(gate_lsn_)) {
    worker_->WaitForWal(this);
    return out_sent_;
  }
  if (out_.size() > end) {
    // The appended position now is at least that of every write these replies observed: the
    // records of the writes they answer were appended before the shard locks were released.
    gate_lsn_ = data_reply_pending_ ? wal->appended_lsn() : 0;
    data_reply_pending_ = false;
    gate_end_ = out_.size();
    if (!wal->Covered(gate_lsn_)) {
      worker_->WaitForWal(this);
      return std::max(end, out_sent_);
    }
  }
  return out_.size();
}

bool Connection::FlushOutput() {
  size_t sendable = SendableEnd();
  while (out_sent_ < sendable) {
    ssize_t n = ::send(fd_, out_.data() + out_sent_, sendable - out_sent_, MSG_NOSIGNAL);
    if (n > 0) {
      out_sent_ += static_cast<size_t>(n);
      server_->stats().net_output_bytes.fetch_add(n, std::memory_order_relaxed);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    Close();
    return false;
  }
  if (out_sent_ > 0) {
    // Like Redis, a client that is being written to is not idle (timeout).
    info_->last_interaction_ms.store(worker_->loop().cached_now_ms(), std::memory_order_relaxed);
  }
  if (out_sent_ == out_.size()) {
    out_sent_ = 0;
    gate_end_ = 0;
    if (out_.capacity() > 1024 * 1024) {
      std::string().swap(out_);  // release a large buffer once drained
    } else {
      out_.clear();
    }
    if (state_.close_after_reply) {
      Close();
      return false;
    }
  } else if (out_sent_ > 1024 * 1024) {
    out_.erase(0, out_sent_);
    gate_end_ = gate_end_ > out_sent_ ? gate_end_ - out_sent_ : 0;
    out_sent_ = 0;
  }
  info_->obuf.store(out_.size() - out_sent_, std::memory_order_relaxed);
  UpdateWriteInterest();
  return true;
}

void Connection::UpdateWriteInterest() {
  // Output held for the log is not the socket's business: the worker resumes it.
  bool want = out_sent_ < out_.size() && !wal_waiting_;
  if (want == want_write_) return;
  want_write_ = want;
  uint32_t events = EPOLLIN | EPOLLRDHUP;
  if (want) events |= EPOLLOUT;
  worker_->loop().Modify(fd_, events, this);
}

void Connection::Cron(int64_t now_ms) {
  if (closed_) return;
  if (info_->kill_requested.load()) {
    Close();
    return;
  }
  int64_t timeout = server_->config().timeout.load(std::memory_order_relaxed);
  // Like Redis, clients in MULTI are still subject to the timeout; blocked ones are not.
  if (timeout > 0 && !state_.blocked &&
      now_ms - info_->last_interaction_ms.load(std::memory_order_relaxed) > timeout * 1000) {
    CLOG(kVerbose, "Closing idle client");
    Close();
    return;
  }
  if (out_sent_ < out_.size()) CheckOutputLimits();
}

}  // namespace cardinal::server
