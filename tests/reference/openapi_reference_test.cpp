// docs/openapi.json against the reference server's published OpenAPI (App Connect 1.7.42):
// every operation the reference documents is ours too or named below with why not; where both
// document an operation, ours lists at least the reference's statuses and the same parameters;
// and every component schema has the reference's fields with the reference's types, except the
// few differences named below.
#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <string>

#include "support/openapi.h"

namespace crmhost::testing {
namespace json = boost::json;

namespace {

// Operations of the reference that crmhostd does not serve, and why.
const std::map<std::string, std::string> kNotServed = {
    {"post /plugin/register", "the reference's own plugin registry (issue 17)"},
    {"delete /plugin/unregister", "the reference's own plugin registry (issue 17)"},
    {"get /plugin/licenseStatus", "the reference's own plugin registry (issue 17)"},
    {"post /plugin/async-callback/{taskId}", "the reference's own plugin registry (issue 17)"},
    {"get /ringcentral/admin/report", "RingCentral analytics reports are not built"},
    {"get /ringcentral/admin/userReport", "RingCentral analytics reports are not built"},
    {"get /ringcentral/oauth/callback", "RingCentral admin OAuth is not built"},
    {"get /debug/report/url", "no S3 debug-report upload"},
};

// Schemas and fields where ours deliberately differs from the reference's document: it allows
// what the reference itself answers (null where it has nothing) but its document does not, or
// it requires what crmhostd always sends (an error body has an error, a success flag or a
// returnMessage). A contact's dates are text or a number: the reference's own Bullhorn connector
// answers Bullhorn's epoch milliseconds, which its document's "string" does not allow.
const std::set<std::string> kWidened = {"ReturnMessage", "ContactInfo.additionalInfo",
                                        "ContactInfo.createdDate",
                                        "ContactInfo.mostRecentActivityDate", "ErrorResponse"};

std::set<std::string> Operations(const json::value& doc) {
  std::set<std::string> out;
  for (const auto& [path, item] : doc.at("paths").get_object())
    for (const auto& [method, op] : item.get_object())
      if (method == "get" || method == "post" || method == "put" || method == "patch" ||
          method == "delete")
        out.insert(std::string(method) + " " + std::string(path));
  return out;
}

const json::object& Op(const json::value& doc, const std::string& key) {
  const size_t space = key.find(' ');
  return doc.at("paths").at(key.substr(space + 1)).at(key.substr(0, space)).as_object();
}

std::set<std::string> ParameterNames(const OpenApi& api, const json::object& op) {
  std::set<std::string> out;
  if (auto* ps = op.if_contains("parameters"))
    for (const auto& p : ps->as_array()) {
      const json::value& resolved = api.Resolve(p);
      out.insert(std::string(resolved.at("in").as_string()) + ":" +
                 std::string(resolved.at("name").as_string()));
    }
  return out;
}

// The structural facts of a schema: its type, its properties' names and their own facts; a
// reference by the name it refers to (each component is compared on its own).
std::string Shape(const json::value& s, int depth = 0) {
  const json::object* o = s.if_object();
  if (!o || depth > 6) return "";
  std::string out;
  if (auto* ref = o->if_contains("$ref")) out += "ref " + json::serialize(*ref);
  if (auto* t = o->if_contains("type")) out += json::serialize(*t);
  if (auto* n = o->if_contains("nullable")) out += " nullable=" + json::serialize(*n);
  if (auto* props = o->if_contains("properties")) {
    out += " {";
    for (const auto& [name, sub] : props->as_object())
      out += std::string(name) + ":" + Shape(sub, depth + 1) + ";";
    out += "}";
  }
  for (const char* k : {"anyOf", "oneOf", "allOf"})
    if (auto* alts = o->if_contains(k)) {
      out += std::string(" ") + k + "[";
      for (const auto& sub : alts->as_array())
        out += Shape(sub, depth + 1) + "|";
      out += "]";
    }
  if (auto* items = o->if_contains("items")) out += " items:" + Shape(*items, depth + 1);
  return out;
}

}  // namespace

TEST_CASE("reference OpenAPI: every operation is ours or named as not served", "[reference]") {
  const auto ref = OpenApi::Load(OpenApi::ReferencePath());
  REQUIRE(ref);
  const OpenApi& ours = OpenApi::Ours();
  const std::set<std::string> mine = Operations(ours.document());
  size_t both = 0;
  for (const std::string& key : Operations(ref->document())) {
    INFO(key);
    if (kNotServed.count(key)) {
      CHECK(mine.count(key) == 0);
      continue;
    }
    REQUIRE(mine.count(key) == 1);
    ++both;
    const json::object& theirs = Op(ref->document(), key);
    const json::object& our_op = Op(ours.document(), key);
    for (const auto& [status, r] : theirs.at("responses").as_object()) {
      INFO("status " << std::string(status));
      CHECK(our_op.at("responses").as_object().contains(status));
    }
    CHECK(ParameterNames(*ref, theirs) == ParameterNames(ours, our_op));
    CHECK(theirs.contains("requestBody") == our_op.contains("requestBody"));
  }
  CHECK(both >= 50);
}

TEST_CASE("reference OpenAPI: component schemas have the reference's fields and types",
          "[reference]") {
  const auto ref = OpenApi::Load(OpenApi::ReferencePath());
  REQUIRE(ref);
  const OpenApi& ours = OpenApi::Ours();
  const auto& our_schemas = ours.document().at("components").at("schemas").as_object();
  size_t compared = 0;
  for (const auto& [name, theirs] : ref->document().at("components").at("schemas").as_object()) {
    INFO(std::string(name));
    REQUIRE(our_schemas.contains(name));
    if (kWidened.count(std::string(name))) continue;
    json::value mine = our_schemas.at(name);
    // A widened field: compare it as the reference has it.
    for (const std::string& w : kWidened) {
      const size_t dot = w.find('.');
      if (dot == std::string::npos || w.substr(0, dot) != name) continue;
      const std::string field = w.substr(dot + 1);
      mine.at("properties").at(field) = theirs.at("properties").at(field);
    }
    CHECK(Shape(mine) == Shape(theirs));
    ++compared;
  }
  CHECK(compared >= 75);
}

}  // namespace crmhost::testing
