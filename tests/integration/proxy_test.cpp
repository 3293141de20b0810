// The proxy connector end to end: crmhostd loads proxy.so, which serves the JSON definition
// shipped in plugins/proxy/examples against a fake of that CRM on 127.0.0.1: login, contact
// lookup, call log create/get/update, the manifest, escaping of user values in the URL, and
// hot reload (a broken edit is refused and the previous definition keeps serving).
#include <catch2/catch.hpp>

#include <atomic>
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

namespace crmhost::testing {

// An OAuth CRM described in JSON: code exchange and refresh with the definition's app, contact
// creation and name search, message logs, the user list, and CRM failures mapped as usual.
TEST_CASE("proxy connector: OAuth, contacts, message logs and failures", "[proxy][e2e]") {
  std::mutex mu;
  int next_id = 700;
  int refreshes = 0;
  std::atomic<int> fail_status{0};
  FakeHttpServer crm([&](const RecordedRequest& r) {
    auto reply = [](int status, const json::value& v) {
      FakeResponse f;
      f.status = status;
      f.body = json::serialize(v);
      return f;
    };
    std::lock_guard<std::mutex> g(mu);
    if (r.path == "/oauth/token") {
      const bool refresh = r.body.find("grant_type=refresh_token") != std::string::npos;
      refreshes += refresh;
      return reply(200, json::object{{"access_token", refresh ? "at-2" : "at-1"},
                                     {"refresh_token", "rt-1"},
                                     {"expires_in", refresh ? 3600 : 30}});
    }
    if (fail_status) return reply(fail_status, json::object{{"error", "down"}});
    const std::string auth = r.Header("authorization").value_or("");
    if (auth != "Bearer at-1" && auth != "Bearer at-2") return reply(401, json::object{});
    if (r.path == "/v2/whoami")
      return reply(200, json::object{{"uid", "u9"}, {"display", "Dee Sk"}});
    if (r.path == "/v2/people" && r.method == "GET")
      return reply(200, json::object{{"results", json::array{json::object{
                                                     {"uid", "c1"}, {"full", "Ann Query"}}}}});
    if (r.path == "/v2/people" && r.method == "POST") {
      const json::value body = json::parse(r.body);
      return reply(
          201, json::object{{"uid", "c" + std::to_string(next_id++)}, {"full", body.at("full")}});
    }
    if (r.path == "/v2/threads" && r.method == "POST")
      return reply(201, json::object{{"id", next_id++}});
    if (r.path.rfind("/v2/threads/", 0) == 0) return reply(200, json::object{});
    if (r.path == "/v2/agents")
      return reply(
          200, json::object{{"agents", json::array{json::object{{"uid", "a1"},
                                                                {"display", "Dee Sk"},
                                                                {"mail", "dee@example.com"}}}}});
    return reply(404, json::object{});
  });
  const std::string definition = R"({
    "meta": {"name": "deskly", "displayName": "Deskly", "logFormat": "text/markdown"},
    "auth": {"type": "oauth", "clientId": "dk", "clientSecret": "dk-secret",
             "tokenUrl": "https://auth.deskly.example/oauth/token",
             "redirectUri": "https://ringcentral.github.io/ringcentral-embeddable/redirect.html"},
    "requestDefaults": {"baseUrl": "https://api.deskly.example/v2"},
    "operations": {
      "getUserInfo": {"url": "/whoami", "responseMapping": {"idPath": "body.uid", "namePath": "body.display"}},
      "findContactWithName": {"url": "/people", "query": {"q": "{{name}}"},
        "responseMapping": {"listPath": "body.results", "item": {"idPath": "uid", "namePath": "full"}}},
      "createContact": {"method": "POST", "url": "/people", "body": {"full": "{{newContactName}}", "phone": "{{phoneNumber}}"},
        "responseMapping": {"idPath": "body.uid", "namePath": "body.full"}},
      "createCallLog": {"method": "POST", "url": "/threads", "body": {"md": "{{composedLogDetails}}"}},
      "createMessageLog": {"method": "POST", "url": "/threads", "body": {"text": "{{message.subject}}", "who": "{{contactInfo.id}}"}},
      "updateMessageLog": {"method": "PATCH", "url": "/threads/{{thirdPartyLogId}}", "body": {"append": "{{message.subject}}"}},
      "getUserList": {"url": "/agents", "responseMapping": {"listPath": "body.agents", "idPath": "uid", "namePath": "display", "emailPath": "mail"}}
    }})";
  TempDir dir;
  fs::create_directories(dir / "plugins");
  fs::create_directories(dir / "connectors");
  fs::copy_file(DaemonProcess::PluginDir() + "/proxy.so", dir / "plugins/proxy.so");
  std::ofstream(dir / "connectors/deskly.json") << definition;
  DaemonProcess daemon(
      dir / "data",
      {"--plugin-dir", dir / "plugins", "--plugin-setting",
       "proxy.connector_dir=" + (dir / "connectors"), "--outbound-override",
       "https://api.deskly.example=" + crm.base_url(), "--outbound-override",
       "https://auth.deskly.example=" + crm.base_url(), "--outbound-timeout-ms", "3000"});
  const uint16_t port = daemon.port();
  const std::string callback =
      "https://ringcentral.github.io/ringcentral-embeddable/redirect.html?code=c0de&state=" +
      UrlEncode("platform=deskly");
  auto login = Request(port, "GET", "/oauth-callback?callbackUri=" + UrlEncode(callback));
  INFO(login.body << daemon.Log());
  REQUIRE(login.status == 200);
  CHECK(login.Json().at("name") == "Dee Sk");
  const std::string jwt(login.Json().at("jwtToken").as_string());
  std::vector<std::pair<std::string, std::string>> h{{"Authorization", "Bearer " + jwt},
                                                     {"Content-Type", "application/json"}};

  // The first token expires in 30 s: the next call refreshes with the definition's app.
  auto search = Request(port, "GET", "/custom/contact/search?name=Ann%20Query", {}, h);
  INFO(search.body);
  CHECK(search.Json().at("contact").at(0).at("id") == "c1");
  CHECK(refreshes == 1);
  auto made = Request(port, "POST", "/contact",
                      json::serialize(json::object{{"newContactName", "New Person"},
                                                   {"phoneNumber", "+14155550999"}}),
                      h);
  CHECK(made.Json().at("contact").at("name") == "New Person");

  json::object sms{{"id", "dm-1"},
                   {"type", "SMS"},
                   {"direction", "Inbound"},
                   {"subject", "hello"},
                   {"creationTime", "2026-11-24T10:00:00.000Z"}};
  json::object msg{
      {"logInfo", json::object{{"conversationId", "dc"},
                               {"conversationLogId", "dc-1"},
                               {"messages", json::array{sms}},
                               {"correspondents",
                                json::array{json::object{{"phoneNumber", "+14155550100"}}}}}},
      {"contactId", "c1"}};
  auto first = Request(port, "POST", "/messageLog", json::serialize(msg), h);
  INFO(first.body);
  CHECK(first.Json().at("logIds") == json::array{"dm-1"});
  sms["id"] = "dm-2";
  sms["subject"] = "again";
  msg["logInfo"].as_object()["messages"] = json::array{sms};
  auto second = Request(port, "POST", "/messageLog", json::serialize(msg), h);
  CHECK(second.Json().at("logIds") == json::array{"dm-2"});
  CHECK(crm.count("POST", "/v2/threads") == 1);
  size_t appended = 0;
  for (auto& r : crm.requests())
    appended += r.method == "PATCH" && r.path.rfind("/v2/threads/", 0) == 0 &&
                r.body == R"({"append":"again"})";
  CHECK(appended == 1);

  fail_status = 429;
  auto limited =
      Request(port, "POST", "/contact", json::serialize(json::object{{"newContactName", "X"}}), h);
  CHECK(limited.Json().at("returnMessage").at("message") == "Rate limit exceeded");
  fail_status = 500;
  auto failed = Request(port, "POST", "/callLog", json::serialize(CallBody("dk-1")), h);
  CHECK(failed.Json().at("returnMessage").at("message") == "Error creating call log");
  fail_status = 0;
  auto retried = Request(port, "POST", "/callLog", json::serialize(CallBody("dk-1")), h);
  CHECK(retried.Json().at("successful") == true);
  bool markdown = false;
  for (auto& r : crm.requests())
    markdown |= r.path == "/v2/threads" &&
                r.body.find("## Agent notes\\nDiscussed renewal") != std::string::npos;
  CHECK(markdown);  // the definition's logFormat: the host composed markdown
  CHECK(daemon.Log().find("dk-secret") == std::string::npos);
}

}  // namespace crmhost::testing
