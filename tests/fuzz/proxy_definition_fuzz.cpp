// Fuzz target: proxy connector definitions and their templates (plugins/proxy).
//
// A definition is a JSON file an administrator drops into proxy.connector_dir (hot-reloaded, so
// a half-written or wrong file is parsed too); its templates are then filled with values from
// App Connect requests and CRM answers: contact names, note texts, ids, all user-controlled.
// Input: the definition, optionally followed by a NUL byte and a JSON object of values (or any
// bytes, used as one string value). The target parses the definition and, when it loads, expands
// every template as the plugin does for a request, checking the escaping promises: a value
// expanded into a URL is only unreserved characters and %XX, into a header never CR or LF.
#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "definition.h"
#include "template.h"

namespace {
namespace json = boost::json;

[[noreturn]] void Broken(const char* what, std::string_view detail) {
  std::fprintf(stderr, "proxy_definition fuzz: %s: %.*s\n", what, int(detail.size()),
               detail.data());
  std::abort();
}

json::value Context(std::string_view values) {
  json::object ctx = json::parse(R"({"apiKey": "k3y", "authHeader": "Basic azN5Ong=",
      "user": {"id": "u1", "accessToken": "t0k", "platformAdditionalInfo": {"workspace": "acme"}},
      "contactInfo": {"id": 42, "name": "Ada"}, "items": [{"id": "a"}, {"id": "b"}],
      "parsedPhoneNumber": {"number": {"significant": "4155550100"}},
      "subject": "Call with Ada", "thirdPartyLogId": "n-1", "startTime": 1700000000000})")
                         .as_object();
  boost::system::error_code ec;
  json::value given = json::parse(values, ec);
  if (!ec && given.is_object()) {
    for (auto& [k, v] : given.as_object())
      ctx[k] = v;
  } else {
    ctx["composedLogDetails"] = values;  // any bytes a user typed into a note
  }
  return ctx;
}

// What the plugin does with one operation (plugin.cpp Execute), minus the request itself.
void Expand(const proxy::ConnectorDefinition& d, const proxy::OperationSpec& op,
            const json::value& ctx) {
  using proxy::Escape;
  (void)proxy::ExpandText(op.url, ctx, Escape::kUrl);
  (void)proxy::ExpandText(d.base_url, ctx, Escape::kUrl);
  for (auto& [k, v] : op.query) {
    const json::value value = proxy::ExpandJson(v, ctx);
    (void)proxy::AsText(&value);
  }
  for (const json::object* headers : {&d.default_headers, &op.headers})
    for (auto& [k, v] : *headers)
      if (v.is_string()) (void)proxy::ExpandText(v.get_string(), ctx, Escape::kHeader);
  const proxy::AuthSpec& auth = op.auth ? *op.auth : d.auth;
  (void)proxy::ExpandText(auth.credential_template, ctx, Escape::kHeader);
  if (op.body) (void)json::serialize(proxy::ExpandJson(*op.body, ctx));
  for (auto& [k, v] : op.response_mapping)
    if (v.is_string()) (void)proxy::AsText(proxy::Lookup(ctx, v.get_string()));
}

// Every string value of the context, placed into a URL and a header by a template.
void CheckEscaping(const json::value& v) {
  if (const auto* s = v.if_string()) {
    const json::value one = {{"v", *s}};
    const std::string url = proxy::ExpandText("{{v}}", one, proxy::Escape::kUrl);
    const bool url_safe = std::all_of(url.begin(), url.end(), [](unsigned char c) {
      return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '%';
    });
    if (!url_safe) Broken("unescaped character in a URL", url);
    const std::string header = proxy::ExpandText("x{{v}}", one, proxy::Escape::kHeader);
    if (header.find_first_of("\r\n") != std::string::npos) Broken("CR/LF in a header", header);
  } else if (const auto* o = v.if_object()) {
    for (auto& [k, x] : *o)
      CheckEscaping(x);
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t nul = input.find('\0');
  const std::string_view text = input.substr(0, nul);
  const json::value ctx = Context(nul == input.npos ? "" : input.substr(nul + 1));
  CheckEscaping(ctx);

  (void)proxy::ScanPlaceholders(text);
  const proxy::ParsedDefinition parsed = proxy::ParseDefinition(text);
  if (parsed.definition) {
    if (!parsed.errors.empty()) Broken("a definition loaded with errors", parsed.errors[0]);
    for (auto& [name, op] : parsed.definition->operations)
      Expand(*parsed.definition, op, ctx);
  }
  return 0;
}
