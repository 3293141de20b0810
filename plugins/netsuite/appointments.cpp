// Appointments are NetSuite calendar events: listed through the SuiteApp's calendar RESTlet,
// created, changed and read through the record API, confirmed and cancelled by their status
// (NetSuite keeps a cancelled event).
#include <crmhost/sdk/contract.hpp>
#include <crmhost/sdk/js.hpp>
#include <crmhost/sdk/time.hpp>

#include "mapping.h"
#include "plugin.h"

namespace netsuite {
namespace sdk = crmhost::sdk;
namespace js = crmhost::sdk::js;
using sdk::contract::object_of;
using sdk::contract::return_message;

namespace {

json::object Failed(const std::exception& e, std::string_view fallback) {
  return Warning(DetailOr(e, fallback), "", 60000);
}

// NetSuite keeps an event's wall-clock times: they are read and written in the user record's
// offset, else in the user's NetSuite time zone (the reference writes in that zone but reads in
// the server's, UTC, which moves every event it lists by the user's offset).
WallZone UserZone(Api& api, const json::object& in) {
  WallZone zone;
  zone.fixed = RecordOffset(object_of(in, "user"));
  if (zone.fixed) return zone;
  zone.iana = ZoneName(api);
  if (zone.iana.empty()) zone.fixed = 0;
  return zone;
}

std::string EventPath(const json::object& in) {
  return "calendarEvent/" + sdk::url_encode(sdk::string_field(in, "appointmentId"));
}

json::value Refreshed(Api& api, const json::object& in) {
  const json::value found = api.Get(EventPath(in));
  const json::value* record = js::get(&found, "data");
  if (!record) record = &found;
  if (!record->is_object() || record->get_object().empty())
    return Warning("Appointment not found in NetSuite.", "", 5000);
  return json::object{{"appointment", Appointment(*record, UserZone(api, in))}};
}

std::string Day(int64_t ms) {
  return sdk::time::format_moment(ms, 0, "YYYY-MM-DD");
}

// [start, end] of the range asked, else a month back to three months ahead.
std::pair<std::string, std::string> Range(const json::object& in, int64_t now) {
  const json::object& range = object_of(in, "range");
  std::string start = sdk::string_field(range, "startDate");
  std::string end = sdk::string_field(range, "endDate");
  const sdk::time::Civil c = sdk::time::to_civil(now);
  auto months = [&](int delta) {
    int64_t index = c.year * 12 + (c.month - 1) + delta;
    const int y = int(index / 12), m = int(index % 12) + 1;
    const int64_t first = sdk::time::days_from_civil(y, m, 1);
    const int64_t next =
        m == 12 ? sdk::time::days_from_civil(y + 1, 1, 1) : sdk::time::days_from_civil(y, m + 1, 1);
    return Day((first + std::min<int64_t>(c.day, next - first) - 1) * 86400000);
  };
  if (start.empty()) start = months(-1);
  if (end.empty()) end = months(3);
  return {start, end};
}

}  // namespace

json::value NetSuite::listAppointments(Call& call, const json::object& in) {
  if (!AccountOf(sdk::string_field(object_of(in, "user"), "hostname")))
    return Warning("Missing NetSuite account information.", "", 5000);
  try {
    Api api(call, in);
    const auto [start, end] = Range(in, call.now_ms());
    const json::value answer =
        api.RunRestlet(kCalendarEvents, "GET", nullptr,
                       "&startDate=" + sdk::url_encode(start) + "&endDate=" + sdk::url_encode(end) +
                           "&page=0&pageSize=1000");
    const WallZone zone = UserZone(api, in);
    json::array appointments;
    if (const json::value* rows = js::get(&answer, "data"); rows && rows->is_array())
      for (auto& row : rows->get_array()) {
        json::object a = Appointment(row, zone);
        if (!a.at("id").is_null()) appointments.push_back(std::move(a));
      }
    return json::object{{"appointments", std::move(appointments)}};
  } catch (const std::exception& e) {
    call.warn(std::string("NetSuite appointments not listed: ") + e.what());
    return Failed(e, "Error listing appointments");
  }
}

json::value NetSuite::createAppointment(Call& call, const json::object& in) {
  try {
    Api api(call, in);
    const json::object& payload = object_of(in, "payload");
    const auto start = EventStart(payload, false);
    const int offset = start ? UserZone(api, in).At(*start) : 0;
    const std::string id = api.Create("calendarEvent", NewEvent(payload, offset));
    // The event exists now: a failed read-back must not hide its id (a retry would make another).
    json::object for_refresh = in;
    for_refresh["appointmentId"] = id;
    json::value fresh;
    try {
      fresh = Refreshed(api, for_refresh);
    } catch (const std::exception& e) {
      call.warn(std::string("NetSuite appointment made, but not read back: ") + e.what());
      return json::object{{"appointmentId", id}};
    }
    const json::value* appointment = js::get(&fresh, "appointment");
    if (!appointment) return json::object{{"appointmentId", id}};
    const json::value* appointment_id = js::get(appointment, "id");
    return json::object{{"appointmentId", appointment_id ? *appointment_id : json::value(id)},
                        {"appointment", *appointment}};
  } catch (const std::exception& e) {
    call.warn(std::string("NetSuite appointment not created: ") + e.what());
    return Failed(e, "Error creating appointment");
  }
}

json::value NetSuite::updateAppointment(Call& call, const json::object& in) {
  try {
    Api api(call, in);
    const json::object& patch = object_of(in, "patchBody");
    const auto start = EventStart(patch, true);
    bool replace = false;
    json::object body = EventPatch(patch, start ? UserZone(api, in).At(*start) : 0, &replace);
    api.Patch(EventPath(in) + (replace ? "?replace=attendee" : ""), body);
    return Refreshed(api, in);
  } catch (const std::exception& e) {
    call.warn(std::string("NetSuite appointment not updated: ") + e.what());
    return Failed(e, "Error updating appointment");
  }
}

json::value NetSuite::refreshAppointment(Call& call, const json::object& in) {
  try {
    Api api(call, in);
    return Refreshed(api, in);
  } catch (const std::exception& e) {
    call.warn(std::string("NetSuite appointment not read: ") + e.what());
    return Failed(e, "Error refreshing appointment");
  }
}

namespace {

json::value SetStatus(sdk::Call& call, const json::object& in, const char* status, const char* done,
                      const char* fallback) {
  try {
    Api api(call, in);
    api.Patch(EventPath(in), json::object{{"status", json::object{{"id", status}}}});
    return json::object{{"successful", true},
                        {"returnMessage", return_message(done, "success", 60000)}};
  } catch (const std::exception& e) {
    call.warn(std::string("NetSuite appointment status not set: ") + e.what());
    return Failed(e, fallback);
  }
}

}  // namespace

json::value NetSuite::confirmAppointment(Call& call, const json::object& in) {
  return SetStatus(call, in, "CONFIRMED", "Appointment confirmed successfully",
                   "Error confirming appointment");
}

json::value NetSuite::cancelAppointment(Call& call, const json::object& in) {
  return SetStatus(call, in, "CANCELLED", "Appointment cancelled successfully",
                   "Error cancelling appointment");
}

}  // namespace netsuite
