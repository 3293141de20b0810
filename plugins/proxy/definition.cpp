#include "definition.h"

#include <algorithm>
#include <cctype>

#include "template.h"

namespace proxy {

namespace {

// Collects problems while walking the document; `path` is the JSON path of the current value.
class Checker {
 public:
  std::vector<std::string> errors;

  void Fail(const std::string& path, const std::string& why) {
    errors.push_back(path + ": " + why);
  }

  static const char* KindOf(const json::value& v) {
    switch (v.kind()) {
      case json::kind::null:
        return "null";
      case json::kind::bool_:
        return "a boolean";
      case json::kind::string:
        return "a string";
      case json::kind::object:
        return "an object";
      case json::kind::array:
        return "an array";
      default:
        return "a number";
    }
  }

  // A string member (absent: `fallback`); templates in it must be well formed.
  std::string String(const json::object& o, std::string_view key, const std::string& path,
                     bool required = false, std::string fallback = {}) {
    const json::value* v = o.if_contains(key);
    const std::string here = path + "." + std::string(key);
    if (!v || v->is_null()) {
      if (required) Fail(here, "required");
      return fallback;
    }
    if (!v->is_string()) {
      Fail(here, std::string("expected a string, got ") + KindOf(*v));
      return fallback;
    }
    Template(v->get_string(), here);
    return std::string(v->get_string());
  }

  std::string OneOf(const json::object& o, std::string_view key, const std::string& path,
                    std::initializer_list<std::string_view> allowed, std::string fallback) {
    std::string s = String(o, key, path, false, fallback);
    if (std::find(allowed.begin(), allowed.end(), s) == allowed.end()) {
      std::string list;
      for (auto a : allowed)
        list += (list.empty() ? "" : ", ") + std::string(a);
      Fail(path + "." + std::string(key), "expected one of " + list + ", got \"" + s + "\"");
      return fallback;
    }
    return s;
  }

  const json::object* Object(const json::object& o, std::string_view key, const std::string& path,
                             bool required = false) {
    const json::value* v = o.if_contains(key);
    const std::string here = path + "." + std::string(key);
    if (!v || v->is_null()) {
      if (required) Fail(here, "required");
      return nullptr;
    }
    if (!v->is_object()) {
      Fail(here, std::string("expected an object, got ") + KindOf(*v));
      return nullptr;
    }
    return &v->get_object();
  }

  void Template(std::string_view s, const std::string& path) {
    auto p = ScanPlaceholders(s);
    if (!p.error.empty()) Fail(path, "bad template: " + p.error);
  }

  // Every string at any depth must be a well-formed template.
  void Templates(const json::value& v, const std::string& path) {
    if (auto* s = v.if_string()) {
      Template(*s, path);
    } else if (auto* o = v.if_object()) {
      for (auto& [k, x] : *o)
        Templates(x, path + "." + std::string(k));
    } else if (auto* a = v.if_array()) {
      for (size_t i = 0; i < a->size(); ++i)
        Templates((*a)[i], path + "[" + std::to_string(i) + "]");
    }
  }

  AuthSpec Auth(const json::object& o, const std::string& path) {
    AuthSpec a;
    a.type = OneOf(o, "type", path, {"apiKey", "oauth"}, "apiKey");
    a.scheme = String(o, "scheme", path);
    a.header_name = String(o, "headerName", path, false, "Authorization");
    if (a.header_name.empty() ||
        !std::all_of(a.header_name.begin(), a.header_name.end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
        }))
      Fail(path + ".headerName", "not a valid header name");
    a.credential_template = String(o, "credentialTemplate", path);
    a.base64 = OneOf(o, "encode", path, {"base64", "none"}, "base64") == "base64";
    a.client_id = String(o, "clientId", path);
    a.client_secret = String(o, "clientSecret", path);
    a.token_url = String(o, "tokenUrl", path);
    a.authorization_url = String(o, "authorizationUrl", path);
    a.redirect_uri = String(o, "redirectUri", path);
    if (a.type == "oauth" && a.token_url.empty() && path == "$.auth")
      Fail(path + ".tokenUrl", "required for oauth");
    return a;
  }

