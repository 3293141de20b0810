// Appointments are Bullhorn Appointments owned by the user, with the person in its candidate,
// client-contact or lead reference and every contact as an AppointmentAttendee; cancelling marks
// one deleted (Bullhorn keeps it).
#include <crmhost/sdk/contract.hpp>
#include <crmhost/sdk/js.hpp>

#include "mapping.h"
#include "plugin.h"

namespace bullhorn {
namespace sdk = crmhost::sdk;
namespace js = crmhost::sdk::js;
using sdk::contract::object_of;
using sdk::contract::return_message;

namespace {

constexpr const char* kFields =
    "id,subject,description,dateBegin,dateEnd,isDeleted,candidateReference,clientContactReference";

json::object Failed(std::string_view message) {
  return json::object{{"successful", false},
                      {"returnMessage", return_message(message, "warning", 5000)}};
}

std::string Segment(const json::object& in) {
  return sdk::url_encode(sdk::string_field(in, "appointmentId"));
}

json::array Rows(const json::value& answer) {
  const json::value* data = js::get(&answer, "data");
  return data && data->is_array() ? data->get_array() : json::array();
}

// Adds a contact to an appointment; a failure is logged and the others still go.
void AddAttendee(Api& api, int64_t appointment, int64_t attendee) {
  try {
    api.Put("entity/AppointmentAttendee",
            json::object{{"appointment", json::object{{"id", appointment}}},
                         {"attendee", json::object{{"id", attendee}}}});
  } catch (const sdk::UpstreamError& e) {
    api.call().warn(std::string("Bullhorn refused an appointment attendee: ") + e.what());
  }
}

// The appointment's attendees become exactly `wanted`: links to others are deleted, missing ones
// added. Failures are logged, as the reference does, and the update still answers.
void SyncAttendees(Api& api, int64_t appointment, const std::vector<int64_t>& wanted) {
  std::vector<std::pair<int64_t, int64_t>> links;  // (attendee, link)
  try {
    json::value found = api.Get(
        "query/AppointmentAttendee?fields=" + sdk::url_encode("id,attendee(id),appointment(id)") +
        "&where=" + sdk::url_encode("appointment.id=" + std::to_string(appointment)) +
        "&start=0&count=2000");
    for (auto& row : Rows(found)) {
      auto attendee =
          ContactId(js::get(&row, "attendee") ? *js::get(&row, "attendee") : json::value());
      auto link =
          ContactId(row.is_object() && js::get(&row, "id") ? *js::get(&row, "id") : json::value());
      if (attendee && link) links.emplace_back(*attendee, *link);
    }
  } catch (const sdk::UpstreamError& e) {
    api.call().warn(std::string("Bullhorn appointment attendees not read: ") + e.what());
  }
  auto wanted_has = [&](int64_t id) {
    return std::find(wanted.begin(), wanted.end(), id) != wanted.end();
  };
  for (auto [attendee, link] : links) {
    if (wanted_has(attendee)) continue;
    try {
      api.Delete("entity/AppointmentAttendee/" + std::to_string(link));
    } catch (const sdk::UpstreamError& e) {
      api.call().warn(std::string("Bullhorn appointment attendee not removed: ") + e.what());
    }
  }
  for (int64_t id : wanted)
    if (std::none_of(links.begin(), links.end(), [&](auto& l) { return l.first == id; }))
      AddAttendee(api, appointment, id);
}

}  // namespace

// The user's appointments starting in the range (a page of 20, by start), with their attendees.
json::value Bullhorn::listAppointments(Call& call, const json::object& in) {
  try {
    Api api(call, in);
    const auto range = RangeOf(in.contains("range") ? in.at("range") : json::value())
                           .value_or(DefaultRange(call.now_ms()));
    const std::string owner =
        sdk::string_field(object_of(object_of(in, "user"), "platformAdditionalInfo"), "id");
    const std::string where = "isDeleted=false AND owner.id=" + owner +
                              " AND dateBegin>=" + std::to_string(range.first) +
                              " AND dateBegin<=" + std::to_string(range.second);
    json::value page =
        api.Get("query/Appointment?fields=" + sdk::url_encode(std::string(kFields) + ",lead") +
                "&where=" + sdk::url_encode(where) + "&start=0&count=20&orderBy=dateBegin");
    const json::array rows = Rows(page);
    std::vector<int64_t> seen;
    std::string ids;
    for (auto& row : rows)
      if (auto id = ContactId(js::get(&row, "id") ? *js::get(&row, "id") : json::value());
          id && std::find(seen.begin(), seen.end(), *id) == seen.end()) {
        seen.push_back(*id);
        ids += (ids.empty() ? "" : ",") + std::to_string(*id);
      }
    json::object attendees;
    if (!ids.empty())
      attendees = AttendeesByAppointment(api.Get(
          "query/AppointmentAttendee?fields=" +
          sdk::url_encode("id,appointment(id),attendee(id),acceptanceStatus") +
          "&where=" + sdk::url_encode("appointment.id IN (" + ids + ")") + "&start=0&count=2000"));
    json::array appointments;
    for (auto& row : rows) {
      json::object appointment = Appointment(row);
      if (appointment.at("id").is_null()) continue;
      const json::value* list = attendees.if_contains(appointment.at("id").get_string());
      appointment["attendees"] = list ? *list : json::array();
      appointments.push_back(std::move(appointment));
    }
    return api.Finish(json::object{{"appointments", std::move(appointments)}});
  } catch (const sdk::UpstreamError& e) {
    call.warn(std::string("Bullhorn appointments not listed: ") + e.what());
    return Failed("Error listing appointments");
  }
}

json::value Bullhorn::createAppointment(Call& call, const json::object& in) {
  Api api(call, in);
  const json::object& payload = object_of(in, "payload");
  json::value made = api.Put("entity/Appointment", NewAppointment(payload, call.now_ms()));
  const json::value* id = js::get(&made, "changedEntityId");
  const auto number = id ? ContactId(*id) : std::nullopt;
  if (!number) return Failed("Could not create appointment in Bullhorn.");
  for (int64_t contact :
       ContactIds(payload.contains("contacts") ? payload.at("contacts") : json::value()))
    AddAttendee(api, *number, contact);
  return api.Finish(json::object{{"appointmentId", std::to_string(*number)}});
}

json::value Bullhorn::updateAppointment(Call& call, const json::object& in) {
  try {
    Api api(call, in);
    const json::object& patch = object_of(in, "patchBody");
    json::object body = AppointmentPatch(patch);
    const json::value* contacts = js::get(patch, "contacts");
    const bool attendees = contacts && contacts->is_array();
    if (js::get(patch, "status") && body.empty() && !attendees)
      return Failed("Bullhorn does not support appointment status changes.");
    api.Post("entity/Appointment/" + Segment(in), body);
    if (auto number =
            ContactId(in.contains("appointmentId") ? in.at("appointmentId") : json::value());
        attendees && number)
      SyncAttendees(api, *number, ContactIds(*contacts));
    json::value fresh =
        api.Get("entity/Appointment/" + Segment(in) + "?fields=" + sdk::url_encode(kFields));
    return api.Finish(json::object{
        {"appointment",
         Appointment(js::get(&fresh, "data") ? *js::get(&fresh, "data") : json::value())}});
  } catch (const sdk::UpstreamError& e) {
    call.warn(std::string("Bullhorn appointment not updated: ") + e.what());
    return Failed("Error updating appointment");
  }
}

json::value Bullhorn::refreshAppointment(Call& call, const json::object& in) {
  Api api(call, in);
  json::value found = api.Get("entity/Appointment/" + Segment(in) + "?fields=" +
                              sdk::url_encode(std::string(kFields) + ",lead,attendees"));
  json::object appointment =
      Appointment(js::get(&found, "data") ? *js::get(&found, "data") : json::value());
  if (appointment.at("id").is_null()) return Failed("Appointment not found in Bullhorn.");
  return api.Finish(json::object{{"appointment", std::move(appointment)}});
}

json::value Bullhorn::cancelAppointment(Call& call, const json::object& in) {
  Api api(call, in);
  api.Post("entity/Appointment/" + Segment(in), json::object{{"isDeleted", true}});
  return api.Finish(json::object{
      {"successful", true},
      {"returnMessage", return_message("Appointment cancelled successfully.", "success", 5000)}});
}

}  // namespace bullhorn
