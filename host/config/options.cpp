#include "config/options.h"

#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include "config/config_file.h"
#include "crmhost/encoding.h"
#include "outbound/client.h"
#include "outbound/egress_policy.h"
#include "version.h"

#ifndef CRMHOST_DEFAULT_PLUGIN_DIR
#define CRMHOST_DEFAULT_PLUGIN_DIR "plugins"
#endif

namespace crmhost::ops {

namespace {

// Flags whose text is checked and converted after parsing (into several Options fields, or
// with messages CLI11 cannot give).
struct RawFlags {
  std::string config;
  bool check_config = false;
  std::string listen;
  std::string ops_listen;
  std::vector<std::string> overrides, allow_hosts, resolve, settings;
};

// The configuration file: the last --config wins, else the default path when that file
// exists. Read before the flags are parsed, so that every flag overrides it.
std::string FindConfigFile(int argc, char** argv) {
  std::optional<std::string> given;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--config" && i + 1 < argc) {
      given = argv[i + 1];
    } else if (a.rfind("--config=", 0) == 0) {
      given = std::string(a.substr(9));
    }
  }
  if (given) return *given;
  std::ifstream probe(DefaultConfigFile());
  return probe ? DefaultConfigFile() : "";
}

void AddGeneralFlags(CLI::App& app, [[maybe_unused]] Options& o, RawFlags& raw) {
  app.add_option("--config", raw.config,
                 std::string("TOML configuration file (flags override it); default ") +
                     DefaultConfigFile() + " when present, \"none\" for no file");
  app.add_flag("--check-config", raw.check_config,
               "validate the configuration file and flags, print the result, and exit");
  app.set_version_flag("--version", std::string("crmhostd ") + kVersion);
#if defined(_WIN32)
  app.add_flag("--windows-service", o.windows_service,
               "run under the Service Control Manager (the installed service passes it)");
  app.add_flag("--install-service", o.install_service,
               "register crmhostd as a Windows service with the other flags given, and exit");
  app.add_flag("--reload-service", o.reload_service,
               "ask the running Windows service to reload its plugins (as sc control NAME "
               "paramchange), and exit");
  app.add_flag("--uninstall-service", o.uninstall_service,
               "stop and remove the Windows service, and exit");
  app.add_option("--service-name", o.service_name, "Windows service name")->capture_default_str();
#endif
}

