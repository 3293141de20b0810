// The `user` and `existingCallLog` documents plugins receive, as whole documents: keys, order,
// nulls and JSON types, with and without secrets.
#include <catch2/catch.hpp>

#include "contract/connector_json.h"

namespace crmhost::contract {
namespace json = boost::json;

TEST_CASE("connector documents: the user with and without secrets and the existing call log",
          "[contract]") {
  store::UserRecord u;
  u.id = "7-redtail";
  u.platform = "redtail";
  u.hostname = "smf.crm3.redtailtechnology.com";
  u.timezone_name = "America/New_York";
  u.timezone_offset = -300;
  u.access_token = "at-secret";
  u.refresh_token = "rt-secret";
  u.hashed_rc_extension_id = "abc";
  u.platform_additional_info = json::object{{"userResponse", json::object{}}};
  u.user_settings = json::object{};
  CHECK(json::serialize(ConnectorUser(u, false)) ==
        R"({"id":"7-redtail","platform":"redtail","hostname":"smf.crm3.redtailtechnology.com",)"
        R"("timezoneName":"America/New_York","timezoneOffset":-300,"tokenExpiry":null,)"
        R"("rcAccountId":null,"hashedRcExtensionId":"abc",)"
        R"("platformAdditionalInfo":{"userResponse":{}},"userSettings":{}})");
  u.token_expiry_ms = 1700000000000;
  u.rc_account_id = "3001";
  const json::object with = ConnectorUser(u, true);
  CHECK(with.at("accessToken") == "at-secret");
  CHECK(with.at("refreshToken") == "rt-secret");
  CHECK(with.at("tokenExpiry") == 1700000000000);
  CHECK(with.at("rcAccountId") == "3001");

  store::CallLogRow row;
  row.id = "l-1";
  row.identity = {"s-1", "101", "h-1"};
  row.platform = "redtail";
  row.third_party_log_id = "301";
  row.user_id = "7-redtail";
  row.contact_id = "201";
  CHECK(json::serialize(ConnectorCallLog(row)) ==
        R"({"id":"l-1","sessionId":"s-1","extensionNumber":"101","hashedExtensionId":"h-1",)"
        R"("platform":"redtail","thirdPartyLogId":"301","userId":"7-redtail","contactId":"201"})");
}

}  // namespace crmhost::contract
