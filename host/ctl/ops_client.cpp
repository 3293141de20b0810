// crmhostctl's only Beast translation unit.
#include "ctl/ops_client.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>

namespace crmhost::ctl {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

Result<OpsResponse> CallOps(const std::string& base, const std::string& method,
                            const std::string& path, const std::string& token,
                            const std::string& body) {
  auto url = boost::urls::parse_uri(base);
  if (!url || url->scheme() != "http")
    return Status::InvalidArgument("--ops must be an http:// URL, got '" + base + "'");
  const std::string host(url->host());
  const std::string port = url->has_port() ? std::string(url->port()) : "80";
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  beast::error_code ec;
  asio::ip::tcp::resolver resolver(ioc);
  auto endpoints = resolver.resolve(host, port, ec);
  if (!ec) stream.connect(endpoints, ec);
  if (ec)
    return Status::Unavailable("cannot reach crmhostd's ops API at " + base + ": " + ec.message());
  bhttp::request<bhttp::string_body> req;
  req.method_string(method);
  req.target(path);
  req.version(11);
  req.set(bhttp::field::host, host);
  req.set(bhttp::field::authorization, "Bearer " + token);
  req.set(bhttp::field::user_agent, "crmhostctl");
  if (!body.empty()) {
    req.set(bhttp::field::content_type, "application/json");
    req.body() = body;
  }
  req.prepare_payload();
  bhttp::write(stream, req, ec);
  beast::flat_buffer buf;
  bhttp::response<bhttp::string_body> res;
  if (!ec) bhttp::read(stream, buf, res, ec);
  if (ec) return Status::Unavailable("ops API request failed: " + ec.message());
  return OpsResponse{int(res.result_int()), std::move(res.body())};
}

}  // namespace crmhost::ctl
