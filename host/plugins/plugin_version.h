// PluginVersion: one loaded, initialised version of a plugin library, and the host's way to
// run its operations (JSON in, JSON out, every failure mapped to an OpOutcome).
//
// Lifetime: created by the Loader, published by the Registry, held by every request that uses
// it (through Registry::Lease), shut down exactly once by the Registry on the control thread
// after its last request, and then kept mapped (never dlclose'd; see docs/PLUGIN_ABI.md).
// Invoke is thread-safe; Shutdown is not (control thread only).
#ifndef CRMHOST_PLUGINS_PLUGIN_VERSION_H
#define CRMHOST_PLUGINS_PLUGIN_VERSION_H

#include <crmhost/plugin.h>

#include <atomic>
#include <boost/json.hpp>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "plugins/operations.h"
#include "plugins/plugin_routes.h"

namespace crmhost::plugins {

class HostServices;

// The manifest member where a plugin declares the hosts it reaches (outbound/egress_policy.h).
inline constexpr const char* kEgressKey = "x-crmhost-egress";

// The result of one operation, whatever went wrong.
struct OpOutcome {
  enum class Kind {
    kOk,           // value holds the operation's result
    kUnsupported,  // the plugin does not implement the operation
    kInvalid,      // the plugin rejected its input
    kUpstream,     // the CRM failed; status_code is its HTTP status (0: no answer)
    kInternal,     // the plugin failed or returned something unusable
  };
  Kind kind = Kind::kInternal;
  boost::json::value value;
  int status_code = 0;
  std::string message;
  // The operation succeeded but the store refused the user changes it handed back
  // (contract::PluginCall::Invoke).
  bool user_update_failed = false;

  bool ok() const { return kind == Kind::kOk; }
};

struct PluginInfo {
  std::string name;
  std::string version;
  std::string abi;  // "1.0" as built
  std::string build_info;
  std::string sha256;  // of the library file
  std::string source;  // the file it was loaded from
  std::string shadow;  // the private copy that is mapped
  int64_t loaded_at_ms = 0;
  uint64_t generation = 0;  // per platform, +1 on every publish (set before publishing)
  std::vector<std::string> operations;
  boost::json::value manifest;  // the platform's manifest entry, or null
  // The hosts the plugin may reach (its manifest's "x-crmhost-egress"); nullopt: undeclared.
  std::optional<std::vector<std::string>> egress_hosts;
  // The HTTP routes it serves itself (ABI 1.3; empty for older plugins).
  std::vector<PluginRoute> routes;
};

class PluginVersion {
 public:
  PluginVersion(PluginInfo info, const crmh_plugin_descriptor* descriptor, crmh_instance* instance,
                HostServices& host);
  ~PluginVersion();
  PluginVersion(const PluginVersion&) = delete;
  PluginVersion& operator=(const PluginVersion&) = delete;

  const PluginInfo& info() const { return info_; }
  // Only before the version is published (control thread).
  void set_generation(uint64_t g) { info_.generation = g; }
  const std::string& name() const { return info_.name; }
  bool Implements(Operation op) const;

  // Runs one operation. `secrets` are masked in anything the plugin logs during the call;
  // `user_ref` (a hash) names the user in the log line of a refused outbound request.
  [[nodiscard]] OpOutcome Invoke(Operation op, const boost::json::object& input,
                                 const std::string& request_id, std::vector<std::string> secrets,
                                 std::string user_ref = {}) const;
  // The same with the input already serialized (the caller's document can then be freed before
  // the plugin runs, rather than held while it waits on its CRM).
  [[nodiscard]] OpOutcome InvokeSerialized(Operation op, std::string input,
                                           const std::string& request_id,
                                           std::vector<std::string> secrets,
                                           std::string user_ref = {}) const;

  // For operations whose answer depends only on the plugin build and the platform
  // (getAuthType, getLogFormatType): the first successful answer per platform is kept and
  // returned from then on, without calling the plugin. Not for a plugin that serves several
  // platforms from definitions it reloads itself (it implements listPlatforms): that one is
  // always asked.
  [[nodiscard]] OpOutcome InvokeConstant(Operation op, const boost::json::object& input,
                                         std::string_view platform,
                                         const std::string& request_id) const;

  // Calls the plugin's shutdown hook, once; later calls do nothing. Control thread only,
  // and only when no request holds this version.
  void Shutdown();
  bool is_shut_down() const { return shut_down_; }

  // Requests currently running on this version (maintained by Registry::Lease).
  std::atomic<int64_t>& inflight() const { return inflight_; }

 private:
  PluginInfo info_;
  const crmh_plugin_descriptor* descriptor_;
  crmh_instance* instance_;
  HostServices& host_;
  bool shut_down_ = false;
  mutable std::atomic<int64_t> inflight_{0};
  const bool cacheable_;  // no listPlatforms: one platform, fixed answers
  mutable std::mutex constants_mu_;
  mutable std::map<std::string, boost::json::value, std::less<>> constants_;  // op '\0' platform
};

}  // namespace crmhost::plugins

#endif  // CRMHOST_PLUGINS_PLUGIN_VERSION_H
