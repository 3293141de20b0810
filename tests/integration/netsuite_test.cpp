// The NetSuite plugin end to end: crmhostd with netsuite.so, one NetSuite account's SuiteTalk
// and RESTlet hosts faked on 127.0.0.1 through --outbound-override, and what reached NetSuite
// checked field by field.
#include <catch2/catch.hpp>

#include "integration/netsuite_harness.h"
#include "support/fake_testcrm.h"

namespace crmhost::testing {
namespace json = boost::json;

namespace {

bool Asked(const FakeNetSuite& ns, const std::string& needle) {
  for (const std::string& q : ns.suiteql())
    if (q.find(needle) != std::string::npos) return true;
  return false;
}

HttpResult SetSettings(const NetSuiteHarness& h, const std::string& jwt, json::object settings) {
  return h.Send("POST", "/user/settings", jwt, json::object{{"userSettings", std::move(settings)}});
}

}  // namespace

TEST_CASE("NetSuite: OAuth login per account, the role's permissions, logout revokes",
          "[netsuite]") {
  NetSuiteHarness h;
  auto login = h.Login();
  INFO(login.body);
  const std::string jwt = CrmHarness::JwtOf(login);
  CHECK(login.Json().at("name") == "Jane NetSuite");
  CHECK(login.Json().at("returnMessage").at("message") == "Connected to NetSuite.");
  auto asked = h.ns.restlet_calls("customscript_checkrolepermissionscriptid");
  REQUIRE(asked.size() == 1);
  CHECK(asked[0].at("requiredPermissions").as_array().size() == 8);
  CHECK(h.Get("/hostname", jwt).body == FakeNetSuite::kHostname);
  // Tokens about to expire are refreshed by the host at the account's token endpoint.
  h.ns.expires_in = 60;
  REQUIRE(CrmHarness::JwtOf(h.Login()) != "");
  const size_t refreshed = h.ns.refresh_calls();
  auto fresh = h.Get("/contact?phoneNumber=%2B14155557100&overridingFormat=", jwt);
  INFO(fresh.body);
  CHECK(fresh.Json().at("successful") == true);
  CHECK(h.ns.refresh_calls() == refreshed + 1);
  h.ns.expires_in = 3600;
  const std::string refresh = h.ns.refresh_token();  // Jane's; the failing logins below save none

  // /crmManifest lists the embedded entry with this deployment's client.
  auto manifest = Request(h.port(), "GET", "/crmManifest?platformName=netsuite");
  const json::value entry = manifest.Json().at("platforms").at("netsuite");
  CHECK(entry.at("auth").at("oauth").at("clientId") == FakeNetSuite::kClientId);
  CHECK(entry.at("contactTypes").as_array().size() == 5);
  CHECK(!entry.as_object().contains("x-crmhost-egress"));

  // A role without a permission is told which.
  h.ns.SetPermission("LIST_CALL", false);
  auto denied = h.Login();
  INFO(denied.body);
  CHECK(denied.Json().at("returnMessage").at("message") ==
        "To connect, you need the following specific permissions: List -> Phone Calls -> Full.");
  h.ns.SetPermission("LIST_CALL", true);
  // Without the SuiteApp's RESTlet the user cannot be read.
  h.ns.SetRestletDeployed("customscript_getcurrentuser", false);
  auto undeployed = h.Login();
  INFO(undeployed.body);
  CHECK(undeployed.Json().at("returnMessage").at("details").at(0).at("items").at(0).at("text") ==
        "NetSuite was unable to fetch information for the currently logged in user. Please check "
        "your permissions in NetSuite and make sure you have permission to access and read user "
        "information.");
  h.ns.SetRestletDeployed("customscript_getcurrentuser", true);
  // A hostname whose first label is no account id never gets a token request.
  auto foreign = h.Login("evil:443/x.app.netsuite.com");
  INFO(foreign.body);
  CHECK(foreign.Json().at("returnMessage").at("message") ==
        "The NetSuite address must be your account's, such as 1234567.app.netsuite.com.");

  auto out = h.Send("POST", "/unAuthorize", jwt, json::object{});
  INFO(out.body);
  CHECK(out.status == 200);
  CHECK(out.Json().at("message") == "Logged out of NetSuite");
  CHECK(h.ns.revoked() == std::vector<std::string>{refresh});
  CHECK(h.daemon->Log().find(FakeNetSuite::kClientSecret) == std::string::npos);
}

TEST_CASE("NetSuite: contacts, customers and vendors by phone and name, and new records",
          "[netsuite]") {
  NetSuiteHarness h;
  const std::string jwt = h.LoginJwt();
  auto one = h.Get("/contact?phoneNumber=%2B14155557002&overridingFormat=", jwt);
  INFO(one.body);
  ExpectSchema("/contact", "get", one);
  auto found = one.Json().at("contact").as_array();
  // Ada and a vendor whose alternate phone is her number written with dots; the contact touched
  // five years ago is not searched.
  REQUIRE(found.size() == 3);
  json::object ada = found[0].as_object();
  CHECK(ada.at("mostRecentActivityDate").is_string());
  ada.erase("mostRecentActivityDate");
  CHECK(json::value(ada) ==
        json::parse(R"({"id":7011,"name":"Ada M Lovelace","phone":"+14155557002","homephone":"",
            "mobilephone":"","officephone":"","createdDate":"2026-06-01T10:00:00Z",
            "additionalInfo":{},"type":"contact"})"));
  json::object vendor = found[1].as_object();
  vendor.erase("mostRecentActivityDate");
  CHECK(json::value(vendor) ==
        json::parse(R"({"id":302,"name":"Byron Supplies","phone":"","altphone":"",
            "createdDate":"2026-06-01T10:00:00Z","additionalInfo":{},"type":"vendor"})"));
  CHECK(found[2].at("isNewContact") == true);
  CHECK(Asked(h.ns, "REGEXP_REPLACE(mobilePhone, '[^0-9]', '') LIKE '%4155557002'"));
  // Digits are compared, not text: "(415) 555-7003" is Ada's mobile.
  auto mobile = h.Get("/contact?phoneNumber=%2B14155557003&overridingFormat=", jwt);
  CHECK(mobile.Json().at("contact").at(0).at("id") == 7011);

  // Sales orders and opportunities are offered once the user turns them on.
  REQUIRE(SetSettings(h, jwt,
                      json::object{{"enableSalesOrderLogging", json::object{{"value", true}}},
                                   {"enableOpportunityLogging", json::object{{"value", true}}}})
              .status == 200);
  auto company = h.Get("/contact?phoneNumber=%2B14155557100&overridingFormat=", jwt);
  INFO(company.body);
  auto customer = company.Json().at("contact").at(0);
  CHECK(customer.at("type") == "custjob");
  CHECK(customer.at("name") == "Analytical Engines");
  CHECK(customer.at("additionalInfo") ==
        json::parse(R"({"salesorder":[{"const":9001,"title":"Sales Order #SO1001"}],
            "opportunity":[{"const":9101,"title":"Opportunity #OP1"}]})"));
  // The formats the client names are searched as written.
  auto formatted = h.Get(
      "/contact?phoneNumber=%2B14155557004&overridingFormat=" + UrlEncode("***-***-****"), jwt);
  INFO(formatted.body);
  CHECK(formatted.Json().at("contact").at(0).at("name") == "Grace  Hopper");
  CHECK(Asked(h.ns, "phone='415-555-7004'"));
  // Only the entities the user searches.
  REQUIRE(SetSettings(
              h, jwt,
              json::object{{"contactsSearchId", json::object{{"value", json::array{"vendor"}}}}})
              .status == 200);
  auto vendors = h.Get("/contact?phoneNumber=%2B14155557002&overridingFormat=", jwt);
  INFO(vendors.body);
  CHECK(vendors.Json().at("contact").as_array().size() == 2);  // the vendor and the placeholder
  CHECK(vendors.Json().at("contact").at(0).at("id") == 302);
  REQUIRE(SetSettings(
              h, jwt,
              json::object{{"contactsSearchId",
                            json::object{{"value", json::array{"contact", "customer", "vendor"}}}}})
              .status == 200);

  auto by_name = h.Get("/custom/contact/search?name=Lovelace", jwt);
  INFO(by_name.body);
  ExpectSchema("/custom/contact/search", "get", by_name);
  auto named = by_name.Json().at("contact").as_array();
  REQUIRE(named.size() >= 1);
  CHECK(named[0].at("name") == "Ada M Lovelace - (Analytical Engines)");
  CHECK(named[0].at("additionalInfo").at("salesorder").at(0).at("const") == 9001);

  auto made = h.Send("POST", "/contact", jwt,
                     json::object{{"phoneNumber", "+14155550123"},
                                  {"newContactName", "Mary Somerville Fairfax"},
                                  {"newContactType", "contact"}});
  INFO(made.body);
  ExpectSchema("/contact", "post", made);
  CHECK(made.Json().at("returnMessage").at("message") ==
        "The new contact is created under a placeholder company, please click \"View contact "
        "details\" to check out");
  auto contacts = h.ns.posted("contact");
  REQUIRE(contacts.size() == 1);
  CHECK(contacts[0] ==
        json::parse(R"({"firstName":"Mary","middleName":"Somerville","lastName":"Fairfax",
      "phone":"+14155550123","company":{"id":"8001"}})"));
  REQUIRE(h.Send("POST", "/contact", jwt,
                 json::object{{"phoneNumber", "+14155550124"},
                              {"newContactName", "Caroline"},
                              {"newContactType", "contact"}})
              .status == 200);
  CHECK(h.ns.posted("customer").size() == 1);  // the placeholder company is made once

  auto person = h.Send("POST", "/contact", jwt,
                       json::object{{"phoneNumber", "+14155550125"},
                                    {"newContactName", "Madonna"},
                                    {"newContactType", "custjob"}});
  CHECK(person.Json().at("returnMessage").at("message") == "Customer created");
  CHECK(h.ns.posted("customer").at(1) ==
        json::parse(R"({"firstName":"Madonna","middleName":"","lastName":"Madonna",
            "entityId":"Madonna Madonna","phone":"+14155550125","isPerson":true})"));
  auto lead = h.Send("POST", "/contact", jwt,
                     json::object{{"phoneNumber", "+14155550126"},
                                  {"newContactName", "Ada Byron"},
                                  {"newContactType", "lead"}});
  INFO(lead.body);
  CHECK(lead.Json().at("returnMessage").at("message") == "Lead created");
  CHECK(h.ns.posted("customer").at(2).at("entityStatus") == json::parse(R"({"id":6})"));
}

TEST_CASE("NetSuite: calls are phone-call records, read back, updated, dispositioned",
          "[netsuite]") {
  NetSuiteHarness h;
  const std::string jwt = h.LoginJwt();
  REQUIRE(
      SetSettings(h, jwt, json::object{{"enableSalesOrderLogging", json::object{{"value", true}}}})
          .status == 200);
  auto logged =
      h.Send("POST", "/callLog", jwt, NetSuiteCall("c1", json::object{{"salesorder", 9001}}));
  INFO(logged.body);
  ExpectSchema("/callLog", "post", logged);
  REQUIRE(logged.Json().at("successful") == true);
  const int64_t id = std::stoll(std::string(logged.Json().at("logId").as_string()));
  json::object posted = h.ns.posted("phonecall").at(0).as_object();
  const std::string message(posted.at("message").as_string());
  posted.erase("message");
  // 2026-01-02T03:04:05Z is 22:04 the evening before in New York (the user's NetSuite zone).
  CHECK(json::value(posted) ==
        json::parse(R"({"title":"Inbound Call from Ada Lovelace","phone":"+14155557002",
            "priority":"MEDIUM","status":"COMPLETE","startDate":"2026-01-01","startTime":"22:04",
            "endTime":"22:06","timedEvent":true,"completedDate":"2026-01-01",
            "externalId":"appconnect-99011-TSTDRV1234567-netsuite-c1-call-c1","contact":{"id":7011},
            "company":{"id":"201"},"transaction":{"id":9001,"type":"salesorder"}})"));
  CHECK(message.find("Asked about the engine") != std::string::npos);

  auto read =
      h.Get("/callLog?sessionIds=c1&hashedExtensionId=hashed-ext-105&requireDetails=true", jwt);
  INFO(read.body);
  ExpectSchema("/callLog", "get", read);
  CHECK(read.Json().at("logs").at(0).at("logData").at("note") == "Asked about the engine");

  auto updated = h.Send("PATCH", "/callLog", jwt,
                        json::object{{"sessionId", "c1"},
                                     {"hashedExtensionId", "hashed-ext-105"},
                                     {"note", "Offer sent"},
                                     {"duration", 300},
                                     {"startTime", 1767323045000}});
  INFO(updated.body);
  ExpectSchema("/callLog", "patch", updated);
  auto patches = h.ns.patches("phonecall", id);
  REQUIRE(!patches.empty());
  const json::value& patch = patches.back();
  CHECK(std::string(patch.at("message").as_string()).find("Offer sent") != std::string::npos);
  CHECK(patch.at("startTime") == "22:04");
  CHECK(patch.at("endTime") == "22:09");

  // The sales order gets the call as a user note, once; the call links to it.
  auto disp = h.Send("PUT", "/callDisposition", jwt,
                     json::object{{"sessionId", "c1"},
                                  {"hashedExtensionId", "hashed-ext-105"},
                                  {"dispositions", json::object{{"salesorder", 9001}}}});
  INFO(disp.body);
  ExpectSchema("/callDisposition", "put", disp);
  CHECK(disp.Json().at("successful") == true);
  auto notes = h.ns.restlet_calls("customscript_createusernotes");
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].at("_method") == "POST");
  CHECK(notes[0].at("salesOrderId") == "9001");
  CHECK(
      std::string(h.ns.record("phonecall", id).at("message").as_string())
          .find(
              "- SalesOrderNoteUrl: https://1234567.app.netsuite.com/app/crm/common/note.nl?id=801 "
              "SalesOrderId: 9001") != std::string::npos);
  REQUIRE(h.Send("PUT", "/callDisposition", jwt,
                 json::object{{"sessionId", "c1"},
                              {"hashedExtensionId", "hashed-ext-105"},
                              {"dispositions", json::object{{"salesorder", 9001}}}})
              .status == 200);
  notes = h.ns.restlet_calls("customscript_createusernotes");
  REQUIRE(notes.size() == 2);
  CHECK(notes[1].at("_method") == "PUT");
  CHECK(notes[1].at("noteId") == "801");

  // A sales order already linked keeps its link when an opportunity joins it: its note is
  // updated, the opportunity's made, and nothing is made twice later.
  REQUIRE(
      SetSettings(h, jwt, json::object{{"enableOpportunityLogging", json::object{{"value", true}}}})
          .status == 200);
  for (int run = 0; run < 2; ++run)
    REQUIRE(h.Send("PUT", "/callDisposition", jwt,
                   json::object{
                       {"sessionId", "c1"},
                       {"hashedExtensionId", "hashed-ext-105"},
                       {"dispositions", json::object{{"salesorder", 9001}, {"opportunity", 9101}}}})
                .status == 200);
  notes = h.ns.restlet_calls("customscript_createusernotes");
  size_t posts = 0;
  for (auto& n : notes)
    posts += n.at("_method") == "POST";
  CHECK(posts == 2);  // one note on the sales order, one on the opportunity, ever
  const std::string linked(h.ns.record("phonecall", id).at("message").as_string());
  CHECK(linked.find("SalesOrderId: 9001") != std::string::npos);
  CHECK(linked.find("OpportunityId: 9101") != std::string::npos);

  // NetSuite failing after it wrote the record: the call is found by its external id, not lost
  // (every retry would be refused as a duplicate) nor made twice.
  h.ns.FailNextCreateAfterWriting(500);
  auto hiccup = h.Send("POST", "/callLog", jwt, NetSuiteCall("c4"));
  INFO(hiccup.body);
  CHECK(hiccup.Json().at("successful") == true);
  CHECK(h.ns.count("phonecall") == 2);

  // A contact without a company gets the placeholder company first.
  auto grace =
      h.Send("POST", "/callLog", jwt,
             InboundCallBody("c2", {7012, "Grace Hopper", "+14155557004", "contact"}, "Hi", {}));
  INFO(grace.body);
  CHECK(grace.Json().at("successful") == true);
  CHECK(h.ns.record("contact", 7012).at("company").at("id") == "8001");
  CHECK(h.ns.posted("customer").size() == 1);

  // NetSuite's own words replace the generic message.
  h.ns.FailWithDetail(
      "/services/rest/record/v1/phonecall", 400,
      "Invalid value for the resource or sub-resource field 'company'. Provide a valid value.");
  auto refused = h.Send("POST", "/callLog", jwt, NetSuiteCall("c3"));
  INFO(refused.body);
  CHECK(refused.Json().at("successful") == false);
  CHECK(refused.Json().at("returnMessage").at("message") ==
        "No company is associated with this contact. Log in to NetSuite and link the contact to a "
        "company.");
  h.ns.FailWithDetail("/services/rest/record/v1/phonecall", 500, "An unexpected error occurred.");
  CHECK(h.Send("POST", "/callLog", jwt, NetSuiteCall("c3"))
            .Json()
            .at("returnMessage")
            .at("message") == "An unexpected error occurred.");
  h.ns.ClearErrors();
  h.ns.failures().Fail("/services/rest/record/v1/phonecall", FakeFailure::kStatus, 429);
  CHECK(h.Send("POST", "/callLog", jwt, NetSuiteCall("c3"))
            .Json()
            .at("returnMessage")
            .at("message") == "Error logging call");
  h.ns.failures().Fail("/services/rest/record/v1/phonecall", FakeFailure::kNoAnswer);
  CHECK(h.Send("POST", "/callLog", jwt, NetSuiteCall("c3"))
            .Json()
            .at("returnMessage")
            .at("message") == "Error logging call");
  h.ns.failures().Clear();
  // A lookup whose queries NetSuite refuses still answers, with nothing found (the reference's
  // per-entity tolerance).
  h.ns.FailWithDetail("/services/rest/query/v1/suiteql", 500, "An unexpected error occurred.");
  auto lookup = h.Get("/contact?phoneNumber=%2B14155557002&overridingFormat=", jwt);
  INFO(lookup.body);
  CHECK(lookup.Json().at("contact").as_array().size() == 1);
  CHECK(lookup.Json().at("returnMessage").at("message") == "Contact not found");
  h.ns.ClearErrors();
  // Nothing was recorded by the failures: the retry logs the call, once.
  auto retried = h.Send("POST", "/callLog", jwt, NetSuiteCall("c3"));
  CHECK(retried.Json().at("successful") == true);
  CHECK(h.ns.count("phonecall") == 4);
}

