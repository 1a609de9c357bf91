// Connection: one client socket, its buffers, parser and command state.
//
// A connection belongs to one worker thread for its whole life; only that thread touches its
// buffers and ClientState. Other threads see it through ClientInfo (CLIENT LIST/KILL), whose
// fields are atomics or guarded by the server's client registry mutex.
//
// Read path: read() into `in_`, parse as many complete commands as the bytes hold, dispatch each
// (replies append to `out_`), then write `out_` once: pipelined commands cost one read and one
// write per batch. A client whose unsent replies pile up stops being read (backpressure) so it
// cannot make the server grow without bound; limits close it with Redis's rules.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "commands/context.h"
#include "net/event_loop.h"
#include "protocol/reply_builder.h"
#include "protocol/resp_parser.h"

namespace cardinal::server {

class Server;
class Worker;

// What other threads may read about a client (CLIENT LIST, INFO clients, CLIENT KILL).
struct ClientInfo {
  uint64_t id = 0;
  std::string addr;   // "ip:port"
  std::string laddr;
  int fd = -1;
  int64_t created_ms = 0;
  std::string name;   // GUARDED_BY(Server::clients_mu_)
  std::string lib_name, lib_ver;  // GUARDED_BY(Server::clients_mu_)
  std::atomic<int64_t> last_interaction_ms{0};
  std::atomic<int> db{0};
  std::atomic<int> resp{2};
  std::atomic<bool> in_multi{false};
  std::atomic<int> multi_count{-1};
  std::atomic<int> watch_count{0};
  std::atomic<size_t> qbuf{0};
  std::atomic<size_t> obuf{0};
  std::atomic<const commands::Command*> last_cmd{nullptr};
  std::atomic<bool> kill_requested{false};
  std::atomic<uint64_t> tot_cmds{0};
  std::atomic<bool> blocked{false};
  // The client's registration while it is blocked (CLIENT UNBLOCK claims it).
  std::shared_ptr<storage::BlockedClient> blocked_on;  // GUARDED_BY(Server::clients_mu_)
};

class Connection : public net::IoHandler {
 public:
  Connection(Server* server, Worker* worker, int fd, uint64_t id, std::string addr,
             std::string laddr);
  ~Connection() override;

  void Start();
  void OnEvent(uint32_t events) override;
  // Closes the socket and unregisters; the object is freed by the worker after the event batch.
  void Close();
  bool closed() const { return closed_; }

  ClientInfo& info() { return *info_; }
  std::shared_ptr<ClientInfo> shared_info() { return info_; }
  commands::ClientState& state() { return state_; }
  std::string* output() { return &out_; }
  Worker* worker() { return worker_; }
  // Clock shared by the commands of one input batch (see Server::Execute).
  int64_t* batch_clock_us() { return &batch_clock_us_; }
  int fd() const { return fd_; }
  // Called by the worker's cron: idle timeout and soft output-limit checks.
  void Cron(int64_t now_ms);
  // Ends a blocked command with `reply` (served, timed out or unblocked) and resumes reading
  // the client's pipelined commands. Runs on the connection's thread.
  void Unblock(std::string reply);
  // The command just run may have read or written data: its reply must wait for the log to
  // cover what it observed. Replies of commands that cannot see data (INFO, PING, CONFIG...)
  // do not wait, so a failing disk leaves the server observable.
  void NoteDataReply() { data_reply_pending_ = true; }

 private:
  friend class Worker;  // WaitForWal / ReleaseWalWaiters
  void HandleRead();
  void ProcessInput();
  void Pump();
  // How far out_ may be sent: replies wait until the write-ahead log covers every write they
  // could have observed (docs/PERSISTENCE.md). Registers with the worker when something waits.
  size_t SendableEnd();
  bool ViewsInBuffer(const std::vector<std::string_view>& args) const;
  void PrefetchBatch(size_t n);
  bool FlushOutput();  // false if the connection was closed
  void UpdateWriteInterest();
  bool CheckOutputLimits();
  void ProtocolError(const std::string& msg);
  // Closes the client when its unprocessed input passed client-query-buffer-limit.
  void CheckQueryBufferLimit();
  // Called after a command that left the client blocked (state_.blocked).
  void EnterBlocked();
  void LeaveBlocked();

  Server* server_;
  Worker* worker_;
  int fd_;
  bool closed_ = false;
  bool want_write_ = false;
  std::shared_ptr<ClientInfo> info_;

  std::string in_;
  size_t in_len_ = 0;
  std::string out_;
  size_t out_sent_ = 0;
  int64_t soft_limit_since_ms_ = 0;
  int64_t batch_clock_us_ = 0;
  // out_[.., gate_end_) waits for the log to cover gate_lsn_; later bytes get a newer gate.
  size_t gate_end_ = 0;
  uint64_t gate_lsn_ = 0;
  bool wal_waiting_ = false;  // registered with the worker (Worker::WaitForWal)
  bool data_reply_pending_ = false;  // out_ past gate_end_ holds a data command's reply

  protocol::RequestParser parser_;
  protocol::ReplyBuilder reply_;
  commands::ClientState state_;
  // Commands parsed ahead in one batch (pipelining), with their end offsets in in_.
  static constexpr size_t kBatch = 16;
  std::vector<std::string_view> batch_args_[kBatch];
  size_t batch_end_[kBatch];
};

}  // namespace cardinal::server
