// The one translation unit that instantiates Beast's HTTP server code (it is slow to compile;
// keep it here and keep this file about sockets only).
#include "http/server.h"

#include <spdlog/spdlog.h>
#if !defined(_WIN32)
#include <sys/socket.h>
#endif

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <mutex>
#include <unordered_set>

#include "crmhost/encoding.h"
#include "http/request_reader.h"
#include "runtime/logging.h"

namespace crmhost::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
constexpr size_t kMaxLingerBytes = 64 * 1024 * 1024;

// One accepted connection. Owned jointly by its session coroutine and by the server's set,
// so BeginShutdown can cancel a connection's pending read without racing its destruction.
struct Conn {
  explicit Conn(tcp::socket s) : stream(std::move(s)) {}
  beast::tcp_stream stream;
  bool busy = false;  // a request is being handled; touched only on the connection's strand
};

// Bridges the callback-style dispatch function into the session coroutine. The completion
// is always posted back to the session's executor, even when dispatch finished inline.
template <class CompletionToken>
auto AsyncDispatch(const HttpServer::DispatchFn& fn, HttpRequest req, CompletionToken&& token) {
  return asio::async_initiate<CompletionToken, void(HttpResponse)>(
      [&fn](auto handler, HttpRequest r) {
        auto ex = asio::prefer(asio::get_associated_executor(handler),
                               asio::execution::outstanding_work.tracked);
        auto h = std::make_shared<decltype(handler)>(std::move(handler));
        fn(std::move(r), [h, ex](HttpResponse&& resp) {
          asio::post(ex,
                     [h, resp = std::move(resp)]() mutable { std::move (*h)(std::move(resp)); });
        });
      },
      token, std::move(req));
}

bhttp::response<bhttp::string_body> ToBeast(HttpResponse&& r, unsigned version) {
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(r.status), version};
  if (!r.content_type.empty()) res.set(bhttp::field::content_type, r.content_type);
  for (auto& [k, v] : r.headers)
    res.insert(k, v);
  res.body() = std::move(r.body);
  return res;
}

// A coroutine's completion: an exception that ended it is logged (never rethrown into the
// event loop, where it would stop a network thread).
auto LogFailure(const char* what) {
  return [what](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      spdlog::error("{} ended with an exception: {}", what, ex.what());
    } catch (...) {
      spdlog::error("{} ended with an unknown exception", what);
    }
  };
}

}  // namespace

