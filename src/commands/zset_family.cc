// SKELETON: the collections issue fills this in.
#include "commands/families.h"

namespace cardinal::commands {

void RegisterZSetFamily(CommandRegistry* r) {}

}  // namespace cardinal::commands
