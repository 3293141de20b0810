// RequestReader: turns the bytes a client sends into HttpRequests, one at a time, with every
// limit applied and no exception escaping.
//
// Why it exists: Beast's parser throws from deep inside on some inputs (a chunked request whose
// trailer has a field over 64 KiB throws std::length_error), and inside Asio's composed read
// operations such an exception leaves io_context::run() and kills the daemon. Here the parser is
// driven by hand: the caller reads bytes into ReadSpace(), Commit()s them and calls Advance(),
// which catches whatever the parser throws and turns it into a failure with the status the client
// gets. The buffered bytes are bounded (the header limit plus 64 KiB), so neither a header, a
// chunk header with a long extension nor a trailer can grow memory beyond that.
//
// No sockets here, so the same code is what the server runs and what the fuzzer feeds
// (tests/fuzz/http_request_fuzz.cpp). One reader per connection: bytes a pipelining client sent
// past one request stay buffered for the next. Not thread-safe.
#ifndef CRMHOST_HTTP_REQUEST_READER_H
#define CRMHOST_HTTP_REQUEST_READER_H

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "http/message.h"

namespace crmhost::http {

class RequestReader {
 public:
  RequestReader(size_t max_header_bytes, size_t max_body_bytes);
  ~RequestReader();
  RequestReader(const RequestReader&) = delete;
  RequestReader& operator=(const RequestReader&) = delete;

  // Begins the next request on the connection (bytes already buffered are kept).
  void Start();

  enum class State {
    kNeedMore,    // read more bytes (ReadSpace, Commit) and call Advance again
    kHeaderDone,  // the head is parsed: check it (head(), SetBodyLimit) and call Advance again
    kComplete,    // the whole request is here: TakeRequest
    kClosed,      // the client closed (or sent nothing) between requests: close quietly
    kFailed,      // a bad or oversized request: answer failure() and close
  };
  State Advance();

  // Where the next read may put bytes; empty when the bound on buffered bytes is reached (the
  // next Advance then fails with 431 or 400).
  std::span<char> ReadSpace();
  void Commit(size_t n);
  // The client closed its side; Advance then completes a request that ends with the stream,
  // or reports kClosed / a truncated request.
  void EndOfStream();
  // True once any byte of the current request arrived (the read deadline replaces the idle one).
  bool started() const;

  struct Head {
    std::string_view method;
    std::string_view target;
    unsigned version = 11;
    bool keep_alive = true;
    std::optional<uint64_t> content_length;
    bool chunked = false;
    bool expect_continue = false;
  };
  Head head() const;  // after kHeaderDone
  // Lowers (never raises above the constructor's) the body limit, after kHeaderDone: a route
  // that carries little gets a small limit. A declared Content-Length above it makes the next
  // Advance fail with 413 before any body byte is read or stored.
  void SetBodyLimit(size_t bytes);

  struct Failure {
    int status = 400;  // 400, 413 or 431
    std::string message;
  };
  const Failure& failure() const { return failure_; }

  // After kComplete: the request as route handlers see it (path decoded, query split, header
  // names lower-cased). `request_id` is used unless the client sent an acceptable X-Request-Id.
  HttpRequest TakeRequest(const std::string& remote, std::string request_id);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  Failure failure_;
  State Fail(int status, std::string message);
};

}  // namespace crmhost::http

#endif  // CRMHOST_HTTP_REQUEST_READER_H