struct HttpServer::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::io_context& io, Options o, DispatchFn d)
      : ioc(io), opts(std::move(o)), dispatch(std::move(d)), acceptor(asio::make_strand(io)) {}

  asio::io_context& ioc;
  Options opts;
  DispatchFn dispatch;
  tcp::acceptor acceptor;
  std::atomic<bool> stopping{false};
  // Whether the accept loop runs (Start to its end); guarded by accept_mu.
  std::mutex accept_mu;
  std::condition_variable accept_cv;
  bool accepting = false;
  std::atomic<size_t> inflight{0};
  std::atomic<uint64_t> next_request{1};
  std::string id_prefix;
  mutable std::mutex mu;
  std::unordered_set<std::shared_ptr<Conn>> conns;  // guarded by mu

  std::string NextRequestId() {
    return id_prefix + std::to_string(next_request.fetch_add(1, std::memory_order_relaxed));
  }

  // Sends an error answer, then reads and discards what the client is still sending (for at
  // most 2 s), so it sees our answer instead of a connection reset.
  asio::awaitable<void> RespondAndLinger(beast::tcp_stream& stream, HttpResponse r) {
    r.headers.emplace_back("Access-Control-Allow-Origin", "*");
    auto res = ToBeast(std::move(r), 11);
    res.keep_alive(false);
    res.prepare_payload();
    stream.expires_after(opts.write_timeout);
    co_await bhttp::async_write(stream, res, kUseTuple);
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream.expires_after(2s);
    std::array<char, 16384> sink;
    size_t total = 0;
    for (;;) {
      auto [rec, n] = co_await stream.async_read_some(asio::buffer(sink), kUseTuple);
      total += n;
      if (rec || total > kMaxLingerBytes) break;
    }
  }

  // Reads the next request with the reader (see request_reader.h: every limit, no exception
  // from the parser), checking the route's body limit and the body budget once the head is in.
  // On success `reserved` holds the budget bytes the request took.
  struct ReadOutcome {
    enum class Kind { kRequest, kClose, kAnswerAndClose } kind = Kind::kClose;
    HttpResponse answer;  // for kAnswerAndClose
  };
  asio::awaitable<ReadOutcome> ReadRequest(beast::tcp_stream& stream, RequestReader& reader,
                                           size_t& reserved) {
    using State = RequestReader::State;
    stream.expires_after(opts.idle_timeout);
    bool reading = reader.started();
    if (reading) stream.expires_after(opts.read_timeout);
    for (;;) {
      switch (reader.Advance()) {
        case State::kComplete:
          co_return ReadOutcome{ReadOutcome::Kind::kRequest, {}};
        case State::kClosed:
          co_return ReadOutcome{};
        case State::kFailed:
          co_return ReadOutcome{
              ReadOutcome::Kind::kAnswerAndClose,
              HttpResponse::Error(reader.failure().status, reader.failure().message)};
        case State::kHeaderDone: {
          const RequestReader::Head head = reader.head();
          size_t limit = opts.max_body_bytes;
          if (opts.body_limit) limit = std::min(limit, opts.body_limit(head.method, head.target));
          reader.SetBodyLimit(limit);
          const size_t want = head.content_length
                                  ? size_t(std::min<uint64_t>(*head.content_length, limit))
                              : head.chunked ? limit
                                             : 0;
          if (want > 0 && opts.budget) {
            if (!opts.budget->TryTake(want)) {
              spdlog::warn("request bodies in flight reached the budget ({} bytes): 503",
                           opts.budget->limit());
              auto busy = HttpResponse::Error(503, "Service busy, retry shortly");
              busy.headers.emplace_back("Retry-After", "1");
              co_return ReadOutcome{ReadOutcome::Kind::kAnswerAndClose, std::move(busy)};
            }
            reserved = want;
          }
          if (head.expect_continue && want > 0 &&
              (!head.content_length || *head.content_length <= limit)) {
            bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, 11};
            stream.expires_after(opts.write_timeout);
            auto [wec, n] = co_await bhttp::async_write(stream, cont, kUseTuple);
            if (wec) co_return ReadOutcome{};
            stream.expires_after(opts.read_timeout);
          }
          continue;
        }
        case State::kNeedMore:
          break;
      }
      std::span<char> space = reader.ReadSpace();
      if (space.empty()) continue;  // Advance reports the overflow
      auto [rec, n] =
          co_await stream.async_read_some(asio::buffer(space.data(), space.size()), kUseTuple);
      reader.Commit(n);
      if (!reading && reader.started()) {
        reading = true;  // the first byte came: the whole request now has the read deadline
        stream.expires_after(opts.read_timeout);
      }
      if (rec == asio::error::eof) {
        reader.EndOfStream();
      } else if (rec) {
        co_return ReadOutcome{};  // timeout, reset, cancelled by shutdown
      }
    }
  }

  asio::awaitable<void> Session(std::shared_ptr<Conn> conn) {
    auto self = shared_from_this();  // the server outlives every session
    auto& stream = conn->stream;
    beast::error_code ec;
    auto ep = stream.socket().remote_endpoint(ec);
    const std::string remote =
        ec ? "?" : ep.address().to_string() + ":" + std::to_string(ep.port());
    RequestReader reader(opts.max_header_bytes, opts.max_body_bytes);
    size_t reserved = 0;  // body budget held by the request being handled
    auto give_back = [&] {
      if (reserved && opts.budget) opts.budget->Give(reserved);
      reserved = 0;
    };
    try {
      for (;;) {
        if (stopping) break;
        reader.Start();
        ReadOutcome read = co_await ReadRequest(stream, reader, reserved);
        if (read.kind == ReadOutcome::Kind::kAnswerAndClose) {
          give_back();
          co_await RespondAndLinger(stream, std::move(read.answer));
          break;
        }
        if (read.kind == ReadOutcome::Kind::kClose) break;
        const RequestReader::Head head = reader.head();
        const unsigned version = head.version;
        const bool keep_alive = head.keep_alive;
        HttpRequest req = reader.TakeRequest(remote, NextRequestId());
        conn->busy = true;
        ++inflight;
        HttpResponse resp = co_await AsyncDispatch(dispatch, std::move(req), asio::use_awaitable);
        --inflight;
        conn->busy = false;
        auto res = ToBeast(std::move(resp), version);
        res.keep_alive(keep_alive && !stopping);
        res.prepare_payload();
        stream.expires_after(opts.write_timeout);
        auto [wec, written] = co_await bhttp::async_write(stream, res, kUseTuple);
        give_back();
        if (wec || !res.keep_alive()) break;
      }
    } catch (const std::exception& e) {
      // Nothing a client sends may take the daemon down: this connection ends, the rest serve.
      spdlog::error("connection from {} dropped: {}", remote, e.what());
    }
    give_back();
    conn->busy = false;
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream.close();
    std::lock_guard lock(mu);
    conns.erase(conn);
  }

  asio::awaitable<void> AcceptLoop() {
    auto self = shared_from_this();
    // Told to WaitAcceptStopped however this coroutine ends (co_return, exception, destroyed).
    struct Ended {
      Impl& impl;
      ~Ended() {
        std::lock_guard lock(impl.accept_mu);
        impl.accepting = false;
        impl.accept_cv.notify_all();
      }
    } ended{*this};
    while (!stopping) {
      const asio::any_io_executor where =
          opts.connection_loop ? asio::any_io_executor(opts.connection_loop().get_executor())
                               : asio::any_io_executor(asio::make_strand(ioc));
      auto [ec, socket] = co_await acceptor.async_accept(where, kUseTuple);
      if (ec) {
        if (stopping || ec == asio::error::operation_aborted) co_return;
        // EMFILE and friends: keep listening, just not in a tight loop.
        spdlog::warn("accept failed: {}; retrying in 100 ms", ec.message());
        asio::steady_timer pause(acceptor.get_executor(), 100ms);
        co_await pause.async_wait(kUseTuple);
        continue;
      }
      auto conn = std::make_shared<Conn>(std::move(socket));
      size_t open;
      {
        std::lock_guard lock(mu);
        conns.insert(conn);
        open = conns.size();
      }
      auto ex = conn->stream.get_executor();
      if (open > opts.max_connections) {
        asio::co_spawn(ex, RejectBusy(conn), LogFailure("rejecting a connection"));
        continue;
      }
      asio::co_spawn(ex, Session(conn), LogFailure("a connection"));
    }
  }

  asio::awaitable<void> RejectBusy(std::shared_ptr<Conn> conn) {
    auto self = shared_from_this();
    auto resp = HttpResponse::Error(503, "too many connections");
    resp.headers.emplace_back("Retry-After", "1");
    co_await RespondAndLinger(conn->stream, std::move(resp));
    conn->stream.close();
    std::lock_guard lock(mu);
    conns.erase(conn);
  }
};

