// Slow CRMs cost nothing: requests waiting on a CRM hold parked fibers, not threads, and one
// plugin's hanging CRM cannot take the places of another plugin's requests. No timing: the fake
// CRM holds every answer until the test's condition is met (a barrier), so a daemon that runs out
// of threads does not get slower here, it never reaches the barrier and the test fails.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

#include "integration/crm_harness.h"
#include "integration/redtail_harness.h"
#include "support/fake_insightly.h"

namespace crmhost::testing {
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

// Holds every request that reaches it until `n` are held at once, then lets all go (and every
// later one straight through). Gives up after `limit` so a broken daemon fails the test instead
// of hanging it; reached() says whether the barrier really filled.
class Barrier {
 public:
  Barrier(size_t n, std::chrono::seconds limit) : n_(n), limit_(limit) {}
  void Arrive() {
    std::unique_lock lock(mu_);
    ++held_;
    if (held_ >= n_) {
      reached_ = true;
      cv_.notify_all();
      return;
    }
    if (!cv_.wait_for(lock, limit_, [&] { return reached_ || released_; }))
      released_ = true;  // given up: nobody else waits either, and the test fails on reached()
  }
  void Release() {
    std::lock_guard lock(mu_);
    released_ = true;
    cv_.notify_all();
  }
  bool reached() const {
    std::lock_guard lock(mu_);
    return reached_;
  }
  size_t held() const {
    std::lock_guard lock(mu_);
    return held_;
  }

 private:
  const size_t n_;
  const std::chrono::seconds limit_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  size_t held_ = 0;
  bool reached_ = false;
  bool released_ = false;
};

// Runs `n` copies of `fn(i)` at once, each on its own thread (a blocking client per request),
// and returns their results in order.
template <class F>
std::vector<HttpResult> Concurrently(size_t n, F fn) {
  std::vector<HttpResult> results(n);
  std::vector<std::thread> threads;
  threads.reserve(n);
  for (size_t i = 0; i < n; ++i)
    threads.emplace_back([&, i] { results[i] = fn(i); });
  for (auto& t : threads)
    t.join();
  return results;
}

double MetricValue(const std::string& metrics, const std::string& series) {
  const size_t at = metrics.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(metrics.substr(at + series.size() + 2));
}

}  // namespace

TEST_CASE("300 lookups wait on the CRM at once with 2 network and 2 fiber threads",
          "[concurrency]") {
  // With a thread per waiting CRM call (32 workers), at most 32 lookups could ever be waiting at
  // the CRM, the barrier of 300 would never fill, and every request would time out.
  constexpr size_t kLookups = 300;
  Barrier barrier(kLookups, 60s);
  RedtailHarness h(std::nullopt,
                   {"--io-threads", "2", "--workers", "2", "--outbound-timeout-ms", "90000"});
  h.fake.server().set_hold([&](const RecordedRequest& r) {
    if (r.path.find("/contacts/search_basic") != std::string::npos) barrier.Arrive();
  });
  h.Start();
  const std::string jwt = h.LoginJwt();
  auto results = Concurrently(kLookups, [&](size_t) {
    return Request(h.port(), "GET", "/contact?jwtToken=" + jwt + "&phoneNumber=%2B14155555678");
  });
  CHECK(barrier.reached());
  size_t ok = 0;
  for (auto& r : results)
    ok += r.status == 200 && r.body.find("\"successful\":true") != std::string::npos;
  CHECK(ok == kLookups);
  // The daemon still has only its fixed threads: no thread was started per waiting request.
  const auto metrics = Request(h.daemon->ops_port(), "GET", "/metrics");
  CHECK(MetricValue(metrics.body, "crmhost_fiber_threads") == 2);
}

