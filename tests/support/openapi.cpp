#include "support/openapi.h"

#include <valijson/adapters/boost_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace crmhost::testing {
namespace json = boost::json;

namespace {

constexpr std::string_view kComponentSchemas = "#/components/schemas/";

// Keywords OpenAPI adds to JSON Schema that only describe: dropped, so that a validator that
// knows them differently (draft 7's readOnly) does not judge by them.
bool DescriptiveOnly(std::string_view k) {
  return k == "discriminator" || k == "xml" || k == "externalDocs" || k == "example" ||
         k == "deprecated" || k == "readOnly" || k == "writeOnly" || k == "nullable" ||
         k == "description" || k == "title";
}

}  // namespace

json::value ToJsonSchema(const json::value& in) {
  const json::object* s = in.if_object();
  if (!s) return in;  // true/false schemas
  json::object out;
  for (const auto& [k, v] : *s) {
    if (DescriptiveOnly(k)) continue;
    if (k == "properties" && v.is_object()) {
      json::object props;
      for (const auto& [name, sub] : v.get_object())
        props[name] = ToJsonSchema(sub);  // names, never keywords
      out[k] = std::move(props);
    } else if ((k == "items" || k == "additionalProperties" || k == "not") && v.is_object()) {
      out[k] = ToJsonSchema(v);
    } else if ((k == "anyOf" || k == "allOf" || k == "oneOf") && v.is_array()) {
      json::array alts;
      for (const auto& sub : v.get_array())
        alts.push_back(ToJsonSchema(sub));
      out[k] = std::move(alts);
    } else if (k == "$ref" && v.is_string() && v.get_string().starts_with(kComponentSchemas)) {
      out[k] = "#/definitions/" + std::string(v.get_string()).substr(kComponentSchemas.size());
    } else if ((k == "exclusiveMinimum" || k == "exclusiveMaximum") && v.is_bool()) {
      // OpenAPI 3.0: a flag on minimum/maximum; draft 7: the bound itself.
      const char* bound = k == "exclusiveMinimum" ? "minimum" : "maximum";
      if (v.get_bool() && s->contains(bound)) out[k] = s->at(bound);
    } else {
      out[k] = v;
    }
  }
  if (s->contains("exclusiveMinimum") && out.contains("exclusiveMinimum")) out.erase("minimum");
  if (s->contains("exclusiveMaximum") && out.contains("exclusiveMaximum")) out.erase("maximum");
  const json::value* nullable = s->if_contains("nullable");
  if (!nullable || !nullable->is_bool() || !nullable->get_bool()) return out;
  // nullable: the value may also be null. As an alternative rather than a type list: valijson
  // applies `format` to a null too.
  return json::object{{"anyOf", json::array{std::move(out), json::object{{"type", "null"}}}}};
}

std::string OpenApi::OursPath() {
  return std::string(CRMHOST_SOURCE_DIR) + "/docs/openapi.json";
}

std::string OpenApi::ReferencePath() {
  return std::string(CRMHOST_SHARED_DIR) + "/reference/appconnect-openapi.json";
}

std::optional<OpenApi> OpenApi::Load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  boost::system::error_code ec;
  OpenApi api;
  api.doc_ = json::parse(ss.str(), ec);
  if (ec || !api.doc_.is_object()) return std::nullopt;
  if (const json::value* schemas = api.doc_.find_pointer("/components/schemas", ec))
    for (const auto& [name, schema] : schemas->get_object())
      api.definitions_[name] = ToJsonSchema(schema);
  return api;
}

const OpenApi& OpenApi::Ours() {
  static const std::optional<OpenApi> ours = Load(OursPath());
  if (!ours) throw std::runtime_error(OursPath() + " is missing or not JSON");
  return *ours;
}

const json::value& OpenApi::Resolve(const json::value& v) const {
  const json::value* cur = &v;
  for (int i = 0; i < 16; ++i) {
    auto* o = cur->if_object();
    if (!o) return *cur;
    auto* ref = o->if_contains("$ref");
    if (!ref || !ref->is_string()) return *cur;
    std::string r(ref->get_string());
    if (r.rfind("#/", 0) != 0) return *cur;
    cur = &doc_.at_pointer(r.substr(1));
  }
  return *cur;
}

std::vector<std::string> OpenApi::Validate(const json::value& schema,
                                           const json::value& instance) const {
  json::value root = ToJsonSchema(schema);
  if (!root.is_object()) root = json::object{{"allOf", json::array{root}}};
  root.as_object()["definitions"] = definitions_;
  valijson::Schema compiled;
  valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
  valijson::adapters::BoostJsonAdapter schema_adapter(root);
  try {
    parser.populateSchema(schema_adapter, compiled);
  } catch (const std::exception& e) {
    return {std::string("the schema does not parse: ") + e.what()};
  }
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::BoostJsonAdapter target(instance);
  if (validator.validate(compiled, target, &results)) return {};
  std::vector<std::string> errors;
  valijson::ValidationResults::Error e;
  while (results.popError(e)) {
    std::string where;
    for (const auto& c : e.context)
      where += c;
    errors.push_back(where + ": " + e.description);
  }
  if (errors.empty()) errors.push_back("invalid");
  return errors;
}

std::vector<std::string> OpenApi::ValidateResponse(const std::string& path,
                                                   const std::string& method, int status,
                                                   const std::string& content_type,
                                                   const std::string& body) const {
  const json::value* op = doc_.at("paths").get_object().if_contains(path);
  if (!op) return {"no path " + path + " in the OpenAPI document"};
  op = op->get_object().if_contains(method);
  if (!op) return {"no " + method + " " + path + " in the OpenAPI document"};
  const auto& responses = op->at("responses").get_object();
  const json::value* resp = responses.if_contains(std::to_string(status));
  if (!resp) resp = responses.if_contains("default");
  if (!resp)
    return {method + " " + path + ": status " + std::to_string(status) + " is not documented"};
  const json::value& r = Resolve(*resp);
  const json::value* content = r.get_object().if_contains("content");
  if (!content)
    return body.empty() ? std::vector<std::string>{}
                        : std::vector<std::string>{"body where none is documented"};
  const bool is_json = content_type.find("application/json") != std::string::npos;
  // The documented media type is the response's Content-Type without its parameters.
  const std::string media_type = content_type.substr(0, content_type.find(';'));
  const json::value* media = content->get_object().if_contains(media_type);
  if (!media)
    return {method + " " + path + " " + std::to_string(status) + ": media type " + content_type +
            " not documented"};
  const json::value* schema = media->get_object().if_contains("schema");
  if (!schema) return {};
  json::value instance;
  if (is_json) {
    boost::system::error_code ec;
    instance = json::parse(body, ec);
    if (ec) return {"body is not JSON: " + body.substr(0, 80)};
  } else {
    instance = json::string(body);
  }
  return Validate(*schema, instance);
}

}  // namespace crmhost::testing
