// The OpenAPI document of everything crmhostd serves (docs/openapi.json, embedded at build time
// with @VERSION@ replaced by the daemon's version). GET /openapi.json answers it.
#ifndef CRMHOST_CONTRACT_OPENAPI_DOCUMENT_H
#define CRMHOST_CONTRACT_OPENAPI_DOCUMENT_H

#include <string_view>

namespace crmhost::contract {

std::string_view OpenApiDocument();

}  // namespace crmhost::contract

#endif  // CRMHOST_CONTRACT_OPENAPI_DOCUMENT_H