// Where it listens, what it loads, how much it takes on, how it logs and stores.
void AddServerFlags(CLI::App& app, Options& o, RawFlags& raw) {
  raw.listen = o.listen_address + ":" + std::to_string(o.listen_port);
  raw.ops_listen =
      o.ops_enabled ? o.ops_address + ":" + std::to_string(o.ops_port) : std::string("off");
  app.add_option("--listen", raw.listen, "App Connect listener ADDR:PORT")->capture_default_str();
  app.add_option("--data-dir", o.data_dir, "store, key and plugin shadow copies")
      ->capture_default_str();
  app.add_option("--plugin-dir", o.plugin_dir, "directory plugins are loaded from")
      ->capture_default_str();
  app.add_option(
      "--secret-key-file", o.secret_key_file,
      "master key file (64 hex chars); default <data-dir>/secret.key, created if missing");
  app.add_option("--io-threads", o.io_threads, "network threads")
      ->capture_default_str()
      ->check(CLI::Range(1u, 64u));
  app.add_option("--workers", o.workers,
                 "threads running handlers and plugin operations on fibers (0: cores, max 16)")
      ->capture_default_str()
      ->check(CLI::Range(0u, 64u));
  app.add_option("--max-inflight,--max-queued", o.max_inflight,
                 "requests handled at once (running or waiting on a CRM) before 503")
      ->capture_default_str()
      ->check(CLI::Range(1u, 1u << 20));
  app.add_option("--plugin-max-inflight", o.plugin_max_inflight,
                 "requests one plugin serves at once")
      ->capture_default_str()
      ->check(CLI::Range(1u, 1u << 20));
  app.add_option("--plugin-max-waiting", o.plugin_max_waiting,
                 "requests waiting for one plugin before 503")
      ->capture_default_str()
      ->check(CLI::Range(0u, 1u << 20));
  app.add_option("--fiber-stack-kib", o.fiber_stack_kib, "usable stack of each fiber (KiB)")
      ->capture_default_str()
      ->check(CLI::Range(64u, 65536u));
  app.add_option("--idle-spin-us", o.idle_spin_us,
                 "microseconds a worker thread polls after work before it sleeps (0: never)")
      ->capture_default_str()
      ->check(CLI::Range(0u, 100000u));
  app.add_option("--max-body-bytes", o.max_body_bytes, "largest request body of any route")
      ->capture_default_str()
      ->check(CLI::Range(size_t(1024), size_t(1) << 30));
  app.add_option("--max-body-budget-bytes", o.max_body_budget_bytes,
                 "request body bytes held at once over all connections (503 beyond)")
      ->capture_default_str()
      ->check(CLI::Range(size_t(64 * 1024), size_t(1) << 34));
  app.add_option("--log-level", o.log_level, "trace, debug, info, warn or error")
      ->capture_default_str()
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));
  app.add_option("--log-format", o.log_format, "text or json")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json"}));
  app.add_option("--log-file", o.log_file, "append the log to this file instead of stdout");
  app.add_option("--ops-listen", raw.ops_listen, "ops API ADDR:PORT, or off")
      ->capture_default_str();
  app.add_option("--ops-token-file", o.ops_token_file,
                 "ops API bearer token; default <data-dir>/ops.token, created if missing");
  app.add_option("--plugin-watch", o.plugin_watch, "how plugin-dir changes are noticed")
      ->capture_default_str()
      ->check(CLI::IsMember({"native", "inotify", "poll", "off"}));
  app.add_option("--max-resident-versions", o.max_resident_versions,
                 "builds of one plugin mapped before refusing more")
      ->capture_default_str()
      ->check(CLI::Range(size_t(1), size_t(1024)));
  app.add_flag("--no-sync", o.no_sync, "do not fsync the store on commits (unsafe on power loss)");
  app.add_option("--store-min-free-mib", o.store_min_free_mib,
                 "free space kept in reserve on the store's disk; writes wait below it")
      ->capture_default_str()
      ->check(CLI::Range(0u, 1u << 20));
  app.add_option("--store-url", o.store_url,
                 "PostgreSQL store shared by several instances: postgres://user@host:port/db "
                 "(no password in it); default: RocksDB under --data-dir");
  app.add_option("--store-password-file", o.store_password_file,
                 "file holding the PostgreSQL password (default: the systemd credential "
                 "store-password, if passed)");
  app.add_option("--store-sslmode", o.store_sslmode, "PostgreSQL TLS mode (overrides the URL's)")
      ->check(CLI::IsMember({"disable", "allow", "prefer", "require", "verify-ca", "verify-full"}));
  app.add_option("--store-sslrootcert", o.store_sslrootcert,
                 "CA certificate file for --store-sslmode verify-ca/verify-full");
  app.add_option("--store-pool-size", o.store_pool_size, "PostgreSQL connections for queries")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
}

// How CRM calls go out: overrides, TLS, proxy, egress rules, limits.
void AddOutboundFlags(CLI::App& app, Options& o, RawFlags& raw) {
  app.add_option("--outbound-override", raw.overrides,
                 "FROM=TO: rewrite outgoing URLs starting with FROM");
  app.add_option("--outbound-ca-file", o.outbound_ca_file,
                 "extra CA certificates (PEM) for outgoing TLS");
  app.add_option("--outbound-timeout-ms", o.outbound_timeout_ms, "deadline of one CRM request")
      ->capture_default_str()
      ->check(CLI::Range(100u, 600000u));
  app.add_option("--outbound-proxy", o.outbound_proxy,
                 "http://[user:password@]host:port: HTTP proxy for CRM calls");
  app.add_option("--outbound-no-proxy", o.outbound_no_proxy,
                 "hosts reached without the proxy: host, .suffix or * (comma-separated)")
      ->delimiter(',');
  app.add_option("--outbound-allow", raw.allow_hosts,
                 "PLUGIN=PATTERN: a host the plugin may reach beyond its manifest's list");
  app.add_option("--outbound-allow-private", o.outbound_allow_private,
                 "hosts that may resolve to private/loopback addresses (comma-separated)")
      ->delimiter(',');
  app.add_option("--outbound-allow-http", o.outbound_allow_http,
                 "hosts that may get credentials over plain http (comma-separated)")
      ->delimiter(',');
  app.add_option("--outbound-resolve", raw.resolve, "HOST=ADDRESS: answer HOST without DNS");
  app.add_option("--outbound-max-per-host", o.outbound_max_per_host,
                 "connections to one CRM host in use at once")
      ->capture_default_str()
      ->check(CLI::Range(1u, 1u << 16));
}

