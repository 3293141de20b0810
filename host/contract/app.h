// App: what every App Connect route group needs, and the one place routes are registered.
// One route group per file (auth.cpp, contact.cpp, calllog.cpp, meta.cpp); each file's
// Register*Routes adds its routes to the router. Handlers are thread-safe: they share only the
// store, the registry and immutable configuration.
#ifndef CRMHOST_CONTRACT_APP_H
#define CRMHOST_CONTRACT_APP_H

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "contract/unsaved_links.h"
#include "crmhost/store/store.h"
#include "http/router.h"
#include "identity/jwt.h"
#include "plugins/bulkhead.h"
#include "plugins/host_services.h"
#include "plugins/plugin_routes.h"
#include "plugins/registry.h"
#include "runtime/keyed_locks.h"
#include "runtime/metrics.h"

namespace crmhost::identity {
class OAuthClient;
class RingCentralClient;
}  // namespace crmhost::identity

namespace crmhost::contract {

class DeveloperPortal;

struct App {
  store::Store& store;
  plugins::Registry& registry;
  const identity::JwtCodec& jwt;
  // The reference's HASH_KEY: salt for hashing RingCentral ids (rcExtensionId, accountId).
  std::string hash_key;
  std::function<int64_t()> now_ms;  // wall clock, ms since the epoch
  // CRM OAuth (code exchange, refresh) and RingCentral identity; both reach out through the
  // daemon's outbound client. Null only in setups without OAuth or RingCentral checks.
  identity::OAuthClient* oauth = nullptr;
  identity::RingCentralClient* ringcentral = nullptr;
  // Developer Portal connector manifests (managed login fields); null: never asked.
  DeveloperPortal* portal = nullptr;
  // This server's public base URL (manifest serverUrl, MCP-style OAuth callback links).
  std::string server_url;
  // Top-level manifest fields (author, version, ...) that /crmManifest puts around the plugins'
  // platform entries.
  boost::json::object manifest_top;
  // --plugin-setting values. OAuth client credentials a plugin's getOauthInfo leaves empty come
  // from "<platform>.oauth_client_id", "oauth_client_secret", "oauth_token_url",
  // "oauth_authorization_url" and "oauth_redirect_uri".
  plugins::PluginSettings plugin_settings;
  // Single-flight OAuth refresh: one lock per user id.
  KeyedLocks refresh_locks;
  // One message-log writer per conversation log, so two requests for the same conversation
  // cannot both create a CRM log.
  KeyedLocks message_locks;
  // One writer of an account's admin configuration at a time (POST /admin/settings, plugin
  // routes' adminSettingsUpdate): each rewrites the whole row.
  KeyedLocks admin_locks;
  // Counters for GET /metrics (token refreshes); null in setups without metrics.
  Metrics* metrics = nullptr;
  // Per-plugin bounds on requests in flight and waiting (503 beyond); null: unbounded.
  plugins::Bulkheads* bulkheads = nullptr;
  // Call-log links the store could not take yet (a full disk); null: not kept (unit setups).
  UnsavedLinks* unsaved_links = nullptr;
  // The reference server's JWTs (--legacy-jwt-secret-file): accepted for users in the store and
  // renewed into ours (session.cpp, ReadJwt); null: refused like any bad token. After
  // legacy_jwt_until_ms (epoch ms; 0: never) they are refused too.
  const identity::JwtCodec* legacy_jwt = nullptr;
  int64_t legacy_jwt_until_ms = 0;
};

void RegisterMetaRoutes(http::Router& router, App& app);
void RegisterAuthRoutes(http::Router& router, App& app);
void RegisterOAuthRoutes(http::Router& router, App& app);
void RegisterContactRoutes(http::Router& router, App& app);
void RegisterCallLogRoutes(http::Router& router, App& app);
void RegisterMessageLogRoutes(http::Router& router, App& app);
void RegisterUserRoutes(http::Router& router, App& app);
void RegisterAdminRoutes(http::Router& router, App& app);
void RegisterManagedAuthRoutes(http::Router& router, App& app);
void RegisterAppointmentRoutes(http::Router& router, App& app);
void RegisterCallDownRoutes(http::Router& router, App& app);
void RegisterAccountDataRoutes(http::Router& router, App& app);
// The plugins' own HTTP routes (ABI 1.3): requests no contract route takes and a live
// plugin declares (contract/plugin_routes.cpp).
void RegisterPluginRoutes(http::Router& router, App& app);
// The contract route `route` would collide with ("GET /contact"), or nullopt.
std::optional<std::string> ContractRouteFor(const http::Router& router,
                                            const plugins::PluginRoute& route);

inline void RegisterRoutes(http::Router& router, App& app) {
  RegisterMetaRoutes(router, app);
  RegisterAuthRoutes(router, app);
  RegisterOAuthRoutes(router, app);
  RegisterContactRoutes(router, app);
  RegisterCallLogRoutes(router, app);
  RegisterMessageLogRoutes(router, app);
  RegisterUserRoutes(router, app);
  RegisterAdminRoutes(router, app);
  RegisterManagedAuthRoutes(router, app);
  RegisterAppointmentRoutes(router, app);
  RegisterCallDownRoutes(router, app);
  RegisterAccountDataRoutes(router, app);
  RegisterPluginRoutes(router, app);
}

}  // namespace crmhost::contract

#endif  // CRMHOST_CONTRACT_APP_H
