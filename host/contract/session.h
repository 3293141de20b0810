// The steps every App Connect route shares (docs/API.md):
//  - the JWT middleware: which token a route sees, whether it verified, sliding renewal;
//  - "who is calling": user id and platform from the token, with the reference's 400 texts;
//  - "connect": load the user, lease the platform's plugin, and build the CRM auth header;
//  - applying the user changes a plugin returns (cleared tokens, updated settings).
#ifndef CRMHOST_CONTRACT_SESSION_H
#define CRMHOST_CONTRACT_SESSION_H

#include <boost/json.hpp>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "contract/app.h"
#include "contract/errors.h"
#include "contract/json_body.h"
#include "contract/log_composer.h"
#include "http/message.h"
#include "identity/ringcentral.h"
#include "plugins/registry.h"

namespace crmhost::contract {

// What the reference's normalizeJwtFromRequest leaves for route code.
struct JwtState {
  std::optional<boost::json::object> claims;  // verified payload with an id
  std::string route_token;                    // token a route reads ("" = none)
  std::optional<std::string> refreshed;       // renewed token for x-refreshed-jwt-token
};

// `query_name`: the query parameter read when no Authorization header carries a token (the
// contract's "jwtToken"; a plugin route may name another, PluginRoute::jwt_query).
JwtState ReadJwt(const http::HttpRequest& req, const App& app,
                 std::string_view query_name = "jwtToken");

using ContractHandler = std::function<http::HttpResponse(http::HttpRequest&, const JwtState&)>;
// Runs the middleware, then the handler, then adds x-refreshed-jwt-token when renewed.
http::Router::Handler WithJwt(App& app, ContractHandler handler);

struct Caller {
  std::string user_id;
  std::string platform;
};
// No token: 400 "Please go to Settings and authorize CRM platform". A token that does not
// verify: 400 `invalid_token_text` (the same text, except on routes where the reference
// answers "User not found").
std::variant<Caller, http::HttpResponse> RequireCaller(
    const JwtState& jwt, std::string_view invalid_token_text = kAuthorizeMessage);

// Both of the above, in that order: most routes with a body start here.
struct CallerAndBody {
  Caller caller;
  boost::json::object body;
};
std::variant<CallerAndBody, http::HttpResponse> RequireCallerAndBody(
    const JwtState& jwt, const http::HttpRequest& req,
    std::string_view invalid_token_text = kAuthorizeMessage);

// Route handlers: the JWT middleware around a route function; with a Caller, the function runs
// only for a verified caller (the others get RequireCaller's 400).
using RouteFn = http::HttpResponse (*)(App&, http::HttpRequest&, const JwtState&);
using PlainRouteFn = http::HttpResponse (*)(App&, http::HttpRequest&);
http::Router::Handler Route(App& app, RouteFn fn);
http::Router::Handler Route(App& app, PlainRouteFn fn);
template <typename F>  // F: (App&, http::HttpRequest&, const Caller&) -> http::HttpResponse
http::Router::Handler CallerRoute(App& app, F fn) {
  return WithJwt(app, [&app, fn](http::HttpRequest& req, const JwtState& jwt) {
    auto who = RequireCaller(jwt);
    if (auto* resp = std::get_if<http::HttpResponse>(&who)) return std::move(*resp);
    return fn(app, req, std::get<Caller>(who));
  });
}

// The plugin's log format (getLogFormatType; plain text when it has none); nullopt when the
// plugin composes its own bodies.
std::optional<LogFormat> FormatOf(const plugins::PluginVersion& plugin, const std::string& platform,
                                  const std::string& request_id);

// The plugin that serves `platform`: the plugin of that name, else the proxy connector plugin
// when one of its JSON definitions is that platform (its listPlatforms names it).
inline constexpr std::string_view kProxyPlugin = "proxy";
std::optional<plugins::Registry::Lease> AcquirePlatform(App& app, std::string_view platform);
// The proxy plugin's platforms and their manifest entries (empty without a proxy plugin).
boost::json::object ProxyPlatforms(App& app);

// The caller's RingCentral access token: header x-rc-access-token, else body rcAccessToken,
// else query rcAccessToken; a leading "Bearer " is dropped; an array gives its first element.
std::string RcAccessTokenOf(const http::HttpRequest& req, const boost::json::object* body);

// The RingCentral identity behind the caller's RingCentral token (see RcAccessTokenOf). No
// token: 400 `missing_text` (plain text) when given, else 400 {error}; a token RingCentral
// refuses or cannot check: 400 {error}.
std::variant<identity::RcIdentity, http::HttpResponse> RequireRcIdentity(
    App& app, const http::HttpRequest& req, const boost::json::object* body,
    std::string_view missing_text = {});
// The same, and the caller must be a RingCentral admin: 403 "Admin validation failed".
std::variant<identity::RcIdentity, http::HttpResponse> RequireAdmin(
    App& app, const http::HttpRequest& req, const boost::json::object* body);
// The admin configuration key of a RingCentral account: HashValue(account id).
std::string AdminConfigKey(const App& app, std::string_view rc_account_id);
// The account's admin configuration row under `key` ({} when none or unreadable; `found` says
// whether a row exists), and its write with id and timestamps stamped.
boost::json::object LoadAdminConfig(App& app, const std::string& key, bool* found = nullptr);
// The row for a read-modify-write: a store error or an unreadable row is an error (writing over
// it would lose the account's mappings and settings); no row is {}. Hold app.admin_locks for
// the key from this read to the write.
Result<boost::json::object> LoadAdminConfigForUpdate(App& app, const std::string& key);
Status SaveAdminConfig(App& app, const std::string& key, boost::json::object row);

// What logging operations receive as `adminConfig`: the account admin's {userSettings,
// userMappings} (admin-chosen options such as an activity type, and the CRM user an extension
// maps to for server-side logging's assignee); null when the account has none. The account is
// the user's own, else `hashed_account` (the request's). Without `mappings` the userMappings
// are left out (contact operations need the settings only, and a large account's mappings would
// be copied into every lookup).
boost::json::value AdminConfigInput(App& app, const store::UserRecord& user,
                                    std::string_view hashed_account, bool mappings = true);

// SHA-256 hex of "<value>:<hash_key>" (the reference's getHashValue).
std::string HashValue(std::string_view value, std::string_view hash_key);

// A user ready for plugin calls (PluginCall::Connect): the CRM auth header is
// "Basic " + getBasicAuth for API-key plugins, "Bearer " + the (fresh) access token for OAuth.
struct Connected {
  store::UserRecord user;
  std::string auth_header;
  std::vector<std::string> secrets;  // token, key, header: masked in plugin logs
  boost::json::object user_json;     // the `user` argument connectors receive
};

// Why Connect failed; the route decides what the client sees.
struct ConnectFailure {
  enum class Kind { kNoUser, kRevoked, kStore, kPlugin } kind;
  plugins::OpOutcome outcome;  // for kPlugin
};

// What the client sees when Connect fails: no user -> `no_user_message` as a 200 failure (or
// {successful:false} when empty); revoked -> 401 CRM_SESSION_REVOKED; store -> "Database
// operation failed"; plugin or refresh failure -> handleApiError's message for `op`.
http::HttpResponse ConnectFailureResponse(const ConnectFailure& f, std::string_view op,
                                          const std::string& platform,
                                          boost::json::object no_user_message);

// Applies a plugin result's "userUpdate" member (see docs/PLUGIN_ABI.md) and removes it from
// the result. Returns false if the store refused the write.
[[nodiscard]] bool ApplyUserUpdate(App& app, store::UserRecord& user, boost::json::value& result);

// The user credentials a plugin call may log: masked.
std::vector<std::string> SecretsOf(const store::UserRecord& user);

// Marks which plugin version produced a response ("x-crmhost-plugin: redtail/1.0.1"), for
// admins and for checking hot upgrades from outside.
http::HttpResponse Served(http::HttpResponse resp, const plugins::PluginVersion& plugin);

// The string the reference's `${value}` would produce for an id (numbers without ".0").
std::string IdString(const boost::json::value& v);

}  // namespace crmhost::contract

#endif  // CRMHOST_CONTRACT_SESSION_H
