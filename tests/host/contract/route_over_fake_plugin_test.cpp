// One App Connect flow through the real router, contract routes, store and plugin host, with no
// socket and no .so: POST /apiKeyLogin then GET /contact against a plugin version whose
// descriptor lives in this file. What the client gets is compared whole (keys, order, types),
// and what the plugin was handed is checked too.
#include <catch2/catch.hpp>

#include <crmhost/plugin.h>

#include <boost/json.hpp>
#include <memory>
#include <string>
#include <vector>

#include "contract/app.h"
#include "crmhost/store/store.h"
#include "http/router.h"
#include "identity/jwt.h"
#include "plugins/host_services.h"
#include "plugins/plugin_version.h"
#include "plugins/registry.h"
#include "support/daemon_process.h"
#include "support/openapi.h"

namespace crmhost::testing {
namespace json = boost::json;

namespace {

constexpr int64_t kNowMs = 1733500000000;  // 2024-12-06

// The in-process plugin: answers getUserInfo and findContact, and keeps every input it gets.
const crmh_host_api* g_host = nullptr;
std::vector<std::pair<std::string, json::value>> g_calls;

void Write(crmh_writer* w, const json::value& v) {
  const std::string text = json::serialize(v);
  g_host->write(w, text.data(), text.size());
}

crmh_status Invoke(crmh_instance*, crmh_call*, crmh_view op_view, crmh_view input_view,
                   crmh_writer* out) {
  const std::string op(op_view.ptr, op_view.len);
  json::value input = json::parse(std::string_view(input_view.ptr, input_view.len));
  g_calls.emplace_back(op, input);
  if (op == "getAuthType") {
    Write(out, json::value("apiKey"));
  } else if (op == "getBasicAuth") {
    Write(out, json::value("b64:" + std::string(input.at("apiKey").as_string())));
  } else if (op == "getUserInfo") {
    Write(out, json::object{{"successful", true},
                            {"platformUserInfo", json::object{{"id", "u-17"},
                                                              {"name", "Ada Lovelace"},
                                                              {"timezoneName", "UTC"},
                                                              {"timezoneOffset", 0},
                                                              {"platformAdditionalInfo", {}}}},
                            {"returnMessage", json::object{{"messageType", "success"},
                                                           {"message", "Connected to In-proc."},
                                                           {"ttl", 1000}}}});
  } else if (op == "findContact") {
    const std::string phone(input.at("phoneNumber").as_string());
    json::array matched;
    if (phone == "+14155550123")
      matched.push_back(json::object{{"id", 501},
                                     {"name", "Grace Hopper"},
                                     {"phone", phone},
                                     {"type", "contact"},
                                     {"additionalInfo", nullptr}});
    Write(out, json::object{{"successful", true}, {"matchedContactInfo", std::move(matched)}});
  } else {
    return CRMH_E_UNSUPPORTED;
  }
  return CRMH_OK;
}

// The version is shut down when the registry lets it go; there is nothing to free.
void Shutdown(crmh_instance*, crmh_call*) {}

const char* const kOperations[] = {"getAuthType", "getBasicAuth", "getUserInfo", "findContact",
                                   nullptr};

crmh_plugin_descriptor Descriptor() {
  crmh_plugin_descriptor d{};
  d.magic = CRMH_PLUGIN_MAGIC;
  d.struct_size = sizeof d;
  d.abi_major = CRMH_ABI_MAJOR;
  d.abi_minor = CRMH_ABI_MINOR;
  d.name = "inproc";
  d.version = "1.0.0";
  d.build_info = "in the test";
  d.operations = kOperations;
  d.invoke = Invoke;
  d.shutdown = Shutdown;
  return d;
}
// Static: it must outlive every version made from it (the registry outlives the test's locals).
const crmh_plugin_descriptor kDescriptor = Descriptor();

struct Flow {
  TempDir dir;
  std::unique_ptr<store::Store> store;
  plugins::HostServices host;
  plugins::Registry registry;
  identity::JwtCodec jwt{"route-test-key"};
  std::unique_ptr<contract::App> app;
  http::Router router;

  static std::unique_ptr<store::Store> OpenStore(const std::string& path) {
    store::Store::Options so;
    so.path = path;
    auto opened = store::Store::Open(so);
    REQUIRE(opened.ok());
    return std::move(opened).value();
  }

  Flow()
      : store(OpenStore(dir / "store")),
        host({store.get(), nullptr, {}, [] { return kNowMs; }, {}}) {
    g_host = host.api();
    g_calls.clear();
    plugins::PluginInfo info;
    info.name = "inproc";
    info.version = "1.0.0";
    info.abi = "1.2";
    info.operations = {"getAuthType", "getBasicAuth", "getUserInfo", "findContact"};
    info.manifest = json::object{{"name", "inproc"}, {"displayName", "In-proc"}};
    registry.Publish(
        std::make_shared<plugins::PluginVersion>(std::move(info), &kDescriptor, nullptr, host));
    app.reset(new contract::App{.store = *store,
                                .registry = registry,
                                .jwt = jwt,
                                .hash_key = "salt",
                                .now_ms = [] { return kNowMs; },
                                .server_url = "http://127.0.0.1:0",
                                .manifest_top = {},
                                .plugin_settings = {},
                                .refresh_locks = {},
                                .message_locks = {},
                                .admin_locks = {}});
    contract::RegisterRoutes(router, *app);
  }

