// The loader refuses every broken plugin with a reason an admin can act on, and loads good
// ones (the plain C plugin proves the ABI is C).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <random>

#include "crmhost/store/store.h"
#include "outbound/egress_policy.h"
#include "plugins/host_services.h"
#include "plugins/loader.h"
#include "plugins/registry.h"
#include "support/daemon_process.h"
#include "support/files.h"

using namespace crmhost::plugins;
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

struct Harness {
  crmhost::testing::TempDir dir;
  std::unique_ptr<crmhost::store::Store> store;
  std::unique_ptr<HostServices> services;
  std::unique_ptr<Loader> loader;

  Harness() {
    crmhost::store::Store::Options o;
    o.path = dir / "store";
    o.key.fill(5);
    store = std::move(crmhost::store::Store::Open(o)).value();
    PluginSettings settings;
    settings["cminimal"]["greeting"] = "hello";
    services = std::make_unique<HostServices>(
        HostServices::Deps{store.get(), nullptr, settings, nullptr, nullptr});
    Loader::Options options;
    options.shadow_dir = dir / "shadow";
    loader = std::make_unique<Loader>(options, *services);
  }

  std::string Refusal(const std::string& file) {
    auto r = loader->Load(file);
    if (r.ok()) return "(loaded)";
    return r.status().message();
  }
};

std::string TestPlugin(const std::string& name) {
  return std::string(CRMHOST_TEST_PLUGIN_DIR) + "/" + name + ".so";
}

}  // namespace

TEST_CASE("loader: each broken plugin is refused with the exact reason", "[loader]") {
  Harness h;
  CHECK_THAT(h.Refusal(TestPlugin("fake_wrong_magic")),
             Catch::Contains("wrong magic 0x4e4f545048554753"));
  CHECK_THAT(h.Refusal(TestPlugin("fake_major_plus_one")),
             Catch::Contains("ABI major 2, host supports 1"));
  CHECK_THAT(h.Refusal(TestPlugin("fake_newer_minor")),
             Catch::Contains("ABI minor 4 is newer than this host's 1.3"));
  CHECK_THAT(h.Refusal(TestPlugin("fake_short_struct")),
             Catch::Contains("descriptor struct_size 40 is smaller than ABI 1.0's 88"));
  CHECK_THAT(h.Refusal(TestPlugin("fake_no_entry")),
             Catch::Contains("exports no crmh_plugin_entry symbol"));
  CHECK_THAT(h.Refusal(TestPlugin("fake_init_fails")),
             Catch::Contains("init failed (status 4): database unreachable"));
  CHECK_THAT(h.Refusal(TestPlugin("throwing")),
             Catch::Contains("init failed (status 4): cannot reach the license server"));
  CHECK_THAT(h.Refusal(TestPlugin("fake_missing_operation")),
             Catch::Contains("required operation createCallLog is missing"));
  CHECK_THAT(h.Refusal(TestPlugin("fake_unknown_operation")),
             Catch::Contains("operation 'findContactz' is not one this host calls"));
  CHECK_THAT(h.Refusal(TestPlugin("fake_bad_version")),
             Catch::Contains("version 'one.two' is not semantic versioning"));
  CHECK_THAT(h.Refusal(TestPlugin("fake_self_check_fails")),
             Catch::Contains("self-check failed: setting 'greeting' is required"));
}

TEST_CASE("loader: truncated files and random bytes are refused, not crashed on", "[loader]") {
  Harness h;
  const std::string bytes =
      crmhost::testing::ReadFile(std::string(CRMHOST_PLUGIN_DIR) + "/redtail.so");
  REQUIRE(bytes.size() > 100000);
  for (size_t cut : {size_t(0), size_t(64), size_t(4096), bytes.size() / 2}) {
    std::ofstream(h.dir / "trunc.so", std::ios::binary | std::ios::trunc)
        .write(bytes.data(), std::streamsize(cut));
    INFO("cut at " << cut);
    CHECK_THAT(h.Refusal(h.dir / "trunc.so"), Catch::Contains("not a loadable shared object"));
  }
  std::mt19937 rng(42);
  std::string noise(200000, '\0');
  for (auto& c : noise)
    c = char(rng());
  std::ofstream(h.dir / "noise.so", std::ios::binary)
      .write(noise.data(), std::streamsize(noise.size()));
  CHECK_THAT(h.Refusal(h.dir / "noise.so"),
             Catch::Contains("not a loadable shared object: it is not an ELF file"));
  // A valid ELF header on garbage gets past the structural check and still fails cleanly in dlopen.
  std::string fake_elf = bytes.substr(0, 64) + noise;
  std::ofstream(h.dir / "half.so", std::ios::binary)
      .write(fake_elf.data(), std::streamsize(fake_elf.size()));
  CHECK(h.Refusal(h.dir / "half.so") != "(loaded)");
}

