// Insightly names a user's time zone the Windows way ("Eastern Standard Time"). App Connect
// wants the zone's current UTC offset, daylight saving included, for the times it writes into
// log text.
#ifndef CRMHOST_PLUGINS_INSIGHTLY_TIMEZONES_H
#define CRMHOST_PLUGINS_INSIGHTLY_TIMEZONES_H

#include <cstdint>
#include <optional>
#include <string_view>

namespace insightly {

// The offset from UTC, in minutes, of the zone `name` (a Windows zone name, or the IANA name it
// maps to) at `at_ms`; nullopt for a zone we do not know.
std::optional<int> ZoneOffsetMinutes(std::string_view name, int64_t at_ms);

}  // namespace insightly

#endif  // CRMHOST_PLUGINS_INSIGHTLY_TIMEZONES_H
