// crmhost/plugin.hpp -- header-only C++20 SDK over the crmhost plugin ABI (crmhost/plugin.h).
//
// With this header a plugin is one class:
//
//   class Acme {
//    public:
//     static constexpr const char* kName = "acme";        // platform name
//     static constexpr const char* kVersion = "1.0.0";    // semver
//     static constexpr const char* kManifest = nullptr;   // manifest entry JSON, or nullptr
//     explicit Acme(crmhost::sdk::Call& init);            // may read settings; throw to refuse
//     boost::json::value getAuthType(crmhost::sdk::Call&, const boost::json::object& in);
//     boost::json::value findContact(crmhost::sdk::Call&, const boost::json::object& in);
//     static constexpr auto operations() {
//       using Op = crmhost::sdk::Operation<Acme>;
//       return std::array{Op{"getAuthType", &Acme::getAuthType},
//                         Op{"findContact", &Acme::findContact}};
//     }
//   };
//   CRMHOST_PLUGIN(Acme)
//
// Optional members: `void self_check(Call&)` (throw to refuse the version),
// `void shutdown(Call&)` (runs once before the instance is destroyed), and
// `static constexpr const char* kRoutes` (the HTTP routes the plugin serves, a JSON array as
// crmh_plugin_descriptor.routes_json describes; list the operation "serveRoute" with them).
//
// Operations take and return Boost.JSON values. Throw sdk::UpstreamError when the CRM
// fails (its HTTP status decides the message App Connect shows), sdk::InvalidInput for
// unusable input; anything else becomes CRMH_E_INTERNAL. No exception ever leaves the plugin.
// Build with crmhost_add_plugin() (CMake), which also compiles Boost.JSON's implementation
// once into the plugin.
#ifndef CRMHOST_PLUGIN_HPP
#define CRMHOST_PLUGIN_HPP

#include <crmhost/plugin.h>
#include <crmhost/sdk/phone.hpp>

#include <array>
#include <boost/json.hpp>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace crmhost::sdk {

namespace json = boost::json;

// ---- errors -------------------------------------------------------------------------------

// The CRM answered with an error (status = its HTTP status) or did not answer (status = 0).
class UpstreamError : public std::runtime_error {
 public:
  UpstreamError(int status, const std::string& message)
      : std::runtime_error(message), status_(status) {}
  int status() const noexcept { return status_; }

 private:
  int status_;
};

// The operation's input is unusable (missing or mistyped field).
class InvalidInput : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// ---- small helpers plugins need everywhere --------------------------------------------------

inline std::string_view to_sv(crmh_view v) {
  return {v.ptr, v.len};
}
inline crmh_view to_view(std::string_view s) {
  return {s.data(), s.size()};
}

// Percent-encodes everything but RFC 3986 unreserved characters (for query values and
// path segments built from user input).
inline std::string url_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() * 3);
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

inline std::string base64_encode(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    out += {kAlphabet[n >> 18], kAlphabet[(n >> 12) & 63], kAlphabet[(n >> 6) & 63],
            kAlphabet[n & 63]};
  }
  if (i + 1 == in.size()) {
    uint32_t n = uint8_t(in[i]) << 16;
    out += {kAlphabet[n >> 18], kAlphabet[(n >> 12) & 63], '=', '='};
  } else if (i + 2 == in.size()) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += {kAlphabet[n >> 18], kAlphabet[(n >> 12) & 63], kAlphabet[(n >> 6) & 63], '='};
  }
  return out;
}

// Field access that tolerates absent and mistyped fields, as JavaScript connectors do.
inline const json::value* field(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return (v && !v->is_null()) ? v : nullptr;
}
inline const json::object* object_field(const json::object& o, std::string_view key) {
  auto* v = field(o, key);
  return v ? v->if_object() : nullptr;
}
inline std::string string_field(const json::object& o, std::string_view key,
                                std::string_view fallback = {}) {
  auto* v = field(o, key);
  if (!v) return std::string(fallback);
  if (auto* s = v->if_string()) return std::string(*s);
  if (v->is_int64()) return std::to_string(v->get_int64());
  if (v->is_uint64()) return std::to_string(v->get_uint64());
  if (v->is_bool()) return v->get_bool() ? "true" : "false";
  if (v->is_double()) return json::serialize(*v);
  return std::string(fallback);
}

