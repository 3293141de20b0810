// Hot load and hot upgrade through the real daemon: plugin files dropped into its plugin
// directory while App Connect clients keep calling.
#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <thread>

#include "integration/load_clients.h"
#include "integration/redtail_harness.h"
#include "support/files.h"

using namespace crmhost::testing;
namespace json = boost::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

std::string BuiltPlugin(const std::string& file) {
  return DaemonProcess::PluginDir() + "/" + file;
}
std::string TestPlugin(const std::string& file) {
  return std::string(CRMHOST_TEST_PLUGIN_DIR) + "/" + file;
}
const std::string kV100 = BuiltPlugin("redtail.so");       // Redtail 1.0.0
const std::string kV101 = TestPlugin("redtail-1.0.1.so");  // the same code as 1.0.1

// The safe drop an admin does: write under a temporary name, then rename over the target.
void DropAtomically(const std::string& src, const std::string& dir) {
  fs::copy_file(src, dir + "/.redtail.so.tmp", fs::copy_options::overwrite_existing);
  fs::rename(dir + "/.redtail.so.tmp", dir + "/redtail.so");
}

void DropBytes(const std::string& bytes, const std::string& dir) {
  std::ofstream(dir + "/.redtail.so.tmp", std::ios::binary)
      .write(bytes.data(), std::streamsize(bytes.size()));
  fs::rename(dir + "/.redtail.so.tmp", dir + "/redtail.so");
}

// A harness whose daemon loads plugins from its own directory, seeded with Redtail 1.0.0.
struct SwapHarness : RedtailHarness {
  explicit SwapHarness(std::vector<std::string> extra = {})
      : RedtailHarness(std::nullopt, std::move(extra)) {
    plugin_dir = dir / "plugins";
    fs::create_directories(plugin_dir);
    fs::copy_file(kV100, plugin_dir + "/redtail.so");
  }

  // Starts the daemon, logs in and waits for the first publish; returns a GET /contact target.
  std::string StartServing() {
    Start();
    jwt = LoginJwt();
    WaitForGeneration(1);
    return "/contact?jwtToken=" + UrlEncode(jwt) + "&phoneNumber=%2B14155555678";
  }
  std::string jwt;

  // Polls the ops API until `pred(state)` holds; fails the test after `timeout`.
  template <class Pred>
  json::object WaitFor(Pred pred, std::chrono::milliseconds timeout = 10s) {
    const auto until = Clock::now() + timeout;
    json::object st;
    while (Clock::now() < until) {
      st = PluginState("redtail");
      if (!st.empty() && pred(st)) return st;
      std::this_thread::sleep_for(10ms);
    }
    FAIL("ops API never showed the expected state; last: " << json::serialize(st));
    return st;
  }
  json::object WaitForGeneration(uint64_t g) {
    return WaitFor(
        [g](const json::object& s) { return s.at("generation").to_number<uint64_t>() == g; });
  }
  // A counter of the ops API's /metrics; fails the test when it is absent.
  uint64_t Counter(const std::string& name) const {
    const std::string m = Request(daemon->ops_port(), "GET", "/metrics").body;
    const size_t at = m.find("\n" + name + " ");
    INFO(name);
    REQUIRE(at != std::string::npos);  // a renamed metric must not read as 0
    return std::stoull(m.substr(at + name.size() + 2));
  }
  // Waits (events, not time) until the counter reaches `least`; fails the test after 20 s.
  uint64_t WaitCounter(const std::string& name, uint64_t least) const {
    const auto until = Clock::now() + 20s;
    uint64_t v = 0;
    while ((v = Counter(name)) < least && Clock::now() < until)
      std::this_thread::sleep_for(10ms);
    INFO(name << " stayed at " << v);
    REQUIRE(v >= least);
    return v;
  }
  json::object WaitForError(const std::string& text) {
    return WaitFor([&](const json::object& s) {
      return s.at("lastError").is_string() &&
             std::string(s.at("lastError").as_string()).find(text) != std::string::npos;
    });
  }
};

}  // namespace

