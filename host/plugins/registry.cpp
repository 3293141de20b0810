#include "plugins/registry.h"

#include <mutex>

namespace crmhost::plugins {

std::optional<Registry::Lease> Registry::Acquire(std::string_view platform) const {
  std::shared_lock lock(mu_);
  auto it = live_.find(platform);
  if (it == live_.end()) return std::nullopt;
  return Lease(it->second);
}

std::shared_ptr<PluginVersion> Registry::Publish(std::shared_ptr<PluginVersion> v) {
  std::unique_lock lock(mu_);
  auto& slot = live_[v->name()];
  std::shared_ptr<PluginVersion> old = std::move(slot);
  if (old) draining_.push_back(old);
  slot = std::move(v);
  return old;
}

std::shared_ptr<PluginVersion> Registry::Retire(std::string_view platform) {
  std::unique_lock lock(mu_);
  auto it = live_.find(platform);
  if (it == live_.end()) return nullptr;
  std::shared_ptr<PluginVersion> old = std::move(it->second);
  live_.erase(it);
  draining_.push_back(old);
  return old;
}

std::shared_ptr<PluginVersion> Registry::Live(std::string_view platform) const {
  std::shared_lock lock(mu_);
  auto it = live_.find(platform);
  return it == live_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<PluginVersion>> Registry::Live() const {
  std::shared_lock lock(mu_);
  std::vector<std::shared_ptr<PluginVersion>> out;
  for (auto& [k, v] : live_)
    out.push_back(v);
  return out;
}

size_t Registry::draining_count() const {
  std::shared_lock lock(mu_);
  return draining_.size();
}

size_t Registry::draining_count(std::string_view platform) const {
  std::shared_lock lock(mu_);
  size_t n = 0;
  for (auto& v : draining_)
    n += v->name() == platform;
  return n;
}

std::vector<std::shared_ptr<PluginVersion>> Registry::Reap() {
  std::vector<std::shared_ptr<PluginVersion>> drained;
  {
    // No new lease can reach a retired version, so inflight only falls from here; 0 is final.
    std::unique_lock lock(mu_);
    for (auto it = draining_.begin(); it != draining_.end();) {
      if ((*it)->inflight().load() == 0) {
        drained.push_back(std::move(*it));
        it = draining_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& v : drained)
    v->Shutdown();
  return drained;
}

void Registry::ShutdownAll() {
  std::vector<std::shared_ptr<PluginVersion>> all;
  {
    std::unique_lock lock(mu_);
    for (auto& [k, v] : live_)
      all.push_back(std::move(v));
    live_.clear();
    for (auto& v : draining_)
      all.push_back(std::move(v));
    draining_.clear();
  }
  for (auto& v : all)
    v->Shutdown();
}

}  // namespace crmhost::plugins
