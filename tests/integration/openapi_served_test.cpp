// GET /openapi.json serves docs/openapi.json (with the daemon's version in it), and every
// operation the document lists reaches a route of the listener it names: nothing documented
// answers the router's own "Cannot GET /x" 404. (Which routes exist is held against the
// document without a socket in tests/host/contract/openapi_test.cpp.)
#include <catch2/catch.hpp>

#include "contract/openapi_document.h"
#include "integration/redtail_harness.h"
#include "version.h"

namespace crmhost::testing {
namespace json = boost::json;

TEST_CASE("GET /openapi.json: the repository's document with the daemon's version", "[openapi]") {
  RedtailHarness h;
  h.Start();
  auto r = Request(h.port(), "GET", "/openapi.json");
  REQUIRE(r.status == 200);
  CHECK(r.Header("content-type").value_or("").starts_with("application/json"));
  CHECK(r.body == contract::OpenApiDocument());
  const json::value served = json::parse(r.body);
  CHECK(served.at("info").at("version") == kVersion);
  json::value file = OpenApi::Ours().document();
  file.at("info").as_object()["version"] = kVersion;
  CHECK(served == file);
  ExpectSchema("/openapi.json", "get", r);
}

TEST_CASE("OpenAPI: every documented operation is routed on its listener", "[openapi]") {
  RedtailHarness h;
  h.Start();
  const std::string token = h.OpsToken();
  size_t checked = 0;
  for (const auto& [path_key, item] : OpenApi::Ours().document().at("paths").get_object()) {
    const bool ops = item.get_object().contains("servers");
    // Path parameters get a value that names nothing: the route must still be found.
    std::string target(path_key);
    for (size_t open; (open = target.find('{')) != std::string::npos;)
      target.replace(open, target.find('}', open) - open + 1, "zz-none");
    for (const auto& [method_key, op] : item.get_object()) {
      if (method_key == "servers") continue;
      std::string method(method_key);
      for (char& c : method)
        c = char(std::toupper(static_cast<unsigned char>(c)));
      if (ops && target == "/plugins/reload") continue;  // would rescan; routed per hot_swap_test
      std::vector<std::pair<std::string, std::string>> headers;
      if (ops) headers.emplace_back("Authorization", "Bearer " + token);
      const uint16_t port = ops ? h.daemon->ops_port() : h.port();
      auto r = Request(port, method, target, method == "GET" ? "" : "{}", headers);
      INFO(method << " " << target << (ops ? " (ops)" : "") << " -> " << r.status << " "
                  << r.body.substr(0, 200));
      CHECK(r.error.empty());
      CHECK(r.body != "Cannot " + method + " " + target);
      ++checked;
    }
  }
  CHECK(checked >= 60);
  // The App Connect listener counts unmatched requests: none.
  const std::string metrics = Request(h.daemon->ops_port(), "GET", "/metrics").body;
  CHECK(metrics.find("route=\"unmatched\"") == std::string::npos);
}

}  // namespace crmhost::testing
