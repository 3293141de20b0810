// The proxy connector end to end: crmhostd loads proxy.so, which serves the JSON definition
// shipped in plugins/proxy/examples against a fake of that CRM on 127.0.0.1: login, contact
// lookup, call log create/get/update, the manifest, escaping of user values in the URL, and
// hot reload (a broken edit is refused and the previous definition keeps serving).
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "crmhost/encoding.h"
#include "integration/redtail_harness.h"
#include "support/files.h"

namespace crmhost::testing {
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

constexpr const char* kKey = "k-123";

struct FakePipelineNotes {
  std::mutex mu;
  json::object note{{"id", 900}};
  FakeHttpServer server{[this](const RecordedRequest& r) { return Handle(r); }};

  FakeResponse Handle(const RecordedRequest& r) {
    auto reply = [](int status, const json::value& v) {
      FakeResponse f;
      f.status = status;
      f.body = json::serialize(v);
      return f;
    };
    if (r.Header("authorization").value_or("") != "Basic " + Base64Encode(std::string(kKey) + ":x"))
      return reply(401, json::object{{"error", "bad key"}});
    std::lock_guard<std::mutex> g(mu);
    if (r.path == "/api/v1/me")
      return reply(200,
                   json::object{{"user", json::object{{"id", 55}, {"full_name", "Pat Notes"}}}});
    if (r.path == "/api/v1/people/search") {
      json::array people;
      if (r.Query("phone").value_or("") == "4155550100")
        people.push_back(json::object{
            {"id", "p/1"}, {"name", "Ada Notes"}, {"phone", "+14155550100"}, {"kind", "person"}});
      return reply(200, json::object{{"people", people}});
    }
    if (r.method == "POST" && r.path == "/api/v1/people/p%2F1/notes") {
      const json::value body = json::parse(r.body);
      for (auto& [k, v] : body.as_object())
        note[k] = v;
      return reply(201, json::object{{"note", note}});
    }
    if (r.path == "/api/v1/notes/900") {
      if (r.method == "PATCH") {
        const json::value body = json::parse(r.body);
        for (auto& [k, v] : body.as_object())
          note[k] = v;
      }
      return reply(200, note);
    }
    return reply(404, json::object{{"error", "not found"}});
  }
};

std::string Example() {
  return ReadFile(std::string(CRMHOST_SOURCE_DIR) + "/plugins/proxy/examples/pipeline-notes.json");
}

}  // namespace

TEST_CASE("proxy connector: a JSON-described CRM works end to end", "[proxy][e2e]") {
  FakePipelineNotes crm;
  TempDir dir;
  fs::create_directories(dir / "plugins");
  fs::create_directories(dir / "connectors");
  fs::copy_file(DaemonProcess::PluginDir() + "/proxy.so", dir / "plugins/proxy.so");
  std::ofstream(dir / "connectors/pipeline-notes.json") << Example();
  DaemonProcess daemon(
      dir / "data",
      {"--plugin-dir", dir / "plugins", "--plugin-setting",
       "proxy.connector_dir=" + (dir / "connectors"), "--outbound-override",
       "https://acme.pipelinenotes.example/api/v1=" + crm.server.base_url() + "/api/v1"});
  const uint16_t port = daemon.port();
  auto post = [&](const std::string& target, const json::value& body, const std::string& jwt = "") {
    std::vector<std::pair<std::string, std::string>> h{{"Content-Type", "application/json"}};
    if (!jwt.empty()) h.emplace_back("Authorization", "Bearer " + jwt);
    return Request(port, "POST", target, json::serialize(body), h);
  };

  auto login =
      post("/apiKeyLogin", json::object{{"platform", "pipelineNotes"},
                                        {"apiKey", kKey},
                                        {"additionalInfo", json::object{{"workspace", "acme"}}}});
  INFO(login.body << daemon.Log());
  REQUIRE(login.status == 200);
  CHECK(login.Json().at("name") == "Pat Notes");
  CHECK(login.Json().at("returnMessage").at("message") == "Connected to Pipeline Notes.");
  const std::string jwt(login.Json().at("jwtToken").as_string());
  auto auth = [&](const std::string& method, const std::string& target) {
    return Request(port, method, target, {}, {{"Authorization", "Bearer " + jwt}});
  };

  auto found = auth("GET", "/contact?phoneNumber=%2B14155550100");
  INFO(found.body);
  ExpectSchema("/contact", "get", found);
  CHECK(found.Json().at("contact").at(0).at("id") == "p/1");
  CHECK(found.Json().at("contact").at(0).at("name") == "Ada Notes");

  auto call = CallBody("px-1");
  call["contactId"] = "p/1";
  call["contactName"] = "Ada Notes";
  auto logged = post("/callLog", call, jwt);
  INFO(logged.body);
  REQUIRE(logged.Json().at("successful") == true);
  CHECK(logged.Json().at("logId") == "900");
  {
    std::lock_guard<std::mutex> g(crm.mu);
    CHECK(crm.note.at("title") == "Renewal call");
    CHECK(std::string(crm.note.at("text").as_string()).find("Discussed renewal") !=
          std::string::npos);
    CHECK(crm.note.at("at") == "2026-01-02T03:04:05.000Z");
  }
  // The contact id "p/1" stayed one path segment: the fake only answers /people/p%2F1/notes.
  CHECK(crm.server.count("POST", "/api/v1/people/p%2F1/notes") == 1);

  auto patched =
      Request(port, "PATCH", "/callLog",
              json::serialize(json::object{{"sessionId", "px-1"},
                                           {"hashedExtensionId", "hashed-ext-105"},
                                           {"note", "Follow up in May"}}),
              {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + jwt}});
  INFO(patched.body);
  CHECK(patched.Json().at("successful") == true);
  CHECK(crm.server.count("PATCH", "/api/v1/notes/900") == 1);

  auto manifest = Request(port, "GET", "/crmManifest");
  CHECK(manifest.Json().at("platforms").at("pipelineNotes").at("displayName") == "Pipeline Notes");
  auto unknown = post("/apiKeyLogin", json::object{{"platform", "noSuchCrm"}, {"apiKey", "x"}});
  CHECK(unknown.status == 400);
  CHECK(unknown.Json().at("error") == "Connector not found for platform: noSuchCrm");

  // Hot reload: a broken edit is refused with its JSON path, the previous version keeps serving;
  // a new file adds a platform.
  std::string broken = Example();
  broken.replace(broken.find("\"url\": \"/people/search\""), 23,
                 "\"method\": \"FETCH\", \"url\": \"/people/search\"");
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  std::ofstream(dir / "connectors/pipeline-notes.json") << broken;
  std::string other = Example();
  other.replace(other.find("pipelineNotes"), 13, "otherNotes");
  std::ofstream(dir / "connectors/other.json") << other;
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  auto still = auth("GET", "/contact?phoneNumber=%2B14155550100&isForceRefreshAccountData=true");
  CHECK(still.Json().at("contact").at(0).at("name") == "Ada Notes");
  CHECK(daemon.Log().find("$.operations.findContact.method: expected one of GET, POST, PUT, PATCH, "
                          "DELETE, got \"FETCH\"") != std::string::npos);
  CHECK(Request(port, "GET", "/crmManifest")
            .Json()
            .at("platforms")
            .as_object()
            .contains("otherNotes"));
  CHECK(daemon.Log().find(kKey) == std::string::npos);
}

}  // namespace crmhost::testing