TEST_CASE("loader: the plain C plugin loads and uses kv and settings through the ABI", "[loader]") {
  Harness h;
  auto v = h.loader->Load(TestPlugin("cminimal"));
  REQUIRE(v.ok());
  auto& plugin = *v.value();
  CHECK(plugin.name() == "cminimal");
  CHECK(plugin.info().version == "0.3.1");
  CHECK(plugin.info().abi == "1.3");  // built against the current header
  CHECK(plugin.info().manifest.at("displayName") == "C minimal");
  CHECK(plugin.info().sha256.size() == 64);
  CHECK(plugin.Implements("findContact"));
  CHECK_FALSE(plugin.Implements("createMessageLog"));
  auto out = plugin.Invoke("findContact", json::object{}, "req-1", {});
  REQUIRE(out.ok());
  CHECK(out.value.at("matchedContactInfo").at(0).at("name") == "v1 hello");
  CHECK(h.store->KvGet("cminimal", "k", 0).value().value() == "v1");
  auto unsupported = plugin.Invoke("createMessageLog", json::object{}, "req-2", {});
  CHECK(unsupported.kind == OpOutcome::Kind::kUnsupported);
  // The shadow copy is what is mapped; it is named by content hash.
  CHECK(
      fs::path(plugin.info().shadow).filename().string().find(plugin.info().sha256.substr(0, 32)) !=
      std::string::npos);
  v.value()->Shutdown();
  CHECK(v.value()->is_shut_down());
}

TEST_CASE("loader: a plugin built against the frozen ABI 1.0 header still loads", "[loader][abi]") {
  Harness h;
  auto v = h.loader->Load(TestPlugin("abi_v1_0"));
  REQUIRE(v.ok());
  CHECK(v.value()->info().abi == "1.0");
  auto out = v.value()->Invoke("getAuthType", json::object{}, "r", {});
  REQUIRE(out.ok());
  CHECK(out.value == "apiKey");
}

TEST_CASE("loader: the Redtail plugin exports one symbol's worth of descriptor", "[loader]") {
  Harness h;
  auto v = h.loader->Load(std::string(CRMHOST_PLUGIN_DIR) + "/redtail.so");
  REQUIRE(v.ok());
  CHECK(v.value()->name() == "redtail");
  CHECK(v.value()->info().manifest.at("name") == "redtail");
  static constexpr crmhost::plugins::Operation kOps[] = {
      "getAuthType", "getBasicAuth",  "getUserInfo", "findContact",     "createCallLog",
      "getCallLog",  "updateCallLog", "unAuthorize", "getLogFormatType"};
  for (auto op : kOps)
    CHECK(v.value()->Implements(op));
  auto auth = v.value()->Invoke("getAuthType", json::object{}, "r", {});
  REQUIRE(auth.ok());
  CHECK(auth.value == "apiKey");
}

