// The Pipedrive plugin end to end: crmhostd with pipedrive.so, OAuth against a fake Pipedrive
// (oauth.pipedrive.com, api.pipedrive.com and the company host all reach it through
// --outbound-override), and checks of what reached the CRM.
#include <catch2/catch.hpp>

#include <crmhost/plugin.hpp>

#include <algorithm>
#include <csignal>
#include <optional>
#include <thread>

#include "integration/crm_harness.h"
#include "support/fake_pipedrive.h"
#include "support/fake_testcrm.h"

namespace crmhost::testing {
namespace json = boost::json;

namespace {

// The manifest's redirect URI: the callback the client hands over must have its path.
constexpr const char* kRedirectUri =
    "https://unified-crm-extension.labs.ringcentral.com/pipedrive-redirect";

struct PipedriveHarness : CrmHarness {
  FakePipedrive fake;
  explicit PipedriveHarness(std::vector<std::string> extra = {}) : CrmHarness(std::move(extra)) {
    args.insert(
        args.end(),
        {"--plugin-setting", std::string("pipedrive.oauth_client_id=") + FakePipedrive::kClientId,
         "--plugin-setting",
         std::string("pipedrive.oauth_client_secret=") + FakePipedrive::kClientSecret,
         "--outbound-override", std::string(FakePipedrive::kOAuthOrigin) + "=" + fake.base_url(),
         "--outbound-override", std::string(FakePipedrive::kApiOrigin) + "=" + fake.base_url(),
         "--outbound-override",
         std::string(FakePipedrive::kCompanyOrigin) + "=" + fake.base_url()});
    Start();
  }
  // The client starts the login with hostname "temp" in the OAuth state; Pipedrive redirects to
  // the app's redirect page with the code.
  HttpResult Login(const std::string& hostname = "temp",
                   const std::string& code = FakePipedrive::kCode,
                   const std::string& extra = "") const {
    std::string state = "platform=pipedrive";
    if (!hostname.empty()) state += "&hostname=" + hostname;
    const std::string callback =
        std::string(kRedirectUri) + "?code=" + code + "&state=" + UrlEncode(state);
    return Request(port(), "GET", "/oauth-callback?callbackUri=" + UrlEncode(callback) + extra);
  }
  std::string LoginJwt() const { return JwtOf(Login()); }
};

// The last request with this method and path.
const RecordedRequest* Last(const std::vector<RecordedRequest>& reqs, const std::string& method,
                            const std::string& path) {
  for (auto it = reqs.rbegin(); it != reqs.rend(); ++it)
    if (it->method == method && it->path == path) return &*it;
  return nullptr;
}

size_t Count(const std::vector<RecordedRequest>& reqs, const std::string& method,
             const std::string& path_prefix) {
  return size_t(std::count_if(reqs.begin(), reqs.end(), [&](const RecordedRequest& r) {
    return r.method == method && r.path.rfind(path_prefix, 0) == 0;
  }));
}

std::string Str(const json::value& v) {
  return v.is_string() ? std::string(v.get_string()) : json::serialize(v);
}

json::object CallBody(const std::string& session, std::optional<json::object> submission = {},
                      int64_t contact = 101, const std::string& name = "Ada Lovelace") {
  return InboundCallBody(session, {contact, name, "+14155550642", "contact"},
                         "Asked about the engine", std::move(submission));
}

json::object Sms(const std::string& id, const std::string& text, const std::string& direction,
                 const std::string& at) {
  return json::object{{"id", id},
                      {"type", "SMS"},
                      {"direction", direction},
                      {"subject", text},
                      {"creationTime", at},
                      {"from", json::object{{"phoneNumber", "+14155550642"}}}};
}

json::object MessageBody(const std::string& conversation_log_id, json::array messages) {
  return json::object{
      {"logInfo", json::object{{"conversationId", "c1"},
                               {"conversationLogId", conversation_log_id},
                               {"messages", std::move(messages)},
                               {"correspondents",
                                json::array{json::object{{"phoneNumber", "+14155550642"}}}}}},
      {"contactId", 101},
      {"contactName", "Ada Lovelace"},
      {"contactType", "contact"}};
}

}  // namespace

TEST_CASE("Pipedrive: OAuth login, the company host, token refresh", "[pipedrive][oauth]") {
  PipedriveHarness h;
  auto r = h.Login();
  INFO(r.body);
  REQUIRE(r.status == 200);
  ExpectSchema("/oauth-callback", "get", r);
  CHECK(r.Json().at("name") == "Jane Doe");
  CHECK(r.Json().at("returnMessage").at("message") == "Connected to Pipedrive.");
  const std::string jwt(r.Json().at("jwtToken").as_string());
  CHECK(h.fake.code_calls() == 1);

  // The code grant: form-encoded, Basic client auth (the fake refuses anything else), the
  // manifest's redirect URI.
  auto reqs = h.fake.server().requests();
  const RecordedRequest* token = Last(reqs, "POST", "/oauth/token");
  REQUIRE(token);
  CHECK(token->Header("authorization") ==
        "Basic " + sdk::base64_encode(std::string(FakePipedrive::kClientId) + ":" +
                                      FakePipedrive::kClientSecret));
  CHECK(token->body.find("grant_type=authorization_code") != std::string::npos);
  CHECK(token->body.find(std::string("code=") + FakePipedrive::kCode) != std::string::npos);
  CHECK(token->body.find("redirect_uri=https%3A%2F%2Funified-crm-extension.labs.ringcentral.com"
                         "%2Fpipedrive-redirect") != std::string::npos);
  const RecordedRequest* me = Last(reqs, "GET", "/v1/users/me");
  REQUIRE(me);
  CHECK(me->Header("authorization") == "Bearer " + h.fake.access_token());

  // "temp" became the company's host (users/me company_domain), and calls go there.
  auto host = h.Get("/hostname", jwt);
  CHECK(host.status == 200);
  CHECK(host.body == FakePipedrive::kCompanyHost);
  auto found = h.Get("/contact?phoneNumber=%2B14155550642", jwt);
  CHECK(found.Json().at("successful") == true);

  // A host that is not Pipedrive's is never trusted with the token.
  auto foreign = h.Login("evil.example");
  REQUIRE(foreign.status == 200);
  CHECK(h.Get("/hostname", std::string(foreign.Json().at("jwtToken").as_string())).body ==
        FakePipedrive::kCompanyHost);

  // A token about to expire is refreshed (refresh grant, same client auth) before the lookup.
  h.fake.expires_in = 60;
  const std::string short_jwt = h.LoginJwt();
  const std::string old_access = h.fake.access_token();
  h.fake.expires_in = 3599;
  auto refreshed = h.Get("/contact?phoneNumber=%2B14155550642", short_jwt);
  INFO(refreshed.body);
  CHECK(refreshed.Json().at("successful") == true);
  CHECK(h.fake.refresh_calls() == 1);
  CHECK(h.fake.access_token() != old_access);
  reqs = h.fake.server().requests();
  const RecordedRequest* search = Last(reqs, "GET", "/api/v2/persons/search");
  REQUIRE(search);
  CHECK(search->Header("authorization") == "Bearer " + h.fake.access_token());

  // users/me refused: no JWT, the reference's warning.
  h.fake.failures().Fail("/v1/users/me", FakeFailure::kStatus, 403);
  auto refused = h.Login();
  INFO(refused.body);
  CHECK(refused.status == 200);
  CHECK(refused.Json().at("returnMessage").at("message") == "Could not load user information");
  CHECK(refused.Json().at("returnMessage").at("messageType") == "warning");
  CHECK_FALSE(refused.Json().as_object().contains("jwtToken"));
  h.fake.failures().Clear();

  // Tokens and the client secret are never logged.
  const std::string log = h.daemon->Log();
  CHECK(log.find(h.fake.access_token()) == std::string::npos);
  CHECK(log.find(h.fake.refresh_token()) == std::string::npos);
  CHECK(log.find(FakePipedrive::kClientSecret) == std::string::npos);
}

TEST_CASE("Pipedrive: persons by phone and name with their deals and leads, new persons",
          "[pipedrive]") {
  PipedriveHarness h;
  const std::string jwt = h.LoginJwt();

  // One match: the person, their open deal (not the won one), their lead, the placeholder.
  auto one = h.Get("/contact?phoneNumber=%2B14155550642", jwt);
  INFO(one.body);
  ExpectSchema("/contact", "get", one);
  auto contacts = one.Json().at("contact").as_array();
  REQUIRE(contacts.size() == 2);
  CHECK(contacts[0].at("id") == 101);
  CHECK(contacts[0].at("name") == "Ada Lovelace");
  CHECK(contacts[0].at("phone") == "+14155550642");
  CHECK(contacts[0].at("organization") == "Analytical Engines Ltd");
  CHECK(contacts[0].at("type") == "contact");
  CHECK(contacts[0].at("createdDate") == "2025-01-02T03:04:05Z");
  CHECK(contacts[0].at("additionalInfo") ==
        json::parse(std::string(R"({"deals":[{"const":501,"title":"Difference Engine deal"}],)") +
                    R"("leads":[{"const":")" + FakePipedrive::kLeadId +
                    R"(","title":"Engine lead"}]})"));
  CHECK(contacts[1] == json::parse(R"({"id":"createNewContact","name":"Create new contact...",)"
                                   R"("isNewContact":true})"));
  auto reqs = h.fake.server().requests();
  const RecordedRequest* search = Last(reqs, "GET", "/api/v2/persons/search");
  REQUIRE(search);
  CHECK(search->Query("term") == "4155550642");  // the national number
  CHECK(search->Query("fields") == "phone");
  const RecordedRequest* deals = Last(reqs, "GET", "/api/v2/deals");
  REQUIRE(deals);
  CHECK(deals->target == "/api/v2/deals?person_id=101&&status=open");
  CHECK(Last(reqs, "GET", "/v1/leads")->target == "/v1/leads?person_id=101");

  // Two matches: one without deals, leads or organisation; one whose leads Pipedrive refuses.
  auto two = h.Get("/contact?phoneNumber=%2B14155550000", jwt);
  INFO(two.body);
  ExpectSchema("/contact", "get", two);
  contacts = two.Json().at("contact").as_array();
  REQUIRE(contacts.size() == 3);
  CHECK(contacts[0].at("name") == "Alan Turing");
  CHECK(contacts[0].at("organization") == "");
  CHECK(contacts[0].at("additionalInfo") == json::object());
  CHECK(contacts[1].at("name") == "Grace Hopper");
  CHECK(contacts[1].at("organization") == "Harvard Computation Lab");
  CHECK(contacts[1].at("additionalInfo") == json::object());
  CHECK(contacts[2].at("isNewContact") == true);

  // None: the placeholder only, and the contract's "not found".
  auto none = h.Get("/contact?phoneNumber=%2B14155559999", jwt);
  ExpectSchema("/contact", "get", none);
  CHECK(none.Json().at("contact").as_array().size() == 1);
  CHECK(none.Json().at("returnMessage").at("message") == "Contact not found");

  // An extension number is not looked up.
  const size_t searches = h.fake.server().count("GET", "/api/v2/persons/search");
  auto extension = h.Get("/contact?phoneNumber=101", jwt);
  INFO(extension.body);
  CHECK(extension.Json().at("returnMessage").at("message") ==
        "Logging against internal extension number is not supported.");
  CHECK(h.fake.server().count("GET", "/api/v2/persons/search") == searches);

  // By name: no phone, no placeholder.
  auto by_name = h.Get("/custom/contact/search?name=Ada%20Lovelace", jwt);
  INFO(by_name.body);
  ExpectSchema("/custom/contact/search", "get", by_name);
  contacts = by_name.Json().at("contact").as_array();
  REQUIRE(contacts.size() == 1);
  CHECK(contacts[0].at("id") == 101);
  CHECK_FALSE(contacts[0].as_object().contains("phone"));
  CHECK(contacts[0].at("additionalInfo").at("deals").at(0).at("const") == 501);
  reqs = h.fake.server().requests();
  CHECK(Last(reqs, "GET", "/api/v2/persons/search")->Query("term") == "Ada Lovelace");
  CHECK(Last(reqs, "GET", "/api/v2/persons/search")->Query("fields") == "name");
  auto nobody = h.Get("/custom/contact/search?name=Nobody", jwt);
  CHECK(nobody.Json().at("contact").as_array().empty());
  CHECK(nobody.Json().at("returnMessage").at("message") == "No contact found with name Nobody ");

  // A new person: {name, phone} as given, then found by phone.
  auto made = h.Send("POST", "/contact", jwt,
                     json::object{{"phoneNumber", "+14155550123"},
                                  {"newContactName", "Katherine Johnson"},
                                  {"newContactType", "contact"}});
  INFO(made.body);
  ExpectSchema("/contact", "post", made);
  CHECK(made.Json().at("contact") == json::parse(R"({"id":104,"name":"Katherine Johnson"})"));
  CHECK(made.Json().at("returnMessage").at("message") == "Contact created.");
  CHECK(h.fake.created_persons() ==
        json::parse(R"([{"name":"Katherine Johnson","phone":"+14155550123"}])"));
  auto again = h.Get("/contact?phoneNumber=%2B14155550123", jwt);
  CHECK(again.Json().at("contact").at(0).at("id") == 104);
}

