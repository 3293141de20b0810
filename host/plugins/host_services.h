// HostServices: the crmh_host_api table the daemon hands to plugins, and CallScope, the
// host-side state behind one crmh_call (which plugin is calling, which secrets to mask, and the
// arena that owns every view a host service returns during the call).
//
// Thread-safe: the table's functions may be called from any number of plugin threads at once;
// a CallScope belongs to the one thread running the plugin function it was created for.
#ifndef CRMHOST_PLUGINS_HOST_SERVICES_H
#define CRMHOST_PLUGINS_HOST_SERVICES_H

#include <crmhost/plugin.h>

#include <forward_list>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/plugin_settings.h"

namespace crmhost::store {
class Store;
}
namespace crmhost::outbound {
class OutboundClient;
}

namespace crmhost::plugins {

class HostServices;

}  // namespace crmhost::plugins

// The ABI's opaque handles, defined here (global namespace, as the C header declares them).
struct crmh_call {
  crmhost::plugins::HostServices* host = nullptr;
  std::string plugin;      // the calling plugin's name (kv namespace, settings, log prefix)
  std::string request_id;  // the App Connect request this call serves, for logs
  std::string user_ref;    // a hash naming the user (outbound refusals), or empty
  std::vector<std::string> secrets;  // masked in anything the plugin logs
  // Own the bytes behind returned views (stable addresses). Lists, not deques: an empty deque
  // already holds a 512-byte block, and a call that waits on a slow CRM keeps it all along.
  std::forward_list<std::string> arena;
  std::forward_list<std::vector<crmh_header>> header_arena;
};

struct crmh_writer {
  std::string data;
  size_t limit = CRMH_MAX_OUTPUT_BYTES;
  bool overflow = false;
};

namespace crmhost::plugins {

class HostServices {
 public:
  struct Deps {
    store::Store* store = nullptr;
    outbound::OutboundClient* http = nullptr;
    PluginSettings settings;
    std::function<int64_t()> now_ms;  // wall clock, milliseconds since the epoch
    // Told of every CRM request a plugin makes: the plugin, the HTTP status (0: no answer) and
    // the seconds it took. Optional (metrics).
    std::function<void(std::string_view plugin, int status, double seconds)> on_crm_call;
  };

  explicit HostServices(Deps deps);
  HostServices(const HostServices&) = delete;
  HostServices& operator=(const HostServices&) = delete;

  const crmh_host_api* api() const { return &api_; }
  const Deps& deps() const { return deps_; }

  // A fresh crmh_call for `plugin` serving `request_id`. Settings values of that plugin are
  // always added to the secrets to mask.
  crmh_call NewCall(std::string plugin, std::string request_id,
                    std::vector<std::string> secrets = {});

  // Replaces every secret (of 4+ bytes) in `text` with "****".
  static std::string Mask(std::string_view text, const std::vector<std::string>& secrets);

 private:
  Deps deps_;
  crmh_host_api api_{};
};

}  // namespace crmhost::plugins

#endif  // CRMHOST_PLUGINS_HOST_SERVICES_H
