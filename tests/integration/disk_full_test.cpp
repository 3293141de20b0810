// A full disk, for real: the daemon's data directory on a small tmpfs that the test fills.
// While full: clear errors, /readyz failing, nothing created in the CRM without its link. After
// space is freed: writes work again without a restart, and a call whose link could not be
// stored while full is neither lost nor logged twice.
//
// Mounting needs root (CAP_SYS_ADMIN): without it this program exits 77 and ctest reports the
// test SKIPPED, never passed.
#define CATCH_CONFIG_RUNNER
#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "integration/redtail_harness.h"

namespace crmhost::testing {
namespace json = boost::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// A tmpfs of `mib` MiB at a fresh directory, unmounted when destroyed.
class SmallDisk {
 public:
  explicit SmallDisk(int mib)
      : path_(fs::temp_directory_path() / ("crmhost-disk-" + std::to_string(::getpid()))) {
    fs::create_directories(path_);
    const std::string opts = "size=" + std::to_string(mib) + "m";
    mounted_ = ::mount("tmpfs", path_.c_str(), "tmpfs", 0, opts.c_str()) == 0;
  }
  ~SmallDisk() {
    if (mounted_) ::umount2(path_.c_str(), MNT_DETACH);
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  bool mounted() const { return mounted_; }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

  // Writes a filler file until the file system is full.
  void Fill() {
    const int fd = ::open((path_ / "filler").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    std::string block(64 * 1024, 'f');
    while (::write(fd, block.data(), block.size()) > 0) {
    }
    block.resize(512);
    while (::write(fd, block.data(), block.size()) > 0) {
    }
    ::close(fd);
  }
  void Free() { fs::remove(path_ / "filler"); }

 private:
  fs::path path_;
  bool mounted_ = false;
};

json::object Call(const std::string& session) {
  json::object body = CallBody(session);
  body["logInfo"].as_object()["startTime"] =
      int64_t(1767323045000) + int64_t(session.size()) * 1000;
  return body;
}

double Metric(const std::string& metrics, const std::string& series) {
  const size_t at = metrics.find("\n" + series + " ");
  return at == std::string::npos ? -1 : std::stod(metrics.substr(at + series.size() + 2));
}

bool Ready(const DaemonProcess& d) {
  return Request(d.ops_port(), "GET", "/readyz").status == 200;
}

// Fills the store's write-ahead log past what RocksDB preallocated, until writes fail.
void WriteUntilRefused(uint16_t port, const std::string& jwt) {
  const std::string big(200000, 'x');
  for (int i = 0; i < 200; ++i) {
    auto r = Request(port, "POST", "/user/settings?jwtToken=" + UrlEncode(jwt),
                     json::serialize(json::object{
                         {"userSettings",
                          json::object{{"k" + std::to_string(i), json::object{{"value", big}}}}}}));
    if (r.body.find("Database operation failed") != std::string::npos) return;
  }
}

}  // namespace

TEST_CASE(
    "disk full: clear errors and /readyz failing while full, writes work again after space "
    "is freed, and no call is lost or logged twice",
    "[disk-full][redtail]") {
  SmallDisk disk(64);
  REQUIRE(disk.mounted());
  // A 64 MiB disk: keep 8 MiB in reserve (the default 64 MiB would refuse writes from the start).
  RedtailHarness h(std::nullopt, {"--store-min-free-mib", "8"});
  // Only Redtail: every loaded plugin is copied into the data directory (its private copy), and
  // sanitizer builds of all the shipped plugins would fill this small disk before the test does.
  h.plugin_dir = h.dir / "plugins";
  fs::create_directories(h.plugin_dir);
  fs::copy_file(DaemonProcess::PluginDir() + "/redtail.so", h.plugin_dir + "/redtail.so");
  // Redtail holds the answer to a create until the test has filled the disk (no timing).
  std::mutex gate_mu;
  std::condition_variable gate_cv;
  bool held = false, open = false;
  h.fake.server().set_hold([&](const RecordedRequest& r) {
    if (r.method != "POST" || r.path != "/api/public/v1/activities") return;
    std::unique_lock lock(gate_mu);
    held = true;
    gate_cv.notify_all();
    gate_cv.wait_for(lock, 60s, [&] { return open; });
  });
  std::ofstream(h.dir / "master.key") << kTestMasterKeyHex << "\n";
  // The log stays off the small disk: it must show what happened while the disk was full.
  h.daemon = std::make_unique<DaemonProcess>(disk / "data", h.Args(),
                                             std::vector<std::pair<std::string, std::string>>{}, -1,
                                             h.dir.path());
  const std::string jwt = h.LoginJwt();
  const std::string target = "/callLog?jwtToken=" + UrlEncode(jwt);
  REQUIRE(Ready(*h.daemon));

  // A call is under way (reserved, waiting on Redtail) when the disk fills up.
  HttpResult during;
  std::thread caller(
      [&] { during = Request(h.port(), "POST", target, json::serialize(Call("full-during"))); });
  {
    std::unique_lock lock(gate_mu);
    REQUIRE(gate_cv.wait_for(lock, 30s, [&] { return held; }));
  }
  disk.Fill();
  WriteUntilRefused(h.port(), jwt);
  {
    std::lock_guard lock(gate_mu);
    open = true;
    gate_cv.notify_all();
  }
  caller.join();
  // Its activity exists and its link could not be stored: it is held, and the client is told
  // the truth (logged), so it does not retry into a duplicate.
  INFO(during.body);
  const std::string log_now = h.daemon->Log();
  INFO("daemon log (tail): " << log_now.substr(log_now.size() > 3000 ? log_now.size() - 3000 : 0));
  CHECK(during.status == 200);
  CHECK(during.body.find("\"successful\":true") != std::string::npos);
  const size_t activities = h.fake.activity_count();
  CHECK(activities == 1);
  auto kept = Request(h.port(), "GET", target + "&sessionIds=full-during");
  CHECK(kept.Json().at("logs").at(0).at("matched") == true);

  // While full: /readyz fails, a new call is refused before anything reaches Redtail.
  CHECK_FALSE(Ready(*h.daemon));
  auto full = Request(h.port(), "POST", target, json::serialize(Call("full-new")));
  CHECK(full.Json().at("returnMessage").at("message") == "Database operation failed");
  CHECK(h.fake.activity_count() == activities);
  auto metrics = Request(h.daemon->ops_port(), "GET", "/metrics").body;
  CHECK(Metric(metrics, "crmhost_store_writable") == 0);
  CHECK(Metric(metrics, "crmhost_store_unsaved_call_links") == 1);

  // Space comes back: the store recovers by itself (no restart) and saves the held link.
  disk.Free();
  for (int i = 0; i < 300 && !Ready(*h.daemon); ++i)
    std::this_thread::sleep_for(100ms);
  INFO("readyz: " << Request(h.daemon->ops_port(), "GET", "/readyz?verbose").body);
  REQUIRE(Ready(*h.daemon));
  for (int i = 0; i < 50; ++i) {
    metrics = Request(h.daemon->ops_port(), "GET", "/metrics").body;
    if (Metric(metrics, "crmhost_store_unsaved_call_links") == 0) break;
    std::this_thread::sleep_for(100ms);
  }
  INFO(metrics);
  CHECK(Metric(metrics, "crmhost_store_unsaved_call_links") == 0);
  CHECK(Metric(metrics, "crmhost_store_recoveries_total") >= 1);
  const std::string log = h.daemon->Log();
  CHECK(log.find("the store cannot write") != std::string::npos);
  CHECK(log.find("the store takes writes again") != std::string::npos);

  // The refused call and the held one are retried: one activity each, no more.
  auto retried = Request(h.port(), "POST", target, json::serialize(Call("full-new")));
  CHECK(retried.body.find("\"successful\":true") != std::string::npos);
  auto again = Request(h.port(), "POST", target, json::serialize(Call("full-during")));
  CHECK(again.body.find("Existing log for session full-during") != std::string::npos);
  CHECK(h.fake.activity_count() == activities + 1);
  // And the link survives a restart: it reached the disk.
  h.daemon->Stop();
  h.daemon = std::make_unique<DaemonProcess>(disk / "data", h.Args(),
                                             std::vector<std::pair<std::string, std::string>>{}, -1,
                                             h.dir.path());
  auto after = Request(h.port(), "GET", target + "&sessionIds=full-during");
  CHECK(after.Json().at("logs").at(0).at("matched") == true);
}

}  // namespace crmhost::testing

int main(int argc, char** argv) {
  {
    crmhost::testing::SmallDisk probe(1);
    if (!probe.mounted()) {
      std::fprintf(stderr, "disk_full_test: cannot mount a tmpfs (needs root): skipped\n");
      return 77;
    }
  }
  return Catch::Session().run(argc, argv);
}
