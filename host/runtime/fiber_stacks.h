// The fibers' stacks: mapped with an inaccessible guard at the low end (stacks grow down, so a
// fiber that runs off its stack faults there instead of corrupting a neighbour), and kept for
// reuse up to a bound; and the report that names the fiber whose stack overflowed. Private to
// runtime/fiber_pool.cpp. The mapping and the report differ by platform:
// fiber_stacks_posix.cpp (mmap, SIGSEGV on an alternate stack) and fiber_stacks_windows.cpp
// (VirtualAlloc, a vectored exception handler). StackPool is thread-safe.
#ifndef CRMHOST_RUNTIME_FIBER_STACKS_H
#define CRMHOST_RUNTIME_FIBER_STACKS_H

#include <cstddef>
#include <mutex>
#include <string_view>
#include <utility>
#include <vector>

namespace crmhost::fiber_internal {

// The system's page size (the unit stacks are rounded up to).
size_t PageSize();
// The bytes at the low end of every stack that fault when touched (a whole number of pages).
size_t GuardBytes();
// `bytes` of fresh read-write memory whose lowest GuardBytes() fault when touched; null when
// out of memory. UnmapStack returns it.
void* MapStack(size_t bytes);
void UnmapStack(void* base, size_t bytes);

// What the report says about the fiber whose guard was hit.
struct OverflowInfo {
  size_t usable = 0;
  std::string_view label;
  std::string_view request_id;
};
// Whether `addr` lies in the guard of the fiber running on this thread (fiber_pool.cpp; reads
// only this thread's state, so it is safe in a signal or exception handler).
bool GuardFault(const void* addr, OverflowInfo& info);
// Installs the process-wide handler that reports a guard fault and lets the process die
// (idempotent), and prepares the calling pool thread for it (the handler's own stack).
void InstallOverflowReporter();
void PrepareThreadForOverflowReport();
// The report's text, written by the handler: "crmhostd: fatal: fiber stack overflow (...)".
template <typename Write>
void WriteOverflowReport(const OverflowInfo& info, Write&& write) {
  char kib[24];
  int n = 0;
  size_t v = info.usable / 1024;
  do {
    kib[n++] = char('0' + v % 10);
    v /= 10;
  } while (v && n < 20);
  for (int i = 0; i < n / 2; ++i)
    std::swap(kib[i], kib[n - 1 - i]);
  write(std::string_view("crmhostd: fatal: fiber stack overflow ("));
  write(std::string_view(kib, size_t(n)));
  write(std::string_view(" KiB) in "));
  write(info.label.empty() ? std::string_view("a request handler") : info.label);
  write(std::string_view(", request "));
  write(info.request_id);
  write(std::string_view("; raise --fiber-stack-kib if the plugin legitimately needs more\n"));
}

class StackPool {
 public:
  StackPool(size_t usable, size_t max_pooled)
      : usable_((usable + PageSize() - 1) / PageSize() * PageSize()), max_pooled_(max_pooled) {}
  ~StackPool() {
    for (void* base : free_)
      UnmapStack(base, mapping());
  }

  // The lowest address of the mapping (the guard), or null when out of memory.
  void* Take() {
    {
      std::lock_guard lock(mu_);
      ++in_use_;
      if (!free_.empty()) {
        void* base = free_.back();
        free_.pop_back();
        return base;
      }
    }
    void* base = MapStack(mapping());
    if (!base) {
      std::lock_guard lock(mu_);
      --in_use_;
      return nullptr;
    }
    return base;
  }

  void Give(void* base) {
    std::unique_lock lock(mu_);
    --in_use_;
    if (free_.size() < max_pooled_) {
      free_.push_back(base);
      return;
    }
    lock.unlock();
    UnmapStack(base, mapping());
  }

  size_t usable() const { return usable_; }
  size_t mapping() const { return usable_ + GuardBytes(); }
  size_t in_use() const {
    std::lock_guard lock(mu_);
    return in_use_;
  }
  size_t pooled() const {
    std::lock_guard lock(mu_);
    return free_.size();
  }

 private:
  const size_t usable_;
  const size_t max_pooled_;
  mutable std::mutex mu_;
  std::vector<void*> free_;  // guarded by mu_
  size_t in_use_ = 0;        // guarded by mu_
};

}  // namespace crmhost::fiber_internal

#endif  // CRMHOST_RUNTIME_FIBER_STACKS_H
