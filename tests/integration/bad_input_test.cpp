// Bad input of every kind gets a clear error, changes nothing and never takes the daemon down:
// malformed JSON, wrong types, missing fields, huge bodies, bad JWTs, unknown platforms, broken
// HTTP, and a CRM that answers 500, 429, 401, garbage or nothing.
#include "integration/redtail_harness.h"

using namespace crmhost::testing;
namespace json = boost::json;

namespace {

std::string Q(const std::string& jwt) {
  return "jwtToken=" + UrlEncode(jwt);
}

void ExpectAlive(uint16_t port) {
  auto r = Request(port, "GET", "/isAlive");
  REQUIRE(r.status == 200);
  CHECK(r.body == "OK");
}

}  // namespace

TEST_CASE("bad input: malformed JSON, wrong types and missing fields get 400 and change nothing",
          "[bad-input][e2e]") {
  RedtailHarness h;
  h.Start();
  const std::string jwt = h.LoginJwt();
  h.fake.server().clear();

  struct Case {
    const char* method;
    const char* path;
    std::string body;
    const char* error;
  } cases[] = {
      {"POST", "/callLog", "{\"logInfo\": {", "Invalid JSON body"},
      {"POST", "/callLog", "[1,2,3]", "Request body must be a JSON object"},
      {"POST", "/callLog", "{}", "logInfo is required"},
      {"POST", "/callLog", R"({"logInfo":"yesterday"})", "logInfo is required"},
      {"POST", "/callLog", R"({"logInfo":{"sessionId":{"a":1}}})", "logInfo.sessionId is required"},
      {"PATCH", "/callLog", "not json", "Invalid JSON body"},
      {"PATCH", "/callLog", R"({"note":"no session"})", "sessionId is required"},
      {"PATCH", "/callLog", R"({"sessionId":[1]})", "sessionId is required"},
      {"POST", "/apiKeyLogin", "{'platform': 'redtail'}", "Invalid JSON body"},
  };
  for (auto& c : cases) {
    auto r = Request(h.port(), c.method, std::string(c.path) + "?" + Q(jwt), c.body);
    INFO(c.method << " " << c.path << " " << c.body);
    CHECK(r.status == 400);
    CHECK_THAT(r.body, Catch::Contains(c.error));
    ExpectSchema(c.path, c.method == std::string("POST") ? "post" : "patch", r);
  }
  std::string deep(100000, '[');
  auto d = Request(h.port(), "POST", "/callLog?" + Q(jwt), deep);
  CHECK(d.status == 400);
  auto no_phone = Request(h.port(), "GET", "/contact?" + Q(jwt));
  CHECK(no_phone.status == 400);
  CHECK_THAT(no_phone.body, Catch::Contains("phoneNumber is required"));
  CHECK(h.fake.server().requests().empty());
  CHECK(h.fake.activity_count() == 0);
  ExpectAlive(h.port());
}

TEST_CASE("bad input: a 10 MB body is refused with 413 and the daemon keeps serving",
          "[bad-input][e2e]") {
  RedtailHarness h;
  h.Start();
  const std::string jwt = h.LoginJwt();
  std::string huge =
      R"({"logInfo":{"sessionId":"big"},"note":")" + std::string(10 * 1024 * 1024, 'x') + "\"}";
  auto r = Request(h.port(), "POST", "/callLog?" + Q(jwt), huge);
  CHECK(r.status == 413);
  CHECK(r.Json() == json::parse(R"({"error":"request entity too large"})"));
  CHECK(h.fake.activity_count() == 0);
  ExpectAlive(h.port());
  auto lookup = Request(h.port(), "GET", "/callLog?" + Q(jwt) + "&sessionIds=big");
  CHECK(lookup.Json().at("logs").at(0).at("matched") == false);
}

