// FailureRules: the switches every CRM fake shares to fail like a real service does: an HTTP
// status (with headers such as Retry-After), a body that is not JSON, or no answer at all
// (the client's timeout fires). Rules match request paths by prefix.
#ifndef CRMHOST_TESTS_FAKE_FAILURES_H
#define CRMHOST_TESTS_FAKE_FAILURES_H

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "support/fake_http_server.h"

namespace crmhost::testing {

enum class FakeFailure { kNone, kStatus, kGarbage, kNoAnswer };

class FailureRules {
 public:
  // Makes every request whose path starts with `path_prefix` fail (until Clear).
  void Fail(std::string path_prefix, FakeFailure kind, int status = 500, Fields headers = {}) {
    std::lock_guard lock(mu_);
    rules_[std::move(path_prefix)] = {kind, status, std::move(headers)};
  }
  void Clear() {
    std::lock_guard lock(mu_);
    rules_.clear();
    delays_.clear();
  }
  // Makes answers to paths starting with `path_prefix` arrive `ms` late (a slow CRM).
  void Delay(std::string path_prefix, int ms) {
    std::lock_guard lock(mu_);
    delays_[std::move(path_prefix)] = ms;
  }
  int DelayFor(const std::string& path) const {
    std::lock_guard lock(mu_);
    for (auto& [prefix, ms] : delays_)
      if (path.rfind(prefix, 0) == 0) return ms;
    return 0;
  }

  // The failure answer for `path`, if a rule matches it.
  std::optional<FakeResponse> Match(const std::string& path) const {
    std::lock_guard lock(mu_);
    for (auto& [prefix, rule] : rules_) {
      if (path.rfind(prefix, 0) != 0) continue;
      FakeResponse r;
      switch (rule.kind) {
        case FakeFailure::kNone:
          continue;
        case FakeFailure::kStatus:
          r.status = rule.status;
          r.body = R"({"error":"simulated failure"})";
          r.headers = rule.headers;
          return r;
        case FakeFailure::kGarbage:
          r.body = "<html>this is not JSON";
          r.content_type = "text/html";
          return r;
        case FakeFailure::kNoAnswer:
          r.no_answer = true;
          return r;
      }
    }
    return std::nullopt;
  }

 private:
  struct Rule {
    FakeFailure kind;
    int status;
    Fields headers;
  };
  mutable std::mutex mu_;
  std::map<std::string, Rule> rules_;  // guarded by mu_
  std::map<std::string, int> delays_;  // guarded by mu_
};

}  // namespace crmhost::testing

#endif  // CRMHOST_TESTS_FAKE_FAILURES_H
