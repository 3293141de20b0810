// docs/openapi.json against the code, without a socket: every route the App Connect and ops
// routers register is documented, on the right listener, and every documented App Connect
// operation is registered; the document's references all resolve; and the validator the
// integration tests use does reject what the document forbids.
#include <catch2/catch.hpp>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "contract/app.h"
#include "contract/openapi_document.h"
#include "crmhost/store/store.h"
#include "http/router.h"
#include "identity/jwt.h"
#include "ops/health.h"
#include "ops/store_api.h"
#include "plugins/registry.h"
#include "support/daemon_process.h"
#include "support/openapi.h"

namespace crmhost::testing {
namespace json = boost::json;

namespace {

// "/calldown/:id" -> "/calldown/{id}"
std::string Templated(const std::string& pattern) {
  std::string out;
  size_t i = 0;
  while (i < pattern.size()) {
    if (pattern[i] == ':') {
      size_t end = pattern.find('/', i);
      if (end == std::string::npos) end = pattern.size();
      out += "{" + pattern.substr(i + 1, end - i - 1) + "}";
      i = end;
    } else {
      out += pattern[i++];
    }
  }
  return out;
}

std::string Upper(std::string s) {
  for (char& c : s)
    c = char(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string Lower(std::string s) {
  for (char& c : s)
    c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// "get /contact" for every operation of the document; `ops`: those with their own servers
// entry (the ops listener) or the others (the App Connect listener). Operations a shipped plugin
// serves through its own routes ("x-crmhost-plugin") are not the host's: its tests cover them.
std::set<std::string> Documented(const json::value& doc, bool ops) {
  std::set<std::string> out;
  for (const auto& [path, item] : doc.at("paths").get_object()) {
    const bool on_ops = item.get_object().contains("servers");
    if (on_ops != ops) continue;
    for (const auto& [method, op] : item.get_object())
      if (method != "servers" && method != "parameters" &&
          !op.as_object().contains("x-crmhost-plugin"))
        out.insert(std::string(method) + " " + std::string(path));
  }
  return out;
}

std::set<std::string> Registered(const http::Router& router) {
  std::set<std::string> out;
  for (const auto& r : router.routes())
    out.insert(Lower(r.method) + " " + Templated(r.pattern));
  return out;
}

void CollectRefs(const json::value& v, std::vector<std::string>& refs) {
  if (auto* o = v.if_object()) {
    for (const auto& [k, sub] : *o) {
      if (k == "$ref" && sub.is_string()) refs.emplace_back(sub.get_string());
      CollectRefs(sub, refs);
    }
  } else if (auto* a = v.if_array()) {
    for (const auto& sub : *a)
      CollectRefs(sub, refs);
  }
}

std::unique_ptr<store::Store> OpenStore(const TempDir& dir) {
  store::Store::Options so;
  so.path = dir.path();
  auto opened = store::Store::Open(so);
  if (!opened.ok()) FAIL(opened.status().ToString());
  return std::move(opened).value();
}

}  // namespace

TEST_CASE("OpenAPI: every App Connect route is documented, and every documented one exists",
          "[openapi]") {
  TempDir dir;
  auto opened = OpenStore(dir);
  plugins::Registry registry;
  identity::JwtCodec jwt("test-key");
  contract::App app{.store = *opened,
                    .registry = registry,
                    .jwt = jwt,
                    .hash_key = "salt",
                    .now_ms = [] { return int64_t(0); },
                    .server_url = "http://127.0.0.1:0",
                    .manifest_top = {},
                    .plugin_settings = {},
                    .refresh_locks = {},
                    .message_locks = {},
                    .admin_locks = {}};
  http::Router router;
  contract::RegisterRoutes(router, app);

  const std::set<std::string> registered = Registered(router);
  const std::set<std::string> documented = Documented(OpenApi::Ours().document(), false);
  for (const auto& r : registered) {
    INFO(r);
    CHECK(documented.count(r) == 1);
  }
  for (const auto& d : documented) {
    INFO(d);
    CHECK(registered.count(d) == 1);
  }
  CHECK(registered.size() >= 54);  // /pipedrive-redirect is the Pipedrive plugin's own
}

TEST_CASE("OpenAPI: the ops routes are documented on the ops listener", "[openapi]") {
  TempDir dir;
  auto opened = OpenStore(dir);
  http::Router router;
  ops::RegisterStoreRoutes(router, *opened, dir.path(), "token");
  ops::RegisterHealthRoutes(router, {.store = opened.get()});
  const std::set<std::string> documented = Documented(OpenApi::Ours().document(), true);
  const std::set<std::string> registered = Registered(router);
  REQUIRE(registered.size() >= 6);
  for (const auto& r : registered) {
    INFO(r);
    CHECK(documented.count(r) == 1);
  }
  // The plugin routes need a plugin manager: served and checked end to end in
  // tests/integration/openapi_served_test.cpp.
  for (const char* op : {"get /plugins", "post /plugins/reload", "post /plugins/{name}/rollback"})
    CHECK(documented.count(op) == 1);
}

TEST_CASE("OpenAPI: the document's references resolve and the embedded copy is the file",
          "[openapi]") {
  const OpenApi& ours = OpenApi::Ours();
  std::vector<std::string> refs;
  CollectRefs(ours.document(), refs);
  REQUIRE(refs.size() > 100);
  for (const auto& r : refs) {
    INFO(r);
    REQUIRE(r.rfind("#/", 0) == 0);
    boost::system::error_code ec;
    CHECK(ours.document().find_pointer(r.substr(1), ec) != nullptr);
  }
  // Every operation: an id, a summary, a documented 200.
  std::set<std::string> ids;
  for (const auto& [path, item] : ours.document().at("paths").get_object())
    for (const auto& [method, op] : item.get_object()) {
      if (method == "servers") continue;
      INFO(method << " " << path);
      CHECK(op.at("summary").as_string().size() > 5);
      CHECK(ids.insert(std::string(op.at("operationId").as_string())).second);
      CHECK(op.at("responses").as_object().contains("200"));
    }

  json::value embedded = json::parse(contract::OpenApiDocument());
  json::value file = ours.document();
  CHECK(embedded.at("info").at("version") != "@VERSION@");
  file.at("info").as_object()["version"] = embedded.at("info").at("version");
  CHECK(embedded == file);
}

TEST_CASE("OpenAPI: docs/API-REFERENCE.md lists every operation of the document", "[openapi]") {
  std::ifstream in(std::string(CRMHOST_SOURCE_DIR) + "/docs/API-REFERENCE.md");
  REQUIRE(in);
  std::stringstream page;
  page << in.rdbuf();
  size_t listed = 0;
  for (const auto& [path, item] : OpenApi::Ours().document().at("paths").get_object())
    for (const auto& [method, op] : item.get_object()) {
      if (method == "servers") continue;
      const std::string row = "| `" + Upper(std::string(method)) + " " + std::string(path) +
                              "` | " + std::string(op.at("summary").as_string()) + " |";
      INFO(row << "  (run scripts/render-openapi.py)");
      CHECK(page.str().find(row) != std::string::npos);
      ++listed;
    }
  CHECK(listed >= 60);
}

TEST_CASE("OpenAPI: the validator rejects what the document forbids", "[openapi]") {
  const OpenApi& ours = OpenApi::Ours();
  const std::string ct = "application/json; charset=utf-8";
  const std::string good =
      R"({"successful":true,"returnMessage":null,"contact":[{"id":201,"name":"Ada",)"
      R"("phone":"+14155550100","type":"contact","additionalInfo":{}}]})";
  CHECK(ours.ValidateResponse("/contact", "get", 200, ct, good).empty());
  // A boolean id, a string where a boolean belongs, an undocumented status, text where JSON is.
  CHECK_FALSE(ours.ValidateResponse("/contact", "get", 200, ct,
                                    R"({"successful":true,"contact":[{"id":true}]})")
                  .empty());
  CHECK_FALSE(
      ours.ValidateResponse("/contact", "get", 200, ct, R"({"successful":"yes","contact":[]})")
          .empty());
  CHECK_FALSE(ours.ValidateResponse("/contact", "get", 418, ct, good).empty());
  CHECK_FALSE(ours.ValidateResponse("/contact", "get", 200, "text/html", "<p>").empty());
  CHECK_FALSE(ours.ValidateResponse("/no-such-route", "get", 200, ct, good).empty());
  // An error body says something: an error, a success flag or a returnMessage.
  CHECK(ours.ValidateResponse("/contact", "get", 400, ct, R"({"error":"Invalid JWT"})").empty());
  CHECK(ours.ValidateResponse("/contact", "get", 400, "text/plain", "Invalid JWT").empty());
  CHECK_FALSE(ours.ValidateResponse("/contact", "get", 400, ct, "{}").empty());
  CHECK_FALSE(ours.ValidateResponse("/licenseStatus", "get", 200, ct,
                                    R"({"isLicenseValid":"yes","licenseStatus":"Basic",)"
                                    R"("licenseStatusDescription":""})")
                  .empty());
  // The ops listener: a plugin's state is one of three words.
  const std::string plugin =
      R"([{"name":"redtail","version":"1.0.0","abi":"1.3","sha256":null,"state":"%s",)"
      R"("loadedAt":null,"inflight":0,"generation":1,"lastError":null,"file":"x.so",)"
      R"("draining":0,"residentVersions":1,"previousVersion":null,)"
      R"("routes":[{"method":"GET","path":"/redtail/x","auth":"jwt"}]}])";
  auto with_state = [&](const std::string& s) {
    std::string body = plugin;
    body.replace(body.find("%s"), 2, s);
    return body;
  };
  CHECK(ours.ValidateResponse("/plugins", "get", 200, ct, with_state("active")).empty());
  CHECK_FALSE(ours.ValidateResponse("/plugins", "get", 200, ct, with_state("sleepy")).empty());
}

TEST_CASE("OpenAPI: nullable becomes a null alternative, keywords inside properties stay names",
          "[openapi]") {
  const json::value in =
      json::parse(R"({"type":"object","properties":{"const":{"type":"string"},)"
                  R"("at":{"type":"string","format":"date-time","nullable":true},)"
                  R"("n":{"type":"integer","minimum":0,"exclusiveMinimum":true},)"
                  R"("r":{"$ref":"#/components/schemas/ReturnMessage"}}})");
  const json::value out = ToJsonSchema(in);
  const auto& props = out.at("properties").as_object();
  CHECK(props.at("const") == json::parse(R"({"type":"string"})"));
  CHECK(props.at("at") ==
        json::parse(R"({"anyOf":[{"type":"string","format":"date-time"},{"type":"null"}]})"));
  CHECK(props.at("n") == json::parse(R"({"type":"integer","exclusiveMinimum":0})"));
  CHECK(props.at("r") == json::parse(R"({"$ref":"#/definitions/ReturnMessage"})"));
}

}  // namespace crmhost::testing
