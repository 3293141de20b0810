// The Redtail plugin beyond calls: name search, contact creation, dispositions (the activity
// category), message logs appended per conversation, and the user list for admin mapping,
// end to end against the fake Redtail.
#include <catch2/catch.hpp>

#include "integration/redtail_harness.h"
#include "support/fake_testcrm.h"

namespace crmhost::testing {
namespace json = boost::json;

namespace {

HttpResult Send(const RedtailHarness& h, const std::string& method, const std::string& target,
                const std::string& jwt, const json::value& body,
                std::vector<std::pair<std::string, std::string>> headers = {}) {
  headers.emplace_back("Authorization", "Bearer " + jwt);
  headers.emplace_back("Content-Type", "application/json");
  return Request(h.port(), method, target, json::serialize(body), headers);
}

}  // namespace

TEST_CASE("Redtail: name search, contact creation and dispositions", "[redtail]") {
  RedtailHarness h;
  h.Start();
  const std::string jwt = h.LoginJwt();

  auto search = Request(h.port(), "GET", "/custom/contact/search?name=Lovelace", {},
                        {{"Authorization", "Bearer " + jwt}});
  INFO(search.body);
  ExpectSchema("/custom/contact/search", "get", search);
  REQUIRE(search.Json().at("contact").as_array().size() == 1);
  CHECK(search.Json().at("contact").at(0).at("name") == "Ada Lovelace");
  CHECK(search.Json().at("contact").at(0).at("additionalInfo").at("category").as_array().size() ==
        2);

  auto made = Send(h, "POST", "/contact", jwt,
                   json::object{{"phoneNumber", "+14155550123"},
                                {"newContactName", "Grace Hopper"},
                                {"newContactType", "contact"}});
  INFO(made.body);
  ExpectSchema("/contact", "post", made);
  CHECK(made.Json().at("contact").at("name") == "Grace Hopper");
  auto created = h.fake.created_contacts();
  REQUIRE(created.size() == 1);
  CHECK(created[0].at("type") == "Crm::Contact::Individual");
  CHECK(created[0].at("first_name") == "Grace");
  CHECK(created[0].at("last_name") == "Hopper");
  CHECK(created[0].at("phones").at(0).at("number") == "4155550123");
  CHECK(created[0].at("phones").at(0).at("country_code") == 1);
  CHECK(created[0].at("phones").at(0).at("phone_type") == 6);
  // The new contact is found by phone right away.
  auto found = Request(h.port(), "GET", "/contact?phoneNumber=%2B14155550123", {},
                       {{"Authorization", "Bearer " + jwt}});
  CHECK(found.Json().at("contact").at(0).at("name") == "Grace Hopper");

  auto logged = Send(h, "POST", "/callLog", jwt, CallBody("rt-disp"));
  REQUIRE(logged.Json().at("successful") == true);
  const int64_t activity = logged.Json().at("logId").to_number<int64_t>();
  auto disp = Send(h, "PUT", "/callDisposition", jwt,
                   json::object{{"sessionId", "rt-disp"},
                                {"hashedExtensionId", "hashed-ext-105"},
                                {"dispositions", json::object{{"category", 1}}}});
  ExpectSchema("/callDisposition", "put", disp);
  CHECK(disp.Json().at("successful") == true);
  CHECK(h.fake.activity(activity).at("category_id") == 1);
}

TEST_CASE("Redtail: message logs append to one activity per conversation", "[redtail]") {
  RedtailHarness h;
  h.Start();
  const std::string jwt = h.LoginJwt();
  auto sms = [](const std::string& id, const std::string& text, const std::string& dir) {
    return SmsFrom("+14155555678", id, text, dir);
  };
  auto body = [](json::array messages) {
    return ConversationBody(std::move(messages), "+14155555678", 201, "Redtail Contact", "contact");
  };
  const size_t before = h.fake.activity_count();
  auto first =
      Send(h, "POST", "/messageLog", jwt, body(json::array{sms("m1", "Hello there", "Inbound")}));
  INFO(first.body);
  ExpectSchema("/messageLog", "post", first);
  CHECK(first.Json().at("logIds") == json::array{"m1"});
  REQUIRE(h.fake.activity_count() == before + 1);
  const int64_t id = 301 + int64_t(before);
  auto a = h.fake.activity(id);
  CHECK(a.at("subject") == "SMS conversation with Redtail Contact - 26/11/24");
  CHECK(a.at("completed") == true);
  const std::string desc(a.at("description").as_string());
  CHECK(desc.find("Conversation(1 messages)") != std::string::npos);
  CHECK(desc.find("<li>Redtail Contact (+14155555678) 03:30 PM<br><b>Hello there</b></li>") !=
        std::string::npos);

  auto second =
      Send(h, "POST", "/messageLog", jwt,
           body(json::array{sms("m2", "Reply", "Outbound"), sms("m1", "Hello there", "Inbound")}));
  CHECK(second.Json().at("logIds") == json::array{"m2"});
  CHECK(h.fake.activity_count() == before + 1);
  const std::string appended(h.fake.activity(id).at("description").as_string());
  CHECK(appended.find("Conversation(2 messages)") != std::string::npos);
  CHECK(appended.find("<li>jdoe 03:30 PM<br><b>Reply</b></li></ul>") != std::string::npos);
}

TEST_CASE("Redtail: database users feed admin user mapping", "[redtail][admin]") {
  FakeRingCentral rc;
  RedtailHarness h(std::nullopt, {"--outbound-override",
                                  std::string(FakeRingCentral::kServer) + "=" + rc.base_url()});
  h.Start();
  const std::string jwt = h.LoginJwt();
  json::object body{
      {"rcExtensionList", json::array{json::object{{"id", "101"}, {"name", "Jane Doe"}}}}};
  auto mapped = Send(h, "POST", "/admin/userMapping", jwt, body,
                     {{"X-RC-Access-Token", FakeRingCentral::kAdminToken}});
  INFO(mapped.body);
  REQUIRE(mapped.status == 200);
  auto m = mapped.Json().as_array();
  REQUIRE(m.size() == 2);
  CHECK(m[0].at("crmUser").at("name") == "Jane Doe");
  CHECK(m[0].at("rcUser").at(0).at("extensionId") == "101");
  CHECK(m[1].at("rcUser").as_array().empty());

  // A user of the admin's RingCentral account (3001) logs a call that server-side logging
  // assigns to extension 102, which the admin maps to Ada (database user 78): Ada attends the
  // activity, on creation and on every update.
  auto login = Request(h.port(), "POST", "/apiKeyLogin?state=platform=redtail",
                       json::serialize(json::object{
                           {"platform", "redtail"},
                           {"apiKey", "apiKey"},
                           {"additionalInfo", json::object{{"username", FakeRedtail::kUsername},
                                                           {"password", FakeRedtail::kPassword}}}}),
                       {{"X-RC-Access-Token", FakeRingCentral::kAdminToken}});
  REQUIRE(login.status == 200);
  const std::string account_jwt(login.Json().at("jwtToken").get_string());
  json::object remap{
      {"rcExtensionList", json::array{json::object{{"id", "102"}, {"name", "Ada Lovelace"}}}}};
  REQUIRE(Send(h, "POST", "/admin/userMapping", account_jwt, remap,
               {{"X-RC-Access-Token", FakeRingCentral::kAdminToken}})
              .status == 200);
  const json::object assigned{
      {"category", 1}, {"isAssignedToUser", true}, {"adminAssignedUserRcId", "102"}};
  json::object call = CallBody("rt-assigned");
  call["additionalSubmission"] = assigned;
  auto logged = Send(h, "POST", "/callLog", account_jwt, call);
  INFO(logged.body);
  REQUIRE(logged.Json().at("successful") == true);
  const json::value attendees =
      json::array{json::object{{"type", "Crm::Activity::Attendee::User"}, {"user_id", 78}}};
  CHECK(h.fake.activity(logged.Json().at("logId").to_number<int64_t>()).at("attendees") ==
        attendees);
  json::object patch{
      {"sessionId", "rt-assigned"}, {"note", "Follow-up"}, {"additionalSubmission", assigned}};
  auto updated = Send(h, "PATCH", "/callLog", account_jwt, patch);
  INFO(updated.status << " " << updated.body);
  REQUIRE(updated.Json().at("successful") == true);
  const auto requests = h.fake.server().requests();
  const RecordedRequest* put = nullptr;
  for (auto& r : requests)
    if (r.method == "PUT" && r.body.find("description") != std::string::npos) put = &r;
  REQUIRE(put);
  CHECK(json::parse(put->body).at("attendees") == attendees);

  // Not assigned (a user logging their own call): nobody is added.
  auto own = Send(h, "POST", "/callLog", account_jwt, CallBody("rt-own"));
  REQUIRE(own.Json().at("successful") == true);
  CHECK_FALSE(h.fake.activity(own.Json().at("logId").to_number<int64_t>()).contains("attendees"));
}

}  // namespace crmhost::testing
