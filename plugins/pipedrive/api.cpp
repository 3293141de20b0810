#include "api.h"

#include <crmhost/sdk/contract.hpp>

#include <cstring>

namespace pipedrive {

namespace sdk = crmhost::sdk;

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

}  // namespace pipedrive
