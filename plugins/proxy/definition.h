// A proxy connector definition: one JSON file describing a simple REST CRM in the reference's
// proxy format (../shared/reference/connector-interface.md §3): meta, auth, requestDefaults and
// one request template plus response mapping per App Connect operation.
//
// Parsing is strict about the keys the format defines (types, allowed values, well-formed
// templates) and lenient about keys it does not know, so the reference's configurations load
// unchanged. Every problem is reported with its JSON path: "$.operations.findContact.method:
// expected one of GET, POST, PUT, PATCH, DELETE, got \"FETCH\"".
#ifndef CRMHOST_PLUGINS_PROXY_DEFINITION_H
#define CRMHOST_PLUGINS_PROXY_DEFINITION_H

#include <boost/json.hpp>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace proxy {
namespace json = boost::json;

struct AuthSpec {
  std::string type = "apiKey";  // apiKey | oauth
  std::string scheme;           // "Basic", "Bearer", ... (may be empty)
  std::string header_name = "Authorization";
  std::string credential_template;  // empty: use the host's authHeader
  bool base64 = true;               // encode: base64 (default) | none
  // OAuth proxies: the app the host exchanges codes and refreshes tokens with.
  std::string client_id, client_secret, token_url, authorization_url, redirect_uri;
};

struct OperationSpec {
  std::string method = "GET";
  std::string url;  // absolute, or joined to requestDefaults.baseUrl with one "/"
  json::object headers;
  json::object query;
  std::optional<json::value> body;
  std::optional<AuthSpec> auth;  // replaces the top-level auth for this request
  json::object response_mapping;
};

struct ConnectorDefinition {
  std::string name;  // the platform name users log in with
  std::string display_name;
  std::string log_format;  // text/plain | text/html | text/markdown | "" (the CRM composes)
  AuthSpec auth;
  std::string base_url;
  int timeout_seconds = 30;
  json::object default_headers;
  std::map<std::string, OperationSpec, std::less<>> operations;
  json::value manifest;  // optional platform manifest entry for /crmManifest
};

// The operations the format defines.
inline constexpr std::string_view kKnownOperations[] = {
    "getUserInfo",      "findContact",      "findContactWithName", "createContact",
    "createCallLog",    "getCallLog",       "updateCallLog",       "upsertCallDisposition",
    "createMessageLog", "updateMessageLog", "getUserList",         "getLicenseStatus",
    "unAuthorize"};

struct ParsedDefinition {
  std::optional<ConnectorDefinition> definition;  // set when errors is empty
  std::vector<std::string> errors;
};

ParsedDefinition ParseDefinition(std::string_view text);

}  // namespace proxy

#endif  // CRMHOST_PLUGINS_PROXY_DEFINITION_H
