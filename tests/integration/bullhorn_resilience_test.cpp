// The hot-upgrade and exactly-once guarantees with the Bullhorn plugin, whose state (the REST
// session, the cached account data, the API user) lives in the user record and the plugin's kv:
// builds swapped under load answer every request without a new Bullhorn login, and calls in
// flight when the daemon is killed leave one Note each once their clients retry.
#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>
#include <set>
#include <thread>

#include "integration/bullhorn_harness.h"
#include "integration/load_clients.h"

namespace crmhost::testing {
namespace json = boost::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

const std::string kV100 = DaemonProcess::PluginDir() + "/bullhorn.so";
const std::string kV101 = std::string(CRMHOST_TEST_PLUGIN_DIR) + "/bullhorn-1.0.1.so";

// The safe drop an admin does: write under a temporary name, then rename over the target.
void Drop(const std::string& src, const std::string& dir) {
  fs::copy_file(src, dir + "/.bullhorn.so.tmp", fs::copy_options::overwrite_existing);
  fs::rename(dir + "/.bullhorn.so.tmp", dir + "/bullhorn.so");
}

}  // namespace

TEST_CASE("hot upgrade: Bullhorn builds swapped under load answer every request, session kept",
          "[hotswap][bullhorn][e2e]") {
  BullhornHarness h({}, false);
  h.plugin_dir = h.dir / "plugins";
  fs::create_directories(h.plugin_dir);
  fs::copy_file(kV100, h.plugin_dir + "/bullhorn.so");
  h.Start();
  const std::string jwt = h.LoginJwt();
  const std::string target = "/contact?jwtToken=" + UrlEncode(jwt) + "&phoneNumber=%2B14155550100";
  REQUIRE(ServedBy(Request(h.port(), "GET", target)) == "bullhorn/1.0.0");
  const size_t logins = h.bh.logins();

  Load load(h.port(), target, 4);
  for (int i = 1; i <= 10; ++i) {
    std::this_thread::sleep_for(50ms);
    const std::string expected = i % 2 == 1 ? "bullhorn/1.0.1" : "bullhorn/1.0.0";
    Drop(i % 2 == 1 ? kV101 : kV100, h.plugin_dir);
    // Published once a new request is served by it (the watcher's event, then the swap).
    const auto until = Clock::now() + 10s;
    while (ServedBy(Request(h.port(), "GET", target)) != expected && Clock::now() < until)
      std::this_thread::sleep_for(10ms);
    INFO("swap " << i);
    REQUIRE(ServedBy(Request(h.port(), "GET", target)) == expected);
  }
  auto samples = load.Stop();
  REQUIRE(samples.size() > 100);
  size_t failed = 0, unknown = 0, newer = 0;
  for (auto& s : samples) {
    failed += s.status != 200 || !s.successful || !s.error.empty();
    unknown += s.served_by != "bullhorn/1.0.0" && s.served_by != "bullhorn/1.0.1";
    newer += s.served_by == "bullhorn/1.0.1";
  }
  INFO(samples.size() << " requests during 10 swaps");
  CHECK(failed == 0);
  CHECK(unknown == 0);
  CHECK(newer > 0);
  // The REST session lives in the user record: no build had to log in to Bullhorn again.
  CHECK(h.bh.logins() == logins);
  // A call logged by one build is found by the next.
  REQUIRE(h.Send("POST", "/callLog", jwt, BullhornCall("swap-1")).Json().at("successful") == true);
  Drop(kV101, h.plugin_dir);
  const auto until = Clock::now() + 10s;
  while (ServedBy(Request(h.port(), "GET", target)) != "bullhorn/1.0.1" && Clock::now() < until)
    std::this_thread::sleep_for(10ms);
  auto again = h.Send("POST", "/callLog", jwt, BullhornCall("swap-1"));
  CHECK_THAT(std::string(again.Json().at("returnMessage").at("message").as_string()),
             Catch::StartsWith("Existing log for session"));
  CHECK(h.bh.note_count() == 1);
}

TEST_CASE("exactly once across kill -9: Bullhorn Notes of retried calls are not duplicated",
          "[crash][bullhorn]") {
  constexpr int kCalls = 40;
  BullhornHarness h({}, false);
  // Copying the note to the contact's comments (after the Note exists) answers slowly: the kill
  // lands while most calls have a Note in Bullhorn and no link in crmhostd yet.
  h.bh.failures().Delay("/rest-services/corp7/entity/ClientContact/", 400);
  h.Start();
  const std::string jwt = h.LoginJwt();
  const std::string target = "/callLog?jwtToken=" + UrlEncode(jwt);
  auto call = [](int i) {
    return json::serialize(
        BullhornCall("crash-" + std::to_string(i), json::object{{"copyToContactComments", true}}));
  };

  std::vector<HttpResult> first(kCalls);
  std::vector<std::thread> clients;
  for (int i = 0; i < kCalls; ++i)
    clients.emplace_back([&, i] { first[size_t(i)] = Request(h.port(), "POST", target, call(i)); });
  for (int i = 0; i < 500 && h.bh.note_count() < size_t(kCalls) * 3 / 4; ++i)
    std::this_thread::sleep_for(10ms);
  REQUIRE(h.bh.note_count() >= size_t(kCalls) * 3 / 4);
  h.daemon->Stop(SIGKILL);
  for (auto& c : clients)
    c.join();
  size_t acknowledged = 0;
  for (auto& r : first)
    acknowledged += r.status == 200 && r.body.find("\"successful\":true") != std::string::npos;
  const size_t created_before = h.bh.note_count();

  // The same data directory, a new process; every client retries its call.
  h.bh.failures().Clear();
  h.Start();
  size_t logged = 0, existing = 0;
  for (int i = 0; i < kCalls; ++i) {
    auto r = Request(h.port(), "POST", target, call(i));
    INFO("call " << i << ": " << r.body);
    REQUIRE(r.status == 200);
    logged += r.body.find("\"successful\":true") != std::string::npos;
    existing += r.body.find("Existing log for session") != std::string::npos;
  }
  CHECK(logged + existing == size_t(kCalls));
  CHECK(existing == acknowledged);
  // One Note per call: each session's externalID appears once.
  CHECK(h.bh.note_count() == size_t(kCalls));
  std::set<std::string> sessions;
  for (int64_t id = 90001; id < 90001 + int64_t(kCalls) + 5; ++id)
    if (auto n = h.bh.note(id); !n.empty())
      sessions.insert(std::string(n.at("externalID").as_string()));
  CHECK(sessions.size() == size_t(kCalls));
  INFO("acknowledged before the kill: " << acknowledged << ", Notes then: " << created_before);
  CHECK(created_before > acknowledged);
  CHECK(h.daemon->Log().find("created before a restart") != std::string::npos);
}

}  // namespace crmhost::testing
