#include "outbound/egress_policy.h"

#include <algorithm>
#include <array>
#include <boost/url/parse.hpp>
#include <mutex>

#include "crmhost/encoding.h"

namespace crmhost::outbound {
namespace ip = boost::asio::ip;

namespace {

struct V4Range {
  uint32_t base;
  int bits;
  std::string_view name;
};

// IPv4 ranges no CRM lives in (IANA special-purpose registry), with the name a refusal reports.
constexpr std::array<V4Range, 15> kV4Ranges{{
    {0x00000000, 8, "unspecified"},  // 0.0.0.0/8 "this network"
    {0x0A000000, 8, "private"},      // 10/8
    {0x64400000, 10, "private"},     // 100.64/10 carrier-grade NAT
    {0x7F000000, 8, "loopback"},     // 127/8
    {0xA9FE0000, 16, "link-local"},  // 169.254/16 (cloud metadata 169.254.169.254)
    {0xAC100000, 12, "private"},     // 172.16/12
    {0xC0000000, 24, "reserved"},    // 192.0.0/24 protocol assignments
    {0xC0000200, 24, "reserved"},    // 192.0.2/24 TEST-NET-1
    {0xC0A80000, 16, "private"},     // 192.168/16
    {0xC6120000, 15, "reserved"},    // 198.18/15 benchmarking
    {0xC6336400, 24, "reserved"},    // 198.51.100/24 TEST-NET-2
    {0xCB007100, 24, "reserved"},    // 203.0.113/24 TEST-NET-3
    {0xE0000000, 4, "multicast"},    // 224/4
    {0xF0000000, 4, "reserved"},     // 240/4, with 255.255.255.255 broadcast
    {0xC0586300, 24, "reserved"},    // 192.88.99/24 6to4 relay (deprecated)
}};

std::string_view V4Forbidden(uint32_t a) {
  for (const auto& r : kV4Ranges) {
    const uint32_t mask = r.bits == 0 ? 0 : ~uint32_t(0) << (32 - r.bits);
    if ((a & mask) == r.base) return r.name;
  }
  return {};
}

uint32_t V4Of(const std::array<unsigned char, 16>& b, size_t at) {
  return (uint32_t(b[at]) << 24) | (uint32_t(b[at + 1]) << 16) | (uint32_t(b[at + 2]) << 8) |
         uint32_t(b[at + 3]);
}

std::string NormalHost(std::string_view host) {
  std::string h = ToLower(host);
  if (h.size() > 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  while (!h.empty() && h.back() == '.')
    h.pop_back();
  return h;
}

// Header names and query keys that carry credentials: a request with any of them must not go
// over plain http.
bool CarriesCredentials(const boost::urls::url_view& u, const http::Fields& headers) {
  for (auto& [name, value] : headers) {
    if (value.empty()) continue;
    for (std::string_view c : {"authorization", "cookie", "x-api-key", "api-key", "x-auth-token"})
      if (EqualsIgnoreCase(name, c)) return true;
  }
  for (auto param : u.params()) {
    const std::string key = ToLower(param.key);
    for (std::string_view c :
         {"api_token", "access_token", "token", "apikey", "api_key", "key", "client_secret"})
      if (key == c && param.has_value && !param.value.empty()) return true;
  }
  return false;
}

}  // namespace

EgressPolicy::EgressPolicy(Rules rules) : rules_(std::move(rules)) {}

void EgressPolicy::SetPluginHosts(const std::string& plugin,
                                  std::optional<std::vector<std::string>> patterns) {
  std::unique_lock lock(mu_);
  declared_[plugin] = std::move(patterns);
}

std::optional<std::vector<std::string>> EgressPolicy::PluginHosts(const std::string& plugin) const {
  std::shared_lock lock(mu_);
  auto it = declared_.find(plugin);
  return it == declared_.end() ? std::nullopt : it->second;
}

std::string_view EgressPolicy::ForbiddenRange(const ip::address& address) {
  if (address.is_v4()) return V4Forbidden(address.to_v4().to_uint());
  const ip::address_v6 v6 = address.to_v6();
  const auto b = v6.to_bytes();
  if (v6.is_v4_mapped()) {  // ::ffff:a.b.c.d reaches a.b.c.d
    std::string_view inner = V4Forbidden(V4Of(b, 12));
    return inner.empty() ? std::string_view() : inner;
  }
  if (v6.is_unspecified()) return "unspecified";
  if (v6.is_loopback()) return "loopback";
  if (v6.is_multicast()) return "multicast";
  if ((b[0] & 0xFE) == 0xFC) return "private";                     // fc00::/7 unique local
  if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) return "link-local";  // fe80::/10
  if (b[0] == 0xFE && (b[1] & 0xC0) == 0xC0) return "private";     // fec0::/10 site-local
  // ::a.b.c.d (IPv4-compatible, deprecated) and 64:ff9b::a.b.c.d (NAT64) carry an IPv4 address.
  const bool compatible =
      std::all_of(b.begin(), b.begin() + 12, [](unsigned char c) { return c == 0; });
  const bool nat64 =
      b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B &&
      std::all_of(b.begin() + 4, b.begin() + 12, [](unsigned char c) { return c == 0; });
  if (compatible || nat64) {
    std::string_view inner = V4Forbidden(V4Of(b, 12));
    return inner.empty() && compatible ? "reserved" : inner;
  }
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8) return "reserved";  // docs
  return {};
}

