// Switching from the reference server: its JWTs (HS256 with its APP_SERVER_SECRET_KEY over
// {id, platform}) keep working for users the store knows, and are exchanged for ours through
// x-refreshed-jwt-token; a wrong secret, an unknown user, another platform and the end date are
// refused like any bad token.
#include <catch2/catch.hpp>

#include <fstream>

#include "integration/redtail_harness.h"
#include "support/secret_ledger.h"

namespace crmhost::testing {
namespace json = boost::json;

namespace {

constexpr const char* kReferenceSecret = "reference-app-server-secret-7d41e9";

// A token as the reference signs it: its secret's bytes are the HMAC key.
std::string ReferenceJwt(const std::string& id, const std::string& platform,
                         const std::string& secret = kReferenceSecret) {
  identity::JwtCodec codec(secret);
  return codec.Sign(json::object{{"id", id}, {"platform", platform}}, std::time(nullptr), 1209600);
}

std::string UserIdOf(const RedtailHarness& h) {
  auto users = h.Ops("GET", "/users");
  REQUIRE(users.status == 200);
  return std::string(users.Json().as_array().at(0).at("id").as_string());
}

HttpResult Lookup(const RedtailHarness& h, const std::string& jwt) {
  return Request(h.port(), "GET", "/contact?phoneNumber=%2B14155555678", {},
                 {{"Authorization", "Bearer " + jwt}});
}

}  // namespace

TEST_CASE("legacy JWTs: the reference's tokens are renewed into ours for users the store knows",
          "[legacy-jwt]") {
  NoteSecret(kReferenceSecret);
  TempDir secrets;
  std::ofstream(secrets / "reference.secret") << kReferenceSecret << "\n";
  RedtailHarness h({}, {"--legacy-jwt-secret-file", secrets / "reference.secret"});
  h.Start();
  h.LoginJwt();  // the user now exists, as an import would have made it
  const std::string id = UserIdOf(h);

  const std::string legacy = ReferenceJwt(id, "redtail");
  auto served = Lookup(h, legacy);
  INFO(served.body);
  REQUIRE(served.status == 200);
  CHECK(served.body.find("\"successful\":true") != std::string::npos);
  const auto renewed = served.Header("x-refreshed-jwt-token");
  REQUIRE(renewed);
  CHECK(*renewed != legacy);
  // Ours: it works by itself and is not due for renewal, so no header comes back with it.
  auto with_ours = Lookup(h, *renewed);
  CHECK(with_ours.body.find("\"successful\":true") != std::string::npos);
  CHECK_FALSE(with_ours.Header("x-refreshed-jwt-token"));
  // A client that ignores the header keeps working with the old token.
  CHECK(Lookup(h, legacy).body.find("\"successful\":true") != std::string::npos);

  // Refused as any bad token is: the answer is the one a garbage token gets.
  const HttpResult garbage = Lookup(h, "not.a.token");
  for (const std::string& bad :
       {ReferenceJwt(id, "redtail", "another-secret"), ReferenceJwt("nobody-redtail", "redtail"),
        ReferenceJwt(id, "clio")}) {
    auto refused = Lookup(h, bad);
    INFO(refused.body);
    CHECK(refused.status == garbage.status);
    CHECK(refused.body == garbage.body);
    CHECK_FALSE(refused.Header("x-refreshed-jwt-token"));
  }
  auto metrics = Request(h.daemon->ops_port(), "GET", "/metrics");
  CHECK(metrics.body.find("crmhost_legacy_jwts_total{result=\"renewed\"} 2") != std::string::npos);
  CHECK(metrics.body.find("crmhost_legacy_jwts_total{result=\"unknown_user\"} 2") !=
        std::string::npos);
  CHECK(h.daemon->Log().find(kReferenceSecret) == std::string::npos);
}

TEST_CASE("legacy JWTs: refused after --legacy-jwt-until, and without the secret", "[legacy-jwt]") {
  NoteSecret(kReferenceSecret);
  TempDir secrets;
  std::ofstream(secrets / "reference.secret") << kReferenceSecret << "\n";
  RedtailHarness h({}, {"--legacy-jwt-secret-file", secrets / "reference.secret",
                        "--legacy-jwt-until", "2026-01-01"});
  h.Start();
  h.LoginJwt();
  const std::string id = UserIdOf(h);
  const HttpResult garbage = Lookup(h, "not.a.token");
  auto late = Lookup(h, ReferenceJwt(id, "redtail"));
  CHECK(late.body == garbage.body);
  CHECK_FALSE(late.Header("x-refreshed-jwt-token"));
  auto metrics = Request(h.daemon->ops_port(), "GET", "/metrics");
  CHECK(metrics.body.find("crmhost_legacy_jwts_total{result=\"expired\"} 1") != std::string::npos);

  // A daemon without the secret does not know the reference's tokens at all.
  RedtailHarness plain;
  plain.Start();
  plain.LoginJwt();
  auto unknown = Lookup(plain, ReferenceJwt(UserIdOf(plain), "redtail"));
  CHECK(unknown.body == Lookup(plain, "not.a.token").body);

  // A bad end date stops the daemon at start with the reason.
  RedtailHarness bad({}, {"--legacy-jwt-secret-file", secrets / "reference.secret",
                          "--legacy-jwt-until", "next tuesday"});
  CHECK_THROWS_WITH(bad.Start(), Catch::Contains("not an ISO 8601 date"));
}

}  // namespace crmhost::testing