TEST_CASE("bad input: missing, garbage, expired, unsigned and foreign JWTs are refused",
          "[bad-input][e2e]") {
  RedtailHarness h;
  h.Start();
  h.LoginJwt();
  const std::string settings_text = "Please go to Settings and authorize CRM platform";
  const std::string good = h.Jwt("jdoe-redtail", "redtail");
  const std::string expired = h.Jwt("jdoe-redtail", "redtail", 60, std::time(nullptr) - 3600);
  const std::string unsigned_token =
      crmhost::Base64UrlEncode(R"({"alg":"none","typ":"JWT"})") + "." +
      crmhost::Base64UrlEncode(R"({"id":"jdoe-redtail","platform":"redtail"})") + ".";
  std::string foreign = good;
  foreign.back() = foreign.back() == 'A' ? 'B' : 'A';

  auto none = Request(h.port(), "GET", "/contact?phoneNumber=%2B14155555678");
  CHECK(none.status == 400);
  CHECK(none.body == settings_text);
  ExpectSchema("/contact", "get", none);
  for (const std::string& bad : {std::string("garbage"), expired, unsigned_token, foreign}) {
    INFO("token " << bad);
    auto q = Request(h.port(), "GET", "/contact?" + Q(bad) + "&phoneNumber=%2B14155555678");
    CHECK(q.status == 400);
    CHECK(q.body == settings_text);
    auto hdr =
        Request(h.port(), "GET", "/callLog?sessionIds=a", {}, {{"Authorization", "Bearer " + bad}});
    CHECK(hdr.status == 400);
    CHECK(hdr.body == settings_text);
    // A bad header token wins over a good query token (the reference drops the query one).
    auto both = Request(h.port(), "GET", "/contact?" + Q(good) + "&phoneNumber=%2B14155555678", {},
                        {{"Authorization", "Bearer " + bad}});
    CHECK(both.status == 400);
    auto logout = Request(h.port(), "POST", "/unAuthorize?" + Q(bad));
    CHECK(logout.status == 400);
    CHECK(logout.body == "User not found");
  }
  auto fine = Request(h.port(), "GET", "/contact?" + Q(good) + "&phoneNumber=%2B14155555678");
  CHECK(fine.Json().at("successful") == true);
  CHECK(h.fake.activity_count() == 0);
}

TEST_CASE("bad input: an unknown platform gets the connector-not-found error", "[bad-input][e2e]") {
  RedtailHarness h;
  h.Start();
  const std::string other = h.Jwt("someone-nosuch", "nosuch");
  auto c = Request(h.port(), "GET", "/contact?" + Q(other) + "&phoneNumber=%2B14155555678");
  CHECK(c.status == 400);
  CHECK(c.Json() == json::parse(R"({"error":"Connector not found for platform: nosuch"})"));
  ExpectSchema("/contact", "get", c);
  auto l = Request(h.port(), "POST", "/callLog?" + Q(other), json::serialize(CallBody("s-x")));
  CHECK(l.status == 400);
  auto login = Request(h.port(), "POST", "/apiKeyLogin", R"({"platform":"nosuch","apiKey":"k"})");
  CHECK(login.status == 400);
  CHECK(login.Json() == json::parse(R"({"error":"Connector not found for platform: nosuch"})"));
  auto ifaces = Request(h.port(), "GET", "/implementedInterfaces?platform=nosuch");
  CHECK(ifaces.status == 400);
  CHECK(Request(h.port(), "GET", "/implementedInterfaces").body == "Please provide platform.");
  CHECK(h.fake.server().requests().empty());
}

TEST_CASE("bad input: broken HTTP gets 400 and the daemon keeps serving", "[bad-input][e2e]") {
  RedtailHarness h;
  h.Start();
  CHECK_THAT(RawExchange(h.port(), "GARBAGE\r\n\r\n"), Catch::StartsWith("HTTP/1.1 400"));
  CHECK_THAT(
      RawExchange(h.port(), "GET /isAlive HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n"),
      Catch::StartsWith("HTTP/1.1 400"));
  CHECK_THAT(RawExchange(h.port(), "GET /isAlive HTTP/1.1\r\nHost: x\r\nX-Big: " +
                                       std::string(70000, 'a') + "\r\n\r\n"),
             Catch::StartsWith("HTTP/1.1 431"));
  RawExchange(h.port(), "POST /callLog HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"half",
              300);
  CHECK(Request(h.port(), "GET", "/nowhere").status == 404);
  ExpectAlive(h.port());
}

