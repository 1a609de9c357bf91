// Declarative configuration registry: every server parameter is declared once (name, type,
// default, bounds, flags, where its value lives) and that single declaration serves all sources:
//
//   defaults < config file < environment (CARDINAL_<NAME>) < command line (--name value)
//            < CONFIG SET at runtime
//
// plus CONFIG GET (glob patterns) and CONFIG REWRITE. Values live in storage owned by the module
// that uses them (an std::atomic<int64_t> for bool/int/memory/enum, a StringValue for strings), so
// hot paths read them directly and lock-free instead of looking names up.
//
// Error texts follow Redis 7.0 exactly where clients or operators can see them: runtime errors
// (SetAtRuntime, Rewrite) are complete RESP error strings starting with "ERR "; startup errors
// (LoadFile, ApplyEnvironment, ApplyCommandLine, LoadStartup) are Redis's multi-line
// "*** FATAL CONFIG FILE ERROR (Cardinal <version>) ***" block, which the caller prints to stderr
// (surrounded by newlines, as Redis does) before exiting with status 1.
//
// Threading: declare parameters and load startup sources from one thread before serving. After
// that SetAtRuntime, Get, GetValue and Rewrite may be called from any thread (they serialize on an
// internal mutex); the storage itself can be read from any thread at any time.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/status.h"

namespace cardinal::config {

// A string parameter's storage: readers get a copy under a short lock.
class StringValue {
 public:
  std::string Get() const {
    std::lock_guard lock(mu_);
    return value_;
  }
  void Set(std::string value) {
    std::lock_guard lock(mu_);
    value_ = std::move(value);
  }

 private:
  mutable std::mutex mu_;
  std::string value_;
};

// Called with the new value in its CONFIG GET form (e.g. memory in bytes, enum name). A non-OK
// status's message becomes the reason text of the error ("... - <message>").
using ValidateFn = std::function<Status(std::string_view new_value)>;
using ApplyFn = std::function<Status(std::string_view new_value)>;
// Special parameters parse and store their own value. `words` are the arguments after the name
// (a lone "" argument arrives as an empty vector, meaning "empty value"). Must leave the stored
// value unchanged when returning an error.
using SpecialSetFn = std::function<Status(const std::vector<std::string>& words)>;
// Current value as CONFIG GET shows it. For multi_arg parameters, splitting this text on spaces
// must give words that SpecialSetFn accepts (the registry relies on it to roll back).
using SpecialGetFn = std::function<std::string()>;
// Arguments for each config-file line CONFIG REWRITE should write, already quoted, e.g. save
// returns {"3600 1", "300 100"} (two lines) or {"\"\""}. An empty vector writes no line.
using RewriteFn = std::function<std::vector<std::string>()>;
// Startup-only directive that is not a parameter (rename-command, loadmodule...).
using DirectiveFn = std::function<Status(const std::vector<std::string>& args)>;

// Optional properties of a parameter; designated initializers read well at the call site:
//   registry.AddInt("hz", &server.hz, 10, 1, 500, {.apply = ResizeCron});
struct ParamOptions {
  // Settable at startup only: "can't set immutable config".
  bool immutable = false;
  // The value never appears in registry messages; see IsSensitive().
  bool sensitive = false;
  // Not matched by CONFIG GET patterns, only by its exact name.
  bool hidden = false;
  // CONFIG SET refused unless allow_protected (Redis's enable-protected-configs):
  // "can't set protected config".
  bool protected_config = false;
  // Special only: takes several words (save, bind); CONFIG SET and environment values are split
  // into words.
  bool multi_arg = false;
  // Special only: repeated lines within one source accumulate (redis.conf `save` lines); a later
  // source replaces.
  bool append = false;
  // Extra check, run for every source before storing.
  ValidateFn validate = nullptr;
  // Side effect, run after storing at runtime only (CONFIG SET); at startup the owning module
  // reads its storage when it starts.
  ApplyFn apply = nullptr;
  // Special only: custom CONFIG REWRITE lines.
  RewriteFn rewrite = nullptr;
};

class ConfigRegistry {
 public:
  // `version` appears in startup error banners: "(Cardinal <version>)".
  explicit ConfigRegistry(std::string version = "0.1.0");
  ~ConfigRegistry();
  ConfigRegistry(const ConfigRegistry&) = delete;
  ConfigRegistry& operator=(const ConfigRegistry&) = delete;

  // ---- Declaration. Names are lowercase and unique (names and aliases share one namespace);
  // violations and out-of-range defaults are programming errors and abort. Each Add* stores the
  // default into the storage immediately. Storage must outlive the registry.
  void AddBool(std::string name, std::atomic<int64_t>* storage, bool def, ParamOptions opts = {});
  // Integers are parsed strictly like Redis (no '+', spaces or leading zeros).
  void AddInt(std::string name, std::atomic<int64_t>* storage, int64_t def, int64_t min,
              int64_t max, ParamOptions opts = {});
  // Byte counts: digits plus optional unit b, k (1000), kb (1024), m, mb, g, gb, case-insensitive.
  void AddMemory(std::string name, std::atomic<int64_t>* storage, int64_t def, int64_t min,
                 int64_t max, ParamOptions opts = {});
  // Storage holds the index into `names` (matched case-insensitively, shown as declared).
  void AddEnum(std::string name, std::atomic<int64_t>* storage, std::vector<std::string> names,
               int64_t def_index, ParamOptions opts = {});
  void AddString(std::string name, StringValue* storage, std::string def, ParamOptions opts = {});
  // `def` is given in CONFIG SET form (split into words for multi_arg) and applied via `set`.
  void AddSpecial(std::string name, SpecialSetFn set, SpecialGetFn get, std::string def,
                  ParamOptions opts = {});
  // Another accepted name, e.g. AddAlias("slaveof", "replicaof"). CONFIG GET patterns match
  // aliases too (as Redis 7.0 does); CONFIG REWRITE always writes the canonical name.
  void AddAlias(std::string alias, std::string name);
  void AddDirective(std::string name, DirectiveFn fn);

