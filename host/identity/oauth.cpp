#include "identity/oauth.h"

#include <boost/url/parse.hpp>
#include <crmhost/sdk/js.hpp>

#include "crmhost/encoding.h"
#include "outbound/client.h"

namespace crmhost::identity {
namespace json = boost::json;
namespace js = crmhost::sdk::js;

namespace {

std::string Str(const json::object& o, std::string_view k) {
  auto* v = js::get(o, k);
  return v ? js::to_string(*v) : std::string();
}

std::string PathOf(std::string_view uri) {
  auto u = boost::urls::parse_uri_reference(uri);
  return u ? std::string(u->path()) : std::string();
}

}  // namespace

OAuthApp OAuthApp::FromJson(const json::object& o) {
  OAuthApp a;
  a.client_id = Str(o, "clientId");
  a.client_secret = Str(o, "clientSecret");
  a.access_token_uri = Str(o, "accessTokenUri");
  a.authorization_uri = Str(o, "authorizationUri");
  a.redirect_uri = Str(o, "redirectUri");
  a.hostname = Str(o, "hostname");
  if (auto* s = o.if_contains("scopes")) a.scopes = *s;
  return a;
}

json::object OAuthApp::ToJson() const {
  json::object o{{"clientId", client_id},
                 {"clientSecret", client_secret},
                 {"accessTokenUri", access_token_uri},
                 {"authorizationUri", authorization_uri},
                 {"redirectUri", redirect_uri},
                 {"scopes", scopes}};
  if (!hostname.empty()) o["hostname"] = hostname;
  return o;
}

std::string FormEncode(const http::Fields& fields) {
  std::string out;
  for (auto& [k, v] : fields) {
    if (!out.empty()) out += '&';
    out += EncodeUriComponent(k) + "=" + EncodeUriComponent(v);
  }
  return out;
}

OAuthClient::OAuthClient(outbound::OutboundClient& http, std::function<int64_t()> now_ms)
    : http_(http), now_ms_(std::move(now_ms)) {}

Result<TokenResponse> OAuthClient::Post(const OAuthApp& app, std::string url, http::Fields headers,
                                        std::string body, int* http_status) const {
  if (app.access_token_uri.empty())
    return Status::InvalidArgument("the OAuth app has no token URL");
  outbound::OutboundRequest req;
  req.method = "POST";
  req.url = std::move(url);
  req.headers = std::move(headers);
  req.body = std::move(body);
  req.plugin = app.plugin;
  auto resp = http_.Send(std::move(req));
  if (!resp.ok())
    return Status::Unavailable("token endpoint unreachable: " + resp.status().message());
  if (http_status) *http_status = resp->status;
  // The answer may be JSON or a form; either may carry "error".
  json::object data;
  boost::system::error_code ec;
  json::value parsed = json::parse(resp->body, ec);
  if (!ec && parsed.is_object()) {
    data = std::move(parsed.get_object());
  } else {
    for (auto& [k, v] : http::ParseQuery(resp->body))
      data[k] = v;
  }
  const std::string error = Str(data, "error");
  if (!error.empty()) {
    std::string description = Str(data, "error_description");
    if (error == "invalid_grant") return Status::PermissionDenied("invalid_grant");
    return Status::Unavailable("token endpoint refused: " + error +
                               (description.empty() ? "" : " (" + description + ")"));
  }
  if (resp->status < 200 || resp->status >= 300)
    return Status::Unavailable("token endpoint answered HTTP " + std::to_string(resp->status));
  TokenResponse t;
  t.access_token = Str(data, "access_token");
  t.refresh_token = Str(data, "refresh_token");
  if (auto* exp = js::get(data, "expires_in")) {
    double secs = js::to_number(*exp);
    if (secs == secs) t.expires_at_ms = now_ms_() + int64_t(secs * 1000);
  }
  t.raw = std::move(data);
  if (t.access_token.empty())
    return Status::Unavailable("token endpoint answered without an access_token");
  return t;
}

Result<TokenResponse> OAuthClient::ExchangeCode(const OAuthApp& app, std::string_view callback_uri,
                                                const TokenRequestOverride* extra) const {
  auto uri = boost::urls::parse_uri_reference(callback_uri);
  if (!uri) return Status::InvalidArgument("callbackUri is not a URL");
  if (!app.redirect_uri.empty() && PathOf(callback_uri) != PathOf(app.redirect_uri))
    return Status::InvalidArgument("Redirected path should match configured path, but got: " +
                                   PathOf(callback_uri));
  const http::Fields query =
      uri->has_query() ? http::ParseQuery(uri->encoded_query()) : http::Fields{};
  std::string code, error;
  for (auto& [k, v] : query) {
    if (k == "code" && code.empty()) code = v;
    if (k == "error" && error.empty()) error = v;
  }
  if (!error.empty()) return Status::InvalidArgument("authorization failed: " + error);
  if (code.empty()) return Status::InvalidArgument("Missing code, unable to request token");

  http::Fields headers = {{"Accept", "application/json, application/x-www-form-urlencoded"},
                          {"Content-Type", "application/x-www-form-urlencoded"}};
  http::Fields body = {
      {"code", code}, {"grant_type", "authorization_code"}, {"redirect_uri", app.redirect_uri}};
  if (!app.client_secret.empty()) {
    headers.emplace_back("Authorization",
                         "Basic " + Base64Encode(app.client_id + ":" + app.client_secret));
  } else {
    body.emplace_back("client_id", app.client_id);
  }
  std::string url = app.access_token_uri;
  if (extra) {
    for (auto& [k, v] : extra->headers) {
      bool replaced = false;
      for (auto& h : headers)
        if (EqualsIgnoreCase(h.first, k)) {
          h.second = v;
          replaced = true;
        }
      if (!replaced) headers.emplace_back(k, v);
    }
    if (!extra->query.empty())
      url += (url.find('?') == std::string::npos ? "?" : "&") + FormEncode(extra->query);
    for (auto& [k, v] : extra->body) {
      std::string value = js::to_string(v);
      bool replaced = false;
      for (auto& b : body)
        if (b.first == k) {
          b.second = value;
          replaced = true;
        }
      if (!replaced) body.emplace_back(std::string(k), value);
    }
  }
  // A header blanked by the override (e.g. Authorization) is not sent at all.
  std::erase_if(headers, [](const auto& h) { return h.second.empty(); });
  return Post(app, url, std::move(headers), FormEncode(body), nullptr);
}

Result<TokenResponse> OAuthClient::Refresh(const OAuthApp& app, std::string_view refresh_token,
                                           int* http_status) const {
  http::Fields headers = {
      {"Accept", "application/json, application/x-www-form-urlencoded"},
      {"Content-Type", "application/x-www-form-urlencoded"},
      {"Authorization", "Basic " + Base64Encode(app.client_id + ":" + app.client_secret)}};
  http::Fields body = {{"refresh_token", std::string(refresh_token)},
                       {"grant_type", "refresh_token"}};
  return Post(app, app.access_token_uri, std::move(headers), FormEncode(body), http_status);
}

}  // namespace crmhost::identity
