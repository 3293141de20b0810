// The Clio plugin end to end: crmhostd with clio.so, two Clio regions faked on 127.0.0.1 through
// --outbound-override (each with its own OAuth app), and what reached Clio checked byte by byte.
#include <catch2/catch.hpp>
#include <map>

#include "integration/crm_harness.h"
#include "support/fake_clio.h"
#include "support/fake_testcrm.h"

namespace crmhost::testing {
namespace json = boost::json;

namespace {

struct ClioHarness : CrmHarness {
  FakeClio us{"app.clio.com", "clio-us-client", "clio-us-secret-77"};
  FakeClio eu{"eu.app.clio.com", "clio-eu-client", "clio-eu-secret-88"};
  explicit ClioHarness(std::vector<std::string> extra = {}) : CrmHarness(std::move(extra)) {
    args.insert(args.end(), {"--plugin-setting", "clio.oauth_client_id=clio-us-client",
                             "--plugin-setting", "clio.oauth_client_secret=clio-us-secret-77",
                             "--plugin-setting", "clio.eu_oauth_client_id=clio-eu-client",
                             "--plugin-setting", "clio.eu_oauth_client_secret=clio-eu-secret-88",
                             "--outbound-override", us.origin() + "=" + us.base_url(),
                             "--outbound-override", us.storage_origin() + "=" + us.base_url(),
                             "--outbound-override", eu.origin() + "=" + eu.base_url()});
    Start();
  }
  std::string LoginJwt(const std::string& host = "app.clio.com") const {
    return JwtOf(OAuthLogin("clio", FakeClio::kCode, host));
  }
};

json::object ClioCall(const std::string& session, json::object submission = {}) {
  json::object body = InboundCallBody(session, {71201, "Atticus Finch", "+14155550100", "Person"},
                                      "Client asked about bail", std::move(submission));
  body["logInfo"].as_object()["customSubject"] = "Robinson call";
  return body;
}

}  // namespace

TEST_CASE("Clio: OAuth login per region, logout revokes the token", "[clio]") {
  ClioHarness h;
  const std::string jwt = h.LoginJwt();
  CHECK(h.Get("/hostname", jwt).body == "app.clio.com");
  CHECK(h.us.server().count("POST", "/oauth/token") == 1);
  // The manifest names this deployment's OAuth app, not the reference's.
  auto manifest = Request(h.port(), "GET", "/crmManifest?platformName=clio");
  const json::value clio_entry = manifest.Json().at("platforms").at("clio");
  CHECK(clio_entry.at("auth").at("oauth").at("clientId") == "clio-us-client");
  // Region overrides: the deployment's EU app (clio.eu_oauth_client_id) replaces the reference's;
  // regions it has no app for keep what the manifest says.
  std::map<std::string, std::string> region_client;
  for (auto& o : clio_entry.at("override").as_array())
    for (auto& obj : o.at("overrideObjects").as_array())
      if (obj.at("path") == "auth.oauth.clientId")
        region_client[std::string(o.at("triggerValue").as_string())] =
            std::string(obj.at("value").as_string());
  CHECK(region_client.at("eu.app.clio.com") == "clio-eu-client");
  CHECK(region_client.at("au.app.clio.com") == "74rCbGWW1bUIMd2Zgz07baA29dAtZoH1Wsu7xgkb");

  // The EU region is its own OAuth app and host: the US one is never asked.
  const std::string eu_jwt = h.LoginJwt("eu.app.clio.com");
  CHECK(h.Get("/hostname", eu_jwt).body == "eu.app.clio.com");
  CHECK(h.us.server().count("POST", "/oauth/token") == 1);
  CHECK(h.eu.server().count("GET", "/api/v4/users/who_am_i.json") == 1);

  auto out = h.Send("POST", "/unAuthorize", jwt, json::object{});
  INFO(out.body);
  CHECK(out.status == 200);
  INFO(h.daemon->Log());
  CHECK(h.us.deauthorized() == 1);

  // A host that is not Clio's never receives the user's token.
  auto foreign = h.OAuthLogin("clio", FakeClio::kCode, "clio.attacker.example");
  INFO(foreign.body);
  CHECK(foreign.Json().at("returnMessage").at("message") == "Could not load user information");
  CHECK(h.daemon->Log().find("clio-us-secret-77") == std::string::npos);
}

TEST_CASE("Clio: contacts by phone and name with their matters, new contacts", "[clio]") {
  ClioHarness h;
  const std::string jwt = h.LoginJwt();
  auto one = h.Get("/contact?phoneNumber=%2B14155550100&overridingFormat=", jwt);
  INFO(one.body);
  ExpectSchema("/contact", "get", one);
  auto found = one.Json().at("contact").as_array();
  REQUIRE(found.size() == 2);
  CHECK(found[0].at("name") == "Atticus Finch");
  CHECK(found[0].at("type") == "Person");
  CHECK(found[0].at("phone") == "+14155550100");
  // Open client matters, then related matters from both pages; the closed one is left out.
  auto matters = found[0].at("additionalInfo").at("matters").as_array();
  REQUIRE(matters.size() == 3);
  CHECK(matters[0] == json::parse(R"({"const":9001,"title":"00001-Finch",
      "description":"Open - Robinson defence","status":"Open"})"));
  CHECK(matters[1].at("const") == 9003);
  CHECK(matters[2].at("const") == 9004);
  CHECK(found[0].at("additionalInfo").at("billableStatus").as_array().size() == 2);
  CHECK(found[1].at("isNewContact") == true);

  auto many = h.Get("/contact?phoneNumber=%2B14155550000&overridingFormat=", jwt);
  CHECK(many.Json().at("contact").as_array().size() == 3);
  auto formatted = h.Get(
      "/contact?phoneNumber=%2B14155550199&overridingFormat=" + UrlEncode("(***) ***-****"), jwt);
  INFO(formatted.body);
  CHECK(formatted.Json().at("contact").at(0).at("name") == "Boo Radley");
  auto none = h.Get("/contact?phoneNumber=%2B14155559999&overridingFormat=", jwt);
  ExpectSchema("/contact", "get", none);
  CHECK(none.Json().at("returnMessage").at("message") == "Contact not found");

  // Closed matters appear when the user asks for them.
  REQUIRE(h.Send("POST", "/user/settings", jwt,
                 json::object{{"userSettings", json::object{{"clioSeeClosedMatters",
                                                             json::object{{"value", true}}}}}})
              .status == 200);
  h.us.server().clear();
  auto by_name = h.Get("/custom/contact/search?name=Finch", jwt);
  INFO(by_name.body);
  ExpectSchema("/custom/contact/search", "get", by_name);
  auto named = by_name.Json().at("contact").as_array();
  REQUIRE(named.size() == 2);
  CHECK(named[0].at("email") == "atticus@example.test");
  // Name search: the raw description and the status beside it, as the reference builds them.
  CHECK(named[0].at("additionalInfo").at("matters").at(0) ==
        json::parse(R"({"const":9001,"title":"00001-Finch","description":"Robinson defence",)"
                    R"("status":"Open"})"));

  auto made = h.Send("POST", "/contact", jwt,
                     json::object{{"phoneNumber", "+14155550123"},
                                  {"newContactName", "Calpurnia"},
                                  {"newContactType", "Person"}});
  INFO(made.body);
  ExpectSchema("/contact", "post", made);
  CHECK(made.Json().at("contact").at("name") == "Calpurnia");
  auto created = h.us.created_contacts();
  REQUIRE(created.size() == 1);
  CHECK(created[0].at("phone_numbers") ==
        json::parse(R"([{"name":"Work","number":"+14155550123","default_number":true}])"));
}

// Clio searches the number as given and, per overridingFormat, the formatted national number,
// but only when libphonenumber finds the number valid (issue 14).
TEST_CASE("Clio: formatted searches only for numbers libphonenumber finds valid", "[clio][phone]") {
  ClioHarness h;
  const std::string jwt = h.LoginJwt();
  auto queries = [&h] {
    std::vector<std::string> out;
    for (auto& r : h.us.server().requests())
      if (r.path.rfind("/api/v4/contacts", 0) == 0 && r.method == "GET" && r.Query("query"))
        out.push_back(*r.Query("query"));
    return out;
  };
  const std::string formats = UrlEncode("(***) ***-****,***-***-****");
  h.us.server().clear();
  (void)h.Get("/contact?phoneNumber=%2B44207183875&overridingFormat=" + formats, jwt);
  CHECK(queries() == std::vector<std::string>{"+44207183875"});
  h.us.server().clear();
  (void)h.Get("/contact?phoneNumber=%2B14155559999&overridingFormat=" + formats, jwt);
  CHECK(queries() == std::vector<std::string>{"+14155559999", "(415) 555-9999", "415-555-9999"});
}

TEST_CASE("Clio: calls are communications with time entries, read back and updated", "[clio]") {
  ClioHarness h;
  const std::string jwt = h.LoginJwt();
  auto logged =
      h.Send("POST", "/callLog", jwt,
             ClioCall("c1", json::object{{"matters", 9001}, {"billableStatus", "billable"}}));
  INFO(logged.body);
  ExpectSchema("/callLog", "post", logged);
  REQUIRE(logged.Json().at("successful") == true);
  const int64_t id = logged.Json().at("logId").to_number<int64_t>();
  auto comm = h.us.communication(id);
  CHECK(comm.at("subject") == "Robinson call");
  CHECK(comm.at("type") == "PhoneCommunication");
  CHECK(comm.at("received_at") == "2026-01-02T03:04:05.000Z");
  CHECK(comm.at("senders") == json::parse(R"([{"id":71201,"type":"Contact"}])"));
  CHECK(comm.at("receivers") == json::parse(R"([{"id":"345","type":"User"}])"));
  CHECK(comm.at("matter") == json::parse(R"({"id":9001})"));
  CHECK(std::string(comm.at("body").as_string()).rfind("- Note: Client asked about bail\n", 0) ==
        0);
  auto entries = h.us.activities();
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].at("quantity") == 125);
  CHECK(entries[0].at("non_billable") == false);
  CHECK(entries[0].at("communication").at("id") == id);

  auto read =
      h.Get("/callLog?sessionIds=c1&hashedExtensionId=hashed-ext-105&requireDetails=true", jwt);
  INFO(read.body);
  ExpectSchema("/callLog", "get", read);
  auto data = read.Json().at("logs").at(0).at("logData").as_object();
  CHECK(data.at("note") == "Client asked about bail");
  CHECK(data.at("contactName") == "Atticus Finch");
  CHECK(data.at("dispositions") == json::parse(R"({"matters":9001})"));

  auto updated = h.Send("PATCH", "/callLog", jwt,
                        json::object{{"sessionId", "c1"},
                                     {"hashedExtensionId", "hashed-ext-105"},
                                     {"note", "Bail hearing set"},
                                     {"duration", 300},
                                     {"recordingLink", "https://recordings.example.test/c1.wav"},
                                     {"aiNote", "Discussed the hearing date"}});
  INFO(updated.body);
  ExpectSchema("/callLog", "patch", updated);
  comm = h.us.communication(id);
  const std::string body(comm.at("body").as_string());
  CHECK(body.rfind("- Note: Bail hearing set\n", 0) == 0);
  CHECK(body.find("https://recordings.example.test/c1.wav") != std::string::npos);
  CHECK(body.find("Discussed the hearing date") != std::string::npos);
  entries = h.us.activities();
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].at("quantity") == 300);
  CHECK(entries[0].at("note") == comm.at("body"));

  auto disp = h.Send("PUT", "/callDisposition", jwt,
                     json::object{{"sessionId", "c1"},
                                  {"hashedExtensionId", "hashed-ext-105"},
                                  {"dispositions", json::object{{"matters", 9003}}}});
  ExpectSchema("/callDisposition", "put", disp);
  CHECK(disp.Json().at("successful") == true);
  CHECK(h.us.communication(id).at("matter") == json::parse(R"({"id":9003})"));

  // Without a billable choice and with no setting the entry is non-billable (as the reference);
  // time entries switched off make none.
  REQUIRE(h.Send("POST", "/callLog", jwt, ClioCall("c2")).Json().at("successful") == true);
  CHECK(h.us.activities().at(1).at("non_billable") == true);
  REQUIRE(h.Send("POST", "/user/settings", jwt,
                 json::object{{"userSettings", json::object{{"clioTimeEntriesEnabled",
                                                             json::object{{"value", false}}}}}})
              .status == 200);
  REQUIRE(h.Send("POST", "/callLog", jwt, ClioCall("c3")).Json().at("successful") == true);
  CHECK(h.us.activities().size() == 2);
  CHECK(h.us.communication_count() == 3);
}

