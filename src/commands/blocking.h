// Blocking commands' plumbing (BLPOP, BLMOVE, BZPOPMIN, ...); the data model is in
// storage/blocking.h.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "commands/context.h"
#include "storage/blocking.h"

namespace cardinal::commands {

// Parses a blocking timeout (seconds, fractional allowed; 0 = forever) into an absolute
// deadline in unix ms (0 = none). Replies with Redis's error and returns false when invalid.
bool ParseBlockTimeout(CommandContext& ctx, std::string_view arg, int64_t* deadline_ms);

struct BlockRequest {
  std::vector<std::string> keys;
  storage::ObjType type = storage::ObjType::kList;
  std::string extra_lock_key;
  int64_t deadline_ms = 0;
  std::function<void(storage::Db&, std::string_view ready_key, protocol::ReplyBuilder&)> serve;
};

// Blocks the client: registers it under each key and tells the connection to wait. REQUIRES:
// called inside ctx.RunKeys holding the shards of all req.keys, right after finding them empty
// (so no push can slip in between), and ctx.may_block(). The handler then returns without a
// reply; the reply comes from `serve`, the timeout, or CLIENT UNBLOCK.
void BlockClient(CommandContext& ctx, storage::Db& db, BlockRequest req);

// Serves the clients blocked on the keys that got data during the command just run
// (ctx.ready_keys()). Called by the dispatcher after each top-level command and after EXEC.
void ServeReadyKeys(CommandContext& ctx);

// Removes a client that stopped waiting from the queues of all its keys (locks them one by
// one). REQUIRES: the caller holds no shard locks.
void UnregisterBlocked(storage::Keyspace& ks, const storage::BlockedClient& bc);

}  // namespace cardinal::commands
