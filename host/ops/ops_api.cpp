#include "ops/ops_api.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <boost/json.hpp>
#include <cerrno>
#include <crmhost/sdk/time.hpp>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "crmhost/encoding.h"
#include "crmhost/private_files.h"

namespace crmhost::ops {
namespace json = boost::json;

namespace {

json::object ToJson(const plugins::PluginStatus& s) {
  json::object o;
  o["name"] = s.name;
  o["version"] = s.version.empty() ? json::value() : json::value(s.version);
  o["abi"] = s.abi.empty() ? json::value() : json::value(s.abi);
  o["sha256"] = s.sha256.empty() ? json::value() : json::value(s.sha256);
  o["state"] = s.state;
  o["loadedAt"] =
      s.loaded_at_ms ? json::value(sdk::time::format_iso8601(s.loaded_at_ms)) : json::value();
  o["inflight"] = s.inflight;
  o["generation"] = s.generation;
  o["lastError"] = s.last_error ? json::value(*s.last_error) : json::value();
  o["file"] = s.file;
  o["draining"] = s.draining;
  o["residentVersions"] = s.resident_versions;
  o["previousVersion"] = s.previous_version ? json::value(*s.previous_version) : json::value();
  json::array routes;
  for (const plugins::PluginRoute& r : s.routes)
    routes.push_back(json::object{
        {"method", r.method}, {"path", r.path}, {"auth", plugins::RouteAuthName(r.auth)}});
  o["routes"] = std::move(routes);
  return o;
}

json::array ListJson(const std::vector<plugins::PluginStatus>& list) {
  json::array a;
  for (auto& s : list)
    a.push_back(ToJson(s));
  return a;
}

json::array Strings(const std::vector<std::string>& v) {
  json::array a;
  for (auto& s : v)
    a.push_back(json::value(s));
  return a;
}

}  // namespace

http::Router::Handler RequireOpsToken(std::string token,
                                      std::function<http::HttpResponse(http::HttpRequest&)> h) {
  return [token = std::move(token), h = std::move(h)](http::HttpRequest& req) {
    std::string_view given;
    if (auto a = req.Header("authorization");
        a && a->size() > 7 && EqualsIgnoreCase(a->substr(0, 7), "bearer "))
      given = a->substr(7);
    if (given.size() != token.size() ||
        CRYPTO_memcmp(given.data(), token.data(), token.size()) != 0) {
      auto r = http::HttpResponse::Error(
          401, "missing or wrong ops token (Authorization: Bearer <ops.token>)");
      r.headers.emplace_back("WWW-Authenticate", "Bearer");
      return r;
    }
    return h(req);
  };
}

void RegisterOpsRoutes(http::Router& router, plugins::PluginManager& manager, std::string token) {
  router.Add("GET", "/plugins", RequireOpsToken(token, [&manager](http::HttpRequest&) {
               return http::HttpResponse::Json(200, ListJson(manager.Snapshot()));
             }));
  router.Add("POST", "/plugins/reload", RequireOpsToken(token, [&manager](http::HttpRequest&) {
               auto report = manager.Reload();
               json::object o{{"published", Strings(report.published)},
                              {"refused", Strings(report.refused)},
                              {"removed", Strings(report.removed)},
                              {"plugins", ListJson(manager.Snapshot())}};
               return http::HttpResponse::Json(200, o);
             }));
  router.Add("POST", "/plugins/:name/rollback",
             RequireOpsToken(token, [&manager](http::HttpRequest& req) {
               std::string name;
               for (auto& [k, v] : req.params)
                 if (k == "name") name = v;
               auto r = manager.Rollback(name);
               if (!r.ok())
                 return http::HttpResponse::Error(r.status().IsNotFound() ? 404 : 409,
                                                  r.status().message());
               return http::HttpResponse::Json(200, ToJson(r.value()));
             }));
}

Result<std::string> LoadOrCreateOpsToken(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    std::ifstream in(path);
    if (!in)
      return Status::IOError("cannot read ops token file " + path + ": " + std::strerror(errno));
    std::stringstream ss;
    ss << in.rdbuf();
    std::string t = ss.str();
    while (!t.empty() && (t.back() == '\n' || t.back() == '\r' || t.back() == ' '))
      t.pop_back();
    if (t.size() < 16)
      return Status::InvalidArgument("ops token in " + path + " is shorter than 16 characters");
    return t;
  }
  unsigned char raw[32];
  if (RAND_bytes(raw, sizeof raw) != 1) return Status::Internal("no randomness for the ops token");
  std::string token = HexEncode(std::string_view(reinterpret_cast<char*>(raw), sizeof raw));
  Status created = CreatePrivateFile(path, token + "\n");
  if (!created.ok()) return Status::IOError("ops token file: " + created.message());
  return token;
}

}  // namespace crmhost::ops
