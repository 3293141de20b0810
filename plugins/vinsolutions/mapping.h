// VinSolutions JSON <-> App Connect JSON: contacts and their leads, call results, the note in a
// call detail's transcript, and the plain-text notes message logs write on leads. Pure
// functions (no HTTP), unit-tested in tests/plugins/vinsolutions/mapping_test.cpp.
#ifndef CRMHOST_PLUGINS_VINSOLUTIONS_MAPPING_H
#define CRMHOST_PLUGINS_VINSOLUTIONS_MAPPING_H

#include <crmhost/plugin.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vinsolutions {

namespace json = boost::json;

// A positive whole number (VinSolutions' ids) from a number or digits ("12345"), else 0:
// fractions, negatives, NaN, and values beyond 10^15 are no id.
int64_t PositiveId(const json::value* v);
// A duration in whole seconds from the client's number or text, 0 for "pending" and anything
// unusable, at most 10^7 (115 days) so that later arithmetic cannot overflow.
int64_t DurationSeconds(const json::value* v);

// "First Middle Last" (the parts present), else CompanyName, else "Contact <ContactId>".
std::string ContactName(const json::object& contact);
// The Cell number, else the Home number, else the first; "" when the contact has none.
std::string PrimaryPhone(const json::object& contact);
// A /leads answer ({items} or {results}) as log-form options:
// [{const: leadId, title: "Lead #<id> (<status>) - <source>"}].
json::array LeadOptions(const json::value& leads_answer);
// A gateway contact as a matchedContactInfo entry; additionalInfo {leads} or null.
json::object ContactEntry(const json::object& contact, json::array leads);

// The numbers one phone lookup searches, in order, each once: every overridingFormat filled
// with the national significant digits (valid numbers only), the significant number, E.164,
// the international form without spaces, and the text as given without its leading '+'.
std::vector<std::string> PhoneSearchValues(const crmhost::sdk::phone::Number& parsed,
                                           const std::string& given, std::string_view formats);

// Call Tracking's callResult for an App Connect call log (its result text and duration).
std::string CallResult(const json::object& call_log);
// The call detail id in a Location header (".../calldetails/id/<digits>"), if any.
std::optional<std::string> CallDetailIdOf(std::string_view location);
// The agent's note in a call detail's transcript: the "- Note:" (or "- Agent notes:") line of a
// body we composed, "" for another composed body, else the whole body trimmed.
std::string NoteOfTranscript(const std::string& full_body);

// One message as a line of a lead's notes: "[YYYY-MM-DD hh:mm A] <sender>: <text>", in the
// user's time zone; the sender is the contact (with number) for inbound messages.
std::string MessageLine(const json::object& user, const json::object& contact,
                        const json::object& message);
// A new message log's note: the voicemail or fax link, or the SMS conversation's header,
// participants and first message; ends "--- Created via RingCentral App Connect".
std::string MessageNote(const json::object& in);

}  // namespace vinsolutions

#endif  // CRMHOST_PLUGINS_VINSOLUTIONS_MAPPING_H
