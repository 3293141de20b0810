// WorkerPool: a fixed set of threads running jobs from a bounded queue.
//
// Plugin operations may block a thread while the CRM answers (the ABI's host http service is
// synchronous from the plugin's point of view), so they run here and never on the network
// threads. The queue is bounded on purpose: when it is full TrySubmit refuses and the caller
// answers 503 with Retry-After instead of queueing without limit.
//
// Thread-safe. The destructor stops accepting, finishes queued jobs, and joins.
#ifndef CRMHOST_RUNTIME_WORKER_POOL_H
#define CRMHOST_RUNTIME_WORKER_POOL_H

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace crmhost {

class WorkerPool {
 public:
  WorkerPool(size_t threads, size_t max_queued);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Stops accepting, finishes every queued job, joins the threads. Idempotent.
  void Shutdown();

  // Queues a job; false when the pool is saturated (running + queued >= threads + max_queued)
  // or stopping.
  bool TrySubmit(std::function<void()> job);
  size_t busy() const;  // jobs running or queued

 private:
  void Run();

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;  // guarded by mu_
  size_t running_ = 0;                       // guarded by mu_
  bool stopping_ = false;                    // guarded by mu_
  const size_t capacity_;
  std::vector<std::thread> threads_;
};

}  // namespace crmhost

#endif  // CRMHOST_RUNTIME_WORKER_POOL_H
