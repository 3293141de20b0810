#include "plugins/host_services.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "crmhost/store/store.h"
#include "outbound/client.h"
#include "plugins/phone_service.h"
#include "runtime/logging.h"

namespace crmhost::plugins {
namespace {

constexpr size_t kMaxKvKeyBytes = CRMH_MAX_KV_KEY_BYTES;
constexpr size_t kMaxKvValueBytes = CRMH_MAX_KV_VALUE_BYTES;

std::string_view Sv(crmh_view v) {
  return {v.ptr ? v.ptr : "", v.ptr ? v.len : 0};
}
bool ValidView(crmh_view v) {
  return v.ptr || v.len == 0;
}

// Writes `value` into resp->field only if the plugin's struct is large enough to hold it.
#define CRMH_SET_IF_FITS(resp, field, value)                                                \
  do {                                                                                      \
    if ((resp)->struct_size >= offsetof(crmh_http_response, field) + sizeof((resp)->field)) \
      (resp)->field = (value);                                                              \
  } while (0)

crmh_view Keep(crmh_call* call, std::string s) {
  const std::string& kept = call->arena.emplace_front(std::move(s));
  return {kept.data(), kept.size()};
}

void Write(crmh_writer* w, const char* ptr, size_t len) {
  if (!w || (!ptr && len)) return;
  if (w->data.size() + len > w->limit) {
    w->overflow = true;
    return;
  }
  w->data.append(ptr, len);
}

void Log(crmh_call* call, int32_t level, const char* msg, size_t len) {
  if (!call || (!msg && len)) return;
  std::string text = HostServices::Mask(std::string_view(msg ? msg : "", len), call->secrets);
  auto lvl = level <= CRMH_LOG_DEBUG  ? spdlog::level::debug
             : level == CRMH_LOG_INFO ? spdlog::level::info
             : level == CRMH_LOG_WARN ? spdlog::level::warn
                                      : spdlog::level::err;
  // A plugin may log from a thread of its own; the call still knows its request.
  RequestLogScope log_scope(call->request_id);
  spdlog::log(lvl, "plugin {}: {}", call->plugin, text);
}

crmh_status Fail(crmh_call* call, crmh_http_response* resp, crmh_status st, std::string why) {
  if (resp) {
    CRMH_SET_IF_FITS(resp, status, 0);
    CRMH_SET_IF_FITS(resp, error, Keep(call, std::move(why)));
  }
  return st;
}

// The three steps of the http service, each in its own frame (not inlined): the request built
// and sent, then either the failure or the answer handed to the plugin. Only the first is on the
// fiber's stack while it waits on the CRM, and a parked request keeps every stack page it
// touched (docs/PERFORMANCE.md, "Memory at 1,000 connections").
[[gnu::noinline]] Result<outbound::OutboundResponse> Exchange(crmh_call* call,
                                                              const crmh_http_request* req) {
  outbound::OutboundRequest out;
  out.method = std::string(Sv(req->method));
  if (out.method.empty()) out.method = "GET";
  out.url = std::string(Sv(req->url));
  out.body = std::string(Sv(req->body));
  out.timeout = std::chrono::milliseconds(req->timeout_ms);
  out.plugin = call->plugin;
  out.user_ref = call->user_ref;
  // ABI 1.1 flags, read only when the plugin's struct has them.
  if (req->struct_size >= offsetof(crmh_http_request, flags) + sizeof(req->flags))
    out.follow_redirects = (req->flags & CRMH_HTTP_FOLLOW_REDIRECTS) != 0;
  for (size_t i = 0; i < req->header_count; ++i)
    out.headers.emplace_back(Sv(req->headers[i].name), Sv(req->headers[i].value));
  const auto started = std::chrono::steady_clock::now();
  auto result = call->host->deps().http->Send(std::move(out));
  const auto elapsed = std::chrono::steady_clock::now() - started;
  if (call->host->deps().on_crm_call)
    call->host->deps().on_crm_call(call->plugin, result.ok() ? result.value().status : 0,
                                   std::chrono::duration<double>(elapsed).count());
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count();
  if (result.ok()) {
    spdlog::debug("plugin {}: {} -> {} in {} ms", call->plugin, Sv(req->method),
                  result.value().status, ms);
  } else {
    spdlog::info("plugin {}: {} {} failed after {} ms: {}", call->plugin, Sv(req->method),
                 "request", ms, HostServices::Mask(result.status().message(), call->secrets));
  }
  return result;
}

[[gnu::noinline]] crmh_status ExchangeFailed(crmh_call* call, crmh_http_response* resp,
                                             const Status& st) {
  crmh_status code = CRMH_E_TRANSPORT;
  switch (st.code()) {
    case Status::Code::kTimeout:
      code = CRMH_E_TIMEOUT;
      break;
    case Status::Code::kResourceExhausted:
      code = CRMH_E_TOO_LARGE;
      break;
    case Status::Code::kInvalidArgument:
      code = CRMH_E_INVALID;
      break;
    case Status::Code::kPermissionDenied:
      code = CRMH_E_DENIED;
      break;
    default:
      break;
  }
  return Fail(call, resp, code, HostServices::Mask(st.message(), call->secrets));
}

[[gnu::noinline]] crmh_status Answered(crmh_call* call, crmh_http_response* resp,
                                       outbound::OutboundResponse& r) {
  std::vector<crmh_header> headers;
  headers.reserve(r.headers.size());
  for (auto& [k, v] : r.headers)
    headers.push_back({Keep(call, k), Keep(call, v)});
  auto& hs = call->header_arena.emplace_front(std::move(headers));
  CRMH_SET_IF_FITS(resp, status, r.status);
  CRMH_SET_IF_FITS(resp, headers, hs.data());
  CRMH_SET_IF_FITS(resp, header_count, hs.size());
  CRMH_SET_IF_FITS(resp, body, Keep(call, std::move(r.body)));
  CRMH_SET_IF_FITS(resp, error, (crmh_view{nullptr, 0}));
  return CRMH_OK;
}

crmh_status Http(crmh_call* call, const crmh_http_request* req, crmh_http_response* resp) {
  if (!call || !req || !resp) return CRMH_E_INVALID;
  if (req->struct_size < offsetof(crmh_http_request, body) + sizeof(req->body) ||
      resp->struct_size < offsetof(crmh_http_response, status) + sizeof(resp->status))
    return Fail(call, resp, CRMH_E_INVALID, "request or response struct_size too small");
  if (!ValidView(req->method) || !ValidView(req->url) || !ValidView(req->body) ||
      (req->header_count && !req->headers))
    return Fail(call, resp, CRMH_E_INVALID, "malformed request views");
  for (size_t i = 0; i < req->header_count; ++i)
    if (!ValidView(req->headers[i].name) || !ValidView(req->headers[i].value))
      return Fail(call, resp, CRMH_E_INVALID, "malformed header view");
  auto result = Exchange(call, req);
  if (!result.ok()) return ExchangeFailed(call, resp, result.status());
  return Answered(call, resp, result.value());
}

crmh_status KvGet(crmh_call* call, crmh_view key, crmh_view* value) {
  if (!call || !value || !ValidView(key) || key.len > kMaxKvKeyBytes) return CRMH_E_INVALID;
  auto& deps = call->host->deps();
  auto r = deps.store->KvGet(call->plugin, Sv(key), deps.now_ms());
  if (!r.ok()) {
    spdlog::error("plugin {}: kv_get failed: {}", call->plugin, r.status().ToString());
    return CRMH_E_INTERNAL;
  }
  if (!r.value()) return CRMH_E_NOT_FOUND;
  *value = Keep(call, std::move(*r.value()));
  return CRMH_OK;
}

crmh_status KvPut(crmh_call* call, crmh_view key, crmh_view value, int64_t ttl_ms) {
  if (!call || !ValidView(key) || !ValidView(value) || ttl_ms < 0) return CRMH_E_INVALID;
  if (key.len > kMaxKvKeyBytes || value.len > kMaxKvValueBytes) return CRMH_E_TOO_LARGE;
  auto& deps = call->host->deps();
  int64_t expires = ttl_ms > 0 ? deps.now_ms() + ttl_ms : 0;
  auto st = deps.store->KvPut(call->plugin, Sv(key), Sv(value), expires);
  if (!st.ok()) {
    spdlog::error("plugin {}: kv_put failed: {}", call->plugin, st.ToString());
    return CRMH_E_INTERNAL;
  }
  return CRMH_OK;
}

crmh_status KvDelete(crmh_call* call, crmh_view key) {
  if (!call || !ValidView(key) || key.len > kMaxKvKeyBytes) return CRMH_E_INVALID;
  auto st = call->host->deps().store->KvDelete(call->plugin, Sv(key));
  return st.ok() ? CRMH_OK : CRMH_E_INTERNAL;
}

crmh_status Setting(crmh_call* call, crmh_view name, crmh_view* value) {
  if (!call || !value || !ValidView(name)) return CRMH_E_INVALID;
  const auto& settings = call->host->deps().settings;
  auto p = settings.find(call->plugin);
  if (p == settings.end()) return CRMH_E_NOT_FOUND;
  auto s = p->second.find(Sv(name));
  if (s == p->second.end()) return CRMH_E_NOT_FOUND;
  *value = {s->second.data(), s->second.size()};  // lives as long as HostServices
  return CRMH_OK;
}

int64_t NowMs(crmh_call* call) {
  return call ? call->host->deps().now_ms() : 0;
}

crmh_status PhoneParse(crmh_call* call, crmh_view text, crmh_view region, uint32_t options,
                       crmh_phone_number* out) {
  if (!call || !out || !ValidView(text) || !ValidView(region)) return CRMH_E_INVALID;
  // Only the fields the plugin's struct has are touched (convention 3).
  const uint32_t size = out->struct_size;
  auto fits = [size](size_t offset, size_t bytes) { return size >= offset + bytes; };
  if (!fits(offsetof(crmh_phone_number, country_code), sizeof(int32_t))) return CRMH_E_INVALID;
  PhoneReading r = ReadPhone(Sv(text), Sv(region), options);
  out->flags = r.flags;
  out->country_code = r.country_code;
#define CRMH_PHONE_SET(field, value) \
  if (fits(offsetof(crmh_phone_number, field), sizeof(out->field))) out->field = (value);
  CRMH_PHONE_SET(type, r.type);
  CRMH_PHONE_SET(region, Keep(call, std::move(r.region)));
  CRMH_PHONE_SET(significant, Keep(call, std::move(r.significant)));
  CRMH_PHONE_SET(e164, Keep(call, std::move(r.e164)));
  CRMH_PHONE_SET(international, Keep(call, std::move(r.international)));
  CRMH_PHONE_SET(national, Keep(call, std::move(r.national)));
#undef CRMH_PHONE_SET
  return r.parsed ? CRMH_OK : CRMH_E_INVALID;
}

// Host services are called from plugin code through a C table: nothing may escape them (an
// exception crossing the ABI is undefined behaviour). Each entry runs its work under this guard;
// an allocation failure or a bug becomes CRMH_E_INTERNAL for the plugin and one log line.
template <class F>
crmh_status Guarded(crmh_call* call, const char* service, F&& work) noexcept {
  try {
    return work();
  } catch (const std::exception& e) {
    try {
      spdlog::error("plugin {}: host service {} failed: {}", call ? call->plugin : "?", service,
                    e.what());
    } catch (...) {
    }
  } catch (...) {
  }
  return CRMH_E_INTERNAL;
}

}  // namespace

HostServices::HostServices(Deps deps) : deps_(std::move(deps)) {
  if (!deps_.now_ms) {
    deps_.now_ms = [] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  }
  api_.struct_size = sizeof(crmh_host_api);
  api_.abi_major = CRMH_ABI_MAJOR;
  api_.abi_minor = CRMH_ABI_MINOR;
  api_.write = [](crmh_writer* w, const char* ptr, size_t len) noexcept {
    (void)Guarded(nullptr, "write", [&] {
      Write(w, ptr, len);
      return CRMH_OK;
    });
  };
  api_.log = [](crmh_call* call, int32_t level, const char* msg, size_t len) noexcept {
    (void)Guarded(call, "log", [&] {
      Log(call, level, msg, len);
      return CRMH_OK;
    });
  };
  api_.http = [](crmh_call* call, const crmh_http_request* req, crmh_http_response* resp) noexcept {
    return Guarded(call, "http", [&] { return Http(call, req, resp); });
  };
  api_.kv_get = [](crmh_call* call, crmh_view key, crmh_view* value) noexcept {
    return Guarded(call, "kv_get", [&] { return KvGet(call, key, value); });
  };
  api_.kv_put = [](crmh_call* call, crmh_view key, crmh_view value, int64_t ttl_ms) noexcept {
    return Guarded(call, "kv_put", [&] { return KvPut(call, key, value, ttl_ms); });
  };
  api_.kv_delete = [](crmh_call* call, crmh_view key) noexcept {
    return Guarded(call, "kv_delete", [&] { return KvDelete(call, key); });
  };
  api_.setting = [](crmh_call* call, crmh_view name, crmh_view* value) noexcept {
    return Guarded(call, "setting", [&] { return Setting(call, name, value); });
  };
  api_.phone_parse = [](crmh_call* call, crmh_view text, crmh_view region, uint32_t options,
                        crmh_phone_number* out) noexcept {
    return Guarded(call, "phone_parse",
                   [&] { return PhoneParse(call, text, region, options, out); });
  };
  api_.now_ms = [](crmh_call* call) noexcept -> int64_t {
    try {
      return NowMs(call);
    } catch (...) {
      return 0;
    }
  };
}

crmh_call HostServices::NewCall(std::string plugin, std::string request_id,
                                std::vector<std::string> secrets) {
  crmh_call call;
  call.host = this;
  if (auto p = deps_.settings.find(plugin); p != deps_.settings.end())
    for (auto& [k, v] : p->second)
      secrets.push_back(v);
  call.plugin = std::move(plugin);
  call.request_id = std::move(request_id);
  call.secrets = std::move(secrets);
  return call;
}

std::string HostServices::Mask(std::string_view text, const std::vector<std::string>& secrets) {
  std::string out(text);
  for (const auto& s : secrets) {
    if (s.size() < 4) continue;  // masking "a" or "" would shred the text and hide nothing
    for (size_t p = out.find(s); p != std::string::npos; p = out.find(s, p + 4))
      out.replace(p, s.size(), "****");
  }
  return out;
}

}  // namespace crmhost::plugins