TEST_CASE("a CRM that never answers fills only its own plugin's bulkhead", "[concurrency]") {
  // Redtail's CRM hangs; Insightly's answers. 300 Redtail lookups: 100 in flight, 50 waiting,
  // the other 150 refused at once with 503 + Retry-After. Meanwhile every Insightly lookup is
  // served, and the held Redtail ones complete once the CRM lets go.
  FakeInsightly insightly;
  Barrier never(1'000'000, 120s);  // holds every Redtail search until released
  RedtailHarness h(std::nullopt, {"--io-threads", "2", "--workers", "2", "--outbound-timeout-ms",
                                  "90000", "--plugin-max-inflight", "100", "--plugin-max-waiting",
                                  "50", "--outbound-override",
                                  std::string(FakeInsightly::kPod) + "=" + insightly.base_url()});
  h.fake.server().set_hold([&](const RecordedRequest& r) {
    if (r.path.find("/contacts/search_basic") != std::string::npos) never.Arrive();
  });
  h.Start();
  const std::string redtail_jwt = h.LoginJwt();
  boost::json::object login{{"platform", "insightly"},
                            {"apiKey", FakeInsightly::kApiKey},
                            {"additionalInfo", json::object{{"apiUrl", FakeInsightly::kApiUrl}}}};
  auto logged = Request(h.port(), "POST", "/apiKeyLogin", json::serialize(login));
  REQUIRE(logged.status == 200);
  const std::string insightly_jwt = std::string(logged.Json().at("jwtToken").as_string());

  std::vector<HttpResult> redtail;
  std::thread hanging([&] {
    redtail = Concurrently(300, [&](size_t) {
      return Request(h.port(), "GET",
                     "/contact?jwtToken=" + redtail_jwt + "&phoneNumber=%2B14155555678");
    });
  });
  // Wait (on events, not time) until Redtail's CRM holds the 100 lookups its bulkhead lets in,
  // and 200 more have been queued or refused.
  for (int i = 0; i < 600 && never.held() < 100; ++i)
    std::this_thread::sleep_for(50ms);
  REQUIRE(never.held() == 100);
  auto refused_now = [&] {
    auto m = Request(h.daemon->ops_port(), "GET", "/metrics").body;
    return MetricValue(m, "crmhost_plugin_rejected_total{plugin=\"redtail\"}");
  };
  for (int i = 0; i < 600 && refused_now() < 150; ++i)
    std::this_thread::sleep_for(50ms);
  CHECK(refused_now() == 150);

  auto served = Concurrently(100, [&](size_t) {
    return Request(h.port(), "GET",
                   "/contact?jwtToken=" + insightly_jwt + "&phoneNumber=%2B14155550642");
  });
  size_t insightly_ok = 0;
  for (auto& r : served)
    insightly_ok += r.status == 200 && r.body.find("\"successful\":true") != std::string::npos;
  CHECK(insightly_ok == 100);
  CHECK(never.held() == 100);  // the queued Redtail lookups are still waiting for a place

  never.Release();
  hanging.join();
  size_t ok = 0, busy = 0;
  for (auto& r : redtail) {
    ok += r.status == 200;
    busy += r.status == 503 && r.Header("retry-after") == std::optional<std::string>("1");
  }
  CHECK(ok == 150);  // the 100 held and the 50 that waited for their places
  CHECK(busy == 150);
}

TEST_CASE("a plugin that runs off its fiber's stack is named in the log before the daemon dies",
          "[concurrency][fiber]") {
  TempDir dir;
  std::filesystem::create_directories(dir / "plugins");
  std::filesystem::copy_file(std::string(CRMHOST_TEST_PLUGIN_DIR) + "/stackhog.so",
                             dir / "plugins/stackhog.so");
  DaemonProcess daemon(dir / "data", {"--plugin-dir", dir / "plugins"});
  auto login = Request(daemon.port(), "POST", "/apiKeyLogin",
                       R"({"platform":"stackhog","apiKey":"k","additionalInfo":{}})");
  REQUIRE(login.status == 200);
  const std::string jwt(login.Json().at("jwtToken").as_string());
  auto r = Request(daemon.port(), "GET", "/contact?jwtToken=" + jwt + "&phoneNumber=%2B1415555", {},
                   {{"X-Request-Id", "overflow-42"}});
  CHECK(r.status == 0);  // no answer: the process is gone
  for (int i = 0; i < 100 && daemon.Running(); ++i)
    std::this_thread::sleep_for(50ms);
  REQUIRE_FALSE(daemon.Running());
  const std::string log = daemon.Log();
  INFO(log.substr(log.size() > 2000 ? log.size() - 2000 : 0));
  CHECK(log.find("fatal: fiber stack overflow (") != std::string::npos);
  CHECK(log.find("KiB) in plugin stackhog operation findContact, request overflow-42") !=
        std::string::npos);
}

}  // namespace crmhost::testing
