// FakeVinSolutions: VinSolutions' token endpoint (authentication.vinsolutions.com/connect/token,
// client credentials) and the parts of api.vinsolutions.com the VinSolutions plugin calls: the
// gateway's users, dealers and contacts, Lead Management's leads and lead sources (v3 and v1
// media types), and Call Tracking's call details, with the headers each API demands (a bearer
// token of that API's client, its api_key, its media type). Both origins reach this one server
// through --outbound-override. FailureRules make it fail like the real service.
#ifndef CRMHOST_TESTS_FAKE_VINSOLUTIONS_H
#define CRMHOST_TESTS_FAKE_VINSOLUTIONS_H

#include <boost/json.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "support/fake_failures.h"
#include "support/fake_http_server.h"

namespace crmhost::testing {

class FakeVinSolutions {
 public:
  static constexpr const char* kApiOrigin = "https://api.vinsolutions.com";
  static constexpr const char* kAuthOrigin = "https://authentication.vinsolutions.com";
  static constexpr const char* kLmClientId = "lm-client-7d1e";
  static constexpr const char* kLmClientSecret = "lm-secret-5b0c9f2e81a4";
  static constexpr const char* kLmApiKey = "lm-apikey-93c2d7e10f6b";
  static constexpr const char* kCtClientId = "ct-client-4a8f";
  static constexpr const char* kCtClientSecret = "ct-secret-e27d40b9c3f1";
  static constexpr const char* kCtApiKey = "ct-apikey-61f8a2c5d9e0";
  static constexpr int64_t kDealer = 5001;
  static constexpr int64_t kUser = 42;

  FakeVinSolutions();

  FakeHttpServer& server() { return *server_; }
  std::string base_url() const { return server_->base_url(); }
  FailureRules& failures() { return failures_; }
  // The daemon flags that reach this fake and configure the plugin's six settings.
  std::vector<std::string> DaemonArgs() const;

  // Tokens issued from now on live `seconds` (expires_in); 3600 at first.
  void SetTokenLifetime(int seconds);
  // Every token issued so far stops working (401), as after a rotation of the clients.
  void RevokeTokens();
  size_t token_requests(const std::string& client_id) const;

  boost::json::object call_detail(int64_t id) const;  // {} if absent
  size_t call_detail_count() const;
  // A detail another integration logged for `reference` (providerReferenceId) before.
  int64_t SeedCallDetail(const std::string& reference);
  boost::json::object lead(int64_t id) const;               // {} if absent
  void SetLeadNotes(int64_t id, const std::string& notes);  // an edit made in VinSolutions
  boost::json::array created_contacts() const;
  boost::json::array created_leads() const;

 private:
  FakeResponse Handle(const RecordedRequest& req);
  FakeResponse Token(const RecordedRequest& req);
  FakeResponse Api(const RecordedRequest& req);

  mutable std::mutex mu_;
  int token_lifetime_ = 3600;                            // guarded by mu_
  int64_t next_token_ = 1;                               // guarded by mu_
  std::map<std::string, std::string> tokens_;            // guarded by mu_: token -> client id
  std::map<std::string, size_t> token_requests_;         // guarded by mu_
  boost::json::array contacts_;                          // guarded by mu_
  std::map<int64_t, boost::json::object> leads_;         // guarded by mu_
  std::map<int64_t, boost::json::object> details_;       // guarded by mu_
  boost::json::array created_contacts_, created_leads_;  // guarded by mu_
  int64_t next_contact_ = 701, next_lead_ = 9101, next_detail_ = 880001;  // guarded by mu_
  FailureRules failures_;
  std::unique_ptr<FakeHttpServer> server_;
};

}  // namespace crmhost::testing

#endif  // CRMHOST_TESTS_FAKE_VINSOLUTIONS_H
