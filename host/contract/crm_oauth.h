// OAuth for CRM users (docs/API.md): which OAuth app a user's tokens belong to, and
// keeping their access token fresh before a CRM call.
#ifndef CRMHOST_CONTRACT_CRM_OAUTH_H
#define CRMHOST_CONTRACT_CRM_OAUTH_H

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <variant>

#include "contract/app.h"
#include "contract/session.h"
#include "identity/oauth.h"

namespace crmhost::contract {

// Where an OAuth app came from.
enum class OAuthAppSource { kPlugin, kManagedAccount, kManagedPending };

struct ResolvedOAuthApp {
  identity::OAuthApp app;
  OAuthAppSource source = OAuthAppSource::kPlugin;
  std::string fail_message;  // getOauthInfo's failMessage: login must stop with it
};

// Admin-managed OAuth for `rc_account_id` (the account record for `platform`, else the pending
// record an admin posted in the last 24 hours), else the plugin's getOauthInfo(`args`), with
// what it leaves empty taken from the configuration (App::plugin_settings).
// Unlike the reference, managed credentials are also used for refreshes (it consults them only
// at login, so refreshes of managed users went to the plugin's default app).
std::variant<ResolvedOAuthApp, plugins::OpOutcome> ResolveOAuthApp(
    App& app, const plugins::PluginVersion& plugin, const std::string& platform,
    const std::string& rc_account_id, boost::json::object args, const std::string& request_id,
    const std::vector<std::string>& secrets);

// Storage of managed OAuth values (fields: clientId, clientSecret, accessTokenUri,
// authorizationUri, redirectUri, scopes, hostname). Sealed at rest by the store.
inline constexpr std::string_view kManagedOAuthKey = "managed-oauth-account";
inline constexpr int64_t kPendingManagedOAuthMs = 24 * 3600 * 1000;
std::string PendingManagedOAuthKey(std::string_view rc_account_id);

// Makes `user`'s access token good for at least two more minutes (docs/API.md):
//  - a plugin that implements checkAndRefreshAccessToken owns the whole refresh;
//  - otherwise, with a refresh token and an expiry inside the window, the refresh-token grant
//    runs once per user however many requests arrive together: the others wait, then read the
//    new tokens from the store, where they were written before anyone used them;
//  - invalid_grant, unless another process already rotated the refresh token, revokes.
// Returns nothing when the token is usable, else why not.
std::optional<ConnectFailure> EnsureFreshToken(App& app, const plugins::PluginVersion& plugin,
                                               store::UserRecord& user,
                                               const std::string& request_id);

}  // namespace crmhost::contract

#endif  // CRMHOST_CONTRACT_CRM_OAUTH_H
