// crmhost/sdk/timezones.hpp -- the current UTC offset of a named time zone, daylight saving
// included. CRMs name zones the Windows way ("Eastern Standard Time", Insightly) or the IANA way
// ("America/New_York", Clio); App Connect wants the offset for the times it writes into logs.
// This is a table of the zones CRMs offer, with the daylight rules in force since 2007, not the
// whole tz database. Header-only; pure; thread-safe.
#ifndef CRMHOST_SDK_TIMEZONES_HPP
#define CRMHOST_SDK_TIMEZONES_HPP

#include <cstdint>
#include <optional>
#include <string_view>

#include "crmhost/sdk/time.hpp"

namespace crmhost::sdk::timezones {

namespace detail {

namespace t = crmhost::sdk::time;

// The daylight-saving rules in force in the zones Insightly offers (2007 onwards for the US,
// 1996 for the EU, 2008 for Australia and New Zealand).
enum class Rule { kNone, kUs, kEu, kAu, kNz, kIsrael, kEgypt };

struct Zone {
  std::string_view windows;
  std::string_view iana;
  int standard_minutes;
  Rule rule;
};

inline constexpr Zone kZones[] = {
    {"Dateline Standard Time", "Etc/GMT+12", -720, Rule::kNone},
    {"UTC-11", "Etc/GMT+11", -660, Rule::kNone},
    {"Hawaiian Standard Time", "Pacific/Honolulu", -600, Rule::kNone},
    {"Alaskan Standard Time", "America/Anchorage", -540, Rule::kUs},
    {"Pacific Standard Time", "America/Los_Angeles", -480, Rule::kUs},
    {"Pacific Daylight Time", "America/Los_Angeles", -480, Rule::kUs},
    {"Mountain Standard Time", "America/Denver", -420, Rule::kUs},
    {"Mountain Daylight Time", "America/Denver", -420, Rule::kUs},
    {"Central Standard Time", "America/Chicago", -360, Rule::kUs},
    {"Central Daylight Time", "America/Chicago", -360, Rule::kUs},
    {"Eastern Standard Time", "America/New_York", -300, Rule::kUs},
    {"Eastern Daylight Time", "America/New_York", -300, Rule::kUs},
    {"Atlantic Standard Time", "America/Halifax", -240, Rule::kUs},
    {"GMT Standard Time", "Europe/London", 0, Rule::kEu},
    {"Greenwich Standard Time", "Atlantic/Reykjavik", 0, Rule::kNone},
    {"Central Europe Standard Time", "Europe/Berlin", 60, Rule::kEu},
    {"Romance Standard Time", "Europe/Paris", 60, Rule::kEu},
    {"W. Europe Standard Time", "Europe/Berlin", 60, Rule::kEu},
    {"E. Europe Standard Time", "Europe/Bucharest", 120, Rule::kEu},
    {"Egypt Standard Time", "Africa/Cairo", 120, Rule::kEgypt},
    {"South Africa Standard Time", "Africa/Johannesburg", 120, Rule::kNone},
    {"FLE Standard Time", "Europe/Kiev", 120, Rule::kEu},
    {"Israel Standard Time", "Asia/Jerusalem", 120, Rule::kIsrael},
    {"Arabic Standard Time", "Asia/Baghdad", 180, Rule::kNone},
    {"Arab Standard Time", "Asia/Riyadh", 180, Rule::kNone},
    {"Russian Standard Time", "Europe/Moscow", 180, Rule::kNone},
    {"India Standard Time", "Asia/Kolkata", 330, Rule::kNone},
    {"Nepal Standard Time", "Asia/Kathmandu", 345, Rule::kNone},
    {"Bangladesh Standard Time", "Asia/Dhaka", 360, Rule::kNone},
    {"Myanmar Standard Time", "Asia/Yangon", 390, Rule::kNone},
    {"SE Asia Standard Time", "Asia/Bangkok", 420, Rule::kNone},
    {"China Standard Time", "Asia/Shanghai", 480, Rule::kNone},
    {"North Asia Standard Time", "Asia/Krasnoyarsk", 420, Rule::kNone},
    {"Tokyo Standard Time", "Asia/Tokyo", 540, Rule::kNone},
    {"Korea Standard Time", "Asia/Seoul", 540, Rule::kNone},
    {"AUS Eastern Standard Time", "Australia/Sydney", 600, Rule::kAu},
    {"E. Australia Standard Time", "Australia/Brisbane", 600, Rule::kNone},
    {"Tasmania Standard Time", "Australia/Hobart", 600, Rule::kAu},
    {"West Pacific Standard Time", "Pacific/Port_Moresby", 600, Rule::kNone},
    {"New Zealand Standard Time", "Pacific/Auckland", 720, Rule::kNz},
    {"UTC", "Etc/UTC", 0, Rule::kNone},
    {"GMT", "Etc/UTC", 0, Rule::kNone},
};

// Midnight UTC (ms) of the n-th (1-based; 0 = last) `weekday` (0 = Sunday) of a month.
inline int64_t nth_weekday(int64_t year, int month, int weekday, int n) {
  if (n == 0) {
    const int64_t next =
        month == 12 ? t::days_from_civil(year + 1, 1, 1) : t::days_from_civil(year, month + 1, 1);
    int64_t day = next - 1;
    while (((day % 7) + 11) % 7 != weekday)
      --day;
    return day * 86400000;
  }
  int64_t day = t::days_from_civil(year, month, 1);
  while (((day % 7) + 11) % 7 != weekday)
    ++day;
  return (day + 7 * (n - 1)) * 86400000;
}

inline constexpr int64_t kHour = 3600000;

// Whether daylight time is in force at `ms` for a zone `standard` minutes from UTC.
inline bool in_daylight_time(Rule rule, int standard, int64_t ms) {
  const int64_t year = t::to_civil(ms + int64_t(standard) * 60000).year;
  const int64_t std_ms = int64_t(standard) * 60000;  // local standard = UTC + std_ms
  switch (rule) {
    case Rule::kNone:
      return false;
    case Rule::kUs:  // 2nd Sunday of March 02:00 to 1st Sunday of November 02:00, local
      return ms >= nth_weekday(year, 3, 0, 2) + 2 * kHour - std_ms &&
             ms < nth_weekday(year, 11, 0, 1) + 1 * kHour - std_ms;
    case Rule::kEu:  // last Sunday of March 01:00 UTC to last Sunday of October 01:00 UTC
      return ms >= nth_weekday(year, 3, 0, 0) + kHour && ms < nth_weekday(year, 10, 0, 0) + kHour;
    case Rule::kAu:  // 1st Sunday of October 02:00 to 1st Sunday of April 03:00 (daylight)
      return ms < nth_weekday(year, 4, 0, 1) + 2 * kHour - std_ms ||
             ms >= nth_weekday(year, 10, 0, 1) + 2 * kHour - std_ms;
    case Rule::kNz:  // last Sunday of September 02:00 to 1st Sunday of April 03:00 (daylight)
      return ms < nth_weekday(year, 4, 0, 1) + 2 * kHour - std_ms ||
             ms >= nth_weekday(year, 9, 0, 0) + 2 * kHour - std_ms;
    case Rule::kIsrael:  // Friday before the last Sunday of March 02:00 to last Sunday of October
      return ms >= nth_weekday(year, 3, 0, 0) - 2 * 86400000 + 2 * kHour - std_ms &&
             ms < nth_weekday(year, 10, 0, 0) + 1 * kHour - std_ms;
    case Rule::kEgypt:  // last Friday of April 00:00 to last Thursday of October 24:00
      return ms >= nth_weekday(year, 4, 5, 0) - std_ms &&
             ms < nth_weekday(year, 10, 4, 0) + 23 * kHour - std_ms;
  }
  return false;
}

}  // namespace detail

// The offset from UTC, in minutes, of the zone `name` (a Windows zone name, or an IANA name in
// the table) at `at_ms`; nullopt for a zone the table does not have.
inline std::optional<int> zone_offset_minutes(std::string_view name, int64_t at_ms) {
  using namespace detail;
  for (const Zone& z : kZones)
    if (z.windows == name || z.iana == name)
      return z.standard_minutes + (in_daylight_time(z.rule, z.standard_minutes, at_ms) ? 60 : 0);
  return std::nullopt;
}

}  // namespace crmhost::sdk::timezones

#endif  // CRMHOST_SDK_TIMEZONES_HPP
