// One running crmhostd wired to a FakeRedtail, the way an admin would run it against the real
// Redtail: --plugin-setting for the integration key, --outbound-override to reach the fake.
#ifndef CRMHOST_TESTS_REDTAIL_HARNESS_H
#define CRMHOST_TESTS_REDTAIL_HARNESS_H

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "crmhost/encoding.h"
#include "crmhost/store/cipher.h"
#include "identity/jwt.h"
#include "support/daemon_process.h"
#include "support/fake_redtail.h"
#include "support/files.h"
#include "support/http_client.h"
#include "support/openapi.h"

namespace crmhost::testing {

inline constexpr const char* kRedtailServer =
    "https://smf.crm3.redtailtechnology.com/api/public/v1";
// The master key the tests give crmhostd, so they can mint JWTs the daemon accepts (or not).
inline constexpr const char* kTestMasterKeyHex =
    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

struct RedtailHarness {
  TempDir dir;
  FakeRedtail fake;
  std::unique_ptr<DaemonProcess> daemon;
  std::vector<std::string> extra_args;
  std::string plugin_dir = DaemonProcess::PluginDir();
  // Another way to run the daemon (the Windows tests: {"wine", ".../crmhostd.exe"}) and what to
  // add to its environment.
  std::vector<std::string> command;
  std::vector<std::pair<std::string, std::string>> env;

  explicit RedtailHarness(std::optional<TlsFiles> tls = std::nullopt,
                          std::vector<std::string> extra = {})
      : fake(tls), extra_args(std::move(extra)) {
    std::ofstream(dir / "master.key") << kTestMasterKeyHex << "\n";
  }

  std::vector<std::string> Args() const {
    std::vector<std::string> a = {
        "--plugin-dir",
        plugin_dir,
        "--secret-key-file",
        dir / "master.key",
        "--plugin-setting",
        std::string("redtail.api_key=") + FakeRedtail::kIntegrationKey,
        "--outbound-override",
        std::string(kRedtailServer) + "=" + fake.base_url() + "/api/public/v1"};
    // Failure tests want a quick timeout; a test may set its own.
    if (std::find(extra_args.begin(), extra_args.end(), "--outbound-timeout-ms") ==
        extra_args.end())
      a.insert(a.end(), {"--outbound-timeout-ms", "2000"});
    a.insert(a.end(), extra_args.begin(), extra_args.end());
    return a;
  }
  void Start() {
    daemon = std::make_unique<DaemonProcess>(dir / "data", Args(), env, -1, "", command);
  }
  uint16_t port() const { return daemon->port(); }

  // Mints a token with the daemon's JWT key (derived from the test master key).
  std::string Jwt(const std::string& id, const std::string& platform, int64_t lifetime_s = 1209600,
                  int64_t now_s = -1) const {
    auto raw = HexDecode(kTestMasterKeyHex);
    store::Key256 master;
    std::copy(raw->begin(), raw->end(), master.begin());
    auto key = store::DeriveKey(master, "crmhost jwt v1");
    identity::JwtCodec codec(std::string(reinterpret_cast<const char*>(key.data()), key.size()));
    if (now_s < 0) now_s = std::time(nullptr);
    return codec.Sign(boost::json::object{{"id", id}, {"platform", platform}}, now_s, lifetime_s);
  }

  std::string OpsToken() const {
    std::ifstream in(dir / "data/ops.token");
    std::string t;
    in >> t;
    return t;
  }
  HttpResult Ops(const std::string& method, const std::string& path) const {
    return Request(daemon->ops_port(), method, path, {},
                   {{"Authorization", "Bearer " + OpsToken()}});
  }
  // The ops API's view of one plugin (an empty object if it is not listed).
  boost::json::object PluginState(const std::string& name) const {
    auto r = Ops("GET", "/plugins");
    if (r.status != 200) return {};
    const auto list = r.Json();  // a named value: range-for does not extend a temporary's members
    for (auto& p : list.as_array())
      if (p.at("name") == name.c_str()) return p.as_object();
    return {};
  }

