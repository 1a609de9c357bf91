#include "server/listener.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/logging.h"
#include "protocol/errors.h"
#include "server/server.h"

namespace cardinal::server {

Status Listener::Open(const std::string& address, int port, int backlog,
                      std::unique_ptr<Listener>* out) {
  std::string addr = address;
  bool optional = false;
  if (!addr.empty() && addr[0] == '-') {
    optional = true;
    addr = addr.substr(1);
  }
  bool v6 = addr.find(':') != std::string::npos;
  int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    if (optional) return Status::Ok();
    return Status::IOError(fmt::format("Could not create server TCP listening socket {}:{}: {}",
                                       addr, port, strerror(errno)));
  }
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  int rc;
  if (v6) {
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    sockaddr_in6 sa{};
    sa.sin6_family = AF_INET6;
    sa.sin6_port = htons(static_cast<uint16_t>(port));
    if (addr == "::*" || addr == "::") {
      sa.sin6_addr = in6addr_any;
    } else if (inet_pton(AF_INET6, addr.c_str(), &sa.sin6_addr) != 1) {
      close(fd);
      return Status::InvalidArgument("Invalid bind address '" + addr + "'");
    }
    rc = bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa));
  } else {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(static_cast<uint16_t>(port));
    if (addr == "*" || addr == "0.0.0.0") {
      sa.sin_addr.s_addr = htonl(INADDR_ANY);
    } else if (inet_pton(AF_INET, addr.c_str(), &sa.sin_addr) != 1) {
      close(fd);
      return Status::InvalidArgument("Invalid bind address '" + addr + "'");
    }
    rc = bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa));
  }
  if (rc != 0 || listen(fd, backlog) != 0) {
    int err = errno;
    close(fd);
    // An optional address whose family the host lacks is skipped, as in Redis.
    if (optional && (err == EADDRNOTAVAIL || err == EAFNOSUPPORT || err == EPROTONOSUPPORT)) {
      return Status::Ok();
    }
    return Status::IOError(
        fmt::format("Could not create server TCP listening socket {}:{}: bind: {}",
                    addr == "::*" ? "::" : addr, port, strerror(err)));
  }
  auto l = std::unique_ptr<Listener>(new Listener());
  l->fd_ = fd;
  l->port_ = port;
  l->address_ = addr;
  *out = std::move(l);
  return Status::Ok();
}

Listener::~Listener() {
  if (fd_ >= 0) close(fd_);
}

static std::string FormatAddr(const sockaddr_storage& ss) {
  char ip[INET6_ADDRSTRLEN] = {0};
  int port = 0;
  if (ss.ss_family == AF_INET) {
    auto* s = reinterpret_cast<const sockaddr_in*>(&ss);
    inet_ntop(AF_INET, &s->sin_addr, ip, sizeof(ip));
    port = ntohs(s->sin_port);
  } else if (ss.ss_family == AF_INET6) {
    auto* s = reinterpret_cast<const sockaddr_in6*>(&ss);
    inet_ntop(AF_INET6, &s->sin6_addr, ip, sizeof(ip));
    port = ntohs(s->sin6_port);
  }
  // IPv6 addresses are bracketed so the port stays unambiguous, as Redis prints them.
  if (ss.ss_family == AF_INET6) return fmt::format("[{}]:{}", ip, port);
  return fmt::format("{}:{}", ip, port);
}

static bool IsLoopback(const sockaddr_storage& ss) {
  if (ss.ss_family == AF_INET) {
    auto* s = reinterpret_cast<const sockaddr_in*>(&ss);
    return (ntohl(s->sin_addr.s_addr) >> 24) == 127;
  }
  if (ss.ss_family == AF_INET6) {
    auto* s = reinterpret_cast<const sockaddr_in6*>(&ss);
    if (IN6_IS_ADDR_LOOPBACK(&s->sin6_addr)) return true;
    if (IN6_IS_ADDR_V4MAPPED(&s->sin6_addr)) return s->sin6_addr.s6_addr[12] == 127;
  }
  return false;
}

static void RejectAndClose(int fd, std::string_view msg) {
  std::string line = "-";
  line.append(msg).append("\r\n");
  ssize_t r = send(fd, line.data(), line.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  (void)r;
  close(fd);
}

void AcceptHandler::OnEvent(uint32_t) {
  // Accept a bounded batch per wakeup so one worker cannot take a whole connection storm.
  for (int i = 0; i < 64; i++) {
    sockaddr_storage peer{};
    socklen_t len = sizeof(peer);
    int fd = accept4(listener_->fd(), reinterpret_cast<sockaddr*>(&peer), &len,
                     SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        CLOG(kWarning, "Accepting client connection: {}", strerror(errno));
      }
      return;
    }
    auto& cfg = server_->config();
    if (server_->stats().connected_clients.load() >= cfg.maxclients.load()) {
      server_->stats().rejected_connections.fetch_add(1);
      RejectAndClose(fd, protocol::kMaxClientsErr);
      continue;
    }
    if (cfg.protected_mode.load() && cfg.requirepass.Get().empty() && !IsLoopback(peer)) {
      server_->stats().rejected_connections.fetch_add(1);
      RejectAndClose(fd,
                     "DENIED Cardinal is running in protected mode because protected mode is "
                     "enabled and no password is set for the default user. In this mode "
                     "connections are only accepted from the loopback interface. Set a password "
                     "(requirepass) or disable protected mode (CONFIG SET protected-mode no) to "
                     "accept connections from other hosts.");
      continue;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    int64_t keepalive = cfg.tcp_keepalive.load();
    if (keepalive > 0) {
      setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
      int idle = static_cast<int>(keepalive);
      setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
    }
    sockaddr_storage local{};
    socklen_t llen = sizeof(local);
    getsockname(fd, reinterpret_cast<sockaddr*>(&local), &llen);
    auto conn = std::make_unique<Connection>(server_, worker_, fd, server_->NextClientId(),
                                             FormatAddr(peer), FormatAddr(local));
    server_->stats().total_connections_received.fetch_add(1);
    worker_->AddConnection(std::move(conn));
  }
}

}  // namespace cardinal::server
