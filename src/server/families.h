// Command families that need the server itself (connections, transactions, introspection).
#pragma once

#include "commands/command.h"

namespace cardinal::server {

void RegisterConnectionFamily(commands::CommandRegistry* r);
void RegisterTransactionFamily(commands::CommandRegistry* r);
void RegisterServerFamily(commands::CommandRegistry* r);
void RegisterConfigFamily(commands::CommandRegistry* r);

inline void RegisterServerFamilies(commands::CommandRegistry* r) {
  RegisterConnectionFamily(r);
  RegisterTransactionFamily(r);
  RegisterServerFamily(r);
  RegisterConfigFamily(r);
}

}  // namespace cardinal::server