  // Runs the request through the Dispatcher with handlers run in place.
  http::HttpResponse Serve(std::string method, std::string target, std::string body = "",
                           std::string bearer = "") {
    http::HttpRequest req;
    req.method = std::move(method);
    req.target = target;
    const size_t q = target.find('?');
    req.path = http::PercentDecode(target.substr(0, q), false);
    if (q != std::string::npos) req.query = http::ParseQuery(target.substr(q + 1));
    if (!body.empty()) req.headers.emplace_back("content-type", "application/json");
    if (!bearer.empty()) req.headers.emplace_back("authorization", "Bearer " + bearer);
    req.body = std::move(body);
    http::Dispatcher dispatcher(
        router,
        [](std::function<void()> job) {
          job();
          return true;
        },
        "x-refreshed-jwt-token");
    std::optional<http::HttpResponse> answer;
    dispatcher.Dispatch(std::move(req), [&](http::HttpResponse&& r) { answer = std::move(r); });
    REQUIRE(answer);
    return std::move(*answer);
  }

  std::string Login() {
    http::HttpResponse resp =
        Serve("POST", "/apiKeyLogin",
              R"({"platform":"inproc","apiKey":"key-9f8e","additionalInfo":{"region":"eu"}})");
    REQUIRE(resp.status == 200);
    CHECK(OpenApi::Ours()
              .ValidateResponse("/apiKeyLogin", "post", resp.status, resp.content_type, resp.body)
              .empty());
    const json::object doc = json::parse(resp.body).as_object();
    REQUIRE(doc.at("jwtToken").is_string());
    const std::string token(doc.at("jwtToken").as_string());
    json::object rest;  // in the answer's order, without the token (it holds a time)
    for (const auto& [k, v] : doc)
      if (k != "jwtToken") rest[k] = v;
    CHECK(json::serialize(rest) ==
          R"({"name":"Ada Lovelace","returnMessage":{"messageType":"success",)"
          R"("message":"Connected to In-proc.","ttl":1000}})");
    return token;
  }
};

const json::value* LastInputOf(std::string_view op) {
  for (auto it = g_calls.rbegin(); it != g_calls.rend(); ++it)
    if (it->first == op) return &it->second;
  return nullptr;
}

}  // namespace

TEST_CASE("contract without sockets: apiKeyLogin then GET /contact over an in-process plugin",
          "[contract][route]") {
  Flow flow;
  const std::string token = flow.Login();

  // The plugin was asked for the user with what the client typed.
  const json::value* login = LastInputOf("getUserInfo");
  REQUIRE(login);
  CHECK(login->at("apiKey") == "key-9f8e");
  CHECK(login->at("platform") == "inproc");
  CHECK(login->at("additionalInfo") == json::parse(R"({"region":"eu","apiKey":"key-9f8e"})"));

  http::HttpResponse found = flow.Serve("GET", "/contact?phoneNumber=%2B14155550123", "", token);
  CHECK(found.status == 200);
  CHECK(found.content_type.rfind("application/json", 0) == 0);
  CHECK(found.body == R"({"successful":true,"contact":[{"id":501,"name":"Grace Hopper",)"
                      R"("phone":"+14155550123","type":"contact","additionalInfo":null}]})");
  CHECK(OpenApi::Ours()
            .ValidateResponse("/contact", "get", found.status, found.content_type, found.body)
            .empty());
  const json::value* asked = LastInputOf("findContact");
  REQUIRE(asked);
  CHECK(asked->at("phoneNumber") == "+14155550123");
  CHECK(asked->at("authHeader") == "Basic b64:key-9f8e");
  CHECK(asked->at("isExtension") == false);
  CHECK(asked->at("isForceRefreshAccountData") == false);
  CHECK(asked->at("user").at("id").is_string());

  http::HttpResponse missing = flow.Serve("GET", "/contact?phoneNumber=%2B442071838750", "", token);
  CHECK(missing.status == 200);
  CHECK(missing.body ==
        R"({"successful":true,"returnMessage":{"message":"Contact not found",)"
        R"("messageType":"warning","details":[{"title":"Details","items":[{"id":"1",)"
        R"("type":"text","text":"A contact with the phone number +442071838750 could not be )"
        R"(found in your inproc account."}]}],"ttl":5000},"contact":[]})");

  // Without the JWT the plugin is not reached.
  const size_t calls = g_calls.size();
  http::HttpResponse anonymous = flow.Serve("GET", "/contact?phoneNumber=%2B14155550123");
  CHECK(anonymous.status == 400);
  CHECK(g_calls.size() == calls);
}

}  // namespace crmhost::testing