TEST_CASE("Clio: message logs grow one communication per conversation", "[clio]") {
  ClioHarness h;
  const std::string jwt = h.LoginJwt();
  REQUIRE(
      h.Send("POST", "/user/settings", jwt,
             json::object{
                 {"userSettings",
                  json::object{{"smsTimeTrackingEnabled", json::object{{"value", true}}},
                               {"smsTimeTrackingMinimumDuration", json::object{{"value", "45"}}}}}})
          .status == 200);
  auto sms = [](const std::string& id, const std::string& text, const std::string& dir,
                const std::string& at) { return SmsFrom("+14155550100", id, text, dir, at); };
  auto body = [](json::array messages) {
    return ConversationBody(std::move(messages), "+14155550100", 71201, "Atticus Finch", "Person",
                            json::object{{"matters", 9001}});
  };
  auto first = h.Send("POST", "/messageLog", jwt,
                      body(json::array{sms("m1", "Hello", "Inbound", "2026-11-24T15:30:00.000Z")}));
  INFO(first.body);
  ExpectSchema("/messageLog", "post", first);
  REQUIRE(h.us.communication_count() == 1);
  const int64_t id = 8001;
  auto comm = h.us.communication(id);
  // The user's zone is New York (UTC-5 in November).
  CHECK(comm.at("subject") == "SMS conversation with Atticus Finch - 11/24/2026");
  CHECK(comm.at("body") ==
        "\nConversation summary\nTuesday, November 24, 2026\nParticipants\n    Jane Doe\n"
        "    Atticus Finch\n\nConversation(1 messages)\nBEGIN\n------------\n"
        "Atticus Finch (+14155550100) 10:30 AM\nHello\n------------\nEND\n\n"
        "--- Created via RingCentral App Connect");
  CHECK(comm.at("matter") == json::parse(R"({"id":9001})"));
  CHECK(h.us.activities().empty());  // inbound: no SMS time

  auto second =
      h.Send("POST", "/messageLog", jwt,
             body(json::array{sms("m2", "Hi Atticus", "Outbound", "2026-11-24T15:35:00.000Z"),
                              sms("m1", "Hello", "Inbound", "2026-11-24T15:30:00.000Z")}));
  CHECK(second.Json().at("logIds") == json::array{"m2"});
  CHECK(h.us.communication_count() == 1);
  const std::string grown(h.us.communication(id).at("body").as_string());
  CHECK(grown.find("Conversation(2 messages)") != std::string::npos);
  CHECK(grown.find("Hello\nJane Doe 10:35 AM\nHi Atticus\n\n------------\nEND") !=
        std::string::npos);
  auto entries = h.us.activities();
  REQUIRE(entries.size() == 1);  // the outbound SMS, at the configured minimum
  CHECK(entries[0].at("quantity") == 45);
  CHECK(entries[0].at("note") == "SMS message with Atticus Finch sent on 11/24/2026 at 10:35:00");
}

