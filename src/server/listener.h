// Listener: one bound, listening TCP socket (IPv4 or IPv6). Each worker registers the socket in
// its own epoll with EPOLLEXCLUSIVE, so the kernel wakes one worker per incoming connection and
// the worker that accepts it owns it.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "net/event_loop.h"

namespace cardinal::server {

class Server;

class Listener {
 public:
  // Binds `address` ("*" = all IPv4, "::*" = all IPv6, else a literal address). A leading '-'
  // marks an optional address (Redis 7 `bind * -::*`): failure to bind it is not an error.
  static Status Open(const std::string& address, int port, int backlog,
                     std::unique_ptr<Listener>* out);
  ~Listener();
  int fd() const { return fd_; }
  int port() const { return port_; }
  const std::string& address() const { return address_; }

 private:
  int fd_ = -1;
  int port_ = 0;
  std::string address_;
};

// Accepts connections on behalf of one worker.
class AcceptHandler : public net::IoHandler {
 public:
  AcceptHandler(Server* server, class Worker* worker, Listener* listener)
      : server_(server), worker_(worker), listener_(listener) {}
  void OnEvent(uint32_t events) override;

 private:
  Server* server_;
  Worker* worker_;
  Listener* listener_;
};

}  // namespace cardinal::server
