// User-settings routes (contract §3.6): settings an admin manages for a RingCentral account
// merged with each user's own, and the user's CRM profile refresh.
#include <spdlog/spdlog.h>

#include <crmhost/sdk/js.hpp>

#include "contract/app.h"
#include "contract/errors.h"
#include "contract/plugin_call.h"
#include "contract/session.h"

namespace crmhost::contract {
namespace json = boost::json;
namespace js = crmhost::sdk::js;

namespace {

const json::object* ObjectAt(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v ? v->if_object() : nullptr;
}

bool Customizable(const json::object& entry, bool fallback) {
  if (auto* c = entry.if_contains("customizable"); c && !c->is_null()) return js::Truthy(c);
  if (auto* c = entry.if_contains("isCustomizable"); c && !c->is_null()) return js::Truthy(c);
  return fallback;
}

bool HasValue(const json::object* entry) {
  return entry && entry->contains("value");
}

// A plugin_<id> key: the admin's and the user's config fields, field by field.
std::optional<json::value> MergePlugin(const json::object* admin, const json::object* user) {
  const json::object* admin_cfg = admin ? ObjectAt(*admin, "value") : nullptr;
  admin_cfg = admin_cfg ? ObjectAt(*admin_cfg, "config") : nullptr;
  const json::object* user_cfg = user ? ObjectAt(*user, "value") : nullptr;
  user_cfg = user_cfg ? ObjectAt(*user_cfg, "config") : nullptr;
  if (!admin_cfg && !user_cfg) return std::nullopt;
  if (!user_cfg || user_cfg->empty()) return admin ? json::value(*admin) : json::value(*user);
  json::object config;
  if (admin_cfg)
    for (auto& [field, a] : *admin_cfg) {
      const json::object* af = a.if_object();
      const json::object* uf = ObjectAt(*user_cfg, field);
      if (af && (!Customizable(*af, true) || !HasValue(uf))) {
        config[field] = a;
      } else if (uf) {
        json::object kept = *uf;
        kept["customizable"] = af ? Customizable(*af, true) : true;
        config[field] = std::move(kept);
      }
    }
  for (auto& [field, u] : *user_cfg)
    if (!config.contains(field)) config[field] = u;
  json::object out = *user;
  json::object value = ObjectAt(out, "value") ? out["value"].get_object() : json::object();
  value["config"] = std::move(config);
  out["value"] = std::move(value);
  return json::value(std::move(out));
}

// What a user sees: the admin's entries where the admin fixed them, the user's own elsewhere.
json::object EffectiveSettings(const json::object* admin, const json::object& user) {
  if (!admin) return user;
  json::object out;
  auto one = [&](std::string_view key) {
    if (out.contains(key)) return;
    const json::object* a = ObjectAt(*admin, key);
    const json::object* u = ObjectAt(user, key);
    if (a && js::Truthy(js::Get(*a, "isRemoved"))) return;
    if (key.rfind("plugin_", 0) == 0) {
      if (auto merged = MergePlugin(a, u)) out[key] = std::move(*merged);
      return;
    }
    if ((!a || Customizable(*a, false)) && HasValue(u)) {
      json::object e{{"customizable", true}, {"value", u->at("value")}};
      if (auto* d = u->if_contains("defaultValue")) e["defaultValue"] = *d;
      if (auto* o = u->if_contains("options")) e["options"] = *o;
      out[key] = std::move(e);
    } else if (a) {
      out[key] = *a;
    }
  };
  for (auto& [k, v] : *admin)
    one(k);
  for (auto& [k, v] : user)
    one(k);
  return out;
}

// The admin's userSettings for a hashed account id (null when there are none).
std::optional<json::object> AdminSettings(App& app, const std::string& hashed_account) {
  if (hashed_account.empty()) return std::nullopt;
  auto row = app.store.Get(store::Table::kAdmin, hashed_account);
  if (!row.ok() || !row.value()) return std::nullopt;
  const json::value* s = js::Get(&*row.value(), "userSettings");
  return s && s->is_object() ? std::optional<json::object>(s->get_object()) : json::object();
}

// The hashed account id an admin configuration is stored under: from the RingCentral token
// when one is sent, else the `rcAccountId` query (already hashed by the client).
std::optional<std::string> HashedAccountOf(App& app, const http::HttpRequest& req) {
  if (!RcAccessTokenOf(req, nullptr).empty()) {
    auto who = RequireRcIdentity(app, req, nullptr);
    if (auto* id = std::get_if<identity::RcIdentity>(&who))
      return AdminConfigKey(app, id->account_id);
    return std::nullopt;
  }
  if (auto q = req.Query("rcAccountId"); q && !q->empty()) return std::string(*q);
  return std::nullopt;
}

http::HttpResponse PreloadSettings(App& app, http::HttpRequest& req) {
  if (RcAccessTokenOf(req, nullptr).empty() && !req.Query("rcAccountId"))
    return http::HttpResponse::Text(400, "Cannot find rc user login");
  // The client's (already hashed) rcAccountId wins over asking RingCentral, as in the reference.
  std::string hashed;
  if (auto q = req.Query("rcAccountId"); q && !q->empty()) {
    hashed = std::string(*q);
  } else {
    auto who = RequireRcIdentity(app, req, nullptr);
    if (auto* resp = std::get_if<http::HttpResponse>(&who)) return std::move(*resp);
    hashed = AdminConfigKey(app, std::get<identity::RcIdentity>(who).account_id);
  }
  // The admin row's userSettings as stored: the key is left out when the account has no admin
  // configuration, null when the configuration has no user settings.
  json::object out;
  auto row = app.store.Get(store::Table::kAdmin, hashed);
  if (!row.ok()) return http::HttpResponse::Error(400, "Database operation failed");
  if (row.value() && row.value()->is_object()) {
    const json::value* s = js::Get(&*row.value(), "userSettings");
    out["userSettings"] = s ? *s : json::value(nullptr);
  }
  return http::HttpResponse::Json(200, out);
}

http::HttpResponse GetSettings(App& app, http::HttpRequest& req, const JwtState& jwt) {
  auto who = RequireCaller(jwt, "User not found");
  if (auto* resp = std::get_if<http::HttpResponse>(&who)) return std::move(*resp);
  auto loaded = app.store.GetUser(std::get<Caller>(who).user_id);
  if (!loaded.ok()) return http::HttpResponse::Error(400, "Database operation failed");
  if (!loaded.value()) return http::HttpResponse::Text(400, "User not found");
  const store::UserRecord& user = *loaded.value();
  // Reading the admin's settings never fails the request (the reference swallows errors); a
  // user whose RingCentral account is known gets them even without a RingCentral token.
  std::optional<std::string> hashed = HashedAccountOf(app, req);
  if (!hashed && !user.rc_account_id.empty()) hashed = AdminConfigKey(app, user.rc_account_id);
  auto admin = hashed ? AdminSettings(app, *hashed) : std::nullopt;
  return http::HttpResponse::Json(200,
                                  EffectiveSettings(admin ? &*admin : nullptr, user.user_settings));
}

http::HttpResponse PostSettings(App& app, http::HttpRequest& req, const JwtState& jwt) {
  auto who = RequireCaller(jwt, "User not found");
  if (auto* resp = std::get_if<http::HttpResponse>(&who)) return std::move(*resp);
  const auto& caller = std::get<Caller>(who);
  if (caller.platform.empty()) return http::HttpResponse::Text(400, "Unknown platform");
  auto parsed = ParseJsonBody(req);
  if (auto* bad = std::get_if<http::HttpResponse>(&parsed)) return std::move(*bad);
  const json::object& body = std::get<json::object>(parsed);
  // The plugin's hook is optional: a platform without a live plugin still saves its settings.
  auto opened = PluginCall::Open(app, req, caller.platform);
  if (auto* busy = PluginCall::BusyOf(opened)) return std::move(*busy);
  PluginCall* call = std::get_if<PluginCall>(&opened);
  auto loaded = PluginCall::UserOf(app, call, caller.user_id);
  if (!loaded.ok()) return Failure(DatabaseErrorMessage());
  if (!loaded.value()) return http::HttpResponse::Text(400, "User not found");
  store::UserRecord user = std::move(*loaded.value());

  json::object updated;
  if (const json::object* given = ObjectAt(body, "userSettings")) updated = *given;
  json::object merged = user.user_settings;
  for (auto& [k, v] : updated)
    merged[k] = v;
  if (auto* remove = js::Get(body, "settingKeysToRemove"); remove && remove->is_array())
    for (auto& k : remove->get_array())
      if (k.is_string()) merged.erase(k.get_string());

  if (call && call->Implements("onUpdateUserSettings")) {
    auto out =
        call->Invoke("onUpdateUserSettings", json::object{{"user", user.ToConnectorJson(true)},
                                                          {"userSettings", merged},
                                                          {"updatedSettings", updated}});
    if (!out.ok()) return http::HttpResponse::Error(400, out.message);
    if (out.user_update_failed) return Failure(DatabaseErrorMessage());
    // The hook may have changed the user (its userUpdate is saved already): build on that.
    if (auto again = call->User(caller.user_id); again.ok() && again.value()) user = *again.value();
    if (!js::Truthy(js::Get(&out.value, "successful"))) {
      // The plugin refused: nothing is saved. (The reference answers {} either way; saying
      // why costs clients nothing.)
      json::object refused{{"successful", false}};
      if (auto* m = js::Get(&out.value, "returnMessage")) refused["returnMessage"] = *m;
      return http::HttpResponse::Json(200, refused);
    }
    user.user_settings = std::move(merged);
    user.updated_at_ms = app.now_ms();
    if (!app.store.PutUser(user).ok()) return Failure(DatabaseErrorMessage());
    return http::HttpResponse::Json(200, json::object());
  }
  user.user_settings = merged;
  user.updated_at_ms = app.now_ms();
  if (!app.store.PutUser(user).ok()) return Failure(DatabaseErrorMessage());
  return http::HttpResponse::Json(200, json::object{{"userSettings", std::move(merged)}});
}

http::HttpResponse RefreshInfo(App& app, http::HttpRequest& req, const JwtState& jwt) {
  auto who = RequireCaller(jwt);
  if (auto* resp = std::get_if<http::HttpResponse>(&who)) return std::move(*resp);
  const auto& caller = std::get<Caller>(who);
  auto opened = PluginCall::Open(app, req, caller.platform);
  if (auto* refused = std::get_if<PluginCall::Refused>(&opened))
    return std::move(refused->response);
  auto& call = std::get<PluginCall>(opened);
  if (!call.Implements("refreshUserInfo"))
    return http::HttpResponse::Json(200, json::object{{"successful", true}});
  auto connected = call.Connect(caller.user_id, false);
  if (auto* fail = std::get_if<ConnectFailure>(&connected)) {
    // A revoked session is a 200 warning here, not the 401 other routes give.
    if (fail->kind == ConnectFailure::Kind::kRevoked)
      return Failure(ReturnMessage("User session expired. Please connect again.", "warning", 5000));
    return ConnectFailureResponse(*fail, "refreshUserInfo", caller.platform,
                                  ReturnMessage("User not found", "warning", 5000));
  }
  Connected& c = *std::get<Connected*>(connected);
  auto out = call.Invoke(
      "refreshUserInfo",
      json::object{{"user", c.user_json}, {"authHeader", c.auth_header}, {"proxyConfig", nullptr}});
  if (!out.ok()) return Failure(ApiErrorMessage("refreshUserInfo", caller.platform, out));
  if (out.user_update_failed) return Failure(DatabaseErrorMessage());
  json::object resp{{"successful", js::Truthy(js::Get(&out.value, "successful"))}};
  if (auto* m = js::Get(&out.value, "returnMessage")) resp["returnMessage"] = *m;
  return call.Served(http::HttpResponse::Json(200, resp));
}

}  // namespace

void RegisterUserRoutes(http::Router& router, App& app) {
  router.Add("GET", "/user/preloadSettings", Route(app, PreloadSettings));
  router.Add("GET", "/user/settings", Route(app, GetSettings));
  router.Add("POST", "/user/settings", Route(app, PostSettings));
  router.Add("POST", "/user/refreshInfo", Route(app, RefreshInfo));
}

}  // namespace crmhost::contract
