// Pipedrive's REST API as the reference connector uses it: the company host (the user's
// hostname) for data, api.pipedrive.com for users/me where the reference asks it there, and
// oauth.pipedrive.com for token revocation; the user's Authorization header on every call and the
// rate-limit headers of the last answer (extraDataTracking). docs/CRM_PLUGINS.md lists the calls.
#ifndef CRMHOST_PLUGINS_PIPEDRIVE_API_H
#define CRMHOST_PLUGINS_PIPEDRIVE_API_H

#include <crmhost/plugin.hpp>
#include <crmhost/sdk/rest.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pipedrive {

namespace json = boost::json;

class Api {
 public:
  // The user's company host (user.hostname, any scheme and trailing "/" dropped) and header.
  Api(crmhost::sdk::Call& call, const json::object& in);

  crmhost::sdk::Call& call() const { return session_.call(); }
  const json::object& tracking() const { return session_.extra_data_tracking(); }

  // GET/POST/PATCH on the user's company host; `path` starts with "/".
  json::value Get(const std::string& path) { return Send("GET", path, nullptr); }
  json::value Send(std::string_view method, const std::string& path, const json::value* body);
  // GET on api.pipedrive.com.
  json::value GetApi(const std::string& path);

 private:
  std::string base_;
  crmhost::sdk::rest::Session session_;
};

// How long fetched activity types serve (getAccountDataKeys' ttlMs too).
inline constexpr int64_t kActivityTypesTtlMs = 24 * 3600 * 1000;

// GET /v1/activityTypes: the active ones, also stored in the plugin's kv for later resolutions.
json::array FetchActivityTypes(Api& api, const json::object& user);

// The activity type's key_string to log with: the configured one (setting `setting_id`) when it
// is active, else the first type whose name contains `keyword`; nullopt when there is none.
std::optional<std::string> ResolveActivityType(Api& api, const json::object& in,
                                               std::string_view setting_id,
                                               std::string_view keyword);

// Revokes one token at oauth.pipedrive.com with the OAuth app's Basic header; throws
// UpstreamError when Pipedrive refuses.
void RevokeToken(crmhost::sdk::Call& call, const std::string& basic, const std::string& token);

}  // namespace pipedrive

#endif  // CRMHOST_PLUGINS_PIPEDRIVE_API_H
