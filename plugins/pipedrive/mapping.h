// Pure transformations between Pipedrive's JSON and App Connect's (no HTTP), so they can be
// tested alone (tests/plugins/pipedrive/mapping_test.cpp). The bodies and messages are the
// reference connector's; plugin.cpp's header comment lists where we deliberately differ.
#ifndef CRMHOST_PLUGINS_PIPEDRIVE_MAPPING_H
#define CRMHOST_PLUGINS_PIPEDRIVE_MAPPING_H

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pipedrive {

namespace json = boost::json;

// A value of `o` or null (JSON null and absent alike).
json::value ValueOf(const json::object& o, std::string_view key);
// Number(v) as JSON: an integer when it is one, null for NaN (JSON.stringify(NaN)).
json::value NumberOf(const json::value& v);
// The Pipedrive user id: Number of the part of user.id before the first "-".
json::value OwnerId(const json::object& user);
// Seconds -> "HH:MM", minutes rounded up by one as the reference does ("00:01" for 0..59 s).
std::string Duration(const json::value* v);
int64_t TimeOr(const json::value* v, int64_t fallback);
std::string Lower(std::string s);
// The user's UTC offset (Pipedrive's "-05:00") in minutes, for message dates.
int OffsetOf(const json::object& user);

// answer.data of a Pipedrive answer ({success, data}); null when absent.
const json::value* DataOf(const json::value& answer);

// "acme.pipedrive.com" (or "https://acme.pipedrive.com"): a company host we may send tokens to.
bool IsPipedriveHost(std::string host);

// getUserInfo's platformUserInfo from users/me's data (which has an id) and the login input.
json::object PlatformUser(const json::object& me, const json::object& in);

// Company users for admin user mapping (deleted users left out), from GET /api/v1/users.
json::array UserList(const json::value& answer);

// additionalSubmission.deals / .leads; "" without a submission (absent stays absent).
struct Related {
  std::optional<json::value> deal, lead;
};
Related RelatedOf(const json::object& in);

// The agent's note of a composed HTML body: between "<b>Agent notes</b>" and the following
// "<b>Call details</b>", without any "<br>".
std::string AgentNote(const std::string& body);

// The activity subject of a call: the client's custom subject (as sent), else "<Direction>
// Call to/from <contact>".
json::value CallSubject(const json::object& log, const json::object& contact);

json::array Participants(const json::object& contact);

// [{const: id, title}] of a deals or leads list.
json::array Options(const json::value* list);

// One found person as an App Connect contact; `additional` holds their deal and lead options.
json::object PersonContact(const json::object& item, const std::string* phone,
                           json::object additional);

// createCallLog's activity. `org`: the person's org_id or ""; `assignee`: the owner an admin
// assigned the call to; `type`: the activity type's key_string.
json::object CallActivity(const json::object& in, const json::value& org,
                          const std::optional<json::value>& assignee, int64_t now_ms,
                          const std::string& type);

// The activity createCallLog made for this call among a person's activities (GET
// /api/v2/activities?person_id=): same subject, due date and minute, and duration.
const json::value* FindCallActivity(const json::value& listed, const json::object& log,
                                    const json::object& contact, int64_t start_ms);

// getCallLog's callLogInfo from GET /api/v2/activities/<id>.
json::object CallLogInfo(const json::value& answer);

// updateCallLog's patch: the re-composed note, and the subject, duration and owner when given.
json::object UpdatedCallActivity(const json::object& in,
                                 const std::optional<json::value>& assignee);

// "<li>{sender} {hh:mm A}<br><b>{text}</b></li>": the contact (with number) for inbound
// messages, else the user.
std::string MessageItem(const json::object& message, const json::object& contact,
                        const std::string& user_name, int offset);

// A message activity's subject and HTML note: the shared conversation's own, else a voicemail,
// fax or new SMS conversation.
struct MessageText {
  std::string subject, note;
};
MessageText MessageNote(const json::object& in, const std::string& user_name, int64_t now_ms);

// createMessageLog's activity, due when the conversation began (`now_ms` without a time).
json::object MessageActivity(const json::object& in, const MessageText& text,
                             const json::value& org, int64_t now_ms, const std::string& type);

// Adds one message item at the end of the conversation's list and counts it.
std::string AppendMessageItem(std::string note, const std::string& item);

// updateMessageLog's patch: the note, and the deal or else the lead when the form sent them.
json::object UpdatedMessageActivity(const json::object& in, const std::string& note);

// Active activity types from GET /v1/activityTypes, as {const: key_string, title: name}.
json::array ActiveActivityTypes(const json::value& answer);
// The configured activity type (the admin's choice in adminConfig, else the user's own setting
// of the same id), "" when none.
std::string ConfiguredActivityType(const json::object& in, std::string_view setting_id);
// The type whose const is `wanted`; the first whose title contains `keyword` (lower case).
std::optional<std::string> TypeByConst(const json::array& types, const std::string& wanted);
std::optional<std::string> TypeByKeyword(const json::array& types, std::string_view keyword);

// The answer when no activity type fits `kind` ("Call", "Message"): the reference's message,
// naming the `word` a type must contain.
json::object NoActivityType(const std::string& kind, const std::string& word);

}  // namespace pipedrive

#endif  // CRMHOST_PLUGINS_PIPEDRIVE_MAPPING_H