TEST_CASE("NetSuite: a transcript too long for the record is filed and attached", "[netsuite]") {
  NetSuiteHarness h;
  const std::string jwt = h.LoginJwt();
  std::string transcript;
  for (int i = 0; i < 120; ++i)
    transcript += "Agent: line " + std::to_string(i) + " of a long conversation about engines.\n";
  json::object body = NetSuiteCall("long");
  body["transcript"] = transcript;
  auto logged = h.Send("POST", "/callLog", jwt, body);
  INFO(logged.body);
  REQUIRE(logged.Json().at("successful") == true);
  const std::string message(h.ns.posted("phonecall").at(0).at("message").as_string());
  CHECK(message.size() <= 3402);
  CHECK(message.find("Transcript too large. To view the whole transcript, Goto Communictaion and "
                     "open attach file.") != std::string::npos);
  auto files = h.ns.restlet_calls("customscript_createappconnectfile");
  REQUIRE(files.size() == 1);
  CHECK(files[0].at("content") == transcript.c_str());
  CHECK(files[0].at("folderId") == 3001);
  auto attached = h.ns.restlet_calls("customscript_attachfilewithphonecalls");
  REQUIRE(attached.size() == 1);
  CHECK(attached[0].at("phoneCallId") == logged.Json().at("logId"));
}