TEST_CASE(
    "hot upgrade: 20 swaps under load, zero failed requests, each served by a published version",
    "[hotswap][e2e]") {
  SwapHarness h;
  const std::string target = h.StartServing();
  REQUIRE(ServedBy(Request(h.port(), "GET", target)) == "redtail/1.0.0");

  Load load(h.port(), target, 4);
  // published[i]: the test saw generation i+1 live; dropped[i]: the file for it was dropped.
  std::vector<Clock::time_point> published(21), dropped(22, Clock::time_point::max());
  std::vector<std::string> expected(21);
  expected[0] = "redtail/1.0.0";
  published[0] = Clock::now();
  for (int i = 1; i <= 20; ++i) {
    std::this_thread::sleep_for(60ms);
    const bool next = i % 2 == 1;
    dropped[i] = Clock::now();
    DropAtomically(next ? kV101 : kV100, h.plugin_dir);
    h.WaitForGeneration(uint64_t(i) + 1);
    published[i] = Clock::now();  // from here on, every new request must get the new version
    expected[i] = next ? "redtail/1.0.1" : "redtail/1.0.0";
  }
  std::this_thread::sleep_for(60ms);
  auto samples = load.Stop();

  REQUIRE(samples.size() > 200);
  size_t failed = 0, wrong_version = 0, late = 0;
  for (auto& s : samples) {
    if (s.status != 200 || !s.successful || !s.error.empty()) ++failed;
    if (s.served_by != "redtail/1.0.0" && s.served_by != "redtail/1.0.1") ++wrong_version;
    // A request that started after publish i was seen, and before the next file was even
    // dropped, can only be served by version i. (Between a drop and its observed publish,
    // either version is right.)
    for (int i = 20; i >= 0; --i) {
      if (s.start >= published[i]) {
        if (s.start < dropped[i + 1] && s.served_by != expected[i]) ++late;
        break;
      }
    }
  }
  INFO(samples.size() << " requests during 20 swaps");
  CHECK(failed == 0);
  CHECK(wrong_version == 0);
  CHECK(late == 0);
  auto state = h.PluginState("redtail");
  CHECK(state.at("generation") == 21);
  CHECK(state.at("version") == "1.0.0");
  CHECK(state.at("residentVersions") == 2);  // two builds, each mapped once however often published

  // Every retired version was shut down exactly once, after its last request.
  REQUIRE(h.daemon->Stop(SIGTERM) == 0);
  const std::string log = h.daemon->Log();
  for (int g = 1; g <= 21; ++g) {
    const std::regex line("plugin redtail 1\\.0\\.[01] \\(generation " + std::to_string(g) +
                          "\\) shut down");
    auto n =
        std::distance(std::sregex_iterator(log.begin(), log.end(), line), std::sregex_iterator());
    INFO("generation " << g);
    CHECK(n == 1);
  }
}

TEST_CASE(
    "hot upgrade: broken plugin files are refused with the reason and the old version keeps "
    "serving",
    "[hotswap][e2e]") {
  SwapHarness h;
  const std::string target = h.StartServing();
  const std::string good = ReadFile(kV101);
  std::mt19937 rng(7);
  std::string noise(300000, '\0');
  for (auto& c : noise)
    c = char(rng());

  struct Case {
    std::string what, bytes, reason;
  } cases[] = {
      {"truncated", good.substr(0, good.size() / 3), "not a loadable shared object: truncated"},
      {"random bytes", noise, "not a loadable shared object: it is not an ELF file"},
      {"wrong magic", ReadFile(TestPlugin("fake_wrong_magic.so")), "wrong magic"},
      {"ABI major + 1", ReadFile(TestPlugin("fake_major_plus_one.so")),
       "ABI major 2, host supports 1"},
      {"newer minor", ReadFile(TestPlugin("fake_newer_minor.so")),
       "ABI minor 4 is newer than this host's 1.3"},
      {"no entry symbol", ReadFile(TestPlugin("fake_no_entry.so")),
       "exports no crmh_plugin_entry symbol"},
      {"init fails", ReadFile(TestPlugin("fake_init_fails.so")),
       "init failed (status 4): database unreachable"},
      {"init throws", ReadFile(TestPlugin("throwing.so")),
       "init failed (status 4): cannot reach the license server"},
  };
  for (auto& c : cases) {
    INFO(c.what);
    DropBytes(c.bytes, h.plugin_dir);
    auto st = h.WaitForError(c.reason);
    CHECK(st.at("state") == "active");
    CHECK(st.at("version") == "1.0.0");
    CHECK(st.at("generation") == 1);
    auto r = Request(h.port(), "GET", target);
    CHECK(r.status == 200);
    CHECK(r.Json().at("successful") == true);
    CHECK(ServedBy(r) == "redtail/1.0.0");
  }
  CHECK_THAT(h.daemon->Log(),
             Catch::Contains("refused plugin redtail.so: ABI major 2, host supports 1"));

  // A good build afterwards is published as usual and clears the error.
  DropAtomically(kV101, h.plugin_dir);
  auto st = h.WaitForGeneration(2);
  CHECK(st.at("lastError").is_null());
  CHECK(ServedBy(Request(h.port(), "GET", target)) == "redtail/1.0.1");
}

