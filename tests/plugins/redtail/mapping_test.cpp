#include <catch2/catch.hpp>

#include "redtail/mapping.h"

namespace json = boost::json;
using namespace redtail;

TEST_CASE("redtail mapping: contacts, categories and the placeholder", "[redtail]") {
  json::value cats = json::parse(R"({"categories":[{"id":1,"name":"Client","deleted":false},
                                                   {"id":3,"name":"Old","deleted":true}]})");
  auto options = CategoryOptions(ActiveCategories(cats));
  REQUIRE(options.size() == 1);
  CHECK(options[0] == json::parse(R"({"const":1,"title":"Client"})"));
  json::object raw =
      json::parse(R"({"id":201,"first_name":" Ada ","middle_name":"","last_name":"Lovelace",
                                     "job_title":null,"created_at":"2026-01-02T02:04:05Z","updated_at":"x"})")
          .get_object();
  auto c = FormatContact(raw, options, std::string("+14155555678"));
  CHECK(c.at("name") == "Ada Lovelace");
  CHECK(c.at("phone") == "+14155555678");
  CHECK(c.at("title") == "");
  CHECK(c.at("type") == "contact");
  CHECK(c.at("createdDate") == "2026-01-02T02:04:05Z");
  CHECK(c.at("additionalInfo").at("category") == json::value(options));
  json::object only_full = json::parse(R"({"id":1,"full_name":"  Grace Hopper "})").get_object();
  CHECK(FormatContact(only_full, options, std::nullopt).at("name") == "Grace Hopper");
  CHECK_FALSE(FormatContact(only_full, options, std::nullopt).contains("phone"));
  auto p = NewContactPlaceholder(options);
  CHECK(p.at("id") == "createNewContact");
  CHECK(p.at("isNewContact") == true);
}

TEST_CASE("redtail mapping: agent note, custom timezone, activity times", "[redtail]") {
  CHECK(AgentNote("<b>Agent notes</b><br>Call back\nFriday<br><br><b>Call details</b><br>") ==
        "Call back\nFriday");
  CHECK(AgentNote("<li>no note</li>") == "");
  const int64_t ms = 1767323045000;
  std::string composed =
      "<li><b>Summary</b>: x</li><li><b>Date/time</b>: 2026-01-02 03:04:05 AM</li>";
  CHECK(OverrideDateTime(composed, ms, json::value("-5")) ==
        "<li><b>Summary</b>: x</li><li><b>Date/time</b>: 2026-01-01 10:04:05 PM</li>");
  CHECK(OverrideDateTime(composed, ms, json::value(nullptr)) == composed);
  CHECK(IsoStart(ms) == "2026-01-02T03:04:05.000Z");
  json::value d300 = 300, pending = "pending";
  CHECK(IsoEnd(ms, &d300) == "2026-01-02T03:09:05.000Z");
  CHECK(IsoEnd(ms, &pending).is_null());
  CHECK(IsoEnd(ms, nullptr) == "2026-01-02T03:04:05.000Z");
}
