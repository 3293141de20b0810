// FiberPool: runs request handlers, and the plugin code they call, on stackful fibers spread
// over a small fixed set of threads, so a CRM that takes seconds to answer costs a parked fiber
// (a stack) instead of a thread.
//
// Each thread owns one event loop; a fiber is started on one thread and always resumes there,
// so one plugin invocation runs on one thread from start to return (docs/PLUGIN_ABI.md). Code on
// a fiber waits through SuspendUntil (crmhost/suspend.h): the outbound client, the store's group
// commit and SuspendingMutex park the fiber and its thread runs the next ready one.
//
// Stacks: mmap'ed, `stack_bytes` usable, a PROT_NONE guard page below each, reused from a pool.
// A fiber that runs off its stack hits the guard page; the SIGSEGV handler names the fiber's
// label (the plugin and operation it was running, see FiberLabel) and request on stderr before
// the process dies with the default action. Under AddressSanitizer every switch is announced
// (__sanitizer_start/finish_switch_fiber) so ASan follows the stacks.
//
// Thread-safe. Shutdown refuses new fibers, waits for live ones to finish, and joins.
#ifndef CRMHOST_RUNTIME_FIBER_POOL_H
#define CRMHOST_RUNTIME_FIBER_POOL_H

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace crmhost {

namespace fiber_internal {
struct Worker;
struct Fiber;
class StackPool;
}  // namespace fiber_internal

// Stacks are larger under AddressSanitizer: its redzones grow every frame several-fold.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr size_t kDefaultFiberStackBytes = 1024 * 1024;
#else
inline constexpr size_t kDefaultFiberStackBytes = 256 * 1024;
#endif

class FiberPool {
 public:
  struct Options {
    unsigned threads = 0;  // 0: the number of cores, at most 16
    size_t stack_bytes = kDefaultFiberStackBytes;
    size_t max_fibers = 10000;       // live fibers (running or parked) before TrySpawn refuses
    size_t max_pooled_stacks = 256;  // free stacks kept for reuse; the rest are unmapped
    // After work, each thread polls this long before it blocks (runtime/idle_spin.h); 0: never.
    std::chrono::microseconds idle_spin{0};
  };
  explicit FiberPool(Options options);
  ~FiberPool();
  FiberPool(const FiberPool&) = delete;
  FiberPool& operator=(const FiberPool&) = delete;

  // Starts fn on a new fiber; false when max_fibers are live or the pool is stopping. Called
  // from one of the pool's own threads (a connection served there), the fiber starts on that
  // same thread: the request never changes thread. Elsewhere the threads take turns.
  bool TrySpawn(std::function<void()> fn);

  // The pool's threads' event loops, for work that should live beside the fibers (the App
  // Connect connections: then a request is read, handled and answered on one thread). Taking
  // turns over the threads.
  boost::asio::io_context& NextLoop();
  // Refuses new fibers, waits until every live fiber has returned, joins the threads. Fibers
  // parked on work of other threads (the network) need those threads running meanwhile.
  void Shutdown();

  struct Stats {
    size_t threads = 0;
    size_t live = 0;               // fibers running or parked
    size_t stacks_mapped = 0;      // in use + pooled
    size_t stacks_pooled = 0;      // free, kept for reuse
    uint64_t spawned = 0;          // since start
    uint64_t refused = 0;          // TrySpawn said no
    size_t stack_bytes = 0;        // usable bytes per stack
    double idle_spin_seconds = 0;  // all threads' polling with nothing to do, since start
  };
  Stats stats() const;
  // The number of threads Options::threads = 0 gives on this machine.
  static unsigned DefaultThreads();

 private:
  friend struct fiber_internal::Fiber;
  void FiberDone();

  Options options_;
  std::unique_ptr<fiber_internal::StackPool> stacks_;
  std::vector<std::unique_ptr<fiber_internal::Worker>> workers_;
  std::atomic<size_t> next_worker_{0};
  mutable std::mutex mu_;
  std::condition_variable idle_cv_;
  size_t live_ = 0;        // guarded by mu_
  bool stopping_ = false;  // guarded by mu_
  bool joined_ = false;    // guarded by mu_
  std::atomic<uint64_t> spawned_{0};
  std::atomic<uint64_t> refused_{0};
  std::atomic<uint64_t> idle_spin_ns_{0};
};

// True when the calling code runs on a FiberPool fiber.
bool OnFiber();

// The event loop of the thread the calling fiber runs on (null off a fiber): work started on it
// completes on the fiber's own thread, so waiting on it costs no thread hop.
boost::asio::io_context* CurrentFiberLoop();

// Fiber-local slot for the request id the log lines of this fiber carry (see logging.h); null
// outside a fiber.
std::string_view* FiberRequestIdSlot();

// Names what the current fiber is doing ("plugin redtail operation findContact") for the stack
// overflow report, for its lifetime; restores the previous label after. No-op off a fiber.
class FiberLabel {
 public:
  // The parts are joined as they are (truncated at 127 bytes); no allocation.
  explicit FiberLabel(std::initializer_list<std::string_view> parts);
  ~FiberLabel();
  FiberLabel(const FiberLabel&) = delete;
  FiberLabel& operator=(const FiberLabel&) = delete;

 private:
  char previous_[128];
  bool active_ = false;
};

}  // namespace crmhost

#endif  // CRMHOST_RUNTIME_FIBER_POOL_H
