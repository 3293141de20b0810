// FakePipedrive: Pipedrive as the Pipedrive plugin uses it, on 127.0.0.1: the OAuth token and
// revoke endpoints (oauth.pipedrive.com, HTTP Basic client auth), users/me (api.pipedrive.com
// and the company host alike), users, activity types, the v2 person search, persons, deals,
// leads and activities (company host). API calls need "Bearer <a live access token>"; answers
// are {success, data} with x-ratelimit-* headers. State: persons, activities, issued and revoked
// tokens. FailureRules make any path fail like the real service.
//
// The address book: 4155550642 is Ada Lovelace (one open deal, one closed deal, one lead),
// 4155550000 is both Alan Turing (no deals, no leads) and Grace Hopper (no access to her leads:
// 403); other numbers match nobody.
#ifndef CRMHOST_TESTS_FAKE_PIPEDRIVE_H
#define CRMHOST_TESTS_FAKE_PIPEDRIVE_H

#include <atomic>
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

class FakePipedrive {
 public:
  static constexpr const char* kClientId = "pd-client-5d4736e3";
  static constexpr const char* kClientSecret = "pd-secret-8c1f0a77e2b4";
  static constexpr const char* kCode = "pd-auth-code-3141";
  // The origins --outbound-override sends to the fake.
  static constexpr const char* kOAuthOrigin = "https://oauth.pipedrive.com";
  static constexpr const char* kApiOrigin = "https://api.pipedrive.com";
  static constexpr const char* kCompanyOrigin = "https://testcompany.pipedrive.com";
  static constexpr const char* kCompanyHost = "testcompany.pipedrive.com";
  static constexpr int64_t kUserId = 12345;
  static constexpr const char* kLeadId = "adf21080-0e10-11eb-879b-05d71fb426ec";

  FakePipedrive();

  FakeHttpServer& server() { return *server_; }
  std::string base_url() const { return server_->base_url(); }
  FailureRules& failures() { return failures_; }  // paths: /oauth/..., /v1/..., /api/...

  std::atomic<int> expires_in{3599};  // seconds, in every token answer

  std::string access_token() const;  // the last issued
  std::string refresh_token() const;
  size_t code_calls() const;
  size_t refresh_calls() const;
  std::vector<std::string> revoked() const;  // tokens revoked, in order

  // The stored activity ({} if absent), with "posted": the creating POST body exactly as it
  // arrived, and "patch_count" once it was PATCHed.
  boost::json::object activity(int64_t id) const;
  size_t activity_count() const;
  void SetActivityNote(int64_t id, const std::string& note);  // an edit made in Pipedrive
  boost::json::array created_persons() const;                 // POST /v1/persons bodies
  void SetActivityTypeActive(const std::string& key_string, bool active);

 private:
  FakeResponse Handle(const RecordedRequest& req);
  FakeResponse OAuth(const RecordedRequest& req);
  FakeResponse Api(const RecordedRequest& req);

  mutable std::mutex mu_;
  std::set<std::string> live_access_;                  // guarded by mu_
  std::string access_, refresh_;                       // guarded by mu_
  int serial_ = 0;                                     // guarded by mu_
  size_t code_calls_ = 0, refresh_calls_ = 0;          // guarded by mu_
  std::vector<std::string> revoked_;                   // guarded by mu_
  std::map<int64_t, boost::json::object> persons_;     // guarded by mu_
  boost::json::array activity_types_;                  // guarded by mu_
  std::map<int64_t, boost::json::object> activities_;  // guarded by mu_
  boost::json::array created_persons_;                 // guarded by mu_
  int64_t next_person_ = 104;                          // guarded by mu_
  int64_t next_activity_ = 7001;                       // guarded by mu_
  int rate_remaining_ = 80;                            // guarded by mu_
  FailureRules failures_;
  std::unique_ptr<FakeHttpServer> server_;
};

}  // namespace crmhost::testing

#endif  // CRMHOST_TESTS_FAKE_PIPEDRIVE_H
