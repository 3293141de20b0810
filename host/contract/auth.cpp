// Authentication routes (docs/API-REFERENCE.md, Auth): API-key login issues the App Connect JWT;
// unAuthorize logs the user out of the CRM. OAuth callback and managed credentials live here too as
// they arrive.
#include <spdlog/spdlog.h>

#include <crmhost/sdk/js.hpp>

#include "contract/app.h"
#include "contract/connector_json.h"
#include "contract/errors.h"
#include "contract/login.h"
#include "contract/managed_auth.h"
#include "contract/plugin_call.h"
#include "contract/session.h"
#include "identity/ringcentral.h"

namespace crmhost::contract {
namespace json = boost::json;
namespace js = crmhost::sdk::js;

namespace {

std::string OptString(const json::object& o, std::string_view key) {
  auto* v = js::get(o, key);
  return v ? js::to_string(*v) : std::string();
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

json::value MemberOrNull(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v ? *v : json::value();
}

// 400 naming the login fields the account's admin made required and nobody filled.
http::HttpResponse MissingRequiredFields(const std::vector<std::string>& names) {
  json::array missing;
  for (auto& m : names)
    missing.push_back(json::value(m));
  return http::HttpResponse::Json(
      400, json::object{{"returnMessage",
                         json::object{{"messageType", "warning"},
                                      {"message", "Missing required authentication fields."},
                                      {"ttl", 3000},
                                      {"missingRequiredFieldConsts", std::move(missing)}}}});
}

// Who is logging in on the RingCentral side, when the client sent its RingCentral token: the
// account id keys account caches and managed credentials. An answer is the failure to send.
std::optional<http::HttpResponse> IdentifyRcCaller(App& app, const http::HttpRequest& req,
                                                   const json::object& body,
                                                   identity::RcIdentity& rc) {
  std::string rc_token = RcAccessTokenOf(req, &body);
  if (rc_token.empty() || !app.ringcentral) return std::nullopt;
  auto who = app.ringcentral->Identify(rc_token);
  if (!who.ok()) {
    spdlog::warn("RingCentral identity check failed: {}", who.status().message());
    return http::HttpResponse::Error(400, "RingCentral identity check failed");
  }
  rc = std::move(who).value();
  return std::nullopt;
}

// The plugin's getBasicAuth turns the API key into its Authorization value; a plugin without it
// gets "Basic " (the reference's default).
Result<std::string> BasicAuthHeader(PluginCall& call, const json::value& api_key,
                                    const std::string& platform,
                                    const std::vector<std::string>& secrets) {
  auto basic = call.Invoke("getBasicAuth",
                           json::object{{"apiKey", api_key}, {"platform", platform}}, secrets);
  if (!basic.ok() && basic.kind != plugins::OpOutcome::Kind::kUnsupported)
    return Status::InvalidArgument(basic.message);
  return "Basic " +
         (basic.ok() && basic.value.is_string() ? std::string(basic.value.get_string()) : "");
}

http::HttpResponse ApiKeyLogin(App& app, http::HttpRequest& req) {
  auto parsed = ParseJsonBody(req);
  if (auto* bad = std::get_if<http::HttpResponse>(&parsed)) return std::move(*bad);
  json::object body = std::move(std::get<json::object>(parsed));

  auto* platform_v = js::get(body, "platform");
  if (!js::truthy(platform_v)) return http::HttpResponse::Text(400, "Missing platform name");
  const std::string platform = js::to_string(*platform_v);
  auto opened = PluginCall::Open(app, req, platform);
  if (auto* refused = std::get_if<PluginCall::Refused>(&opened))
    return std::move(refused->response);
  auto& call = std::get<PluginCall>(opened);
  const auto& plugin = call.plugin();

  json::object additional;
  if (auto* a = js::get(body, "additionalInfo"); a && a->is_object()) additional = a->get_object();
  if (!additional.contains("apiKey") && body.contains("apiKey"))
    additional["apiKey"] = body.at("apiKey");
  const json::object submitted = additional;
  std::vector<std::string> secrets;
  CollectStrings(additional, secrets);

  identity::RcIdentity rc;
  if (auto failed = IdentifyRcCaller(app, req, body, rc)) return std::move(*failed);

  // Values the account's admin manages fill the form (docs/API.md).
  // The login form: a Developer Portal connector's when the client names one (connectorId),
  // else the plugin's. Only a caller known to RingCentral has managed values to apply.
  const std::vector<LoginField> fields =
      rc.account_id.empty()
          ? std::vector<LoginField>()
          : LoginFields(app, plugin, platform, ConnectorRefOf(body), rc.account_id);
  const ManagedLogin managed = ApplyManagedValues(app, fields, platform, rc, additional);
  if (managed.has_managed && !rc.account_id.empty() && !managed.missing_required.empty())
    return MissingRequiredFields(managed.missing_required);
  CollectStrings(additional, secrets);
  const json::value api_key =
      additional.contains("apiKey") ? additional.at("apiKey") : json::value();

  auto auth_header = BasicAuthHeader(call, api_key, platform, secrets);
  if (!auth_header.ok()) return http::HttpResponse::Error(400, auth_header.status().message());
  secrets.push_back(*auth_header);

  auto info = call.Invoke("getUserInfo",
                          json::object{{"authHeader", *auth_header},
                                       {"hostname", MemberOrNull(body, "hostname")},
                                       {"platform", platform},
                                       {"additionalInfo", additional},
                                       {"apiKey", api_key},
                                       {"proxyId", MemberOrNull(body, "proxyId")}},
                          secrets);
  if (!info.ok())
    return http::HttpResponse::Error(400,
                                     info.message.empty() ? "getUserInfo failed" : info.message);
  const json::object* result = info.value.if_object();
  if (!result) return http::HttpResponse::Error(400, "getUserInfo returned no object");

  json::object out;
  if (auto* rm = result->if_contains("returnMessage")) out["returnMessage"] = *rm;
  auto* user_info = js::get(*result, "platformUserInfo");
  if (!js::truthy(js::get(*result, "successful")) || !user_info || !user_info->is_object() ||
      !js::get(user_info->get_object(), "id")) {
    RecordManagedLogin(app, fields, platform, rc, submitted, false, rc.admin);
    return http::HttpResponse::Json(400, out);
  }
  const auto& pui = user_info->get_object();
  auto* overriding = js::get(pui, "overridingApiKey");
  const std::string access_token = overriding          ? js::to_string(*overriding)
                                   : api_key.is_null() ? std::string()
                                                       : js::to_string(api_key);
  LoginSave save;
  save.platform = platform;
  if (body.contains("hostname")) save.hostname = OptString(body, "hostname");
  if (auto* proxy = js::get(body, "proxyId")) save.proxy_id = *proxy;
  save.access_token = access_token;
  save.rc_account_id = rc.account_id;
  if (auto h = req.Header("rc-extension-id")) save.hashed_rc_extension_id = std::string(*h);
  auto saved = SaveUserInfo(app, pui, save);
  if (!saved.ok()) {
    spdlog::error("saving user failed: {}", saved.status().ToString());
    return http::HttpResponse::Json(400, json::object{{"returnMessage", DatabaseErrorMessage()}});
  }
  RecordManagedLogin(app, fields, platform, rc, submitted, true, rc.admin);
  return CompleteLogin(app, plugin, saved.value(), pui, platform, js::get(*result, "returnMessage"),
                       {}, req.request_id);
}

http::HttpResponse UnAuthorize(App& app, http::HttpRequest& req, const JwtState& jwt) {
  auto who = RequireCaller(jwt, "User not found");
  if (auto* resp = std::get_if<http::HttpResponse>(&who)) return std::move(*resp);
  const auto& caller = std::get<Caller>(who);
  const std::string platform = caller.platform.empty() ? "Unknown" : caller.platform;
  auto opened = PluginCall::Open(app, req, platform);
  if (auto* busy = PluginCall::BusyOf(opened)) return std::move(*busy);
  PluginCall* call = std::get_if<PluginCall>(&opened);
  auto loaded = PluginCall::UserOf(app, call, caller.user_id);  // "User not found" comes first
  if (!loaded.ok()) return http::HttpResponse::Error(400, "Database operation failed");
  if (!loaded.value()) return http::HttpResponse::Text(400, "User not found");
  store::UserRecord user = std::move(*loaded.value());
  if (!call) return UnknownPlatform(platform);

  // Not PluginCall::Invoke: the credentials go whatever the plugin's userUpdate says (below).
  auto result =
      call->plugin().Invoke("unAuthorize", json::object{{"user", ConnectorUser(user, true)}},
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
    const int64_t now = app.now_ms();
    auto stored = app.store.UpdateUser(user.id, [&](store::UserRecord& r, bool exists) {
      if (!exists) return false;
      r.access_token.clear();
      r.refresh_token.clear();
      r.updated_at_ms = now;
      return true;
    });
    if (!stored.ok()) return http::HttpResponse::Error(400, "Database operation failed");
  }
  spdlog::info("user {} logged out of {}", user.id, platform);
  if (obj && obj->contains("returnMessage") && !obj->at("returnMessage").is_null())
    return http::HttpResponse::Json(200, obj->at("returnMessage"));
  http::HttpResponse empty;
  return empty;  // the reference sends an empty 200 when the connector gives no message
}

// GET /authValidation: is the caller's CRM session still good? Refreshes the OAuth token first,
// then asks the plugin.
http::HttpResponse AuthValidation(App& app, http::HttpRequest& req, const JwtState& jwt) {
  auto who = RequireCaller(jwt, "Invalid JWT token");
  if (auto* resp = std::get_if<http::HttpResponse>(&who)) return std::move(*resp);
  const auto& caller = std::get<Caller>(who);
  auto opened = PluginCall::Open(app, req, caller.platform);
  if (auto* refused = std::get_if<PluginCall::Refused>(&opened))
    return std::move(refused->response);
  auto& call = std::get<PluginCall>(opened);
  if (!call.Implements("authValidation"))
    return http::HttpResponse::Error(400, "connector.authValidation is not a function");
  auto connected = call.Connect(caller.user_id, true);
  if (auto* fail = std::get_if<ConnectFailure>(&connected))
    return ConnectFailureResponse(*fail, "authValidation", caller.platform, {});
  Connected& c = *std::get<Connected*>(connected);
  auto out = call.Invoke("authValidation",
                         json::object{{"user", c.user_json}, {"authHeader", c.auth_header}});
  if (!out.ok()) return Failure(ApiErrorMessage("authValidation", caller.platform, out));
  json::object resp{{"successful", js::truthy(js::get(&out.value, "successful"))}};
  if (auto* rm = js::get(&out.value, "returnMessage")) resp["returnMessage"] = *rm;
  return call.Served(http::HttpResponse::Json(200, resp));
}

// GET /hostname: the CRM host saved at login, as a bare string.
http::HttpResponse Hostname(App& app, const JwtState& jwt) {
  auto who = RequireCaller(jwt, "User not found");
  if (auto* resp = std::get_if<http::HttpResponse>(&who)) return std::move(*resp);
  auto loaded = app.store.GetUser(std::get<Caller>(who).user_id);
  if (!loaded.ok()) return http::HttpResponse::Error(500, "Database operation failed");
  if (!loaded.value()) return http::HttpResponse::Text(400, "User not found");
  return http::HttpResponse::Text(200, loaded.value()->hostname);
}

json::object License(std::string_view status) {
  return json::object{
      {"isLicenseValid", false}, {"licenseStatus", status}, {"licenseStatusDescription", ""}};
}

// GET /licenseStatus: the plugin's view of the user's CRM license; every failure is an
// "invalid" answer rather than an error.
http::HttpResponse LicenseStatus(App& app, http::HttpRequest& req, const JwtState& jwt) {
  if (jwt.route_token.empty())
    return http::HttpResponse::Json(200, License("Invalid (Invalid user session)"));
  auto who = RequireCaller(jwt, "Invalid JWT token");
  if (auto* resp = std::get_if<http::HttpResponse>(&who)) return std::move(*resp);
  const auto& caller = std::get<Caller>(who);
  auto opened = PluginCall::Open(app, req, caller.platform);
  if (auto* busy = PluginCall::BusyOf(opened)) return std::move(*busy);
  PluginCall* call = std::get_if<PluginCall>(&opened);
  auto loaded = PluginCall::UserOf(app, call, caller.user_id);
  if (loaded.ok() && !loaded.value())
    return http::HttpResponse::Json(200, License("Invalid (User not found)"));
  const json::object fallback = License("Invalid (Connect to get license status)");
  if (!loaded.ok() || !call || !call->Implements("getLicenseStatus"))
    return http::HttpResponse::Json(200, fallback);
  const store::UserRecord& user = *loaded.value();
  auto out = call->Invoke("getLicenseStatus", json::object{{"userId", user.id},
                                                           {"platform", caller.platform},
                                                           {"user", ConnectorUser(user, true)}});
  if (!out.ok() || !out.value.is_object()) return http::HttpResponse::Json(200, fallback);
  return call->Served(http::HttpResponse::Json(200, out.value));
}

}  // namespace

void RegisterAuthRoutes(http::Router& router, App& app) {
  router.Add("GET", "/authValidation", Route(app, AuthValidation));
  router.Add("GET", "/hostname", WithJwt(app, [&app](http::HttpRequest&, const JwtState& jwt) {
               return Hostname(app, jwt);
             }));
  router.Add("GET", "/licenseStatus", Route(app, LicenseStatus));
  router.Add("POST", "/apiKeyLogin", Route(app, ApiKeyLogin));
  router.Add("POST", "/unAuthorize", Route(app, UnAuthorize));
}

}  // namespace crmhost::contract