TEST_CASE("registry: leases pin a version across a publish, retired versions shut down after drain",
          "[registry]") {
  Harness h;
  Registry registry;
  auto v1 = h.loader->Load(TestPlugin("cminimal"));
  REQUIRE(v1.ok());
  registry.Publish(v1.value());
  auto lease = registry.Acquire("cminimal");
  REQUIRE(lease);
  CHECK((*lease)->inflight().load() == 1);
  auto v2 = h.loader->Load(TestPlugin("cminimal"));
  REQUIRE(v2.ok());
  registry.Publish(v2.value());
  CHECK(registry.draining_count() == 1);
  CHECK(registry.Reap().empty());  // v1 still has a request
  CHECK(&**lease == v1.value().get());
  CHECK(&**registry.Acquire("cminimal") == v2.value().get());
  lease.reset();
  CHECK(registry.Reap().size() == 1);
  CHECK(registry.draining_count() == 0);
  CHECK(v1.value()->is_shut_down());
  CHECK_FALSE(v2.value()->is_shut_down());
  registry.Retire("cminimal");
  CHECK_FALSE(registry.Acquire("cminimal"));
  registry.ShutdownAll();
  CHECK(v2.value()->is_shut_down());
}

// ABI 1.3: a plugin's HTTP routes are read at load, and a host that claims an older minor
// refuses the plugin whose routes it would not know to serve.
TEST_CASE("loader: plugin routes (ABI 1.3) are read, and refused by a host claiming 1.2",
          "[loader][abi]") {
  Harness h;
  auto routes = h.loader->Load(TestPlugin("fake_routes"));
  REQUIRE(routes.ok());
  const PluginInfo& info = routes.value()->info();
  CHECK(info.abi == "1.3");
  REQUIRE(info.routes.size() == 1);
  CHECK(info.routes[0].method == "GET");
  CHECK(info.routes[0].path == "/croutes/{id}");
  CHECK(info.routes[0].auth == RouteAuth::kNone);
  routes.value()->Shutdown();
  CHECK_THAT(h.Refusal(TestPlugin("fake_routes_no_serve")),
             Catch::Contains("declares HTTP routes but does not implement the operation "
                             "serveRoute"));
  // Older plugins have no routes (the frozen 1.0 build has no such field at all).
  auto old = h.loader->Load(TestPlugin("abi_v1_0"));
  REQUIRE(old.ok());
  CHECK(old.value()->info().routes.empty());
  old.value()->Shutdown();

  Loader::Options older;
  older.shadow_dir = h.dir / "shadow-older";
  older.abi_minor = 2;
  Loader host_1_2(older, *h.services);
  auto refused = host_1_2.Load(TestPlugin("fake_routes"));
  REQUIRE_FALSE(refused.ok());
  CHECK_THAT(refused.status().message(),
             Catch::Contains("ABI minor 3 is newer than this host's 1.2; upgrade crmhost"));
  // The same older host still loads a 1.0 plugin.
  auto v10 = host_1_2.Load(TestPlugin("abi_v1_0"));
  REQUIRE(v10.ok());
  v10.value()->Shutdown();
}

// A version the caller refuses (its platform or one of its routes is taken) is refused before its
// init runs and before its outbound allowlist replaces the serving version's.
TEST_CASE("loader: a version refused by the caller leaves the serving version's allowlist",
          "[loader]") {
  Harness h;
  auto egress = std::make_shared<crmhost::outbound::EgressPolicy>();
  egress->SetPluginHosts("croutes", std::vector<std::string>{"api.croutes.example"});
  Loader::Options options;
  options.shadow_dir = h.dir / "shadow-egress";
  options.egress = egress;
  Loader loader(options, *h.services);
  std::string asked;
  auto refused = loader.Load(TestPlugin("fake_routes"), [&](const PluginInfo& info) {
    asked = info.name + " " + info.routes.at(0).path;
    return std::optional<std::string>("its route GET /croutes/{id} collides with plugin x's");
  });
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().message() ==
        "fake_routes.so: its route GET /croutes/{id} collides with plugin x's");
  CHECK(asked == "croutes /croutes/{id}");
  CHECK(egress->PluginHosts("croutes") == std::vector<std::string>{"api.croutes.example"});
  // Accepted, the version's own (undeclared) allowlist applies.
  auto loaded = loader.Load(TestPlugin("fake_routes"),
                            [](const PluginInfo&) { return std::optional<std::string>(); });
  REQUIRE(loaded.ok());
  CHECK_FALSE(egress->PluginHosts("croutes").has_value());
  loaded.value()->Shutdown();
}
