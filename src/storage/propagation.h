// The propagation point: every write leaves the keyspace as a command that reproduces its effect.
//
// Redis feeds the AOF and replicas from one place (propagateNow). Cardinal does the same: command
// code and the keyspace append PropagatedCommand records to the executing context while they hold
// the shard locks, and the context hands them to the Propagator before it releases those locks.
// So for any one key, records leave in the order the writes became visible; writes on different
// shards are independent and may interleave either way. Effects, not requests, are propagated:
// relative TTLs become PEXPIREAT / SET ... PXAT, INCRBYFLOAT becomes SET, expiry becomes DEL.
//
// Nothing consumes the stream yet but a debug file sink (config `propagation-log-file`); the
// write-ahead log and replication will register sinks here.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace cardinal::storage {

struct PropagatedCommand {
  int db = 0;
  std::vector<std::string> argv;
};

class PropagationSink {
 public:
  virtual ~PropagationSink() = default;
  // Called with the Propagator's mutex held, in propagation order. A batch that came from one
  // MULTI/EXEC (or one multi-record command) arrives in one call so the sink can keep it atomic.
  virtual void Consume(const std::vector<PropagatedCommand>& batch) = 0;
};

class Propagator {
 public:
  // Whether anyone listens; command code skips building records when nobody does.
  bool active() const { return active_.load(std::memory_order_relaxed); }
  void AddSink(std::shared_ptr<PropagationSink> sink);
  void RemoveSink(const PropagationSink* sink);
  // REQUIRES: the caller still holds the shard locks under which the batch's writes happened.
  void Emit(const std::vector<PropagatedCommand>& batch);

 private:
  std::mutex mu_;
  std::vector<std::shared_ptr<PropagationSink>> sinks_;
  std::atomic<bool> active_{false};
};

// Writes the stream as RESP multibulk commands, inserting SELECT when the db changes, the way an
// AOF file looks; batches of more than one record are wrapped in MULTI/EXEC.
class FilePropagationSink : public PropagationSink {
 public:
  explicit FilePropagationSink(int fd) : fd_(fd) {}
  ~FilePropagationSink() override;
  void Consume(const std::vector<PropagatedCommand>& batch) override;

 private:
  int fd_;
  int current_db_ = -1;
};

// RESP multibulk encoding of one command, shared by the sinks.
void AppendRespCommand(const std::vector<std::string>& argv, std::string* out);

}  // namespace cardinal::storage