TEST_CASE("hot upgrade: a plain cp over the plugin, written slowly, never disturbs serving",
          "[hotswap][e2e]") {
  SwapHarness h;
  const std::string target = h.StartServing();
  Load load(h.port(), target, 3);
  {
    // What `cp new.so redtail.so` does to the loaded file: truncate it in place and rewrite it,
    // here with a long pause half way (a slow disk or network copy).
    const std::string bytes = ReadFile(kV101);
    std::ofstream out(h.plugin_dir + "/redtail.so", std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), std::streamsize(bytes.size() / 2));
    out.flush();
    std::this_thread::sleep_for(900ms);
    out.write(bytes.data() + bytes.size() / 2, std::streamsize(bytes.size() - bytes.size() / 2));
  }
  auto st = h.WaitFor([](const json::object& s) { return s.at("version") == "1.0.1"; });
  std::this_thread::sleep_for(100ms);
  auto samples = load.Stop();
  size_t failed = 0;
  for (auto& s : samples)
    failed += s.status != 200 || !s.successful;
  CHECK(samples.size() > 50);
  CHECK(failed == 0);
  CHECK(st.at("state") == "active");
  CHECK(ServedBy(Request(h.port(), "GET", target)) == "redtail/1.0.1");
}

TEST_CASE("hot upgrade: call links survive swaps, removal retires the platform, rollback restores",
          "[hotswap][e2e]") {
  SwapHarness h;
  h.StartServing();
  const std::string q = "?jwtToken=" + UrlEncode(h.jwt);
  for (const char* s : {"swap-1", "swap-2", "swap-3"})
    REQUIRE(Request(h.port(), "POST", "/callLog" + q, json::serialize(CallBody(s)))
                .Json()
                .at("successful") == true);

  DropAtomically(kV101, h.plugin_dir);
  h.WaitForGeneration(2);
  for (const char* s : {"swap-1", "swap-2", "swap-3"}) {
    json::object patch{
        {"sessionId", s}, {"hashedExtensionId", "hashed-ext-105"}, {"note", "after the swap"}};
    auto r = Request(h.port(), "PATCH", "/callLog" + q, json::serialize(patch));
    CHECK(r.Json().at("successful") == true);
    CHECK(ServedBy(r) == "redtail/1.0.1");
  }
  auto lookup =
      Request(h.port(), "GET",
              "/callLog" + q + "&sessionIds=swap-1,swap-2,swap-3&hashedExtensionId=hashed-ext-105");
  const auto logs = lookup.Json();
  for (auto& l : logs.at("logs").as_array())
    CHECK(l.at("matched") == true);
  CHECK(h.fake.activity_count() == 3);

  // Rollback through crmhostctl, as an admin would.
  const std::string ctl = std::string(CRMHOSTCTL_PATH) +
                          " --ops http://127.0.0.1:" + std::to_string(h.daemon->ops_port()) +
                          " --token-file " + (h.dir / "data/ops.token");
  CHECK(std::system((ctl + " plugins rollback redtail > " + (h.dir / "ctl.out")).c_str()) == 0);
  CHECK_THAT(ReadFile(h.dir / "ctl.out"), Catch::Contains("1.0.0"));
  auto st = h.WaitForGeneration(3);
  CHECK(st.at("version") == "1.0.0");
  CHECK(ServedBy(Request(h.port(), "GET", "/callLog" + q + "&sessionIds=swap-1")) ==
        "redtail/1.0.0");
  // The rolled-back-from file is still in the directory; a rescan must not republish it. The
  // settled-scan counter says when the rescan SIGHUP asked for has been acted on.
  const uint64_t scans = h.Counter("crmhost_plugin_settled_scans_total");
  ::kill(h.daemon->pid(), SIGHUP);
  h.WaitCounter("crmhost_plugin_settled_scans_total", scans + 1);
  CHECK(h.PluginState("redtail").at("generation") == 3);
  // Nothing earlier to roll back to: crmhostctl says so and exits 1.
  CHECK(std::system((ctl + " plugins rollback redtail 2> " + (h.dir / "ctl.err")).c_str()) != 0);
  CHECK_THAT(ReadFile(h.dir / "ctl.err"), Catch::Contains("no earlier version of redtail"));

  // Removing the file retires the platform after draining; its routes answer unknown platform.
  fs::remove(h.plugin_dir + "/redtail.so");
  st = h.WaitFor([](const json::object& s) { return s.at("state") == "removed"; });
  auto gone = Request(h.port(), "GET", "/contact" + q + "&phoneNumber=%2B14155555678");
  CHECK(gone.status == 400);
  CHECK(gone.Json() == json::parse(R"({"error":"Connector not found for platform: redtail"})"));
  DropAtomically(kV101, h.plugin_dir);
  st = h.WaitFor([](const json::object& s) { return s.at("state") == "active"; });
  CHECK(st.at("version") == "1.0.1");
  auto back = Request(h.port(), "GET",
                      "/callLog" + q + "&sessionIds=swap-1&hashedExtensionId=hashed-ext-105");
  CHECK(back.Json().at("logs").at(0).at("matched") == true);
}

