#include "mapping.h"

#include <crmhost/plugin.hpp>
#include <crmhost/sdk/contract.hpp>
#include <crmhost/sdk/js.hpp>
#include <crmhost/sdk/time.hpp>

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace pipedrive {

namespace sdk = crmhost::sdk;
namespace js = crmhost::sdk::js;
using sdk::contract::object_of;
using sdk::contract::text;

namespace {

// The deal, else the lead, of a related-records choice (one activity links to one of them).
void AddRelated(json::object& body, const Related& related, bool with_deal) {
  if (with_deal && related.deal) body["deal_id"] = *related.deal;
  if (!js::truthy(related.deal ? &*related.deal : nullptr) &&
      js::truthy(related.lead ? &*related.lead : nullptr))
    body["lead_id"] = *related.lead;
}

}  // namespace

json::value ValueOf(const json::object& o, std::string_view key) {
  const json::value* v = js::get(o, key);
  return v ? *v : json::value();
}

json::value NumberOf(const json::value& v) {
  const double d = js::to_number(v);
  if (std::isnan(d) || std::isinf(d)) return nullptr;
  if (d == std::trunc(d) && std::fabs(d) < 9e15) return int64_t(d);
  return d;
}

json::value OwnerId(const json::object& user) {
  const std::string id = sdk::string_field(user, "id");
  return NumberOf(json::value(id.substr(0, id.find('-'))));
}

std::string Duration(const json::value* v) {
  if (!v || !v->is_number()) return "00:00";
  double secs = v->to_number<double>();
  if (!(secs > 0)) secs = 0;
  int64_t hours = int64_t(secs / 3600);
  int64_t minutes = int64_t(std::fmod(secs, 3600) / 60) + 1;
  if (minutes == 60) ++hours, minutes = 0;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld", (long long)hours, (long long)minutes);
  return buf;
}

int64_t TimeOr(const json::value* v, int64_t fallback) {
  if (v)
    if (auto ms = sdk::time::parse_timestamp(*v)) return *ms;
  return fallback;
}

std::string Lower(std::string s) {
  for (char& c : s)
    c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

int OffsetOf(const json::object& user) {
  const json::value* v = user.if_contains("timezoneOffset");
  return v ? sdk::time::utc_offset_minutes(*v) : 0;
}

const json::value* DataOf(const json::value& answer) {
  return js::get(&answer, "data");
}

bool IsPipedriveHost(std::string host) {
  for (const char* scheme : {"https://", "http://"})
    if (host.rfind(scheme, 0) == 0) host = host.substr(std::strlen(scheme));
  while (!host.empty() && host.back() == '/')
    host.pop_back();
  host = Lower(host);
  const std::string suffix = ".pipedrive.com";
  if (host.size() <= suffix.size() ||
      host.compare(host.size() - suffix.size(), suffix.size(), suffix) != 0)
    return false;
  for (char c : host.substr(0, host.size() - suffix.size()))
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-')) return false;
  return true;
}

json::object PlatformUser(const json::object& d, const json::object& in) {
  json::object additional;
  for (auto [to, from] :
       {std::pair{"companyId", "company_id"}, std::pair{"companyName", "company_name"},
        std::pair{"companyDomain", "company_domain"}})
    if (auto* v = d.if_contains(from)) additional[to] = *v;
  // The login starts with hostname "temp": the company's own host replaces it.
  const std::string hostname = sdk::string_field(in, "hostname");
  const std::string domain = js::text_or_empty(js::get(d, "company_domain"));
  // The company host: users/me's company_domain, else the api_domain of the token answer.
  std::string company = domain.empty() ? "" : domain + ".pipedrive.com";
  if (company.empty()) {
    std::string api = js::text_or_empty(js::get(object_of(in, "data"), "api_domain"));
    if (auto p = api.find("://"); p != std::string::npos) api.erase(0, p + 3);
    if (IsPipedriveHost(api)) company = api;
  }
  json::value overriding = nullptr;
  if (!company.empty() && !IsPipedriveHost(hostname)) overriding = company;
  return json::object{{"id", js::text_or_empty(js::get(d, "id")) + "-pipedrive"},
                      {"name", ValueOf(d, "name")},
                      {"timezoneName", ValueOf(d, "timezone_name")},
                      {"timezoneOffset", ValueOf(d, "timezone_offset")},
                      {"platformAdditionalInfo", std::move(additional)},
                      {"overridingHostname", std::move(overriding)}};
}

json::array UserList(const json::value& answer) {
  json::array out;
  if (const json::value* list = DataOf(answer); list && list->is_array())
    for (auto& u : list->get_array()) {
      if (!u.is_object() || js::truthy(js::get(u.get_object(), "is_deleted"))) continue;
      json::object entry;
      for (const char* k : {"id", "name", "email"})
        if (auto* v = u.get_object().if_contains(k)) entry[k] = *v;
      out.push_back(std::move(entry));
    }
  return out;
}

Related RelatedOf(const json::object& in) {
  const json::value* sub = js::get(in, "additionalSubmission");
  Related r;
  if (!js::truthy(sub)) {
    r.deal = json::value("");
    r.lead = json::value("");
    return r;
  }
  if (sub->is_object()) {
    if (auto* d = sub->get_object().if_contains("deals")) r.deal = *d;
    if (auto* l = sub->get_object().if_contains("leads")) r.lead = *l;
  }
  return r;
}

std::string AgentNote(const std::string& body) {
  const std::string head = "<b>Agent notes</b>", tail = "<b>Call details</b>";
  const size_t at = body.find(head);
  if (at == std::string::npos) return "";
  const size_t begin = at + head.size();
  const size_t end = body.find(tail, begin);
  if (end == std::string::npos) return "";
  std::string note = body.substr(begin, end - begin);
  for (size_t p = note.find("<br>"); p != std::string::npos; p = note.find("<br>", p))
    note.erase(p, 4);
  return note;
}

json::value CallSubject(const json::object& log, const json::object& contact) {
  if (const json::value* custom = js::get(log, "customSubject")) return *custom;
  const std::string direction = text(log, "direction");
  return json::value(direction + " Call " + (direction == "Outbound" ? "to" : "from") + " " +
                     text(contact, "name"));
}

json::array Participants(const json::object& contact) {
  return json::array{
      json::object{{"person_id", NumberOf(ValueOf(contact, "id"))}, {"primary", true}}};
}

json::array Options(const json::value* list) {
  json::array out;
  if (!list || !list->is_array()) return out;
  for (auto& d : list->get_array())
    if (d.is_object())
      out.push_back(json::object{{"const", ValueOf(d.get_object(), "id")},
                                 {"title", ValueOf(d.get_object(), "title")}});
  return out;
}

json::object PersonContact(const json::object& item, const std::string* phone,
                           json::object additional) {
  json::object out{{"id", ValueOf(item, "id")}, {"name", ValueOf(item, "name")}};
  if (phone) out["phone"] = *phone;
  if (auto* v = js::get(item, "add_time")) out["createdDate"] = *v;
  if (auto* v = js::get(item, "update_time")) out["mostRecentActivityDate"] = *v;
  const json::value* org = js::get(js::get(item, "organization"), "name");
  out["organization"] = org ? *org : json::value("");
  out["type"] = "contact";
  out["additionalInfo"] = std::move(additional);
  return out;
}

json::object CallActivity(const json::object& in, const json::value& org,
                          const std::optional<json::value>& assignee, int64_t now_ms,
                          const std::string& type) {
  const json::object& log = object_of(in, "callLog");
  const json::object& contact = object_of(in, "contactInfo");
  const int64_t start = TimeOr(js::get(log, "startTime"), now_ms);
  json::object body{{"owner_id", assignee ? *assignee : OwnerId(object_of(in, "user"))},
                    {"subject", CallSubject(log, contact)},
                    {"duration", Duration(js::get(log, "duration"))}};
  const Related related = RelatedOf(in);
  if (related.deal) body["deal_id"] = *related.deal;
  body["note"] = ValueOf(in, "composedLogDetails");
  body["done"] = true;
  body["due_date"] = sdk::time::format_moment(start, 0, "YYYY-MM-DD");
  body["due_time"] = sdk::time::format_moment(start, 0, "HH:mm");
  body["participants"] = Participants(contact);
  AddRelated(body, related, false);
  if (js::truthy(org)) body["org_id"] = org;
  body["type"] = type;
  return body;
}

const json::value* FindCallActivity(const json::value& listed, const json::object& log,
                                    const json::object& contact, int64_t start) {
  const std::string subject = js::to_string(CallSubject(log, contact));
  const std::string date = sdk::time::format_moment(start, 0, "YYYY-MM-DD");
  const std::string time = sdk::time::format_moment(start, 0, "HH:mm");
  const std::string duration = Duration(js::get(log, "duration"));
  const json::value* data = DataOf(listed);
  if (data && data->is_array())
    for (const json::value& a : data->get_array())
      if (js::text_or_empty(js::get(&a, "subject")) == subject &&
          js::text_or_empty(js::get(&a, "due_date")) == date &&
          js::text_or_empty(js::get(&a, "due_time")) == time &&
          js::text_or_empty(js::get(&a, "duration")) == duration && js::get(&a, "id"))
        return &a;
  return nullptr;
}

json::object CallLogInfo(const json::value& answer) {
  const json::value* data = DataOf(answer);
  const json::object empty;
  const json::object& a = data && data->is_object() ? data->get_object() : empty;
  const std::string body = js::text_or_empty(js::get(a, "note"));
  std::string contact_name = "Unknown";
  const json::value* people = js::get(js::get(&answer, "related_objects"), "person");
  if (people && people->is_object() && !people->get_object().empty())
    if (const json::value* n = js::get(&people->get_object().begin()->value(), "name"))
      contact_name = js::to_string(*n);
  json::object dispositions;
  if (auto* v = a.if_contains("deal_id")) dispositions["deals"] = *v;
  if (auto* v = a.if_contains("lead_id")) dispositions["leads"] = *v;
  return json::object{{"subject", ValueOf(a, "subject")},
                      {"note", AgentNote(body)},
                      {"contactName", contact_name},
                      {"fullBody", body},
                      {"fullLogResponse", data ? *data : json::value()},
                      {"dispositions", std::move(dispositions)}};
}

json::object UpdatedCallActivity(const json::object& in,
                                 const std::optional<json::value>& assignee) {
  json::object body;
  if (auto* note = in.if_contains("composedLogDetails")) body["note"] = *note;
  if (auto* subject = js::get(in, "subject"); js::truthy(subject)) body["subject"] = *subject;
  if (auto* duration = js::get(in, "duration"); js::truthy(duration))
    body["duration"] = Duration(duration);
  if (assignee) body["owner_id"] = *assignee;
  return body;
}

std::string MessageItem(const json::object& message, const json::object& contact,
                        const std::string& user_name, int offset) {
  const bool inbound = text(message, "direction") == "Inbound";
  const int64_t when = TimeOr(js::get(message, "creationTime"), 0);
  return "<li>" +
         (inbound ? text(contact, "name") + " (" + text(contact, "phoneNumber") + ")" : user_name) +
         " " + sdk::time::format_moment(when, offset, "hh:mm A") + "<br><b>" +
         text(message, "subject") + "</b></li>";
}

MessageText MessageNote(const json::object& in, const std::string& user_name, int64_t now_ms) {
  const json::object& shared = object_of(in, "sharedSMSLogContent");
  if (js::truthy(js::get(shared, "body")) && js::truthy(js::get(shared, "subject")))
    return {text(shared, "subject"), text(shared, "body")};
  const json::object& user = object_of(in, "user");
  const json::object& contact = object_of(in, "contactInfo");
  const json::object& message = object_of(in, "message");
  const int offset = OffsetOf(user);
  const int64_t created = TimeOr(js::get(message, "creationTime"), now_ms);
  const std::string day = sdk::time::format_moment(created, offset, "YY/MM/DD");
  const std::string name = text(contact, "name");
  const std::string footer = " <br><br>--- Created via RingCentral App Connect";
  if (js::truthy(js::get(in, "recordingLink"))) {
    const std::string subject = "Voicemail left by " + name + " - " + day;
    return {subject, "<br><b>" + subject +
                         "</b><br>Voicemail recording link: " + text(in, "recordingLink") + footer};
  }
  if (js::truthy(js::get(in, "faxDocLink"))) {
    const std::string subject = "Fax document sent from " + name + " - " + day;
    return {subject,
            "<br><b>" + subject + "</b><br>Fax document link: " + text(in, "faxDocLink") + footer};
  }
  const std::string subject = "SMS conversation with " + name + " - " + day;
  std::string others;
  for (const std::string& n : sdk::contract::correspondent_names(in))
    others += "<li><b>" + n + "</b></li>";
  return {subject, "<br><b>" + subject + "</b><br><b>Conversation summary</b><br>" +
                       sdk::time::format_moment(created, offset, "dddd, MMMM DD, YYYY") +
                       "<br>Participants<br><ul><li><b>" + user_name + "</b><br></li><li><b>" +
                       name + "</b></li>" + others +
                       "</ul><br>Conversation(1 messages)<br>BEGIN<br>------------<br><ul>" +
                       MessageItem(message, contact, user_name, offset) +
                       "</ul>------------<br>END<br><br>--- Created via RingCentral App Connect"};
}

json::object MessageActivity(const json::object& in, const MessageText& message_text,
                             const json::value& org, int64_t now_ms, const std::string& type) {
  const json::object& contact = object_of(in, "contactInfo");
  const int64_t when =
      js::get(in, "sharedSMSLogContent")
          ? TimeOr(js::get(object_of(in, "sharedSMSLogContent"), "conversationCreatedDate"), now_ms)
          : TimeOr(js::get(object_of(in, "message"), "creationTime"), now_ms);
  json::object body{{"owner_id", OwnerId(object_of(in, "user"))},
                    {"subject", message_text.subject}};
  const Related related = RelatedOf(in);
  if (related.deal) body["deal_id"] = *related.deal;
  body["note"] = message_text.note;
  body["done"] = true;
  body["due_date"] = sdk::time::format_moment(when, 0, "YYYY-MM-DD");
  body["due_time"] = sdk::time::format_moment(when, 0, "HH:mm");
  body["type"] = type;
  body["participants"] = Participants(contact);
  AddRelated(body, related, false);
  if (js::truthy(org)) body["org_id"] = org;
  return body;
}

std::string AppendMessageItem(std::string note, const std::string& item) {
  return crmhost::sdk::contract::append_conversation_message(
      std::move(note), item, "</ul>------------<br>", "<br>Conversation(");
}

json::object UpdatedMessageActivity(const json::object& in, const std::string& note) {
  json::object body{{"note", note}};
  AddRelated(body, RelatedOf(in), true);
  return body;
}

json::array ActiveActivityTypes(const json::value& answer) {
  json::array types;
  if (const json::value* list = DataOf(answer); list && list->is_array())
    for (auto& t : list->get_array())
      if (t.is_object() && js::truthy(js::get(t.get_object(), "active_flag")))
        types.push_back(json::object{{"const", ValueOf(t.get_object(), "key_string")},
                                     {"title", ValueOf(t.get_object(), "name")}});
  return types;
}

std::string ConfiguredActivityType(const json::object& in, std::string_view setting_id) {
  const json::value* configured =
      sdk::contract::user_setting(object_of(in, "adminConfig"), setting_id);
  if (!configured) configured = sdk::contract::user_setting(object_of(in, "user"), setting_id);
  return js::truthy(configured) ? js::to_string(*configured) : "";
}

std::optional<std::string> TypeByConst(const json::array& types, const std::string& wanted) {
  for (auto& t : types)
    if (const json::value* c = js::get(&t, "const"); c && js::to_string(*c) == wanted)
      return wanted;
  return std::nullopt;
}

std::optional<std::string> TypeByKeyword(const json::array& types, std::string_view keyword) {
  for (auto& t : types) {
    const json::value* title = js::get(&t, "title");
    const json::value* c = js::get(&t, "const");
    if (title && c && Lower(js::to_string(*title)).find(keyword) != std::string::npos)
      return js::to_string(*c);
  }
  return std::nullopt;
}

json::object NoActivityType(const std::string& kind, const std::string& word) {
  return json::object{
      {"logId", nullptr},
      {"returnMessage",
       json::object{{"messageType", "error"},
                    {"message", kind +
                                    " logging requires an active activity type containing the "
                                    "word \"" +
                                    word +
                                    "\" (case insensitive), or one explicitly assigned by an "
                                    "admin under Admin > Account settings."},
                    {"ttl", 2000}}}};
}

}  // namespace pipedrive
