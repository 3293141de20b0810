// HttpRequest / HttpResponse: the daemon's own view of an HTTP exchange, independent of
// Beast, so every route handler is a plain function from request to response and can be
// tested without a socket. Value types; not thread-safe to mutate concurrently.
#ifndef CRMHOST_HTTP_MESSAGE_H
#define CRMHOST_HTTP_MESSAGE_H

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace crmhost::http {

using Fields = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;  // upper case: "GET", "POST", ...
  std::string target;  // as received: "/contact?jwtToken=..."
  std::string path;    // percent-decoded path without the query: "/contact"
  Fields query;        // decoded pairs in order; '+' decodes to ' ' as in HTML forms
  Fields params;       // path parameters matched by the router (":id" -> "id")
  Fields headers;      // names lower-cased
  std::string body;
  std::string remote;      // peer address, for logs
  std::string request_id;  // assigned by the server, echoed in logs

  // First value of a header / query parameter (Express semantics: repeated -> first).
  std::optional<std::string_view> Header(std::string_view lower_name) const;
  std::optional<std::string_view> Query(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type;  // empty: no body
  std::string body;
  Fields headers;  // extra headers (CORS and x-refreshed-jwt-token are added by the server)

  static HttpResponse Json(int status, const boost::json::value& body);
  static HttpResponse Text(int status, std::string body);
  // text/html: what Express's res.send(string) labels a plain string (a few routes document it).
  static HttpResponse Html(int status, std::string body);
  // The reference's `{ "error": message }` shape for uncaught route failures.
  static HttpResponse Error(int status, std::string_view message);
};

// Splits "a=1&b=x+y%21" into decoded pairs.
Fields ParseQuery(std::string_view query);
// Decodes %XX escapes (and, when plus_is_space, '+' as ' '). Invalid escapes stay as-is.
std::string PercentDecode(std::string_view in, bool plus_is_space);

}  // namespace crmhost::http

#endif  // CRMHOST_HTTP_MESSAGE_H