  // ---- Startup sources (apply callbacks are not run; immutable parameters are allowed).
  // Applies one line `name arg...`. Returns only the reason text on error (e.g. "argument must be
  // 'yes' or 'no'", "Bad directive or wrong number of arguments").
  Status SetFromConfigLine(const std::vector<std::string>& words);
  // Loads a redis.conf-syntax file (`include <path>` supported) and remembers its absolute path
  // as the CONFIG REWRITE target. Errors: "Fatal error, can't open config file '<path>': <why>"
  // or the FATAL block naming the line.
  Status LoadFile(const std::string& path);
  // For every parameter NAME (and alias) reads CARDINAL_<NAME upper-cased, '-' -> '_'>; other
  // CARDINAL_* variables are ignored. multi_arg values are split with config-file quoting rules.
  Status ApplyEnvironment(char** envp);
  // Arguments after the program name and config file, e.g. {"--port","7000","--save","",
  // "--bind","127.0.0.1","::1"}. As in Redis, "--name" starts an option and collects the
  // following words up to the next "--word"; the first word after a bare name is always a value
  // (so "--loglevel --x" sets "--x"); "--save" directly followed by an option means save "";
  // one argument may hold name and values ("--port 7000").
  Status ApplyCommandLine(const std::vector<std::string>& args);
  // The whole redis-server style command line minus argv[0]: an optional config file path first
  // (any first argument not starting with '-'), then options. Loads file, environment, options.
  Status LoadStartup(const std::vector<std::string>& args, char** envp);

  // ---- Runtime.
  // CONFIG SET name value [name value ...]: all or nothing. Checks every name (unknown,
  // immutable, protected, duplicate), then parses every value, then stores all, then runs apply
  // callbacks in order; if one fails, every parameter is restored and the callbacks that already
  // ran are run again with the old values. Error strings are Redis's, e.g.
  //   "ERR Unknown option or number of arguments for CONFIG SET - 'foo'"
  //   "ERR CONFIG SET failed (possibly related to argument 'hz') - argument must be between ..."
  // (Arity and odd argument counts are the command layer's: "ERR wrong number of arguments for
  // 'config|set' command", "ERR syntax error".)
  Status SetAtRuntime(const std::vector<std::pair<std::string, std::string>>& pairs,
                      bool allow_protected = false);
  // CONFIG GET pattern [pattern ...]: (name, value) pairs, each name once (case-insensitively).
  // A pattern without glob characters is an exact lookup and is echoed as typed (hidden ones
  // included); glob patterns match names and aliases case-insensitively in declaration order.
  std::vector<std::pair<std::string, std::string>> Get(
      const std::vector<std::string>& patterns) const;
  // One value in CONFIG GET form; nullopt for unknown names.
  std::optional<std::string> GetValue(std::string_view name) const;
  // True for parameters declared sensitive (by name or alias, any case): callers redact their
  // values in SLOWLOG, MONITOR and logs.
  bool IsSensitive(std::string_view name) const;
  // CONFIG REWRITE: rewrites the file given to LoadFile atomically (temp file, fsync, rename,
  // fsync of the directory), keeping comments and unknown lines in place, replacing the lines of
  // known parameters (extra lines of a parameter become blank, as in Redis; parameters back at
  // their default keep their line with the default value) and appending the other non-default
  // parameters after a "# Generated by CONFIG REWRITE" line.
  // Errors: "ERR The server is running without a config file", "ERR Rewriting config file: <why>".
  Status Rewrite() const;
  const std::string& config_file() const { return config_file_; }

 private:
  struct Entry;
  struct Value;
  struct SourceState;

  Entry* AddEntry(std::string name, int type, ParamOptions opts);
  Entry* Find(std::string_view name) const;
  Status ParseWords(const Entry& e, std::vector<std::string> words, Value* out) const;
  Status Store(const Entry& e, const Value& v) const;
  Value Snapshot(const Entry& e) const;
  std::string Format(const Entry& e) const;
  std::string FormatValue(const Entry& e, const Value& v) const;
  std::vector<std::string> RewriteLines(const Entry& e) const;
  // Applies one startup line; on error returns the reason only, unless *formatted is set (an
  // included file's error that is already a full banner).
  Status ApplyStartupLine(const std::vector<std::string>& words, SourceState* state, int depth,
                          bool* formatted);
  Status LoadFileImpl(const std::string& path, int depth, bool top_level, SourceState* state);
  std::string DisplayLine(const std::vector<std::string>& words, std::string raw) const;
  std::string FatalBlock(const std::string& where, const std::string& line,
                         const std::string& reason) const;

  std::string version_;
  std::vector<std::unique_ptr<Entry>> entries_;      // declaration order
  std::unordered_map<std::string, Entry*> by_name_;  // lowercase names and aliases
  std::string config_file_;                          // absolute; "" = none
  int config_file_newlines_ = 0;                     // for command-line line numbers
  mutable std::mutex mu_;                            // serializes runtime operations
};

}  // namespace cardinal::config
