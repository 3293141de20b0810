// The VinSolutions plugin end to end: crmhostd with vinsolutions.so, its six credentials as
// plugin settings, both VinSolutions origins reached through --outbound-override, and a fake
// VinSolutions that demands each API's token, api_key and media type.
#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "integration/crm_harness.h"
#include "support/fake_vinsolutions.h"

namespace crmhost::testing {
namespace json = boost::json;

namespace {

using Fake = FakeVinSolutions;

struct VinHarness : CrmHarness {
  Fake fake;
  explicit VinHarness(std::vector<std::string> extra = {}) : CrmHarness(std::move(extra)) {
    const auto wired = fake.DaemonArgs();
    args.insert(args.end(), wired.begin(), wired.end());
    Start();
  }
  HttpResult Login(const std::string& dealer = "5001", const std::string& user = "42") const {
    return ApiKeyLogin("vinsolutions", "", json::object{{"dealerId", dealer}, {"crmUserId", user}});
  }
  std::string LoginJwt() const { return JwtOf(Login()); }
};

json::object VinCall(const std::string& session, json::object submission = {}) {
  return InboundCallBody(session, {601, "Ada Lovelace", "+14155550642", "contact"},
                         "Asked about the trade-in", std::move(submission));
}

}  // namespace

TEST_CASE("VinSolutions: login with dealer and CRM user, tokens of both APIs", "[vinsolutions]") {
  VinHarness h;
  auto ok = h.Login();
  INFO(ok.body);
  REQUIRE(ok.status == 200);
  CHECK(ok.Json().at("name") == "Jane Doe");
  CHECK(
      ok.Json().at("returnMessage") ==
      json::parse(
          R"({"messageType":"success","message":"Connected to VinSolutions (Bay Motors).","ttl":2000})"));
  CHECK(h.fake.token_requests(Fake::kLmClientId) == 1);
  CHECK(h.fake.token_requests(Fake::kCtClientId) == 1);
  auto reqs = h.fake.server().requests();
  auto* token = LastRequest(reqs, "POST", "/connect/token");
  REQUIRE(token);
  CHECK(ParseForm(token->body) ==
        std::map<std::string, std::string>{{"grant_type", "client_credentials"},
                                           {"client_id", Fake::kLmClientId},
                                           {"client_secret", Fake::kLmClientSecret},
                                           {"scope", "PublicAPI"}});
  auto* me = LastRequest(reqs, "GET", "/gateway/v1/tenant/user/id/42");
  REQUIRE(me);
  CHECK(me->Query("dealerId") == "5001");
  CHECK(me->Header("api_key") == Fake::kLmApiKey);
  CHECK(me->Header("accept") == "application/json");

  auto missing = h.Login("5001", "");
  CHECK(missing.status == 400);
  CHECK(
      missing.Json().at("returnMessage") ==
      json::parse(
          R"({"messageType":"warning","message":"Dealer ID and CRM User ID are required.","ttl":5000})"));
  auto letters = h.Login("dealer", "42");
  CHECK(letters.status == 400);
  CHECK(letters.Json().at("returnMessage").at("message") ==
        "Dealer ID and CRM User ID are required.");

  auto other = h.Login("5002", "42");  // a dealer that has not enabled us
  INFO(other.body);
  CHECK(other.status == 400);
  const json::value failed = other.Json().at("returnMessage");
  CHECK(failed.at("message") ==
        "Could not connect to VinSolutions. Verify dealer enablement, dealer ID, CRM user ID, "
        "and API credentials.");
  CHECK(failed.at("messageType") == "warning");
  CHECK(failed.at("ttl") == 8000);
  CHECK(failed.at("details").at(0).at("title") == "Details");

  auto manifest = Request(h.port(), "GET", "/crmManifest");
  REQUIRE(manifest.status == 200);
  const json::value entry = manifest.Json().at("platforms").at("vinsolutions");
  CHECK(entry.at("auth").at("type") == "apiKey");
  CHECK(entry.at("displayName") == "VinSolutions");

  // No credential of VinSolutions ever reaches the log.
  const std::string log = h.daemon->Log();
  for (const char* secret : {Fake::kLmClientSecret, Fake::kCtClientSecret, Fake::kLmApiKey,
                             Fake::kCtApiKey, "lm-token-", "ct-token-"})
    CHECK(log.find(secret) == std::string::npos);
}

TEST_CASE("VinSolutions: a deployment serves only the dealers it lists", "[vinsolutions]") {
  VinHarness h({"--plugin-setting", "vinsolutions.allowed_dealers=4000, 5001"});
  REQUIRE(h.Login("5001", "42").status == 200);
  h.fake.server().clear();
  auto other = h.Login("5002", "42");
  INFO(other.body);
  CHECK(other.status == 400);
  CHECK(other.Json().at("returnMessage").at("message") ==
        "Could not connect to VinSolutions. Verify dealer enablement, dealer ID, CRM user ID, "
        "and API credentials.");
  CHECK(h.fake.server().requests().empty());  // refused before any request to VinSolutions
  // (The dealer ID typed at login is masked in the log like every value of the login form.)
  CHECK(h.daemon->Log().find("is not in vinsolutions.allowed_dealers") != std::string::npos);

  // Without the list every dealer can log in, and the daemon says so when it loads the plugin.
  VinHarness open;
  CHECK(open.daemon->Log().find("vinsolutions.allowed_dealers is not set") != std::string::npos);
}

TEST_CASE("VinSolutions: tokens are shared, kept until near expiry and replaced when refused",
          "[vinsolutions]") {
  VinHarness h;
  const std::string jwt = h.LoginJwt();
  const std::string lookup = "/contact?phoneNumber=%2B14155552222&overridingFormat=";
  REQUIRE(h.Get(lookup, jwt).Json().at("successful") == true);
  REQUIRE(h.Get(lookup, jwt).Json().at("successful") == true);
  CHECK(h.fake.token_requests(Fake::kLmClientId) == 1);  // the login's token serves on

  // A second user of the dealer uses the same application token.
  REQUIRE(h.Login("5001", "43").status == 200);
  CHECK(h.fake.token_requests(Fake::kLmClientId) == 1);

  // Tokens that live 301 s are kept for one second (renewed 5 minutes before expiry).
  h.fake.SetTokenLifetime(301);
  h.fake.RevokeTokens();  // VinSolutions refuses the kept token: one new token, one retry
  auto after_revoke = h.Get(lookup, jwt);
  INFO(after_revoke.body);
  CHECK(after_revoke.Json().at("successful") == true);
  CHECK(h.fake.token_requests(Fake::kLmClientId) == 2);
  REQUIRE(h.Get(lookup, jwt).Json().at("successful") == true);
  CHECK(h.fake.token_requests(Fake::kLmClientId) == 2);
  std::this_thread::sleep_for(std::chrono::milliseconds(1300));
  REQUIRE(h.Get(lookup, jwt).Json().at("successful") == true);
  CHECK(h.fake.token_requests(Fake::kLmClientId) == 3);

  // A token that expires within the margin serves one operation and is not kept.
  h.fake.SetTokenLifetime(60);
  std::this_thread::sleep_for(std::chrono::milliseconds(1300));
  REQUIRE(h.Get(lookup, jwt).Json().at("successful") == true);
  REQUIRE(h.Get(lookup, jwt).Json().at("successful") == true);
  CHECK(h.fake.token_requests(Fake::kLmClientId) == 5);

  // The token lives sealed in the store, never in clear on disk.
  h.fake.SetTokenLifetime(3600);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  REQUIRE(h.Get(lookup, jwt).Json().at("successful") == true);
  h.daemon.reset();  // flushes and closes the store
  CHECK_FALSE(AnyFileContains(h.dir / "data", "lm-token-"));
  CHECK_FALSE(AnyFileContains(h.dir / "data", Fake::kLmApiKey));
}

TEST_CASE("VinSolutions: contacts by phone with their leads, by name, and created",
          "[vinsolutions]") {
  VinHarness h;
  const std::string jwt = h.LoginJwt();

  auto many = h.Get("/contact?phoneNumber=%2B14155550642&overridingFormat=", jwt);
  INFO(many.body);
  ExpectSchema("/contact", "get", many);
  CHECK(many.Json() == json::parse(R"~({
    "successful": true,
    "contact": [
      {"id": 601, "name": "Ada Lovelace", "phone": "4155550642",
       "additionalInfo": {"leads": [{"const": 9001, "title": "Lead #9001 (Active) - Website"},
                                    {"const": 9002, "title": "Lead #9002 (Sold)"}]},
       "type": "contact"},
      {"id": 602, "name": "Grace Brewster Hopper", "phone": "4155550642",
       "additionalInfo": {"leads": [{"const": 9003, "title": "Lead #9003"}]},
       "type": "contact"},
      {"id": "createNewContact", "name": "Create new contact...", "isNewContact": true}
    ]})~"));
  // Each form of the number once, in the reference's order; leads in v3, per contact.
  auto reqs = h.fake.server().requests();
  std::vector<std::string> searched;
  for (auto& r : reqs)
    if (r.path == "/gateway/v1/contact" && r.Query("phone")) {
      searched.push_back(*r.Query("phone"));
      CHECK(r.Query("userId") == "42");
      CHECK(r.Query("pageSize") == "100");
    }
  CHECK(searched ==
        std::vector<std::string>{"4155550642", "+14155550642", "+1415-555-0642", "14155550642"});
  auto* leads = LastRequest(reqs, "GET", "/leads");
  REQUIRE(leads);
  CHECK(leads->Header("accept") == "application/vnd.coxauto.v3+json");
  CHECK(leads->Query("limit") == "100");

  // A company stored in E.164; a contact without leads has additionalInfo null.
  auto company = h.Get("/contact?phoneNumber=%2B14155551111&overridingFormat=", jwt);
  CHECK(
      company.Json().at("contact").at(0) ==
      json::parse(
          R"({"id":603,"name":"Analytical Engines Ltd","phone":"+14155551111","additionalInfo":null,"type":"contact"})"));
  // The client's formats come first.
  h.fake.server().clear();
  (void)h.Get("/contact?phoneNumber=%2B14155552222&overridingFormat=" + UrlEncode("(***) ***-****"),
              jwt);
  CHECK(h.fake.server().requests().front().Query("phone") == "(415) 555-2222");

  auto none = h.Get("/contact?phoneNumber=%2B14155559999&overridingFormat=", jwt);
  ExpectSchema("/contact", "get", none);
  CHECK(none.Json().at("returnMessage").at("message") == "Contact not found");

  auto ext = h.Get("/contact?phoneNumber=101&isExtension=true", jwt);
  CHECK(ext.Json().at("successful") == false);

  auto named = h.Get("/custom/contact/search?name=" + UrlEncode(" grace  hopper "), jwt);
  INFO(named.body);
  CHECK(named.Json().at("successful") == true);
  REQUIRE(named.Json().at("contact").as_array().size() == 1);
  CHECK(named.Json().at("contact").at(0).at("id") == 602);
  const auto by_full_name_reqs = h.fake.server().requests();
  auto* by_full_name = LastRequest(by_full_name_reqs, "GET", "/gateway/v1/contact");
  REQUIRE(by_full_name);
  CHECK(by_full_name->Query("firstName") == "grace");
  CHECK(by_full_name->Query("lastName") == "hopper");
  auto first_only = h.Get("/custom/contact/search?name=Mary", jwt);
  INFO(first_only.body);
  REQUIRE(first_only.Json().at("contact").as_array().size() == 1);
  CHECK(first_only.Json().at("contact").at(0).at("name") == "Mary Jackson");
  const auto by_name_reqs = h.fake.server().requests();
  auto* by_name = LastRequest(by_name_reqs, "GET", "/gateway/v1/contact");
  REQUIRE(by_name);
  CHECK(by_name->Query("firstName") == "Mary");
  CHECK_FALSE(by_name->Query("lastName"));

  auto made = h.Send("POST", "/contact", jwt,
                     json::object{{"phoneNumber", "+14155553333"},
                                  {"newContactName", "Cher"},
                                  {"newContactType", "contact"}});
  INFO(made.body);
  ExpectSchema("/contact", "post", made);
  CHECK(
      made.Json() ==
      json::parse(
          R"({"successful":true,"returnMessage":{"message":"Contact created in VinSolutions.","messageType":"success","ttl":2000},"contact":{"id":701,"name":"Cher"}})"));
  CHECK(h.fake.created_contacts().at(0) == json::parse(R"({
    "DealerId": 5001, "UserId": 42,
    "ContactInformation": {"FirstName": "Cher", "LastName": "Customer",
                           "Phones": [{"PhoneType": "Cell", "Number": "4155553333"}]},
    "LeadInformation": {}})"));
}

TEST_CASE("VinSolutions: call details logged, read back, updated, and already logged",
          "[vinsolutions]") {
  VinHarness h;
  const std::string jwt = h.LoginJwt();
  auto logged = h.Send("POST", "/callLog", jwt, VinCall("s1", json::object{{"leads", 9001}}));
  INFO(logged.body);
  ExpectSchema("/callLog", "post", logged);
  CHECK(
      logged.Json() ==
      json::parse(
          R"({"successful":true,"logId":"880001","returnMessage":{"message":"Call logged to VinSolutions.","messageType":"success","ttl":2000}})"));
  json::object detail = h.fake.call_detail(880001);
  const std::string transcript(detail.at("transcriptFull").as_string());
  CHECK(transcript.rfind("- Note: Asked about the trade-in\n", 0) == 0);
  detail.erase("transcriptFull");
  CHECK(detail == json::parse(R"({
    "providerName": "RingCentral", "accountId": "5001", "marketingSource": "RingCentral",
    "providerUserId": "42", "communicationType": "PHONE", "callDirection": "INBOUND",
    "fromNumber": "+14155550642", "toNumber": "+14155550005",
    "callRingStartUTC": "2026-01-02T03:04:05.000Z", "callTalkStartUTC": "2026-01-02T03:04:05.000Z",
    "callEndUTC": "2026-01-02T03:06:10.000Z", "callDurationSeconds": 125, "callResult": "SPOKE",
    "recordingHref": "", "providerReferenceId": "s1",
    "vinProperties": {"dealerId": 5001, "userId": 42, "contactId": 601, "leadId": 9001},
    "callDetailId": 880001})"));
  const auto post_reqs = h.fake.server().requests();
  auto* post = LastRequest(post_reqs, "POST", "/calldetails");
  REQUIRE(post);
  CHECK(post->Header("api_key") == Fake::kCtApiKey);
  CHECK(post->Header("content-type") == "application/vnd.coxauto.v1+json");

  auto read =
      h.Get("/callLog?sessionIds=s1&hashedExtensionId=hashed-ext-105&requireDetails=true", jwt);
  INFO(read.body);
  ExpectSchema("/callLog", "get", read);
  auto data = read.Json().at("logs").at(0).at("logData").as_object();
  CHECK(data.at("subject") == "Inbound call");
  CHECK(data.at("note") == "Asked about the trade-in");
  CHECK(data.at("contactName") == "Ada Lovelace");
  CHECK(data.at("dispositions") == json::parse(R"({"leads":9001})"));
  CHECK(data.at("fullBody") == transcript.c_str());

  // Lead and note changed; the lead travels with the user it is assigned to.
  auto updated = h.Send("PATCH", "/callLog", jwt,
                        json::object{{"sessionId", "s1"},
                                     {"hashedExtensionId", "hashed-ext-105"},
                                     {"note", "Booked a test drive"},
                                     {"additionalSubmission", json::object{{"leads", 9002}}}});
  INFO(updated.body);
  ExpectSchema("/callLog", "patch", updated);
  CHECK(updated.Json().at("returnMessage").at("message") == "Call log updated in VinSolutions.");
  detail = h.fake.call_detail(880001);
  CHECK(detail.at("vinProperties") ==
        json::parse(R"({"dealerId":5001,"userId":42,"contactId":601,"leadId":9002})"));
  CHECK(std::string(detail.at("transcriptFull").as_string()).find("- Note: Booked a test drive") !=
        std::string::npos);
  const auto patch_reqs = h.fake.server().requests();
  auto* patch = LastRequest(patch_reqs, "PATCH", "/calldetails/id/880001");
  REQUIRE(patch);
  CHECK(json::parse(patch->body).at("providerName") == "RingCentral");

  // The disposition route: VinSolutions links leads through the log form only.
  auto disp = h.Send("PUT", "/callDisposition", jwt,
                     json::object{{"sessionId", "s1"},
                                  {"hashedExtensionId", "hashed-ext-105"},
                                  {"dispositions", json::object{{"leads", 9001}}}});
  CHECK(disp.status == 400);
  CHECK(disp.body.find("upsertCallDisposition is not a function") != std::string::npos);

  // Logged by another integration before (VinSolutions answers 500 AlreadyLoggedException
  // with the first detail's Location): the call is linked to that detail, no second one.
  const int64_t earlier = h.fake.SeedCallDetail("s2");
  const size_t before = h.fake.call_detail_count();
  auto again = h.Send("POST", "/callLog", jwt, VinCall("s2"));
  INFO(again.body);
  CHECK(
      again.Json() ==
      json::parse(
          "{\"successful\":true,\"logId\":\"" + std::to_string(earlier) +
          R"(","returnMessage":{"message":"Call was already logged in VinSolutions.","messageType":"success","ttl":2000}})"));
  CHECK(h.fake.call_detail_count() == before);

  // Call Tracking down: the reference's message, nothing linked, and the retry logs it once.
  h.fake.failures().Fail("/calldetails", FakeFailure::kStatus, 503);
  auto down = h.Send("POST", "/callLog", jwt, VinCall("s3"));
  INFO(down.body);
  CHECK(
      down.Json() ==
      json::parse(
          R"({"successful":false,"returnMessage":{"message":"Failed to log call in VinSolutions. Verify provider name registration and dealer enablement.","messageType":"error","ttl":5000}})"));
  h.fake.failures().Clear();
  CHECK(h.Send("POST", "/callLog", jwt, VinCall("s3")).Json().at("successful") == true);
  CHECK(h.fake.call_detail_count() == before + 1);
  auto dup = h.Send("POST", "/callLog", jwt, VinCall("s3"));
  CHECK_THAT(std::string(dup.Json().at("returnMessage").at("message").as_string()),
             Catch::StartsWith("Existing log for session"));

  // Missed and voicemail calls map to Call Tracking's results.
  json::object missed = VinCall("s4");
  missed["logInfo"].as_object()["result"] = "Missed";
  missed["logInfo"].as_object()["duration"] = 0;
  missed["logInfo"].as_object()["direction"] = "Outbound";
  auto m = h.Send("POST", "/callLog", jwt, missed);
  REQUIRE(m.Json().at("successful") == true);
  detail = h.fake.call_detail(std::stoll(std::string(m.Json().at("logId").as_string())));
  CHECK(detail.at("callResult") == "NO_ANSWER");
  CHECK(detail.at("callDirection") == "OUTBOUND");
  CHECK(detail.at("callEndUTC") == detail.at("callTalkStartUTC"));
}

TEST_CASE("VinSolutions: message logs are notes on a lead, kept and appended", "[vinsolutions]") {
  VinHarness h;
  const std::string jwt = h.LoginJwt();
  auto sms = [](const std::string& id, const std::string& text, const std::string& dir,
                const std::string& at) { return SmsFrom("+14155550642", id, text, dir, at); };
  auto body = [](json::array messages, json::object submission) {
    return ConversationBody(std::move(messages), "+14155550642", 601, "Ada Lovelace", "contact",
                            std::move(submission));
  };
  auto first = h.Send("POST", "/messageLog", jwt,
                      body(json::array{sms("m1", "Is the blue one still there?", "Inbound",
                                           "2026-11-24T15:30:00.000Z")},
                           json::object{{"leads", 9001}}));
  INFO(first.body);
  ExpectSchema("/messageLog", "post", first);
  CHECK(first.Json().at("successful") == true);
  // The notes so far are kept. The user record carries no name (nor does the reference's), so
  // the user is not among the participants and signs outbound messages "Agent".
  CHECK(h.fake.lead(9001).at("notes") ==
        "Wants a test drive\n\n"
        "SMS conversation with Ada Lovelace - Tuesday, November 24, 2026\n"
        "Participants: Ada Lovelace\n"
        "Conversation (1 message):\n"
        "[2026-11-24 03:30 PM] Ada Lovelace (+14155550642): Is the blue one still there?\n\n"
        "--- Created via RingCentral App Connect");
  const std::string first_notes(h.fake.lead(9001).at("notes").as_string());
  const auto put_reqs = h.fake.server().requests();
  auto* put = LastRequest(put_reqs, "PUT", "/leads/id/9001");
  REQUIRE(put);
  CHECK(json::parse(put->body).at("isHot") == false);
  CHECK(put->Header("content-type") == "application/vnd.coxauto.v3+json");

  auto second = h.Send(
      "POST", "/messageLog", jwt,
      body(json::array{sms("m2", "Yes, come by at five", "Outbound", "2026-11-24T15:35:00.000Z"),
                       sms("m1", "Is the blue one still there?", "Inbound",
                           "2026-11-24T15:30:00.000Z")},
           json::object{{"leads", 9001}}));
  INFO(second.body);
  CHECK(second.Json().at("logIds") == json::array{"m2"});
  const std::string notes(h.fake.lead(9001).at("notes").as_string());
  CHECK_THAT(notes, Catch::StartsWith(std::string(first_notes)));
  CHECK(notes.substr(first_notes.size()) ==
        "\n\n[2026-11-24 03:35 PM] Agent: Yes, come by at five\n\n"
        "--- Updated via RingCentral App Connect");

  // No lead picked: a lead is made from the dealer's first source, on the contact.
  json::object vm = body(
      json::array{json::object{
          {"id", "v1"},
          {"type", "VoiceMail"},
          {"direction", "Inbound"},
          {"creationTime", "2026-11-24T16:00:00.000Z"},
          {"attachments", json::array{json::object{{"type", "AudioRecording"},
                                                   {"link", "https://app.ringcentral.test/vm/1"}}}},
          {"from", json::object{{"phoneNumber", "+14155550642"}}}}},
      json::object{});
  vm["logInfo"].as_object()["conversationLogId"] = "vm-1";
  // The note write fails after the lead was made: the retry writes to that lead, no second one.
  h.fake.failures().Fail("/leads/id/", FakeFailure::kStatus, 503);
  auto lost = h.Send("POST", "/messageLog", jwt, vm);
  INFO(lost.body);
  CHECK(lost.Json().at("logIds") == json::array());
  CHECK(h.fake.created_leads().size() == 1);
  h.fake.failures().Clear();
  auto voicemail = h.Send("POST", "/messageLog", jwt, vm);
  INFO(voicemail.body);
  CHECK(voicemail.Json().at("logIds") == json::array{"v1"});
  REQUIRE(h.fake.created_leads().size() == 1);
  CHECK(h.fake.created_leads().at(0) == json::parse(R"({
    "leadSource": "https://api.vinsolutions.com/leadSources/id/77", "leadType": "INTERNET",
    "contact": "https://api.vinsolutions.com/contacts/id/601?dealerid=5001&userid=42"})"));
  const std::string vm_notes(h.fake.lead(9101).at("notes").as_string());
  CHECK_THAT(vm_notes, Catch::StartsWith("Voicemail left by Ada Lovelace - Tuesday, November 24, "
                                         "2026\nVoicemail recording link: "));
  CHECK_THAT(vm_notes, Catch::EndsWith("\n\n--- Created via RingCentral App Connect"));

  // A shared conversation is the whole conversation each time: its earlier version on the lead
  // is replaced, and the rest of the notes (the dealer's, other conversations) stays.
  auto shared =
      body(json::array{sms("q1", "Can someone call me?", "Inbound", "2026-11-24T17:00:00.000Z")},
           json::object{{"leads", 9002}});
  shared["logInfo"].as_object()["conversationLogId"] = "q-20261124";
  shared["logInfo"].as_object()["owner"] = json::object{{"name", "Sales Queue"}};
  h.fake.SetLeadNotes(9002, "Prefers e-mail");
  auto shared_first = h.Send("POST", "/messageLog", jwt, shared);
  INFO(shared_first.body);
  CHECK(shared_first.Json().at("successful") == true);
  const std::string first_version(h.fake.lead(9002).at("notes").as_string());
  INFO(first_version);
  CHECK_THAT(first_version, Catch::StartsWith("Prefers e-mail\n\nConversation summary\n"));
  shared["logInfo"].as_object()["messages"].as_array().insert(
      shared["logInfo"].as_object()["messages"].as_array().begin(),
      sms("q2", "Calling you now", "Outbound", "2026-11-24T17:05:00.000Z"));
  auto shared_second = h.Send("POST", "/messageLog", jwt, shared);
  INFO(shared_second.body);
  CHECK(shared_second.Json().at("logIds") == json::array());  // the update of the same log
  const std::string second_version(h.fake.lead(9002).at("notes").as_string());
  INFO(second_version);
  CHECK_THAT(second_version, Catch::StartsWith("Prefers e-mail\n\nConversation summary\n"));
  // One copy of the conversation, not two.
  const auto first_summary = second_version.find("Conversation summary");
  CHECK(second_version.find("Conversation summary", first_summary + 1) == std::string::npos);

  // A lead VinSolutions does not know: the reference's message, nothing logged (the contract
  // answers successful with no log ids, as the reference does).
  json::object next_day = body(json::array{sms("m9", "hi", "Inbound", "2026-11-25T10:00:00.000Z")},
                               json::object{{"leads", 123456}});
  next_day["logInfo"].as_object()["conversationLogId"] = "c1-20261125";
  auto unknown = h.Send("POST", "/messageLog", jwt, next_day);
  INFO(unknown.body);
  CHECK(unknown.Json().at("logIds") == json::array());  // no message logged
  CHECK(unknown.Json().at("returnMessage").at("message") ==
        "Failed to log message in VinSolutions. Verify the selected lead and dealer enablement.");
}

TEST_CASE("VinSolutions: the dealer's users feed admin mapping and managed login options",
          "[vinsolutions][admin]") {
  FakeRingCentral rc;
  VinHarness h(
      {"--outbound-override", std::string(FakeRingCentral::kServer) + "=" + rc.base_url()});
  const std::string jwt = h.LoginJwt();
  auto mapped = h.PostUserMapping(jwt, {{"101", "Jane Doe"}});
  INFO(mapped.body);
  REQUIRE(mapped.status == 200);
  auto m = mapped.Json().as_array();
  REQUIRE(m.size() == 2);  // Front Desk has no e-mail address: not a user to map
  CHECK(m[0].at("crmUser").at("id") == 42);
  CHECK(m[1].at("crmUser").at("name") == "Ada Lovelace");
  CHECK(m[1].at("crmUser").at("email") == "ada@bay.test");

  // The account's admin sets the dealer for everyone; the CRM user ID offers the dealer's users.
  auto org = Request(h.port(), "POST", "/admin/managedAuth",
                     json::serialize(json::object{{"scope", "org"},
                                                  {"values", json::object{{"dealerId", "5001"}}}}),
                     {{"Authorization", "Bearer " + jwt},
                      {"Content-Type", "application/json"},
                      {"X-RC-Access-Token", FakeRingCentral::kAdminToken}});
  INFO(org.body);
  REQUIRE(org.status == 200);
  auto options = Request(
      h.port(), "POST", "/admin/managedAuth/options?platform=vinsolutions",
      json::serialize(json::object{{"fieldConst", "crmUserId"}}),
      {{"Content-Type", "application/json"}, {"X-RC-Access-Token", FakeRingCentral::kAdminToken}});
  INFO(options.body);
  ExpectSchema("/admin/managedAuth/options", "post", options);
  CHECK(options.Json() == json::parse(R"([
    {"value":"42","label":"Jane Doe + jane@bay.test"},
    {"value":"43","label":"Ada Lovelace + ada@bay.test"},
    {"value":"44","label":"Front Desk"}])"));
}

TEST_CASE("VinSolutions: the CRM failing becomes the reference's messages", "[vinsolutions]") {
  VinHarness h;
  const std::string jwt = h.LoginJwt();
  for (auto kind : {FakeFailure::kStatus, FakeFailure::kGarbage, FakeFailure::kNoAnswer}) {
    h.fake.failures().Fail("/gateway/v1/contact", kind, 500);
    auto r = h.Get("/contact?phoneNumber=%2B14155550642&overridingFormat=", jwt);
    INFO(int(kind) << " " << r.body);
    REQUIRE(r.status == 200);
    ExpectSchema("/contact", "get", r);
    CHECK(r.Json().at("successful") == false);
    CHECK(
        r.Json().at("returnMessage") ==
        json::parse(
            R"({"messageType":"warning","message":"Contact lookup failed in VinSolutions.","ttl":5000})"));
    auto n = h.Get("/custom/contact/search?name=Ada", jwt);
    CHECK(n.Json().at("returnMessage").at("message") == "Name search failed in VinSolutions.");
  }
  h.fake.failures().Clear();
  // Leads failing leave the contacts without leads rather than failing the lookup.
  h.fake.failures().Fail("/leads", FakeFailure::kStatus, 500);
  auto r = h.Get("/contact?phoneNumber=%2B14155550642&overridingFormat=", jwt);
  INFO(r.body);
  CHECK(r.Json().at("successful") == true);
  CHECK(r.Json().at("contact").at(0).at("additionalInfo").is_null());
  h.fake.failures().Clear();
  // The token endpoint down with no token kept: the lookup fails, and works once it is back.
  h.fake.RevokeTokens();
  h.fake.failures().Fail("/connect/token", FakeFailure::kStatus, 503);
  CHECK(
      h.Get("/contact?phoneNumber=%2B14155550642&overridingFormat=", jwt).Json().at("successful") ==
      false);
  h.fake.failures().Clear();
  CHECK(
      h.Get("/contact?phoneNumber=%2B14155550642&overridingFormat=", jwt).Json().at("successful") ==
      true);
}

}  // namespace crmhost::testing
