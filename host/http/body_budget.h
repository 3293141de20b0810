// BodyBudget: the bytes of request bodies the daemon holds at once, over every connection of a
// listener. Memory is then bounded by configuration, not by how many large bodies clients send
// at once: a request whose body would not fit is answered 503 with Retry-After before any of
// its body is read. A request reserves its declared Content-Length (a chunked one, its route's
// whole limit) and gives it back when its response has been written. Thread-safe.
#ifndef CRMHOST_HTTP_BODY_BUDGET_H
#define CRMHOST_HTTP_BODY_BUDGET_H

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace crmhost::http {

class BodyBudget {
 public:
  explicit BodyBudget(size_t bytes) : limit_(bytes) {}

  // Takes n bytes of the budget; false (and nothing taken) if they are not there.
  [[nodiscard]] bool TryTake(size_t n) {
    size_t used = used_.load(std::memory_order_relaxed);
    do {
      if (n > limit_ || used > limit_ - n) {
        refused_.fetch_add(1, std::memory_order_relaxed);
        return false;
      }
    } while (!used_.compare_exchange_weak(used, used + n, std::memory_order_relaxed));
    return true;
  }
  void Give(size_t n) { used_.fetch_sub(n, std::memory_order_relaxed); }

  size_t limit() const { return limit_; }
  size_t in_use() const { return used_.load(std::memory_order_relaxed); }
  uint64_t refused() const { return refused_.load(std::memory_order_relaxed); }

 private:
  const size_t limit_;
  std::atomic<size_t> used_{0};
  std::atomic<uint64_t> refused_{0};
};

}  // namespace crmhost::http

#endif  // CRMHOST_HTTP_BODY_BUDGET_H
