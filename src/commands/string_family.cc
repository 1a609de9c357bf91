// String commands: SET and its variants, GET and its variants, counters, ranges, LCS.
//
// Shape of every handler: parse the arguments (all syntax errors before touching data, in
// Redis's order), run one shard-local operation through ctx.Run*, reply. Reads reply from inside
// the operation, so a GET copies the value once, straight into the output buffer.
#include <climits>
#include <cmath>
#include <optional>

#include "commands/context.h"
#include "commands/families.h"
#include "commands/op_status.h"
#include "common/string_util.h"

namespace cardinal::commands {

using storage::Db;
using storage::Encoding;
using storage::Entry;
using storage::ObjType;

namespace {

// Appends a string entry's value as a bulk reply.
void SendStringValue(protocol::ReplyBuilder& rb, const Entry* e) {
  if (e->encoding() == Encoding::kInt) {
    char buf[kInt64BufSize];
    size_t n = FormatInt64(e->int_value(), buf);
    rb.SendBulk(std::string_view(buf, n));
  } else {
    rb.SendBulk(e->str_view());
  }
}

std::string StringValue(const Entry* e) {
  std::string s;
  e->AppendStringValue(&s);
  return s;
}

// ---------------------------------------------------------------------------------------------
// SET / GETEX option parsing (shared, as in Redis, so the conflict rules are identical).

enum SetFlag : unsigned {
  kSetNx = 1, kSetXx = 2, kSetGet = 4, kSetKeepTtl = 8, kSetPersist = 16,
  kSetEx = 32, kSetPx = 64, kSetExAt = 128, kSetPxAt = 256,
};
constexpr unsigned kAnyExpire = kSetEx | kSetPx | kSetExAt | kSetPxAt;

// Parses options from args[start..]. `is_set`: SET accepts NX/XX/GET/KEEPTTL, GETEX accepts
// PERSIST. A repeated option is accepted (the last value wins); a conflicting one is a syntax
// error. Returns false on a syntax error.
bool ParseSetOptions(ArgList args, size_t start, bool is_set, unsigned* flags,
                     std::string_view* expire_arg) {
  for (size_t j = start; j < args.size(); j++) {
    std::string_view opt = args[j];
    bool has_next = j + 1 < args.size();
    unsigned f = *flags;
    auto other_expire = [&](unsigned self) { return (f & (kAnyExpire & ~self)) != 0; };
    if (EqualsIgnoreCase(opt, "nx") && !(f & kSetXx) && is_set) {
      *flags |= kSetNx;
    } else if (EqualsIgnoreCase(opt, "xx") && !(f & kSetNx) && is_set) {
      *flags |= kSetXx;
    } else if (EqualsIgnoreCase(opt, "get") && is_set) {
      *flags |= kSetGet;
    } else if (EqualsIgnoreCase(opt, "keepttl") && !(f & kSetPersist) && !(f & kAnyExpire) &&
               is_set) {
      *flags |= kSetKeepTtl;
    } else if (EqualsIgnoreCase(opt, "persist") && !is_set && !(f & kAnyExpire) &&
               !(f & kSetKeepTtl)) {
      *flags |= kSetPersist;
    } else {
      unsigned which = 0;
      if (EqualsIgnoreCase(opt, "ex")) which = kSetEx;
      else if (EqualsIgnoreCase(opt, "px")) which = kSetPx;
      else if (EqualsIgnoreCase(opt, "exat")) which = kSetExAt;
      else if (EqualsIgnoreCase(opt, "pxat")) which = kSetPxAt;
      if (which == 0 || (f & kSetKeepTtl) || (f & kSetPersist) || other_expire(which) ||
          !has_next) {
        return false;
      }
      *flags |= which;
      *expire_arg = args[++j];
    }
  }
  return true;
}

void SendInvalidExpire(CommandContext& ctx) {
  std::string msg = "ERR invalid expire time in '";
  msg.append(ctx.command()->full_name()).append("' command");
  ctx.reply().SendError(msg);
}

// Converts an EX/PX/EXAT/PXAT argument to an absolute unix time in ms, replying on error.
bool ExpireArgToAbsMs(CommandContext& ctx, std::string_view arg, unsigned flags, int64_t* out) {
  int64_t v;
  if (!ParseInt64(arg, &v)) {
    ctx.reply().SendError(protocol::kNotIntegerErr);
    return false;
  }
  bool seconds = flags & (kSetEx | kSetExAt);
  if (v <= 0 || (seconds && v > LLONG_MAX / 1000)) {
    SendInvalidExpire(ctx);
    return false;
  }
  if (seconds) v *= 1000;
  if (flags & (kSetEx | kSetPx)) {
    if (__builtin_add_overflow(v, ctx.now_ms(), &v)) {
      SendInvalidExpire(ctx);
      return false;
    }
  }
  if (v <= 0) {
    SendInvalidExpire(ctx);
    return false;
  }
  *out = v;
  return true;
}

// The effect of a SET-like write, as propagated: SET key value [PXAT ms | KEEPTTL].
void PropagateSet(Db& db, std::string_view key, std::string_view value, int64_t expire_at,
                  bool keepttl) {
  if (!db.propagating()) return;
  std::vector<std::string> argv{"SET", std::string(key), std::string(value)};
  if (expire_at >= 0) {
    argv.push_back("PXAT");
    argv.push_back(Int64ToString(expire_at));
  } else if (keepttl) {
    argv.push_back("KEEPTTL");
  }
  db.Propagate(std::move(argv));
}

std::vector<std::string> ToStrings(ArgList args) { return {args.begin(), args.end()}; }

// SET key value [NX|XX] [GET] [EX s|PX ms|EXAT t|PXAT t|KEEPTTL]; also SETNX/SETEX/PSETEX.
// `ok_reply`/`skip_reply`: SETNX answers 1/0 instead of OK/nil.
void SetGeneric(CommandContext& ctx, std::string_view key, std::string_view value, unsigned flags,
                std::string_view expire_arg, bool int_replies) {
  int64_t expire_at = -1;
  if ((flags & kAnyExpire) && !ExpireArgToAbsMs(ctx, expire_arg, flags, &expire_at)) return;
  auto& rb = ctx.reply();
  ctx.Run(key, [&](Db& db) {
    Entry* cur = (flags & kSetGet) ? db.FindRead(key) : db.Find(key);
    if (flags & kSetGet) {
      if (cur != nullptr && cur->type() != ObjType::kString) {
        rb.SendError(protocol::kWrongTypeErr);
        return;
      }
      if (cur == nullptr) rb.SendNull(); else SendStringValue(rb, cur);
    }
    bool found = cur != nullptr;
    if (((flags & kSetNx) && found) || ((flags & kSetXx) && !found)) {
      if (!(flags & kSetGet)) {
        if (int_replies) rb.SendLong(0); else rb.SendNull();
      }
      return;
    }
    int64_t exp = expire_at;
    bool keepttl = (flags & kSetKeepTtl) && cur != nullptr && cur->has_expire();
    if (keepttl) exp = cur->expire_at();
    if (cur == nullptr || !db.OverwriteString(cur, value, exp)) {
      db.UpsertFound(Entry::NewString(key, value, exp), cur);
    }
    PropagateSet(db, key, value, expire_at, keepttl);
    if (!(flags & kSetGet)) {
      if (int_replies) rb.SendLong(1); else rb.SendOk();
    }
  });
}

void CmdSet(ArgList args, CommandContext& ctx) {
  unsigned flags = 0;
  std::string_view expire_arg;
  if (!ParseSetOptions(args, 3, true, &flags, &expire_arg)) {
    return ctx.reply().SendError(protocol::kSyntaxErr);
  }
  SetGeneric(ctx, args[1], args[2], flags, expire_arg, false);
}

void CmdSetNx(ArgList args, CommandContext& ctx) {
  SetGeneric(ctx, args[1], args[2], kSetNx, {}, true);
}

void CmdSetEx(ArgList args, CommandContext& ctx) {
  SetGeneric(ctx, args[1], args[3], kSetEx, args[2], false);
}

void CmdPSetEx(ArgList args, CommandContext& ctx) {
  SetGeneric(ctx, args[1], args[3], kSetPx, args[2], false);
}

void CmdGet(ArgList args, CommandContext& ctx) {
  std::string_view key = args[1];
  auto& rb = ctx.reply();
  ctx.Run(key, [&](Db& db) {
    Entry* e = db.FindRead(key);
    if (e == nullptr) return rb.SendNull();
    if (e->type() != ObjType::kString) return rb.SendError(protocol::kWrongTypeErr);
    SendStringValue(rb, e);
  });
}

void CmdGetEx(ArgList args, CommandContext& ctx) {
  unsigned flags = 0;
  std::string_view expire_arg;
  if (!ParseSetOptions(args, 2, false, &flags, &expire_arg)) {
    return ctx.reply().SendError(protocol::kSyntaxErr);
  }
  std::string_view key = args[1];
  auto& rb = ctx.reply();
  ctx.Run(key, [&](Db& db) {
    Entry* e = db.FindRead(key);
    if (e == nullptr) return rb.SendNull();
    if (e->type() != ObjType::kString) return rb.SendError(protocol::kWrongTypeErr);
    // Redis validates the expire time only once it knows the key is a string.
    int64_t expire_at = -1;
    if ((flags & kAnyExpire) && !ExpireArgToAbsMs(ctx, expire_arg, flags, &expire_at)) return;
    SendStringValue(rb, e);
    if (expire_at >= 0) {
      if (expire_at <= db.now_ms()) {
        db.Delete(key);
        if (db.propagating()) db.Propagate({"DEL", std::string(key)});
      } else {
        db.SetExpire(e, expire_at);
        if (db.propagating()) {
          db.Propagate({"PEXPIREAT", std::string(key), Int64ToString(expire_at)});
        }
      }
    } else if ((flags & kSetPersist) && e->has_expire()) {
      db.Persist(e);
      if (db.propagating()) db.Propagate({"PERSIST", std::string(key)});
    }
  });
}

void CmdGetDel(ArgList args, CommandContext& ctx) {
  std::string_view key = args[1];
  auto& rb = ctx.reply();
  ctx.Run(key, [&](Db& db) {
    Entry* e = db.FindRead(key);
    if (e == nullptr) return rb.SendNull();
    if (e->type() != ObjType::kString) return rb.SendError(protocol::kWrongTypeErr);
    SendStringValue(rb, e);
    db.Delete(key);
    if (db.propagating()) db.Propagate({"DEL", std::string(key)});
  });
}

void CmdGetSet(ArgList args, CommandContext& ctx) {
  std::string_view key = args[1], value = args[2];
  auto& rb = ctx.reply();
  ctx.Run(key, [&](Db& db) {
    Entry* e = db.FindRead(key);
    if (e != nullptr && e->type() != ObjType::kString) return rb.SendError(protocol::kWrongTypeErr);
    if (e == nullptr) rb.SendNull(); else SendStringValue(rb, e);
    db.Upsert(Entry::NewString(key, value, -1));
    PropagateSet(db, key, value, -1, false);
  });
}

std::vector<std::string_view> KeysOf(ArgList args, size_t first, size_t step) {
  std::vector<std::string_view> keys;
  for (size_t i = first; i < args.size(); i += step) keys.push_back(args[i]);
  return keys;
}

void CmdMSet(ArgList args, CommandContext& ctx) {
  if (args.size() % 2 == 0) return ReplyWrongArity(ctx, ctx.command()->full_name());
  auto keys = KeysOf(args, 1, 2);
  ctx.RunKeys(keys, [&](Db& db) {
    for (size_t i = 1; i < args.size(); i += 2) db.Upsert(Entry::NewString(args[i], args[i + 1], -1));
    if (db.propagating()) db.Propagate(ToStrings(args));
  });
  ctx.reply().SendOk();
}

void CmdMSetNx(ArgList args, CommandContext& ctx) {
  if (args.size() % 2 == 0) return ReplyWrongArity(ctx, ctx.command()->full_name());
  auto keys = KeysOf(args, 1, 2);
  bool done = ctx.RunKeys(keys, [&](Db& db) {
    for (size_t i = 1; i < args.size(); i += 2) {
      if (db.Find(args[i]) != nullptr) return false;
    }
    for (size_t i = 1; i < args.size(); i += 2) db.Upsert(Entry::NewString(args[i], args[i + 1], -1));
    if (db.propagating()) {
      auto argv = ToStrings(args);
      argv[0] = "MSET";
      db.Propagate(std::move(argv));
    }
    return true;
  });
  ctx.reply().SendLong(done ? 1 : 0);
}

void CmdMGet(ArgList args, CommandContext& ctx) {
  auto keys = KeysOf(args, 1, 1);
  auto& rb = ctx.reply();
  ctx.RunKeys(keys, [&](Db& db) {
    rb.SendArrayLen(keys.size());
    for (auto k : keys) {
      Entry* e = db.FindRead(k);
      if (e == nullptr || e->type() != ObjType::kString) rb.SendNull(); else SendStringValue(rb, e);
    }
  });
}

// Checks that a string of `len` bytes is allowed (proto-max-bulk-len).
bool StringLengthOk(CommandContext& ctx, int64_t offset, int64_t append) {
  int64_t total;
  if (__builtin_add_overflow(offset, append, &total)) return false;
  return total <= ctx.config().proto_max_bulk_len.load(std::memory_order_relaxed);
}

// Makes `e`'s value a growable buffer of at least `min_len` bytes (zero-padded past its current
// length), replacing the entry if it was int/embstr. Returns the (possibly new) entry.
Entry* MakeRawWithRoom(Db& db, Entry* e, size_t min_len) {
  if (e->encoding() == Encoding::kRaw) {
    storage::RawString* r = e->raw();
    if (r->cap < min_len) {
      // Amortized growth like sds: double small strings, add 1 MiB to large ones.
      size_t cap = min_len < 1024 * 1024 ? min_len * 2 : min_len + 1024 * 1024;
      storage::RawString* n = storage::RawString::New(r->view(), cap);
      db.AdjustMemory(e->key(), static_cast<int64_t>(cap) - static_cast<int64_t>(r->cap));
      storage::RawString::Free(r);
      e->set_raw(n);
      r = n;
    }
    if (r->len < min_len) {
      std::memset(r->data + r->len, 0, min_len - r->len);
      r->len = min_len;
    }
    return e;
  }
  std::string cur = StringValue(e);
  size_t cap = std::max(min_len, cur.size());
  storage::RawString* r = storage::RawString::New(cur, cap);
  if (r->len < min_len) {
    std::memset(r->data + r->len, 0, min_len - r->len);
    r->len = min_len;
  }
  Entry* n = Entry::NewRaw(e->key(), r, e->expire_at());
  db.Replace(e, n);
  return n;
}

void CmdAppend(ArgList args, CommandContext& ctx) {
  std::string_view key = args[1], value = args[2];
  auto& rb = ctx.reply();
  ctx.Run(key, [&](Db& db) {
    Entry* e = db.Find(key);
    if (e == nullptr) {
      db.Upsert(Entry::NewString(key, value, -1));
      rb.SendLong(static_cast<int64_t>(value.size()));
    } else {
      if (e->type() != ObjType::kString) return rb.SendError(protocol::kWrongTypeErr);
      size_t len = e->StringLength();
      if (!StringLengthOk(ctx, static_cast<int64_t>(len), static_cast<int64_t>(value.size()))) {
        return rb.SendError(protocol::kStringTooLongErr);
      }
      Entry* n = MakeRawWithRoom(db, e, len);
      storage::RawString* r = n->raw();
      size_t old = r->len;
      n = MakeRawWithRoom(db, n, old + value.size());
      std::memcpy(n->raw()->data + old, value.data(), value.size());
      db.Touch(key);
      rb.SendLong(static_cast<int64_t>(n->raw()->len));
    }
    if (db.propagating()) db.Propagate(ToStrings(args));
  });
}

void CmdStrLen(ArgList args, CommandContext& ctx) {
  std::string_view key = args[1];
  auto& rb = ctx.reply();
  ctx.Run(key, [&](Db& db) {
    Entry* e = db.FindRead(key);
    if (e == nullptr) return rb.SendLong(0);
    if (e->type() != ObjType::kString) return rb.SendError(protocol::kWrongTypeErr);
    rb.SendLong(static_cast<int64_t>(e->StringLength()));
  });
}

void CmdGetRange(ArgList args, CommandContext& ctx) {
  int64_t start, end;
  if (!ParseInt64(args[2], &start) || !ParseInt64(args[3], &end)) {
    return ctx.reply().SendError(protocol::kNotIntegerErr);
  }
  std::string_view key = args[1];
  auto& rb = ctx.reply();
  ctx.Run(key, [&](Db& db) {
    Entry* e = db.FindRead(key);
    if (e == nullptr) return rb.SendBulk("");
    if (e->type() != ObjType::kString) return rb.SendError(protocol::kWrongTypeErr);
    char buf[kInt64BufSize];
    std::string_view v;
    if (e->encoding() == Encoding::kInt) {
      v = std::string_view(buf, FormatInt64(e->int_value(), buf));
    } else {
      v = e->str_view();
    }
    int64_t len = static_cast<int64_t>(v.size());
    int64_t s = start, t = end;
    if (s < 0 && t < 0 && s > t) return rb.SendBulk("");
    if (s < 0) s = len + s;
    if (t < 0) t = len + t;
    if (s < 0) s = 0;
    if (t < 0) t = 0;
    if (t >= len) t = len - 1;
    if (s > t || len == 0) return rb.SendBulk("");
    rb.SendBulk(v.substr(static_cast<size_t>(s), static_cast<size_t>(t - s + 1)));
  });
}

void CmdSetRange(ArgList args, CommandContext& ctx) {
  int64_t offset;
  if (!ParseInt64(args[2], &offset)) return ctx.reply().SendError(protocol::kNotIntegerErr);
  if (offset < 0) return ctx.reply().SendError(protocol::kOffsetOutOfRangeErr);
  std::string_view key = args[1], value = args[3];
  auto& rb = ctx.reply();
  ctx.Run(key, [&](Db& db) {
    Entry* e = db.Find(key);
    if (e == nullptr) {
      if (value.empty()) return rb.SendLong(0);
      if (!StringLengthOk(ctx, offset, static_cast<int64_t>(value.size()))) {
        return rb.SendError(protocol::kStringTooLongErr);
      }
      size_t total = static_cast<size_t>(offset) + value.size();
      storage::RawString* r = storage::RawString::New("", total);
      std::memset(r->data, 0, static_cast<size_t>(offset));
      std::memcpy(r->data + offset, value.data(), value.size());
      r->len = total;
      db.Upsert(Entry::NewRaw(key, r, -1));
      rb.SendLong(static_cast<int64_t>(total));
    } else {
      if (e->type() != ObjType::kString) return rb.SendError(protocol::kWrongTypeErr);
      size_t len = e->StringLength();
      if (value.empty()) return rb.SendLong(static_cast<int64_t>(len));
      if (!StringLengthOk(ctx, offset, static_cast<int64_t>(value.size()))) {
        return rb.SendError(protocol::kStringTooLongErr);
      }
      size_t need = std::max(len, static_cast<size_t>(offset) + value.size());
      Entry* n = MakeRawWithRoom(db, e, need);
      std::memcpy(n->raw()->data + offset, value.data(), value.size());
      db.Touch(key);
      rb.SendLong(static_cast<int64_t>(n->raw()->len));
    }
    if (db.propagating()) db.Propagate(ToStrings(args));
  });
}

void IncrBy(ArgList args, CommandContext& ctx, int64_t incr) {
  std::string_view key = args[1];
  auto& rb = ctx.reply();
  ctx.Run(key, [&](Db& db) {
    Entry* e = db.Find(key);
    int64_t v = 0;
    if (e != nullptr) {
      if (e->type() != ObjType::kString) return rb.SendError(protocol::kWrongTypeErr);
      if (e->encoding() == Encoding::kInt) {
        v = e->int_value();
      } else if (!ParseInt64(e->str_view(), &v)) {
        return rb.SendError(protocol::kNotIntegerErr);
      }
    }
    int64_t nv;
    if (__builtin_add_overflow(v, incr, &nv)) return rb.SendError(protocol::kOverflowErr);
    if (e != nullptr && e->encoding() == Encoding::kInt) {
      e->set_int_value(nv);  // in place: no allocation on the counter hot path
      db.Touch(key);
    } else if (e != nullptr) {
      db.Replace(e, Entry::NewInt(key, nv, e->expire_at()));
    } else {
      db.Upsert(Entry::NewInt(key, nv, -1));
    }
    if (db.propagating()) db.Propagate(ToStrings(args));
    rb.SendLong(nv);
  });
}

void CmdIncr(ArgList args, CommandContext& ctx) { IncrBy(args, ctx, 1); }
void CmdDecr(ArgList args, CommandContext& ctx) { IncrBy(args, ctx, -1); }

void CmdIncrBy(ArgList args, CommandContext& ctx) {
  int64_t incr;
  if (!ParseInt64(args[2], &incr)) return ctx.reply().SendError(protocol::kNotIntegerErr);
  IncrBy(args, ctx, incr);
}

void CmdDecrBy(ArgList args, CommandContext& ctx) {
  int64_t decr;
  if (!ParseInt64(args[2], &decr)) return ctx.reply().SendError(protocol::kNotIntegerErr);
  if (decr == LLONG_MIN) return ctx.reply().SendError("ERR decrement would overflow");
  IncrBy(args, ctx, -decr);
}

void CmdIncrByFloat(ArgList args, CommandContext& ctx) {
  std::string_view key = args[1];
  auto& rb = ctx.reply();
  ctx.Run(key, [&](Db& db) {
    Entry* e = db.Find(key);
    long double v = 0, incr;
    if (e != nullptr) {
      if (e->type() != ObjType::kString) return rb.SendError(protocol::kWrongTypeErr);
      if (e->encoding() == Encoding::kInt) {
        v = static_cast<long double>(e->int_value());
      } else if (!ParseLongDouble(e->str_view(), &v)) {
        return rb.SendError(protocol::kNotFloatErr);
      }
    }
    if (!ParseLongDouble(args[2], &incr)) return rb.SendError(protocol::kNotFloatErr);
    v += incr;
    if (std::isnan(v) || std::isinf(v)) return rb.SendError(protocol::kNanOrInfErr);
    std::string s = FormatLongDoubleHuman(v);
    // Redis stores the result as a plain string (embstr/raw), never as "int".
    Encoding enc = s.size() <= Entry::kMaxEmbeddedString ? Encoding::kEmbStr : Encoding::kRaw;
    int64_t exp = e != nullptr ? e->expire_at() : -1;
    Entry* n = Entry::NewStringAs(key, s, enc, exp);
    if (e != nullptr) db.Replace(e, n); else db.Upsert(n);
    // Propagated as SET so a replica does not redo the float arithmetic.
    PropagateSet(db, key, s, -1, exp >= 0);
    rb.SendBulk(s);
  });
}

// LCS a b [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN]: dynamic programming over the two values,
// then a walk back from the end that rebuilds the sequence and the matching ranges.
void CmdLcs(ArgList args, CommandContext& ctx) {
  auto& rb = ctx.reply();
  std::string a, b;
  bool wrong_type = false;
  std::string_view keys[2] = {args[1], args[2]};
  ctx.RunKeys(keys, [&](Db& db) {
    Entry* ea = db.FindRead(args[1]);
    Entry* eb = db.FindRead(args[2]);
    if ((ea && ea->type() != ObjType::kString) || (eb && eb->type() != ObjType::kString)) {
      wrong_type = true;
      return;
    }
    if (ea) a = StringValue(ea);
    if (eb) b = StringValue(eb);
  });
  if (wrong_type) return rb.SendError("ERR The specified keys must contain string values");
  bool getlen = false, getidx = false, withmatchlen = false;
  int64_t minmatchlen = 0;
  for (size_t j = 3; j < args.size(); j++) {
    bool more = j + 1 < args.size();
    if (EqualsIgnoreCase(args[j], "IDX")) {
      getidx = true;
    } else if (EqualsIgnoreCase(args[j], "LEN")) {
      getlen = true;
    } else if (EqualsIgnoreCase(args[j], "WITHMATCHLEN")) {
      withmatchlen = true;
    } else if (EqualsIgnoreCase(args[j], "MINMATCHLEN") && more) {
      if (!ParseInt64(args[j + 1], &minmatchlen)) return rb.SendError(protocol::kNotIntegerErr);
      if (minmatchlen < 0) minmatchlen = 0;
      j++;
    } else {
      return rb.SendError(protocol::kSyntaxErr);
    }
  }
  if (getidx && getlen) {
    return rb.SendError("ERR If you want both the length and indexes, please just use IDX.");
  }
  const size_t alen = a.size(), blen = b.size();
  // The table is (alen+1)*(blen+1) cells; refuse sizes that would exhaust memory rather than
  // crash (Redis would try to allocate and abort).
  if ((alen + 1) > (size_t{1} << 28) / (blen + 1)) {
    return rb.SendError("ERR String too long for LCS");
  }
  std::vector<uint32_t> table((alen + 1) * (blen + 1), 0);
  auto L = [&](size_t i, size_t j) -> uint32_t& { return table[j + i * (blen + 1)]; };
  for (size_t i = 1; i <= alen; i++) {
    for (size_t j = 1; j <= blen; j++) {
      L(i, j) = a[i - 1] == b[j - 1] ? L(i - 1, j - 1) + 1 : std::max(L(i - 1, j), L(i, j - 1));
    }
  }
  uint32_t total = L(alen, blen);
  if (getlen) return rb.SendLong(total);
  std::string result(total, '\0');
  struct Match { size_t a0, a1, b0, b1; };
  std::vector<Match> matches;
  size_t idx = total, i = alen, j = blen;
  size_t as = alen, ae = 0, bs = 0, be = 0;  // current range; as == alen means none
  while (i > 0 && j > 0) {
    bool emit = false;
    if (a[i - 1] == b[j - 1]) {
      result[idx - 1] = a[i - 1];
      if (as == alen) {
        as = ae = i - 1;
        bs = be = j - 1;
      } else if (as == i && bs == j) {
        as--;
        bs--;
      } else {
        emit = true;
      }
      if (as == 0 || bs == 0) emit = true;
      idx--;
      i--;
      j--;
    } else {
      if (L(i - 1, j) > L(i, j - 1)) i--; else j--;
      if (as != alen) emit = true;
    }
    if (emit) {
      size_t mlen = ae - as + 1;
      if (minmatchlen == 0 || static_cast<int64_t>(mlen) >= minmatchlen) {
        matches.push_back({as, ae, bs, be});
      }
      as = alen;
    }
  }
  if (!getidx) return rb.SendBulk(result);
  rb.SendMapLen(2);
  rb.SendBulk("matches");
  rb.SendArrayLen(matches.size());
  for (const auto& m : matches) {
    rb.SendArrayLen(withmatchlen ? 3 : 2);
    rb.SendArrayLen(2);
    rb.SendLong(static_cast<int64_t>(m.a0));
    rb.SendLong(static_cast<int64_t>(m.a1));
    rb.SendArrayLen(2);
    rb.SendLong(static_cast<int64_t>(m.b0));
    rb.SendLong(static_cast<int64_t>(m.b1));
    if (withmatchlen) rb.SendLong(static_cast<int64_t>(m.a1 - m.a0 + 1));
  }
  rb.SendBulk("len");
  rb.SendLong(total);
}

}  // namespace

void RegisterStringFamily(CommandRegistry* r) {
  constexpr uint64_t kStr = kAclString;
  auto add = [&](std::string_view name, int arity, uint32_t flags, KeySpec keys,
                 std::string_view summary, std::string_view since, std::string_view complexity,
                 Handler h) {
    r->Add(CommandSpec{.name = name, .arity = arity, .flags = flags, .keys = keys, .acl = kStr,
                       .group = "string", .summary = summary, .since = since,
                       .complexity = complexity, .handler = h});
  };
  add("get", 2, kReadOnly | kFast, {1, 1, 1}, "Returns the string value of a key.", "1.0.0",
      "O(1)", CmdGet);
  add("set", -3, kWrite | kDenyOom, {1, 1, 1},
      "Sets the string value of a key, ignoring its type. The key is created if it doesn't "
      "exist.", "1.0.0", "O(1)", CmdSet);
  add("getex", -2, kWrite | kFast, {1, 1, 1},
      "Returns the string value of a key after setting its expiration time.", "6.2.0", "O(1)",
      CmdGetEx);
  add("getdel", 2, kWrite | kFast, {1, 1, 1},
      "Returns the string value of a key after deleting the key.", "6.2.0", "O(1)", CmdGetDel);
  add("getset", 3, kWrite | kDenyOom | kFast, {1, 1, 1},
      "Returns the previous string value of a key after setting it to a new value.", "1.0.0",
      "O(1)", CmdGetSet);
  add("setnx", 3, kWrite | kDenyOom | kFast, {1, 1, 1},
      "Set the string value of a key only when the key doesn't exist.", "1.0.0", "O(1)",
      CmdSetNx);
  add("setex", 4, kWrite | kDenyOom, {1, 1, 1},
      "Sets the string value and expiration time of a key. Creates the key if it doesn't exist.",
      "2.0.0", "O(1)", CmdSetEx);
  add("psetex", 4, kWrite | kDenyOom, {1, 1, 1},
      "Sets both string value and expiration time in milliseconds of a key. The key is created "
      "if it doesn't exist.", "2.6.0", "O(1)", CmdPSetEx);
  add("mset", -3, kWrite | kDenyOom, {1, -1, 2},
      "Atomically creates or modifies the string values of one or more keys.", "1.0.1",
      "O(N) where N is the number of keys to set.", CmdMSet);
  add("msetnx", -3, kWrite | kDenyOom, {1, -1, 2},
      "Atomically modifies the string values of one or more keys only when all keys don't "
      "exist.", "1.0.1", "O(N) where N is the number of keys to set.", CmdMSetNx);
  add("mget", -2, kReadOnly | kFast, {1, -1, 1},
      "Atomically returns the string values of one or more keys.", "1.0.0",
      "O(N) where N is the number of keys to retrieve.", CmdMGet);
  add("append", 3, kWrite | kDenyOom | kFast, {1, 1, 1},
      "Appends a string to the value of a key. Creates the key if it doesn't exist.", "2.0.0",
      "O(1). The amortized time complexity is O(1) assuming the appended value is small and the "
      "already present value is of any size, since the dynamic string library used by Redis "
      "will double the free space available on every reallocation.", CmdAppend);
  add("strlen", 2, kReadOnly | kFast, {1, 1, 1}, "Returns the length of a string value.",
      "2.2.0", "O(1)", CmdStrLen);
  add("getrange", 4, kReadOnly, {1, 1, 1}, "Returns a substring of the string stored at a key.",
      "2.4.0",
      "O(N) where N is the length of the returned string. The complexity is ultimately "
      "determined by the returned length, but because creating a substring from an existing "
      "string is very cheap, it can be considered O(1) for small strings.", CmdGetRange);
  add("substr", 4, kReadOnly, {1, 1, 1}, "Returns a substring from a string value.", "1.0.0",
      "O(N) where N is the length of the returned string. The complexity is ultimately "
      "determined by the returned length, but because creating a substring from an existing "
      "string is very cheap, it can be considered O(1) for small strings.", CmdGetRange);
  add("setrange", 4, kWrite | kDenyOom, {1, 1, 1},
      "Overwrites a part of a string value with another by an offset. Creates the key if it "
      "doesn't exist.", "2.2.0",
      "O(1), not counting the time taken to copy the new string in place. Usually, this string "
      "is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M "
      "being the length of the value argument.", CmdSetRange);
  add("incr", 2, kWrite | kDenyOom | kFast, {1, 1, 1},
      "Increments the integer value of a key by one. Uses 0 as initial value if the key doesn't "
      "exist.", "1.0.0", "O(1)", CmdIncr);
  add("decr", 2, kWrite | kDenyOom | kFast, {1, 1, 1},
      "Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn't "
      "exist.", "1.0.0", "O(1)", CmdDecr);
  add("incrby", 3, kWrite | kDenyOom | kFast, {1, 1, 1},
      "Increments the integer value of a key by a number. Uses 0 as initial value if the key "
      "doesn't exist.", "1.0.0", "O(1)", CmdIncrBy);
  add("decrby", 3, kWrite | kDenyOom | kFast, {1, 1, 1},
      "Decrements a number from the integer value of a key. Uses 0 as initial value if the key "
      "doesn't exist.", "1.0.0", "O(1)", CmdDecrBy);
  add("incrbyfloat", 3, kWrite | kDenyOom | kFast, {1, 1, 1},
      "Increment the floating point value of a key by a number. Uses 0 as initial value if the "
      "key doesn't exist.", "2.6.0", "O(1)", CmdIncrByFloat);
  add("lcs", -3, kReadOnly, {1, 2, 1}, "Finds the longest common substring.", "7.0.0",
      "O(N*M) where N and M are the lengths of s1 and s2, respectively", CmdLcs);
}

}  // namespace cardinal::commands
