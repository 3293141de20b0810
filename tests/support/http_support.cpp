// The tests' only Beast translation unit: FakeHttpServer and the test HTTP client.
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "support/fake_http_server.h"
#include "support/http_client.h"
#include "support/secret_ledger.h"

namespace crmhost::testing {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;

namespace {

std::string Lower(std::string_view s) {
  std::string o(s);
  for (auto& c : o)
    c = char(std::tolower(static_cast<unsigned char>(c)));
  return o;
}

std::string Decode(std::string_view in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '+') {
      out += ' ';
    } else if (in[i] == '%' && i + 2 < in.size()) {
      out += char(std::stoi(std::string(in.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += in[i];
    }
  }
  return out;
}

RecordedRequest Record(bhttp::request<bhttp::string_body>& req) {
  RecordedRequest r;
  r.method = std::string(req.method_string());
  r.target = std::string(req.target());
  auto q = r.target.find('?');
  r.path = r.target.substr(0, q);
  if (q != std::string::npos) {
    std::string_view qs(r.target);
    qs.remove_prefix(q + 1);
    while (!qs.empty()) {
      auto amp = qs.find('&');
      auto part = qs.substr(0, amp);
      auto eq = part.find('=');
      r.query.emplace_back(Decode(part.substr(0, eq)),
                           eq == std::string_view::npos ? "" : Decode(part.substr(eq + 1)));
      if (amp == std::string_view::npos) break;
      qs.remove_prefix(amp + 1);
    }
  }
  for (auto& f : req)
    r.headers.emplace_back(Lower(f.name_string()), std::string(f.value()));
  r.body = req.body();
  return r;
}

}  // namespace

std::optional<std::string> RecordedRequest::Header(std::string_view name) const {
  for (auto& [k, v] : headers)
    if (k == name) return v;
  return std::nullopt;
}

std::optional<std::string> RecordedRequest::Query(std::string_view name) const {
  for (auto& [k, v] : query)
    if (k == name) return v;
  return std::nullopt;
}

FakeResponse JsonReply(int status, const boost::json::value& body) {
  FakeResponse r;
  r.status = status;
  r.body = boost::json::serialize(body);
  return r;
}

std::map<std::string, std::string> ParseForm(std::string_view body) {
  std::map<std::string, std::string> out;
  while (!body.empty()) {
    const size_t amp = body.find('&');
    const std::string_view pair = body.substr(0, amp);
    const size_t eq = pair.find('=');
    if (eq != std::string_view::npos) out[Decode(pair.substr(0, eq))] = Decode(pair.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    body.remove_prefix(amp + 1);
  }
  return out;
}

// ---- FakeHttpServer ---------------------------------------------------------------------

struct FakeHttpServer::Impl {
  Handler handler;
  std::optional<TlsFiles> tls_files;
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::unique_ptr<ssl::context> tls;
  std::thread accept_thread;
  std::atomic<bool> stopping{false};
  std::atomic<bool> recording{true};
  std::shared_ptr<const std::function<void(const RecordedRequest&)>> hold;  // guarded by mu
  mutable std::mutex mu;
  std::vector<RecordedRequest> log;                // guarded by mu
  std::vector<std::shared_ptr<tcp::socket>> open;  // guarded by mu
  std::vector<std::thread> workers;                // guarded by mu

  template <class Stream>
  void Serve(Stream& stream) {
    beast::flat_buffer buf;
    for (;;) {
      bhttp::request<bhttp::string_body> req;
      beast::error_code ec;
      bhttp::read(stream, buf, req, ec);
      if (ec) return;
      RecordedRequest rec = Record(req);
      NoteSecretsInTarget(rec.target);
      NoteSecretsInHeaders(rec.headers);
      NoteSecretsInBody(rec.body);
      if (recording) {
        std::lock_guard lock(mu);
        log.push_back(rec);
      }
      std::shared_ptr<const std::function<void(const RecordedRequest&)>> hold_now;
      {
        std::lock_guard lock(mu);
        hold_now = hold;
      }
      if (hold_now && *hold_now) (*hold_now)(rec);
      FakeResponse fr = handler(rec);
      NoteSecretsInBody(fr.body);  // tokens the fake CRM issues
      if (fr.delay_ms) std::this_thread::sleep_for(std::chrono::milliseconds(fr.delay_ms));
      if (fr.no_answer) return;
      bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(fr.status), req.version()};
      if (!fr.content_type.empty()) res.set(bhttp::field::content_type, fr.content_type);
      for (auto& [k, v] : fr.headers)
        res.set(k, v);
      res.body() = fr.body;
      res.keep_alive(req.keep_alive());
      res.prepare_payload();
      bhttp::write(stream, res, ec);
      if (ec || !res.keep_alive()) return;
    }
  }

  void Handle(std::shared_ptr<tcp::socket> sock) {
    if (tls) {
      ssl::stream<tcp::socket&> stream(*sock, *tls);
      beast::error_code ec;
      stream.handshake(ssl::stream_base::server, ec);
      if (!ec) Serve(stream);
    } else {
      Serve(*sock);
    }
    beast::error_code ec;
    sock->shutdown(tcp::socket::shutdown_both, ec);
  }

  void AcceptLoop() {
    while (!stopping) {
      auto sock = std::make_shared<tcp::socket>(ioc);
      beast::error_code ec;
      acceptor.accept(*sock, ec);
      if (ec) {
        if (stopping) return;
        continue;
      }
      std::lock_guard lock(mu);
      open.push_back(sock);
      workers.emplace_back([this, sock] { Handle(sock); });
    }
  }
};

FakeHttpServer::FakeHttpServer(Handler handler, std::optional<TlsFiles> tls)
    : impl_(std::make_unique<Impl>()) {
  impl_->handler = std::move(handler);
  impl_->tls_files = tls;
  if (tls) {
    impl_->tls = std::make_unique<ssl::context>(ssl::context::tls_server);
    impl_->tls->use_certificate_chain_file(tls->cert_pem);
    impl_->tls->use_private_key_file(tls->key_pem, ssl::context::pem);
  }
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(ep.protocol());
  impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
  impl_->acceptor.bind(ep);
  impl_->acceptor.listen();
  impl_->accept_thread = std::thread([this] { impl_->AcceptLoop(); });
}

FakeHttpServer::~FakeHttpServer() {
  impl_->stopping = true;
  beast::error_code ec;
  // Wake the blocking accept by connecting to ourselves, then close everything.
  {
    tcp::socket poke(impl_->ioc);
    poke.connect(impl_->acceptor.local_endpoint(ec), ec);
  }
  impl_->accept_thread.join();
  impl_->acceptor.close(ec);
  std::vector<std::thread> workers;
  {
    std::lock_guard lock(impl_->mu);
    for (auto& s : impl_->open)
      s->shutdown(tcp::socket::shutdown_both, ec);
    workers.swap(impl_->workers);
  }
  for (auto& t : workers)
    t.join();
}

uint16_t FakeHttpServer::port() const {
  return impl_->acceptor.local_endpoint().port();
}

std::string FakeHttpServer::base_url() const {
  return std::string(impl_->tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port());
}

std::vector<RecordedRequest> FakeHttpServer::requests() const {
  std::lock_guard lock(impl_->mu);
  return impl_->log;
}

size_t FakeHttpServer::count(std::string_view method, std::string_view path) const {
  std::lock_guard lock(impl_->mu);
  size_t n = 0;
  for (auto& r : impl_->log)
    n += r.method == method && r.path == path;
  return n;
}

void FakeHttpServer::set_recording(bool on) {
  impl_->recording = on;
}

void FakeHttpServer::set_hold(std::function<void(const RecordedRequest&)> hold) {
  std::lock_guard lock(impl_->mu);
  impl_->hold =
      std::make_shared<const std::function<void(const RecordedRequest&)>>(std::move(hold));
}

void FakeHttpServer::clear() {
  std::lock_guard lock(impl_->mu);
  impl_->log.clear();
}

TlsFiles MakeTestCertificates(const std::string& dir) {
  const std::string ca_key = dir + "/ca.key", ca = dir + "/ca.pem", key = dir + "/server.key",
                    csr = dir + "/server.csr", cert = dir + "/server.pem", ext = dir + "/san.ext";
  const std::string quiet = " >/dev/null 2>&1";
  auto run = [&](const std::string& cmd) {
    if (std::system((cmd + quiet).c_str()) != 0) throw std::runtime_error("openssl failed: " + cmd);
  };
  run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj "
      "/CN=crmhost-test-ca"
      " -keyout " +
      ca_key + " -out " + ca);
  run("openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost "
      "-keyout " +
      key + " -out " + csr);
  run("sh -c 'printf \"subjectAltName=DNS:localhost,IP:127.0.0.1\\n\" > " + ext + "'");
  run("openssl x509 -req -in " + csr + " -CA " + ca + " -CAkey " + ca_key +
      " -CAcreateserial -days 1 -out " + cert + " -extfile " + ext);
  return {cert, key};
}

// ---- client -------------------------------------------------------------------------------

std::optional<std::string> HttpResult::Header(std::string_view name) const {
  for (auto& [k, v] : headers)
    if (k == name) return v;
  return std::nullopt;
}

boost::json::value HttpResult::Json() const {
  return boost::json::parse(body);
}

namespace {

HttpResult Exchange(beast::tcp_stream& stream, beast::flat_buffer& buf, std::string_view method,
                    std::string_view target, std::string_view body,
                    const std::vector<std::pair<std::string, std::string>>& headers,
                    bool keep_alive) {
  NoteSecretsInTarget(target);
  NoteSecretsInHeaders(headers);
  NoteSecretsInBody(body);
  HttpResult out;
  bhttp::request<bhttp::string_body> req;
  req.method_string(method);
  req.target(target);
  req.version(11);
  req.set(bhttp::field::host, "127.0.0.1");
  bool has_type = false;
  for (auto& [k, v] : headers) {
    req.set(k, v);
    has_type = has_type || Lower(k) == "content-type";
  }
  if (!body.empty() && !has_type) req.set(bhttp::field::content_type, "application/json");
  req.body() = std::string(body);
  req.keep_alive(keep_alive);
  req.prepare_payload();
  beast::error_code ec;
  bhttp::write(stream, req, ec);
  if (ec) {
    out.error = "write: " + ec.message();
  }
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  bhttp::read(stream, buf, parser, ec);
  if (ec) {
    out.error += (out.error.empty() ? "" : "; ") + std::string("read: ") + ec.message();
    return out;
  }
  auto res = parser.release();
  out.status = int(res.result_int());
  for (auto& f : res)
    out.headers.emplace_back(Lower(f.name_string()), std::string(f.value()));
  out.body = std::move(res.body());
  NoteSecretsInHeaders(out.headers);  // a renewed JWT
  NoteSecretsInBody(out.body);        // the JWT a login answers
  return out;
}

}  // namespace

HttpResult Request(uint16_t port, std::string_view method, std::string_view target,
                   std::string_view body,
                   std::vector<std::pair<std::string, std::string>> headers) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  beast::error_code ec;
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  if (ec) {
    HttpResult r;
    r.error = "connect: " + ec.message();
    return r;
  }
  beast::flat_buffer buf;
  return Exchange(stream, buf, method, target, body, headers, false);
}

struct Connection::Impl {
  asio::io_context ioc;
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buf;
  uint16_t port;
};

Connection::Connection(uint16_t port) : impl_(std::make_unique<Impl>()) {
  impl_->port = port;
  impl_->stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
}

Connection::~Connection() = default;

HttpResult Connection::Send(std::string_view method, std::string_view target,
                            std::string_view body) {
  return Exchange(impl_->stream, impl_->buf, method, target, body, {}, true);
}

// Plain POSIX sockets here: Asio's blocking reads wait in poll() and ignore SO_RCVTIMEO.
std::string RawExchange(uint16_t port, std::string_view raw, int timeout_ms) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string out;
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    if (fd >= 0) ::close(fd);
    return out;
  }
  timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  for (size_t sent = 0; sent < raw.size();) {
    ssize_t n = ::send(fd, raw.data() + sent, raw.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += size_t(n);
  }
  char chunk[4096];
  for (;;) {
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) break;
    out.append(chunk, size_t(n));
  }
  ::close(fd);
  return out;
}

std::string UrlEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += char(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace crmhost::testing
