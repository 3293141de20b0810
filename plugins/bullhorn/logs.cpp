// Call and message logs as Bullhorn Notes on the person: the composed HTML body as comments, the
// note action as the call's disposition, the call's session id as the Note's externalID (which
// also finds a Note a crash left unrecorded), and SMS conversations that grow one message at a
// time.
#include <crmhost/sdk/contract.hpp>
#include <crmhost/sdk/js.hpp>

#include "mapping.h"
#include "plugin.h"

namespace bullhorn {
namespace sdk = crmhost::sdk;
namespace js = crmhost::sdk::js;
using sdk::contract::object_of;
using sdk::contract::return_message;

namespace {

json::value ChangedId(const json::value& answer, std::string_view what) {
  const json::value* id = js::get(&answer, "changedEntityId");
  if (!id || id->is_null())
    throw sdk::UpstreamError(200, "Bullhorn answered no id for the " + std::string(what));
  return *id;
}

std::string Segment(const json::value* id) {
  return sdk::url_encode(id ? js::to_string(*id) : "");
}

// Copies the agent's note into the person's comments. The Note is written already, so a failure
// here is logged and the log still answers its id (a retry would log the call twice).
void CopyToComments(Api& api, const std::string& contact_type, const json::value* contact_id,
                    const json::object& in) {
  json::object body;
  if (const json::value* note = js::get(in, "note")) body["comments"] = *note;
  try {
    api.Post("entity/" + CommentsEntity(contact_type) + "/" + Segment(contact_id), body);
  } catch (const sdk::UpstreamError& e) {
    api.call().warn(
        std::string("Bullhorn note logged, but copying it to the contact's comments failed: ") +
        e.what());
  }
}

// Bullhorn refuses a Note update to users without the right (403): the reference's advice.
json::object NoNoteRights() {
  json::object message = return_message(
      "It seems like your Bullhorn account does not have permission to update Note. Refer to "
      "details for more information.",
      "warning", 3000);
  message["details"] = json::array{json::object{
      {"title", "Details"},
      {"items", json::array{json::object{
                    {"id", "1"},
                    {"type", "text"},
                    {"text",
                     "Please go to user settings -> Call and SMS logging and turn ON one-time "
                     "call logging and try again."}}}}}};
  return json::object{{"returnMessage", std::move(message)}};
}

// The logged-in CorporateUser's name (by the masterUserID in the App Connect user id).
std::string UserName(Api& api, const json::object& user) {
  std::string master = sdk::string_field(user, "id");
  if (size_t at = master.find("-bullhorn"); at != std::string::npos) master.erase(at, 9);
  json::value found = api.Get(
      "query/CorporateUser?fields=id,name&where=" + sdk::url_encode("masterUserID=" + master),
      false);
  const json::value* data = js::get(&found, "data");
  if (!data || !data->is_array() || data->get_array().empty())
    throw sdk::UpstreamError(200, "Bullhorn knows no CorporateUser for this user");
  return js::text_or_empty(js::get(&data->get_array()[0], "name"));
}

std::string NoteId(const json::object& in, std::string_view record) {
  return sdk::url_encode(sdk::string_field(object_of(in, record), "thirdPartyLogId"));
}

}  // namespace

json::value Bullhorn::createCallLog(Call& call, const json::object& in) {
  Api api(call, in);
  const json::object note = CallNote(in, sdk::contract::assigned_crm_user(in));
  const json::value id = ChangedId(api.Put("entity/Note", note), "call's Note");
  if (js::truthy(js::get(object_of(in, "additionalSubmission"), "copyToContactComments"))) {
    const json::object& contact = object_of(in, "contactInfo");
    CopyToComments(api, sdk::string_field(contact, "type"), js::get(contact, "id"), in);
  }
  return api.Finish(json::object{
      {"logId", id}, {"returnMessage", return_message("Call logged", "success", 2000)}});
}

// The Note createCallLog made for this call, by the externalID it wrote (the session id).
json::value Bullhorn::findCallLogForSession(Call& call, const json::object& in) {
  const std::string session = sdk::string_field(object_of(in, "callLog"), "sessionId");
  if (session.empty()) return json::object{{"logId", nullptr}};
  std::string phrase;
  for (char c : session) {
    if (c == '"' || c == '\\') phrase += '\\';
    phrase += c;
  }
  Api api(call, in);
  const json::value query = json::object{{"query", "externalID:\"" + phrase + "\""}};
  json::value found =
      api.Request("POST", "search/Note?fields=id,externalID,personReference", &query, false);
  // The session alone is not the call: another agent's Note of a transferred call carries it
  // too. Ours is on the same person.
  const std::string person = js::text_or_empty(js::get(object_of(in, "contactInfo"), "id"));
  if (const json::value* data = js::get(&found, "data"); data && data->is_array())
    for (auto& row : data->get_array())
      if (js::text_or_empty(js::get(&row, "externalID")) == session && js::get(&row, "id") &&
          js::text_or_empty(js::get(js::get(&row, "personReference"), "id")) == person)
        return api.Finish(json::object{{"logId", *js::get(&row, "id")}});
  return api.Finish(json::object{{"logId", nullptr}});
}

json::value Bullhorn::getCallLog(Call& call, const json::object& in) {
  Api api(call, in);
  json::value found = api.Get("entity/Note/" + sdk::url_encode(sdk::string_field(in, "callLogId")) +
                              "?fields=comments,candidates,clientContacts,action");
  const json::value* data = js::get(&found, "data");
  if (!data || !data->is_object()) throw sdk::UpstreamError(200, "Bullhorn answered no Note");
  return api.Finish(json::object{{"callLogInfo", CallLogInfo(data->get_object())}});
}

// The re-composed body (or, for server-side logging over an agent's note, the agent's notes
// kept), the new start and duration, and the assignee server-side logging maps the call to.
json::value Bullhorn::updateCallLog(Call& call, const json::object& in) {
  Api api(call, in);
  const std::string id = NoteId(in, "existingCallLog");
  json::object existing;
  if (const json::value* details = js::get(in, "existingCallLogDetails");
      details && details->is_object()) {
    existing = details->get_object();
  } else {
    json::value found = api.Get("entity/Note/" + id +
                                "?fields=comments,commentingPerson,candidates,clientContacts");
    if (const json::value* data = js::get(&found, "data"); data && data->is_object())
      existing = data->get_object();
  }
  json::object body = CallNoteUpdate(in, js::text_or_empty(js::get(existing, "comments")),
                                     sdk::contract::assigned_crm_user(in));
  api.Post("entity/Note/" + id, body);
  if (js::truthy(js::get(object_of(in, "additionalSubmission"), "copyToContactComments")))
    CopyToComments(api, LoggedContactType(existing),
                   js::get(object_of(in, "existingCallLog"), "contactId"), in);
  return api.Finish(
      json::object{{"updatedNote", body["comments"]},
                   {"returnMessage", return_message("Call log updated.", "success", 2000)}});
}

// The note action is the disposition ("pending note" when none was chosen).
json::value Bullhorn::upsertCallDisposition(Call& call, const json::object& in) {
  Api api(call, in);
  const json::value* chosen = js::get(object_of(in, "dispositions"), "noteActions");
  const json::value action = js::truthy(chosen) ? *chosen : json::value("pending note");
  const std::string id = NoteId(in, "existingCallLog");
  try {
    api.Post("entity/Note/" + id, json::object{{"action", action}});
  } catch (const sdk::UpstreamError& e) {
    if (e.status() == 403) return api.Finish(NoNoteRights());
    throw;
  }
  return api.Finish(
      json::object{{"logId", js::get(object_of(in, "existingCallLog"), "thirdPartyLogId")
                                 ? *js::get(object_of(in, "existingCallLog"), "thirdPartyLogId")
                                 : json::value()}});
}

json::value Bullhorn::createMessageLog(Call& call, const json::object& in) {
  Api api(call, in);
  const std::string user_name = UserName(api, object_of(in, "user"));
  const json::object& contact = object_of(in, "contactInfo");
  const json::value* action = js::get(object_of(in, "additionalSubmission"), "noteActions");
  json::object note{
      {"comments", MessageComments(in, user_name)},
      {"action", action ? *action : json::value("")},
      {"personReference",
       json::object{{"id", js::get(contact, "id") ? *js::get(contact, "id") : json::value()},
                    {"personSubtype",
                     js::get(contact, "type") ? *js::get(contact, "type") : json::value()}}},
      {"dateAdded", MessageDate(in)}};
  const json::value id = ChangedId(api.Put("entity/Note", note), "message's Note");
  return api.Finish(json::object{
      {"logId", id}, {"returnMessage", return_message("Message logged", "success", 1000)}});
}

// One more message in the day's conversation Note (or the shared conversation's new body).
json::value Bullhorn::updateMessageLog(Call& call, const json::object& in) {
  Api api(call, in);
  const std::string user_name = UserName(api, object_of(in, "user"));
  const std::string id = NoteId(in, "existingMessageLog");
  std::string comments;
  if (const json::value* shared = js::get(object_of(in, "sharedSMSLogContent"), "body");
      js::truthy(shared)) {
    comments = js::to_string(*shared);
  } else {
    json::value found = api.Get("entity/Note/" + id + "?fields=id,comments");
    comments = AppendMessage(js::text_or_empty(js::get(js::get(&found, "data"), "comments")),
                             MessageLine(in, user_name));
  }
  try {
    api.Post("entity/Note/" + id,
             json::object{{"comments", comments}, {"dateAdded", MessageDate(in)}});
  } catch (const sdk::UpstreamError& e) {
    if (e.status() == 403) return api.Finish(NoNoteRights());
    throw;
  }
  return api.Finish(json::object());
}

}  // namespace bullhorn
