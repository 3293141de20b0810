// The VinSolutions mapping functions: call results, Location ids, transcript notes, lead titles
// and contact names, as the reference connector derives them.
#include <catch2/catch.hpp>

#include "vinsolutions/mapping.h"

namespace json = boost::json;

TEST_CASE("VinSolutions mapping: call results from the result text and duration",
          "[vinsolutions][mapping]") {
  auto result = [](const char* text, json::value duration) {
    return vinsolutions::CallResult(json::object{{"result", text}, {"duration", duration}});
  };
  CHECK(result("Voicemail", 30) == "LEFT_MESSAGE");
  CHECK(result("Left Message", 0) == "LEFT_MESSAGE");
  CHECK(result("Missed", 0) == "NO_ANSWER");
  CHECK(result("Busy", 12) == "NO_ANSWER");  // checked before the duration
  CHECK(result("No Answer", 0) == "NO_ANSWER");
  CHECK(result("Completed", 125) == "SPOKE");
  CHECK(result("Call connected", 0) == "SPOKE");
  CHECK(result("Answered", "pending") == "SPOKE");
  CHECK(result("Rejected", 0) == "NO_ANSWER");
  CHECK(vinsolutions::CallResult(json::object{}) == "NO_ANSWER");
}

TEST_CASE("VinSolutions mapping: call detail ids from Location headers",
          "[vinsolutions][mapping]") {
  CHECK(vinsolutions::CallDetailIdOf("https://api.vinsolutions.com/calldetails/id/880001") ==
        "880001");
  CHECK(vinsolutions::CallDetailIdOf("/CallDetails/Id/42?x=1") == "42");
  CHECK_FALSE(vinsolutions::CallDetailIdOf("https://api.vinsolutions.com/calldetails/id/"));
  CHECK_FALSE(vinsolutions::CallDetailIdOf("https://api.vinsolutions.com/leads/id/7"));
  CHECK_FALSE(vinsolutions::CallDetailIdOf(""));
}

TEST_CASE("VinSolutions mapping: the note of a call detail's transcript",
          "[vinsolutions][mapping]") {
  CHECK(vinsolutions::NoteOfTranscript("- Note: Wants a quote\n- Duration: 2 minutes\n") ==
        "Wants a quote");
  CHECK(vinsolutions::NoteOfTranscript("- Duration: 2 minutes\n") == "");
  CHECK(vinsolutions::NoteOfTranscript("  typed in VinSolutions  ") == "typed in VinSolutions");
  CHECK(vinsolutions::NoteOfTranscript("") == "");
}

TEST_CASE("VinSolutions mapping: lead titles and contact names", "[vinsolutions][mapping]") {
  const json::value leads = json::parse(R"({"results":[
    {"leadId":1,"leadStatus":"Active","leadSource":{"leadSourceName":"Web"}},
    {"leadId":2,"leadStatusType":"Lost"},
    {"leadId":3,"leadSource":{}}]})");
  CHECK(vinsolutions::LeadOptions(leads) == json::parse(R"~([
    {"const":1,"title":"Lead #1 (Active) - Web"},
    {"const":2,"title":"Lead #2 (Lost)"},
    {"const":3,"title":"Lead #3"}])~"));
  CHECK(vinsolutions::LeadOptions(json::parse("[]")).empty());

  CHECK(vinsolutions::ContactName(
            json::parse(R"({"ContactId":1,"ContactInformation":{"FirstName":"A","LastName":"B"}})")
                .as_object()) == "A B");
  CHECK(vinsolutions::ContactName(
            json::parse(R"({"ContactId":7,"ContactInformation":{}})").as_object()) == "Contact 7");
  CHECK(vinsolutions::PrimaryPhone(json::parse(R"({"ContactInformation":{"Phones":[
          {"PhoneType":"Work","Number":"1"},{"PhoneType":"HOME","Number":"2"}]}})")
                                       .as_object()) == "2");
}

TEST_CASE("VinSolutions mapping: ids and durations from hostile input", "[vinsolutions][mapping]") {
  auto id = [](const json::value& v) { return vinsolutions::PositiveId(&v); };
  CHECK(id(json::value(5001)) == 5001);
  CHECK(id(json::value("  42 ")) == 42);
  CHECK(id(json::value(9001.0)) == 9001);
  CHECK(id(json::value(9001.5)) == 0);
  CHECK(id(json::value(-3)) == 0);
  CHECK(id(json::value(1e300)) == 0);
  CHECK(id(json::value(uint64_t(18446744073709551615ull))) == 0);
  CHECK(id(json::value("12a")) == 0);
  CHECK(id(json::value("99999999999999999999")) == 0);
  CHECK(id(json::value(true)) == 0);
  CHECK(vinsolutions::PositiveId(nullptr) == 0);

  auto seconds = [](const json::value& v) { return vinsolutions::DurationSeconds(&v); };
  CHECK(seconds(json::value(125)) == 125);
  CHECK(seconds(json::value("90")) == 90);
  CHECK(seconds(json::value("pending")) == 0);
  CHECK(seconds(json::value(-5)) == 0);
  CHECK(seconds(json::value(1e300)) == 10000000);
  CHECK(seconds(json::parse("null")) == 0);
  CHECK(vinsolutions::DurationSeconds(nullptr) == 0);
}
