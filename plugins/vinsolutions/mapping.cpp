#include "mapping.h"

#include <crmhost/sdk/contract.hpp>
#include <crmhost/sdk/js.hpp>
#include <crmhost/sdk/text.hpp>
#include <crmhost/sdk/time.hpp>

#include <algorithm>
#include <cmath>

namespace vinsolutions {

namespace sdk = crmhost::sdk;
namespace js = crmhost::sdk::js;
using sdk::contract::object_of;

namespace {

std::string Text(const json::object& o, std::string_view key) {
  const json::value* v = js::get(o, key);
  return v ? js::to_string(*v) : std::string();
}

// `text` when truthy as JavaScript would read it, else `fallback`.
std::string Or(const json::object& o, std::string_view key, std::string fallback) {
  const json::value* v = js::get(o, key);
  return js::truthy(v) ? js::to_string(*v) : fallback;
}

void AddOnce(std::vector<std::string>& out, std::string value) {
  if (!value.empty() && std::find(out.begin(), out.end(), value) == out.end())
    out.push_back(std::move(value));
}

int64_t TimeOf(const json::object& message) {
  const json::value* t = js::get(message, "creationTime");
  return t ? sdk::time::parse_timestamp(*t).value_or(0) : 0;
}

int OffsetOf(const json::object& user) {
  const json::value* z = js::get(user, "timezoneOffset");
  return z ? sdk::time::utc_offset_minutes(*z) : 0;
}

}  // namespace

int64_t PositiveId(const json::value* v) {
  constexpr double kMax = 1e15;
  if (!v) return 0;
  if (v->is_int64())
    return v->get_int64() > 0 && v->get_int64() <= int64_t(kMax) ? v->get_int64() : 0;
  if (v->is_uint64()) return v->get_uint64() <= uint64_t(kMax) ? int64_t(v->get_uint64()) : 0;
  if (v->is_double()) {
    const double d = v->get_double();
    return d > 0 && d <= kMax && d == std::floor(d) ? int64_t(d) : 0;
  }
  if (!v->is_string()) return 0;
  const std::string_view s = sdk::text::trim(v->get_string());
  if (s.empty() || s.size() > 15 || s.find_first_not_of("0123456789") != std::string_view::npos)
    return 0;
  const int64_t n = std::atoll(std::string(s).c_str());
  return n > 0 ? n : 0;
}

int64_t DurationSeconds(const json::value* v) {
  if (!v || (v->is_string() && v->get_string() == "pending")) return 0;
  const double d = js::to_number(*v);
  if (!(d > 0)) return 0;  // NaN, negative, zero
  return d >= 1e7 ? int64_t(1e7) : int64_t(d);
}

std::string ContactName(const json::object& contact) {
  const json::object& info = object_of(contact, "ContactInformation");
  std::string name;
  for (const char* part : {"FirstName", "MiddleName", "LastName"}) {
    const std::string p = Or(info, part, "");
    if (p.empty()) continue;
    if (!name.empty()) name += ' ';
    name += p;
  }
  if (!name.empty()) return name;
  return Or(info, "CompanyName", "Contact " + Text(contact, "ContactId"));
}

std::string PrimaryPhone(const json::object& contact) {
  const json::value* phones = js::get(object_of(contact, "ContactInformation"), "Phones");
  if (!phones || !phones->is_array() || phones->get_array().empty()) return "";
  const json::array& list = phones->get_array();
  auto of_type = [&](std::string_view type) -> const json::object* {
    for (const json::value& p : list)
      if (p.is_object() && sdk::text::lower(Text(p.get_object(), "PhoneType")) == type)
        return &p.get_object();
    return nullptr;
  };
  const json::object* primary = of_type("cell");
  if (!primary) primary = of_type("home");
  if (!primary && list[0].is_object()) primary = &list[0].get_object();
  return primary ? Or(*primary, "Number", "") : "";
}

json::array LeadOptions(const json::value& leads_answer) {
  const json::value* items = js::get(&leads_answer, "items");
  if (!items) items = js::get(&leads_answer, "results");
  json::array out;
  if (!items || !items->is_array()) return out;
  for (const json::value& lead : items->get_array()) {
    if (!lead.is_object()) continue;
    const json::object& l = lead.get_object();
    std::string title = "Lead #" + Text(l, "leadId");
    std::string status = Or(l, "leadStatus", Or(l, "leadStatusType", ""));
    if (!status.empty()) title += " (" + status + ")";
    if (std::string source = Or(object_of(l, "leadSource"), "leadSourceName", ""); !source.empty())
      title += " - " + source;
    out.push_back(json::object{{"const", sdk::contract::value_or(l, "leadId")}, {"title", title}});
  }
  return out;
}

json::object ContactEntry(const json::object& contact, json::array leads) {
  json::value additional = nullptr;
  if (!leads.empty()) additional = json::object{{"leads", std::move(leads)}};
  return json::object{{"id", sdk::contract::value_or(contact, "ContactId")},
                      {"name", ContactName(contact)},
                      {"phone", PrimaryPhone(contact)},
                      {"additionalInfo", std::move(additional)},
                      {"type", "contact"}};
}

std::vector<std::string> PhoneSearchValues(const sdk::phone::Number& parsed,
                                           const std::string& given, std::string_view formats) {
  std::vector<std::string> out;
  if (parsed.valid && !formats.empty())
    for (std::string& f : sdk::phone::formatted(parsed.significant, formats))
      AddOnce(out, std::move(f));
  if (parsed.valid) {
    AddOnce(out, parsed.significant);
    AddOnce(out, parsed.e164);
    std::string international;
    for (char c : parsed.international)
      if (!std::isspace(static_cast<unsigned char>(c))) international += c;
    AddOnce(out, international);
  }
  AddOnce(out, !given.empty() && given[0] == '+' ? given.substr(1) : given);
  return out;
}

std::string CallResult(const json::object& call_log) {
  const std::string result = sdk::text::lower(Or(call_log, "result", ""));
  auto has = [&](std::string_view word) { return result.find(word) != std::string::npos; };
  if (has("voicemail") || has("message")) return "LEFT_MESSAGE";
  if (has("missed") || has("no answer") || has("busy")) return "NO_ANSWER";
  if (DurationSeconds(js::get(call_log, "duration")) > 0 || has("connect") || has("answered"))
    return "SPOKE";
  return "NO_ANSWER";
}

std::optional<std::string> CallDetailIdOf(std::string_view location) {
  const std::string lower = sdk::text::lower(location);
  static constexpr std::string_view kMarker = "/calldetails/id/";
  const size_t at = lower.find(kMarker);
  if (at == std::string::npos) return std::nullopt;
  size_t end = at + kMarker.size();
  while (end < lower.size() && std::isdigit(static_cast<unsigned char>(lower[end])))
    ++end;
  if (end == at + kMarker.size()) return std::nullopt;
  return std::string(location.substr(at + kMarker.size(), end - at - kMarker.size()));
}

std::string NoteOfTranscript(const std::string& full_body) {
  if (std::string note = sdk::contract::plain_text_note(full_body); !note.empty()) return note;
  const std::string_view trimmed = sdk::text::trim(full_body);
  if (trimmed.empty() || trimmed[0] == '-') return "";
  return std::string(trimmed);
}

std::string MessageLine(const json::object& user, const json::object& contact,
                        const json::object& message) {
  const std::string time =
      sdk::time::format_moment(TimeOf(message), OffsetOf(user), "YYYY-MM-DD hh:mm A");
  std::string sender;
  if (Text(message, "direction") == "Inbound") {
    sender = Or(contact, "name", "Contact");
    if (std::string number = Or(contact, "phoneNumber", ""); !number.empty())
      sender += " (" + number + ")";
  } else {
    sender = Or(user, "name", "Agent");
  }
  return "[" + time + "] " + sender + ": " + Or(message, "subject", "");
}

std::string MessageNote(const json::object& in) {
  const json::object& user = object_of(in, "user");
  const json::object& contact = object_of(in, "contactInfo");
  const json::object& message = object_of(in, "message");
  const std::string date =
      sdk::time::format_moment(TimeOf(message), OffsetOf(user), "dddd, MMMM DD, YYYY");
  const std::string who = Or(contact, "name", "Contact");
  const std::string footer = "\n\n--- Created via RingCentral App Connect";
  if (std::string link = Or(in, "recordingLink", ""); !link.empty())
    return "Voicemail left by " + who + " - " + date + "\nVoicemail recording link: " + link +
           footer;
  if (std::string link = Or(in, "faxDocLink", ""); !link.empty())
    return "Fax document from " + who + " - " + date + "\nFax document link: " + link + footer;
  // The user, the contact and the other correspondents, each only when named.
  std::vector<std::string> participants;
  for (std::string name : {Or(user, "name", ""), Or(contact, "name", "")})
    if (!name.empty()) participants.push_back(std::move(name));
  if (const json::value* cs = js::get(in, "correspondents"); cs && cs->is_array())
    for (const json::value& c : cs->get_array()) {
      const json::value* one = c.is_array() && !c.get_array().empty() ? &c.get_array()[0] : &c;
      if (const json::value* n = js::get(one, "name"); js::truthy(n))
        participants.push_back(js::to_string(*n));
    }
  std::string list;
  for (const std::string& p : participants)
    list += (list.empty() ? "" : ", ") + p;
  return "SMS conversation with " + who + " - " + date + "\nParticipants: " + list +
         "\nConversation (1 message):\n" + MessageLine(user, contact, message) + footer;
}

}  // namespace vinsolutions
