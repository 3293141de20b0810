// The Bullhorn plugin's class: one member per App Connect operation. The operations live in
// plugin.cpp (login, the REST session, server-side logging, users, account data), contacts.cpp,
// logs.cpp (call and message logs as Notes) and appointments.cpp; api.cpp is Bullhorn's HTTP API
// and mapping.cpp the JSON.
#ifndef CRMHOST_PLUGINS_BULLHORN_PLUGIN_H
#define CRMHOST_PLUGINS_BULLHORN_PLUGIN_H

#include <crmhost/plugin.hpp>

#include <string>

#include "api.h"

extern const char kBullhornManifest[];  // manifest.json, embedded at build time

namespace bullhorn {

namespace json = boost::json;

class Bullhorn {
 public:
  static constexpr const char* kName = "bullhorn";
  static constexpr const char* kVersion = BULLHORN_PLUGIN_VERSION;
  static constexpr const char* kManifest = kBullhornManifest;

  using Call = crmhost::sdk::Call;

  json::value getAuthType(Call&, const json::object&) { return "oauth"; }
  json::value getLogFormatType(Call&, const json::object&) { return "text/html"; }
  json::value getOauthInfo(Call& call, const json::object& in);
  json::value getOverridingOAuthOption(Call& call, const json::object& in);
  json::value getUserInfo(Call& call, const json::object& in);
  json::value checkAndRefreshAccessToken(Call& call, const json::object& in);
  json::value authValidation(Call& call, const json::object& in);
  json::value unAuthorize(Call& call, const json::object& in);
  json::value getServerLoggingSettings(Call& call, const json::object& in);
  json::value updateServerLoggingSettings(Call& call, const json::object& in);
  json::value getUserList(Call& call, const json::object& in);
  json::value getAccountDataKeys(Call& call, const json::object& in);
  json::value fetchAccountData(Call& call, const json::object& in);
  // contacts.cpp
  json::value findContact(Call& call, const json::object& in);
  json::value findContactWithName(Call& call, const json::object& in);
  json::value createContact(Call& call, const json::object& in);
  // logs.cpp
  json::value createCallLog(Call& call, const json::object& in);
  json::value findCallLogForSession(Call& call, const json::object& in);
  json::value getCallLog(Call& call, const json::object& in);
  json::value updateCallLog(Call& call, const json::object& in);
  json::value upsertCallDisposition(Call& call, const json::object& in);
  json::value createMessageLog(Call& call, const json::object& in);
  json::value updateMessageLog(Call& call, const json::object& in);
  // appointments.cpp
  json::value listAppointments(Call& call, const json::object& in);
  json::value createAppointment(Call& call, const json::object& in);
  json::value updateAppointment(Call& call, const json::object& in);
  json::value refreshAppointment(Call& call, const json::object& in);
  json::value cancelAppointment(Call& call, const json::object& in);

  static constexpr auto operations() {
    using Op = crmhost::sdk::Operation<Bullhorn>;
    return std::array{
        Op{"getAuthType", &Bullhorn::getAuthType},
        Op{"getLogFormatType", &Bullhorn::getLogFormatType},
        Op{"getOauthInfo", &Bullhorn::getOauthInfo},
        Op{"getOverridingOAuthOption", &Bullhorn::getOverridingOAuthOption},
        Op{"getUserInfo", &Bullhorn::getUserInfo},
        Op{"checkAndRefreshAccessToken", &Bullhorn::checkAndRefreshAccessToken},
        Op{"authValidation", &Bullhorn::authValidation},
        Op{"unAuthorize", &Bullhorn::unAuthorize},
        Op{"getServerLoggingSettings", &Bullhorn::getServerLoggingSettings},
        Op{"updateServerLoggingSettings", &Bullhorn::updateServerLoggingSettings},
        Op{"getUserList", &Bullhorn::getUserList},
        Op{"getAccountDataKeys", &Bullhorn::getAccountDataKeys},
        Op{"fetchAccountData", &Bullhorn::fetchAccountData},
        Op{"findContact", &Bullhorn::findContact},
        Op{"findContactWithName", &Bullhorn::findContactWithName},
        Op{"createContact", &Bullhorn::createContact},
        Op{"createCallLog", &Bullhorn::createCallLog},
        Op{"findCallLogForSession", &Bullhorn::findCallLogForSession},
        Op{"getCallLog", &Bullhorn::getCallLog},
        Op{"updateCallLog", &Bullhorn::updateCallLog},
        Op{"upsertCallDisposition", &Bullhorn::upsertCallDisposition},
        Op{"createMessageLog", &Bullhorn::createMessageLog},
        Op{"updateMessageLog", &Bullhorn::updateMessageLog},
        Op{"listAppointments", &Bullhorn::listAppointments},
        Op{"createAppointment", &Bullhorn::createAppointment},
        Op{"updateAppointment", &Bullhorn::updateAppointment},
        Op{"refreshAppointment", &Bullhorn::refreshAppointment},
        Op{"cancelAppointment", &Bullhorn::cancelAppointment},
    };
  }
};

// account_data.cpp: bullhornData (note actions and each person type's statuses), kept in the
// plugin's store for a day as the reference's account data is: fetched when absent, stale or
// forced; a failed refresh serves what was kept.
json::object FetchAccountData(Api& api, const json::object& user);
json::object CachedAccountData(Api& api, const json::object& user, bool force);

// The API user and password server-side logging logs in with (plugin kv, sealed by the host),
// or nullopt.
struct ApiCredentials {
  std::string username;
  std::string password;
};
std::optional<ApiCredentials> StoredCredentials(crmhost::sdk::Call& call, const json::object& user);

}  // namespace bullhorn

#endif  // CRMHOST_PLUGINS_BULLHORN_PLUGIN_H
