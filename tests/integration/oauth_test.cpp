// OAuth CRM logins and token refresh through the running daemon (docs/API-REFERENCE.md, Auth): code
// exchange against a fake token endpoint, refresh inside the 2-minute window, one refresh for
// many concurrent requests, invalid_grant -> 401 CRM_SESSION_REVOKED, plugin-owned refresh.
#include <catch2/catch.hpp>

#include <thread>

#include "integration/testcrm_harness.h"

namespace crmhost::testing {
namespace json = boost::json;

TEST_CASE("oauth-callback exchanges the code, saves the user and issues a JWT", "[oauth]") {
  TestCrmHarness h;
  h.Start();
  auto r = h.OAuthLogin("testcrm", "&hostname=acme.testcrm.example&rcAccountId=3001");
  INFO(r.body);
  REQUIRE(r.status == 200);
  ExpectSchema("/oauth-callback", "get", r);
  auto body = r.Json().as_object();
  CHECK(body.at("name") == "Grace Hopper");
  CHECK(body.at("returnMessage").at("message") == "Connected to Test CRM.");
  CHECK(h.crm.code_calls() == 1);

  // The token request: form-encoded code grant, HTTP Basic client auth, the redirect URI.
  auto token_requests = h.crm.server().requests();
  auto it = std::find_if(token_requests.begin(), token_requests.end(),
                         [](auto& q) { return q.path == "/oauth/token"; });
  REQUIRE(it != token_requests.end());
  CHECK(it->Header("content-type").value_or("") == "application/x-www-form-urlencoded");
  CHECK(it->body.find("grant_type=authorization_code") != std::string::npos);
  CHECK(it->body.find("code=auth-code-1234") != std::string::npos);
  CHECK(it->body.find("redirect_uri=https%3A%2F%2Fringcentral.github.io") != std::string::npos);

  // The JWT works: the saved user's hostname comes back, and the CRM sees the new token.
  const std::string jwt(body.at("jwtToken").as_string());
  auto host = h.Get("/hostname", jwt);
  CHECK(host.status == 200);
  CHECK(host.body == "acme.testcrm.example");
  ExpectSchema("/hostname", "get", host);
  auto valid = h.Get("/authValidation", jwt);
  CHECK(valid.status == 200);
  CHECK(valid.Json().at("successful") == true);
  ExpectSchema("/authValidation", "get", valid);

  // The tokens are on disk only sealed.
  CHECK_FALSE(AnyFileContains(h.dir / "data", h.crm.access_token()));
  CHECK_FALSE(AnyFileContains(h.dir / "data", h.crm.refresh_token()));
  CHECK(h.daemon->Log().find(h.crm.access_token()) == std::string::npos);
}

TEST_CASE("oauth-callback refuses what it cannot complete", "[oauth]") {
  TestCrmHarness h;
  h.Start();
  auto missing = Request(h.port(), "GET", "/oauth-callback");
  CHECK(missing.status == 400);
  CHECK(missing.body == "Missing callbackUri");

  auto no_platform = Request(
      h.port(), "GET",
      "/oauth-callback?callbackUri=" +
          UrlEncode("https://ringcentral.github.io/ringcentral-embeddable/redirect.html?code=x"));
  CHECK(no_platform.status == 400);
  CHECK(no_platform.body == "Missing platform name");

  auto unknown = h.OAuthLogin("nosuchcrm");
  CHECK(unknown.status == 400);
  CHECK(unknown.Json().at("error").as_string().find("nosuchcrm") != std::string::npos);

  // A code the CRM refuses, and a callback on another path than the app's redirect URI.
  auto bad_code = Request(
      h.port(), "GET",
      "/oauth-callback?callbackUri=" +
          UrlEncode("https://ringcentral.github.io/ringcentral-embeddable/redirect.html?code=nope"
                    "&state=platform%3Dtestcrm"));
  CHECK(bad_code.status == 400);
  CHECK(bad_code.Json().as_object().contains("error"));
  auto wrong_path = Request(
      h.port(), "GET",
      "/oauth-callback?callbackUri=" +
          UrlEncode("https://evil.example/other?code=auth-code-1234&state=platform%3Dtestcrm"));
  CHECK(wrong_path.status == 400);
  CHECK(wrong_path.Json().at("error").as_string().find("Redirected path") != std::string::npos);

  // The plugin's getOauthInfo refuses this host: 200 with a danger message and no JWT.
  auto blocked = h.OAuthLogin("testcrm", "&hostname=blocked.testcrm.example");
  CHECK(blocked.status == 200);
  CHECK(blocked.Json().at("returnMessage").at("messageType") == "danger");
  CHECK_FALSE(blocked.Json().as_object().contains("jwtToken"));
  ExpectSchema("/oauth-callback", "get", blocked);
  CHECK(h.crm.code_calls() == 1);  // only the refused code reached the token endpoint
}

TEST_CASE("oauth-callback accepts the legacy unencoded callbackUri", "[oauth]") {
  TestCrmHarness h;
  h.Start();
  // The old client appends the CRM's redirect URL raw: its code and state arrive as separate
  // top-level parameters.
  auto r =
      Request(h.port(), "GET",
              "/oauth-callback?callbackUri=https://ringcentral.github.io/"
              "ringcentral-embeddable/redirect.html?code=auth-code-1234&state=platform%3Dtestcrm");
  INFO(r.body);
  CHECK(r.status == 200);
  CHECK(r.Json().as_object().contains("jwtToken"));
}

TEST_CASE("a token inside the 2-minute window is refreshed once for 50 concurrent requests",
          "[oauth]") {
  TestCrmHarness h;
  h.Start();
  h.crm.expires_in = 60;  // the first token is already inside the refresh window
  const std::string jwt = h.LoginJwt();
  const std::string first = h.crm.access_token();
  h.crm.expires_in = 3600;
  h.crm.token_delay_ms = 300;  // a slow token endpoint keeps every request in the window

  std::vector<HttpResult> results(50);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < results.size(); ++i)
    threads.emplace_back([&, i] { results[i] = h.Get("/authValidation", jwt); });
  for (auto& t : threads)
    t.join();
  for (auto& r : results) {
    INFO(r.status << " " << r.body << " " << r.error);
    CHECK(r.status == 200);
    CHECK(r.body == R"({"successful":true})");
  }
  CHECK(h.crm.refresh_calls() == 1);
  CHECK(h.crm.access_token() != first);
  // The CRM only accepts the newest token, so every request used the refreshed one.
  auto again = h.Get("/authValidation", jwt);
  CHECK(again.Json().at("successful") == true);
  CHECK(h.crm.refresh_calls() == 1);  // fresh now: no second refresh
}

