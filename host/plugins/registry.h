// Registry: platform name -> the live PluginVersion, handed out as counted leases.
//
// Every request takes one Lease at its start and uses that version for all of its plugin
// calls, so a version published mid-request never changes the code a request runs. Publishing
// a version retires the previous one: it keeps serving the requests that hold it, and is shut
// down on the control thread once the last lease is gone (see Reap). Its library stays mapped.
//
// Thread safety: Acquire and leases from any thread; Publish, Retire, Reap, ShutdownAll on the
// control thread.
#ifndef CRMHOST_PLUGINS_REGISTRY_H
#define CRMHOST_PLUGINS_REGISTRY_H

#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "plugins/plugin_version.h"

namespace crmhost::plugins {

class Registry {
 public:
  // A counted reference to one version for the duration of one request.
  class Lease {
   public:
    explicit Lease(std::shared_ptr<PluginVersion> v) : v_(std::move(v)) { v_->inflight()++; }
    Lease(Lease&& o) noexcept : v_(std::move(o.v_)) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (v_) v_->inflight()--;
    }
    const PluginVersion* operator->() const { return v_.get(); }
    const PluginVersion& operator*() const { return *v_; }

   private:
    std::shared_ptr<PluginVersion> v_;
  };

  std::optional<Lease> Acquire(std::string_view platform) const;

  // Makes `v` the live version of its platform; the previous one (if any) is retired and
  // returned.
  std::shared_ptr<PluginVersion> Publish(std::shared_ptr<PluginVersion> v);
  // Removes the platform; its version is retired and returned.
  std::shared_ptr<PluginVersion> Retire(std::string_view platform);

  std::shared_ptr<PluginVersion> Live(std::string_view platform) const;
  std::vector<std::shared_ptr<PluginVersion>> Live() const;
  // Retired versions still draining (requests hold them; not shut down yet), in all or one
  // platform.
  size_t draining_count() const;
  size_t draining_count(std::string_view platform) const;

  // Shuts down the retired versions whose last request has finished and forgets them (their
  // libraries stay mapped). Returns the versions shut down.
  std::vector<std::shared_ptr<PluginVersion>> Reap();
  // Retires everything and shuts every version down. Call only after all requests ended.
  void ShutdownAll();

 private:
  mutable std::shared_mutex mu_;
  std::map<std::string, std::shared_ptr<PluginVersion>, std::less<>> live_;  // guarded by mu_
  std::vector<std::shared_ptr<PluginVersion>> draining_;                     // guarded by mu_
};

}  // namespace crmhost::plugins

#endif  // CRMHOST_PLUGINS_REGISTRY_H
