// cardinal-check-aof: verifies Cardinal's write-ahead log, as redis-check-aof does for Redis's.
//
//   cardinal-check-aof [--fix] [--truncate-to-corruption] <file.cwal | appendonly.aof.manifest>
//
// Applies exactly the rules the server applies at start-up (docs/PERSISTENCE.md, "Reading: torn
// tails and corruption"). Given a manifest it checks every incremental file it lists (only the
// last may have a torn tail) and that the base file exists. --fix truncates a torn tail at the
// last valid record; damage in the middle is only cut with --truncate-to-corruption, which
// drops every record from the damage on. Exit status 0 when the log is (now) valid, 1 otherwise.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "persistence/aof_manifest.h"
#include "persistence/env.h"
#include "persistence/wal_format.h"

namespace {

using cardinal::Status;
using cardinal::persistence::AofManifest;
using cardinal::persistence::DirName;
using cardinal::persistence::Env;
using cardinal::persistence::JoinPath;
namespace wal = cardinal::persistence::wal;

struct Flags {
  bool fix = false;
  bool truncate_to_corruption = false;
};

// Returns true when the file is valid after any fix.
bool CheckFile(const std::string& path, bool last, const Flags& flags) {
  std::string data;
  Status s = cardinal::persistence::ReadWholeFile(Env::Posix(), path, &data);
  if (!s.ok()) {
    std::printf("Cannot read %s: %s\n", path.c_str(), s.message().c_str());
    return false;
  }
  uint64_t commands = 0;
  Status cb;
  std::vector<cardinal::storage::PropagatedCommand> batch;
  wal::ScanResult r = wal::Scan(
      data,
      [&](std::string_view payload, uint64_t offset) {
        Status d = wal::DecodeBatch(payload, &batch);
        commands += batch.size();
        if (!d.ok()) return Status::Corruption(d.message() + " at offset " + std::to_string(offset));
        return Status::Ok();
      },
      &cb);
  std::printf("AOF analyzed: filename=%s, size=%zu, ok_up_to=%llu, records=%llu, commands=%llu, diff=%llu\n",
              path.c_str(), data.size(), static_cast<unsigned long long>(r.good_end),
              static_cast<unsigned long long>(r.records), static_cast<unsigned long long>(commands),
              static_cast<unsigned long long>(data.size() - r.good_end));
  if (!cb.ok()) {
    std::printf("%s: a record with a valid checksum does not decode: %s\n", path.c_str(),
                cb.message().c_str());
    return false;
  }
  using Kind = wal::ScanResult::Kind;
  bool cut = false;
  switch (r.kind) {
    case Kind::kClean:
      std::printf("AOF %s is valid\n", path.c_str());
      return true;
    case Kind::kBadHeader:
      std::printf("AOF %s is not valid: %s\n", path.c_str(), r.reason.c_str());
      return false;
    case Kind::kTornTail:
      std::printf("AOF %s has a torn tail at offset %llu (%s): %llu bytes after the last valid record%s\n",
                  path.c_str(), static_cast<unsigned long long>(r.bad_offset), r.reason.c_str(),
                  static_cast<unsigned long long>(data.size() - r.good_end),
                  last ? "" : " (and it is not the last file of the log: the server refuses it)");
      cut = flags.fix;
      break;
    case Kind::kCorrupt:
      std::printf("AOF %s is corrupt at offset %llu (%s): valid records follow the damage\n",
                  path.c_str(), static_cast<unsigned long long>(r.bad_offset), r.reason.c_str());
      cut = flags.fix && flags.truncate_to_corruption;
      if (flags.fix && !cut) {
        std::printf("Not truncating: that would drop valid records after the damage. Use "
                    "--truncate-to-corruption to do it anyway.\n");
      }
      break;
  }
  if (!cut) {
    if (!flags.fix) std::printf("Use the --fix option to try fixing it.\n");
    return false;
  }
  s = Env::Posix()->TruncateFile(path, r.good_end);
  if (!s.ok()) {
    std::printf("Failed to truncate: %s\n", s.message().c_str());
    return false;
  }
  std::printf("Successfully truncated AOF %s to %llu bytes\n", path.c_str(),
              static_cast<unsigned long long>(r.good_end));
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  std::string file;
  for (int i = 1; i < argc; i++) {
    if (std::strcmp(argv[i], "--fix") == 0) {
      flags.fix = true;
    } else if (std::strcmp(argv[i], "--truncate-to-corruption") == 0) {
      flags.truncate_to_corruption = true;
    } else if (file.empty() && argv[i][0] != '-') {
      file = argv[i];
    } else {
      file.clear();
      break;
    }
  }
  if (file.empty()) {
    std::fprintf(stderr,
                 "Usage: %s [--fix] [--truncate-to-corruption] <file.cwal | <appendfilename>.manifest>\n",
                 argv[0]);
    return 1;
  }
  const std::string suffix = ".manifest";
  if (file.size() > suffix.size() && file.compare(file.size() - suffix.size(), suffix.size(), suffix) == 0) {
    std::string dir = DirName(file);
    std::string prefix = file.substr(dir == "." && file.find('/') == std::string::npos ? 0 : dir.size() + 1);
    prefix.resize(prefix.size() - suffix.size());
    AofManifest m;
    Status s = AofManifest::Load(Env::Posix(), dir, prefix, &m);
    if (!s.ok()) {
      std::printf("Invalid manifest %s: %s\n", file.c_str(), s.message().c_str());
      return 1;
    }
    bool ok = true;
    if (m.base && !Env::Posix()->FileExists(JoinPath(dir, m.base->name))) {
      std::printf("The base file %s is missing\n", m.base->name.c_str());
      ok = false;
    } else if (m.base) {
      std::printf("Base file %s present (check it with redis-check-rdb)\n", m.base->name.c_str());
    }
    for (size_t i = 0; i < m.incrs.size(); i++) {
      ok = CheckFile(JoinPath(dir, m.incrs[i].name), i + 1 == m.incrs.size(), flags) && ok;
    }
    return ok ? 0 : 1;
  }
  return CheckFile(file, true, flags) ? 0 : 1;
}
