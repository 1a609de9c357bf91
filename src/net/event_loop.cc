#include "net/event_loop.h"

#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

namespace cardinal::net {

int64_t MonotonicMs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int64_t UnixTimeMs() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int64_t UnixTimeUs() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

EventLoop::EventLoop() {
  cached_now_ms_ = UnixTimeMs();
  epfd_ = epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (epfd_ < 0 || wake_fd_ < 0) throw std::runtime_error("cannot create epoll/eventfd");
  Add(wake_fd_, EPOLLIN, &waker_);
}

EventLoop::~EventLoop() {
  if (wake_fd_ >= 0) close(wake_fd_);
  if (epfd_ >= 0) close(epfd_);
}

bool EventLoop::Add(int fd, uint32_t events, IoHandler* handler) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = handler;
  return epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev) == 0;
}

bool EventLoop::Modify(int fd, uint32_t events, IoHandler* handler) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = handler;
  return epoll_ctl(epfd_, EPOLL_CTL_MOD, fd, &ev) == 0;
}

void EventLoop::Remove(int fd) { epoll_ctl(epfd_, EPOLL_CTL_DEL, fd, nullptr); }

void EventLoop::Post(std::function<void()> fn) {
  {
    std::lock_guard lk(posted_mu_);
    posted_.push_back(std::move(fn));
  }
  uint64_t one = 1;
  ssize_t r = write(wake_fd_, &one, sizeof(one));
  (void)r;
}

void EventLoop::AddTimer(int period_ms, std::function<void()> fn) {
  timers_.push_back(Timer{period_ms, MonotonicMs() + period_ms, std::move(fn)});
}

void EventLoop::Stop() {
  stop_.store(true);
  uint64_t one = 1;
  ssize_t r = write(wake_fd_, &one, sizeof(one));
  (void)r;
}

void EventLoop::Waker::OnEvent(uint32_t) {
  uint64_t v;
  while (read(loop_->wake_fd_, &v, sizeof(v)) > 0) {
  }
  loop_->RunPosted();
}

void EventLoop::RunPosted() {
  std::vector<std::function<void()>> fns;
  {
    std::lock_guard lk(posted_mu_);
    fns.swap(posted_);
  }
  for (auto& f : fns) f();
}

void EventLoop::RunTimers() {
  int64_t now = MonotonicMs();
  for (auto& t : timers_) {
    if (now >= t.next_ms) {
      t.next_ms = now + t.period_ms;
      t.fn();
    }
  }
}

void EventLoop::Run() {
  constexpr int kMaxEvents = 256;
  epoll_event events[kMaxEvents];
  while (!stop_.load(std::memory_order_relaxed)) {
    int timeout = 100;
    if (!timers_.empty()) {
      int64_t now = MonotonicMs();
      for (auto& t : timers_) {
        int64_t d = t.next_ms - now;
        if (d < timeout) timeout = d < 0 ? 0 : static_cast<int>(d);
      }
    }
    int n = epoll_wait(epfd_, events, kMaxEvents, timeout);
    if (n < 0 && errno != EINTR) break;
    cached_now_ms_ = UnixTimeMs();
    for (int i = 0; i < n; i++) {
      static_cast<IoHandler*>(events[i].data.ptr)->OnEvent(events[i].events);
    }
    RunTimers();
    if (before_sleep_) before_sleep_();
  }
}

}  // namespace cardinal::net