TEST_CASE("Clio: users feed admin user mapping", "[clio][admin]") {
  FakeRingCentral rc;
  ClioHarness h(
      {"--outbound-override", std::string(FakeRingCentral::kServer) + "=" + rc.base_url()});
  const std::string jwt = h.LoginJwt();
  auto mapped = h.PostUserMapping(jwt, {{"101", "Jane Doe"}});
  INFO(mapped.body);
  REQUIRE(mapped.status == 200);
  auto m = mapped.Json().as_array();
  REQUIRE(m.size() == 2);
  CHECK(m[0].at("crmUser").at("id") == 345);
  CHECK(m[0].at("rcUser").at(0).at("extensionId") == "101");

  // A user of the admin's account (3001): a call server-side logging assigns to extension 102,
  // mapped to Ada (346), has Ada as its user party.
  const std::string callback =
      "https://ringcentral.github.io/ringcentral-embeddable/redirect.html?code=" +
      std::string(FakeClio::kCode) + "&state=" + UrlEncode("platform=clio&hostname=app.clio.com");
  const std::string account_jwt = CrmHarness::JwtOf(Request(
      h.port(), "GET", "/oauth-callback?rcAccountId=3001&callbackUri=" + UrlEncode(callback)));
  auto remapped = h.PostUserMapping(account_jwt, {{"102", "Ada Lovelace"}});
  REQUIRE(remapped.status == 200);
  auto logged = h.Send("POST", "/callLog", account_jwt,
                       ClioCall("assigned", json::object{{"isAssignedToUser", true},
                                                         {"adminAssignedUserRcId", "102"}}));
  INFO(logged.body);
  REQUIRE(logged.Json().at("successful") == true);
  CHECK(h.us.communication(logged.Json().at("logId").to_number<int64_t>()).at("receivers") ==
        json::parse(R"([{"id":"346","type":"User"}])"));
}