bool EgressPolicy::Matches(std::string_view pattern, std::string_view host, uint16_t port,
                           uint16_t default_port) {
  if (pattern == "*") return true;
  std::string_view name = pattern;
  uint16_t want_port = default_port;
  if (const size_t colon = pattern.rfind(':');
      colon != std::string_view::npos && pattern.find(']') == std::string_view::npos) {
    name = pattern.substr(0, colon);
    unsigned p = 0;
    for (char c : pattern.substr(colon + 1)) {
      if (c < '0' || c > '9') return false;
      p = p * 10 + unsigned(c - '0');
      if (p > 65535) return false;
    }
    want_port = uint16_t(p);
  }
  if (port != want_port) return false;
  const std::string n = NormalHost(name);
  if (n.rfind("*.", 0) == 0) {
    const std::string_view suffix = std::string_view(n).substr(1);  // ".example.com"
    return host.size() > suffix.size() &&
           host.compare(host.size() - suffix.size(), suffix.size(), suffix) == 0;
  }
  return host == n;
}

std::string EgressPolicy::CheckPattern(std::string_view pattern) {
  if (pattern.empty()) return "an empty host pattern";
  if (pattern == "*") return "";
  std::string_view name = pattern;
  if (const size_t colon = pattern.rfind(':'); colon != std::string_view::npos) {
    const std::string_view port = pattern.substr(colon + 1);
    if (port.empty() || port.size() > 5 ||
        port.find_first_not_of("0123456789") != std::string_view::npos ||
        std::stoul(std::string(port)) == 0 || std::stoul(std::string(port)) > 65535)
      return "the port after ':' must be 1-65535";
    name = pattern.substr(0, colon);
  }
  if (name.empty() || name.find_first_of("/@?#%: []") != std::string_view::npos)
    return "a host pattern is a host name (\"crm.example.com\", \"*.example.com:8443\"), not a URL";
  if (name.find('*') != std::string_view::npos &&
      (name.rfind("*.", 0) != 0 || name.find('*', 1) != std::string_view::npos))
    return "'*' may only start a pattern (\"*.example.com\")";
  return "";
}

bool EgressPolicy::AnyMatch(const std::vector<std::string>& patterns, const Target& t) {
  const uint16_t def = t.scheme == "https" ? 443 : 80;
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& p) { return Matches(p, t.host, t.port, def); });
}

Result<EgressPolicy::Target> EgressPolicy::CheckUrl(std::string_view plugin, std::string_view url,
                                                    const http::Fields& headers) const {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) return Status::PermissionDenied("not an absolute http(s) URL");
  const boost::urls::url_view& u = *parsed;
  Target t;
  t.scheme = ToLower(u.scheme());
  if (t.scheme != "http" && t.scheme != "https")
    return Status::PermissionDenied("only http and https URLs are allowed");
  if (u.has_userinfo()) return Status::PermissionDenied("credentials in a URL are not allowed");
  const std::string raw_host(u.encoded_host());
  if (raw_host.empty()) return Status::PermissionDenied("the URL has no host");
  if (raw_host.find('%') != std::string::npos)
    return Status::PermissionDenied("a percent-encoded host is not allowed");
  t.host = NormalHost(raw_host);
  if (u.has_port()) {
    if (u.port_number() == 0) return Status::PermissionDenied("port 0 is not a port");
    t.port = u.port_number();
  } else {
    t.port = t.scheme == "https" ? 443 : 80;
  }
  if (plugin.empty()) return t;  // the daemon's own configured endpoints

  {
    std::shared_lock lock(mu_);
    std::vector<std::string> allowed;
    bool restricted = false;
    if (auto it = declared_.find(plugin); it != declared_.end() && it->second) {
      restricted = true;
      allowed = *it->second;
    }
    if (auto it = rules_.allow_hosts.find(plugin); it != rules_.allow_hosts.end()) {
      allowed.insert(allowed.end(), it->second.begin(), it->second.end());
    }
    if (restricted && !AnyMatch(allowed, t))
      return Status::PermissionDenied("host " + t.host + ":" + std::to_string(t.port) +
                                      " is not in plugin " + std::string(plugin) + "'s allowlist");
  }
  if (t.scheme == "http" && CarriesCredentials(u, headers) && !AnyMatch(rules_.allow_http, t))
    return Status::PermissionDenied("credentials may only go to " + t.host + " over https");
  return t;
}

bool EgressPolicy::AddressAllowed(const ip::address& address, std::string_view host) const {
  if (ForbiddenRange(address).empty()) return true;
  Target t{"https", NormalHost(host), 0};
  // Private addresses are allowed per host name whatever the port.
  for (const std::string& p : rules_.allow_private) {
    std::string_view name = p;
    if (const size_t colon = name.rfind(':'); colon != std::string_view::npos)
      name = name.substr(0, colon);
    if (Matches(name, t.host, 0, 0)) return true;
  }
  return false;
}

}  // namespace crmhost::outbound