// ---- the per-invocation context ----------------------------------------------------------

struct Header {
  std::string name;
  std::string value;
};

struct HttpResponse {
  int status = 0;
  std::vector<Header> headers;  // names lower-cased by the host
  std::string body;

  bool ok() const { return status >= 200 && status < 300; }
  std::string_view header(std::string_view lower_name) const {
    for (auto& h : headers)
      if (h.name == lower_name) return h.value;
    return {};
  }
  // Parses the body as JSON; a CRM that answers garbage is an upstream failure.
  json::value json() const {
    boost::system::error_code ec;
    auto v = json::parse(body, ec);
    if (ec) throw UpstreamError(status, "CRM answered with invalid JSON");
    return v;
  }
};

// Wraps the crmh_call handle: everything a plugin function may ask of the host.
class Call {
 public:
  Call(const crmh_host_api* host, crmh_call* call) : host_(host), call_(call) {}

  // One outbound request. Returns any HTTP answer (a redirect too: see http_headers' flags);
  // throws UpstreamError(0, reason) when none arrived (timeout, connection or TLS failure,
  // refused by the host's outbound policy).
  HttpResponse http(std::string_view method, std::string_view url,
                    std::initializer_list<std::pair<std::string_view, std::string_view>> headers,
                    std::string_view body = {}, uint32_t timeout_ms = 0) const {
    return http_vec(method, url, {headers.begin(), headers.end()}, body, timeout_ms, 0);
  }

  // The same, with headers built at run time. `flags`: CRMH_HTTP_* (CRMH_HTTP_FOLLOW_REDIRECTS).
  HttpResponse http_headers(
      std::string_view method, std::string_view url,
      const std::vector<std::pair<std::string_view, std::string_view>>& headers,
      std::string_view body = {}, uint32_t timeout_ms = 0, uint32_t flags = 0) const {
    return http_vec(method, url, headers, body, timeout_ms, flags);
  }

  // A JSON request that must succeed: throws UpstreamError on a non-2xx status and returns
  // the parsed body (null for an empty body).
  json::value http_json(
      std::string_view method, std::string_view url,
      std::initializer_list<std::pair<std::string_view, std::string_view>> headers,
      const json::value* body = nullptr) const {
    std::string payload = body ? json::serialize(*body) : std::string();
    std::vector<std::pair<std::string_view, std::string_view>> hs(headers);
    hs.emplace_back("Accept", "application/json");
    if (body) hs.emplace_back("Content-Type", "application/json");
    auto resp = http_vec(method, url, hs, payload, 0, 0);
    if (!resp.ok())
      throw UpstreamError(resp.status, "CRM answered HTTP " + std::to_string(resp.status));
    if (resp.body.empty()) return nullptr;
    return resp.json();
  }

  std::optional<std::string> setting(std::string_view name) const {
    crmh_view v{};
    if (host_->setting(call_, to_view(name), &v) != CRMH_OK) return std::nullopt;
    return std::string(to_sv(v));
  }

  std::optional<std::string> kv_get(std::string_view key) const {
    crmh_view v{};
    if (host_->kv_get(call_, to_view(key), &v) != CRMH_OK) return std::nullopt;
    return std::string(to_sv(v));
  }
  bool kv_put(std::string_view key, std::string_view value, int64_t ttl_ms = 0) const {
    return host_->kv_put(call_, to_view(key), to_view(value), ttl_ms) == CRMH_OK;
  }
  void kv_delete(std::string_view key) const { host_->kv_delete(call_, to_view(key)); }

  void log(int32_t level, std::string_view msg) const {
    host_->log(call_, level, msg.data(), msg.size());
  }
  void info(std::string_view msg) const { log(CRMH_LOG_INFO, msg); }
  void warn(std::string_view msg) const { log(CRMH_LOG_WARN, msg); }
  void error(std::string_view msg) const { log(CRMH_LOG_ERROR, msg); }

  int64_t now_ms() const { return host_->now_ms(call_); }

