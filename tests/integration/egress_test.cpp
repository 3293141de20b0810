// The outbound policy end to end (SSRF): a user who controls a URL a plugin fetches (Insightly's
// API URL) cannot aim the daemon at loopback, private or metadata addresses in any spelling, at
// a name that resolves there, at a host outside the plugin's allowlist, with credentials in the
// URL or over plain http; and a redirect is not followed for a plugin that did not ask. A trap
// listener on 127.0.0.1 proves no connection was even attempted.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "integration/crm_harness.h"
#include "support/fake_insightly.h"

namespace crmhost::testing {
namespace json = boost::json;

namespace {

// Counts TCP connections to 127.0.0.1:port(); answers none of them.
class TrapListener {
 public:
  TrapListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(fd_, 64);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] {
      for (;;) {
        int c = ::accept(fd_, nullptr, nullptr);
        if (c < 0 || stop_) {
          if (c >= 0) ::close(c);
          return;
        }
        ++accepted_;
        ::close(c);
      }
    });
  }
  ~TrapListener() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  uint16_t port() const { return port_; }
  int accepted() const { return accepted_; }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0};
  std::thread thread_;
};

}  // namespace

TEST_CASE("egress: user-supplied URLs cannot reach loopback, private or unlisted hosts",
          "[egress][insightly]") {
  TrapListener trap;
  FakeInsightly fake;
  const std::string tp = std::to_string(trap.port());
  // A host that answers every request with a redirect to the trap (a compromised or hostile
  // endpoint inside the allowlist).
  FakeHttpServer redirector([&](const RecordedRequest&) {
    FakeResponse r;
    r.status = 302;
    r.headers = {{"Location", "http://127.0.0.1:" + tp + "/v3.1/users/me"}};
    r.body = "";
    return r;
  });
  CrmHarness h({"--outbound-override", std::string(FakeInsightly::kPod) + "=" + fake.base_url(),
                "--outbound-override", "https://redirect.insightly.com=" + redirector.base_url(),
                // A name inside the allowlist that the attacker's DNS points at loopback, on the
                // trap's port (which the admin's addition allows, so only the address is wrong).
                "--outbound-resolve", "rebind.insightly.com=127.0.0.1", "--outbound-allow",
                "insightly=*.insightly.com:" + tp});
  h.Start();
  auto login = [&](const std::string& api_url) {
    return h.ApiKeyLogin("insightly", FakeInsightly::kApiKey, json::object{{"apiUrl", api_url}});
  };
  const std::vector<std::string> hostile = {
      "http://127.0.0.1:" + tp + "/v3.1",
      "https://127.0.0.1:" + tp + "/v3.1",
      "https://localhost:" + tp + "/v3.1",
      "https://10.0.0.1/v3.1",
      "https://0x7f000001:" + tp + "/v3.1",
      "https://2130706433:" + tp + "/v3.1",
      "https://0177.0.0.1:" + tp + "/v3.1",
      "https://127.1:" + tp + "/v3.1",
      "https://[::1]:" + tp + "/v3.1",
      "https://[::ffff:127.0.0.1]:" + tp + "/v3.1",
      "https://[0:0:0:0:0:0:0:1]:" + tp + "/v3.1",
      "https://169.254.169.254/latest/meta-data",
      "https://api.na1.insightly.com.attacker.example/v3.1",
      "https://user:pw@api.na1.insightly.com/v3.1",
      "https://api.na1.insightly.com@127.0.0.1:" + tp + "/v3.1",
      "https://rebind.insightly.com:" + tp + "/v3.1",  // allowed name and port, loopback address
      "http://rebind.insightly.com:" + tp + "/v3.1",   // the API key over plain http
      "https://redirect.insightly.com/v3.1",           // a 302 to the trap: not followed
      "file:///etc/passwd",
      "gopher://127.0.0.1:" + tp + "/",
  };
  for (const std::string& url : hostile) {
    INFO(url);
    auto r = login(url);
    CHECK(r.status == 400);
    CHECK(r.body.find("jwtToken") == std::string::npos);
  }
  CHECK(trap.accepted() == 0);
  CHECK(fake.server().requests().empty());  // nothing reached the real pod either
  const std::string log = h.daemon->Log();
  CHECK(log.find("outbound request refused: plugin insightly") != std::string::npos);
  CHECK(log.find("resolves to a loopback address") != std::string::npos);
  CHECK(log.find("not in plugin insightly's allowlist") != std::string::npos);
  CHECK(log.find("credentials in a URL are not allowed") != std::string::npos);
  CHECK(log.find("credentials may only go to rebind.insightly.com over https") !=
        std::string::npos);
  CHECK(log.find(FakeInsightly::kApiKey) == std::string::npos);
  // The redirector was asked once and its redirect went nowhere.
  CHECK(redirector.requests().size() == 1);

  // The legitimate pod still works.
  auto ok = login(FakeInsightly::kApiUrl);
  CHECK(ok.status == 200);
}

TEST_CASE("egress: an administrator can allow an internal CRM host", "[egress][insightly]") {
  // The same loopback name, now allowed to resolve privately: the connection is made (the
  // trap sees it; TLS then fails against it, which is fine for this check).
  TrapListener trap;
  const std::string tp = std::to_string(trap.port());
  CrmHarness h({"--outbound-resolve", "crm.insightly.com=127.0.0.1", "--outbound-allow",
                "insightly=crm.insightly.com:" + tp, "--outbound-allow-private",
                "crm.insightly.com"});
  h.Start();
  auto r = h.ApiKeyLogin("insightly", FakeInsightly::kApiKey,
                         json::object{{"apiUrl", "https://crm.insightly.com:" + tp + "/v3.1"}});
  CHECK(r.status == 400);
  CHECK(trap.accepted() >= 1);
}

}  // namespace crmhost::testing
