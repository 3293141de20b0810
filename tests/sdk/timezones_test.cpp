// Windows and IANA zone names become the current UTC offset, daylight saving included, on
// the days the rules switch.
#include <catch2/catch.hpp>
#include <crmhost/sdk/time.hpp>
#include <crmhost/sdk/timezones.hpp>

namespace {
int64_t At(const char* iso) {
  return *crmhost::sdk::time::parse_iso8601(iso);
}
}  // namespace

TEST_CASE("sdk time zones: standard and daylight offsets", "[sdk]") {
  using crmhost::sdk::timezones::zone_offset_minutes;
  // US: 2026-03-08 02:00 EST starts daylight time, 2026-11-01 02:00 EDT ends it.
  CHECK(zone_offset_minutes("Eastern Standard Time", At("2026-03-08T06:59:00Z")) == -300);
  CHECK(zone_offset_minutes("Eastern Standard Time", At("2026-03-08T07:00:00Z")) == -240);
  CHECK(zone_offset_minutes("Eastern Standard Time", At("2026-11-01T05:59:00Z")) == -240);
  CHECK(zone_offset_minutes("Eastern Standard Time", At("2026-11-01T06:00:00Z")) == -300);
  CHECK(zone_offset_minutes("America/Los_Angeles", At("2026-07-01T00:00:00Z")) == -420);
  // EU: last Sundays of March and October at 01:00 UTC.
  CHECK(zone_offset_minutes("GMT Standard Time", At("2026-03-29T00:59:00Z")) == 0);
  CHECK(zone_offset_minutes("GMT Standard Time", At("2026-03-29T01:00:00Z")) == 60);
  CHECK(zone_offset_minutes("W. Europe Standard Time", At("2026-10-25T00:59:00Z")) == 120);
  CHECK(zone_offset_minutes("W. Europe Standard Time", At("2026-10-25T01:00:00Z")) == 60);
  // Southern hemisphere: Sydney is on daylight time in January, not in July.
  CHECK(zone_offset_minutes("AUS Eastern Standard Time", At("2026-01-15T00:00:00Z")) == 660);
  CHECK(zone_offset_minutes("AUS Eastern Standard Time", At("2026-07-15T00:00:00Z")) == 600);
  CHECK(zone_offset_minutes("New Zealand Standard Time", At("2026-12-01T00:00:00Z")) == 780);
  // No daylight time, fractional offsets, unknown names.
  CHECK(zone_offset_minutes("India Standard Time", At("2026-07-01T00:00:00Z")) == 330);
  CHECK(zone_offset_minutes("Nepal Standard Time", At("2026-07-01T00:00:00Z")) == 345);
  CHECK(zone_offset_minutes("Tokyo Standard Time", At("2026-07-01T00:00:00Z")) == 540);
  CHECK_FALSE(zone_offset_minutes("Mars Standard Time", 0).has_value());
}
