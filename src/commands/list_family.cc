// SKELETON: the collections issue fills this in.
#include "commands/families.h"

namespace cardinal::commands {

void RegisterListFamily(CommandRegistry* r) {}

}  // namespace cardinal::commands
