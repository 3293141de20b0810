// Admin routes (docs/API-REFERENCE.md, Admin): per-RingCentral-account configuration that account
// admins manage (settings pushed to users, CRM-user <-> RingCentral-extension mappings, managed
// OAuth client credentials, server-side logging credentials). Admin rights are checked with
// RingCentral on every call (cached briefly, see identity/ringcentral.h).
//
// Records: Table::kAdmin under AdminConfigKey(account) = {userSettings, userMappings,
// customAdapter, createdAt, updatedAt}, sealed at rest. Unlike the reference, GET
// /admin/settings never returns RingCentral admin tokens (we do not keep any).
#include <spdlog/spdlog.h>

#include <algorithm>

#include <crmhost/sdk/js.hpp>
#include <crmhost/sdk/time.hpp>

#include "contract/app.h"
#include "contract/connector_json.h"
#include "contract/crm_oauth.h"
#include "contract/errors.h"
#include "contract/plugin_call.h"
#include "contract/session.h"

namespace crmhost::contract {
namespace json = boost::json;
namespace js = crmhost::sdk::js;

json::object LoadAdminConfig(App& app, const std::string& key, bool* found) {
  auto row = app.store.Get(store::Table::kAdmin, key);
  if (found) *found = row.ok() && row.value();
  if (row.ok() && row.value() && row.value()->is_object()) return row.value()->get_object();
  return json::object();
}

Result<json::object> LoadAdminConfigForUpdate(App& app, const std::string& key) {
  auto row = app.store.Get(store::Table::kAdmin, key);
  if (!row.ok()) return row.status();
  if (!row.value()) return json::object();
  if (!row.value()->is_object()) return Status::Corruption("admin configuration is not an object");
  return row.value()->get_object();
}

Status SaveAdminConfig(App& app, const std::string& key, json::object row) {
  const int64_t now = app.now_ms();
  row["id"] = key;
  if (!row.contains("createdAt")) row["createdAt"] = now;
  row["updatedAt"] = now;
  return app.store.Put(store::Table::kAdmin, key, row);
}

namespace {

// ---- /admin/settings ---------------------------------------------------------------------------

http::HttpResponse GetAdminSettings(App& app, http::HttpRequest& req, const JwtState& jwt) {
  auto caller = RequireCaller(jwt);
  if (auto* resp = std::get_if<http::HttpResponse>(&caller)) return std::move(*resp);
  auto admin = RequireAdmin(app, req, nullptr);
  if (auto* resp = std::get_if<http::HttpResponse>(&admin)) return std::move(*resp);
  bool found = false;
  json::object row = LoadAdminConfig(
      app, AdminConfigKey(app, std::get<identity::RcIdentity>(admin).account_id), &found);
  if (!found)
    return http::HttpResponse::Json(
        200, json::object{{"customConnector", nullptr}, {"userSettings", json::object()}});
  // The row as the reference's table gives it: every column (null when unset; the RingCentral
  // admin token columns are never kept, see docs/API.md), timestamps as ISO 8601 text.
  for (const char* column : {"userSettings", "customAdapter", "userMappings"})
    if (!row.contains(column)) row[column] = nullptr;
  for (const char* stamp : {"createdAt", "updatedAt"})
    if (const json::value* v = row.if_contains(stamp); v && v->is_number())
      row[stamp] = sdk::time::format_iso8601(int64_t(js::to_number(*v)));
  return http::HttpResponse::Json(200, row);
}

http::HttpResponse PostAdminSettings(App& app, http::HttpRequest& req) {
  auto parsed = ParseJsonBody(req);
  if (auto* bad = std::get_if<http::HttpResponse>(&parsed)) return std::move(*bad);
  const json::object& body = std::get<json::object>(parsed);
  auto admin = RequireAdmin(app, req, &body);
  if (auto* resp = std::get_if<http::HttpResponse>(&admin)) return std::move(*resp);
  const json::value* settings = js::get(body, "adminSettings");
  if (settings && !settings->is_object())
    return http::HttpResponse::Error(400, "adminSettings must be an object");
  const std::string key = AdminConfigKey(app, std::get<identity::RcIdentity>(admin).account_id);
  auto guard = app.admin_locks.Lock(key);
  auto across = app.store.LockAcross(store::Store::LockScope::kAdminConfig, key);
  if (!across.ok()) return http::HttpResponse::Error(400, "Database operation failed");
  auto loaded = LoadAdminConfigForUpdate(app, key);
  if (!loaded.ok()) return http::HttpResponse::Error(400, "Database operation failed");
  json::object row = std::move(loaded).value();
  if (settings)
    for (auto& [k, v] : settings->get_object())
      if (k != "id" && k != "createdAt" && k != "updatedAt") row[k] = v;
  if (Status st = SaveAdminConfig(app, key, std::move(row)); !st.ok())
    return http::HttpResponse::Error(400, "Database operation failed");
  return http::HttpResponse::Html(200, "Admin settings updated");
}

// ---- /admin/userMapping
// ---------------------------------------------------------------------------

std::string RcName(const json::object& ext) {
  if (auto* n = js::get(ext, "name"); js::truthy(n)) return js::to_string(*n);
  return js::text_or_empty(js::get(ext, "firstName")) + " " +
         js::text_or_empty(js::get(ext, "lastName"));
}

// What the client shows for a mapped extension: a missing number or email is "".
json::object RcUser(const json::object& ext) {
  json::object u{{"extensionId", ext.contains("id") ? ext.at("id") : json::value()},
                 {"name", RcName(ext)}};
  for (const char* k : {"extensionNumber", "email"}) {
    const json::value* v = ext.if_contains(k);
    u[k] = v && !v->is_null() ? *v : json::value("");  // the reference's `?? ''`
  }
  return u;
}

// The mapped extension ids of a stored mapping (legacy rows hold one id as a string).
std::vector<std::string> MappedIds(const json::object& mapping) {
  std::vector<std::string> ids;
  const json::value* v = js::get(mapping, "rcExtensionId");
  if (v && v->is_array()) {
    for (auto& id : v->get_array())
      ids.push_back(js::to_string(id));
  } else if (v && !v->is_null()) {
    ids.push_back(js::to_string(*v));
  }
  return ids;
}

// The mapped extensions the client listed, in its list's order; ids it did not list are left
// out (the reference filters the list by the mapping).
json::array MappedRcUsers(const json::object& mapping, const json::array& extensions) {
  json::array rc_users;
  const std::vector<std::string> ids = MappedIds(mapping);
  for (auto& e : extensions)
    if (e.is_object() && std::find(ids.begin(), ids.end(),
                                   js::text_or_empty(js::get(e.get_object(), "id"))) != ids.end())
      rc_users.push_back(RcUser(e.get_object()));
  return rc_users;
}

// Auto-match for a CRM user nobody mapped: the extension with the same email, else the same
// name, else "first last" equal to the name.
const json::object* AutoMatch(const json::object& crm, const json::array& extensions) {
  const std::string email = js::text_or_empty(js::get(crm, "email"));
  const std::string name = js::text_or_empty(js::get(crm, "name"));
  auto first = [&](auto matches) -> const json::object* {
    for (auto& e : extensions)
      if (e.is_object() && matches(e.get_object())) return &e.get_object();
    return nullptr;
  };
  const json::object* match = nullptr;
  if (!email.empty())
    match = first(
        [&](const json::object& e) { return js::text_or_empty(js::get(e, "email")) == email; });
  if (!match && !name.empty())
    match =
        first([&](const json::object& e) { return js::text_or_empty(js::get(e, "name")) == name; });
  if (!match && !name.empty())
    match = first([&](const json::object& e) {
      return js::text_or_empty(js::get(e, "firstName")) + " " +
                 js::text_or_empty(js::get(e, "lastName")) ==
             name;
    });
  return match;
}

// One CRM user's entry of the answer; an auto-match is added to `mappings`.
json::object MapCrmUser(const json::object& crm, const json::array& extensions,
                        json::array& mappings) {
  const std::string crm_id = js::text_or_empty(js::get(crm, "id"));
  auto or_empty = [&crm](const char* k) {
    const json::value* v = crm.if_contains(k);
    return v && !v->is_null() ? *v : json::value("");
  };
  json::object crm_user{{"id", crm.contains("id") ? crm.at("id") : json::value()},
                        {"name", or_empty("name")},
                        {"email", or_empty("email")}};
  const json::object* existing = nullptr;
  for (auto& m : mappings)
    if (m.is_object() && js::text_or_empty(js::get(m.get_object(), "crmUserId")) == crm_id)
      existing = &m.get_object();
  json::array rc_users;
  if (existing) {
    rc_users = MappedRcUsers(*existing, extensions);
  } else if (const json::object* match = AutoMatch(crm, extensions)) {
    rc_users.push_back(RcUser(*match));
    mappings.push_back(json::object{
        {"crmUserId", crm_id},
        {"rcExtensionId", json::array{json::value(js::text_or_empty(js::get(*match, "id")))}}});
  }
  return json::object{{"crmUser", std::move(crm_user)}, {"rcUser", std::move(rc_users)}};
}

http::HttpResponse UserMapping(App& app, http::HttpRequest& req, const JwtState& jwt,
                               bool reinitialize) {
  auto request = RequireCallerAndBody(jwt, req);
  if (auto* resp = std::get_if<http::HttpResponse>(&request)) return std::move(*resp);
  const auto& [caller, body] = std::get<CallerAndBody>(request);
  // As the reference: the user first (400 text), then the admin check.
  auto known = app.store.GetUser(caller.user_id);
  if (!known.ok()) return Failure(DatabaseErrorMessage());
  if (!known.value()) return http::HttpResponse::Text(400, "User not found");
  auto admin = RequireAdmin(app, req, &body);
  if (auto* resp = std::get_if<http::HttpResponse>(&admin)) return std::move(*resp);
  auto opened = PluginCall::Open(app, req, caller.platform);
  if (auto* refused = std::get_if<PluginCall::Refused>(&opened))
    return std::move(refused->response);
  auto& call = std::get<PluginCall>(opened);
  if (!call.Implements("getUserList")) return http::HttpResponse::Json(200, json::array());

  auto connected = call.Connect(caller.user_id, false);
  if (auto* fail = std::get_if<ConnectFailure>(&connected)) {
    if (fail->kind == ConnectFailure::Kind::kRevoked) return SessionRevoked(true);
    return ConnectFailureResponse(*fail, "getUserList", caller.platform,
                                  ReturnMessage("User not found", "warning", 5000));
  }
  Connected& c = *std::get<Connected*>(connected);
  auto out = call.Invoke(
      "getUserList",
      json::object{{"user", c.user_json}, {"authHeader", c.auth_header}, {"proxyConfig", nullptr}});
  // The reference's getUserList throws on a CRM failure and the route answers the error's text:
  // axios's "Request failed with status code N" when the CRM answered.
  if (!out.ok())
    return http::HttpResponse::Error(
        400, out.kind == plugins::OpOutcome::Kind::kUpstream && out.status_code > 0
                 ? "Request failed with status code " + std::to_string(out.status_code)
                 : (out.message.empty() ? "getUserList failed" : out.message));
  if (!out.value.is_array()) return http::HttpResponse::Error(400, "getUserList returned no list");

  json::array extensions;
  if (auto* l = js::get(body, "rcExtensionList"); l && l->is_array()) extensions = l->get_array();

  const std::string key = AdminConfigKey(app, std::get<identity::RcIdentity>(admin).account_id);
  auto guard = app.admin_locks.Lock(key);
  auto across = app.store.LockAcross(store::Store::LockScope::kAdminConfig, key);
  if (!across.ok()) return Failure(DatabaseErrorMessage());
  auto loaded = LoadAdminConfigForUpdate(app, key);
  if (!loaded.ok()) return Failure(DatabaseErrorMessage());
  json::object row = std::move(loaded).value();
  json::array mappings;
  if (!reinitialize)
    if (auto* m = row.if_contains("userMappings"); m && m->is_array()) mappings = m->get_array();

  json::array result;
  for (auto& crm_v : out.value.get_array())
    if (crm_v.is_object()) result.push_back(MapCrmUser(crm_v.get_object(), extensions, mappings));
  row["userMappings"] = std::move(mappings);
  if (!SaveAdminConfig(app, key, std::move(row)).ok()) return Failure(DatabaseErrorMessage());
  return call.Served(http::HttpResponse::Json(200, result));
}

// ---- /admin/serverLoggingSettings
// -----------------------------------------------------------------

http::HttpResponse GetServerLogging(App& app, http::HttpRequest& req, const JwtState& jwt) {
  auto who = RequireCaller(jwt);
  if (auto* resp = std::get_if<http::HttpResponse>(&who)) return std::move(*resp);
  const auto& caller = std::get<Caller>(who);
  auto opened = PluginCall::Open(app, req, caller.platform);
  if (auto* busy = PluginCall::BusyOf(opened)) return std::move(*busy);
  PluginCall* call = std::get_if<PluginCall>(&opened);
  auto loaded = PluginCall::UserOf(app, call, caller.user_id);  // checked even without a plugin
  if (!loaded.ok()) return http::HttpResponse::Error(400, "Database operation failed");
  if (!loaded.value()) return http::HttpResponse::Text(400, "User not found");
  if (!call || !call->Implements("getServerLoggingSettings"))
    return http::HttpResponse::Json(200, json::object());
  auto out = call->Invoke("getServerLoggingSettings",
                          json::object{{"user", ConnectorUser(*loaded.value(), true)}});
  if (!out.ok()) return http::HttpResponse::Error(400, out.message);
  return http::HttpResponse::Json(200, out.value.is_object() ? out.value : json::object());
}

http::HttpResponse PostServerLogging(App& app, http::HttpRequest& req, const JwtState& jwt) {
  auto request = RequireCallerAndBody(jwt, req);
  if (auto* resp = std::get_if<http::HttpResponse>(&request)) return std::move(*resp);
  const auto& [caller, body] = std::get<CallerAndBody>(request);
  const json::value* values = js::get(body, "additionalFieldValues");
  if (!values) return http::HttpResponse::Text(400, "Missing additionalFieldValues");
  const json::object failed{
      {"successful", false},
      {"returnMessage", json::object{{"messageType", "warning"},
                                     {"message", "Server logging settings update failed"},
                                     {"ttl", 5000}}}};
  auto opened = PluginCall::Open(app, req, caller.platform);
  if (auto* busy = PluginCall::BusyOf(opened)) return std::move(*busy);
  PluginCall* call = std::get_if<PluginCall>(&opened);
  auto loaded = PluginCall::UserOf(app, call, caller.user_id);  // checked even without a plugin
  if (!loaded.ok() || !loaded.value()) return http::HttpResponse::Json(400, failed);
  const store::UserRecord user = std::move(*loaded.value());
  if (!call || !call->Implements("updateServerLoggingSettings"))
    return http::HttpResponse::Json(200, json::object());
  json::value oauth_app;
  if (call->Implements("getOauthInfo")) {
    auto resolved =
        ResolveOAuthApp(app, call->plugin(), caller.platform, user.rc_account_id,
                        json::object{{"hostname", user.hostname}}, req.request_id, SecretsOf(user));
    if (auto* r = std::get_if<ResolvedOAuthApp>(&resolved)) oauth_app = r->app.ToJson();
  }
  auto out =
      call->Invoke("updateServerLoggingSettings", json::object{{"user", ConnectorUser(user, true)},
                                                               {"additionalFieldValues", *values},
                                                               {"oauthApp", oauth_app}});
  if (!out.ok() || out.user_update_failed) return http::HttpResponse::Json(400, failed);
  json::object resp{{"successful", js::truthy(js::get(&out.value, "successful"))}};
  if (auto* m = js::get(&out.value, "returnMessage")) resp["returnMessage"] = *m;
  return call->Served(http::HttpResponse::Json(200, resp));
}

// ---- /admin/managedOAuth
// ---------------------------------------------------------------------------

http::HttpResponse CacheManagedOAuth(App& app, http::HttpRequest& req) {
  auto parsed = ParseJsonBody(req);
  if (auto* bad = std::get_if<http::HttpResponse>(&parsed)) return std::move(*bad);
  const json::object& body = std::get<json::object>(parsed);
  auto admin = RequireAdmin(app, req, &body);
  if (auto* resp = std::get_if<http::HttpResponse>(&admin)) return std::move(*resp);
  const json::value* values = js::get(body, "values");
  if (!values || !values->is_object()) return http::HttpResponse::Error(400, "Missing values");
  json::object fields;
  for (const char* k : {"clientId", "clientSecret", "accessTokenUri", "authorizationUri",
                        "redirectUri", "scopes", "hostname"})
    if (auto* v = values->get_object().if_contains(k)) fields[k] = *v;
  json::object record{{"fields", std::move(fields)},
                      {"expiry", app.now_ms() + kPendingManagedOAuthMs}};
  const std::string& account = std::get<identity::RcIdentity>(admin).account_id;
  if (!app.store.Put(store::Table::kCache, PendingManagedOAuthKey(account), record).ok())
    return Failure(DatabaseErrorMessage());
  return http::HttpResponse::Json(200, json::object{{"successful", true}});
}

http::HttpResponse DeleteManagedOAuth(App& app, http::HttpRequest& req, bool account_record) {
  std::string platform;
  if (account_record) {
    auto p = req.Query("platform");
    if (!p || p->empty()) return http::HttpResponse::Text(400, "Missing platform name");
    platform = std::string(*p);
  }
  auto admin = RequireAdmin(app, req, nullptr);
  if (auto* resp = std::get_if<http::HttpResponse>(&admin)) return std::move(*resp);
  const std::string& account = std::get<identity::RcIdentity>(admin).account_id;
  Status st = app.store.Delete(store::Table::kCache, PendingManagedOAuthKey(account));
  if (st.ok() && account_record)
    st = app.store.DeleteAccountData(account, platform, kManagedOAuthKey);
  if (!st.ok()) return Failure(DatabaseErrorMessage());
  return http::HttpResponse::Json(200, json::object{{"successful", true}});
}

}  // namespace

void RegisterAdminRoutes(http::Router& router, App& app) {
  router.Add("GET", "/admin/settings", Route(app, GetAdminSettings));
  router.Add("POST", "/admin/settings", Route(app, PostAdminSettings));
  router.Add("POST", "/admin/userMapping",
             WithJwt(app, [&app](http::HttpRequest& req, const JwtState& jwt) {
               return UserMapping(app, req, jwt, false);
             }));
  router.Add("POST", "/admin/reinitializeUserMapping",
             WithJwt(app, [&app](http::HttpRequest& req, const JwtState& jwt) {
               return UserMapping(app, req, jwt, true);
             }));
  router.Add("GET", "/admin/serverLoggingSettings", Route(app, GetServerLogging));
  router.Add("POST", "/admin/serverLoggingSettings", Route(app, PostServerLogging));
  router.Add("POST", "/admin/managedOAuth/cache", Route(app, CacheManagedOAuth));
  router.Add("DELETE", "/admin/managedOAuth/cache",
             WithJwt(app, [&app](http::HttpRequest& req, const JwtState&) {
               return DeleteManagedOAuth(app, req, false);
             }));
  router.Add("DELETE", "/admin/managedOAuth/account",
             WithJwt(app, [&app](http::HttpRequest& req, const JwtState&) {
               return DeleteManagedOAuth(app, req, true);
             }));
}

}  // namespace crmhost::contract
