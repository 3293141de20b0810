#include "plugins/bulkhead.h"

namespace crmhost::plugins {

std::optional<Bulkheads::Slot> Bulkheads::Enter(std::string_view plugin) {
  bool wait = false;
  {
    std::lock_guard lock(mu_);
    auto it = lines_.find(plugin);
    if (it == lines_.end()) it = lines_.emplace(std::string(plugin), Line{}).first;
    Line& line = it->second;
    if (line.inflight < limits_.max_inflight) {
      ++line.inflight;
    } else if (line.waiting.size() < limits_.max_waiting) {
      wait = true;
      ++line.waited;
    } else {
      ++line.refused;
      return std::nullopt;
    }
  }
  if (wait) {
    // Leave hands its place straight to the first waiter (inflight stays counted), so when
    // SuspendUntil returns the place is ours. The enqueue happens under the lock in start, so
    // a Leave between the check above and the enqueue finds us or frees a place we then take.
    SuspendUntil([&](Resume resume) {
      std::unique_lock lock(mu_);
      Line& line = lines_.find(plugin)->second;
      if (line.inflight < limits_.max_inflight) {
        ++line.inflight;
        lock.unlock();
        resume();
        return;
      }
      line.waiting.push_back(std::move(resume));
    });
  }
  return Slot(this, std::string(plugin));
}

void Bulkheads::Leave(const std::string& plugin) {
  Resume next;
  {
    std::lock_guard lock(mu_);
    Line& line = lines_.find(plugin)->second;
    if (line.waiting.empty()) {
      --line.inflight;
      return;
    }
    next = std::move(line.waiting.front());
    line.waiting.pop_front();
  }
  next();
}

std::vector<Bulkheads::Figures> Bulkheads::Snapshot() const {
  std::lock_guard lock(mu_);
  std::vector<Figures> out;
  for (auto& [name, line] : lines_)
    out.push_back({name, line.inflight, line.waiting.size(), line.waited, line.refused});
  return out;
}

}  // namespace crmhost::plugins
