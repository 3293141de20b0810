// Bulkheads: per plugin, a bound on the requests it serves at once and on the requests waiting
// for one of those places. Beyond both, a request is refused at once and the route answers 503
// with Retry-After. A CRM that hangs thus holds only its own plugin's places; the daemon's other
// plugins keep every one of theirs. Waiting parks the request's fiber (SuspendUntil), FIFO.
//
// Limits are per plugin name, so a hot upgrade does not reset them. Thread-safe.
#ifndef CRMHOST_PLUGINS_BULKHEAD_H
#define CRMHOST_PLUGINS_BULKHEAD_H

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crmhost/suspend.h"

namespace crmhost::plugins {

class Bulkheads {
 public:
  struct Limits {
    size_t max_inflight = 2000;  // requests using one plugin at once
    size_t max_waiting = 2000;   // requests queued for a place; beyond: refused
  };
  explicit Bulkheads(Limits limits) : limits_(limits) {}
  Bulkheads(const Bulkheads&) = delete;
  Bulkheads& operator=(const Bulkheads&) = delete;

  // A place in one plugin's bulkhead, given back when destroyed.
  class Slot {
   public:
    Slot(Bulkheads* owner, std::string plugin) : owner_(owner), plugin_(std::move(plugin)) {}
    Slot(Slot&& o) noexcept : owner_(o.owner_), plugin_(std::move(o.plugin_)) {
      o.owner_ = nullptr;
    }
    Slot& operator=(Slot&&) = delete;
    Slot(const Slot&) = delete;
    ~Slot() {
      if (owner_) owner_->Leave(plugin_);
    }

   private:
    Bulkheads* owner_;
    std::string plugin_;
  };

  // A place for a request to `plugin`, waiting for one when all are taken; nullopt when the
  // waiting line is full too (the caller answers 503).
  [[nodiscard]] std::optional<Slot> Enter(std::string_view plugin);

  struct Figures {
    std::string plugin;
    size_t inflight = 0;
    size_t waiting = 0;
    uint64_t waited = 0;   // requests that had to wait, since start
    uint64_t refused = 0;  // requests refused, since start
  };
  std::vector<Figures> Snapshot() const;
  const Limits& limits() const { return limits_; }

 private:
  struct Line {
    size_t inflight = 0;
    std::deque<Resume> waiting;
    uint64_t waited = 0;
    uint64_t refused = 0;
  };
  void Leave(const std::string& plugin);

  const Limits limits_;
  mutable std::mutex mu_;
  std::map<std::string, Line, std::less<>> lines_;  // guarded by mu_
};

}  // namespace crmhost::plugins

#endif  // CRMHOST_PLUGINS_BULKHEAD_H