// Pipedrive searches an invalid number as given and a valid one by its national significant
// number, as the reference does; validity is libphonenumber's (issue 14).
TEST_CASE("Pipedrive: invalid numbers are searched as given, valid ones by national number",
          "[pipedrive][phone]") {
  PipedriveHarness h;
  const std::string jwt = h.LoginJwt();
  for (const char* number : {"+44207183875", "+861380013800", "+49151123"}) {
    INFO(number);
    auto r = h.Get("/contact?phoneNumber=" + UrlEncode(number), jwt);
    CHECK(r.status == 200);
    auto reqs = h.fake.server().requests();
    const RecordedRequest* search = Last(reqs, "GET", "/api/v2/persons/search");
    REQUIRE(search);
    CHECK(search->Query("term") == number);
  }
  (void)h.Get("/contact?phoneNumber=%2B442071838750", jwt);
  auto reqs = h.fake.server().requests();
  CHECK(Last(reqs, "GET", "/api/v2/persons/search")->Query("term") == "2071838750");
}

TEST_CASE("Pipedrive: call logs are activities, read back, updated and re-linked", "[pipedrive]") {
  PipedriveHarness h;
  const std::string jwt = h.LoginJwt();

  auto logged = h.Send("POST", "/callLog", jwt, CallBody("s1", json::object{{"deals", 501}}));
  INFO(logged.body);
  ExpectSchema("/callLog", "post", logged);
  REQUIRE(logged.Json().at("successful") == true);
  CHECK(logged.Json().at("logId") == 7001);
  CHECK(logged.Json().at("returnMessage").at("message") == "Call logged");
  json::object posted = h.fake.activity(7001).at("posted").as_object();
  CHECK(posted.at("subject") == "Inbound Call from Ada Lovelace");
  CHECK(posted.at("type") == "call");  // "Legacy call" is inactive
  CHECK(posted.at("duration") == "00:03");
  CHECK(posted.at("deal_id") == 501);
  CHECK_FALSE(posted.contains("lead_id"));
  CHECK(posted.at("org_id") == 301);
  CHECK(posted.at("owner_id") == FakePipedrive::kUserId);
  CHECK(posted.at("done") == true);
  CHECK(posted.at("due_date") == "2026-01-02");
  CHECK(posted.at("due_time") == "03:04");
  CHECK(posted.at("participants") == json::parse(R"([{"person_id":101,"primary":true}])"));
  const std::string note = Str(posted.at("note"));
  CHECK(note.rfind("<b>Agent notes</b><br>Asked about the engine<br><br><b>Call details</b><br>",
                   0) == 0);
  CHECK(note.find("<li><b>Duration</b>: 2 minutes, 5 seconds</li>") != std::string::npos);
  auto reqs = h.fake.server().requests();
  CHECK(Last(reqs, "GET", "/api/v2/persons/101"));
  CHECK(Last(reqs, "POST", "/api/v2/activities")->Header("authorization") ==
        "Bearer " + h.fake.access_token());

  // A lead without a deal; no submission at all sends the reference's empty deal_id.
  REQUIRE(h.Send("POST", "/callLog", jwt,
                 CallBody("s2", json::object{{"leads", FakePipedrive::kLeadId}}))
              .Json()
              .at("successful") == true);
  posted = h.fake.activity(7002).at("posted").as_object();
  CHECK_FALSE(posted.contains("deal_id"));
  CHECK(posted.at("lead_id") == FakePipedrive::kLeadId);
  REQUIRE(h.Send("POST", "/callLog", jwt, CallBody("s3", std::nullopt, 102, "Alan Turing"))
              .Json()
              .at("successful") == true);
  posted = h.fake.activity(7003).at("posted").as_object();
  CHECK(posted.at("deal_id") == "");
  CHECK_FALSE(posted.contains("lead_id"));
  CHECK_FALSE(posted.contains("org_id"));  // Alan has no organisation
  CHECK(posted.at("subject") == "Inbound Call from Alan Turing");

  // Read back: the agent's note out of the HTML, the person's name, deal and lead.
  auto read =
      h.Get("/callLog?sessionIds=s1&hashedExtensionId=hashed-ext-105&requireDetails=true", jwt);
  INFO(read.body);
  ExpectSchema("/callLog", "get", read);
  auto data = read.Json().at("logs").at(0).at("logData").as_object();
  CHECK(data.at("note") == "Asked about the engine");
  CHECK(data.at("contactName") == "Ada Lovelace");
  CHECK(data.at("subject") == "Inbound Call from Ada Lovelace");
  CHECK(data.at("dispositions") == json::parse(R"({"deals":501,"leads":null})"));

  // An update: a line typed in Pipedrive survives; note, recording link, AI note and duration
  // arrive; the deal and type stay.
  h.fake.SetActivityNote(7001, note + "<br>Called back from the desk phone");
  auto updated = h.Send("PATCH", "/callLog", jwt,
                        json::object{{"sessionId", "s1"},
                                     {"hashedExtensionId", "hashed-ext-105"},
                                     {"note", "Wants a quote"},
                                     {"recordingLink", "https://recordings.example.test/s1.wav"},
                                     {"aiNote", "Customer asked for pricing"},
                                     {"duration", 3700}});
  INFO(updated.body);
  ExpectSchema("/callLog", "patch", updated);
  CHECK(updated.Json().at("successful") == true);
  CHECK(updated.Json().at("returnMessage").at("message") == "Call log updated.");
  auto a = h.fake.activity(7001);
  CHECK(a.at("patch_count") == 1);
  const std::string after = Str(a.at("note"));
  CHECK(Str(updated.Json().at("updatedNote")) == after);
  CHECK(after.rfind("<b>Agent notes</b><br>Wants a quote<br><br><b>Call details</b>", 0) == 0);
  CHECK(after.find("https://recordings.example.test/s1.wav") != std::string::npos);
  CHECK(after.find("Customer asked for pricing") != std::string::npos);
  CHECK(after.find("Called back from the desk phone") != std::string::npos);
  CHECK(a.at("duration") == "01:02");
  CHECK(a.at("deal_id") == 501);
  CHECK(a.at("type") == "call");
  CHECK(a.at("subject") == "Inbound Call from Ada Lovelace");
  CHECK(h.fake.activity_count() == 3);
  auto reread =
      h.Get("/callLog?sessionIds=s1&hashedExtensionId=hashed-ext-105&requireDetails=true", jwt);
  CHECK(reread.Json().at("logs").at(0).at("logData").at("note") == "Wants a quote");

  // Dispositions: a lead clears the deal, a deal clears the lead, nothing changes nothing.
  auto disp = [&](json::object d) {
    return h.Send("PUT", "/callDisposition", jwt,
                  json::object{{"sessionId", "s1"},
                               {"hashedExtensionId", "hashed-ext-105"},
                               {"dispositions", std::move(d)}});
  };
  auto to_lead = disp(json::object{{"leads", FakePipedrive::kLeadId}});
  INFO(to_lead.body);
  ExpectSchema("/callDisposition", "put", to_lead);
  CHECK(to_lead.Json().at("successful") == true);
  a = h.fake.activity(7001);
  CHECK(a.at("lead_id") == FakePipedrive::kLeadId);
  CHECK(a.at("deal_id").is_null());
  CHECK(disp(json::object{{"deals", 501}, {"leads", FakePipedrive::kLeadId}})
            .Json()
            .at("successful") == true);
  a = h.fake.activity(7001);
  CHECK(a.at("deal_id") == 501);
  CHECK(a.at("lead_id").is_null());
  const int64_t patches = a.at("patch_count").as_int64();
  CHECK(disp(json::object{}).Json().at("successful") == false);
  CHECK(h.fake.activity(7001).at("patch_count") == patches);

  // The activity type from the user's settings, and a custom subject.
  auto set =
      h.Send("POST", "/user/settings", jwt,
             json::object{{"userSettings", json::object{{"pipedriveCallActivityType",
                                                         json::object{{"value", "meeting"}}}}}});
  REQUIRE(set.status == 200);
  json::object custom = CallBody("s4", json::object{{"deals", 501}});
  custom["logInfo"].as_object()["customSubject"] = "Quarterly review";
  REQUIRE(h.Send("POST", "/callLog", jwt, custom).Json().at("successful") == true);
  posted = h.fake.activity(7004).at("posted").as_object();
  CHECK(posted.at("type") == "meeting");
  CHECK(posted.at("subject") == "Quarterly review");

  // Activity types come from Pipedrive once a day, not once per log.
  CHECK(h.fake.server().count("GET", "/v1/activityTypes") == 1);
  // Account data belongs to a RingCentral account: without one the reference refuses it.
  auto unowned = h.Get("/accountData?keys=activityTypes", jwt);
  CHECK(unowned.status == 400);
  CHECK(unowned.body ==
        R"({"error":"Cannot resolve account data 'activityTypes': user has no rcAccountId"})");
  const std::string owned =
      CrmHarness::JwtOf(h.Login("temp", FakePipedrive::kCode, "&rcAccountId=3001"));
  auto types = h.Get("/accountData?keys=activityTypes", owned);
  INFO(types.body);
  ExpectSchema("/accountData", "get", types);
  CHECK(types.Json().at("data").at("activityTypes") ==
        json::parse(R"([{"const":"call","title":"Call"},{"const":"meeting","title":"Meeting"},)"
                    R"({"const":"sms","title":"SMS"}])"));
}

