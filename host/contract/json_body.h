// Parsing a request's JSON body with bounded memory.
//
// The parse runs in a per-request arena (BoundedArena): every value of the parsed body, and the
// parser's own working stack, come from it, it is freed in one piece when the last value of the
// body is gone, and it refuses to grow past a fixed multiple of the body's size. A body such as
// four megabytes of "[0,0,0,...]", which would otherwise become tens of megabytes of values,
// therefore fails with 413 instead of taking memory; deep nesting fails at a fixed depth.
#ifndef CRMHOST_CONTRACT_JSON_BODY_H
#define CRMHOST_CONTRACT_JSON_BODY_H

#include <boost/json.hpp>
#include <cstddef>
#include <variant>

#include "http/message.h"

namespace crmhost::contract {

// How much a parse may take: kArenaBase + kArenaPerByte x body size. Legitimate JSON (strings,
// objects of a few fields) needs 1-3 bytes per byte of text.
inline constexpr size_t kArenaBase = 1024 * 1024;
inline constexpr size_t kArenaPerByte = 8;
inline constexpr int kMaxJsonDepth = 64;

// A JSON object body ({} for an empty body, as Express leaves it), or the answer for anything
// else: 400 for malformed JSON, too deep nesting or a non-object, 413 when the parse would need
// more memory than its arena allows.
std::variant<boost::json::object, http::HttpResponse> ParseJsonBody(const http::HttpRequest& req);

}  // namespace crmhost::contract

#endif  // CRMHOST_CONTRACT_JSON_BODY_H
