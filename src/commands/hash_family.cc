// SKELETON: the collections issue fills this in.
#include "commands/families.h"

namespace cardinal::commands {

void RegisterHashFamily(CommandRegistry* r) {}

}  // namespace cardinal::commands
