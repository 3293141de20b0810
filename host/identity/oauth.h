// OAuth 2.0 for CRMs: the authorization-code exchange and the refresh-token grant, on the wire
// exactly as the reference server's OAuth library sends them (form-encoded POST to the token
// URL; HTTP Basic client authentication when there is a secret, otherwise client_id in the
// body; JSON or form answers; an "error" member or a non-2xx status is a failure).
//
// Blocking (call from worker threads); thread-safe; never logs tokens or secrets.
#ifndef CRMHOST_IDENTITY_OAUTH_H
#define CRMHOST_IDENTITY_OAUTH_H

#include <boost/json.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "crmhost/status.h"
#include "http/message.h"

namespace crmhost::outbound {
class OutboundClient;
}

namespace crmhost::identity {

// The server half of a CRM's OAuth app (connector getOauthInfo, settings, or admin-managed).
struct OAuthApp {
  std::string client_id;
  std::string client_secret;
  std::string access_token_uri;
  std::string authorization_uri;
  std::string redirect_uri;
  std::string hostname;  // optional: overrides the user's hostname at login
  boost::json::value scopes;
  // The plugin whose app this is: its egress allowlist judges the token URL (an admin-managed
  // app's token URL comes from a RingCentral account admin, not from the daemon's admin).
  // Not part of the JSON forms.
  std::string plugin;

  static OAuthApp FromJson(const boost::json::object& o);
  boost::json::object ToJson() const;  // with the secret: for plugins only
};

struct TokenResponse {
  std::string access_token;
  std::string refresh_token;  // empty when the server sent none
  std::optional<int64_t> expires_at_ms;
  boost::json::object raw;  // the whole answer (getUserInfo receives it as `data`)
};

// getOverridingOAuthOption's additions to the code exchange.
struct TokenRequestOverride {
  http::Fields headers;
  http::Fields query;
  boost::json::object body;
};

class OAuthClient {
 public:
  OAuthClient(outbound::OutboundClient& http, std::function<int64_t()> now_ms);

  // Exchanges the code carried by `callback_uri` (the full redirect URL). Fails when the
  // callback path differs from the app's redirect path, when there is no code, or when the
  // token endpoint refuses.
  Result<TokenResponse> ExchangeCode(const OAuthApp& app, std::string_view callback_uri,
                                     const TokenRequestOverride* extra) const;

  // The refresh-token grant. A refusal with error "invalid_grant" is reported as
  // PermissionDenied("invalid_grant"): the session is revoked; any other failure is Unavailable.
  // `http_status` (optional) receives the token endpoint's status (0: no answer).
  Result<TokenResponse> Refresh(const OAuthApp& app, std::string_view refresh_token,
                                int* http_status = nullptr) const;

 private:
  Result<TokenResponse> Post(const OAuthApp& app, std::string url, http::Fields headers,
                             std::string body, int* http_status) const;
  outbound::OutboundClient& http_;
  std::function<int64_t()> now_ms_;
};

// application/x-www-form-urlencoded, as Node's querystring.stringify writes it.
std::string FormEncode(const http::Fields& fields);

}  // namespace crmhost::identity

#endif  // CRMHOST_IDENTITY_OAUTH_H
