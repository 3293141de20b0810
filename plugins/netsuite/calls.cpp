// Calls as NetSuite phone-call records: times in the user's time zone, the contact's company (a
// placeholder company when it has none), the chosen sales order or opportunity, a transcript
// too long for the record filed as an attached file, and dispositions as user notes on the sales
// order or opportunity, linked from the call.
#include <crmhost/sdk/contract.hpp>
#include <crmhost/sdk/js.hpp>
#include <crmhost/sdk/time.hpp>

#include <algorithm>
#include <cmath>

#include "mapping.h"
#include "plugin.h"

namespace netsuite {
namespace sdk = crmhost::sdk;
namespace js = crmhost::sdk::js;
using sdk::contract::object_of;
using sdk::contract::return_message;

namespace {

constexpr const char* kFolder = "App Connect Phone Calls";

std::string Transcript(const json::object& in) {
  const json::value* t = js::get(in, "transcript");
  return js::truthy(t) ? js::to_string(*t) : std::string();
}

// The user's "add call date/time" setting; on unless they turned it off.
bool AddsDateTime(const json::object& user) {
  const json::value* v = sdk::contract::user_setting(user, "addCallLogDateTime");
  return !v || js::truthy(v);
}

// The externalId that makes a call's record findable after a crash (findCallLogForSession): the
// user, the call's session and its own id (two extensions' legs of one session are two calls).
std::string ExternalId(const json::object& in) {
  const json::object& call_log = object_of(in, "callLog");
  return "appconnect-" + sdk::string_field(object_of(in, "user"), "id") + "-" +
         sdk::string_field(call_log, "sessionId") + "-" + sdk::string_field(call_log, "id");
}

// The record a failed create may have made all the same (NetSuite answered late, or not at all,
// or refused the external id as taken): its id, else nullopt.
std::optional<std::string> CreatedAnyway(Api& api, const json::object& in, const Error& e) {
  const bool maybe =
      e.status() == 0 || e.status() >= 500 || e.detail().find("external ID") != std::string::npos;
  if (!maybe) return std::nullopt;
  try {
    const json::value record = api.Get("phonecall/eid:" + sdk::url_encode(ExternalId(in)));
    if (const json::value* id = js::get(&record, "id")) return js::to_string(*id);
  } catch (const std::exception& lookup) {
    api.call().warn(std::string("NetSuite phone call lookup after a failed create failed: ") +
                    lookup.what());
  }
  return std::nullopt;
}

// contact: the contact and its company (a placeholder company, linked to the contact, when it has
// none); customer or vendor: the company itself.
void Link(Api& api, const json::object& in, json::object& body) {
  const json::object& contact = object_of(in, "contactInfo");
  const std::string type = sdk::string_field(contact, "type");
  const json::value id = js::get(contact, "id") ? *js::get(contact, "id") : json::value();
  std::string lower = type;
  for (char& c : lower)
    c = char(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "contact") {
    const std::string path = "contact/" + sdk::url_encode(js::to_string(id));
    json::value record = api.Get(path);
    std::string company = js::text_or_empty(js::get(js::get(&record, "company"), "id"));
    if (company.empty()) {
      company = PlaceholderCompanyId(api, object_of(in, "user"), false);
      api.Patch(path, json::object{{"company", json::object{{"id", company}}}});
    }
    body["contact"] = json::object{{"id", id}};
    body["company"] = json::object{{"id", company}};
  } else if (type == "custjob" || type == "vendor") {
    body["company"] = json::object{{"id", id}};
  }
}

// The chosen sales order, else opportunity, as Number(id) (an integer id stays an integer).
json::value Transaction(const json::object& submission) {
  for (const char* type : {"salesorder", "opportunity"})
    if (const json::value* v = js::get(submission, type); js::truthy(v)) {
      const double n = js::to_number(*v);
      json::value id = n;
      if (std::isfinite(n) && n == std::floor(n) && std::fabs(n) < 9e15) id = int64_t(n);
      if (!std::isfinite(n)) id = nullptr;  // NaN serialises as null
      return json::object{{"id", std::move(id)}, {"type", type}};
    }
  return nullptr;
}

}  // namespace

void AttachTranscript(Api& api, const std::string& call_id, const std::string& subject,
                      const std::string& transcript) {
  try {
    const json::value found =
        api.RunRestlet(kFolderByName, "GET", nullptr, "&name=" + sdk::url_encode(kFolder));
    json::value folder = nullptr;
    if (js::truthy(js::get(&found, "success"))) {
      if (const json::value* results = js::get(&found, "results");
          results && results->is_array() && !results->get_array().empty())
        if (const json::value* id = js::get(&results->get_array()[0], "id")) folder = *id;
    } else if (js::text_or_empty(js::get(&found, "message")).find("No folder found with name") !=
               std::string::npos) {
      const json::value body = json::object{{"folderName", kFolder}};
      const json::value made = api.RunRestlet(kCreateFolder, "POST", &body);
      if (const json::value* id = js::get(&made, "folderId")) folder = *id;
    }
    if (folder.is_null()) return;
    const json::value file =
        json::object{{"folderId", folder},
                     {"fileName", subject + " " + call_id},
                     {"content", transcript},
                     {"note", "This file was generated via RingCentral App Connect"}};
    const json::value made = api.RunRestlet(kCreateFile, "POST", &file);
    const json::value* file_id = js::get(&made, "fileId");
    if (!file_id) return;
    const json::value attach = json::object{{"phoneCallId", call_id}, {"fileId", *file_id}};
    api.RunRestlet(kAttachFile, "POST", &attach);
  } catch (const std::exception& e) {
    api.call().warn(std::string("NetSuite transcript file not attached: ") + e.what());
  }
}

json::value NetSuite::createCallLog(Call& call, const json::object& in) {
  try {
    Api api(call, in);
    const json::object& user = object_of(in, "user");
    const json::object& call_log = object_of(in, "callLog");
    const std::string subject = CallSubject(in);
    const json::value* start_v = js::get(call_log, "startTime");
    const int64_t start =
        start_v ? sdk::time::parse_timestamp(*start_v).value_or(call.now_ms()) : call.now_ms();
    const CallTimes t = TimesOf(start, js::get(call_log, "duration"), ZoneOffset(api, start));
    const std::string transcript = Transcript(in);
    Fitted text = FitTranscript(sdk::string_field(in, "composedLogDetails"), transcript);
    if (AddsDateTime(user)) text.body = WithDateTime(std::move(text.body), t.date_time_line);
    json::object body{{"title", subject},
                      {"phone", sdk::string_field(object_of(in, "contactInfo"), "phoneNumber")},
                      {"priority", "MEDIUM"},
                      {"status", "COMPLETE"},
                      {"startDate", t.start_date},
                      {"startTime", t.start_time},
                      {"endTime", t.end_time},
                      {"timedEvent", true},
                      {"message", text.body},
                      {"completedDate", t.completed_date},
                      {"externalId", ExternalId(in)}};
    Link(api, in, body);
    if (json::value tx = Transaction(object_of(in, "additionalSubmission")); !tx.is_null())
      body["transaction"] = std::move(tx);
    std::string id;
    try {
      id = api.Create("phonecall", body);
    } catch (const Error& e) {
      auto made = CreatedAnyway(api, in, e);
      if (!made) throw;
      call.warn(std::string("NetSuite made the phone call although its create failed: ") +
                e.what());
      id = *made;
    }
    if (text.too_long) AttachTranscript(api, id, subject, transcript);
    return json::object{{"logId", id},
                        {"returnMessage", return_message("Call logged", "success", 2000)}};
  } catch (const std::exception& e) {
    call.warn(std::string("NetSuite call not logged: ") + e.what());
    std::string message = DetailOr(e, "Error logging call");
    if (message.find("'Subsidiary' was not found.") != std::string::npos)
      message +=
          " OR Permission violation: You need the 'Lists -> Subsidiaries -> View' permission "
          "to access this page. ";
    if (message.find("Invalid value for the resource or sub-resource field 'company'") !=
        std::string::npos)
      message =
          "No company is associated with this contact. Log in to NetSuite and link the contact "
          "to a company.";
    return Warning(message,
                   "There was an error in creating an activity entry for this phone call in "
                   "NetSuite. If issues persist, please contact your NetSuite administrator.",
                   60000);
  }
}

// The record createCallLog made for this call, by its externalId; null when there is none.
json::value NetSuite::findCallLogForSession(Call& call, const json::object& in) {
  Api api(call, in);
  try {
    const json::value record = api.Get("phonecall/eid:" + sdk::url_encode(ExternalId(in)));
    if (const json::value* id = js::get(&record, "id"))
      return json::object{{"logId", js::to_string(*id)}};
  } catch (const Error& e) {
    if (e.status() != 404) throw;
  }
  return json::object{{"logId", nullptr}};
}

json::value NetSuite::getCallLog(Call& call, const json::object& in) {
  try {
    Api api(call, in);
    const json::value record =
        api.Get("phonecall/" + sdk::url_encode(sdk::string_field(in, "callLogId")));
    const std::string message = js::text_or_empty(js::get(&record, "message"));
    json::object info{
        {"subject", js::get(&record, "title") ? *js::get(&record, "title") : json::value()}};
    if (auto note = AgentNote(message)) info["note"] = *note;
    info["fullBody"] = message;
    info["fullLogResponse"] = record;
    info["additionalSubmission"] = json::object();
    return json::object{{"callLogInfo", std::move(info)}, {"returnMessage", json::object()}};
  } catch (const std::exception& e) {
    call.warn(std::string("NetSuite call log not read: ") + e.what());
    return Warning(DetailOr(e, "Error loading call log"),
                   "There was an error loading an activity entry for this phone call in NetSuite. "
                   "If issues persist, please contact your NetSuite administrator.",
                   60000);
  }
}

// The re-composed message (a transcript fitted as on create), the title, and new times when the
// update has a start and a duration.
json::value NetSuite::updateCallLog(Call& call, const json::object& in) {
  try {
    Api api(call, in);
    const std::string id = sdk::string_field(object_of(in, "existingCallLog"), "thirdPartyLogId");
    json::object patch;
    if (const json::value* subject = js::get(in, "subject")) patch["title"] = *subject;
    const json::value* start_v = js::get(in, "startTime");
    const json::value* duration = js::get(in, "duration");
    const std::string transcript = Transcript(in);
    Fitted text = FitTranscript(sdk::string_field(in, "composedLogDetails"), transcript);
    if (start_v && duration) {
      const int64_t start = sdk::time::parse_timestamp(*start_v).value_or(call.now_ms());
      const CallTimes t = TimesOf(start, duration, ZoneOffset(api, start));
      patch["startDate"] = t.start_date;
      patch["startTime"] = t.start_time;
      patch["endTime"] = t.end_time;
      if (AddsDateTime(object_of(in, "user")))
        text.body = WithDateTime(std::move(text.body), t.date_time_line);
    }
    patch["message"] = text.body;
    api.Patch("phoneCall/" + sdk::url_encode(id), patch);
    if (text.too_long && js::truthy(js::get(in, "subject")))
      AttachTranscript(api, id, sdk::string_field(in, "subject"), transcript);
    return json::object{{"updatedNote", js::get(in, "note") ? *js::get(in, "note") : json::value()},
                        {"returnMessage", return_message("Call log updated", "success", 2000)}};
  } catch (const std::exception& e) {
    call.warn(std::string("NetSuite call log not updated: ") + e.what());
    return Warning("Error updating call log", "", 3000);
  }
}

// A sales order or opportunity chosen as the call's disposition gets the call as a user note
// (made once, then updated), and the call links to it. Only for the kinds the user enabled.
json::value NetSuite::upsertCallDisposition(Call& call, const json::object& in) {
  Api api(call, in);
  std::string id = sdk::string_field(object_of(in, "existingCallLog"), "thirdPartyLogId");
  id = id.substr(0, id.find('.'));
  const json::value record = api.Get("phonecall/" + sdk::url_encode(id));
  const std::string original = js::text_or_empty(js::get(&record, "message"));
  const json::value title = js::get(&record, "title") ? *js::get(&record, "title") : json::value();
  const SearchSettings settings = SettingsOf(object_of(in, "user"));
  const json::object& dispositions = object_of(in, "dispositions");
  // The call's text without the links; the links it has stay, and new ones join them (the
  // reference writes back only the links of this run, so a later run makes a second note).
  const std::string text = WithoutNoteLinks(original);
  const json::value note_text = text.empty() ? json::value("empty") : json::value(text);
  std::vector<NoteLink> links = NoteLinks(original);
  bool linked = false;
  for (bool sales_order : {true, false}) {
    const json::value* chosen = js::get(dispositions, sales_order ? "salesorder" : "opportunity");
    if (!js::truthy(chosen) || !(sales_order ? settings.sales_orders : settings.opportunities))
      continue;
    const std::string tx = js::to_string(*chosen);
    const auto made = std::find_if(links.begin(), links.end(), [&](const NoteLink& l) {
      return l.sales_order == sales_order && l.id == tx;
    });
    if (made != links.end()) {
      if (auto note_id = NoteIdOf(made->url)) {
        const json::value body =
            json::object{{"noteTitle", title}, {"noteText", note_text}, {"noteId", *note_id}};
        api.RunRestlet(kUserNotes, "PUT", &body);
        continue;
      }
    }
    const json::value body =
        json::object{{"salesOrderId", tx}, {"noteTitle", title}, {"noteText", note_text}};
    const json::value answer = api.RunRestlet(kUserNotes, "POST", &body);
    if (!js::truthy(js::get(&answer, "success"))) continue;
    NoteLink link;
    link.sales_order = sales_order;
    link.id = tx;
    link.url = "https://" + api.account() + ".app.netsuite.com/app/crm/common/note.nl?id=" +
               js::text_or_empty(js::get(&answer, "noteId"));
    links.push_back(std::move(link));
    linked = true;
  }
  if (linked)
    api.Patch("phoneCall/" + sdk::url_encode(id),
              json::object{{"message", WithNoteLinks(text, links)}});
  return json::object{{"logId", id}};
}

}  // namespace netsuite
