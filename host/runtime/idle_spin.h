// Runs an event loop that, after each burst of work, keeps polling for a short while before it
// blocks in the kernel.
//
// Why: a request's path is a chain of wake-ups (the client's bytes, each CRM answer, the store's
// group commit). When a core has nothing to run it halts, and on a virtual machine waking a halted
// virtual CPU is slow: on the Firecracker VM our benchmarks run on, an fdatasync issued 1 ms after
// the core went idle takes 0.9-1.05 ms against 0.05-0.07 ms back to back, and 0.22 ms when both
// cores are kept busy (docs/PERFORMANCE.md, "Idle spin"). Polling for a few hundred microseconds
// after work keeps the core awake for the answer that is probably on its way; Linux's
// cpuidle-haltpoll (200 us) and busy_poll sockets do the same in the kernel. The spin yields
// the core to any other runnable thread, and after `window` without work the loop blocks as
// usual, so an idle daemon costs nothing.
#ifndef CRMHOST_RUNTIME_IDLE_SPIN_H
#define CRMHOST_RUNTIME_IDLE_SPIN_H

#include <atomic>
#include <chrono>
#include <cstdint>

namespace boost::asio {
class io_context;
}

namespace crmhost {

// Runs `loop` until it is stopped (like io_context::run). With `window` zero it is run() itself.
// Otherwise it polls without blocking (yielding the core between polls) until `window` has passed
// since the last handler ran, then blocks for the next one. The time spent polling with nothing
// to do is added to `spun_ns` (nanoseconds, wall time: a spin that yielded the core to another
// thread counts whole) when it is given. Exceptions from handlers propagate
// as from run(); calling it again goes on.
void RunWithIdleSpin(boost::asio::io_context& loop, std::chrono::microseconds window,
                     std::atomic<uint64_t>* spun_ns = nullptr);

}  // namespace crmhost

#endif  // CRMHOST_RUNTIME_IDLE_SPIN_H
