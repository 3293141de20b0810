// Fuzz target: the JSON body parser of every App Connect route that takes a body.
//
// POST /callLog, /messageLog, /contact, /admin/userMapping, ... hand the client's body to
// ParseJsonBody before anything else looks at it; the client controls every byte. The parse
// runs in a bounded arena with a depth limit, so besides memory errors the target checks the
// promise the routes rely on: the result is an object, or a 400/413 answer.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <variant>

#include "contract/json_body.h"
#include "http/message.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  crmhost::http::HttpRequest req;
  req.method = "POST";
  req.target = req.path = "/callLog";
  req.headers.emplace_back("content-type", "application/json");
  req.body.assign(reinterpret_cast<const char*>(data), size);

  auto result = crmhost::contract::ParseJsonBody(req);
  if (auto* object = std::get_if<boost::json::object>(&result)) {
    // What a route does next: look fields up and serialise parts into logs and plugin input.
    if (const auto* v = object->if_contains("sessionId")) (void)boost::json::serialize(*v);
    (void)boost::json::serialize(*object);
  } else {
    const int status = std::get<crmhost::http::HttpResponse>(result).status;
    if (status != 400 && status != 413) {
      std::fprintf(stderr, "json_body fuzz: unexpected status %d\n", status);
      std::abort();
    }
  }
  return 0;
}
