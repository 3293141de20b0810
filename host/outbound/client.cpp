// The one translation unit that instantiates Beast's client and TLS stream code.
#include "outbound/client.h"

#include <openssl/ssl.h>

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <deque>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <tuple>
#include <unordered_map>

#include <spdlog/spdlog.h>

#include "crmhost/encoding.h"
#include "crmhost/suspend.h"
#include "outbound/target.h"
#include "runtime/fiber_pool.h"

namespace crmhost::outbound {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

// Identifies the event loop behind an executor (a fiber thread's own loop, or the network one).
const void* LoopOf(const asio::any_io_executor& ex) {
  return &asio::query(ex, asio::execution::context);
}

// A kept-alive connection, plain or TLS, bound to one origin.
struct Connection {
  std::string origin;
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;
  Clock::time_point idle_since;
  bool reused = false;
  const void* loop = nullptr;  // the event loop its socket belongs to

  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
};

struct Outcome {
  Status status;
  OutboundResponse response;
};

}  // namespace

struct OutboundClient::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::io_context& io, Options o)
      : ioc(io), opts(std::move(o)), policy(opts.policy), tls_ctx(ssl::context::tls_client) {
    tls_ctx.set_default_verify_paths();
    if (!opts.ca_file.empty()) tls_ctx.load_verify_file(opts.ca_file);
    tls_ctx.set_verify_mode(ssl::verify_peer);
    if (!opts.proxy.empty()) {
      auto p = ParseProxy(opts.proxy);
      if (!p.ok()) throw std::invalid_argument("outbound proxy: " + p.status().message());
      proxy = std::move(p).value();
    }
    for (std::string& entry : opts.no_proxy)  // compared case-insensitively on every request
      entry = ToLower(entry);
  }

  asio::io_context& ioc;
  Options opts;
  std::shared_ptr<const EgressPolicy> policy;  // null: no checks (setups without plugins)
  ssl::context tls_ctx;
  std::atomic<int64_t> in_flight{0};  // exchanges between slot and answer
  std::optional<Proxy> proxy;

  bool ViaProxy(const Target& t) const {
    if (!proxy) return false;
    const std::string host = ToLower(t.host);
    for (const std::string& e : opts.no_proxy) {
      if (e == "*" || e == host) return false;
      if (!e.empty() && e.front() == '.' && host.size() > e.size() &&
          host.compare(host.size() - e.size(), e.size(), e) == 0)
        return false;
    }
    return true;
  }

  // Opens the tunnel to `t` through the proxy on an already connected stream.
  asio::awaitable<Status> Tunnel(beast::tcp_stream& low, const Target& t) {
    bhttp::request<bhttp::empty_body> req{bhttp::verb::connect, Authority(t), 11};
    req.set(bhttp::field::host, Authority(t));
    if (!proxy->authorization.empty())
      req.set(bhttp::field::proxy_authorization, proxy->authorization);
    auto [wec, n] = co_await bhttp::async_write(low, req, kUseTuple);
    beast::flat_buffer buf;
    bhttp::response_parser<bhttp::empty_body> parser;
    parser.skip(true);  // a CONNECT answer has no body; what follows belongs to the tunnel
    beast::error_code rec = wec;
    if (!rec) std::tie(rec, n) = co_await bhttp::async_read(low, buf, parser, kUseTuple);
    if (rec) {
      if (rec == beast::error::timeout)
        co_return Status::Timeout("the proxy " + proxy->where() + " did not open a tunnel to " +
                                  Authority(t) + " in time");
      co_return Status::Unavailable("CONNECT through the proxy " + proxy->where() +
                                    " failed: " + rec.message());
    }
    const auto& res = parser.get();
    if (res.result_int() / 100 != 2)
      co_return Status::Unavailable("the proxy " + proxy->where() + " refused CONNECT to " +
                                    Authority(t) + ": " + std::to_string(res.result_int()) + " " +
                                    std::string(res.reason()));
    co_return Status::OK();
  }
  // ---- the connection pool: per origin, at most max_per_origin connections in use ---------------

  // A request waiting for a connection slot of a busy origin.
  struct Waiter {
    explicit Waiter(asio::any_io_executor ex) : timer(ex), loop(LoopOf(ex)) {}
    asio::steady_timer timer;  // expires at the request's deadline; cancelled when granted
    const void* loop;
    bool granted = false;                // guarded by mu
    std::unique_ptr<Connection> handed;  // an idle connection handed over, or null: connect
  };
  struct OriginPool {
    size_t in_use = 0;  // checked out or connecting
    std::vector<std::unique_ptr<Connection>> idle;
    std::deque<std::shared_ptr<Waiter>> waiters;
  };
  mutable std::mutex mu;
  std::unordered_map<std::string, OriginPool> pools;  // guarded by mu
  uint64_t waits_total = 0;                           // guarded by mu
  double wait_seconds_total = 0;                      // guarded by mu
  uint64_t wait_refusals = 0;                         // guarded by mu

  // A fresh-enough idle connection of `p` on event loop `loop`, or null. Caller holds mu.
  // Connections are kept per loop: a socket is served by the thread of the loop it was made on,
  // and a fiber's exchanges stay on its own thread.
  std::unique_ptr<Connection> PopIdle(OriginPool& p, const void* loop) {
    const auto now = Clock::now();
    std::erase_if(p.idle, [&](const std::unique_ptr<Connection>& c) {
      return now - c->idle_since >= opts.max_idle_age;  // probably closed by the server by now
    });
    for (auto it = p.idle.rbegin(); it != p.idle.rend(); ++it) {
      if ((*it)->loop != loop) continue;
      auto c = std::move(*it);
      p.idle.erase(std::next(it).base());
      c->reused = true;
      return c;
    }
    return nullptr;
  }

  // Takes a slot for `origin`: an idle connection, or null meaning "connect a new one". Waits
  // (until `deadline`) while the origin has max_per_origin connections in use.
  asio::awaitable<Result<std::unique_ptr<Connection>>> Acquire(const std::string& origin,
                                                               Clock::time_point deadline) {
    auto ex = co_await asio::this_coro::executor;
    const void* loop = LoopOf(ex);
    std::shared_ptr<Waiter> w;
    {
      std::lock_guard lock(mu);
      OriginPool& p = pools[origin];
      if (p.in_use < opts.max_per_origin) {
        ++p.in_use;
        co_return PopIdle(p, loop);
      }
      if (p.waiters.size() >= opts.max_waiters_per_origin) {
        ++wait_refusals;
        co_return Status::ResourceExhausted("too many requests waiting for a connection to " +
                                            origin);
      }
      w = std::make_shared<Waiter>(ex);
      w->timer.expires_at(deadline);
      p.waiters.push_back(w);
    }
    const auto started = Clock::now();
    co_await w->timer.async_wait(kUseTuple);
    std::lock_guard lock(mu);
    ++waits_total;
    wait_seconds_total += std::chrono::duration<double>(Clock::now() - started).count();
    if (w->granted) co_return std::move(w->handed);
    auto& q = pools[origin].waiters;
    q.erase(std::remove(q.begin(), q.end(), w), q.end());
    co_return Status::Timeout("no connection to " + origin + " became free in time (" +
                              std::to_string(opts.max_per_origin) + " in use)");
  }

  // Gives a slot back: `c` (reusable, or null when it was closed) goes to the first waiter, else
  // to the idle list.
  void Release(const std::string& origin, std::unique_ptr<Connection> c) {
    if (c) c->idle_since = Clock::now();
    std::shared_ptr<Waiter> next;
    {
      std::lock_guard lock(mu);
      OriginPool& p = pools[origin];
      if (!p.waiters.empty()) {
        next = std::move(p.waiters.front());
        p.waiters.pop_front();
        next->granted = true;
        // The slot passes on; the connection only if it is on the waiter's loop (else it is
        // kept idle and the waiter connects on its own loop).
        if (c && c->loop == next->loop) {
          next->handed = std::move(c);
          next->handed->reused = true;
        } else if (c && p.idle.size() < opts.max_idle_per_origin) {
          p.idle.push_back(std::move(c));
        }
      } else {
        --p.in_use;
        if (c && p.idle.size() < opts.max_idle_per_origin) p.idle.push_back(std::move(c));
      }
    }
    // The timer belongs to the waiter's strand: cancel it there.
    if (next) asio::post(next->timer.get_executor(), [next] { next->timer.cancel(); });
  }

  // The name's addresses: from --outbound-resolve when the administrator pinned it (the tests'
  // DNS), else from the system's resolver.
  asio::awaitable<std::tuple<boost::system::error_code, tcp::resolver::results_type>> Resolve(
      const std::string& host, const std::string& port) {
    tcp::resolver resolver(co_await asio::this_coro::executor);
    auto pinned = opts.resolve.find(ToLower(host));
    const std::string& name = pinned != opts.resolve.end() ? pinned->second : host;
    co_return co_await resolver.async_resolve(name, port, kUseTuple);
  }

  static Status Refused(const std::string& host, const asio::ip::address& a) {
    return Status::PermissionDenied(host + " resolves to a " +
                                    std::string(EgressPolicy::ForbiddenRange(a)) + " address");
  }

  asio::awaitable<Result<std::unique_ptr<Connection>>> Connect(const Target& t,
                                                               Clock::time_point deadline,
                                                               bool check_addresses) {
    auto c = std::make_unique<Connection>();
    c->origin = t.origin();
    const bool via_proxy = ViaProxy(t);
    const std::string& host = via_proxy ? proxy->host : t.host;
    const std::string& port = via_proxy ? proxy->port : t.port;
    const std::string peer = via_proxy ? "the proxy " + proxy->where() : t.origin();
    // The policy judges the addresses the target's name resolves to, and only those are
    // connected to (no second lookup an attacker's DNS could answer differently). Through a
    // proxy the proxy connects; the check is then made on our own lookup of the name.
    if (check_addresses && via_proxy) {
      auto [tec, target_eps] = co_await Resolve(t.host, t.port);
      if (tec) co_return Status::Unavailable("cannot resolve " + t.host + ": " + tec.message());
      for (const auto& e : target_eps)
        if (!policy->AddressAllowed(e.endpoint().address(), t.host))
          co_return Refused(t.host, e.endpoint().address());
    }
    auto [rec, resolved] = co_await Resolve(host, port);
    if (rec) co_return Status::Unavailable("cannot resolve " + host + ": " + rec.message());
    std::vector<tcp::endpoint> endpoints;
    std::optional<asio::ip::address> refused;
    for (const auto& e : resolved) {
      if (check_addresses && !via_proxy &&
          !policy->AddressAllowed(e.endpoint().address(), t.host)) {
        refused = e.endpoint().address();
        continue;
      }
      endpoints.push_back(e.endpoint());
    }
    if (endpoints.empty() && refused) co_return Refused(t.host, *refused);
    if (endpoints.empty()) co_return Status::Unavailable("cannot resolve " + host);
    // The socket lives on the loop the exchange runs on (the calling fiber's own thread).
    auto ex = co_await asio::this_coro::executor;
    c->loop = LoopOf(ex);
    if (t.tls) {
      c->tls = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(ex, tls_ctx);
    } else {
      c->plain = std::make_unique<beast::tcp_stream>(ex);
    }
    auto& low = c->lowest();
    low.expires_at(deadline);
    auto [cec, ep] = co_await low.async_connect(endpoints, kUseTuple);
    if (cec) {
      if (cec == beast::error::timeout)
        co_return Status::Timeout("connecting to " + peer + " timed out");
      co_return Status::Unavailable("connect to " + peer + " failed: " + cec.message());
    }
    beast::error_code nodelay_ec;
    low.socket().set_option(tcp::no_delay(true), nodelay_ec);
    if (via_proxy && t.tls) {
      if (Status st = co_await Tunnel(low, t); !st.ok()) co_return st;
    }
    if (t.tls) {
      if (!SSL_set_tlsext_host_name(c->tls->native_handle(), t.host.c_str()))
        co_return Status::Unavailable("TLS: cannot set SNI for " + t.host);
      c->tls->set_verify_callback(ssl::host_name_verification(t.host));
      auto [hec] = co_await c->tls->async_handshake(ssl::stream_base::client, kUseTuple);
      if (hec) {
        if (hec == beast::error::timeout)
          co_return Status::Timeout("TLS handshake with " + t.origin() + " timed out");
        co_return Status::Unavailable("TLS handshake with " + t.origin() +
                                      " failed: " + hec.message());
      }
    }
    co_return std::move(c);
  }

  // One request/response on one connection. `answered` tells whether any response byte came.
  asio::awaitable<beast::error_code> Exchange(Connection& c,
                                              bhttp::request<bhttp::string_body>& req,
                                              bhttp::response_parser<bhttp::string_body>& parser,
                                              Clock::time_point deadline) {
    c.lowest().expires_at(deadline);
    if (c.tls) {
      auto [wec, n] = co_await bhttp::async_write(*c.tls, req, kUseTuple);
      if (wec) co_return wec;
      auto [rec, m] = co_await bhttp::async_read(*c.tls, c.buffer, parser, kUseTuple);
      co_return rec;
    }
    auto [wec, n] = co_await bhttp::async_write(*c.plain, req, kUseTuple);
    if (wec) co_return wec;
    auto [rec, m] = co_await bhttp::async_read(*c.plain, c.buffer, parser, kUseTuple);
    co_return rec;
  }

  // One hop's request, ready to send: what Run needs across its waits. Built, and the answer
  // read, by plain functions (PrepareHop, Answered): a coroutine's frame holds every local it
  // has, and an exchange's frame lives, on the heap, all the while a slow CRM thinks.
  struct Hop {
    Target target;
    bool overridden = false;  // the override's target is the admin's choice: no address check
    bhttp::request<bhttp::string_body> req;
  };

  // Judges `logical` by the egress policy, applies the overrides and builds the request.
  Status PrepareHop(const OutboundRequest& in, const std::string& logical,
                    const std::string& method, const std::string& body, Hop& hop) const {
    if (policy) {
      auto judged = policy->CheckUrl(in.plugin, logical, in.headers);
      if (!judged.ok()) {
        const auto parsed = boost::urls::parse_uri(logical);
        spdlog::warn("outbound request refused: plugin {}, user {}, host {}: {}",
                     in.plugin.empty() ? "-" : in.plugin, in.user_ref.empty() ? "-" : in.user_ref,
                     parsed ? std::string(parsed->encoded_host()) : std::string("?"),
                     judged.status().message());
        return judged.status();
      }
    }
    const std::string url = ApplyOverrides(logical);
    auto target = ParseTarget(url);
    if (!target.ok()) return target.status();
    hop = Hop{};
    hop.target = std::move(target).value();
    hop.overridden = url != logical;
    const Target& t = hop.target;
    auto& req = hop.req;
    req.method_string(method);
    // Plain http through the proxy: absolute-form target and the proxy's credentials on each
    // request (https goes through a CONNECT tunnel and looks direct from here on).
    const bool proxied_plain = !t.tls && ViaProxy(t);
    req.target(proxied_plain ? "http://" + Authority(t) + t.path_and_query : t.path_and_query);
    if (proxied_plain && !proxy->authorization.empty())
      req.set(bhttp::field::proxy_authorization, proxy->authorization);
    req.version(11);
    req.set(bhttp::field::host, t.host_header());
    req.set(bhttp::field::user_agent, opts.user_agent);
    for (auto& [k, v] : in.headers) {
      if (EqualsIgnoreCase(k, "host") || EqualsIgnoreCase(k, "content-length") ||
          EqualsIgnoreCase(k, "proxy-authorization"))
        continue;
      req.set(k, v);
    }
    req.body() = body;
    req.prepare_payload();
    req.keep_alive(true);
    return Status::OK();
  }

  // A failed exchange as the plugin sees it.
  Status ExchangeFailure(const Target& t, beast::error_code ec,
                         std::chrono::milliseconds timeout) const {
    if (ec == beast::error::timeout)
      return Status::Timeout("no answer from " + t.origin() + " within " +
                             std::to_string(timeout.count()) + " ms");
    if (ec == bhttp::error::body_limit)
      return Status::ResourceExhausted("answer from " + t.origin() + " exceeds " +
                                       std::to_string(opts.max_response_bytes) + " bytes");
    return Status::Unavailable("exchange with " + t.origin() + " failed: " + ec.message());
  }

  // The answer: final (returned), or a redirect to follow (`logical`, `method`, `body` and the
  // request's headers changed for the next hop; nothing returned). `keep` says whether the
  // connection may go back to the pool.
  std::optional<Outcome> Answered(bhttp::response_parser<bhttp::string_body>& parser,
                                  OutboundRequest& in, std::string& logical, std::string& method,
                                  std::string& body, int hop, bool& keep) const {
    auto res = parser.release();
    OutboundResponse out;
    out.status = int(res.result_int());
    for (auto& f : res)
      out.headers.emplace_back(ToLower(f.name_string()), std::string(f.value()));
    out.body = std::move(res.body());
    keep = res.keep_alive();
    const bool redirect = out.status == 301 || out.status == 302 || out.status == 303 ||
                          out.status == 307 || out.status == 308;
    auto location = res[bhttp::field::location];
    // Redirects are followed only when the plugin asked for it; each hop is judged by the
    // policy again.
    if (!redirect || location.empty() || !in.follow_redirects || hop >= opts.max_redirects)
      return Outcome{Status::OK(), std::move(out)};
    // Follow: resolve relative locations; 303 (and 301/302 after POST) become GET.
    auto ref = boost::urls::parse_uri_reference(location);
    boost::urls::url next(logical);
    if (!ref || !next.resolve(*ref)) return Outcome{Status::OK(), std::move(out)};
    const std::string next_origin = OriginOf(next.buffer());
    if (next_origin != OriginOf(logical)) {
      // A credential goes only to the origin it was meant for.
      std::erase_if(in.headers, [](const auto& h) { return IsCredentialHeader(h.first); });
    }
    logical = std::string(next.buffer());
    if (out.status == 303 || ((out.status == 301 || out.status == 302) && method == "POST")) {
      method = "GET";
      body.clear();
    }
    return std::nullopt;
  }

  asio::awaitable<Outcome> Run(OutboundRequest in) {
    auto self = shared_from_this();
    const auto timeout = in.timeout.count() > 0 ? in.timeout : opts.default_timeout;
    const auto deadline = Clock::now() + timeout;
    // `logical` is the URL as the plugin (or a redirect) named it: what the policy judges.
    // Where the request really goes (after --outbound-override) is the hop's target.
    std::string logical = in.url;
    std::string method = in.method;
    std::string body = std::move(in.body);
    for (int hop_count = 0;; ++hop_count) {
      Hop hop;
      if (Status st = PrepareHop(in, logical, method, body, hop); !st.ok())
        co_return Outcome{std::move(st), {}};
      const Target& t = hop.target;

      auto slot = co_await Acquire(t.origin(), deadline);
      if (!slot.ok()) co_return Outcome{slot.status(), {}};
      std::unique_ptr<Connection> conn = std::move(slot).value();
      // Whatever happens below, the slot goes back (with the connection when it is reusable).
      struct SlotReturn {
        Impl* impl;
        std::string origin;
        std::unique_ptr<Connection>* conn;
        ~SlotReturn() { impl->Release(origin, std::move(*conn)); }
      } slot_return{this, t.origin(), &conn};
      in_flight.fetch_add(1, std::memory_order_relaxed);
      struct InFlight {
        std::atomic<int64_t>& n;
        ~InFlight() { n.fetch_sub(1, std::memory_order_relaxed); }
      } in_flight_scope{in_flight};
      for (int attempt = 0;; ++attempt) {
        if (!conn) {
          auto made = co_await Connect(t, deadline, policy && !hop.overridden);
          if (!made.ok()) {
            if (made.status().code() == Status::Code::kPermissionDenied)
              spdlog::warn("outbound request refused: plugin {}, user {}, host {}: {}",
                           in.plugin.empty() ? "-" : in.plugin,
                           in.user_ref.empty() ? "-" : in.user_ref, t.host,
                           made.status().message());
            co_return Outcome{made.status(), {}};
          }
          conn = std::move(made).value();
        }
        bhttp::response_parser<bhttp::string_body> parser;
        parser.header_limit(64 * 1024);
        parser.body_limit(opts.max_response_bytes);
        parser.skip(method == "HEAD");
        auto ec = co_await Exchange(*conn, hop.req, parser, deadline);
        if (ec) {
          const bool stale = conn->reused && !parser.got_some();
          conn.reset();
          if (stale && attempt == 0 && Idempotent(method)) continue;  // reopen and retry once
          co_return Outcome{ExchangeFailure(t, ec, timeout), {}};
        }
        bool keep = false;
        auto done = Answered(parser, in, logical, method, body, hop_count, keep);
        if (!keep) conn.reset();  // SlotReturn pools it otherwise
        if (done) co_return std::move(*done);
        break;
      }
    }
  }

  std::string ApplyOverrides(std::string_view url) const {
    for (auto& [from, to] : opts.overrides) {
      if (url.substr(0, from.size()) == from) return to + std::string(url.substr(from.size()));
    }
    return std::string(url);
  }
};

