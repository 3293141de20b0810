// FakeHttpServer: an HTTP(S) server on 127.0.0.1 for tests, standing in for what lives
// outside crmhost (a CRM's REST API). It records every request and answers with whatever the
// test's handler returns; a response can be delayed, garbled or withheld to simulate failures.
// Thread-safe; one thread per connection (fine for tests).
#ifndef CRMHOST_TESTS_FAKE_HTTP_SERVER_H
#define CRMHOST_TESTS_FAKE_HTTP_SERVER_H

#include <atomic>
#include <boost/json.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace crmhost::testing {

using Fields = std::vector<std::pair<std::string, std::string>>;

struct RecordedRequest {
  std::string method;
  std::string target;  // path + query, as received
  std::string path;
  Fields query;    // decoded
  Fields headers;  // lower-case names
  std::string body;
  std::optional<std::string> Header(std::string_view name) const;
  std::optional<std::string> Query(std::string_view name) const;
};

struct FakeResponse {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  Fields headers;
  int delay_ms = 0;        // sleep before answering
  bool no_answer = false;  // close the connection without a response
};

// A JSON answer with `status`.
FakeResponse JsonReply(int status, const boost::json::value& body);
// An application/x-www-form-urlencoded body (or a query string) as name -> value, decoded.
std::map<std::string, std::string> ParseForm(std::string_view body);

struct TlsFiles {
  std::string cert_pem;  // server certificate chain file
  std::string key_pem;   // private key file
};

class FakeHttpServer {
 public:
  using Handler = std::function<FakeResponse(const RecordedRequest&)>;

  explicit FakeHttpServer(Handler handler, std::optional<TlsFiles> tls = std::nullopt);
  ~FakeHttpServer();

  uint16_t port() const;
  std::string base_url() const;  // "http://127.0.0.1:PORT" or https
  std::vector<RecordedRequest> requests() const;
  size_t count(std::string_view method, std::string_view path) const;  // exact path
  void clear();
  void set_recording(bool on);  // off for benchmarks: no unbounded request log
  // Called on the connection's thread before each request is answered; it may block (a CRM that
  // holds its answers until the test lets them go). Empty: no hold.
  void set_hold(std::function<void(const RecordedRequest&)> hold);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Makes a CA and a server certificate for 127.0.0.1/localhost in `dir` with the openssl CLI.
// Returns the server files and writes the CA to dir/ca.pem.
TlsFiles MakeTestCertificates(const std::string& dir);

}  // namespace crmhost::testing

#endif  // CRMHOST_TESTS_FAKE_HTTP_SERVER_H