TEST_CASE("bad input: Redtail failing becomes the contract's returnMessage", "[bad-input][e2e]") {
  RedtailHarness h;
  h.Start();
  const std::string jwt = h.LoginJwt();
  const std::string lookup = "/contact?" + Q(jwt) + "&phoneNumber=%2B14155555678";
  struct Case {
    FakeRedtail::Failure kind;
    int status;
    const char* message;
  } cases[] = {
      {FakeRedtail::Failure::kStatus, 500, "Error finding contact"},
      {FakeRedtail::Failure::kStatus, 429, "Rate limit exceeded"},
      {FakeRedtail::Failure::kStatus, 401, "Authorization error"},
      {FakeRedtail::Failure::kStatus, 404, "Authorization error"},
      {FakeRedtail::Failure::kGarbage, 200, "Error finding contact"},
      {FakeRedtail::Failure::kNoAnswer, 0, "Error finding contact"},
  };
  for (auto& c : cases) {
    h.fake.ClearFailures();
    h.fake.Fail("/contacts", c.kind, c.status, {{"Retry-After", "30"}});
    auto r = Request(h.port(), "GET", lookup);
    INFO("failure " << int(c.kind) << " " << c.status << ": " << r.body);
    REQUIRE(r.status == 200);
    ExpectSchema("/contact", "get", r);
    CHECK(r.Json().at("successful") == false);
    CHECK(r.Json().at("returnMessage").at("message") == c.message);
  }
  h.fake.ClearFailures();
  auto r = Request(h.port(), "GET", lookup);
  CHECK(r.Json().at("successful") == true);

  // Creating a call while Redtail is down: the error, no link kept, and the retry logs it once.
  h.fake.Fail("/activities", FakeRedtail::Failure::kStatus, 503);
  auto failed =
      Request(h.port(), "POST", "/callLog?" + Q(jwt), json::serialize(CallBody("sess-down")));
  CHECK(failed.Json().at("returnMessage").at("message") == "Error creating call log");
  h.fake.ClearFailures();
  auto retried =
      Request(h.port(), "POST", "/callLog?" + Q(jwt), json::serialize(CallBody("sess-down")));
  CHECK(retried.Json().at("successful") == true);
  CHECK(h.fake.activity_count() == 1);
  ExpectAlive(h.port());
}

TEST_CASE("outbound TLS: a CRM behind HTTPS with a test CA is reached only when the CA is trusted",
          "[tls][e2e]") {
  TempDir certs;
  TlsFiles files = MakeTestCertificates(certs.path());
  {
    RedtailHarness h(files, {"--outbound-ca-file", certs / "ca.pem"});
    h.Start();
    auto ok = h.Login();
    CHECK(ok.status == 200);
    CHECK(ok.Json().as_object().contains("jwtToken"));
  }
  {
    RedtailHarness h(files);  // system CAs only: the test CA is not trusted
    h.Start();
    auto refused = h.Login();
    CHECK(refused.status == 400);
    CHECK(refused.Json().at("returnMessage").at("message") ==
          "Could not load user information Please check your credentials.");
    CHECK_THAT(h.daemon->Log(), Catch::Contains("certificate verify failed"));
    CHECK(h.fake.server().requests().empty());
  }
}

TEST_CASE(
    "bad input: a number beyond double's range is stored as null, never as an unreadable "
    "record (found by fuzzing)",
    "[bad-input][e2e]") {
  // 1e400 parses as infinity; serialised as the token `Infinity` it made the user's record
  // unreadable: every later request of that user failed with "Database operation failed".
  RedtailHarness h;
  h.Start();
  const std::string jwt = h.LoginJwt();
  auto post = Request(h.port(), "POST", "/user/settings?" + Q(jwt),
                      R"({"userSettings":{"huge":{"value":1e400},"fine":{"value":2}}})");
  CHECK(post.status == 200);
  auto get = Request(h.port(), "GET", "/user/settings?" + Q(jwt));
  REQUIRE(get.status == 200);
  CHECK(get.Json().at("huge") == json::parse(R"({"value":null})"));
  CHECK(get.Json().at("fine") == json::parse(R"({"value":2})"));
  auto lookup = Request(h.port(), "GET", "/contact?" + Q(jwt) + "&phoneNumber=%2B14155555678");
  CHECK(lookup.status == 200);
  CHECK(lookup.body.find("\"successful\":true") != std::string::npos);
}
