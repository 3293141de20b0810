// CRM calls through an HTTP proxy (--outbound-proxy / [outbound] proxy): CONNECT tunnels for
// https with the proxy's credentials, absolute-form requests for http, hosts exempted by
// no_proxy going direct, and a proxy that refuses reported without leaking its password.
#include <catch2/catch.hpp>

#include "crmhost/encoding.h"
#include "integration/redtail_harness.h"
#include "support/fake_proxy.h"
#include "support/secret_ledger.h"

namespace crmhost::testing {
namespace {

// Starts the harness's daemon, logs in (which must work) and returns what the proxy saw.
std::vector<FakeProxy::Seen> LoginThrough(RedtailHarness& h, const FakeProxy& proxy) {
  h.Start();
  auto login = h.Login();
  INFO(login.body << h.daemon->Log());
  REQUIRE(login.status == 200);
  auto seen = proxy.seen();
  REQUIRE_FALSE(seen.empty());
  return seen;
}

}  // namespace

TEST_CASE("outbound proxy: https CRM calls tunnel through CONNECT with the proxy's credentials",
          "[proxy][tls][e2e]") {
  TempDir certs;
  TlsFiles files = MakeTestCertificates(certs.path());
  FakeProxy proxy;
  NoteSecret("pr0xy-s3cret-77");
  // A user name with a space, percent-encoded in the URL as an admin would write it.
  const std::string proxy_url = proxy.url("crm%20bot:pr0xy-s3cret-77");
  {
    RedtailHarness h(files,
                     {"--outbound-ca-file", certs / "ca.pem", "--outbound-proxy", proxy_url});
    auto seen = LoginThrough(h, proxy);
    CHECK(seen.front().method == "CONNECT");
    CHECK(seen.front().target == "127.0.0.1:" + std::to_string(h.fake.server().port()));
    CHECK(seen.front().proxy_authorization == "Basic " + Base64Encode("crm bot:pr0xy-s3cret-77"));
    CHECK_FALSE(h.fake.server().requests().empty());  // the CRM got the calls, through the tunnel
    // The proxy's credentials went to the proxy only, never to the CRM.
    for (auto& r : h.fake.server().requests())
      CHECK_FALSE(r.Header("proxy-authorization"));
  }
  {
    proxy.RefuseWith(407);
    RedtailHarness h(files,
                     {"--outbound-ca-file", certs / "ca.pem", "--outbound-proxy", proxy_url});
    h.Start();
    const size_t before = h.fake.server().requests().size();
    auto refused = h.Login();
    CHECK(refused.status == 400);
    CHECK(refused.Json().at("returnMessage").at("message") ==
          "Could not load user information Please check your credentials.");
    const std::string log = h.daemon->Log();
    INFO(log);
    CHECK_THAT(log, Catch::Contains("refused CONNECT to 127.0.0.1:") && Catch::Contains("407"));
    CHECK(log.find("pr0xy-s3cret-77") == std::string::npos);
    CHECK(h.fake.server().requests().size() == before);
  }
}

TEST_CASE("outbound proxy: plain http goes in absolute form and no_proxy hosts go direct",
          "[proxy][e2e]") {
  FakeProxy proxy;
  {
    RedtailHarness h(std::nullopt, {"--outbound-proxy", proxy.url()});
    auto seen = LoginThrough(h, proxy);
    CHECK(seen.front().method != "CONNECT");
    CHECK(seen.front().target.rfind(
              "http://127.0.0.1:" + std::to_string(h.fake.server().port()) + "/api/public/v1/",
              0) == 0);
    CHECK(seen.front().proxy_authorization.empty());
  }
  const size_t proxied = proxy.seen().size();
  {
    RedtailHarness h(std::nullopt, {"--outbound-proxy", proxy.url(), "--outbound-no-proxy",
                                    "localhost,127.0.0.1"});
    h.Start();
    CHECK(h.Login().status == 200);
    CHECK(proxy.seen().size() == proxied);  // went direct
  }
  // A proxy URL crmhostd cannot use stops it at start, without echoing the URL.
  TempDir dir;
  auto bad = [&](const std::string& url) {
    std::string cmd = DaemonProcess::Binary() + " --check-config --config none --outbound-proxy '" +
                      url + "' > " + (dir / "out.txt") + " 2>&1";
    const int rc = std::system(cmd.c_str());
    std::ifstream in(dir / "out.txt");
    std::stringstream out;
    out << in.rdbuf();
    return std::make_pair(WEXITSTATUS(rc), out.str());
  };
  auto [rc, out] = bad("socks5://u:hunter2hunter2@127.0.0.1:1080");
  INFO(out);
  CHECK(rc != 0);
  CHECK_THAT(out, Catch::Contains("--outbound-proxy: only http:// proxies are supported"));
  CHECK(out.find("hunter2hunter2") == std::string::npos);
}

}  // namespace crmhost::testing
