// Clients blocked on keys (BLPOP, BLMOVE, BZPOPMIN, ...): the registry's data, kept beside the
// keys it watches so that "is the key empty?" and "register the waiter" happen under one lock.
//
// A blocked client is registered, in arrival order, under every key it waits for, in the shard
// that owns the key (Shard::blocked). When a command creates a list or sorted-set key that has
// waiters, Db records the key as ready (Db::SignalReady) in the command's context; after the
// command (after EXEC for a transaction), the server serves the waiters of each ready key in
// FIFO order, on the thread that ran the command: it locks the keys, runs the waiter's `serve`
// (a non-blocking pop that writes the reply and propagates what it did) and hands the reply to
// the waiter's own thread through `deliver`.
//
// Exactly one party answers a blocked client: whoever first claims it (TryClaim) — a serving
// thread, its timeout, its disconnect, or CLIENT UNBLOCK. Registrations of a claimed client
// left in other keys' queues are skipped and dropped by whoever meets them; the client's thread
// removes them all when it resumes.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "storage/entry.h"

namespace cardinal::storage {

class Db;

struct BlockedClient {
  bool TryClaim() {
    bool expected = false;
    return claimed.compare_exchange_strong(expected, true, std::memory_order_acq_rel);
  }
  bool is_claimed() const { return claimed.load(std::memory_order_acquire); }

  // Fixed at registration.
  uint64_t client_id = 0;
  int db = 0;
  ObjType type = ObjType::kList;   // the type whose creation wakes it
  std::vector<std::string> keys;   // the keys it waits for, in command order
  std::string extra_lock_key;      // also written when served (BLMOVE's destination), or empty
  // Pops from `ready_key` (which holds a non-empty value of `type`) and appends the reply in
  // the client's protocol to `out`. Runs with the ready key's and extra_lock_key's shards locked.
  std::function<void(Db& db, std::string_view ready_key, std::string* out)> serve;
  // Hands the reply to the client's connection (posts to its worker). Called once.
  std::function<void(std::string reply)> deliver;
  // The reply when the timeout expires (a null array or null bulk in the client's protocol).
  std::string timeout_reply;

 private:
  std::atomic<bool> claimed{false};
};

using BlockedQueue = std::deque<std::shared_ptr<BlockedClient>>;
// key -> waiters, per database (Shard::blocked). Usually empty: the write path pays one empty().
using BlockingMap = std::unordered_map<std::string, BlockedQueue>;

// A key that got data while clients wait for it.
struct ReadyKey {
  int db;
  std::string key;
};

}  // namespace cardinal::storage
