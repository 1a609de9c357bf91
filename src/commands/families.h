// Registration of the data-command families. A new family adds one line here and one in
// RegisterAllFamilies; a new command touches only its family file.
#pragma once

#include "commands/command.h"

namespace cardinal::commands {

void RegisterStringFamily(CommandRegistry* r);
void RegisterGenericFamily(CommandRegistry* r);  // keyspace + TTL commands
void RegisterListFamily(CommandRegistry* r);
void RegisterHashFamily(CommandRegistry* r);
void RegisterSetFamily(CommandRegistry* r);
void RegisterZSetFamily(CommandRegistry* r);
void RegisterBlockingFamily(CommandRegistry* r);  // BLPOP, BLMOVE, BZPOPMIN...
void RegisterSortFamily(CommandRegistry* r);      // SORT, SORT_RO

inline void RegisterAllFamilies(CommandRegistry* r) {
  RegisterStringFamily(r);
  RegisterGenericFamily(r);
  RegisterListFamily(r);
  RegisterHashFamily(r);
  RegisterSetFamily(r);
  RegisterZSetFamily(r);
  RegisterBlockingFamily(r);
  RegisterSortFamily(r);
}

}  // namespace cardinal::commands
