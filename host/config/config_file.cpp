#include "config/config_file.h"

#include <toml++/toml.h>

#include <boost/asio/ip/address.hpp>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include "crmhost/encoding.h"
#include "outbound/client.h"
#include "outbound/egress_policy.h"

namespace crmhost::ops {
namespace {

// "ADDR:PORT" (IPv6 in brackets) -> address and port.
bool SplitAddress(const std::string& text, std::string& addr, uint16_t& port) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  std::string a = text.substr(0, colon);
  if (a.size() > 2 && a.front() == '[') a = a.substr(1, a.size() - 2);
  try {
    size_t used = 0;
    const unsigned long p = std::stoul(text.substr(colon + 1), &used);
    if (p > 65535 || used != text.size() - colon - 1) return false;
    addr = a;
    port = uint16_t(p);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

class Reader {
 public:
  Reader(std::string path, Options& o) : path_(std::move(path)), o_(o) {}

  Status Read(const toml::table& root) {
    Walk(root, "");
    return error_.empty() ? Status::OK() : Status::InvalidArgument(error_);
  }

 private:
  using Setter = std::function<std::string(const toml::node&)>;  // "" or why it is refused

  void Fail(const toml::node& n, const std::string& key, const std::string& why) {
    if (!error_.empty()) return;  // the first problem is the one to fix
    std::ostringstream s;
    s << path_ << ":" << n.source().begin.line << ": " << key << ": " << why;
    error_ = s.str();
  }

  static Setter Text(std::string& into) {
    return [&into](const toml::node& n) -> std::string {
      if (!n.is_string()) return "must be a string";
      into = n.value<std::string>().value_or("");
      return "";
    };
  }
  template <class T>
  static Setter Integer(T& into, int64_t min, int64_t max) {
    return [&into, min, max](const toml::node& n) -> std::string {
      if (!n.is_integer()) return "must be an integer";
      const int64_t v = n.value<int64_t>().value_or(0);
      if (v < min || v > max)
        return "must be between " + std::to_string(min) + " and " + std::to_string(max);
      into = T(v);
      return "";
    };
  }
  static Setter StringList(std::vector<std::string>& into) {
    return [&into](const toml::node& n) -> std::string {
      const toml::array* a = n.as_array();
      if (!a) return "must be an array of strings";
      std::vector<std::string> values;
      for (auto& e : *a) {
        if (!e.is_string()) return "must be an array of strings";
        values.push_back(e.value<std::string>().value_or(""));
      }
      into = std::move(values);
      return "";
    };
  }
  static Setter Patterns(std::vector<std::string>& into) {
    return [&into](const toml::node& n) -> std::string {
      std::vector<std::string> values;
      if (std::string why = StringList(values)(n); !why.empty()) return why;
      for (auto& v : values)
        if (std::string why = outbound::EgressPolicy::CheckPattern(v); !why.empty())
          return "'" + v + "': " + why;
      into = std::move(values);
      return "";
    };
  }
  static Setter OneOf(std::string& into, std::vector<std::string> allowed) {
    return [&into, allowed](const toml::node& n) -> std::string {
      const auto v = n.value<std::string>();
      if (!n.is_string() || std::find(allowed.begin(), allowed.end(), *v) == allowed.end()) {
        std::string list;
        for (auto& a : allowed)
          list += (list.empty() ? "" : ", ") + a;
        return "must be one of " + list;
      }
      into = *v;
      return "";
    };
  }
  static Setter Address(std::string& addr, uint16_t& port, bool* enabled = nullptr) {
    return [&addr, &port, enabled](const toml::node& n) -> std::string {
      const auto v = n.value<std::string>();
      if (!n.is_string()) return "must be a string \"ADDR:PORT\"";
      if (enabled && *v == "off") {
        *enabled = false;
        return "";
      }
      if (!SplitAddress(*v, addr, port))
        return std::string("must be \"ADDR:PORT\"") + (enabled ? " or \"off\"" : "");
      if (enabled) *enabled = true;
      return "";
    };
  }

  std::map<std::string, Setter> Setters() {
    Options& o = o_;
    return {
        {"listen", Address(o.listen_address, o.listen_port)},
        {"data_dir", Text(o.data_dir)},
        {"plugin_dir", Text(o.plugin_dir)},
        {"secret_key_file", Text(o.secret_key_file)},
        {"server_url", Text(o.server_url)},
        {"hash_key_file", Text(o.hash_key_file)},
        {"legacy_jwt_secret_file", Text(o.legacy_jwt_secret_file)},
        {"legacy_jwt_until", Text(o.legacy_jwt_until)},
        {"manifest_file", Text(o.manifest_file)},
        {"ringcentral_server", Text(o.ringcentral_server)},
        {"developer_portal_url", Text(o.developer_portal_url)},
        {"developer_portal_ttl", Integer(o.developer_portal_ttl_s, 0, 86400)},
        {"io_threads", Integer(o.io_threads, 1, 64)},
        {"workers", Integer(o.workers, 0, 64)},
        {"max_inflight", Integer(o.max_inflight, 1, 1 << 20)},
        {"max_queued", Integer(o.max_inflight, 1, 1 << 20)},  // the name before fibers
        {"fiber_stack_kib", Integer(o.fiber_stack_kib, 64, 65536)},
        {"idle_spin_us", Integer(o.idle_spin_us, 0, 100000)},
        {"plugins.max_inflight", Integer(o.plugin_max_inflight, 1, 1 << 20)},
        {"plugins.max_waiting", Integer(o.plugin_max_waiting, 0, 1 << 20)},
        {"outbound.max_per_host", Integer(o.outbound_max_per_host, 1, 1 << 16)},
        {"max_body_bytes", Integer(o.max_body_bytes, 1024, int64_t(1) << 30)},
        {"store_min_free_mib", Integer(o.store_min_free_mib, 0, 1 << 20)},
        {"max_body_budget_bytes", Integer(o.max_body_budget_bytes, 64 * 1024, int64_t(1) << 34)},
        {"no_sync",
         [&o](const toml::node& n) -> std::string {
           if (!n.is_boolean()) return "must be true or false";
           o.no_sync = n.value<bool>().value_or(false);
           return "";
         }},
        {"admin_extension_ids", StringList(o.admin_extension_ids)},
        {"ops.listen", Address(o.ops_address, o.ops_port, &o.ops_enabled)},
        {"ops.token_file", Text(o.ops_token_file)},
        {"plugins.watch", OneOf(o.plugin_watch, {"native", "inotify", "poll", "off"})},
        {"plugins.max_resident_versions", Integer(o.max_resident_versions, 1, 1024)},
        {"outbound.timeout_ms", Integer(o.outbound_timeout_ms, 100, 600000)},
        {"outbound.ca_file", Text(o.outbound_ca_file)},
        {"outbound.proxy",
         [&o](const toml::node& n) -> std::string {
           if (!n.is_string()) return "must be a string \"http://[user:password@]host:port\"";
           const std::string url = n.value<std::string>().value_or("");
           if (std::string why = outbound::OutboundClient::CheckProxyUrl(url); !why.empty())
             return why;
           o.outbound_proxy = url;
           return "";
         }},
        {"outbound.no_proxy", StringList(o.outbound_no_proxy)},
        {"outbound.allow_private", Patterns(o.outbound_allow_private)},
        {"outbound.allow_http", Patterns(o.outbound_allow_http)},
        {"log.level", OneOf(o.log_level, {"trace", "debug", "info", "warn", "error"})},
        {"log.format", OneOf(o.log_format, {"text", "json"})},
        {"log.file", Text(o.log_file)},
        {"store.url", Text(o.store_url)},
        {"store.password_file", Text(o.store_password_file)},
        {"store.sslmode", OneOf(o.store_sslmode, {"disable", "allow", "prefer", "require",
                                                  "verify-ca", "verify-full"})},
        {"store.sslrootcert", Text(o.store_sslrootcert)},
        {"store.pool_size", Integer(o.store_pool_size, 1, 256)},
        {"store.lock_pool_size", Integer(o.store_lock_pool_size, 1, 256)},
    };
  }

  void Walk(const toml::table& table, const std::string& prefix) {
    static const std::vector<std::string> kTables = {"ops", "plugins", "outbound", "log", "store"};
    auto setters = Setters();
    for (auto& [k, node] : table) {
      const std::string key = prefix + std::string(k.str());
      if (!error_.empty()) return;
      if (prefix.empty() && node.is_table() &&
          std::find(kTables.begin(), kTables.end(), key) != kTables.end()) {
        Walk(*node.as_table(), key + ".");
      } else if (key == "outbound.overrides") {
        Overrides(node, key);
      } else if (key == "outbound.allow_hosts") {
        AllowHosts(node, key);
      } else if (key == "outbound.resolve") {
        Resolve(node, key);
      } else if (prefix.empty() && key == "plugin") {
        PluginSettings(node, key);
      } else if (auto it = setters.find(key); it != setters.end()) {
        if (std::string why = it->second(node); !why.empty()) Fail(node, key, why);
      } else {
        Fail(node, key, "unknown key");
      }
    }
  }

  // [outbound.overrides] "https://api.crm.example" = "http://127.0.0.1:9000"
  void Overrides(const toml::node& node, const std::string& key) {
    const toml::table* t = node.as_table();
    if (!t) return Fail(node, key, "must be a table of \"FROM\" = \"TO\"");
    for (auto& [from, to] : *t) {
      if (!to.is_string() || from.str().empty() || to.value<std::string>()->empty())
        return Fail(to, key + "." + std::string(from.str()), "must be a non-empty string");
      o_.outbound_overrides.emplace_back(std::string(from.str()), *to.value<std::string>());
    }
  }

  // [outbound.allow_hosts] redtail = ["crm.internal.example", "*.corp.example:8443"]
  void AllowHosts(const toml::node& node, const std::string& key) {
    const toml::table* t = node.as_table();
    if (!t) return Fail(node, key, "must be a table of plugin = [\"pattern\", ...]");
    for (auto& [plugin, list] : *t) {
      std::vector<std::string> patterns;
      if (std::string why = Patterns(patterns)(list); !why.empty())
        return Fail(list, key + "." + std::string(plugin.str()), why);
      auto& into = o_.outbound_allow_hosts[std::string(plugin.str())];
      into.insert(into.end(), patterns.begin(), patterns.end());
    }
  }

  // [outbound.resolve] "crm.example.com" = "10.0.0.7"
  void Resolve(const toml::node& node, const std::string& key) {
    const toml::table* t = node.as_table();
    if (!t) return Fail(node, key, "must be a table of \"HOST\" = \"ADDRESS\"");
    for (auto& [host, address] : *t) {
      boost::system::error_code ec;
      if (!address.is_string() || host.str().empty() ||
          (boost::asio::ip::make_address(*address.value<std::string>(), ec), ec))
        return Fail(address, key + "." + std::string(host.str()), "must be an IP address");
      o_.outbound_resolve[ToLower(host.str())] = *address.value<std::string>();
    }
  }

  // [plugin.<name>] key = "value" (strings, numbers and booleans; "@FILE" reads a file).
  void PluginSettings(const toml::node& node, const std::string& key) {
    const toml::table* plugins = node.as_table();
    if (!plugins) return Fail(node, key, "must be tables [plugin.<name>]");
    for (auto& [name, settings_node] : *plugins) {
      const std::string plugin_key = key + "." + std::string(name.str());
      const toml::table* settings = settings_node.as_table();
      if (!settings) return Fail(settings_node, plugin_key, "must be a table of settings");
      for (auto& [setting, value] : *settings) {
        const std::string setting_key = plugin_key + "." + std::string(setting.str());
        std::string text;
        if (value.is_string()) {
          text = *value.value<std::string>();
        } else if (value.is_integer()) {
          text = std::to_string(*value.value<int64_t>());
        } else if (value.is_boolean()) {
          text = *value.value<bool>() ? "true" : "false";
        } else {
          return Fail(value, setting_key, "must be a string, integer or boolean");
        }
        auto resolved = ResolveSettingValue(text);
        if (!resolved.ok()) return Fail(value, setting_key, resolved.status().message());
        o_.plugin_settings[std::string(name.str())][std::string(setting.str())] =
            std::move(resolved).value();
      }
    }
  }

  std::string path_;
  Options& o_;
  std::string error_;
};

}  // namespace

#if defined(_WIN32)
std::string ProgramDataRoot() {
  const char* data = std::getenv("ProgramData");
  return std::string(data && *data ? data : "C:\\ProgramData") + "\\crmhost";
}
#endif

std::string DefaultConfigFile() {
#if defined(_WIN32)
  return ProgramDataRoot() + "\\crmhost.toml";
#else
  return "/etc/crmhost/crmhost.toml";
#endif
}

Result<std::string> ResolveSettingValue(const std::string& value) {
  if (value.rfind("@@", 0) == 0) return value.substr(1);
  if (value.empty() || value[0] != '@') return value;
  std::ifstream in(value.substr(1));
  if (!in) return Status::NotFound("cannot read " + value.substr(1));
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
    text.pop_back();
  return text;
}

Status ApplyConfigFile(const std::string& path, Options& o) {
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    std::ostringstream s;
    s << path << ":" << e.source().begin.line << ": " << e.description();
    return Status::InvalidArgument(s.str());
  }
  return Reader(path, o).Read(root);
}

}  // namespace crmhost::ops
