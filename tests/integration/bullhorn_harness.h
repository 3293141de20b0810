// crmhostd with bullhorn.so and FakeBullhorn: one data center's OAuth, REST login and REST
// hosts sent to the fake through --outbound-override, and the extension's login redirect.
#ifndef CRMHOST_TESTS_BULLHORN_HARNESS_H
#define CRMHOST_TESTS_BULLHORN_HARNESS_H

#include "integration/crm_harness.h"
#include "support/fake_bullhorn.h"

namespace crmhost::testing {

struct BullhornHarness : CrmHarness {
  FakeBullhorn bh;
  // `start`: false lets the test change the harness (plugin_dir, fake delays) before Start().
  explicit BullhornHarness(std::vector<std::string> extra = {}, bool start = true)
      : CrmHarness(std::move(extra)) {
    const std::string fake = bh.base_url();
    args.insert(
        args.end(),
        {"--plugin-setting", std::string("bullhorn.oauth_client_id=") + FakeBullhorn::kClientId,
         "--plugin-setting",
         std::string("bullhorn.oauth_client_secret=") + FakeBullhorn::kClientSecret,
         "--outbound-override", std::string(FakeBullhorn::kAuthOrigin) + "=" + fake,
         "--outbound-override", std::string(FakeBullhorn::kLoginOrigin) + "=" + fake,
         "--outbound-override", std::string(FakeBullhorn::kRestOrigin) + "=" + fake});
    if (start) Start();
  }
  // The extension's redirect page hands over the code with the data center's URLs and the
  // user's Bullhorn username, as top-level query parameters.
  HttpResult Login(const std::string& token_url = FakeBullhorn::kTokenUrl,
                   const std::string& api_url = FakeBullhorn::kApiUrl,
                   const std::string& extra = "") const {
    const std::string callback =
        "https://ringcentral.github.io/ringcentral-embeddable/redirect.html?code=" +
        std::string(FakeBullhorn::kCode) + "&state=" + UrlEncode("platform=bullhorn");
    return Request(port(), "GET",
                   "/oauth-callback?callbackUri=" + UrlEncode(callback) +
                       "&tokenUrl=" + UrlEncode(token_url) + "&apiUrl=" + UrlEncode(api_url) +
                       "&username=" + FakeBullhorn::kUsername + extra);
  }
  std::string LoginJwt() const { return JwtOf(Login()); }
};

// A completed inbound call from Ada Lovelace (ClientContact 5001) with the agent's note.
inline boost::json::object BullhornCall(const std::string& session,
                                        boost::json::object submission = {}) {
  return InboundCallBody(session, {5001, "Ada Lovelace", "+14155550100", "Contact"},
                         "Asked about the Babbage role", std::move(submission));
}

}  // namespace crmhost::testing

#endif  // CRMHOST_TESTS_BULLHORN_HARNESS_H
