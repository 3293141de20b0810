// The first slice end to end, through real processes and sockets: crmhostd with the built
// Redtail plugin, talking to a fake Redtail on 127.0.0.1.
#include <atomic>
#include <csignal>
#include <filesystem>
#include <sstream>
#include <thread>

#include "integration/redtail_harness.h"
#include "support/files.h"

using namespace crmhost::testing;
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

std::string Q(const std::string& jwt) {
  return "jwtToken=" + UrlEncode(jwt);
}

const RecordedRequest* Find(const std::vector<RecordedRequest>& reqs, const std::string& method,
                            const std::string& path) {
  for (auto& r : reqs)
    if (r.method == method && r.path == path) return &r;
  return nullptr;
}

}  // namespace

TEST_CASE("redtail: login with Redtail credentials issues a JWT and a wrong password is refused",
          "[redtail][e2e]") {
  RedtailHarness h;
  h.Start();
  auto ok = h.Login();
  REQUIRE(ok.status == 200);
  ExpectSchema("/apiKeyLogin", "post", ok);
  auto body = ok.Json().as_object();
  CHECK(body.at("name") == FakeRedtail::kUsername);
  CHECK(body.at("returnMessage") ==
        json::parse(R"({"messageType":"success","message":"Connected to Redtail.","ttl":3000})"));
  // The fake saw the reference's login header: Basic base64(key:username:password).
  const auto seen = h.fake.server().requests();
  auto* auth = Find(seen, "GET", "/api/public/v1/authentication");
  REQUIRE(auth);
  CHECK(auth->Header("authorization") ==
        "Basic " + crmhost::Base64Encode(std::string(FakeRedtail::kIntegrationKey) + ":" +
                                         FakeRedtail::kUsername + ":" + FakeRedtail::kPassword));

  auto bad = h.Login("wrong-password");
  CHECK(bad.status == 400);
  ExpectSchema("/apiKeyLogin", "post", bad);
  auto rm = bad.Json().at("returnMessage").as_object();
  CHECK(rm.at("message") == "Could not load user information Please check your credentials.");
  CHECK(rm.at("messageType") == "warning");
  CHECK_FALSE(bad.Json().as_object().contains("jwtToken"));

  auto missing = Request(h.port(), "POST", "/apiKeyLogin", R"({"apiKey":"x"})");
  CHECK(missing.status == 400);
  CHECK(missing.body == "Missing platform name");
}

TEST_CASE("redtail: contact lookup with zero, one and many matches", "[redtail][e2e]") {
  RedtailHarness h;
  h.Start();
  const std::string jwt = h.LoginJwt();
  h.fake.server().clear();

  // One match; the unencoded '+' of the legacy client arrives as a space and is restored.
  auto one = Request(h.port(), "GET",
                     "/contact?" + Q(jwt) + "&phoneNumber=+14155555678&isExtension=false");
  REQUIRE(one.status == 200);
  ExpectSchema("/contact", "get", one);
  auto contacts = one.Json().at("contact").as_array();
  REQUIRE(contacts.size() == 2);
  CHECK(contacts[0].at("id") == 201);
  CHECK(contacts[0].at("name") == "Redtail Contact");
  CHECK(contacts[0].at("phone") == "+14155555678");
  CHECK(contacts[0].at("type") == "contact");
  CHECK(contacts[0].at("createdDate") == "2026-01-02T02:04:05Z");
  CHECK(contacts[0].at("additionalInfo").at("category") ==
        json::parse(R"([{"const":1,"title":"Client"},{"const":2,"title":"Prospect"}])"));
  CHECK(contacts[1].at("id") == "createNewContact");
  CHECK(contacts[1].at("isNewContact") == true);
  CHECK(one.Json().at("successful") == true);
  auto reqs = h.fake.server().requests();
  auto* search = Find(reqs, "GET", "/api/public/v1/contacts/search_basic");
  REQUIRE(search);
  CHECK(search->Query("phone_number") == "4155555678");  // national number, no country code
  CHECK(search->Header("authorization") ==
        crmhost::Base64Encode(std::string(FakeRedtail::kIntegrationKey) + ":" +
                              FakeRedtail::kUserKey));
  CHECK(Find(reqs, "GET", "/api/public/v1/lists/categories"));

  // Many matches, Bearer header instead of the query token.
  auto many = Request(h.port(), "GET", "/contact?phoneNumber=%2B14155550000", {},
                      {{"Authorization", "Bearer " + jwt}});
  REQUIRE(many.status == 200);
  auto m = many.Json().at("contact").as_array();
  REQUIRE(m.size() == 3);
  CHECK(m[0].at("name") == "Ada Lovelace");
  CHECK(m[1].at("name") == "Alan Turing");

  // No match: the default warning, and only the placeholder.
  auto none = Request(h.port(), "GET", "/contact?" + Q(jwt) + "&phoneNumber=%2B14155559999");
  REQUIRE(none.status == 200);
  ExpectSchema("/contact", "get", none);
  auto nb = none.Json().as_object();
  CHECK(nb.at("successful") == true);
  CHECK(nb.at("returnMessage").at("message") == "Contact not found");
  CHECK(nb.at("returnMessage").at("details").at(0).at("items").at(0).at("text") ==
        "A contact with the phone number +14155559999 could not be found in your redtail account.");
  CHECK(nb.at("contact").as_array().size() == 1);

  // Extension numbers are not looked up.
  auto ext = Request(h.port(), "GET", "/contact?" + Q(jwt) + "&phoneNumber=101&isExtension=true");
  CHECK(ext.Json().at("successful") == false);
}

