// HttpServer: the App Connect listener (Boost.Beast, C++20 coroutines, keep-alive).
//
// Reads each request with limits (header and body size, the route's body limit, a budget of
// body bytes over all connections; deadlines for idle, read and write) through RequestReader,
// turns it into an HttpRequest and hands it to a dispatch function, then writes the
// HttpResponse it gets back. A body over the limit gets 413, oversized headers or trailers 431,
// a malformed request 400, an exhausted body budget 503, all before any handler runs; no
// exception from parsing or handling ends more than the one connection. Accept errors (e.g. out of
// file descriptors) are logged and retried after a pause; the listener never gives up.
//
// Threading: all socket work runs on the io_context given to the constructor (any number of
// threads may run it; each connection is on its own strand). The dispatch function may
// complete on any thread. Beast is confined to server.cpp.
#ifndef CRMHOST_HTTP_SERVER_H
#define CRMHOST_HTTP_SERVER_H

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "crmhost/status.h"
#include "http/body_budget.h"
#include "http/message.h"

namespace boost::asio {
class io_context;
}

namespace crmhost::http {

class HttpServer {
 public:
  struct Options {
    std::string address = "127.0.0.1";
    uint16_t port = 6066;  // 0 picks a free port (see port())
    size_t max_header_bytes = 64 * 1024;
    // Default: 8 MiB. App Connect bodies (call logs with transcripts) are well below it.
    size_t max_body_bytes = 8 * 1024 * 1024;
    std::chrono::milliseconds idle_timeout{65000};  // waiting for the next request
    std::chrono::milliseconds read_timeout{30000};  // reading one request after its first byte
    std::chrono::milliseconds write_timeout{30000};
    size_t max_connections = 10000;
    // A listening socket handed over by systemd (socket activation); address and port above
    // are then ignored. The port stays open across daemon restarts because systemd holds it.
    int inherited_fd = -1;
    // The body limit of one request, by method and target (the route's; see
    // contract/body_limits.cpp); capped by max_body_bytes. Empty: max_body_bytes for all.
    std::function<size_t(std::string_view method, std::string_view target)> body_limit;
    // Bytes of request bodies held at once over all connections; null: unbounded.
    BodyBudget* budget = nullptr;
    // Where each accepted connection lives (its socket, its reads and writes): an event loop of
    // the threads that will handle its requests, so a request does not change thread. Empty: a
    // strand of the server's io_context.
    std::function<boost::asio::io_context&()> connection_loop;
  };
  using Done = std::function<void(HttpResponse&&)>;
  using DispatchFn = std::function<void(HttpRequest&&, Done)>;

  HttpServer(boost::asio::io_context& ioc, Options options, DispatchFn dispatch);
  ~HttpServer();

  // Binds and listens. Fails with a clear message if the address is in use or invalid.
  Status Listen();
  uint16_t port() const;        // the bound port (after Listen)
  std::string address() const;  // the bound address (after Listen)
  void Start();                 // starts accepting; returns immediately

  // Stops accepting and closes idle keep-alive connections; requests in flight finish and
  // their connections then close. Safe to call from any thread, more than once.
  void BeginShutdown();
  // After BeginShutdown: waits (at most `limit`) until the accept loop has ended. An accept
  // still pending when the event loop stops would be destroyed with it, and it refers to the
  // loop the next connection was to run on (a fiber thread's), which may be gone by then.
  // Returns false when the loop had not ended in time.
  bool WaitAcceptStopped(std::chrono::milliseconds limit);
  size_t open_connections() const;
  size_t requests_in_flight() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace crmhost::http

#endif  // CRMHOST_HTTP_SERVER_H
