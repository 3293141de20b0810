#include "ops/daemon.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <stop_token>
#include <thread>

#include "contract/app.h"
#include "contract/body_limits.h"
#include "contract/developer_portal.h"
#include "contract/housekeeping.h"
#include "crmhost/encoding.h"
#include "crmhost/store/cipher.h"
#include "crmhost/store/store.h"
#include "http/router.h"
#include "http/server.h"
#include "identity/jwt.h"
#include "identity/oauth.h"
#include "identity/ringcentral.h"
#include "ops/daemon_control.h"
#include "ops/health.h"
#include "ops/ops_api.h"
#include "ops/sd_notify.h"
#include "ops/store_api.h"
#include "outbound/client.h"
#include "outbound/egress_policy.h"
#include "plugins/host_services.h"
#include "plugins/loader.h"
#include "plugins/manager.h"
#include "plugins/phone_service.h"
#include "plugins/registry.h"
#include "runtime/fiber_pool.h"
#include "runtime/logging.h"
#include "runtime/memory_trim.h"
#include "runtime/worker_pool.h"
#include "version.h"

namespace crmhost::ops {
namespace asio = boost::asio;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

constexpr auto kDrainDeadline = 20s;
constexpr size_t kTrimThreshold = 8 * 1024 * 1024;  // free bytes in malloc before it is trimmed

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<store::Key256> LoadOrCreateKey(const std::string& path) {
  std::error_code ec;
  if (fs::exists(path, ec)) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 077))
      spdlog::warn("key file {} is readable by group or others; chmod 0400 it", path);
    return store::ReadKeyFile(path);
  }
  spdlog::info("creating a new secret key in {} (mode 0400); back it up with the data dir", path);
  return store::CreateKeyFile(path);
}

std::string KeyString(const store::Key256& k) {
  return std::string(reinterpret_cast<const char*>(k.data()), k.size());
}

// Runs an event loop until it stops. A handler that throws would end run() and with it the
// thread: the exception is logged and the loop goes on (Asio allows run() to be called again).
void RunLoop(asio::io_context& ioc, const char* name) {
  for (;;) {
    try {
      ioc.run();
      return;
    } catch (const std::exception& e) {
      spdlog::error("{} thread: a handler threw: {}; going on", name, e.what());
    } catch (...) {
      spdlog::error("{} thread: a handler threw; going on", name);
    }
  }
}

}  // namespace

Result<std::string> ReadSmallFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read " + path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.size() > 1024 * 1024) return Status::InvalidArgument(path + " is over 1 MiB");
  return text;
}

// The manifest's top level (contract §8): built-in defaults, overridden by --manifest-file.
Result<boost::json::object> LoadManifestTop(const std::string& path) {
  boost::json::object top{
      {"redirectUri", "https://ringcentral.github.io/ringcentral-embeddable/redirect.html"},
      {"author", boost::json::object{{"name", "crmhost"},
                                     {"websiteUrl", "https://github.com/crmhost/crmhost"}}},
      {"version", kVersion}};
  if (path.empty()) return top;
  auto text = ReadSmallFile(path);
  if (!text.ok()) return text.status();
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(*text, ec);
  if (ec || !v.is_object()) return Status::InvalidArgument(path + " is not a JSON object");
  for (auto& [k, val] : v.get_object())
    if (k != "platforms") top[k] = val;  // platforms come from the loaded plugins
  return top;
}

