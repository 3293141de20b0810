// FakeTestCrm: the REST API and OAuth token endpoint of "testcrm" (tests/plugins/testcrm), and
// FakeRingCentral: RingCentral's "who am I" endpoint. Both on 127.0.0.1, stateful, and able to
// fail like the real services (a status, garbage, no answer, a slow token endpoint).
#ifndef CRMHOST_TESTS_FAKE_TESTCRM_H
#define CRMHOST_TESTS_FAKE_TESTCRM_H

#include <atomic>
#include <boost/json.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "support/fake_http_server.h"

namespace crmhost::testing {

class FakeTestCrm {
 public:
  static constexpr const char* kApi = "https://api.testcrm.example";
  static constexpr const char* kClientId = "testcrm-client";
  static constexpr const char* kClientSecret = "testcrm-secret-9f8e7d";
  static constexpr const char* kCode = "auth-code-1234";
  static constexpr const char* kApiKey = "org-api-key-123";  // testkey's account key
  static constexpr const char* kTeam = "team-7";             // and the team it needs

  FakeTestCrm();

  std::string base_url() const { return server_->base_url(); }
  FakeHttpServer& server() { return *server_; }

  // Token endpoint behaviour.
  std::atomic<int> expires_in{3600};       // seconds, in every token answer
  std::atomic<int> token_delay_ms{0};      // slow token endpoint
  std::atomic<bool> invalid_grant{false};  // refresh grants answer invalid_grant
  std::atomic<int> api_status{0};          // non-zero: every /api call answers this status
  std::atomic<bool> api_garbage{false};    // /api calls answer 200 with a body that is not JSON
  std::atomic<bool> api_silent{false};     // /api calls get no answer at all
  std::atomic<int> refresh_status{0};      // non-zero: refresh grants answer this status
  std::atomic<int> api_delay_ms{0};        // slow /api answers (a CRM under load)
  size_t refresh_calls() const { return server_->count("POST", "/oauth/token") - code_calls_; }
  size_t code_calls() const { return code_calls_; }

  // Tokens the API accepts (the last ones issued).
  std::string access_token() const;
  std::string refresh_token() const;

  boost::json::object activity(int64_t id) const;
  boost::json::object message_log(int64_t id) const;
  size_t message_log_count() const;

 private:
  FakeResponse Handle(const RecordedRequest& req);
  FakeResponse Token(const RecordedRequest& req);
  FakeResponse Api(const RecordedRequest& req);

  mutable std::mutex mu_;
  std::set<std::string> valid_access_;                       // guarded by mu_
  std::string access_, refresh_;                             // guarded by mu_
  int serial_ = 0;                                           // guarded by mu_
  std::map<int64_t, boost::json::object> contacts_;          // guarded by mu_
  std::map<int64_t, boost::json::object> activities_;        // guarded by mu_
  std::map<int64_t, boost::json::object> messages_;          // guarded by mu_
  std::map<std::string, boost::json::object> appointments_;  // guarded by mu_
  int64_t next_id_ = 1000;                                   // guarded by mu_
  std::atomic<size_t> code_calls_{0};
  std::unique_ptr<FakeHttpServer> server_;
};

class FakeRingCentral {
 public:
  static constexpr const char* kServer = "https://platform.ringcentral.com";
  // Tokens the fake knows: an admin and a plain user of account 3001, a user of account 4001.
  static constexpr const char* kAdminToken = "rc-admin-token-aaaa";
  static constexpr const char* kUserToken = "rc-user-token-bbbb";
  static constexpr const char* kOtherAccountToken = "rc-other-token-cccc";

  FakeRingCentral();
  std::string base_url() const { return server_->base_url(); }
  FakeHttpServer& server() { return *server_; }

 private:
  std::unique_ptr<FakeHttpServer> server_;
};

}  // namespace crmhost::testing

#endif  // CRMHOST_TESTS_FAKE_TESTCRM_H
