#include "commands/command.h"

#include "common/string_util.h"

namespace cardinal::commands {

Command::Command(CommandSpec spec, const Command* parent, int* next_id)
    : spec_(std::move(spec)), parent_(parent), id_((*next_id)++) {
  full_name_ = parent ? std::string(parent->name()) + "|" + std::string(spec_.name)
                      : std::string(spec_.name);
  for (auto& sub : spec_.subcommands) {
    subcommands_.push_back(std::make_unique<Command>(sub, this, next_id));
  }
}

const Command* Command::FindSubcommand(std::string_view name) const {
  for (const auto& s : subcommands_) {
    if (EqualsIgnoreCase(s->name(), name)) return s.get();
  }
  return nullptr;
}

std::vector<int> Command::KeyIndexes(ArgList args) const {
  if (spec_.key_extractor != nullptr) return spec_.key_extractor(args);
  std::vector<int> out;
  const KeySpec& k = spec_.keys;
  if (k.first <= 0 || k.step <= 0) return out;
  int argc = static_cast<int>(args.size());
  int last = k.last >= 0 ? k.last : argc + k.last;
  for (int i = k.first; i <= last && i < argc; i += k.step) out.push_back(i);
  return out;
}

void CommandRegistry::Add(CommandSpec spec) {
  auto cmd = std::make_unique<Command>(std::move(spec), nullptr, &next_id_);
  by_name_[std::string(cmd->name())] = cmd.get();
  commands_.push_back(std::move(cmd));
}

const Command* CommandRegistry::Find(std::string_view name) const {
  // Command names are short: lower-case into a stack buffer to avoid allocating per command.
  char buf[32];
  if (name.size() > sizeof(buf)) return nullptr;
  for (size_t i = 0; i < name.size(); i++) {
    char c = name[i];
    buf[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  }
  auto it = by_name_.find(std::string_view(buf, name.size()));
  return it == by_name_.end() ? nullptr : it->second;
}

std::vector<std::string_view> FlagNames(uint32_t flags) {
  std::vector<std::string_view> out;
  if (flags & kWrite) out.push_back("write");
  if (flags & kReadOnly) out.push_back("readonly");
  if (flags & kDenyOom) out.push_back("denyoom");
  if (flags & kAdmin) out.push_back("admin");
  if (flags & kPubSub) out.push_back("pubsub");
  if (flags & kNoScript) out.push_back("noscript");
  if (flags & kBlocking) out.push_back("blocking");
  if (flags & kLoading) out.push_back("loading");
  if (flags & kStale) out.push_back("stale");
  if (flags & kSkipMonitor) out.push_back("skip_monitor");
  if (flags & kSkipSlowlog) out.push_back("skip_slowlog");
  if (flags & kFast) out.push_back("fast");
  if (flags & kNoAuth) out.push_back("no_auth");
  if (flags & kNoMulti) out.push_back("no_multi");
  if (flags & kAllowBusy) out.push_back("allow_busy");
  return out;
}

std::vector<std::string_view> AclCategoryNames(uint64_t acl, uint32_t flags) {
  static constexpr std::pair<uint64_t, std::string_view> kNames[] = {
      {kAclKeyspace, "@keyspace"}, {kAclRead, "@read"},       {kAclWrite, "@write"},
      {kAclSet, "@set"},           {kAclSortedSet, "@sortedset"}, {kAclList, "@list"},
      {kAclHash, "@hash"},         {kAclString, "@string"},   {kAclBitmap, "@bitmap"},
      {kAclHyperLogLog, "@hyperloglog"}, {kAclGeo, "@geo"},   {kAclStream, "@stream"},
      {kAclPubSub, "@pubsub"},     {kAclAdmin, "@admin"},     {kAclFast, "@fast"},
      {kAclSlow, "@slow"},         {kAclBlocking, "@blocking"}, {kAclDangerous, "@dangerous"},
      {kAclConnection, "@connection"}, {kAclTransaction, "@transaction"},
      {kAclScripting, "@scripting"},
  };
  // Like Redis, the read/write/fast/slow/admin categories follow from the flags.
  if (flags & kWrite) acl |= kAclWrite;
  if (flags & kReadOnly) acl |= kAclRead;
  if (flags & kAdmin) acl |= kAclAdmin | kAclDangerous;
  if (flags & kPubSub) acl |= kAclPubSub;
  if (flags & kBlocking) acl |= kAclBlocking;
  acl |= (flags & kFast) ? kAclFast : kAclSlow;
  std::vector<std::string_view> out;
  for (auto [bit, name] : kNames) {
    if (acl & bit) out.push_back(name);
  }
  return out;
}

}  // namespace cardinal::commands
