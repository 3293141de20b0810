// The plugins' own HTTP routes (ABI 1.3; docs/PLUGIN_ABI.md, "Plugin routes"): a CRM's install
// page, its uninstall webhook, a file picker. A request no contract route takes is served here
// when a live plugin declares a route for it: the host applies the route's authentication,
// hands the request to the plugin's serveRoute operation on the version it leased, and turns
// the plugin's answer into the response. A hot upgrade swaps a plugin's routes with its code:
// each request uses the routes of the version that serves it.
#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <variant>

#include "contract/app.h"
#include "contract/connector_json.h"
#include "contract/crm_oauth.h"
#include "contract/errors.h"
#include "contract/plugin_call.h"
#include "contract/session.h"
#include "crmhost/encoding.h"

namespace crmhost::contract {
namespace {

namespace json = boost::json;

// Bodies a plugin route accepts: form posts and webhooks, not uploads.
constexpr size_t kPluginRouteBodyLimit = 1024 * 1024;

// Response headers a plugin may set; the host sets the rest (CORS, request id, the serving
// version) and drops anything else with a warning rather than let a plugin set cookies or
// framing headers.
constexpr std::array<std::string_view, 11> kAllowedHeaders = {"content-type",
                                                              "cache-control",
                                                              "location",
                                                              "content-disposition",
                                                              "content-language",
                                                              "etag",
                                                              "last-modified",
                                                              "retry-after",
                                                              "www-authenticate",
                                                              "x-frame-options",
                                                              "content-security-policy"};

// A header value the response may carry: no control characters (a CR or LF would start a new
// header: response splitting) and a sane length.
bool IsFieldValue(std::string_view v) {
  if (v.size() > 8192) return false;
  for (unsigned char c : v)
    if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
  return true;
}

http::HttpResponse NotFound(const http::HttpRequest& req) {
  return http::HttpResponse::Text(404, "Cannot " + req.method + " " + req.path);
}

// The live plugin declaring a route for `method path`.
std::optional<std::string> OwnerOf(const plugins::Registry& registry, std::string_view method,
                                   std::string_view path) {
  for (const auto& v : registry.Live())
    if (plugins::MatchRoute(v->info().routes, method, path)) return v->name();
  return std::nullopt;
}

// What the plugin sees of the request. Cookies never; credentials only on routes whose
// authentication the plugin does itself ("none").
json::object RequestInput(const http::HttpRequest& req, const plugins::PluginRoute& route,
                          const plugins::RouteParams& params) {
  json::object params_json, query, headers;
  for (const auto& [k, v] : params)
    params_json[k] = v;
  const bool authenticated = route.auth != plugins::RouteAuth::kNone;
  for (const auto& [k, v] : req.query) {
    // The credentials the host checked are the host's: the plugin gets the user, not the token.
    if (authenticated && (k == "jwtToken" || k == "rcAccessToken" || k == route.jwt_query))
      continue;
    if (!query.contains(k)) query[k] = v;  // repeated: the first, as the contract routes read it
  }
  for (const auto& [k, v] : req.headers) {
    if (k == "cookie" || headers.contains(k)) continue;
    if (authenticated && (k == "authorization" || k == "x-rc-access-token")) continue;
    headers[k] = v;
  }
  return json::object{{"route", json::object{{"method", route.method},
                                             {"path", route.path},
                                             {"auth", plugins::RouteAuthName(route.auth)}}},
                      {"method", req.method},
                      {"path", req.path},
                      {"params", std::move(params_json)},
                      {"query", std::move(query)},
                      {"headers", std::move(headers)},
                      {"body", req.body}};
}

// HTTP Basic with the platform's OAuth client id and secret, compared in constant time.
std::optional<http::HttpResponse> CheckOAuthClient(App& app, PluginCall& call,
                                                   const http::HttpRequest& req,
                                                   std::vector<std::string>& secrets) {
  auto resolved = ResolveOAuthApp(app, call.plugin(), call.platform(), "",
                                  json::object{{"hostname", ""}}, req.request_id, {});
  const auto* oauth = std::get_if<ResolvedOAuthApp>(&resolved);
  const std::string expected =
      oauth && !oauth->app.client_id.empty()
          ? "Basic " + Base64Encode(oauth->app.client_id + ":" + oauth->app.client_secret)
          : std::string();
  if (oauth) secrets.push_back(oauth->app.client_secret);
  const auto given = req.Header("authorization");
  if (expected.empty() || !given || given->size() != expected.size() ||
      CRYPTO_memcmp(given->data(), expected.data(), expected.size()) != 0)
    return http::HttpResponse::Text(401, "Unauthorized");
  return std::nullopt;
}

// The user behind the request's App Connect JWT, connected (tokens fresh), into `input`.
// `required`: without a verified token of this platform's user the request is refused.
std::optional<http::HttpResponse> AddUser(PluginCall& call, const JwtState& jwt,
                                          json::object& input, bool required) {
  auto caller = RequireCaller(jwt);
  if (auto* refused = std::get_if<http::HttpResponse>(&caller)) {
    if (required) return std::move(*refused);
    return std::nullopt;
  }
  const Caller& c = std::get<Caller>(caller);
  if (c.platform != call.platform()) {
    if (required) return http::HttpResponse::Text(400, std::string(kAuthorizeMessage));
    return std::nullopt;
  }
  auto connected = call.Connect(c.user_id, /*require_platform_match=*/true);
  if (auto* failed = std::get_if<ConnectFailure>(&connected)) {
    if (failed->kind == ConnectFailure::Kind::kNoUser) {
      if (!required) return std::nullopt;
      return http::HttpResponse::Text(400, "User not found");
    }
    return ConnectFailureResponse(*failed, "serveRoute", call.platform(), {});
  }
  const Connected& user = *std::get<Connected*>(connected);
  input["user"] = user.user_json;
  input["authHeader"] = user.auth_header;
  return std::nullopt;
}

// The plugin asked the host to log a user of its platform out for good (an uninstall webhook):
// the plugin's unAuthorize runs with the user's tokens, then the user and their secrets are
// deleted. An unknown user is no error: the CRM retries until it hears success.
std::optional<http::HttpResponse> LogOut(App& app, PluginCall& call, const std::string& user_id,
                                         const std::string& request_id) {
  auto loaded = app.store.GetUser(user_id);
  if (!loaded.ok()) return http::HttpResponse::Text(500, "Database operation failed");
  if (!loaded.value() || loaded.value()->platform != call.platform()) return std::nullopt;
  const store::UserRecord& user = *loaded.value();
  if (call.Implements("unAuthorize")) {
    auto out =
        call.plugin().Invoke("unAuthorize", json::object{{"user", ConnectorUser(user, true)}},
                             request_id, SecretsOf(user));
    if (!out.ok())
      spdlog::warn("{} route: logging {} out failed: {}", call.platform(), user.id, out.message);
  }
  if (!app.store.DeleteUser(user.id).ok())
    return http::HttpResponse::Text(500, "Database operation failed");
  spdlog::info("{} route: user {} logged out and deleted", call.platform(), user.id);
  return std::nullopt;
}

// The plugin's answer as the response: {status, headers?, body? | json?, logoutUser?}.
http::HttpResponse ResponseOf(App& app, PluginCall& call, const json::value& out,
                              const http::HttpRequest& req) {
  const json::object* o = out.if_object();
  const json::value* status = o ? o->if_contains("status") : nullptr;
  const int code = status && status->is_int64() ? int(status->get_int64()) : 200;
  // A final answer only: 1xx would leave the client waiting for another.
  if (!o || (status && !status->is_int64()) || code < 200 || code > 599) {
    spdlog::error("{} route {} {}: serveRoute returned no usable answer", call.platform(),
                  req.method, req.path);
    return http::HttpResponse::Error(500, "Internal error");
  }
  // logoutUser: one user id, or several (the first ones found are logged out too).
  if (const json::value* who = o->if_contains("logoutUser")) {
    json::array ids = who->is_array() ? who->get_array() : json::array{*who};
    for (const json::value& id : ids) {
      if (!id.is_string()) continue;
      if (auto failed = LogOut(app, call, std::string(id.get_string()), req.request_id))
        return std::move(*failed);
    }
  }
  http::HttpResponse resp;
  resp.status = code;
  if (const json::value* j = o->if_contains("json")) {
    resp.content_type = "application/json; charset=utf-8";
    resp.body = json::serialize(*j);
  } else if (const json::value* b = o->if_contains("body"); b && b->is_string()) {
    resp.content_type = "text/plain; charset=utf-8";
    resp.body = std::string(b->get_string());
  }
  if (const json::value* h = o->if_contains("headers"); h && h->is_object()) {
    for (const auto& [name, value] : h->get_object()) {
      std::string lower(name);
      for (char& ch : lower)
        ch = char(std::tolower(static_cast<unsigned char>(ch)));
      const bool allowed =
          std::find(kAllowedHeaders.begin(), kAllowedHeaders.end(), lower) != kAllowedHeaders.end();
      if (!allowed || !value.is_string() || !IsFieldValue(value.get_string())) {
        spdlog::warn(
            "{} route {} {}: header {} dropped (not one a plugin may set, or a value "
            "with control characters)",
            call.platform(), req.method, req.path, lower);
        continue;
      }
      if (lower == "content-type") {
        resp.content_type = std::string(value.get_string());
      } else {
        resp.headers.emplace_back(std::move(lower), std::string(value.get_string()));
      }
    }
  }
  if (code == 204 || code == 304) {  // no body, whatever the plugin wrote
    resp.content_type.clear();
    resp.body.clear();
  }
  return resp;
}

// adminSettingsUpdate (rcAdmin routes only): keys merged into the account's admin userSettings,
// null removing one, before the answer goes out; a failed write answers 500 instead.
std::optional<http::HttpResponse> SaveAdminSettings(App& app, PluginCall& call,
                                                    const json::value& out,
                                                    const std::string& admin_key,
                                                    const http::HttpRequest& req) {
  const json::object* o = out.if_object();
  const json::value* update = o ? o->if_contains("adminSettingsUpdate") : nullptr;
  if (!update) return std::nullopt;
  if (admin_key.empty() || !update->is_object()) {
    spdlog::warn("{} route {} {}: adminSettingsUpdate ignored (an object, on rcAdmin routes only)",
                 call.platform(), req.method, req.path);
    return std::nullopt;
  }
  // One writer per account at a time (a read-modify-write of the whole row), and a row the
  // store cannot read is never overwritten: its user mappings and other settings would be lost.
  auto guard = app.admin_locks.Lock(admin_key);
  auto across = app.store.LockAcross(store::Store::LockScope::kAdminConfig, admin_key);
  if (!across.ok()) return http::HttpResponse::Text(500, "Database operation failed");
  auto loaded = LoadAdminConfigForUpdate(app, admin_key);
  if (!loaded.ok()) {
    spdlog::error("{} route {} {}: the account's admin configuration could not be read: {}",
                  call.platform(), req.method, req.path, loaded.status().ToString());
    return http::HttpResponse::Text(500, "Database operation failed");
  }
  json::object row = std::move(loaded).value();
  json::value& settings = row["userSettings"];
  if (!settings.is_object()) settings = json::object();
  for (const auto& [k, v] : update->get_object()) {
    if (v.is_null()) {
      settings.get_object().erase(k);
    } else {
      settings.get_object()[k] = v;
    }
  }
  if (!SaveAdminConfig(app, admin_key, std::move(row)).ok())
    return http::HttpResponse::Text(500, "Database operation failed");
  return std::nullopt;
}

// A RingCentral admin's identity (the route's rcAdmin check), its token kept for masking.
std::variant<identity::RcIdentity, http::HttpResponse> CheckAdmin(
    App& app, const http::HttpRequest& req, std::vector<std::string>& secrets) {
  json::object body;
  if (!req.body.empty()) {
    boost::system::error_code ec;
    json::value parsed = json::parse(req.body, ec);
    if (!ec && parsed.is_object()) body = std::move(parsed.get_object());
  }
  if (std::string token = RcAccessTokenOf(req, &body); !token.empty())
    secrets.push_back(std::move(token));
  return RequireAdmin(app, req, &body);
}

http::HttpResponse Serve(App& app, http::HttpRequest& req, const JwtState& jwt) {
  const auto owner = OwnerOf(app.registry, req.method, req.path);
  if (!owner) return NotFound(req);
  std::vector<std::string> secrets;
  if (!jwt.route_token.empty()) secrets.push_back(jwt.route_token);
  // An admin route checks the caller before taking a place in the plugin's bulkhead: requests
  // with bogus tokens (each a RingCentral round trip) must not crowd out the CRM's users.
  std::optional<identity::RcIdentity> admin;
  auto needs_admin = [&](const plugins::PluginVersion& v) {
    const plugins::PluginRoute* r = plugins::MatchRoute(v.info().routes, req.method, req.path);
    return r && r->auth == plugins::RouteAuth::kRcAdmin;
  };
  if (auto live = app.registry.Live(*owner); live && needs_admin(*live)) {
    auto checked = CheckAdmin(app, req, secrets);
    if (auto* refused = std::get_if<http::HttpResponse>(&checked)) return std::move(*refused);
    admin = std::get<identity::RcIdentity>(checked);
  }
  auto opened = PluginCall::Open(app, req, *owner);
  if (auto* refused = std::get_if<PluginCall::Refused>(&opened))
    return std::move(refused->response);
  auto& call = std::get<PluginCall>(opened);
  // The routes of the version this request leased: an upgrade may have dropped the route.
  plugins::RouteParams params;
  const plugins::PluginRoute* route =
      plugins::MatchRoute(call.plugin().info().routes, req.method, req.path, &params);
  if (!route) return NotFound(req);
  json::object input = RequestInput(req, *route, params);
  // A route may take the JWT from a query parameter of its own ("?token=" on a page the client
  // opens as a link) when no header or jwtToken carried one.
  JwtState from_query;
  const JwtState* user_jwt = &jwt;
  if (jwt.route_token.empty() && !route->jwt_query.empty()) {
    from_query = ReadJwt(req, app, route->jwt_query);
    // The token as sent and, when it was renewed, the renewed one: both are masked.
    if (auto sent = req.Query(route->jwt_query); sent && !sent->empty())
      secrets.emplace_back(*sent);
    if (!from_query.route_token.empty()) secrets.push_back(from_query.route_token);
    user_jwt = &from_query;
  }
  std::string admin_key;  // the account's admin configuration, for rcAdmin routes
  switch (route->auth) {
    case plugins::RouteAuth::kNone:
      break;
    case plugins::RouteAuth::kJwt:
      if (auto refused = AddUser(call, *user_jwt, input, /*required=*/true))
        return std::move(*refused);
      break;
    case plugins::RouteAuth::kRcAdmin: {
      if (!admin) {  // the version leased is not the one checked above (an upgrade between)
        auto checked = CheckAdmin(app, req, secrets);
        if (auto* refused = std::get_if<http::HttpResponse>(&checked)) return std::move(*refused);
        admin = std::get<identity::RcIdentity>(checked);
      }
      input["rcAccountId"] = admin->account_id;
      input["rcExtensionId"] = admin->extension_id;
      admin_key = AdminConfigKey(app, admin->account_id);
      json::object row = LoadAdminConfig(app, admin_key);
      const json::value* settings = row.if_contains("userSettings");
      input["adminSettings"] =
          settings && settings->is_object() ? settings->get_object() : json::object();
      if (auto refused = AddUser(call, *user_jwt, input, /*required=*/false))
        return std::move(*refused);
      break;
    }
    case plugins::RouteAuth::kOAuthClient:
      if (auto refused = CheckOAuthClient(app, call, req, secrets)) return std::move(*refused);
      break;
  }
  auto out = call.Invoke("serveRoute", input, secrets);
  if (!out.ok()) {
    spdlog::warn("{} route {} {} failed: {}", call.platform(), req.method, req.path, out.message);
    switch (out.kind) {
      case plugins::OpOutcome::Kind::kInvalid:
        return call.Served(http::HttpResponse::Text(400, out.message));
      case plugins::OpOutcome::Kind::kUpstream:
        return call.Served(http::HttpResponse::Text(502, "The CRM did not answer as expected"));
      default:
        return call.Served(http::HttpResponse::Error(500, "Internal error"));
    }
  }
  if (auto failed = SaveAdminSettings(app, call, out.value, admin_key, req))
    return call.Served(std::move(*failed));
  return call.Served(ResponseOf(app, call, out.value, req));
}

bool IsParam(std::string_view seg, char open) {
  return !seg.empty() && seg[0] == open;
}

}  // namespace

std::optional<std::string> ContractRouteFor(const http::Router& router,
                                            const plugins::PluginRoute& route) {
  for (const http::Router::Route& r : router.routes()) {
    if (r.method != route.method || r.segments.size() != route.segments.size()) continue;
    bool overlap = true;
    for (size_t i = 0; i < r.segments.size() && overlap; ++i)
      overlap = IsParam(r.segments[i], ':') || IsParam(route.segments[i], '{') ||
                r.segments[i] == route.segments[i];
    if (overlap) return r.method + " " + r.pattern;
  }
  return std::nullopt;
}

void RegisterPluginRoutes(http::Router& router, App& app) {
  http::Router::Route fallback;
  fallback.pattern = "plugin route";  // the metrics label of every plugin route
  fallback.handler = Route(app, Serve);
  fallback.mode = http::Router::Mode::kWorker;
  fallback.max_body_bytes = kPluginRouteBodyLimit;
  const plugins::Registry* registry = &app.registry;
  router.SetFallback(
      [registry](std::string_view method, std::string_view path) {
        return OwnerOf(*registry, method, path).has_value();
      },
      std::move(fallback));
}

}  // namespace crmhost::contract