  // A phone number read by the host's libphonenumber (ABI 1.2). `options`: CRMH_PHONE_WANT_*;
  // `default_region` ("US") lets national numbers parse. Text that is no number comes back
  // with parsed == false and every field empty.
  phone::Number phone(std::string_view text, uint32_t options = 0,
                      std::string_view default_region = {}) const {
    crmh_phone_number out{};
    out.struct_size = sizeof(out);
    phone::Number n;
    n.parsed =
        host_->phone_parse(call_, to_view(text), to_view(default_region), options, &out) == CRMH_OK;
    n.valid = (out.flags & CRMH_PHONE_VALID) != 0;
    n.possible = (out.flags & CRMH_PHONE_POSSIBLE) != 0;
    n.country_code = out.country_code;
    n.type = out.type;
    n.region = std::string(to_sv(out.region));
    n.significant = std::string(to_sv(out.significant));
    n.e164 = std::string(to_sv(out.e164));
    n.international = std::string(to_sv(out.international));
    n.national = std::string(to_sv(out.national));
    return n;
  }

 private:
  HttpResponse http_vec(std::string_view method, std::string_view url,
                        const std::vector<std::pair<std::string_view, std::string_view>>& hs,
                        std::string_view body, uint32_t timeout_ms, uint32_t flags) const {
    std::vector<crmh_header> raw;
    raw.reserve(hs.size());
    for (auto& [n, v] : hs)
      raw.push_back({to_view(n), to_view(v)});
    crmh_http_request req{};
    req.struct_size = sizeof(req);
    req.timeout_ms = timeout_ms;
    req.method = to_view(method);
    req.url = to_view(url);
    req.headers = raw.data();
    req.header_count = raw.size();
    req.body = to_view(body);
    req.flags = flags;
    crmh_http_response resp{};
    resp.struct_size = sizeof(resp);
    if (host_->http(call_, &req, &resp) != CRMH_OK) {
      throw UpstreamError(0, resp.error.len ? std::string(to_sv(resp.error))
                                            : std::string("outbound request failed"));
    }
    HttpResponse out;
    out.status = resp.status;
    out.body.assign(resp.body.ptr, resp.body.len);
    out.headers.reserve(resp.header_count);
    for (size_t i = 0; i < resp.header_count; ++i)
      out.headers.push_back(
          {std::string(to_sv(resp.headers[i].name)), std::string(to_sv(resp.headers[i].value))});
    return out;
  }

  const crmh_host_api* host_;
  crmh_call* call_;
};

// ---- operation table ------------------------------------------------------------------------

template <class P>
struct Operation {
  using Method = json::value (P::*)(Call&, const json::object&);
  const char* name;
  Method method;
};

namespace detail {

inline void write(const crmh_host_api* host, crmh_writer* w, std::string_view s) {
  if (w) host->write(w, s.data(), s.size());
}

inline void write_message(const crmh_host_api* host, crmh_writer* w, std::string_view msg) {
  json::object o;
  o["message"] = msg;
  write(host, w, json::serialize(o));
}

template <class P>
struct Instance {
  const crmh_host_api* host;
  P plugin;
};

template <class P, size_t N>
constexpr std::array<const char*, N + 1> names_of(const std::array<Operation<P>, N>& ops) {
  std::array<const char*, N + 1> out{};
  for (size_t i = 0; i < N; ++i)
    out[i] = ops[i].name;
  out[N] = nullptr;
  return out;
}

#if defined(__GLIBCXX__)
#define CRMHOST_SDK_STDLIB "libstdc++"
#elif defined(_LIBCPP_VERSION)
#define CRMHOST_SDK_STDLIB "libc++"
#else
#define CRMHOST_SDK_STDLIB "unknown stdlib"
#endif

template <class P>
struct Glue {
  static constexpr auto ops = P::operations();
  static constexpr auto names = names_of(ops);

