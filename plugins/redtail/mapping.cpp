#include "mapping.h"

#include <crmhost/sdk/js.hpp>
#include <crmhost/sdk/time.hpp>

#include <cmath>
#include <vector>

namespace redtail {
namespace js = crmhost::sdk::js;
namespace timefmt = crmhost::sdk::time;

namespace {

std::string Trimmed(const json::value* v) {
  if (!js::truthy(v)) return "";
  std::string s = js::to_string(*v);
  size_t b = s.find_first_not_of(" \t\n\r\f\v");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\n\r\f\v") - b + 1);
}

}  // namespace

json::array ActiveCategories(const json::value& response) {
  json::array out;
  const json::value* list = js::get(&response, "categories");
  if (!list || !list->is_array()) return out;
  for (auto& c : list->get_array()) {
    if (!c.is_object() || js::truthy(js::get(c.get_object(), "deleted"))) continue;
    json::object o;
    o["id"] = c.get_object().contains("id") ? c.get_object().at("id") : json::value();
    o["name"] = c.get_object().contains("name") ? c.get_object().at("name") : json::value();
    out.push_back(std::move(o));
  }
  return out;
}

json::array CategoryOptions(const json::array& active) {
  json::array out;
  for (auto& c : active)
    out.push_back(json::object{{"const", c.at("id")}, {"title", c.at("name")}});
  return out;
}

json::object FormatContact(const json::object& raw, const json::array& category_options,
                           const std::optional<std::string>& phone) {
  std::vector<std::string> parts;
  for (const char* k : {"first_name", "middle_name", "last_name"}) {
    std::string p = Trimmed(js::get(raw, k));
    if (!p.empty()) parts.push_back(p);
  }
  std::string name;
  for (size_t i = 0; i < parts.size(); ++i)
    name += (i ? " " : "") + parts[i];
  if (name.empty()) name = Trimmed(js::get(raw, "full_name"));

  json::object c;
  c["id"] = raw.contains("id") ? raw.at("id") : json::value();
  c["name"] = name;
  if (phone) c["phone"] = *phone;
  const json::value* title = js::get(raw, "job_title");
  c["title"] = title ? *title : json::value("");
  c["type"] = "contact";
  if (auto* v = raw.if_contains("created_at")) c["createdDate"] = *v;
  if (auto* v = raw.if_contains("updated_at")) c["mostRecentActivityDate"] = *v;
  c["additionalInfo"] = json::object{{"category", category_options}};
  return c;
}

json::object NewContactPlaceholder(const json::array& category_options) {
  return json::object{{"id", "createNewContact"},
                      {"name", "Create new contact..."},
                      {"isNewContact", true},
                      {"additionalInfo", json::object{{"category", category_options}}}};
}

std::string OverrideDateTime(std::string composed, int64_t start_ms,
                             const json::value& offset_hours) {
  if (!js::truthy(offset_hours)) return composed;
  // The item: /<li><b>Date\/[Tt]ime<\/b>:\s*[^<]+<\/li>/i; only the value between ": " and
  // "</li>" is replaced.
  const std::string lower = [&] {
    std::string l = composed;
    for (auto& ch : l)
      ch = char(std::tolower(static_cast<unsigned char>(ch)));
    return l;
  }();
  const std::string head = "<li><b>date/time</b>:";
  size_t at = lower.find(head);
  while (at != std::string::npos) {
    size_t v = at + head.size();
    while (v < composed.size() && std::isspace(static_cast<unsigned char>(composed[v])))
      ++v;
    size_t lt = composed.find('<', v);
    if (lt != std::string::npos && lt > v && lower.compare(lt, 5, "</li>") == 0) {
      double hours = js::to_number(offset_hours);
      int minutes = std::isnan(hours) ? 0 : timefmt::utc_offset_minutes(json::value(hours));
      std::string when = timefmt::format_moment(start_ms, minutes, "YYYY-MM-DD hh:mm:ss A");
      return composed.substr(0, v) + when + composed.substr(lt);
    }
    at = lower.find(head, at + 1);
  }
  return composed;
}

std::string AgentNote(std::string_view d) {
  // /<b>Agent notes<\/b><br>(.+?)<br><br>/s
  const std::string_view head = "<b>Agent notes</b><br>";
  size_t at = d.find(head);
  if (at == std::string_view::npos) return "";
  size_t start = at + head.size();
  if (start >= d.size()) return "";
  size_t end = d.find("<br><br>", start + 1);
  if (end == std::string_view::npos) return "";
  return std::string(d.substr(start, end - start));
}

json::value IsoStart(int64_t start_ms) {
  return json::value(timefmt::format_iso8601(start_ms));
}

json::value IsoEnd(int64_t start_ms, const json::value* duration) {
  if (!duration || duration->is_null()) return json::value(timefmt::format_iso8601(start_ms));
  double secs = js::to_number(*duration);
  if (std::isnan(secs)) return nullptr;  // moment: an invalid date serialises as null
  return json::value(timefmt::format_iso8601(start_ms + int64_t(std::llround(secs * 1000))));
}

}  // namespace redtail