TEST_CASE("Pipedrive: message logs grow one activity per conversation", "[pipedrive]") {
  PipedriveHarness h;
  const std::string jwt = h.LoginJwt();
  auto first =
      h.Send("POST", "/messageLog", jwt,
             MessageBody("c1-20261124",
                         json::array{Sms("m1", "Hello", "Inbound", "2026-11-24T15:30:00.000Z")}));
  INFO(first.body);
  ExpectSchema("/messageLog", "post", first);
  CHECK(first.Json().at("logIds") == json::array{"m1"});
  CHECK(first.Json().at("returnMessage").at("message") == "Message logged");
  REQUIRE(h.fake.activity_count() == 1);
  json::object posted = h.fake.activity(7001).at("posted").as_object();
  // Dates in the user's offset (users/me: -05:00); due date and time in UTC.
  CHECK(posted.at("subject") == "SMS conversation with Ada Lovelace - 26/11/24");
  CHECK(posted.at("type") == "sms");
  CHECK(posted.at("deal_id") == "");
  CHECK(posted.at("org_id") == 301);
  CHECK(posted.at("owner_id") == FakePipedrive::kUserId);
  CHECK(posted.at("due_date") == "2026-11-24");
  CHECK(posted.at("due_time") == "15:30");
  CHECK_FALSE(posted.contains("duration"));
  CHECK(posted.at("note") ==
        "<br><b>SMS conversation with Ada Lovelace - 26/11/24</b><br><b>Conversation summary</b>"
        "<br>Tuesday, November 24, 2026<br>Participants<br><ul><li><b>Jane Doe</b><br></li>"
        "<li><b>Ada Lovelace</b></li></ul><br>Conversation(1 messages)<br>BEGIN<br>------------"
        "<br><ul><li>Ada Lovelace (+14155550642) 10:30 AM<br><b>Hello</b></li></ul>------------"
        "<br>END<br><br>--- Created via RingCentral App Connect");

  // The next message of the conversation is appended to the same activity and counted.
  auto second =
      h.Send("POST", "/messageLog", jwt,
             MessageBody("c1-20261124",
                         json::array{Sms("m2", "Hi Ada, your messages arrived", "Outbound",
                                         "2026-11-24T15:35:00.000Z"),
                                     Sms("m1", "Hello", "Inbound", "2026-11-24T15:30:00.000Z")}));
  INFO(second.body);
  // Whole: the append was the last operation and gave no returnMessage, so the answer has
  // none (the reference's loop overwrites it with the append's undefined).
  CHECK(second.Json() == json::parse(R"({"successful":true,"logIds":["m2"]})"));
  CHECK(h.fake.activity_count() == 1);
  auto a = h.fake.activity(7001);
  CHECK(a.at("patch_count") == 1);
  const std::string note = Str(a.at("note"));
  CHECK(note.find("<br>Conversation(2 messages)<br>BEGIN") != std::string::npos);
  CHECK(note.find("<li>Ada Lovelace (+14155550642) 10:30 AM<br><b>Hello</b></li>"
                  "<li>Jane Doe 10:35 AM<br><b>Hi Ada, your messages arrived</b></li></ul>"
                  "------------<br>END") != std::string::npos);
  CHECK(note.find("<b>SMS conversation with Ada Lovelace - 26/11/24</b>") != std::string::npos);
  CHECK(a.at("type") == "sms");

  // A third message: the count follows what the note holds.
  auto third =
      h.Send("POST", "/messageLog", jwt,
             MessageBody("c1-20261124",
                         json::array{Sms("m3", "Thanks", "Inbound", "2026-11-24T15:40:00.000Z")}));
  CHECK(third.Json().at("logIds") == json::array{"m3"});
  CHECK(Str(h.fake.activity(7001).at("note")).find("Conversation(3 messages)") !=
        std::string::npos);
  CHECK(h.fake.activity_count() == 1);

  // A voicemail is its own activity with the recording link.
  json::object vm = MessageBody(
      "vm-1", json::array{json::object{
                  {"id", "v1"},
                  {"type", "VoiceMail"},
                  {"direction", "Inbound"},
                  {"creationTime", "2026-11-24T16:00:00.000Z"},
                  {"from", json::object{{"phoneNumber", "+14155550642"}}},
                  {"attachments",
                   json::array{json::object{{"type", "AudioRecording"},
                                            {"uri", "https://media.ringcentral.test/vm/1/content"},
                                            {"link", "https://app.ringcentral.test/vm/1"}}}}}});
  auto voicemail = h.Send("POST", "/messageLog", jwt, vm);
  INFO(voicemail.body);
  CHECK(voicemail.Json().at("logIds") == json::array{"v1"});
  REQUIRE(h.fake.activity_count() == 2);
  posted = h.fake.activity(7002).at("posted").as_object();
  CHECK(posted.at("subject") == "Voicemail left by Ada Lovelace - 26/11/24");
  CHECK(posted.at("note") ==
        "<br><b>Voicemail left by Ada Lovelace - 26/11/24</b><br>Voicemail recording link: "
        "https://app.ringcentral.test/vm/1 <br><br>--- Created via RingCentral App Connect");
}