  static crmh_status init(const crmh_host_api* host, crmh_call* call, crmh_instance** out,
                          crmh_writer* error) noexcept {
    // Refuse a host older than the fields this SDK calls (up to ABI 1.2's phone_parse).
    if (!host || host->abi_major != CRMH_ABI_MAJOR ||
        host->struct_size < offsetof(crmh_host_api, phone_parse) + sizeof(host->phone_parse)) {
      return CRMH_E_INVALID;
    }
    try {
      Call c(host, call);
      Instance<P>* inst;
      if constexpr (std::is_constructible_v<P, Call&>) {
        inst = new Instance<P>{host, P(c)};
      } else {
        inst = new Instance<P>{host, P()};
      }
      *out = reinterpret_cast<crmh_instance*>(inst);
      return CRMH_OK;
    } catch (const std::exception& e) {
      write(host, error, e.what());
    } catch (...) {
      write(host, error, "unknown exception in plugin constructor");
    }
    return CRMH_E_INTERNAL;
  }

  static crmh_status self_check(crmh_instance* instance, crmh_call* call,
                                crmh_writer* error) noexcept {
    auto* inst = reinterpret_cast<Instance<P>*>(instance);
    try {
      if constexpr (requires(P & p, Call & c) { p.self_check(c); }) {
        Call c(inst->host, call);
        inst->plugin.self_check(c);
      }
      return CRMH_OK;
    } catch (const std::exception& e) {
      write(inst->host, error, e.what());
    } catch (...) {
      write(inst->host, error, "unknown exception in self_check");
    }
    return CRMH_E_INTERNAL;
  }

  static crmh_status invoke(crmh_instance* instance, crmh_call* call, crmh_view operation,
                            crmh_view input, crmh_writer* output) noexcept {
    auto* inst = reinterpret_cast<Instance<P>*>(instance);
    const crmh_host_api* host = inst->host;
    const std::string_view op = to_sv(operation);
    typename Operation<P>::Method method = nullptr;
    for (auto& o : ops) {
      if (op == o.name) {
        method = o.method;
        break;
      }
    }
    if (!method) return CRMH_E_UNSUPPORTED;
    try {
      boost::system::error_code ec;
      json::value in = json::parse(to_sv(input), ec);
      if (ec || !in.is_object()) {
        write_message(host, output, "input is not a JSON object");
        return CRMH_E_INVALID;
      }
      Call c(host, call);
      json::value result = (inst->plugin.*method)(c, in.get_object());
      write(host, output, json::serialize(result));
      return CRMH_OK;
    } catch (const UpstreamError& e) {
      json::object o;
      o["statusCode"] = e.status();
      o["message"] = e.what();
      write(host, output, json::serialize(o));
      return CRMH_E_UPSTREAM;
    } catch (const InvalidInput& e) {
      write_message(host, output, e.what());
      return CRMH_E_INVALID;
    } catch (const std::exception& e) {
      write_message(host, output, e.what());
    } catch (...) {
      write_message(host, output, "unknown exception in plugin operation");
    }
    return CRMH_E_INTERNAL;
  }

  static void shutdown(crmh_instance* instance, crmh_call* call) noexcept {
    auto* inst = reinterpret_cast<Instance<P>*>(instance);
    try {
      if constexpr (requires(P & p, Call & c) { p.shutdown(c); }) {
        Call c(inst->host, call);
        inst->plugin.shutdown(c);
      }
    } catch (...) {
      // shutdown cannot fail; the instance is destroyed regardless.
    }
    delete inst;
  }

  static constexpr const char* routes() {
    if constexpr (requires { P::kRoutes; }) {
      return P::kRoutes;
    } else {
      return nullptr;
    }
  }

  static constexpr crmh_plugin_descriptor descriptor = {
      CRMH_PLUGIN_MAGIC,
      sizeof(crmh_plugin_descriptor),
      CRMH_ABI_MAJOR,
      CRMH_ABI_MINOR,
      P::kName,
      P::kVersion,
      "crmhost C++ SDK; " CRMHOST_SDK_STDLIB "; compiler " __VERSION__,
      names.data(),
      P::kManifest,
      &Glue::init,
      &Glue::self_check,
      &Glue::invoke,
      &Glue::shutdown,
      routes(),
  };
};

}  // namespace detail
}  // namespace crmhost::sdk

// Exports the plugin's single entry point. Use once, in one .cpp file, at namespace scope.
#define CRMHOST_PLUGIN(Class)                                \
  CRMH_PLUGIN_ENTRY() {                                      \
    return &::crmhost::sdk::detail::Glue<Class>::descriptor; \
  }

#endif  // CRMHOST_PLUGIN_HPP
