// Router and Dispatcher without a socket: which handler a request reaches, what every response
// carries (CORS), and the answers the dispatcher gives by itself (404, preflight, 503 when the
// handlers' runner is saturated), each reported once to the observer.
#include <catch2/catch.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "http/router.h"

namespace crmhost::testing {
namespace {

using http::Dispatcher;
using http::HttpRequest;
using http::HttpResponse;
using http::Router;

HttpRequest Request(std::string method, std::string target) {
  HttpRequest req;
  req.method = std::move(method);
  req.target = target;
  const size_t q = target.find('?');
  req.path = http::PercentDecode(target.substr(0, q), false);
  if (q != std::string::npos) req.query = http::ParseQuery(target.substr(q + 1));
  return req;
}

std::optional<std::string> HeaderOf(const HttpResponse& resp, std::string_view name) {
  for (auto& [k, v] : resp.headers)
    if (k == name) return v;
  return std::nullopt;
}

struct Observed {
  std::string route, method;
  int status = 0;
};

// A dispatcher whose jobs run when the test says so (or are refused), and that records what the
// observer hears.
struct Harness {
  Router router;
  std::vector<std::function<void()>> queued;
  bool refuse = false;
  std::vector<Observed> observed;
  Dispatcher dispatcher{router,
                        [this](std::function<void()> job) {
                          if (refuse) return false;
                          queued.push_back(std::move(job));
                          return true;
                        },
                        "x-refreshed-jwt-token"};
  Harness() {
    dispatcher.SetObserver(
        [this](std::string_view route, std::string_view method, int status, double) {
          observed.push_back({std::string(route), std::string(method), status});
        });
  }
  // Dispatches and runs whatever was queued; the one response.
  HttpResponse Serve(HttpRequest req) {
    std::vector<HttpResponse> answers;
    dispatcher.Dispatch(std::move(req), [&](HttpResponse&& r) { answers.push_back(std::move(r)); });
    for (auto& job : queued)
      job();
    queued.clear();
    REQUIRE(answers.size() == 1);
    return std::move(answers.front());
  }
};

}  // namespace

TEST_CASE("router: literal and :param segments, per method, with decoded parameters", "[router]") {
  Router router;
  router.Add("GET", "/appointments", [](HttpRequest&) { return HttpResponse::Text(200, "list"); });
  router.Add("GET", "/appointments/:appointmentId",
             [](HttpRequest& r) { return HttpResponse::Text(200, "one " + r.params[0].second); });
  router.Add("PATCH", "/appointments/:appointmentId/status",
             [](HttpRequest&) { return HttpResponse::Text(200, "status"); });

  HttpRequest one = Request("GET", "/appointments/a%20b");
  const Router::Route* r = router.Find(one);
  REQUIRE(r != nullptr);
  CHECK(r->pattern == "/appointments/:appointmentId");
  REQUIRE(one.params.size() == 1);
  CHECK(one.params[0] == std::pair<std::string, std::string>{"appointmentId", "a b"});
  CHECK(r->handler(one).body == "one a b");

  CHECK(router.Match("GET", "/appointments")->pattern == "/appointments");
  CHECK(router.Match("PATCH", "/appointments/7/status")->pattern ==
        "/appointments/:appointmentId/status");
  CHECK(router.Match("POST", "/appointments") == nullptr);         // no such method
  CHECK(router.Match("GET", "/appointments/7/extra") == nullptr);  // no such depth
  CHECK(router.Match("GET", "/appointment") == nullptr);
}

TEST_CASE("router: body limits per route, the default elsewhere", "[router]") {
  Router router;
  router.Add("POST", "/callLog", [](HttpRequest&) { return HttpResponse::Text(200, ""); });
  router.Add("GET", "/contact", [](HttpRequest&) { return HttpResponse::Text(200, ""); });
  CHECK(router.SetBodyLimit("POST", "/callLog", 8 << 20));
  CHECK_FALSE(router.SetBodyLimit("POST", "/nowhere", 1));
  CHECK(router.BodyLimitFor("POST", "/callLog?x=1") == size_t(8) << 20);
  CHECK(router.BodyLimitFor("GET", "/contact") == Router::kDefaultBodyLimit);
  CHECK(router.BodyLimitFor("PUT", "/callLog") == Router::kDefaultBodyLimit);
}

TEST_CASE("dispatcher: handlers run on the runner, answers carry CORS, the observer hears each",
          "[router]") {
  Harness h;
  h.router.Add("GET", "/contact", [](HttpRequest& r) {
    return HttpResponse::Json(200, boost::json::object{{"phone", *r.Query("phoneNumber")}});
  });
  h.router.Add(
      "GET", "/is-alive", [](HttpRequest&) { return HttpResponse::Text(200, "OK"); },
      Router::Mode::kInline);

  std::vector<HttpResponse> early;
  h.dispatcher.Dispatch(Request("GET", "/contact?phoneNumber=%2B1415"),
                        [&](HttpResponse&& r) { early.push_back(std::move(r)); });
  CHECK(early.empty());  // a worker route waits for its runner
  REQUIRE(h.queued.size() == 1);
  h.queued.front()();
  h.queued.clear();
  REQUIRE(early.size() == 1);
  CHECK(early[0].body == R"({"phone":"+1415"})");
  CHECK(HeaderOf(early[0], "Access-Control-Allow-Origin") == "*");
  CHECK(HeaderOf(early[0], "Access-Control-Expose-Headers") == "x-refreshed-jwt-token");

  HttpResponse alive = h.Serve(Request("GET", "/is-alive"));  // inline: no runner needed
  CHECK(alive.body == "OK");

  REQUIRE(h.observed.size() == 2);
  CHECK(h.observed[0].route == "/contact");
  CHECK(h.observed[0].status == 200);
  CHECK(h.observed[1].route == "/is-alive");
}

TEST_CASE("dispatcher: 404, preflight and 503 are answered without a handler", "[router]") {
  Harness h;
  int ran = 0;
  h.router.Add("POST", "/callLog", [&](HttpRequest&) {
    ++ran;
    return HttpResponse::Text(200, "");
  });

  HttpResponse missing = h.Serve(Request("GET", "/callLog"));
  CHECK(missing.status == 404);
  CHECK(missing.body == "Cannot GET /callLog");
  CHECK(HeaderOf(missing, "Access-Control-Allow-Origin") == "*");

  HttpRequest preflight = Request("OPTIONS", "/callLog");
  preflight.headers.emplace_back("access-control-request-headers", "authorization,content-type");
  HttpResponse pre = h.Serve(std::move(preflight));
  CHECK(pre.status == 204);
  CHECK(HeaderOf(pre, "Access-Control-Allow-Methods") == "GET,POST,PATCH,PUT,DELETE");
  CHECK(HeaderOf(pre, "Access-Control-Allow-Headers") == "authorization,content-type");

  h.refuse = true;
  HttpResponse busy = h.Serve(Request("POST", "/callLog"));
  CHECK(busy.status == 503);
  CHECK(busy.body == R"({"error":"Service busy, retry shortly"})");
  CHECK(HeaderOf(busy, "Retry-After") == "1");
  CHECK(ran == 0);

  REQUIRE(h.observed.size() == 3);
  CHECK(h.observed[0].route == "unmatched");
  CHECK(h.observed[0].status == 404);
  CHECK(h.observed[1].route == "preflight");
  CHECK(h.observed[2].route == "/callLog");
  CHECK(h.observed[2].status == 503);
}

TEST_CASE("dispatcher: a handler that throws answers like the reference's catch-all", "[router]") {
  Harness h;
  h.router.Add("GET", "/boom",
               [](HttpRequest&) -> HttpResponse { throw std::runtime_error("bad things"); });
  HttpResponse resp = h.Serve(Request("GET", "/boom"));
  CHECK(resp.status == 400);
  CHECK(resp.body == R"({"error":"bad things"})");
  CHECK(HeaderOf(resp, "Access-Control-Allow-Origin") == "*");
}

}  // namespace crmhost::testing