TEST_CASE("Clio: the CRM failing becomes the contract's returnMessage", "[clio]") {
  ClioHarness h;
  const std::string jwt = h.LoginJwt();
  ExpectLookupFailuresReported(h, h.us.failures(), "/api/v4/contacts",
                               "/contact?phoneNumber=%2B14155550100&overridingFormat=", jwt);
  ExpectCallLogRetriedOnce(h, h.us.failures(), "/api/v4/communications", ClioCall("down"), jwt,
                           [&] { return h.us.communication_count(); });
}

TEST_CASE("Clio: appointments are calendar entries (list, create, update, refresh, cancel)",
          "[clio][appointments]") {
  ClioHarness h;
  const std::string jwt = h.LoginJwt();
  json::object payload{{"title", "Robinson meeting"},
                       {"summary", "Discuss the appeal"},
                       {"startTimeUtc", "2026-12-01T15:00:00Z"},
                       {"durationMinutes", 45},
                       {"contacts", json::array{71201, json::object{{"id", "71203"}}}}};
  auto created = h.Send("POST", "/appointments", jwt, payload);
  INFO(created.body);
  REQUIRE(created.status == 200);
  ExpectSchema("/appointments", "post", created);
  const json::object made = created.Json().as_object();
  CHECK(made.at("successful") == true);
  const json::object& a = made.at("appointment").as_object();
  const std::string id(made.at("appointmentId").as_string());
  CHECK(a.at("id") == id.c_str());
  CHECK(a.at("title") == "Robinson meeting");
  CHECK(a.at("summary") == "Discuss the appeal");
  CHECK(a.at("durationMinutes") == 45);
  CHECK(a.at("attendeeIds") == json::array{"71201", "71203"});
  CHECK(a.at("contactId") == "71201");
  CHECK(a.at("participantName") == "Atticus Finch");
  CHECK(a.at("status") == "tentative");
  // On the user's own calendar, ending 45 minutes later, with no email to the attendees.
  json::object entry = h.us.calendar_entry(std::stoll(id));
  CHECK(entry.at("calendar_owner_id") == 51);
  CHECK(entry.at("end_at") == "2026-12-01T15:45:00.000Z");
  bool quiet = false;
  for (auto& r : h.us.server().requests())
    if (r.method == "POST" && r.path == "/api/v4/calendar_entries.json")
      quiet = json::parse(r.body).at("data").at("send_email_notification") == false;
  CHECK(quiet);

  // Without a calendar of their own, a shared writeable one; with none, Clio's refusal.
  h.us.SetCalendars(false, true);
  auto shared = h.Send("POST", "/appointments", jwt, payload);
  REQUIRE(shared.Json().at("successful") == true);
  CHECK(h.us.calendar_entry(std::stoll(std::string(shared.Json().at("appointmentId").as_string())))
            .at("calendar_owner_id") == 61);
  h.us.SetCalendars(false, false);
  auto nowhere = h.Send("POST", "/appointments", jwt, payload);
  CHECK(nowhere.Json().at("successful") == false);
  CHECK(nowhere.Json().at("returnMessage").at("message") == "No writeable calendar found in Clio.");
  h.us.SetCalendars(true, true);

  // Listing: every entry, or those starting within the days asked for.
  auto all = h.Get("/appointments", jwt);
  ExpectSchema("/appointments", "get", all);
  CHECK(all.Json().at("appointments").as_array().size() == 2);
  auto that_day = h.Get("/appointments?startDate=2026-12-01&endDate=2026-12-01", jwt);
  const json::value day = that_day.Json();
  REQUIRE(day.at("appointments").as_array().size() == 2);
  const json::value& listed = day.at("appointments").at(0);
  CHECK(listed.at("thirdPartyAppointmentId") == id.c_str());
  CHECK(listed.at("startTimeUtc") == "2026-12-01T15:00:00.000Z");
  CHECK(listed.at("durationMinutes") == 45);
  CHECK(listed.at("attendees").at(0).at("name") == "Atticus Finch");
  CHECK(h.Get("/appointments?startDate=2026-12-02&endDate=2026-12-31", jwt)
            .Json()
            .at("appointments")
            .as_array()
            .empty());

  // An update moves it and replaces the attendees: Atticus is removed, Boo is added.
  json::object patch{{"patch", json::object{{"title", "Moved"},
                                            {"startTimeUtc", "2026-12-02T10:00:00Z"},
                                            {"durationMinutes", 30},
                                            {"contacts", json::array{71203, 71204}}}}};
  auto patched = h.Send("PATCH", "/appointments/" + id, jwt, patch);
  INFO(patched.body);
  ExpectSchema("/appointments/{appointmentId}", "patch", patched);
  const json::value moved = patched.Json().at("appointment");
  CHECK(moved.at("title") == "Moved");
  CHECK(moved.at("durationMinutes") == 30);
  CHECK(moved.at("attendeeIds") == json::array{"71203", "71204"});
  json::value sent;
  for (auto& r : h.us.server().requests())
    if (r.method == "PATCH" && r.path == "/api/v4/calendar_entries/" + id + ".json")
      sent = json::parse(r.body).at("data");
  CHECK(sent.at("attendees").at(0) ==
        json::object{{"id", 71201}, {"type", "Contact"}, {"_destroy", true}});
  CHECK(sent.at("end_at") == "2026-12-02T10:30:00.000Z");
  CHECK_FALSE(sent.as_object().contains("description"));  // not in the patch: left alone

  // Clio has no appointment status.
  auto status =
      h.Send("POST", "/appointments/" + id + "/status", jwt, json::object{{"status", "confirmed"}});
  CHECK(status.Json().at("successful") == false);
  CHECK(status.Json().at("returnMessage").at("message") ==
        "Clio does not support appointment status changes.");

  // App Connect's own properties on an entry win over Clio's fields.
  const int64_t seeded = h.us.AddCalendarEntry(json::object{
      {"summary", "Clio title"},
      {"start_at", "2026-12-05T09:00:00Z"},
      {"end_at", "2026-12-05T09:20:00Z"},
      {"external_properties",
       json::array{
           json::object{{"id", 1}, {"name", "rcAppointmentTitle"}, {"value", "RC title"}},
           json::object{{"id", 2}, {"name", "rcAppointmentStatus"}, {"value", "confirmed"}}}}});
  auto refreshed = h.Get("/appointments/" + std::to_string(seeded) + "/refresh", jwt);
  ExpectSchema("/appointments/{appointmentId}/refresh", "get", refreshed);
  CHECK(refreshed.Json().at("appointment").at("title") == "RC title");
  CHECK(refreshed.Json().at("appointment").at("status") == "confirmed");
  CHECK(refreshed.Json().at("appointment").at("durationMinutes") == 20);

  // Cancelling deletes the entry.
  auto cancelled = h.Send("POST", "/appointments/" + id + "/cancel", jwt, json::object{});
  ExpectSchema("/appointments/{appointmentId}/cancel", "post", cancelled);
  CHECK(cancelled.Json().at("successful") == true);
  CHECK(cancelled.Json().at("returnMessage").at("message") ==
        "Appointment cancelled successfully.");
  CHECK(h.us.calendar_entry(std::stoll(id)).empty());
  CHECK(h.Get("/appointments/" + id + "/refresh", jwt).Json().at("successful") == false);
}

