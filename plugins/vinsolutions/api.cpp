#include "api.h"

#include <crmhost/sdk/contract.hpp>
#include <crmhost/sdk/js.hpp>
#include <crmhost/sdk/text.hpp>

#include <vector>

#include "mapping.h"

namespace vinsolutions {

namespace sdk = crmhost::sdk;
namespace js = crmhost::sdk::js;

namespace {

constexpr int64_t kRenewBeforeMs = 5 * 60 * 1000;  // the reference's margin before expiry

const char* PrefixOf(Profile profile) {
  return profile == Profile::kLeadManagement ? "lead_management" : "call_tracking";
}

// The kv key of a profile's token. The client id is part of it: an administrator who changes
// the client must not be handed the old client's token.
std::string TokenKey(Profile profile, const std::string& client_id) {
  return std::string("token:") + PrefixOf(profile) + ":" + client_id;
}

}  // namespace

bool DealerAllowed(const sdk::Call& call, int64_t dealer) {
  const std::string list = call.setting("allowed_dealers").value_or("");
  if (sdk::text::trim(list).empty()) return true;
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    const json::value entry(sdk::text::trim(std::string_view(list).substr(start, comma - start)));
    if (PositiveId(&entry) == dealer && dealer > 0) return true;
    start = comma + 1;
  }
  return false;
}

Credentials CredentialsOf(const sdk::Call& call, Profile profile) {
  const std::string p = PrefixOf(profile);
  return {call.setting(p + "_client_id").value_or(""),
          call.setting(p + "_client_secret").value_or(""),
          call.setting(p + "_api_key").value_or("")};
}

std::string MissingSettings(const sdk::Call& call, Profile profile) {
  const std::string p = PrefixOf(profile);
  std::string missing;
  for (const char* name : {"_client_id", "_client_secret", "_api_key"})
    if (call.setting(p + name).value_or("").empty())
      missing += (missing.empty() ? "vinsolutions." : ", vinsolutions.") + p + name;
  return missing;
}

Api::Api(sdk::Call& call, const json::object& in) : call_(&call) {
  const json::object& info =
      sdk::contract::object_of(sdk::contract::object_of(in, "user"), "platformAdditionalInfo");
  dealer_ = PositiveId(js::get(info, "dealerId"));
  user_ = PositiveId(js::get(info, "crmUserId"));
  if (!DealerAllowed(call, dealer_))
    throw sdk::UpstreamError(
        403, "dealer " + std::to_string(dealer_) + " is not in vinsolutions.allowed_dealers");
}

std::string Api::Token(Profile profile, bool fresh, bool* kept) {
  if (kept) *kept = false;
  std::string& had = had_[profile == Profile::kLeadManagement ? 0 : 1];
  if (!fresh && !had.empty()) {
    if (kept) *kept = true;
    return had;
  }
  const Credentials c = CredentialsOf(*call_, profile);
  if (c.client_id.empty() || c.client_secret.empty())
    throw sdk::UpstreamError(
        0, "VinSolutions is not configured: set " + MissingSettings(*call_, profile));
  const std::string key = TokenKey(profile, c.client_id);
  if (!fresh)
    if (auto stored = call_->kv_get(key); stored && !stored->empty()) {
      if (kept) *kept = true;
      return had = *stored;
    }
  const std::string form =
      "grant_type=client_credentials&client_id=" + sdk::url_encode(c.client_id) +
      "&client_secret=" + sdk::url_encode(c.client_secret) + "&scope=PublicAPI";
  sdk::HttpResponse resp = call_->http(
      "POST", kTokenUrl,
      {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}},
      form);
  if (!resp.ok())
    throw sdk::UpstreamError(
        resp.status, "VinSolutions token endpoint answered HTTP " + std::to_string(resp.status));
  json::value answer = resp.json();
  const json::value* token = js::get(&answer, "access_token");
  if (!token || !token->is_string() || token->get_string().empty())
    throw sdk::UpstreamError(resp.status, "VinSolutions token endpoint answered no access_token");
  int64_t expires_in_s = 3600;  // the reference's default when expires_in is missing
  if (const json::value* e = js::get(&answer, "expires_in"); e && e->is_number()) {
    const double seconds = js::to_number(*e);  // a fraction, or a silly size, is no reason to fail
    expires_in_s = !(seconds > 0) ? 0 : seconds > 86400 * 366 ? 86400 * 366 : int64_t(seconds);
  }
  const int64_t keep_ms = expires_in_s * 1000 - kRenewBeforeMs;
  // A token that expires within the margin serves this operation only.
  if (keep_ms > 0) call_->kv_put(key, token->get_string(), keep_ms);
  return had = std::string(token->get_string());
}

sdk::HttpResponse Api::Raw(Profile profile, std::string_view method, const std::string& path,
                           std::string_view media, const json::value* body) {
  const std::string api_key = CredentialsOf(*call_, profile).api_key;
  const std::string payload = body ? json::serialize(*body) : std::string();
  const std::string url = std::string(kApiBase) + path;
  auto send = [&](const std::string& token) {
    const std::string auth = "Bearer " + token;
    std::vector<std::pair<std::string_view, std::string_view>> headers{
        {"Authorization", auth}, {"api_key", api_key}, {"Accept", media}};
    if (body) headers.emplace_back("Content-Type", media);
    return call_->http_headers(method, url, headers, payload);
  };
  bool kept = false;
  sdk::HttpResponse resp = send(Token(profile, false, &kept));
  // A kept token VinSolutions no longer takes (revoked, the client's secret rotated): one
  // fresh token, one retry.
  if (resp.status == 401 && kept) resp = send(Token(profile, /*fresh=*/true));
  return resp;
}

json::value Api::Json(Profile profile, std::string_view method, const std::string& path,
                      std::string_view media, const json::value* body) {
  sdk::HttpResponse resp = Raw(profile, method, path, media, body);
  if (!resp.ok())
    throw sdk::UpstreamError(resp.status,
                             "VinSolutions answered HTTP " + std::to_string(resp.status) + " to " +
                                 std::string(method) + " " + path.substr(0, path.find('?')));
  if (resp.body.empty()) return nullptr;
  return resp.json();
}

std::string Query(std::initializer_list<std::pair<std::string_view, std::string>> params) {
  std::string out;
  for (const auto& [name, value] : params) {
    out += out.empty() ? "?" : "&";
    out += std::string(name) + "=" + sdk::url_encode(value);
  }
  return out;
}

}  // namespace vinsolutions
