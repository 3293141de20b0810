// Router: maps (method, path pattern) to a handler, and Dispatcher: runs the handler where it
// belongs and applies what every response shares (CORS, request-id, 404, 503 on overload).
//
// Patterns are literal paths with optional ":name" segments ("/appointments/:appointmentId").
// Handlers are plain functions from HttpRequest to HttpResponse. A handler registered with
// Mode::kInline runs on the network thread and must not block (health checks, static answers);
// every other handler is handed to the Dispatcher's submit function: for App Connect routes a
// fiber of the FiberPool, where plugin operations wait on CRMs without holding a thread.
//
// Thread safety: register all routes before serving; lookups are then read-only.
#ifndef CRMHOST_HTTP_ROUTER_H
#define CRMHOST_HTTP_ROUTER_H

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "http/message.h"

namespace crmhost::http {

// A path's segments ("/a//b/" -> {"a", "b"}): how every route pattern and request path is
// compared (the plugins' own routes too).
std::vector<std::string_view> SplitPath(std::string_view path);

class Router {
 public:
  enum class Mode { kInline, kWorker };
  using Handler = std::function<HttpResponse(HttpRequest&)>;
  // The body limit of a route nobody gave one: what a small JSON request needs.
  static constexpr size_t kDefaultBodyLimit = 64 * 1024;

  void Add(std::string method, std::string pattern, Handler handler, Mode mode = Mode::kWorker);
  // Sets the largest body `method pattern` accepts (413 above); false if no such route.
  bool SetBodyLimit(std::string_view method, std::string_view pattern, size_t bytes);

  struct Route {
    std::string method;
    std::string pattern;                // as registered: the label metrics use
    std::vector<std::string> segments;  // ":x" matches any one segment
    Handler handler;
    Mode mode;
    size_t max_body_bytes = kDefaultBodyLimit;
  };
  // Routes known only at run time (the plugins' own, which come and go with hot upgrades):
  // a request no registered route matches goes to `route` when `claims(method, decoded path)`
  // says one of them serves it. `claims` must be thread-safe. Set before serving.
  using Claims = std::function<bool(std::string_view method, std::string_view path)>;
  void SetFallback(Claims claims, Route route);

  // Finds the route and fills req.params; nullptr when nothing matches.
  const Route* Find(HttpRequest& req) const;
  // Finds the route of a decoded path without touching a request; nullptr when none matches.
  // Registered routes only: the fallback is not consulted.
  const Route* Match(std::string_view method, std::string_view path) const;
  // The body limit for a request line's target as received (the route's, or the default).
  size_t BodyLimitFor(std::string_view method, std::string_view target) const;
  // Every route, in registration order (tests hold them against docs/openapi.json).
  const std::vector<Route>& routes() const { return routes_; }

 private:
  const Route* Fallback(std::string_view method, std::string_view path) const;

  std::vector<Route> routes_;
  Claims claims_;
  Route fallback_;
};

class Dispatcher {
 public:
  using Done = std::function<void(HttpResponse&&)>;
  // Runs a job where handlers belong (a fiber, a worker thread); false when saturated, and the
  // client then gets 503 with Retry-After.
  using Submit = std::function<bool(std::function<void()>)>;

  // `exposed_headers`: response headers browsers may read (Access-Control-Expose-Headers).
  Dispatcher(const Router& router, Submit submit, std::string exposed_headers);

  // Produces exactly one response through `done`, possibly on another thread.
  void Dispatch(HttpRequest&& req, Done done) const;

  // Called once per response with the route pattern ("unmatched" for 404s, "preflight" for
  // CORS OPTIONS), the method, the status and the seconds since Dispatch. Set before serving.
  using Observer = std::function<void(std::string_view route, std::string_view method, int status,
                                      double seconds)>;
  void SetObserver(Observer observer) { observer_ = std::move(observer); }

 private:
  HttpResponse Run(const Router::Route& route, HttpRequest& req) const;
  void Decorate(HttpResponse& resp) const;

  const Router& router_;
  Submit submit_;
  std::string exposed_headers_;
  Observer observer_;
};

}  // namespace crmhost::http

#endif  // CRMHOST_HTTP_ROUTER_H
