// Pure transformations between Insightly's JSON and App Connect's (no HTTP), so they can be
// tested alone (tests/plugins/insightly/mapping_test.cpp). docs/CRM_PLUGINS.md says which
// requests and answers they serve.
#ifndef CRMHOST_PLUGINS_INSIGHTLY_MAPPING_H
#define CRMHOST_PLUGINS_INSIGHTLY_MAPPING_H

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace insightly {

namespace json = boost::json;

enum class Person { kNone, kContact, kLead };

// The person kind of a contactType: findContact answers "Contact"/"Lead" (and the reference's
// contactPhone, leadMobile, ...); the create-contact form says "contact"/"lead".
Person PersonOf(std::string_view type);

// Insightly ids are integers; user mappings keep them as text.
json::value IdNumber(const json::value& id);

std::string IsoOf(int64_t ms);
int64_t TimeOr(const json::value* v, int64_t fallback);

// The linked objects Insightly offers as log options, keyed by the manifest's field consts.
struct LinkKind {
  std::string_view link_name;  // LINK_OBJECT_NAME
  std::string_view path;       // REST collection
  std::string_view id_field, name_field;
  std::string_view option;  // additionalInfo key / form const
};
inline constexpr LinkKind kLinkKinds[] = {
    {"Organisation", "organisations", "ORGANISATION_ID", "ORGANISATION_NAME", "organisation"},
    {"Opportunity", "opportunities", "OPPORTUNITY_ID", "OPPORTUNITY_NAME", "opportunity"},
    {"Project", "projects", "PROJECT_ID", "PROJECT_NAME", "project"},
};

// "FIRST_NAME LAST_NAME" as a JavaScript template prints them ("undefined" for a missing one).
std::string FullName(const json::object& record);

// The pod's origin from the API URL the user pasted ("https://api.na1.insightly.com/v3.1/"
// -> "https://api.na1.insightly.com"): we add the version we speak.
std::string PodOrigin(std::string api_url);

// getUserInfo's platformUserInfo from users/me; `offset_minutes` is the user's zone's offset now.
json::object PlatformUser(const json::object& me, const std::string& zone, int offset_minutes,
                          json::object additional_info);

// A comma-separated user setting (custom phone field names), trimmed, empty names dropped.
std::vector<std::string> SettingList(const json::object& user, std::string_view id);

// Adds one linked record (an organisation, opportunity or project) to a contact's log options.
void AddLinkOption(json::object& additional, const LinkKind& kind, const json::object& linked);

// One matched record as App Connect shows it, with `additional` (its link options) as
// additionalInfo. `phone_field`: the field the search matched (a custom field's value counts).
json::object FormatRecord(const json::object& record, Person kind, std::string_view phone_field,
                          json::object additional);

// createCallLog's event (without links); `now_ms` stands in for a missing start time.
json::object CallEvent(const json::object& in, int64_t now_ms);

// getCallLog's callLogInfo before contactName and dispositions (see EventDispositions).
json::object CallLogInfo(const json::object& event);
// The first link to a contact or lead (made when the event was created), if any.
std::optional<std::pair<Person, std::string>> LoggedPerson(const json::object& event);
// The event's non-contact links as {<lowercased LINK_OBJECT_NAME>: LINK_OBJECT_ID}.
json::object EventDispositions(const json::object& event);

// updateCallLog's partial event: `current` is the event as stored (for its TITLE), or null.
json::object UpdatedCallEvent(const json::object& in, const std::string& id,
                              const json::object* current, int64_t now_ms);

// An event's title, details and time.
struct EventText {
  std::string title, details;
  int64_t when;
};
// The shared conversation's own subject and body when sharedSMSLogContent has both.
std::optional<EventText> SharedConversation(const json::object& in, int64_t now_ms);
// A new voicemail, fax or SMS conversation event; `user_name` is the logging user's.
EventText NewConversation(const json::object& in, const std::string& user_name, int64_t now_ms);

// "<who> hh:mm A\n<text>\n": the contact (with number) for inbound, else the user.
std::string MessageLine(const json::object& message, const json::object& contact,
                        const std::string& user_name);
// Inserts `line` before the conversation's END marker and counts it in "Conversation(N messages)".
std::string AppendMessage(std::string details, const std::string& line);

}  // namespace insightly

#endif  // CRMHOST_PLUGINS_INSIGHTLY_MAPPING_H