TEST_CASE("NetSuite: message logs are a phone call per conversation that grows", "[netsuite]") {
  NetSuiteHarness h;
  const std::string jwt = h.LoginJwt();
  auto sms = [](const std::string& id, const std::string& text, const std::string& dir,
                const std::string& at) { return SmsFrom("+14155557002", id, text, dir, at); };
  auto body = [](json::array messages) {
    return ConversationBody(std::move(messages), "+14155557002", 7011, "Ada Lovelace", "contact");
  };
  auto first = h.Send("POST", "/messageLog", jwt,
                      body(json::array{sms("m1", "Hello", "Inbound", "2026-11-24T15:30:00.000Z")}));
  INFO(first.body);
  ExpectSchema("/messageLog", "post", first);
  REQUIRE(h.ns.count("phonecall") == 1);
  CHECK(h.ns.posted("phonecall").at(0) ==
        json::object{{"title", "SMS conversation with Ada Lovelace - 26/11/24"},
                     {"message",
                      "\nConversation summary\nTuesday, November 24, 2026\nParticipants\n    Jane "
                      "NetSuite\n    Ada Lovelace\n\nConversation(1 messages)\nBEGIN\n"
                      "------------\nAda Lovelace (+14155557002) 03:30 PM\nHello\n\n------------\n"
                      "END\n\n--- Created via RingCentral App Connect"},
                     {"phone", "+14155557002"},
                     {"status", "COMPLETE"},
                     {"contact", json::object{{"id", 7011}}},
                     {"company", json::object{{"id", "201"}}}});
  auto second =
      h.Send("POST", "/messageLog", jwt,
             body(json::array{sms("m2", "Hi Ada", "Outbound", "2026-11-24T15:35:00.000Z"),
                              sms("m1", "Hello", "Inbound", "2026-11-24T15:30:00.000Z")}));
  INFO(second.body);
  CHECK(second.Json().at("successful") == true);
  CHECK(h.ns.count("phonecall") == 1);
  const std::string grown(h.ns.record("phonecall", 5001).at("message").as_string());
  CHECK(grown.find("Conversation(2 messages)") != std::string::npos);
  CHECK(grown.find("Hello\n\nJane NetSuite 03:35 PM\nHi Ada\n\n------------\nEND") !=
        std::string::npos);
}

