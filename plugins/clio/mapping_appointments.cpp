// The appointment half of mapping.h: Clio calendar entries <-> App Connect appointments.
#include <crmhost/plugin.hpp>
#include <crmhost/sdk/contract.hpp>
#include <crmhost/sdk/js.hpp>
#include <crmhost/sdk/time.hpp>

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include "mapping.h"

namespace clio {

namespace sdk = crmhost::sdk;
namespace js = crmhost::sdk::js;
using sdk::contract::value_or;

int64_t DurationMinutes(int64_t start_ms, int64_t end_ms) {
  return std::max<int64_t>(0, (end_ms - start_ms + 30000) / 60000);  // rounded, never negative
}

json::value EndAt(const std::string& start, const json::value* duration) {
  const auto start_ms = sdk::time::parse_iso8601(start);
  if (!start_ms) return nullptr;
  double minutes = 0;
  if (duration && duration->is_number()) minutes = duration->to_number<double>();
  return json::value(sdk::time::format_iso8601(*start_ms + int64_t(minutes * 60000)));
}

json::array ContactAttendees(const json::value* contacts) {
  json::array out;
  if (!contacts || !contacts->is_array()) return out;
  std::set<int64_t> seen;
  for (const json::value& c : contacts->get_array()) {
    const json::value* id = c.is_object() ? js::get(&c, "id") : &c;
    if (!id) continue;
    const std::string digits = js::to_string(*id);
    int64_t n = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (ec != std::errc() || end != digits.data() + digits.size() || !seen.insert(n).second)
      continue;
    out.push_back(json::object{{"id", n}, {"type", "Contact"}});
  }
  return out;
}

json::array ListedAppointments(const json::value& listed, const json::value* range) {
  std::optional<int64_t> from, to;
  if (range && range->is_object()) {
    const json::object& r = range->get_object();
    from = sdk::time::parse_iso8601(sdk::string_field(r, "startDate"));
    to = sdk::time::parse_iso8601(sdk::string_field(r, "endDate"));
    if (to) *to += 86400000 - 1;  // through the end of that day
  }
  json::array appointments;
  const json::value* entries = Data(listed);
  if (!entries || !entries->is_array()) return appointments;
  for (const json::value& e : entries->get_array()) {
    if (!e.is_object()) continue;
    const json::object& o = e.get_object();
    const auto start = sdk::time::parse_iso8601(sdk::string_field(o, "start_at"));
    const auto end = sdk::time::parse_iso8601(sdk::string_field(o, "end_at"));
    if (from && to && (!start || *start < *from || *start > *to)) continue;
    const json::value id = o.contains("id") && !o.at("id").is_null()
                               ? json::value(js::to_string(o.at("id")))
                               : json::value();
    json::array attendees;
    if (const json::value* list = sdk::field(o, "attendees"); list && list->is_array())
      for (const json::value& a : list->get_array())
        if (const json::value* aid = js::get(&a, "id"); aid && !aid->is_null())
          attendees.push_back(json::object{{"id", *aid},
                                           {"name", value_or(a.get_object(), "name")},
                                           {"type", value_or(a.get_object(), "type")}});
    appointments.push_back(json::object{
        {"thirdPartyAppointmentId", id},
        {"id", id},
        {"title", js::text_or_empty(sdk::field(o, "summary"))},
        {"description", js::text_or_empty(sdk::field(o, "description"))},
        {"participantName", ""},
        {"startTimeUtc", start ? json::value(sdk::time::format_iso8601(*start)) : json::value()},
        {"durationMinutes", start && end ? DurationMinutes(*start, *end) : 0},
        {"status", "scheduled"},
        {"contactId", ""},
        {"attendees", std::move(attendees)}});
  }
  return appointments;
}

json::object Appointment(const json::value* entry) {
  const json::object empty;
  const json::object& e = entry && entry->is_object() ? entry->get_object() : empty;
  std::map<std::string, json::value> props;
  if (const json::value* list = sdk::field(e, "external_properties"); list && list->is_array())
    for (const json::value& p : list->get_array())
      if (const json::value* name = js::get(&p, "name"); name && name->is_string())
        props[std::string(name->get_string())] = value_or(p.get_object(), "value");
  auto prop = [&](const char* name) -> const json::value* {
    auto it = props.find(name);
    return it == props.end() || it->second.is_null() ? nullptr : &it->second;
  };
  const json::value* attendee = First(sdk::field(e, "attendees"));
  json::array attendee_ids;
  if (const json::value* list = sdk::field(e, "attendees"); list && list->is_array())
    for (const json::value& a : list->get_array())
      if (const json::value* aid = js::get(&a, "id"); aid && !aid->is_null())
        attendee_ids.push_back(json::value(js::to_string(*aid)));
  const json::value* attendee_id = js::get(attendee, "id");
  auto or_attendee = [&](const char* property, const json::value* fallback) -> json::value {
    if (const json::value* p = prop(property)) return *p;
    return fallback && !fallback->is_null() ? *fallback : json::value();
  };
  const auto start = sdk::time::parse_iso8601(sdk::string_field(e, "start_at"));
  const auto end = sdk::time::parse_iso8601(sdk::string_field(e, "end_at"));
  const json::value* id = sdk::field(e, "id");
  json::value contact_id =
      prop("rcAppointmentContactId")
          ? *prop("rcAppointmentContactId")
          : (attendee_id && !attendee_id->is_null() ? json::value(js::to_string(*attendee_id))
                                                    : json::value());
  return json::object{
      {"id", id && !id->is_null() ? json::value(js::to_string(*id)) : json::value()},
      {"participantName", or_attendee("rcAppointmentParticipantName", js::get(attendee, "name"))},
      {"contactId", contact_id},
      {"contactType", or_attendee("rcAppointmentContactType", js::get(attendee, "type"))},
      {"attendeeIds", std::move(attendee_ids)},
      {"title", or_attendee("rcAppointmentTitle", sdk::field(e, "summary"))},
      {"summary", value_or(e, "description")},
      {"startTimeUtc", value_or(e, "start_at")},
      {"durationMinutes", start && end ? json::value(DurationMinutes(*start, *end)) : nullptr},
      {"status",
       prop("rcAppointmentStatus") ? *prop("rcAppointmentStatus") : json::value("tentative")}};
}

json::object NewCalendarEntry(const json::object& payload, const json::value& calendar) {
  const std::string start = sdk::string_field(payload, "startTimeUtc");
  json::object data{
      {"calendar_owner", json::object{{"id", calendar}}},
      {"summary", payload.contains("title") ? payload.at("title") : value_or(payload, "summary")},
      {"description", js::text_or_empty(sdk::field(payload, "summary"))},
      {"start_at", start.empty() ? json::value() : json::value(start)},
      {"end_at", EndAt(start, sdk::field(payload, "durationMinutes"))},
      {"send_email_notification", false}};
  if (data["summary"].is_null()) data["summary"] = "Appointment";
  json::array attendees = ContactAttendees(sdk::field(payload, "contacts"));
  if (!attendees.empty()) data["attendees"] = std::move(attendees);
  return data;
}

json::object CalendarEntryPatch(const json::object& patch, const json::value* existing) {
  json::object data;
  if (patch.contains("title")) data["summary"] = patch.at("title");
  if (patch.contains("summary")) data["description"] = patch.at("summary");
  if (patch.contains("startTimeUtc")) {
    const std::string start = sdk::string_field(patch, "startTimeUtc");
    data["start_at"] = patch.at("startTimeUtc");
    data["end_at"] = EndAt(start, sdk::field(patch, "durationMinutes"));
  }
  const json::value* contacts = sdk::field(patch, "contacts");
  if (!contacts || !contacts->is_array()) return data;
  // Attendees not in the new list are removed (_destroy), the rest kept or added.
  json::array wanted = ContactAttendees(contacts);
  std::set<std::string> keep;
  for (auto& a : wanted)
    keep.insert(js::to_string(a.at("id")));
  json::array attendees;
  std::set<std::string> removed;
  if (const json::value* had = js::get(existing, "attendees"); had && had->is_array())
    for (const json::value& a : had->get_array())
      if (const json::value* aid = js::get(&a, "id"); aid && !aid->is_null()) {
        const std::string key = js::to_string(*aid);
        if (!keep.count(key) && removed.insert(key).second)
          attendees.push_back(json::object{{"id", *aid}, {"type", "Contact"}, {"_destroy", true}});
      }
  for (auto& a : wanted)
    attendees.push_back(std::move(a));
  data["attendees"] = std::move(attendees);
  return data;
}

}  // namespace clio
