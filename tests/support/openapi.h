// Validates crmhostd's responses against an OpenAPI 3.0 document: ours (docs/openapi.json, always
// in the repository) in every integration test, the reference's in tests/reference when ../shared
// holds it. The document's schemas are turned into JSON Schema (draft 7: `nullable` becomes a
// "null" alternative, component references become definitions, OpenAPI's boolean
// exclusiveMinimum becomes draft 7's number) and checked by valijson.
#ifndef CRMHOST_TESTS_OPENAPI_H
#define CRMHOST_TESTS_OPENAPI_H

#include <boost/json.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace crmhost::testing {

class OpenApi {
 public:
  // Loads the document; nullopt if the file is absent or not JSON.
  static std::optional<OpenApi> Load(const std::string& path);
  static std::string OursPath();       // <source>/docs/openapi.json
  static std::string ReferencePath();  // ../shared/reference/appconnect-openapi.json
  // Ours, loaded once; a test fails (throws) if it is missing: it is part of the repository.
  static const OpenApi& Ours();

  // Errors for one response; empty = valid. `path` is the documented path template
  // ("/calldown/{id}"); `content_type` picks the media type (JSON or text).
  std::vector<std::string> ValidateResponse(const std::string& path, const std::string& method,
                                            int status, const std::string& content_type,
                                            const std::string& body) const;
  // Errors of `instance` against `schema` (an OpenAPI schema object of this document).
  std::vector<std::string> Validate(const boost::json::value& schema,
                                    const boost::json::value& instance) const;

  const boost::json::value& document() const { return doc_; }
  // Follows $ref chains inside the document.
  const boost::json::value& Resolve(const boost::json::value& v) const;

 private:
  boost::json::value doc_;
  boost::json::object definitions_;  // components.schemas as JSON Schema
};

// An OpenAPI 3.0 schema object as a JSON Schema draft 7 one (exposed for its own test).
boost::json::value ToJsonSchema(const boost::json::value& openapi_schema);

}  // namespace crmhost::testing

#endif  // CRMHOST_TESTS_OPENAPI_H