TEST_CASE("Pipedrive: company users feed admin user mapping", "[pipedrive][admin]") {
  FakeRingCentral rc;
  PipedriveHarness h(
      {"--outbound-override", std::string(FakeRingCentral::kServer) + "=" + rc.base_url()});
  const std::string jwt = h.LoginJwt();
  auto mapped = h.PostUserMapping(jwt, {{"101", "Jane Doe"}});
  INFO(mapped.body);
  REQUIRE(mapped.status == 200);
  auto m = mapped.Json().as_array();
  REQUIRE(m.size() == 2);  // the deleted user is left out
  CHECK(m[0].at("crmUser").at("id") == FakePipedrive::kUserId);
  CHECK(m[0].at("crmUser").at("email") == "jane@testcompany.example");
  CHECK(m[0].at("rcUser").at(0).at("extensionId") == "101");
  CHECK(m[1].at("crmUser").at("name") == "Ada Admin");
  CHECK(m[1].at("rcUser").as_array().empty());
}

TEST_CASE("Pipedrive: the account admin's activity type and user mappings apply to logs",
          "[pipedrive][admin]") {
  FakeRingCentral rc;
  PipedriveHarness h(
      {"--outbound-override", std::string(FakeRingCentral::kServer) + "=" + rc.base_url()});
  // The user belongs to RingCentral account 3001, whose admin configures the CRM.
  const std::string callback = std::string(kRedirectUri) + "?code=" + FakePipedrive::kCode +
                               "&state=" + UrlEncode("platform=pipedrive&hostname=temp");
  const std::string jwt = CrmHarness::JwtOf(Request(
      h.port(), "GET", "/oauth-callback?rcAccountId=3001&callbackUri=" + UrlEncode(callback)));
  const std::vector<std::pair<std::string, std::string>> admin{
      {"Authorization", "Bearer " + jwt},
      {"Content-Type", "application/json"},
      {"X-RC-Access-Token", FakeRingCentral::kAdminToken}};
  auto saved = Request(
      h.port(), "POST", "/admin/settings",
      json::serialize(json::object{
          {"adminSettings",
           json::object{{"userSettings", json::object{{"pipedriveCallActivityType",
                                                       json::object{{"value", "meeting"}}}}}}}}),
      admin);
  REQUIRE(saved.status == 200);
  auto mapped = Request(
      h.port(), "POST", "/admin/userMapping",
      json::serialize(json::object{
          {"rcExtensionList", json::array{json::object{{"id", "102"}, {"name", "Ada Admin"}}}}}),
      admin);
  REQUIRE(mapped.status == 200);

  // Server-side logging assigns the call to extension 102: its mapped Pipedrive user owns it,
  // with the admin's activity type.
  auto logged = h.Send(
      "POST", "/callLog", jwt,
      CallBody("adm", json::object{{"isAssignedToUser", true}, {"adminAssignedUserRcId", "102"}}));
  INFO(logged.body);
  REQUIRE(logged.Json().at("successful") == true);
  auto posted = h.fake.activity(logged.Json().at("logId").to_number<int64_t>()).at("posted");
  CHECK(posted.at("type") == "meeting");
  CHECK(posted.at("owner_id") == 12346);
}