TEST_CASE("ops API: its own port, a token, and the fields admins need", "[hotswap][ops][e2e]") {
  SwapHarness h;
  h.Start();
  CHECK(Request(h.daemon->ops_port(), "GET", "/plugins").status == 401);
  CHECK(Request(h.daemon->ops_port(), "GET", "/plugins", {}, {{"Authorization", "Bearer wrong"}})
            .status == 401);
  CHECK(Request(h.port(), "GET", "/plugins", {}, {{"Authorization", "Bearer " + h.OpsToken()}})
            .status == 404);
  auto list = h.Ops("GET", "/plugins");
  REQUIRE(list.status == 200);
  auto p = list.Json().at(0).as_object();
  for (const char* k : {"name", "version", "abi", "sha256", "state", "loadedAt", "inflight",
                        "generation", "lastError"})
    CHECK(p.contains(k));
  CHECK(p.at("abi") == "1.3");
  CHECK(p.at("sha256").as_string().size() == 64);
  CHECK(p.at("state") == "active");
  auto reload = h.Ops("POST", "/plugins/reload");
  CHECK(reload.status == 200);
  CHECK(reload.Json().at("published").as_array().empty());  // nothing changed
  CHECK(h.Ops("POST", "/plugins/nosuch/rollback").status == 404);
}

TEST_CASE("hot upgrade: with watching off, SIGHUP and the ops API trigger the reload",
          "[hotswap][e2e]") {
  SwapHarness h({"--plugin-watch", "off"});
  h.Start();
  h.WaitForGeneration(1);
  const uint64_t scans = h.Counter("crmhost_plugin_settled_scans_total");
  const uint64_t wakeups = h.Counter("crmhost_plugin_control_wakeups_total");
  DropAtomically(kV101, h.plugin_dir);
  // The control thread wakes every 50 ms: twenty wake-ups span far more than the 200 ms a
  // watched change takes to settle and be scanned. None was scanned: not watched.
  h.WaitCounter("crmhost_plugin_control_wakeups_total", wakeups + 20);
  CHECK(h.Counter("crmhost_plugin_settled_scans_total") == scans);
  CHECK(h.PluginState("redtail").at("version") == "1.0.0");
  ::kill(h.daemon->pid(), SIGHUP);
  h.WaitFor([](const json::object& s) { return s.at("version") == "1.0.1"; });
  DropAtomically(kV100, h.plugin_dir);
  auto reload = h.Ops("POST", "/plugins/reload");
  REQUIRE(reload.status == 200);
  CHECK(reload.Json().at("published").at(0) == "redtail 1.0.0");
  CHECK(h.PluginState("redtail").at("generation") == 3);
}

TEST_CASE("hot upgrade: builds past --max-resident-versions are refused until a restart",
          "[hotswap][e2e]") {
  SwapHarness h({"--max-resident-versions", "1"});
  h.Start();
  h.WaitForGeneration(1);
  DropAtomically(kV101, h.plugin_dir);
  auto st = h.WaitForError("1 builds of redtail are already mapped in this process");
  CHECK(st.at("version") == "1.0.0");
  CHECK(st.at("residentVersions") == 1);
  // The build already mapped can always come back.
  const uint64_t scans = h.Counter("crmhost_plugin_settled_scans_total");
  DropAtomically(kV100, h.plugin_dir);
  h.WaitCounter("crmhost_plugin_settled_scans_total", scans + 1);  // the change was acted on
  CHECK(h.PluginState("redtail").at("generation") == 1);  // same content as live: nothing to do
  // And whatever the watcher saw, a forced scan of the directory as it is now agrees.
  auto reload = h.Ops("POST", "/plugins/reload");
  REQUIRE(reload.status == 200);
  CHECK(reload.Json().at("published").as_array().empty());
  CHECK(h.PluginState("redtail").at("generation") == 1);
}

TEST_CASE("hot upgrade: polling picks up changes where inotify is not used", "[hotswap][e2e]") {
  SwapHarness h({"--plugin-watch", "poll"});
  h.Start();
  h.WaitForGeneration(1);
  DropAtomically(kV101, h.plugin_dir);
  auto st = h.WaitFor([](const json::object& s) { return s.at("version") == "1.0.1"; });
  CHECK(st.at("generation") == 2);
  CHECK_THAT(h.daemon->Log(), Catch::Contains("polling every 1000 ms"));
}
