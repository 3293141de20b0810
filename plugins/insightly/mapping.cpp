#include "mapping.h"

#include <crmhost/plugin.hpp>
#include <crmhost/sdk/contract.hpp>
#include <crmhost/sdk/js.hpp>
#include <crmhost/sdk/time.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace insightly {

namespace sdk = crmhost::sdk;
namespace js = crmhost::sdk::js;
using sdk::contract::object_of;
using sdk::contract::text;

namespace {

std::string Lower(std::string s) {
  for (char& c : s)
    c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The event's start and end from a start time and a duration in seconds (never before start).
void SetTimes(json::object& body, int64_t start, const json::value& duration) {
  const int64_t duration_ms = int64_t(js::to_number(duration) * 1000);
  body["START_DATE_UTC"] = IsoOf(start);
  body["END_DATE_UTC"] = IsoOf(start + std::max<int64_t>(0, duration_ms));
}

}  // namespace

Person PersonOf(std::string_view type) {
  auto starts = [&](std::string_view p) {
    if (type.size() < p.size()) return false;
    for (size_t i = 0; i < p.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(type[i])) != p[i]) return false;
    return true;
  };
  if (starts("contact")) return Person::kContact;
  if (starts("lead")) return Person::kLead;
  return Person::kNone;
}

json::value IdNumber(const json::value& id) {
  if (id.is_string() && !id.get_string().empty() &&
      std::all_of(id.get_string().begin(), id.get_string().end(), ::isdigit))
    return std::atoll(id.get_string().c_str());
  return id;
}

std::string IsoOf(int64_t ms) {
  return sdk::time::format_iso8601(ms);
}

int64_t TimeOr(const json::value* v, int64_t fallback) {
  if (v)
    if (auto ms = sdk::time::parse_timestamp(*v)) return *ms;
  return fallback;
}

std::string FullName(const json::object& record) {
  return text(record, "FIRST_NAME") + " " + text(record, "LAST_NAME");
}

std::string PodOrigin(std::string api_url) {
  std::string base = api_url.substr(0, api_url.find("/v"));
  while (!base.empty() && base.back() == '/')
    base.pop_back();
  return base;
}

json::object PlatformUser(const json::object& me, const std::string& zone, int offset_minutes,
                          json::object additional_info) {
  json::object user{{"id", js::text_or_empty(js::get(me, "USER_ID")) + "-insightly"},
                    {"name", FullName(me)},
                    {"timezoneName", zone},
                    {"timezoneOffset", offset_minutes / 60.0},
                    {"platformAdditionalInfo", std::move(additional_info)}};
  if (offset_minutes % 60 == 0) user["timezoneOffset"] = offset_minutes / 60;
  return user;
}

std::vector<std::string> SettingList(const json::object& user, std::string_view id) {
  std::vector<std::string> out;
  const json::value* v = sdk::contract::user_setting(user, id);
  if (!v || !v->is_string()) return out;
  std::string_view s = v->get_string();
  for (size_t pos = 0; pos <= s.size();) {
    size_t comma = s.find(',', pos);
    std::string_view f = s.substr(pos, comma == s.npos ? s.npos : comma - pos);
    while (!f.empty() && f.front() == ' ')
      f.remove_prefix(1);
    while (!f.empty() && f.back() == ' ')
      f.remove_suffix(1);
    if (!f.empty()) out.emplace_back(f);
    if (comma == s.npos) break;
    pos = comma + 1;
  }
  return out;
}

void AddLinkOption(json::object& additional, const LinkKind& kind, const json::object& linked) {
  json::value& list = additional[kind.option];
  if (!list.is_array()) list = json::array();
  list.get_array().push_back(
      json::object{{"title", sdk::contract::value_or(linked, kind.name_field)},
                   {"const", sdk::contract::value_or(linked, kind.id_field)}});
}

json::object FormatRecord(const json::object& r, Person kind, std::string_view phone_field,
                          json::object additional) {
  // The reference copies Insightly's fields as they are: a null stays null, a missing field
  // leaves its key out (the phone of a custom field is that field's value).
  const json::value* phone = r.if_contains(phone_field);
  if (!phone)
    if (const json::value* cf = js::get(r, "CUSTOMFIELDS"); cf && cf->is_array())
      for (auto& f : cf->get_array())
        if (f.is_object() && sdk::string_field(f.get_object(), "FIELD_NAME") == phone_field)
          phone = f.get_object().if_contains("FIELD_VALUE");
  auto part = [&](std::string_view k) {
    const json::value* v = js::get(r, k);
    return v && !v->is_null() ? js::to_string(*v) : std::string();
  };
  json::object out{
      {"id", sdk::contract::value_or(r, kind == Person::kContact ? "CONTACT_ID" : "LEAD_ID")},
      {"name", part("FIRST_NAME") + " " + part("LAST_NAME")}};
  if (phone) out["phone"] = *phone;
  if (auto* v = r.if_contains("TITLE")) out["title"] = *v;
  if (auto* v = r.if_contains("DATE_CREATED_UTC")) out["createdDate"] = *v;
  const json::value* recent = r.if_contains("LAST_ACTIVITY_DATE_UTC");
  if (!js::truthy(recent)) recent = r.if_contains("DATE_UPDATED_UTC");
  if (recent) out["mostRecentActivityDate"] = *recent;
  out["additionalInfo"] = std::move(additional);
  out["type"] = kind == Person::kContact ? "Contact" : "Lead";
  return out;
}

