// Daemon phases 1-4: keys and store, network, plugins, routes (see daemon.h); Run and the
// phases' order.
#include "ops/daemon.h"

#include <spdlog/spdlog.h>

#include <filesystem>

#include "contract/body_limits.h"
#include "crmhost/private_files.h"
#include "ops/daemon_control.h"
#include "ops/daemon_parts.h"
#include "ops/ops_api.h"
#include "plugins/phone_service.h"
#include "runtime/logging.h"
#include "version.h"

namespace crmhost::ops {
namespace asio = boost::asio;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

int64_t WallClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

namespace {

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

store::Store::Options StoreOptions(const Options& o, const DaemonKeys& keys,
                                   std::string store_password) {
  store::Store::Options so;
  so.url = o.store_url;
  so.password = std::move(store_password);
  so.sslmode = o.store_sslmode;
  so.sslrootcert = o.store_sslrootcert;
  so.pool_size = o.store_pool_size;
  so.lock_pool_size = o.store_lock_pool_size;
  // A lock waits at most as long as the CRM call its holder makes (a token refresh).
  so.lock_timeout_ms = int(std::max<int64_t>(o.outbound_timeout_ms * 2, 10000));
  so.path = (fs::path(o.data_dir) / "store").string();
  so.key = keys.store_key;
  so.sync = !o.no_sync;
  so.min_free_bytes = uint64_t(o.store_min_free_mib) << 20;
  so.log = [](bool error, std::string_view line) {
    if (error) {
      spdlog::error("rocksdb: {}", line);
    } else {
      spdlog::warn("rocksdb: {}", line);
    }
  };
  so.on_writable_change = [](bool writable, std::string_view why) {
    if (writable) {
      spdlog::warn("the store takes writes again ({}); /readyz is ready again", why);
    } else {
      spdlog::error("the store cannot write ({}); /readyz fails until it recovers by itself", why);
    }
  };
  return so;
}

// The outbound client's settings, its egress rules, and the warnings an admin must see about
// them (pinned names and URL overrides bypass what a production setup relies on).
outbound::OutboundClient::Options OutboundOptions(
    const Options& o, std::shared_ptr<const outbound::EgressPolicy> policy) {
  outbound::OutboundClient::Options co;
  co.overrides = o.outbound_overrides;
  co.ca_file = o.outbound_ca_file;
  co.default_timeout = std::chrono::milliseconds(o.outbound_timeout_ms);
  co.user_agent = std::string("crmhost/") + kVersion;
  co.proxy = o.outbound_proxy;
  co.no_proxy = o.outbound_no_proxy;
  co.max_per_origin = o.outbound_max_per_host;
  // What plugin.h promises plugins (and the OAuth and RingCentral calls get the same).
  co.max_response_bytes = CRMH_MAX_HTTP_RESPONSE_BYTES;
  co.max_redirects = CRMH_MAX_HTTP_REDIRECTS;
  co.policy = std::move(policy);
  co.resolve = o.outbound_resolve;
  for (auto& [host, address] : o.outbound_resolve)
    spdlog::warn("outbound name pinned: {} -> {} (no DNS for it)", host, address);
  if (!co.proxy.empty()) spdlog::info("CRM calls go through an HTTP proxy");
  for (auto& [from, to] : o.outbound_overrides)
    spdlog::warn("outbound override active: {} -> {} (test setups only)", from, to);
  return co;
}

// Where CRM calls may go; the loader adds each plugin's declared hosts.
std::shared_ptr<outbound::EgressPolicy> MakeEgressPolicy(const Options& o) {
  outbound::EgressPolicy::Rules rules;
  rules.allow_hosts.insert(o.outbound_allow_hosts.begin(), o.outbound_allow_hosts.end());
  rules.allow_private = o.outbound_allow_private;
  rules.allow_http = o.outbound_allow_http;
  return std::make_shared<outbound::EgressPolicy>(std::move(rules));
}

}  // namespace
Daemon::Daemon(const Options& options, DaemonControl* control)
    : o_(options), control_(control), p_(std::make_unique<Parts>()) {}

Daemon::~Daemon() {
  // A phase that failed after the network threads started still stops them before the parts
  // they use go away.
  if (!p_->io_threads.empty()) Stop();
}

int RunDaemon(const Options& options, DaemonControl* control) {
  return Daemon(options, control).Run();
}

int Daemon::Run() {
  if (!SetupLogging(o_.log_level, o_.log_format, o_.log_file)) return 1;
  Report(ServicePhase::kStarting, "opening the store", 30s);
  if (!OpenKeysAndStore() || !StartNetwork()) return 1;
  Report(ServicePhase::kStarting, "loading plugins from " + o_.plugin_dir, 60s);
  // The routes first: the plugin manager refuses a plugin route a contract route already serves.
  BuildRoutes();
  LoadPlugins();
  const int exit_code = Serve();
  Stop();
  spdlog::info("crmhostd stopped");
  return exit_code;
}

void Daemon::Report(ServicePhase phase, std::string status, std::chrono::milliseconds wait_hint) {
  // Progress for a service manager that wants it (the Windows SCM); systemd gets its own
  // notifications.
  if (control_) control_->Report(phase, std::move(status), wait_hint);
}

bool Daemon::OpenKeysAndStore() {
  std::error_code ec;
  fs::create_directories(o_.data_dir, ec);
  if (ec) {
    spdlog::error("cannot create data dir {}: {}", o_.data_dir, ec.message());
    return false;
  }
  // crmhostctl import-reference stopped in the middle: serving now would know some users and
  // not others. Running it again completes the import and removes the file.
  if (fs::exists(fs::path(o_.data_dir) / "import-reference.incomplete", ec)) {
    spdlog::error(
        "an import from the reference server into {} stopped in the middle: run "
        "crmhostctl import-reference again (it is safe to repeat), then start crmhostd",
        o_.data_dir);
    return false;
  }
  if (Status s = MakeDirectoryPrivate(o_.data_dir); !s.ok()) {
    // A data dir someone else owns could be opened to them again at any time: refuse it.
    if (s.code() == Status::Code::kPermissionDenied) {
      spdlog::error("{}", s.message());
      return false;
    }
    spdlog::warn("{}", s.message());
  }
  auto keys = LoadKeys(o_);
  auto manifest_top = keys.ok() ? LoadManifestTop(o_.manifest_file) : keys.status();
  if (!manifest_top.ok()) {
    spdlog::error("{}", manifest_top.status().message());
    return false;
  }
  auto legacy = LoadLegacyJwt(o_);
  if (!legacy.ok()) {
    spdlog::error("{}", legacy.status().message());
    return false;
  }
  p_->legacy = std::move(legacy).value();
  p_->keys = std::move(keys).value();
  p_->manifest_top = std::move(manifest_top).value();
  std::string instance_name;
  if (!o_.store_url.empty()) {
    // Shared store: this data dir is one instance's, and the store knows it by name.
    auto locked = DataDirLock::Take(o_.data_dir);
    auto name = locked.ok() ? LoadInstanceName(o_.data_dir) : locked.status();
    if (!name.ok()) {
      spdlog::error("{}", name.status().message());
      return false;
    }
    p_->data_dir_lock = std::move(locked).value();
    instance_name = std::move(name).value();
  }
  auto password = LoadStorePassword(o_);
  if (!password.ok()) {
    spdlog::error("{}", password.status().message());
    return false;
  }
  auto store_options = StoreOptions(o_, p_->keys, std::move(password).value());
  store_options.instance_name = instance_name;
  auto opened = store::Store::Open(store_options);
  if (!opened.ok()) {
    spdlog::error("{}", opened.status().message());
    return false;
  }
  p_->store = std::move(opened).value();
  if (p_->store->backend() != "rocksdb")
    spdlog::info("store: {} (this instance: {})", p_->store->backend(), p_->store->instance_id());
  return true;
}

bool Daemon::StartNetwork() {
  p_->egress = MakeEgressPolicy(o_);
  auto co = OutboundOptions(o_, p_->egress);
  try {
    p_->http_client = std::make_unique<outbound::OutboundClient>(p_->ioc, co);
  } catch (const std::exception& e) {
    spdlog::error("cannot set up the outbound client: {}", e.what());
    return false;
  }
  p_->started_ms = WallClockMs();
  // The ops token only once the store opened: a daemon that cannot start leaves no new token.
  if (o_.ops_enabled) {
    auto token = LoadOrCreateOpsToken(o_.ops_token_file);
    if (!token.ok()) {
      spdlog::error("{}", token.status().message());
      return false;
    }
    p_->ops_token = std::move(token).value();
  }
  // Before the plugins load: a plugin's init may already make outbound calls.
  for (unsigned i = 0; i < o_.io_threads; ++i)
    p_->io_threads.emplace_back([this] { RunLoop(p_->ioc, "network"); });
  return true;
}

void Daemon::LoadPlugins() {
  Parts& p = *p_;
  p.services = std::make_unique<plugins::HostServices>(plugins::HostServices::Deps{
      p.store.get(), p.http_client.get(), o_.plugin_settings, &WallClockMs,
      [&p](std::string_view plugin, int status, double seconds) {
        p.metrics.ObserveCrmCall(plugin, status, seconds);
      }});
  // libphonenumber builds its metadata tables on first use (~20 ms): now, not on a request.
  plugins::WarmUpPhoneNumbers();
  plugins::Loader::Options lo;
  lo.shadow_dir = fs::path(o_.data_dir) / "plugin-shadow";
  lo.egress = p.egress;
  p.loader = std::make_unique<plugins::Loader>(lo, *p.services);
  plugins::PluginManager::Options mo;
  mo.plugin_dir = o_.plugin_dir;
  mo.watch = o_.plugin_watch == "off"    ? plugins::DirectoryWatcher::Mode::kOff
             : o_.plugin_watch == "poll" ? plugins::DirectoryWatcher::Mode::kPoll
                                         : plugins::DirectoryWatcher::Mode::kNative;
  mo.max_resident_versions = o_.max_resident_versions;
  mo.contract_route = [&p](const plugins::PluginRoute& route) {
    return contract::ContractRouteFor(p.router, route);
  };
  p.manager = std::make_unique<plugins::PluginManager>(mo, *p.loader, p.registry);
  p.manager->Start();
  if (p.registry.Live().empty()) spdlog::warn("no plugins loaded from {}", o_.plugin_dir);
}

void Daemon::BuildRoutes() {
  Parts& p = *p_;
  p.bulkheads = std::make_unique<plugins::Bulkheads>(
      plugins::Bulkheads::Limits{o_.plugin_max_inflight, o_.plugin_max_waiting});
  p.jwt = std::make_unique<identity::JwtCodec>(KeyString(p.keys.jwt_key));
  if (!p.legacy.secret.empty()) {
    p.legacy_jwt = std::make_unique<identity::JwtCodec>(p.legacy.secret);
    spdlog::info("accepting the reference server's JWTs for users in the store{}",
                 p.legacy.until_ms ? " until " + o_.legacy_jwt_until : std::string());
  }
  p.oauth = std::make_unique<identity::OAuthClient>(*p.http_client, &WallClockMs);
  identity::RingCentralClient::Options rco;
  rco.server = o_.ringcentral_server;
  rco.admin_extension_ids.insert(o_.admin_extension_ids.begin(), o_.admin_extension_ids.end());
  p.ringcentral = std::make_unique<identity::RingCentralClient>(*p.http_client, rco, &WallClockMs);
  p.portal = std::make_unique<contract::DeveloperPortal>(
      *p.http_client,
      contract::DeveloperPortal::Options{.base_url = o_.developer_portal_url,
                                         .ttl = std::chrono::seconds(o_.developer_portal_ttl_s)},
      &WallClockMs);
  const std::string server_url =
      o_.server_url.empty() ? "http://" + o_.listen_address + ":" + std::to_string(o_.listen_port)
                            : o_.server_url;
  // In place: App holds locks, which do not move.
  p.app.reset(new contract::App{.store = *p.store,
                                .registry = p.registry,
                                .jwt = *p.jwt,
                                .hash_key = p.keys.hash_key,
                                .now_ms = &WallClockMs,
                                .oauth = p.oauth.get(),
                                .ringcentral = p.ringcentral.get(),
                                .portal = p.portal.get(),
                                .server_url = server_url,
                                .manifest_top = p.manifest_top,
                                .plugin_settings = o_.plugin_settings,
                                .refresh_locks = {},
                                .message_locks = {},
                                .admin_locks = {},
                                .metrics = &p.metrics,
                                .bulkheads = p.bulkheads.get(),
                                .unsaved_links = &p.unsaved_links,
                                .legacy_jwt = p.legacy_jwt.get(),
                                .legacy_jwt_until_ms = p.legacy.until_ms});
  contract::RegisterRoutes(p.router, *p.app);
  for (const std::string& bad : contract::ApplyBodyLimits(p.router))
    spdlog::error("body limit for {}: no such route", bad);
}

}  // namespace crmhost::ops
