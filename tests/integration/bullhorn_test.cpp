// The Bullhorn plugin end to end: crmhostd with bullhorn.so, Bullhorn's OAuth, REST login and
// REST hosts of one data center faked on 127.0.0.1 through --outbound-override, and what reached
// Bullhorn checked field by field.
#include <catch2/catch.hpp>

#include "integration/bullhorn_harness.h"
#include "support/fake_testcrm.h"

namespace crmhost::testing {
namespace json = boost::json;

namespace {

size_t Count(FakeHttpServer& s, std::string_view method, std::string_view path_prefix) {
  size_t n = 0;
  for (auto& r : s.requests())
    n += r.method == method && r.path.rfind(path_prefix, 0) == 0;
  return n;
}

}  // namespace

TEST_CASE("Bullhorn: OAuth login per data center opens a REST session, foreign hosts refused",
          "[bullhorn]") {
  BullhornHarness h;
  auto login = h.Login();
  INFO(login.body);
  const std::string jwt = CrmHarness::JwtOf(login);
  CHECK(login.Json().at("name") == "Jane Recruiter");
  CHECK(login.Json().at("returnMessage").at("message") == "Connected to Bullhorn.");
  CHECK(h.bh.logins() == 1);
  // The code went to the data center's token URL with the client in the query, without Basic.
  bool exchanged = false;
  for (auto& r : h.bh.server().requests())
    if (r.path == "/oauth/token") {
      exchanged = true;
      CHECK(r.Query("grant_type") == std::optional<std::string>("authorization_code"));
      CHECK(r.Query("client_secret") == std::optional<std::string>(FakeBullhorn::kClientSecret));
      CHECK(!r.Header("authorization"));
    }
  CHECK(exchanged);
  // The session works: a lookup answers without another login.
  auto found = h.Get("/contact?phoneNumber=%2B14155550100", jwt);
  INFO(found.body);
  CHECK(found.Json().at("successful") == true);
  CHECK(h.bh.logins() == 1);

  // A token URL or REST login host that is not Bullhorn's never sees the code or the token.
  h.bh.server().clear();
  auto foreign_token = h.Login("https://auth.attacker.example/oauth/token");
  INFO(foreign_token.body);
  CHECK(foreign_token.Json().at("returnMessage").at("message") ==
        "Bullhorn's token URL must be an https address on bullhornstaffing.com.");
  auto foreign_api =
      h.Login(FakeBullhorn::kTokenUrl, "https://rest.attacker.example/rest-services");
  INFO(foreign_api.body);
  CHECK(foreign_api.Json().at("returnMessage").at("message") == "Could not load user information");
  CHECK(Count(h.bh.server(), "POST", "/rest-services/login") == 0);

  // /crmManifest lists the embedded entry with this deployment's OAuth client, without the
  // plugin's egress allowlist.
  auto manifest = Request(h.port(), "GET", "/crmManifest?platformName=bullhorn");
  const json::value entry = manifest.Json().at("platforms").at("bullhorn");
  CHECK(entry.at("auth").at("oauth").at("clientId") == FakeBullhorn::kClientId);
  CHECK(entry.at("serverSideLogging").at("additionalFields").as_array().size() == 3);
  CHECK(!entry.as_object().contains("x-crmhost-egress"));

  auto out = h.Send("POST", "/unAuthorize", jwt, json::object{});
  INFO(out.body);
  CHECK(out.status == 200);
  CHECK(out.Json().at("message") == "Logged out of Bullhorn");
  CHECK(h.daemon->Log().find(FakeBullhorn::kClientSecret) == std::string::npos);
}

TEST_CASE("Bullhorn: contacts by phone across three entities, by name, and new ones of each type",
          "[bullhorn]") {
  BullhornHarness h;
  const std::string jwt = h.LoginJwt();
  auto one = h.Get("/contact?phoneNumber=%2B14155550100", jwt);
  INFO(one.body);
  ExpectSchema("/contact", "get", one);
  const json::value note_actions = json::parse(
      R"([{"const":"Left Message","title":"Left Message"},{"const":"Outbound Call","title":"Outbound Call"},)"
      R"({"const":"Inbound Call","title":"Inbound Call"}])");
  // The archived contact and the converted lead with the same number stay hidden.
  CHECK(one.Json().at("contact") ==
        json::array{json::object{{"id", 5001},
                                 {"name", "Ada Lovelace"},
                                 {"phone", "4155550100"},
                                 {"type", "Contact"},
                                 {"createdDate", 1700000005001},
                                 {"mostRecentActivityDate", 1720000005001},
                                 {"additionalInfo", json::object{{"noteActions", note_actions}}}}});
  // Each entity was asked with the national number in every phone field it has.
  for (auto& r : h.bh.server().requests())
    if (r.path == "/rest-services/corp7/search/Candidate")
      CHECK(json::parse(r.body).at("query") ==
            "(phone:4155550100 OR mobile:4155550100 OR phone2:4155550100 OR phone3:4155550100 OR "
            "workPhone:4155550100) AND isDeleted:false NOT status:\"Archived\"");

  auto many = h.Get("/contact?phoneNumber=%2B14155550300", jwt);
  INFO(many.body);
  auto grace = many.Json().at("contact").as_array();
  REQUIRE(grace.size() == 2);
  CHECK(grace[0].at("type") == "Candidate");
  CHECK(grace[0].at("id") == 6002);
  CHECK(grace[1].at("type") == "Lead");
  CHECK(grace[1].at("mostRecentActivityDate") == 1710000007001);

  auto none = h.Get("/contact?phoneNumber=%2B14155559999", jwt);
  INFO(none.body);
  ExpectSchema("/contact", "get", none);
  auto placeholder = none.Json().at("contact").at(0);
  CHECK(placeholder.at("isNewContact") == true);
  CHECK(placeholder.at("defaultContactType") == "Lead");
  CHECK(
      placeholder.at("additionalInfo").at("Lead").at("status") ==
      json::parse(
          R"([{"const":"New Lead","title":"New Lead"},{"const":"Qualified","title":"Qualified"}])"));
  CHECK(placeholder.at("additionalInfo").at("noteActions") == note_actions);
  // The account data (four calls) was fetched once and kept.
  CHECK(Count(h.bh.server(), "GET", "/rest-services/corp7/settings/commentActionList") == 1);
  auto invalid = h.Get("/contact?phoneNumber=12", jwt);
  INFO(invalid.body);
  CHECK(invalid.Json().at("returnMessage").at("message") == "Invalid phone number format");

  auto by_name = h.Get("/custom/contact/search?name=Grace%20Hopper", jwt);
  INFO(by_name.body);
  ExpectSchema("/custom/contact/search", "get", by_name);
  auto named = by_name.Json().at("contact").as_array();
  REQUIRE(named.size() == 2);
  CHECK(named[0].at("type") == "Candidate");
  CHECK(!named[0].as_object().contains("mostRecentActivityDate"));
  // Lucene's syntax in a name is escaped, not obeyed.
  h.bh.server().clear();
  auto hostile = h.Get("/custom/contact/search?name=" + UrlEncode("x OR id:[* TO *]"), jwt);
  CHECK(hostile.Json().at("contact").as_array().empty());
  for (auto& r : h.bh.server().requests())
    if (r.path == "/rest-services/corp7/search/Lead")
      CHECK(json::parse(r.body).at("query") ==
            "(name:\"x OR id:[* TO *]\" AND isDeleted:false) OR (firstName:x AND isDeleted:false) "
            "OR (lastName:\\*\\] AND isDeleted:false)");

  for (const char* type : {"Lead", "Candidate", "Contact", "Contact"}) {
    auto made = h.Send("POST", "/contact", jwt,
                       json::object{{"phoneNumber", "+14155550123"},
                                    {"newContactName", "Mary Somerville Fairfax"},
                                    {"newContactType", type},
                                    {"additionalSubmission", json::object{{"status", "New"}}}});
    INFO(made.body);
    ExpectSchema("/contact", "post", made);
    CHECK(made.Json().at("contact").at("name") == "Mary Somerville Fairfax");
    CHECK(made.Json().at("returnMessage").at("message") ==
          (std::string(type) + " created.").c_str());
  }
  CHECK(
      h.bh.created("Lead").at(0) ==
      json::parse(R"({"name":"Mary Somerville Fairfax","firstName":"Mary","lastName":"Somerville",)"
                  R"("phone":"+14155550123","status":"New"})"));
  // Contacts belong to the placeholder company, made once and then found.
  REQUIRE(h.bh.created("ClientCorporation").size() == 1);
  auto contacts = h.bh.created("ClientContact");
  REQUIRE(contacts.size() == 2);
  CHECK(contacts[0].at("clientCorporation") == contacts[1].at("clientCorporation"));
}

TEST_CASE("Bullhorn: calls are Notes with a note action, read back, updated and dispositioned",
          "[bullhorn]") {
  BullhornHarness h;
  const std::string jwt = h.LoginJwt();
  auto logged = h.Send("POST", "/callLog", jwt,
                       BullhornCall("c1", json::object{{"noteActions", "Inbound Call"},
                                                       {"copyToContactComments", true}}));
  INFO(logged.body);
  ExpectSchema("/callLog", "post", logged);
  REQUIRE(logged.Json().at("successful") == true);
  const int64_t id = logged.Json().at("logId").to_number<int64_t>();
  json::object note = h.bh.note(id);
  CHECK(note.at("personReference") == json::parse(R"({"id":5001,"personSubtype":"Contact"})"));
  CHECK(note.at("action") == "Inbound Call");
  CHECK(note.at("externalID") == "c1");
  CHECK(note.at("dateAdded") == 1767323045000);
  CHECK(note.at("minutesSpent").to_number<double>() == Approx(125.0 / 60));
  const std::string comments(note.at("comments").as_string());
  CHECK(comments.find("<b>Agent notes</b>") != std::string::npos);
  CHECK(comments.find("Asked about the Babbage role") != std::string::npos);
  CHECK(h.bh.person("ClientContact", 5001).at("comments") == "Asked about the Babbage role");

  auto read =
      h.Get("/callLog?sessionIds=c1&hashedExtensionId=hashed-ext-105&requireDetails=true", jwt);
  INFO(read.body);
  ExpectSchema("/callLog", "get", read);
  auto data = read.Json().at("logs").at(0).at("logData").as_object();
  CHECK(data.at("note") == "Asked about the Babbage role");
  CHECK(data.at("contactName") == "Ada Lovelace");
  CHECK(data.at("dispositions") == json::parse(R"({"noteActions":"Inbound Call"})"));

  auto updated = h.Send("PATCH", "/callLog", jwt,
                        json::object{{"sessionId", "c1"},
                                     {"hashedExtensionId", "hashed-ext-105"},
                                     {"note", "Offer sent"},
                                     {"duration", 300},
                                     {"recordingLink", "https://recordings.example.test/c1.wav"}});
  INFO(updated.body);
  ExpectSchema("/callLog", "patch", updated);
  note = h.bh.note(id);
  const std::string after(note.at("comments").as_string());
  CHECK(after.find("Offer sent") != std::string::npos);
  CHECK(after.find("https://recordings.example.test/c1.wav") != std::string::npos);
  CHECK(note.at("minutesSpent") == 5);

  auto disp = h.Send("PUT", "/callDisposition", jwt,
                     json::object{{"sessionId", "c1"},
                                  {"hashedExtensionId", "hashed-ext-105"},
                                  {"dispositions", json::object{{"noteActions", "Left Message"}}}});
  INFO(disp.body);
  ExpectSchema("/callDisposition", "put", disp);
  CHECK(disp.Json().at("successful") == true);
  CHECK(h.bh.note(id).at("action") == "Left Message");

  // A user without the right to update Notes is told what to do.
  h.bh.DenyNoteUpdates(true);
  auto denied =
      h.Send("PUT", "/callDisposition", jwt,
             json::object{{"sessionId", "c1"},
                          {"hashedExtensionId", "hashed-ext-105"},
                          {"dispositions", json::object{{"noteActions", "Outbound Call"}}}});
  INFO(denied.body);
  CHECK(denied.Json().at("returnMessage").at("message") ==
        "It seems like your Bullhorn account does not have permission to update Note. Refer to "
        "details for more information.");
  h.bh.DenyNoteUpdates(false);

  // Server-side logging never overwrites what an agent wrote in the note.
  REQUIRE(h.Send("POST", "/callLog", jwt, BullhornCall("c2")).Json().at("successful") == true);
  auto sscl = Request(
      h.port(), "PATCH", "/callLog",
      json::serialize(json::object{{"sessionId", "c2"},
                                   {"hashedExtensionId", "hashed-ext-105"},
                                   {"note", "From the server"},
                                   {"recordingLink", "https://recordings.example.test/c2.wav"}}),
      {{"Authorization", "Bearer " + jwt},
       {"Content-Type", "application/json"},
       {"User-Agent", "SSCL"}});
  INFO(sscl.body);
  CHECK(sscl.Json().at("successful") == true);
  const std::string kept(h.bh.note(90002).at("comments").as_string());
  CHECK(kept.find("Asked about the Babbage role") != std::string::npos);
  CHECK(kept.find("From the server") == std::string::npos);
  CHECK(kept.find("https://recordings.example.test/c2.wav") != std::string::npos);
  // Without a chosen action a call is a "pending note".
  CHECK(h.bh.note(90002).at("action") == "pending note");
}

TEST_CASE("Bullhorn: an expired REST session is logged in again once and the call retried",
          "[bullhorn][session]") {
  BullhornHarness h;
  const std::string jwt = h.LoginJwt();
  REQUIRE(h.Get("/contact?phoneNumber=%2B14155550100", jwt).Json().at("successful") == true);
  const size_t logins = h.bh.logins();

  // Bullhorn ends the session early: the first call answers 401, the plugin logs in again with
  // the stored access token, retries, and later calls use the new session.
  h.bh.ExpireSessions();
  auto after = h.Get("/contact?phoneNumber=%2B14155550100", jwt);
  INFO(after.body);
  CHECK(after.Json().at("successful") == true);
  CHECK(h.bh.logins() == logins + 1);
  REQUIRE(h.Send("POST", "/callLog", jwt, BullhornCall("s1")).Json().at("successful") == true);
  CHECK(h.bh.logins() == logins + 1);
  CHECK(h.bh.refreshes() == 0);

  // An access token that is spent (under two minutes left) and a session Bullhorn ended: the
  // session check before the operation fails, and the refresh token buys new tokens and a new
  // session first.
  h.bh.token_expires_in_s = 60;
  (void)h.LoginJwt();  // Jane again (the same user): tokens good for a minute
  h.bh.ExpireSessions(true);
  auto refreshed = h.Get("/contact?phoneNumber=%2B14155550100", jwt);
  INFO(refreshed.body);
  CHECK(refreshed.Json().at("successful") == true);
  CHECK(h.bh.refreshes() == 1);
  // The refreshed tokens were saved: the next refresh sends the new refresh token.
  h.bh.ExpireSessions(true);
  REQUIRE(h.Get("/contact?phoneNumber=%2B14155550100", jwt).Json().at("successful") == true);
  CHECK(h.bh.refreshes() == 2);

  // authValidation: a live session is valid; one Bullhorn ended is logged in again and valid.
  auto valid = h.Get("/authValidation", jwt);
  INFO(valid.body);
  ExpectSchema("/authValidation", "get", valid);
  CHECK(valid.Json().at("successful") == true);
  const size_t before_validation = h.bh.logins();
  h.bh.token_expires_in_s = 600;
  (void)h.LoginJwt();  // tokens good for ten minutes again
  h.bh.ExpireSessions();
  CHECK(h.Get("/authValidation", jwt).Json().at("successful") == true);
  CHECK(h.bh.logins() == before_validation + 2);  // the login above, and the renewal

  // Bullhorn refusing the refresh token ends the session: the user is asked to connect again.
  h.bh.failures().Fail("/oauth/token", FakeFailure::kStatus, 400);
  h.bh.ExpireSessions(true);
  auto revoked = h.Get("/contact?phoneNumber=%2B14155550100", jwt);
  INFO(revoked.body);
  CHECK(revoked.Json().at("successful") == false);
  CHECK(h.daemon->Log().find(FakeBullhorn::kClientSecret) == std::string::npos);
}

TEST_CASE("Bullhorn: message logs are a conversation Note that grows", "[bullhorn]") {
  BullhornHarness h;
  const std::string jwt = h.LoginJwt();
  auto sms = [](const std::string& id, const std::string& text, const std::string& dir,
                const std::string& at) { return SmsFrom("+14155550100", id, text, dir, at); };
  auto body = [](json::array messages) {
    return ConversationBody(std::move(messages), "+14155550100", 5001, "Ada Lovelace", "Contact",
                            json::object{{"noteActions", "Left Message"}});
  };
  auto first = h.Send("POST", "/messageLog", jwt,
                      body(json::array{sms("m1", "Hello", "Inbound", "2026-11-24T15:30:00.000Z")}));
  INFO(first.body);
  ExpectSchema("/messageLog", "post", first);
  REQUIRE(h.bh.note_count() == 1);
  json::object note = h.bh.note(90001);
  CHECK(note.at("action") == "Left Message");
  CHECK(note.at("personReference") == json::parse(R"({"id":5001,"personSubtype":"Contact"})"));
  // Jane's offset: Bullhorn's timeZoneOffsetEST -180, i.e. UTC-8.
  CHECK(
      note.at("comments") ==
      "<br><b>SMS conversation with Ada Lovelace - 26/11/24</b><br><b>Conversation summary</b><br>"
      "Tuesday, November 24, 2026<br>Participants<br><ul><li><b>Jane Recruiter</b><br></li>"
      "<li><b>Ada Lovelace</b></li></ul><br>Conversation(1 messages)<br>"
      "BEGIN<br>------------<br><ul><li>Ada Lovelace (+14155550100) 07:30 AM<br><b>Hello</b></li>"
      "</ul>------------<br>END<br><br>--- Created via RingCentral App Connect");

  auto second =
      h.Send("POST", "/messageLog", jwt,
             body(json::array{sms("m2", "Hi Ada", "Outbound", "2026-11-24T15:35:00.000Z"),
                              sms("m1", "Hello", "Inbound", "2026-11-24T15:30:00.000Z")}));
  INFO(second.body);
  CHECK(second.Json().at("successful") == true);
  CHECK(h.bh.note_count() == 1);
  const std::string grown(h.bh.note(90001).at("comments").as_string());
  CHECK(grown.find("Conversation(2 messages)") != std::string::npos);
  CHECK(grown.find("<b>Hello</b></li><li>Jane Recruiter 07:35 AM<br><b>Hi Ada</b></li></ul>"
                   "------------<br>END") != std::string::npos);
}

TEST_CASE("Bullhorn: server-side logging's API user, and CorporateUsers for user mapping",
          "[bullhorn][admin]") {
  FakeRingCentral rc;
  BullhornHarness h(
      {"--outbound-override", std::string(FakeRingCentral::kServer) + "=" + rc.base_url()});
  const std::string jwt = h.LoginJwt();
  auto wrong = h.Send(
      "POST", "/admin/serverLoggingSettings", jwt,
      json::object{{"additionalFieldValues", json::object{{"apiUsername", FakeBullhorn::kApiUser},
                                                          {"apiPassword", "not-the-password"}}}});
  INFO(wrong.body);
  CHECK(wrong.Json().at("successful") == false);
  CHECK(wrong.Json().at("returnMessage").at("message") ==
        "Server logging settings update failed. Please check your username and password.");

  auto set = h.Send("POST", "/admin/serverLoggingSettings", jwt,
                    json::object{{"additionalFieldValues",
                                  json::object{{"apiUsername", FakeBullhorn::kApiUser},
                                               {"apiPassword", FakeBullhorn::kApiPassword}}}});
  INFO(set.body);
  CHECK(set.Json().at("successful") == true);
  CHECK(set.Json().at("returnMessage").at("message") == "Server logging settings updated");
  CHECK(h.bh.password_codes() == 1);
  auto got = h.Get("/admin/serverLoggingSettings", jwt);
  INFO(got.body);
  CHECK(got.Json() == json::object{{"apiUsername", FakeBullhorn::kApiUser},
                                   {"apiPassword", FakeBullhorn::kApiPassword}});

  // The refresh token refused, the API user's password logs in instead.
  h.bh.RevokeRefreshToken();
  h.bh.ExpireSessions(true);
  auto still = h.Get("/contact?phoneNumber=%2B14155550100", jwt);
  INFO(still.body);
  CHECK(still.Json().at("successful") == true);
  CHECK(h.bh.password_codes() == 2);
  CHECK(h.daemon->Log().find(FakeBullhorn::kApiPassword) == std::string::npos);

  auto mapped = h.PostUserMapping(jwt, {{"101", "Jane Doe"}});
  INFO(mapped.body);
  REQUIRE(mapped.status == 200);
  auto m = mapped.Json().as_array();
  REQUIRE(m.size() == 2);  // the deleted user is left out; two pages were read
  CHECK(m[0].at("crmUser").at("id") == 42);
  CHECK(m[0].at("crmUser").at("name") == "Jane Recruiter");
  CHECK(m[1].at("crmUser").at("id") == 43);

  auto cleared = h.Send("POST", "/admin/serverLoggingSettings", jwt,
                        json::object{{"additionalFieldValues", json::object{{"apiUsername", ""}}}});
  CHECK(cleared.Json().at("returnMessage").at("message") == "Server logging settings cleared");
  CHECK(h.Get("/admin/serverLoggingSettings", jwt).Json() ==
        json::object{{"apiUsername", ""}, {"apiPassword", ""}});
}

TEST_CASE("Bullhorn: the CRM failing becomes the contract's returnMessage", "[bullhorn]") {
  BullhornHarness h;
  const std::string jwt = h.LoginJwt();
  ExpectLookupFailuresReported(h, h.bh.failures(), "/rest-services/corp7/search/",
                               "/contact?phoneNumber=%2B14155550100", jwt);
  ExpectCallLogRetriedOnce(h, h.bh.failures(), "/rest-services/corp7/entity/Note",
                           BullhornCall("down"), jwt, [&] { return h.bh.note_count(); });
}

TEST_CASE("Bullhorn: appointments (list, create, update, refresh, cancel)",
          "[bullhorn][appointments]") {
  BullhornHarness h;
  const std::string jwt = h.LoginJwt();
  json::object payload{{"title", "Interview"},
                       {"summary", "First round"},
                       {"startTimeUtc", "2026-12-01T15:00:00Z"},
                       {"durationMinutes", 45},
                       {"contacts", json::array{json::object{{"id", 6001}, {"type", "Candidate"}},
                                                json::object{{"id", "5001"}}}}};
  auto created = h.Send("POST", "/appointments", jwt, payload);
  INFO(created.body);
  ExpectSchema("/appointments", "post", created);
  REQUIRE(created.Json().at("successful") == true);
  const int64_t id = 90001;
  json::object stored = h.bh.appointment(id);
  CHECK(stored.at("subject") == "Interview");
  CHECK(stored.at("description") == "First round");
  CHECK(stored.at("dateBegin") == 1796137200000);
  CHECK(stored.at("dateEnd") == 1796139900000);
  CHECK(stored.at("candidateReference") == json::parse(R"({"id":6001})"));
  CHECK(h.bh.attendees(id) == std::vector<int64_t>{6001, 5001});

  auto listed = h.Get("/appointments?startDate=2026-12-01&endDate=2026-12-01", jwt);
  INFO(listed.body);
  ExpectSchema("/appointments", "get", listed);
  auto list = listed.Json().at("appointments").as_array();
  REQUIRE(list.size() == 1);
  CHECK(list[0].at("id") == std::to_string(id).c_str());
  CHECK(list[0].at("startTimeUtc") == "2026-12-01T15:00:00.000Z");
  CHECK(list[0].at("durationMinutes") == 45);
  CHECK(list[0].at("contactId") == "6001");
  CHECK(list[0].at("contactType") == "Candidate");
  CHECK(list[0].at("attendees").as_array().size() == 2);
  CHECK(h.Get("/appointments?startDate=2026-12-02&endDate=2026-12-31", jwt)
            .Json()
            .at("appointments")
            .as_array()
            .empty());

  auto patched =
      h.Send("PATCH", "/appointments/" + std::to_string(id), jwt,
             json::object{{"patch", json::object{{"title", "Interview (moved)"},
                                                 {"startTimeUtc", "2026-12-01T16:00:00Z"},
                                                 {"durationMinutes", 30},
                                                 {"contacts", json::array{5001, 7001}}}}});
  INFO(patched.body);
  ExpectSchema("/appointments/{appointmentId}", "patch", patched);
  CHECK(patched.Json().at("appointment").at("title") == "Interview (moved)");
  CHECK(patched.Json().at("appointment").at("durationMinutes") == 30);
  auto now_attending = h.bh.attendees(id);
  std::sort(now_attending.begin(), now_attending.end());
  CHECK(now_attending == std::vector<int64_t>{5001, 7001});

  auto refreshed = h.Get("/appointments/" + std::to_string(id) + "/refresh", jwt);
  INFO(refreshed.body);
  ExpectSchema("/appointments/{appointmentId}/refresh", "get", refreshed);
  CHECK(refreshed.Json().at("appointment").at("status") == "scheduled");

  auto cancelled =
      h.Send("POST", "/appointments/" + std::to_string(id) + "/cancel", jwt, json::object{});
  INFO(cancelled.body);
  ExpectSchema("/appointments/{appointmentId}/cancel", "post", cancelled);
  CHECK(cancelled.Json().at("returnMessage").at("message") ==
        "Appointment cancelled successfully.");
  CHECK(h.bh.appointment(id).at("isDeleted") == true);
  CHECK(h.Get("/appointments/" + std::to_string(id) + "/refresh", jwt)
            .Json()
            .at("appointment")
            .at("status") == "cancelled");
}

TEST_CASE("Bullhorn: an account's admin-managed OAuth app logs in and refreshes",
          "[bullhorn][oauth]") {
  FakeRingCentral rc;
  BullhornHarness h(
      {"--outbound-override", std::string(FakeRingCentral::kServer) + "=" + rc.base_url()});
  json::object app{
      {"clientId", FakeBullhorn::kManagedClientId},
      {"clientSecret", FakeBullhorn::kManagedClientSecret},
      {"accessTokenUri", FakeBullhorn::kTokenUrl},
      {"redirectUri", "https://ringcentral.github.io/ringcentral-embeddable/redirect.html"}};
  auto cached = Request(
      h.port(), "POST", "/admin/managedOAuth/cache", json::serialize(json::object{{"values", app}}),
      {{"X-RC-Access-Token", FakeRingCentral::kAdminToken}, {"Content-Type", "application/json"}});
  INFO(cached.body);
  REQUIRE(cached.status == 200);
  h.bh.token_expires_in_s = 60;  // spent at once: the next operation checks the session
  const std::string jwt = CrmHarness::JwtOf(
      h.Login(FakeBullhorn::kTokenUrl, FakeBullhorn::kApiUrl, "&rcAccountId=3001"));
  CHECK(h.bh.grants_to(FakeBullhorn::kManagedClientId) == 1);
  CHECK(h.bh.grants_to(FakeBullhorn::kClientId) == 0);
  h.bh.ExpireSessions(true);
  auto found = h.Get("/contact?phoneNumber=%2B14155550100", jwt);
  INFO(found.body);
  CHECK(found.Json().at("successful") == true);
  CHECK(h.bh.refreshes() == 1);
  CHECK(h.bh.grants_to(FakeBullhorn::kManagedClientId) == 2);
  CHECK(h.bh.grants_to(FakeBullhorn::kClientId) == 0);
  CHECK(h.daemon->Log().find(FakeBullhorn::kManagedClientSecret) == std::string::npos);
}

}  // namespace crmhost::testing
