#include "template.h"

#include <cctype>
#include <crmhost/plugin.hpp>
#include <crmhost/sdk/js.hpp>
#include <crmhost/sdk/text.hpp>

namespace proxy {
namespace js = crmhost::sdk::js;
namespace text = crmhost::sdk::text;

namespace {

// The one placeholder `s` consists of, if it is exactly "{{ path }}".
std::optional<std::string_view> SolePlaceholder(std::string_view s) {
  if (s.size() < 4 || s.substr(0, 2) != "{{" || s.substr(s.size() - 2) != "}}") return std::nullopt;
  std::string_view inner = s.substr(2, s.size() - 4);
  if (inner.find("{{") != std::string_view::npos || inner.find("}}") != std::string_view::npos)
    return std::nullopt;
  return text::trim(inner);
}

}  // namespace

const json::value* Lookup(const json::value& root, std::string_view path) {
  path = text::trim(path);
  if (path.empty() || path == "$") return &root;
  const json::value* cur = &root;
  while (cur) {
    const size_t dot = path.find('.');
    const std::string_view part = path.substr(0, dot);
    if (auto* o = cur->if_object()) {
      cur = o->if_contains(part);
    } else if (auto* a = cur->if_array()) {
      size_t index = 0;
      bool digits = !part.empty();
      for (char c : part) {
        digits = digits && std::isdigit(static_cast<unsigned char>(c));
        if (digits) index = index * 10 + size_t(c - '0');
      }
      cur = digits && index < a->size() ? &(*a)[index] : nullptr;
    } else {
      return nullptr;
    }
    if (dot == std::string_view::npos) return cur;
    path.remove_prefix(dot + 1);
  }
  return nullptr;
}

std::string AsText(const json::value* v) {
  if (!v || v->is_null()) return "";
  if (v->is_object() || v->is_array()) return json::serialize(*v);
  return js::to_string(*v);
}

std::string ExpandText(std::string_view tmpl, const json::value& context, Escape escape) {
  std::string out;
  size_t pos = 0;
  while (pos < tmpl.size()) {
    const size_t open = tmpl.find("{{", pos);
    const size_t close = open == std::string_view::npos ? open : tmpl.find("}}", open + 2);
    if (close == std::string_view::npos) {
      out.append(tmpl.substr(pos));
      break;
    }
    out.append(tmpl.substr(pos, open - pos));
    std::string value = AsText(Lookup(context, tmpl.substr(open + 2, close - open - 2)));
    switch (escape) {
      case Escape::kUrl:
        out += crmhost::sdk::url_encode(value);
        break;
      case Escape::kHeader:
        for (char c : value)
          if (c != '\r' && c != '\n') out.push_back(c);
        break;
      case Escape::kNone:
        out += value;
        break;
    }
    pos = close + 2;
  }
  return out;
}

json::value ExpandJson(const json::value& tmpl, const json::value& context) {
  if (auto* s = tmpl.if_string()) {
    if (auto path = SolePlaceholder(*s)) {
      const json::value* v = Lookup(context, *path);
      return v ? *v : json::value();
    }
    return json::value(ExpandText(*s, context, Escape::kNone));
  }
  if (auto* o = tmpl.if_object()) {
    json::object out;
    for (auto& [k, v] : *o)
      out[k] = ExpandJson(v, context);
    return out;
  }
  if (auto* a = tmpl.if_array()) {
    json::array out;
    for (auto& v : *a)
      out.push_back(ExpandJson(v, context));
    return out;
  }
  return tmpl;
}

Placeholders ScanPlaceholders(std::string_view tmpl) {
  Placeholders p;
  size_t pos = 0;
  while (true) {
    const size_t open = tmpl.find("{{", pos);
    const size_t stray = tmpl.find("}}", pos);
    if (stray != std::string_view::npos && (open == std::string_view::npos || stray < open)) {
      p.error = "unmatched }} at " + std::to_string(stray);
      return p;
    }
    if (open == std::string_view::npos) return p;
    const size_t close = tmpl.find("}}", open + 2);
    if (close == std::string_view::npos) {
      p.error = "unclosed {{ at " + std::to_string(open);
      return p;
    }
    std::string_view inner = tmpl.substr(open + 2, close - open - 2);
    if (inner.find("{{") != std::string_view::npos) {
      p.error = "nested {{ at " + std::to_string(open);
      return p;
    }
    p.paths.emplace_back(text::trim(inner));
    pos = close + 2;
  }
}

}  // namespace proxy
