// Beast's parser (no sockets): the one place request bytes are parsed.
#include "http/request_reader.h"

#include <algorithm>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <stdexcept>

#include "crmhost/encoding.h"
#include "runtime/logging.h"

namespace crmhost::http {
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace {

// Beyond the header limit, room for one read of body bytes; a chunk header or trailer that does
// not fit in this is refused, whatever it is.
constexpr size_t kSlackBytes = 64 * 1024;
// Reads start small (a request is usually a few hundred bytes, and a thousand idle keep-alive
// connections each holding a large buffer add up) and grow while a large request streams in.
constexpr size_t kFirstRead = 2 * 1024;
constexpr size_t kReadChunk = 16 * 1024;
// Once the head is in, what the parser cannot consume yet is only framing: a chunk-size line with
// its extensions, or the trailer. Both are refused beyond this (chunk data never accumulates: the
// parser moves it into the body as it arrives).
constexpr size_t kMaxFramingBytes = 16 * 1024;

}  // namespace

struct RequestReader::Impl {
  Impl(size_t header, size_t body)
      : max_header(header), max_body(body), buffer(header + kSlackBytes) {}
  const size_t max_header;
  const size_t max_body;
  beast::flat_buffer buffer;  // max_size bounds what one connection can make us hold
  std::optional<bhttp::request_parser<bhttp::string_body>> parser;
  bool eof = false;
  bool header_reported = false;
  bool got_bytes = false;  // of the current request
  bool too_large = false;  // SetBodyLimit found the declared length over the limit
};

RequestReader::RequestReader(size_t max_header_bytes, size_t max_body_bytes)
    : impl_(std::make_unique<Impl>(max_header_bytes, max_body_bytes)) {
  Start();
}

RequestReader::~RequestReader() = default;

void RequestReader::Start() {
  // Between requests a connection keeps only what the last one needed to hold on to.
  if (impl_->buffer.size() == 0 && impl_->buffer.capacity() > kFirstRead)
    impl_->buffer.shrink_to_fit();
  impl_->parser.emplace();
  impl_->parser->header_limit(uint32_t(std::min<size_t>(impl_->max_header, UINT32_MAX)));
  impl_->parser->body_limit(impl_->max_body);
  impl_->parser->eager(false);  // stop after the head: the route decides the body limit
  impl_->header_reported = false;
  impl_->too_large = false;
  impl_->got_bytes = impl_->buffer.size() > 0;
  failure_ = {};
}

std::span<char> RequestReader::ReadSpace() {
  auto& b = impl_->buffer;
  const size_t room = b.max_size() - b.size();
  if (room == 0) return {};
  const size_t want = impl_->parser->got_some() || b.size() > 0 ? kReadChunk : kFirstRead;
  auto mb = b.prepare(std::min(room, want));  // within max_size: cannot throw
  return {static_cast<char*>(mb.data()), mb.size()};
}

void RequestReader::Commit(size_t n) {
  impl_->buffer.commit(n);
  if (n > 0) impl_->got_bytes = true;
}

void RequestReader::EndOfStream() {
  impl_->eof = true;
}

bool RequestReader::started() const {
  return impl_->got_bytes;
}

RequestReader::State RequestReader::Fail(int status, std::string message) {
  failure_ = {status, std::move(message)};
  return State::kFailed;
}

RequestReader::State RequestReader::Advance() {
  auto& p = *impl_->parser;
  auto& b = impl_->buffer;
  auto map_error = [&](const beast::error_code& ec) {
    if (ec == bhttp::error::body_limit) return Fail(413, "request entity too large");
    if (ec == bhttp::error::header_limit) return Fail(431, "request header fields too large");
    return Fail(400, "malformed HTTP request");
  };
  if (impl_->too_large) return Fail(413, "request entity too large");
  try {
    for (;;) {
      if (p.is_done()) return State::kComplete;
      if (b.size() > 0) {
        beast::error_code ec;
        const size_t used = p.put(b.data(), ec);
        b.consume(used);
        if (ec && ec != bhttp::error::need_more) return map_error(ec);
        if (ec && p.is_header_done() && b.size() > kMaxFramingBytes)
          return Fail(431, "request header fields too large");  // a chunk header or trailer
        if (!ec) {
          if (p.is_header_done() && !impl_->header_reported) {
            impl_->header_reported = true;
            p.eager(true);  // from here on, parse all the body bytes there are
            return State::kHeaderDone;
          }
          if (used > 0) continue;
        }
      }
      if (impl_->eof) {
        if (!p.got_some()) return State::kClosed;
        beast::error_code ec;
        p.put_eof(ec);
        if (!ec && p.is_done()) return State::kComplete;
        return State::kClosed;  // the client went away in the middle of a request
      }
      if (b.size() >= b.max_size()) return Fail(431, "request header fields too large");
      return State::kNeedMore;
    }
  } catch (const std::length_error&) {
    // Beast's fields refuse a name or value over 65,535 bytes by throwing (a trailer can carry
    // one, since the header limit does not cover trailers).
    return Fail(431, "request header fields too large");
  } catch (const std::exception&) {
    return Fail(400, "malformed HTTP request");
  }
}

RequestReader::Head RequestReader::head() const {
  const auto& p = *impl_->parser;
  const auto& h = p.get();
  Head out;
  out.method = std::string_view(h.method_string().data(), h.method_string().size());
  out.target = std::string_view(h.target().data(), h.target().size());
  out.version = h.version();
  out.keep_alive = h.keep_alive();
  if (auto n = p.content_length()) out.content_length = *n;
  out.chunked = p.chunked();
  auto expect = h[bhttp::field::expect];
  out.expect_continue = beast::iequals(expect, "100-continue");
  return out;
}

void RequestReader::SetBodyLimit(size_t bytes) {
  bytes = std::min(bytes, impl_->max_body);
  // Beast checks a declared length against the limit only while it parses the head, which is
  // over: check it here, before the body's storage is reserved for that length.
  if (auto n = impl_->parser->content_length(); n && *n > bytes) impl_->too_large = true;
  impl_->parser->body_limit(bytes);
}

HttpRequest RequestReader::TakeRequest(const std::string& remote, std::string request_id) {
  auto msg = impl_->parser->release();
  // The request may now wait on a CRM for seconds: the read buffer is not kept meanwhile unless
  // it holds the start of a pipelined next request (a thousand parked requests, 2 MB).
  if (impl_->buffer.size() == 0) impl_->buffer.shrink_to_fit();
  HttpRequest out;
  out.method = std::string(msg.method_string());
  out.target = std::string(msg.target());
  std::string_view target = msg.target();
  const size_t q = target.find('?');
  out.path = PercentDecode(target.substr(0, q), false);
  if (q != std::string_view::npos) out.query = ParseQuery(target.substr(q + 1));
  for (auto& f : msg)
    out.headers.emplace_back(ToLower(f.name_string()), std::string(f.value()));
  out.body = std::move(msg.body());
  out.remote = remote;
  // A load balancer's or client's X-Request-Id is kept, so one id follows the request across
  // their logs and ours; anything that could forge a log line is replaced by our own.
  auto forwarded = out.Header("x-request-id");
  out.request_id = forwarded && IsAcceptableRequestId(*forwarded) ? std::string(*forwarded)
                                                                  : std::move(request_id);
  return out;
}

}  // namespace crmhost::http
