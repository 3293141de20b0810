// VinSolutions' two APIs as the reference connector uses them: Lead Management (the gateway's
// contacts and users, and leads) and Call Tracking (call details), each with its own OAuth client
// (client credentials against authentication.vinsolutions.com, scope PublicAPI) and its own
// `api_key` header, all six values plugin settings (docs/CRM_PLUGINS.md). The dealer and the CRM
// user travel in query parameters and bodies, never in headers.
//
// Tokens are the application's, not a user's: one per API, kept in the plugin's kv store
// (sealed at rest) until five minutes before they expire, shared by every user and every
// version of the plugin, and fetched again when VinSolutions answers 401 to a kept one.
#ifndef CRMHOST_PLUGINS_VINSOLUTIONS_API_H
#define CRMHOST_PLUGINS_VINSOLUTIONS_API_H

#include <crmhost/plugin.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace vinsolutions {

namespace json = boost::json;

inline constexpr const char* kApiBase = "https://api.vinsolutions.com";
inline constexpr const char* kTokenUrl = "https://authentication.vinsolutions.com/connect/token";

enum class Profile { kLeadManagement, kCallTracking };

// The media type of a request: what Accept (and, with a body, Content-Type) say.
inline constexpr const char* kGatewayJson = "application/json";             // /gateway/v1/...
inline constexpr const char* kLeadsV3 = "application/vnd.coxauto.v3+json";  // /leads
inline constexpr const char* kCoxV1 = "application/vnd.coxauto.v1+json";    // /calldetails, sources

// The settings a profile needs: "<prefix>_client_id", "_client_secret", "_api_key", prefix
// "lead_management" or "call_tracking". Empty strings when unset.
struct Credentials {
  std::string client_id, client_secret, api_key;
};
Credentials CredentialsOf(const crmhost::sdk::Call& call, Profile profile);
// Whether this deployment serves `dealer`: setting vinsolutions.allowed_dealers, a
// comma-separated list of dealer IDs; unset or empty allows every dealer.
bool DealerAllowed(const crmhost::sdk::Call& call, int64_t dealer);
// The names of the settings `profile` lacks ("" when none): for the init warning and errors.
std::string MissingSettings(const crmhost::sdk::Call& call, Profile profile);

class Api {
 public:
  Api(crmhost::sdk::Call& call, int64_t dealer_id, int64_t crm_user_id)
      : call_(&call), dealer_(dealer_id), user_(crm_user_id) {}
  // The dealer and CRM user of an operation's input (user.platformAdditionalInfo). Throws
  // UpstreamError(403) for a dealer vinsolutions.allowed_dealers leaves out.
  Api(crmhost::sdk::Call& call, const json::object& in);

  crmhost::sdk::Call& call() const { return *call_; }
  int64_t dealer() const { return dealer_; }
  int64_t crm_user() const { return user_; }
  std::string dealer_text() const { return std::to_string(dealer_); }

  // One request to kApiBase + path (path and query, already encoded); any status comes back.
  // Throws UpstreamError(0) when no answer came or the profile's token cannot be had.
  crmhost::sdk::HttpResponse Raw(Profile profile, std::string_view method, const std::string& path,
                                 std::string_view media, const json::value* body = nullptr);
  // The same, a non-2xx answer thrown as UpstreamError(status); the parsed body (null when
  // empty).
  json::value Json(Profile profile, std::string_view method, const std::string& path,
                   std::string_view media, const json::value* body = nullptr);
  json::value Get(const std::string& path, std::string_view media = kGatewayJson) {
    return Json(Profile::kLeadManagement, "GET", path, media);
  }

  // A token for `profile`, from the kv store or fetched now. `fresh`: skip the kept one;
  // `kept`: set to whether the token came from the store.
  std::string Token(Profile profile, bool fresh = false, bool* kept = nullptr);

 private:
  crmhost::sdk::Call* call_;
  int64_t dealer_ = 0;
  int64_t user_ = 0;
  // This operation's tokens once had (index: Profile), so that a token too short-lived to keep
  // still serves every request of the operation.
  std::string had_[2];
};

// "?a=1&b=x%20y" from name/value pairs, values percent-encoded.
std::string Query(std::initializer_list<std::pair<std::string_view, std::string>> params);

}  // namespace vinsolutions

#endif  // CRMHOST_PLUGINS_VINSOLUTIONS_API_H
