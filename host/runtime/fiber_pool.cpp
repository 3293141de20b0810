#include "runtime/fiber_pool.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/context/fiber.hpp>
#include <cstring>
#include <exception>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "crmhost/suspend.h"
#include "runtime/fiber_stacks.h"
#include "runtime/idle_spin.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#define CRMHOST_FIBER_ASAN 1
#endif

namespace crmhost {
namespace asio = boost::asio;
namespace ctx = boost::context;

namespace {

// Announces stack switches to AddressSanitizer (Debian's Boost.Context is the assembler
// backend, which has no sanitizer hooks of its own). No-ops in other builds.
inline void StartSwitch([[maybe_unused]] void** fake_stack_save,
                        [[maybe_unused]] const void* bottom, [[maybe_unused]] size_t size) {
#ifdef CRMHOST_FIBER_ASAN
  __sanitizer_start_switch_fiber(fake_stack_save, bottom, size);
#endif
}
inline void FinishSwitch([[maybe_unused]] void* fake_stack_save,
                         [[maybe_unused]] const void** bottom_old,
                         [[maybe_unused]] size_t* size_old) {
#ifdef CRMHOST_FIBER_ASAN
  __sanitizer_finish_switch_fiber(fake_stack_save, bottom_old, size_old);
#endif
}

}  // namespace

namespace fiber_internal {

// ---- fibers and their threads -------------------------------------------------------------------

struct Worker {
  asio::io_context loop{1};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work{
      asio::make_work_guard(loop)};
  std::thread thread;
};

struct Fiber final : Suspender {
  FiberPool* pool = nullptr;
  Worker* home = nullptr;
  std::function<void()> fn;
  ctx::fiber self;    // the parked fiber (scheduler side)
  ctx::fiber caller;  // the scheduler (fiber side, while running)
  bool finished = false;
  // The stack: [base, base + GuardBytes()) is the guard, the rest is usable.
  char* base = nullptr;
  size_t usable = 0;
  // The thread's own stack, for ASan's switch annotations.
  const void* thread_stack_bottom = nullptr;
  size_t thread_stack_size = 0;
  // Set by Suspend for RunSlice: what to start once the fiber has parked, and what it threw.
  const StartFn* pending_start = nullptr;
  std::exception_ptr start_failed;
  // Fiber-locals.
  std::string_view request_id = "-";
  char label[128] = "";

