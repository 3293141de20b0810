// The ops API: the administrator's interface, served on its own listener (--ops-listen, never
// on the App Connect port) and guarded by a bearer token (--ops-token-file).
//
//   GET  /plugins                 one object per plugin: name, version, abi, sha256, state,
//                                 loadedAt, inflight, generation, lastError (+ file, draining,
//                                 residentVersions, previousVersion)
//   POST /plugins/reload          rescan the plugin directory now; what was
//                                 published/refused/removed
//   POST /plugins/{name}/rollback republish the previous good version of {name}
//   (users and backups: ops/store_api.h)
//
// Handlers are thread-safe; reload and rollback wait for the plugin control thread.
#ifndef CRMHOST_OPS_OPS_API_H
#define CRMHOST_OPS_OPS_API_H

#include <string>

#include "crmhost/status.h"
#include "http/router.h"
#include "plugins/manager.h"

namespace crmhost::ops {

void RegisterOpsRoutes(http::Router& router, plugins::PluginManager& manager, std::string token);

// Wraps an ops handler with the bearer-token check (constant-time comparison): 401 otherwise.
http::Router::Handler RequireOpsToken(std::string token,
                                      std::function<http::HttpResponse(http::HttpRequest&)> h);

// Reads the ops token from `path`, creating it (32 random bytes as hex, mode 0400) if missing.
Result<std::string> LoadOrCreateOpsToken(const std::string& path);

}  // namespace crmhost::ops

#endif  // CRMHOST_OPS_OPS_API_H