int RunDaemon(const Options& o, DaemonControl* control) {
  if (!SetupLogging(o.log_level, o.log_format, o.log_file)) return 1;
  // Progress for a service manager that wants it (the Windows SCM); systemd gets its own
  // notifications below.
  auto report = [control](ServicePhase phase, std::string status,
                          std::chrono::milliseconds wait_hint = {}) {
    if (control) control->Report(phase, std::move(status), wait_hint);
  };
  report(ServicePhase::kStarting, "opening the store", 30s);
  std::error_code ec;
  fs::create_directories(o.data_dir, ec);
  if (ec) {
    spdlog::error("cannot create data dir {}: {}", o.data_dir, ec.message());
    return 1;
  }
  fs::permissions(o.data_dir, fs::perms::owner_all, ec);

  auto master = LoadOrCreateKey(o.secret_key_file);
  if (!master.ok()) {
    spdlog::error("{}", master.status().message());
    return 1;
  }
  // Purpose keys: the master key itself never encrypts or signs anything.
  const store::Key256 store_key = store::DeriveKey(master.value(), "crmhost store v1");
  const store::Key256 jwt_key = store::DeriveKey(master.value(), "crmhost jwt v1");
  std::string hash_key = HexEncode(KeyString(store::DeriveKey(master.value(), "crmhost hash v1")));
  if (!o.hash_key_file.empty()) {
    auto loaded = ReadSmallFile(o.hash_key_file);
    if (!loaded.ok()) {
      spdlog::error("--hash-key-file: {}", loaded.status().message());
      return 1;
    }
    hash_key = std::move(loaded).value();
    while (!hash_key.empty() && (hash_key.back() == '\n' || hash_key.back() == '\r'))
      hash_key.pop_back();
    if (hash_key.empty()) {
      spdlog::error("--hash-key-file {} is empty", o.hash_key_file);
      return 1;
    }
  }
  auto manifest_top = LoadManifestTop(o.manifest_file);
  if (!manifest_top.ok()) {
    spdlog::error("--manifest-file: {}", manifest_top.status().message());
    return 1;
  }

  store::Store::Options so;
  so.path = (fs::path(o.data_dir) / "store").string();
  so.key = store_key;
  so.sync = !o.no_sync;
  so.min_free_bytes = uint64_t(o.store_min_free_mib) << 20;
  so.on_writable_change = [](bool writable, std::string_view why) {
    if (writable) {
      spdlog::warn("the store takes writes again ({}); /readyz is ready again", why);
    } else {
      spdlog::error("the store cannot write ({}); /readyz fails until it recovers by itself", why);
    }
  };
  auto opened = store::Store::Open(so);
  if (!opened.ok()) {
    spdlog::error("{}", opened.status().message());
    return 1;
  }
  std::unique_ptr<store::Store> store = std::move(opened).value();

  asio::io_context ioc;
  // SIGINT/SIGTERM are caught from the moment the daemon serves until it returns: a second
  // signal during the drain or the shutdown after it (an impatient admin, a test) must not kill
  // the process with the default action halfway through. Function scope for that reason.
  asio::signal_set stop_signals(ioc);
  auto work = asio::make_work_guard(ioc);
  std::vector<std::thread> io_threads;

  outbound::OutboundClient::Options co;
  co.overrides = o.outbound_overrides;
  co.ca_file = o.outbound_ca_file;
  co.default_timeout = std::chrono::milliseconds(o.outbound_timeout_ms);
  co.user_agent = std::string("crmhost/") + kVersion;
  co.proxy = o.outbound_proxy;
  co.no_proxy = o.outbound_no_proxy;
  co.max_per_origin = o.outbound_max_per_host;
  outbound::EgressPolicy::Rules egress_rules;
  egress_rules.allow_hosts.insert(o.outbound_allow_hosts.begin(), o.outbound_allow_hosts.end());
  egress_rules.allow_private = o.outbound_allow_private;
  egress_rules.allow_http = o.outbound_allow_http;
  auto egress = std::make_shared<outbound::EgressPolicy>(std::move(egress_rules));
  co.policy = egress;
  co.resolve = o.outbound_resolve;
  for (auto& [host, address] : o.outbound_resolve)
    spdlog::warn("outbound name pinned: {} -> {} (no DNS for it)", host, address);
  if (!co.proxy.empty()) spdlog::info("CRM calls go through an HTTP proxy");
  for (auto& [from, to] : o.outbound_overrides)
    spdlog::warn("outbound override active: {} -> {} (test setups only)", from, to);
  std::unique_ptr<outbound::OutboundClient> http_client;
  try {
    http_client = std::make_unique<outbound::OutboundClient>(ioc, co);
  } catch (const std::exception& e) {
    spdlog::error("cannot set up the outbound client: {}", e.what());
    return 1;
  }

  const int64_t started_ms = NowMs();
  Metrics metrics;
  SystemdNotifier systemd;
  HealthState health;
  plugins::HostServices services({store.get(), http_client.get(), o.plugin_settings, &NowMs,
                                  [&metrics](std::string_view plugin, int status, double seconds) {
                                    metrics.ObserveCrmCall(plugin, status, seconds);
                                  }});
  // libphonenumber builds its metadata tables on first use (~20 ms): now, not on a request.
  plugins::WarmUpPhoneNumbers();
  plugins::Registry registry;
  plugins::Bulkheads bulkheads({o.plugin_max_inflight, o.plugin_max_waiting});
  contract::UnsavedLinks unsaved_links;
  http::BodyBudget body_budget(o.max_body_budget_bytes);
  http::BodyBudget ops_body_budget(4 * 1024 * 1024);  // ops requests are small
  plugins::Loader::Options lo;
  lo.shadow_dir = fs::path(o.data_dir) / "plugin-shadow";
  lo.egress = egress;
  plugins::Loader loader(lo, services);
  plugins::PluginManager::Options mo;
  mo.plugin_dir = o.plugin_dir;
  mo.watch = o.plugin_watch == "off"    ? plugins::DirectoryWatcher::Mode::kOff
             : o.plugin_watch == "poll" ? plugins::DirectoryWatcher::Mode::kPoll
                                        : plugins::DirectoryWatcher::Mode::kNative;
  mo.max_resident_versions = o.max_resident_versions;
  plugins::PluginManager manager(mo, loader, registry);

  std::string ops_token;
  if (o.ops_enabled) {
    auto token = LoadOrCreateOpsToken(o.ops_token_file);
    if (!token.ok()) {
      spdlog::error("{}", token.status().message());
      return 1;
    }
    ops_token = std::move(token).value();
  }

  report(ServicePhase::kStarting, "loading plugins from " + o.plugin_dir, 60s);
  // Network threads first: a plugin's init may already make outbound calls.
  for (unsigned i = 0; i < o.io_threads; ++i)
    io_threads.emplace_back([&ioc] { RunLoop(ioc, "network"); });
  manager.Start();
  if (registry.Live().empty()) spdlog::warn("no plugins loaded from {}", o.plugin_dir);

  identity::JwtCodec jwt(KeyString(jwt_key));
  identity::OAuthClient oauth(*http_client, &NowMs);
  identity::RingCentralClient::Options rco;
  rco.server = o.ringcentral_server;
  rco.admin_extension_ids.insert(o.admin_extension_ids.begin(), o.admin_extension_ids.end());
  identity::RingCentralClient ringcentral(*http_client, rco, &NowMs);
  contract::DeveloperPortal portal(
      *http_client,
      {.base_url = o.developer_portal_url, .ttl = std::chrono::seconds(o.developer_portal_ttl_s)},
      &NowMs);
  contract::App app{.store = *store,
                    .registry = registry,
                    .jwt = jwt,
                    .hash_key = hash_key,
                    .now_ms = &NowMs,
                    .oauth = &oauth,
                    .ringcentral = &ringcentral,
                    .portal = &portal,
                    .server_url = o.server_url.empty() ? "http://" + o.listen_address + ":" +
                                                             std::to_string(o.listen_port)
                                                       : o.server_url,
                    .manifest_top = std::move(manifest_top).value(),
                    .plugin_settings = o.plugin_settings,
                    .refresh_locks = {},
                    .message_locks = {},
                    .metrics = &metrics,
                    .bulkheads = &bulkheads,
                    .unsaved_links = &unsaved_links};
  http::Router router;
  contract::RegisterRoutes(router, app);
  for (const std::string& bad : contract::ApplyBodyLimits(router))
    spdlog::error("body limit for {}: no such route", bad);
  // Socket activation: systemd holds the App Connect port (and optionally the ops port) open
  // across restarts; connections wait in the backlog while the daemon restarts.
  int app_fd = -1, ops_fd = -1;
  for (auto& [name, fd] : TakeInheritedSockets()) {
    if (name == "ops") {
      ops_fd = fd;
    } else if (app_fd < 0) {
      app_fd = fd;
    } else {
      spdlog::warn("ignoring extra inherited socket {} ({})", fd, name);
    }
  }
  int exit_code = 0;
  {
    // App Connect handlers run on fibers: a request waiting on a slow CRM parks its fiber and
    // the thread serves the next one (see common/fiber_pool.h).
    FiberPool::Options fo;
    fo.threads = o.workers;
    fo.stack_bytes = size_t(o.fiber_stack_kib) * 1024;
    fo.max_fibers = o.max_inflight;
    FiberPool fibers(fo);
    spdlog::info("request handlers on {} fiber threads ({} KiB stacks, up to {} in flight)",
                 fibers.stats().threads, fo.stack_bytes / 1024, fo.max_fibers);
    http::Dispatcher dispatcher(
        router, [&fibers](std::function<void()> job) { return fibers.TrySpawn(std::move(job)); },
        "x-refreshed-jwt-token");
    dispatcher.SetObserver(
        [&metrics](std::string_view route, std::string_view method, int status, double seconds) {
          metrics.ObserveRequest(route, method, status, seconds);
        });
    http::HttpServer::Options ho;
    ho.address = o.listen_address;
    ho.port = o.listen_port;
    ho.inherited_fd = app_fd;
    ho.max_body_bytes = o.max_body_bytes;
    ho.body_limit = [&router](std::string_view method, std::string_view target) {
      return router.BodyLimitFor(method, target);
    };
    ho.budget = &body_budget;
    // Connections live on the fiber threads: read, handled and answered on one thread.
    ho.connection_loop = [&fibers]() -> asio::io_context& { return fibers.NextLoop(); };
    http::HttpServer server(ioc, ho,
                            [&dispatcher](http::HttpRequest&& req, http::HttpServer::Done done) {
                              dispatcher.Dispatch(std::move(req), std::move(done));
                            });
    // The ops API: its own listener, router and small worker pool, so a saturated App Connect
    // side never locks the administrator out.
    WorkerPool ops_workers(2, 16);
    http::Router ops_router;
    RegisterOpsRoutes(ops_router, manager, ops_token);
    RegisterStoreRoutes(ops_router, *store, o.data_dir, ops_token);
    RegisterHealthRoutes(ops_router, {.store = store.get(),
                                      .manager = &manager,
                                      .metrics = &metrics,
                                      .state = &health,
                                      .started_ms = started_ms,
                                      .fibers = &fibers,
                                      .bulkheads = &bulkheads,
                                      .outbound = http_client.get(),
                                      .unsaved_links = &unsaved_links});
    http::Dispatcher ops_dispatcher(
        ops_router,
        [&ops_workers](std::function<void()> job) { return ops_workers.TrySubmit(std::move(job)); },
        "");
    http::HttpServer::Options opo;
    opo.address = o.ops_address;
    opo.port = o.ops_port;
    opo.inherited_fd = ops_fd;
    opo.max_body_bytes = 64 * 1024;
    opo.budget = &ops_body_budget;
    http::HttpServer ops_server(
        ioc, opo, [&ops_dispatcher](http::HttpRequest&& req, http::HttpServer::Done done) {
          ops_dispatcher.Dispatch(std::move(req), std::move(done));
        });
    // READY for systemd and the Windows SCM, with what now serves.
    auto announce_ready = [&] {
      const std::string status = "serving " + std::to_string(registry.Live().size()) +
                                 " plugins on " + o.listen_address + ":" +
                                 std::to_string(server.port());
      systemd.Notify("READY=1\nSTATUS=" + status);
      report(ServicePhase::kReady, status);
    };
    // A reload rescans the plugin directory (as POST /plugins/reload does). When a service
    // manager waits for it (systemd's Type=notify-reload, the Windows SCM) it runs
    // synchronously between RELOADING and READY, so `systemctl reload` returns only when the
    // new plugins serve; otherwise it is queued like a change the watcher saw.
    auto reload = [&](bool manager_waits) {
      spdlog::info("reloading {}", o.plugin_dir);
      if (!manager_waits) {
        manager.RequestRescan();
        return;
      }
      systemd.NotifyReloading();
      report(ServicePhase::kReloading, "reloading plugins", 60s);
      const bool queued = ops_workers.TrySubmit([&manager, &announce_ready] {
        auto done = manager.Reload();
        spdlog::info("reload done: {} published, {} refused, {} removed", done.published.size(),
                     done.refused.size(), done.removed.size());
        announce_ready();
      });
      if (!queued) {
        manager.RequestRescan();
        announce_ready();
      }
    };
    Status listening = server.Listen();
    if (listening.ok() && o.ops_enabled) listening = ops_server.Listen();
    if (!listening.ok()) {
      spdlog::error("{}", listening.message());
      exit_code = 1;
    } else {
      server.Start();
      if (o.ops_enabled) {
        ops_server.Start();
        spdlog::info("ops API on http://{}:{} (token in {})", o.ops_address, ops_server.port(),
                     o.ops_token_file);
      }
      spdlog::info("crmhostd {} listening on http://{}:{}{}", kVersion, server.address(),
                   server.port(), app_fd >= 0 ? " (socket from systemd)" : "");
      spdlog::set_level(spdlog::level::from_str(o.log_level));
      announce_ready();

#ifdef SIGHUP
      asio::signal_set hangup(ioc, SIGHUP);
      std::function<void(const boost::system::error_code&, int)> on_hup =
          [&](const boost::system::error_code& hec, int) {
            if (hec) return;
            spdlog::info("received SIGHUP");
            reload(systemd.enabled());
            hangup.async_wait(on_hup);
          };
      hangup.async_wait(on_hup);
#endif

      // The watchdog ping comes from the event loop itself: a wedged loop stops it and systemd
      // restarts the daemon.
      asio::steady_timer watchdog(ioc);
      std::function<void(const boost::system::error_code&)> on_watchdog =
          [&](const boost::system::error_code& wec) {
            if (wec) return;
            systemd.Notify("WATCHDOG=1");
            watchdog.expires_after(*systemd.watchdog_interval());
            watchdog.async_wait(on_watchdog);
          };
      if (systemd.watchdog_interval()) {
        systemd.Notify("WATCHDOG=1");
        watchdog.expires_after(*systemd.watchdog_interval());
        watchdog.async_wait(on_watchdog);
      }

      // Memory a burst left free in malloc's arenas goes back to the system within a second.
      asio::steady_timer trim(ioc);
      std::function<void(const boost::system::error_code&)> on_trim =
          [&](const boost::system::error_code& tec) {
            if (tec) return;
            if (size_t freed = TrimFreeMemory(kTrimThreshold))
              spdlog::debug("returned {} MB of free memory to the system", freed >> 20);
            trim.expires_after(1s);
            trim.async_wait(on_trim);
          };
      trim.expires_after(1s);
      trim.async_wait(on_trim);

      // Housekeeping off the request path: a minute after start, then hourly.
      // Housekeeping off the request path: every second, links the store could not take yet
      // (a full disk) are saved again; a minute after start, then hourly, expired rows go.
      std::jthread sweeper([&store, &unsaved_links](std::stop_token stop) {
        std::mutex mu;
        std::condition_variable_any cv;
        auto next_sweep = std::chrono::steady_clock::now() + std::chrono::minutes(1);
        while (true) {
          std::unique_lock lock(mu);
          if (cv.wait_for(lock, stop, 1s, [] { return false; })) return;
          if (stop.stop_requested()) return;
          lock.unlock();
          if (unsaved_links.size() > 0) unsaved_links.SaveAll(*store, NowMs());
          if (std::chrono::steady_clock::now() < next_sweep) continue;
          next_sweep = std::chrono::steady_clock::now() + std::chrono::hours(1);
          auto swept = contract::SweepExpired(*store, NowMs());
          if (!swept.ok()) {
            spdlog::warn("housekeeping failed: {}", swept.status().message());
          } else if (swept->expired_cache_rows + swept->stale_contact_entries > 0) {
            spdlog::info("housekeeping removed {} expired cache rows and {} stale contact entries",
                         swept->expired_cache_rows, swept->stale_contact_entries);
          }
        }
      });

      // A stop comes as SIGINT/SIGTERM or from the control (the Windows SCM), whichever first.
      std::promise<int> stop_signal;
      std::once_flag stop_once;
      std::atomic<bool> stop_signal_seen{false};
      auto request_stop = [&](int signo) {
        std::call_once(stop_once, [&] { stop_signal.set_value(signo); });
      };
      stop_signals.add(SIGINT);
      stop_signals.add(SIGTERM);
      std::function<void(const boost::system::error_code&, int)> on_stop_signal =
          [&](const boost::system::error_code& sec, int signo) {
            if (sec) return;
            if (stop_signal_seen.exchange(true))
              spdlog::info("received signal {} while stopping; the drain goes on", signo);
            request_stop(signo);
            stop_signals.async_wait(on_stop_signal);
          };
      stop_signals.async_wait(on_stop_signal);
      if (control)
        control->Attach([&] { request_stop(SIGTERM); },
                        [&] { asio::post(ioc, [&] { reload(true); }); });
      const int signo = stop_signal.get_future().get();
      if (control) control->Detach();
      // Readiness fails first (load balancers stop sending), then the App Connect listener
      // stops accepting and drains; the ops listener answers /readyz 503 and /metrics until the
      // drain is over.
      health.draining = true;
      spdlog::info("received signal {}; draining {} requests in flight", signo,
                   server.requests_in_flight());
      systemd.Notify("STOPPING=1\nSTATUS=draining " + std::to_string(server.requests_in_flight()) +
                     " requests");
      report(ServicePhase::kStopping, "stopping", kDrainDeadline + 5s);
      server.BeginShutdown();
      // Drain on this thread while the network threads keep running: connections close as
      // their last response is written, and requests in flight (with their CRM calls) finish.
      const auto deadline = std::chrono::steady_clock::now() + kDrainDeadline;
      auto next_report = std::chrono::steady_clock::now() + 1s;
      while (server.open_connections() > 0 && std::chrono::steady_clock::now() < deadline) {
        if (std::chrono::steady_clock::now() >= next_report) {
          // The SCM's wait hint: the rest of the drain, the ops drain and the shutdown after.
          report(ServicePhase::kStopping,
                 "draining " + std::to_string(server.requests_in_flight()) + " requests",
                 std::chrono::duration_cast<std::chrono::milliseconds>(
                     deadline - std::chrono::steady_clock::now()) +
                     5s);
          next_report += 1s;
        }
        std::this_thread::sleep_for(10ms);
      }
      if (server.requests_in_flight() > 0)
        spdlog::warn("drain deadline passed with {} requests in flight",
                     server.requests_in_flight());
      ops_server.BeginShutdown();
      const auto ops_deadline = std::chrono::steady_clock::now() + 2s;
      while (ops_server.open_connections() > 0 && std::chrono::steady_clock::now() < ops_deadline)
        std::this_thread::sleep_for(10ms);
      // Both accept loops end (their acceptors were closed above) before the loops they hand
      // connections to go away.
      if (!server.WaitAcceptStopped(2s) || !ops_server.WaitAcceptStopped(2s))
        spdlog::warn("an accept loop did not end within 2 s of the stop");
      std::promise<void> cancelled;
      asio::post(ioc, [&] {
        boost::system::error_code cec;
#ifdef SIGHUP
        hangup.cancel(cec);
#endif
        stop_signals.cancel(cec);  // its handler refers to this block; the set stays registered
        watchdog.cancel();
        trim.cancel();
        cancelled.set_value();
      });
      cancelled.get_future().wait();
    }
    // Finish queued plugin operations while the network threads still run, so their outbound
    // calls complete or time out; only then stop the network and the plugin control thread.
    fibers.Shutdown();
    // Pooled connections opened on the fiber threads' loops close while those loops exist (the
    // pool above goes out of scope before the client does).
    if (http_client) http_client->CloseIdle();
    ops_workers.Shutdown();
    manager.Stop();
    work.reset();
    ioc.stop();
  }
  for (auto& t : io_threads)
    t.join();
  registry.ShutdownAll();
  spdlog::info("crmhostd stopped");
  return exit_code;
}

}  // namespace crmhost::ops
