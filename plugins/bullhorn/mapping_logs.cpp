// The call and message logs as Bullhorn Notes: their bodies, updates and what getCallLog reads
// back (mapping.h).
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

constexpr std::string_view kAgentNotes = "<b>Agent notes</b>";
constexpr std::string_view kCallDetails = "<b>Call details</b>";
constexpr std::string_view kPendingAutoLog = "<br>From auto logging (Pending)<br>";
constexpr std::string_view kCreatedVia = "<br><br>--- Created via RingCentral App Connect";

// JavaScript's s.split(sep)[index] (nullopt where the array has no such element).
std::optional<std::string> SplitPart(std::string_view s, std::string_view sep, size_t index) {
  size_t begin = 0;
  for (size_t i = 0; i < index; ++i) {
    const size_t at = s.find(sep, begin);
    if (at == std::string_view::npos) return std::nullopt;
    begin = at + sep.size();
  }
  return std::string(s.substr(begin, s.find(sep, begin) - begin));
}

std::string ReplaceAll(std::string s, std::string_view what, std::string_view with) {
  for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + with.size()))
    s.replace(at, what.size(), with);
  return s;
}

// seconds / 60 as JavaScript computes it: an integer when it divides, else a double.
json::value Minutes(const json::value* seconds) {
  if (!seconds || !seconds->is_number()) return nullptr;  // NaN serialises as null
  if (seconds->is_int64() && seconds->get_int64() % 60 == 0) return seconds->get_int64() / 60;
  return seconds->to_number<double>() / 60.0;
}

// The agent-notes section of an HTML log: from its heading up to the call details.
std::optional<std::pair<size_t, size_t>> NotesSpan(const std::string& body) {
  const size_t begin = body.find(kAgentNotes);
  if (begin == std::string::npos) return std::nullopt;
  size_t end = body.find(kCallDetails, begin);
  if (end == std::string::npos) end = body.size();
  return std::make_pair(begin, end);
}

// `composed` with the agent-notes section `existing` has (or none, if it has none).
std::string KeepAgentNotes(std::string composed, const std::string& existing) {
  std::string kept;
  if (auto span = NotesSpan(existing))
    kept = existing.substr(span->first, span->second - span->first);
  if (auto span = NotesSpan(composed))
    composed.replace(span->first, span->second - span->first, kept);
  else
    composed.insert(0, kept);
  return composed;
}

std::string Formatted(const json::object& in, std::string_view pattern) {
  const json::object& message = object_of(in, "message");
  const json::value* created = js::get(message, "creationTime");
  const int64_t when = created ? sdk::time::parse_timestamp(*created).value_or(0) : 0;
  const json::value* offset = js::get(object_of(in, "user"), "timezoneOffset");
  const int minutes =
      offset ? sdk::time::utc_offset_minutes(json::value(js::to_number(*offset))) : 0;
  return sdk::time::format_moment(when, minutes, pattern);
}

}  // namespace

// ---- call and message logs ---------------------------------------------------------------------

std::string CommentsEntity(std::string_view contact_type) {
  return contact_type == "Contact" ? "ClientContact" : std::string(contact_type);
}

namespace {

// additionalSubmission.noteActions, or "pending note" when it is empty.
json::value NoteAction(const json::object& submission) {
  const json::value* a = js::get(submission, "noteActions");
  return js::truthy(a) ? *a : json::value("pending note");
}

json::object CorporateUser(const json::value& id) {
  return json::object{{"id", id}, {"personSubtype", "CorporateUser"}};
}

}  // namespace

json::object CallNote(const json::object& in, const json::value* assignee) {
  const json::object& contact = object_of(in, "contactInfo");
  const json::object& call_log = object_of(in, "callLog");
  json::object body;
  body["comments"] = js::get(in, "composedLogDetails") ? *js::get(in, "composedLogDetails") : "";
  body["personReference"] = json::object{
      {"id", js::get(contact, "id") ? *js::get(contact, "id") : json::value()},
      {"personSubtype", js::get(contact, "type") ? *js::get(contact, "type") : json::value()}};
  body["action"] = NoteAction(object_of(in, "additionalSubmission"));
  body["dateAdded"] =
      js::get(call_log, "startTime") ? *js::get(call_log, "startTime") : json::value();
  body["externalID"] =
      js::get(call_log, "sessionId") ? *js::get(call_log, "sessionId") : json::value();
  body["minutesSpent"] = Minutes(js::get(call_log, "duration"));
  if (js::truthy(assignee)) body["commentingPerson"] = CorporateUser(*assignee);
  return body;
}

json::object CallNoteUpdate(const json::object& in, const std::string& existing_comments,
                            const json::value* assignee) {
  json::object body;
  if (const json::value* start = js::get(in, "startTime"); js::truthy(start))
    body["dateAdded"] = *start;
  if (const json::value* duration = js::get(in, "duration"); js::truthy(duration))
    body["minutesSpent"] = Minutes(duration);
  if (js::truthy(assignee)) body["commentingPerson"] = CorporateUser(*assignee);
  const std::string composed = js::text_or_empty(js::get(in, "composedLogDetails"));
  const bool from_sscl = js::truthy(js::get(in, "isFromSSCL"));
  if (!from_sscl || existing_comments.find(kPendingAutoLog) != std::string::npos)
    body["comments"] = composed;
  else
    body["comments"] = KeepAgentNotes(composed, existing_comments);
  return body;
}

