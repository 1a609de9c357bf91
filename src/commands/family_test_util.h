// In-process harness for command-family unit tests.
//
// FamilyTest owns everything a handler needs without a server or sockets: a LazyFreer, a
// Keyspace of 16 databases, a CommandRegistry filled by RegisterAllFamilies, one client's
// ClientState and a ReplyBuilder writing into a string. Run({"SET", "k", "v"}) looks the command
// up (and its subcommand), checks arity as the dispatcher does (replying Redis's errors), fixes
// the command clock and calls the handler, returning the raw RESP bytes of the reply. Tests
// assert exact bytes, with the resp:: helpers below for readability:
//
//   EXPECT_EQ(Run({"SET", "k", "v"}), resp::kOk);
//   EXPECT_EQ(Run({"GET", "k"}), resp::Bulk("v"));
//   SetNow(1000); Run({"PEXPIRE", "k", "10"}); SetNow(1011);
//   EXPECT_EQ(Run({"GET", "k"}), resp::kNil);
//
// The clock is the real one (unix ms) until SetNow() fixes it. Propagation is off until a test
// calls sink(), which registers a RecordingSink on the keyspace's Propagator.
// Not a replacement for the dispatcher: no auth, MULTI queuing, stats or server (ctx.server() is
// null), so server-family commands are tested through the integration tests.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command.h"
#include "commands/context.h"
#include "commands/families.h"
#include "common/string_util.h"
#include "protocol/reply_builder.h"
#include "protocol/resp_value.h"
#include "storage/keyspace.h"
#include "storage/propagation.h"

namespace cardinal::commands {

// Expected-reply builders (RESP2 unless named otherwise).
namespace resp {

inline const std::string kOk = "+OK\r\n";
inline const std::string kNil = "$-1\r\n";        // RESP2 null bulk
inline const std::string kNullArray = "*-1\r\n";  // RESP2 null array
inline const std::string kNull3 = "_\r\n";        // RESP3 null
inline const std::string kEmptyArray = "*0\r\n";

inline std::string Int(int64_t v) { return ":" + std::to_string(v) + "\r\n"; }
inline std::string Simple(std::string_view s) { return "+" + std::string(s) + "\r\n"; }
// `msg` is the full text including its code: Err("ERR syntax error").
inline std::string Err(std::string_view msg) { return "-" + std::string(msg) + "\r\n"; }
inline std::string Bulk(std::string_view s) {
  return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n";
}
// An array of already-encoded elements: Arr({Int(1), Bulk("a")}).
inline std::string Arr(std::initializer_list<std::string> elems) {
  std::string out = "*" + std::to_string(elems.size()) + "\r\n";
  for (const auto& e : elems) out += e;
  return out;
}
// An array of bulk strings: Bulks({"a", "b"}).
inline std::string Bulks(std::initializer_list<std::string_view> items) {
  std::string out = "*" + std::to_string(items.size()) + "\r\n";
  for (auto s : items) out += Bulk(s);
  return out;
}

}  // namespace resp

// Collects every propagated record, in order. Thread-safe.
class RecordingSink : public storage::PropagationSink {
 public:
  void Consume(const std::vector<storage::PropagatedCommand>& batch) override {
    std::lock_guard lk(mu_);
    for (const auto& r : batch) records_.push_back(r);
    batches_++;
  }
  // Returns and clears the records so far.
  std::vector<storage::PropagatedCommand> Take() {
    std::lock_guard lk(mu_);
    auto out = std::move(records_);
    records_.clear();
    return out;
  }
  // Same, argv only.
  std::vector<std::vector<std::string>> TakeArgv() {
    std::vector<std::vector<std::string>> out;
    for (auto& r : Take()) out.push_back(std::move(r.argv));
    return out;
  }
  size_t batches() {
    std::lock_guard lk(mu_);
    return batches_;
  }

 private:
  std::mutex mu_;
  std::vector<storage::PropagatedCommand> records_;
  size_t batches_ = 0;
};

class FamilyTest : public ::testing::Test {
 protected:
  static constexpr int kNumDbs = 16;

  FamilyTest() : keyspace_(kNumDbs, &lazy_freer_), reply_(&out_) {
    RegisterAllFamilies(&registry_);
    client_.id = 1;
    client_.authenticated = true;
  }
  ~FamilyTest() override {
    if (sink_) keyspace_.propagator().RemoveSink(sink_.get());
  }