// Redtail searches an invalid number as given and a valid one by its national significant
// number; validity is libphonenumber's, as in the reference (issue 14).
TEST_CASE("redtail: invalid numbers are searched as given, valid ones by national number",
          "[redtail][phone]") {
  RedtailHarness h;
  h.Start();
  const std::string jwt = h.LoginJwt();
  auto searched = [&h] {
    for (auto& r : h.fake.server().requests())
      if (r.path.find("/contacts/search_basic") != std::string::npos)
        return r.Query("phone_number").value_or("?");
    return std::string("(no search)");
  };
  for (const char* number : {"+44207183875", "+3361234567", "+6141234567", "+551198765432"}) {
    INFO(number);
    h.fake.server().clear();
    CHECK(Request(h.port(), "GET", "/contact?" + Q(jwt) + "&phoneNumber=" + UrlEncode(number))
              .status == 200);
    CHECK(searched() == number);
  }
  h.fake.server().clear();
  (void)Request(h.port(), "GET", "/contact?" + Q(jwt) + "&phoneNumber=%2B4915112345678");
  CHECK(searched() == "15112345678");
}

TEST_CASE("redtail: a call is logged as exactly one completed activity, read back and updated",
          "[redtail][e2e]") {
  RedtailHarness h;
  h.Start();
  const std::string jwt = h.LoginJwt();
  h.fake.server().clear();

  auto created =
      Request(h.port(), "POST", "/callLog?" + Q(jwt), json::serialize(CallBody("sess-1")));
  REQUIRE(created.status == 200);
  ExpectSchema("/callLog", "post", created);
  CHECK(created.Json() == json::parse(R"({"successful":true,"logId":301,
                                          "returnMessage":{"message":"Call logged","messageType":"success","ttl":2000}})"));
  auto reqs = h.fake.server().requests();
  auto* post = Find(reqs, "POST", "/api/public/v1/activities");
  REQUIRE(post);
  auto activity = json::parse(post->body).as_object();
  CHECK(activity.at("subject") == "Renewal call");
  CHECK(activity.at("description") ==
        "<b>Agent notes</b><br>Discussed renewal<br><br><b>Call details</b><br>"
        "<li><b>Summary</b>: Renewal call</li><li><b>Date/time</b>: 2026-01-02 03:04:05 AM</li>"
        "<li><b>Duration</b>: 5 minutes</li><li><b>Result</b>: Completed</li>"
        "<li><b>Call recording link</b>: <a target=\"_blank\" "
        "href=\"https://recordings.example.test/r.wav\">open</a></li>");
  CHECK(activity.at("start_date") == "2026-01-02T03:04:05.000Z");
  CHECK(activity.at("end_date") == "2026-01-02T03:09:05.000Z");
  CHECK(activity.at("activity_code_id") == 3);
  CHECK(activity.at("category_id") == 1);
  CHECK(activity.at("repeats") == "never");
  CHECK(activity.at("linked_contacts") == json::parse(R"([{"contact_id":201}])"));
  auto* note = Find(reqs, "POST", "/api/public/v1/activities/301/notes");
  REQUIRE(note);
  CHECK(json::parse(note->body) ==
        json::parse(R"({"category_id":1,"note_type":1,"body":"Discussed renewal"})"));
  auto* complete = Find(reqs, "PUT", "/api/public/v1/activities/301");
  REQUIRE(complete);
  CHECK(json::parse(complete->body) == json::parse(R"({"completed":true})"));
  CHECK(h.fake.activity_count() == 1);

  // The same call again: refused before Redtail is touched.
  h.fake.server().clear();
  auto dup = Request(h.port(), "POST", "/callLog?" + Q(jwt), json::serialize(CallBody("sess-1")));
  REQUIRE(dup.status == 200);
  ExpectSchema("/callLog", "post", dup);
  CHECK(dup.Json() ==
        json::parse(
            R"({"successful":false,"returnMessage":{"message":"Existing log for session sess-1",
                                      "messageType":"warning","ttl":3000}})"));
  CHECK(h.fake.server().requests().empty());

  // Which calls are logged?
  auto lookup = Request(
      h.port(), "GET",
      "/callLog?" + Q(jwt) + "&sessionIds=sess-1,sess-404&hashedExtensionId=hashed-ext-105");
  REQUIRE(lookup.status == 200);
  ExpectSchema("/callLog", "get", lookup);
  CHECK(
      lookup.Json() ==
      json::parse(R"({"successful":true,"logs":[{"sessionId":"sess-1","matched":true,"logId":"301"},
                                                                   {"sessionId":"sess-404","matched":false}],
                                                     "returnMessage":null})"));
  auto details =
      Request(h.port(), "GET",
              "/callLog?" + Q(jwt) +
                  "&sessionIds=sess-1&hashedExtensionId=hashed-ext-105&requireDetails=true");
  REQUIRE(details.status == 200);
  ExpectSchema("/callLog", "get", details);
  // Redtail's getCallLog gives no returnMessage, so the reference leaves the key out.
  CHECK_FALSE(details.Json().as_object().contains("returnMessage"));
  auto log_data = details.Json().at("logs").at(0).at("logData").as_object();
  CHECK(log_data.at("subject") == "Renewal call");
  CHECK(log_data.at("note") == "Discussed renewal");
  CHECK(log_data.at("contactName") == "Redtail Contact");
  CHECK(log_data.at("dispositions") == json::parse(R"({"category":1})"));

  // A later update: the user edits the note in the CRM's text and App Connect adds an AI note.
  h.fake.SetActivityDescription(
      301, std::string(activity.at("description").get_string()) + "<p>typed in Redtail</p>");
  h.fake.server().clear();
  json::object patch{{"sessionId", "sess-1"},    {"hashedExtensionId", "hashed-ext-105"},
                     {"note", "Renewal agreed"}, {"aiNote", "Customer accepted the quote"},
                     {"duration", 310},          {"startTime", 1767323045000}};
  auto updated = Request(h.port(), "PATCH", "/callLog?" + Q(jwt), json::serialize(patch));
  REQUIRE(updated.status == 200);
  ExpectSchema("/callLog", "patch", updated);
  auto ub = updated.Json().as_object();
  CHECK(ub.at("successful") == true);
  CHECK(ub.at("logId") == "301");
  CHECK(ub.at("returnMessage").at("message") == "Call log updated.");
  reqs = h.fake.server().requests();
  REQUIRE(Find(reqs, "GET", "/api/public/v1/activities/301"));
  CHECK(Find(reqs, "GET", "/api/public/v1/activities/301")->Header("include") == "linked_contacts");
  auto* put = Find(reqs, "PUT", "/api/public/v1/activities/301");
  REQUIRE(put);
  const std::string expected =
      "<b>Agent notes</b><br>Renewal agreed<br><br><b>Call details</b><br>"
      "<li><b>Summary</b>: Renewal call</li><li><b>Date/time</b>: 2026-01-02 03:04:05 AM</li>"
      "<li><b>Duration</b>: 5 minutes, 10 seconds</li><li><b>Result</b>: Completed</li>"
      "<li><b>Call recording link</b>: <a target=\"_blank\" "
      "href=\"https://recordings.example.test/r.wav\">open</a></li>"
      "<p>typed in Redtail</p><div><b>AI Note</b><br>Customer accepted the quote</div><br>";
  auto put_body = json::parse(put->body).as_object();
  CHECK(put_body.at("description") == json::value(expected));
  CHECK(put_body.at("end_date") == "2026-01-02T03:09:15.000Z");
  CHECK(ub.at("updatedNote") == json::value(expected));
  CHECK(h.fake.activity_count() == 1);

  // An update for a call that was never logged changes nothing.
  auto unknown =
      Request(h.port(), "PATCH", "/callLog?" + Q(jwt), R"({"sessionId":"never","note":"x"})");
  CHECK(unknown.Json() == json::parse(R"({"successful":false})"));
}

