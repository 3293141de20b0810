// The Insightly plugin end to end: crmhostd with insightly.so, the user's pod reached through
// --outbound-override, and a fake Insightly API that records what reached it.
#include <catch2/catch.hpp>

#include "integration/crm_harness.h"
#include "support/fake_insightly.h"
#include "support/fake_testcrm.h"

namespace crmhost::testing {
namespace json = boost::json;

namespace {

struct InsightlyHarness : CrmHarness {
  FakeInsightly fake;
  explicit InsightlyHarness(std::vector<std::string> extra = {}) : CrmHarness(std::move(extra)) {
    args.insert(args.end(),
                {"--outbound-override", std::string(FakeInsightly::kPod) + "=" + fake.base_url()});
    Start();
  }
  HttpResult Login(const std::string& key = FakeInsightly::kApiKey,
                   const std::string& api_url = FakeInsightly::kApiUrl) const {
    return ApiKeyLogin("insightly", key, json::object{{"apiUrl", api_url}});
  }
  std::string LoginJwt() const { return JwtOf(Login()); }
};

const RecordedRequest* Find(const std::vector<RecordedRequest>& reqs, const std::string& method,
                            const std::string& path) {
  for (auto& r : reqs)
    if (r.method == method && r.path == path) return &r;
  return nullptr;
}

size_t CountLinks(const json::object& event, const char* name) {
  size_t n = 0;
  for (auto& l : event.at("LINKS").as_array())
    if (l.at("LINK_OBJECT_NAME") == name) ++n;
  return n;
}

json::object InsightlyCall(const std::string& session, json::object submission = {}) {
  return InboundCallBody(session, {101, "Ada Lovelace", "+14155550642", "Contact"},
                         "Asked about the engine", std::move(submission));
}

}  // namespace

TEST_CASE("Insightly: API-key login against the user's pod", "[insightly]") {
  InsightlyHarness h;
  auto ok = h.Login();
  INFO(ok.body);
  REQUIRE(ok.status == 200);
  CHECK(ok.Json().at("name") == "Jane Doe");
  CHECK(ok.Json().at("returnMessage").at("message") == "Connected to Insightly.");
  auto reqs = h.fake.server().requests();
  auto* me = Find(reqs, "GET", "/v3.1/users/me");
  REQUIRE(me);
  CHECK(me->Header("authorization") == "Basic aW5zLWFwaS1rZXktMGM0ZjllMmE3MTo=");

  auto wrong = h.Login("not-the-key");
  CHECK(wrong.status == 400);
  CHECK(wrong.Json().at("returnMessage").at("message") ==
        "Could not load user information Please check your API key and try again.");
  auto no_url = h.Login(FakeInsightly::kApiKey, "");
  CHECK(no_url.status == 400);
  CHECK(no_url.Json().at("returnMessage").at("messageType") == "warning");
  // Every shipped CRM plugin embeds its manifest entry.
  auto manifest = Request(h.port(), "GET", "/crmManifest");
  INFO(manifest.body.substr(0, 300));
  REQUIRE(manifest.status == 200);
  const auto platforms = manifest.Json().at("platforms").as_object();
  for (const char* name : {"insightly", "pipedrive", "clio", "redtail", "bullhorn", "netsuite",
                           "vinsolutions", "googleSheets"})
    CHECK(platforms.contains(name));
  CHECK(platforms.at("insightly").at("auth").at("type") == "apiKey");
  CHECK(platforms.at("pipedrive").at("auth").at("type") == "oauth");
  CHECK(platforms.at("clio").at("contactTypes").as_array().size() == 2);

  // The key is the credential: never logged.
  CHECK(h.daemon->Log().find(FakeInsightly::kApiKey) == std::string::npos);
}

TEST_CASE("Insightly: contacts and leads by phone, custom phone fields, names, new contacts",
          "[insightly]") {
  InsightlyHarness h;
  const std::string jwt = h.LoginJwt();

  auto many = h.Get("/contact?phoneNumber=%2B14155550642&overridingFormat=", jwt);
  INFO(many.body);
  ExpectSchema("/contact", "get", many);
  auto found = many.Json().at("contact").as_array();
  REQUIRE(found.size() == 4);
  CHECK(found[0].at("name") == "Ada Lovelace");
  CHECK(found[0].at("type") == "Contact");
  CHECK(found[0].at("phone") == "4155550642");
  CHECK(found[0].at("title") == "CTO");
  CHECK(found[0].at("additionalInfo").at("organisation") ==
        json::parse(R"([{"title":"Analytical Engines Ltd","const":301}])"));
  CHECK(found[0].at("additionalInfo").at("opportunity").at(0).at("const") == 401);
  CHECK(found[0].at("additionalInfo").at("project").at(0).at("title") == "Notes on the Engine");
  CHECK(found[1].at("name") == "Grace Hopper");  // by PHONE_MOBILE
  CHECK(found[1].at("mostRecentActivityDate") == "2026-03-01 00:00:00");
  CHECK(found[2].at("name") == "Mary Jackson");
  CHECK(found[2].at("type") == "Lead");
  CHECK(found[2].at("id") == 3302);
  CHECK(found[3].at("isNewContact") == true);
  // The organisation both contacts link to was fetched once.
  auto reqs = h.fake.server().requests();
  CHECK(std::count_if(reqs.begin(), reqs.end(),
                      [](auto& r) { return r.path == "/v3.1/organisations/301"; }) == 1);

  auto one_format = h.Get(
      "/contact?phoneNumber=%2B14155550642&overridingFormat=" + UrlEncode("(***) ***-****"), jwt);
  CHECK(one_format.Json().at("contact").as_array().size() == 1);  // only the placeholder
  CHECK(h.fake.server().requests().back().Query("field_value") == "(415) 555-0642");

  auto none = h.Get("/contact?phoneNumber=%2B14155559999&overridingFormat=", jwt);
  ExpectSchema("/contact", "get", none);
  CHECK(none.Json().at("returnMessage").at("message") == "Contact not found");
  CHECK(none.Json().at("contact").as_array().size() == 1);
  // The placeholder, whole: additionalInfo is null as in the reference's Insightly connector.
  CHECK(none.Json().at("contact").at(0) ==
        json::parse(R"({"id":"createNewContact","name":"Create new contact...",)"
                    R"("additionalInfo":null,"isNewContact":true})"));

  // Custom phone fields named in the user's settings; one Insightly does not know is skipped.
  auto set =
      h.Send("POST", "/user/settings", jwt,
             json::object{{"userSettings",
                           json::object{{"insightlyExtraPhoneFieldNameForContact",
                                         json::object{{"value", "Bogus__c, Other_Phone__c"}}}}}});
  REQUIRE(set.status == 200);
  auto custom = h.Get("/contact?phoneNumber=%2B14155557777&overridingFormat=", jwt);
  INFO(custom.body);
  REQUIRE(custom.Json().at("contact").as_array().size() == 2);
  CHECK(custom.Json().at("contact").at(0).at("name") == "Alan Turing");
  CHECK(custom.Json().at("contact").at(0).at("phone") == "4155557777");

  auto by_name = h.Get("/custom/contact/search?name=Ada%20Lovelace", jwt);
  INFO(by_name.body);
  ExpectSchema("/custom/contact/search", "get", by_name);
  REQUIRE(by_name.Json().at("contact").as_array().size() == 1);
  CHECK(by_name.Json().at("contact").at(0).at("id") == 101);

  auto lead = h.Send("POST", "/contact", jwt,
                     json::object{{"phoneNumber", "+14155550123"},
                                  {"newContactName", "Katherine"},
                                  {"newContactType", "lead"}});
  INFO(lead.body);
  ExpectSchema("/contact", "post", lead);
  CHECK(lead.Json().at("contact").at("name") == "Katherine Lead");
  auto leads = h.fake.created("leads");
  REQUIRE(leads.size() == 1);
  CHECK(leads[0].at("PHONE") == "+14155550123");
  auto contact = h.Send("POST", "/contact", jwt,
                        json::object{{"phoneNumber", "+14155550124"},
                                     {"newContactName", "Dorothy Vaughan"},
                                     {"newContactType", "contact"}});
  CHECK(contact.Json().at("contact").at("id") == 502);
  CHECK(h.fake.created("contacts").at(0).at("LAST_NAME") == "Vaughan");
  // Neither contact nor lead: nothing is created and the answer is the reference's failure.
  auto neither = h.Send("POST", "/contact", jwt,
                        json::object{{"phoneNumber", "+14155550125"},
                                     {"newContactName", "Mary Jackson"},
                                     {"newContactType", "account"}});
  INFO(neither.body);
  CHECK(neither.status == 200);
  const json::value refused = neither.Json();
  CHECK(refused.at("successful") == false);
  CHECK(refused.at("returnMessage").at("message") == "Error creating contact");
  CHECK(h.fake.created("contacts").size() == 1);
  CHECK(h.fake.created("leads").size() == 1);
}

// The numbers the reference's libphonenumber calls invalid (issue 14): Insightly is not asked at
// all, and the answer is the reference's "not found" document for that number, whole.
TEST_CASE("Insightly: a number libphonenumber finds invalid is not searched",
          "[insightly][phone]") {
  InsightlyHarness h;
  const std::string jwt = h.LoginJwt();
  const std::string unknown =
      h.Get("/contact?phoneNumber=%2B14155559999&overridingFormat=", jwt).body;
  for (const char* number : {"+44207183875", "+3361234567", "+861380013800", "+6141234567",
                             "+551198765432", "+49151123"}) {
    for (const std::string format : {"", "(***) ***-****"}) {
      INFO(number << " " << format);
      h.fake.server().clear();
      auto r = h.Get(
          "/contact?phoneNumber=" + UrlEncode(number) + "&overridingFormat=" + UrlEncode(format),
          jwt);
      CHECK(r.status == 200);
      CHECK(h.fake.server().requests().empty());
      std::string expected = unknown;
      for (size_t at = expected.find("+14155559999"); at != std::string::npos;
           at = expected.find("+14155559999", at))
        expected.replace(at, 12, number);
      CHECK(r.Json() == json::parse(expected));
    }
  }
  // A valid UK number is searched by its national significant number.
  h.fake.server().clear();
  (void)h.Get("/contact?phoneNumber=%2B442071838750&overridingFormat=", jwt);
  auto reqs = h.fake.server().requests();
  REQUIRE_FALSE(reqs.empty());
  CHECK(reqs.front().Query("field_value") == "2071838750");
}

TEST_CASE("Insightly: call logs are linked events, read back, updated and re-linked",
          "[insightly]") {
  InsightlyHarness h;
  const std::string jwt = h.LoginJwt();
  auto logged =
      h.Send("POST", "/callLog", jwt,
             InsightlyCall("s1", json::object{{"organisation", 301}, {"opportunity", 401}}));
  INFO(logged.body);
  ExpectSchema("/callLog", "post", logged);
  REQUIRE(logged.Json().at("successful") == true);
  CHECK(logged.Json().at("logId") == 7001);
  auto event = h.fake.event(7001);
  CHECK(event.at("TITLE") == "Inbound Call from Ada Lovelace");
  CHECK(event.at("START_DATE_UTC") == "2026-01-02T03:04:05.000Z");
  CHECK(event.at("END_DATE_UTC") == "2026-01-02T03:06:10.000Z");
  const std::string details(event.at("DETAILS").as_string());
  CHECK(details.rfind("- Note: Asked about the engine\n", 0) == 0);
  CHECK(details.find("- Duration: 2 minutes, 5 seconds") != std::string::npos);
  CHECK(event.at("LINKS").at(0).at("LINK_OBJECT_NAME") == "contact");
  CHECK(event.at("LINKS").at(0).at("LINK_OBJECT_ID") == 101);
  CHECK(CountLinks(event, "Organisation") == 1);
  CHECK(CountLinks(event, "Opportunity") == 1);

  auto read =
      h.Get("/callLog?sessionIds=s1&hashedExtensionId=hashed-ext-105&requireDetails=true", jwt);
  INFO(read.body);
  ExpectSchema("/callLog", "get", read);
  auto data = read.Json().at("logs").at(0).at("logData").as_object();
  CHECK(data.at("note") == "Asked about the engine");
  CHECK(data.at("contactName") == "Ada Lovelace");
  CHECK(data.at("dispositions") == json::parse(R"({"organisation":301,"opportunity":401})"));
  // A body with no note line: logData has no "note" key at all (the reference's undefined).
  h.fake.SetEventDetails(7001, "- Summary: nothing typed");
  const json::value bare =
      h.Get("/callLog?sessionIds=s1&hashedExtensionId=hashed-ext-105&requireDetails=true", jwt)
          .Json();
  CHECK_FALSE(bare.at("logs").at(0).at("logData").as_object().contains("note"));
  CHECK(bare.at("logs").at(0).at("logData").at("fullBody") == "- Summary: nothing typed");
  h.fake.SetEventDetails(7001, details);

  // A line typed in Insightly survives the update; note, recording and AI note are added.
  h.fake.SetEventDetails(7001, details + "\nCalled back from the desk phone");
  json::object patch{{"sessionId", "s1"},
                     {"hashedExtensionId", "hashed-ext-105"},
                     {"note", "Wants a quote"},
                     {"recordingLink", "https://recordings.example.test/s1.wav"},
                     {"aiNote", "Customer asked for pricing"}};
  auto updated = h.Send("PATCH", "/callLog", jwt, patch);
  INFO(updated.body);
  ExpectSchema("/callLog", "patch", updated);
  CHECK(updated.Json().at("returnMessage").at("message") == "Call log updated.");
  event = h.fake.event(7001);
  const std::string after(event.at("DETAILS").as_string());
  CHECK(after.rfind("- Note: Wants a quote\n", 0) == 0);
  CHECK(after.find("https://recordings.example.test/s1.wav") != std::string::npos);
  CHECK(after.find("Customer asked for pricing") != std::string::npos);
  CHECK(after.find("Called back from the desk phone") != std::string::npos);
  CHECK(event.at("TITLE") == "Inbound Call from Ada Lovelace");     // kept
  CHECK(event.at("START_DATE_UTC") == "2026-01-02T03:04:05.000Z");  // no startTime sent
  CHECK(h.fake.event_count() == 1);

  // Dispositions: the project is linked, the organisation already linked is left alone, a
  // changed opportunity replaces the old link.
  auto disp = h.Send(
      "PUT", "/callDisposition", jwt,
      json::object{{"sessionId", "s1"},
                   {"hashedExtensionId", "hashed-ext-105"},
                   {"dispositions",
                    json::object{{"organisation", 301}, {"opportunity", 402}, {"project", 501}}}});
  INFO(disp.body);
  ExpectSchema("/callDisposition", "put", disp);
  CHECK(disp.Json().at("successful") == true);
  event = h.fake.event(7001);
  CHECK(CountLinks(event, "Organisation") == 1);
  CHECK(CountLinks(event, "Opportunity") == 1);
  CHECK(CountLinks(event, "Project") == 1);
  for (auto& l : event.at("LINKS").as_array())
    if (l.at("LINK_OBJECT_NAME") == "Opportunity") CHECK(l.at("LINK_OBJECT_ID") == 402);

  // A lead's call is linked to the lead only.
  json::object lead_call = InsightlyCall("s2", json::object{{"organisation", 301}});
  lead_call["contactId"] = 3302;
  lead_call["contactType"] = "Lead";
  REQUIRE(h.Send("POST", "/callLog", jwt, lead_call).Json().at("successful") == true);
  event = h.fake.event(7002);
  REQUIRE(event.at("LINKS").as_array().size() == 1);
  CHECK(event.at("LINKS").at(0).at("LINK_OBJECT_NAME") == "lead");
}

TEST_CASE("Insightly: message logs grow one event per conversation", "[insightly]") {
  InsightlyHarness h;
  const std::string jwt = h.LoginJwt();
  auto sms = [](const std::string& id, const std::string& text, const std::string& dir,
                const std::string& at) { return SmsFrom("+14155550642", id, text, dir, at); };
  auto body = [](json::array messages) {
    return ConversationBody(std::move(messages), "+14155550642", 101, "Ada Lovelace", "Contact");
  };
  auto first = h.Send("POST", "/messageLog", jwt,
                      body(json::array{sms("m1", "Hello", "Inbound", "2026-11-24T15:30:00.000Z")}));
  INFO(first.body);
  ExpectSchema("/messageLog", "post", first);
  REQUIRE(h.fake.event_count() == 1);
  auto event = h.fake.event(7001);
  CHECK(event.at("TITLE") == "SMS conversation with Ada Lovelace - 26/11/24");
  CHECK(event.at("DETAILS") ==
        "\nConversation summary\nTuesday, November 24, 2026\nParticipants\n    Jane Doe\n"
        "    Ada Lovelace\n\nConversation(1 messages)\nBEGIN\n------------\n"
        "Ada Lovelace (+14155550642) 03:30 PM\nHello\n\n------------\nEND\n\n"
        "--- Created via RingCentral App Connect");
  CHECK(event.at("LINKS").at(0).at("LINK_OBJECT_ID") == 101);

  auto second =
      h.Send("POST", "/messageLog", jwt,
             body(json::array{sms("m2", "Hi Ada", "Outbound", "2026-11-24T15:35:00.000Z"),
                              sms("m1", "Hello", "Inbound", "2026-11-24T15:30:00.000Z")}));
  CHECK(second.Json().at("logIds") == json::array{"m2"});
  CHECK(h.fake.event_count() == 1);
  event = h.fake.event(7001);
  const std::string details(event.at("DETAILS").as_string());
  CHECK(details.find("Conversation(2 messages)") != std::string::npos);
  CHECK(details.find("Hello\n\nJane Doe 03:35 PM\nHi Ada\n------------\nEND") != std::string::npos);
  CHECK(event.at("END_DATE_UTC") == "2026-11-24T15:35:00.000Z");

  // A voicemail is its own event with the recording link.
  json::object vm = body(json::array{json::object{
      {"id", "v1"},
      {"type", "VoiceMail"},
      {"direction", "Inbound"},
      {"creationTime", "2026-11-24T16:00:00.000Z"},
      {"attachments", json::array{json::object{{"type", "AudioRecording"},
                                               {"link", "https://app.ringcentral.test/vm/1"}}}},
      {"from", json::object{{"phoneNumber", "+14155550642"}}}}});
  vm["logInfo"].as_object()["conversationLogId"] = "vm-1";
  auto voicemail = h.Send("POST", "/messageLog", jwt, vm);
  INFO(voicemail.body);
  CHECK(voicemail.Json().at("successful") == true);
  REQUIRE(h.fake.event_count() == 2);
  CHECK(h.fake.event(7002).at("DETAILS") ==
        "Voicemail recording link: https://app.ringcentral.test/vm/1 \n\n--- Created via "
        "RingCentral App Connect");
}

TEST_CASE("Insightly: users feed admin user mapping", "[insightly][admin]") {
  FakeRingCentral rc;
  InsightlyHarness h(
      {"--outbound-override", std::string(FakeRingCentral::kServer) + "=" + rc.base_url()});
  const std::string jwt = h.LoginJwt();
  auto mapped = h.PostUserMapping(jwt, {{"101", "Jane Doe"}});
  INFO(mapped.body);
  REQUIRE(mapped.status == 200);
  auto m = mapped.Json().as_array();
  REQUIRE(m.size() == 2);
  CHECK(m[0].at("crmUser").at("id") == 42);
  CHECK(m[0].at("rcUser").at(0).at("extensionId") == "101");
  CHECK(m[1].at("crmUser").at("name") == "Ada Lovelace");

  // A user of the admin's account (3001) logs a call that server-side logging assigns to
  // extension 102, which the admin maps to Ada: the event is Ada's.
  auto login = Request(h.port(), "POST", "/apiKeyLogin?state=platform=insightly",
                       json::serialize(json::object{
                           {"platform", "insightly"},
                           {"apiKey", FakeInsightly::kApiKey},
                           {"additionalInfo", json::object{{"apiUrl", FakeInsightly::kApiUrl}}}}),
                       {{"X-RC-Access-Token", FakeRingCentral::kAdminToken}});
  const std::string account_jwt = CrmHarness::JwtOf(login);
  auto remapped = h.PostUserMapping(account_jwt, {{"102", "Ada Lovelace"}});
  REQUIRE(remapped.status == 200);
  auto logged = h.Send("POST", "/callLog", account_jwt,
                       InsightlyCall("assigned", json::object{{"isAssignedToUser", true},
                                                              {"adminAssignedUserRcId", "102"}}));
  INFO(logged.body);
  REQUIRE(logged.Json().at("successful") == true);
  CHECK(h.fake.event(logged.Json().at("logId").to_number<int64_t>()).at("OWNER_USER_ID") == 43);
}

TEST_CASE("Insightly: the CRM failing becomes the contract's returnMessage", "[insightly]") {
  InsightlyHarness h;
  const std::string jwt = h.LoginJwt();
  ExpectLookupFailuresReported(h, h.fake.failures(), "/v3.1/contacts/search",
                               "/contact?phoneNumber=%2B14155550642&overridingFormat=", jwt);
  ExpectCallLogRetriedOnce(h, h.fake.failures(), "/v3.1/events", InsightlyCall("down"), jwt,
                           [&] { return h.fake.event_count(); });
}

}  // namespace crmhost::testing
