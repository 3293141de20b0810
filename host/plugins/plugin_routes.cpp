#include "plugins/plugin_routes.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>

#include "http/router.h"

namespace crmhost::plugins {
namespace json = boost::json;

namespace {

// Declared routes per plugin: a sanity bound, not a design limit.
constexpr size_t kMaxRoutes = 64;

bool IsParam(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

bool IsPathChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~' || c == '/' || c == '{' || c == '}';
}

// The prefixes the plugin owns: "/<name>/...", "/<name>-...", "/admin/<name>/...".
bool OwnedBy(const std::vector<std::string>& segments, std::string_view name) {
  if (segments.empty()) return false;
  const std::string& first = segments[0];
  // /admin/... belongs to the admin routes: only its /admin/<name>/... part is a plugin's, even
  // for a plugin named "admin" (which would otherwise claim every other plugin's admin paths).
  if (first == "admin") return segments.size() >= 3 && segments[1] == name;
  if (first == name) return true;
  if (first.size() > name.size() + 1 && first.compare(0, name.size(), name) == 0 &&
      first[name.size()] == '-')
    return true;
  return false;
}

Status Refuse(size_t index, std::string_view what) {
  return Status::InvalidArgument("routes_json route " + std::to_string(index) + ": " +
                                 std::string(what));
}

}  // namespace

std::string_view RouteAuthName(RouteAuth auth) {
  switch (auth) {
    case RouteAuth::kNone:
      return "none";
    case RouteAuth::kJwt:
      return "jwt";
    case RouteAuth::kRcAdmin:
      return "rcAdmin";
    case RouteAuth::kOAuthClient:
      return "oauthClient";
  }
  return "none";
}

Result<std::vector<PluginRoute>> ParseRoutes(const char* routes_json,
                                             std::string_view plugin_name) {
  std::vector<PluginRoute> routes;
  if (!routes_json) return routes;
  boost::system::error_code ec;
  json::value doc = json::parse(routes_json, ec);
  if (ec || !doc.is_array())
    return Status::InvalidArgument("routes_json is not a JSON array of routes");
  const json::array& list = doc.get_array();
  if (list.size() > kMaxRoutes)
    return Status::InvalidArgument("routes_json declares " + std::to_string(list.size()) +
                                   " routes; at most " + std::to_string(kMaxRoutes));
  for (size_t i = 0; i < list.size(); ++i) {
    const json::object* o = list[i].if_object();
    if (!o) return Refuse(i, "is not an object");
    const json::string* method = o->contains("method") ? o->at("method").if_string() : nullptr;
    const json::string* path = o->contains("path") ? o->at("path").if_string() : nullptr;
    const json::string* auth = o->contains("auth") ? o->at("auth").if_string() : nullptr;
    if (!method || !path || !auth) return Refuse(i, "needs string members method, path and auth");
    PluginRoute r;
    r.method = std::string(*method);
    r.path = std::string(*path);
    const std::string label = r.method + " " + r.path;
    if (r.method != "GET" && r.method != "POST" && r.method != "PUT" && r.method != "PATCH" &&
        r.method != "DELETE")
      return Refuse(i, "method '" + r.method + "' is not GET, POST, PUT, PATCH or DELETE");
    if (*auth == "none") {
      r.auth = RouteAuth::kNone;
    } else if (*auth == "jwt") {
      r.auth = RouteAuth::kJwt;
    } else if (*auth == "rcAdmin") {
      r.auth = RouteAuth::kRcAdmin;
    } else if (*auth == "oauthClient") {
      r.auth = RouteAuth::kOAuthClient;
    } else {
      return Refuse(i, label + ": auth '" + std::string(*auth) +
                           "' is not none, jwt, rcAdmin or oauthClient");
    }
    if (const json::value* q = o->if_contains("jwtQuery")) {
      const json::string* name = q->if_string();
      if (!name || name->empty() || name->size() > 64 ||
          !std::all_of(name->begin(), name->end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
          }))
        return Refuse(
            i, label + ": jwtQuery must be a query parameter name (1-64 of A-Z a-z 0-9 _ -)");
      if (r.auth != RouteAuth::kJwt && r.auth != RouteAuth::kRcAdmin)
        return Refuse(i, label + ": jwtQuery needs auth jwt or rcAdmin");
      r.jwt_query = std::string(*name);
    }
    if (r.path.empty() || r.path[0] != '/' || r.path.size() > 256)
      return Refuse(i, label + ": the path must start with '/' and be at most 256 characters");
    for (char c : r.path)
      if (!IsPathChar(c))
        return Refuse(i, label + ": the path may hold only letters, digits, - _ . ~ / and {param}");
    for (auto seg : http::SplitPath(r.path)) {
      const bool braces =
          seg.find('{') != std::string_view::npos || seg.find('}') != std::string_view::npos;
      if (braces && !IsParam(seg))
        return Refuse(i, label + ": a parameter is one whole segment, \"{name}\"");
      r.segments.emplace_back(seg);
    }
    if (!OwnedBy(r.segments, plugin_name) || IsParam(r.segments[0]))
      return Refuse(i, label + ": outside the plugin's paths (/" + std::string(plugin_name) +
                           "/..., /" + std::string(plugin_name) + "-..., /admin/" +
                           std::string(plugin_name) + "/...)");
    if (r.segments.size() > 1 && r.segments[0] == "admin" && IsParam(r.segments[1]))
      return Refuse(i, label + ": outside the plugin's paths");
    for (const PluginRoute& earlier : routes)
      if (RoutesOverlap(earlier, r))
        return Refuse(i, label + ": overlaps " + earlier.method + " " + earlier.path);
    routes.push_back(std::move(r));
  }
  return routes;
}

const PluginRoute* MatchRoute(const std::vector<PluginRoute>& routes, std::string_view method,
                              std::string_view path, RouteParams* params) {
  const auto segs = http::SplitPath(path);
  for (const PluginRoute& r : routes) {
    if (r.method != method || r.segments.size() != segs.size()) continue;
    bool ok = true;
    for (size_t i = 0; i < segs.size() && ok; ++i)
      ok = IsParam(r.segments[i]) || r.segments[i] == segs[i];
    if (!ok) continue;
    if (params) {
      params->clear();
      for (size_t i = 0; i < segs.size(); ++i)
        if (IsParam(r.segments[i]))
          params->emplace_back(r.segments[i].substr(1, r.segments[i].size() - 2),
                               std::string(segs[i]));
    }
    return &r;
  }
  return nullptr;
}

bool RoutesOverlap(const PluginRoute& a, const PluginRoute& b) {
  if (a.method != b.method || a.segments.size() != b.segments.size()) return false;
  for (size_t i = 0; i < a.segments.size(); ++i)
    if (!IsParam(a.segments[i]) && !IsParam(b.segments[i]) && a.segments[i] != b.segments[i])
      return false;
  return true;
}

}  // namespace crmhost::plugins
