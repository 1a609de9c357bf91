#include "persistence/aof_manifest.h"

#include <algorithm>

#include <fmt/format.h>

#include "common/string_util.h"

namespace cardinal::persistence {

std::string AofManifest::BaseName(const std::string& prefix, uint64_t seq) {
  return fmt::format("{}.{}.base.rdb", prefix, seq);
}

std::string AofManifest::IncrName(const std::string& prefix, uint64_t seq) {
  return fmt::format("{}.{}.incr.cwal", prefix, seq);
}

uint64_t AofManifest::NextSeq() const {
  uint64_t max = base ? base->seq : 0;
  for (const auto& f : incrs) max = std::max(max, f.seq);
  return max + 1;
}

std::string AofManifest::Format() const {
  std::string out;
  if (base) out += fmt::format("file {} seq {} type b\n", base->name, base->seq);
  for (const auto& f : incrs) out += fmt::format("file {} seq {} type i\n", f.name, f.seq);
  return out;
}

std::vector<std::string> AofManifest::FileNames() const {
  std::vector<std::string> names;
  if (base) names.push_back(base->name);
  for (const auto& f : incrs) names.push_back(f.name);
  return names;
}

Status AofManifest::Parse(std::string_view text, AofManifest* out) {
  *out = AofManifest();
  int line_no = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    line_no++;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string_view> words = SplitSpaces(line);
    auto bad = [&](std::string_view why) {
      return Status::Corruption(fmt::format("manifest line {}: {}", line_no, why));
    };
    std::string name, type;
    int64_t seq = -1;
    if (words.size() % 2 != 0) return bad("odd number of words");
    for (size_t i = 0; i < words.size(); i += 2) {
      if (words[i] == "file") {
        name = words[i + 1];
      } else if (words[i] == "seq") {
        if (!ParseInt64(words[i + 1], &seq) || seq < 0) return bad("invalid seq");
      } else if (words[i] == "type") {
        type = words[i + 1];
      }
      // Unknown keys are ignored, as Redis does, so newer manifests stay readable.
    }
    if (name.empty() || name.find('/') != std::string::npos) return bad("invalid file name");
    if (seq < 0) return bad("missing seq");
    File f{name, static_cast<uint64_t>(seq)};
    if (type == "b") {
      if (out->base || !out->incrs.empty()) return bad("base file not first, or twice");
      out->base = f;
    } else if (type == "i") {
      if (!out->incrs.empty() && out->incrs.back().seq >= f.seq) return bad("seq not ascending");
      out->incrs.push_back(f);
    } else if (type == "h") {
      // A Redis history entry (a file pending deletion): not part of the data.
    } else {
      return bad("invalid type");
    }
  }
  return Status::Ok();
}

Status AofManifest::Load(Env* env, const std::string& dir, const std::string& prefix,
                         AofManifest* out) {
  std::string text;
  Status s = ReadWholeFile(env, JoinPath(dir, ManifestName(prefix)), &text);
  if (!s.ok()) return s;
  s = Parse(text, out);
  if (!s.ok()) return Status::Corruption(fmt::format("{}: {}", ManifestName(prefix), s.message()));
  return Status::Ok();
}

Status AofManifest::Save(Env* env, const std::string& dir, const std::string& prefix) const {
  return WriteFileAtomically(env, JoinPath(dir, ManifestName(prefix)), Format());
}

}  // namespace cardinal::persistence
