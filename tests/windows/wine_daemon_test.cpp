// crmhostd.exe under Wine, against the fake Redtail: the Windows build serves the contract as
// the Linux one does. Exits 77 (ctest: skipped) where Wine or the Windows build is missing.
#define CATCH_CONFIG_RUNNER
#include <csignal>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "integration/load_clients.h"
#include "integration/redtail_harness.h"
#include "support/files.h"
#include "windows/wine.h"

namespace crmhost::testing {
namespace {

namespace json = boost::json;
namespace asio = boost::asio;

std::string Q(const std::string& jwt) {
  return "jwtToken=" + UrlEncode(jwt);
}

void RunUnderWine(RedtailHarness& h) {
  const WineSetup wine = WineSetup::FromBuild();
  h.command = wine.command();
  h.env = wine.env();
  h.plugin_dir = wine.plugin_dir();
  // Wine's process start is slower than a native one; the fake's answers are not.
  h.extra_args.insert(h.extra_args.end(), {"--outbound-timeout-ms", "10000"});
}

TEST_CASE(
    "windows: crmhostd.exe under Wine logs in to Redtail, finds a contact, logs, reads and "
    "updates a call, keeps the link across a kill -9, stops on Ctrl-C and seals every secret on "
    "disk",
    "[windows][wine]") {
  RedtailHarness h;
  RunUnderWine(h);
  h.Start();
  CHECK_THAT(h.daemon->Log(), Catch::Contains("redtail"));
  // The test wrote the master key with the inherited ACL: the daemon says who else can read it.
  CHECK_THAT(h.daemon->Log(), Catch::Contains("master.key is readable by Everyone"));

  const std::string jwt = h.LoginJwt();
  auto contact = Request(h.port(), "GET", "/contact?" + Q(jwt) + "&phoneNumber=%2B14155555678");
  REQUIRE(contact.status == 200);
  ExpectSchema("/contact", "get", contact);
  CHECK(contact.Json().at("contact").at(0).at("id") == 201);
  CHECK(contact.Json().at("contact").at(0).at("name") == "Redtail Contact");
  // libphonenumber (with ICU's regex engine in this build) gave the national number.
  bool searched_national = false;
  for (const auto& req : h.fake.server().requests())
    if (req.path == "/api/public/v1/contacts/search_basic")
      searched_national = req.Query("phone_number") == "4155555678";
  CHECK(searched_national);

  auto created =
      Request(h.port(), "POST", "/callLog?" + Q(jwt), json::serialize(CallBody("sess-win")));
  REQUIRE(created.status == 200);
  CHECK(created.Json() == json::parse(R"({"successful":true,"logId":301,
      "returnMessage":{"message":"Call logged","messageType":"success","ttl":2000}})"));
  auto lookup =
      Request(h.port(), "GET",
              "/callLog?" + Q(jwt) + "&sessionIds=sess-win&hashedExtensionId=hashed-ext-105");
  REQUIRE(lookup.status == 200);
  CHECK(lookup.Json() == json::parse(R"({"successful":true,"returnMessage":null,
      "logs":[{"sessionId":"sess-win","matched":true,"logId":"301"}]})"));
  auto patched = Request(
      h.port(), "PATCH", "/callLog?" + Q(jwt),
      R"({"sessionId":"sess-win","hashedExtensionId":"hashed-ext-105","note":"edited on Windows"})");
  REQUIRE(patched.status == 200);
  CHECK(patched.Json().at("successful") == true);
  CHECK(patched.Json().at("logId") == "301");
  CHECK(h.fake.activity_count() == 1);

  // Killed without warning, then started again on the same data dir: the login and the link
  // from call to activity were on disk before the answers went out.
  h.daemon->Stop(SIGKILL);
  h.Start();
  auto dup = Request(h.port(), "POST", "/callLog?" + Q(jwt), json::serialize(CallBody("sess-win")));
  REQUIRE(dup.status == 200);
  CHECK(dup.Json().at("returnMessage").at("message") == "Existing log for session sess-win");
  auto again = Request(
      h.port(), "PATCH", "/callLog?" + Q(jwt),
      R"({"sessionId":"sess-win","hashedExtensionId":"hashed-ext-105","note":"after the restart"})");
  CHECK(again.Json().at("successful") == true);
  CHECK(h.fake.activity_count() == 1);

  // Ctrl-C (Wine turns SIGINT into the console's CTRL_C_EVENT): the draining stop, exit 0.
  CHECK(h.daemon->Stop(SIGINT) == 0);
  CHECK_THAT(h.daemon->Log(), Catch::Contains("crmhostd stopped"));
  CHECK(std::filesystem::exists(h.dir / "data/store/CURRENT"));
  h.ExpectSecretsSealed(jwt);
}

// The safe drop an admin does: write under a temporary name, then rename over the target
// (Windows allows it: the daemon maps a shadow copy, never the dropped file).
void DropBytes(const std::string& bytes, const std::string& dir) {
  std::ofstream(dir + "/.redtail.dll.tmp", std::ios::binary)
      .write(bytes.data(), std::streamsize(bytes.size()));
  std::filesystem::rename(dir + "/.redtail.dll.tmp", dir + "/redtail.dll");
}

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Polls the ops API's view of Redtail until `pred` holds (up to 30 s under Wine).
template <class Pred>
json::object WaitForRedtail(const RedtailHarness& h, Pred pred) {
  const auto until = Clock::now() + std::chrono::seconds(30);
  json::object st;
  while (Clock::now() < until) {
    st = h.PluginState("redtail");
    if (!st.empty() && pred(st)) return st;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  FAIL("ops API never showed the expected state; last: " << json::serialize(st));
  return st;
}

TEST_CASE(
    "windows: hot upgrade under Wine: Redtail .dlls dropped while clients call are published "
    "with no failed request, and broken .dlls are refused with the reason",
    "[wine]") {
  const WineSetup wine = WineSetup::FromBuild();
  const std::string v100 = ReadBytes(wine.plugin_dir() + "/redtail.dll");
  const std::string v101 = ReadBytes(wine.build_dir + "/test-plugins/redtail-1.0.1.dll");
  REQUIRE(!v100.empty());
  REQUIRE(!v101.empty());
  RedtailHarness h;
  RunUnderWine(h);
  h.plugin_dir = h.dir / "plugins";
  std::filesystem::create_directories(h.plugin_dir);
  DropBytes(v100, h.plugin_dir);
  h.Start();
  const std::string jwt = h.LoginJwt();
  WaitForRedtail(h, [](const json::object& s) { return s.at("generation") == 1; });
  const std::string target = "/contact?" + Q(jwt) + "&phoneNumber=%2B14155555678";

  Load load(h.port(), target, 4);
  for (int i = 1; i <= 6; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    DropBytes(i % 2 ? v101 : v100, h.plugin_dir);
    const auto st = WaitForRedtail(
        h, [i](const json::object& s) { return s.at("generation") == uint64_t(i) + 1; });
    CHECK(st.at("version") == (i % 2 ? "1.0.1" : "1.0.0"));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  const auto samples = load.Stop();
  REQUIRE(samples.size() > 50);
  size_t failed = 0, other = 0;
  for (const auto& s : samples) {
    if (s.status != 200 || !s.successful || !s.error.empty()) ++failed;
    if (s.served_by != "redtail/1.0.0" && s.served_by != "redtail/1.0.1") ++other;
  }
  INFO(samples.size() << " requests during 6 swaps");
  CHECK(failed == 0);
  CHECK(other == 0);

  // Broken files: refused with the reason, the published version keeps serving.
  std::string noise(200000, '\0');
  for (size_t i = 0; i < noise.size(); ++i)
    noise[i] = char((i * 2654435761u) >> 13);
  struct Case {
    std::string what, bytes, reason;
  } cases[] = {
      {"truncated", v101.substr(0, v101.size() / 3), "not a loadable DLL: truncated"},
      {"random bytes", noise, "not a loadable DLL: no MZ header"},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    DropBytes(c.bytes, h.plugin_dir);
    const auto st = WaitForRedtail(h, [&](const json::object& s) {
      return s.at("lastError").is_string() &&
             std::string(s.at("lastError").as_string()).find(c.reason) != std::string::npos;
    });
    CHECK(st.at("state") == "active");
    CHECK(st.at("generation") == 7);
    auto r = Request(h.port(), "GET", target);
    CHECK(r.status == 200);
    CHECK(ServedBy(r) == "redtail/1.0.0");
  }
}

// Two free loopback ports (both held until both are known, so they differ).
std::pair<uint16_t, uint16_t> FreePorts() {
  asio::io_context io;
  asio::ip::tcp::acceptor a(io, {asio::ip::make_address("127.0.0.1"), 0});
  asio::ip::tcp::acceptor b(io, {asio::ip::make_address("127.0.0.1"), 0});
  return {a.local_endpoint().port(), b.local_endpoint().port()};
}

std::string FileText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Polls `ok` every 100 ms for up to `limit`.
template <typename Fn>
bool WaitFor(Fn&& ok, std::chrono::seconds limit = std::chrono::seconds(60)) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (ok()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

TEST_CASE(
    "windows: under Wine a plugin that overflows its fiber's stack is named with the request, "
    "then the process dies",
    "[wine]") {
  const WineSetup wine = WineSetup::FromBuild();
  TempDir dir;
  std::filesystem::create_directories(dir / "plugins");
  std::filesystem::copy_file(wine.build_dir + "/test-plugins/stackhog.dll",
                             dir / "plugins/stackhog.dll");
  DaemonProcess daemon(dir / "data", {"--plugin-dir", dir / "plugins"}, wine.env(), -1, "",
                       wine.command());
  auto login = Request(daemon.port(), "POST", "/apiKeyLogin",
                       R"({"platform":"stackhog","apiKey":"k","additionalInfo":{}})");
  REQUIRE(login.status == 200);
  const std::string jwt(login.Json().at("jwtToken").as_string());
  auto r = Request(daemon.port(), "GET", "/contact?" + Q(jwt) + "&phoneNumber=%2B1415555", {},
                   {{"X-Request-Id", "overflow-42"}});
  CHECK(r.status == 0);  // no answer: the process is gone
  CHECK(WaitFor([&] { return !daemon.Running(); }, std::chrono::seconds(20)));
  const std::string log = daemon.Log();
  INFO(log.substr(log.size() > 2000 ? log.size() - 2000 : 0));
  CHECK(log.find("fatal: fiber stack overflow (") != std::string::npos);
  CHECK(log.find("KiB) in plugin stackhog operation findContact, request overflow-42") !=
        std::string::npos);
}

TEST_CASE(
    "windows: crmhostd.exe as a service under Wine's service manager: installed, started, "
    "answering, reloaded, stopped with a request in flight that completes, uninstalled",
    "[wine-service]") {
  const WineSetup wine = WineSetup::FromBuild();
  FakeRedtail fake;
  TempDir dir;
  std::ofstream(dir / "master.key") << kTestMasterKeyHex << "\n";
  const std::string name = "crmhost-test-" + std::to_string(::getpid());
  const std::string exe = wine.exe("crmhostd");
  const std::string log = dir / "crmhostd.log";
  const std::string wine_log = dir / "wine.log";
  const auto [port, ops] = FreePorts();
  // Services live as long as the wineserver, which otherwise ends 3 s after its last client.
  // A server still lingering after an earlier test would end under us: stop it first.
  wine.Server("-k");
  wine.Server("-p");
  struct Cleanup {
    const WineSetup& wine;
    std::vector<std::string> uninstall;
    ~Cleanup() {
      wine.Run(uninstall);
      wine.Server("-k");
    }
  } cleanup{wine, {exe, "--uninstall-service", "--service-name", name}};

  REQUIRE(wine.Run({exe,
                    "--install-service",
                    "--service-name",
                    name,
                    "--listen",
                    "127.0.0.1:" + std::to_string(port),
                    "--ops-listen",
                    "127.0.0.1:" + std::to_string(ops),
                    "--data-dir",
                    WineSetup::WindowsPath(dir / "data"),
                    "--plugin-dir",
                    WineSetup::WindowsPath(wine.plugin_dir()),
                    "--secret-key-file",
                    WineSetup::WindowsPath(dir / "master.key"),
                    "--config",
                    "none",
                    "--log-file",
                    WineSetup::WindowsPath(log),
                    "--plugin-setting",
                    std::string("redtail.api_key=") + FakeRedtail::kIntegrationKey,
                    "--outbound-override",
                    std::string(kRedtailServer) + "=" + fake.base_url() + "/api/public/v1",
                    "--outbound-timeout-ms",
                    "10000"},
                   wine_log) == 0);
  REQUIRE(wine.Run({"sc", "start", name}, wine_log) == 0);
  INFO("log:\n" << FileText(log) << "\nwine:\n" << FileText(wine_log));
  REQUIRE(WaitFor([&] { return Request(ops, "GET", "/readyz").status == 200; }));
  const std::string query = dir / "query.txt";
  REQUIRE(WaitFor([&] {
    std::filesystem::remove(query);
    wine.Run({"sc", "query", name}, query);
    return FileText(query).find("RUNNING") != std::string::npos;
  }));

  // Answering: a Redtail login and lookup through the service.
  boost::json::object login{
      {"platform", "redtail"},
      {"apiKey", "apiKey"},
      {"additionalInfo", boost::json::object{{"username", FakeRedtail::kUsername},
                                             {"password", FakeRedtail::kPassword}}}};
  auto logged_in =
      Request(port, "POST", "/apiKeyLogin?state=platform=redtail", boost::json::serialize(login));
  REQUIRE(logged_in.status == 200);
  const std::string jwt(logged_in.Json().at("jwtToken").get_string());
  auto contact = Request(port, "GET", "/contact?" + Q(jwt) + "&phoneNumber=%2B14155555678");
  REQUIRE(contact.status == 200);
  CHECK(contact.Json().at("contact").at(0).at("id") == 201);

  // Reloaded through the service manager (PARAMCHANGE): the plugin directory is rescanned.
  REQUIRE(wine.Run({exe, "--reload-service", "--service-name", name}, wine_log) == 0);
  CHECK(WaitFor([&] { return FileText(log).find("reload done:") != std::string::npos; }));

  // Stopped while a call log waits 1.5 s on Redtail: the request still completes.
  fake.failures().Delay("/api/public/v1/activities", 1500);
  HttpResult in_flight;
  std::thread caller([&] {
    in_flight =
        Request(port, "POST", "/callLog?" + Q(jwt), json::serialize(CallBody("sess-svc-stop")));
  });
  REQUIRE(WaitFor(
      [&] {
        return !fake.server().requests().empty() &&
               fake.server().requests().back().path.rfind("/api/public/v1/activities", 0) == 0;
      },
      std::chrono::seconds(10)));
  CHECK(wine.Run({"sc", "stop", name}, wine_log) == 0);
  caller.join();
  CHECK(in_flight.status == 200);
  CHECK(in_flight.body.find("\"successful\":true") != std::string::npos);
  CHECK(fake.activity_count() == 1);
  CHECK(WaitFor([&] {
    std::filesystem::remove(query);
    wine.Run({"sc", "query", name}, query);
    return FileText(query).find("STOPPED") != std::string::npos;
  }));
  CHECK_THAT(FileText(log), Catch::Contains("crmhostd stopped"));

  // Uninstalled: the service manager no longer knows it; the data stays.
  CHECK(wine.Run(cleanup.uninstall, wine_log) == 0);
  std::filesystem::remove(query);
  CHECK(wine.Run({"sc", "query", name}, query) != 0);
  CHECK(std::filesystem::exists(dir / "data/store/CURRENT"));
}

}  // namespace
}  // namespace crmhost::testing

int main(int argc, char** argv) {
  const std::string missing = crmhost::testing::WineSetup::FromBuild().Missing();
  if (!missing.empty()) {
    std::fprintf(stderr, "windows tests: %s: skipped\n", missing.c_str());
    return 77;
  }
  return Catch::Session().run(argc, argv);
}
