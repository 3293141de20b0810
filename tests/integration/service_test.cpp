// Running as a service: health and metrics on the ops listener, a graceful stop that fails
// readiness first and lets requests in flight finish, and the systemd notification protocol
// spoken to a fake NOTIFY_SOCKET (READY, RELOADING with MONOTONIC_USEC, STOPPING, WATCHDOG).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <map>
#include <regex>
#include <sstream>

#include "config/options.h"
#include "integration/redtail_harness.h"
#include "ops/daemon.h"
#include "ops/daemon_control.h"
#include "support/secret_ledger.h"

namespace crmhost::testing {
namespace json = boost::json;

namespace {

std::string Lookup(const std::string& jwt) {
  return "/contact?jwtToken=" + UrlEncode(jwt) + "&phoneNumber=%2B14155555678";
}

// One sample of the exposition format: name, labels as text, value.
struct Sample {
  std::string name, labels;
  double value;
};

// Parses Prometheus text format strictly enough to fail on anything malformed: every family
// has HELP and TYPE before its samples, every sample line is `name{labels} value`.
std::vector<Sample> ParseMetrics(const std::string& text) {
  static const std::regex sample(
      R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? ([-+0-9.eE]+|\+Inf|NaN)$)");
  static const std::regex type(R"(^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram)$)");
  std::vector<Sample> out;
  std::map<std::string, std::string> types;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    INFO(line);
    if (line.rfind("# HELP ", 0) == 0) continue;
    std::smatch m;
    if (std::regex_match(line, m, type)) {
      CHECK(types.emplace(m[1], m[2]).second);  // one TYPE per family
      continue;
    }
    REQUIRE(std::regex_match(line, m, sample));
    std::string family = m[1];
    for (const char* suffix : {"_bucket", "_sum", "_count"})
      if (!types.count(family) && family.size() > std::strlen(suffix) &&
          family.compare(family.size() - std::strlen(suffix), std::string::npos, suffix) == 0)
        family.resize(family.size() - std::strlen(suffix));
    CHECK(types.count(family) == 1);  // declared before use
    out.push_back({m[1], m[3], std::stod(m[4])});
  }
  return out;
}

double Value(const std::vector<Sample>& samples, const std::string& name,
             const std::string& labels) {
  for (auto& s : samples)
    if (s.name == name && s.labels == labels) return s.value;
  return -1;
}

// A datagram socket standing in for systemd's notification socket.
class FakeNotifySocket {
 public:
  explicit FakeNotifySocket(const std::string& path) : path_(path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    timeval tv{0, 200000};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~FakeNotifySocket() { ::close(fd_); }
  // The next message that contains `needle`, waiting up to `ms`; "" if none came.
  std::string WaitFor(const std::string& needle, int ms = 5000) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (std::chrono::steady_clock::now() < deadline) {
      char buf[4096];
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) continue;
      std::string msg(buf, size_t(n));
      all_.push_back(msg);
      if (msg.find(needle) != std::string::npos) return msg;
    }
    return "";
  }
  const std::vector<std::string>& all() const { return all_; }

 private:
  std::string path_;
  int fd_ = -1;
  std::vector<std::string> all_;
};

// Runs a shell command with its output in `out_file`: exit status and output.
std::pair<int, std::string> RunAndRead(const std::string& command, const std::string& out_file) {
  const int rc = std::system((command + " > " + out_file + " 2>&1").c_str());
  std::ifstream in(out_file);
  std::stringstream ss;
  ss << in.rdbuf();
  return {WEXITSTATUS(rc), ss.str()};
}

// crmhostctl against the harness's daemon, as an admin on the machine runs it.
std::pair<int, std::string> Ctl(const RedtailHarness& h, const std::string& args) {
  return RunAndRead(std::string(CRMHOSTCTL_PATH) +
                        " --ops http://127.0.0.1:" + std::to_string(h.daemon->ops_port()) +
                        " --token-file " + (h.dir / "data/ops.token") + " " + args,
                    h.dir / "ctl.out");
}

}  // namespace

