// Waiting without holding a thread.
//
// Code that waits for something another thread finishes (an outbound HTTP exchange, a group
// commit of the store's log, a lock held by another request) calls SuspendUntil. When the caller
// runs on a fiber (the host's FiberPool, see host/common/fiber_pool.h) the fiber is parked and
// its thread serves other fibers until the completion arrives; on any other thread (the plugin
// control thread, the ops workers, tests) the thread simply blocks. The waiting code is the same
// either way, which is what lets plugin code written as plain blocking C run on fibers.
//
// A fiber scheduler announces itself by installing a Suspender for the code it runs
// (SetCurrentSuspender); nothing else in crmhost needs to know whether it runs on a fiber.
#ifndef CRMHOST_SUSPEND_H
#define CRMHOST_SUSPEND_H

#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <utility>

namespace crmhost {

// Call exactly once, from any thread, when the awaited thing has happened.
using Resume = std::function<void()>;
// Starts the awaited thing; must arrange for `resume` to be called exactly once (possibly
// before it returns). A start function that throws must not have called `resume` or handed it
// to anyone: the waiter is then resumed by the scheduler and SuspendUntil throws the exception.
// On a FiberPool fiber it runs once the fiber has parked, on the thread's own stack and outside
// the fiber: OnFiber() is false, CurrentFiberLoop() null, log lines carry no request id, and it
// must not wait (a nested SuspendUntil would block the thread). Take what it needs from the
// fiber before calling SuspendUntil.
using StartFn = std::function<void(Resume resume)>;

class Suspender {
 public:
  virtual ~Suspender() = default;
  // Runs start(resume) and returns once resume has been called.
  virtual void Suspend(const StartFn& start) = 0;
};

// The Suspender of the code running on this thread right now; null on a plain thread.
Suspender* CurrentSuspender();
// Installed by a fiber scheduler around the code of each fiber it resumes.
void SetCurrentSuspender(Suspender* s);

// Runs start(resume) and returns after resume() was called: the current fiber is parked
// meanwhile, or, outside a fiber, the thread blocks.
void SuspendUntil(const StartFn& start);

// A mutex for code that may run on fibers: a waiter is parked with SuspendUntil instead of
// blocking its thread, so a fiber holding the lock across a suspension (an OAuth refresh over
// HTTP) never deadlocks the fibers that share its thread. Ownership passes directly to the next
// waiter in arrival order (FIFO, no barging). Not recursive.
class SuspendingMutex {
 public:
  void lock();
  void unlock();
  bool try_lock();

 private:
  std::mutex mu_;
  bool locked_ = false;         // guarded by mu_
  std::deque<Resume> waiters_;  // guarded by mu_
};

}  // namespace crmhost

#endif  // CRMHOST_SUSPEND_H
