// Developer Portal connector manifests (issue 14, item 4): the managed-auth routes and
// apiKeyLogin name a connector (connectorId, isPrivate, devRcAccountId) and its manifest's
// login fields replace the plugin's, fetched from a fake portal on loopback that records what
// it was asked, cached for a TTL, and served stale while the portal fails.
#include <catch2/catch.hpp>

#include <atomic>

#include "integration/testcrm_harness.h"

namespace crmhost::testing {
namespace json = boost::json;

namespace {

// The portal's manifest for the "testkey" platform: an account-wide key and region, both
// required and managed (the plugin's own form has apiKey, team and an unmanaged region).
const char* kPortalManifest = R"({"platforms":{"testkey":{"name":"testkey","auth":{
  "type":"apiKey","apiKey":{"page":{"title":"Portal form","content":[
    {"const":"apiKey","title":"API key","type":"inputField","required":true,
     "managed":true,"managedScope":"account"},
    {"const":"region","title":"Region","type":"inputField","required":true,
     "managed":true,"managedScope":"account"}]}}}}}})";

// What the fake portal answers with, switchable by the test.
enum class Mode { kOk, kFail500, kGarbage, kNotFound };

struct FakePortal {
  std::atomic<Mode> mode{Mode::kOk};
  FakeHttpServer server{[this](const RecordedRequest& r) -> FakeResponse {
    switch (mode.load()) {
      case Mode::kFail500:
        return JsonReply(500, json::object{{"error", "portal down"}});
      case Mode::kGarbage: {
        FakeResponse garbage;
        garbage.body = "<html>maintenance</html>";
        garbage.content_type = "text/html";
        return garbage;
      }
      case Mode::kNotFound:
        return JsonReply(404, json::object{{"error", "no such connector"}});
      case Mode::kOk:
        break;
    }
    if (r.path == "/public-api/connectors/internal")
      return JsonReply(200, json::parse(R"({"privateConnectors":[{"id":"p-7","name":"Ours"}],
        "sharedConnectors":[{"id":"s-9","name":"Theirs","accountId":"9999"}]})"));
    if (r.path.rfind("/public-api/connectors/", 0) == 0 && r.path.size() > 9 &&
        r.path.substr(r.path.size() - 9) == "/manifest")
      return JsonReply(200, json::parse(kPortalManifest));
    return JsonReply(404, json::object{{"error", "not found"}});
  }};
  size_t Asked(const std::string& path) const {
    size_t n = 0;
    for (auto& r : server.requests())
      if (r.path == path) ++n;
    return n;
  }
};

HttpResult State(const TestCrmHarness& h, const std::string& query,
                 const char* token = FakeRingCentral::kUserToken) {
  return Request(h.port(), "GET", "/apiKeyManagedAuthState?platform=testkey" + query, {},
                 Rc(token));
}

// The state document of a user with nothing managed stored yet, for a form whose required
// fields are `required` (all managed).
json::value Unsatisfied(json::array required) {
  return json::object{{"hasManagedAuth", true},
                      {"allRequiredFieldsSatisfied", false},
                      {"visibleFieldConsts", required},
                      {"missingRequiredFieldConsts", required},
                      {"fallbackToManualAuth", false}};
}

}  // namespace

TEST_CASE("developer portal: a public connector's managed fields replace the plugin's, cached",
          "[managed][portal]") {
  FakePortal portal;
  // The default portal URL (the reference's), reached through a test-time override.
  TestCrmHarness h({"--outbound-override",
                    "https://appconnect.labs.ringcentral.com=" + portal.server.base_url()});
  h.Start();
  const json::value plugin_form = Unsatisfied({"apiKey", "team"});
  const json::value portal_form = Unsatisfied({"apiKey", "region"});

  // No connector named: the plugin's form; the portal is not asked.
  CHECK(State(h, "").Json() == plugin_form);
  CHECK(portal.server.requests().empty());

  auto named = State(h, "&connectorId=c-42");
  INFO(named.body);
  ExpectSchema("/apiKeyManagedAuthState", "get", named);
  CHECK(named.Json() == portal_form);
  CHECK(portal.Asked("/public-api/connectors/c-42/manifest") == 1);
  // Within the TTL the cached manifest answers.
  CHECK(State(h, "&connectorId=c-42").Json() == portal_form);
  CHECK(portal.Asked("/public-api/connectors/c-42/manifest") == 1);

  // apiKeyLogin with the connector: the portal's required fields are what is missing.
  auto login =
      Request(h.port(), "POST", "/apiKeyLogin",
              json::serialize(json::object{{"platform", "testkey"}, {"connectorId", "c-42"}}),
              {{"Content-Type", "application/json"},
               {"X-RC-Access-Token", FakeRingCentral::kOtherAccountToken}});
  INFO(login.body);
  CHECK(login.status == 400);
  const json::value refused = login.Json();
  CHECK(refused.at("returnMessage").at("missingRequiredFieldConsts") ==
        json::array{"apiKey", "region"});

  // The admin view lists the portal's fields; the admin stores a region the plugin's own
  // form does not manage, and the user's state then counts it.
  const std::string admin_jwt = RedtailHarness().Jwt("admin-testkey", "testkey");
  auto view =
      h.Get("/admin/managedAuth?connectorId=c-42", admin_jwt, Rc(FakeRingCentral::kAdminToken));
  INFO(view.body);
  ExpectSchema("/admin/managedAuth", "get", view);
  const json::value shown = view.Json();
  json::array org_ids;
  for (auto& f : shown.at("orgFields").as_array())
    org_ids.push_back(f.at("const"));
  CHECK(org_ids == json::array{"apiKey", "region"});
  CHECK(shown.at("userFields") == json::array{});
  REQUIRE(h.Send("POST", "/admin/managedAuth", admin_jwt,
                 json::object{{"scope", "org"},
                              {"values", json::object{{"apiKey", "k-1"}, {"region", "eu"}}}},
                 Rc(FakeRingCentral::kAdminToken))
              .status == 200);
  CHECK(State(h, "&connectorId=c-42").Json() ==
        json::object{{"hasManagedAuth", true},
                     {"allRequiredFieldsSatisfied", true},
                     {"visibleFieldConsts", json::array{}},
                     {"missingRequiredFieldConsts", json::array{}},
                     {"fallbackToManualAuth", false}});

  // Ids are percent-encoded: a hostile id stays one path segment of the portal's URL.
  (void)State(h, "&connectorId=" + UrlEncode("../../x?y=1#z"));
  bool encoded = false;
  for (auto& r : portal.server.requests())
    if (r.target.find("..%2F..%2Fx%3Fy%3D1%23z/manifest") != std::string::npos) encoded = true;
  CHECK(encoded);
}

