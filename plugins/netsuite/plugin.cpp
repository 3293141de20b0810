// The NetSuite plugin: OAuth 2 per NetSuite account (the token endpoint is the account's own
// SuiteTalk host, derived from the hostname the user pastes; the host exchanges and refreshes
// tokens), the user and their role's permissions through the RingCentral SuiteApp's RESTlets,
// contacts, customers and vendors by phone and name with SuiteQL, phone-call records for calls
// and messages, user notes on sales orders and opportunities as dispositions, and calendar events
// as appointments. The calls are the reference connector's (docs/CRM_PLUGINS.md lists them and
// where we differ).
//
// Settings: netsuite.oauth_client_id and netsuite.oauth_client_secret (or an admin-managed app).
#include "plugin.h"

#include <crmhost/sdk/contract.hpp>
#include <crmhost/sdk/js.hpp>
#include <crmhost/sdk/time.hpp>
#include <crmhost/sdk/timezones.hpp>

#include "mapping.h"

namespace netsuite {
namespace sdk = crmhost::sdk;
namespace js = crmhost::sdk::js;
using sdk::contract::object_of;
using sdk::contract::return_message;

namespace {

constexpr const char* kCannotReadUser =
    "NetSuite was unable to fetch information for the currently logged in user. Please check your "
    "permissions in NetSuite and make sure you have permission to access and read user "
    "information.";

// The value of `name` in the query of `uri` ("" when absent).
std::string UriParam(const std::string& uri, std::string_view name) {
  const size_t q = uri.find('?');
  if (q == std::string::npos) return {};
  std::string_view query = std::string_view(uri).substr(q + 1);
  query = query.substr(0, query.find('#'));
  while (!query.empty()) {
    const std::string_view pair = query.substr(0, query.find('&'));
    query.remove_prefix(std::min(query.size(), pair.size() + 1));
    const size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name && eq != std::string_view::npos)
      return std::string(pair.substr(eq + 1));
  }
  return {};
}

}  // namespace

std::string ZoneName(Api& api) {
  try {
    const json::value answer = api.RunRestlet(kTimezone);
    const std::string zone = js::text_or_empty(js::get(&answer, "userTimezone"));
    if (sdk::timezones::zone_offset_minutes(zone, 0)) return zone;
    api.call().warn("NetSuite time zone '" + zone + "' is not one we know; times are UTC");
  } catch (const std::exception& e) {
    api.call().warn(std::string("NetSuite time zone unavailable, times are UTC: ") + e.what());
  }
  return {};
}

int ZoneOffset(Api& api, int64_t at_ms) {
  const std::string zone = ZoneName(api);
  return zone.empty() ? 0 : sdk::timezones::zone_offset_minutes(zone, at_ms).value_or(0);
}

std::optional<int> RecordOffset(const json::object& user) {
  const json::value* offset = js::get(user, "timezoneOffset");
  if (!offset || !offset->is_string()) return std::nullopt;
  const std::string_view s = offset->get_string();  // "+05:30" / "-04:00" exactly
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (s.size() != 6 || (s[0] != '+' && s[0] != '-') || !digit(s[1]) || !digit(s[2]) ||
      s[3] != ':' || !digit(s[4]) || !digit(s[5]))
    return std::nullopt;
  return sdk::time::utc_offset_minutes(*offset);
}

// The account's token endpoint. A hostname that names no NetSuite account gets a failMessage
// before any code or secret could go anywhere.
json::value NetSuite::getOauthInfo(Call& call, const json::object& in) {
  json::object out{{"clientId", call.setting("oauth_client_id").value_or("")},
                   {"clientSecret", call.setting("oauth_client_secret").value_or("")},
                   {"redirectUri", kRedirectUri}};
  if (auto account = AccountOf(sdk::string_field(in, "hostname"))) {
    out["accessTokenUri"] =
        "https://" + *account + ".suitetalk.api.netsuite.com/services/rest/auth/oauth2/v1/token";
  } else {
    out["accessTokenUri"] = "";
    out["failMessage"] =
        "The NetSuite address must be your account's, such as 1234567.app.netsuite.com.";
  }
  return out;
}

