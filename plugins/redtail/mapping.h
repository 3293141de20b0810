// Pure transformations between Redtail's JSON and App Connect's, kept apart from HTTP so
// they can be tested alone.
#ifndef CRMHOST_PLUGINS_REDTAIL_MAPPING_H
#define CRMHOST_PLUGINS_REDTAIL_MAPPING_H

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace redtail {

namespace json = boost::json;

// Categories not marked deleted, from a /lists/categories answer, as [{id, name}].
json::array ActiveCategories(const json::value& response);
// [{const: id, title: name}]: the options of the "category" call-log field.
json::array CategoryOptions(const json::array& active);

// One Redtail contact as an App Connect contact. `phone` is set for phone lookups only.
json::object FormatContact(const json::object& raw, const json::array& category_options,
                           const std::optional<std::string>& phone);

// The create-new-contact placeholder, carrying the category options.
json::object NewContactPlaceholder(const json::array& category_options);

// Rewrites the composed "Date/time" item in the user's chosen Redtail offset (the
// redtailCustomTimezone setting, in hours), as the reference connector does.
std::string OverrideDateTime(std::string composed, int64_t start_ms,
                             const json::value& offset_hours);

// The agent's note inside a composed HTML description ("" when absent).
std::string AgentNote(std::string_view description);

// ISO 8601 start and end of an activity from moment-style inputs; end is null when the
// duration is not a number (e.g. "pending").
json::value IsoStart(int64_t start_ms);
json::value IsoEnd(int64_t start_ms, const json::value* duration);

}  // namespace redtail

#endif  // CRMHOST_PLUGINS_REDTAIL_MAPPING_H