TEST_CASE("invalid_grant on refresh answers 401 CRM_SESSION_REVOKED", "[oauth]") {
  TestCrmHarness h;
  h.Start();
  h.crm.expires_in = 30;
  const std::string jwt = h.LoginJwt();
  h.crm.invalid_grant = true;
  auto r = h.Get("/authValidation", jwt);
  INFO(r.body);
  REQUIRE(r.status == 401);
  auto body = r.Json().as_object();
  CHECK(body.at("errorCode") == "CRM_SESSION_REVOKED");
  CHECK(body.at("successful") == false);
  CHECK(body.at("returnMessage").at("message") == "User session expired. Please connect again.");
  CHECK(body.at("returnMessage").at("messageType") == "warning");
  // The reference's OpenAPI documents this 401 body on the contact routes, not here.
  ExpectSchema("/contact", "get", r);
  // Contact lookups with the revoked session give the same answer.
  auto contact = h.Get("/contact?phoneNumber=%2B14155550100", jwt);
  CHECK(contact.status == 401);
  CHECK(contact.Json().at("errorCode") == "CRM_SESSION_REVOKED");
  ExpectSchema("/contact", "get", contact);
}

TEST_CASE("a cached contact answers without a token refresh", "[oauth][contacts]") {
  TestCrmHarness h;
  h.Start();
  h.crm.expires_in = 30;  // every token is inside the refresh window
  const std::string jwt = h.LoginJwt("testcrm", "&rcAccountId=3001");
  auto first = h.Get("/contact?phoneNumber=%2B14155550100", jwt);
  CHECK(first.Json().at("contact").at(0).at("name") == "Ada Lovelace");
  CHECK(h.crm.refresh_calls() == 1);
  h.crm.invalid_grant = true;  // a refresh now would revoke the session
  auto cached = h.Get("/contact?phoneNumber=%2B14155550100", jwt);
  INFO(cached.body);
  CHECK(cached.status == 200);
  CHECK(cached.Json().at("contact").at(0).at("name") == "Ada Lovelace");
  CHECK(h.crm.refresh_calls() == 1);
  // The whole document, as the reference answers from its account cache.
  CHECK(cached.Json() == json::value(json::object{{"successful", true},
                                                  {"returnMessage", nullptr},
                                                  {"contact", first.Json().at("contact")}}));
  ExpectSchema("/contact", "get", cached);
  // A forced refresh must reach the CRM, so it meets the revoked session.
  CHECK(h.Get("/contact?phoneNumber=%2B14155550100&isForceRefreshAccountData=true", jwt).status ==
        401);
}

