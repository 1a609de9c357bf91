// Connection commands: PING, ECHO, QUIT, RESET, HELLO, AUTH, CLIENT ...
#include <fmt/format.h>

#include "commands/context.h"
#include "common/string_util.h"
#include "common/version.h"
#include "net/event_loop.h"
#include "protocol/errors.h"
#include "server/families.h"
#include "server/server.h"

namespace cardinal::server {

using commands::ArgList;
using commands::ClientState;
using commands::CommandContext;
using commands::CommandSpec;

namespace {

Server& Srv(CommandContext& ctx) { return *ctx.server(); }

void CmdPing(ArgList args, CommandContext& ctx) {
  if (args.size() > 2) return commands::ReplyWrongArity(ctx, "ping");
  if (args.size() == 1) return ctx.reply().SendSimple("PONG");
  ctx.reply().SendBulk(args[1]);
}

void CmdEcho(ArgList args, CommandContext& ctx) { ctx.reply().SendBulk(args[1]); }

void CmdQuit(ArgList, CommandContext& ctx) {
  ctx.reply().SendOk();
  ctx.client().close_after_reply = true;
}

// Checks a password against requirepass (the "default" user until the ACL issue).
bool CheckPassword(CommandContext& ctx, std::string_view user, std::string_view pass) {
  std::string required = Srv(ctx).config().requirepass.Get();
  if (!EqualsIgnoreCase(user, "default") && user != "default") return false;
  if (required.empty()) return true;  // nopass default user accepts any password
  return pass == required;
}

void CmdAuth(ArgList args, CommandContext& ctx) {
  if (args.size() > 3) return ctx.reply().SendError(protocol::kSyntaxErr);
  std::string_view user = args.size() == 3 ? args[1] : "default";
  std::string_view pass = args.size() == 3 ? args[2] : args[1];
  if (args.size() == 2 && Srv(ctx).config().requirepass.Get().empty()) {
    return ctx.reply().SendError(
        "ERR AUTH <password> called without any password configured for the default user. Are "
        "you sure your configuration is correct?");
  }
  if (!CheckPassword(ctx, user, pass)) return ctx.reply().SendError(protocol::kWrongPassErr);
  ctx.client().authenticated = true;
  ctx.reply().SendOk();
}

bool ValidClientName(std::string_view name) {
  for (unsigned char c : name) {
    if (c < '!' || c > '~') return false;  // no spaces, newlines or special characters
  }
  return true;
}

void SetName(CommandContext& ctx, std::string_view name) {
  std::lock_guard lk(Srv(ctx).clients_mu());
  ctx.client().info->name = std::string(name);
}

void CmdHello(ArgList args, CommandContext& ctx) {
  auto& rb = ctx.reply();
  ClientState& st = ctx.client();
  int64_t ver = st.resp3 ? 3 : 2;
  size_t j = 1;
  if (args.size() >= 2) {
    if (!ParseInt64(args[1], &ver)) {
      return rb.SendError("ERR Protocol version is not an integer or out of range");
    }
    if (ver < 2 || ver > 3) return rb.SendError(protocol::kNoProtoErr);
    j = 2;
  }
  std::string_view setname;
  bool has_setname = false;
  for (; j < args.size(); j++) {
    size_t more = args.size() - j - 1;
    if (EqualsIgnoreCase(args[j], "AUTH") && more >= 2) {
      if (!CheckPassword(ctx, args[j + 1], args[j + 2])) {
        return rb.SendError(protocol::kWrongPassErr);
      }
      st.authenticated = true;
      j += 2;
    } else if (EqualsIgnoreCase(args[j], "SETNAME") && more >= 1) {
      setname = args[j + 1];
      has_setname = true;
      j++;
    } else {
      return rb.SendError(fmt::format("ERR Syntax error in HELLO option '{}'", args[j]));
    }
  }
  if (!st.authenticated) {
    return rb.SendError(
        "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO "
        "<proto> AUTH <user> <pass> option can be used to authenticate the client and select "
        "the RESP protocol version at the same time");
  }
  if (has_setname) {
    if (!ValidClientName(setname)) {
      return rb.SendError(
          "ERR Client names cannot contain spaces, newlines or special characters.");
    }
    SetName(ctx, setname);
  }
  st.resp3 = ver == 3;
  st.info->resp.store(static_cast<int>(ver));
  rb.set_resp3(st.resp3);
  rb.SendMapLen(7);
  rb.SendBulk("server");
  rb.SendBulk("redis");
  rb.SendBulk("version");
  rb.SendBulk(kRedisCompatVersion);
  rb.SendBulk("proto");
  rb.SendLong(ver);
  rb.SendBulk("id");
  rb.SendLong(static_cast<int64_t>(st.id));
  rb.SendBulk("mode");
  rb.SendBulk("standalone");
  rb.SendBulk("role");
  rb.SendBulk("master");
  rb.SendBulk("modules");
  rb.SendArrayLen(0);
}

void CmdReset(ArgList, CommandContext& ctx) {
  ClientState& st = ctx.client();
  st.multi = commands::MultiState();
  // UNWATCH through the normal command so the watch maps are cleaned the same way.
  if (!st.watched.empty()) {
    const commands::Command* unwatch = Srv(ctx).commands().Find("unwatch");
    std::string scratch;
    protocol::ReplyBuilder rb(&scratch);
    CommandContext sub(ctx.server(), &ctx.keyspace(), &st, &rb);
    std::string_view argv[] = {"unwatch"};
    unwatch->spec().handler(commands::ArgList(argv, 1), sub);
  }
  st.db = 0;
  st.resp3 = false;
  st.info->resp.store(2);
  st.reply_mode = ClientState::ReplyMode::kOn;
  st.skip_next_reply = false;
  st.authenticated = Srv(ctx).config().requirepass.Get().empty();
  {
    std::lock_guard lk(Srv(ctx).clients_mu());
    st.info->name.clear();
  }
  ctx.reply().set_resp3(false);
  ctx.reply().SendSimple("RESET");
}

// ---------------------------------------------------------------------------------------------
// CLIENT

std::string ClientLine(Server& srv, const ClientInfo& c, int64_t now_ms) {
  const commands::Command* cmd = c.last_cmd.load();
  std::string flags;
  if (c.blocked.load()) flags += 'b';
  if (c.in_multi.load()) flags += 'x';
  if (flags.empty()) flags = "N";
  std::string name, lib_name, lib_ver;
  {
    std::lock_guard lk(srv.clients_mu());
    name = c.name;
    lib_name = c.lib_name;
    lib_ver = c.lib_ver;
  }
  return fmt::format(
      "id={} addr={} laddr={} fd={} name={} age={} idle={} flags={} db={} sub=0 psub=0 ssub=0 "
      "multi={} qbuf={} qbuf-free=0 argv-mem=0 multi-mem=0 rbs=16384 rbp=0 obl=0 oll=0 omem={} "
      "tot-mem={} events=r cmd={} user=default redir=-1 resp={} lib-name={} lib-ver={}",
      c.id, c.addr, c.laddr, c.fd, name, (now_ms - c.created_ms) / 1000,
      (now_ms - c.last_interaction_ms.load()) / 1000, flags, c.db.load(), c.multi_count.load(),
      c.qbuf.load(), c.obuf.load(), c.qbuf.load() + c.obuf.load() + 16384,
      cmd ? cmd->full_name() : "NULL", c.resp.load(), lib_name, lib_ver);
}

void CmdClientId(ArgList, CommandContext& ctx) {
  ctx.reply().SendLong(static_cast<int64_t>(ctx.client().id));
}

void CmdClientSetName(ArgList args, CommandContext& ctx) {
  if (!ValidClientName(args[2])) {
    return ctx.reply().SendError(
        "ERR Client names cannot contain spaces, newlines or special characters.");
  }
  SetName(ctx, args[2]);
  ctx.reply().SendOk();
}

void CmdClientGetName(ArgList, CommandContext& ctx) {
  std::string name;
  {
    std::lock_guard lk(Srv(ctx).clients_mu());
    name = ctx.client().info->name;
  }
  if (name.empty()) return ctx.reply().SendNull();
  ctx.reply().SendBulk(name);
}

void CmdClientSetInfo(ArgList args, CommandContext& ctx) {
  std::string_view attr = args[2], value = args[3];
  if (!ValidClientName(value)) {
    return ctx.reply().SendError(fmt::format(
        "ERR {} cannot contain spaces, newlines or special characters.", ToUpperAscii(attr)));
  }
  std::lock_guard lk(Srv(ctx).clients_mu());
  if (EqualsIgnoreCase(attr, "lib-name")) {
    ctx.client().info->lib_name = std::string(value);
  } else if (EqualsIgnoreCase(attr, "lib-ver")) {
    ctx.client().info->lib_ver = std::string(value);
  } else {
    return ctx.reply().SendError(fmt::format("ERR Unrecognized option '{}'", attr));
  }
  ctx.reply().SendOk();
}

void CmdClientList(ArgList args, CommandContext& ctx) {
  Server& srv = Srv(ctx);
  bool filter_ids = false;
  std::vector<uint64_t> ids;
  if (args.size() >= 4 && EqualsIgnoreCase(args[2], "ID")) {
    filter_ids = true;
    for (size_t i = 3; i < args.size(); i++) {
      int64_t id;
      if (!ParseInt64(args[i], &id) || id <= 0) {
        return ctx.reply().SendError("ERR Invalid client ID");
      }
      ids.push_back(static_cast<uint64_t>(id));
    }
  } else if (args.size() == 4 && EqualsIgnoreCase(args[2], "TYPE")) {
    std::string_view t = args[3];
    if (!EqualsIgnoreCase(t, "normal") && !EqualsIgnoreCase(t, "master") &&
        !EqualsIgnoreCase(t, "replica") && !EqualsIgnoreCase(t, "slave") &&
        !EqualsIgnoreCase(t, "pubsub")) {
      return ctx.reply().SendError(fmt::format("ERR Unknown client type '{}'", t));
    }
    if (!EqualsIgnoreCase(t, "normal")) return ctx.reply().SendVerbatim("");
  } else if (args.size() != 2) {
    return ctx.reply().SendError(protocol::kSyntaxErr);
  }
  int64_t now = net::UnixTimeMs();
  std::string out;
  for (auto& info : srv.ClientInfos()) {
    if (filter_ids && std::find(ids.begin(), ids.end(), info->id) == ids.end()) continue;
    out += ClientLine(srv, *info, now);
    out += '\n';
  }
  ctx.reply().SendVerbatim(out);
}

void CmdClientInfo(ArgList, CommandContext& ctx) {
  std::string line = ClientLine(Srv(ctx), *ctx.client().info, net::UnixTimeMs());
  line += '\n';
  ctx.reply().SendVerbatim(line);
}

void CmdClientKill(ArgList args, CommandContext& ctx) {
  Server& srv = Srv(ctx);
  auto& rb = ctx.reply();
  auto infos = srv.ClientInfos();
  if (args.size() == 3) {  // old form: CLIENT KILL addr:port
    for (auto& info : infos) {
      if (info->addr == args[2]) {
        if (info->id == ctx.client().id) {
          ctx.client().close_after_reply = true;
        } else {
          srv.KillClient(info->id);
        }
        return rb.SendOk();
      }
    }
    return rb.SendError("ERR No such client");
  }
  if (args.size() % 2 != 0) return rb.SendError(protocol::kSyntaxErr);
  std::optional<uint64_t> id;
  std::string addr, laddr, type, user;
  bool skipme = true;
  for (size_t i = 2; i + 1 < args.size(); i += 2) {
    std::string_view opt = args[i], val = args[i + 1];
    if (EqualsIgnoreCase(opt, "ID")) {
      int64_t v;
      if (!ParseInt64(val, &v) || v <= 0) return rb.SendError("ERR client-id should be greater than 0");
      id = static_cast<uint64_t>(v);
    } else if (EqualsIgnoreCase(opt, "ADDR")) {
      addr = val;
    } else if (EqualsIgnoreCase(opt, "LADDR")) {
      laddr = val;
    } else if (EqualsIgnoreCase(opt, "TYPE")) {
      type = val;
      ToLowerAscii(&type);
      if (type != "normal" && type != "master" && type != "replica" && type != "slave" &&
          type != "pubsub") {
        return rb.SendError(fmt::format("ERR Unknown client type '{}'", val));
      }
    } else if (EqualsIgnoreCase(opt, "USER")) {
      user = val;
      if (user != "default") return rb.SendError(fmt::format("ERR No such user '{}'", val));
    } else if (EqualsIgnoreCase(opt, "SKIPME")) {
      if (EqualsIgnoreCase(val, "yes")) skipme = true;
      else if (EqualsIgnoreCase(val, "no")) skipme = false;
      else return rb.SendError(protocol::kSyntaxErr);
    } else {
      return rb.SendError(protocol::kSyntaxErr);
    }
  }
  int64_t killed = 0;
  for (auto& info : infos) {
    if (id && info->id != *id) continue;
    if (!addr.empty() && info->addr != addr) continue;
    if (!laddr.empty() && info->laddr != laddr) continue;
    if (!type.empty() && type != "normal") continue;  // only normal clients exist so far
    bool self = info->id == ctx.client().id;
    if (self && skipme) continue;
    if (self) {
      ctx.client().close_after_reply = true;
    } else {
      srv.KillClient(info->id);
    }
    killed++;
  }
  rb.SendLong(killed);
}

void CmdClientReply(ArgList args, CommandContext& ctx) {
  ClientState& st = ctx.client();
  if (EqualsIgnoreCase(args[2], "ON")) {
    st.reply_mode = ClientState::ReplyMode::kOn;
    ctx.reply().SendOk();
  } else if (EqualsIgnoreCase(args[2], "OFF")) {
    st.reply_mode = ClientState::ReplyMode::kOff;
    st.suppress_current_reply = true;
  } else if (EqualsIgnoreCase(args[2], "SKIP")) {
    st.skip_next_reply = true;
    st.suppress_current_reply = true;
  } else {
    ctx.reply().SendError(protocol::kSyntaxErr);
  }
}

void CmdClientNoEvict(ArgList args, CommandContext& ctx) {
  if (EqualsIgnoreCase(args[2], "ON") || EqualsIgnoreCase(args[2], "OFF")) {
    return ctx.reply().SendOk();
  }
  ctx.reply().SendError(protocol::kSyntaxErr);
}

void CmdClientUnblock(ArgList args, CommandContext& ctx) {
  int64_t id;
  if (!ParseInt64(args[2], &id)) return ctx.reply().SendError(protocol::kNotIntegerErr);
  bool with_error = false;
  if (args.size() == 4) {
    if (EqualsIgnoreCase(args[3], "error")) {
      with_error = true;
    } else if (!EqualsIgnoreCase(args[3], "timeout")) {
      return ctx.reply().SendError("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
    }
  } else if (args.size() > 4) {
    return ctx.reply().SendError(
        "ERR unknown subcommand or wrong number of arguments for 'unblock'. Try CLIENT HELP.");
  }
  bool done = id > 0 && ctx.server()->UnblockClient(static_cast<uint64_t>(id), with_error);
  ctx.reply().SendLong(done ? 1 : 0);
}

void CmdClientHelp(ArgList, CommandContext& ctx) {
  commands::SendHelp(ctx, "CLIENT",
           {"GETNAME", "    Return the name of the current connection.", "ID",
            "    Return the ID of the current connection.", "INFO",
            "    Return information about the current client connection.",
            "KILL <ip:port>", "    Kill connection made from <ip:port>.",
            "KILL <option> <value> [<option> <value> [...]]",
            "    Kill connections. Options are: ID, ADDR, LADDR, TYPE, USER, SKIPME.",
            "LIST [options ...]", "    Return information about client connections.",
            "REPLY (ON|OFF|SKIP)", "    Control the replies sent to the current connection.",
            "SETNAME <name>", "    Assign the name <name> to the current connection.",
            "SETINFO <LIB-NAME|LIB-VER> <value>", "    Set client library name or version.",
            "UNBLOCK <clientid> [TIMEOUT|ERROR]", "    Unblock the specified blocked client.",
            "NO-EVICT (ON|OFF)", "    Protect the current client connection from eviction."});
}

}  // namespace

void RegisterConnectionFamily(commands::CommandRegistry* r) {
  using namespace commands;  // NOLINT: flag names
  auto spec = [](std::string_view name, int arity, uint32_t flags, std::string_view summary,
                 std::string_view since, Handler h) {
    return CommandSpec{.name = name, .arity = arity, .flags = flags, .acl = kAclConnection,
                       .group = "connection", .summary = summary, .since = since,
                       .complexity = "O(1)", .handler = h};
  };
  r->Add(spec("ping", -1, kFast, "Returns the server's liveliness response.", "1.0.0", CmdPing));
  r->Add(spec("echo", 2, kFast, "Returns the given string.", "1.0.0", CmdEcho));
  r->Add(spec("quit", -1,
              kAllowBusy | kNoScript | kLoading | kStale | kFast | kNoAuth | kTransactionControl,
              "Closes the connection.", "1.0.0", CmdQuit));
  r->Add(spec("auth", -2, kNoScript | kLoading | kStale | kFast | kNoAuth | kSkipMonitor |
                               kSkipSlowlog | kAllowBusy,
              "Authenticates the connection.", "1.0.0", CmdAuth));
  r->Add(spec("hello", -1, kNoScript | kLoading | kStale | kFast | kNoAuth | kSkipMonitor |
                                kSkipSlowlog | kAllowBusy,
              "Handshakes with the Redis server.", "6.0.0", CmdHello));
  r->Add(spec("reset", 1, kNoScript | kLoading | kStale | kFast | kNoAuth | kAllowBusy |
                               kTransactionControl,
              "Resets the connection.", "6.2.0", CmdReset));
  CommandSpec client = spec("client", -2, 0, "A container for client connection commands.",
                            "2.4.0", nullptr);
  uint32_t adm = kAdmin | kNoScript | kLoading | kStale;
  uint32_t fast = kNoScript | kLoading | kStale | kFast;
  client.subcommands = {
      spec("id", 2, fast, "Returns the unique client ID of the connection.", "5.0.0",
           CmdClientId),
      spec("setname", 3, fast, "Sets the connection name.", "2.6.9", CmdClientSetName),
      spec("getname", 2, fast, "Returns the name of the connection.", "2.6.9",
           CmdClientGetName),
      spec("setinfo", 4, fast, "Sets information specific to the client or connection.",
           "7.2.0", CmdClientSetInfo),
      spec("list", -2, adm, "Lists open connections.", "2.4.0", CmdClientList),
      spec("info", 2, fast, "Returns information about the connection.", "6.2.0",
           CmdClientInfo),
      spec("kill", -3, adm, "Terminates open connections.", "2.4.0", CmdClientKill),
      spec("reply", 3, fast, "Instructs the server whether to reply to commands.", "3.2.0",
           CmdClientReply),
      spec("unblock", -3, adm, "Unblocks a client blocked by a blocking command from a different connection.",
           "5.0.0", CmdClientUnblock),
      spec("no-evict", 3, adm, "Sets the client eviction mode of the connection.", "7.0.0",
           CmdClientNoEvict),
      spec("help", 2, kLoading | kStale, "Returns helpful text about the different subcommands.",
           "5.0.0", CmdClientHelp),
  };
  r->Add(std::move(client));
}

}  // namespace cardinal::server