  // Scheduler side, on the home thread: runs the fiber until it parks or returns.
  void RunSlice();
  // Fiber side: the fiber's whole life.
  ctx::fiber Main(ctx::fiber&& from);
  void Suspend(const StartFn& start) override;
  // Scheduler side: runs pending_start once the fiber has parked.
  void StartParked();
};

}  // namespace fiber_internal

using fiber_internal::Fiber;
using fiber_internal::GuardBytes;
using fiber_internal::StackPool;
using fiber_internal::Worker;

namespace {

thread_local Fiber* tl_fiber = nullptr;
thread_local Worker* tl_worker = nullptr;  // the pool thread this is, if any

// The stack allocator Boost.Context calls while building the fiber: hands out the stack the
// pool already mapped for it, and gives it back when the fiber has ended.
struct GivenStack {
  Fiber* fiber;
  StackPool* pool;
  ctx::stack_context allocate() {
    ctx::stack_context sc;
    sc.size = fiber->usable;
    sc.sp = fiber->base + GuardBytes() + fiber->usable;
    return sc;
  }
  void deallocate(ctx::stack_context&) noexcept;
};

}  // namespace

void Fiber::RunSlice() {
  tl_fiber = this;
  SetCurrentSuspender(this);
  void* fake = nullptr;
  StartSwitch(&fake, base + GuardBytes(), usable);
  self = std::move(self).resume();
  FinishSwitch(fake, nullptr, nullptr);
  SetCurrentSuspender(nullptr);
  tl_fiber = nullptr;
  if (pending_start) StartParked();
  if (finished) {
    FiberPool* p = pool;
    delete this;  // the stack went back to the pool when the fiber returned
    p->FiberDone();
  }
}

ctx::fiber Fiber::Main(ctx::fiber&& from) {
  FinishSwitch(nullptr, &thread_stack_bottom, &thread_stack_size);
  caller = std::move(from);
  try {
    fn();
  } catch (const ctx::detail::forced_unwind&) {
    throw;  // Boost.Context unwinding a fiber that is destroyed unfinished: let it through
  } catch (const std::exception& e) {
    spdlog::error("a fiber ended with an exception: {}", e.what());
  } catch (...) {
    spdlog::error("a fiber ended with an unknown exception");
  }
  fn = nullptr;  // captures die on the fiber, while its locals are still valid
  finished = true;
  StartSwitch(nullptr, thread_stack_bottom, thread_stack_size);  // this stack is done
  return std::move(caller);
}

// Parks first, starts after: `start` runs in RunSlice on the thread's own stack, once the fiber
// has switched away. Whatever start does (posting an exchange, taking a lock, allocating its
// handler) then never deepens the fiber's stack, and the deepest point of a parked request's
// stack is this switch. Stack pages a fiber touched stay resident while it waits, so with a
// thousand requests parked on a slow CRM a few hundred bytes here decide between two and three
// pages per request (docs/PERFORMANCE.md, "Memory at 1,000 connections").
void Fiber::Suspend(const StartFn& start) {
  pending_start = &start;  // on this stack, which stays intact while we are parked
  void* fake = nullptr;
  StartSwitch(&fake, thread_stack_bottom, thread_stack_size);
  caller = std::move(caller).resume();
  FinishSwitch(fake, &thread_stack_bottom, &thread_stack_size);
  if (start_failed) std::rethrow_exception(std::exchange(start_failed, nullptr));
}

// Scheduler side, right after the fiber parked in Suspend. The resume is posted to the home
// loop, which this thread runs only after we return, so a completion that arrives early (even
// inside start, even from another thread) cannot resume the fiber before this is done.
void Fiber::StartParked() {
  const StartFn* start = std::exchange(pending_start, nullptr);
  Fiber* me = this;
  Resume resume = [me] { asio::post(me->home->loop, [me] { me->RunSlice(); }); };
  try {
    (*start)(resume);
  } catch (...) {
    // Nothing was started: the fiber resumes at once and Suspend throws there, as if start had
    // thrown on the fiber.
    start_failed = std::current_exception();
    resume();
  }
}

void GivenStack::deallocate(ctx::stack_context&) noexcept {
  pool->Give(fiber->base);
}

// ---- stack overflow report
// ------------------------------------------------------------------------

namespace fiber_internal {

bool GuardFault(const void* addr, OverflowInfo& info) {
  const Fiber* f = tl_fiber;
  const char* p = static_cast<const char*>(addr);
  if (!f || p < f->base || p >= f->base + GuardBytes()) return false;
  info.usable = f->usable;
  info.label = f->label;
  info.request_id = f->request_id;
  return true;
}

}  // namespace fiber_internal

// ---- the pool
// ----------------------------------------------------------------------------------------

unsigned FiberPool::DefaultThreads() {
  unsigned n = std::thread::hardware_concurrency();
  return std::clamp(n == 0 ? 2u : n, 1u, 16u);
}

FiberPool::FiberPool(Options options) : options_(options) {
  if (options_.threads == 0) options_.threads = DefaultThreads();
  stacks_ = std::make_unique<StackPool>(options_.stack_bytes, options_.max_pooled_stacks);
  fiber_internal::InstallOverflowReporter();
  for (unsigned i = 0; i < options_.threads; ++i) {
    auto w = std::make_unique<Worker>();
    Worker* raw = w.get();
    w->thread = std::thread([this, raw] {
      tl_worker = raw;
      fiber_internal::PrepareThreadForOverflowReport();
      for (;;) {  // a throwing handler must not end the thread its fibers live on
        try {
          RunWithIdleSpin(raw->loop, options_.idle_spin, &idle_spin_ns_);
          return;
        } catch (const std::exception& e) {
          spdlog::error("fiber thread: a handler threw: {}; going on", e.what());
        } catch (...) {
          spdlog::error("fiber thread: a handler threw; going on");
        }
      }
    });
    workers_.push_back(std::move(w));
  }
}

FiberPool::~FiberPool() {
  Shutdown();
}

bool FiberPool::TrySpawn(std::function<void()> fn) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || live_ >= options_.max_fibers) {
      refused_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    ++live_;
  }
  auto* f = new Fiber;
  f->pool = this;
  // On one of our threads (a connection served there): stay on it. Only a thread of this pool
  // counts: a worker of another pool is not ours.
  Worker* here = tl_worker;
  const bool ours =
      std::any_of(workers_.begin(), workers_.end(),
                  [here](const std::unique_ptr<Worker>& w) { return w.get() == here; });
  f->home =
      ours ? here
           : workers_[next_worker_.fetch_add(1, std::memory_order_relaxed) % workers_.size()].get();
  f->fn = std::move(fn);
  f->usable = stacks_->usable();
  f->base = static_cast<char*>(stacks_->Take());
  if (!f->base) {
    spdlog::error("cannot map a {} KiB fiber stack", f->usable / 1024);
    delete f;
    FiberDone();
    refused_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  f->self = ctx::fiber(std::allocator_arg, GivenStack{f, stacks_.get()},
                       [f](ctx::fiber&& from) { return f->Main(std::move(from)); });
  spawned_.fetch_add(1, std::memory_order_relaxed);
  asio::post(f->home->loop, [f] { f->RunSlice(); });
  return true;
}

