// EgressPolicy: where the daemon's HTTP client may go on a plugin's behalf (the SSRF guard).
//
// A user controls parts of the URLs plugins fetch (Insightly's API URL, a CRM hostname, the
// links in a message), so every request a plugin asks for is judged twice:
//
//  1. The URL as the plugin gave it, before any --outbound-override rewrite (the rewrite is the
//     tests' seam and must not widen what the policy allows):
//       - http or https only, no credentials in the URL (user:password@host);
//       - the host matches the plugin's allowlist: the patterns its manifest declares under
//         "x-crmhost-egress" (e.g. "*.insightly.com") plus what the administrator added for it
//         ([outbound] allow_hosts / --outbound-allow PLUGIN=PATTERN). A plugin that declares
//         nothing may reach any host; the address rule below still holds;
//       - a request carrying credentials (Authorization, Cookie, X-API-Key, or a token in the
//         query) goes over https unless the administrator allowed plain http for that host.
//  2. The addresses the host name resolves to, which are what the socket connects to (no
//     DNS-rebinding gap: only the checked addresses are used). Refused unless the administrator
//     allowed private addresses for that host: loopback, private (RFC 1918, CGNAT, ULA),
//     link-local (cloud metadata), multicast, unspecified, broadcast, benchmark and reserved
//     ranges, and IPv4-mapped or NAT64 forms of those. Every spelling of an address (127.1,
//     2130706433, 0x7f000001, 0177.0.0.1, [::ffff:127.0.0.1]) resolves to the same bytes, so
//     judging the resolved address catches them all.
//
// Patterns: "host" (exactly), "*.example.com" (any name under example.com, not example.com
// itself), each optionally with ":port"; without a port only the scheme's default port matches.
// "*" alone matches any host (an administrator's "anything public").
//
// Thread-safe: plugin allowlists change when plugins are loaded (SetPluginHosts); checks take a
// shared lock.
#ifndef CRMHOST_OUTBOUND_EGRESS_POLICY_H
#define CRMHOST_OUTBOUND_EGRESS_POLICY_H

#include <boost/asio/ip/address.hpp>
#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "crmhost/status.h"
#include "http/message.h"

namespace crmhost::outbound {

class EgressPolicy {
 public:
  struct Rules {
    // Administrator additions to a plugin's allowlist: plugin -> patterns.
    std::map<std::string, std::vector<std::string>, std::less<>> allow_hosts;
    // Hosts that may resolve to private, loopback or link-local addresses (an on-premises CRM).
    std::vector<std::string> allow_private;
    // Hosts that may be sent credentials over plain http.
    std::vector<std::string> allow_http;
  };
  explicit EgressPolicy(Rules rules = {});

  // The patterns a plugin declared (its manifest's "x-crmhost-egress"); nullopt: it declared
  // none. Called when a version is loaded; the newest call for a plugin wins.
  void SetPluginHosts(const std::string& plugin, std::optional<std::vector<std::string>> patterns);
  std::optional<std::vector<std::string>> PluginHosts(const std::string& plugin) const;

  struct Target {
    std::string scheme;  // "http" or "https"
    std::string host;    // lower-case, no brackets, no trailing dot
    uint16_t port = 0;
  };
  // Step 1. `plugin` empty: the daemon's own request to a URL from its configuration (only the
  // scheme and URL-credential rules apply). On success returns the parsed target; else
  // PermissionDenied with the reason (never the URL's query, which may carry a token).
  Result<Target> CheckUrl(std::string_view plugin, std::string_view url,
                          const http::Fields& headers) const;

  // Step 2: may a connection to `address` be made for `host`?
  bool AddressAllowed(const boost::asio::ip::address& address, std::string_view host) const;

  // The range a forbidden address falls in ("loopback", "private", "link-local", ...), or ""
  // when it is a public address.
  static std::string_view ForbiddenRange(const boost::asio::ip::address& address);
  // Does `pattern` match host:port (scheme default port when the pattern has none)?
  static bool Matches(std::string_view pattern, std::string_view host, uint16_t port,
                      uint16_t default_port);
  // Whether a pattern is well formed; "" or the reason it is not (for configuration checks).
  static std::string CheckPattern(std::string_view pattern);

 private:
  static bool AnyMatch(const std::vector<std::string>& patterns, const Target& t);

  Rules rules_;
  mutable std::shared_mutex mu_;
  std::map<std::string, std::optional<std::vector<std::string>>, std::less<>>
      declared_;  // guarded by mu_
};

}  // namespace crmhost::outbound

#endif  // CRMHOST_OUTBOUND_EGRESS_POLICY_H
