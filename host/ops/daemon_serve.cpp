// Daemon phases 5-7: serve until asked to stop, drain, stop (see daemon.h).
#include "ops/daemon.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <chrono>
#include <thread>

#include "ops/daemon_control.h"
#include "ops/daemon_parts.h"
#include "ops/health.h"
#include "ops/ops_api.h"
#include "ops/store_api.h"
#include "version.h"

namespace crmhost::ops {
namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {
constexpr auto kDrainDeadline = 20s;
}  // namespace

// The App Connect listener (its connections live on the fiber threads: read, handled and
// answered on one thread) and the ops listener, not yet listening.
void Daemon::BuildListeners() {
  Parts& p = *p_;
  s_ = std::make_unique<Serving>(o_, p.router);
  Serving& s = *s_;
  spdlog::info("request handlers on {} fiber threads ({} KiB stacks, up to {} in flight)",
               s.fibers.stats().threads, o_.fiber_stack_kib, o_.max_inflight);
  s.dispatcher.SetObserver(
      [&p](std::string_view route, std::string_view method, int status, double seconds) {
        p.metrics.ObserveRequest(route, method, status, seconds);
      });
  // Socket activation: systemd holds the App Connect port (and optionally the ops port) open
  // across restarts; connections wait in the backlog while the daemon restarts.
  for (auto& [name, fd] : TakeInheritedSockets()) {
    if (name == "ops") {
      s.ops_fd = fd;
    } else if (s.app_fd < 0) {
      s.app_fd = fd;
    } else {
      spdlog::warn("ignoring extra inherited socket {} ({})", fd, name);
    }
  }
  http::HttpServer::Options ho;
  ho.address = o_.listen_address;
  ho.port = o_.listen_port;
  ho.inherited_fd = s.app_fd;
  ho.max_body_bytes = o_.max_body_bytes;
  ho.body_limit = [&p](std::string_view method, std::string_view target) {
    return p.router.BodyLimitFor(method, target);
  };
  ho.budget = &s.body_budget;
  ho.connection_loop = [&s]() -> asio::io_context& { return s.fibers.NextLoop(); };
  s.server = std::make_unique<http::HttpServer>(
      p.ioc, ho, [&s](http::HttpRequest&& req, http::HttpServer::Done done) {
        s.dispatcher.Dispatch(std::move(req), std::move(done));
      });

  RegisterOpsRoutes(s.ops_router, *p.manager, p.ops_token);
  RegisterStoreRoutes(s.ops_router, *p.store, o_.data_dir, p.ops_token);
  RegisterHealthRoutes(s.ops_router, {.store = p.store.get(),
                                      .manager = p.manager.get(),
                                      .metrics = &p.metrics,
                                      .state = &p.health,
                                      .started_ms = p.started_ms,
                                      .fibers = &s.fibers,
                                      .bulkheads = p.bulkheads.get(),
                                      .outbound = p.http_client.get(),
                                      .unsaved_links = &p.unsaved_links});
  http::HttpServer::Options opo;
  opo.address = o_.ops_address;
  opo.port = o_.ops_port;
  opo.inherited_fd = s.ops_fd;
  opo.max_body_bytes = 64 * 1024;
  opo.budget = &s.ops_body_budget;
  s.ops_server = std::make_unique<http::HttpServer>(
      p.ioc, opo, [&s](http::HttpRequest&& req, http::HttpServer::Done done) {
        s.ops_dispatcher.Dispatch(std::move(req), std::move(done));
      });
}

int Daemon::Serve() {
  BuildListeners();
  Parts& p = *p_;
  Serving& s = *s_;
  Status listening = s.server->Listen();
  if (listening.ok() && o_.ops_enabled) listening = s.ops_server->Listen();
  if (!listening.ok()) {
    spdlog::error("{}", listening.message());
    return 1;
  }
  s.server->Start();
  if (o_.ops_enabled) {
    s.ops_server->Start();
    spdlog::info("ops API on http://{}:{} (token in {})", o_.ops_address, s.ops_server->port(),
                 o_.ops_token_file);
  }
  spdlog::info("crmhostd {} listening on http://{}:{}{}", kVersion, s.server->address(),
               s.server->port(), s.app_fd >= 0 ? " (socket from systemd)" : "");
  spdlog::set_level(spdlog::level::from_str(o_.log_level));
  AnnounceReady();
  s.tasks = std::make_unique<BackgroundTasks>(BackgroundTasks::Deps{
      p.ioc, p.systemd, *p.store, p.unsaved_links, [this] { Reload(p_->systemd.enabled()); }});
  s.tasks->Start();
  Drain(WaitForStop());
  s.tasks->Cancel();
  StopWaitingForSignals();
  return 0;
}

// READY for systemd and the Windows SCM, with what now serves.
void Daemon::AnnounceReady() {
  const std::string status = "serving " + std::to_string(p_->registry.Live().size()) +
                             " plugins on " + o_.listen_address + ":" +
                             std::to_string(s_->server->port());
  p_->systemd.Notify("READY=1\nSTATUS=" + status);
  Report(ServicePhase::kReady, status);
}

// A reload rescans the plugin directory (as POST /plugins/reload does). When a service manager
// waits for it (systemd's Type=notify-reload, the Windows SCM) it runs synchronously between
// RELOADING and READY, so `systemctl reload` returns only when the new plugins serve; otherwise
// it is queued like a change the watcher saw.
void Daemon::Reload(bool manager_waits) {
  spdlog::info("reloading {}", o_.plugin_dir);
  if (!manager_waits) {
    p_->manager->RequestRescan();
    return;
  }
  p_->systemd.NotifyReloading();
  Report(ServicePhase::kReloading, "reloading plugins", 60s);
  const bool queued = s_->ops_workers.TrySubmit([this] {
    auto done = p_->manager->Reload();
    spdlog::info("reload done: {} published, {} refused, {} removed", done.published.size(),
                 done.refused.size(), done.removed.size());
    AnnounceReady();
  });
  if (!queued) {
    p_->manager->RequestRescan();
    AnnounceReady();
  }
}

int Daemon::WaitForStop() {
  Parts& p = *p_;
  p.stop_signals.add(SIGINT);
  p.stop_signals.add(SIGTERM);
  p.on_stop_signal = [&p](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    if (p.stop_signal_seen.exchange(true))
      spdlog::info("received signal {} while stopping; the drain goes on", signo);
    p.RequestStop(signo);
    p.stop_signals.async_wait(p.on_stop_signal);
  };
  p.stop_signals.async_wait(p.on_stop_signal);
  if (control_)
    control_->Attach([&p] { p.RequestStop(SIGTERM); },
                     [this] { asio::post(p_->ioc, [this] { Reload(true); }); });
  const int signo = p.stop_signal.get_future().get();
  if (control_) control_->Detach();
  return signo;
}

// The wait ends on the loop, where its handler runs. The set stays registered: a signal after
// this is still caught, never the default action.
void Daemon::StopWaitingForSignals() {
  std::promise<void> cancelled;
  asio::post(p_->ioc, [&] {
    boost::system::error_code ec;
    p_->stop_signals.cancel(ec);
    cancelled.set_value();
  });
  cancelled.get_future().wait();
}

// Readiness fails first (load balancers stop sending), then the App Connect listener stops
// accepting and drains; the ops listener answers /readyz 503 and /metrics until the drain is
// over. The drain runs on this thread while the network threads keep running: connections close
// as their last response is written, and requests in flight (with their CRM calls) finish.
void Daemon::Drain(int signo) {
  http::HttpServer& server = *s_->server;
  p_->health.draining = true;
  spdlog::info("received signal {}; draining {} requests in flight", signo,
               server.requests_in_flight());
  p_->systemd.Notify("STOPPING=1\nSTATUS=draining " + std::to_string(server.requests_in_flight()) +
                     " requests");
  Report(ServicePhase::kStopping, "stopping", kDrainDeadline + 5s);
  server.BeginShutdown();
  const auto deadline = std::chrono::steady_clock::now() + kDrainDeadline;
  auto next_report = std::chrono::steady_clock::now() + 1s;
  while (server.open_connections() > 0 && std::chrono::steady_clock::now() < deadline) {
    if (std::chrono::steady_clock::now() >= next_report) {
      // The SCM's wait hint: the rest of the drain, the ops drain and the shutdown after.
      Report(ServicePhase::kStopping,
             "draining " + std::to_string(server.requests_in_flight()) + " requests",
             std::chrono::duration_cast<std::chrono::milliseconds>(
                 deadline - std::chrono::steady_clock::now()) +
                 5s);
      next_report += 1s;
    }
    std::this_thread::sleep_for(10ms);
  }
  if (server.requests_in_flight() > 0)
    spdlog::warn("drain deadline passed with {} requests in flight", server.requests_in_flight());
  s_->ops_server->BeginShutdown();
  const auto ops_deadline = std::chrono::steady_clock::now() + 2s;
  while (s_->ops_server->open_connections() > 0 && std::chrono::steady_clock::now() < ops_deadline)
    std::this_thread::sleep_for(10ms);
  // Both accept loops end (their acceptors were closed above) before the loops they hand
  // connections to go away.
  if (!server.WaitAcceptStopped(2s) || !s_->ops_server->WaitAcceptStopped(2s))
    spdlog::warn("an accept loop did not end within 2 s of the stop");
}

// Queued plugin operations finish while the network threads still run, so their outbound calls
// complete or time out; only then the network and the plugin control thread stop. Pooled
// connections opened on the fiber threads' loops close while those loops exist.
void Daemon::Stop() {
  Parts& p = *p_;
  if (s_) {
    s_->fibers.Shutdown();
    if (p.http_client) p.http_client->CloseIdle();
    s_->ops_workers.Shutdown();
  }
  if (p.manager) p.manager->Stop();
  p.work.reset();
  p.ioc.stop();
  s_.reset();
  for (auto& t : p.io_threads)
    t.join();
  p.io_threads.clear();
  p.registry.ShutdownAll();
}

}  // namespace crmhost::ops
