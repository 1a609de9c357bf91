// Command metadata, declared once per command beside its handler, and the registry.
//
// Every command is one CommandSpec in its family's Register function (string_family.cc, ...).
// The dispatcher reads the spec for arity, flags and keys; COMMAND, COMMAND INFO/DOCS/GETKEYS/
// LIST answer from it; a unit test fails when a registered command lacks metadata or a test.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace cardinal::commands {

class CommandContext;
using ArgList = std::span<const std::string_view>;  // args[0] is the command name as sent

// Flags drive the checks the dispatcher makes for every command, so handlers never repeat them.
enum CommandFlag : uint32_t {
  // Modifies the keyspace. Rejected on read-only replicas and under OOM (with kDenyOom), counted
  // for persistence, and its effect is propagated to the write-ahead log and replicas.
  kWrite = 1u << 0,
  // Only reads data; never modifies a key. Allowed on replicas and in read-only scripts.
  kReadOnly = 1u << 1,
  // May grow memory use: refused with -OOM when maxmemory is reached (eviction issue).
  kDenyOom = 1u << 2,
  // Administrative (CONFIG, SHUTDOWN, DEBUG...): hidden from MONITOR, needs the admin ACL category.
  kAdmin = 1u << 3,
  // A pub/sub command (allowed in RESP2 subscribed state).
  kPubSub = 1u << 4,
  // Not allowed inside Lua scripts.
  kNoScript = 1u << 5,
  // May block the client (BLPOP...). Inside MULTI it runs without blocking.
  kBlocking = 1u << 6,
  // Allowed while the dataset is loading (INFO, PING...); everything else gets -LOADING.
  kLoading = 1u << 7,
  // Allowed on a replica whose link to the primary is down (serve-stale-data no).
  kStale = 1u << 8,
  // Not echoed to MONITOR (AUTH, HELLO: they carry passwords).
  kSkipMonitor = 1u << 9,
  // Not recorded in the slow log.
  kSkipSlowlog = 1u << 10,
  // O(1) or O(log N): never delays the server noticeably.
  kFast = 1u << 11,
  // Runs before authentication (AUTH, HELLO, QUIT...).
  kNoAuth = 1u << 12,
  // Refused inside MULTI (WATCH, and commands that control the connection's transaction).
  kNoMulti = 1u << 13,
  // Allowed while a script runs too long (-BUSY otherwise; scripting issue).
  kAllowBusy = 1u << 14,
  // Touches keys in every shard or no particular key (FLUSHALL, KEYS, SWAPDB): EXEC locks all
  // shards when a queued command has it.
  kAllShards = 1u << 15,
  // Runs outside the transaction machinery: EXEC, DISCARD, MULTI, WATCH, QUIT, RESET are
  // executed immediately even while queuing.
  kTransactionControl = 1u << 16,
};

// ACL categories (ACL issue); reported by COMMAND INFO as @name.
enum AclCategory : uint64_t {
  kAclKeyspace = 1ull << 0, kAclRead = 1ull << 1, kAclWrite = 1ull << 2, kAclSet = 1ull << 3,
  kAclSortedSet = 1ull << 4, kAclList = 1ull << 5, kAclHash = 1ull << 6, kAclString = 1ull << 7,
  kAclBitmap = 1ull << 8, kAclHyperLogLog = 1ull << 9, kAclGeo = 1ull << 10,
  kAclStream = 1ull << 11, kAclPubSub = 1ull << 12, kAclAdmin = 1ull << 13, kAclFast = 1ull << 14,
  kAclSlow = 1ull << 15, kAclBlocking = 1ull << 16, kAclDangerous = 1ull << 17,
  kAclConnection = 1ull << 18, kAclTransaction = 1ull << 19, kAclScripting = 1ull << 20,
};

// Key positions in Redis's legacy form: first key index, last (negative counts from the end),
// step. {0,0,0} = no keys.
struct KeySpec {
  int first = 0;
  int last = 0;
  int step = 0;
};

using Handler = void (*)(ArgList args, CommandContext& ctx);
// For commands whose keys a KeySpec cannot describe (ZUNIONSTORE's numkeys, LCS...).
using KeyExtractor = std::vector<int> (*)(ArgList args);

struct CommandSpec {
  std::string_view name;   // lower case, as COMMAND reports it ("get", "config|get" for subs)
  int arity = 0;           // N: exactly N words incl. the name; -N: at least N
  uint32_t flags = 0;
  KeySpec keys;
  uint64_t acl = 0;
  std::string_view group;  // "string", "generic", "connection", "server", "transactions"
  std::string_view summary;
  std::string_view since;
  std::string_view complexity;
  Handler handler = nullptr;
  KeyExtractor key_extractor = nullptr;
  std::vector<CommandSpec> subcommands;  // CONFIG GET, CLIENT LIST... (handler of parent unused)
};

// Per-command counters for INFO commandstats. Each worker thread owns one cell per command
// (indexed by Command::id()) and is its only writer, so counting is a plain load+store with no
// lock-prefixed instruction and no cache line shared between threads; INFO sums the cells.
struct CommandStatsCell {
  std::atomic<uint64_t> calls{0};
  std::atomic<uint64_t> usec{0};
  std::atomic<uint64_t> rejected_calls{0};
  std::atomic<uint64_t> failed_calls{0};
};

// Adds `n` to a counter that only the calling thread writes.
inline void BumpOwned(std::atomic<uint64_t>& c, uint64_t n = 1) {
  c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

class Command {
 public:
  // `next_id` numbers this command and its subcommands (ids index CommandStatsCell arrays).
  Command(CommandSpec spec, const Command* parent, int* next_id);
  const CommandSpec& spec() const { return spec_; }
  std::string_view name() const { return spec_.name; }
  // "get", or "config|get" for a subcommand.
  const std::string& full_name() const { return full_name_; }
  const Command* parent() const { return parent_; }
  bool has_subcommands() const { return !subcommands_.empty(); }
  const Command* FindSubcommand(std::string_view name) const;
  const std::vector<std::unique_ptr<Command>>& subcommands() const { return subcommands_; }
  bool CheckArity(size_t argc) const {
    int a = spec_.arity;
    return a >= 0 ? argc == static_cast<size_t>(a) : argc >= static_cast<size_t>(-a);
  }
  // Indexes of the key arguments of this invocation.
  std::vector<int> KeyIndexes(ArgList args) const;
  int id() const { return id_; }

 private:
  CommandSpec spec_;
  std::string full_name_;
  const Command* parent_;
  std::vector<std::unique_ptr<Command>> subcommands_;
  int id_;
};

class CommandRegistry {
 public:
  // Adds a command (and its subcommands). Names are stored lower case.
  void Add(CommandSpec spec);
  // Case-insensitive lookup; nullptr when unknown.
  const Command* Find(std::string_view name) const;
  const std::vector<std::unique_ptr<Command>>& all() const { return commands_; }
  // Number of ids handed out (commands + subcommands): the size of a stats cell array.
  int id_count() const { return next_id_; }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::vector<std::unique_ptr<Command>> commands_;
  int next_id_ = 0;
  std::unordered_map<std::string, const Command*, Hash, std::equal_to<>> by_name_;
};

// Flag and category names as COMMAND INFO prints them.
std::vector<std::string_view> FlagNames(uint32_t flags);
std::vector<std::string_view> AclCategoryNames(uint64_t acl, uint32_t flags);

}  // namespace cardinal::commands
