// Command families that need the server itself (connections, transactions, introspection).
#pragma once

#include "commands/command.h"
#include "commands/context.h"

namespace cardinal::server {

void RegisterConnectionFamily(commands::CommandRegistry* r);
void RegisterTransactionFamily(commands::CommandRegistry* r);
void RegisterServerFamily(commands::CommandRegistry* r);
void RegisterConfigFamily(commands::CommandRegistry* r);

// Drops all of the client's WATCHed keys (UNWATCH, and every path that ends a transaction).
void UnwatchAll(commands::CommandContext& ctx);

inline void RegisterServerFamilies(commands::CommandRegistry* r) {
  RegisterConnectionFamily(r);
  RegisterTransactionFamily(r);
  RegisterServerFamily(r);
  RegisterConfigFamily(r);
}

}  // namespace cardinal::server
