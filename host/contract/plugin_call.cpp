#include "contract/plugin_call.h"
#include "contract/connector_json.h"

#include <spdlog/spdlog.h>

#include "contract/crm_oauth.h"
#include "contract/errors.h"
#include "plugins/host_services.h"

namespace crmhost::contract {
namespace json = boost::json;

std::variant<PluginCall, PluginCall::Refused> PluginCall::Open(App& app,
                                                               const http::HttpRequest& req,
                                                               std::string_view platform) {
  auto lease = AcquirePlatform(app, platform);
  if (!lease) return Refused{Refused::Kind::kUnknownPlatform, UnknownPlatform(platform)};
  std::optional<plugins::Bulkheads::Slot> slot =
      app.bulkheads
          ? app.bulkheads->Enter((*lease)->name())
          : std::optional<plugins::Bulkheads::Slot>(std::in_place, nullptr, std::string());
  if (app.bulkheads) {
    if (!slot) {
      spdlog::warn("plugin {} is full ({} in flight, {} waiting): 503", (*lease)->name(),
                   app.bulkheads->limits().max_inflight, app.bulkheads->limits().max_waiting);
      auto busy = http::HttpResponse::Error(503, "Service busy, retry shortly");
      busy.headers.emplace_back("Retry-After", "1");
      return Refused{Refused::Kind::kBusy, std::move(busy)};
    }
  }
  return PluginCall(app, req, std::string(platform), std::move(*lease), std::move(*slot));
}

PluginCall::PluginCall(App& app, const http::HttpRequest& req, std::string platform,
                       plugins::Registry::Lease lease, plugins::Bulkheads::Slot slot)
    : app_(&app),
      req_(&req),
      platform_(std::move(platform)),
      lease_(std::move(lease)),
      slot_(std::move(slot)) {}

Result<store::UserRecord*> PluginCall::User(const std::string& user_id) {
  if (!user_loaded_ || (user_ && user_->id != user_id)) {
    auto loaded = app_->store.GetUser(user_id);
    if (!loaded.ok()) {
      spdlog::error("loading user failed: {}", loaded.status().ToString());
      return loaded.status();
    }
    user_ = std::move(loaded.value());
    user_loaded_ = true;
  }
  return user_ ? &*user_ : nullptr;
}

Result<std::optional<store::UserRecord>> PluginCall::UserOf(App& app, PluginCall* call,
                                                            const std::string& user_id) {
  if (!call) return app.store.GetUser(user_id);
  auto loaded = call->User(user_id);
  if (!loaded.ok()) return loaded.status();
  return loaded.value() ? std::optional<store::UserRecord>(*loaded.value()) : std::nullopt;
}

std::variant<Connected*, ConnectFailure> PluginCall::Connect(const std::string& user_id,
                                                             bool require_platform_match) {
  if (connected_ && connected_->user.id == user_id) return &*connected_;
  auto loaded = User(user_id);
  if (!loaded.ok()) return ConnectFailure{ConnectFailure::Kind::kStore, {}};
  store::UserRecord* user = loaded.value();
  if (!user || user->access_token.empty() ||
      (require_platform_match && user->platform != platform_))
    return ConnectFailure{ConnectFailure::Kind::kNoUser, {}};
  const plugins::PluginVersion& plugin = *lease_;
  Connected c;
  c.user = *user;
  c.secrets = SecretsOf(c.user);

  auto auth_type = plugin.InvokeConstant(
      "getAuthType",
      json::object{{"proxyId", nullptr}, {"proxyConfig", nullptr}, {"platform", platform_}},
      platform_, req_->request_id);
  if (!auth_type.ok()) return ConnectFailure{ConnectFailure::Kind::kPlugin, std::move(auth_type)};
  const std::string type =
      auth_type.value.is_string() ? std::string(auth_type.value.get_string()) : "";
  if (type == "oauth") {
    if (auto failed = EnsureFreshToken(*app_, plugin, c.user, req_->request_id))
      return std::move(*failed);
    c.secrets = SecretsOf(c.user);
    c.auth_header = "Bearer " + c.user.access_token;
  } else {
    auto basic = plugin.Invoke(
        "getBasicAuth", json::object{{"apiKey", c.user.access_token}, {"platform", platform_}},
        req_->request_id, c.secrets);
    if (!basic.ok()) return ConnectFailure{ConnectFailure::Kind::kPlugin, std::move(basic)};
    c.auth_header = "Basic " + (basic.value.is_string() ? std::string(basic.value.get_string())
                                                        : std::string());
  }
  c.secrets.push_back(c.auth_header);
  c.secrets.push_back(c.auth_header.substr(c.auth_header.find(' ') + 1));
  c.user_json = ConnectorUser(c.user, true);
  *user = c.user;  // a refresh changed the tokens: later readers see the new ones
  connected_ = std::move(c);
  return &*connected_;
}

plugins::OpOutcome PluginCall::Invoke(plugins::Operation op, const json::object& input,
                                      const std::vector<std::string>& extra_secrets) {
  return InvokeSerialized(op, json::serialize(input), extra_secrets);
}

plugins::OpOutcome PluginCall::Invoke(plugins::Operation op, json::object&& input,
                                      const std::vector<std::string>& extra_secrets) {
  std::string text = json::serialize(input);
  json::object(input.storage()).swap(input);  // freed now, not when the caller's expression ends
  return InvokeSerialized(op, std::move(text), extra_secrets);
}

plugins::OpOutcome PluginCall::InvokeSerialized(plugins::Operation op, std::string input,
                                                const std::vector<std::string>& extra_secrets) {
  std::vector<std::string> secrets;
  if (connected_) {
    secrets = connected_->secrets;
  } else if (user_) {
    secrets = SecretsOf(*user_);
  }
  secrets.insert(secrets.end(), extra_secrets.begin(), extra_secrets.end());
  const store::UserRecord* who = connected_ ? &connected_->user : user_ ? &*user_ : nullptr;
  std::string user_ref = who ? HashValue(who->id, app_->hash_key).substr(0, 16) : std::string();
  plugins::OpOutcome out = lease_->InvokeSerialized(op, std::move(input), req_->request_id, secrets,
                                                    std::move(user_ref));
  if (!out.ok()) {
    spdlog::warn("{} {} failed: {}", lease_->name(), op.name(),
                 plugins::HostServices::Mask(out.message, secrets));
    return out;
  }
  store::UserRecord* target = connected_ ? &connected_->user : user_ ? &*user_ : nullptr;
  if (target) {
    if (!ApplyUserUpdate(*app_, *target, out.value)) {
      out.user_update_failed = true;
      spdlog::error("saving the user changes {} {} returned failed", lease_->name(), op.name());
    } else if (connected_ && user_) {
      *user_ = connected_->user;
      connected_->user_json = ConnectorUser(connected_->user, true);
    }
  }
  return out;
}

std::optional<LogFormat> PluginCall::Format() {
  return FormatOf(*lease_, platform_, req_->request_id);
}

http::HttpResponse PluginCall::Failed(std::string_view op, const plugins::OpOutcome& out) const {
  return Served(Failure(ApiErrorMessage(op, platform_, out)));
}

http::HttpResponse PluginCall::Served(http::HttpResponse resp) const {
  return contract::Served(std::move(resp), *lease_);
}

}  // namespace crmhost::contract
