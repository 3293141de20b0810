// The rules for the HTTP routes a plugin declares (ABI 1.3): what parses, what is refused and
// why, and how requests match.
#include <catch2/catch.hpp>

#include "plugins/plugin_routes.h"

using namespace crmhost::plugins;

namespace {

std::string Refusal(const char* json, const char* plugin = "gs") {
  auto r = ParseRoutes(json, plugin);
  return r.ok() ? "(accepted)" : r.status().message();
}

}  // namespace

TEST_CASE("plugin routes: declarations under the plugin's own prefixes parse", "[plugin-routes]") {
  auto r = ParseRoutes(R"([{"method":"GET","path":"/gs/filePicker","auth":"jwt","jwtQuery":"token"},
                           {"method":"POST","path":"/gs/sheet/{sheetId}","auth":"jwt"},
                           {"method":"GET","path":"/admin/gs/config","auth":"rcAdmin"},
                           {"method":"DELETE","path":"/gs-redirect","auth":"oauthClient"},
                           {"method":"GET","path":"/gs","auth":"none"}])",
                       "gs");
  REQUIRE(r.ok());
  REQUIRE(r.value().size() == 5);
  CHECK(r.value()[0].jwt_query == "token");
  CHECK(r.value()[1].auth == RouteAuth::kJwt);
  CHECK(r.value()[1].jwt_query.empty());
  CHECK(r.value()[2].auth == RouteAuth::kRcAdmin);
  CHECK(r.value()[3].auth == RouteAuth::kOAuthClient);
  CHECK(RouteAuthName(r.value()[3].auth) == "oauthClient");
  CHECK(ParseRoutes(nullptr, "gs").value().empty());
  CHECK(ParseRoutes("[]", "gs").value().empty());

  RouteParams params;
  const PluginRoute* m = MatchRoute(r.value(), "POST", "/gs/sheet/abc", &params);
  REQUIRE(m);
  CHECK(m->path == "/gs/sheet/{sheetId}");
  CHECK(params == RouteParams{{"sheetId", "abc"}});
  CHECK(MatchRoute(r.value(), "GET", "/gs/sheet/abc") == nullptr);  // method differs
  CHECK(MatchRoute(r.value(), "POST", "/gs/sheet/abc/more") == nullptr);
  CHECK(MatchRoute(r.value(), "GET", "//gs//filePicker/") != nullptr);  // as the router splits
  CHECK(MatchRoute(r.value(), "GET", "/gs/filepicker") == nullptr);     // case matters
}

TEST_CASE("plugin routes: malformed declarations are refused with the route and the rule",
          "[plugin-routes]") {
  CHECK(Refusal("{}") == "routes_json is not a JSON array of routes");
  CHECK(Refusal("[1") == "routes_json is not a JSON array of routes");
  CHECK(Refusal("[1]") == "routes_json route 0: is not an object");
  CHECK(Refusal(R"([{"method":"GET","path":"/gs/a"}])") ==
        "routes_json route 0: needs string members method, path and auth");
  CHECK(Refusal(R"([{"method":"get","path":"/gs/a","auth":"none"}])") ==
        "routes_json route 0: method 'get' is not GET, POST, PUT, PATCH or DELETE");
  CHECK(Refusal(R"([{"method":"GET","path":"/gs/a","auth":"basic"}])") ==
        "routes_json route 0: GET /gs/a: auth 'basic' is not none, jwt, rcAdmin or oauthClient");
  // jwtQuery: a query parameter name, on routes whose authentication reads a JWT.
  CHECK(Refusal(R"([{"method":"GET","path":"/gs/a","auth":"none","jwtQuery":"token"}])") ==
        "routes_json route 0: GET /gs/a: jwtQuery needs auth jwt or rcAdmin");
  for (const char* bad : {R"("")", R"("a b")", R"("t&x=1")", "7", "null"}) {
    INFO(bad);
    const std::string json =
        std::string(R"([{"method":"GET","path":"/gs/a","auth":"jwt","jwtQuery":)") + bad + "}]";
    CHECK_THAT(Refusal(json.c_str()), Catch::Contains("jwtQuery must be a query parameter name"));
  }
  CHECK(Refusal(R"([{"method":"GET","path":"/gs/a","auth":"rcAdmin","jwtQuery":"jwt_2-x"}])") ==
        "(accepted)");
  CHECK_THAT(Refusal(R"([{"method":"GET","path":"gs/a","auth":"none"}])"),
             Catch::Contains("must start with '/'"));
  CHECK_THAT(Refusal(R"([{"method":"GET","path":"/gs/a?x=1","auth":"none"}])"),
             Catch::Contains("may hold only letters"));
  CHECK_THAT(Refusal(R"([{"method":"GET","path":"/gs/a{id}","auth":"none"}])"),
             Catch::Contains("a parameter is one whole segment"));
  // Outside the plugin's prefixes: another name, a longer name, a bare /admin path.
  for (const char* path : {"/contact", "/gsx/a", "/admin/other/a", "/admin/gs", "/{any}/a",
                           "/admin/{x}/a", "/", "/g"}) {
    INFO(path);
    const std::string json =
        std::string(R"([{"method":"GET","path":")") + path + R"(","auth":"none"}])";
    CHECK_THAT(Refusal(json.c_str()), Catch::Contains("outside the plugin's paths"));
  }
  // A plugin named "admin" owns /admin/admin/... only, never the other plugins' admin paths.
  CHECK_THAT(Refusal(R"([{"method":"GET","path":"/admin/gs/x","auth":"none"}])", "admin"),
             Catch::Contains("outside the plugin's paths"));
  CHECK(Refusal(R"([{"method":"GET","path":"/admin/admin/x","auth":"none"}])", "admin") ==
        "(accepted)");
  CHECK(Refusal(R"([{"method":"GET","path":"/admin-x/y","auth":"none"}])", "admin") ==
        "(accepted)");
  CHECK(Refusal(R"([{"method":"GET","path":"/gs/{a}","auth":"none"},
                    {"method":"GET","path":"/gs/x","auth":"jwt"}])") ==
        "routes_json route 1: GET /gs/x: overlaps GET /gs/{a}");
  // The same path with another method is another route.
  CHECK(Refusal(R"([{"method":"GET","path":"/gs/x","auth":"none"},
                    {"method":"POST","path":"/gs/x","auth":"jwt"}])") == "(accepted)");
  std::string many = "[";
  for (int i = 0; i < 65; ++i)
    many += std::string(i ? "," : "") + R"({"method":"GET","path":"/gs/r)" + std::to_string(i) +
            R"(","auth":"none"})";
  many += "]";
  CHECK_THAT(Refusal(many.c_str()), Catch::Contains("at most 64"));
}

TEST_CASE("plugin routes: overlap between declared routes", "[plugin-routes]") {
  auto a = ParseRoutes(R"([{"method":"POST","path":"/pd-x/{id}","auth":"none"}])", "pd-x");
  auto b = ParseRoutes(R"([{"method":"POST","path":"/pd-x/7","auth":"none"}])", "pd");
  REQUIRE(a.ok());
  REQUIRE(b.ok());  // "/pd-x/..." is under "pd"'s "/pd-..." prefix too
  CHECK(RoutesOverlap(a.value()[0], b.value()[0]));
  auto c = ParseRoutes(R"([{"method":"GET","path":"/pd-x/7","auth":"none"}])", "pd");
  CHECK_FALSE(RoutesOverlap(a.value()[0], c.value()[0]));
}