TEST_CASE("Pipedrive: logout revokes both tokens", "[pipedrive][oauth]") {
  PipedriveHarness h;
  const std::string jwt = h.LoginJwt();
  const std::string access = h.fake.access_token();
  const std::string refresh = h.fake.refresh_token();

  // Pipedrive refusing the revocation: the user stays logged in and can try again.
  h.fake.failures().Fail("/oauth/revoke", FakeFailure::kStatus, 500);
  auto refused = h.Send("POST", "/unAuthorize", jwt, json::object());
  INFO(refused.body);
  CHECK(refused.status == 400);
  h.fake.failures().Clear();
  CHECK(h.Get("/contact?phoneNumber=%2B14155550642", jwt).Json().at("successful") == true);

  auto out = h.Send("POST", "/unAuthorize", jwt, json::object());
  INFO(out.body);
  REQUIRE(out.status == 200);
  ExpectSchema("/unAuthorize", "post", out);
  CHECK(out.Json().at("message") == "Logged out of Pipedrive");
  CHECK(h.fake.revoked() == std::vector<std::string>{refresh, access});
  auto reqs = h.fake.server().requests();
  const RecordedRequest* revoke = Last(reqs, "POST", "/oauth/revoke");
  REQUIRE(revoke);
  CHECK(revoke->Header("content-type").value_or("").rfind("application/x-www-form-urlencoded", 0) ==
        0);
  CHECK(revoke->body == "token=" + access);

  // Logged out: nothing reaches Pipedrive any more.
  const size_t searches = h.fake.server().count("GET", "/api/v2/persons/search");
  auto after = h.Get("/contact?phoneNumber=%2B14155550642", jwt);
  INFO(after.body);
  CHECK(after.Json().at("successful") == false);
  CHECK(h.fake.server().count("GET", "/api/v2/persons/search") == searches);
}

