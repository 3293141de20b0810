// The HTTP routes a plugin declares (ABI 1.3, crmh_plugin_descriptor.routes_json): parsed and
// checked at load, matched against requests no contract route took.
//
// A plugin may only claim paths under prefixes derived from its name ("/<name>/...",
// "/<name>-...", "/admin/<name>/..."), so two plugins can overlap only when one name extends
// the other ("pipedrive" and "pipedrive-eu"); those overlaps, and a plugin path a contract
// route already serves, are refused at load by the PluginManager with both owners named.
#ifndef CRMHOST_PLUGINS_PLUGIN_ROUTES_H
#define CRMHOST_PLUGINS_PLUGIN_ROUTES_H

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crmhost/status.h"

namespace crmhost::plugins {

// What the host checks before a request reaches the plugin.
enum class RouteAuth {
  kNone,         // nothing
  kJwt,          // an App Connect JWT of a user of the plugin's platform
  kRcAdmin,      // a RingCentral admin's access token
  kOAuthClient,  // HTTP Basic with the platform's OAuth client id and secret
};
std::string_view RouteAuthName(RouteAuth auth);

struct PluginRoute {
  std::string method;  // "GET", "POST", "PUT", "PATCH", "DELETE"
  std::string path;    // as declared: "/googleSheets/sheet/{id}"
  RouteAuth auth = RouteAuth::kNone;
  // "jwtQuery": one more query parameter that may carry the App Connect JWT (jwt and rcAdmin
  // routes), for pages the client opens with a link such as "?token=<jwt>". Empty: none.
  std::string jwt_query;
  std::vector<std::string> segments;  // "{x}" matches any one segment
};

// Parses and checks `routes_json` for the plugin `plugin_name`. Null: no routes. Refusals name
// the route and the rule it breaks.
Result<std::vector<PluginRoute>> ParseRoutes(const char* routes_json, std::string_view plugin_name);

// Path parameters of a match, in declaration order ({"id", "42"}).
using RouteParams = std::vector<std::pair<std::string, std::string>>;

// The route of `routes` that `method path` (a decoded path) matches, filling `params`; null
// when none does.
const PluginRoute* MatchRoute(const std::vector<PluginRoute>& routes, std::string_view method,
                              std::string_view path, RouteParams* params = nullptr);

// Whether two declared routes can match the same request (same method, and every segment pair
// equal or either a parameter).
bool RoutesOverlap(const PluginRoute& a, const PluginRoute& b);

}  // namespace crmhost::plugins

#endif  // CRMHOST_PLUGINS_PLUGIN_ROUTES_H
