// Bullhorn's APIs as the reference connector uses them. Two hosts per data center: the OAuth host
// (tokenUrl, ".../oauth/token" and ".../oauth/authorize") and the REST login host (loginUrl,
// ".../rest-services"), whose /login turns an OAuth access token into a REST session: a
// BhRestToken header value and the corporation's restUrl. Every data call goes to restUrl with
// that header. A session expires on its own schedule (GET ping tells when); a 401 means it is
// gone, and the reference logs in again with the stored access token and retries the call once.
// docs/CRM_PLUGINS.md lists the calls.
#ifndef CRMHOST_PLUGINS_BULLHORN_API_H
#define CRMHOST_PLUGINS_BULLHORN_API_H

#include <crmhost/plugin.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bullhorn {

namespace json = boost::json;

// The redirect URI App Connect registers with Bullhorn (the extension's redirect page).
inline constexpr const char* kRedirectUri =
    "https://ringcentral.github.io/ringcentral-embeddable/redirect.html";

// A REST session: the header value and the corporation's REST base ("https://rest91.
// bullhornstaffing.com/rest-services/abc12/", with its trailing slash).
struct RestSession {
  std::string bh_rest_token;
  std::string rest_url;
};

// POST <loginUrl>/login?version=2.0&access_token=... Throws UpstreamError when Bullhorn refuses
// or answers a restUrl that is not Bullhorn's own (a session token must only go to Bullhorn).
RestSession Login(crmhost::sdk::Call& call, const std::string& login_url,
                  const std::string& access_token);

// An OAuth token answer: {access_token, refresh_token, expires_in}.
struct Tokens {
  std::string access_token;
  std::string refresh_token;
  int64_t expires_in_s = 0;
};

// The OAuth client a token request authenticates with (getOauthInfo's, or the admin's).
struct Client {
  std::string id;
  std::string secret;
};

// POST <tokenUrl>?grant_type=refresh_token&... Throws UpstreamError with Bullhorn's status.
Tokens RefreshTokens(crmhost::sdk::Call& call, const std::string& token_url, const Client& client,
                     const std::string& refresh_token);

// The password flow server-side logging uses: GET <authorize>?action=Login&username&password
// answers a 302 whose Location carries a code, which the token URL exchanges. nullopt (the
// reason logged, never the password) when any step fails.
std::optional<Tokens> PasswordAuthorize(crmhost::sdk::Call& call, const std::string& token_url,
                                        const Client& client, const std::string& username,
                                        const std::string& password);

// GET <restUrl>ping: the session's expiry (ms since the epoch). Throws UpstreamError (status 401
// when the session is gone).
int64_t PingSessionExpires(crmhost::sdk::Call& call, const RestSession& session);

// The user update that records a new REST session (the expiry is unknown until the next ping).
json::object SessionUpdate(const RestSession& session);

// One operation's conversation with the REST API: the user's session from the operation's input,
// one re-login and retry when a call answers 401, the rate-limit headers of the last answer
// (extraDataTracking), and the session update a re-login produced (Finish hands it back).
class Api {
 public:
  Api(crmhost::sdk::Call& call, const json::object& in);

  crmhost::sdk::Call& call() const { return *call_; }
  const RestSession& session() const { return session_; }

  // `path` below restUrl, with its query. Throws UpstreamError on a non-2xx answer or one that is
  // no JSON. `track`: whether this answer's rate-limit headers become extraDataTracking.
  json::value Request(std::string_view method, const std::string& path,
                      const json::value* body = nullptr, bool track = true);
  json::value Get(const std::string& path, bool track = true) {
    return Request("GET", path, nullptr, track);
  }
  json::value Put(const std::string& path, const json::value& body) {
    return Request("PUT", path, &body);
  }
  // Bullhorn updates an entity with POST (a partial update, PATCH semantics).
  json::value Post(const std::string& path, const json::value& body) {
    return Request("POST", path, &body);
  }
  json::value Delete(const std::string& path) { return Request("DELETE", path); }

  // Logs in again with the stored access token; later calls use the new session.
  void Relogin();

  const json::object& tracking() const { return tracking_; }
  // `result` with extraDataTracking and, when the session was renewed, the userUpdate saving it.
  json::object Finish(json::object result) const;

 private:
  crmhost::sdk::HttpResponse Send(std::string_view method, const std::string& url,
                                  const std::string& payload, bool has_body) const;

  crmhost::sdk::Call* call_;
  RestSession session_;
  std::string login_url_;
  std::string access_token_;
  bool relogged_ = false;
  json::object tracking_;
};

}  // namespace bullhorn

#endif  // CRMHOST_PLUGINS_BULLHORN_API_H