TEST_CASE("redtail: 20 concurrent identical call logs reach Redtail once", "[redtail][e2e]") {
  RedtailHarness h;
  h.Start();
  const std::string jwt = h.LoginJwt();
  const std::string body = json::serialize(CallBody("sess-race"));
  std::atomic<int> logged{0}, existing{0}, other{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 20; ++i)
    clients.emplace_back([&] {
      auto r = Request(h.port(), "POST", "/callLog?" + Q(jwt), body);
      auto j = r.status == 200 ? r.Json().as_object() : json::object();
      if (j.contains("successful") && j.at("successful") == true) {
        ++logged;
      } else if (j.contains("returnMessage") &&
                 j.at("returnMessage").at("message") == "Existing log for session sess-race") {
        ++existing;
      } else {
        ++other;
      }
    });
  for (auto& t : clients)
    t.join();
  CHECK(logged == 1);
  CHECK(existing == 19);
  CHECK(other == 0);
  CHECK(h.fake.server().count("POST", "/api/public/v1/activities") == 1);
  CHECK(h.fake.activity_count() == 1);
}

TEST_CASE("redtail: logout answers the connector's message and drops the credentials",
          "[redtail][e2e]") {
  RedtailHarness h;
  h.Start();
  const std::string jwt = h.LoginJwt();
  auto out = Request(h.port(), "POST", "/unAuthorize?" + Q(jwt));
  REQUIRE(out.status == 200);
  ExpectSchema("/unAuthorize", "post", out);
  CHECK(out.Json() ==
        json::parse(R"({"messageType":"success","message":"Logged out of Redtail","ttl":1000})"));
  auto after = Request(h.port(), "GET", "/contact?" + Q(jwt) + "&phoneNumber=%2B14155555678");
  CHECK(after.Json() ==
        json::parse(R"({"successful":false,"returnMessage":{"message":"Contact not found",
                                        "messageType":"warning","ttl":5000}})"));
  auto nobody = Request(h.port(), "POST", "/unAuthorize?" + Q(h.Jwt("ghost-redtail", "redtail")));
  CHECK(nobody.status == 400);
  CHECK(nobody.body == "User not found");
}