HttpServer::HttpServer(asio::io_context& ioc, Options options, DispatchFn dispatch)
    : impl_(std::make_shared<Impl>(ioc, std::move(options), std::move(dispatch))) {
  // Request ids: a per-process prefix keeps them unique across restarts in one log stream.
  impl_->id_prefix = std::to_string(::getpid() % 100000) + "-";
}

HttpServer::~HttpServer() {
  BeginShutdown();
}

Status HttpServer::Listen() {
  beast::error_code ec;
  if (impl_->opts.inherited_fd >= 0) {
#if defined(_WIN32)
    return Status::InvalidArgument(
        "inherited sockets are systemd's socket activation: not on Windows");
#else
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (::getsockname(impl_->opts.inherited_fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0 ||
        (ss.ss_family != AF_INET && ss.ss_family != AF_INET6))
      return Status::InvalidArgument("the inherited socket is not a TCP socket");
    impl_->acceptor.assign(ss.ss_family == AF_INET6 ? tcp::v6() : tcp::v4(),
                           impl_->opts.inherited_fd, ec);
    if (!ec) impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return Status::IOError("cannot use the inherited socket: " + ec.message());
    return Status::OK();
#endif
  }
  auto addr = asio::ip::make_address(impl_->opts.address, ec);
  if (ec) return Status::InvalidArgument("bad listen address '" + impl_->opts.address + "'");
  tcp::endpoint ep(addr, impl_->opts.port);
  auto& a = impl_->acceptor;
  a.open(ep.protocol(), ec);
#if !defined(_WIN32)
  // A restart can bind while the old connections sit in TIME_WAIT. Not on Windows: there
  // SO_REUSEADDR lets another process bind the same port and take our connections.
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
#endif
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::IOError("cannot listen on " + impl_->opts.address + ":" +
                           std::to_string(impl_->opts.port) + ": " + ec.message());
  }
  return Status::OK();
}

uint16_t HttpServer::port() const {
  beast::error_code ec;
  auto ep = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

std::string HttpServer::address() const {
  beast::error_code ec;
  auto ep = impl_->acceptor.local_endpoint(ec);
  return ec ? std::string() : ep.address().to_string();
}

void HttpServer::Start() {
  {
    std::lock_guard lock(impl_->accept_mu);
    impl_->accepting = true;
  }
  asio::co_spawn(impl_->acceptor.get_executor(), impl_->AcceptLoop(),
                 LogFailure("the accept loop"));
}

void HttpServer::BeginShutdown() {
  auto impl = impl_;
  if (impl->stopping.exchange(true)) return;
  asio::post(impl->acceptor.get_executor(), [impl] {
    beast::error_code ec;
    impl->acceptor.close(ec);
  });
  std::lock_guard lock(impl->mu);
  for (auto& conn : impl->conns) {
    // Wake connections parked on a keep-alive read; busy ones close after their response.
    asio::post(conn->stream.get_executor(), [conn] {
      if (!conn->busy) conn->stream.cancel();
    });
  }
}

bool HttpServer::WaitAcceptStopped(std::chrono::milliseconds limit) {
  std::unique_lock lock(impl_->accept_mu);
  return impl_->accept_cv.wait_for(lock, limit, [this] { return !impl_->accepting; });
}

size_t HttpServer::open_connections() const {
  std::lock_guard lock(impl_->mu);
  return impl_->conns.size();
}

size_t HttpServer::requests_in_flight() const {
  return impl_->inflight.load();
}

}  // namespace crmhost::http