TEST_CASE("Pipedrive: the CRM failing becomes the contract's returnMessage", "[pipedrive]") {
  PipedriveHarness h;
  const std::string jwt = h.LoginJwt();
  ExpectLookupFailuresReported(h, h.fake.failures(), "/api/v2/persons/search",
                               "/contact?phoneNumber=%2B14155550642", jwt);
  // Deals failing fails the lookup (as in the reference); leads failing does not.
  h.fake.failures().Fail("/v1/leads", FakeFailure::kStatus, 500);
  auto no_leads = h.Get("/contact?phoneNumber=%2B14155550642", jwt);
  INFO(no_leads.body);
  CHECK(no_leads.Json().at("successful") == true);
  CHECK_FALSE(
      no_leads.Json().at("contact").at(0).at("additionalInfo").as_object().contains("leads"));
  h.fake.failures().Clear();
  h.fake.failures().Fail("/api/v2/deals", FakeFailure::kStatus, 500);
  auto no_deals = h.Get("/contact?phoneNumber=%2B14155550642", jwt);
  CHECK(no_deals.Json().at("successful") == false);
  CHECK(no_deals.Json().at("returnMessage").at("message") == "Error finding contact");
  h.fake.failures().Clear();

  // Creating the activity fails: the contract's message, and the retry logs the call once.
  ExpectCallLogRetriedOnce(h, h.fake.failures(), "/api/v2/activities",
                           CallBody("down", json::object{{"deals", 501}}), jwt,
                           [&] { return h.fake.activity_count(); });
  CHECK(Count(h.fake.server().requests(), "POST", "/api/v2/activities") == 2);
}

