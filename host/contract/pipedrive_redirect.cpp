// The Pipedrive-specific routes the reference's hosted server adds (docs/API-REFERENCE.md,
// Pipedrive): the OAuth redirect page Pipedrive's marketplace sends users to, and its uninstall
// webhook. Both are served only while a plugin serves the "pipedrive" platform.
#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

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
constexpr const char* kPlatform = "pipedrive";

// The page Pipedrive redirects to after "Install now" (with ?code=...): the App Connect
// extension reads the code from this page's address; without a code it explains how to install.
http::HttpResponse RedirectPage(App&, http::HttpRequest& req) {
  const bool has_code = req.Query("code").has_value();
  std::string page =
      "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>RingCentral App Connect for "
      "Pipedrive</title></head><body style=\"font-family:sans-serif;max-width:40em;margin:3em "
      "auto\">";
  if (has_code) {
    page +=
        "<h1>RingCentral Extension for Pipedrive</h1><p id=\"rc-stepper\">(1/3) Install the "
        "<a href=\"https://chromewebstore.google.com/detail/kkhkjhafgdlihndcbnebljipgkandkhh\">"
        "App Connect browser extension</a>, then refresh this page to finish connecting.</p>";
  } else {
    page +=
        "<h1>Thank you for installing the RingCentral App Connect for Pipedrive</h1><p>To "
        "connect, open the app in the <a href=\"https://www.pipedrive.com/en/marketplace/app/"
        "ring-central-crm-extension/5d4736e322561f57\">Pipedrive Marketplace</a> and choose "
        "\"Install now\".</p>";
  }
  page += "</body></html>";
  return http::HttpResponse::Html(200, std::move(page));
}

// Pipedrive calls this when a company uninstalls the app: Basic auth with the OAuth app's
// client id and secret, body {user_id}. The user is logged out through the plugin (which revokes
// the tokens) and deleted with their secrets. Answers "User deleted" even for an unknown user,
// so Pipedrive stops retrying.
http::HttpResponse Uninstall(App& app, http::HttpRequest& req) {
  auto opened = PluginCall::Open(app, req, kPlatform);
  if (auto* refused = std::get_if<PluginCall::Refused>(&opened))
    return std::move(refused->response);
  auto& call = std::get<PluginCall>(opened);
  const auto& plugin = call.plugin();
  auto resolved = ResolveOAuthApp(app, plugin, kPlatform, "", json::object{{"hostname", ""}},
                                  req.request_id, {});
  const auto* oauth = std::get_if<ResolvedOAuthApp>(&resolved);
  const std::string expected =
      oauth && !oauth->app.client_id.empty()
          ? "Basic " + Base64Encode(oauth->app.client_id + ":" + oauth->app.client_secret)
          : std::string();
  const auto given = req.Header("authorization");
  if (expected.empty() || !given || given->size() != expected.size() ||
      CRYPTO_memcmp(given->data(), expected.data(), expected.size()) != 0)
    return http::HttpResponse::Text(401, "Unauthorized");

  auto parsed = ParseJsonBody(req);
  if (auto* bad = std::get_if<http::HttpResponse>(&parsed)) return std::move(*bad);
  const json::value* id_v = std::get<json::object>(parsed).if_contains("user_id");
  if (!id_v || id_v->is_null()) return http::HttpResponse::Text(400, "Missing user_id");
  // Pipedrive sends its numeric user id; we store "<id>-pipedrive" (the reference looked up the
  // bare id and so never found the user).
  const std::string id =
      id_v->is_string() ? std::string(id_v->get_string()) : json::serialize(*id_v);
  for (const std::string& candidate : {id, id + "-" + kPlatform}) {
    auto loaded = app.store.GetUser(candidate);
    if (!loaded.ok()) return http::HttpResponse::Text(500, "Database operation failed");
    if (!loaded.value() || loaded.value()->platform != kPlatform) continue;
    const store::UserRecord& user = *loaded.value();
    // Straight to the plugin: the user is deleted below whatever its userUpdate says.
    auto out = plugin.Invoke("unAuthorize", json::object{{"user", ConnectorUser(user, true)}},
                             req.request_id, SecretsOf(user));
    if (!out.ok())
      spdlog::warn("Pipedrive uninstall: logging {} out failed: {}", user.id, out.message);
    if (!app.store.DeleteUser(user.id).ok())
      return http::HttpResponse::Text(500, "Database operation failed");
    spdlog::info("Pipedrive uninstall: user {} deleted", user.id);
    break;
  }
  return http::HttpResponse::Text(200, "User deleted");
}

}  // namespace

void RegisterPipedriveRoutes(http::Router& router, App& app) {
  router.Add("GET", "/pipedrive-redirect", Route(app, RedirectPage));
  router.Add("DELETE", "/pipedrive-redirect", Route(app, Uninstall));
}

}  // namespace crmhost::contract