TEST_CASE("developer portal: private, shared and developer connectors ask for the right account",
          "[managed][portal]") {
  FakePortal portal;
  TestCrmHarness h({"--outbound-override",
                    "https://appconnect.labs.ringcentral.com=" + portal.server.base_url()});
  h.Start();
  const json::value portal_form = Unsatisfied({"apiKey", "region"});
  auto last_manifest_query = [&portal] {
    std::string account = "(none)";
    for (auto& r : portal.server.requests())
      if (r.path.find("/manifest") != std::string::npos) {
        CHECK(r.Query("access") == std::optional<std::string>("internal"));
        CHECK(r.Query("type") == std::optional<std::string>("connector"));
        account = r.Query("accountId").value_or("(no accountId)");
      }
    return account;
  };

  // The account's own private connector: its list first, then the manifest for the account.
  CHECK(State(h, "&connectorId=p-7&isPrivate=true").Json() == portal_form);
  auto reqs = portal.server.requests();
  REQUIRE(reqs.size() == 2);
  CHECK(reqs[0].path == "/public-api/connectors/internal");
  CHECK(reqs[0].Query("accountId") == std::optional<std::string>("3001"));
  CHECK(reqs[1].path == "/public-api/connectors/p-7/manifest");
  CHECK(last_manifest_query() == "3001");

  // One shared with the account: the manifest under its owner's account.
  portal.server.clear();
  CHECK(State(h, "&connectorId=s-9&isPrivate=true").Json() == portal_form);
  CHECK(last_manifest_query() == "9999");

  // Not the account's: no manifest is fetched and the plugin's form applies.
  portal.server.clear();
  CHECK(State(h, "&connectorId=x-1&isPrivate=true").Json() == Unsatisfied({"apiKey", "team"}));
  CHECK(portal.Asked("/public-api/connectors/x-1/manifest") == 0);

  // A developer's own connector: straight to the manifest under the developer's account.
  portal.server.clear();
  CHECK(State(h, "&connectorId=d-3&devRcAccountId=555").Json() == portal_form);
  CHECK(portal.Asked("/public-api/connectors/internal") == 0);
  CHECK(last_manifest_query() == "555");
}

TEST_CASE("developer portal: a failing portal is answered from the last good manifest",
          "[managed][portal]") {
  FakePortal portal;
  // Another portal (--developer-portal-url), and TTL 0: every request asks it again, so each
  // failure below is a real one. A loopback portal URL is refused by the outbound policy like
  // any private address: the test reaches the fake through an override of a public name.
  TestCrmHarness h({"--developer-portal-url", "https://portal.example.test/", "--outbound-override",
                    "https://portal.example.test=" + portal.server.base_url(),
                    "--developer-portal-ttl", "0"});
  h.Start();
  const json::value portal_form = Unsatisfied({"apiKey", "region"});
  const json::value plugin_form = Unsatisfied({"apiKey", "team"});

  // Never fetched and the portal down: the plugin's own form, and an answer all the same.
  portal.mode = Mode::kFail500;
  auto down = State(h, "&connectorId=c-1");
  CHECK(down.status == 200);
  CHECK(down.Json() == plugin_form);

  portal.mode = Mode::kOk;
  CHECK(State(h, "&connectorId=c-1").Json() == portal_form);
  const size_t asked = portal.Asked("/public-api/connectors/c-1/manifest");
  for (Mode failing : {Mode::kFail500, Mode::kGarbage}) {
    portal.mode = failing;
    CHECK(State(h, "&connectorId=c-1").Json() == portal_form);  // stale, not lost
  }
  CHECK(portal.Asked("/public-api/connectors/c-1/manifest") == asked + 2);  // it did ask
  CHECK_THAT(h.daemon->Log(), Catch::Contains("using the copy cached"));

  // A 404 is the portal's answer, not an outage: the connector is gone, the plugin's form.
  portal.mode = Mode::kNotFound;
  CHECK(State(h, "&connectorId=c-1").Json() == plugin_form);
  portal.mode = Mode::kFail500;
  CHECK(State(h, "&connectorId=c-1").Json() == plugin_form);
}

}  // namespace crmhost::testing
