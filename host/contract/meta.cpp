// Meta routes: liveness and capability discovery (docs/API-REFERENCE.md, Meta).
#include <boost/json.hpp>
#include <crmhost/sdk/js.hpp>

#include "contract/app.h"
#include "contract/errors.h"
#include "contract/openapi_document.h"
#include "contract/plugin_call.h"
#include "contract/session.h"

namespace crmhost::contract {
namespace json = boost::json;
namespace js = crmhost::sdk::js;

namespace {

// /implementedInterfaces answers from the plugin's declared operation list, in the reference's
// key order; getOauthInfo / getBasicAuth appear only for the matching auth type.
http::HttpResponse ImplementedInterfaces(App& app, http::HttpRequest& req) {
  auto platform = req.Query("platform");
  if (!platform || platform->empty())
    return http::HttpResponse::Text(400, "Please provide platform.");
  auto opened = PluginCall::Open(app, req, *platform);
  if (auto* refused = std::get_if<PluginCall::Refused>(&opened))
    return std::move(refused->response);
  auto& call = std::get<PluginCall>(opened);
  const auto& plugin = call.plugin();
  auto auth = plugin.InvokeConstant("getAuthType", json::object{{"platform", *platform}}, *platform,
                                    req.request_id);
  const std::string type =
      auth.ok() && auth.value.is_string() ? std::string(auth.value.get_string()) : "";
  json::object out;
  auto has = [&](plugins::Operation op) { out[op.name()] = plugin.Implements(op); };
  has("getAuthType");
  if (type == "oauth") has("getOauthInfo");
  if (type == "apiKey") has("getBasicAuth");
  // The reference's list, in its order (not every operation of the table: the others are
  // crmhost's own or never reported).
  static constexpr plugins::Operation kReported[] = {
      "getUserInfo",         "createCallLog",     "updateCallLog",         "getCallLog",
      "createMessageLog",    "updateMessageLog",  "createContact",         "findContact",
      "listAppointments",    "createAppointment", "updateAppointment",     "refreshAppointment",
      "confirmAppointment",  "cancelAppointment", "unAuthorize",           "upsertCallDisposition",
      "findContactWithName", "getUserList",       "getManagedAuthOptions", "getLicenseStatus",
      "getLogFormatType",    "refreshUserInfo"};
  for (plugins::Operation op : kReported)
    has(op);
  out["cacheCallNote"] = true;  // POST /callLog/cacheNote is served
  return http::HttpResponse::Json(200, out);
}

// A deployment registers its own OAuth app with the CRM: the client must then start the
// authorization with that app's client id, URL and redirect, so the configured
// `<platform>.oauth_client_id`, `oauth_authorization_url` and `oauth_redirect_uri` replace the
// embedded manifest's (which names the reference deployment's app). A hostname `override`
// (a CRM region with an app of its own, e.g. eu.app.clio.com) takes
// `<platform>.<first label>_oauth_client_id` / `_oauth_authorization_url` (`clio.eu_...`), the
// names the plugin itself reads for that region's token exchange.
void ApplyOAuthSettings(App& app, const std::string& platform, json::object& entry) {
  auto s = app.plugin_settings.find(platform);
  if (s == app.plugin_settings.end()) return;
  json::value* auth = entry.if_contains("auth");
  json::value* oauth =
      auth && auth->is_object() ? auth->get_object().if_contains("oauth") : nullptr;
  if (!oauth || !oauth->is_object()) return;
  for (auto [setting, field] : {std::pair{"oauth_client_id", "clientId"},
                                {"oauth_authorization_url", "authUrl"},
                                {"oauth_redirect_uri", "redirectUri"}})
    if (auto v = s->second.find(setting); v != s->second.end() && !v->second.empty())
      oauth->get_object()[field] = v->second;
  json::value* overrides = entry.if_contains("override");
  if (!overrides || !overrides->is_array()) return;
  for (json::value& o : overrides->get_array()) {
    if (!o.is_object() || js::text_or_empty(js::get(o.get_object(), "triggerType")) != "hostname")
      continue;
    const std::string host = js::text_or_empty(js::get(o.get_object(), "triggerValue"));
    const std::string prefix = host.substr(0, host.find('.')) + "_";
    json::value* objects = o.get_object().if_contains("overrideObjects");
    if (host.empty() || !objects || !objects->is_array()) continue;
    for (json::value& obj : objects->get_array()) {
      if (!obj.is_object()) continue;
      const std::string path = js::text_or_empty(js::get(obj.get_object(), "path"));
      const char* setting = path == "auth.oauth.clientId"  ? "oauth_client_id"
                            : path == "auth.oauth.authUrl" ? "oauth_authorization_url"
                                                           : nullptr;
      if (!setting) continue;
      if (auto v = s->second.find(prefix + setting); v != s->second.end() && !v->second.empty())
        obj.get_object()["value"] = v->second;
    }
  }
}

// The manifest's platform entry of every live plugin, by platform name.
json::object PlatformEntries(App& app, std::string_view only) {
  json::object platforms;
  for (const auto& version : app.registry.Live()) {
    const std::string& name = version->info().name;
    if (!only.empty() && name != only) continue;
    const json::value& m = version->info().manifest;
    if (!m.is_object()) continue;
    json::value entry = m;
    ApplyOAuthSettings(app, name, entry.get_object());
    platforms[name] = std::move(entry);
  }
  return platforms;
}

// GET /crmManifest?platformName=: the manifest clients are configured with. "default" (or no
// name) lists every loaded plugin's platform; a platform name lists just that one. The top
// level (author, version, redirectUri) comes from --manifest-file, serverUrl from --server-url.
http::HttpResponse CrmManifest(App& app, http::HttpRequest& req) {
  auto name = req.Query("platformName");
  const std::string wanted = name && !name->empty() ? std::string(*name) : "default";
  json::object platforms = PlatformEntries(app, wanted == "default" ? "" : wanted);
  // Proxy connectors: each JSON definition is a platform of its own.
  for (auto& [proxy_name, entry] : ProxyPlatforms(app))
    if ((wanted == "default" || wanted == proxy_name) && !platforms.contains(proxy_name))
      platforms[proxy_name] = entry;
  if (wanted != "default" && platforms.empty())
    return http::HttpResponse::Text(400, "Platform not found");
  json::object manifest = app.manifest_top;
  const json::value* author = manifest.if_contains("author");
  if (!author || !author->is_object() || !author->get_object().contains("name"))
    return http::HttpResponse::Text(400, "Platform not found");
  manifest["serverUrl"] = app.server_url;
  for (auto& [platform, entry] : platforms)
    if (auto* logging = entry.as_object().if_contains("serverSideLogging");
        logging && logging->is_object() && manifest.contains("serverSideLoggingUrl"))
      logging->get_object()["url"] = manifest.at("serverSideLoggingUrl");
  manifest["platforms"] = std::move(platforms);
  return http::HttpResponse::Json(200, manifest);
}

// GET /releaseNotes: {version: {global: [...], <platform>: [...]}} for every version a loaded
// plugin's manifest lists under "releaseNotes"; global notes (from --manifest-file's
// "releaseNotes") are merged only into those versions, as the reference does.
http::HttpResponse ReleaseNotes(App& app) {
  const json::value* global_v = app.manifest_top.if_contains("releaseNotes");
  const json::object* global = global_v ? global_v->if_object() : nullptr;
  json::object out;
  for (const auto& version : app.registry.Live()) {
    const std::string& name = version->info().name;
    const json::value& m = version->info().manifest;
    const json::value* notes = m.is_object() ? m.get_object().if_contains("releaseNotes") : nullptr;
    if (!notes || !notes->is_object()) continue;
    for (auto& [ver, items] : notes->get_object()) {
      json::value& slot = out[ver];
      if (!slot.is_object()) {
        const json::value* g = global ? global->if_contains(ver) : nullptr;
        slot = json::object{{"global", g && g->is_array() ? *g : json::array()}};
      }
      slot.get_object()[name] = items;
    }
  }
  return http::HttpResponse::Json(200, out);
}

// GET /userInfoHash: the salted hashes clients send back as rc-extension-id / rc-account-id.
// A missing value hashes the text "undefined", as the reference's template string does.
http::HttpResponse UserInfoHash(App& app, http::HttpRequest& req) {
  auto ext = req.Query("extensionId");
  auto acc = req.Query("accountId");
  return http::HttpResponse::Json(
      200, json::object{{"extensionId", HashValue(ext ? *ext : "undefined", app.hash_key)},
                        {"accountId", HashValue(acc ? *acc : "undefined", app.hash_key)}});
}

}  // namespace

void RegisterMetaRoutes(http::Router& router, App& app) {
  router.Add("GET", "/crmManifest", Route(app, CrmManifest));
  router.Add("GET", "/releaseNotes", WithJwt(app, [&app](http::HttpRequest&, const JwtState&) {
               return ReleaseNotes(app);
             }));
  router.Add("GET", "/serverVersionInfo", WithJwt(app, [&app](http::HttpRequest&, const JwtState&) {
               const json::value* v = app.manifest_top.if_contains("version");
               return http::HttpResponse::Json(
                   200, json::object{{"version", v && v->is_string() ? *v : "unknown"}});
             }));
  router.Add("GET", "/userInfoHash", Route(app, UserInfoHash));
  auto alive = [](http::HttpRequest&) { return http::HttpResponse::Text(200, "OK"); };
  router.Add("GET", "/isAlive", alive, http::Router::Mode::kInline);
  router.Add("GET", "/is-alive", alive, http::Router::Mode::kInline);  // older clients
  router.Add("GET", "/implementedInterfaces", Route(app, ImplementedInterfaces));
  router.Add(
      "GET", "/openapi.json",
      [](http::HttpRequest&) {
        http::HttpResponse r = http::HttpResponse::Text(200, std::string(OpenApiDocument()));
        r.content_type = "application/json; charset=utf-8";
        return r;
      },
      http::Router::Mode::kInline);
}

}  // namespace crmhost::contract
