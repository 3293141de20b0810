// The proxy connector engine: template expansion (and its escaping) and definition checks with
// JSON paths. The shipped example and the reference document's example must both load.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "definition.h"
#include "template.h"

namespace proxy {

namespace {

json::value Context() {
  return json::parse(R"({"contactInfo": {"id": 42, "name": "Ada"},
                        "items": [{"id": "a"}, {"id": "b"}],
                        "user": {"platformAdditionalInfo": {"tenant": "acme"}},
                        "evil": "x/../admin?y=1#z",
                        "crlf": "ok\r\nX-Injected: 1",
                        "nothing": null})");
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("proxy templates: lookups, text, raw values", "[proxy]") {
  const json::value ctx = Context();
  CHECK(*Lookup(ctx, "contactInfo.id") == 42);
  CHECK(*Lookup(ctx, " items.1.id ") == "b");
  CHECK(Lookup(ctx, "items.9.id") == nullptr);
  CHECK(Lookup(ctx, "contactInfo.id.more") == nullptr);
  CHECK(Lookup(ctx, "$") == &ctx);

  CHECK(ExpandText("Call with {{ contactInfo.name }} ({{contactInfo.id}}){{missing}}", ctx,
                   Escape::kNone) == "Call with Ada (42)");
  // A whole-string placeholder keeps the value's type; anything else becomes text.
  json::value body =
      ExpandJson(json::parse(R"({"id": "{{contactInfo.id}}", "label": "#{{contactInfo.id}}",
                                                "list": ["{{items}}"], "none": "{{nothing}}",
                                                "absent": "{{nope}}", "n": 3})"),
                 ctx);
  CHECK(body.at("id") == 42);
  CHECK(body.at("label") == "#42");
  CHECK(body.at("list").at(0).as_array().size() == 2);
  CHECK(body.at("none").is_null());
  CHECK(body.at("absent").is_null());
  CHECK(body.at("n") == 3);
}

TEST_CASE("proxy templates: values cannot change a request's shape", "[proxy]") {
  const json::value ctx = Context();
  CHECK(ExpandText("https://{{user.platformAdditionalInfo.tenant}}.crm.example/people/{{evil}}",
                   ctx,
                   Escape::kUrl) == "https://acme.crm.example/people/x%2F..%2Fadmin%3Fy%3D1%23z");
  CHECK(ExpandText("Bearer {{crlf}}", ctx, Escape::kHeader) == "Bearer okX-Injected: 1");
  // JSON bodies take values as values: quotes in user input stay inside the string.
  json::value quoted = json::parse(R"({"name": "a\", \"admin\": true, \"x\": \""})");
  json::value body = ExpandJson(json::parse(R"({"note": "{{name}}"})"), quoted);
  CHECK(body.as_object().size() == 1);
  CHECK(body.at("note") == "a\", \"admin\": true, \"x\": \"");
}

TEST_CASE("proxy templates: malformed placeholders are found", "[proxy]") {
  CHECK(ScanPlaceholders("a {{b}} {{ c.d }}").paths == std::vector<std::string>{"b", "c.d"});
  CHECK(ScanPlaceholders("a {{b").error == "unclosed {{ at 2");
  CHECK(ScanPlaceholders("a }} b").error == "unmatched }} at 2");
  CHECK(ScanPlaceholders("{{a{{b}}").error == "nested {{ at 0");
}

TEST_CASE("proxy definitions: every problem is named by its JSON path", "[proxy]") {
  auto bad = ParseDefinition(R"({
    "meta": {"name": "bad name!", "logFormat": "text/rtf"},
    "auth": {"type": "magic", "headerName": "X Bad", "encode": "rot13"},
    "requestDefaults": {"baseUrl": "ftp://x", "timeoutSeconds": 900, "defaultHeaders": {"A": 1}},
    "operations": {
      "findContact": {"method": "FETCH", "url": "/people/{{phone"},
      "createCallLog": {"url": 7, "body": {"t": "{{a}}}}"}, "responseMapping": {"idPath": 3}},
      "launchRocket": {"url": "/x"}
    }})");
  CHECK_FALSE(bad.definition);
  auto has = [&](const std::string& s) {
    for (auto& e : bad.errors)
      if (e.rfind(s, 0) == 0) return true;
    return false;
  };
  INFO([&] {
    std::string all;
    for (auto& e : bad.errors)
      all += e + "\n";
    return all;
  }());
  CHECK(has("$.meta.name: only letters"));
  CHECK(has("$.meta.logFormat: expected one of"));
  CHECK(has("$.auth.type: expected one of apiKey, oauth, got \"magic\""));
  CHECK(has("$.auth.headerName: not a valid header name"));
  CHECK(has("$.auth.encode: expected one of base64, none"));
  CHECK(has("$.requestDefaults.baseUrl: must start with"));
  CHECK(has("$.requestDefaults.timeoutSeconds: expected a number of seconds"));
  CHECK(has("$.requestDefaults.defaultHeaders.A: expected a string, got a number"));
  CHECK(
      has("$.operations.findContact.method: expected one of GET, POST, PUT, PATCH, DELETE, got "
          "\"FETCH\""));
  CHECK(has("$.operations.findContact.url: bad template: unclosed {{"));
  CHECK(has("$.operations.createCallLog.url: expected a string, got a number"));
  CHECK(has("$.operations.createCallLog.body.t: bad template: unmatched }}"));
  CHECK(has("$.operations.createCallLog.responseMapping.idPath: expected a path string"));
  CHECK(has("$.operations.launchRocket: unknown operation"));

  auto syntax = ParseDefinition("{\n  \"meta\": {\"name\": \"x\"},\n  \"operations\": {,}\n}");
  REQUIRE(syntax.errors.size() == 1);
  CHECK(syntax.errors[0].find("at line 3, column 18") != std::string::npos);
  CHECK(ParseDefinition("[]").errors ==
        std::vector<std::string>{"$: expected an object, got an array"});
  CHECK(ParseDefinition("{}").errors ==
        std::vector<std::string>{"$.meta: required", "$.operations: required"});
}

TEST_CASE("proxy definitions: the shipped example loads", "[proxy]") {
  auto ours = ParseDefinition(
      ReadFile(std::string(CRMHOST_SOURCE_DIR) + "/plugins/proxy/examples/pipeline-notes.json"));
  INFO((ours.errors.empty() ? std::string() : ours.errors[0]));
  REQUIRE(ours.definition);
  CHECK(ours.definition->name == "pipelineNotes");
  CHECK(ours.definition->timeout_seconds == 15);
  CHECK(ours.definition->operations.at("createCallLog").method == "POST");
  CHECK(ours.definition->auth.credential_template == "{{apiKey}}:x");
  // The reference's own example: tests/reference/proxy_reference_test.cpp.
}

}  // namespace proxy
