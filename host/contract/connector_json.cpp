#include "contract/connector_json.h"

namespace crmhost::contract {
namespace json = boost::json;

json::object ConnectorUser(const store::UserRecord& u, bool include_secrets) {
  json::object o;
  o["id"] = u.id;
  o["platform"] = u.platform;
  o["hostname"] = u.hostname;
  o["timezoneName"] = u.timezone_name;
  o["timezoneOffset"] = u.timezone_offset;
  if (include_secrets) {
    o["accessToken"] = u.access_token;
    o["refreshToken"] = u.refresh_token;
  }
  o["tokenExpiry"] = u.token_expiry_ms ? json::value(*u.token_expiry_ms) : json::value();
  o["rcAccountId"] = u.rc_account_id.empty() ? json::value() : json::value(u.rc_account_id);
  o["hashedRcExtensionId"] = u.hashed_rc_extension_id;
  o["platformAdditionalInfo"] = u.platform_additional_info;
  o["userSettings"] = u.user_settings;
  return o;
}

json::object ConnectorCallLog(const store::CallLogRow& r) {
  return json::object{{"id", r.id},
                      {"sessionId", r.identity.session_id},
                      {"extensionNumber", r.identity.extension_number},
                      {"hashedExtensionId", r.identity.hashed_extension_id},
                      {"platform", r.platform},
                      {"thirdPartyLogId", r.third_party_log_id},
                      {"userId", r.user_id},
                      {"contactId", r.contact_id}};
}

}  // namespace crmhost::contract
