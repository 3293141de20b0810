// User-settings routes (docs/API-REFERENCE.md, User): settings an admin manages for a RingCentral
// account merged with each user's own, and the user's CRM profile refresh.
#include <spdlog/spdlog.h>

#include <crmhost/sdk/js.hpp>

#include "contract/app.h"
#include "contract/connector_json.h"
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

// The merge the reference's getUserSettings does, with JavaScript's truthiness: for every key of
// the admin's settings, then of the user's,
//  * an admin entry marked isRemoved hides the key;
//  * where the admin has no entry or lets users customize it, and the user has one, the user's
//    value, defaultValue and options with customizable:true;
//  * otherwise the admin's entry as it is.
// plugin_<id> keys merge their config field by field: an admin field the user may not
// customize, or one the user left empty, wins; the user's other fields say whether they are
// customizable; a user with no config gets the admin's, and the key goes when neither has one.
bool Truthy(const json::value* v) {
  return js::truthy(v);
}
const json::value* Field(const json::value* o, std::string_view key) {
  const json::object* obj = o ? o->if_object() : nullptr;
  return obj ? obj->if_contains(key) : nullptr;
}

// Returns false when the key is to be dropped.
bool MergePluginConfig(json::object& entry, const json::value* admin) {
  json::value* value = entry.if_contains("value");
  json::object* value_obj = value ? value->if_object() : nullptr;
  json::object* config = nullptr;
  if (value_obj)
    if (json::value* c = value_obj->if_contains("config");
        c && c->is_object() && !c->get_object().empty())
      config = &c->get_object();
  const json::value* admin_cfg = Field(Field(admin, "value"), "config");
  if (admin_cfg && admin_cfg->is_null()) admin_cfg = nullptr;
  if (config) {
    if (admin_cfg)
      for (auto& [k, field] : *config) {
        const json::value* af = Field(admin_cfg, k);
        const bool admin_fixed = Truthy(af) && !Truthy(Field(af, "customizable"));
        const bool user_empty = !Truthy(Field(&field, "value")) && Truthy(Field(af, "value"));
        if (admin_fixed || user_empty) {
          field = *af;
        } else if (field.is_object()) {
          const json::value* c = Field(af, "customizable");
          field.get_object()["customizable"] = c && !c->is_null() ? *c : json::value(true);
        }
      }
    return true;
  }
  if (!admin_cfg) return false;
  if (!value_obj) {
    entry["value"] = json::object();
    value_obj = &entry["value"].get_object();
  }
  (*value_obj)["config"] =
      admin_cfg->is_object() ? json::value(admin_cfg->get_object()) : *admin_cfg;
  return true;
}

json::object EffectiveSettings(const json::object* admin, const json::object& user) {
  if (!admin) return user;
  json::object out;
  auto one = [&](std::string_view key) {
    if (out.contains(key)) return;
    const json::value* a = admin->if_contains(key);
    const json::value* u = user.if_contains(key);
    if (Truthy(Field(a, "isRemoved"))) return;
    if ((!a || Truthy(Field(a, "customizable"))) && u) {
      json::object e{{"customizable", true}};
      for (const char* k : {"value", "defaultValue", "options"})
        if (const json::value* v = Field(u, k)) e[k] = *v;
      if (key.rfind("plugin_", 0) == 0 && !MergePluginConfig(e, a)) return;
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
  const json::value* s = js::get(&*row.value(), "userSettings");
  return s && s->is_object() ? std::optional<json::object>(s->get_object()) : std::nullopt;
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
    const json::value* s = js::get(&*row.value(), "userSettings");
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

// Merges the request's settings into the stored ones (set `updated`, drop settingKeysToRemove)
// as one update of the stored record, so concurrent saves of different keys all land. Answers
// the settings as stored; nullopt if the user is gone.
Result<std::optional<json::object>> SaveSettings(App& app, const std::string& user_id,
                                                 const json::object& updated,
                                                 const json::object& body) {
  const int64_t now = app.now_ms();
  auto stored = app.store.UpdateUser(user_id, [&](store::UserRecord& r, bool exists) {
    if (!exists) return false;
    for (auto& [k, v] : updated)
      r.user_settings[k] = v;
    if (auto* remove = js::get(body, "settingKeysToRemove"); remove && remove->is_array())
      for (auto& k : remove->get_array())
        if (k.is_string()) r.user_settings.erase(k.get_string());
    r.updated_at_ms = now;
    return true;
  });
  if (!stored.ok()) return stored.status();
  if (!stored.value()) return std::optional<json::object>();
  return std::optional<json::object>(std::move(stored.value()->user_settings));
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
  if (auto* remove = js::get(body, "settingKeysToRemove"); remove && remove->is_array())
    for (auto& k : remove->get_array())
      if (k.is_string()) merged.erase(k.get_string());

  if (call && call->Implements("onUpdateUserSettings")) {
    auto out =
        call->Invoke("onUpdateUserSettings", json::object{{"user", ConnectorUser(user, true)},
                                                          {"userSettings", merged},
                                                          {"updatedSettings", updated}});
    if (!out.ok()) return http::HttpResponse::Error(400, out.message);
    if (out.user_update_failed) return Failure(DatabaseErrorMessage());
    // The hook may have changed the user (its userUpdate is saved already): build on that.
    if (auto again = call->User(caller.user_id); again.ok() && again.value()) user = *again.value();
    if (!js::truthy(js::get(&out.value, "successful"))) {
      // The plugin refused: nothing is saved. (The reference answers {} either way; saying
      // why costs clients nothing.)
      json::object refused{{"successful", false}};
      if (auto* m = js::get(&out.value, "returnMessage")) refused["returnMessage"] = *m;
      return http::HttpResponse::Json(200, refused);
    }
    auto saved = SaveSettings(app, caller.user_id, updated, body);
    if (!saved.ok()) return Failure(DatabaseErrorMessage());
    return http::HttpResponse::Json(200, json::object());
  }
  auto saved = SaveSettings(app, caller.user_id, updated, body);
  if (!saved.ok()) return Failure(DatabaseErrorMessage());
  if (!saved.value()) return http::HttpResponse::Text(400, "User not found");
  return http::HttpResponse::Json(200, json::object{{"userSettings", std::move(*saved.value())}});
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
  json::object resp{{"successful", js::truthy(js::get(&out.value, "successful"))}};
  if (auto* m = js::get(&out.value, "returnMessage")) resp["returnMessage"] = *m;
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
