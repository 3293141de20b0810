// Fuzz target: URL and query handling, on both sides of the daemon.
//
// Inbound: every request target's query string ("?jwtToken=...&phoneNumber=%2B1...") is split
// and percent-decoded by ParseQuery / PercentDecode. Outbound: every URL a plugin asks the
// host to fetch is judged by EgressPolicy (the SSRF guard), and those URLs carry user-controlled
// parts (a CRM hostname, an API URL, links in a message); host patterns come from plugin
// manifests and the configuration file; resolved addresses come from DNS. The target checks the
// guard's promises besides memory safety: an accepted URL is http(s), on an allowed host, and
// never sends credentials over plain http; an IPv4 address is judged the same in its
// IPv4-mapped and NAT64 IPv6 forms; the URL the client then connects to has the judged host.
#include <algorithm>
#include <array>
#include <boost/asio/ip/address.hpp>
#include <boost/url/parse.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "crmhost/encoding.h"
#include "http/message.h"
#include "outbound/egress_policy.h"

namespace {
using crmhost::outbound::EgressPolicy;
namespace ip = boost::asio::ip;

[[noreturn]] void Broken(const char* what, const std::string& detail) {
  std::fprintf(stderr, "query_url fuzz: %s: %s\n", what, detail.c_str());
  std::abort();
}

const EgressPolicy& Policy() {
  static const EgressPolicy* policy = [] {
    auto* p = new EgressPolicy;
    p->SetPluginHosts("plugin", std::vector<std::string>{"*.example.com"});
    return p;
  }();
  return *policy;
}

void CheckAddress(const std::array<unsigned char, 16>& bytes) {
  const ip::address_v6 v6(bytes);
  (void)EgressPolicy::ForbiddenRange(ip::address(v6));
  (void)Policy().AddressAllowed(ip::address(v6), "api.example.com");
  // The last four bytes as IPv4, and that address in the IPv6 forms that reach it.
  const ip::address_v4 v4(ip::address_v4::bytes_type{bytes[12], bytes[13], bytes[14], bytes[15]});
  const std::string_view range = EgressPolicy::ForbiddenRange(ip::address(v4));
  auto mapped = bytes;
  std::fill(mapped.begin(), mapped.begin() + 10, 0);
  mapped[10] = mapped[11] = 0xff;
  if (EgressPolicy::ForbiddenRange(ip::address(ip::address_v6(mapped))) != range)
    Broken("IPv4-mapped form judged differently", v4.to_string());
  auto nat64 = bytes;
  std::fill(nat64.begin(), nat64.begin() + 12, 0);
  nat64[1] = 0x64, nat64[2] = 0xff, nat64[3] = 0x9b;
  if (EgressPolicy::ForbiddenRange(ip::address(ip::address_v6(nat64))) != range)
    Broken("NAT64 form judged differently", v4.to_string());
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Input: a flags byte (bit 0: the request carries an Authorization header), 16 address
  // bytes, then "PATTERN\nURL" (without a newline: all URL, and the pattern is empty).
  if (size < 17) return 0;
  const bool with_credentials = data[0] & 1;
  std::array<unsigned char, 16> address{};
  std::copy(data + 1, data + 17, address.begin());
  const std::string_view rest(reinterpret_cast<const char*>(data) + 17, size - 17);
  const size_t nl = rest.find('\n');
  const std::string pattern(nl == rest.npos ? std::string_view() : rest.substr(0, nl));
  const std::string url(nl == rest.npos ? rest : rest.substr(nl + 1));

  CheckAddress(address);

  // Inbound: the query string of a request target, decoded as the server does.
  (void)crmhost::http::PercentDecode(url, false);
  const size_t q = url.find('?');
  for (const auto& [key, value] :
       crmhost::http::ParseQuery(std::string_view(url).substr(q == url.npos ? 0 : q + 1)))
    (void)crmhost::http::PercentDecode(key + value, true);

  // Host patterns as the configuration and manifests give them, matched against URL pieces.
  (void)EgressPolicy::CheckPattern(pattern);
  (void)EgressPolicy::Matches(pattern, url, 443, 443);

  // Outbound: a URL a plugin asks for.
  crmhost::http::Fields headers;
  if (with_credentials) headers.emplace_back("Authorization", "Bearer fuzz-token");
  auto target = Policy().CheckUrl("plugin", url, headers);
  if (target.ok()) {
    const std::string& host = target->host;
    if (target->scheme != "https" && target->scheme != "http") Broken("scheme accepted", url);
    if (!EgressPolicy::Matches("*.example.com", host, target->port,
                               target->scheme == "https" ? 443 : 80))
      Broken("host outside the allowlist accepted", url);
    if (host.size() <= 12 || host.compare(host.size() - 12, 12, ".example.com") != 0)
      Broken("host outside *.example.com accepted", url);
    if (with_credentials && target->scheme == "http") Broken("credentials over http", url);
    // The client then connects to what boost::urls::parse_uri finds in the same URL (its
    // ParseTarget is file-local in outbound/client.cpp): the host and port the policy judged.
    auto connect = boost::urls::parse_uri(url);
    if (!connect) Broken("accepted URL the client cannot parse", url);
    std::string connect_host = crmhost::ToLower(connect->encoded_host());
    while (!connect_host.empty() && connect_host.back() == '.')
      connect_host.pop_back();
    const uint16_t connect_port = connect->has_port()         ? connect->port_number()
                                  : target->scheme == "https" ? 443
                                                              : 80;
    if (connect_host != host || connect_port != target->port)
      Broken("the client would connect elsewhere than the policy judged", url);
  }
  (void)Policy().CheckUrl("", url, headers);  // the daemon's own configured URLs
  return 0;
}
