// EgressPolicy's rules one by one (patterns, address ranges in every spelling, URL checks), and
// the outbound client following redirects only when asked, never taking credentials to another
// origin.
#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <thread>

#include "outbound/client.h"
#include "outbound/egress_policy.h"
#include "support/fake_http_server.h"

namespace crmhost::outbound {
namespace {

boost::asio::ip::address Addr(const char* text) {
  return boost::asio::ip::make_address(text);
}

}  // namespace

TEST_CASE("egress policy: forbidden address ranges, IPv4 and IPv6 forms", "[egress]") {
  const std::pair<const char*, const char*> cases[] = {
      {"127.0.0.1", "loopback"},
      {"127.255.0.9", "loopback"},
      {"10.1.2.3", "private"},
      {"172.16.0.1", "private"},
      {"172.31.255.255", "private"},
      {"192.168.1.1", "private"},
      {"100.64.0.1", "private"},
      {"169.254.169.254", "link-local"},
      {"0.0.0.0", "unspecified"},
      {"224.0.0.1", "multicast"},
      {"255.255.255.255", "reserved"},
      {"198.18.0.1", "reserved"},
      {"::1", "loopback"},
      {"::", "unspecified"},
      {"fc00::1", "private"},
      {"fd12:3456::1", "private"},
      {"fe80::1", "link-local"},
      {"ff02::1", "multicast"},
      {"::ffff:127.0.0.1", "loopback"},
      {"::ffff:10.0.0.1", "private"},
      {"::ffff:169.254.169.254", "link-local"},
      {"64:ff9b::7f00:1", "loopback"},  // NAT64 of 127.0.0.1
      {"::127.0.0.1", "loopback"},      // IPv4-compatible
  };
  for (auto& [addr, range] : cases) {
    INFO(addr);
    CHECK(EgressPolicy::ForbiddenRange(Addr(addr)) == range);
  }
  for (const char* pub :
       {"8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700::1111", "::ffff:8.8.8.8"}) {
    INFO(pub);
    CHECK(EgressPolicy::ForbiddenRange(Addr(pub)).empty());
  }
}

TEST_CASE("egress policy: host patterns", "[egress]") {
  CHECK(EgressPolicy::Matches("*.insightly.com", "api.na1.insightly.com", 443, 443));
  CHECK_FALSE(EgressPolicy::Matches("*.insightly.com", "insightly.com", 443, 443));
  CHECK_FALSE(EgressPolicy::Matches("*.insightly.com", "api.insightly.com.evil.example", 443, 443));
  CHECK_FALSE(EgressPolicy::Matches("*.insightly.com", "evilinsightly.com", 443, 443));
  CHECK_FALSE(EgressPolicy::Matches("*.insightly.com", "api.insightly.com", 8443, 443));
  CHECK(EgressPolicy::Matches("*.insightly.com:8443", "api.insightly.com", 8443, 443));
  CHECK(EgressPolicy::Matches("app.clio.com", "app.clio.com", 443, 443));
  CHECK(EgressPolicy::Matches("APP.Clio.com.", "app.clio.com", 443, 443));
  CHECK_FALSE(EgressPolicy::Matches("app.clio.com", "eu.app.clio.com", 443, 443));
  CHECK(EgressPolicy::Matches("*", "anything.example", 1234, 443));
  CHECK(EgressPolicy::CheckPattern("*.example.com").empty());
  CHECK_FALSE(EgressPolicy::CheckPattern("ex*ample.com").empty());
  CHECK_FALSE(EgressPolicy::CheckPattern("https://example.com/x").empty());
  CHECK_FALSE(EgressPolicy::CheckPattern("").empty());
}

TEST_CASE("egress policy: URLs a plugin may and may not fetch", "[egress]") {
  EgressPolicy::Rules rules;
  rules.allow_hosts["insightly"] = {"crm.corp.example:8443"};
  rules.allow_http = {"legacy.corp.example"};
  EgressPolicy policy(rules);
  policy.SetPluginHosts("insightly", std::vector<std::string>{"*.insightly.com"});
  policy.SetPluginHosts("open", std::nullopt);  // declared nothing
  const http::Fields auth = {{"Authorization", "Basic a2V5Og=="}};
  auto ok = [&](std::string_view plugin, std::string_view url, const http::Fields& h = {}) {
    return policy.CheckUrl(plugin, url, h).ok();
  };
  CHECK(ok("insightly", "https://api.na1.insightly.com/v3.1/users/me", auth));
  CHECK(ok("insightly", "https://crm.corp.example:8443/api", auth));   // the admin's addition
  CHECK_FALSE(ok("insightly", "https://crm.corp.example/api", auth));  // not that port
  CHECK_FALSE(ok("insightly", "https://127.0.0.1/v3.1", auth));
  CHECK_FALSE(ok("insightly", "https://api.na1.insightly.com.evil.example/", auth));
  CHECK_FALSE(ok("insightly", "https://u:p@api.na1.insightly.com/", auth));
  CHECK_FALSE(ok("insightly", "http://api.na1.insightly.com/v3.1", auth));  // key over http
  CHECK(ok("insightly", "http://api.na1.insightly.com/v3.1"));              // no credentials
  CHECK_FALSE(ok("insightly", "http://api.na1.insightly.com/v3.1?api_token=x"));
  CHECK_FALSE(ok("insightly", "ftp://api.na1.insightly.com/"));
  CHECK_FALSE(ok("insightly", "https://%61pi.insightly.com/"));
  CHECK_FALSE(ok("insightly", "not a url"));
  CHECK(
      ok("open", "https://any.example/", auth));  // undeclared: any host (addresses still checked)
  CHECK_FALSE(ok("open", "http://any.example/", auth));
  CHECK(ok("open", "http://legacy.corp.example/", auth));  // http allowed for that host
  CHECK(ok("", "http://127.0.0.1:9/", auth));              // the daemon's own configured endpoint
  auto refused = policy.CheckUrl("insightly", "https://127.0.0.1/v3.1?token=SECRET", auth);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == Status::Code::kPermissionDenied);
  CHECK(refused.status().message().find("SECRET") == std::string::npos);
}

