// The NetSuite plugin's class: one member per App Connect operation. plugin.cpp has login, users
// and the user's time zone; contacts.cpp lookups and new records; calls.cpp phone calls (logs,
// dispositions as user notes on sales orders and opportunities, transcript files);
// messages.cpp message logs; appointments.cpp calendar events. api.cpp is NetSuite's HTTP API
// and mapping*.cpp the JSON and text.
#ifndef CRMHOST_PLUGINS_NETSUITE_PLUGIN_H
#define CRMHOST_PLUGINS_NETSUITE_PLUGIN_H

#include <crmhost/plugin.hpp>

#include <string>

#include "api.h"

extern const char kNetSuiteManifest[];  // manifest.json, embedded at build time

namespace netsuite {

namespace json = boost::json;

class NetSuite {
 public:
  static constexpr const char* kName = "netsuite";
  static constexpr const char* kVersion = NETSUITE_PLUGIN_VERSION;
  static constexpr const char* kManifest = kNetSuiteManifest;

  using Call = crmhost::sdk::Call;

  json::value getAuthType(Call&, const json::object&) { return "oauth"; }
  json::value getLogFormatType(Call&, const json::object&) { return "text/plain"; }
  json::value getOauthInfo(Call& call, const json::object& in);
  json::value getUserInfo(Call& call, const json::object& in);
  json::value unAuthorize(Call& call, const json::object& in);
  json::value getUserList(Call& call, const json::object& in);
  // contacts.cpp
  json::value findContact(Call& call, const json::object& in);
  json::value findContactWithName(Call& call, const json::object& in);
  json::value createContact(Call& call, const json::object& in);
  // calls.cpp
  json::value createCallLog(Call& call, const json::object& in);
  json::value findCallLogForSession(Call& call, const json::object& in);
  json::value getCallLog(Call& call, const json::object& in);
  json::value updateCallLog(Call& call, const json::object& in);
  json::value upsertCallDisposition(Call& call, const json::object& in);
  // messages.cpp
  json::value createMessageLog(Call& call, const json::object& in);
  json::value updateMessageLog(Call& call, const json::object& in);
  // appointments.cpp
  json::value listAppointments(Call& call, const json::object& in);
  json::value createAppointment(Call& call, const json::object& in);
  json::value updateAppointment(Call& call, const json::object& in);
  json::value refreshAppointment(Call& call, const json::object& in);
  json::value confirmAppointment(Call& call, const json::object& in);
  json::value cancelAppointment(Call& call, const json::object& in);

  static constexpr auto operations() {
    using Op = crmhost::sdk::Operation<NetSuite>;
    return std::array{
        Op{"getAuthType", &NetSuite::getAuthType},
        Op{"getLogFormatType", &NetSuite::getLogFormatType},
        Op{"getOauthInfo", &NetSuite::getOauthInfo},
        Op{"getUserInfo", &NetSuite::getUserInfo},
        Op{"unAuthorize", &NetSuite::unAuthorize},
        Op{"getUserList", &NetSuite::getUserList},
        Op{"findContact", &NetSuite::findContact},
        Op{"findContactWithName", &NetSuite::findContactWithName},
        Op{"createContact", &NetSuite::createContact},
        Op{"createCallLog", &NetSuite::createCallLog},
        Op{"findCallLogForSession", &NetSuite::findCallLogForSession},
        Op{"getCallLog", &NetSuite::getCallLog},
        Op{"updateCallLog", &NetSuite::updateCallLog},
        Op{"upsertCallDisposition", &NetSuite::upsertCallDisposition},
        Op{"createMessageLog", &NetSuite::createMessageLog},
        Op{"updateMessageLog", &NetSuite::updateMessageLog},
        Op{"listAppointments", &NetSuite::listAppointments},
        Op{"createAppointment", &NetSuite::createAppointment},
        Op{"updateAppointment", &NetSuite::updateAppointment},
        Op{"refreshAppointment", &NetSuite::refreshAppointment},
        Op{"confirmAppointment", &NetSuite::confirmAppointment},
        Op{"cancelAppointment", &NetSuite::cancelAppointment},
    };
  }
};

// plugin.cpp: the user's UTC offset at `at_ms` from the time-zone RESTlet (IANA name); 0 (UTC),
// with a warning logged, when the RESTlet fails or names a zone we do not know.
int ZoneOffset(Api& api, int64_t at_ms);
// The user's NetSuite time zone (IANA name) from the RESTlet; "" (a warning logged) when the
// RESTlet fails or names a zone we do not know.
std::string ZoneName(Api& api);
// The offset the user record gives ("-04:00", user.timezoneOffset), if any.
std::optional<int> RecordOffset(const json::object& user);

// contacts.cpp: the placeholder company's id, found or created (with an entityId when
// `with_entity_id`, as createContact makes it).
std::string PlaceholderCompanyId(Api& api, const json::object& user, bool with_entity_id);

// calls.cpp: files the whole transcript of a phone call whose message could hold only part of
// it in the "App Connect Phone Calls" folder and attaches it. Failures are logged only.
void AttachTranscript(Api& api, const std::string& call_id, const std::string& subject,
                      const std::string& transcript);

}  // namespace netsuite

#endif  // CRMHOST_PLUGINS_NETSUITE_PLUGIN_H
