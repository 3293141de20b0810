#include "contract/login.h"

#include <spdlog/spdlog.h>

#include <crmhost/sdk/js.hpp>

#include "contract/errors.h"
#include "contract/session.h"

namespace crmhost::contract {
namespace json = boost::json;
namespace js = crmhost::sdk::js;

Result<store::UserRecord> SaveUserInfo(App& app, const json::object& info, const LoginSave& save) {
  const std::string id = IdString(info.at("id"));
  const int64_t now = app.now_ms();
  // One update of the stored record: a login racing a refresh or a settings save of the same
  // user (another tab, another instance) neither loses their writes nor is lost.
  auto stored = app.store.UpdateUser(id, [&](store::UserRecord& u, bool exists) {
    if (!exists) u.created_at_ms = now;
    u.platform = save.platform;
    // Like the reference's update, absent values leave the stored ones alone.
    if (save.hostname) u.hostname = *save.hostname;
    if (auto* tz = js::get(info, "timezoneName")) u.timezone_name = js::to_string(*tz);
    if (info.contains("timezoneOffset")) u.timezone_offset = info.at("timezoneOffset");
    u.access_token = save.access_token;
    u.refresh_token = save.refresh_token;
    u.token_expiry_ms = save.token_expiry_ms;
    u.rc_account_id = save.rc_account_id;
    if (save.hashed_rc_extension_id) u.hashed_rc_extension_id = *save.hashed_rc_extension_id;
    if (auto* extra = js::get(info, "platformAdditionalInfo"); extra && extra->is_object())
      for (auto& [k, v] : extra->get_object())
        u.platform_additional_info[k] = v;
    if (!save.proxy_id.is_null()) {
      u.platform_additional_info["proxyId"] = save.proxy_id;
    } else {
      u.platform_additional_info.erase("proxyId");
    }
    u.updated_at_ms = now;
    return true;
  });
  if (!stored.ok()) return stored.status();
  return std::move(*stored.value());
}

http::HttpResponse CompleteLogin(App& app, const plugins::PluginVersion& plugin,
                                 const store::UserRecord& saved, const json::object& pui,
                                 const std::string& platform, const json::value* return_message,
                                 json::object post_save_args, const std::string& request_id) {
  json::value user_info_out = json::object{
      {"id", saved.id}, {"name", pui.contains("name") ? pui.at("name") : json::value()}};
  if (plugin.Implements("postSaveUserInfo")) {
    post_save_args["userInfo"] = user_info_out;
    auto post = plugin.Invoke("postSaveUserInfo", post_save_args, request_id, SecretsOf(saved));
    if (!post.ok()) return http::HttpResponse::Error(400, post.message);
    if (post.value.is_object() && post.value.get_object().contains("id"))
      user_info_out = post.value;
  }
  const auto& uio = user_info_out.get_object();
  json::object claims{{"id", IdString(uio.at("id"))}, {"platform", platform}};
  json::object resp;
  resp["jwtToken"] = app.jwt.Sign(claims, app.now_ms() / 1000, kJwtLifetimeS);
  if (auto* name = uio.if_contains("name")) resp["name"] = *name;
  if (return_message) resp["returnMessage"] = *return_message;
  spdlog::info("user {} logged in to {}", saved.id, platform);
  return http::HttpResponse::Json(200, resp);
}

}  // namespace crmhost::contract