std::string OutboundClient::CheckProxyUrl(std::string_view url) {
  auto p = ParseProxy(url);
  return p.ok() ? "" : p.status().message();
}

OutboundClient::OutboundClient(asio::io_context& ioc, Options options)
    : impl_(std::make_shared<Impl>(ioc, std::move(options))) {}

OutboundClient::~OutboundClient() {
  CloseIdle();
}

void OutboundClient::CloseIdle() {
  std::lock_guard lock(impl_->mu);
  for (auto& [origin, p] : impl_->pools)
    p.idle.clear();
}

Result<OutboundResponse> OutboundClient::Send(OutboundRequest request) {
  // On a fiber the exchange runs on the fiber's own thread (its loop serves the socket while the
  // fiber is parked: no thread hop); elsewhere on the network threads, and the caller blocks.
  // The exchange enforces its own deadline, so the wait ends.
  Outcome out;
  std::string failure;
  asio::io_context* own = CurrentFiberLoop();
  asio::any_io_executor where =
      own ? asio::any_io_executor(own->get_executor()) : asio::make_strand(impl_->ioc);
  SuspendUntil([&](Resume resume) {
    // On a fiber this runs on the thread's own stack once the fiber has parked (FiberPool's
    // Suspend). co_spawn dispatches: on the fiber's own loop the exchange's first steps (egress
    // check, URL parsing, connect) run right here, on that stack too, so none of it deepens the
    // stacks of thousands of parked requests.
    asio::co_spawn(where, impl_->Run(std::move(request)),
                   [&out, &failure, resume = std::move(resume)](std::exception_ptr e, Outcome o) {
                     if (e) {
                       try {
                         std::rethrow_exception(e);
                       } catch (const std::exception& ex) {
                         failure = ex.what();
                       } catch (...) {
                         failure = "unknown error";
                       }
                     } else {
                       out = std::move(o);
                     }
                     resume();
                   });
  });
  if (!failure.empty()) return Status::Unavailable("outbound request failed: " + failure);
  if (!out.status.ok()) return out.status;
  return std::move(out.response);
}

std::string OutboundClient::ApplyOverrides(std::string_view url) const {
  return impl_->ApplyOverrides(url);
}

size_t OutboundClient::idle_connections() const {
  return stats().idle;
}

OutboundClient::Stats OutboundClient::stats() const {
  Stats st;
  st.in_flight = size_t(std::max<int64_t>(0, impl_->in_flight.load(std::memory_order_relaxed)));
  std::lock_guard lock(impl_->mu);
  for (auto& [origin, p] : impl_->pools) {
    st.idle += p.idle.size();
    st.waiting += p.waiters.size();
    st.connections_in_use += p.in_use;
  }
  st.waits_total = impl_->waits_total;
  st.wait_seconds_total = impl_->wait_seconds_total;
  st.wait_refusals = impl_->wait_refusals;
  return st;
}

}  // namespace crmhost::outbound
