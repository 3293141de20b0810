// The hot-upgrade and exactly-once guarantees with the OAuth CRM plugins whose state lives in the
// user record and the plugin's kv (Bullhorn's REST session and API user, NetSuite's account and
// time zone): builds swapped under load answer every request without a new CRM login, and calls
// in flight when the daemon is killed leave one CRM record each once their clients retry
// (tests/integration/hot_swap_test.cpp and crash_test.cpp do the same with Redtail).
#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>
#include <functional>
#include <set>
#include <thread>

#include "integration/bullhorn_harness.h"
#include "integration/load_clients.h"
#include "integration/netsuite_harness.h"

namespace crmhost::testing {
namespace json = boost::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

std::string Built(const std::string& plugin) {
  return DaemonProcess::PluginDir() + "/" + plugin + ".so";
}
std::string Next(const std::string& plugin) {
  return std::string(CRMHOST_TEST_PLUGIN_DIR) + "/" + plugin + "-1.0.1.so";
}

// The daemon of `h` loads `plugin` 1.0.0 from a directory of its own.
void OwnPluginDir(CrmHarness& h, const std::string& plugin) {
  h.plugin_dir = h.dir / "plugins";
  fs::create_directories(h.plugin_dir);
  fs::copy_file(Built(plugin), h.plugin_dir + "/" + plugin + ".so");
}

// The safe drop an admin does: write under a temporary name, then rename over the target.
void Drop(const std::string& src, const std::string& dir, const std::string& plugin) {
  fs::copy_file(src, dir + "/." + plugin + ".so.tmp", fs::copy_options::overwrite_existing);
  fs::rename(dir + "/." + plugin + ".so.tmp", dir + "/" + plugin + ".so");
}

// Drops the build for `version` and waits until a new request is served by it.
void Publish(const CrmHarness& h, const std::string& plugin, const std::string& version,
             const std::string& target) {
  Drop(version == "1.0.1" ? Next(plugin) : Built(plugin), h.plugin_dir, plugin);
  const std::string expected = plugin + "/" + version;
  // A bound, not a pace: a sanitizer build loads a plugin in seconds on a busy machine.
  const auto until = Clock::now() + 60s;
  while (ServedBy(Request(h.port(), "GET", target)) != expected && Clock::now() < until)
    std::this_thread::sleep_for(10ms);
  INFO("publishing " << expected);
  REQUIRE(ServedBy(Request(h.port(), "GET", target)) == expected);
}

// Four clients call GET `target` while the plugin's two builds are swapped ten times: every
// request is answered successfully, by one of the two builds. (hot_swap_test's 20 Redtail swaps
// carry the general guarantee; these prove the plugins' state survives a swap.)
void SwapUnderLoad(const CrmHarness& h, const std::string& plugin, const std::string& target) {
  REQUIRE(ServedBy(Request(h.port(), "GET", target)) == plugin + "/1.0.0");
  Load load(h.port(), target, 4);
  for (int i = 1; i <= 10; ++i) {
    std::this_thread::sleep_for(50ms);
    Publish(h, plugin, i % 2 == 1 ? "1.0.1" : "1.0.0", target);
  }
  auto samples = load.Stop();
  REQUIRE(samples.size() > 100);
  size_t failed = 0, unknown = 0, newer = 0;
  for (auto& s : samples) {
    failed += s.status != 200 || !s.successful || !s.error.empty();
    unknown += s.served_by != plugin + "/1.0.0" && s.served_by != plugin + "/1.0.1";
    newer += s.served_by == plugin + "/1.0.1";
  }
  INFO(samples.size() << " requests during 10 swaps of " << plugin);
  CHECK(failed == 0);
  CHECK(unknown == 0);
  CHECK(newer > 0);
}

// `calls` clients log their calls while the CRM answers the step that follows the record's
// creation slowly; the daemon is killed with most records made and few linked, restarted on the
// same data (the CRM healed by `heal`), and every client retries. `records` counts what the CRM
// holds.
void KillDuringCalls(CrmHarness& h, const std::string& jwt, int calls,
                     const std::function<std::string(int)>& body,
                     const std::function<size_t()>& records, const std::function<void()>& heal) {
  const std::string target = "/callLog?jwtToken=" + UrlEncode(jwt);
  std::vector<HttpResult> first(size_t(calls), HttpResult{});
  std::vector<std::thread> clients;
  for (int i = 0; i < calls; ++i)
    clients.emplace_back([&, i] { first[size_t(i)] = Request(h.port(), "POST", target, body(i)); });
  for (int i = 0; i < 500 && records() < size_t(calls) * 3 / 4; ++i)
    std::this_thread::sleep_for(10ms);
  REQUIRE(records() >= size_t(calls) * 3 / 4);
  h.daemon->Stop(SIGKILL);
  for (auto& c : clients)
    c.join();
  size_t acknowledged = 0;
  for (auto& r : first)
    acknowledged += r.status == 200 && r.body.find("\"successful\":true") != std::string::npos;
  const size_t created_before = records();
  heal();
  h.Start();
  size_t logged = 0, existing = 0;
  for (int i = 0; i < calls; ++i) {
    auto r = Request(h.port(), "POST", target, body(i));
    INFO("call " << i << ": " << r.body);
    REQUIRE(r.status == 200);
    logged += r.body.find("\"successful\":true") != std::string::npos;
    existing += r.body.find("Existing log for session") != std::string::npos;
  }
  CHECK(logged + existing == size_t(calls));
  CHECK(existing == acknowledged);
  CHECK(records() == size_t(calls));
  INFO("acknowledged before the kill: " << acknowledged << ", records then: " << created_before);
  CHECK(created_before > acknowledged);
  CHECK(h.daemon->Log().find("created before a restart") != std::string::npos);
}

}  // namespace

