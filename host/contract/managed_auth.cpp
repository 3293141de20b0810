// Managed credential routes: GET/POST /admin/managedAuth, POST /admin/managedAuth/options,
// GET /apiKeyManagedAuthState, GET /oauthManagedAuthState; and the login-time rules
// apiKeyLogin applies (see managed_auth.h).
#include "contract/managed_auth.h"

#include <spdlog/spdlog.h>

#include <crmhost/sdk/js.hpp>

#include "contract/crm_oauth.h"
#include "contract/errors.h"
#include "contract/plugin_call.h"
#include "contract/session.h"

namespace crmhost::contract {
namespace json = boost::json;
namespace js = crmhost::sdk::js;

namespace {

constexpr std::string_view kOrgKey = "managed-auth-org";
std::string UserKey(std::string_view ext) {
  return "managed-auth-user:" + std::string(ext);
}
std::string FailureKey(std::string_view ext) {
  return "managed-auth-login-failure:" + std::string(ext);
}

bool Filled(const json::value* v) {
  if (!v || v->is_null()) return false;
  if (auto* s = v->if_string()) return !s->empty();
  return true;
}

json::object FieldsOf(App& app, const std::string& account, const std::string& platform,
                      const std::string& key) {
  auto rec = app.store.GetAccountData(account, platform, key);
  if (!rec.ok() || !rec.value()) return {};
  const json::value* f = js::get(&*rec.value(), "fields");
  return f && f->is_object() ? f->get_object() : json::object();
}

const json::value* StoredFor(const LoginField& f, const json::object& org,
                             const json::object& user) {
  const json::object& src = f.scope == "user" ? user : org;
  const json::value* v = src.if_contains(f.id);
  return Filled(v) ? v : nullptr;
}

json::array Ids(const std::vector<std::string>& v) {
  json::array a;
  for (auto& s : v)
    a.push_back(json::value(s));
  return a;
}

std::string PlatformParam(const http::HttpRequest& req) {
  auto p = req.Query("platform");
  return p ? std::string(*p) : std::string();
}

// ---- GET /apiKeyManagedAuthState
// -----------------------------------------------------------------

http::HttpResponse ApiKeyState(App& app, http::HttpRequest& req) {
  const std::string platform = PlatformParam(req);
  if (platform.empty()) return http::HttpResponse::Text(400, "Missing platform name");
  auto who = RequireRcIdentity(app, req, nullptr, "Missing RingCentral access token");
  if (auto* resp = std::get_if<http::HttpResponse>(&who)) return std::move(*resp);
  const auto& rc = std::get<identity::RcIdentity>(who);
  auto opened = PluginCall::Open(app, req, platform);
  if (auto* refused = std::get_if<PluginCall::Refused>(&opened))
    return std::move(refused->response);
  auto& call = std::get<PluginCall>(opened);
  const auto fields = LoginFields(app, call.plugin(), platform, ConnectorRefOf(req), rc.account_id);
  std::vector<std::string> required;
  for (auto& f : fields)
    if (f.required) required.push_back(f.id);
  json::object out;
  if (!HasManagedFields(fields)) {
    out = {{"hasManagedAuth", false},
           {"allRequiredFieldsSatisfied", required.empty()},
           {"visibleFieldConsts", nullptr},
           {"missingRequiredFieldConsts", Ids(required)},
           {"fallbackToManualAuth", false}};
    return http::HttpResponse::Json(200, out);
  }
  auto failure = app.store.GetAccountData(rc.account_id, platform, FailureKey(rc.extension_id));
  if (failure.ok() && failure.value()) {
    out = {{"hasManagedAuth", true},
           {"allRequiredFieldsSatisfied", false},
           {"visibleFieldConsts", nullptr},
           {"missingRequiredFieldConsts", Ids(required)},
           {"fallbackToManualAuth", true}};
    return http::HttpResponse::Json(200, out);
  }
  const json::object org = OrgValues(app, rc.account_id, platform);
  const json::object user = UserValues(app, rc.account_id, platform, rc.extension_id);
  std::vector<std::string> visible, missing;
  bool all = true;
  for (auto& f : fields) {
    if (!f.required) continue;
    const bool stored = f.managed && StoredFor(f, org, user);
    if (!f.managed || !stored) visible.push_back(f.id);
    if (!stored) missing.push_back(f.id);
    all = all && f.managed && stored;
  }
  out = {{"hasManagedAuth", true},
         {"allRequiredFieldsSatisfied", all},
         {"visibleFieldConsts", Ids(visible)},
         {"missingRequiredFieldConsts", Ids(missing)},
         {"fallbackToManualAuth", false}};
  return http::HttpResponse::Json(200, out);
}

// ---- GET /oauthManagedAuthState
// -------------------------------------------------------------------

http::HttpResponse OAuthState(App& app, http::HttpRequest& req) {
  const std::string platform = PlatformParam(req);
  if (platform.empty()) return http::HttpResponse::Text(400, "Missing platform name");
  auto who = RequireRcIdentity(app, req, nullptr, "Missing RingCentral access token");
  if (auto* resp = std::get_if<http::HttpResponse>(&who)) return std::move(*resp);
  const auto& rc = std::get<identity::RcIdentity>(who);
  auto account = app.store.GetAccountData(rc.account_id, platform, kManagedOAuthKey);
  auto pending = app.store.Get(store::Table::kCache, PendingManagedOAuthKey(rc.account_id));
  const json::value* account_fields =
      account.ok() && account.value() ? js::get(&*account.value(), "fields") : nullptr;
  const json::value* pending_fields = nullptr;
  if (pending.ok() && pending.value()) {
    const json::value* expiry = js::get(&*pending.value(), "expiry");
    if (expiry && js::to_number(*expiry) > double(app.now_ms()))
      pending_fields = js::get(&*pending.value(), "fields");
  }
  // A pending app is the admin's business: others are told there is none (as the reference).
  json::object out{{"isAdmin", rc.admin},
                   {"hasAccountOAuth", account_fields != nullptr},
                   {"hasPendingOAuth", pending_fields != nullptr && rc.admin}};
  if (account_fields && account_fields->is_object()) {
    json::object values = account_fields->get_object();
    values.erase("clientSecret");  // never shown once it is the account's
    out["oauthValues"] = std::move(values);
  } else if (pending_fields && rc.admin) {
    out["pendingValues"] = *pending_fields;  // the admin who posted them may review them
  }
  return http::HttpResponse::Json(200, out);
}

// ---- /admin/managedAuth
// ------------------------------------------------------------------------------

json::object Shown(const json::object& values, const std::vector<LoginField>& fields,
                   std::string_view scope) {
  json::object out;
  for (auto& f : fields) {
    if (!f.managed || f.scope != scope) continue;
    const json::value* v = values.if_contains(f.id);
    out[f.id] = json::object{{"hasValue", Filled(v)}, {"value", Filled(v) ? *v : json::value()}};
  }
  return out;
}

json::array Definitions(const std::vector<LoginField>& fields, std::string_view scope) {
  json::array out;
  for (auto& f : fields)
    if (f.managed && (scope.empty() || f.scope == scope)) out.push_back(f.definition);
  return out;
}

http::HttpResponse GetManagedAuth(App& app, http::HttpRequest& req, const JwtState& jwt) {
  auto who = RequireCaller(jwt);
  if (auto* resp = std::get_if<http::HttpResponse>(&who)) return std::move(*resp);
  const auto& caller = std::get<Caller>(who);
  auto admin = RequireAdmin(app, req, nullptr);
  if (auto* resp = std::get_if<http::HttpResponse>(&admin)) return std::move(*resp);
  const auto& rc = std::get<identity::RcIdentity>(admin);
  auto opened = PluginCall::Open(app, req, caller.platform);
  if (auto* refused = std::get_if<PluginCall::Refused>(&opened))
    return std::move(refused->response);
  auto& call = std::get<PluginCall>(opened);
  const auto fields =
      LoginFields(app, call.plugin(), caller.platform, ConnectorRefOf(req), rc.account_id);
  json::array user_values;
  auto rows =
      app.store.Scan(store::Table::kAccountData, store::KeyOf({rc.account_id, caller.platform}));
  if (rows.ok())
    for (auto& [key, wrapped] : rows.value()) {
      if (key.find("managed-auth-user:") == std::string::npos) continue;
      const json::value* rec = js::get(&wrapped, "data");
      if (!rec || !rec->is_object()) continue;
      const json::value* f = js::get(rec, "fields");
      user_values.push_back(json::object{
          {"rcExtensionId",
           js::get(rec, "rcExtensionId") ? *js::get(rec, "rcExtensionId") : json::value()},
          {"rcUserName", js::get(rec, "rcUserName") ? *js::get(rec, "rcUserName") : json::value()},
          {"fields",
           Shown(f && f->is_object() ? f->get_object() : json::object(), fields, "user")}});
    }
  json::object out{
      {"hasManagedAuth", HasManagedFields(fields)},
      {"fields", Definitions(fields, "")},
      {"orgFields", Definitions(fields, "account")},
      {"userFields", Definitions(fields, "user")},
      {"orgValues", Shown(OrgValues(app, rc.account_id, caller.platform), fields, "account")},
      {"userValues", std::move(user_values)}};
  return http::HttpResponse::Json(200, out);
}

http::HttpResponse PostManagedAuth(App& app, http::HttpRequest& req, const JwtState& jwt) {
  auto request = RequireCallerAndBody(jwt, req);
  if (auto* resp = std::get_if<http::HttpResponse>(&request)) return std::move(*resp);
  const auto& [caller, body] = std::get<CallerAndBody>(request);
  auto admin = RequireAdmin(app, req, &body);
  if (auto* resp = std::get_if<http::HttpResponse>(&admin)) return std::move(*resp);
  const auto& rc = std::get<identity::RcIdentity>(admin);
  const std::string scope = js::get(body, "scope") ? js::to_string(*js::get(body, "scope")) : "";
  if (scope != "org" && scope != "user")
    return http::HttpResponse::Error(400, "scope must be org or user");
  const std::string ext =
      js::get(body, "rcExtensionId") ? js::to_string(*js::get(body, "rcExtensionId")) : "";
  if (scope == "user" && ext.empty())
    return http::HttpResponse::Error(400, "rcExtensionId is required for user scope");
  auto opened = PluginCall::Open(app, req, caller.platform);
  if (auto* refused = std::get_if<PluginCall::Refused>(&opened))
    return std::move(refused->response);
  const std::string key = scope == "org" ? std::string(kOrgKey) : UserKey(ext);
  auto existing = app.store.GetAccountData(rc.account_id, caller.platform, key);
  json::object record = existing.ok() && existing.value() && existing.value()->is_object()
                            ? existing.value()->get_object()
                            : json::object();
  json::object stored = record.contains("fields") && record["fields"].is_object()
                            ? record["fields"].get_object()
                            : json::object();
  // Every filled value is kept, as the reference does: the fields may be defined by a Developer
  // Portal connector this request does not name, and only managed fields are ever applied.
  if (auto* values = js::get(body, "values"); values && values->is_object())
    for (auto& [k, v] : values->get_object())
      if (Filled(&v)) stored[k] = v;  // empty values are ignored, not cleared
  if (auto* remove = js::get(body, "fieldsToRemove"); remove && remove->is_array())
    for (auto& k : remove->get_array())
      if (k.is_string()) stored.erase(k.get_string());
  record["fields"] = std::move(stored);
  if (scope == "user") {
    record["rcExtensionId"] = ext;
    if (auto* n = js::get(body, "rcUserName")) record["rcUserName"] = *n;
  }
  if (!app.store.PutAccountData(rc.account_id, caller.platform, key, record, app.now_ms()).ok())
    return Failure(DatabaseErrorMessage());
  return http::HttpResponse::Html(200, "Shared authentication updated");
}

http::HttpResponse ManagedAuthOptions(App& app, http::HttpRequest& req) {
  const std::string platform = PlatformParam(req);
  if (platform.empty()) return http::HttpResponse::Text(400, "Missing platform name");
  auto parsed = ParseJsonBody(req);
  if (auto* bad = std::get_if<http::HttpResponse>(&parsed)) return std::move(*bad);
  const json::object& body = std::get<json::object>(parsed);
  auto admin = RequireAdmin(app, req, &body);
  if (auto* resp = std::get_if<http::HttpResponse>(&admin)) return std::move(*resp);
  const auto& rc = std::get<identity::RcIdentity>(admin);
  auto opened = PluginCall::Open(app, req, platform);
  if (auto* refused = std::get_if<PluginCall::Refused>(&opened))
    return std::move(refused->response);
  auto& call = std::get<PluginCall>(opened);
  const auto fields = LoginFields(app, call.plugin(), platform, ConnectorRefOf(req), rc.account_id);
  const std::string field =
      js::get(body, "fieldConst") ? js::to_string(*js::get(body, "fieldConst")) : "";
  const bool dynamic = std::any_of(fields.begin(), fields.end(), [&](const LoginField& f) {
    return f.id == field && f.managed && f.scope == "user" && f.field_type == "dynamic";
  });
  if (!dynamic) return http::HttpResponse::Text(400, "Missing managed auth field");
  if (!call.plugin().Implements("getManagedAuthOptions"))
    return http::HttpResponse::Json(200, json::array());
  // Stored account values, overlaid with what the admin is typing (never saved by this call).
  json::object account_values = OrgValues(app, rc.account_id, platform);
  if (auto* given = js::get(body, "accountValues"); given && given->is_object())
    for (auto& [k, v] : given->get_object())
      account_values[k] = v;
  std::vector<std::string> secrets;
  for (auto& [k, v] : account_values)
    if (v.is_string()) secrets.emplace_back(v.get_string());
  auto out =
      call.Invoke("getManagedAuthOptions",
                  json::object{{"fieldConst", field}, {"accountValues", account_values}}, secrets);
  if (!out.ok()) return http::HttpResponse::Error(400, out.message);
  json::array options;
  if (auto* a = out.value.if_array())
    for (auto& o : *a)
      if (o.is_object())
        options.push_back(
            json::object{{"value", js::get(o.get_object(), "value")
                                       ? js::to_string(*js::get(o.get_object(), "value"))
                                       : ""},
                         {"label", js::get(o.get_object(), "label")
                                       ? js::to_string(*js::get(o.get_object(), "label"))
                                       : ""}});
  return http::HttpResponse::Json(200, options);
}

}  // namespace

namespace {

std::vector<LoginField> FieldsIn(const json::value* content) {
  std::vector<LoginField> out;
  if (!content || !content->is_array()) return out;
  for (auto& c : content->get_array()) {
    if (!c.is_object() || !js::get(c.get_object(), "const")) continue;
    const json::object& o = c.get_object();
    LoginField f;
    f.id = js::to_string(o.at("const"));
    f.required = js::truthy(js::get(o, "required"));
    f.managed = js::truthy(js::get(o, "managed"));
    f.scope = js::get(o, "managedScope") ? js::to_string(*js::get(o, "managedScope")) : "account";
    f.field_type =
        js::get(o, "managedFieldType") ? js::to_string(*js::get(o, "managedFieldType")) : "input";
    f.definition = o;
    out.push_back(std::move(f));
  }
  return out;
}

const json::value* ApiKeyContent(const json::value* platform_entry) {
  return js::get(js::get(js::get(js::get(platform_entry, "auth"), "apiKey"), "page"), "content");
}

}  // namespace

std::vector<LoginField> LoginFields(App& app, const plugins::PluginVersion& plugin,
                                    const std::string& platform, const ConnectorRef& connector,
                                    const std::string& rc_account_id) {
  if (app.portal && !connector.connector_id.empty()) {
    auto manifest = app.portal->Manifest(connector, rc_account_id);
    if (manifest) {
      const json::value* content =
          ApiKeyContent(js::get(js::get(&*manifest, "platforms"), platform));
      if (content && content->is_array()) return FieldsIn(content);
    }
  }
  return FieldsIn(ApiKeyContent(&plugin.info().manifest));
}

ConnectorRef ConnectorRefOf(const http::HttpRequest& req) {
  ConnectorRef r;
  if (auto v = req.Query("connectorId")) r.connector_id = std::string(*v);
  if (auto v = req.Query("devRcAccountId")) r.dev_account_id = std::string(*v);
  r.is_private = req.Query("isPrivate") == std::optional<std::string_view>("true");
  return r;
}

ConnectorRef ConnectorRefOf(const json::object& body) {
  ConnectorRef r;
  auto text = [&](const char* name) {
    const json::value* v = js::get(body, name);
    return v && (v->is_string() || v->is_number()) ? js::to_string(*v) : std::string();
  };
  r.connector_id = text("connectorId");
  r.dev_account_id = text("devRcAccountId");
  r.is_private = js::truthy(js::get(body, "isPrivate"));
  return r;
}

bool HasManagedFields(const std::vector<LoginField>& fields) {
  return std::any_of(fields.begin(), fields.end(), [](const LoginField& f) { return f.managed; });
}

json::object OrgValues(App& app, const std::string& account, const std::string& platform) {
  return FieldsOf(app, account, platform, std::string(kOrgKey));
}

json::object UserValues(App& app, const std::string& account, const std::string& platform,
                        const std::string& extension) {
  return FieldsOf(app, account, platform, UserKey(extension));
}

ManagedLogin ApplyManagedValues(App& app, const std::vector<LoginField>& fields,
                                const std::string& platform, const identity::RcIdentity& rc,
                                json::object& additional) {
  ManagedLogin r;
  r.has_managed = HasManagedFields(fields);
  if (!r.has_managed || rc.account_id.empty()) return r;
  auto failure = app.store.GetAccountData(rc.account_id, platform, FailureKey(rc.extension_id));
  const bool failed_before = failure.ok() && failure.value();
  const json::object org = OrgValues(app, rc.account_id, platform);
  const json::object user = UserValues(app, rc.account_id, platform, rc.extension_id);
  for (auto& f : fields) {
    if (!f.managed) continue;
    const json::value* stored = StoredFor(f, org, user);
    // After a failed managed login, what the user typed wins (manual fallback).
    if (stored && !(failed_before && Filled(additional.if_contains(f.id))))
      additional[f.id] = *stored;
  }
  for (auto& f : fields)
    if (f.required && !Filled(additional.if_contains(f.id))) r.missing_required.push_back(f.id);
  return r;
}

void RecordManagedLogin(App& app, const std::vector<LoginField>& fields,
                        const std::string& platform, const identity::RcIdentity& rc,
                        const json::object& submitted, bool succeeded, bool is_admin) {
  if (!HasManagedFields(fields) || rc.account_id.empty()) return;
  if (!succeeded) {
    (void)app.store.PutAccountData(rc.account_id, platform, FailureKey(rc.extension_id),
                                   json::object{{"failedAt", app.now_ms()}}, app.now_ms());
    return;
  }
  (void)app.store.DeleteAccountData(rc.account_id, platform, FailureKey(rc.extension_id));
  if (!is_admin) return;
  json::object org = OrgValues(app, rc.account_id, platform);
  json::object user = UserValues(app, rc.account_id, platform, rc.extension_id);
  bool org_changed = false, user_changed = false;
  for (auto& f : fields) {
    const json::value* v = submitted.if_contains(f.id);
    if (!f.managed || !Filled(v)) continue;
    json::object& target = f.scope == "user" ? user : org;
    target[f.id] = *v;
    (f.scope == "user" ? user_changed : org_changed) = true;
  }
  if (org_changed)
    (void)app.store.PutAccountData(rc.account_id, platform, std::string(kOrgKey),
                                   json::object{{"fields", org}}, app.now_ms());
  if (user_changed)
    (void)app.store.PutAccountData(
        rc.account_id, platform, UserKey(rc.extension_id),
        json::object{{"rcExtensionId", rc.extension_id}, {"fields", user}}, app.now_ms());
}

void RegisterManagedAuthRoutes(http::Router& router, App& app) {
  router.Add("GET", "/apiKeyManagedAuthState", Route(app, ApiKeyState));
  router.Add("GET", "/oauthManagedAuthState", Route(app, OAuthState));
  router.Add("GET", "/admin/managedAuth", Route(app, GetManagedAuth));
  router.Add("POST", "/admin/managedAuth", Route(app, PostManagedAuth));
  router.Add("POST", "/admin/managedAuth/options", Route(app, ManagedAuthOptions));
}

}  // namespace crmhost::contract
