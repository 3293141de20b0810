// Authentication routes (contract §3.2): API-key login issues the App Connect JWT; unAuthorize
// logs the user out of the CRM. OAuth callback and managed credentials live here too as they
// arrive.
#include <spdlog/spdlog.h>

#include <crmhost/sdk/js.hpp>

#include "contract/app.h"
#include "contract/errors.h"
#include "contract/session.h"

namespace crmhost::contract {
namespace json = boost::json;
namespace js = crmhost::sdk::js;

namespace {

constexpr int64_t kJwtLifetimeS = 14 * 24 * 3600;

std::string OptString(const json::object& o, std::string_view key) {
  auto* v = js::Get(o, key);
  return v ? js::ToString(*v) : std::string();
}

// Every string a login form carries may be a credential: mask them all in plugin logs.
void CollectStrings(const json::value& v, std::vector<std::string>& out) {
  if (auto* s = v.if_string()) {
    out.emplace_back(*s);
  } else if (auto* o = v.if_object()) {
    for (auto& [k, x] : *o)
      CollectStrings(x, out);
  } else if (auto* a = v.if_array()) {
    for (auto& x : *a)
      CollectStrings(x, out);
  }
}

// saveUserInfo: update the row if the id exists (keeping its settings, merging
// platformAdditionalInfo), else create it.
Result<store::UserRecord> SaveUser(App& app, const json::object& info, const std::string& platform,
                                   const json::object& body, const http::HttpRequest& req,
                                   const std::string& access_token) {
  const std::string id = IdString(info.at("id"));
  auto existing = app.store.GetUser(id);
  if (!existing.ok()) return existing.status();
  store::UserRecord u;
  const int64_t now = app.now_ms();
  if (existing.value()) {
    u = std::move(*existing.value());
  } else {
    u.id = id;
    u.created_at_ms = now;
  }
  u.platform = platform;
  // Like the reference's update, absent values leave the stored ones alone.
  if (body.contains("hostname")) u.hostname = OptString(body, "hostname");
  if (info.contains("timezoneName")) u.timezone_name = OptString(info, "timezoneName");
  if (info.contains("timezoneOffset")) u.timezone_offset = info.at("timezoneOffset");
  u.access_token = access_token;
  u.rc_account_id.clear();  // set from a RingCentral token once RC identity checks are enabled
  if (auto h = req.Header("rc-extension-id")) u.hashed_rc_extension_id = std::string(*h);
  if (auto* extra = js::Get(info, "platformAdditionalInfo"); extra && extra->is_object())
    for (auto& [k, v] : extra->get_object())
      u.platform_additional_info[k] = v;
  if (auto* proxy = js::Get(body, "proxyId")) {
    u.platform_additional_info["proxyId"] = *proxy;
  } else {
    u.platform_additional_info.erase("proxyId");
  }
  u.updated_at_ms = now;
  if (Status st = app.store.PutUser(u); !st.ok()) return st;
  return u;
}

http::HttpResponse ApiKeyLogin(App& app, http::HttpRequest& req) {
  auto parsed = ParseJsonBody(req);
  if (auto* bad = std::get_if<http::HttpResponse>(&parsed)) return std::move(*bad);
  json::object body = std::move(std::get<json::object>(parsed));

  auto* platform_v = js::Get(body, "platform");
  if (!js::Truthy(platform_v)) return http::HttpResponse::Text(400, "Missing platform name");
  const std::string platform = js::ToString(*platform_v);
  auto lease = app.registry.Acquire(platform);
  if (!lease) return UnknownPlatform(platform);
  const auto& plugin = **lease;

  json::object additional;
  if (auto* a = js::Get(body, "additionalInfo"); a && a->is_object()) additional = a->get_object();
  const json::value api_key = body.contains("apiKey") ? body.at("apiKey") : json::value();
  if (!additional.contains("apiKey") && body.contains("apiKey")) additional["apiKey"] = api_key;

  std::vector<std::string> secrets;
  CollectStrings(additional, secrets);
  CollectStrings(api_key, secrets);

  auto basic =
      plugin.Invoke("getBasicAuth", json::object{{"apiKey", api_key}}, req.request_id, secrets);
  if (!basic.ok() && basic.kind != plugins::OpOutcome::Kind::kUnsupported)
    return http::HttpResponse::Error(400, basic.message);
  std::string auth_header =
      "Basic " +
      (basic.ok() && basic.value.is_string() ? std::string(basic.value.get_string()) : "");
  secrets.push_back(auth_header);

  json::object input;
  input["authHeader"] = auth_header;
  input["hostname"] = body.contains("hostname") ? body.at("hostname") : json::value();
  input["platform"] = platform;
  input["additionalInfo"] = additional;
  input["apiKey"] = api_key;
  input["proxyId"] = body.contains("proxyId") ? body.at("proxyId") : json::value();
  auto info = plugin.Invoke("getUserInfo", input, req.request_id, secrets);
  if (!info.ok())
    return http::HttpResponse::Error(400,
                                     info.message.empty() ? "getUserInfo failed" : info.message);
  const json::object* result = info.value.if_object();
  if (!result) return http::HttpResponse::Error(400, "getUserInfo returned no object");

  json::object out;
  if (auto* rm = result->if_contains("returnMessage")) out["returnMessage"] = *rm;
  auto* user_info = js::Get(*result, "platformUserInfo");
  if (!js::Truthy(js::Get(*result, "successful")) || !user_info || !user_info->is_object() ||
      !js::Get(user_info->get_object(), "id")) {
    return http::HttpResponse::Json(400, out);
  }
  const auto& pui = user_info->get_object();
  auto* overriding = js::Get(pui, "overridingApiKey");
  const std::string access_token = overriding          ? js::ToString(*overriding)
                                   : api_key.is_null() ? std::string()
                                                       : js::ToString(api_key);
  auto saved = SaveUser(app, pui, platform, body, req, access_token);
  if (!saved.ok()) {
    spdlog::error("[{}] saving user failed: {}", req.request_id, saved.status().ToString());
    json::object fail;
    fail["returnMessage"] = DatabaseErrorMessage();
    return http::HttpResponse::Json(400, fail);
  }

  json::value user_info_out = json::object{
      {"id", saved->id}, {"name", pui.contains("name") ? pui.at("name") : json::value()}};
  if (plugin.Implements("postSaveUserInfo")) {
    auto post = plugin.Invoke("postSaveUserInfo", json::object{{"userInfo", user_info_out}},
                              req.request_id, SecretsOf(saved.value()));
    if (!post.ok()) return http::HttpResponse::Error(400, post.message);
    if (post.value.is_object() && post.value.get_object().contains("id"))
      user_info_out = post.value;
  }
  const auto& uio = user_info_out.get_object();
  json::object claims;
  claims["id"] = IdString(uio.at("id"));
  claims["platform"] = platform;
  json::object resp;
  resp["jwtToken"] = app.jwt.Sign(claims, app.now_ms() / 1000, kJwtLifetimeS);
  if (auto* name = uio.if_contains("name")) resp["name"] = *name;
  if (out.contains("returnMessage")) resp["returnMessage"] = out["returnMessage"];
  spdlog::info("[{}] user {} logged in to {}", req.request_id, saved->id, platform);
  return http::HttpResponse::Json(200, resp);
}

http::HttpResponse UnAuthorize(App& app, http::HttpRequest& req, const JwtState& jwt) {
  auto who = RequireCaller(jwt, "User not found");
  if (auto* resp = std::get_if<http::HttpResponse>(&who)) return std::move(*resp);
  const auto& caller = std::get<Caller>(who);
  auto loaded = app.store.GetUser(caller.user_id);
  if (!loaded.ok()) return http::HttpResponse::Error(400, "Database operation failed");
  if (!loaded.value()) return http::HttpResponse::Text(400, "User not found");
  store::UserRecord user = std::move(*loaded.value());
  const std::string platform = caller.platform.empty() ? "Unknown" : caller.platform;
  auto lease = app.registry.Acquire(platform);
  if (!lease) return UnknownPlatform(platform);

  auto result = (*lease)->Invoke("unAuthorize", json::object{{"user", user.ToConnectorJson(true)}},
                                 req.request_id, SecretsOf(user));
  if (!result.ok()) return http::HttpResponse::Error(400, result.message);
  // Logging out must drop the credentials whatever the plugin did; a plugin may also delete
  // the user through userUpdate.
  auto* obj = result.value.if_object();
  bool deleted = false;
  if (obj) {
    if (auto* u = obj->if_contains("userUpdate"); u && u->is_object())
      if (auto* d = u->get_object().if_contains("delete")) deleted = d->is_bool() && d->get_bool();
  }
  if (!ApplyUserUpdate(app, user, result.value))
    return http::HttpResponse::Error(400, "Database operation failed");
  if (!deleted) {
    user.access_token.clear();
    user.refresh_token.clear();
    user.updated_at_ms = app.now_ms();
    if (!app.store.PutUser(user).ok())
      return http::HttpResponse::Error(400, "Database operation failed");
  }
  spdlog::info("[{}] user {} logged out of {}", req.request_id, user.id, platform);
  if (obj && obj->contains("returnMessage") && !obj->at("returnMessage").is_null())
    return http::HttpResponse::Json(200, obj->at("returnMessage"));
  http::HttpResponse empty;
  return empty;  // the reference sends an empty 200 when the connector gives no message
}

}  // namespace

void RegisterAuthRoutes(http::Router& router, App& app) {
  router.Add("POST", "/apiKeyLogin", WithJwt(app, [&app](http::HttpRequest& req, const JwtState&) {
               return ApiKeyLogin(app, req);
             }));
  router.Add("POST", "/unAuthorize",
             WithJwt(app, [&app](http::HttpRequest& req, const JwtState& jwt) {
               return UnAuthorize(app, req, jwt);
             }));
}

}  // namespace crmhost::contract
