// Command families that need the server itself (connections, transactions, introspection).
#pragma once

#include "commands/command.h"
#include "commands/context.h"

namespace cardinal::server {

void RegisterConnectionFamily(commands::CommandRegistry* r);
void RegisterTransactionFamily(commands::CommandRegistry* r);
void RegisterServerFamily(commands::CommandRegistry* r);
void RegisterConfigFamily(commands::CommandRegistry* r);

// A command of the "server" group (INFO, CONFIG, COMMAND, SLOWLOG...), for the Register functions.
inline commands::CommandSpec ServerGroupSpec(std::string_view name, int arity, uint32_t flags,
                                             std::string_view summary, std::string_view since,
                                             std::string_view complexity, commands::Handler h) {
  return commands::CommandSpec{.name = name, .arity = arity, .flags = flags, .group = "server",
                               .summary = summary, .since = since, .complexity = complexity,
                               .handler = h};
}

// Drops all of the client's WATCHed keys (UNWATCH, and every path that ends a transaction).
void UnwatchAll(commands::CommandContext& ctx);

inline void RegisterServerFamilies(commands::CommandRegistry* r) {
  RegisterConnectionFamily(r);
  RegisterTransactionFamily(r);
  RegisterServerFamily(r);
  RegisterConfigFamily(r);
}

}  // namespace cardinal::server