  // Runs one command as a client would send it; returns the reply bytes.
  std::string Run(std::initializer_list<std::string_view> argv) {
    return RunArgs(std::vector<std::string>(argv.begin(), argv.end()));
  }
  std::string RunArgs(const std::vector<std::string>& argv) {
    std::vector<std::string_view> args(argv.begin(), argv.end());
    out_.clear();
    Dispatch(args);
    return out_;
  }
  // Run, then decode the reply (for structured checks such as SCAN's cursor and keys).
  protocol::RespValue RunDecoded(std::initializer_list<std::string_view> argv) {
    return Decode(Run(argv));
  }
  protocol::RespValue RunArgsDecoded(const std::vector<std::string>& argv) {
    return Decode(RunArgs(argv));
  }
  static protocol::RespValue Decode(const std::string& bytes) {
    size_t consumed = 0;
    std::string error;
    auto v = protocol::DecodeReply(bytes, &consumed, &error);
    EXPECT_TRUE(v.has_value()) << "undecodable reply: " << bytes << " " << error;
    EXPECT_EQ(consumed, bytes.size()) << "trailing bytes after the reply: " << bytes;
    return v.value_or(protocol::RespValue::Error("<undecodable>"));
  }

  void SetResp3(bool on) {
    client_.resp3 = on;
    reply_.set_resp3(on);
  }
  // Fixes the command clock (unix ms) for every following Run; SetNow(0) returns to real time.
  void SetNow(int64_t ms) { now_ms_ = ms; }
  void AdvanceTime(int64_t ms) { now_ms_ = Now() + ms; }
  int64_t Now() const {
    if (now_ms_ != 0) return now_ms_;
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  // Registers (once) and returns a sink recording everything propagated from now on.
  RecordingSink& sink() {
    if (!sink_) {
      sink_ = std::make_shared<RecordingSink>();
      keyspace_.propagator().AddSink(sink_);
    }
    return *sink_;
  }

  // Runs fn(storage::Db&) on the client's current db with every shard locked, for setup and
  // inspection that no command exposes (Peek at an entry, count expires...).
  template <class Fn>
  auto WithDb(Fn&& fn) {
    CommandContext ctx(nullptr, &keyspace_, &client_, &reply_);
    ctx.set_now_ms(Now());
    return ctx.RunAll(std::forward<Fn>(fn));
  }

  storage::Keyspace& keyspace() { return keyspace_; }
  storage::LazyFreer& lazy_freer() { return lazy_freer_; }
  ClientState& client() { return client_; }
  const CommandRegistry& registry() const { return registry_; }

 private:
  // The dispatcher's lookup and arity checks (server.cc), then the handler.
  void Dispatch(std::span<const std::string_view> args) {
    if (args.empty()) return reply_.SendError("ERR empty command");
    const Command* cmd = registry_.Find(args[0]);
    if (cmd == nullptr) {
      std::string err = "ERR unknown command '";
      err.append(args[0].substr(0, 128)).append("', with args beginning with: ");
      for (size_t i = 1; i < args.size(); i++) err.append("'").append(args[i]).append("' ");
      return reply_.SendError(err);
    }
    if (cmd->has_subcommands()) {
      if (args.size() < 2) return ReplyWrongArityFor(cmd);
      const Command* sub = cmd->FindSubcommand(args[1]);
      if (sub == nullptr) {
        std::string err = "ERR unknown subcommand '";
        err.append(args[1].substr(0, 128)).append("'. Try ");
        err.append(ToUpperAscii(args[0])).append(" HELP.");
        return reply_.SendError(err);
      }
      cmd = sub;
    }
    if (!cmd->CheckArity(args.size())) return ReplyWrongArityFor(cmd);
    CommandContext ctx(nullptr, &keyspace_, &client_, &reply_);
    ctx.set_command(cmd);
    ctx.set_now_ms(Now());
    cmd->spec().handler(args, ctx);
  }
  void ReplyWrongArityFor(const Command* cmd) {
    reply_.SendError("ERR wrong number of arguments for '" + cmd->full_name() + "' command");
  }

  // Declaration order matters: the keyspace may hand entries to the freer until destroyed.
  storage::LazyFreer lazy_freer_;
  storage::Keyspace keyspace_;
  CommandRegistry registry_;
  ClientState client_;
  std::string out_;
  protocol::ReplyBuilder reply_;
  int64_t now_ms_ = 0;
  std::shared_ptr<RecordingSink> sink_;
};

}  // namespace cardinal::commands
