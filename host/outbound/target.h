// What the outbound client reads from a URL: where to connect (Target), whose credentials a
// header carries, which requests may be retried, and the HTTP proxy to go through. Private to
// the outbound layer (client.cpp and its tests).
#ifndef CRMHOST_OUTBOUND_TARGET_H
#define CRMHOST_OUTBOUND_TARGET_H

#include <string>
#include <string_view>

#include "crmhost/status.h"

namespace crmhost::outbound {

struct Target {
  bool tls = false;
  std::string host;  // IPv6 literals without brackets
  std::string port;  // explicit, default ports filled in
  std::string path_and_query;
  std::string origin() const { return (tls ? "https://" : "http://") + host + ":" + port; }
  std::string host_header() const {
    bool default_port = (tls && port == "443") || (!tls && port == "80");
    return default_port ? host : host + ":" + port;
  }
};

// An absolute http:// or https:// URL; anything else is InvalidArgument.
Result<Target> ParseTarget(std::string_view url);
// "scheme://host:port" of a URL (lower-cased, default ports explicit); "" if unparsable.
std::string OriginOf(std::string_view url);
// Headers that carry credentials: dropped when a redirect leaves the origin.
bool IsCredentialHeader(std::string_view name);
// Methods a failed reused connection may be retried with.
bool Idempotent(std::string_view method);

// The HTTP proxy CRM calls go through, parsed once.
struct Proxy {
  std::string host, port;
  std::string authorization;  // "Basic ..." or empty
  std::string where() const { return host + ":" + port; }
};
Result<Proxy> ParseProxy(std::string_view url);
// "host:port" as CONNECT and the Host header want it (IPv6 literals bracketed).
std::string Authority(const Target& t);

}  // namespace crmhost::outbound

#endif  // CRMHOST_OUTBOUND_TARGET_H
