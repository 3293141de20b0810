// The phone_parse host service (ABI 1.2), through the table plugins get: libphonenumber's
// judgement of the numbers the reference's connectors treat as invalid (issue 14), the fields
// and formats, and the struct_size contract.
#include <catch2/catch.hpp>

#include <cstring>
#include <string>
#include <string_view>

#include "plugins/host_services.h"

namespace {

using crmhost::plugins::HostServices;

std::string_view Sv(crmh_view v) {
  return {v.ptr ? v.ptr : "", v.len};
}

struct Parsed {
  crmh_status status;
  crmh_phone_number n;
};

Parsed Parse(HostServices& host, crmh_call& call, std::string_view text, uint32_t options = 0,
             std::string_view region = {}) {
  Parsed p{};
  p.n.struct_size = sizeof(p.n);
  p.status = host.api()->phone_parse(&call, {text.data(), text.size()},
                                     {region.data(), region.size()}, options, &p.n);
  return p;
}

}  // namespace

TEST_CASE("phone_parse: the numbers the reference finds invalid are invalid", "[plugins][phone]") {
  HostServices host({});
  crmh_call call = host.NewCall("test", "r-1");
  // Each parses (a country code and digits) but no region assigns it: the reference's
  // connectors search them as given (Redtail, Pipedrive) or not at all (Insightly, Clio's
  // formats); crmhostd's old digit-count check called them valid.
  struct Case {
    const char* text;
    int32_t country_code;
    const char* significant;
  };
  for (const Case& c :
       {Case{"+44207183875", 44, "207183875"}, Case{"+3361234567", 33, "61234567"},
        Case{"+861380013800", 86, "1380013800"}, Case{"+6141234567", 61, "41234567"},
        Case{"+551198765432", 55, "1198765432"}, Case{"+49151123", 49, "151123"}}) {
    INFO(c.text);
    auto p = Parse(host, call, c.text);
    CHECK(p.status == CRMH_OK);
    CHECK((p.n.flags & CRMH_PHONE_VALID) == 0);
    CHECK(p.n.country_code == c.country_code);
    CHECK(Sv(p.n.significant) == c.significant);
  }
}

TEST_CASE("phone_parse: valid numbers, their region, formats and type", "[plugins][phone]") {
  HostServices host({});
  crmh_call call = host.NewCall("test", "r-1");

  auto us = Parse(host, call, "+14155551234");
  CHECK(us.status == CRMH_OK);
  CHECK(us.n.flags == (CRMH_PHONE_VALID | CRMH_PHONE_POSSIBLE));
  CHECK(us.n.country_code == 1);
  CHECK(Sv(us.n.region) == "US");
  CHECK(Sv(us.n.significant) == "4155551234");
  CHECK(Sv(us.n.e164) == "+14155551234");
  // Formats and type only when asked: they cost microseconds a search does not need.
  CHECK(us.n.international.len == 0);
  CHECK(us.n.national.len == 0);
  CHECK(us.n.type == CRMH_PHONE_TYPE_UNKNOWN);

  auto uk = Parse(host, call, "+44 20 7946 0958", CRMH_PHONE_WANT_FORMATS | CRMH_PHONE_WANT_TYPE);
  CHECK(uk.status == CRMH_OK);
  CHECK((uk.n.flags & CRMH_PHONE_VALID) != 0);
  CHECK(Sv(uk.n.region) == "GB");
  CHECK(Sv(uk.n.significant) == "2079460958");
  CHECK(Sv(uk.n.e164) == "+442079460958");
  CHECK(Sv(uk.n.international) == "+44 20 7946 0958");
  CHECK(Sv(uk.n.national) == "020 7946 0958");
  CHECK(uk.n.type == CRMH_PHONE_TYPE_FIXED_LINE);

  auto de = Parse(host, call, "+4915112345678", CRMH_PHONE_WANT_TYPE);
  CHECK(de.n.type == CRMH_PHONE_TYPE_MOBILE);
  CHECK(Sv(de.n.region) == "DE");

  // A national number parses only with a default region.
  auto national = Parse(host, call, "(415) 555-1234", CRMH_PHONE_WANT_FORMATS, "US");
  CHECK(national.status == CRMH_OK);
  CHECK(Sv(national.n.e164) == "+14155551234");
  CHECK(Sv(national.n.national) == "(415) 555-1234");
  CHECK(Parse(host, call, "(415) 555-1234").status == CRMH_E_INVALID);
}

TEST_CASE("phone_parse: text that is no number, and hostile lengths", "[plugins][phone]") {
  HostServices host({});
  crmh_call call = host.NewCall("test", "r-1");
  for (std::string text : {std::string("abc"), std::string(), std::string("+"),
                           std::string(65, '1'), "+1" + std::string(100000, '5')}) {
    INFO(text.substr(0, 20));
    auto p = Parse(host, call, text, CRMH_PHONE_WANT_FORMATS);
    CHECK(p.status == CRMH_E_INVALID);
    CHECK(p.n.flags == 0);
    CHECK(p.n.country_code == 0);
    CHECK(p.n.significant.len == 0);
    CHECK(p.n.e164.len == 0);
    CHECK(p.n.national.len == 0);
  }
  // Bad arguments are refused, not dereferenced.
  crmh_phone_number n{};
  n.struct_size = sizeof(n);
  CHECK(host.api()->phone_parse(&call, {nullptr, 5}, {}, 0, &n) == CRMH_E_INVALID);
  CHECK(host.api()->phone_parse(nullptr, {"+14155551234", 12}, {}, 0, &n) == CRMH_E_INVALID);
  CHECK(host.api()->phone_parse(&call, {"+14155551234", 12}, {}, 0, nullptr) == CRMH_E_INVALID);
}

TEST_CASE("phone_parse: the host writes no field beyond the plugin's struct_size",
          "[plugins][phone][abi]") {
  HostServices host({});
  crmh_call call = host.NewCall("test", "r-1");
  // A (future) plugin that knows only the fields up to `significant`.
  crmh_phone_number n;
  std::memset(&n, 0xAB, sizeof n);
  n.struct_size = uint32_t(offsetof(crmh_phone_number, e164));
  REQUIRE(host.api()->phone_parse(&call, {"+14155551234", 12}, {}, CRMH_PHONE_WANT_FORMATS, &n) ==
          CRMH_OK);
  CHECK(Sv(n.significant) == "4155551234");
  const auto* tail = reinterpret_cast<const unsigned char*>(&n) + offsetof(crmh_phone_number, e164);
  for (size_t i = 0; i < sizeof(n) - offsetof(crmh_phone_number, e164); ++i)
    REQUIRE(tail[i] == 0xAB);
  // Too small for even the number itself: refused.
  n.struct_size = 8;
  CHECK(host.api()->phone_parse(&call, {"+14155551234", 12}, {}, 0, &n) == CRMH_E_INVALID);
}
