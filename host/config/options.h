// crmhostd's configuration, read from the command line (a config file arrives later; flags
// will keep overriding it). Every field documents its flag and default.
#ifndef CRMHOST_CONFIG_OPTIONS_H
#define CRMHOST_CONFIG_OPTIONS_H

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "runtime/fiber_pool.h"
#include "runtime/plugin_settings.h"

namespace crmhost::ops {

struct Options {
  // --listen ADDR:PORT. Default: 127.0.0.1:6066 (the reference's port). Port 0 = any free port.
  std::string listen_address = "127.0.0.1";
  uint16_t listen_port = 6066;
  // --data-dir DIR: RocksDB store, key file, plugin shadow copies. Default: ./crmhost-data.
  std::string data_dir = "crmhost-data";
  // --plugin-dir DIR: where plugins are loaded from. Default: the build's plugin output dir.
  std::string plugin_dir;
  // --secret-key-file FILE: 32-byte master key (64 hex chars). Default: <data-dir>/secret.key,
  // generated with mode 0400 on first start.
  std::string secret_key_file;
  // --outbound-override FROM=TO (repeatable): rewrite outgoing URLs starting with FROM.
  std::vector<std::pair<std::string, std::string>> outbound_overrides;
  // --outbound-ca-file FILE: extra CA certificates (PEM) trusted for outgoing TLS.
  std::string outbound_ca_file;
  // --outbound-timeout-ms N: default deadline of one CRM request. Default: 30000.
  uint32_t outbound_timeout_ms = 30000;
  // --outbound-proxy URL: "http://[user:password@]host:port", the HTTP proxy for CRM calls
  // (CONNECT for https). Put credentials in the config file, not on the command line.
  std::string outbound_proxy;
  // --outbound-no-proxy HOSTS (comma-separated): "host", ".suffix" or "*" reached directly.
  std::vector<std::string> outbound_no_proxy;
  // The egress policy (outbound/egress_policy.h; docs/OPERATIONS.md "Security"):
  // --outbound-allow PLUGIN=PATTERN (repeatable): a host a plugin may reach beyond its
  // manifest's list ([outbound.allow_hosts] plugin = ["pattern", ...]).
  std::map<std::string, std::vector<std::string>, std::less<>> outbound_allow_hosts;
  // --outbound-allow-private PATTERNS (comma-separated): hosts that may resolve to private,
  // loopback or link-local addresses (an on-premises CRM). Default: none.
  std::vector<std::string> outbound_allow_private;
  // --outbound-allow-http PATTERNS (comma-separated): hosts that may be sent credentials over
  // plain http. Default: none.
  std::vector<std::string> outbound_allow_http;
  // --outbound-resolve HOST=ADDRESS (repeatable): answer HOST without DNS (like curl --resolve);
  // the policy judges ADDRESS. For tests and pinning; logged as a warning.
  std::map<std::string, std::string> outbound_resolve;
  // --plugin-setting NAME.KEY=VALUE (repeatable): settings plugins read through the host.
  plugins::PluginSettings plugin_settings;
  // --io-threads N: network threads. Default: 1.
  unsigned io_threads = 1;
  // --workers N: threads running request handlers and plugin operations, on fibers (a request
  // waiting on a CRM holds a parked fiber, not a thread). Default: 0 = the number of cores, at
  // most 16.
  unsigned workers = 0;
  // --max-inflight N (formerly --max-queued): requests handled at once, running or waiting on a
  // CRM, before new ones get 503 with Retry-After. Default: 10000.
  unsigned max_inflight = 10000;
  // --plugin-max-inflight N / --plugin-max-waiting N: each plugin's bulkhead: requests it
  // serves at once, and requests that may wait for one of those places; beyond both, 503 with
  // Retry-After. Defaults: 2000 / 2000.
  unsigned plugin_max_inflight = 2000;
  unsigned plugin_max_waiting = 2000;
  // --outbound-max-per-host N: connections to one CRM origin in use at once; more requests
  // wait for one until their deadline. Default: 1024.
  unsigned outbound_max_per_host = 1024;
  // --fiber-stack-kib N: usable stack of each fiber, above a guard page. Default: 256 KiB
  // (1 MiB in AddressSanitizer builds).
  unsigned fiber_stack_kib = unsigned(kDefaultFiberStackBytes / 1024);
  // --idle-spin-us N: after work, each worker thread polls this long before it sleeps, so the
  // next wake-up (a CRM answer, a store sync) does not pay for waking an idle core
  // (runtime/idle_spin.h). 0: sleep at once. Default: 500.
  unsigned idle_spin_us = 500;
  // --max-body-bytes N: largest request body any route accepts (413 above); each route has its
  // own, smaller limit (contract/body_limits.cpp). Default: 8 MiB.
  size_t max_body_bytes = 8 * 1024 * 1024;
  // --max-body-budget-bytes N: request body bytes held at once over all connections; a request
  // that would exceed it gets 503 with Retry-After before its body is read. Default: 64 MiB.
  size_t max_body_budget_bytes = 64 * 1024 * 1024;
  // --ops-listen ADDR:PORT: the ops API (plugins list/reload/rollback). "off" disables it.
  // Default: 127.0.0.1:6067. Never the App Connect port.
  std::string ops_address = "127.0.0.1";
  uint16_t ops_port = 6067;
  bool ops_enabled = true;
  // --ops-token-file FILE: the ops API's bearer token. Default: <data-dir>/ops.token, generated
  // with mode 0400 if absent.
  std::string ops_token_file;
  // --plugin-watch native|inotify|poll|off: how plugin-dir changes are noticed (off: SIGHUP and
  // the ops API only). native and inotify both mean the platform's own facility (inotify,
  // ReadDirectoryChangesW; polling if unavailable), the default.
  std::string plugin_watch = "inotify";
  // --max-resident-versions N: distinct builds of one plugin mapped before new ones are refused
  // (libraries are never unloaded). Default: 16.
  size_t max_resident_versions = 16;
  // --server-url URL: this server's public base URL (manifest serverUrl, OAuth and plugin
  // callback links). Default: http://<listen address>:<port>.
  std::string server_url;
  // --hash-key-file FILE: the salt for hashing RingCentral ids (the reference's HASH_KEY; set it
  // to the old server's value when migrating). Default: derived from the master key.
  std::string hash_key_file;
  // --legacy-jwt-secret-file FILE: the reference server's APP_SERVER_SECRET_KEY (first line of
  // the file). When set, JWTs the reference signed are accepted for users that exist in the
  // store (imported: crmhostctl import-reference) and answered with one of ours in
  // x-refreshed-jwt-token, so clients switch without logging in again.
  std::string legacy_jwt_secret_file;
  // --legacy-jwt-until TIME: after it (ISO 8601: "2027-06-30" or "2027-06-30T00:00:00Z") legacy
  // JWTs are refused like any bad token. Default: no end.
  std::string legacy_jwt_until;
  // --ringcentral-server URL: where RingCentral identity and admin checks go.
  // Default: https://platform.ringcentral.com.
  std::string ringcentral_server = "https://platform.ringcentral.com";
  // --developer-portal-url URL: the App Connect Developer Portal whose public API serves
  // connector manifests (managed login fields of connectorId). Default: the reference's.
  std::string developer_portal_url = "https://appconnect.labs.ringcentral.com";
  // --developer-portal-ttl SECONDS: how long a fetched manifest is used before it is asked for
  // again (a failing portal's last answer is used for a day beyond).
  int developer_portal_ttl_s = 300;
  // --admin-extension-id ID (repeatable): RingCentral extensions treated as admins (development).
  std::vector<std::string> admin_extension_ids;
  // --manifest-file FILE: top-level manifest fields (author, version, redirectUri, ...) merged
  // under the plugins' platform entries in /crmManifest. Default: built-in values.
  std::string manifest_file;
  // --log-level trace|debug|info|warn|error. Default: info.
  std::string log_level = "info";
  // --log-format text|json: one line per event; json for log shippers. Default: text.
  std::string log_format = "text";
  // --log-file FILE: append log lines to FILE instead of stdout (journald reads stdout under
  // systemd; a Windows service has no stdout). Default: stdout, or <data-dir>/crmhostd.log for
  // a Windows service.
  std::string log_file;
  // --config FILE: the TOML file read before the flags (which override it). Default:
  // /etc/crmhost/crmhost.toml when it exists; "none" reads no file.
  std::string config_file;
  // --no-sync: do not fsync the store's log on commits (faster; unsafe on power loss).
  bool no_sync = false;
  // --store-min-free-mib N: free space kept in reserve on the store's file system; below it the
  // store refuses writes (503s from /readyz, "Database operation failed") until space is back.
  // 0 disables the reserve. Default: 64.
  unsigned store_min_free_mib = 64;
  // The PostgreSQL store, for several instances sharing one deployment (docs/OPERATIONS.md,
  // "Several instances"). --store-url / [store] url: "postgres://user@host:port/db?sslmode=..."
  // (no password in it: refused); empty = RocksDB under the data dir.
  std::string store_url;
  // --store-password-file / [store] password_file: the database password, first line of the
  // file. Default: $CREDENTIALS_DIRECTORY/store-password when systemd passed that credential.
  std::string store_password_file;
  std::string store_sslmode;      // --store-sslmode / [store] sslmode: overrides the URL's
  std::string store_sslrootcert;  // --store-sslrootcert / [store] sslrootcert: the CA file
  int store_pool_size = 8;        // [store] pool_size: connections for queries
  int store_lock_pool_size = 4;   // [store] lock_pool_size: per lock kind, held across CRM calls
  // Windows only (the flags exist only there): --windows-service (started by the SCM; the
  // installed service's command line has it), --install-service / --uninstall-service
  // (register or remove the service with the other flags given, then exit), --service-name.
  bool windows_service = false;
  bool install_service = false;
  bool uninstall_service = false;
  bool reload_service = false;
  std::string service_name = "crmhost";
};

// Parses argv. On --help/--version or an error, returns the exit code (0 or 2) after printing.
std::variant<Options, int> ParseOptions(int argc, char** argv);

}  // namespace crmhost::ops

#endif  // CRMHOST_CONFIG_OPTIONS_H
