// EventLoop: one epoll instance driven by one thread.
//
// Each worker thread runs one loop; a connection is registered with exactly one loop for its
// whole life, so its state needs no locks. Other threads talk to a loop only through Post(),
// which queues a closure and wakes the loop through an eventfd. The loop knows nothing about
// RESP: it calls IoHandler::OnEvent with the epoll event bits (Pelikan's split between the event
// loop and the protocol). A later io_uring backend would implement the same interface.
#pragma once

#include <sys/epoll.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <queue>
#include <mutex>
#include <vector>

namespace cardinal::net {

class IoHandler {
 public:
  virtual ~IoHandler() = default;
  virtual void OnEvent(uint32_t events) = 0;
};

class EventLoop {
 public:
  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Registers `fd` for `events` (EPOLLIN/EPOLLOUT/EPOLLEXCLUSIVE...). Returns false on error.
  bool Add(int fd, uint32_t events, IoHandler* handler);
  bool Modify(int fd, uint32_t events, IoHandler* handler);
  void Remove(int fd);

  // Thread-safe: runs `fn` on the loop's thread soon.
  void Post(std::function<void()> fn);
  // Runs `fn` every `period_ms` on the loop's thread (serverCron's place).
  void AddTimer(int period_ms, std::function<void()> fn);
  // Runs `fn` once, `delay_ms` from now, on the loop's thread (blocked clients' timeouts).
  // Not cancellable: `fn` checks whether it is still wanted.
  void RunAfter(int64_t delay_ms, std::function<void()> fn);
  // Runs `fn` after each batch of events, before sleeping (beforeSleep's place: flush replies).
  void SetBeforeSleep(std::function<void()> fn) { before_sleep_ = std::move(fn); }

  // Unix time in ms read once per wakeup: cheap timestamps for idle tracking, where a few ms of
  // staleness do not matter (command clocks read the real time).
  int64_t cached_now_ms() const { return cached_now_ms_; }

  // Runs until Stop(). Must be called on the loop's thread.
  void Run();
  // Thread-safe.
  void Stop();

 private:
  struct Timer {
    int period_ms;
    int64_t next_ms;
    std::function<void()> fn;
  };
  class Waker : public IoHandler {
   public:
    explicit Waker(EventLoop* loop) : loop_(loop) {}
    void OnEvent(uint32_t) override;
   private:
    EventLoop* loop_;
  };
  void RunTimers();
  void RunPosted();
  struct OneShot {
    int64_t due_ms;
    std::function<void()> fn;
    bool operator>(const OneShot& o) const { return due_ms > o.due_ms; }
  };

  int epfd_ = -1;
  int wake_fd_ = -1;
  Waker waker_{this};
  std::atomic<bool> stop_{false};
  std::mutex posted_mu_;
  std::vector<std::function<void()>> posted_;
  std::vector<Timer> timers_;
  std::priority_queue<OneShot, std::vector<OneShot>, std::greater<OneShot>> oneshots_;
  std::function<void()> before_sleep_;
  int64_t cached_now_ms_ = 0;
};

int64_t MonotonicMs();
int64_t UnixTimeMs();
int64_t UnixTimeUs();

// Unix time in microseconds for per-command timestamps and durations, at a fraction of the cost
// of clock_gettime (a vDSO call of ~25 ns in this VM, ~3% of a pipelined GET): the CPU's
// invariant time-stamp counter, extrapolated from a base that every event-loop wakeup refreshes
// with the real clock (ResyncFastClock), so it never drifts more than a loop iteration's worth.
// Falls back to clock_gettime on CPUs without an invariant TSC and on threads that never
// resynced (tests, tools).
int64_t FastUnixTimeUs();
void ResyncFastClock();
// Measures the TSC frequency (~10 ms). Call once at startup, before any thread resyncs.
void CalibrateFastClock();

}  // namespace cardinal::net
