// The fibers' stacks: mmap'ed, a PROT_NONE guard page at the low end (stacks grow down, so a
// fiber that runs off its stack faults there instead of corrupting a neighbour), and kept for
// reuse up to a bound. Private to runtime/fiber_pool.cpp. Thread-safe.
#ifndef CRMHOST_RUNTIME_FIBER_STACKS_H
#define CRMHOST_RUNTIME_FIBER_STACKS_H

#include <sys/mman.h>

#include <cstddef>
#include <mutex>
#include <vector>

namespace crmhost::fiber_internal {

// The system's page size (the guard page's, and the unit stacks are rounded up to).
size_t PageSize();

class StackPool {
 public:
  StackPool(size_t usable, size_t max_pooled)
      : usable_((usable + PageSize() - 1) / PageSize() * PageSize()), max_pooled_(max_pooled) {}
  ~StackPool() {
    for (void* base : free_)
      ::munmap(base, mapping());
  }

  // The lowest address of the mapping (the guard page), or null when out of memory.
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
    void* base = ::mmap(nullptr, mapping(), PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED || ::mprotect(base, PageSize(), PROT_NONE) != 0) {
      if (base != MAP_FAILED) ::munmap(base, mapping());
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
    ::munmap(base, mapping());
  }

  size_t usable() const { return usable_; }
  size_t mapping() const { return usable_ + PageSize(); }
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
