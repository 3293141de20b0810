// Exactly once across kill -9: calls in flight when the daemon dies are retried by their
// clients after a restart, and the CRM ends up with exactly one activity per call. The pending
// reservations the dead process left are reconciled with the CRM (findCallLogForSession) before
// anything is created again.
#include <catch2/catch.hpp>

#include <atomic>
#include <csignal>
#include <set>
#include <thread>
#include <vector>

#include "integration/redtail_harness.h"

namespace crmhost::testing {
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

// POST /callLog bodies with one start time per call (a call's start is what the CRM's record of
// it carries, and what reconciliation matches on).
json::object CrashCall(int i) {
  json::object body = CallBody("crash-" + std::to_string(i));
  body["logInfo"].as_object()["startTime"] = int64_t(1767323045000) + int64_t(i) * 1000;
  return body;
}

}  // namespace

TEST_CASE("exactly once across kill -9: Redtail activities of retried calls are not duplicated",
          "[crash][redtail]") {
  constexpr int kCalls = 40;
  RedtailHarness h;
  // Redtail answers the steps after the create (note, completion) slowly: the kill lands while
  // most calls have an activity in Redtail and no link in crmhostd yet.
  h.fake.failures().Delay("/api/public/v1/activities/", 400);
  h.Start();
  const std::string jwt = h.LoginJwt();
  const std::string target = "/callLog?jwtToken=" + UrlEncode(jwt);

  std::vector<HttpResult> first(kCalls);
  std::vector<std::thread> clients;
  for (int i = 0; i < kCalls; ++i)
    clients.emplace_back([&, i] {
      first[size_t(i)] = Request(h.port(), "POST", target, json::serialize(CrashCall(i)));
    });
  for (int i = 0; i < 400 && h.fake.activity_count() < size_t(kCalls) * 3 / 4; ++i)
    std::this_thread::sleep_for(10ms);
  REQUIRE(h.fake.activity_count() >= size_t(kCalls) * 3 / 4);
  h.daemon->Stop(SIGKILL);
  for (auto& c : clients)
    c.join();
  size_t acknowledged = 0;
  for (auto& r : first)
    acknowledged += r.status == 200 && r.body.find("\"successful\":true") != std::string::npos;
  const size_t created_before = h.fake.activity_count();

  // The same data directory, a new process; every client retries its call.
  h.fake.failures().Clear();
  h.Start();
  size_t logged = 0, existing = 0;
  for (int i = 0; i < kCalls; ++i) {
    auto r = Request(h.port(), "POST", target, json::serialize(CrashCall(i)));
    INFO("call " << i << ": " << r.body);
    REQUIRE(r.status == 200);
    if (r.body.find("\"successful\":true") != std::string::npos) ++logged;
    if (r.body.find("Existing log for session") != std::string::npos) ++existing;
  }
  CHECK(logged + existing == size_t(kCalls));
  CHECK(existing == acknowledged);  // only calls whose link was stored before the kill
  // One activity per call: each start second appears once.
  CHECK(h.fake.activity_count() == size_t(kCalls));
  std::set<std::string> starts;
  for (int64_t id = 301; id < 301 + int64_t(h.fake.activity_count()); ++id)
    starts.insert(std::string(h.fake.activity(id).at("start_date").as_string()));
  CHECK(starts.size() == size_t(kCalls));
  // Every call is linked, and some were linked to activities created before the kill.
  for (int i = 0; i < kCalls; ++i) {
    auto g =
        Request(h.port(), "GET",
                "/callLog?jwtToken=" + UrlEncode(jwt) + "&sessionIds=crash-" + std::to_string(i));
    CHECK(g.Json().at("logs").at(0).at("matched") == true);
  }
  INFO("acknowledged before the kill: " << acknowledged << ", activities then: " << created_before);
  CHECK(created_before > acknowledged);
  CHECK(h.daemon->Log().find("created before a restart") != std::string::npos);
}

}  // namespace crmhost::testing