asio::io_context& FiberPool::NextLoop() {
  return workers_[next_worker_.fetch_add(1, std::memory_order_relaxed) % workers_.size()]->loop;
}

void FiberPool::FiberDone() {
  std::lock_guard lock(mu_);
  if (--live_ == 0) idle_cv_.notify_all();
}

void FiberPool::Shutdown() {
  std::unique_lock lock(mu_);
  stopping_ = true;
  if (joined_) return;
  idle_cv_.wait(lock, [this] { return live_ == 0; });
  joined_ = true;
  lock.unlock();
  for (auto& w : workers_)
    w->work.reset();
  for (auto& w : workers_)
    if (w->thread.joinable()) w->thread.join();
}

FiberPool::Stats FiberPool::stats() const {
  Stats s;
  s.threads = workers_.size();
  {
    std::lock_guard lock(mu_);
    s.live = live_;
  }
  s.stacks_pooled = stacks_->pooled();
  s.stacks_mapped = stacks_->in_use() + s.stacks_pooled;
  s.spawned = spawned_.load(std::memory_order_relaxed);
  s.refused = refused_.load(std::memory_order_relaxed);
  s.stack_bytes = stacks_->usable();
  s.idle_spin_seconds = double(idle_spin_ns_.load(std::memory_order_relaxed)) / 1e9;
  return s;
}

bool OnFiber() {
  return tl_fiber != nullptr;
}

asio::io_context* CurrentFiberLoop() {
  return tl_fiber ? &tl_fiber->home->loop : nullptr;
}

std::string_view* FiberRequestIdSlot() {
  return tl_fiber ? &tl_fiber->request_id : nullptr;
}

FiberLabel::FiberLabel(std::initializer_list<std::string_view> parts) {
  Fiber* f = tl_fiber;
  if (!f) return;
  active_ = true;
  std::memcpy(previous_, f->label, sizeof previous_);
  size_t n = 0;
  for (std::string_view part : parts) {
    const size_t take = std::min(part.size(), sizeof f->label - 1 - n);
    std::memcpy(f->label + n, part.data(), take);
    n += take;
  }
  f->label[n] = '\0';
}

FiberLabel::~FiberLabel() {
  if (!active_) return;
  // The same fiber that opened the scope closes it (scopes are stack objects on that fiber).
  if (Fiber* f = tl_fiber) std::memcpy(f->label, previous_, sizeof previous_);
}

}  // namespace crmhost