// The current user (RESTlet), whether the account is OneWorld, and the role's permissions; the
// user id comes from the entity and company NetSuite put in the login redirect.
json::value NetSuite::getUserInfo(Call& call, const json::object& in) {
  auto account = AccountOf(sdk::string_field(in, "hostname"));
  if (!account) return Warning("Could not load user information", kCannotReadUser, 60000);
  Api api(call, *account, sdk::string_field(in, "authHeader"));
  const json::object& query = object_of(in, "query");
  const std::string callback =
      sdk::string_field(in, "callbackUri", sdk::string_field(query, "callbackUri"));
  std::string entity = UriParam(callback, "entity");
  std::string company = UriParam(callback, "company");
  if (entity.empty()) entity = sdk::string_field(query, "entity");
  if (company.empty()) company = sdk::string_field(query, "company");
  json::value user;
  try {
    user = api.RunRestlet(kCurrentUser);
  } catch (const std::exception& e) {
    call.warn(std::string("NetSuite current user unavailable: ") + e.what());
    return Warning(DetailOr(e, "Could not load user information"), kCannotReadUser, 60000);
  }
  json::value one_world = nullptr;
  try {
    const json::value answer = api.RunRestlet(kOneWorld);
    if (const json::value* v = js::get(&answer, "oneWorldEnabled")) one_world = *v;
  } catch (const std::exception& e) {
    call.warn(std::string("NetSuite OneWorld check failed: ") + e.what());
    if (js::truthy(js::get(&user, "subsidiary"))) one_world = true;
  }
  try {
    json::array codes;
    for (const char* code : kRequiredPermissions)
      codes.push_back(json::value(code));
    const json::value body = json::object{{"requiredPermissions", std::move(codes)}};
    const json::value answer = api.RunRestlet(kPermissions, "POST", &body);
    const std::string missing = MissingPermissionsText(answer, js::truthy(one_world));
    if (!missing.empty()) return Warning(missing, "", 60000);
  } catch (const std::exception& e) {
    call.warn(std::string("NetSuite permission check failed, continuing: ") + e.what());
  }
  if (entity.empty() || company.empty())
    return Warning(
        "Missing required NetSuite parameters (entity or company). Please try reconnecting to "
        "NetSuite.",
        "", 10000);
  return json::object{{"successful", true},
                      {"platformUserInfo", PlatformUser(entity, company, user, one_world)},
                      {"returnMessage", return_message("Connected to NetSuite.", "success", 1000)}};
}

// Revokes the refresh token at the account (the host drops both tokens whatever NetSuite says).
json::value NetSuite::unAuthorize(Call& call, const json::object& in) {
  const json::object& user = object_of(in, "user");
  const std::string token = sdk::string_field(user, "refreshToken");
  if (auto account = AccountOf(sdk::string_field(user, "hostname")); account && !token.empty())
    RevokeToken(call, *account, call.setting("oauth_client_id").value_or(""),
                call.setting("oauth_client_secret").value_or(""), token);
  return json::object{{"returnMessage", return_message("Logged out of NetSuite", "success", 3000)},
                      {"userUpdate", json::object{{"accessToken", ""}, {"refreshToken", ""}}}};
}

// Employees with an email, for server-side logging's user mapping; [] when NetSuite fails.
json::value NetSuite::getUserList(Call& call, const json::object& in) {
  try {
    Api api(call, in);
    return Employees(api.SuiteQl(
        "SELECT id, firstname,middlename, lastname, email, giveaccess, isinactive FROM employee"));
  } catch (const std::exception& e) {
    call.warn(std::string("NetSuite employees unavailable: ") + e.what());
    return json::array();
  }
}

}  // namespace netsuite

CRMHOST_PLUGIN(netsuite::NetSuite)
