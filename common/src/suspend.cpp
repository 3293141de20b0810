#include "crmhost/suspend.h"

#include <condition_variable>

namespace crmhost {
namespace {

thread_local Suspender* current_suspender = nullptr;

// Outside a fiber: block the thread until resume() ran (on this or any other thread).
void BlockUntil(const StartFn& start) {
  struct State {
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
  };
  auto state = std::make_shared<State>();  // resume may outlive this frame by a few instructions
  start([state] {
    {
      std::lock_guard lock(state->mu);
      state->done = true;
    }
    state->cv.notify_one();
  });
  std::unique_lock lock(state->mu);
  state->cv.wait(lock, [&] { return state->done; });
}

}  // namespace

Suspender* CurrentSuspender() {
  return current_suspender;
}

void SetCurrentSuspender(Suspender* s) {
  current_suspender = s;
}

void SuspendUntil(const StartFn& start) {
  if (Suspender* s = current_suspender) {
    s->Suspend(start);
  } else {
    BlockUntil(start);
  }
}

void SuspendingMutex::lock() {
  {
    std::lock_guard g(mu_);
    if (!locked_) {
      locked_ = true;
      return;
    }
  }
  // The unlocking side hands the lock over before it resumes us, so when SuspendUntil
  // returns we own it. The check for a free lock and the enqueue happen under mu_ inside
  // start, so no unlock can slip in between them.
  SuspendUntil([this](Resume resume) {
    std::unique_lock g(mu_);
    if (!locked_) {
      locked_ = true;
      g.unlock();
      resume();
      return;
    }
    waiters_.push_back(std::move(resume));
  });
}

bool SuspendingMutex::try_lock() {
  std::lock_guard g(mu_);
  if (locked_) return false;
  locked_ = true;
  return true;
}

void SuspendingMutex::unlock() {
  Resume next;
  {
    std::lock_guard g(mu_);
    if (waiters_.empty()) {
      locked_ = false;
      return;
    }
    next = std::move(waiters_.front());  // stays locked: ownership passes to `next`
    waiters_.pop_front();
  }
  next();
}

}  // namespace crmhost
