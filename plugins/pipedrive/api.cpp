#include "api.h"

#include <crmhost/sdk/contract.hpp>
#include <crmhost/sdk/js.hpp>

#include <cstring>
#include <optional>

#include "mapping.h"

namespace pipedrive {

namespace sdk = crmhost::sdk;
namespace js = crmhost::sdk::js;
using sdk::contract::object_of;

namespace {

constexpr const char* kApiOrigin = "https://api.pipedrive.com";
constexpr const char* kOAuthOrigin = "https://oauth.pipedrive.com";

std::string CompanyOrigin(const json::object& in) {
  std::string host = sdk::string_field(sdk::contract::object_of(in, "user"), "hostname");
  for (const char* scheme : {"https://", "http://"})
    if (host.rfind(scheme, 0) == 0) host.erase(0, std::strlen(scheme));
  while (!host.empty() && host.back() == '/')
    host.pop_back();
  return host.empty() ? std::string() : "https://" + host;
}

// Errors name the request ("Pipedrive answered HTTP 404 to GET /api/v2/persons/7"), as the
// plugin's messages always did; every answer's x-ratelimit-* headers are kept.
sdk::rest::Options PipedriveOptions() {
  sdk::rest::Options o;
  o.crm = "Pipedrive";
  o.name_request = true;
  o.rate_limits = sdk::rest::RateLimits::kPresentKeys;
  return o;
}

}  // namespace

Api::Api(sdk::Call& call, const json::object& in)
    : base_(CompanyOrigin(in)),
      session_(call, base_, sdk::string_field(in, "authHeader"), PipedriveOptions()) {}

json::value Api::Send(std::string_view method, const std::string& path, const json::value* body) {
  if (base_.empty()) throw sdk::UpstreamError(0, "no Pipedrive hostname for this user");
  return session_.request(method, path, body);
}

json::value Api::GetApi(const std::string& path) {
  return session_.request_url("GET", kApiOrigin + path);
}

void RevokeToken(sdk::Call& call, const std::string& basic, const std::string& token) {
  sdk::HttpResponse r =
      call.http("POST", std::string(kOAuthOrigin) + "/oauth/revoke",
                {{"Authorization", basic}, {"Content-Type", "application/x-www-form-urlencoded"}},
                "token=" + sdk::url_encode(token));
  if (!r.ok())
    throw sdk::UpstreamError(
        r.status, "Pipedrive token revocation answered HTTP " + std::to_string(r.status));
}

// ---- activity types: cached by the plugin (kv, kActivityTypesTtlMs, stale served when a refresh
// fails) since a plugin cannot reach the host's account-data cache (plugin.cpp's header) ----

namespace {

std::string TypesKey(const json::object& user) {
  const std::string account = js::text_or_empty(js::get(user, "rcAccountId"));
  return "activityTypes/" +
         (account.empty() ? "host:" + sdk::string_field(user, "hostname") : account);
}

// The cached types (fetched when absent, older than a day or `force`d; a failed refresh serves
// what we had). *fetched tells whether Pipedrive was asked.
json::array ActivityTypes(Api& api, const json::object& user, bool force, bool* fetched) {
  std::optional<json::array> cached;
  bool fresh = false;
  if (auto raw = api.call().kv_get(TypesKey(user))) {
    boost::system::error_code ec;
    json::value v = json::parse(*raw, ec);
    if (!ec && js::get(&v, "types") && js::get(&v, "types")->is_array()) {
      cached = js::get(&v, "types")->get_array();
      const json::value* at = js::get(&v, "fetchedAt");
      fresh = at && at->is_number() &&
              at->to_number<int64_t>() + kActivityTypesTtlMs > api.call().now_ms();
    }
  }
  if (cached && fresh && !force) return *cached;
  *fetched = true;
  try {
    return FetchActivityTypes(api, user);
  } catch (const sdk::UpstreamError& e) {
    if (!cached) throw;
    api.call().warn(std::string("Pipedrive activity types not refreshed, using cached: ") +
                    e.what());
    return *cached;
  }
}

}  // namespace

// GET /v1/activityTypes: the active ones, stored for later resolutions.
json::array FetchActivityTypes(Api& api, const json::object& user) {
  json::array types = ActiveActivityTypes(api.Get("/v1/activityTypes"));
  api.call().kv_put(TypesKey(user), json::serialize(json::object{{"fetchedAt", api.call().now_ms()},
                                                                 {"types", types}}));
  return types;
}

// The key_string to log with: the configured one when it is active, else the first type whose
// name contains `keyword`; nullopt when there is none. A miss in cached types asks Pipedrive
// once more (a type added since).
std::optional<std::string> ResolveActivityType(Api& api, const json::object& in,
                                               std::string_view setting_id,
                                               std::string_view keyword) {
  const json::object& user = object_of(in, "user");
  const std::string configured = ConfiguredActivityType(in, setting_id);
  bool fetched = false;
  json::array types = ActivityTypes(api, user, false, &fetched);
  if (!configured.empty()) {
    if (auto k = TypeByConst(types, configured)) return k;
    if (!fetched) {
      types = ActivityTypes(api, user, true, &fetched);
      if (auto k = TypeByConst(types, configured)) return k;
    }
  }
  if (auto k = TypeByKeyword(types, keyword)) return k;
  if (!fetched) {
    types = ActivityTypes(api, user, true, &fetched);
    if (auto k = TypeByKeyword(types, keyword)) return k;
  }
  return std::nullopt;
}

}  // namespace pipedrive
