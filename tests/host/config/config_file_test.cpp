// The TOML configuration file: every key lands in Options, flags still override, and anything
// wrong is refused with the file, line, key and reason.
#include <catch2/catch.hpp>

#include <fstream>

#include "config/config_file.h"
#include "support/daemon_process.h"

namespace crmhost::ops {
namespace {

std::string Write(const testing::TempDir& dir, const std::string& text) {
  const std::string path = dir / "crmhost.toml";
  std::ofstream(path) << text;
  return path;
}

}  // namespace

TEST_CASE("config file: every section reaches the options", "[config]") {
  testing::TempDir dir;
  std::ofstream(dir / "clio.secret") << "s3cret-from-file\n";
  const std::string path = Write(dir, R"(
listen = "0.0.0.0:7066"
data_dir = "/var/lib/crmhost"
plugin_dir = "/usr/lib/crmhost/plugins"
server_url = "https://crm.example.com"
workers = 64
idle_spin_us = 0
no_sync = true
legacy_jwt_secret_file = "/etc/crmhost/reference.secret"
legacy_jwt_until = "2027-06-30"
admin_extension_ids = ["101", "102"]

[ops]
listen = "off"

[plugins]
watch = "poll"
max_resident_versions = 4

[outbound]
timeout_ms = 15000
ca_file = "/etc/crmhost/ca.pem"
proxy = "http://crm:pw@proxy.corp.example:3128"
no_proxy = ["localhost", ".corp.example"]
[outbound.overrides]
"https://api.crm.example" = "http://127.0.0.1:9000"

[log]
level = "debug"
format = "json"

[store]
url = "postgres://crmhost@db.internal:5432/crmhost"
password_file = "/etc/crmhost/store-password"
sslmode = "verify-full"
sslrootcert = "/etc/crmhost/db-ca.pem"
pool_size = 12
lock_pool_size = 3

[plugin.clio]
oauth_client_id = "abc"
oauth_client_secret = ")" + std::string("@") +
                                          dir.path() + R"(/clio.secret"
[plugin.redtail]
api_server = "https://smf.crm3.redtailtechnology.com/api/public/v1"
retries = 3
)");
  Options o;
  Status st = ApplyConfigFile(path, o);
  INFO(st.message());
  REQUIRE(st.ok());
  CHECK(o.listen_address == "0.0.0.0");
  CHECK(o.listen_port == 7066);
  CHECK(o.data_dir == "/var/lib/crmhost");
  CHECK(o.plugin_dir == "/usr/lib/crmhost/plugins");
  CHECK(o.server_url == "https://crm.example.com");
  CHECK(o.workers == 64);
  CHECK(o.idle_spin_us == 0);  // the default is 500
  CHECK(o.no_sync);
  CHECK(o.legacy_jwt_secret_file == "/etc/crmhost/reference.secret");
  CHECK(o.legacy_jwt_until == "2027-06-30");
  CHECK(o.admin_extension_ids == std::vector<std::string>{"101", "102"});
  CHECK_FALSE(o.ops_enabled);
  CHECK(o.plugin_watch == "poll");
  CHECK(o.max_resident_versions == 4);
  CHECK(o.outbound_timeout_ms == 15000);
  CHECK(o.outbound_ca_file == "/etc/crmhost/ca.pem");
  CHECK(o.outbound_proxy == "http://crm:pw@proxy.corp.example:3128");
  CHECK(o.outbound_no_proxy == std::vector<std::string>{"localhost", ".corp.example"});
  REQUIRE(o.outbound_overrides.size() == 1);
  CHECK(o.outbound_overrides[0].second == "http://127.0.0.1:9000");
  CHECK(o.log_level == "debug");
  CHECK(o.log_format == "json");
  CHECK(o.store_url == "postgres://crmhost@db.internal:5432/crmhost");
  CHECK(o.store_password_file == "/etc/crmhost/store-password");
  CHECK(o.store_sslmode == "verify-full");
  CHECK(o.store_sslrootcert == "/etc/crmhost/db-ca.pem");
  CHECK(o.store_pool_size == 12);
  CHECK(o.store_lock_pool_size == 3);
  CHECK(o.plugin_settings["clio"]["oauth_client_id"] == "abc");
  CHECK(o.plugin_settings["clio"]["oauth_client_secret"] == "s3cret-from-file");
  CHECK(o.plugin_settings["redtail"]["retries"] == "3");
}

TEST_CASE("config file: mistakes are refused with file, line, key and reason", "[config]") {
  testing::TempDir dir;
  struct Case {
    const char* text;
    const char* expected;
  } cases[] = {
      {"listen = \"127.0.0.1:6066\"\nlisen = \"x\"\n", ":2: lisen: unknown key"},
      {"[outbound]\ntimeout_ms = 50\n", ":2: outbound.timeout_ms: must be between 100 and 600000"},
      {"workers = \"many\"\n", ":1: workers: must be an integer"},
      {"idle_spin_us = 200000\n", ":1: idle_spin_us: must be between 0 and 100000"},
      {"\n\n[log]\nlevel = \"loud\"\n",
       ":4: log.level: must be one of trace, debug, info, warn, error"},
      {"[ops]\nlisten = \"localhost\"\n", ":2: ops.listen: must be \"ADDR:PORT\" or \"off\""},
      {"[plugin.clio]\nsecret = \"@/nonexistent/file\"\n",
       ":2: plugin.clio.secret: cannot read /nonexistent/file"},
      {"[plugin.clio]\nlist = [1, 2]\n",
       ":2: plugin.clio.list: must be a string, integer or boolean"},
      {"[outbound]\n\nproxy = \"socks5://proxy:1080\"\n",
       ":3: outbound.proxy: only http:// proxies are supported"},
      {"[outbound]\nno_proxy = \"localhost\"\n",
       ":2: outbound.no_proxy: must be an array of strings"},
      {"[outbound]\nproxy_url = \"http://proxy:3128\"\n", ":2: outbound.proxy_url: unknown key"},
      {"[store]\nsslmode = \"sometimes\"\n",
       ":2: store.sslmode: must be one of disable, allow, prefer, require, verify-ca, verify-full"},
      {"[store]\npool_size = 0\n", ":2: store.pool_size: must be between 1 and 256"},
      {"[store]\npassword = \"hunter2\"\n", ":2: store.password: unknown key"},
      {"listen = \"127.0.0.1:6066\n", ":1: "},  // TOML syntax error: unterminated string
  };
  for (auto& c : cases) {
    const std::string path = Write(dir, c.text);
    Options o;
    Status st = ApplyConfigFile(path, o);
    INFO(c.text << " -> " << st.message());
    CHECK_FALSE(st.ok());
    CHECK_THAT(st.message(), Catch::StartsWith(path) && Catch::Contains(c.expected));
  }
  Options o;
  CHECK_FALSE(ApplyConfigFile(dir / "absent.toml", o).ok());
}

TEST_CASE("config file: setting values from files", "[config]") {
  testing::TempDir dir;
  std::ofstream(dir / "key") << "value-in-file\r\n";
  CHECK(ResolveSettingValue("@" + (dir / "key")).value() == "value-in-file");
  CHECK(ResolveSettingValue("@@literal").value() == "@literal");
  CHECK(ResolveSettingValue("plain").value() == "plain");
  CHECK_FALSE(ResolveSettingValue("@" + (dir / "missing")).ok());
}

}  // namespace crmhost::ops
