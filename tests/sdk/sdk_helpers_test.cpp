// The SDK's header-only helpers that plugins (and the host) rely on for JavaScript-identical
// values, times and phone numbers.
#include <catch2/catch.hpp>
#include <crmhost/plugin.hpp>
#include <crmhost/sdk/contract.hpp>
#include <crmhost/sdk/js.hpp>
#include <crmhost/sdk/phone.hpp>
#include <crmhost/sdk/text.hpp>
#include <crmhost/sdk/time.hpp>

#include "crmhost/encoding.h"

namespace json = boost::json;
namespace js = crmhost::sdk::js;
namespace t = crmhost::sdk::time;
namespace phone = crmhost::sdk::phone;

TEST_CASE("sdk js: String(), Number() and truthiness as JavaScript has them", "[sdk]") {
  CHECK(js::to_string(json::value(301)) == "301");
  CHECK(js::to_string(json::value(1.5)) == "1.5");
  CHECK(js::to_string(json::value(2.0)) == "2");
  CHECK(js::to_string(json::value(nullptr)) == "null");
  CHECK(js::to_string(json::value(json::object{})) == "[object Object]");
  CHECK(js::to_string(json::value(json::array{1, "a"})) == "1,a");
  CHECK(js::to_number(json::value("  42 ")) == 42);
  CHECK(std::isnan(js::to_number(json::value("4x"))));
  CHECK(js::to_number(json::value("")) == 0);
  CHECK_FALSE(js::truthy(json::value("")));
  CHECK_FALSE(js::truthy(json::value(0)));
  CHECK(js::truthy(json::value("false")));
  CHECK(js::truthy(json::value(json::array{})));
  json::object settings{{"on", json::object{{"value", true}}},
                        {"off", json::object{{"value", false}}},
                        {"nullish", json::object{{"value", nullptr}}}};
  CHECK(js::setting_enabled(settings, "on", false));
  CHECK_FALSE(js::setting_enabled(settings, "off", true));
  CHECK(js::setting_enabled(settings, "nullish", true));
  CHECK(js::setting_enabled(settings, "absent", true));
}

TEST_CASE("sdk js: numbers as JavaScript writes them, integers it holds exactly", "[sdk]") {
  CHECK(js::number_to_string(123.0) == "123");
  CHECK(js::number_to_string(-0.5) == "-0.5");
  CHECK(js::number_to_string(0.00001) == "0.00001");
  CHECK(js::number_to_string(1.5e-7) == "1.5e-7");
  CHECK(js::number_to_string(1e20) == "100000000000000000000");  // above 2^63: no integer cast
  CHECK(js::number_to_string(1e21) == "1e+21");
  CHECK(js::number_to_string(123456789.25) == "123456789.25");
  CHECK(js::to_safe_integer(2.9) == 2);
  CHECK(js::to_safe_integer(-9007199254740991.0) == -9007199254740991);
  CHECK_FALSE(js::to_safe_integer(1e300));
  CHECK_FALSE(js::to_safe_integer(std::nan("")));
  const json::value text = "42";
  CHECK(js::to_safe_integer(&text) == 42);
  CHECK_FALSE(js::to_safe_integer(static_cast<const json::value*>(nullptr)));
  CHECK(js::template_text(nullptr) == "undefined");
  CHECK(js::template_text(&text) == "42");
}

TEST_CASE("sdk text: trim and ASCII case", "[sdk]") {
  namespace text = crmhost::sdk::text;
  CHECK(text::trim(" \t a b \n") == "a b");
  CHECK(text::trim("   ").empty());
  CHECK(text::lower("AbC-\xC3\x89") == "abc-\xC3\x89");  // other bytes pass through
  CHECK(text::upper("confirmed") == "CONFIRMED");
}