TEST_CASE("ops listener: /livez, /readyz and Prometheus /metrics", "[service]") {
  RedtailHarness h;
  h.Start();
  const uint16_t ops = h.daemon->ops_port();
  auto live = Request(ops, "GET", "/livez");
  CHECK(live.status == 200);
  CHECK(live.body == "ok");
  CHECK(Request(ops, "GET", "/readyz").status == 200);
  auto verbose = Request(ops, "GET", "/readyz?verbose");
  INFO(verbose.body);
  CHECK(verbose.body.find("[+]store ok") != std::string::npos);
  CHECK(verbose.body.find("[+]plugins ok") != std::string::npos);
  CHECK(verbose.body.find("readyz check passed") != std::string::npos);

  const std::string jwt = h.LoginJwt();
  for (int i = 0; i < 3; ++i)
    REQUIRE(Request(h.port(), "GET", Lookup(jwt)).status == 200);
  CHECK(Request(h.port(), "GET", "/no/such/route").status == 404);

  auto metrics = Request(ops, "GET", "/metrics");
  REQUIRE(metrics.status == 200);
  CHECK(metrics.Header("content-type").value_or("").rfind("text/plain; version=0.0.4", 0) == 0);
  const auto samples = ParseMetrics(metrics.body);
  CHECK(Value(samples, "crmhost_http_requests_total",
              R"(route="/contact",method="GET",status="200")") == 3);
  CHECK(Value(samples, "crmhost_http_requests_total",
              R"(route="unmatched",method="GET",status="404")") == 1);
  // Histograms: cumulative buckets, +Inf equal to the count.
  const std::string series = R"(route="/contact",method="GET")";
  double previous = 0;
  for (auto& s : samples)
    if (s.name == "crmhost_http_request_duration_seconds_bucket" &&
        s.labels.rfind(series, 0) == 0) {
      CHECK(s.value >= previous);
      previous = s.value;
    }
  CHECK(Value(samples, "crmhost_http_request_duration_seconds_bucket", series + R"(,le="+Inf")") ==
        3);
  CHECK(Value(samples, "crmhost_http_request_duration_seconds_count", series) == 3);
  // Each lookup is two Redtail calls; login one more.
  CHECK(Value(samples, "crmhost_crm_requests_total", R"(plugin="redtail",outcome="ok")") >= 7);
  CHECK(Value(samples, "crmhost_crm_request_duration_seconds_count", R"(plugin="redtail")") >= 7);
  CHECK(Value(samples, "crmhost_plugin_generation", R"(plugin="redtail")") >= 1);
  CHECK(Value(samples, "crmhost_up", "") == 1);
  CHECK(Value(samples, "crmhost_draining", "") == 0);
  if (const char* store = std::getenv("CRMHOST_TEST_STORE");
      store && std::string_view(store) == "postgres") {
    // The pool's figures instead of RocksDB's.
    CHECK(Value(samples, "crmhost_store_pool_connections", "") >= 1);
    CHECK(Value(samples, "crmhost_store_queries_total", "") >= 3);
    CHECK(Value(samples, "crmhost_store_query_seconds_total", "") > 0);
    CHECK(metrics.body.find("crmhost_store_sst_bytes") == std::string::npos);
  } else {
    CHECK(Value(samples, "crmhost_store_estimated_keys", "") >= 1);
  }
  CHECK(Value(samples, "crmhost_store_writable", "") == 1);
  CHECK(Value(samples, "process_resident_memory_bytes", "") > 1e6);
  // No secret in the metrics: tokens, keys and ids stay out of labels.
  CHECK(metrics.body.find(FakeRedtail::kUserKey) == std::string::npos);
  CHECK(metrics.body.find(jwt) == std::string::npos);
  CHECK(metrics.body.find("14155555678") == std::string::npos);
}

