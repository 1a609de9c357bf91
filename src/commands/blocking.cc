#include "commands/blocking.h"

#include <utility>

#include "common/string_util.h"
#include "core/hash.h"

namespace cardinal::commands {

using storage::BlockedClient;
using storage::Db;

bool ParseBlockTimeout(CommandContext& ctx, std::string_view arg, int64_t* deadline_ms) {
  int64_t timeout_ms;
  std::string err;
  if (!ParseTimeoutSeconds(arg, &timeout_ms, &err)) {
    ctx.reply().SendError(err);
    return false;
  }
  if (timeout_ms == 0) {
    *deadline_ms = 0;
  } else {
    *deadline_ms = timeout_ms > INT64_MAX - ctx.now_ms() ? INT64_MAX : ctx.now_ms() + timeout_ms;
  }
  return true;
}

namespace {

// Redis 7.0 answers every timed-out blocking command with a null array, BLMOVE included.
std::string TimeoutReply(bool resp3) { return resp3 ? "_\r\n" : "*-1\r\n"; }

}  // namespace

void BlockClient(CommandContext& ctx, Db& db, BlockRequest req) {
  const bool resp3 = ctx.client().resp3;
  auto bc = std::make_shared<BlockedClient>();
  bc->client_id = ctx.client().id;
  bc->db = db.index();
  bc->type = req.type;
  bc->keys = std::move(req.keys);
  bc->extra_lock_key = std::move(req.extra_lock_key);
  bc->timeout_reply = TimeoutReply(resp3);
  bc->serve = [resp3, serve = std::move(req.serve)](Db& d, std::string_view key, std::string* out) {
    protocol::ReplyBuilder rb(out);
    rb.set_resp3(resp3);
    serve(d, key, rb);
  };
  if (ctx.deliver_factory() == nullptr) {
    // No connection to wait on (the in-process test harness): behave as an expired timeout.
    ctx.reply().out()->append(bc->timeout_reply);
    return;
  }
  bc->deliver = (*ctx.deliver_factory())(bc->client_id);
  db.RegisterBlocked(bc);
  ctx.client().blocked = std::move(bc);
  ctx.client().block_deadline_ms = req.deadline_ms;
}

namespace {

// The first waiter of `key` that a value of type `type` can serve; claimed leftovers met on
// the way are dropped. REQUIRES: the key's shard locked.
std::shared_ptr<BlockedClient> FirstWaiter(Db& db, const std::string& key, storage::ObjType type) {
  storage::BlockingMap& m = db.shard_of(core::HashKey(key)).blocked[db.index()];
  auto it = m.find(key);
  if (it == m.end()) return nullptr;
  storage::BlockedQueue& q = it->second;
  std::shared_ptr<BlockedClient> found;
  for (auto w = q.begin(); w != q.end();) {
    if ((*w)->is_claimed()) {
      w = q.erase(w);
      continue;
    }
    if ((*w)->type == type) {
      found = *w;
      break;
    }
    ++w;
  }
  if (q.empty()) m.erase(it);
  return found;
}

}  // namespace

void ServeReadyKeys(CommandContext& ctx) {
  // Serving BLMOVE pushes to its destination, which may wake more clients: loop until no key is
  // left. Every round serves or drops at least one waiter, so this ends.
  while (!ctx.ready_keys().empty()) {
    std::vector<storage::ReadyKey> ready;
    ready.swap(ctx.ready_keys());
    for (const storage::ReadyKey& rk : ready) {
      for (;;) {
        std::shared_ptr<BlockedClient> bc;
        ctx.Run(rk.key, [&](Db& any_db) {
          Db db = any_db.WithDb(rk.db);
          storage::Entry* e = db.Find(rk.key);
          if (e != nullptr) bc = FirstWaiter(db, rk.key, e->type());
        });
        if (bc == nullptr) break;
        std::string_view keys[2] = {rk.key, bc->extra_lock_key};
        const size_t nkeys = bc->extra_lock_key.empty() ? 1 : 2;
        bool key_gone = false;
        ctx.RunKeys(std::span<const std::string_view>(keys, nkeys), [&](Db& any_db) {
          Db db = any_db.WithDb(rk.db);
          storage::Entry* e = db.Find(rk.key);
          if (e == nullptr || e->type() != bc->type) {
            key_gone = true;  // another thread emptied it between the two locked sections
            return;
          }
          if (!bc->TryClaim()) return;  // timed out or left meanwhile: the next one
          std::string reply;
          bc->serve(db, rk.key, &reply);
          db.UnregisterBlockedKey(bc.get(), rk.key);
          bc->deliver(std::move(reply));
        });
        if (key_gone) break;
      }
    }
  }
}

void UnregisterBlocked(storage::Keyspace& ks, const BlockedClient& bc) {
  Db db(&ks, bc.db, 0, nullptr);
  for (const std::string& key : bc.keys) {
    const storage::ShardMask mask = storage::ShardMask{1} << storage::ShardOf(key);
    ks.Lock(mask);
    db.UnregisterBlockedKey(&bc, key);
    ks.Unlock(mask);
  }
}

}  // namespace cardinal::commands