TEST_CASE("NetSuite: appointments are calendar events", "[netsuite][appointments]") {
  NetSuiteHarness h;
  const std::string jwt = h.LoginJwt();
  json::object payload{{"title", "Engine review"},
                       {"summary", "<p>Bring the plans</p>"},
                       {"startTimeUtc", "2026-07-20T19:00:00.000Z"},
                       {"durationMinutes", 30},
                       {"contacts", json::array{json::object{{"id", 7011}}, 7012}}};
  auto created = h.Send("POST", "/appointments", jwt, payload);
  INFO(created.body);
  ExpectSchema("/appointments", "post", created);
  REQUIRE(created.Json().at("successful") == true);
  // New York wall time in July (UTC-4).
  auto event = h.ns.posted("calendarevent").at(0);
  CHECK(event.at("startDate") == "2026-07-20");
  CHECK(event.at("startTime") == "15:00:00");
  CHECK(event.at("endTime") == "15:30:00");
  CHECK(event.at("attendee") ==
        json::parse(R"({"items":[{"attendee":{"id":7011}},{"attendee":{"id":7012}}]})"));
  const std::string id(created.Json().at("appointmentId").as_string());

  auto listed = h.Get("/appointments?startDate=2026-07-01&endDate=2026-07-31", jwt);
  INFO(listed.body);
  ExpectSchema("/appointments", "get", listed);
  auto list = listed.Json().at("appointments").as_array();
  REQUIRE(list.size() == 1);
  CHECK(list[0].at("id") == id.c_str());
  CHECK(list[0].at("startTimeUtc") == "2026-07-20T19:00:00.000Z");  // read back in the same zone
  CHECK(list[0].at("durationMinutes") == 30);
  CHECK(list[0].at("description") == "Bring the plans");

  auto patched =
      h.Send("PATCH", "/appointments/" + id, jwt,
             json::object{{"patch", json::object{{"title", "Engine review (moved)"},
                                                 {"startTimeUtc", "2026-07-21T14:00:00.000Z"},
                                                 {"durationMinutes", 60},
                                                 {"contacts", json::array{7012}}}}});
  INFO(patched.body);
  ExpectSchema("/appointments/{appointmentId}", "patch", patched);
  CHECK(patched.Json().at("appointment").at("title") == "Engine review (moved)");
  CHECK(patched.Json().at("appointment").at("startTimeUtc") == "2026-07-21T14:00:00.000Z");
  auto event_patches = h.ns.patches("calendarevent", std::stoll(id));
  REQUIRE(event_patches.size() == 1);
  CHECK(event_patches[0].at("_replace") == "attendee");

  auto confirmed = h.Send("POST", "/appointments/" + id + "/confirm", jwt, json::object{});
  INFO(confirmed.body);
  CHECK(confirmed.Json().at("returnMessage").at("message") == "Appointment confirmed successfully");
  auto refreshed = h.Get("/appointments/" + id + "/refresh", jwt);
  INFO(refreshed.body);
  ExpectSchema("/appointments/{appointmentId}/refresh", "get", refreshed);
  CHECK(refreshed.Json().at("appointment").at("status") == "CONFIRMED");
  auto cancelled = h.Send("POST", "/appointments/" + id + "/cancel", jwt, json::object{});
  CHECK(cancelled.Json().at("returnMessage").at("message") == "Appointment cancelled successfully");
  CHECK(h.ns.record("calendarevent", std::stoll(id)).at("status").at("id") == "CANCELLED");
  auto missing = h.Get("/appointments/424242/refresh", jwt);
  INFO(missing.body);
  CHECK(missing.Json().at("successful") == false);
}