TEST_CASE("graceful stop: readiness fails, requests in flight complete, exit 0", "[service]") {
  RedtailHarness h;
  h.Start();
  const std::string jwt = h.LoginJwt();
  h.fake.failures().Delay("/api/public/v1/contacts", 1500);  // a slow CRM
  std::vector<std::future<HttpResult>> inflight;
  for (int i = 0; i < 4; ++i)
    inflight.push_back(
        std::async(std::launch::async, [&] { return Request(h.port(), "GET", Lookup(jwt)); }));
  // Wait until all four are with Redtail (the fake holds each answer 1.5 s).
  for (int i = 0;
       i < 500 && h.fake.server().count("GET", "/api/public/v1/contacts/search_basic") < 4; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  REQUIRE(h.fake.server().count("GET", "/api/public/v1/contacts/search_basic") == 4);
  REQUIRE(::kill(h.daemon->pid(), SIGTERM) == 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto ready = Request(h.daemon->ops_port(), "GET", "/readyz?verbose");
  INFO(ready.body);
  CHECK(ready.status == 503);
  CHECK(ready.body.find("[-]not-draining failed: stopping") != std::string::npos);
  auto draining = Request(h.daemon->ops_port(), "GET", "/metrics");
  CHECK(draining.body.find("\ncrmhost_draining 1\n") != std::string::npos);
  // A second SIGTERM (an impatient admin) neither kills the drain nor the shutdown after it.
  REQUIRE(::kill(h.daemon->pid(), SIGTERM) == 0);
  for (auto& f : inflight) {
    HttpResult r = f.get();
    INFO(r.body);
    CHECK(r.status == 200);
    CHECK(r.Json().at("successful") == true);
  }
  CHECK(h.daemon->Stop(SIGTERM) == 0);
  CHECK_THAT(h.daemon->Log(), Catch::Contains("received signal 15; draining 4 requests") &&
                                  Catch::Contains("received signal 15 while stopping"));
}

TEST_CASE("systemd: READY, RELOADING, WATCHDOG and STOPPING reach NOTIFY_SOCKET", "[service]") {
  TempDir dir;
  FakeNotifySocket notify(dir / "notify.sock");
  std::ofstream(dir / "master.key") << kTestMasterKeyHex << "\n";
  DaemonProcess daemon(
      dir / "data",
      {"--plugin-dir", DaemonProcess::PluginDir(), "--secret-key-file", dir / "master.key"},
      {{"NOTIFY_SOCKET", dir / "notify.sock"}, {"WATCHDOG_USEC", "400000"}});
  const std::string ready = notify.WaitFor("READY=1");
  INFO(ready);
  CHECK(ready.find("STATUS=serving ") != std::string::npos);
  // Pings every half watchdog period, from the event loop.
  CHECK_FALSE(notify.WaitFor("WATCHDOG=1").empty());
  CHECK_FALSE(notify.WaitFor("WATCHDOG=1").empty());

  REQUIRE(::kill(daemon.pid(), SIGHUP) == 0);
  const std::string reloading = notify.WaitFor("RELOADING=1");
  INFO(reloading);
  CHECK(std::regex_search(reloading, std::regex(R"(MONOTONIC_USEC=\d+)")));
  CHECK_FALSE(notify.WaitFor("READY=1").empty());  // the reload finished

  CHECK(daemon.Stop(SIGTERM) == 0);
  CHECK(notify.WaitFor("STOPPING=1").find("STATUS=draining") != std::string::npos);
}

TEST_CASE("config file: crmhostd runs from it, flags override it, JSON logs", "[service][config]") {
  RedtailHarness h;
  // The Redtail key and the log format come from the file; the harness's flags (listen on port
  // 0, its own data dir) override the file's listen and data_dir.
  std::ofstream(h.dir / "redtail.key") << FakeRedtail::kIntegrationKey << "\n";
  std::ofstream(h.dir / "crmhost.toml")
      << "listen = \"127.0.0.1:1\"\ndata_dir = \"/nonexistent/crmhost\"\n[log]\nformat = \"json\"\n"
      << "[plugin.redtail]\napi_key = \"@" << (h.dir / "redtail.key") << "\"\n";
  std::vector<std::string> args = h.Args();
  for (size_t i = 0; i + 1 < args.size(); ++i)
    if (args[i] == "--plugin-setting" && args[i + 1].rfind("redtail.api_key=", 0) == 0)
      args.erase(args.begin() + long(i), args.begin() + long(i) + 2);
  args.insert(args.end(), {"--config", h.dir / "crmhost.toml"});
  h.daemon = std::make_unique<DaemonProcess>(h.dir / "data", args);
  auto login = h.Login();
  INFO(login.body);
  CHECK(login.status == 200);  // the key from the file reached the plugin
  // Every line is one JSON object with time, level, request_id and msg.
  std::istringstream log(h.daemon->Log());
  std::string line;
  size_t lines = 0;
  while (std::getline(log, line)) {
    INFO(line);
    boost::system::error_code ec;
    auto v = json::parse(line, ec);
    REQUIRE_FALSE(ec);
    CHECK(v.as_object().contains("time"));
    CHECK(v.as_object().contains("level"));
    CHECK(v.as_object().contains("msg"));
    CHECK(v.as_object().contains("request_id"));
    ++lines;
  }
  CHECK(lines >= 3);
  CHECK(h.daemon->Log().find(FakeRedtail::kIntegrationKey) == std::string::npos);
}

TEST_CASE("logs: every line carries the request id, a forwarded X-Request-Id is kept when sane",
          "[service][logs]") {
  RedtailHarness h;
  h.Start();
  const std::string jwt = h.LoginJwt();
  h.fake.Fail("/contacts", FakeRedtail::Failure::kStatus, 500);
  // The load balancer's id is used for the request's lines (host and plugin alike)...
  auto forwarded = Request(h.port(), "GET", Lookup(jwt), {}, {{"X-Request-Id", "lb-7f3a.91"}});
  CHECK(forwarded.Json().at("successful") == false);
  // ...an id that could forge a line or a JSON field is replaced by our own.
  auto forged = Request(h.port(), "GET", Lookup(jwt), {}, {{"X-Request-Id", "x\"] error forged"}});
  CHECK(forged.Json().at("successful") == false);
  h.fake.ClearFailures();

  const std::string log = h.daemon->Log();
  INFO(log);
  std::istringstream lines(log);
  static const std::regex shape(
      R"(^\S+ (trace|debug|info|warning|error|critical) \[([^\] ]+)\] .+$)");
  std::map<std::string, std::vector<std::string>> by_id;
  std::string line;
  while (std::getline(lines, line)) {
    std::smatch m;
    INFO(line);
    REQUIRE(std::regex_match(line, m, shape));
    by_id[m[2]].push_back(line);
  }
  CHECK(by_id.count("-") == 1);  // start-up lines belong to no request
  REQUIRE(by_id.count("lb-7f3a.91") == 1);
  CHECK_THAT(by_id["lb-7f3a.91"].front(), Catch::Contains("findContact failed"));
  CHECK(log.find("forged") == std::string::npos);
  // The login and the forged-id lookup got ids of our own: "<pid>-<n>".
  size_t own = 0;
  for (auto& [id, ls] : by_id)
    if (std::regex_match(id, std::regex(R"(\d+-\d+)"))) ++own;
  CHECK(own >= 2);
}

TEST_CASE("logs: under journald each text line starts with its syslog priority",
          "[service][logs]") {
  RedtailHarness h;
  // systemd sets JOURNAL_STREAM when stdout is the journal.
  h.daemon = std::make_unique<DaemonProcess>(
      h.dir / "data", h.Args(),
      std::vector<std::pair<std::string, std::string>>{{"JOURNAL_STREAM", "8:123456"}});
  const std::string jwt = h.LoginJwt();
  h.fake.Fail("/contacts", FakeRedtail::Failure::kStatus, 500);
  CHECK(Request(h.port(), "GET", Lookup(jwt)).Json().at("successful") == false);
  std::istringstream lines(h.daemon->Log());
  std::string line;
  size_t info = 0, warning = 0;
  while (std::getline(lines, line)) {
    INFO(line);
    REQUIRE(std::regex_search(line, std::regex(R"(^<[2-7]>\S+ )")));
    if (line.rfind("<6>", 0) == 0) ++info;
    if (line.rfind("<4>", 0) == 0 && line.find("findContact failed") != std::string::npos)
      ++warning;
  }
  CHECK(info >= 2);
  CHECK(warning == 1);
}

TEST_CASE("config file: --check-config accepts a good file and names a bad key's line",
          "[service][config]") {
  TempDir dir;
  auto run = [&](const std::string& text) {
    std::ofstream(dir / "c.toml") << text;
    return RunAndRead(DaemonProcess::Binary() + " --check-config --config " + (dir / "c.toml"),
                      dir / "out.txt");
  };
  auto [ok_rc, ok_out] = run("workers = 8\n[log]\nlevel = \"warn\"\n");
  INFO(ok_out);
  CHECK(ok_rc == 0);
  CHECK_THAT(ok_out, Catch::Contains("configuration OK"));
  auto [bad_rc, bad_out] = run("workers = 8\n\n[outbound]\ntimeout = 5\n");
  INFO(bad_out);
  CHECK(bad_rc == 2);
  CHECK_THAT(bad_out, Catch::Contains("c.toml:4: outbound.timeout: unknown key"));
}

TEST_CASE("crmhostctl: status shows readiness and plugins, check-config validates a file",
          "[service][config]") {
  RedtailHarness h;
  h.Start();
  auto run = [&](const std::string& args) { return Ctl(h, args); };
  auto [rc, out] = run("status");
  INFO(out);
  CHECK(rc == 0);
  CHECK_THAT(out, Catch::Contains("[+]plugins ok") && Catch::Contains("readyz check passed") &&
                      Catch::Contains("redtail"));
  std::ofstream(h.dir / "bad.toml") << "[ops]\nlisten = 6067\n";
  auto [bad_rc, bad_out] = run("check-config --config " + (h.dir / "bad.toml"));
  INFO(bad_out);
  CHECK(bad_rc == 2);
  CHECK_THAT(bad_out, Catch::Contains("bad.toml:2: ops.listen: must be a string"));
}

TEST_CASE("crmhostctl: users list and delete, online backup, offline restore",
          "[service][store][rocksdb-only]") {
  RedtailHarness h;
  h.Start();
  const std::string jwt = h.LoginJwt();
  auto ctl = [&](const std::string& args) { return Ctl(h, args); };
  auto [list_rc, listed] = ctl("users list");
  INFO(listed);
  CHECK(list_rc == 0);
  CHECK_THAT(listed, Catch::Contains("jdoe-redtail") && Catch::Contains("redtail"));
  CHECK(listed.find(FakeRedtail::kUserKey) == std::string::npos);  // never a credential
  auto api = Request(h.daemon->ops_port(), "GET", "/users", {},
                     {{"Authorization", "Bearer " + h.OpsToken()}});
  REQUIRE(api.status == 200);
  CHECK(api.Json().at(0).at("hasCredentials") == true);
  CHECK(Request(h.daemon->ops_port(), "GET", "/users").status == 401);

  // A backup while serving, then the user is deleted: their session is gone.
  auto [backup_rc, backed] = ctl("backup --to " + (h.dir / "backup1"));
  INFO(backed);
  CHECK(backup_rc == 0);
  CHECK(std::filesystem::exists(h.dir / "backup1/CURRENT"));
  auto [del_rc, deleted] = ctl("users delete jdoe-redtail");
  INFO(deleted);
  CHECK(del_rc == 0);
  auto gone = Request(h.port(), "GET", "/hostname", {}, {{"Authorization", "Bearer " + jwt}});
  CHECK(gone.body == "User not found");
  CHECK(ctl("users delete jdoe-redtail").first == 1);  // 404: no such user

  // Restore refuses while the daemon runs, then brings the user back after a stop.
  auto [busy_rc, busy] =
      ctl("restore --from " + (h.dir / "backup1") + " --data-dir " + (h.dir / "data"));
  INFO(busy);
  CHECK(busy_rc == 1);
  CHECK_THAT(busy, Catch::Contains("stop it first"));
  REQUIRE(h.daemon->Stop(SIGTERM) == 0);
  auto [restore_rc, restored] =
      ctl("restore --from " + (h.dir / "backup1") + " --data-dir " + (h.dir / "data"));
  INFO(restored);
  CHECK(restore_rc == 0);
  h.Start();
  auto back = Request(h.port(), "GET", "/hostname", {}, {{"Authorization", "Bearer " + jwt}});
  CHECK(back.status == 200);
  // The user's sealed key came back too: a lookup through Redtail works.
  auto lookup = Request(h.port(), "GET", Lookup(jwt));
  CHECK(lookup.Json().at("successful") == true);
}

TEST_CASE("socket activation: the port stays open across a daemon restart", "[service]") {
  // The test plays systemd's socket unit: it owns the listening socket and hands it to each
  // daemon it starts.
  const int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(s >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::listen(s, 128) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(::getsockname(s, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  const uint16_t port = ntohs(addr.sin_port);

  RedtailHarness h;
  h.daemon = std::make_unique<DaemonProcess>(h.dir / "data", h.Args(),
                                             std::vector<std::pair<std::string, std::string>>{}, s);
  CHECK(h.daemon->port() == port);
  CHECK_THAT(h.daemon->Log(), Catch::Contains("(socket from systemd)"));
  const std::string jwt = h.LoginJwt();
  REQUIRE(Request(port, "GET", Lookup(jwt)).Json().at("successful") == true);

  // Stopped: the port is still bound (the kernel queues connections); a request sent now is
  // answered by the next daemon.
  REQUIRE(h.daemon->Stop(SIGTERM) == 0);
  auto during_restart =
      std::async(std::launch::async, [&] { return Request(port, "GET", Lookup(jwt)); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  h.daemon = std::make_unique<DaemonProcess>(h.dir / "data", h.Args(),
                                             std::vector<std::pair<std::string, std::string>>{}, s);
  HttpResult r = during_restart.get();
  INFO(r.body);
  CHECK(r.status == 200);
  CHECK(r.Json().at("successful") == true);
  ::close(s);
}

}  // namespace crmhost::testing

namespace crmhost::testing {

// The Windows service drives the daemon through ops::DaemonControl (see windows_service.cpp);
// here the same control runs the real daemon in this process, as the SCM would.
using namespace std::chrono_literals;

TEST_CASE("service control: progress reports, reload and a draining stop through DaemonControl",
          "[service][windows]") {
  RedtailHarness h;
  std::vector<std::string> args = {
      "crmhostd", "--config",   "none",         "--listen",   "127.0.0.1:0",         "--ops-listen",
      "off",      "--data-dir", h.dir / "data", "--log-file", h.dir / "crmhostd.log"};
  for (auto& a : h.Args())
    args.push_back(a);
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  auto parsed = ops::ParseOptions(int(argv.size()), argv.data());
  REQUIRE(std::holds_alternative<ops::Options>(parsed));

  std::mutex mu;
  std::condition_variable cv;
  std::vector<ops::ServiceReport> reports;
  ops::DaemonControl control;
  control.SetReporter([&](const ops::ServiceReport& r) {
    std::lock_guard lock(mu);
    reports.push_back(r);
    cv.notify_all();
  });
  // Waits for a report of `phase` after the first `after` reports; returns its index.
  auto wait_for = [&](ops::ServicePhase phase, size_t after) -> std::optional<size_t> {
    std::unique_lock lock(mu);
    std::optional<size_t> found;
    cv.wait_for(lock, 20s, [&] {
      for (size_t i = after; i < reports.size(); ++i)
        if (reports[i].phase == phase) return (found = i).has_value();
      return false;
    });
    return found;
  };

  std::future<int> exited = std::async(
      std::launch::async, [&] { return ops::RunDaemon(std::get<ops::Options>(parsed), &control); });
  auto ready = wait_for(ops::ServicePhase::kReady, 0);
  REQUIRE(ready);
  std::string status;
  {
    std::lock_guard lock(mu);
    // START_PENDING steps came first, each with a wait hint for the SCM.
    REQUIRE(*ready >= 2);
    for (size_t i = 0; i < *ready; ++i) {
      CHECK(reports[i].phase == ops::ServicePhase::kStarting);
      CHECK(reports[i].wait_hint.count() > 0);
    }
    status = reports[*ready].status;
  }
  std::smatch m;
  REQUIRE(std::regex_search(status, m, std::regex(R"(serving \d+ plugins on 127\.0\.0\.1:(\d+))")));
  const uint16_t port = uint16_t(std::stoi(m[1]));
  auto login =
      Request(port, "POST", "/apiKeyLogin?state=platform=redtail",
              json::serialize(json::object{
                  {"platform", "redtail"},
                  {"apiKey", "apiKey"},
                  {"additionalInfo", json::object{{"username", FakeRedtail::kUsername},
                                                  {"password", FakeRedtail::kPassword}}}}));
  CHECK(login.status == 200);

  // Reload (the SCM's PARAMCHANGE or control code 128): reloading, then ready again.
  size_t before_reload;
  {
    std::lock_guard lock(mu);
    before_reload = reports.size();
  }
  control.RequestReload();
  auto reloading = wait_for(ops::ServicePhase::kReloading, before_reload);
  REQUIRE(reloading);
  CHECK(wait_for(ops::ServicePhase::kReady, *reloading + 1));

  // Stop (STOP or PRESHUTDOWN) with a request in flight against a slow CRM: it completes, the
  // drain is reported with a wait hint, and RunDaemon returns 0.
  const std::string jwt = std::string(login.Json().at("jwtToken").get_string());
  h.fake.failures().Delay("/api/public/v1/contacts", 1500);
  auto in_flight = std::async(std::launch::async, [&] {
    return Request(port, "GET",
                   "/contact?jwtToken=" + UrlEncode(jwt) + "&phoneNumber=%2B14155555678");
  });
  std::this_thread::sleep_for(300ms);
  control.RequestStop();
  auto stopping = wait_for(ops::ServicePhase::kStopping, 0);
  REQUIRE(stopping);
  {
    std::lock_guard lock(mu);
    CHECK(reports[*stopping].wait_hint >= 20s);
  }
  CHECK(in_flight.get().status == 200);
  REQUIRE(exited.wait_for(30s) == std::future_status::ready);
  CHECK(exited.get() == 0);

  // --log-file: the whole run, request ids included, went to the file.
  std::ifstream in(h.dir / "crmhostd.log");
  std::stringstream log;
  log << in.rdbuf();
  CHECK_THAT(log.str(), Catch::Contains("listening on") && Catch::Contains("reload done") &&
                            Catch::Contains("crmhostd stopped"));
  CHECK(log.str().find(FakeRedtail::kPassword) == std::string::npos);
  if (!LogArchiveDir().empty())  // for the end-of-run secret scan, like every daemon's log
    std::ofstream(LogArchiveDir() + "/in-process-service-control.log") << log.str();
}

}  // namespace crmhost::testing