json::object CallEvent(const json::object& in, int64_t now_ms) {
  const json::object& log = object_of(in, "callLog");
  const json::object& contact = object_of(in, "contactInfo");
  const std::string direction = text(log, "direction");
  std::string title = sdk::field(log, "customSubject")
                          ? js::to_string(log.at("customSubject"))
                          : direction + " Call " + (direction == "Outbound" ? "to" : "from") + " " +
                                text(contact, "name");
  json::object body{{"TITLE", title}, {"DETAILS", sdk::string_field(in, "composedLogDetails")}};
  SetTimes(body, TimeOr(sdk::field(log, "startTime"), now_ms),
           sdk::contract::value_or(log, "duration", 0));
  // Server-side logging for another extension: the event is that user's.
  if (const json::value* owner = sdk::contract::assigned_crm_user(in))
    body["OWNER_USER_ID"] = IdNumber(*owner);
  return body;
}

json::object CallLogInfo(const json::object& e) {
  const std::string details = sdk::string_field(e, "DETAILS");
  json::object info{{"subject", sdk::contract::value_or(e, "TITLE")},
                    {"fullBody", details},
                    {"fullLogResponse", e}};
  if (sdk::contract::has_plain_text_note(details))
    info["note"] = sdk::contract::plain_text_note(details);
  return info;
}

std::optional<std::pair<Person, std::string>> LoggedPerson(const json::object& e) {
  const json::value* links = js::get(e, "LINKS");
  if (!links || !links->is_array()) return std::nullopt;
  for (auto& l : links->get_array()) {
    if (!l.is_object()) continue;
    const Person who = PersonOf(sdk::string_field(l.get_object(), "LINK_OBJECT_NAME"));
    if (who != Person::kNone) return std::pair{who, text(l.get_object(), "LINK_OBJECT_ID")};
  }
  return std::nullopt;
}

json::object EventDispositions(const json::object& e) {
  json::object dispositions;
  const json::value* links = js::get(e, "LINKS");
  if (!links || !links->is_array()) return dispositions;
  for (auto& l : links->get_array()) {
    if (!l.is_object()) continue;
    const std::string name = sdk::string_field(l.get_object(), "LINK_OBJECT_NAME");
    if (PersonOf(name) == Person::kContact) continue;
    dispositions[Lower(name)] = sdk::contract::value_or(l.get_object(), "LINK_OBJECT_ID");
  }
  return dispositions;
}

json::object UpdatedCallEvent(const json::object& in, const std::string& id,
                              const json::object* current, int64_t now_ms) {
  json::object body{{"EVENT_ID", id}, {"DETAILS", sdk::string_field(in, "composedLogDetails")}};
  if (auto* s = sdk::field(in, "subject"); js::truthy(s))
    body["TITLE"] = *s;
  else if (current && current->contains("TITLE"))
    body["TITLE"] = current->at("TITLE");
  if (auto* start = sdk::field(in, "startTime"))
    SetTimes(body, TimeOr(start, now_ms), sdk::contract::value_or(in, "duration", 0));
  if (const json::value* owner = sdk::contract::assigned_crm_user(in))
    body["OWNER_USER_ID"] = IdNumber(*owner);
  return body;
}

std::optional<EventText> SharedConversation(const json::object& in, int64_t now_ms) {
  const json::object& shared = object_of(in, "sharedSMSLogContent");
  if (!js::truthy(js::get(shared, "body")) || !js::truthy(js::get(shared, "subject")))
    return std::nullopt;
  const int64_t when = TimeOr(sdk::field(object_of(in, "message"), "creationTime"), now_ms);
  return EventText{text(shared, "subject"), text(shared, "body"),
                   TimeOr(sdk::field(shared, "conversationCreatedDate"), when)};
}

EventText NewConversation(const json::object& in, const std::string& user_name, int64_t now_ms) {
  const json::object& contact = object_of(in, "contactInfo");
  const json::object& message = object_of(in, "message");
  const int64_t when = TimeOr(sdk::field(message, "creationTime"), now_ms);
  const std::string day = sdk::time::format_moment(when, 0, "YY/MM/DD");
  const std::string name = text(contact, "name");
  const std::string footer = " \n\n--- Created via RingCentral App Connect";
  if (js::truthy(sdk::field(in, "recordingLink")))
    return {"Voicemail left by " + name + " - " + day,
            "Voicemail recording link: " + text(in, "recordingLink") + footer, when};
  if (js::truthy(sdk::field(in, "faxDocLink")))
    return {"Fax document sent from " + name + " - " + day,
            "Fax document link: " + text(in, "faxDocLink") + footer, when};
  std::string others;
  for (const std::string& n : sdk::contract::correspondent_names(in))
    others += (others.empty() ? "    " : "\n    ") + n;
  return {"SMS conversation with " + name + " - " + day,
          "\nConversation summary\n" + sdk::time::format_moment(when, 0, "dddd, MMMM DD, YYYY") +
              "\nParticipants\n    " + user_name + "\n    " + name + "\n" + others +
              "\nConversation(1 messages)\nBEGIN\n------------\n" +
              MessageLine(message, contact, user_name) +
              "\n------------\nEND\n\n--- Created via RingCentral App Connect",
          when};
}

std::string MessageLine(const json::object& message, const json::object& contact,
                        const std::string& user_name) {
  const bool inbound = text(message, "direction") == "Inbound";
  const int64_t when = TimeOr(sdk::field(message, "creationTime"), 0);
  return (inbound ? text(contact, "name") + " (" + text(contact, "phoneNumber") + ")" : user_name) +
         " " + sdk::time::format_moment(when, 0, "hh:mm A") + "\n" + text(message, "subject") +
         "\n";
}

std::string AppendMessage(std::string details, const std::string& line) {
  return crmhost::sdk::contract::append_conversation_message(std::move(details), line);
}

}  // namespace insightly
