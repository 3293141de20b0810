#include "http/router.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <exception>
#include <memory>

#include "runtime/logging.h"

namespace crmhost::http {

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.push_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

void Router::Add(std::string method, std::string pattern, Handler handler, Mode mode) {
  Route r{std::move(method), pattern, {}, std::move(handler), mode};
  for (auto seg : SplitPath(pattern))
    r.segments.emplace_back(seg);
  routes_.push_back(std::move(r));
}

const Router::Route* Router::Match(std::string_view method, std::string_view path) const {
  auto segs = SplitPath(path);
  for (const auto& r : routes_) {
    if (r.method != method || r.segments.size() != segs.size()) continue;
    bool ok = true;
    for (size_t i = 0; i < segs.size() && ok; ++i)
      ok = (!r.segments[i].empty() && r.segments[i][0] == ':') || r.segments[i] == segs[i];
    if (ok) return &r;
  }
  return nullptr;
}

void Router::SetFallback(Claims claims, Route route) {
  claims_ = std::move(claims);
  fallback_ = std::move(route);
}

const Router::Route* Router::Fallback(std::string_view method, std::string_view path) const {
  return claims_ && claims_(method, path) ? &fallback_ : nullptr;
}

const Router::Route* Router::Find(HttpRequest& req) const {
  const Route* r = Match(req.method, req.path);
  if (!r) {
    // The fallback's handler matches the path itself (the route it claimed may be gone by then).
    req.params.clear();
    return Fallback(req.method, req.path);
  }
  auto segs = SplitPath(req.path);
  Fields params;
  for (size_t i = 0; i < segs.size(); ++i)
    if (!r->segments[i].empty() && r->segments[i][0] == ':')
      params.emplace_back(r->segments[i].substr(1), std::string(segs[i]));
  req.params = std::move(params);
  return r;
}

bool Router::SetBodyLimit(std::string_view method, std::string_view pattern, size_t bytes) {
  for (auto& r : routes_) {
    if (r.method == method && r.pattern == pattern) {
      r.max_body_bytes = bytes;
      return true;
    }
  }
  return false;
}

size_t Router::BodyLimitFor(std::string_view method, std::string_view target) const {
  const std::string path = PercentDecode(target.substr(0, target.find('?')), false);
  const Route* r = Match(method, path);
  if (!r) r = Fallback(method, path);
  return r ? r->max_body_bytes : kDefaultBodyLimit;
}

Dispatcher::Dispatcher(const Router& router, Submit submit, std::string exposed_headers)
    : router_(router), submit_(std::move(submit)), exposed_headers_(std::move(exposed_headers)) {}

void Dispatcher::Decorate(HttpResponse& resp) const {
  // CORS as the reference's `cors` middleware: any origin, and the renewed JWT readable.
  resp.headers.emplace_back("Access-Control-Allow-Origin", "*");
  if (!exposed_headers_.empty())
    resp.headers.emplace_back("Access-Control-Expose-Headers", exposed_headers_);
}

HttpResponse Dispatcher::Run(const Router::Route& route, HttpRequest& req) const {
  RequestLogScope log_scope(req.request_id);
  HttpResponse resp;
  try {
    resp = route.handler(req);
  } catch (const std::bad_alloc&) {
    spdlog::error("{} {} failed: out of memory", req.method, req.path);
    resp = HttpResponse::Error(500, "Internal error");
  } catch (const std::exception& e) {
    // A route must not throw; if one does, answer like the reference's catch-all.
    spdlog::error("{} {} failed: {}", req.method, req.path, e.what());
    resp = HttpResponse::Error(400, e.what());
  } catch (...) {
    spdlog::error("{} {} failed with an unknown exception", req.method, req.path);
    resp = HttpResponse::Error(500, "Internal error");
  }
  Decorate(resp);
  return resp;
}

void Dispatcher::Dispatch(HttpRequest&& req_in, Done done_in) const {
  // Every way out goes through `done`, which reports the response to the observer.
  const Router::Route* route = req_in.method == "OPTIONS" ? nullptr : router_.Find(req_in);
  Done done = std::move(done_in);
  if (observer_) {
    done = [this, inner = std::move(done), started = std::chrono::steady_clock::now(),
            label = req_in.method == "OPTIONS" ? std::string("preflight")
                    : route                    ? route->pattern
                                               : std::string("unmatched"),
            method = req_in.method](HttpResponse&& resp) {
      const int status = resp.status;
      inner(std::move(resp));
      observer_(label, method, status,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    };
  }
  if (req_in.method == "OPTIONS") {
    // CORS preflight (the `cors` package's defaults with the reference's method list).
    HttpResponse resp;
    resp.status = 204;
    resp.headers.emplace_back("Access-Control-Allow-Methods", "GET,POST,PATCH,PUT,DELETE");
    if (auto h = req_in.Header("access-control-request-headers")) {
      resp.headers.emplace_back("Access-Control-Allow-Headers", std::string(*h));
      resp.headers.emplace_back("Vary", "Access-Control-Request-Headers");
    }
    Decorate(resp);
    done(std::move(resp));
    return;
  }
  if (!route) {
    auto resp = HttpResponse::Text(404, "Cannot " + req_in.method + " " + req_in.path);
    Decorate(resp);
    done(std::move(resp));
    return;
  }
  if (route->mode == Router::Mode::kInline) {
    done(Run(*route, req_in));
    return;
  }
  auto req = std::make_shared<HttpRequest>(std::move(req_in));
  auto shared_done = std::make_shared<Done>(std::move(done));
  bool queued = submit_([this, route, req, shared_done] { (*shared_done)(Run(*route, *req)); });
  if (!queued) {
    auto resp = HttpResponse::Error(503, "Service busy, retry shortly");
    resp.headers.emplace_back("Retry-After", "1");
    Decorate(resp);
    (*shared_done)(std::move(resp));
  }
}

}  // namespace crmhost::http