TEST_CASE(
    "redtail: logins and call links survive a daemon restart and no secret is on disk in clear",
    "[redtail][e2e]") {
  RedtailHarness h;
  h.Start();
  const std::string jwt = h.LoginJwt();
  REQUIRE(Request(h.port(), "POST", "/callLog?" + Q(jwt), json::serialize(CallBody("sess-restart")))
              .Json()
              .at("successful") == true);
  CHECK(h.daemon->Stop(SIGTERM) == 0);
  CHECK_THAT(h.daemon->Log(), Catch::Contains("crmhostd stopped"));

  h.Start();
  auto contact = Request(h.port(), "GET", "/contact?" + Q(jwt) + "&phoneNumber=%2B14155555678");
  REQUIRE(contact.status == 200);
  CHECK(contact.Json().at("contact").at(0).at("id") == 201);
  auto lookup =
      Request(h.port(), "GET",
              "/callLog?" + Q(jwt) + "&sessionIds=sess-restart&hashedExtensionId=hashed-ext-105");
  CHECK(lookup.Json().at("logs").at(0).at("matched") == true);
  auto dup =
      Request(h.port(), "POST", "/callLog?" + Q(jwt), json::serialize(CallBody("sess-restart")));
  CHECK(dup.Json().at("returnMessage").at("message") == "Existing log for session sess-restart");
  auto patched = Request(
      h.port(), "PATCH", "/callLog?" + Q(jwt),
      R"({"sessionId":"sess-restart","hashedExtensionId":"hashed-ext-105","note":"after restart"})");
  CHECK(patched.Json().at("successful") == true);
  CHECK(h.fake.activity_count() == 1);

  h.daemon->Stop(SIGTERM);
  h.ExpectSecretsSealed(jwt);
}
