// crmhost/sdk/rest.hpp -- one operation's conversation with a JSON REST CRM.
//
// Most CRMs speak the same way: a base URL, one Authorization header on every request, JSON in
// and out, a non-2xx status that is the operation's failure, and rate-limit headers App Connect
// wants back as extraDataTracking. rest::Session does that once, so a plugin's api.cpp only says
// where things are. Errors become sdk::UpstreamError with the CRM's status (0: no answer), which
// the host turns into App Connect's messages ("Rate limit exceeded" for 429, docs/PLUGIN_ABI.md);
// a Session never retries nor sleeps: an operation runs on a host fiber with a deadline, and the
// client retries a rate-limited action itself. Header-only; one Session per operation (it keeps
// the last answer's rate-limit headers), not shared between threads.
#ifndef CRMHOST_SDK_REST_HPP
#define CRMHOST_SDK_REST_HPP

#include <crmhost/plugin.hpp>

#include <boost/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace crmhost::sdk::rest {

namespace json = boost::json;

// Which of the x-ratelimit-* headers a Session keeps for extraDataTracking().
enum class RateLimits {
  kNone,         // none: extraDataTracking() stays {}
  kAllKeys,      // all three keys after every tracked answer, null for a header not sent
  kPresentKeys,  // only the keys whose header came (an answer without them resets to {})
};

struct Options {
  // Names the CRM in error messages: "<crm> answered HTTP 404".
  std::string crm = "CRM";
  // Adds " to <METHOD> <URL path, no query>" to error messages, and reports a body that is no
  // JSON as "<crm> answered invalid JSON to ..." (else HttpResponse::json()'s message).
  bool name_request = false;
  RateLimits rate_limits = RateLimits::kNone;
};

class Session {
 public:
  // `base_url` is prepended to every relative path ("https://api.acme.example/v1/"); `auth` is
  // the Authorization header's whole value ("Bearer ...", "Basic ...").
  Session(Call& call, std::string base_url, std::string auth, Options options = {})
      : call_(&call),
        base_(std::move(base_url)),
        auth_(std::move(auth)),
        options_(std::move(options)) {}

  Call& call() const { return *call_; }
  const std::string& base_url() const { return base_; }

  // A request to base_url() + path; see request_url.
  json::value request(std::string_view method, std::string_view path,
                      const json::value* body = nullptr, bool track = true) {
    return request_url(method, base_ + std::string(path), body, track);
  }
  json::value get(std::string_view path, bool track = true) {
    return request("GET", path, nullptr, track);
  }

  // One request to an absolute URL: Authorization and "Accept: application/json" always,
  // "Content-Type: application/json" with a body. Returns the parsed answer (null for an empty
  // body); throws UpstreamError on no answer, a non-2xx status or a body that is no JSON.
  // `track`: whether this answer's rate-limit headers replace the kept ones.
  json::value request_url(std::string_view method, const std::string& url,
                          const json::value* body = nullptr, bool track = true) {
    const std::string payload = body ? json::serialize(*body) : std::string();
    std::vector<std::pair<std::string_view, std::string_view>> headers{
        {"Authorization", auth_}, {"Accept", "application/json"}};
    if (body) headers.emplace_back("Content-Type", "application/json");
    HttpResponse resp = call_->http_headers(method, url, headers, payload);
    if (!resp.ok())
      throw UpstreamError(resp.status, options_.crm + " answered HTTP " +
                                           std::to_string(resp.status) + what(method, url));
    if (track) keep_rate_limits(resp);
    if (resp.body.empty()) return nullptr;
    if (!options_.name_request) return resp.json();
    boost::system::error_code ec;
    json::value v = json::parse(resp.body, ec);
    if (ec)
      throw UpstreamError(resp.status, options_.crm + " answered invalid JSON" + what(method, url));
    return v;
  }

  // {ratelimitRemaining, ratelimitAmount, ratelimitReset} of the last tracked answer.
  const json::object& extra_data_tracking() const { return tracking_; }

 private:
  // " to GET /v1/users" (the URL's path, without origin and query), or "".
  std::string what(std::string_view method, const std::string& url) const {
    if (!options_.name_request) return {};
    size_t begin = url.find("://");
    begin = begin == std::string::npos ? 0 : url.find('/', begin + 3);
    const std::string path = begin == std::string::npos ? std::string() : url.substr(begin);
    return " to " + std::string(method) + " " + path.substr(0, path.find('?'));
  }

  void keep_rate_limits(const HttpResponse& resp) {
    static constexpr std::pair<const char*, const char*> kHeaders[] = {
        {"ratelimitRemaining", "x-ratelimit-remaining"},
        {"ratelimitAmount", "x-ratelimit-limit"},
        {"ratelimitReset", "x-ratelimit-reset"}};
    switch (options_.rate_limits) {
      case RateLimits::kNone:
        return;
      case RateLimits::kAllKeys:
        tracking_ = json::object();
        for (auto [field, header] : kHeaders) {
          std::string_view v = resp.header(header);
          tracking_[field] = v.empty() ? json::value() : json::value(v);
        }
        return;
      case RateLimits::kPresentKeys:
        tracking_ = json::object();
        for (auto [field, header] : kHeaders)
          for (auto& h : resp.headers)
            if (h.name == header) tracking_[field] = h.value;
        return;
    }
  }

  Call* call_;
  std::string base_;
  std::string auth_;
  Options options_;
  json::object tracking_;
};

}  // namespace crmhost::sdk::rest

#endif  // CRMHOST_SDK_REST_HPP
