// Pure mapping between App Connect's documents and Bullhorn's: no HTTP, no host. mapping.cpp has
// hosts, the user, account data and contacts; mapping_logs.cpp call and message Notes;
// mapping_appointments.cpp appointments. Everything here is unit-tested
// (tests/plugins/bullhorn/mapping_test.cpp); api.cpp and the operations use it.
#ifndef CRMHOST_PLUGINS_BULLHORN_MAPPING_H
#define CRMHOST_PLUGINS_BULLHORN_MAPPING_H

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bullhorn {

namespace json = boost::json;

// ---- hosts and URLs ----------------------------------------------------------------------------

// https://bullhornstaffing.com or https://<anything>.bullhornstaffing.com, with no credentials in
// the authority. The OAuth and REST hosts come from the client (the callback's tokenUrl and
// apiUrl) and from Bullhorn's login answer; tokens, passwords and client secrets go only there.
bool IsBullhornUrl(std::string_view url);
// ".../oauth/token" -> ".../oauth/authorize" (the first "/token", as the reference does).
std::string AuthorizeUrl(std::string token_url);
// The decoded value of query parameter `name` in `url` ("" when absent).
std::string QueryParam(const std::string& url, std::string_view name);
// extraDataTracking from Bullhorn's ratelimit-* headers: a key per header that came.
json::object RateLimitTracking(std::string_view remaining, std::string_view limit,
                               std::string_view reset);

// ---- the user ----------------------------------------------------------------------------------

// getUserInfo's platformUserInfo from query/CorporateUser's row: id "<masterUserID>-bullhorn",
// the offset from Bullhorn's EST-relative timeZoneOffsetEST, and what later calls need in
// platformAdditionalInfo (the CorporateUser id, token, login and REST URLs, the session token).
json::object PlatformUser(const json::object& corporate_user, const std::string& token_url,
                          const std::string& login_url, const std::string& rest_url,
                          const std::string& bh_rest_token);
// One page of query/CorporateUser as [{id, name: "first last", email}].
json::array UserListPage(const json::value& page);

// ---- account data (bullhornData) ---------------------------------------------------------------

// {commentActionList: [{const, title}], leadStatuses, candidateStatuses, contactStatuses} from
// settings/commentActionList and meta/<Entity>?fields=status.
json::object AccountData(const json::value& comment_actions, const json::value& lead_meta,
                         const json::value& candidate_meta, const json::value& contact_meta);
// The contact's additionalInfo: {noteActions: [...]} when there are note actions, else null.
json::value NoteActionsInfo(const json::object& account_data);

// ---- contacts ----------------------------------------------------------------------------------

// The three person entities App Connect searches, in the reference's order.
struct PersonKind {
  const char* entity;        // Bullhorn entity: ClientContact, Candidate, Lead
  const char* type;          // App Connect contact type: Contact, Candidate, Lead
  const char* phone_fields;  // fields asked by phone search
  const char* name_fields;   // fields asked by name search
  const char* extra_phone;   // a phone field only this entity searches (" OR workPhone:")
  const char* archived;      // the status that hides a record ("" : none, for name search)
  const char* recent[3];     // dates whose latest is mostRecentActivityDate
};
extern const PersonKind kPersonKinds[3];

// The Lucene query of a phone search for `digits` (the national significant number).
std::string PhoneQuery(const PersonKind& kind, const std::string& digits);
// The Lucene query of a name search: the full name quoted, the first word, the last word (if
// more than one), each with isDeleted:false, ORed; with the kind's archived status excluded.
// Lucene's special characters in the name are escaped.
std::string NameQuery(const PersonKind& kind, std::string_view name);
// A matchedContactInfo entry of a phone search (with mostRecentActivityDate) or a name search.
json::object ContactMatch(const PersonKind& kind, const json::object& row,
                          const json::value& additional_info, bool with_recent);
// The "Create new contact..." entry with each type's status options and the note actions.
json::object NewContactPlaceholder(const json::object& account_data);
// PUT entity/<Lead|Candidate|ClientContact> body: name, first word, second word, the number with
// its "+" restored, the form's status (and the placeholder company for a ClientContact).
json::object NewPerson(const std::string& name, const std::string& phone,
                       const json::value& status);
// The placeholder company contacts created from App Connect are filed under.
inline constexpr const char* kPlaceholderCompany = "RingCentral_CRM_Extension_Placeholder_Company";
json::object PlaceholderCompany();

// ---- call and message logs (mapping_logs.cpp) --------------------------------------------------

// The Bullhorn entity whose comments a note is copied to: "Contact" is ClientContact.
std::string CommentsEntity(std::string_view contact_type);
// createCallLog's PUT entity/Note body; `assignee` is the CorporateUser server-side logging
// assigns the call to (or null).
json::object CallNote(const json::object& in, const json::value* assignee);
// updateCallLog's POST entity/Note/<id> body. `existing_comments` is what the note says now.
// Server-side logging (isFromSSCL) never overwrites notes an agent wrote: unless the note is
// still the auto-log's pending one, its agent-notes section is kept.
json::object CallNoteUpdate(const json::object& in, const std::string& existing_comments,
                            const json::value* assignee);
// getCallLog's callLogInfo from GET
// entity/Note/<id>?fields=comments,candidates,clientContacts,action.
json::object CallLogInfo(const json::object& note);
// The contact type of a logged note, for copying comments on update: the last of ClientContact
// and Candidate that the note is linked to, else Lead.
std::string LoggedContactType(const json::object& note);
// createMessageLog's note comments: the shared SMS body, else an SMS conversation (one message),
// a voicemail or a fax, dated in the user's offset.
std::string MessageComments(const json::object& in, const std::string& user_name);
// The line one more message adds to a conversation note.
std::string MessageLine(const json::object& in, const std::string& user_name);
// The conversation note with `line` appended and its message count raised.
std::string AppendMessage(std::string comments, const std::string& line);
// The time the message log is dated (the shared conversation's, else the message's).
json::value MessageDate(const json::object& in);

// ---- appointments (mapping_appointments.cpp) ---------------------------------------------------

// App Connect's appointment from a Bullhorn Appointment (null fields as the reference leaves
// them); attendees are added by the caller.
json::object Appointment(const json::value& bh);
// A positive integer id from a contact (an object with "id", or the id itself), else nullopt.
std::optional<int64_t> ContactId(const json::value& contact);
// The payload's distinct contact ids, in order.
std::vector<int64_t> ContactIds(const json::value& contacts);
// createAppointment's PUT entity/Appointment body; `now_ms` dates an appointment without a start.
json::object NewAppointment(const json::object& payload, int64_t now_ms);
// updateAppointment's POST body (only what the patch names).
json::object AppointmentPatch(const json::object& patch);
// listAppointments' window: the range's days (UTC, whole days) or a month back to three ahead.
std::optional<std::pair<int64_t, int64_t>> RangeOf(const json::value& range);
std::pair<int64_t, int64_t> DefaultRange(int64_t now_ms);
// Attendees by appointment id from query/AppointmentAttendee rows, each {id, name?, type?,
// status?} once.
json::object AttendeesByAppointment(const json::value& rows);

}  // namespace bullhorn

#endif  // CRMHOST_PLUGINS_BULLHORN_MAPPING_H
