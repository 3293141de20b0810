#include "outbound/target.h"

#include <boost/url/parse.hpp>

#include "crmhost/encoding.h"

namespace crmhost::outbound {

Result<Target> ParseTarget(std::string_view url) {
  auto r = boost::urls::parse_uri(url);
  if (!r) return Status::InvalidArgument("not an absolute URL");
  Target t;
  auto scheme = ToLower(r->scheme());
  if (scheme == "https") {
    t.tls = true;
  } else if (scheme != "http") {
    return Status::InvalidArgument("only http and https URLs are allowed");
  }
  t.host = std::string(r->encoded_host());
  if (t.host.empty()) return Status::InvalidArgument("URL has no host");
  // IPv6 literals arrive bracketed; resolvers want them bare.
  if (t.host.front() == '[' && t.host.back() == ']') t.host = t.host.substr(1, t.host.size() - 2);
  t.port = r->has_port() ? std::string(r->port()) : (t.tls ? "443" : "80");
  t.path_and_query = std::string(r->encoded_path());
  if (t.path_and_query.empty()) t.path_and_query = "/";
  if (r->has_query()) t.path_and_query += "?" + std::string(r->encoded_query());
  return t;
}

// "scheme://host:port" of a URL (lower-cased, default ports explicit); "" if unparsable.
std::string OriginOf(std::string_view url) {
  auto r = boost::urls::parse_uri(url);
  if (!r) return {};
  const std::string scheme = ToLower(r->scheme());
  std::string port = r->has_port() ? std::string(r->port()) : scheme == "https" ? "443" : "80";
  return scheme + "://" + ToLower(r->encoded_host()) + ":" + port;
}

bool IsCredentialHeader(std::string_view name) {
  for (std::string_view c :
       {"authorization", "cookie", "proxy-authorization", "x-api-key", "api-key", "x-auth-token"})
    if (EqualsIgnoreCase(name, c)) return true;
  return false;
}

bool Idempotent(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE" ||
         method == "OPTIONS";
}

Result<Proxy> ParseProxy(std::string_view url) {
  auto r = boost::urls::parse_uri(url);
  if (!r) return Status::InvalidArgument("the proxy must be an absolute http:// URL");
  if (ToLower(r->scheme()) != "http")
    return Status::InvalidArgument("only http:// proxies are supported (CONNECT for https)");
  Proxy p;
  p.host = std::string(r->encoded_host());
  if (p.host.empty()) return Status::InvalidArgument("the proxy URL has no host");
  if (p.host.front() == '[' && p.host.back() == ']') p.host = p.host.substr(1, p.host.size() - 2);
  p.port = r->has_port() ? std::string(r->port()) : "80";
  if (r->has_userinfo())
    p.authorization =
        "Basic " + Base64Encode(std::string(r->user()) + ":" + std::string(r->password()));
  if (r->encoded_path().size() > 1 || r->has_query())
    return Status::InvalidArgument("the proxy URL must not have a path or query");
  return p;
}

// "host:port" as CONNECT and the Host header want it (IPv6 literals bracketed).
std::string Authority(const Target& t) {
  return (t.host.find(':') != std::string::npos ? "[" + t.host + "]" : t.host) + ":" + t.port;
}

}  // namespace crmhost::outbound
