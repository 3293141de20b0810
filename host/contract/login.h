// What every login route shares (docs/API-REFERENCE.md, Auth): saving the CRM user ("saveUserInfo")
// and finishing a login (postSaveUserInfo, then the App Connect JWT).
#ifndef CRMHOST_CONTRACT_LOGIN_H
#define CRMHOST_CONTRACT_LOGIN_H

#include <boost/json.hpp>
#include <optional>
#include <string>

#include "contract/app.h"
#include "http/message.h"

namespace crmhost::contract {

struct LoginSave {
  std::string platform;
  std::optional<std::string> hostname;  // nullopt: keep what is stored
  boost::json::value proxy_id;          // null: none
  std::string access_token;             // the OAuth access token or the API key
  std::string refresh_token;
  std::optional<int64_t> token_expiry_ms;
  std::string rc_account_id;  // raw RingCentral account id; empty: unknown
  std::optional<std::string> hashed_rc_extension_id;
};

// Updates the user `platform_user_info.id` if it exists (keeping its settings and merging
// platformAdditionalInfo), else creates it.
Result<store::UserRecord> SaveUserInfo(App& app, const boost::json::object& platform_user_info,
                                       const LoginSave& save);

// postSaveUserInfo (when the plugin has it), then 200 {jwtToken, name, returnMessage}.
// `post_save_args` are the extra arguments postSaveUserInfo receives besides userInfo.
http::HttpResponse CompleteLogin(App& app, const plugins::PluginVersion& plugin,
                                 const store::UserRecord& saved,
                                 const boost::json::object& platform_user_info,
                                 const std::string& platform,
                                 const boost::json::value* return_message,
                                 boost::json::object post_save_args, const std::string& request_id);

// JWT lifetime of a login: two weeks (renewed while used, see session.h).
inline constexpr int64_t kJwtLifetimeS = 14 * 24 * 3600;

}  // namespace crmhost::contract

#endif  // CRMHOST_CONTRACT_LOGIN_H
