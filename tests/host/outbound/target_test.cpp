// What the outbound client reads from URLs: where it connects, the origin a redirect is judged
// by, the proxy it goes through, and which headers are credentials.
#include <catch2/catch.hpp>

#include "outbound/target.h"

namespace crmhost::testing {
using namespace crmhost::outbound;

TEST_CASE("outbound target: scheme, host, port and path of a CRM URL", "[outbound]") {
  auto t = ParseTarget("https://api.pipedrive.com/v1/persons/search?term=%2B1415&limit=1");
  REQUIRE(t.ok());
  CHECK(t->tls);
  CHECK(t->host == "api.pipedrive.com");
  CHECK(t->port == "443");
  CHECK(t->path_and_query == "/v1/persons/search?term=%2B1415&limit=1");
  CHECK(t->origin() == "https://api.pipedrive.com:443");
  CHECK(t->host_header() == "api.pipedrive.com");

  auto v6 = ParseTarget("http://[::1]:8080");
  REQUIRE(v6.ok());
  CHECK_FALSE(v6->tls);
  CHECK(v6->host == "::1");
  CHECK(v6->path_and_query == "/");
  CHECK(v6->host_header() == "::1:8080");
  CHECK(Authority(*v6) == "[::1]:8080");

  CHECK(ParseTarget("ftp://example.com/x").status().message() ==
        "only http and https URLs are allowed");
  CHECK(ParseTarget("/relative/path").status().message() == "not an absolute URL");
  CHECK(ParseTarget("https:///nohost").status().message() == "URL has no host");
}

TEST_CASE("outbound target: origins compare lower-cased with explicit ports", "[outbound]") {
  CHECK(OriginOf("HTTPS://API.Example.com/a") == "https://api.example.com:443");
  CHECK(OriginOf("http://example.com:8080/") == "http://example.com:8080");
  CHECK(OriginOf("not a url") == "");
}

TEST_CASE("outbound target: proxy URLs, with and without credentials", "[outbound]") {
  auto p = ParseProxy("http://user:p%40ss@proxy.internal:3128");
  REQUIRE(p.ok());
  CHECK(p->where() == "proxy.internal:3128");
  CHECK(p->authorization == "Basic dXNlcjpwQHNz");  // base64("user:p@ss")
  auto plain = ParseProxy("http://10.0.0.1");
  REQUIRE(plain.ok());
  CHECK(plain->where() == "10.0.0.1:80");
  CHECK(plain->authorization.empty());
  CHECK_FALSE(ParseProxy("https://proxy.internal:3128").ok());
  CHECK_FALSE(ParseProxy("http://proxy.internal:3128/path").ok());
  CHECK_FALSE(ParseProxy("proxy.internal:3128").ok());
}

TEST_CASE("outbound target: credential headers and retryable methods", "[outbound]") {
  for (const char* h :
       {"Authorization", "cookie", "Proxy-Authorization", "X-API-Key", "api-key", "x-auth-token"})
    CHECK(IsCredentialHeader(h));
  CHECK_FALSE(IsCredentialHeader("content-type"));
  CHECK(Idempotent("GET"));
  CHECK(Idempotent("PUT"));
  CHECK_FALSE(Idempotent("POST"));
  CHECK_FALSE(Idempotent("PATCH"));
}

}  // namespace crmhost::testing
