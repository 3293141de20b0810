// Validates crmhostd's responses against the reference server's OpenAPI 3.0 document
// (../shared/reference/appconnect-openapi.json), read at test time.
//
// Supported: $ref, type (incl. integer), properties, required, additionalProperties,
// items, enum, allOf/anyOf/oneOf, nullable, minimum/maximum, minLength. Unknown keywords are
// ignored (they only describe).
#ifndef CRMHOST_TESTS_OPENAPI_H
#define CRMHOST_TESTS_OPENAPI_H

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace crmhost::testing {

class OpenApi {
 public:
  // Loads the document; nullopt if the file is absent (the test then reports itself skipped).
  static std::optional<OpenApi> Load(const std::string& path);
  static std::string DefaultPath();  // ../shared/reference/appconnect-openapi.json

  // Errors for one response; empty = valid. `content_type` picks the media type (JSON or text).
  std::vector<std::string> ValidateResponse(const std::string& path, const std::string& method,
                                            int status, const std::string& content_type,
                                            const std::string& body) const;

  std::vector<std::string> Validate(const boost::json::value& schema,
                                    const boost::json::value& instance) const;

 private:
  const boost::json::value& Resolve(const boost::json::value& v) const;
  void Check(const boost::json::value& schema, const boost::json::value& instance,
             const std::string& where, std::vector<std::string>& errors, int depth) const;
  boost::json::value doc_;
};

}  // namespace crmhost::testing

#endif  // CRMHOST_TESTS_OPENAPI_H
