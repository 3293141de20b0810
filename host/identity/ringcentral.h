// RingCentral identity: who holds a RingCentral access token, and are they an account admin.
//
// Asks RingCentral itself (GET <server>/restapi/v1.0/account/~/extension/~ with the caller's
// token) and caches the answer for a short time (default 60 s) so that admin pages making
// several calls do not reach RingCentral for each. Tokens are never logged and are cached only
// as SHA-256 digests. Blocking: call from worker threads. Thread-safe.
#ifndef CRMHOST_IDENTITY_RINGCENTRAL_H
#define CRMHOST_IDENTITY_RINGCENTRAL_H

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

#include "crmhost/status.h"

namespace crmhost::outbound {
class OutboundClient;
}

namespace crmhost::identity {

struct RcIdentity {
  std::string account_id;    // raw RingCentral account id
  std::string extension_id;  // raw extension id
  bool admin = false;        // permissions.admin.enabled, or listed in --admin-extension-id
};

class RingCentralClient {
 public:
  struct Options {
    std::string server = "https://platform.ringcentral.com";
    std::set<std::string> admin_extension_ids;  // treated as admins (development)
    std::chrono::milliseconds cache_for{60000};
  };

  RingCentralClient(outbound::OutboundClient& http, Options options,
                    std::function<int64_t()> now_ms);

  // PermissionDenied when RingCentral refuses the token; Unavailable when it cannot be reached.
  Result<RcIdentity> Identify(std::string_view access_token);

 private:
  outbound::OutboundClient& http_;
  Options options_;
  std::function<int64_t()> now_ms_;
  std::mutex mu_;
  std::map<std::string, std::pair<RcIdentity, int64_t>>
      cache_;  // guarded by mu_; digest -> (id, expiry)
};

}  // namespace crmhost::identity

#endif  // CRMHOST_IDENTITY_RINGCENTRAL_H
