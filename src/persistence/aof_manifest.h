// The manifest of the append-only directory (docs/PERSISTENCE.md, "Manifest"): which base
// snapshot and which incremental WAL files make up the log, in replay order. Redis 7's syntax,
// so operators read it the same way.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "persistence/env.h"

namespace cardinal::persistence {

struct AofManifest {
  struct File {
    std::string name;
    uint64_t seq = 0;
  };
  std::optional<File> base;
  std::vector<File> incrs;  // replay order, ascending seq

  // File names for a prefix (appendfilename) and sequence number.
  static std::string BaseName(const std::string& prefix, uint64_t seq);
  static std::string IncrName(const std::string& prefix, uint64_t seq);
  static std::string ManifestName(const std::string& prefix) { return prefix + ".manifest"; }

  // The highest seq in use (0 when empty): new files take NextSeq().
  uint64_t NextSeq() const;
  std::string Format() const;
  static Status Parse(std::string_view text, AofManifest* out);
  // Reads dir/<prefix>.manifest. NotFound when there is none.
  static Status Load(Env* env, const std::string& dir, const std::string& prefix,
                     AofManifest* out);
  // Atomically replaces dir/<prefix>.manifest.
  Status Save(Env* env, const std::string& dir, const std::string& prefix) const;
  // Names of every file the manifest lists.
  std::vector<std::string> FileNames() const;
};

}  // namespace cardinal::persistence
