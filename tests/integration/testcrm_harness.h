// One running crmhostd with the testcrm plugins (an OAuth CRM implementing every optional
// operation), a fake of that CRM and a fake RingCentral, wired as an admin would wire the real
// services: --plugin-setting for the OAuth client, --outbound-override to reach the fakes.
#ifndef CRMHOST_TESTS_TESTCRM_HARNESS_H
#define CRMHOST_TESTS_TESTCRM_HARNESS_H

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "integration/redtail_harness.h"
#include "support/daemon_process.h"
#include "support/fake_testcrm.h"
#include "support/files.h"
#include "support/http_client.h"

namespace crmhost::testing {

// The header a client sends its RingCentral access token in.
inline std::vector<std::pair<std::string, std::string>> Rc(const char* token) {
  return {{"X-RC-Access-Token", token}};
}

struct TestCrmHarness {
  TempDir dir;
  FakeTestCrm crm;
  FakeRingCentral rc;
  std::unique_ptr<DaemonProcess> daemon;
  std::vector<std::string> extra_args;

  explicit TestCrmHarness(std::vector<std::string> extra = {}) : extra_args(std::move(extra)) {
    std::ofstream(dir / "master.key") << kTestMasterKeyHex << "\n";
    std::filesystem::create_directories(dir / "plugins");
    for (const char* name : {"testcrm.so", "testcrmowned.so", "testkey.so"})
      std::filesystem::copy_file(std::string(CRMHOST_TEST_PLUGIN_DIR) + "/" + name,
                                 (dir / "plugins/") + name);
    std::filesystem::copy_file(DaemonProcess::PluginDir() + "/redtail.so",
                               dir / "plugins/redtail.so");
  }

  std::vector<std::string> Args() const {
    std::vector<std::string> a = {
        "--plugin-dir", dir / "plugins", "--secret-key-file", dir / "master.key",
        "--plugin-setting", std::string("testcrm.client_secret=") + FakeTestCrm::kClientSecret,
        "--plugin-setting",
        // testcrmowned's getOauthInfo leaves the secret empty: the configuration supplies it.
        std::string("testcrmowned.oauth_client_secret=") + FakeTestCrm::kClientSecret,
        "--outbound-override", std::string(FakeTestCrm::kApi) + "=" + crm.base_url(),
        "--outbound-override", std::string(FakeRingCentral::kServer) + "=" + rc.base_url(),
        "--outbound-timeout-ms", "3000", "--workers", "64"};
    a.insert(a.end(), extra_args.begin(), extra_args.end());
    return a;
  }
  void Start() { daemon = std::make_unique<DaemonProcess>(dir / "data", Args()); }
  uint16_t port() const { return daemon->port(); }

  std::string CallbackTarget(const std::string& platform = "testcrm",
                             const std::string& extra = "") const {
    const std::string callback =
        "https://ringcentral.github.io/ringcentral-embeddable/redirect.html?code=" +
        std::string(FakeTestCrm::kCode) + "&state=" + UrlEncode("platform=" + platform);
    return "/oauth-callback?callbackUri=" + UrlEncode(callback) + extra;
  }

  HttpResult OAuthLogin(const std::string& platform = "testcrm", const std::string& extra = "") {
    return Request(port(), "GET", CallbackTarget(platform, extra));
  }
  std::string LoginJwt(const std::string& platform = "testcrm", const std::string& extra = "") {
    auto r = OAuthLogin(platform, extra);
    INFO(r.body);
    REQUIRE(r.status == 200);
    return std::string(r.Json().at("jwtToken").get_string());
  }
  HttpResult Get(const std::string& target, const std::string& jwt,
                 std::vector<std::pair<std::string, std::string>> headers = {}) const {
    headers.emplace_back("Authorization", "Bearer " + jwt);
    return Request(port(), "GET", target, {}, headers);
  }
  HttpResult Send(const std::string& method, const std::string& target, const std::string& jwt,
                  const boost::json::value& body,
                  std::vector<std::pair<std::string, std::string>> headers = {}) const {
    if (!jwt.empty()) headers.emplace_back("Authorization", "Bearer " + jwt);
    headers.emplace_back("Content-Type", "application/json");
    return Request(port(), method, target, boost::json::serialize(body), headers);
  }
};

}  // namespace crmhost::testing

#endif  // CRMHOST_TESTS_TESTCRM_HARNESS_H
