// Fuzz target: the HTTP request reader, the first code every byte from a client reaches.
//
// Anyone who can open a connection to the App Connect port (or the ops port) controls these
// bytes. The target drives RequestReader exactly as http/server.cpp does: bytes arrive in pieces
// of input-chosen sizes, the head is checked and a body limit set (the route's, lowered by an
// input-chosen value), a complete request is taken apart (path decoding, query splitting, route
// matching) and pipelined requests follow on the same reader. It also checks two promises the
// server loop relies on: a failure is always 400/413/431, and the reader never asks for more
// bytes while it has no room to take them (the server would spin). Each complete request then goes
// through the Dispatcher as the server hands it over: CORS preflights, 404s, the busy answer and
// the route call, with exactly one response each and no header value that could split a response.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "contract/body_limits.h"
#include "http/message.h"
#include "http/request_reader.h"
#include "http/router.h"

namespace {
using crmhost::http::HttpRequest;
using crmhost::http::HttpResponse;
using crmhost::http::RequestReader;
using crmhost::http::Router;

[[noreturn]] void Broken(const char* what) {
  std::fprintf(stderr, "http_request fuzz: %s\n", what);
  std::abort();
}

// A few of the daemon's routes, with the daemon's body limit table applied.
const Router& Routes() {
  static const Router* router = [] {
    auto* r = new Router;
    auto ok = [](HttpRequest&) { return HttpResponse::Text(200, "ok"); };
    for (const char* route :
         {"GET /contact", "POST /contact", "POST /callLog", "PATCH /callLog",
          "GET /appointments/:appointmentId", "PATCH /appointments/:appointmentId",
          "PATCH /calldown/:id", "POST /plugins/:name/rollback", "GET /healthz"}) {
      std::string s(route);
      const size_t sp = s.find(' ');
      r->Add(s.substr(0, sp), s.substr(sp + 1), ok);
    }
    (void)crmhost::contract::ApplyBodyLimits(*r);  // routes not added above are reported, fine
    return r;
  }();
  return *router;
}

constexpr size_t kMaxRequests = 8;  // pipelined requests per input

// Runs jobs at once, as a fiber would, or refuses them (the saturated pool) when told to.
bool g_refuse = false;
const crmhost::http::Dispatcher& Dispatch() {
  static const auto* d = new crmhost::http::Dispatcher(
      Routes(),
      [](std::function<void()> job) {
        if (g_refuse) return false;
        job();
        return true;
      },
      "x-refreshed-jwt");
  return *d;
}

void CheckResponse(const HttpResponse& r) {
  if (r.status < 100 || r.status > 599) Broken("response status out of range");
  for (const auto& [name, value] : r.headers)
    if (name.find_first_of("\r\n:") != std::string::npos ||
        value.find_first_of("\r\n") != std::string::npos)
      Broken("a response header could split the response");
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Input: 4 control bytes, then what the client sends. Byte 0: the largest piece one read
  // returns (0: byte by byte); byte 1: whether and how far to lower the body limit; bytes 2-3:
  // the seed of the piece sizes.
  if (size < 4) return 0;
  const size_t piece_max = 1 + size_t(data[0]) * 64;
  const size_t limit_choice = data[1];
  const uint32_t split_seed = uint32_t(data[2]) << 8 | data[3];
  const std::string_view stream(reinterpret_cast<const char*>(data) + 4, size - 4);

  RequestReader reader(64 * 1024, 1 << 20);
  size_t pos = 0;
  size_t requests = 0;
  uint32_t rng = split_seed * 2 + 1;
  bool eof = false;
  bool need_more_without_room = false;
  // Every step either consumes a byte, ends the stream or moves a request forward.
  for (size_t steps = 0; steps < stream.size() + 8 * kMaxRequests + 16; ++steps) {
    switch (reader.Advance()) {
      case RequestReader::State::kNeedMore: {
        if (pos == stream.size()) {
          if (eof) Broken("kNeedMore after EndOfStream");
          reader.EndOfStream();
          eof = true;
          break;
        }
        std::span<char> space = reader.ReadSpace();
        if (space.empty()) {
          if (need_more_without_room) Broken("kNeedMore twice with no ReadSpace");
          need_more_without_room = true;
          break;
        }
        need_more_without_room = false;
        rng = rng * 1103515245u + 12345u;  // piece sizes: 1..piece_max, from the input's seed
        const size_t n = std::min({space.size(), stream.size() - pos, 1 + (rng >> 8) % piece_max});
        std::memcpy(space.data(), stream.data() + pos, n);
        pos += n;
        reader.Commit(n);
        break;
      }
      case RequestReader::State::kHeaderDone: {
        const RequestReader::Head head = reader.head();
        size_t limit = Routes().BodyLimitFor(head.method, head.target);
        static constexpr size_t kLimits[] = {0, 1, 100, 64 * 1024};
        if (limit_choice % 8 < std::size(kLimits))
          limit = std::min(limit, kLimits[limit_choice % 8]);
        reader.SetBodyLimit(limit);
        break;
      }
      case RequestReader::State::kComplete: {
        const bool keep_alive = reader.head().keep_alive;
        HttpRequest req = reader.TakeRequest("192.0.2.1:5555", "fuzz-request-id");
        (void)crmhost::http::PercentDecode(req.target, true);
        const size_t q = req.target.find('?');
        if (q != std::string::npos)
          (void)crmhost::http::ParseQuery(std::string_view(req.target).substr(q + 1));
        g_refuse = (split_seed >> requests) & 1;
        int responses = 0;
        Dispatch().Dispatch(std::move(req), [&](HttpResponse&& r) {
          ++responses;
          CheckResponse(r);
        });
        if (responses != 1) Broken("a request did not get exactly one response");
        if (!keep_alive || ++requests == kMaxRequests) return 0;
        reader.Start();
        break;
      }
      case RequestReader::State::kClosed:
        return 0;
      case RequestReader::State::kFailed: {
        const int status = reader.failure().status;
        if (status != 400 && status != 413 && status != 431) Broken("unexpected failure status");
        return 0;
      }
    }
  }
  Broken("the reader made no progress");
}