// What the App Connect side needs from outside: plugin settings, RingCentral, the manifest.
void AddIntegrationFlags(CLI::App& app, Options& o, RawFlags& raw) {
  app.add_option("--plugin-setting", raw.settings, "NAME.KEY=VALUE: a setting for plugin NAME");
  app.add_option("--server-url", o.server_url,
                 "public base URL of this server (manifest serverUrl)");
  app.add_option("--hash-key-file", o.hash_key_file, "salt for hashing RingCentral ids (HASH_KEY)");
  app.add_option("--legacy-jwt-secret-file", o.legacy_jwt_secret_file,
                 "the reference server's APP_SERVER_SECRET_KEY: its JWTs are accepted for "
                 "imported users and renewed into ours");
  app.add_option("--legacy-jwt-until", o.legacy_jwt_until,
                 "ISO 8601 time after which the reference's JWTs are refused");
  app.add_option("--ringcentral-server", o.ringcentral_server, "RingCentral API base URL")
      ->capture_default_str();
  app.add_option("--developer-portal-url", o.developer_portal_url,
                 "App Connect Developer Portal base URL (connector manifests)")
      ->capture_default_str();
  app.add_option("--developer-portal-ttl", o.developer_portal_ttl_s,
                 "seconds a Developer Portal manifest is cached")
      ->capture_default_str()
      ->check(CLI::Range(0, 86400));
  app.add_option("--admin-extension-id", o.admin_extension_ids,
                 "RingCentral extension treated as an admin");
  app.add_option("--manifest-file", o.manifest_file, "top-level /crmManifest fields (JSON)");
}

// ADDR:PORT (IPv6 literals in brackets) -> address, port.
Status SplitAddress(const std::string& flag, const std::string& text, std::string& addr,
                    uint16_t& port) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos)
    return Status::InvalidArgument(flag + " wants ADDR:PORT, got '" + text + "'");
  addr = text.substr(0, colon);
  if (addr.size() > 2 && addr.front() == '[') addr = addr.substr(1, addr.size() - 2);
  try {
    unsigned long p = std::stoul(text.substr(colon + 1));
    if (p > 65535) throw std::out_of_range("port");
    port = uint16_t(p);
  } catch (const std::exception&) {
    return Status::InvalidArgument(flag + " port must be 0-65535, got '" + text.substr(colon + 1) +
                                   "'");
  }
  return Status::OK();
}

Status ApplyListeners(const RawFlags& raw, Options& o) {
  if (Status s = SplitAddress("--listen", raw.listen, o.listen_address, o.listen_port); !s.ok())
    return s;
  if (raw.ops_listen == "off") {
    o.ops_enabled = false;
    return Status::OK();
  }
  return SplitAddress("--ops-listen", raw.ops_listen, o.ops_address, o.ops_port);
}