TEST_CASE("NetSuite: employees feed admin user mapping", "[netsuite][admin]") {
  FakeRingCentral rc;
  NetSuiteHarness h(
      {"--outbound-override", std::string(FakeRingCentral::kServer) + "=" + rc.base_url()});
  const std::string jwt = h.LoginJwt();
  auto mapped = h.PostUserMapping(jwt, {{"101", "Jane Doe"}});
  INFO(mapped.body);
  REQUIRE(mapped.status == 200);
  auto m = mapped.Json().as_array();
  REQUIRE(m.size() == 1);  // the employee without an email is left out
  CHECK(m[0].at("crmUser").at("id") == 7041);
  CHECK(m[0].at("crmUser").at("name") == "Ada M Mapping");
}

TEST_CASE("NetSuite: an account's admin-managed OAuth app logs in and refreshes",
          "[netsuite][oauth]") {
  FakeRingCentral rc;
  NetSuiteHarness h(
      {"--outbound-override", std::string(FakeRingCentral::kServer) + "=" + rc.base_url()});
  json::object app{
      {"clientId", FakeNetSuite::kManagedClientId},
      {"clientSecret", FakeNetSuite::kManagedClientSecret},
      {"accessTokenUri",
       std::string(FakeNetSuite::kRestOrigin) + "/services/rest/auth/oauth2/v1/token"},
      {"redirectUri", "https://ringcentral.github.io/ringcentral-embeddable/redirect.html"}};
  auto cached = Request(
      h.port(), "POST", "/admin/managedOAuth/cache", json::serialize(json::object{{"values", app}}),
      {{"X-RC-Access-Token", FakeRingCentral::kAdminToken}, {"Content-Type", "application/json"}});
  INFO(cached.body);
  REQUIRE(cached.status == 200);
  h.ns.expires_in = 60;  // the next operation refreshes
  const std::string jwt = CrmHarness::JwtOf(h.Login(FakeNetSuite::kHostname, "&rcAccountId=3001"));
  auto found = h.Get("/contact?phoneNumber=%2B14155557100&overridingFormat=", jwt);
  INFO(found.body);
  CHECK(found.Json().at("successful") == true);
  CHECK(h.ns.grants(true) == 2);  // the code exchange and the refresh
  CHECK(h.ns.grants(false) == 0);
  CHECK(h.daemon->Log().find(FakeNetSuite::kManagedClientSecret) == std::string::npos);
}

}  // namespace crmhost::testing
