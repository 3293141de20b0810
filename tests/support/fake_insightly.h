// FakeInsightly: Insightly's REST API v3.1 as the Insightly plugin uses it, on 127.0.0.1: users,
// contacts and leads searched by exact field value, organisations, opportunities and projects,
// events with links. Requests need "Basic base64(<api key>:)". FailureRules make it fail like
// the real service.
#ifndef CRMHOST_TESTS_FAKE_INSIGHTLY_H
#define CRMHOST_TESTS_FAKE_INSIGHTLY_H

#include <boost/json.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "support/fake_failures.h"
#include "support/fake_http_server.h"

namespace crmhost::testing {

class FakeInsightly {
 public:
  static constexpr const char* kApiKey = "ins-api-key-0c4f9e2a71";
  // What a user pastes at login; --outbound-override sends its origin to the fake.
  static constexpr const char* kPod = "https://api.na1.insightly.com";
  static constexpr const char* kApiUrl = "https://api.na1.insightly.com/v3.1";

  FakeInsightly();

  FakeHttpServer& server() { return *server_; }
  std::string base_url() const { return server_->base_url(); }
  FailureRules& failures() { return failures_; }  // paths start with /v3.1

  boost::json::object event(int64_t id) const;  // {} if absent
  size_t event_count() const;
  void SetEventDetails(int64_t id, const std::string& details);     // an edit made in Insightly
  boost::json::array created(const std::string& collection) const;  // "contacts" / "leads"

 private:
  FakeResponse Handle(const RecordedRequest& req);

  mutable std::mutex mu_;
  std::map<int64_t, boost::json::object> events_;      // guarded by mu_
  std::map<std::string, boost::json::array> people_;   // guarded by mu_: contacts, leads
  std::map<std::string, boost::json::array> created_;  // guarded by mu_
  int64_t next_event_ = 7001;                          // guarded by mu_
  int64_t next_link_ = 9001;                           // guarded by mu_
  int64_t next_person_ = 501;                          // guarded by mu_
  FailureRules failures_;
  std::unique_ptr<FakeHttpServer> server_;
};

}  // namespace crmhost::testing

#endif  // CRMHOST_TESTS_FAKE_INSIGHTLY_H