  // Neither the data dir nor the daemon's log holds any Redtail secret or `jwt` in clear.
  void ExpectSecretsSealed(const std::string& jwt) const {
    const std::string data = dir / "data";
    for (const std::string& secret :
         {std::string(FakeRedtail::kIntegrationKey), std::string(FakeRedtail::kUserKey),
          std::string(FakeRedtail::kPassword), jwt}) {
      INFO("secret: " << secret);
      CHECK_FALSE(AnyFileContains(data, secret));
      CHECK(daemon->Log().find(secret) == std::string::npos);
    }
  }

  HttpResult Login(const std::string& password = FakeRedtail::kPassword) {
    boost::json::object body{
        {"platform", "redtail"},
        {"apiKey", "apiKey"},
        {"additionalInfo",
         boost::json::object{{"username", FakeRedtail::kUsername}, {"password", password}}}};
    return Request(port(), "POST", "/apiKeyLogin?state=platform=redtail",
                   boost::json::serialize(body));
  }

  std::string LoginJwt() {
    auto r = Login();
    REQUIRE(r.status == 200);
    return std::string(r.Json().at("jwtToken").get_string());
  }
};

// Validates a response against crmhostd's own OpenAPI document (docs/openapi.json), which every
// clone has; tests/reference checks that document against the reference's.
inline void ExpectSchema(const std::string& path, const std::string& method, const HttpResult& r) {
  auto errors = OpenApi::Ours().ValidateResponse(path, method, r.status,
                                                 r.Header("content-type").value_or(""), r.body);
  INFO(method << " " << path << " -> " << r.status << " " << r.body.substr(0, 400));
  std::string all;
  for (auto& e : errors)
    all += e + "\n";
  INFO(all);
  CHECK(errors.empty());
}

// One SMS of a conversation as the App Connect client sends it in logInfo.messages.
inline boost::json::object SmsFrom(const std::string& phone, const std::string& id,
                                   const std::string& text, const std::string& direction,
                                   const std::string& at = "2026-11-24T15:30:00.000Z") {
  return boost::json::object{{"id", id},
                             {"type", "SMS"},
                             {"direction", direction},
                             {"subject", text},
                             {"creationTime", at},
                             {"from", boost::json::object{{"phoneNumber", phone}}}};
}

// POST /messageLog for conversation c1 (log id c1-20261124) with one contact.
inline boost::json::object ConversationBody(boost::json::array messages, const std::string& phone,
                                            boost::json::value contact_id,
                                            const std::string& contact_name,
                                            const std::string& contact_type,
                                            boost::json::object submission = {}) {
  boost::json::object body{
      {"logInfo",
       boost::json::object{
           {"conversationId", "c1"},
           {"conversationLogId", "c1-20261124"},
           {"messages", std::move(messages)},
           {"correspondents", boost::json::array{boost::json::object{{"phoneNumber", phone}}}}}},
      {"contactId", std::move(contact_id)},
      {"contactName", contact_name},
      {"contactType", contact_type}};
  if (!submission.empty()) body["additionalSubmission"] = std::move(submission);
  return body;
}

inline boost::json::object CallBody(const std::string& session,
                                    const std::string& note = "Discussed renewal") {
  return boost::json::object{
      {"logInfo",
       boost::json::object{
           {"id", "call-" + session},
           {"sessionId", session},
           {"telephonySessionId", "tel-" + session},
           {"direction", "Outbound"},
           {"from", boost::json::object{{"name", "Jane Doe"}, {"phoneNumber", "+14155550005"}}},
           {"to",
            boost::json::object{{"name", "Redtail Contact"}, {"phoneNumber", "+14155555678"}}},
           {"duration", 300},
           {"result", "Completed"},
           {"startTime", 1767323045000},
           {"recording", boost::json::object{{"link", "https://recordings.example.test/r.wav"}}},
           {"customSubject", "Renewal call"}}},
      {"contactId", 201},
      {"contactName", "Redtail Contact"},
      {"contactType", "contact"},
      {"note", note},
      {"hashedExtensionId", "hashed-ext-105"},
      {"additionalSubmission", boost::json::object{{"category", 1}}}};
}

}  // namespace crmhost::testing

#endif  // CRMHOST_TESTS_REDTAIL_HARNESS_H