TEST_CASE("a refresh the CRM refuses otherwise maps like any CRM failure", "[oauth]") {
  TestCrmHarness h;
  h.Start();
  h.crm.expires_in = 30;
  const std::string jwt = h.LoginJwt();
  h.crm.refresh_status = 401;
  auto auth = h.Get("/contact?phoneNumber=%2B14155550100", jwt);
  INFO(auth.body);
  CHECK(auth.status == 200);
  CHECK(auth.Json().at("returnMessage").at("message") == "Authorization error");
  ExpectSchema("/contact", "get", auth);
  h.crm.refresh_status = 503;
  auto down = h.Get("/contact?phoneNumber=%2B14155550100", jwt);
  CHECK(down.Json().at("returnMessage").at("message") == "Error finding contact");
  // Nothing was lost: once the token service is back, the same session refreshes and works.
  h.crm.refresh_status = 0;
  h.crm.expires_in = 3600;
  auto back = h.Get("/contact?phoneNumber=%2B14155550100", jwt);
  CHECK(back.Json().at("contact").at(0).at("name") == "Ada Lovelace");
}

TEST_CASE("a plugin that owns its refresh is asked instead of the token endpoint", "[oauth]") {
  TestCrmHarness h;
  h.Start();
  const std::string jwt = h.LoginJwt("testcrmowned");
  auto r = h.Get("/authValidation", jwt);
  INFO(r.body);
  CHECK(r.status == 200);
  CHECK(r.Json().at("successful") == true);
  CHECK(h.crm.server().count("POST", "/api/session/renew") == 1);
  CHECK(h.crm.refresh_calls() == 0);
  h.crm.invalid_grant = true;  // the renew endpoint now answers 401: the plugin reports revoked
  auto revoked = h.Get("/authValidation", jwt);
  CHECK(revoked.status == 401);
  CHECK(revoked.Json().at("errorCode") == "CRM_SESSION_REVOKED");
}

TEST_CASE("authValidation, hostname and licenseStatus answer every caller", "[auth]") {
  TestCrmHarness h;
  h.Start();
  const std::string jwt = h.LoginJwt("testcrm", "&hostname=acme.testcrm.example");

  auto none = Request(h.port(), "GET", "/authValidation");
  CHECK(none.status == 400);
  CHECK(none.body == "Please go to Settings and authorize CRM platform");
  auto bad = Request(h.port(), "GET", "/authValidation?jwtToken=garbage");
  CHECK(bad.status == 400);
  CHECK(bad.body == "Invalid JWT token");
  const std::string ghost = RedtailHarness().Jwt("ghost-testcrm", "testcrm");
  auto unknown = h.Get("/authValidation", ghost);
  CHECK(unknown.status == 200);
  CHECK(unknown.body == R"({"successful":false})");
  // Redtail does not implement authValidation: the reference's exception, as 400 {error}.
  const std::string redtail_user = RedtailHarness().Jwt("jdoe-redtail", "redtail");
  auto unsupported = h.Get("/authValidation", redtail_user);
  CHECK(unsupported.status == 400);
  CHECK(unsupported.Json().as_object().contains("error"));

  auto host_none = h.Get("/hostname", ghost);
  CHECK(host_none.status == 400);
  CHECK(host_none.body == "User not found");

  auto lic = h.Get("/licenseStatus", jwt);
  CHECK(lic.status == 200);
  CHECK(
      lic.body ==
      R"({"isLicenseValid":true,"licenseStatus":"Basic","licenseStatusDescription":"Paid plan"})");
  ExpectSchema("/licenseStatus", "get", lic);
  auto lic_none = Request(h.port(), "GET", "/licenseStatus");
  CHECK(lic_none.Json().at("licenseStatus") == "Invalid (Invalid user session)");
  ExpectSchema("/licenseStatus", "get", lic_none);
  auto lic_bad = Request(h.port(), "GET", "/licenseStatus?jwtToken=garbage");
  CHECK(lic_bad.status == 400);
  CHECK(lic_bad.body == "Invalid JWT token");
  auto lic_ghost = h.Get("/licenseStatus", ghost);
  CHECK(lic_ghost.Json().at("licenseStatus") == "Invalid (User not found)");
  h.crm.api_status = 500;
  auto lic_down = h.Get("/licenseStatus", jwt);
  CHECK(lic_down.status == 200);
  CHECK(lic_down.Json().at("licenseStatus") == "Invalid (Connect to get license status)");
}

}  // namespace crmhost::testing
