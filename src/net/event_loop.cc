#include "net/event_loop.h"

#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>
#if defined(__x86_64__)
#include <x86intrin.h>
#endif

#include <algorithm>
#include <climits>
#include <fstream>
#include <string>

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

namespace {
#if defined(__x86_64__)
inline uint64_t ReadTsc() { return __rdtsc(); }
#else
inline uint64_t ReadTsc() { return 0; }  // no TSC path: FastUnixTimeUs uses clock_gettime
#endif

double g_us_per_tick = 0;  // 0 = no usable TSC; written once by CalibrateFastClock
thread_local int64_t t_base_us = 0;
thread_local uint64_t t_base_tsc = 0;

bool HasInvariantTsc() {
  std::ifstream f("/proc/cpuinfo");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("flags", 0) == 0) {
      return line.find(" constant_tsc") != std::string::npos &&
             line.find(" nonstop_tsc") != std::string::npos;
    }
  }
  return false;
}
}  // namespace

void CalibrateFastClock() {
  if (!HasInvariantTsc()) return;
  int64_t us0 = UnixTimeUs();
  uint64_t t0 = ReadTsc();
  timespec ts{0, 10 * 1000 * 1000};
  nanosleep(&ts, nullptr);
  int64_t us1 = UnixTimeUs();
  uint64_t t1 = ReadTsc();
  if (t1 > t0 && us1 > us0) g_us_per_tick = static_cast<double>(us1 - us0) / static_cast<double>(t1 - t0);
}

void ResyncFastClock() {
  if (g_us_per_tick == 0) return;
  t_base_us = UnixTimeUs();
  t_base_tsc = ReadTsc();
}

int64_t FastUnixTimeUs() {
  if (g_us_per_tick == 0 || t_base_us == 0) return UnixTimeUs();
  uint64_t now = ReadTsc();
  if (now < t_base_tsc) return UnixTimeUs();  // migrated to a core whose TSC is behind
  return t_base_us + static_cast<int64_t>(static_cast<double>(now - t_base_tsc) * g_us_per_tick);
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

void EventLoop::RunAfter(int64_t delay_ms, std::function<void()> fn) {
  const int64_t now = MonotonicMs();
  delay_ms = std::max<int64_t>(0, delay_ms);
  // Saturate: a blocking timeout of 1e15 seconds means "practically never", not an overflow.
  const int64_t due = delay_ms > INT64_MAX - now ? INT64_MAX : now + delay_ms;
  oneshots_.push(OneShot{due, std::move(fn)});
}

void EventLoop::RunTimers() {
  int64_t now = MonotonicMs();
  while (!oneshots_.empty() && oneshots_.top().due_ms <= now) {
    std::function<void()> fn = std::move(const_cast<OneShot&>(oneshots_.top()).fn);
    oneshots_.pop();
    fn();
  }
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
    if (!timers_.empty() || !oneshots_.empty()) {
      int64_t now = MonotonicMs();
      if (!oneshots_.empty()) {
        int64_t d = oneshots_.top().due_ms - now;
        if (d < timeout) timeout = d < 0 ? 0 : static_cast<int>(d);
      }
      for (auto& t : timers_) {
        int64_t d = t.next_ms - now;
        if (d < timeout) timeout = d < 0 ? 0 : static_cast<int>(d);
      }
    }
    int n = epoll_wait(epfd_, events, kMaxEvents, timeout);
    if (n < 0 && errno != EINTR) break;
    cached_now_ms_ = UnixTimeMs();
    ResyncFastClock();
    for (int i = 0; i < n; i++) {
      static_cast<IoHandler*>(events[i].data.ptr)->OnEvent(events[i].events);
    }
    RunTimers();
    if (before_sleep_) before_sleep_();
  }
}

}  // namespace cardinal::net
