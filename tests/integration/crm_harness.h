// One running crmhostd with the shipped CRM plugins, wired to fakes of the CRMs' REST APIs the
// way an admin would wire the real services: --plugin-setting for credentials and
// --outbound-override to reach the fakes. Shared by the native CRM plugins' tests.
#ifndef CRMHOST_TESTS_CRM_HARNESS_H
#define CRMHOST_TESTS_CRM_HARNESS_H

#include <catch2/catch.hpp>

#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "integration/redtail_harness.h"
#include "support/daemon_process.h"
#include "support/fake_failures.h"
#include "support/fake_testcrm.h"
#include "support/files.h"
#include "support/http_client.h"

namespace crmhost::testing {

// Who called in a POST /callLog body, and as what kind of CRM record.
struct CallContact {
  boost::json::value id;
  std::string name, phone, type;
};

// A POST /callLog body: a completed 125 s inbound call from `contact` to the user (Jane Doe) at
// 2026-01-02T03:04:05Z, with the agent's `note` and, when given, the form's `submission`.
inline boost::json::object InboundCallBody(const std::string& session, const CallContact& contact,
                                           const std::string& note,
                                           std::optional<boost::json::object> submission) {
  boost::json::object body{
      {"logInfo",
       boost::json::object{
           {"id", "call-" + session},
           {"sessionId", session},
           {"telephonySessionId", "tel-" + session},
           {"direction", "Inbound"},
           {"from", boost::json::object{{"name", contact.name}, {"phoneNumber", contact.phone}}},
           {"to", boost::json::object{{"name", "Jane Doe"}, {"phoneNumber", "+14155550005"}}},
           {"duration", 125},
           {"result", "Completed"},
           {"startTime", 1767323045000}}},
      {"contactId", contact.id},
      {"contactName", contact.name},
      {"contactType", contact.type},
      {"note", note},
      {"hashedExtensionId", "hashed-ext-105"}};
  if (submission) body["additionalSubmission"] = std::move(*submission);
  return body;
}

// The last request a fake recorded with `method` and exactly `path` (null if none). Keep the
// vector alive while using the pointer: fake.server().requests() returns a copy.
inline const RecordedRequest* LastRequest(const std::vector<RecordedRequest>& reqs,
                                          const std::string& method, const std::string& path) {
  const RecordedRequest* found = nullptr;
  for (auto& r : reqs)
    if (r.method == method && r.path == path) found = &r;
  return found;
}
// The same for the paths under `prefix`.
inline const RecordedRequest* LastRequestUnder(const std::vector<RecordedRequest>& reqs,
                                               const std::string& method,
                                               const std::string& prefix) {
  const RecordedRequest* found = nullptr;
  for (auto& r : reqs)
    if (r.method == method && r.path.rfind(prefix, 0) == 0) found = &r;
  return found;
}

struct CrmHarness {
  TempDir dir;
  std::vector<std::string> args;
  std::string plugin_dir = DaemonProcess::PluginDir();
  std::unique_ptr<DaemonProcess> daemon;

  explicit CrmHarness(std::vector<std::string> extra) : args(std::move(extra)) {
    std::ofstream(dir / "master.key") << kTestMasterKeyHex << "\n";
  }

  void Start() {
    std::vector<std::string> a = {"--plugin-dir",          plugin_dir,
                                  "--secret-key-file",     dir / "master.key",
                                  "--outbound-timeout-ms", "2000"};
    a.insert(a.end(), args.begin(), args.end());
    daemon = std::make_unique<DaemonProcess>(dir / "data", a);
  }
  uint16_t port() const { return daemon->port(); }

  HttpResult ApiKeyLogin(const std::string& platform, const std::string& api_key,
                         const boost::json::object& additional) const {
    boost::json::object body{
        {"platform", platform}, {"apiKey", api_key}, {"additionalInfo", additional}};
    return Request(port(), "POST", "/apiKeyLogin?state=platform=" + platform,
                   boost::json::serialize(body));
  }

  // The extension's redirect page hands the CRM's code to /oauth-callback; `hostname` travels in
  // the state as the manifest's customState puts it.
  HttpResult OAuthLogin(const std::string& platform, const std::string& code,
                        const std::string& hostname = "") const {
    std::string state = "platform=" + platform;
    if (!hostname.empty()) state += "&hostname=" + hostname;
    const std::string callback =
        "https://ringcentral.github.io/ringcentral-embeddable/redirect.html?code=" + code +
        "&state=" + UrlEncode(state);
    return Request(port(), "GET", "/oauth-callback?callbackUri=" + UrlEncode(callback));
  }

