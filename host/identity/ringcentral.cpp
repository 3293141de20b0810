#include "identity/ringcentral.h"

#include <boost/json.hpp>
#include <crmhost/sdk/js.hpp>

#include "outbound/client.h"
#include "runtime/digest.h"

namespace crmhost::identity {
namespace json = boost::json;
namespace js = crmhost::sdk::js;

namespace {
constexpr size_t kMaxCached = 10000;
}

RingCentralClient::RingCentralClient(outbound::OutboundClient& http, Options options,
                                     std::function<int64_t()> now_ms)
    : http_(http), options_(std::move(options)), now_ms_(std::move(now_ms)) {}

Result<RcIdentity> RingCentralClient::Identify(std::string_view access_token) {
  if (access_token.empty()) return Status::InvalidArgument("RingCentral access token is empty");
  const std::string digest = Sha256Hex(access_token);
  const int64_t now = now_ms_();
  {
    std::lock_guard lock(mu_);
    if (auto it = cache_.find(digest); it != cache_.end() && it->second.second > now)
      return it->second.first;
  }
  outbound::OutboundRequest req;
  req.method = "GET";
  req.url = options_.server + "/restapi/v1.0/account/~/extension/~";
  req.headers = {{"Authorization", "Bearer " + std::string(access_token)},
                 {"Accept", "application/json"}};
  auto resp = http_.Send(std::move(req));
  if (!resp.ok())
    return Status::Unavailable("cannot reach RingCentral: " + resp.status().message());
  if (resp->status < 200 || resp->status >= 300)
    return Status::PermissionDenied("RingCentral refused the access token (HTTP " +
                                    std::to_string(resp->status) + ")");
  boost::system::error_code ec;
  json::value body = json::parse(resp->body, ec);
  if (ec || !body.is_object()) return Status::Unavailable("RingCentral answered with invalid JSON");
  RcIdentity id;
  if (auto* ext = js::get(&body, "id")) id.extension_id = js::to_string(*ext);
  if (auto* acc = js::get(js::get(&body, "account"), "id")) id.account_id = js::to_string(*acc);
  if (id.account_id.empty()) return Status::Unavailable("RingCentral's answer has no account id");
  id.admin = js::truthy(js::get(js::get(js::get(&body, "permissions"), "admin"), "enabled")) ||
             options_.admin_extension_ids.count(id.extension_id) > 0;
  std::lock_guard lock(mu_);
  if (cache_.size() >= kMaxCached) {
    for (auto it = cache_.begin(); it != cache_.end();)
      it = it->second.second <= now ? cache_.erase(it) : std::next(it);
    if (cache_.size() >= kMaxCached) cache_.clear();
  }
  cache_[digest] = {id, now + options_.cache_for.count()};
  return id;
}

}  // namespace crmhost::identity
