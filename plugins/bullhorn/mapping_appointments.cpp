// Appointments: Bullhorn's Appointment read into App Connect's, the bodies that create and
// change one, and the listing window (mapping.h).
#include "mapping.h"

#include <crmhost/plugin.hpp>
#include <crmhost/sdk/contract.hpp>
#include <crmhost/sdk/js.hpp>
#include <crmhost/sdk/text.hpp>
#include <crmhost/sdk/time.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>

namespace bullhorn {
namespace sdk = crmhost::sdk;
namespace js = crmhost::sdk::js;
namespace text = crmhost::sdk::text;
using sdk::contract::object_of;

namespace {

constexpr int64_t kDayMs = 86400000;

std::optional<int64_t> Day(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
  const int y = std::stoi(std::string(s.substr(0, 4)));
  const int m = std::stoi(std::string(s.substr(5, 2)));
  const int d = std::stoi(std::string(s.substr(8, 2)));
  if (m < 1 || m > 12 || d < 1) return std::nullopt;
  const int64_t first = sdk::time::days_from_civil(y, m, 1);
  const int64_t next =
      m == 12 ? sdk::time::days_from_civil(y + 1, 1, 1) : sdk::time::days_from_civil(y, m + 1, 1);
  if (d > next - first) return std::nullopt;
  return (first + d - 1) * kDayMs;
}

// The start of the UTC day `months` calendar months from `ms` (moment's add/subtract: the day
// is clamped to the target month's last).
int64_t DayMonthsFrom(int64_t ms, int months) {
  const sdk::time::Civil c = sdk::time::to_civil(ms);
  int64_t index = c.year * 12 + (c.month - 1) + months;
  const int y = int(index / 12), m = int(index % 12) + 1;
  const int64_t first = sdk::time::days_from_civil(y, m, 1);
  const int64_t next =
      m == 12 ? sdk::time::days_from_civil(y + 1, 1, 1) : sdk::time::days_from_civil(y, m + 1, 1);
  return (first + std::min<int64_t>(c.day, next - first) - 1) * kDayMs;
}

// An appointment's length in minutes: what the client asked, at most ten years (a longer one is
// no appointment, and its milliseconds would overflow).
double Minutes(const json::value* v) {
  const double m = v ? js::to_number(*v) : 0;
  return std::isfinite(m) ? std::clamp(m, 0.0, 10.0 * 365 * 24 * 60) : 0;
}

}  // namespace

// ---- appointments ------------------------------------------------------------------------------

json::object Appointment(const json::value& bh) {
  const json::value* id_v = js::get(&bh, "id");
  const json::value id = id_v ? json::value(js::to_string(*id_v)) : json::value();
  const json::value* begin = js::get(&bh, "dateBegin");
  const json::value* end = js::get(&bh, "dateEnd");
  // Plain numbers, not optionals: GCC's maybe-uninitialized analysis misreads the latter here.
  const bool has_begin = begin && begin->is_number() && js::to_safe_integer(begin);
  const bool has_end = end && end->is_number() && js::to_safe_integer(end);
  const int64_t begin_ms = has_begin ? *js::to_safe_integer(begin) : 0;
  const int64_t end_ms = has_end ? *js::to_safe_integer(end) : 0;
  json::value start = nullptr, duration = nullptr;
  if (has_begin) start = sdk::time::format_iso8601(begin_ms);
  if (has_begin && has_end)
    duration = std::max<int64_t>(0, std::llround(double(end_ms - begin_ms) / 60000.0));
  std::string contact_id, contact_type;
  for (auto [key, type] :
       {std::pair{"candidateReference", "Candidate"},
        std::pair{"clientContactReference", "ClientContact"}, std::pair{"lead", "Lead"}})
    if (const json::value* c = js::get(js::get(&bh, key), "id")) {
      contact_id = js::to_string(*c);
      contact_type = type;
      break;
    }
  json::array attendee_ids;
  const json::value* attendees = js::get(&bh, "attendees");
  const json::value* list =
      attendees && attendees->is_array() ? attendees : js::get(attendees, "data");
  if (list && list->is_array())
    for (auto& a : list->get_array()) {
      const json::value* v = a.is_object() ? js::get(&a, "id") : (a.is_null() ? nullptr : &a);
      if (v) attendee_ids.push_back(json::value(js::to_string(*v)));
    }
  auto text_or_empty = [&](const char* key) {
    const json::value* v = js::get(&bh, key);
    return v ? *v : json::value("");
  };
  return json::object{{"thirdPartyAppointmentId", id},
                      {"id", id},
                      {"title", text_or_empty("subject")},
                      {"description", text_or_empty("description")},
                      {"participantName", ""},
                      {"startTimeUtc", start},
                      {"durationMinutes", duration},
                      {"status", js::truthy(js::get(&bh, "isDeleted")) ? "cancelled" : "scheduled"},
                      {"contactId", contact_id},
                      {"contactType", contact_type},
                      {"attendeeIds", std::move(attendee_ids)}};
}

std::optional<int64_t> ContactId(const json::value& contact) {
  const json::value* raw = contact.is_object() ? js::get(&contact, "id") : &contact;
  if (!raw || raw->is_null()) return std::nullopt;
  if (raw->is_string() && text::trim(raw->get_string()).empty()) return std::nullopt;
  const double n = js::to_number(*raw);
  if (!std::isfinite(n) || n <= 0 || n != std::floor(n) || n > 9007199254740991.0)
    return std::nullopt;
  return int64_t(n);
}

std::vector<int64_t> ContactIds(const json::value& contacts) {
  std::vector<int64_t> out;
  if (!contacts.is_array()) return out;
  for (auto& c : contacts.get_array())
    if (auto id = ContactId(c); id && std::find(out.begin(), out.end(), *id) == out.end())
      out.push_back(*id);
  return out;
}

json::object NewAppointment(const json::object& payload, int64_t now_ms) {
  std::optional<int64_t> start;
  if (const json::value* at = js::get(payload, "startTimeUtc"))
    start = sdk::time::parse_timestamp(*at);
  const double minutes = Minutes(js::get(payload, "durationMinutes"));
  json::object body;
  body["dateBegin"] = start ? *start : now_ms;
  body["dateEnd"] = start ? *start + int64_t(std::llround(minutes * 60000)) : now_ms + 15 * 60000;
  const json::value* description = js::get(payload, "description");
  if (!description) description = js::get(payload, "summary");
  body["description"] = description ? *description : json::value("");
  body["isPrivate"] = false;
  body["subject"] =
      js::get(payload, "title") ? *js::get(payload, "title") : json::value("Appointment");
  body["isDeleted"] = false;
  const json::value* contacts = js::get(payload, "contacts");
  if (contacts && contacts->is_array() && !contacts->get_array().empty()) {
    const json::value& first = contacts->get_array()[0];
    const auto id = ContactId(first);
    const json::value* type = js::get(&first, "type");
    if (!type) type = js::get(&first, "contactType");
    const std::string kind = text::lower(js::text_or_empty(type));
    if (id && kind == "candidate") body["candidateReference"] = json::object{{"id", *id}};
    if (id && (kind == "contact" || kind == "clientcontact"))
      body["clientContactReference"] = json::object{{"id", *id}};
    if (id && kind == "lead") body["lead"] = json::object{{"id", *id}};
  }
  return body;
}

json::object AppointmentPatch(const json::object& patch) {
  json::object body;
  if (const json::value* t = js::get(patch, "title")) body["subject"] = *t;
  const json::value* description = js::get(patch, "description");
  if (!description) description = js::get(patch, "summary");
  if (description) body["description"] = *description;
  const json::value* start = js::get(patch, "startTimeUtc");
  if (!start) start = js::get(patch, "startTime");
  if (js::truthy(start))
    if (auto begin = sdk::time::parse_timestamp(*start)) {
      const double minutes = Minutes(js::get(patch, "durationMinutes"));
      body["dateBegin"] = *begin;
      body["dateEnd"] = *begin + int64_t(std::llround(minutes * 60000));
    }
  for (const char* key : {"location", "communicationMethod", "type"})
    if (const json::value* v = js::get(patch, key)) body[key] = *v;
  return body;
}

std::optional<std::pair<int64_t, int64_t>> RangeOf(const json::value& range) {
  const json::value* s = js::get(&range, "startDate");
  const json::value* e = js::get(&range, "endDate");
  if (!s || !e || !s->is_string() || !e->is_string()) return std::nullopt;
  auto start = Day(s->get_string());
  auto end = Day(e->get_string());
  if (!start || !end) return std::nullopt;
  return std::make_pair(*start, *end + kDayMs - 1);
}

std::pair<int64_t, int64_t> DefaultRange(int64_t now_ms) {
  return {DayMonthsFrom(now_ms, -1), DayMonthsFrom(now_ms, 3) + kDayMs - 1};
}

json::object AttendeesByAppointment(const json::value& rows) {
  json::object out;
  const json::value* data = js::get(&rows, "data");
  if (!data || !data->is_array()) return out;
  for (auto& row : data->get_array()) {
    const json::value* appointment = js::get(js::get(&row, "appointment"), "id");
    const json::value* attendee = js::get(&row, "attendee");
    const json::value* attendee_id = js::get(attendee, "id");
    if (!appointment || !attendee_id) continue;
    json::value& slot = out[js::to_string(*appointment)];
    if (!slot.is_array()) slot.emplace_array();
    json::array& list = slot.get_array();
    const std::string id = js::to_string(*attendee_id);
    if (std::any_of(list.begin(), list.end(),
                    [&](const json::value& a) { return a.at("id") == id.c_str(); }))
      continue;
    json::object entry{{"id", id}};
    const std::string name =
        std::string(text::trim(js::text_or_empty(js::get(attendee, "firstName")) + " " +
                               js::text_or_empty(js::get(attendee, "lastName"))));
    if (!name.empty()) entry["name"] = name;
    const json::value* type = js::get(attendee, "_subtype");
    if (!type) type = js::get(attendee, "type");
    if (js::truthy(type)) entry["type"] = *type;
    // Bullhorn's acceptanceStatus is a number; the contract's attendee status is text.
    if (const json::value* status = js::get(&row, "acceptanceStatus"))
      entry["status"] = js::to_string(*status);
    list.push_back(std::move(entry));
  }
  return out;
}

}  // namespace bullhorn
