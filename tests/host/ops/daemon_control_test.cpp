// DaemonControl: what the Windows service relies on, pinned without Windows.
#include "ops/daemon_control.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>
#include <vector>

namespace crmhost::ops {
using namespace std::chrono_literals;

TEST_CASE("daemon control: a stop requested before the daemon attaches runs at attach",
          "[daemon_control]") {
  DaemonControl control;
  control.RequestStop();
  control.RequestReload();  // dropped: nothing attached, and the daemon loads plugins anyway
  int stops = 0, reloads = 0;
  control.Attach([&] { ++stops; }, [&] { ++reloads; });
  CHECK(stops == 1);
  CHECK(reloads == 0);
  control.RequestReload();
  CHECK(reloads == 1);
  control.Detach();
  control.RequestStop();  // after Detach: nothing runs
  CHECK(stops == 1);
}

TEST_CASE("daemon control: reports reach the reporter in order with their wait hints",
          "[daemon_control]") {
  DaemonControl control;
  control.Report(ServicePhase::kStarting, "before any reporter");  // dropped, no crash
  std::vector<ServiceReport> seen;
  control.SetReporter([&](const ServiceReport& r) { seen.push_back(r); });
  control.Report(ServicePhase::kStarting, "opening the store", 30s);
  control.Report(ServicePhase::kReady, "serving");
  control.Report(ServicePhase::kStopping, "draining 2 requests", 25s);
  REQUIRE(seen.size() == 3);
  CHECK(seen[0].phase == ServicePhase::kStarting);
  CHECK(seen[0].wait_hint == 30s);
  CHECK(seen[1].status == "serving");
  CHECK(seen[2].phase == ServicePhase::kStopping);
  CHECK(seen[2].wait_hint == 25s);
}

TEST_CASE("daemon control: Detach waits for a stop handler that is running", "[daemon_control]") {
  DaemonControl control;
  std::atomic<bool> in_handler{false}, handler_done{false};
  control.Attach(
      [&] {
        in_handler = true;
        std::this_thread::sleep_for(200ms);
        handler_done = true;
      },
      [] {});
  std::thread scm([&] { control.RequestStop(); });  // the SCM's control thread
  while (!in_handler)
    std::this_thread::yield();
  control.Detach();
  CHECK(handler_done);  // the daemon's captures were still alive for the whole call
  scm.join();
}

}  // namespace crmhost::ops
