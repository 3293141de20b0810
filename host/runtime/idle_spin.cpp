#include "runtime/idle_spin.h"

#include <sched.h>

#include <boost/asio/io_context.hpp>

namespace crmhost {

void RunWithIdleSpin(boost::asio::io_context& loop, std::chrono::microseconds window,
                     std::atomic<uint64_t>* spun_ns) {
  if (window.count() <= 0) {
    loop.run();
    return;
  }
  using Clock = std::chrono::steady_clock;
  auto last_work = Clock::now();
  bool spinning = false;  // polled at least once with nothing to do since last_work
  // Adds the time since the last handler ran: called when the spin ends (work came or the window
  // passed), so a spin is counted once however many polls it took.
  auto count_spin = [&](Clock::time_point now) {
    if (spinning && spun_ns)
      spun_ns->fetch_add(
          uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(now - last_work).count()),
          std::memory_order_relaxed);
    spinning = false;
  };
  while (!loop.stopped()) {
    // poll() also asks the reactor (epoll) for ready sockets and timers, without waiting. The
    // spin ends where the poll that found work began: the handlers' own time is not spin.
    const auto before = Clock::now();
    if (loop.poll() > 0) {
      count_spin(before);
      last_work = Clock::now();
      continue;
    }
    const auto now = Clock::now();
    if (now - last_work < window) {
      spinning = true;
      ::sched_yield();  // another runnable thread on this core goes first
      continue;
    }
    count_spin(now);
    loop.run_one();  // nothing for a whole window: block until the next handler
    last_work = Clock::now();
  }
}

}  // namespace crmhost
