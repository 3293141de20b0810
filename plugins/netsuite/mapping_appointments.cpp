// Calendar events: NetSuite's two shapes of them (the list RESTlet's "7/20/2026" + "3:00 pm", the
// record API's "2026-07-20" + "15:00:00") read into App Connect's appointment, and the bodies
// that create and change them.
#include <crmhost/plugin.hpp>
#include <crmhost/sdk/contract.hpp>
#include <crmhost/sdk/js.hpp>
#include <crmhost/sdk/text.hpp>
#include <crmhost/sdk/time.hpp>
#include <crmhost/sdk/timezones.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <regex>

#include "mapping.h"

namespace netsuite {
namespace sdk = crmhost::sdk;
namespace js = crmhost::sdk::js;
namespace text = crmhost::sdk::text;

namespace {

std::string Trimmed(std::string_view s) {
  return std::string(text::trim(s));
}

constexpr int64_t kMinuteMs = 60000;

// A wall-clock time: "7/20/2026" or "07/20/2026" with "3:00 pm", or "2026-07-20" with "15:00",
// "15:00:00", "9:00" or "9:00:00". Minutes since the day's start, and the day (days since epoch).
struct Wall {
  int64_t day = 0;
  int minutes = 0;
};

std::optional<int> Clock(std::string_view t) {
  if (t.size() > 16) return std::nullopt;  // no time is longer; the regex below stays shallow
  static const std::regex k12(R"(^(\d{1,2}):(\d{2})\s*([aApP][mM])$)");
  static const std::regex k24(R"(^(\d{1,2}):(\d{2})(?::(\d{2}))?$)");
  std::smatch m;
  const std::string s(t);
  if (std::regex_match(s, m, k12)) {
    int h = std::stoi(m[1]), mi = std::stoi(m[2]);
    if (h < 1 || h > 12 || mi > 59) return std::nullopt;
    const bool pm = std::tolower(static_cast<unsigned char>(std::string(m[3])[0])) == 'p';
    return (h % 12 + (pm ? 12 : 0)) * 60 + mi;
  }
  if (std::regex_match(s, m, k24)) {
    int h = std::stoi(m[1]), mi = std::stoi(m[2]);
    if (h > 23 || mi > 59) return std::nullopt;
    return h * 60 + mi;
  }
  return std::nullopt;
}

std::optional<int64_t> Date(std::string_view d) {
  if (d.size() > 16) return std::nullopt;  // no date is longer; the regex below stays shallow
  static const std::regex kUs(R"(^(\d{1,2})/(\d{1,2})/(\d{4})$)");
  static const std::regex kIso(R"(^(\d{4})-(\d{2})-(\d{2})$)");
  std::smatch m;
  const std::string s(d);
  int y = 0, mo = 0, day = 0;
  if (std::regex_match(s, m, kUs)) {
    mo = std::stoi(m[1]), day = std::stoi(m[2]), y = std::stoi(m[3]);
  } else if (std::regex_match(s, m, kIso)) {
    y = std::stoi(m[1]), mo = std::stoi(m[2]), day = std::stoi(m[3]);
  } else {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || day < 1 || day > 31) return std::nullopt;
  return sdk::time::days_from_civil(y, mo, day);
}

std::optional<Wall> WallOf(const json::value* date, const json::value* time) {
  if (!date || !time || !date->is_string() || !time->is_string()) return std::nullopt;
  auto d = Date(date->get_string());
  auto t = Clock(time->get_string());
  if (!d || !t) return std::nullopt;
  return Wall{*d, *t};
}

json::array Attendees(const json::value& event) {
  json::array out;
  auto add = [&](const json::value* a) {
    const json::value* id = js::get(a, "id");
    if (!id || id->is_null()) return;
    const json::value* name = js::get(a, "name");
    const json::value* type = js::get(a, "type");
    out.push_back(json::object{{"id", js::to_string(*id)},
                               {"name", js::truthy(name) ? *name : json::value("")},
                               {"type", js::truthy(type) ? *type : json::value("")}});
  };
  if (const json::value* list = js::get(&event, "attendees"); list && list->is_array())
    for (auto& a : list->get_array())
      add(&a);
  if (const json::value* items = js::get(js::get(&event, "attendee"), "items");
      items && items->is_array())
    for (auto& item : items->get_array()) {
      const json::value* inner = js::get(&item, "attendee");
      add(inner ? inner : &item);
    }
  return out;
}

// "YYYY-MM-DD" and "HH:mm:ss" of `ms` in `offset_minutes`.
std::pair<std::string, std::string> DateAndTime(int64_t ms, int offset_minutes) {
  return {sdk::time::format_moment(ms, offset_minutes, "YYYY-MM-DD"),
          sdk::time::format_moment(ms, offset_minutes, "HH:mm:ss")};
}

// An event's length in minutes, at most ten years (a longer one is no event, and its
// milliseconds would overflow).
double Minutes(const json::value* v) {
  if (!v || v->is_null()) return 0;
  const double d = js::to_number(*v);
  return std::isfinite(d) ? std::clamp(d, 0.0, 10.0 * 365 * 24 * 60) : 0;
}

// {id: "UPPER"} from a status text or {id}; nullopt for none.
std::optional<json::object> Status(const json::value* status) {
  if (!status) return std::nullopt;
  const json::value* id = js::get(status, "id");
  if (!id) id = status;
  if (!id->is_string()) return std::nullopt;
  const std::string value = Trimmed(id->get_string());
  if (value.empty()) return std::nullopt;
  return json::object{{"id", text::upper(value)}};
}

}  // namespace

// Linear scans, not std::regex: the text is a CRM's, of any length, and libstdc++'s regex
// engine recurses per character (a few kilobytes of one tag would overflow a fiber's stack).
std::string StripHtml(std::string_view html) {
  std::string s;
  for (size_t i = 0; i < html.size(); ++i) {
    const size_t close = html[i] == '<' ? html.find('>', i) : std::string_view::npos;
    if (close == std::string_view::npos) {
      s += html[i];
      continue;
    }
    // <br>, <br/>, <br /> are line breaks; any other tag goes.
    std::string_view tag = html.substr(i + 1, close - i - 1);
    if (!tag.empty() && tag.back() == '/') tag.remove_suffix(1);
    if (tag.size() >= 2 && text::lower(tag.substr(0, 2)) == "br" &&
        text::trim(tag.substr(2)).empty())
      s += '\n';
    i = close;
  }
  for (auto [entity, plain] :
       {std::pair{"&nbsp;", " "}, std::pair{"&lt;", "<"}, std::pair{"&gt;", ">"},
        std::pair{"&quot;", "\""}, std::pair{"&#39;", "'"}, std::pair{"&amp;", "&"}})
    for (size_t at = s.find(entity); at != std::string::npos; at = s.find(entity, at + 1))
      s.replace(at, std::string_view(entity).size(), plain);
  // Lines without the blanks around them, CRLF as LF, at most one empty line in a row.
  std::string out;
  size_t newlines = 0;
  for (size_t begin = 0; begin <= s.size();) {
    size_t end = s.find('\n', begin);
    if (end == std::string::npos) end = s.size();
    std::string_view line(s.data() + begin, end - begin);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
      line.remove_suffix(1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t'))
      line.remove_prefix(1);
    if (begin != 0) ++newlines;
    if (!line.empty()) {
      if (!out.empty()) out.append(std::min<size_t>(newlines, 2), '\n');
      out += line;
      newlines = 0;
    }
    begin = end + 1;
  }
  return Trimmed(out);
}

int WallZone::At(int64_t utc_ms) const {
  if (fixed) return *fixed;
  return sdk::timezones::zone_offset_minutes(iana, utc_ms).value_or(0);
}

int64_t WallZone::ToUtc(int64_t wall_ms) const {
  // The offset at the wall time read as UTC is off by at most the offset itself; a second look
  // at the instant it gives settles daylight-saving edges.
  const int64_t first = wall_ms - int64_t(At(wall_ms)) * kMinuteMs;
  return wall_ms - int64_t(At(first)) * kMinuteMs;
}

json::object Appointment(const json::value& event, const WallZone& zone) {
  const json::value* id_v = js::get(&event, "id");
  const json::value id = id_v ? json::value(js::to_string(*id_v)) : json::value();
  const json::value* description = js::get(&event, "description");
  if (!description) description = js::get(&event, "message");
  json::value start = nullptr;
  int64_t duration = 0;
  if (auto begin = WallOf(js::get(&event, "startDate"), js::get(&event, "startTime"))) {
    start = sdk::time::format_iso8601(
        zone.ToUtc(begin->day * 86400000 + int64_t(begin->minutes) * kMinuteMs));
    if (const json::value* end_time = js::get(&event, "endTime"); end_time && end_time->is_string())
      if (auto end = Clock(end_time->get_string())) {
        int span = *end - begin->minutes;
        if (span <= 0) span += 24 * 60;
        duration = span;
      }
  }
  json::object out{
      {"thirdPartyAppointmentId", id},
      {"id", id},
      {"title", js::truthy(js::get(&event, "title")) ? *js::get(&event, "title") : json::value("")},
      {"description", description ? StripHtml(js::to_string(*description)) : ""},
      {"startTimeUtc", start},
      {"durationMinutes", duration}};
  if (const json::value* status = js::get(&event, "status")) {
    const json::value* sid = js::get(status, "id");
    out["status"] = sid ? *sid : *status;
  }
  out["contactId"] = "";
  out["attendees"] = Attendees(event);
  return out;
}

std::optional<int64_t> EventStart(const json::object& patch, bool for_update) {
  const char* const create_keys[] = {"startTimeUtc"};
  const char* const update_keys[] = {"startTime", "startTimeUtc", "start_at", "startDate"};
  for (const char* key :
       for_update ? std::vector<const char*>(std::begin(update_keys), std::end(update_keys))
                  : std::vector<const char*>(std::begin(create_keys), std::end(create_keys)))
    if (const json::value* v = js::get(patch, key)) return sdk::time::parse_timestamp(*v);
  return std::nullopt;
}

json::object NewEvent(const json::object& payload, int offset_minutes) {
  json::object body;
  body["title"] = js::get(payload, "title") ? *js::get(payload, "title") : json::value();
  const auto start = EventStart(payload, false);
  if (start && js::get(payload, "durationMinutes")) {
    const int64_t end =
        *start + int64_t(std::llround(Minutes(js::get(payload, "durationMinutes")) * kMinuteMs));
    auto [date, time] = DateAndTime(*start, offset_minutes);
    body["startDate"] = date;
    body["startTime"] = time;
    body["endTime"] = DateAndTime(end, offset_minutes).second;
  } else {
    for (const char* k : {"startDate", "startTime", "endTime"})
      body[k] = js::get(payload, k) ? *js::get(payload, k) : json::value("");
  }
  body["timedEvent"] = true;
  const json::value* text = js::get(payload, "summary");
  if (!js::truthy(text)) text = js::get(payload, "message");
  body["message"] = js::truthy(text) ? *text : json::value("");
  if (auto status = Status(js::get(payload, "status"))) body["status"] = std::move(*status);
  json::array items;
  if (const json::value* given = js::get(js::get(payload, "attendee"), "items");
      given && given->is_array()) {
    items = given->get_array();
  } else if (const json::value* contacts = js::get(payload, "contacts");
             contacts && contacts->is_array()) {
    for (auto& c : contacts->get_array()) {
      const json::value* id = c.is_object() ? js::get(&c, "id") : &c;
      if (id) items.push_back(json::object{{"attendee", json::object{{"id", *id}}}});
    }
  }
  if (!items.empty()) body["attendee"] = json::object{{"items", std::move(items)}};
  return body;
}

json::object EventPatch(const json::object& patch, int offset_minutes, bool* replace_attendees) {
  json::object body;
  if (auto start = EventStart(patch, true)) {
    const int64_t end =
        *start + int64_t(std::llround(Minutes(js::get(patch, "durationMinutes")) * kMinuteMs));
    auto [date, time] = DateAndTime(*start, offset_minutes);
    body["startDate"] = date;
    body["startTime"] = time;
    body["endTime"] = DateAndTime(end, offset_minutes).second;
  }
  if (auto status = Status(js::get(patch, "status"))) body["status"] = std::move(*status);
  if (const json::value* summary = patch.if_contains("summary"))
    body["message"] = summary->is_null() ? json::value("") : *summary;
  else if (const json::value* message = patch.if_contains("message"))
    body["message"] = *message;
  if (const json::value* title = patch.if_contains("title")) body["title"] = *title;
  *replace_attendees = false;
  if (const json::value* contacts = js::get(patch, "contacts"); contacts && contacts->is_array()) {
    json::array items;
    for (auto& c : contacts->get_array()) {
      const json::value* id = c.is_object() ? js::get(&c, "id") : &c;
      if (!id || id->is_null()) continue;
      const std::string value = Trimmed(js::to_string(*id));
      if (!value.empty()) items.push_back(json::object{{"attendee", json::object{{"id", value}}}});
    }
    body["attendee"] = json::object{{"items", std::move(items)}};
    *replace_attendees = true;
  }
  return body;
}

}  // namespace netsuite
