// Connector manifests from the App Connect Developer Portal's public API (docs/API.md): the
// managed-auth routes and apiKeyLogin name a connector (connectorId, with isPrivate and
// devRcAccountId); its manifest's managed login fields replace the plugin's own, as the
// reference does.
//
//   public:    {portal}/public-api/connectors/{id}/manifest
//   developer: {portal}/public-api/connectors/{id}/manifest?access=internal&type=connector
//              &accountId={devRcAccountId}
//   private:   the account's list {portal}/public-api/connectors/internal?accountId={account}
//              first: its own private connector (accountId = the account) or one shared with
//              it (accountId = the owner's account); a connector in neither is not fetched.
//
// Every answer (the list too) is cached per URL for a TTL and served stale, for up to a day,
// while the portal fails (down, 5xx, garbage): a portal outage must not log users out of their
// managed credentials. Requests go through the daemon's outbound client (overrides, proxy, TLS,
// deadlines, size limit); the ids callers send are percent-encoded into the URL, so they can
// neither leave the portal's origin nor change the path's shape. Thread-safe.
#ifndef CRMHOST_CONTRACT_DEVELOPER_PORTAL_H
#define CRMHOST_CONTRACT_DEVELOPER_PORTAL_H

#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace crmhost::outbound {
class OutboundClient;
}

namespace crmhost::contract {

// Which Developer Portal connector a request names; empty connector_id: none.
struct ConnectorRef {
  std::string connector_id;
  std::string dev_account_id;  // devRcAccountId: a developer testing their own connector
  bool is_private = false;
};

class DeveloperPortal {
 public:
  struct Options {
    std::string base_url = "https://appconnect.labs.ringcentral.com";
    std::chrono::seconds ttl{300};
    std::chrono::seconds stale_for{86400};
    std::chrono::milliseconds timeout{10000};
  };

  DeveloperPortal(outbound::OutboundClient& http, Options options, std::function<int64_t()> now_ms);

  // The connector's manifest, or nullopt when it cannot be had (not found, not the account's,
  // portal failing with nothing cached): the caller then uses the plugin's own manifest.
  std::optional<boost::json::value> Manifest(const ConnectorRef& ref,
                                             const std::string& rc_account_id);

  // Cache figures for /metrics and tests.
  struct Stats {
    uint64_t fetched = 0, cached = 0, stale = 0, failed = 0;
  };
  Stats stats() const;

 private:
  std::optional<boost::json::value> Get(const std::string& url);

  struct Entry {
    boost::json::value value;
    int64_t fetched_ms = 0;
  };
  outbound::OutboundClient& http_;
  Options options_;
  std::function<int64_t()> now_ms_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> cache_;  // guarded by mu_
  Stats stats_;                                   // guarded by mu_
};

}  // namespace crmhost::contract

#endif  // CRMHOST_CONTRACT_DEVELOPER_PORTAL_H