  void Headers(const json::object& o, const std::string& path, json::object& out) {
    for (auto& [k, v] : o) {
      const std::string here = path + "." + std::string(k);
      if (!v.is_string()) {
        Fail(here, std::string("expected a string, got ") + KindOf(v));
        continue;
      }
      Template(v.get_string(), here);
      out[k] = v;
    }
  }
};

// "line L, column C" of a byte offset, for JSON syntax errors.
std::string Where(std::string_view text, size_t offset) {
  size_t line = 1, col = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(col);
}

void ReadMeta(Checker& c, const json::object& meta, ConnectorDefinition& d) {
  d.name = c.String(meta, "name", "$.meta", true);
  if (!d.name.empty() && !std::all_of(d.name.begin(), d.name.end(), [](char ch) {
        return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_';
      }))
    c.Fail("$.meta.name", "only letters, digits, '-' and '_' are allowed");
  d.display_name = c.String(meta, "displayName", "$.meta", false, d.name);
  d.log_format =
      c.OneOf(meta, "logFormat", "$.meta", {"", "text/plain", "text/html", "text/markdown"}, "");
}

void ReadRequestDefaults(Checker& c, const json::object& rd, ConnectorDefinition& d) {
  d.base_url = c.String(rd, "baseUrl", "$.requestDefaults");
  if (!d.base_url.empty() && d.base_url.rfind("https://", 0) != 0 &&
      d.base_url.rfind("http://", 0) != 0)
    c.Fail("$.requestDefaults.baseUrl", "must start with https:// or http://");
  if (const json::value* t = rd.if_contains("timeoutSeconds"); t && !t->is_null()) {
    if (!t->is_number() || t->to_number<double>() <= 0 || t->to_number<double>() > 300) {
      c.Fail("$.requestDefaults.timeoutSeconds", "expected a number of seconds from 1 to 300");
    } else {
      d.timeout_seconds = int(t->to_number<double>());
    }
  }
  if (const json::object* h = c.Object(rd, "defaultHeaders", "$.requestDefaults"))
    c.Headers(*h, "$.requestDefaults.defaultHeaders", d.default_headers);
}

// `base_url` is requestDefaults.baseUrl, read before the operations: a relative url is only an
// error when there is nothing to join it to.
OperationSpec ReadOperation(Checker& c, const json::object& o, const std::string& path,
                            const std::string& base_url) {
  OperationSpec op;
  op.method = c.OneOf(o, "method", path, {"GET", "POST", "PUT", "PATCH", "DELETE"}, "GET");
  op.url = c.String(o, "url", path, true);
  const bool absolute = op.url.rfind("https://", 0) == 0 || op.url.rfind("http://", 0) == 0;
  if (!op.url.empty() && !absolute && base_url.empty())
    c.Fail(path + ".url", "relative, but requestDefaults.baseUrl is not set");
  if (const json::object* h = c.Object(o, "headers", path))
    c.Headers(*h, path + ".headers", op.headers);
  if (const json::object* q = c.Object(o, "query", path)) {
    c.Templates(*q, path + ".query");
    op.query = *q;
  }
  if (const json::value* b = o.if_contains("body"); b && !b->is_null()) {
    c.Templates(*b, path + ".body");
    op.body = *b;
  }
  if (const json::object* a = c.Object(o, "auth", path)) op.auth = c.Auth(*a, path + ".auth");
  if (const json::object* m = c.Object(o, "responseMapping", path)) {
    for (auto& [mk, mv] : *m)
      if (!mv.is_string() && !mv.is_object())
        c.Fail(path + ".responseMapping." + std::string(mk),
               std::string("expected a path string or an object, got ") + Checker::KindOf(mv));
    op.response_mapping = *m;
  }
  return op;
}

void ReadOperations(Checker& c, const json::object& ops, ConnectorDefinition& d) {
  for (auto& [name, v] : ops) {
    const std::string path = "$.operations." + std::string(name);
    if (std::find(std::begin(kKnownOperations), std::end(kKnownOperations),
                  std::string_view(name)) == std::end(kKnownOperations)) {
      c.Fail(path, "unknown operation");
      continue;
    }
    if (!v.is_object()) {
      c.Fail(path, std::string("expected an object, got ") + Checker::KindOf(v));
      continue;
    }
    OperationSpec op = ReadOperation(c, v.get_object(), path, d.base_url);
    d.operations.emplace(std::string(name), std::move(op));
  }
}

void ReadManifest(Checker& c, const json::object& root, ConnectorDefinition& d) {
  if (const json::value* m = root.if_contains("manifest"); m && !m->is_null()) {
    if (!m->is_object()) {
      c.Fail("$.manifest", std::string("expected an object, got ") + Checker::KindOf(*m));
    } else {
      d.manifest = *m;
    }
  }
}

// Sections are read in this fixed order, whatever the document's key order: relative operation
// urls are checked against requestDefaults.baseUrl, so it must be read first.
ConnectorDefinition ReadDefinition(Checker& c, const json::object& root) {
  ConnectorDefinition d;
  if (const json::object* meta = c.Object(root, "meta", "$", true)) ReadMeta(c, *meta, d);
  if (const json::object* auth = c.Object(root, "auth", "$")) d.auth = c.Auth(*auth, "$.auth");
  if (const json::object* rd = c.Object(root, "requestDefaults", "$"))
    ReadRequestDefaults(c, *rd, d);
  if (const json::object* ops = c.Object(root, "operations", "$", true)) ReadOperations(c, *ops, d);
  ReadManifest(c, root, d);
  return d;
}

}  // namespace

ParsedDefinition ParseDefinition(std::string_view text) {
  ParsedDefinition out;
  json::stream_parser parser;
  boost::system::error_code ec;
  const size_t used = parser.write(text.data(), text.size(), ec);
  if (!ec) parser.finish(ec);
  if (ec) {
    out.errors.push_back("$: not valid JSON (" + ec.message() + ") at " + Where(text, used));
    return out;
  }
  const json::value doc = parser.release();
  Checker c;
  if (!doc.is_object()) {
    c.Fail("$", std::string("expected an object, got ") + Checker::KindOf(doc));
    out.errors = std::move(c.errors);
    return out;
  }
  ConnectorDefinition d = ReadDefinition(c, doc.get_object());
  if (c.errors.empty()) {
    out.definition = std::move(d);
  } else {
    out.errors = std::move(c.errors);
  }
  return out;
}

}  // namespace proxy
