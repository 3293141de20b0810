// Windows and IANA zone names become the current UTC offset, daylight saving included, on
// the days the rules switch.
#include <catch2/catch.hpp>
#include <crmhost/sdk/time.hpp>
#include <crmhost/sdk/timezones.hpp>

namespace {
int64_t At(const char* iso) {
  return *crmhost::sdk::time::ParseIso8601(iso);
}
}  // namespace

TEST_CASE("sdk time zones: standard and daylight offsets", "[sdk]") {
  using crmhost::sdk::timezones::ZoneOffsetMinutes;
  // US: 2026-03-08 02:00 EST starts daylight time, 2026-11-01 02:00 EDT ends it.
  CHECK(ZoneOffsetMinutes("Eastern Standard Time", At("2026-03-08T06:59:00Z")) == -300);
  CHECK(ZoneOffsetMinutes("Eastern Standard Time", At("2026-03-08T07:00:00Z")) == -240);
  CHECK(ZoneOffsetMinutes("Eastern Standard Time", At("2026-11-01T05:59:00Z")) == -240);
  CHECK(ZoneOffsetMinutes("Eastern Standard Time", At("2026-11-01T06:00:00Z")) == -300);
  CHECK(ZoneOffsetMinutes("America/Los_Angeles", At("2026-07-01T00:00:00Z")) == -420);
  // EU: last Sundays of March and October at 01:00 UTC.
  CHECK(ZoneOffsetMinutes("GMT Standard Time", At("2026-03-29T00:59:00Z")) == 0);
  CHECK(ZoneOffsetMinutes("GMT Standard Time", At("2026-03-29T01:00:00Z")) == 60);
  CHECK(ZoneOffsetMinutes("W. Europe Standard Time", At("2026-10-25T00:59:00Z")) == 120);
  CHECK(ZoneOffsetMinutes("W. Europe Standard Time", At("2026-10-25T01:00:00Z")) == 60);
  // Southern hemisphere: Sydney is on daylight time in January, not in July.
  CHECK(ZoneOffsetMinutes("AUS Eastern Standard Time", At("2026-01-15T00:00:00Z")) == 660);
  CHECK(ZoneOffsetMinutes("AUS Eastern Standard Time", At("2026-07-15T00:00:00Z")) == 600);
  CHECK(ZoneOffsetMinutes("New Zealand Standard Time", At("2026-12-01T00:00:00Z")) == 780);
  // No daylight time, fractional offsets, unknown names.
  CHECK(ZoneOffsetMinutes("India Standard Time", At("2026-07-01T00:00:00Z")) == 330);
  CHECK(ZoneOffsetMinutes("Nepal Standard Time", At("2026-07-01T00:00:00Z")) == 345);
  CHECK(ZoneOffsetMinutes("Tokyo Standard Time", At("2026-07-01T00:00:00Z")) == 540);
  CHECK_FALSE(ZoneOffsetMinutes("Mars Standard Time", 0).has_value());
}