TEST_CASE("Clio: MMS images and fax PDFs are uploaded into Clio Documents and linked",
          "[clio][documents]") {
  // RingCentral's media store: content only with the access token the client sent.
  const std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + std::string(3000, '\x07');
  const std::string pdf = "%PDF-1.4 two pages of fax";
  const std::string token = "rc-media-token-1234567";
  FakeHttpServer media([&](const RecordedRequest& r) {
    FakeResponse out;
    const bool image = r.path.find("/content/6") != std::string::npos;
    const bool fax = r.path.find("/content/7") != std::string::npos;
    if (r.Query("access_token") != token || !(image || fax)) {
      out.status = r.Query("access_token") != token ? 401 : 404;
      out.body = "{}";
      return out;
    }
    out.content_type = image ? "image/png" : "application/pdf";
    out.body = image ? png : pdf;
    return out;
  });
  const std::string media_origin = "https://media.ringcentral.com";
  ClioHarness h({"--outbound-override", media_origin + "=" + media.base_url()});
  const std::string jwt = h.LoginJwt();
  const std::string store = media_origin + "/restapi/v1.0/account/~/extension/~/message-store";
  // POST /messageLog of one message in its own conversation, with the client's RingCentral
  // token (which the host turns into download links).
  auto log_message = [&](const std::string& conversation, const json::object& message,
                         json::object submission) {
    json::object body = ConversationBody(json::array{message}, "+14155550100", 71201,
                                         "Atticus Finch", "Person", std::move(submission));
    json::object& info = body["logInfo"].as_object();
    info["conversationId"] = conversation;
    info["conversationLogId"] = conversation + "-20261124";
    info["rcAccessToken"] = token;
    auto r = h.Send("POST", "/messageLog", jwt, body);
    INFO(r.body);
    REQUIRE(r.Json().at("successful") == true);
  };
  // The communications and documents share one id counter: the first document after `after`.
  auto document_after = [&](int64_t after) {
    for (int64_t id = after + 1; id < after + 10; ++id)
      if (!h.us.document(id).empty()) return id;
    return int64_t(0);
  };

  // An MMS image on the matter chosen in the form.
  json::object mms =
      SmsFrom("+14155550100", "m5", "See photo", "Inbound", "2026-11-24T15:30:00.000Z");
  mms["type"] = "MMS";
  mms["attachments"] = json::array{json::object{
      {"type", "MmsAttachment"}, {"uri", store + "/5/content/6"}, {"contentType", "image/png"}}};
  log_message("c1", mms, json::object{{"matters", 9001}});
  REQUIRE(h.us.document_count() == 1);
  const int64_t doc_id = document_after(8000);
  REQUIRE(doc_id);
  const json::object doc = h.us.document(doc_id);
  CHECK(doc.at("name") == "Inbound Image Message - Atticus Finch - 11/24/2026.png");
  CHECK(doc.at("parent") == json::object{{"id", 9001}, {"type", "Matter"}});
  CHECK(doc.at("fully_uploaded") == true);
  CHECK(h.us.document_bytes(doc_id) == png);  // byte for byte through the storage host
  const json::object comm = h.us.communication(doc_id + 1);
  const std::string text(comm.at("body").as_string());
  CHECK_THAT(text, Catch::Contains("Atticus Finch (+14155550100) 10:30 AM\n[Message]: See photo\n"
                                   "[Link]: https://app.clio.com/nc/#/documents/" +
                                   std::to_string(doc_id) + "/details\n"));

  // A fax in another conversation, no matter: filed under the contact.
  json::object fax = SmsFrom("+14155550100", "f7", "", "Inbound", "2026-11-24T16:00:00.000Z");
  fax["type"] = "Fax";
  fax["messageStatus"] = "Received";
  fax["faxPageCount"] = 2;
  fax["from"] = json::object{{"phoneNumber", "+14155550100"}, {"location", "San Francisco, CA"}};
  fax["attachments"] = json::array{json::object{{"type", "RenderedDocument"},
                                                {"uri", store + "/7/content/7"},
                                                {"contentType", "application/pdf"},
                                                {"link", "https://app.ringcentral.test/fax/7"}}};
  log_message("c2", fax, {});
  REQUIRE(h.us.document_count() == 2);
  const int64_t fax_doc = document_after(doc_id);
  REQUIRE(fax_doc);
  CHECK(h.us.document(fax_doc).at("name") == "Inbound Fax - Atticus Finch - 11/24/2026.pdf");
  CHECK(h.us.document(fax_doc).at("parent") == json::object{{"id", 71201}, {"type", "Contact"}});
  CHECK(h.us.document_bytes(fax_doc) == pdf);
  const json::object fax_comm = h.us.communication(fax_doc + 1);
  CHECK(fax_comm.at("subject") == "Fax document sent from Atticus Finch - 26/11/24");
  CHECK(std::string(fax_comm.at("body").as_string()) ==
        "Fax uploaded to Clio successfully.\nFax Status: Received\nPage count: 2\n"
        "Fax document link: https://app.clio.com/nc/#/documents/" +
            std::to_string(fax_doc) +
            "/details\nLocation: San Francisco, CA \n\n--- Created via RingCentral App Connect");

  // The media cannot be fetched: the log still gets written, linking RingCentral's viewer,
  // never the download link that carries the access token.
  json::object lost =
      SmsFrom("+14155550100", "m9", "Blurry", "Inbound", "2026-11-24T17:00:00.000Z");
  lost["type"] = "MMS";
  lost["attachments"] = json::array{json::object{
      {"type", "MmsAttachment"}, {"uri", store + "/9/content/404"}, {"contentType", "image/jpeg"}}};
  log_message("c3", lost, {});
  CHECK(h.us.document_count() == 2);
  bool linked = false;
  for (int64_t id = 8001; id < 8020; ++id) {
    const json::object c = h.us.communication(id);
    if (c.empty()) continue;
    const std::string b(c.at("body").as_string());
    CHECK(b.find(token) == std::string::npos);
    linked = linked || b.find(
                           "[Message]: Blurry\n[Link - failed to upload]: "
                           "https://ringcentral.github.io/ringcentral-media-reader/?media=") !=
                           std::string::npos;
  }
  CHECK(linked);
  CHECK(h.daemon->Log().find(token) == std::string::npos);
}

}  // namespace crmhost::testing
