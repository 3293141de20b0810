// FakeRedtail: Redtail's public REST API (/api/public/v1) as the reference connector exercises
// it, on 127.0.0.1, with state (users, contacts, categories, activities) and switches that make
// it fail like a real service: an HTTP status, malformed JSON, or no answer at all.
#ifndef CRMHOST_TESTS_FAKE_REDTAIL_H
#define CRMHOST_TESTS_FAKE_REDTAIL_H

#include <boost/json.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "support/fake_failures.h"
#include "support/fake_http_server.h"

namespace crmhost::testing {

class FakeRedtail {
 public:
  static constexpr const char* kIntegrationKey = "rt-integration-key-5f1e2d3c";
  static constexpr const char* kUsername = "jdoe";
  static constexpr const char* kPassword = "s3cret-pass-word";
  static constexpr const char* kUserKey = "UK-7c9a41d2-user-key-b88e";

  using Failure = FakeFailure;

  explicit FakeRedtail(std::optional<TlsFiles> tls = std::nullopt);

  FakeHttpServer& server() { return *server_; }
  std::string base_url() const { return server_->base_url(); }

  // Makes every request whose path starts with `path_prefix` fail (until ClearFailures).
  void Fail(std::string path_prefix, Failure kind, int status = 500,
            std::vector<std::pair<std::string, std::string>> headers = {});
  void ClearFailures();
  FailureRules& failures() { return failures_; }

  size_t activity_count() const;
  boost::json::array created_contacts() const;
  boost::json::object activity(int64_t id) const;
  void SetActivityDescription(int64_t id, const std::string& description);

 private:
  FakeResponse Handle(const RecordedRequest& req);
  FakeResponse Answer(const RecordedRequest& req);

  mutable std::mutex mu_;
  std::map<int64_t, boost::json::object> activities_;  // guarded by mu_
  boost::json::array created_contacts_;                // guarded by mu_: POST /contacts
  int64_t next_activity_ = 301;                        // guarded by mu_
  FailureRules failures_;
  std::unique_ptr<FakeHttpServer> server_;
};

}  // namespace crmhost::testing

#endif  // CRMHOST_TESTS_FAKE_REDTAIL_H