TEST_CASE("Pipedrive: no active activity type refuses the log", "[pipedrive]") {
  PipedriveHarness h;
  const std::string jwt = h.LoginJwt();
  h.fake.SetActivityTypeActive("sms", false);
  auto body = MessageBody("c9-20261124",
                          json::array{Sms("n1", "Hello", "Inbound", "2026-11-24T15:30:00.000Z")});
  auto refused = h.Send("POST", "/messageLog", jwt, body);
  INFO(refused.body);
  CHECK(refused.Json().at("logIds").as_array().empty());
  CHECK(refused.Json().at("returnMessage").at("messageType") == "error");
  CHECK(refused.Json().at("returnMessage").at("message") ==
        "Message logging requires an active activity type containing the word \"sms\" (case "
        "insensitive), or one explicitly assigned by an admin under Admin > Account settings.");
  CHECK(h.fake.activity_count() == 0);
  // Activated in Pipedrive: the next message finds it (the cache is refreshed on a miss).
  h.fake.SetActivityTypeActive("sms", true);
  auto logged = h.Send("POST", "/messageLog", jwt, body);
  INFO(logged.body);
  CHECK(logged.Json().at("logIds") == json::array{"n1"});
  CHECK(h.fake.activity(7001).at("type") == "sms");
}

}  // namespace crmhost::testing

