// Pure transformations between Clio's JSON and App Connect's (no HTTP), so they can be tested
// alone (tests/plugins/clio/mapping_test.cpp). docs/CRM_PLUGINS.md lists the calls they serve.
#ifndef CRMHOST_PLUGINS_CLIO_MAPPING_H
#define CRMHOST_PLUGINS_CLIO_MAPPING_H

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace clio {

namespace json = boost::json;

int64_t TimeOr(const json::value* v, int64_t fallback);

// A setting's value as the reference tests it: true/"true" (any case) are on.
bool SettingTrue(const json::value* v);
// Time entries for calls are on unless the user turned them off.
bool TimeEntriesEnabled(const json::object& user);

// The stored log id: legacy ids carried a ".suffix".
std::string CommunicationId(const json::object& existing);
// The Clio user id: user.id before its "-clio".
std::string UserCrmId(const json::object& user);
// The user's UTC offset in minutes (timezoneOffset in hours), for message dates.
int UserOffset(const json::object& user);

// The first element of an array value, or null.
const json::value* First(const json::value* v);
// response.data of a Clio answer.
const json::value* Data(const json::value& v);
// The new record's id in a create answer; UpstreamError(200) when Clio sent none.
json::value IdOf(const json::value& answer);

// getUserInfo's platformUserInfo from who_am_i's data; `offset_minutes` is its zone's now.
json::object PlatformUser(const json::value* data, const std::string& zone, int offset_minutes,
                          std::string_view host);

// getUserList's answer from GET users.json.
json::array UserList(const json::value& answer);

// One matter as a log option. Closed matters are left out (nullopt) unless `closed`;
// `with_status` makes the description "<status> - <description>".
std::optional<json::object> MatterOption(const json::value& matter, bool closed, bool with_status);

json::array BillableOptions();

// A contact found by phone (with the number searched) or by name, `matters` its options.
json::object PhoneContact(const json::object& contact, const std::string& number,
                          json::array matters);
json::object NamedContact(const json::object& contact, json::array matters);

// The billable flag of a call's time entry: the form's choice, else the user's default
// setting (non-billable unless it says "billable", as the reference).
bool NonBillable(const json::object& user, const json::object& submission);

// createCallLog's communication: `when` its ISO time, `details` its body.
json::object CallCommunication(const json::object& in, const std::string& when,
                               const std::string& details);
// The time entry of a call's communication `id`.
json::object CallTimeEntry(const json::object& in, const json::value& id, const std::string& when,
                           const std::string& details);

// getCallLog's callLogInfo before contactName and dispositions; the contact is whichever
// participant is not a user (CallContactId).
json::object CallLogInfo(const json::object& communication);
const json::value* CallContactId(const json::object& communication);
json::object CallDispositions(const json::object& communication);

// updateCallLog's communication patch; `when` is "" without a new start time.
json::object UpdatedCommunication(const json::object& in, const std::string& details,
                                  const std::string& when);

// "<who> hh:mm A": the contact (with number) for inbound, else the user.
std::string MessageLine(const json::object& message, const json::object& contact,
                        const std::string& user_name, int offset);
// A new SMS conversation's body; `text` is the first message's text.
std::string ConversationBody(const json::object& in, const std::string& user_name, int64_t when,
                             const std::string& text);
// Inserts `line` before the conversation's END marker and counts it in "Conversation(N messages)".
std::string AppendMessage(std::string body, const std::string& line);

// createMessageLog's communication from the contact to the user.
json::object MessageCommunication(const json::object& in, const std::string& subject,
                                  const std::string& body, int64_t when);
// The time entry of an outbound SMS when the user tracks SMS time, else nullopt.
std::optional<json::object> SmsTimeEntry(const json::object& in,
                                         const std::string& communication_id, int64_t now_ms);

// Appointments: minutes between two instants (rounded, never negative), and start + minutes.
int64_t DurationMinutes(int64_t start_ms, int64_t end_ms);
json::value EndAt(const std::string& start, const json::value* duration);
// Contact ids (numbers, numeric strings or {id}) as Clio attendees; anything else is dropped.
json::array ContactAttendees(const json::value* contacts);
// listAppointments' answer from GET calendar_entries.json: every entry, or with a `range`
// {startDate, endDate} (YYYY-MM-DD, UTC days) only those starting within it.
json::array ListedAppointments(const json::value& listed, const json::value* range);
// A calendar entry as an App Connect appointment; rc* external properties win.
json::object Appointment(const json::value* entry);
// createAppointment's calendar entry on `calendar`.
json::object NewCalendarEntry(const json::object& payload, const json::value& calendar);
// updateAppointment's patch of `existing` (the entry with its attendees).
json::object CalendarEntryPatch(const json::object& patch, const json::value* existing);

}  // namespace clio

#endif  // CRMHOST_PLUGINS_CLIO_MAPPING_H
