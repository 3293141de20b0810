// KeyedLocks: one mutex per key (a user id, an account), created on first use and dropped when
// nobody holds or waits on it. Used to make work single-flight per key: the second caller waits
// for the first, then sees its result (e.g. one OAuth refresh per user however many requests
// arrive during the expiry window).
//
// The mutexes are SuspendingMutex: a holder may wait on a CRM (the refresh itself) and a waiter
// on the same fiber thread is parked instead of blocking the thread the holder needs to resume.
#ifndef CRMHOST_RUNTIME_KEYED_LOCKS_H
#define CRMHOST_RUNTIME_KEYED_LOCKS_H

#include <algorithm>
#include <memory>
#include <mutex>

#include <string>
#include <unordered_map>
#include "crmhost/suspend.h"

namespace crmhost {

class KeyedLocks {
 public:
  // Holds the key's mutex until destroyed.
  class Guard {
   public:
    explicit Guard(std::shared_ptr<SuspendingMutex> m) : mutex_(std::move(m)), lock_(*mutex_) {}

   private:
    std::shared_ptr<SuspendingMutex> mutex_;  // keeps the mutex alive while locked
    std::unique_lock<SuspendingMutex> lock_;
  };

  Guard Lock(const std::string& key) { return Guard(MutexFor(key)); }

  // Keys with an entry (held, waited on, or not yet swept): for tests and metrics.
  size_t size() {
    std::lock_guard<std::mutex> g(mu_);
    return map_.size();
  }

 private:
  std::shared_ptr<SuspendingMutex> MutexFor(const std::string& key) {
    std::lock_guard<std::mutex> g(mu_);
    // Sweep entries nobody uses once the map has doubled, so it stays proportional to the keys
    // in use rather than to every key ever seen.
    if (map_.size() >= sweep_at_) {
      std::erase_if(map_, [](const auto& kv) { return kv.second.expired(); });
      sweep_at_ = std::max<size_t>(64, map_.size() * 2);
    }
    auto& weak = map_[key];
    auto m = weak.lock();
    if (!m) {
      m = std::make_shared<SuspendingMutex>();
      weak = m;
    }
    return m;
  }

  std::mutex mu_;
  std::unordered_map<std::string, std::weak_ptr<SuspendingMutex>> map_;  // guarded by mu_
  size_t sweep_at_ = 64;                                                 // guarded by mu_
};

}  // namespace crmhost

#endif  // CRMHOST_RUNTIME_KEYED_LOCKS_H