namespace crmhost::testing {

TEST_CASE("Pipedrive: the redirect page and the uninstall webhook", "[pipedrive][oauth]") {
  PipedriveHarness h;
  auto install = Request(h.port(), "GET", "/pipedrive-redirect");
  CHECK(install.status == 200);
  CHECK(install.Header("content-type").value_or("").rfind("text/html", 0) == 0);
  CHECK(install.body.find("Thank you for installing") != std::string::npos);
  auto with_code = Request(h.port(), "GET", "/pipedrive-redirect?code=abc");
  CHECK(with_code.body.find("RingCentral Extension for Pipedrive") != std::string::npos);

  const std::string jwt = h.LoginJwt();
  const std::string access = h.fake.access_token();
  const std::string basic = "Basic " + sdk::base64_encode(std::string(FakePipedrive::kClientId) +
                                                          ":" + FakePipedrive::kClientSecret);
  auto uninstall = [&](const std::string& auth, const std::string& body) {
    std::vector<std::pair<std::string, std::string>> headers{{"Content-Type", "application/json"}};
    if (!auth.empty()) headers.emplace_back("Authorization", auth);
    return Request(h.port(), "DELETE", "/pipedrive-redirect", body, headers);
  };
  auto anonymous = uninstall("", R"({"user_id":12345})");
  CHECK(anonymous.status == 401);
  CHECK(anonymous.body == "Unauthorized");
  CHECK(uninstall("Basic " + sdk::base64_encode("pd-client-5d4736e3:wrong"), R"({"user_id":12345})")
            .status == 401);
  auto missing = uninstall(basic, R"({"company_id":1})");
  CHECK(missing.status == 400);
  CHECK(missing.body == "Missing user_id");
  CHECK(h.Get("/hostname", jwt).status == 200);  // nothing deleted so far

  // Pipedrive's numeric user id: the user is logged out (tokens revoked) and deleted.
  auto deleted = uninstall(basic, R"({"user_id":12345,"company_id":1})");
  INFO(deleted.body);
  CHECK(deleted.status == 200);
  CHECK(deleted.body == "User deleted");
  auto revoked = h.fake.revoked();
  CHECK(std::find(revoked.begin(), revoked.end(), access) != revoked.end());
  auto gone = h.Get("/hostname", jwt);
  CHECK(gone.status == 400);
  CHECK(gone.body == "User not found");
  // An unknown user is acknowledged too, so Pipedrive stops retrying.
  CHECK(uninstall(basic, R"({"user_id":99999})").body == "User deleted");
}

}  // namespace crmhost::testing

namespace crmhost::testing {

TEST_CASE("exactly once across kill -9: Pipedrive activities of retried calls are not duplicated",
          "[crash][pipedrive]") {
  constexpr int kCalls = 30;
  PipedriveHarness h;
  const std::string jwt = h.LoginJwt();
  const std::string target = "/callLog?jwtToken=" + UrlEncode(jwt);
  auto call = [](int i) {
    json::object body = InboundCallBody("pd-crash-" + std::to_string(i),
                                        {101, "Ada Lovelace", "+14155550642", "contact"},
                                        "Asked about the engine", std::nullopt);
    body["logInfo"].as_object()["startTime"] = int64_t(1767323045000) + int64_t(i) * 60000;
    return body;
  };
  // Pipedrive stores each activity at once but answers late: the kill lands between the CRM's
  // create and crmhostd's link.
  h.fake.failures().Delay("/api/v2/activities", 1500);
  std::vector<HttpResult> first(kCalls);
  std::vector<std::thread> clients;
  for (int i = 0; i < kCalls; ++i)
    clients.emplace_back(
        [&, i] { first[size_t(i)] = Request(h.port(), "POST", target, json::serialize(call(i))); });
  for (int i = 0; i < 400 && h.fake.activity_count() < size_t(kCalls); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  REQUIRE(h.fake.activity_count() == size_t(kCalls));
  h.daemon->Stop(SIGKILL);
  for (auto& c : clients)
    c.join();
  for (auto& r : first)
    CHECK(r.status == 0);  // none was acknowledged: all died in flight

  h.fake.failures().Clear();
  h.Start();
  for (int i = 0; i < kCalls; ++i) {
    auto r = Request(h.port(), "POST", target, json::serialize(call(i)));
    INFO("call " << i << ": " << r.body);
    REQUIRE(r.status == 200);
    CHECK(r.body.find("\"successful\":true") != std::string::npos);
  }
  CHECK(h.fake.activity_count() == size_t(kCalls));  // reconciled, not created again
  for (int i = 0; i < kCalls; ++i) {
    auto g = Request(
        h.port(), "GET",
        "/callLog?jwtToken=" + UrlEncode(jwt) + "&sessionIds=pd-crash-" + std::to_string(i));
    CHECK(g.Json().at("logs").at(0).at("matched") == true);
  }
}

}  // namespace crmhost::testing
