// What the Daemon's phases build (private to host/ops/daemon*.cpp): Parts, alive until the
// Daemon goes away, and Serving, the listeners, alive from Serve to Stop.
#ifndef CRMHOST_OPS_DAEMON_PARTS_H
#define CRMHOST_OPS_DAEMON_PARTS_H

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "contract/app.h"
#include "contract/developer_portal.h"
#include "contract/unsaved_links.h"
#include "crmhost/store/store.h"
#include "http/body_budget.h"
#include "http/router.h"
#include "http/server.h"
#include "identity/jwt.h"
#include "identity/oauth.h"
#include "identity/ringcentral.h"
#include "ops/background_tasks.h"
#include "ops/daemon.h"
#include "ops/health.h"
#include "ops/instance_identity.h"
#include "ops/sd_notify.h"
#include "ops/startup_files.h"
#include "outbound/client.h"
#include "outbound/egress_policy.h"
#include "plugins/bulkhead.h"
#include "plugins/host_services.h"
#include "plugins/loader.h"
#include "plugins/manager.h"
#include "plugins/registry.h"
#include "runtime/fiber_pool.h"
#include "runtime/metrics.h"
#include "runtime/worker_pool.h"

namespace crmhost::ops {

int64_t WallClockMs();  // ms since the epoch

// Declared in the order they must be built; destroyed in reverse. The store outlives
// everything that writes to it; the event loop outlives everything posting to it.
struct Daemon::Parts {
  int64_t started_ms = 0;  // wall clock when the daemon is ready to start serving
  DaemonKeys keys;
  boost::json::object manifest_top;
  std::string ops_token;
  std::unique_ptr<DataDirLock> data_dir_lock;  // a PostgreSQL store's instance: its data dir
  std::unique_ptr<store::Store> store;

  boost::asio::io_context ioc;
  // SIGINT/SIGTERM are caught from the moment the daemon serves until it returns: a second
  // signal during the drain or the shutdown after it (an impatient admin, a test) must not kill
  // the process with the default action halfway through.
  boost::asio::signal_set stop_signals{ioc};
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work{
      ioc.get_executor()};
  std::vector<std::thread> io_threads;
  std::shared_ptr<outbound::EgressPolicy> egress;
  std::unique_ptr<outbound::OutboundClient> http_client;

  Metrics metrics;
  SystemdNotifier systemd;
  HealthState health;
  std::unique_ptr<plugins::HostServices> services;
  plugins::Registry registry;
  std::unique_ptr<plugins::Bulkheads> bulkheads;
  contract::UnsavedLinks unsaved_links;
  std::unique_ptr<plugins::Loader> loader;
  std::unique_ptr<plugins::PluginManager> manager;

  std::unique_ptr<identity::JwtCodec> jwt;
  LegacyJwt legacy;                                // the reference server's JWT secret, if given
  std::unique_ptr<identity::JwtCodec> legacy_jwt;  // null without it
  std::unique_ptr<identity::OAuthClient> oauth;
  std::unique_ptr<identity::RingCentralClient> ringcentral;
  std::unique_ptr<contract::DeveloperPortal> portal;
  std::unique_ptr<contract::App> app;
  http::Router router;

  // A stop comes as SIGINT/SIGTERM or from the control (the Windows SCM), whichever first.
  std::promise<int> stop_signal;
  std::once_flag stop_once;
  std::atomic<bool> stop_signal_seen{false};
  std::function<void(const boost::system::error_code&, int)> on_stop_signal;
  void RequestStop(int signo) {
    std::call_once(stop_once, [&] { stop_signal.set_value(signo); });
  }
};

// The listeners and what feeds them. App Connect handlers run on fibers: a request waiting on a
// slow CRM parks its fiber and the thread serves the next one (runtime/fiber_pool.h). The ops
// API has its own listener, router and small worker pool, so a saturated App Connect side never
// locks the administrator out.
struct Daemon::Serving {
  http::BodyBudget body_budget;
  http::BodyBudget ops_body_budget{4 * 1024 * 1024};  // ops requests are small
  int app_fd = -1;  // sockets systemd handed over (socket activation), or -1
  int ops_fd = -1;
  FiberPool fibers;
  http::Dispatcher dispatcher;
  std::unique_ptr<http::HttpServer> server;
  WorkerPool ops_workers{2, 16};
  http::Router ops_router;
  http::Dispatcher ops_dispatcher;
  std::unique_ptr<http::HttpServer> ops_server;
  std::unique_ptr<BackgroundTasks> tasks;

  Serving(const Options& o, http::Router& router)
      : body_budget(o.max_body_budget_bytes),
        fibers(FiberOptions(o)),
        dispatcher(
            router, [this](std::function<void()> job) { return fibers.TrySpawn(std::move(job)); },
            "x-refreshed-jwt-token"),
        ops_dispatcher(
            ops_router,
            [this](std::function<void()> job) { return ops_workers.TrySubmit(std::move(job)); },
            "") {}

  static FiberPool::Options FiberOptions(const Options& o) {
    FiberPool::Options fo;
    fo.threads = o.workers;
    fo.stack_bytes = size_t(o.fiber_stack_kib) * 1024;
    fo.max_fibers = o.max_inflight;
    fo.idle_spin = std::chrono::microseconds(o.idle_spin_us);
    return fo;
  }
};

}  // namespace crmhost::ops

#endif  // CRMHOST_OPS_DAEMON_PARTS_H
