#include "contract/session.h"

#include <cctype>

#include <spdlog/spdlog.h>

#include <crmhost/sdk/js.hpp>

#include "contract/crm_oauth.h"
#include "contract/errors.h"
#include "crmhost/encoding.h"
#include "runtime/digest.h"

namespace crmhost::contract {
namespace json = boost::json;
namespace js = crmhost::sdk::js;

namespace {

constexpr int64_t kJwtLifetimeS = 14 * 24 * 3600;    // '2w'
constexpr int64_t kJwtRenewWithinS = 7 * 24 * 3600;  // sliding renewal threshold

std::optional<std::string> BearerToken(const http::HttpRequest& req) {
  auto h = req.Header("authorization");
  if (!h) return std::nullopt;
  // The reference splits on single spaces: scheme, token.
  size_t sp = h->find(' ');
  if (sp == std::string_view::npos) return std::nullopt;
  std::string_view scheme = h->substr(0, sp);
  std::string_view rest = h->substr(sp + 1);
  std::string_view token = rest.substr(0, rest.find(' '));
  if (!EqualsIgnoreCase(scheme, "bearer") || token.empty()) return std::nullopt;
  return std::string(token);
}

bool HasUsableId(const json::object& claims) {
  auto* id = claims.if_contains("id");
  return id &&
         ((id->is_string() && !id->get_string().empty()) || id->is_int64() || id->is_uint64());
}

// A JWT the reference server signed (HS256 over {id, platform} with its APP_SERVER_SECRET_KEY),
// exchanged for one of ours: only for a user the store knows (imported from the reference) on
// the same platform, and only until --legacy-jwt-until. The client gets ours in
// x-refreshed-jwt-token; a client that ignores the header keeps sending the old one, which keeps
// working the same way until the end date.
std::optional<std::string> RenewLegacyJwt(const App& app, const std::string& token, int64_t now_s) {
  auto claims = app.legacy_jwt->Verify(token, now_s);
  if (!claims || !HasUsableId(*claims)) return std::nullopt;
  auto count = [&](std::string_view result) {
    if (app.metrics) app.metrics->CountLegacyJwt(result);
  };
  if (app.legacy_jwt_until_ms && app.now_ms() >= app.legacy_jwt_until_ms) {
    count("expired");
    return std::nullopt;
  }
  const std::string id = IdString(claims->at("id"));
  auto user = app.store.GetUser(id);
  const json::value* platform = claims->if_contains("platform");
  if (!user.ok() || !user.value() ||
      (platform && (!platform->is_string() || platform->get_string() != user.value()->platform))) {
    count("unknown_user");
    return std::nullopt;
  }
  count("renewed");
  return app.jwt.Sign(json::object{{"id", id}, {"platform", user.value()->platform}}, now_s,
                      kJwtLifetimeS);
}

}  // namespace

std::string IdString(const json::value& v) {
  return js::to_string(v);
}

http::HttpResponse Served(http::HttpResponse resp, const plugins::PluginVersion& plugin) {
  resp.headers.emplace_back("x-crmhost-plugin", plugin.name() + "/" + plugin.info().version);
  return resp;
}

JwtState ReadJwt(const http::HttpRequest& req, const App& app, std::string_view query_name) {
  JwtState st;
  const auto header_token = BearerToken(req);
  const auto query_token = req.Query(query_name);
  std::string token = header_token ? *header_token : query_token ? std::string(*query_token) : "";
  if (token.empty()) return st;
  const int64_t now_s = app.now_ms() / 1000;
  auto claims = app.jwt.Verify(token, now_s);
  if ((!claims || !HasUsableId(*claims)) && app.legacy_jwt) {
    if (auto renewed = RenewLegacyJwt(app, token, now_s)) {
      st.route_token = *renewed;
      st.claims = app.jwt.Verify(*renewed, now_s);
      st.refreshed = std::move(*renewed);
      return st;
    }
  }
  if (!claims || !HasUsableId(*claims)) {
    // A bad header token hides the query token; a bad query token is still seen (and then
    // fails to decode in the route).
    st.route_token = header_token ? "" : token;
    return st;
  }
  st.route_token = token;
  st.claims = std::move(*claims);
  if (auto* exp = st.claims->if_contains("exp"); exp && exp->is_number()) {
    // As a double: an exp beyond int64 must neither throw nor overflow the subtraction.
    const double left = exp->to_number<double>() - double(now_s);
    if (left <= double(kJwtRenewWithinS)) {
      json::object fresh;
      fresh["id"] = IdString(st.claims->at("id"));
      if (auto* p = st.claims->if_contains("platform")) fresh["platform"] = *p;
      std::string renewed = app.jwt.Sign(fresh, now_s, kJwtLifetimeS);
      st.route_token = renewed;
      st.claims = app.jwt.Verify(renewed, now_s);
      st.refreshed = std::move(renewed);
    }
  }
  return st;
}

http::Router::Handler WithJwt(App& app, ContractHandler handler) {
  return [&app, handler = std::move(handler)](http::HttpRequest& req) {
    JwtState jwt = ReadJwt(req, app);
    http::HttpResponse resp = handler(req, jwt);
    if (jwt.refreshed) resp.headers.emplace_back("x-refreshed-jwt-token", *jwt.refreshed);
    return resp;
  };
}

std::variant<Caller, http::HttpResponse> RequireCaller(const JwtState& jwt,
                                                       std::string_view invalid_token_text) {
  if (jwt.route_token.empty()) return http::HttpResponse::Text(400, std::string(kAuthorizeMessage));
  if (!jwt.claims) return http::HttpResponse::Text(400, std::string(invalid_token_text));
  Caller c;
  c.user_id = IdString(jwt.claims->at("id"));
  if (auto* p = jwt.claims->if_contains("platform"); p && p->is_string())
    c.platform = std::string(p->get_string());
  return c;
}

std::optional<LogFormat> FormatOf(const plugins::PluginVersion& plugin, const std::string& platform,
                                  const std::string& request_id) {
  if (!plugin.Implements("getLogFormatType")) return LogFormat::kPlainText;
  auto out = plugin.InvokeConstant("getLogFormatType",
                                   json::object{{"platform", platform}, {"proxyConfig", nullptr}},
                                   platform, request_id);
  if (!out.ok() || !out.value.is_string()) return LogFormat::kPlainText;
  return ParseLogFormat(out.value.get_string());
}

std::optional<plugins::Registry::Lease> AcquirePlatform(App& app, std::string_view platform) {
  if (auto lease = app.registry.Acquire(platform)) return lease;
  auto proxy = app.registry.Acquire(kProxyPlugin);
  if (!proxy || !(*proxy)->Implements("listPlatforms")) return std::nullopt;
  auto listed = (*proxy)->Invoke("listPlatforms", json::object{{"platform", platform}}, "", {});
  const json::object* names = listed.ok() ? listed.value.if_object() : nullptr;
  if (!names || !names->contains(platform)) return std::nullopt;
  return proxy;
}

json::object ProxyPlatforms(App& app) {
  auto proxy = app.registry.Acquire(kProxyPlugin);
  if (!proxy || !(*proxy)->Implements("listPlatforms")) return {};
  auto listed = (*proxy)->Invoke("listPlatforms", json::object{}, "", {});
  return listed.ok() && listed.value.is_object() ? listed.value.get_object() : json::object();
}

std::string RcAccessTokenOf(const http::HttpRequest& req, const json::object* body) {
  std::string token;
  if (auto h = req.Header("x-rc-access-token")) {
    token = std::string(*h);
  } else if (const json::value* v = body ? body->if_contains("rcAccessToken") : nullptr;
             v && !v->is_null()) {
    if (auto* a = v->if_array()) v = a->empty() ? nullptr : &(*a)[0];
    if (v && v->is_string()) token = std::string(v->get_string());
  } else if (auto q = req.Query("rcAccessToken")) {
    token = std::string(*q);
  }
  if (token.rfind("Bearer ", 0) == 0) token.erase(0, 7);
  return token;
}

std::variant<identity::RcIdentity, http::HttpResponse> RequireRcIdentity(
    App& app, const http::HttpRequest& req, const json::object* body,
    std::string_view missing_text) {
  const std::string token = RcAccessTokenOf(req, body);
  if (token.empty()) {
    if (!missing_text.empty()) return http::HttpResponse::Text(400, std::string(missing_text));
    return http::HttpResponse::Error(400, "Missing RingCentral access token");
  }
  if (!app.ringcentral)
    return http::HttpResponse::Error(400, "RingCentral checks are not configured");
  auto who = app.ringcentral->Identify(token);
  if (!who.ok()) {
    spdlog::warn("RingCentral identity check failed: {}", who.status().message());
    return http::HttpResponse::Error(400, who.status().message());
  }
  return std::move(who).value();
}

std::variant<identity::RcIdentity, http::HttpResponse> RequireAdmin(App& app,
                                                                    const http::HttpRequest& req,
                                                                    const json::object* body) {
  auto who = RequireRcIdentity(app, req, body);
  if (auto* id = std::get_if<identity::RcIdentity>(&who); id && !id->admin) {
    spdlog::warn("admin route refused: extension {} is not an admin", id->extension_id);
    return http::HttpResponse::Text(403, "Admin validation failed");
  }
  return who;
}

std::string AdminConfigKey(const App& app, std::string_view rc_account_id) {
  return HashValue(rc_account_id, app.hash_key);
}

json::value AdminConfigInput(App& app, const store::UserRecord& user,
                             std::string_view hashed_account, bool mappings) {
  const std::string key = !user.rc_account_id.empty() ? AdminConfigKey(app, user.rc_account_id)
                                                      : std::string(hashed_account);
  if (key.empty()) return nullptr;
  auto row = app.store.Get(store::Table::kAdmin, key);
  if (!row.ok() || !row.value() || !row.value()->is_object()) return nullptr;
  const json::object& o = row.value()->get_object();
  json::object out;
  out["userSettings"] = o.contains("userSettings") ? o.at("userSettings") : json::value();
  if (mappings)
    out["userMappings"] = o.contains("userMappings") ? o.at("userMappings") : json::value();
  return out;
}

std::variant<CallerAndBody, http::HttpResponse> RequireCallerAndBody(
    const JwtState& jwt, const http::HttpRequest& req, std::string_view invalid_token_text) {
  auto who = RequireCaller(jwt, invalid_token_text);
  if (auto* resp = std::get_if<http::HttpResponse>(&who)) return std::move(*resp);
  auto parsed = ParseJsonBody(req);
  if (auto* bad = std::get_if<http::HttpResponse>(&parsed)) return std::move(*bad);
  return CallerAndBody{std::move(std::get<Caller>(who)), std::move(std::get<json::object>(parsed))};
}

http::Router::Handler Route(App& app, RouteFn fn) {
  return WithJwt(
      app, [&app, fn](http::HttpRequest& req, const JwtState& jwt) { return fn(app, req, jwt); });
}

http::Router::Handler Route(App& app, PlainRouteFn fn) {
  return WithJwt(app, [&app, fn](http::HttpRequest& req, const JwtState&) { return fn(app, req); });
}

std::string HashValue(std::string_view value, std::string_view hash_key) {
  return Sha256Hex(std::string(value) + ":" + std::string(hash_key));
}

std::vector<std::string> SecretsOf(const store::UserRecord& user) {
  std::vector<std::string> s;
  if (!user.access_token.empty()) s.push_back(user.access_token);
  if (!user.refresh_token.empty()) s.push_back(user.refresh_token);
  // A CRM session a plugin keeps beside the OAuth tokens (Bullhorn's bhRestToken) is masked as
  // they are; "tokenUrl" and the like are addresses, not secrets.
  for (const auto& [key, value] : user.platform_additional_info) {
    std::string k(key);
    for (char& c : k)
      c = char(std::tolower(static_cast<unsigned char>(c)));
    if (k.find("token") == std::string::npos || k.find("url") != std::string::npos) continue;
    if (const auto* v = value.if_string(); v && !v->empty()) s.emplace_back(*v);
  }
  return s;
}

http::HttpResponse ConnectFailureResponse(const ConnectFailure& f, std::string_view op,
                                          const std::string& platform,
                                          json::object no_user_message) {
  switch (f.kind) {
    case ConnectFailure::Kind::kNoUser:
      if (no_user_message.empty())
        return http::HttpResponse::Json(200, json::object{{"successful", false}});
      return Failure(std::move(no_user_message));
    case ConnectFailure::Kind::kRevoked:
      return SessionRevoked();
    case ConnectFailure::Kind::kStore:
      return Failure(DatabaseErrorMessage());
    case ConnectFailure::Kind::kPlugin:
      return Failure(ApiErrorMessage(op, platform, f.outcome));
  }
  return Failure(DatabaseErrorMessage());
}

bool ApplyUserUpdate(App& app, store::UserRecord& user, json::value& result) {
  auto* obj = result.if_object();
  if (!obj) return true;
  auto it = obj->find("userUpdate");
  if (it == obj->end()) return true;
  json::value update = std::move(it->value());
  obj->erase(it);
  auto* u = update.if_object();
  if (!u) return true;
  if (auto* del = u->if_contains("delete"); del && del->is_bool() && del->get_bool()) {
    return app.store.DeleteUser(user.id).ok();
  }
  auto apply = [u](store::UserRecord& r) {
    auto str = [&](std::string_view k, std::string& field) {
      if (auto* v = u->if_contains(k); v && v->is_string()) field = std::string(v->get_string());
    };
    str("accessToken", r.access_token);
    str("refreshToken", r.refresh_token);
    str("hostname", r.hostname);
    str("timezoneName", r.timezone_name);
    if (auto* v = u->if_contains("timezoneOffset")) r.timezone_offset = *v;
    if (auto* v = u->if_contains("tokenExpiry")) {
      if (v->is_int64()) r.token_expiry_ms = v->get_int64();
      if (v->is_null()) r.token_expiry_ms.reset();
    }
    auto merge = [&](std::string_view k, json::object& into) {
      if (auto* v = u->if_contains(k); v && v->is_object())
        for (auto& [key, val] : v->get_object())
          into[key] = val;
    };
    merge("platformAdditionalInfo", r.platform_additional_info);
    merge("userSettings", r.user_settings);
  };
  // Many plugins hand back the same settings on every call (Redtail's category setting): only a
  // real change costs a synced write.
  store::UserRecord preview = user;
  apply(preview);
  if (store::EncodeUser(preview) == store::EncodeUser(user)) return true;
  // Applied to the stored record, not written over it from this request's copy: a token another
  // request (or instance) refreshed meanwhile is kept.
  const int64_t now = app.now_ms();
  auto stored = app.store.UpdateUser(user.id, [&](store::UserRecord& r, bool exists) {
    if (!exists) return false;  // logged out meanwhile: not brought back
    apply(r);
    r.updated_at_ms = now;
    return true;
  });
  if (!stored.ok()) return false;
  user = stored.value() ? std::move(*stored.value()) : std::move(preview);
  return true;
}

}  // namespace crmhost::contract
