// A minimal blocking HTTP/1.1 client for tests: talks to crmhostd on 127.0.0.1 the way an App
// Connect client does. Also sends raw bytes for malformed-request tests.
#ifndef CRMHOST_TESTS_HTTP_CLIENT_H
#define CRMHOST_TESTS_HTTP_CLIENT_H

#include <boost/json.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace crmhost::testing {

struct HttpResult {
  int status = 0;  // 0: no response (connection error)
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string error;  // transport error, if any

  std::optional<std::string> Header(std::string_view lower_name) const;
  boost::json::value Json() const;  // throws on invalid JSON
};

HttpResult Request(uint16_t port, std::string_view method, std::string_view target,
                   std::string_view body = {},
                   std::vector<std::pair<std::string, std::string>> headers = {});

// A keep-alive connection for many requests (load tests).
class Connection {
 public:
  explicit Connection(uint16_t port);
  ~Connection();
  HttpResult Send(std::string_view method, std::string_view target, std::string_view body = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Writes `raw` to the server and returns whatever comes back until the server closes or
// `timeout_ms` passes.
std::string RawExchange(uint16_t port, std::string_view raw, int timeout_ms = 3000);

std::string UrlEncode(std::string_view s);

}  // namespace crmhost::testing

#endif  // CRMHOST_TESTS_HTTP_CLIENT_H