  static std::string JwtOf(const HttpResult& login) {
    INFO(login.status << " " << login.body);
    REQUIRE(login.status == 200);
    return std::string(login.Json().at("jwtToken").get_string());
  }

  HttpResult Get(const std::string& target, const std::string& jwt) const {
    return Request(port(), "GET", target, {}, {{"Authorization", "Bearer " + jwt}});
  }
  HttpResult Send(const std::string& method, const std::string& target, const std::string& jwt,
                  const boost::json::value& body) const {
    return Request(port(), method, target, boost::json::serialize(body),
                   {{"Authorization", "Bearer " + jwt}, {"Content-Type", "application/json"}});
  }

  // POST /admin/userMapping as the admin of RingCentral account 3001 (FakeRingCentral), for the
  // extensions {id, name} listed.
  HttpResult PostUserMapping(
      const std::string& jwt,
      const std::vector<std::pair<std::string, std::string>>& extensions) const {
    boost::json::array list;
    for (auto& [id, name] : extensions)
      list.push_back(boost::json::object{{"id", id}, {"name", name}});
    return Request(port(), "POST", "/admin/userMapping",
                   boost::json::serialize(boost::json::object{{"rcExtensionList", list}}),
                   {{"Authorization", "Bearer " + jwt},
                    {"Content-Type", "application/json"},
                    {"X-RC-Access-Token", FakeRingCentral::kAdminToken}});
  }
};

// The CRM failing in each way a real service fails: GET `target` (a contact lookup) answers 200
// {successful:false} with the contract's message for each, and succeeds again afterwards.
inline void ExpectLookupFailuresReported(const CrmHarness& h, FailureRules& failures,
                                         const std::string& path_prefix, const std::string& target,
                                         const std::string& jwt) {
  struct Case {
    FakeFailure kind;
    int status;
    const char* message;
  } cases[] = {
      {FakeFailure::kStatus, 500, "Error finding contact"},
      {FakeFailure::kStatus, 429, "Rate limit exceeded"},
      {FakeFailure::kStatus, 401, "Authorization error"},
      {FakeFailure::kStatus, 404, "Authorization error"},
      {FakeFailure::kGarbage, 200, "Error finding contact"},
      {FakeFailure::kNoAnswer, 0, "Error finding contact"},
  };
  for (auto& c : cases) {
    failures.Clear();
    failures.Fail(path_prefix, c.kind, c.status, {{"Retry-After", "30"}});
    auto r = h.Get(target, jwt);
    INFO("failure " << int(c.kind) << " " << c.status << ": " << r.body);
    REQUIRE(r.status == 200);
    ExpectSchema("/contact", "get", r);
    CHECK(r.Json().at("successful") == false);
    CHECK(r.Json().at("returnMessage").at("message") == c.message);
  }
  failures.Clear();
  auto r = h.Get(target, jwt);
  INFO(r.body);
  CHECK(r.Json().at("successful") == true);
}

// The CRM refusing to create the call's record (500): the contract's "Error creating call log"
// and nothing recorded; the client's retry then logs it, exactly once (`records` counts what the
// fake holds).
inline void ExpectCallLogRetriedOnce(const CrmHarness& h, FailureRules& failures,
                                     const std::string& path_prefix,
                                     const boost::json::object& call, const std::string& jwt,
                                     const std::function<size_t()>& records) {
  const size_t before = records();
  failures.Fail(path_prefix, FakeFailure::kStatus, 500);
  auto failed = h.Send("POST", "/callLog", jwt, call);
  INFO(failed.body);
  CHECK(failed.Json().at("successful") == false);
  CHECK(failed.Json().at("returnMessage").at("message") == "Error creating call log");
  CHECK(records() == before);
  failures.Clear();
  auto retried = h.Send("POST", "/callLog", jwt, call);
  INFO(retried.body);
  CHECK(retried.Json().at("successful") == true);
  auto again = h.Send("POST", "/callLog", jwt, call);  // already logged: no second record
  CHECK(again.Json().at("successful") == false);
  CHECK_THAT(std::string(again.Json().at("returnMessage").at("message").as_string()),
             Catch::StartsWith("Existing log for session"));
  CHECK(records() == before + 1);
}

}  // namespace crmhost::testing

#endif  // CRMHOST_TESTS_CRM_HARNESS_H
