// Pure mapping between App Connect's documents and NetSuite's: no HTTP, no host. mapping.cpp has
// accounts, errors, the user and contacts; mapping_logs.cpp call and message texts;
// mapping_appointments.cpp calendar events. Unit-tested in tests/plugins/netsuite/.
#ifndef CRMHOST_PLUGINS_NETSUITE_MAPPING_H
#define CRMHOST_PLUGINS_NETSUITE_MAPPING_H

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace netsuite {

namespace json = boost::json;

// ---- accounts and errors -----------------------------------------------------------------------

// The account id of a NetSuite hostname: its first label ("1234567.app.netsuite.com" ->
// "1234567", "1234567-sb1.app.netsuite.com" -> "1234567-sb1"), lower-cased. Only letters, digits,
// '-' and '_' (at most 63) are an account id: the label becomes part of the host names the user's
// token goes to, so anything else (a ':', a '/', an '@') is refused.
std::optional<std::string> AccountOf(std::string_view hostname);
// NetSuite's error text: every o:errorDetails[].detail joined with one space, trimmed; "" if none.
std::string ErrorDetail(const json::value& body);
// The last non-empty path segment of a Location header (the created record's id).
std::string LastSegment(std::string_view location);
// {successful:false, returnMessage:{messageType:"warning", message, details?, ttl}}; `details` is
// the text of the reference's one-item details block, "" for none.
json::object Warning(const std::string& message, const std::string& details, int ttl);
// SQL text literal content: every ' doubled.
std::string SqlText(std::string_view s);

// ---- the user ----------------------------------------------------------------------------------

// The permissions getUserInfo asks the role-permission RESTlet about.
extern const char* const kRequiredPermissions[8];
// "To connect, you need the following specific permissions: ...": the labels of the codes the
// RESTlet answered false (LIST_SUBSIDIARY only counts in OneWorld accounts); "" when none.
std::string MissingPermissionsText(const json::value& answer, bool one_world);
// platformUserInfo: id "<entity>-<company>-netsuite", the current user's name, and what later
// calls need (email, name, subsidiary, OneWorld).
json::object PlatformUser(const std::string& entity, const std::string& company,
                          const json::value& current_user, const json::value& one_world);
// getUserList from the employee query: employees with an email, names of their non-empty parts.
json::array Employees(const json::array& items);

// ---- contacts ----------------------------------------------------------------------------------

// The user's NetSuite options (user settings): phone fields and entities to search, and whether
// sales orders and opportunities are offered on the log forms.
struct SearchSettings {
  std::vector<std::string> phone_fields;
  std::vector<std::string> entities;
  bool sales_orders = false;
  bool opportunities = false;
};
SearchSettings SettingsOf(const json::object& user);
// The phone fields searched in `entity`: the selected ones NetSuite has there (officePhone only
// on contacts, altPhone only on customers and vendors).
std::vector<std::string> PhoneFieldsFor(std::string_view entity,
                                        const std::vector<std::string>& selected);
// Three years before `now_ms`, "YYYY-MM-DD": records untouched since are not searched.
std::string RecencyDay(int64_t now_ms);
// The SuiteQL of a phone search of `entity` (contact, customer, vendor): `exact` compares each
// field with `number` as written, else the field's digits must end with `number`'s digits.
std::string PhoneQuery(std::string_view entity, const std::vector<std::string>& fields,
                       const std::string& number, bool exact, const std::string& day);
// The entity's sales orders or opportunities, newest first. nullopt for an id that is no number.
std::optional<std::string> TransactionQuery(const json::value& entity_id, bool sales_orders);
// Transactions as log-form options {const: id, title: trandisplayname (or title)}.
json::array TransactionOptions(const json::array& items, bool use_title);
// A matchedContactInfo entry of a phone search; `entity` contact, customer or vendor.
json::object PhoneMatch(std::string_view entity, const json::object& row,
                        json::object additional_info);
// The name search: up to four SuiteQL queries in the reference's order, for the entities the
// user searches.
struct NameQuery {
  std::string entity;  // contact, vendor, customer
  std::string sql;
};
std::vector<NameQuery> NameQueries(std::string_view name, const std::vector<std::string>& entities);
// A matchedContactInfo entry of a name search; `contact_only`: the user searches contacts only
// (then a contact's company is not appended to its name).
json::object NameMatch(std::string_view entity, const json::object& row,
                       json::object additional_info, bool contact_only);

// ---- new contacts ------------------------------------------------------------------------------

// The reference's splitName: first word, last word, the words between.
struct SplitName {
  std::string first, middle, last;
};
SplitName Split(std::string_view name);
// A person record (customer, vendor, lead, prospect): a one-word name is its own last name too.
json::object PersonBody(const SplitName& n, const std::string& phone);
// A contact record under `company`.
json::object ContactBody(const SplitName& n, const std::string& phone, const json::value& company);
// The placeholder company contacts without one are filed under.
inline constexpr const char* kPlaceholderCompany = "RingCentral_CRM_Extension_Placeholder_Company";
json::object PlaceholderCompanyBody(bool with_entity_id);
// Adds {subsidiary: {id}} when the user's account is OneWorld (platformAdditionalInfo).
void AddSubsidiary(json::object& body, const json::object& user);

// ---- call and message logs (mapping_logs.cpp) --------------------------------------------------

// The call's title: its custom subject, else "<direction> Call to|from <name>".
std::string CallSubject(const json::object& in);
// A phone call's dates and times in the user's offset: start date and "HH:mm", the end a
// duration later (a minute later when both read the same minute), the end's date.
struct CallTimes {
  std::string start_date, start_time, end_time, completed_date;
  std::string date_time_line;  // "- Date/Time: 2026-03-12 10:35:20 AM"
  int64_t start_utc_ms = 0;
};
CallTimes TimesOf(int64_t start_ms, const json::value* duration, int offset_minutes);
// `body` with its first "- Date/Time:" line replaced by `line` (unchanged without one).
std::string WithDateTime(std::string body, const std::string& line);
// NetSuite's message field holds about 4,000 characters: a body longer than 3,400 with a
// transcript keeps what fits of the transcript and says where the rest is (an attached file).
struct Fitted {
  std::string body;
  bool too_long = false;
};
Fitted FitTranscript(std::string body, const std::string& transcript);
// getCallLog's note: the text after "- Note: " without the lines and blocks the log adds.
std::optional<std::string> AgentNote(const std::string& message);
// A link to the user note a disposition made on a sales order or opportunity, as the message
// carries it ("- SalesOrderNoteUrl: <url> SalesOrderId: <id>"); [begin, end) is where, with the
// line break before it.
struct NoteLink {
  bool sales_order = true;
  std::string url, id;
  size_t begin = 0, end = 0;
};
std::vector<NoteLink> NoteLinks(const std::string& message);
// The message without its note links and their section headings.
std::string WithoutNoteLinks(const std::string& message);
// The note id of a link's URL ("...note.nl?id=801" -> "801").
std::optional<std::string> NoteIdOf(const std::string& url);
// `text` with `links` under their section headings, sales orders first.
std::string WithNoteLinks(std::string text, const std::vector<NoteLink>& links);
// A message log's title and body (SMS conversation, voicemail or fax) and one more message's
// lines for a conversation.
struct MessageText {
  std::string title, body;
};
MessageText MessageLog(const json::object& in);
std::string MessageLine(const json::object& in);
std::string AppendMessage(std::string body, const std::string& line);

// ---- appointments (mapping_appointments.cpp) ---------------------------------------------------

// Plain text of an HTML description (line breaks kept, entities decoded, blank runs shortened).
std::string StripHtml(std::string_view html);
// The clock NetSuite's wall times are read and written in: a fixed offset (the user record's),
// else a named zone (the user's NetSuite time zone, daylight saving included), else UTC.
struct WallZone {
  std::optional<int> fixed;
  std::string iana;
  // The offset (minutes east of UTC) in force at `utc_ms`.
  int At(int64_t utc_ms) const;
  // The instant a wall time (its epoch-milliseconds reading as if it were UTC) names.
  int64_t ToUtc(int64_t wall_ms) const;
};
// App Connect's appointment from a calendar event (record or list style); wall times read in
// `zone`.
json::object Appointment(const json::value& event, const WallZone& zone);
// createAppointment's calendarEvent body; times in `offset_minutes`.
json::object NewEvent(const json::object& payload, int offset_minutes);
// updateAppointment's PATCH body; `replace_attendees` is set when the patch names contacts.
json::object EventPatch(const json::object& patch, int offset_minutes, bool* replace_attendees);
// The start of `payload`/`patch`, when it has one (ms since the epoch).
std::optional<int64_t> EventStart(const json::object& patch, bool for_update);

}  // namespace netsuite

#endif  // CRMHOST_PLUGINS_NETSUITE_MAPPING_H