TEST_CASE("sdk time: ISO 8601 and epoch input, moment formats, offsets", "[sdk]") {
  const int64_t ms = 1767323045000;  // 2026-01-02T03:04:05Z, a Friday
  CHECK(t::parse_iso8601("2026-01-02T03:04:05Z") == ms);
  CHECK(t::parse_iso8601("2026-01-02T03:04:05.000Z") == ms);
  CHECK(t::parse_iso8601("2026-01-02T04:04:05+01:00") == ms);
  CHECK(t::parse_iso8601("2026-01-01T22:04:05-0500") == ms);
  CHECK(t::parse_iso8601("2026-01-02 03:04:05") == ms);
  CHECK(t::parse_iso8601("2026-01-02") == ms - (3 * 3600 + 4 * 60 + 5) * 1000);
  CHECK_FALSE(t::parse_iso8601("yesterday"));
  CHECK_FALSE(t::parse_iso8601("2026-13-02"));
  CHECK(t::parse_timestamp(json::value(ms)) == ms);
  // Numbers beyond JavaScript's Date range are no time (and no undefined conversion).
  CHECK_FALSE(t::parse_timestamp(json::value(1e300)));
  CHECK_FALSE(t::parse_timestamp(json::value(-1e300)));
  CHECK_FALSE(t::parse_timestamp(json::value(uint64_t(18446744073709551615ull))));
  CHECK_FALSE(t::parse_timestamp(json::value(int64_t(9223372036854775807ll))));
  CHECK(t::parse_timestamp(json::value(8.64e15)) == int64_t(8640000000000000));
  CHECK(t::format_iso8601(ms) == "2026-01-02T03:04:05.000Z");
  CHECK(t::format_iso8601(-1) == "1969-12-31T23:59:59.999Z");
  CHECK(t::format_moment(ms, 0, "YYYY-MM-DD hh:mm:ss A") == "2026-01-02 03:04:05 AM");
  CHECK(t::format_moment(ms, 0, "dddd, MMMM DD, YYYY") == "Friday, January 02, 2026");
  CHECK(t::format_moment(ms, 0, "YY/MM/DD") == "26/01/02");
  CHECK(t::format_moment(ms, 570, "HH:mm Z [at] Do") == "12:34 +09:30 at 2nd");
  CHECK(t::utc_offset_minutes(json::value("+05:30")) == 330);
  CHECK(t::utc_offset_minutes(json::value(-5)) == -300);
  CHECK(t::utc_offset_minutes(json::value("5.75")) == 345);
  CHECK(t::utc_offset_minutes(json::value(120)) == 120);
}

TEST_CASE("sdk: url and base64 encoding", "[sdk]") {
  CHECK(crmhost::sdk::url_encode("John Doe&x=1/é") == "John%20Doe%26x%3D1%2F%C3%A9");
  CHECK(crmhost::sdk::base64_encode("key:user:pass") == "a2V5OnVzZXI6cGFzcw==");
  CHECK(crmhost::sdk::base64_encode("") == "");
  CHECK(crmhost::sdk::base64_encode("ab") == "YWI=");
  // encodeURIComponent keeps !~*'() that url_encode escapes.
  CHECK(crmhost::EncodeUriComponent("a b!~*'()&=/é") == "a%20b!~*'()%26%3D%2F%C3%A9");
}

TEST_CASE("sdk js: text of a possibly absent value", "[sdk]") {
  const json::value n = nullptr, num = 42, s = "x";
  CHECK(js::text_or_empty(nullptr).empty());
  CHECK(js::text_or_empty(&n).empty());
  CHECK(js::text_or_empty(&num) == "42");
  CHECK(js::text_or_empty(&s) == "x");
}

TEST_CASE("sdk phone: numbers from query strings and overriding formats", "[sdk]") {
  CHECK(phone::from_query(" 14155550642") == "+14155550642");
  CHECK(phone::from_query("+14155550642") == "+14155550642");
  CHECK(phone::formatted("4155550642", "") == std::vector<std::string>{"4155550642"});
  CHECK(phone::formatted("4155550642", "(***) ***-****, ###-###-####") ==
        std::vector<std::string>{"(415) 555-0642", "415-555-0642"});
  // Placeholders beyond the digits stay; digits beyond the placeholders are dropped.
  CHECK(phone::formatted("41555", "***-****") == std::vector<std::string>{"415-55**"});
  CHECK(phone::formatted("4155550642", "***") == std::vector<std::string>{"415"});
}

TEST_CASE("sdk contract: names, placeholders and settings", "[sdk]") {
  namespace c = crmhost::sdk::contract;
  CHECK(c::split_name("  Ada  King Lovelace ") ==
        std::pair<std::string, std::string>{"Ada", "King Lovelace"});
  CHECK(c::split_name("Ada") == std::pair<std::string, std::string>{"Ada", ""});
  CHECK(c::new_contact_placeholder().at("isNewContact") == true);
  json::object user{{"userSettings", json::object{{"x", json::object{{"value", "on"}}}}}};
  REQUIRE(c::user_setting(user, "x"));
  CHECK(*c::user_setting(user, "x") == "on");
  CHECK_FALSE(c::user_setting(user, "y"));
  CHECK(c::text(user, "missing") == "undefined");
}
