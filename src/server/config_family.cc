// CONFIG GET / SET / RESETSTAT / REWRITE / HELP, answered from the ConfigRegistry.
#include "commands/context.h"
#include "common/string_util.h"
#include "protocol/errors.h"
#include "server/families.h"
#include "server/server.h"

namespace cardinal::server {

using commands::ArgList;
using commands::CommandContext;
using commands::CommandSpec;

namespace {

void CmdConfigGet(ArgList args, CommandContext& ctx) {
  std::vector<std::string> patterns(args.begin() + 2, args.end());
  auto pairs = ctx.server()->config_registry().Get(patterns);
  auto& rb = ctx.reply();
  rb.SendMapLen(pairs.size());
  for (auto& [name, value] : pairs) {
    rb.SendBulk(name);
    rb.SendBulk(value);
  }
}

void CmdConfigSet(ArgList args, CommandContext& ctx) {
  if ((args.size() - 2) % 2 != 0) return ctx.reply().SendError(protocol::kSyntaxErr);
  std::vector<std::pair<std::string, std::string>> pairs;
  for (size_t i = 2; i + 1 < args.size(); i += 2) {
    pairs.emplace_back(std::string(args[i]), std::string(args[i + 1]));
  }
  Status st = ctx.server()->config_registry().SetAtRuntime(pairs);
  if (!st.ok()) return ctx.reply().SendError(st.message());
  ctx.reply().SendOk();
}

void CmdConfigResetStat(ArgList, CommandContext& ctx) {
  ctx.server()->ResetStats();
  ctx.reply().SendOk();
}

void CmdConfigRewrite(ArgList, CommandContext& ctx) {
  Status st = ctx.server()->config_registry().Rewrite();
  if (!st.ok()) return ctx.reply().SendError(st.message());
  ctx.reply().SendOk();
}

void CmdConfigHelp(ArgList, CommandContext& ctx) {
  commands::SendHelp(ctx, "CONFIG",
                     {"GET <pattern>",
                      "    Return parameters matching the glob-like <pattern> and their values.",
                      "SET <directive> <value>", "    Set the configuration <directive> to <value>.",
                      "RESETSTAT", "    Reset statistics reported by the INFO command.", "REWRITE",
                      "    Rewrite the configuration file."});
}

}  // namespace

void RegisterConfigFamily(commands::CommandRegistry* r) {
  using namespace commands;  // NOLINT: flag names
  constexpr auto spec = ServerGroupSpec;
  uint32_t adm = kAdmin | kNoScript | kLoading | kStale;
  CommandSpec config = spec("config", -2, 0, "A container for server configuration commands.",
                            "2.0.0", "Depends on subcommand.", nullptr);
  config.subcommands = {
      spec("get", -3, adm, "Returns the effective values of configuration parameters.",
           "2.0.0", "O(N) when N is the number of configuration parameters provided",
           CmdConfigGet),
      spec("set", -4, adm, "Sets configuration parameters in-flight.", "2.0.0",
           "O(N) when N is the number of configuration parameters provided", CmdConfigSet),
      spec("resetstat", 2, adm, "Resets the server's statistics.", "2.0.0", "O(1)",
           CmdConfigResetStat),
      spec("rewrite", 2, adm, "Persists the effective configuration to file.", "2.8.0", "O(1)",
           CmdConfigRewrite),
      spec("help", 2, kLoading | kStale,
           "Returns helpful text about the different subcommands.", "5.0.0", "O(1)",
           CmdConfigHelp),
  };
  r->Add(std::move(config));
}

}  // namespace cardinal::server