TEST_CASE("egress policy: private addresses only for the hosts an administrator allows",
          "[egress]") {
  EgressPolicy::Rules rules;
  rules.allow_private = {"crm.internal.example", "*.lab.example"};
  EgressPolicy policy(rules);
  CHECK(policy.AddressAllowed(Addr("8.8.8.8"), "api.example.com"));
  CHECK_FALSE(policy.AddressAllowed(Addr("10.0.0.7"), "api.example.com"));
  CHECK(policy.AddressAllowed(Addr("10.0.0.7"), "crm.internal.example"));
  CHECK(policy.AddressAllowed(Addr("127.0.0.1"), "box.lab.example"));
  CHECK_FALSE(policy.AddressAllowed(Addr("127.0.0.1"), "lab.example"));
}

TEST_CASE(
    "outbound client: redirects are followed only when asked, without credentials across "
    "origins",
    "[egress]") {
  using crmhost::testing::FakeHttpServer;
  using crmhost::testing::FakeResponse;
  using crmhost::testing::RecordedRequest;
  FakeHttpServer b([](const RecordedRequest&) {
    FakeResponse r;
    r.body = "{\"at\":\"b\"}";
    return r;
  });
  FakeHttpServer a([](const RecordedRequest& r) {
    FakeResponse resp;
    if (r.path == "/start") {
      resp.status = 302;
      resp.headers = {{"Location", "https://b.example.com/landing"}};
    } else if (r.path == "/same") {
      resp.status = 302;
      resp.headers = {{"Location", "/next"}};
    } else if (r.path == "/evil") {
      resp.status = 302;
      resp.headers = {{"Location", "https://127.0.0.1/steal"}};
    } else {
      resp.body = "{\"at\":\"a\"}";
    }
    return resp;
  });
  boost::asio::io_context ioc;
  auto work = boost::asio::make_work_guard(ioc);
  std::thread net([&] { ioc.run(); });
  auto policy = std::make_shared<EgressPolicy>();
  policy->SetPluginHosts("p", std::vector<std::string>{"a.example.com", "b.example.com"});
  OutboundClient::Options o;
  o.overrides = {{"https://a.example.com", a.base_url()}, {"https://b.example.com", b.base_url()}};
  o.policy = policy;
  {
    OutboundClient client(ioc, o);
    auto send = [&](const std::string& path, bool follow) {
      OutboundRequest r;
      r.url = "https://a.example.com" + path;
      r.headers = {{"Authorization", "Bearer SECRET-1"}, {"Cookie", "s=SECRET-2"}};
      r.plugin = "p";
      r.follow_redirects = follow;
      return client.Send(std::move(r));
    };
    auto not_followed = send("/start", false);
    REQUIRE(not_followed.ok());
    CHECK(not_followed->status == 302);
    CHECK(b.requests().empty());

    auto followed = send("/start", true);
    REQUIRE(followed.ok());
    CHECK(followed->status == 200);
    CHECK(followed->body == "{\"at\":\"b\"}");
    REQUIRE(b.requests().size() == 1);
    CHECK_FALSE(b.requests()[0].Header("authorization"));
    CHECK_FALSE(b.requests()[0].Header("cookie"));

    auto same = send("/same", true);  // same origin: the credential goes along
    REQUIRE(same.ok());
    const auto reqs = a.requests();
    REQUIRE(reqs.back().path == "/next");
    CHECK(reqs.back().Header("authorization") == std::optional<std::string>("Bearer SECRET-1"));

    auto evil = send("/evil", true);  // each hop is judged: loopback is refused
    REQUIRE_FALSE(evil.ok());
    CHECK(evil.status().code() == Status::Code::kPermissionDenied);
  }
  work.reset();
  ioc.stop();
  net.join();
}

}  // namespace crmhost::outbound
