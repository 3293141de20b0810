#include "api.h"

#include <algorithm>

#include <crmhost/sdk/contract.hpp>
#include <crmhost/sdk/js.hpp>

#include "mapping.h"

namespace bullhorn {
namespace sdk = crmhost::sdk;
namespace js = crmhost::sdk::js;
using sdk::contract::object_of;

namespace {

// "<name> answered HTTP 500 to POST /rest-services/login": the path without origin or query,
// which may hold a token or a password.
std::string Failed(std::string_view what, int status, std::string_view method,
                   const std::string& url) {
  size_t begin = url.find("://");
  begin = begin == std::string::npos ? 0 : url.find('/', begin + 3);
  std::string path = begin == std::string::npos ? std::string("/") : url.substr(begin);
  path = path.substr(0, path.find('?'));
  return std::string(what) + " answered HTTP " + std::to_string(status) + " to " +
         std::string(method) + " " + path;
}

json::value ParseOr(const sdk::HttpResponse& resp, std::string_view what) {
  if (resp.body.empty()) return nullptr;
  boost::system::error_code ec;
  json::value v = json::parse(resp.body, ec);
  if (ec) throw sdk::UpstreamError(resp.status, std::string(what) + " answered invalid JSON");
  return v;
}

Tokens TokensOf(const json::value& v) {
  Tokens t;
  t.access_token = js::text_or_empty(js::get(&v, "access_token"));
  t.refresh_token = js::text_or_empty(js::get(&v, "refresh_token"));
  // A lifetime beyond ten years is no lifetime Bullhorn gives; it is read as ten years.
  if (auto s = js::to_safe_integer(js::get(&v, "expires_in")))
    t.expires_in_s = std::clamp<int64_t>(*s, 0, int64_t(10) * 365 * 86400);
  if (t.access_token.empty()) throw sdk::UpstreamError(200, "Bullhorn answered no access token");
  return t;
}

// POST to the token URL with everything in the query, as Bullhorn documents it (its token
// endpoint reads the query, not a form body).
Tokens TokenRequest(sdk::Call& call, const std::string& token_url, const std::string& query) {
  if (!IsBullhornUrl(token_url)) throw sdk::UpstreamError(0, "not a Bullhorn token URL");
  const std::string url =
      token_url + (token_url.find('?') == std::string::npos ? "?" : "&") + query;
  sdk::HttpResponse resp = call.http("POST", url, {{"Accept", "application/json"}});
  if (!resp.ok())
    throw sdk::UpstreamError(resp.status, Failed("Bullhorn OAuth", resp.status, "POST", url));
  return TokensOf(ParseOr(resp, "Bullhorn OAuth"));
}

}  // namespace

RestSession Login(sdk::Call& call, const std::string& login_url, const std::string& access_token) {
  if (!IsBullhornUrl(login_url)) throw sdk::UpstreamError(0, "not a Bullhorn login URL");
  const std::string url =
      login_url + "/login?version=2.0&access_token=" + sdk::url_encode(access_token);
  sdk::HttpResponse resp = call.http("POST", url, {{"Accept", "application/json"}});
  if (!resp.ok())
    throw sdk::UpstreamError(resp.status, Failed("Bullhorn", resp.status, "POST", url));
  json::value v = ParseOr(resp, "Bullhorn login");
  RestSession s{js::text_or_empty(js::get(&v, "BhRestToken")),
                js::text_or_empty(js::get(&v, "restUrl"))};
  if (s.bh_rest_token.empty() || !IsBullhornUrl(s.rest_url))
    throw sdk::UpstreamError(resp.status, "Bullhorn login answered no usable REST session");
  if (s.rest_url.back() != '/') s.rest_url += '/';
  return s;
}

Tokens RefreshTokens(sdk::Call& call, const std::string& token_url, const Client& client,
                     const std::string& refresh_token) {
  return TokenRequest(call, token_url,
                      "grant_type=refresh_token&refresh_token=" + sdk::url_encode(refresh_token) +
                          "&client_id=" + sdk::url_encode(client.id) +
                          "&client_secret=" + sdk::url_encode(client.secret));
}

std::optional<Tokens> PasswordAuthorize(sdk::Call& call, const std::string& token_url,
                                        const Client& client, const std::string& username,
                                        const std::string& password) {
  try {
    const std::string authorize = AuthorizeUrl(token_url);
    if (!IsBullhornUrl(authorize)) throw sdk::UpstreamError(0, "not a Bullhorn token URL");
    const std::string url =
        authorize + "?client_id=" + sdk::url_encode(client.id) +
        "&username=" + sdk::url_encode(username) + "&password=" + sdk::url_encode(password) +
        "&response_type=code&action=Login&redirect_uri=" + sdk::url_encode(kRedirectUri);
    // The code comes in the redirect's Location: the redirect itself is the answer we want.
    sdk::HttpResponse resp = call.http("GET", url, {});
    if (resp.status != 302)
      throw sdk::UpstreamError(resp.status, Failed("Bullhorn OAuth", resp.status, "GET", url));
    const std::string code = QueryParam(std::string(resp.header("location")), "code");
    if (code.empty()) throw sdk::UpstreamError(302, "Bullhorn's authorize redirect has no code");
    return TokenRequest(call, token_url,
                        "grant_type=authorization_code&code=" + sdk::url_encode(code) +
                            "&client_id=" + sdk::url_encode(client.id) +
                            "&client_secret=" + sdk::url_encode(client.secret) +
                            "&redirect_uri=" + sdk::url_encode(kRedirectUri));
  } catch (const std::exception& e) {
    call.warn(std::string("Bullhorn password authorization failed: ") + e.what());
    return std::nullopt;
  }
}

int64_t PingSessionExpires(sdk::Call& call, const RestSession& session) {
  if (!IsBullhornUrl(session.rest_url)) throw sdk::UpstreamError(401, "no Bullhorn REST session");
  const std::string url = session.rest_url + "ping";
  sdk::HttpResponse resp = call.http(
      "GET", url, {{"BhRestToken", session.bh_rest_token}, {"Accept", "application/json"}});
  if (!resp.ok())
    throw sdk::UpstreamError(resp.status, Failed("Bullhorn", resp.status, "GET", url));
  const json::value v = ParseOr(resp, "Bullhorn ping");
  const json::value* expires = js::get(&v, "sessionExpires");
  auto ms = expires && expires->is_number() ? js::to_safe_integer(expires) : std::nullopt;
  if (!ms) throw sdk::UpstreamError(resp.status, "Bullhorn ping answered no sessionExpires");
  return *ms;
}

json::object SessionUpdate(const RestSession& session) {
  return json::object{
      {"platformAdditionalInfo", json::object{{"bhRestToken", session.bh_rest_token},
                                              {"restUrl", session.rest_url},
                                              {"sessionExpires", nullptr}}}};
}

Api::Api(sdk::Call& call, const json::object& in) : call_(&call) {
  const json::object& user = object_of(in, "user");
  const json::object& info = object_of(user, "platformAdditionalInfo");
  session_.bh_rest_token = js::text_or_empty(js::get(info, "bhRestToken"));
  session_.rest_url = js::text_or_empty(js::get(info, "restUrl"));
  login_url_ = js::text_or_empty(js::get(info, "loginUrl"));
  access_token_ = js::text_or_empty(js::get(user, "accessToken"));
}

sdk::HttpResponse Api::Send(std::string_view method, const std::string& url,
                            const std::string& payload, bool has_body) const {
  std::vector<std::pair<std::string_view, std::string_view>> headers{
      {"BhRestToken", session_.bh_rest_token}, {"Accept", "application/json"}};
  if (has_body) headers.emplace_back("Content-Type", "application/json");
  return call_->http_headers(method, url, headers, payload);
}

json::value Api::Request(std::string_view method, const std::string& path, const json::value* body,
                         bool track) {
  const std::string payload = body ? json::serialize(*body) : std::string();
  if (!IsBullhornUrl(session_.rest_url)) Relogin();
  sdk::HttpResponse resp = Send(method, session_.rest_url + path, payload, body != nullptr);
  if (resp.status == 401 && !relogged_) {
    Relogin();
    resp = Send(method, session_.rest_url + path, payload, body != nullptr);
  }
  if (!resp.ok())
    throw sdk::UpstreamError(resp.status,
                             Failed("Bullhorn", resp.status, method, session_.rest_url + path));
  if (track)
    tracking_ = RateLimitTracking(resp.header("ratelimit-remaining"),
                                  resp.header("ratelimit-limit"), resp.header("ratelimit-reset"));
  return ParseOr(resp, "Bullhorn");
}

void Api::Relogin() {
  relogged_ = true;
  session_ = Login(*call_, login_url_, access_token_);
}

json::object Api::Finish(json::object result) const {
  result["extraDataTracking"] = tracking_;
  if (relogged_) result["userUpdate"] = SessionUpdate(session_);
  return result;
}

}  // namespace bullhorn
