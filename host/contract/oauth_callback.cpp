// GET /oauth-callback (docs/API-REFERENCE.md, Auth): finishes a CRM OAuth login. The client hands
// over the URL the CRM redirected the browser to; we exchange its code for tokens with the OAuth
// app (admin-managed or the plugin's), ask the plugin who the user is, save the user and answer
// with the App Connect JWT.
#include <spdlog/spdlog.h>

#include <boost/url/parse.hpp>
#include <crmhost/sdk/js.hpp>

#include "contract/app.h"
#include "contract/crm_oauth.h"
#include "contract/errors.h"
#include "contract/login.h"
#include "contract/plugin_call.h"
#include "contract/session.h"
#include "identity/oauth.h"

namespace crmhost::contract {
namespace json = boost::json;
namespace js = crmhost::sdk::js;

namespace {

std::string QueryOr(const http::HttpRequest& req, std::string_view name) {
  auto v = req.Query(name);
  return v ? std::string(*v) : std::string();
}

json::value QueryValue(const http::HttpRequest& req, std::string_view name) {
  auto v = req.Query(name);
  return v ? json::value(std::string(*v)) : json::value();
}

// The value of `name` in the query of `uri` ("" when absent).
std::string UriQueryParam(std::string_view uri, std::string_view name) {
  auto pos = uri.find('?');
  if (pos == std::string_view::npos) return {};
  for (auto& [k, v] : http::ParseQuery(uri.substr(pos + 1)))
    if (k == name) return v;
  return {};
}

struct State {
  std::string platform;
  std::string hostname;
};

// The OAuth state carries "platform=<name>[&hostname=<host>]" (manifest auth.oauth.customState).
State ParseState(std::string_view callback_uri, std::string_view top_level_state) {
  std::string state = UriQueryParam(callback_uri, "state");
  if (state.empty()) state = std::string(top_level_state);
  State s;
  for (auto& [k, v] : http::ParseQuery(http::PercentDecode(state, false))) {
    if (k == "platform" && s.platform.empty()) s.platform = v;
    if (k == "hostname" && s.hostname.empty()) s.hostname = v;
  }
  if (s.platform.empty()) {
    // Legacy: whatever follows "platform=" in the callback URL or the state.
    for (std::string_view text : {std::string_view(callback_uri), std::string_view(state)}) {
      auto at = text.find("platform=");
      if (at == std::string_view::npos) continue;
      std::string_view rest = text.substr(at + 9);
      s.platform = std::string(rest.substr(0, rest.find_first_of("&#")));
      break;
    }
  }
  return s;
}

// A plugin's getOverridingOAuthOption: extra headers, query and body for its token request.
// Sets `extra` when the plugin gave any; an answer is the failure to send.
std::optional<http::HttpResponse> OverridingOption(
    PluginCall& call, const std::string& code, const ResolvedOAuthApp& oauth,
    const std::vector<std::string>& secrets, std::optional<identity::TokenRequestOverride>& extra) {
  if (!call.plugin().Implements("getOverridingOAuthOption")) return std::nullopt;
  auto o = call.Invoke("getOverridingOAuthOption",
                       json::object{{"code", code}, {"oauthInfo", oauth.app.ToJson()}}, secrets);
  if (!o.ok()) return http::HttpResponse::Error(400, o.message);
  const json::object* obj = o.value.if_object();
  if (!obj) return std::nullopt;
  extra.emplace();
  auto fields = [&](std::string_view key, http::Fields& into) {
    if (auto* f = js::get(*obj, key); f && f->is_object())
      for (auto& [k, v] : f->get_object())
        into.emplace_back(std::string(k), v.is_null() ? std::string() : js::to_string(v));
  };
  fields("headers", extra->headers);
  fields("query", extra->query);
  if (auto* b = js::get(*obj, "body"); b && b->is_object()) extra->body = b->get_object();
  return std::nullopt;
}

// What getUserInfo receives after the code exchange (docs/PLUGIN_ABI.md).
json::object UserInfoArgs(const http::HttpRequest& req, const identity::TokenResponse& tokens,
                          const std::string& hostname, const std::string& platform,
                          const std::string& callback_uri) {
  json::object query_obj;
  for (auto& [k, v] : req.query)
    if (!query_obj.contains(k)) query_obj[k] = v;
  return json::object{{"authHeader", "Bearer " + tokens.access_token},
                      {"tokenUrl", QueryValue(req, "tokenUrl")},
                      {"apiUrl", QueryValue(req, "apiUrl")},
                      {"hostname", hostname},
                      {"platform", platform},
                      {"username", QueryValue(req, "username")},
                      {"callbackUri", callback_uri},
                      {"query", std::move(query_obj)},
                      {"proxyId", QueryValue(req, "proxyId")},
                      {"proxyConfig", nullptr},
                      {"userEmail", QueryValue(req, "userEmail")},
                      {"data", tokens.raw}};
}

// The user's CRM host: the plugin's override, else the OAuth app's, else the request's.
std::string SavedHostname(const json::object& pui, const ResolvedOAuthApp& oauth,
                          const std::string& hostname) {
  if (auto* h = js::get(pui, "overridingHostname"); js::truthy(h)) return js::to_string(*h);
  if (!oauth.app.hostname.empty()) return oauth.app.hostname;
  return hostname;
}

// The admin's pending managed OAuth app worked: it becomes the account's app for this CRM.
void PromoteManagedApp(App& app, const ResolvedOAuthApp& oauth, const std::string& rc_account_id,
                       const std::string& platform) {
  if (oauth.source != OAuthAppSource::kManagedPending) return;
  json::object record{{"fields", oauth.app.ToJson()}};
  if (app.store.PutAccountData(rc_account_id, platform, kManagedOAuthKey, record, app.now_ms())
          .ok())
    (void)app.store.Delete(store::Table::kCache, PendingManagedOAuthKey(rc_account_id));
}

http::HttpResponse OAuthCallback(App& app, http::HttpRequest& req) {
  std::string callback_uri = QueryOr(req, "callbackUri");
  const std::string code = QueryOr(req, "code");
  if (callback_uri.empty() || callback_uri == "undefined") {
    if (code.empty()) return http::HttpResponse::Text(400, "Missing callbackUri");
    callback_uri = app.server_url + "/oauth-callback?code=" + code;
  }
  const State state = ParseState(callback_uri, QueryOr(req, "state"));
  if (state.platform.empty()) return http::HttpResponse::Text(400, "Missing platform name");
  if (callback_uri.find("code=") == std::string::npos)
    callback_uri += (callback_uri.find('?') == std::string::npos ? "?code=" : "&code=") + code;

  auto opened = PluginCall::Open(app, req, state.platform);
  if (auto* refused = std::get_if<PluginCall::Refused>(&opened))
    return std::move(refused->response);
  auto& call = std::get<PluginCall>(opened);
  const auto& plugin = call.plugin();
  if (!app.oauth) return http::HttpResponse::Error(400, "OAuth is not configured");

  const std::string hostname =
      !QueryOr(req, "hostname").empty() ? QueryOr(req, "hostname") : state.hostname;
  const std::string rc_account_id = QueryOr(req, "rcAccountId");
  std::vector<std::string> secrets{code};
  json::object args{{"tokenUrl", QueryValue(req, "tokenUrl")},   {"hostname", hostname},
                    {"proxyId", QueryValue(req, "proxyId")},     {"proxyConfig", nullptr},
                    {"userEmail", QueryValue(req, "userEmail")}, {"isFromMCP", false}};
  auto resolved =
      ResolveOAuthApp(app, plugin, state.platform, rc_account_id, args, req.request_id, secrets);
  if (auto* bad = std::get_if<plugins::OpOutcome>(&resolved))
    return http::HttpResponse::Error(400,
                                     bad->message.empty() ? "getOauthInfo failed" : bad->message);
  const ResolvedOAuthApp& oauth = std::get<ResolvedOAuthApp>(resolved);
  if (!oauth.fail_message.empty())
    return http::HttpResponse::Json(
        200, json::object{{"returnMessage", json::object{{"messageType", "danger"},
                                                         {"message", oauth.fail_message}}}});
  secrets.push_back(oauth.app.client_secret);

  // The code the plugin's token request needs is the one the CRM put in the callback URI (the
  // top-level "code" is only its fallback, when the client sent no callbackUri).
  const std::string callback_code = UriQueryParam(callback_uri, "code");
  secrets.push_back(callback_code);
  std::optional<identity::TokenRequestOverride> extra;
  if (auto failed = OverridingOption(call, callback_code, oauth, secrets, extra))
    return std::move(*failed);
  auto tokens = app.oauth->ExchangeCode(oauth.app, callback_uri, extra ? &*extra : nullptr);
  if (!tokens.ok()) {
    spdlog::warn("OAuth code exchange for {} failed: {}", state.platform,
                 tokens.status().message());
    return http::HttpResponse::Error(400, tokens.status().message());
  }
  secrets.push_back(tokens->access_token);
  secrets.push_back(tokens->refresh_token);

  auto info = call.Invoke(
      "getUserInfo", UserInfoArgs(req, *tokens, hostname, state.platform, callback_uri), secrets);
  if (!info.ok())
    return http::HttpResponse::Error(400,
                                     info.message.empty() ? "getUserInfo failed" : info.message);
  const json::object* result = info.value.if_object();
  if (!result) return http::HttpResponse::Error(400, "getUserInfo returned no object");
  const json::value* pui_v = js::get(*result, "platformUserInfo");
  if (!js::truthy(js::get(*result, "successful")) || !pui_v || !pui_v->is_object() ||
      !js::get(pui_v->get_object(), "id")) {
    json::object out;
    if (auto* rm = result->if_contains("returnMessage")) out["returnMessage"] = *rm;
    return http::HttpResponse::Json(200, out);
  }
  const json::object& pui = pui_v->get_object();

  LoginSave save;
  save.platform = state.platform;
  save.hostname = SavedHostname(pui, oauth, hostname);
  save.proxy_id = QueryValue(req, "proxyId");
  save.access_token = tokens->access_token;
  save.refresh_token = tokens->refresh_token;
  save.token_expiry_ms = tokens->expires_at_ms;
  save.rc_account_id = rc_account_id;
  if (auto h = req.Header("rc-extension-id")) save.hashed_rc_extension_id = std::string(*h);
  auto saved = SaveUserInfo(app, pui, save);
  if (!saved.ok()) {
    spdlog::error("saving user failed: {}", saved.status().ToString());
    return http::HttpResponse::Json(400, json::object{{"returnMessage", DatabaseErrorMessage()}});
  }
  PromoteManagedApp(app, oauth, rc_account_id, state.platform);
  return CompleteLogin(app, plugin, saved.value(), pui, state.platform,
                       js::get(*result, "returnMessage"),
                       json::object{{"oauthApp", oauth.app.ToJson()}}, req.request_id);
}

}  // namespace

void RegisterOAuthRoutes(http::Router& router, App& app) {
  router.Add("GET", "/oauth-callback", Route(app, OAuthCallback));
}

}  // namespace crmhost::contract
