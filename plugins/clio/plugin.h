// The Clio plugin's class: one member per App Connect operation. The operations live in
// plugin.cpp (login, contacts, call logs), messages.cpp (message logs) and appointments.cpp
// (calendar entries); api.cpp is Clio's HTTP API and mapping.cpp the JSON.
#ifndef CRMHOST_PLUGINS_CLIO_PLUGIN_H
#define CRMHOST_PLUGINS_CLIO_PLUGIN_H

#include <crmhost/plugin.hpp>

#include <string>

#include "api.h"

extern const char kClioManifest[];  // manifest.json, embedded at build time

namespace clio {

namespace json = boost::json;

class Clio {
 public:
  static constexpr const char* kName = "clio";
  static constexpr const char* kVersion = "1.0.0";
  static constexpr const char* kManifest = kClioManifest;

  using Call = crmhost::sdk::Call;

  json::value getAuthType(Call&, const json::object&) { return "oauth"; }
  json::value getLogFormatType(Call&, const json::object&) { return "text/plain"; }
  json::value getOauthInfo(Call& call, const json::object& in);
  json::value getUserInfo(Call& call, const json::object& in);
  json::value refreshUserInfo(Call& call, const json::object& in);
  json::value unAuthorize(Call& call, const json::object& in);
  json::value getUserList(Call& call, const json::object& in);
  json::value findContact(Call& call, const json::object& in);
  json::value findContactWithName(Call& call, const json::object& in);
  json::value createContact(Call& call, const json::object& in);
  json::value createCallLog(Call& call, const json::object& in);
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
  json::value cancelAppointment(Call& call, const json::object& in);

  static constexpr auto operations() {
    using Op = crmhost::sdk::Operation<Clio>;
    return std::array{
        Op{"getAuthType", &Clio::getAuthType},
        Op{"getLogFormatType", &Clio::getLogFormatType},
        Op{"getOauthInfo", &Clio::getOauthInfo},
        Op{"getUserInfo", &Clio::getUserInfo},
        Op{"refreshUserInfo", &Clio::refreshUserInfo},
        Op{"unAuthorize", &Clio::unAuthorize},
        Op{"getUserList", &Clio::getUserList},
        Op{"findContact", &Clio::findContact},
        Op{"findContactWithName", &Clio::findContactWithName},
        Op{"createContact", &Clio::createContact},
        Op{"createCallLog", &Clio::createCallLog},
        Op{"getCallLog", &Clio::getCallLog},
        Op{"updateCallLog", &Clio::updateCallLog},
        Op{"upsertCallDisposition", &Clio::upsertCallDisposition},
        Op{"createMessageLog", &Clio::createMessageLog},
        Op{"updateMessageLog", &Clio::updateMessageLog},
        Op{"listAppointments", &Clio::listAppointments},
        Op{"createAppointment", &Clio::createAppointment},
        Op{"updateAppointment", &Clio::updateAppointment},
        Op{"refreshAppointment", &Clio::refreshAppointment},
        Op{"cancelAppointment", &Clio::cancelAppointment},
    };
  }

 private:
  // messages.cpp: the message's text (an MMS image uploaded into Clio Documents and linked),
  // and the time entry of an outbound SMS.
  static std::string MessageText(Api& clio, const json::object& in, const json::object& message);
  static void LogSmsTime(Api& clio, const json::object& in, const std::string& communication_id);
};

}  // namespace clio

#endif  // CRMHOST_PLUGINS_CLIO_PLUGIN_H
