// crmhostd with netsuite.so and FakeNetSuite: one account's SuiteTalk and RESTlet hosts sent to
// the fake through --outbound-override, and the extension's login redirect (NetSuite adds the
// entity, company and role to it).
#ifndef CRMHOST_TESTS_NETSUITE_HARNESS_H
#define CRMHOST_TESTS_NETSUITE_HARNESS_H

#include "integration/crm_harness.h"
#include "support/fake_netsuite.h"

namespace crmhost::testing {

struct NetSuiteHarness : CrmHarness {
  FakeNetSuite ns;
  // `start`: false lets the test change the harness (plugin_dir, fake delays) before Start().
  explicit NetSuiteHarness(std::vector<std::string> extra = {}, bool start = true)
      : CrmHarness(std::move(extra)) {
    const std::string fake = ns.base_url();
    args.insert(
        args.end(),
        {"--plugin-setting", std::string("netsuite.oauth_client_id=") + FakeNetSuite::kClientId,
         "--plugin-setting",
         std::string("netsuite.oauth_client_secret=") + FakeNetSuite::kClientSecret,
         "--outbound-override", std::string(FakeNetSuite::kRestOrigin) + "=" + fake,
         "--outbound-override", std::string(FakeNetSuite::kRestletOrigin) + "=" + fake});
    if (start) Start();
  }
  HttpResult Login(const std::string& hostname = FakeNetSuite::kHostname,
                   const std::string& extra = "") const {
    const std::string callback =
        "https://ringcentral.github.io/ringcentral-embeddable/redirect.html?code=" +
        std::string(FakeNetSuite::kCode) + "&entity=" + FakeNetSuite::kEntity +
        "&company=" + FakeNetSuite::kCompany +
        "&role=3&state=" + UrlEncode("fillerString,platform=netsuite");
    return Request(port(), "GET",
                   "/oauth-callback?callbackUri=" + UrlEncode(callback) +
                       "&hostname=" + UrlEncode(hostname) + extra);
  }
  std::string LoginJwt() const { return JwtOf(Login()); }
};

// A completed inbound call from Ada Lovelace (contact 7011) with the agent's note.
inline boost::json::object NetSuiteCall(const std::string& session,
                                        boost::json::object submission = {}) {
  return InboundCallBody(session, {7011, "Ada Lovelace", "+14155557002", "contact"},
                         "Asked about the engine", std::move(submission));
}

}  // namespace crmhost::testing

#endif  // CRMHOST_TESTS_NETSUITE_HARNESS_H
