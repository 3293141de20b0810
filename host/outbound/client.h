// OutboundClient: the one HTTP(S) client crmhost uses to reach CRMs (plugins reach it through
// the host services table, never directly).
//
// What it does for every request: applies test-time URL overrides (--outbound-override), goes
// through the configured HTTP proxy unless the host is exempt (CONNECT tunnels for https,
// absolute-form requests for http),
// verifies TLS against the system CAs (plus an optional extra CA file) with SNI and host-name
// checks, reuses keep-alive connections per origin, enforces one deadline for the whole
// exchange and a response size limit, and follows up to max_redirects redirects. Only
// idempotent requests are retried, once, and only when a reused keep-alive connection turned
// out to be closed before any answer arrived; a POST is never sent twice.
//
// Threading: Send() parks the calling fiber (or blocks a plain thread) until the exchange, which
// runs on the io_context's threads, is over; never call it from a thread that runs that
// io_context (it would wait on itself). Thread-safe. Beast lives only in client.cpp.
#ifndef CRMHOST_OUTBOUND_CLIENT_H
#define CRMHOST_OUTBOUND_CLIENT_H

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crmhost/status.h"
#include "http/message.h"
#include "outbound/egress_policy.h"

namespace boost::asio {
class io_context;
}

namespace crmhost::outbound {

struct OutboundRequest {
  std::string method = "GET";
  std::string url;  // absolute http(s) URL
  http::Fields headers;
  std::string body;
  std::chrono::milliseconds timeout{0};  // 0 = Options::default_timeout
  // Whose request this is, for the egress policy: the plugin (its allowlist applies), or empty
  // for the daemon's own request to a URL from its configuration (RingCentral identity).
  std::string plugin;
  // Names the user in a refusal's log line (a hash, never a secret); may be empty.
  std::string user_ref;
  // Redirects are followed only when asked (each hop judged again; credentials never go to
  // another origin). Otherwise the 3xx is the answer.
  bool follow_redirects = false;
};

struct OutboundResponse {
  int status = 0;
  http::Fields headers;  // names lower-cased
  std::string body;
};

class OutboundClient {
 public:
  struct Options {
    // URL prefix rewrites, first match wins ("https://crm.example/api" -> "http://127.0.0.1:7070").
    std::vector<std::pair<std::string, std::string>> overrides;
    std::chrono::milliseconds default_timeout{30000};
    size_t max_response_bytes = 32 * 1024 * 1024;
    std::string ca_file;  // extra trusted CA certificates (PEM); the system store is always used
    size_t max_idle_per_origin = 32;
    // Connections to one origin in use at once (a bulkhead: one slow CRM host cannot take every
    // file descriptor); further requests wait for a free one until their deadline.
    size_t max_per_origin = 1024;
    // Requests allowed to wait for a connection to one origin; beyond it they fail at once.
    size_t max_waiters_per_origin = 4096;
    // Idle connections older than this are not reused (servers commonly close after 5 s).
    std::chrono::milliseconds max_idle_age{4000};
    int max_redirects = 5;
    std::string user_agent = "crmhost";
    // "http://[user:password@]host:port": CRM calls go through this HTTP proxy. Empty: direct.
    // The credentials (percent-decoded) become Proxy-Authorization: Basic; they never appear in
    // an error message.
    std::string proxy;
    // Hosts reached directly even with a proxy: "crm.example.com" (that host), ".example.com"
    // (any host under it), "*" (every host).
    std::vector<std::string> no_proxy;
    // Where plugins may go (egress_policy.h); null: anywhere (unit setups only).
    std::shared_ptr<const EgressPolicy> policy;
    // Names answered without DNS ("crm.example.com" -> "10.0.0.7"), like curl --resolve: the
    // tests' DNS, and an administrator's pin. The policy judges the pinned address.
    std::map<std::string, std::string> resolve;
  };

  // Checks a proxy URL as Options::proxy takes it; "" if usable, else why not (no credentials
  // quoted).
  static std::string CheckProxyUrl(std::string_view url);

  // Throws std::invalid_argument for an unusable proxy URL, std::exception for a bad CA file.
  OutboundClient(boost::asio::io_context& ioc, Options options);
  ~OutboundClient();

  // Closes every idle pooled connection. Idle sockets belong to the event loop that opened them
  // (a fiber thread's loop, or the network threads'): the daemon calls this once the fiber
  // threads have finished and before their loops are destroyed, since closing a socket needs its
  // loop alive.
  void CloseIdle();

  // Sends one request and waits for the answer. Any HTTP status is a success here.
  // Errors: InvalidArgument (bad URL), Timeout, Unavailable (DNS, connect, TLS, protocol),
  // ResourceExhausted (response over the size limit), PermissionDenied (the egress policy).
  Result<OutboundResponse> Send(OutboundRequest request);

  std::string ApplyOverrides(std::string_view url) const;
  size_t idle_connections() const;

  // Pool figures for /metrics, summed over origins.
  struct Stats {
    size_t in_flight = 0;           // exchanges under way
    size_t connections_in_use = 0;  // checked out or connecting
    size_t idle = 0;                // kept alive for reuse
    size_t waiting = 0;             // requests waiting for a connection slot
    uint64_t waits_total = 0;       // requests that had to wait, since start
    double wait_seconds_total = 0;  // how long they waited, summed
    uint64_t wait_refusals = 0;     // refused because too many were waiting
  };
  Stats stats() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace crmhost::outbound

#endif  // CRMHOST_OUTBOUND_CLIENT_H
