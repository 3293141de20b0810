// crmhost/sdk/js.hpp -- JavaScript semantics for JSON values.
//
// App Connect clients and the reference connectors are JavaScript: a setting's "value" is
// tested for truthiness, numbers arrive as strings, and log text interpolates values with
// `${x}`. Reproducing those rules exactly is what keeps our CRM records byte-identical to the
// reference's. Header-only; pure functions; thread-safe.
#ifndef CRMHOST_SDK_JS_HPP
#define CRMHOST_SDK_JS_HPP

#include <boost/json.hpp>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace crmhost::sdk::js {

namespace json = boost::json;

// JavaScript's Number -> String: integers without ".0", fixed notation from 1e-6 up to 1e21,
// exponent notation outside ("1e+21", "1.5e-7"), always the shortest digits that read back the
// same double.
inline std::string number_to_string(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  if (d == 0) return "0";
  char buf[400];  // a fixed-notation double below 1e21 fits in far fewer
  const double a = std::fabs(d);
  if (a >= 1e-6 && a < 1e21) {
    auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed);
    return std::string(buf, r.ptr);
  }
  auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string out(buf, r.ptr);
  // C++ writes at least two exponent digits ("1e-07"); JavaScript writes no leading zeros.
  if (size_t e = out.find('e'); e != std::string::npos && e + 2 < out.size()) {
    size_t digits = e + 2;
    while (digits + 1 < out.size() && out[digits] == '0')
      out.erase(digits, 1);
  }
  return out;
}

// A number (or numeric text) as an integer when it is one JavaScript holds exactly (at most
// 2^53 - 1 in size), the fraction dropped; nullopt for anything else. Converting a CRM's or
// client's double to an integer any other way can overflow.
inline std::optional<int64_t> to_safe_integer(double d) {
  if (!std::isfinite(d) || std::fabs(d) > 9007199254740991.0) return std::nullopt;
  return static_cast<int64_t>(std::trunc(d));
}

// `${v}` / String(v): strings as-is, null -> "null", objects -> "[object Object]", arrays
// joined with ",".
inline std::string to_string(const json::value& v) {
  switch (v.kind()) {
    case json::kind::string:
      return std::string(v.get_string());
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return v.get_bool() ? "true" : "false";
    case json::kind::int64:
      return std::to_string(v.get_int64());
    case json::kind::uint64:
      return std::to_string(v.get_uint64());
    case json::kind::double_:
      return number_to_string(v.get_double());
    case json::kind::object:
      return "[object Object]";
    case json::kind::array: {
      std::string out;
      bool first = true;
      for (auto& e : v.get_array()) {
        if (!first) out += ',';
        first = false;
        if (!e.is_null()) out += to_string(e);
      }
      return out;
    }
  }
  return {};
}

// Number(v): "" and whitespace -> 0, "12" -> 12, "abc" -> NaN, null -> 0, objects -> NaN.
inline double to_number(const json::value& v) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  switch (v.kind()) {
    case json::kind::null:
      return 0;
    case json::kind::bool_:
      return v.get_bool() ? 1 : 0;
    case json::kind::int64:
      return double(v.get_int64());
    case json::kind::uint64:
      return double(v.get_uint64());
    case json::kind::double_:
      return v.get_double();
    case json::kind::string: {
      std::string s(v.get_string());
      size_t b = s.find_first_not_of(" \t\n\r\f\v");
      if (b == std::string::npos) return 0;
      size_t e = s.find_last_not_of(" \t\n\r\f\v");
      s = s.substr(b, e - b + 1);
      char* end = nullptr;
      double d = std::strtod(s.c_str(), &end);
      if (end != s.c_str() + s.size()) return nan;
      if (s.find_first_of("xXpP") != std::string::npos && s.rfind("0x", 0) != 0 &&
          s.rfind("0X", 0) != 0)
        return nan;  // strtod accepts hex floats JavaScript does not
      return d;
    }
    case json::kind::array: {
      auto& a = v.get_array();
      if (a.empty()) return 0;
      if (a.size() == 1) return to_number(a[0]);
      return nan;
    }
    case json::kind::object:
      return nan;
  }
  return nan;
}

// `${v}`: the text of a value, "undefined" when it is absent (texts the reference connectors
// build from missing fields show it, and clients compare them).
inline std::string template_text(const json::value* v) {
  return v ? to_string(*v) : std::string("undefined");
}

// to_safe_integer of Number(v); nullopt for an absent value.
inline std::optional<int64_t> to_safe_integer(const json::value* v) {
  if (!v) return std::nullopt;
  return to_safe_integer(to_number(*v));
}

// `${v ?? ''}`: the text of a value, "" when it is absent or null.
inline std::string text_or_empty(const json::value* v) {
  return v && !v->is_null() ? to_string(*v) : std::string();
}

// `if (v)`: false for null, false, 0, NaN and "".
inline bool truthy(const json::value* v) {
  if (!v) return false;
  switch (v->kind()) {
    case json::kind::null:
      return false;
    case json::kind::bool_:
      return v->get_bool();
    case json::kind::int64:
      return v->get_int64() != 0;
    case json::kind::uint64:
      return v->get_uint64() != 0;
    case json::kind::double_:
      return v->get_double() != 0 && !std::isnan(v->get_double());
    case json::kind::string:
      return !v->get_string().empty();
    default:
      return true;
  }
}
inline bool truthy(const json::value& v) {
  return truthy(&v);
}

// `obj?.a?.b` for objects; nullptr when any step is missing or not an object. A JSON null at
// the end counts as missing, as `??` treats it.
inline const json::value* get(const json::value* v, std::string_view key) {
  if (!v || !v->is_object()) return nullptr;
  auto* r = v->get_object().if_contains(key);
  return (r && !r->is_null()) ? r : nullptr;
}
inline const json::value* get(const json::object& o, std::string_view key) {
  auto* r = o.if_contains(key);
  return (r && !r->is_null()) ? r : nullptr;
}

// `settings?.[id]?.value ?? fallback`, then JavaScript truthiness.
inline bool setting_enabled(const json::object& settings, std::string_view id, bool fallback) {
  const json::value* value = get(get(settings, id), "value");
  return value ? truthy(value) : fallback;
}

}  // namespace crmhost::sdk::js

#endif  // CRMHOST_SDK_JS_HPP
