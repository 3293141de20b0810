// Plugin-declared HTTP routes (ABI 1.3) through a running crmhostd: what the host passes to the
// plugin and what it lets the plugin answer, each kind of authentication, the load-time
// refusals (a contract route's path, another plugin's route, routes without serveRoute), a C
// plugin serving routes next to the unchanged C and frozen-1.0 plugins, and a hot upgrade that
// changes a plugin's routes under load without a failed request.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <thread>

#include "crmhost/encoding.h"
#include "integration/load_clients.h"
#include "integration/testcrm_harness.h"

namespace crmhost::testing {
namespace json = boost::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

const char* const kExtraPlugins[] = {"fake_routes.so", "fake_routes_contract.so",
                                     "fake_routes_no_serve.so", "cminimal.so", "abi_v1_0.so"};

struct RoutesHarness : TestCrmHarness {
  RoutesHarness() {
    for (const char* name : kExtraPlugins)
      fs::copy_file(std::string(CRMHOST_TEST_PLUGIN_DIR) + "/" + name, (dir / "plugins/") + name);
    Start();
  }
  std::string OpsToken() const {
    std::ifstream in(dir / "data/ops.token");
    std::string t;
    in >> t;
    return t;
  }
  json::array Plugins() const {
    auto r = Request(daemon->ops_port(), "GET", "/plugins", "",
                     {{"Authorization", "Bearer " + OpsToken()}});
    return r.Json().as_array();
  }
  // The entry of GET /plugins named `name` (a refused file's entry is named by the file).
  json::object Plugin(const std::string& name) const {
    for (auto& p : Plugins())
      if (p.at("name") == name.c_str()) return p.as_object();
    return {};
  }
};

}  // namespace

TEST_CASE("plugin routes: the request as the plugin sees it and the answer it may give",
          "[plugin-routes][abi]") {
  RoutesHarness h;
  auto r = Request(h.port(), "POST", "/testcrm/echo/42?a=1&a=2&b=x%20y", "raw body bytes",
                   {{"Content-Type", "text/plain"},
                    {"Cookie", "session=secret"},
                    {"Authorization", "Basic abc"},
                    {"X-Custom", "yes"}});
  INFO(r.body);
  REQUIRE(r.status == 200);
  CHECK(r.Header("content-type").value_or("") == "application/json; charset=utf-8");
  CHECK(ServedBy(r) == "testcrm/2.0.0");
  const json::value seen = r.Json();
  // The whole document: the declared route, the request, the headers minus the cookie.
  json::object headers = seen.at("headers").as_object();
  CHECK(headers.at("x-custom") == "yes");
  CHECK(headers.at("content-type") == "text/plain");
  CHECK(headers.at("authorization") == "Basic abc");  // auth "none": the plugin checks it
  CHECK_FALSE(headers.contains("cookie"));
  json::object expected{
      {"successful", true},
      {"version", "2.0.0"},
      {"route", json::object{{"method", "POST"}, {"path", "/testcrm/echo/{id}"}, {"auth", "none"}}},
      {"method", "POST"},
      {"path", "/testcrm/echo/42"},
      {"params", json::object{{"id", "42"}}},
      {"query", json::object{{"a", "1"}, {"b", "x y"}}},
      {"headers", headers},
      {"body", "raw body bytes"}};
  CHECK(seen == expected);

  // Status, text body and headers: the allowed ones pass, a cookie does not.
  auto text = Request(h.port(), "GET", "/testcrm/echo/1?text=hello&status=418&headers=1");
  CHECK(text.status == 418);
  CHECK(text.body == "hello");
  CHECK(text.Header("content-type").value_or("") == "text/plain; charset=utf-8");
  CHECK(text.Header("cache-control").value_or("") == "no-store");
  CHECK_FALSE(text.Header("set-cookie").has_value());
  CHECK(h.daemon->Log().find("header set-cookie dropped") != std::string::npos);
  CHECK(text.Header("access-control-allow-origin").value_or("") == "*");
  CHECK_FALSE(text.Header("location").has_value());
  // A header value with a CR LF (here echoed from the query) would split the response: dropped.
  auto split = Request(h.port(), "GET",
                       "/testcrm/echo/1?text=x&headers=1&location=%2Fok%0d%0aSet-Cookie:%20evil=1");
  CHECK(split.status == 200);
  CHECK_FALSE(split.Header("set-cookie").has_value());
  CHECK_FALSE(split.Header("location").has_value());
  CHECK(Request(h.port(), "GET", "/testcrm/echo/1?text=x&headers=1&location=%2Fok")
            .Header("location")
            .value_or("") == "/ok");
  // 204 carries no body whatever the plugin wrote; a 1xx is no final answer: 500.
  auto empty = Request(h.port(), "GET", "/testcrm/echo/1?text=ignored&status=204");
  CHECK(empty.status == 204);
  CHECK(empty.body.empty());
  CHECK(Request(h.port(), "GET", "/testcrm/echo/1?text=x&status=101").status == 500);

  // A path no plugin declares, a declared path with another method: the contract's 404.
  auto none = Request(h.port(), "GET", "/testcrm/nothing");
  CHECK(none.status == 404);
  CHECK(none.body == "Cannot GET /testcrm/nothing");
  CHECK(Request(h.port(), "DELETE", "/testcrm/echo/1").body == "Cannot DELETE /testcrm/echo/1");
  // GET /plugins lists what each plugin serves; a plugin without routes has none.
  ExpectSchema("/plugins", "get",
               Request(h.daemon->ops_port(), "GET", "/plugins", "",
                       {{"Authorization", "Bearer " + h.OpsToken()}}));
  CHECK(h.Plugin("testcrm").at("routes") == json::parse(R"([
    {"method":"GET","path":"/testcrm/echo/{id}","auth":"none"},
    {"method":"POST","path":"/testcrm/echo/{id}","auth":"none"},
    {"method":"GET","path":"/admin/testcrm/config","auth":"rcAdmin"},
    {"method":"POST","path":"/testcrm-hook","auth":"oauthClient"},
    {"method":"GET","path":"/testcrm/whoami","auth":"jwt"}])"));
  CHECK(h.Plugin("cminimal").at("routes") == json::array());
  // A body over the plugin routes' 1 MiB limit: 413 before the plugin sees it.
  CHECK(Request(h.port(), "POST", "/testcrm/echo/1", std::string(1100 * 1024, 'x')).status == 413);
}