Status ApplyOutbound(const RawFlags& raw, Options& o) {
  for (auto& ov : raw.overrides) {
    size_t eq = ov.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == ov.size())
      return Status::InvalidArgument("--outbound-override wants FROM=TO, got '" + ov + "'");
    o.outbound_overrides.emplace_back(ov.substr(0, eq), ov.substr(eq + 1));
  }
  for (auto& a : raw.allow_hosts) {
    const size_t eq = a.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == a.size())
      return Status::InvalidArgument("--outbound-allow wants PLUGIN=PATTERN, got '" + a + "'");
    const std::string pattern = a.substr(eq + 1);
    if (std::string why = outbound::EgressPolicy::CheckPattern(pattern); !why.empty())
      return Status::InvalidArgument("--outbound-allow " + a + ": " + why);
    o.outbound_allow_hosts[a.substr(0, eq)].push_back(pattern);
  }
  for (const auto* list : {&o.outbound_allow_private, &o.outbound_allow_http})
    for (const auto& pattern : *list)
      if (std::string why = outbound::EgressPolicy::CheckPattern(pattern); !why.empty())
        return Status::InvalidArgument("host pattern '" + pattern + "': " + why);
  for (auto& r : raw.resolve) {
    const size_t eq = r.find('=');
    boost::system::error_code ec;
    if (eq == std::string::npos || eq == 0 ||
        (boost::asio::ip::make_address(r.substr(eq + 1), ec), ec))
      return Status::InvalidArgument("--outbound-resolve wants HOST=ADDRESS, got '" + r + "'");
    o.outbound_resolve[ToLower(r.substr(0, eq))] = r.substr(eq + 1);
  }
  if (!o.outbound_proxy.empty()) {
    // Never echo the URL: it may hold a password.
    if (std::string why = outbound::OutboundClient::CheckProxyUrl(o.outbound_proxy); !why.empty())
      return Status::InvalidArgument("--outbound-proxy: " + why);
  }
  return Status::OK();
}

Status ApplyPluginSettings(const RawFlags& raw, Options& o) {
  for (auto& s : raw.settings) {
    size_t dot = s.find('.');
    size_t eq = s.find('=');
    // Never echo the flag: the value may be a secret.
    if (dot == std::string::npos || eq == std::string::npos || dot == 0 || dot + 1 >= eq)
      return Status::InvalidArgument("--plugin-setting wants NAME.KEY=VALUE");
    // "@FILE" reads the value from a file, so secrets stay out of the process's command line.
    auto value = ResolveSettingValue(s.substr(eq + 1));
    if (!value.ok())
      return Status::InvalidArgument("--plugin-setting " + s.substr(0, eq) + ": " +
                                     value.status().message());
    o.plugin_settings[s.substr(0, dot)][s.substr(dot + 1, eq - dot - 1)] = std::move(value).value();
  }
  return Status::OK();
}

int Fail(std::string_view message) {
  std::cerr << "crmhostd: " << message << "\n";
  return 2;
}

}  // namespace

std::variant<Options, int> ParseOptions(int argc, char** argv) {
  Options o;
  o.plugin_dir = CRMHOST_DEFAULT_PLUGIN_DIR;
  // The configuration file comes first, so every flag can override it.
  RawFlags raw;
  raw.config = FindConfigFile(argc, argv);
  if (!raw.config.empty() && raw.config != "none") {
    if (Status read = ApplyConfigFile(raw.config, o); !read.ok()) return Fail(read.message());
    o.config_file = raw.config;
  }
  CLI::App app{"crmhostd: the App Connect CRM plugin host"};
  AddGeneralFlags(app, o, raw);
  AddServerFlags(app, o, raw);
  AddOutboundFlags(app, o, raw);
  AddIntegrationFlags(app, o, raw);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  for (auto apply : {&ApplyListeners, &ApplyOutbound, &ApplyPluginSettings})
    if (Status s = apply(raw, o); !s.ok()) return Fail(s.message());
  if (o.secret_key_file.empty()) o.secret_key_file = o.data_dir + "/secret.key";
  if (o.ops_token_file.empty()) o.ops_token_file = o.data_dir + "/ops.token";
  if (raw.check_config) {
    std::cout << "configuration OK"
              << (o.config_file.empty() ? " (no configuration file)" : " (" + o.config_file + ")")
              << "\n";
    return 0;
  }
  return o;
}

}  // namespace crmhost::ops
