#include "plugins/registry.h"

#include <mutex>

namespace crmhost::plugins {

std::optional<Registry::Lease> Registry::Acquire(std::string_view platform) const {
  std::shared_lock lock(mu_);
  auto it = live_.find(platform);
  if (it == live_.end()) return std::nullopt;
  return Lease(it->second);
}

void Registry::Publish(std::shared_ptr<PluginVersion> v) {
  std::unique_lock lock(mu_);
  auto& slot = live_[v->name()];
  if (slot) retired_.push_back(std::move(slot));
  slot = std::move(v);
}

void Registry::Retire(std::string_view platform) {
  std::unique_lock lock(mu_);
  auto it = live_.find(platform);
  if (it == live_.end()) return;
  retired_.push_back(std::move(it->second));
  live_.erase(it);
}

std::vector<std::shared_ptr<PluginVersion>> Registry::Live() const {
  std::shared_lock lock(mu_);
  std::vector<std::shared_ptr<PluginVersion>> out;
  for (auto& [k, v] : live_)
    out.push_back(v);
  return out;
}

size_t Registry::retired_count() const {
  std::shared_lock lock(mu_);
  return retired_.size();
}

size_t Registry::Reap() {
  std::vector<std::shared_ptr<PluginVersion>> drained;
  {
    std::shared_lock lock(mu_);
    for (auto& v : retired_)
      if (!v->is_shut_down() && v->inflight().load() == 0) drained.push_back(v);
  }
  for (auto& v : drained)
    v->Shutdown();
  return drained.size();
}

void Registry::ShutdownAll() {
  std::vector<std::shared_ptr<PluginVersion>> all;
  {
    std::unique_lock lock(mu_);
    for (auto& [k, v] : live_)
      retired_.push_back(std::move(v));
    live_.clear();
    all = retired_;
  }
  for (auto& v : all)
    v->Shutdown();
}

}  // namespace crmhost::plugins
