// Templates of the proxy connector format (docs: ../shared/reference/connector-interface.md
// §3.2): "{{ path }}" placeholders in URLs, headers, query values, JSON bodies and credential
// templates, resolved against the operation's context.
//
// Values are escaped for where they land, so user input can never change a request's shape:
// in a URL each value is percent-encoded (it cannot add "/", "?", "#", "@" or a scheme); in a
// header CR and LF are removed; in a JSON body a value is inserted as a JSON value, never as
// text spliced into JSON. Pure functions; thread-safe.
#ifndef CRMHOST_PLUGINS_PROXY_TEMPLATE_H
#define CRMHOST_PLUGINS_PROXY_TEMPLATE_H

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace proxy {
namespace json = boost::json;

// "a.b.0.c" against `root`: property names, numeric parts index arrays; "" and "$" are the
// root. nullptr when any step is missing.
const json::value* Lookup(const json::value& root, std::string_view path);

enum class Escape {
  kNone,    // plain text (credential templates before encoding)
  kUrl,     // percent-encode everything but RFC 3986 unreserved characters
  kHeader,  // drop CR and LF
};

// Every placeholder rendered as text (absent and null: ""; strings as they are; numbers as
// JavaScript prints them; objects and arrays as JSON), escaped per `escape`.
std::string ExpandText(std::string_view tmpl, const json::value& context, Escape escape);

// Every string inside `tmpl` (any depth) expanded as text; a string that is exactly one
// placeholder becomes the raw value, keeping its type (absent: null).
json::value ExpandJson(const json::value& tmpl, const json::value& context);

// The placeholder paths of `tmpl`, or the reason it is malformed ("unclosed {{ at 12").
struct Placeholders {
  std::vector<std::string> paths;
  std::string error;
};
Placeholders ScanPlaceholders(std::string_view tmpl);

// The value rendered as text, as a JavaScript template literal would ("" for null).
std::string AsText(const json::value* v);

}  // namespace proxy

#endif  // CRMHOST_PLUGINS_PROXY_TEMPLATE_H
