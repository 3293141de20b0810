#include "mapping.h"

#include <crmhost/plugin.hpp>
#include <crmhost/sdk/contract.hpp>
#include <crmhost/sdk/js.hpp>
#include <crmhost/sdk/time.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>

namespace clio {

namespace sdk = crmhost::sdk;
namespace js = crmhost::sdk::js;
using sdk::contract::object_of;
using sdk::contract::text;
using sdk::contract::value_or;

namespace {

// {"matter": {"id": ...}} when the form chose a matter.
void AddMatter(json::object& data, const json::object& submission) {
  const json::value* matter = sdk::field(submission, "matters");
  if (js::truthy(matter)) data["matter"] = json::object{{"id", *matter}};
}

}  // namespace

int64_t TimeOr(const json::value* v, int64_t fallback) {
  if (v)
    if (auto ms = sdk::time::parse_timestamp(*v)) return *ms;
  return fallback;
}

bool SettingTrue(const json::value* v) {
  if (!v) return false;
  if (v->is_bool()) return v->get_bool();
  if (v->is_string()) {
    std::string s(v->get_string());
    for (char& c : s)
      c = char(std::tolower(static_cast<unsigned char>(c)));
    return s == "true";
  }
  return js::truthy(v);
}

bool TimeEntriesEnabled(const json::object& user) {
  const json::value* v = sdk::contract::user_setting(user, "clioTimeEntriesEnabled");
  return !v || v->is_null() || SettingTrue(v);
}

std::string CommunicationId(const json::object& existing) {
  std::string id = text(existing, "thirdPartyLogId");
  return id.substr(0, id.find('.'));
}

std::string UserCrmId(const json::object& user) {
  const std::string id = text(user, "id");
  return id.substr(0, id.find('-'));
}

int UserOffset(const json::object& user) {
  const json::value* v = user.if_contains("timezoneOffset");
  return v ? sdk::time::utc_offset_minutes(*v) : 0;
}

const json::value* First(const json::value* v) {
  return v && v->is_array() && !v->get_array().empty() ? &v->get_array()[0] : nullptr;
}

const json::value* Data(const json::value& v) {
  return js::get(&v, "data");
}

json::value IdOf(const json::value& answer) {
  const json::value* id = js::get(Data(answer), "id");
  if (!id) throw sdk::UpstreamError(200, "Clio did not return the new record's id");
  return *id;
}

json::object PlatformUser(const json::value* data, const std::string& zone, int offset,
                          std::string_view host) {
  return json::object{
      {"id", js::text_or_empty(js::get(data, "id")) + "-clio"},
      {"name", js::text_or_empty(js::get(data, "name"))},
      {"timezoneName", zone},
      {"timezoneOffset", offset % 60 == 0 ? json::value(offset / 60) : json::value(offset / 60.0)},
      {"overridingHostname", std::string(host)},
      {"platformAdditionalInfo", json::object()}};
}

json::array UserList(const json::value& answer) {
  json::array out;
  if (const json::value* list = Data(answer); list && list->is_array())
    for (auto& u : list->get_array()) {
      if (!u.is_object()) continue;
      const json::object& o = u.get_object();
      const json::value* name = sdk::field(o, "name");
      out.push_back(
          json::object{{"id", value_or(o, "id")},
                       {"name", name ? js::to_string(*name)
                                     : text(o, "first_name") + " " + text(o, "last_name")},
                       {"email", value_or(o, "email")}});
    }
  return out;
}

std::optional<json::object> MatterOption(const json::value& m, bool closed, bool with_status) {
  if (!m.is_object()) return std::nullopt;
  const json::object& o = m.get_object();
  const std::string status = js::text_or_empty(sdk::field(o, "status"));
  if (!closed && status == "Closed") return std::nullopt;
  // As the reference builds them: the status always (when Clio sent one); the description
  // raw, or as the text "<status> - <description>" (JavaScript's "null"/"undefined" in it).
  auto as_text = [](const json::value* v) {
    return !v ? std::string("undefined") : v->is_null() ? std::string("null") : js::to_string(*v);
  };
  const json::value* description = o.if_contains("description");
  json::object option{{"const", value_or(o, "id")}, {"title", value_or(o, "display_number")}};
  if (with_status)
    option["description"] = as_text(o.if_contains("status")) + " - " + as_text(description);
  else if (description)
    option["description"] = *description;
  if (const json::value* st = o.if_contains("status")) option["status"] = *st;
  return option;
}

json::array BillableOptions() {
  return json::array{json::object{{"const", "billable"}, {"title", "Billable"}},
                     json::object{{"const", "non-billable"}, {"title", "Non-billable"}}};
}

json::object PhoneContact(const json::object& contact, const std::string& number,
                          json::array matters) {
  json::object additional{{"logTimeEntry", true}, {"billableStatus", BillableOptions()}};
  if (!matters.empty()) additional["matters"] = std::move(matters);
  return json::object{{"id", value_or(contact, "id")},
                      {"name", value_or(contact, "name")},
                      {"phone", number},
                      {"type", value_or(contact, "type")},
                      {"createdDate", value_or(contact, "created_at")},
                      {"mostRecentActivityDate", value_or(contact, "updated_at")},
                      {"additionalInfo", std::move(additional)}};
}

json::object NamedContact(const json::object& contact, json::array matters) {
  json::object additional{{"logTimeEntry", true}};
  if (!matters.empty()) {
    additional["matters"] = std::move(matters);
    additional["billableStatus"] = BillableOptions();
  }
  return json::object{{"id", value_or(contact, "id")},
                      {"name", value_or(contact, "name")},
                      {"type", "contact"},
                      {"phone", js::text_or_empty(sdk::field(contact, "primary_phone_number"))},
                      {"email", js::text_or_empty(sdk::field(contact, "primary_email_address"))},
                      {"createdDate", value_or(contact, "created_at")},
                      {"mostRecentActivityDate", value_or(contact, "updated_at")},
                      {"additionalInfo", std::move(additional)}};
}

bool NonBillable(const json::object& user, const json::object& submission) {
  if (const json::value* v = submission.if_contains("nonBillable")) return js::truthy(v);
  if (const json::value* v = sdk::field(submission, "billableStatus"))
    return js::to_string(*v) != "billable";
  const json::value* setting = sdk::contract::user_setting(user, "clioDefaultNonBillableTick");
  if (!setting) return true;
  if (setting->is_bool()) return setting->get_bool();
  return js::to_string(*setting) != "billable";
}

json::object CallCommunication(const json::object& in, const std::string& when,
                               const std::string& details) {
  const json::object& log = object_of(in, "callLog");
  const json::object& contact = object_of(in, "contactInfo");
  const std::string me = UserCrmId(object_of(in, "user"));
  const bool outbound = text(log, "direction") == "Outbound";
  // Server-side logging for another extension: that user is the call's party.
  const json::value* assignee = sdk::contract::assigned_crm_user(in);
  json::object user_side{{"id", assignee ? *assignee : json::value(me)}, {"type", "User"}};
  json::object contact_side{{"id", value_or(contact, "id")}, {"type", "Contact"}};
  const std::string subject = sdk::field(log, "customSubject")
                                  ? js::to_string(log.at("customSubject"))
                                  : "[Call] " + text(log, "direction") + " Call " +
                                        (outbound ? "to" : "from") + " " + text(contact, "name") +
                                        " [" + text(contact, "phoneNumber") + "]";
  json::object data{{"subject", subject},
                    {"body", details},
                    {"type", "PhoneCommunication"},
                    {"received_at", when},
                    {"senders", json::array{outbound ? user_side : contact_side}},
                    {"receivers", json::array{outbound ? contact_side : user_side}},
                    {"notification_event_subscribers", json::array{json::object{{"user_id", me}}}}};
  AddMatter(data, object_of(in, "additionalSubmission"));
  return data;
}

json::object CallTimeEntry(const json::object& in, const json::value& id, const std::string& when,
                           const std::string& details) {
  const json::object& submission = object_of(in, "additionalSubmission");
  json::object entry{{"communication", json::object{{"id", id}}},
                     {"quantity", value_or(object_of(in, "callLog"), "duration", 0)},
                     {"date", when},
                     {"type", "TimeEntry"},
                     {"non_billable", NonBillable(object_of(in, "user"), submission)},
                     {"note", details}};
  AddMatter(entry, submission);
  return entry;
}

json::object CallLogInfo(const json::object& comm) {
  const std::string body = js::text_or_empty(sdk::field(comm, "body"));
  json::object info{{"subject", value_or(comm, "subject")}};
  if (sdk::contract::has_plain_text_note(body)) info["note"] = sdk::contract::plain_text_note(body);
  info["fullBody"] = body;
  info["fullLogResponse"] = comm;
  return info;
}

const json::value* CallContactId(const json::object& comm) {
  const json::value* contact_id = nullptr;
  for (const char* side : {"senders", "receivers"}) {
    const json::value* first = First(js::get(comm, side));
    if (!contact_id && first && first->is_object() &&
        sdk::string_field(first->get_object(), "type") != "User")
      contact_id = js::get(first, "id");
  }
  return contact_id;
}

json::object CallDispositions(const json::object& comm) {
  json::object dispositions;
  if (const json::value* m = js::get(js::get(comm, "matter"), "id")) dispositions["matters"] = *m;
  return dispositions;
}

json::object UpdatedCommunication(const json::object& in, const std::string& details,
                                  const std::string& when) {
  json::object data{{"body", details}};
  if (auto* s = sdk::field(in, "subject"); js::truthy(s)) data["subject"] = *s;
  if (const json::value* assignee = sdk::contract::assigned_crm_user(in)) {
    // The user's side of the existing communication moves to the assigned user.
    const json::object* existing = sdk::object_field(in, "existingCallLogDetails");
    for (const char* side : {"senders", "receivers"}) {
      const json::value* first = existing ? First(js::get(*existing, side)) : nullptr;
      if (first && first->is_object() && sdk::string_field(first->get_object(), "type") == "User") {
        data[side] = json::array{json::object{{"id", *assignee}, {"type", "User"}}};
        break;
      }
    }
  }
  if (!when.empty()) data["received_at"] = when;
  return data;
}

std::string MessageLine(const json::object& message, const json::object& contact,
                        const std::string& user_name, int offset) {
  const bool inbound = text(message, "direction") == "Inbound";
  const int64_t when = TimeOr(sdk::field(message, "creationTime"), 0);
  return (inbound ? text(contact, "name") + " (" + text(contact, "phoneNumber") + ")" : user_name) +
         " " + sdk::time::format_moment(when, offset, "hh:mm A");
}

std::string ConversationBody(const json::object& in, const std::string& user_name, int64_t when,
                             const std::string& message_text) {
  const json::object& contact = object_of(in, "contactInfo");
  const int offset = UserOffset(object_of(in, "user"));
  const std::string name = text(contact, "name");
  std::string others;
  for (const std::string& n : sdk::contract::correspondent_names(in))
    others += (others.empty() ? "    " : "\n    ") + n;
  return "\nConversation summary\n" +
         sdk::time::format_moment(when, offset, "dddd, MMMM DD, YYYY") + "\nParticipants\n    " +
         user_name + "\n    " + name + "\n" + others +
         "\nConversation(1 messages)\nBEGIN\n------------\n" +
         MessageLine(object_of(in, "message"), contact, user_name, offset) + "\n" + message_text +
         "\n------------\nEND\n\n--- Created via RingCentral App Connect";
}

std::string AppendMessage(std::string body, const std::string& line) {
  return crmhost::sdk::contract::append_conversation_message(std::move(body), line);
}

json::object MessageCommunication(const json::object& in, const std::string& subject,
                                  const std::string& body, int64_t when) {
  const json::object& user = object_of(in, "user");
  json::object data{
      {"subject", subject},
      {"body", body},
      {"type", "PhoneCommunication"},
      {"received_at", sdk::time::format_iso8601(when)},
      {"senders", json::array{json::object{{"id", value_or(object_of(in, "contactInfo"), "id")},
                                           {"type", "Contact"}}}},
      {"receivers", json::array{json::object{{"id", UserCrmId(user)}, {"type", "User"}}}},
      {"notification_event_subscribers", json::array{json::object{{"user_id", UserCrmId(user)}}}}};
  AddMatter(data, object_of(in, "additionalSubmission"));
  return data;
}

std::optional<json::object> SmsTimeEntry(const json::object& in,
                                         const std::string& communication_id, int64_t now_ms) {
  const json::object& user = object_of(in, "user");
  const json::object& message = object_of(in, "message");
  if (!js::truthy(sdk::contract::user_setting(user, "smsTimeTrackingEnabled")) ||
      text(message, "direction") != "Outbound")
    return std::nullopt;
  // The typing time, at least the configured minimum (30 s unless set).
  const double typed = js::to_number(value_or(message, "typingDurationMs", 0)) / 1000.0;
  const json::value* min_v = sdk::contract::user_setting(user, "smsTimeTrackingMinimumDuration");
  int minimum = min_v ? std::atoi(js::to_string(*min_v).c_str()) : 30;
  if (minimum <= 0) minimum = 30;
  const double quantity = std::max(std::isnan(typed) ? 0.0 : typed, double(minimum));
  const int64_t when = TimeOr(sdk::field(message, "creationTime"), now_ms);
  const int offset = UserOffset(user);
  const json::value* billable = sdk::contract::user_setting(user, "smsTimeTrackingDefaultBillable");
  json::object entry{
      {"type", "TimeEntry"},
      {"date", sdk::time::format_moment(when, 0, "YYYY-MM-DD")},
      {"quantity",
       quantity == std::floor(quantity) ? json::value(int64_t(quantity)) : json::value(quantity)},
      {"note", "SMS message with " + text(object_of(in, "contactInfo"), "name") + " sent on " +
                   sdk::time::format_moment(when, offset, "MM/DD/YYYY") + " at " +
                   sdk::time::format_moment(when, offset, "HH:mm:ss")},
      {"communication", json::object{{"id", communication_id}}},
      {"non_billable", billable && js::to_string(*billable) == "non-billable"}};
  AddMatter(entry, object_of(in, "additionalSubmission"));
  return entry;
}

}  // namespace clio
