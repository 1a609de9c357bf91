// SORT and SORT_RO: sort the elements of a list, set or sorted set, numerically or
// lexicographically, by themselves or by external keys (BY pattern), project them through GET
// patterns, page with LIMIT, and optionally STORE the result as a list.
//
// Semantics follow Redis 7.0 exactly, including its quirks: a BY pattern without '*' means "do
// not sort" (but a set is still sorted when the result is stored, so the output does not depend
// on hash order); missing BY keys weigh 0; numbers parse like C strtod (so "" is 0); equal
// weights fall back to comparing the elements as binary strings; SORT converts a listpack
// sorted set to its full encoding, as Redis does.
//
// BY/GET patterns can name any key, so such a SORT locks every shard (kAllShards, RunAll).
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <optional>

#include "commands/collection_util.h"
#include "commands/families.h"
#include "commands/zset_ops.h"
#include "common/string_util.h"
#include "core/intset.h"
#include "core/listpack.h"
#include "core/quicklist.h"
#include "core/str_map.h"
#include "core/str_set.h"
#include "core/zset.h"

namespace cardinal::commands {

using storage::Db;
using storage::Encoding;
using storage::Entry;
using storage::ObjType;

namespace {

struct SortOptions {
  bool desc = false;
  bool alpha = false;
  bool dontsort = false;
  int64_t limit_start = 0;
  int64_t limit_count = -1;
  std::optional<std::string_view> by;
  std::vector<std::string_view> gets;
  std::optional<std::string_view> store;
};

// Parses args[2..]; replies with the error and returns false on bad syntax.
bool ParseSortOptions(ArgList args, bool read_only, CommandContext& ctx, SortOptions* o) {
  for (size_t j = 2; j < args.size(); ++j) {
    const size_t left = args.size() - j - 1;
    std::string_view a = args[j];
    if (EqualsIgnoreCase(a, "asc")) {
      o->desc = false;
    } else if (EqualsIgnoreCase(a, "desc")) {
      o->desc = true;
    } else if (EqualsIgnoreCase(a, "alpha")) {
      o->alpha = true;
    } else if (EqualsIgnoreCase(a, "limit") && left >= 2) {
      if (!ParseInt64(args[j + 1], &o->limit_start) || !ParseInt64(args[j + 2], &o->limit_count)) {
        ctx.reply().SendError(protocol::kNotIntegerErr);
        return false;
      }
      j += 2;
    } else if (EqualsIgnoreCase(a, "store") && left >= 1 && !read_only) {
      o->store = args[++j];
    } else if (EqualsIgnoreCase(a, "by") && left >= 1) {
      o->by = args[++j];
      // Sorting by a constant key is a request not to sort at all.
      if (o->by->find('*') == std::string_view::npos) o->dontsort = true;
    } else if (EqualsIgnoreCase(a, "get") && left >= 1) {
      o->gets.push_back(args[++j]);
    } else {
      ctx.reply().SendError(protocol::kSyntaxErr);
      return false;
    }
  }
  return true;
}

// The value a BY/GET pattern names for `subst`: "#" is the element itself; "prefix*suffix"
// names a string key, "prefix*suffix->field" a hash field. nullopt when the pattern has no '*',
// the key is missing or of another type, or the field is missing.
std::optional<std::string> LookupByPattern(Db& db, std::string_view pattern,
                                           std::string_view subst) {
  if (pattern == "#") return std::string(subst);
  const size_t star = pattern.find('*');
  if (star == std::string_view::npos) return std::nullopt;
  std::string_view field;
  size_t key_end = pattern.size();
  const size_t arrow = pattern.find("->", star + 1);
  if (arrow != std::string_view::npos && arrow + 2 < pattern.size()) {
    field = pattern.substr(arrow + 2);
    key_end = arrow;
  }
  std::string key;
  key.reserve(key_end + subst.size());
  key.append(pattern.substr(0, star)).append(subst).append(pattern.substr(star + 1, key_end - star - 1));
  Entry* e = db.FindRead(key);
  if (e == nullptr) return std::nullopt;
  if (field.empty()) {
    if (e->type() != ObjType::kString) return std::nullopt;
    std::string v;
    e->AppendStringValue(&v);
    return v;
  }
  if (e->type() != ObjType::kHash) return std::nullopt;
  if (e->encoding() == Encoding::kListpack) {
    core::Listpack lp(e->object_as<uint8_t>());
    core::Listpack::Pos p = lp.Find(lp.First(), field, 1);
    if (p == core::Listpack::kNpos) return std::nullopt;
    return lp.Get(lp.Next(p)).ToString();
  }
  std::optional<std::string_view> v = e->object_as<core::StrMap>()->Find(field);
  if (!v) return std::nullopt;
  return std::string(*v);
}

// Appends the elements of a list/set/zset entry to *out. For a list or sorted set with
// dontsort, only ranks [start, end] are loaded, from the tail side when `desc`.
void LoadElements(const Entry* e, std::vector<std::string>* out) {
  switch (e->type()) {
    case ObjType::kList: {
      const auto* ql = e->object_as<core::QuickList>();
      out->reserve(ql->size());
      for (auto c = ql->Front(); c.valid(); c.Next()) out->push_back(c.value().ToString());
      break;
    }
    case ObjType::kSet:
      if (e->encoding() == Encoding::kIntset) {
        e->object_as<core::IntSet>()->ForEach([&](int64_t v) { out->push_back(std::to_string(v)); });
      } else {
        e->object_as<core::StrSet>()->ForEach([&](std::string_view m) { out->emplace_back(m); });
      }
      break;
    case ObjType::kZSet:
      if (e->encoding() == Encoding::kListpack) {
        core::Listpack lp(e->object_as<uint8_t>());
        for (auto p = lp.First(); p != core::Listpack::kNpos; p = lp.Next(lp.Next(p))) {
          out->push_back(lp.Get(p).ToString());
        }
      } else {
        const auto* z = e->object_as<core::ZSet>();
        for (auto it = z->begin(); it.valid(); it.Next()) out->emplace_back(it.member());
      }
      break;
    default:
      break;
  }
}

struct Item {
  std::string value;
  double score = 0;
  std::optional<std::string> cmp;  // ALPHA with BY: the external value (nullopt: missing)
};

// Parses like C strtod with Redis's checks: trailing garbage, overflow and NaN are errors.
bool ParseSortScore(const std::string& s, double* out) {
  errno = 0;
  char* end = nullptr;
  *out = std::strtod(s.c_str(), &end);
  return *end == '\0' && errno != ERANGE && !std::isnan(*out);
}

int CompareBinary(std::string_view a, std::string_view b) {
  int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

void SortCommand(ArgList args, CommandContext& ctx, bool read_only) {
  SortOptions o;
  if (!ParseSortOptions(args, read_only, ctx, &o)) return;
  auto& rb = ctx.reply();
  auto run = [&](Db& db) {
    Entry* e = db.FindRead(args[1]);
    if (e != nullptr && e->type() != ObjType::kList && e->type() != ObjType::kSet &&
        e->type() != ObjType::kZSet) {
      return rb.SendError(protocol::kWrongTypeErr);
    }
    // A set in hash order would make a stored result depend on the replica's hash seed.
    if (o.dontsort && e != nullptr && e->type() == ObjType::kSet && o.store) {
      o.dontsort = false;
      o.alpha = true;
      o.by.reset();
    }
    if (e != nullptr && e->type() == ObjType::kZSet && e->encoding() == Encoding::kListpack) {
      ConvertZSetToSkiplist(db, e);
    }
    std::vector<std::string> elements;
    if (e != nullptr) LoadElements(e, &elements);
    const int64_t n = static_cast<int64_t>(elements.size());
    int64_t start = o.limit_start < 0 ? 0 : o.limit_start;
    int64_t end = o.limit_count < 0 ? n - 1 : start + o.limit_count - 1;
    if (o.limit_count >= 0 && o.limit_count > INT64_MAX - start) end = n - 1;
    if (start >= n) {
      start = n - 1;
      end = n - 2;
    }
    if (end >= n) end = n - 1;

    std::vector<Item> items(elements.size());
    for (size_t i = 0; i < elements.size(); ++i) items[i].value = std::move(elements[i]);
    if (o.dontsort) {
      // Lists and sorted sets keep their order; DESC walks it from the tail.
      if (o.desc && e != nullptr && e->type() != ObjType::kSet) std::reverse(items.begin(), items.end());
    } else {
      bool conversion_error = false;
      for (Item& it : items) {
        std::optional<std::string> byval;
        if (o.by) {
          byval = LookupByPattern(db, *o.by, it.value);
          if (!byval) continue;
        }
        if (o.alpha) {
          if (o.by) it.cmp = std::move(byval);
        } else if (!ParseSortScore(o.by ? *byval : it.value, &it.score)) {
          conversion_error = true;
        }
      }
      if (conversion_error) {
        return rb.SendError("ERR One or more scores can't be converted into double");
      }
      auto cmp = [&](const Item& a, const Item& b) {
        int c;
        if (!o.alpha) {
          c = a.score > b.score ? 1 : (a.score < b.score ? -1 : CompareBinary(a.value, b.value));
        } else if (o.by) {
          if (!a.cmp || !b.cmp) {
            c = (!a.cmp && !b.cmp) ? 0 : (!a.cmp ? -1 : 1);
          } else {
            c = CompareBinary(*a.cmp, *b.cmp);
          }
        } else {
          c = CompareBinary(a.value, b.value);
        }
        return o.desc ? c > 0 : c < 0;
      };
      std::stable_sort(items.begin(), items.end(), cmp);
    }

    const size_t count = end >= start ? static_cast<size_t>(end - start + 1) : 0;
    std::vector<std::optional<std::string>> out;
    out.reserve(count * std::max<size_t>(1, o.gets.size()));
    for (size_t k = 0; k < count; ++k) {
      const std::string& v = items[static_cast<size_t>(start) + k].value;
      if (o.gets.empty()) {
        out.emplace_back(v);
      } else {
        for (std::string_view g : o.gets) out.push_back(LookupByPattern(db, g, v));
      }
    }
    if (!o.store) {
      rb.SendArrayLen(out.size());
      for (const auto& v : out) {
        if (v) rb.SendBulk(*v); else rb.SendNull();
      }
      return;
    }
    std::string dest(*o.store);
    if (out.empty()) {
      if (db.Delete(dest) && db.propagating()) db.Propagate({"DEL", dest});
      return rb.SendLong(0);
    }
    auto* ql = new core::QuickList(static_cast<int>(ctx.config().list_max_listpack_size.load()));
    std::vector<std::string> prop;
    if (db.propagating()) prop = {"RPUSH", dest};
    for (const auto& v : out) {
      ql->PushBack(v ? *v : std::string_view());
      if (db.propagating()) prop.push_back(v ? *v : std::string());
    }
    db.Upsert(Entry::NewObject(dest, ObjType::kList, Encoding::kQuicklist, ql, -1));
    if (db.propagating()) {
      db.Propagate({"DEL", dest});
      db.Propagate(std::move(prop));
    }
    rb.SendLong(static_cast<int64_t>(out.size()));
  };
  if (o.by || !o.gets.empty()) {
    ctx.RunAll(run);
  } else if (o.store) {
    std::string_view keys[2] = {args[1], *o.store};
    ctx.RunKeys(keys, run);
  } else {
    ctx.Run(args[1], run);
  }
}

void CmdSort(ArgList args, CommandContext& ctx) { SortCommand(args, ctx, false); }
void CmdSortRo(ArgList args, CommandContext& ctx) { SortCommand(args, ctx, true); }

// SORT's keys: the sorted key and, with STORE, the destination.
std::vector<int> SortKeys(ArgList args) {
  std::vector<int> keys = {1};
  for (size_t j = 2; j < args.size(); ++j) {
    if (EqualsIgnoreCase(args[j], "store") && j + 1 < args.size()) {
      keys.push_back(static_cast<int>(j + 1));
      ++j;
    } else if (EqualsIgnoreCase(args[j], "limit")) {
      j += 2;
    } else if (EqualsIgnoreCase(args[j], "by") || EqualsIgnoreCase(args[j], "get")) {
      ++j;
    }
  }
  return keys;
}

// SORT_RO cannot store; Redis still reports it as having movable keys.
std::vector<int> SortRoKeys(ArgList) { return {1}; }

}  // namespace

void RegisterSortFamily(CommandRegistry* r) {
  const char* complexity =
      "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the "
      "number of returned elements. When the elements are not sorted, complexity is O(N).";
  r->Add(CommandSpec{
      .name = "sort", .arity = -2, .flags = kWrite | kDenyOom | kAllShards, .keys = {1, 1, 1},
      .acl = kAclWrite | kAclSet | kAclSortedSet | kAclList | kAclSlow | kAclDangerous,
      .group = "generic",
      .summary = "Sorts the elements in a list, a set, or a sorted set, optionally storing the "
                 "result.",
      .since = "1.0.0", .complexity = complexity, .handler = CmdSort, .key_extractor = SortKeys});
  r->Add(CommandSpec{
      .name = "sort_ro", .arity = -2, .flags = kReadOnly | kAllShards, .keys = {1, 1, 1},
      .acl = kAclRead | kAclSet | kAclSortedSet | kAclList | kAclSlow | kAclDangerous,
      .group = "generic",
      .summary = "Returns the sorted elements of a list, a set, or a sorted set.",
      .since = "7.0.0", .complexity = complexity, .handler = CmdSortRo,
      .key_extractor = SortRoKeys});
}

}  // namespace cardinal::commands