TEST_CASE("plugin routes: jwt, rcAdmin and oauthClient authentication are the host's",
          "[plugin-routes][abi]") {
  RoutesHarness h;
  // jwt: no token, a token of another platform's user, then the plugin's own user.
  auto anonymous = Request(h.port(), "GET", "/testcrm/whoami");
  CHECK(anonymous.status == 400);
  CHECK(anonymous.body.find("Please go to Settings and authorize CRM platform") !=
        std::string::npos);
  const std::string other = h.LoginJwt("testcrmowned");
  CHECK(h.Get("/testcrm/whoami", other).status == 400);
  const std::string jwt = h.LoginJwt();
  auto me = h.Get("/testcrm/whoami", jwt);
  INFO(me.body);
  REQUIRE(me.status == 200);
  CHECK(me.Json().at("platform") == "testcrm");
  CHECK(me.Json().at("hasAuthHeader") == true);
  const json::value user_id = me.Json().at("id");
  // The token the host checked is not handed on; other query parameters are.
  auto by_query = Request(h.port(), "GET", "/testcrm/whoami?x=1&jwtToken=" + UrlEncode(jwt));
  CHECK(by_query.status == 200);
  CHECK(by_query.Json().at("query") == json::object{{"x", "1"}});
  // The route's own query parameter (jwtQuery "token") carries it as well, and is not handed on.
  // (A page's Referer repeats its address, token and all: the plugin logs its headers.)
  auto by_token = Request(h.port(), "GET", "/testcrm/whoami?x=2&token=" + UrlEncode(jwt), "",
                          {{"Referer", "https://app.example/picker?token=" + jwt}});
  INFO(by_token.body);
  CHECK(by_token.status == 200);
  CHECK(by_token.Json().at("id") == user_id);
  CHECK(by_token.Json().at("query") == json::object{{"x", "2"}});
  auto bad_token = Request(h.port(), "GET", "/testcrm/whoami?token=not-a-jwt");
  CHECK(bad_token.status == 400);
  CHECK(h.daemon->Log().find("whoami headers:") != std::string::npos);
  CHECK(h.daemon->Log().find(jwt) == std::string::npos);  // the JWT is masked like the others

  // rcAdmin: a RingCentral admin's token; a plain user's is refused as on the /admin routes.
  CHECK(Request(h.port(), "GET", "/admin/testcrm/config", "", Rc(FakeRingCentral::kUserToken))
            .status == 403);
  CHECK(Request(h.port(), "GET", "/admin/testcrm/config").status == 400);
  auto config =
      Request(h.port(), "GET", "/admin/testcrm/config", "", Rc(FakeRingCentral::kAdminToken));
  INFO(config.body);
  REQUIRE(config.status == 200);
  CHECK(config.Json().at("hasUser") == false);
  CHECK(config.Json().at("rcAccountId").as_string().size() > 0);
  CHECK(config.Json().at("adminSettings") == json::object());
  // The plugin keeps admin settings of the account (adminSettingsUpdate), handed back to it on
  // the next request and merged with what /admin/settings keeps.
  const std::string admin_headers_jwt = h.LoginJwt();
  auto with_admin = [&](std::vector<std::pair<std::string, std::string>> headers) {
    headers.emplace_back("Authorization", "Bearer " + admin_headers_jwt);
    headers.emplace_back("X-RC-Access-Token", FakeRingCentral::kAdminToken);
    headers.emplace_back("Content-Type", "application/json");
    return headers;
  };
  REQUIRE(Request(h.port(), "POST", "/admin/settings",
                  R"({"adminSettings":{"userSettings":{"other":{"value":1}},)"
                  R"("userMappings":[{"crmUserId":"7","rcExtensionId":"101"}]}})",
                  with_admin({}))
              .status == 200);
  auto set = Request(h.port(), "GET", "/admin/testcrm/config?set=sheetUrl&value=https%3A%2F%2Fx",
                     "", Rc(FakeRingCentral::kAdminToken));
  CHECK(set.status == 200);
  // Merged into the row /admin/settings keeps: its other settings and mappings stay.
  auto row = Request(h.port(), "GET", "/admin/settings", "", with_admin({}));
  INFO(row.body);
  CHECK(row.Json().at("userSettings") ==
        json::parse(
            R"({"other":{"value":1},"sheetUrl":{"value":"https://x","customizable":false}})"));
  CHECK(row.Json().at("userMappings") ==
        json::parse(R"([{"crmUserId":"7","rcExtensionId":"101"}])"));
  auto kept =
      Request(h.port(), "GET", "/admin/testcrm/config", "", Rc(FakeRingCentral::kAdminToken));
  CHECK(kept.Json().at("adminSettings") ==
        json::parse(
            R"({"other":{"value":1},"sheetUrl":{"value":"https://x","customizable":false}})"));
  CHECK(Request(h.port(), "GET", "/admin/testcrm/config?unset=sheetUrl", "",
                Rc(FakeRingCentral::kAdminToken))
            .status == 200);
  CHECK(Request(h.port(), "GET", "/admin/testcrm/config", "", Rc(FakeRingCentral::kAdminToken))
            .Json()
            .at("adminSettings") == json::parse(R"({"other":{"value":1}})"));
  auto by_query_admin = Request(
      h.port(), "GET",
      std::string("/admin/testcrm/config?rcAccessToken=") + FakeRingCentral::kAdminToken + "&y=2");
  CHECK(by_query_admin.status == 200);
  CHECK(by_query_admin.Json().at("query") == json::object{{"y", "2"}});

  // oauthClient: HTTP Basic with the platform's OAuth client; the plugin may log a user out.
  const std::string basic = "Basic " + Base64Encode(std::string(FakeTestCrm::kClientId) + ":" +
                                                    FakeTestCrm::kClientSecret);
  const std::string body = json::serialize(json::object{{"user_id", user_id}});
  CHECK(Request(h.port(), "POST", "/testcrm-hook", body).status == 401);
  CHECK(Request(h.port(), "POST", "/testcrm-hook", body,
                {{"Authorization", "Basic " + Base64Encode("testcrm-client:wrong")}})
            .status == 401);
  auto hook = Request(h.port(), "POST", "/testcrm-hook", body, {{"Authorization", basic}});
  INFO(hook.body);
  CHECK(hook.status == 200);
  CHECK(hook.body == "hook done");
  // The user is gone: their token no longer names anyone.
  auto gone = h.Get("/testcrm/whoami", jwt);
  CHECK(gone.status == 400);
  CHECK(gone.body == "User not found");
  // Secrets never reach the log.
  CHECK(h.daemon->Log().find(FakeTestCrm::kClientSecret) == std::string::npos);
}

TEST_CASE("plugin routes: collisions and routes without serveRoute are refused with the reason",
          "[plugin-routes][abi]") {
  RoutesHarness h;
  const std::string contract = json::serialize(h.Plugin("fake_routes_contract"));
  INFO(contract);
  CHECK(contract.find("refused") != std::string::npos);
  CHECK(contract.find("its route POST /callLog collides with the contract route POST /callLog") !=
        std::string::npos);
  // A plugin whose route another live plugin serves: the one that came later is refused
  // (dropped in after testcrm loaded, then a reload).
  fs::copy_file(std::string(CRMHOST_TEST_PLUGIN_DIR) + "/fake_routes_overlap.so",
                h.dir / "plugins/fake_routes_overlap.so");
  auto reload = Request(h.daemon->ops_port(), "POST", "/plugins/reload", "",
                        {{"Authorization", "Bearer " + h.OpsToken()}});
  INFO(reload.body);
  CHECK(reload.status == 200);
  const std::string overlap = json::serialize(h.Plugin("fake_routes_overlap"));
  INFO(overlap);
  CHECK(overlap.find("collides with plugin testcrm's route POST /testcrm-hook") !=
        std::string::npos);
  CHECK(h.Plugin("testcrm").at("state") == "active");
  const std::string no_serve = json::serialize(h.Plugin("fake_routes_no_serve"));
  INFO(no_serve);
  CHECK(no_serve.find("declares HTTP routes but does not implement the operation serveRoute") !=
        std::string::npos);
  // The contract route still answers as the contract's.
  CHECK(Request(h.port(), "POST", "/callLog", "{}").body.find("Cannot") == std::string::npos);

  // The C plugin serving a route, the C plugin without routes and the frozen 1.0 plugin: loaded.
  CHECK(h.Plugin("croutes").at("state") == "active");
  CHECK(h.Plugin("cminimal").at("state") == "active");
  CHECK(h.Plugin("abi_v1_0").at("state") == "active");
  CHECK(h.Plugin("abi_v1_0").at("abi") == "1.0");
  auto c = Request(h.port(), "GET", "/croutes/7?q=1");
  INFO(c.body);
  CHECK(c.status == 201);
  CHECK(c.Json().at("plugin") == "croutes");
  CHECK(c.Json().at("input").at("params").at("id") == "7");
  CHECK(c.Json().at("input").at("route").at("path") == "/croutes/{id}");
}

TEST_CASE("plugin routes: a hot upgrade that changes the routes under load fails no request",
          "[plugin-routes][hotswap]") {
  RoutesHarness h;
  const std::string dir = h.dir / "plugins";
  const std::string target = "/testcrm/echo/9";
  REQUIRE(ServedBy(Request(h.port(), "GET", target)) == "testcrm/2.0.0");
  CHECK(Request(h.port(), "GET", "/testcrm/v2").status == 404);
  const std::string builds[] = {std::string(CRMHOST_TEST_PLUGIN_DIR) + "/testcrm-2.1.0.so",
                                std::string(CRMHOST_TEST_PLUGIN_DIR) + "/testcrm.so"};
  Load load(h.port(), target, 4);
  for (int i = 0; i < 6; ++i) {
    std::this_thread::sleep_for(50ms);
    const std::string expected = i % 2 == 0 ? "testcrm/2.1.0" : "testcrm/2.0.0";
    fs::copy_file(builds[i % 2], dir + "/.testcrm.so.tmp", fs::copy_options::overwrite_existing);
    fs::rename(dir + "/.testcrm.so.tmp", dir + "/testcrm.so");
    const auto until = Clock::now() + 60s;
    while (ServedBy(Request(h.port(), "GET", target)) != expected && Clock::now() < until)
      std::this_thread::sleep_for(10ms);
    REQUIRE(ServedBy(Request(h.port(), "GET", target)) == expected);
  }
  auto samples = load.Stop();
  REQUIRE(samples.size() > 50);
  size_t failed = 0, newer = 0;
  for (auto& s : samples) {
    failed += s.status != 200 || !s.successful || !s.error.empty();
    newer += s.served_by == "testcrm/2.1.0";
  }
  INFO(samples.size() << " requests during 6 swaps");
  CHECK(failed == 0);
  CHECK(newer > 0);
  // Now on 2.0.0: its routes, not 2.1.0's.
  CHECK(Request(h.port(), "GET", "/testcrm/v2").status == 404);
  CHECK(Request(h.port(), "GET", "/testcrm/whoami").status == 400);
  // Up to 2.1.0 again: /v2 appears and /whoami is gone.
  fs::copy_file(builds[0], dir + "/.testcrm.so.tmp", fs::copy_options::overwrite_existing);
  fs::rename(dir + "/.testcrm.so.tmp", dir + "/testcrm.so");
  const auto until = Clock::now() + 60s;
  while (ServedBy(Request(h.port(), "GET", target)) != "testcrm/2.1.0" && Clock::now() < until)
    std::this_thread::sleep_for(10ms);
  auto v2 = Request(h.port(), "GET", "/testcrm/v2");
  CHECK(v2.status == 200);
  CHECK(v2.body == "v2 only");
  CHECK(Request(h.port(), "GET", "/testcrm/whoami").status == 404);
}

}  // namespace crmhost::testing
