#include "ops/background_tasks.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>

#include "contract/housekeeping.h"
#include "runtime/memory_trim.h"

namespace crmhost::ops {
using namespace std::chrono_literals;

namespace {

constexpr size_t kTrimThreshold = 8 * 1024 * 1024;  // free bytes in malloc before it is trimmed

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

BackgroundTasks::BackgroundTasks(Deps deps)
    : deps_(std::move(deps)),
      watchdog_(deps_.loop),
      trim_(deps_.loop)
#ifdef SIGHUP
      ,
      hangup_(deps_.loop, SIGHUP)
#endif
{
}

BackgroundTasks::~BackgroundTasks() {
  if (sweeper_.joinable()) {
    sweeper_.request_stop();
    sweeper_.join();
  }
}

void BackgroundTasks::Start() {
  WaitForHangup();
  // The watchdog ping comes from the event loop itself: a wedged loop stops it and systemd
  // restarts the daemon.
  if (deps_.systemd.watchdog_interval()) PingWatchdog();
  // Memory a burst left free in malloc's arenas goes back to the system within a second.
  trim_.expires_after(1s);
  trim_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) TrimMemory();
  });
  sweeper_ = std::jthread([this](std::stop_token stop) { Housekeep(stop); });
}

void BackgroundTasks::Cancel() {
  std::promise<void> cancelled;
  boost::asio::post(deps_.loop, [&] {
    boost::system::error_code ec;
#ifdef SIGHUP
    hangup_.cancel(ec);
#endif
    watchdog_.cancel();
    trim_.cancel();
    cancelled.set_value();
  });
  cancelled.get_future().wait();
  if (sweeper_.joinable()) {
    sweeper_.request_stop();
    sweeper_.join();
  }
}

void BackgroundTasks::PingWatchdog() {
  deps_.systemd.Notify("WATCHDOG=1");
  watchdog_.expires_after(*deps_.systemd.watchdog_interval());
  watchdog_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) PingWatchdog();
  });
}

void BackgroundTasks::TrimMemory() {
  if (size_t freed = TrimFreeMemory(kTrimThreshold))
    spdlog::debug("returned {} MB of free memory to the system", freed >> 20);
  trim_.expires_after(1s);
  trim_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) TrimMemory();
  });
}

void BackgroundTasks::WaitForHangup() {
#ifdef SIGHUP
  hangup_.async_wait([this](const boost::system::error_code& ec, int) {
    if (ec) return;
    spdlog::info("received SIGHUP");
    deps_.on_hangup();
    WaitForHangup();
  });
#endif
}

// Every second, links the store could not take yet (a full disk) are saved again; a minute
// after start, then hourly, expired rows go.
void BackgroundTasks::Housekeep(std::stop_token stop) {
  std::mutex mu;
  std::condition_variable_any cv;
  auto next_sweep = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  while (true) {
    std::unique_lock lock(mu);
    if (cv.wait_for(lock, stop, 1s, [] { return false; })) return;
    if (stop.stop_requested()) return;
    lock.unlock();
    if (deps_.unsaved_links.size() > 0) deps_.unsaved_links.SaveAll(deps_.store, NowMs());
    if (std::chrono::steady_clock::now() < next_sweep) continue;
    next_sweep = std::chrono::steady_clock::now() + std::chrono::hours(1);
    // Instances sharing a database take turns: whoever claims the hour sweeps for all.
    auto claimed = deps_.store.ClaimPeriodicTask("housekeeping", 3600 * 1000 - 60 * 1000, NowMs());
    if (!claimed.ok()) {
      spdlog::warn("housekeeping skipped: {}", claimed.status().message());
      continue;
    }
    if (!claimed.value()) continue;  // another instance swept within the hour
    auto swept = contract::SweepExpired(deps_.store, NowMs());
    if (!swept.ok()) {
      spdlog::warn("housekeeping failed: {}", swept.status().message());
    } else if (swept->expired_cache_rows + swept->stale_contact_entries > 0) {
      spdlog::info("housekeeping removed {} expired cache rows and {} stale contact entries",
                   swept->expired_cache_rows, swept->stale_contact_entries);
    }
  }
}

}  // namespace crmhost::ops
