#include "contract/crm_oauth.h"
#include "contract/connector_json.h"

#include <spdlog/spdlog.h>

#include <crmhost/sdk/js.hpp>

#include "identity/oauth.h"

namespace crmhost::contract {
namespace json = boost::json;
namespace js = crmhost::sdk::js;

namespace {

constexpr int64_t kRefreshWindowMs = 2 * 60 * 1000;

bool NeedsRefresh(const store::UserRecord& u, int64_t now_ms) {
  return !u.access_token.empty() && !u.refresh_token.empty() && u.token_expiry_ms &&
         *u.token_expiry_ms < now_ms + kRefreshWindowMs;
}

const json::object* FieldsOf(const json::value& record) {
  const json::value* f = js::get(&record, "fields");
  return f && f->is_object() ? &f->get_object() : nullptr;
}

}  // namespace

std::string PendingManagedOAuthKey(std::string_view rc_account_id) {
  return store::KeyOf({"managed-oauth-account", rc_account_id});
}

std::variant<ResolvedOAuthApp, plugins::OpOutcome> ResolveOAuthApp(
    App& app, const plugins::PluginVersion& plugin, const std::string& platform,
    const std::string& rc_account_id, json::object args, const std::string& request_id,
    const std::vector<std::string>& secrets) {
  auto owned = [&](identity::OAuthApp a) {
    a.plugin = plugin.name();
    return a;
  };
  if (!rc_account_id.empty()) {
    auto account = app.store.GetAccountData(rc_account_id, platform, kManagedOAuthKey);
    if (account.ok() && account.value())
      if (const json::object* fields = FieldsOf(*account.value()))
        return ResolvedOAuthApp{
            owned(identity::OAuthApp::FromJson(*fields)), OAuthAppSource::kManagedAccount, {}};
    auto pending = app.store.Get(store::Table::kCache, PendingManagedOAuthKey(rc_account_id));
    if (pending.ok() && pending.value()) {
      const json::value* expiry = js::get(&*pending.value(), "expiry");
      if (expiry && js::to_number(*expiry) > double(app.now_ms()))
        if (const json::object* fields = FieldsOf(*pending.value()))
          return ResolvedOAuthApp{
              owned(identity::OAuthApp::FromJson(*fields)), OAuthAppSource::kManagedPending, {}};
    }
  }
  ResolvedOAuthApp r{{}, OAuthAppSource::kPlugin, {}};
  r.app.plugin = plugin.name();
  if (plugin.Implements("getOauthInfo")) {
    args["rcAccountId"] = rc_account_id.empty() ? json::value() : json::value(rc_account_id);
    args["platform"] = platform;
    auto info = plugin.Invoke("getOauthInfo", args, request_id, secrets);
    if (!info.ok()) return info;
    const json::object* o = info.value.if_object();
    if (!o) {
      info.kind = plugins::OpOutcome::Kind::kInvalid;
      info.message = "getOauthInfo returned no object";
      return info;
    }
    r.app = owned(identity::OAuthApp::FromJson(*o));
    if (auto* fail = js::get(*o, "failMessage"); js::truthy(fail))
      r.fail_message = js::to_string(*fail);
  }
  // What the plugin leaves empty, the administrator's configuration provides.
  if (auto s = app.plugin_settings.find(platform); s != app.plugin_settings.end()) {
    auto fill = [&](std::string& field, std::string_view key) {
      if (auto v = s->second.find(key); field.empty() && v != s->second.end()) field = v->second;
    };
    fill(r.app.client_id, "oauth_client_id");
    fill(r.app.client_secret, "oauth_client_secret");
    fill(r.app.access_token_uri, "oauth_token_url");
    fill(r.app.authorization_uri, "oauth_authorization_url");
    fill(r.app.redirect_uri, "oauth_redirect_uri");
  }
  if (r.app.access_token_uri.empty() && r.fail_message.empty()) {
    plugins::OpOutcome none;
    none.kind = plugins::OpOutcome::Kind::kUnsupported;
    none.message = "no OAuth app for " + platform + ": the plugin has no getOauthInfo and " +
                   platform + ".oauth_token_url is not set";
    return none;
  }
  return r;
}

std::optional<ConnectFailure> EnsureFreshToken(App& app, const plugins::PluginVersion& plugin,
                                               store::UserRecord& user,
                                               const std::string& request_id) {
  using Kind = ConnectFailure::Kind;
  const bool plugin_owned = plugin.Implements("checkAndRefreshAccessToken");
  if (!plugin_owned && !NeedsRefresh(user, app.now_ms())) return std::nullopt;

  // One refresh per user: whoever comes second waits here, then finds fresh tokens stored.
  auto guard = app.refresh_locks.Lock(user.id);
  // And across the other instances sharing the store (a database lock; nothing for RocksDB).
  auto across = app.store.LockAcross(store::Store::LockScope::kTokenRefresh, user.id);
  if (!across.ok()) {
    spdlog::warn("token refresh for user {}: {}", user.id, across.status().message());
    return ConnectFailure{Kind::kStore, {}};
  }
  auto reloaded = app.store.GetUser(user.id);
  if (!reloaded.ok()) return ConnectFailure{Kind::kStore, {}};
  if (!reloaded.value() || reloaded.value()->access_token.empty())
    return ConnectFailure{Kind::kRevoked, {}};
  user = std::move(*reloaded.value());
  if (!plugin_owned && !NeedsRefresh(user, app.now_ms())) return std::nullopt;

  json::object args{{"tokenUrl", user.platform_additional_info.contains("tokenUrl")
                                     ? user.platform_additional_info.at("tokenUrl")
                                     : json::value()},
                    {"hostname", user.hostname},
                    {"proxyId", user.platform_additional_info.contains("proxyId")
                                    ? user.platform_additional_info.at("proxyId")
                                    : json::value()},
                    {"proxyConfig", nullptr}};
  auto resolved = ResolveOAuthApp(app, plugin, user.platform, user.rc_account_id, args, request_id,
                                  SecretsOf(user));
  if (auto* bad = std::get_if<plugins::OpOutcome>(&resolved))
    return ConnectFailure{Kind::kPlugin, std::move(*bad)};
  const identity::OAuthApp& oauth_app = std::get<ResolvedOAuthApp>(resolved).app;

  if (plugin_owned) {
    // The plugin refreshes however its CRM needs; it answers {userUpdate} with new tokens, or
    // null / {revoked:true} when the session cannot be saved.
    auto out = plugin.Invoke(
        "checkAndRefreshAccessToken",
        json::object{{"oauthApp", oauth_app.ToJson()}, {"user", ConnectorUser(user, true)}},
        request_id, SecretsOf(user));
    if (!out.ok()) return ConnectFailure{Kind::kPlugin, std::move(out)};
    if (out.value.is_null() || js::truthy(js::get(&out.value, "revoked")))
      return ConnectFailure{Kind::kRevoked, {}};
    if (!ApplyUserUpdate(app, user, out.value)) return ConnectFailure{Kind::kStore, {}};
    if (user.access_token.empty()) return ConnectFailure{Kind::kRevoked, {}};
    return std::nullopt;
  }

  if (!app.oauth) {
    plugins::OpOutcome o;
    o.message = "OAuth is not configured";
    return ConnectFailure{Kind::kPlugin, std::move(o)};
  }
  int http_status = 0;
  auto refreshed = app.oauth->Refresh(oauth_app, user.refresh_token, &http_status);
  if (!refreshed.ok()) {
    if (refreshed.status().code() == Status::Code::kPermissionDenied) {
      // Another process may have rotated the refresh token while ours was in flight.
      auto again = app.store.GetUser(user.id);
      if (again.ok() && again.value() && !again.value()->access_token.empty() &&
          again.value()->refresh_token != user.refresh_token) {
        user = std::move(*again.value());
        return std::nullopt;
      }
      spdlog::warn("CRM refused the refresh token of user {} (invalid_grant): session revoked",
                   user.id);
      if (app.metrics) app.metrics->CountTokenRefresh(user.platform, "revoked");
      return ConnectFailure{Kind::kRevoked, {}};
    }
    spdlog::warn("token refresh for user {} failed: {}", user.id, refreshed.status().message());
    if (app.metrics) app.metrics->CountTokenRefresh(user.platform, "failed");
    plugins::OpOutcome o;
    o.kind = plugins::OpOutcome::Kind::kUpstream;
    o.status_code = http_status;
    o.message = refreshed.status().message();
    return ConnectFailure{Kind::kPlugin, std::move(o)};
  }
  // Only the tokens change: whatever else another request saved meanwhile (settings) stays.
  const int64_t now = app.now_ms();
  auto stored = app.store.UpdateUser(user.id, [&](store::UserRecord& r, bool exists) {
    if (!exists) return false;  // logged out while the refresh was in flight
    r.access_token = refreshed->access_token;
    if (!refreshed->refresh_token.empty()) r.refresh_token = refreshed->refresh_token;
    r.token_expiry_ms = refreshed->expires_at_ms;
    r.updated_at_ms = now;
    return true;
  });
  if (!stored.ok()) return ConnectFailure{Kind::kStore, {}};
  if (!stored.value()) return ConnectFailure{Kind::kRevoked, {}};
  user = std::move(*stored.value());
  spdlog::info("refreshed the CRM token of user {}", user.id);
  if (app.metrics) app.metrics->CountTokenRefresh(user.platform, "ok");
  return std::nullopt;
}

}  // namespace crmhost::contract
