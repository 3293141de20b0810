// User settings, admin configuration and admin-managed credentials through the running daemon,
// with RingCentral identities from a fake RingCentral (account 3001: admin ext 101, user ext
// 102; account 4001: user ext 201).
#include <catch2/catch.hpp>

#include <regex>
#include <thread>

#include "integration/testcrm_harness.h"

namespace crmhost::testing {
namespace json = boost::json;

namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

HttpResult PostJson(uint16_t port, const std::string& target, const json::value& body,
                    Headers headers) {
  headers.emplace_back("Content-Type", "application/json");
  return Request(port, "POST", target, json::serialize(body), headers);
}

}  // namespace

TEST_CASE("admin settings need a RingCentral admin", "[admin]") {
  TestCrmHarness h;
  h.Start();
  const std::string jwt = h.LoginJwt("testcrm", "&rcAccountId=3001");
  auto no_token = h.Get("/admin/settings", jwt);
  CHECK(no_token.status == 400);
  CHECK(no_token.Json().as_object().contains("error"));
  auto bad_token = h.Get("/admin/settings", jwt, Rc("not-a-token"));
  CHECK(bad_token.status == 400);
  auto not_admin = h.Get("/admin/settings", jwt, Rc(FakeRingCentral::kUserToken));
  CHECK(not_admin.status == 403);
  CHECK(not_admin.body == "Admin validation failed");
  auto empty = h.Get("/admin/settings", jwt, Rc(FakeRingCentral::kAdminToken));
  CHECK(empty.body == R"({"customConnector":null,"userSettings":{}})");
  ExpectSchema("/admin/settings", "get", empty);

  json::object settings{{"autoLog", json::object{{"value", true}, {"customizable", false}}}};
  auto refused = PostJson(h.port(), "/admin/settings",
                          json::object{{"adminSettings", json::object{{"userSettings", settings}}}},
                          Rc(FakeRingCentral::kUserToken));
  CHECK(refused.status == 403);
  auto saved = PostJson(h.port(), "/admin/settings",
                        json::object{{"adminSettings", json::object{{"userSettings", settings}}}},
                        Rc(FakeRingCentral::kAdminToken));
  CHECK(saved.status == 200);
  CHECK(saved.body == "Admin settings updated");
  ExpectSchema("/admin/settings", "post", saved);
  auto row = h.Get("/admin/settings", jwt, Rc(FakeRingCentral::kAdminToken));
  ExpectSchema("/admin/settings", "get", row);
  CHECK(row.Json().at("userSettings") == settings);
  CHECK_FALSE(row.Json().as_object().contains("adminAccessToken"));
  // The row as the reference's table answers it: ISO timestamps, unset columns null.
  const json::value stored = row.Json();
  CHECK(std::regex_match(std::string(stored.at("createdAt").as_string()),
                         std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
  CHECK(stored.at("updatedAt").is_string());
  CHECK(stored.at("customAdapter").is_null());
  CHECK(stored.at("userMappings").is_null());
  // Another account sees nothing of it: no admin configuration, no userSettings key (the
  // reference's undefined).
  auto other = Request(h.port(), "GET", "/user/preloadSettings", {},
                       Rc(FakeRingCentral::kOtherAccountToken));
  CHECK(other.body == "{}");
  // RingCentral was asked once per token, not once per request (60 s cache).
  CHECK(h.rc.server().count("GET", "/restapi/v1.0/account/~/extension/~") == 4);
  // RingCentral tokens are neither logged nor stored.
  for (const char* token : {FakeRingCentral::kAdminToken, FakeRingCentral::kUserToken}) {
    CHECK(h.daemon->Log().find(token) == std::string::npos);
    CHECK_FALSE(AnyFileContains(h.dir / "data", token));
  }
}

TEST_CASE("user settings: preload, merge with the admin's, save, refresh", "[user]") {
  TestCrmHarness h;
  h.Start();
  const std::string jwt = h.LoginJwt("testcrm", "&rcAccountId=3001");
  auto none = Request(h.port(), "GET", "/user/preloadSettings");
  CHECK(none.status == 400);
  CHECK(none.body == "Cannot find rc user login");

  json::object admin{
      {"autoLog", json::object{{"value", true}, {"customizable", false}}},
      {"theme", json::object{{"value", "dark"}, {"customizable", true}}},
      {"gone", json::object{{"value", 1}, {"isRemoved", true}}},
      {"plugin_x",
       json::object{
           {"customizable", true},
           {"value",
            json::object{
                {"config", json::object{{"a", json::object{{"value", 1}, {"customizable", false}}},
                                        {"b", json::object{{"value", 2}, {"customizable", true}}},
                                        {"c", json::object{{"value", 3}}}}}}}}},
      // A plugin entry the admin does not let users customize: the admin's, whole.
      {"plugin_y",
       json::object{
           {"value", json::object{{"config", json::object{{"k", json::object{{"value", 4}}}}}}}}}};
  REQUIRE(PostJson(h.port(), "/admin/settings",
                   json::object{{"adminSettings", json::object{{"userSettings", admin}}}},
                   Rc(FakeRingCentral::kAdminToken))
              .status == 200);
  auto preload =
      Request(h.port(), "GET", "/user/preloadSettings", {}, Rc(FakeRingCentral::kUserToken));
  ExpectSchema("/user/preloadSettings", "get", preload);
  CHECK(preload.Json().at("userSettings") == admin);
  auto hashes = Request(h.port(), "GET", "/userInfoHash?extensionId=102&accountId=3001").Json();
  auto by_hash = Request(
      h.port(), "GET",
      "/user/preloadSettings?rcAccountId=" + std::string(hashes.at("accountId").as_string()));
  CHECK(by_hash.Json().at("userSettings") == admin);

  json::object mine{
      {"theme", json::object{{"value", "light"}}},
      {"autoLog", json::object{{"value", false}}},
      {"own", json::object{{"value", 5}}},
      {"gone", json::object{{"value", 2}}},
      {"plugin_x",
       json::object{
           {"value", json::object{{"config", json::object{{"a", json::object{{"value", 9}}},
                                                          {"b", json::object{{"value", 7}}},
                                                          {"c", json::object{{"value", 8}}}}}}}}},
      {"plugin_y",
       json::object{
           {"value", json::object{{"config", json::object{{"k", json::object{{"value", 5}}}}}}}}}};
  auto posted = h.Send("POST", "/user/settings", jwt, json::object{{"userSettings", mine}});
  INFO(posted.body);
  CHECK(posted.status == 200);
  CHECK(posted.body == "{}");  // the plugin's onUpdateUserSettings accepted: the reference's {}
  ExpectSchema("/user/settings", "post", posted);

  auto effective = h.Get("/user/settings", jwt, Rc(FakeRingCentral::kUserToken));
  INFO(effective.body);
  ExpectSchema("/user/settings", "get", effective);
  auto e = effective.Json().as_object();
  CHECK(e.at("autoLog") == admin.at("autoLog"));  // not customizable: the admin's
  CHECK(e.at("theme") == json::object{{"customizable", true}, {"value", "light"}});
  CHECK(e.at("own") == json::object{{"customizable", true}, {"value", 5}});
  CHECK_FALSE(e.contains("gone"));
  // plugin_x, field by field: a and c (no customizable flag) are the admin's, b the user's.
  CHECK(e.at("plugin_x") ==
        json::parse(R"({"customizable":true,"value":{"config":{)"
                    R"("a":{"value":1,"customizable":false},)"
                    R"("b":{"value":7,"customizable":true},"c":{"value":3}}}})"));
  CHECK(e.at("plugin_y") == admin.at("plugin_y"));
  // Without a RingCentral token the user's known account still finds the admin's settings.
  CHECK(h.Get("/user/settings", jwt).Json().at("autoLog") == admin.at("autoLog"));

  // The plugin refuses a setting: nothing is saved.
  auto refused =
      h.Send("POST", "/user/settings", jwt,
             json::object{{"userSettings", json::object{{"reject", json::object{{"value", 1}}}}}});
  CHECK(refused.Json().at("successful") == false);
  CHECK_FALSE(h.Get("/user/settings", jwt).Json().as_object().contains("reject"));
  auto removed = h.Send("POST", "/user/settings", jwt,
                        json::object{{"settingKeysToRemove", json::array{"own"}}});
  CHECK(removed.status == 200);
  CHECK_FALSE(h.Get("/user/settings", jwt).Json().as_object().contains("own"));
  auto ghost = h.Get("/user/settings", RedtailHarness().Jwt("ghost-testcrm", "testcrm"));
  CHECK(ghost.status == 400);
  CHECK(ghost.body == "User not found");

  auto refreshed = h.Send("POST", "/user/refreshInfo", jwt, json::object{});
  ExpectSchema("/user/refreshInfo", "post", refreshed);
  CHECK(refreshed.Json().at("successful") == true);
  CHECK(refreshed.Json().at("returnMessage").at("message") == "User info refreshed");
  auto redtail = h.Send("POST", "/user/refreshInfo",
                        RedtailHarness().Jwt("jdoe-redtail", "redtail"), json::object{});
  CHECK(redtail.body == R"({"successful":true})");
}

TEST_CASE("user settings: concurrent saves of different keys and a token refresh all land",
          "[user]") {
  TestCrmHarness h;
  h.Start();
  h.crm.expires_in = 60;  // the token is due: the validations below refresh it
  const std::string jwt = h.LoginJwt();
  h.crm.expires_in = 3600;
  h.crm.token_delay_ms = 200;  // the refresh is in flight while the settings are saved
  std::vector<HttpResult> saves(20), checks(6);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < saves.size(); ++i)
    threads.emplace_back([&, i] {
      saves[i] = h.Send(
          "POST", "/user/settings", jwt,
          json::object{{"userSettings", json::object{{"key" + std::to_string(i),
                                                      json::object{{"value", int64_t(i)}}}}}});
    });
  for (size_t i = 0; i < checks.size(); ++i)
    threads.emplace_back([&, i] { checks[i] = h.Get("/authValidation", jwt); });
  for (auto& t : threads)
    t.join();
  for (auto& r : saves) {
    INFO(r.status << " " << r.body);
    CHECK(r.status == 200);
  }
  auto got = h.Get("/user/settings", jwt);
  REQUIRE(got.status == 200);
  const json::value settings = got.Json();
  for (size_t i = 0; i < saves.size(); ++i) {
    INFO("key" << i << " in " << got.body);
    CHECK(settings.as_object().contains("key" + std::to_string(i)));
  }
  // The refreshed tokens were not written over by a save holding the old ones: the CRM accepts
  // only the newest, and a second refresh is not needed.
  CHECK(h.crm.refresh_calls() == 1);
  CHECK(h.Get("/authValidation", jwt).body == R"({"successful":true})");
  CHECK(h.crm.refresh_calls() == 1);
}

TEST_CASE("admin user mapping matches CRM users to RingCentral extensions", "[admin]") {
  TestCrmHarness h;
  h.Start();
  const std::string jwt = h.LoginJwt("testcrm", "&rcAccountId=3001");
  json::array extensions{json::object{{"id", "101"},
                                      {"name", "Someone"},
                                      {"email", "grace@example.com"},
                                      {"extensionNumber", "101"}},
                         json::object{{"id", "102"},
                                      {"firstName", "Ada"},
                                      {"lastName", "Lovelace"},
                                      {"extensionNumber", "102"}}};
  auto body = json::object{{"rcExtensionList", extensions}};
  auto mapped = h.Send("POST", "/admin/userMapping", jwt, body, Rc(FakeRingCentral::kAdminToken));
  INFO(mapped.body);
  REQUIRE(mapped.status == 200);
  // The reference answers an array here; its OpenAPI only names a generic JSON object, so the
  // shape is checked field by field instead.
  auto m = mapped.Json().as_array();
  REQUIRE(m.size() == 2);
  CHECK(m[0].at("crmUser").at("id") == "u1");
  CHECK(m[0].at("rcUser").at(0).at("extensionId") == "101");  // by email
  CHECK(m[1].at("rcUser").at(0).at("extensionId") == "102");  // by first + last name
  auto stored = h.Get("/admin/settings", jwt, Rc(FakeRingCentral::kAdminToken)).Json();
  CHECK(stored.at("userMappings").as_array().size() == 2);

  // An admin's manual mapping survives the next call; reinitializing replaces it.
  json::object manual{
      {"adminSettings",
       json::object{{"userMappings",
                     json::array{json::object{{"crmUserId", "u1"}, {"rcExtensionId", "102"}}}}}}};
  REQUIRE(PostJson(h.port(), "/admin/settings", manual, Rc(FakeRingCentral::kAdminToken)).status ==
          200);
  auto again =
      h.Send("POST", "/admin/userMapping", jwt, body, Rc(FakeRingCentral::kAdminToken)).Json();
  CHECK(again.at(0).at("rcUser").at(0).at("extensionId") == "102");
  auto reset =
      h.Send("POST", "/admin/reinitializeUserMapping", jwt, body, Rc(FakeRingCentral::kAdminToken));
  CHECK(reset.Json().at(0).at("rcUser").at(0).at("extensionId") == "101");
  auto forbidden = h.Send("POST", "/admin/userMapping", jwt, body, Rc(FakeRingCentral::kUserToken));
  CHECK(forbidden.status == 403);
  // A caller who is no user: the reference's 400 text, before any admin check.
  auto no_user =
      h.Send("POST", "/admin/userMapping", RedtailHarness().Jwt("ghost-testcrm", "testcrm"), body,
             Rc(FakeRingCentral::kUserToken));
  CHECK(no_user.status == 400);
  CHECK(no_user.body == "User not found");
  // The CRM failing: the reference's getUserList throws and the route answers axios's text.
  h.crm.api_status = 500;
  auto failing = h.Send("POST", "/admin/userMapping", jwt, body, Rc(FakeRingCentral::kAdminToken));
  h.crm.api_status = 0;
  CHECK(failing.status == 400);
  CHECK(failing.body == R"({"error":"Request failed with status code 500"})");
  // The session revoked (the refresh grant refused): 401 with the handler's whole result.
  h.crm.invalid_grant = true;
  h.crm.expires_in = 0;
  auto relogin = h.LoginJwt("testcrm", "&rcAccountId=3001");
  auto revoked =
      h.Send("POST", "/admin/userMapping", relogin, body, Rc(FakeRingCentral::kAdminToken));
  INFO(revoked.body);
  CHECK(revoked.status == 401);
  CHECK(
      revoked.Json() ==
      json::parse(R"({"successful":false,"returnMessage":{"message":)"
                  R"("User session expired. Please connect again.","messageType":"warning",)"
                  R"("ttl":5000},"isRevokeUserSession":true,"errorCode":"CRM_SESSION_REVOKED"})"));
}

TEST_CASE("server-side logging settings go through the plugin", "[admin]") {
  TestCrmHarness h;
  h.Start();
  const std::string jwt = h.LoginJwt();
  auto before = h.Get("/admin/serverLoggingSettings", jwt);
  ExpectSchema("/admin/serverLoggingSettings", "get", before);
  CHECK(before.body == R"({"apiUsername":""})");
  auto missing = h.Send("POST", "/admin/serverLoggingSettings", jwt, json::object{});
  CHECK(missing.status == 400);
  CHECK(missing.body == "Missing additionalFieldValues");
  auto saved =
      h.Send("POST", "/admin/serverLoggingSettings", jwt,
             json::object{{"additionalFieldValues", json::object{{"apiUsername", "svc-user"}}}});
  ExpectSchema("/admin/serverLoggingSettings", "post", saved);
  CHECK(saved.Json().at("successful") == true);
  CHECK(h.Get("/admin/serverLoggingSettings", jwt).body == R"({"apiUsername":"svc-user"})");
}

TEST_CASE("managed OAuth: pending credentials become the account's after a login",
          "[admin][oauth]") {
  TestCrmHarness h;
  h.Start();
  json::object wrong{
      {"clientId", FakeTestCrm::kClientId},
      {"clientSecret", "wrong-secret"},
      {"accessTokenUri", std::string(FakeTestCrm::kApi) + "/oauth/token"},
      {"redirectUri", "https://ringcentral.github.io/ringcentral-embeddable/redirect.html"}};
  auto cached = PostJson(h.port(), "/admin/managedOAuth/cache", json::object{{"values", wrong}},
                         Rc(FakeRingCentral::kAdminToken));
  CHECK(cached.body == R"({"successful":true})");
  ExpectSchema("/admin/managedOAuth/cache", "post", cached);
  CHECK(PostJson(h.port(), "/admin/managedOAuth/cache", json::object{{"values", wrong}},
                 Rc(FakeRingCentral::kUserToken))
            .status == 403);

  auto state = Request(h.port(), "GET", "/oauthManagedAuthState?platform=testcrm", {},
                       Rc(FakeRingCentral::kAdminToken));
  ExpectSchema("/oauthManagedAuthState", "get", state);
  CHECK(state.Json().at("hasPendingOAuth") == true);
  CHECK(state.Json().at("pendingValues").at("clientSecret") == "wrong-secret");
  auto user_view = Request(h.port(), "GET", "/oauthManagedAuthState?platform=testcrm", {},
                           Rc(FakeRingCentral::kUserToken));
  // A non-admin learns nothing of the pending app: the whole document.
  CHECK(user_view.Json() ==
        json::value(json::object{
            {"isAdmin", false}, {"hasAccountOAuth", false}, {"hasPendingOAuth", false}}));

  // The account's login uses the managed app (its wrong secret fails at the token endpoint);
  // another account still uses the plugin's.
  CHECK(h.OAuthLogin("testcrm", "&rcAccountId=3001").status == 400);
  CHECK(h.OAuthLogin("testcrm", "&rcAccountId=4001").status == 200);

  auto deleted = Request(h.port(), "DELETE", "/admin/managedOAuth/cache", {},
                         Rc(FakeRingCentral::kAdminToken));
  ExpectSchema("/admin/managedOAuth/cache", "delete", deleted);
  CHECK(deleted.body == R"({"successful":true})");
  json::object right = wrong;
  right["clientSecret"] = FakeTestCrm::kClientSecret;
  REQUIRE(PostJson(h.port(), "/admin/managedOAuth/cache", json::object{{"values", right}},
                   Rc(FakeRingCentral::kAdminToken))
              .status == 200);
  CHECK(h.OAuthLogin("testcrm", "&rcAccountId=3001").status == 200);
  auto after = Request(h.port(), "GET", "/oauthManagedAuthState?platform=testcrm", {},
                       Rc(FakeRingCentral::kUserToken))
                   .Json();
  CHECK(after.at("hasAccountOAuth") == true);
  CHECK(after.at("hasPendingOAuth") == false);
  CHECK(after.at("oauthValues").at("clientId") == FakeTestCrm::kClientId);
  CHECK_FALSE(after.at("oauthValues").as_object().contains("clientSecret"));
  CHECK_FALSE(AnyFileContains(h.dir / "data", FakeTestCrm::kClientSecret));

  auto reset = Request(h.port(), "DELETE", "/admin/managedOAuth/account?platform=testcrm", {},
                       Rc(FakeRingCentral::kAdminToken));
  ExpectSchema("/admin/managedOAuth/account", "delete", reset);
  CHECK(Request(h.port(), "GET", "/oauthManagedAuthState?platform=testcrm", {},
                Rc(FakeRingCentral::kUserToken))
            .Json()
            .at("hasAccountOAuth") == false);
  CHECK(Request(h.port(), "DELETE", "/admin/managedOAuth/account", {},
                Rc(FakeRingCentral::kAdminToken))
            .body == "Missing platform name");
}

TEST_CASE("managed API-key fields: admin sets them, users log in without typing them",
          "[admin][managed]") {
  TestCrmHarness h;
  h.Start();
  const std::string admin_jwt = RedtailHarness().Jwt("admin-testkey", "testkey");
  auto state0 = Request(h.port(), "GET", "/apiKeyManagedAuthState?platform=testkey", {},
                        Rc(FakeRingCentral::kUserToken));
  ExpectSchema("/apiKeyManagedAuthState", "get", state0);
  CHECK(state0.Json().at("hasManagedAuth") == true);
  CHECK(state0.Json().at("missingRequiredFieldConsts") == json::array{"apiKey", "team"});
  CHECK(Request(h.port(), "GET", "/apiKeyManagedAuthState?platform=testkey").body ==
        "Missing RingCentral access token");
  CHECK(Request(h.port(), "GET", "/apiKeyManagedAuthState", {}, Rc(FakeRingCentral::kUserToken))
            .body == "Missing platform name");

  auto org = h.Send(
      "POST", "/admin/managedAuth", admin_jwt,
      json::object{{"scope", "org"}, {"values", json::object{{"apiKey", FakeTestCrm::kApiKey}}}},
      Rc(FakeRingCentral::kAdminToken));
  CHECK(org.body == "Shared authentication updated");
  ExpectSchema("/admin/managedAuth", "post", org);
  auto user = h.Send(
      "POST", "/admin/managedAuth", admin_jwt,
      json::object{{"scope", "user"},
                   {"rcExtensionId", "102"},
                   {"rcUserName", "Ext 102"},
                   {"values", json::object{{"team", FakeTestCrm::kTeam}, {"apiKey", "ignored"}}}},
      Rc(FakeRingCentral::kAdminToken));
  CHECK(user.status == 200);
  CHECK(h.Send("POST", "/admin/managedAuth", admin_jwt, json::object{{"scope", "org"}},
               Rc(FakeRingCentral::kUserToken))
            .status == 403);

  auto view = h.Get("/admin/managedAuth", admin_jwt, Rc(FakeRingCentral::kAdminToken));
  INFO(view.body);
  ExpectSchema("/admin/managedAuth", "get", view);
  auto v = view.Json().as_object();
  CHECK(v.at("hasManagedAuth") == true);
  CHECK(v.at("orgValues").at("apiKey").at("value") == FakeTestCrm::kApiKey);
  CHECK(v.at("userValues").at(0).at("rcExtensionId") == "102");
  CHECK(v.at("userValues").at(0).at("fields").at("team").at("hasValue") == true);
  CHECK_FALSE(v.at("userValues").at(0).at("fields").as_object().contains("apiKey"));

  auto options = PostJson(h.port(), "/admin/managedAuth/options?platform=testkey",
                          json::object{{"fieldConst", "team"}}, Rc(FakeRingCentral::kAdminToken));
  ExpectSchema("/admin/managedAuth/options", "post", options);
  CHECK(options.body == R"([{"value":"1","label":"Team team"},{"value":"b","label":"Team B"}])");
  auto not_dynamic =
      PostJson(h.port(), "/admin/managedAuth/options?platform=testkey",
               json::object{{"fieldConst", "apiKey"}}, Rc(FakeRingCentral::kAdminToken));
  CHECK(not_dynamic.status == 400);
  CHECK(not_dynamic.body == "Missing managed auth field");

  auto state = Request(h.port(), "GET", "/apiKeyManagedAuthState?platform=testkey", {},
                       Rc(FakeRingCentral::kUserToken))
                   .Json();
  CHECK(state.at("allRequiredFieldsSatisfied") == true);
  CHECK(state.at("visibleFieldConsts") == json::array{});

  // Ext 102 logs in with nothing typed; account 4001 has nothing managed.
  json::object login{{"platform", "testkey"}, {"apiKey", "apiKey"}};
  login["apiKey"] = nullptr;
  auto ok = PostJson(h.port(), "/apiKeyLogin", json::object{{"platform", "testkey"}},
                     Rc(FakeRingCentral::kUserToken));
  INFO(ok.body);
  CHECK(ok.status == 200);
  CHECK(ok.Json().as_object().contains("jwtToken"));
  auto missing = PostJson(h.port(), "/apiKeyLogin", json::object{{"platform", "testkey"}},
                          Rc(FakeRingCentral::kOtherAccountToken));
  CHECK(missing.status == 400);
  ExpectSchema("/apiKeyLogin", "post", missing);
  CHECK(missing.Json().at("returnMessage").at("missingRequiredFieldConsts") ==
        json::array{"apiKey", "team"});
  CHECK_FALSE(AnyFileContains(h.dir / "data", FakeTestCrm::kApiKey));

  // A wrong managed key fails the login and leaves a marker: the user may then type values.
  REQUIRE(h.Send("POST", "/admin/managedAuth", admin_jwt,
                 json::object{{"scope", "org"}, {"values", json::object{{"apiKey", "stale-key"}}}},
                 Rc(FakeRingCentral::kAdminToken))
              .status == 200);
  CHECK(PostJson(h.port(), "/apiKeyLogin", json::object{{"platform", "testkey"}},
                 Rc(FakeRingCentral::kUserToken))
            .status == 400);
  auto fallback = Request(h.port(), "GET", "/apiKeyManagedAuthState?platform=testkey", {},
                          Rc(FakeRingCentral::kUserToken))
                      .Json();
  CHECK(fallback.at("fallbackToManualAuth") == true);
  auto typed =
      PostJson(h.port(), "/apiKeyLogin",
               json::object{{"platform", "testkey"},
                            {"additionalInfo", json::object{{"apiKey", FakeTestCrm::kApiKey}}}},
               Rc(FakeRingCentral::kUserToken));
  CHECK(typed.status == 200);
  CHECK(Request(h.port(), "GET", "/apiKeyManagedAuthState?platform=testkey", {},
                Rc(FakeRingCentral::kUserToken))
            .Json()
            .at("fallbackToManualAuth") == false);
}

}  // namespace crmhost::testing