json::object CallLogInfo(const json::object& note) {
  const std::string body = js::text_or_empty(js::get(note, "comments"));
  std::string agent_notes;
  if (auto after = SplitPart(body, kAgentNotes, 1))
    agent_notes = ReplaceAll(*SplitPart(*after, kCallDetails, 0), "<br>", "");
  std::string subject;
  if (auto summary = SplitPart(*SplitPart(body, "</ul>", 0), "<li><b>Summary</b>: ", 1))
    subject = *SplitPart(*summary, "<li><b>", 0);
  // The first linked ClientContact, else the first Candidate.
  auto first_of = [&](std::string_view key) -> const json::value* {
    const json::value* assoc = js::get(note, key);
    if (js::to_number(js::get(assoc, "total") ? *js::get(assoc, "total") : json::value(0)) <= 0)
      return nullptr;
    const json::value* data = js::get(assoc, "data");
    return data && data->is_array() && !data->get_array().empty() ? &data->get_array()[0] : nullptr;
  };
  const json::value* contact = first_of("clientContacts");
  if (!contact) contact = first_of("candidates");
  const std::string contact_name = contact
                                       ? js::text_or_empty(js::get(contact, "firstName")) + " " +
                                             js::text_or_empty(js::get(contact, "lastName"))
                                       : std::string(" ");
  return json::object{{"subject", subject},
                      {"note", agent_notes},
                      {"fullBody", body},
                      {"fullLogResponse", note},
                      {"contactName", contact_name},
                      {"dispositions", json::object{{"noteActions", js::get(note, "action")
                                                                        ? *js::get(note, "action")
                                                                        : json::value()}}}};
}

std::string LoggedContactType(const json::object& note) {
  auto linked = [&](std::string_view key) {
    const json::value* data = js::get(js::get(note, key), "data");
    return data && data->is_array() && !data->get_array().empty();
  };
  if (linked("candidates")) return "Candidate";
  if (linked("clientContacts")) return "Contact";
  return "Lead";
}

std::string MessageLine(const json::object& in, const std::string& user_name) {
  const json::object& contact = object_of(in, "contactInfo");
  const json::object& message = object_of(in, "message");
  const std::string who = js::text_or_empty(js::get(message, "direction")) == "Inbound"
                              ? js::template_text(js::get(contact, "name")) + " (" +
                                    js::template_text(js::get(contact, "phoneNumber")) + ")"
                              : user_name;
  return "<li>" + who + " " + Formatted(in, "hh:mm A") + "<br><b>" +
         js::template_text(js::get(message, "subject")) + "</b></li>";
}

std::string MessageComments(const json::object& in, const std::string& user_name) {
  if (const json::value* body = js::get(object_of(in, "sharedSMSLogContent"), "body");
      js::truthy(body))
    return js::to_string(*body);
  const std::string contact = js::template_text(js::get(object_of(in, "contactInfo"), "name"));
  const std::string day = Formatted(in, "YY/MM/DD");
  if (const json::value* link = js::get(in, "recordingLink"); js::truthy(link))
    return "<br><b>Voicemail left by " + contact + " - " + day +
           "</b><br>Voicemail recording link: " + js::to_string(*link) + " " +
           std::string(kCreatedVia);
  if (const json::value* link = js::get(in, "faxDocLink"); js::truthy(link))
    return "<br><b>Fax document sent from " + contact + " - " + day +
           "</b><br>Fax document link: " + js::to_string(*link) + " " + std::string(kCreatedVia);
  std::string others;
  for (const std::string& name : sdk::contract::correspondent_names(in))
    others += "<li><b>" + name + "</b></li>";
  return "<br><b>SMS conversation with " + contact + " - " + day + "</b><br>" +
         "<b>Conversation summary</b><br>" + Formatted(in, "dddd, MMMM DD, YYYY") + "<br>" +
         "Participants<br><ul><li><b>" + user_name + "</b><br></li><li><b>" + contact +
         "</b></li>" + others +
         "</ul><br>Conversation(1 messages)<br>BEGIN<br>------------<br><ul>" +
         MessageLine(in, user_name) + "</ul>------------<br>END" + std::string(kCreatedVia);
}

std::string AppendMessage(std::string comments, const std::string& line) {
  return sdk::contract::append_conversation_message(std::move(comments), line,
                                                    "</ul>------------<br>", "<br>Conversation(");
}

json::value MessageDate(const json::object& in) {
  if (const json::value* shared = js::get(in, "sharedSMSLogContent"); js::truthy(shared)) {
    const json::value* date = js::get(shared, "conversationCreatedDate");
    return date ? *date : json::value();
  }
  const json::value* created = js::get(object_of(in, "message"), "creationTime");
  return created ? *created : json::value();
}

}  // namespace bullhorn
