#include "contract/json_body.h"

#include <new>

#include "crmhost/json_safety.h"

namespace crmhost::contract {
namespace json = boost::json;

namespace {

// A monotonic arena with a ceiling: allocation past `cap` bytes throws std::bad_alloc, which
// the parser passes up and ParseJsonBody turns into 413.
class BoundedArena final : public json::memory_resource {
 public:
  explicit BoundedArena(size_t cap) : cap_(cap) {}

 private:
  void* do_allocate(size_t n, size_t align) override {
    if (n > cap_ - used_) throw std::bad_alloc();
    used_ += n;
    return arena_.allocate(n, align);
  }
  void do_deallocate(void*, size_t, size_t) override {}  // freed whole, with the arena
  bool do_is_equal(const json::memory_resource& other) const noexcept override {
    return this == &other;
  }

  json::monotonic_resource arena_;
  const size_t cap_;
  size_t used_ = 0;
};

}  // namespace

std::variant<json::object, http::HttpResponse> ParseJsonBody(const http::HttpRequest& req) {
  if (req.body.empty()) return json::object();  // Express leaves req.body = {} for no body
  // Reference-counted: the arena lives as long as any value parsed into it.
  json::storage_ptr arena =
      json::make_shared_resource<BoundedArena>(kArenaBase + kArenaPerByte * req.body.size());
  json::parse_options opts;
  opts.max_depth = kMaxJsonDepth;  // deep nesting is never legitimate here and costs stack
  boost::system::error_code ec;
  json::value v;
  try {
    json::parser p(arena, opts);  // the parser's working stack comes from the arena too
    p.reset(arena);
    p.write(req.body, ec);
    if (!ec) v = p.release();
  } catch (const std::bad_alloc&) {
    return http::HttpResponse::Error(413, "Request body is too large or too complex");
  }
  if (ec) return http::HttpResponse::Error(400, "Invalid JSON body: " + ec.message());
  if (!v.is_object()) return http::HttpResponse::Error(400, "Request body must be a JSON object");
  ReplaceNonFinite(v);  // 1e400 is null, as the reference's JSON.stringify would store it
  return std::move(v.get_object());
}

}  // namespace crmhost::contract