TEST_CASE("hot upgrade: Bullhorn builds swapped under load answer every request, session kept",
          "[hotswap][bullhorn][e2e]") {
  BullhornHarness h({}, false);
  OwnPluginDir(h, "bullhorn");
  h.Start();
  const std::string jwt = h.LoginJwt();
  const std::string target = "/contact?jwtToken=" + UrlEncode(jwt) + "&phoneNumber=%2B14155550100";
  REQUIRE(Request(h.port(), "GET", target).status == 200);
  const size_t logins = h.bh.logins();
  SwapUnderLoad(h, "bullhorn", target);
  // The REST session lives in the user record: no build had to log in to Bullhorn again.
  CHECK(h.bh.logins() == logins);
  // A call logged by one build is found by the next.
  REQUIRE(h.Send("POST", "/callLog", jwt, BullhornCall("swap-1")).Json().at("successful") == true);
  Publish(h, "bullhorn",
          ServedBy(Request(h.port(), "GET", target)) == "bullhorn/1.0.1" ? "1.0.0" : "1.0.1",
          target);
  auto again = h.Send("POST", "/callLog", jwt, BullhornCall("swap-1"));
  CHECK_THAT(std::string(again.Json().at("returnMessage").at("message").as_string()),
             Catch::StartsWith("Existing log for session"));
  CHECK(h.bh.note_count() == 1);
}

TEST_CASE("hot upgrade: NetSuite builds swapped under load answer every request",
          "[hotswap][netsuite][e2e]") {
  NetSuiteHarness h({}, false);
  OwnPluginDir(h, "netsuite");
  h.Start();
  const std::string jwt = h.LoginJwt();
  const std::string target =
      "/contact?jwtToken=" + UrlEncode(jwt) + "&phoneNumber=%2B14155557002&overridingFormat=";
  SwapUnderLoad(h, "netsuite", target);
  REQUIRE(h.Send("POST", "/callLog", jwt, NetSuiteCall("swap-1")).Json().at("successful") == true);
  Publish(h, "netsuite",
          ServedBy(Request(h.port(), "GET", target)) == "netsuite/1.0.1" ? "1.0.0" : "1.0.1",
          target);
  auto again = h.Send("POST", "/callLog", jwt, NetSuiteCall("swap-1"));
  CHECK_THAT(std::string(again.Json().at("returnMessage").at("message").as_string()),
             Catch::StartsWith("Existing log for session"));
  CHECK(h.ns.count("phonecall") == 1);
}

TEST_CASE("exactly once across kill -9: Bullhorn Notes of retried calls are not duplicated",
          "[crash][bullhorn]") {
  constexpr int kCalls = 40;
  BullhornHarness h({}, false);
  // Copying the note to the contact's comments (after the Note exists) answers slowly.
  h.bh.failures().Delay("/rest-services/corp7/entity/ClientContact/", 400);
  h.Start();
  const std::string jwt = h.LoginJwt();
  KillDuringCalls(
      h, jwt, kCalls,
      [](int i) {
        return json::serialize(BullhornCall("crash-" + std::to_string(i),
                                            json::object{{"copyToContactComments", true}}));
      },
      [&] { return h.bh.note_count(); }, [&] { h.bh.failures().Clear(); });
  // One Note per call: each session's externalID appears once.
  std::set<std::string> sessions;
  for (int64_t id = 90001; id < 90001 + int64_t(kCalls) + 5; ++id)
    if (auto n = h.bh.note(id); !n.empty())
      sessions.insert(std::string(n.at("externalID").as_string()));
  CHECK(sessions.size() == size_t(kCalls));
}

TEST_CASE("exactly once across kill -9: NetSuite phone calls of retried calls are not duplicated",
          "[crash][netsuite]") {
  constexpr int kCalls = 40;
  NetSuiteHarness h({}, false);
  // NetSuite creates the phone call at once and answers late: the kill lands between the two.
  h.ns.failures().Delay("/services/rest/record/v1/phonecall", 400);
  h.Start();
  const std::string jwt = h.LoginJwt();
  KillDuringCalls(
      h, jwt, kCalls,
      [](int i) {
        json::object call = NetSuiteCall("crash-" + std::to_string(i));
        call["logInfo"].as_object()["startTime"] = int64_t(1767323045000) + int64_t(i) * 60000;
        return json::serialize(call);
      },
      [&] { return h.ns.count("phonecall"); }, [&] { h.ns.failures().Clear(); });
  std::set<std::string> external;
  for (auto& posted : h.ns.posted("phonecall"))
    external.insert(std::string(posted.at("externalId").as_string()));
  CHECK(external.size() == size_t(kCalls));
}

}  // namespace crmhost::testing
