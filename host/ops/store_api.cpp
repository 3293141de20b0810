#include "ops/store_api.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <chrono>
#include <crmhost/sdk/time.hpp>
#include <filesystem>

#include "ops/ops_api.h"

namespace crmhost::ops {
namespace json = boost::json;
namespace {

json::value Time(int64_t ms) {
  return ms ? json::value(sdk::time::format_iso8601(ms)) : nullptr;
}

}  // namespace

void RegisterStoreRoutes(http::Router& router, store::Store& store, std::string data_dir,
                         std::string token) {
  router.Add("GET", "/users", RequireOpsToken(token, [&store](http::HttpRequest&) {
               json::array users;
               Status listed = store.ForEachUser([&](const store::UserRecord& u) {
                 users.push_back(json::object{
                     {"id", u.id},
                     {"platform", u.platform},
                     {"hostname", u.hostname},
                     {"rcAccountId",
                      u.rc_account_id.empty() ? json::value() : json::value(u.rc_account_id)},
                     {"hasCredentials", !u.access_token.empty()},
                     {"tokenExpiry", u.token_expiry_ms ? Time(*u.token_expiry_ms) : nullptr},
                     {"createdAt", Time(u.created_at_ms)},
                     {"updatedAt", Time(u.updated_at_ms)}});
                 return true;
               });
               if (!listed.ok()) return http::HttpResponse::Error(500, listed.message());
               return http::HttpResponse::Json(200, users);
             }));
  router.Add("DELETE", "/users/:id", RequireOpsToken(token, [&store](http::HttpRequest& req) {
               std::string id;
               for (auto& [k, v] : req.params)
                 if (k == "id") id = v;
               auto found = store.GetUser(id);
               if (!found.ok()) return http::HttpResponse::Error(500, found.status().message());
               if (!found.value()) return http::HttpResponse::Error(404, "no user " + id);
               Status deleted = store.DeleteUser(id);
               if (!deleted.ok()) return http::HttpResponse::Error(500, deleted.message());
               spdlog::info("ops: user {} deleted", id);
               return http::HttpResponse::Json(200, json::object{{"deleted", id}});
             }));
  router.Add("POST", "/backup", RequireOpsToken(token, [&store, data_dir](http::HttpRequest& req) {
               // A shared database has its own tools; a copy under one instance's data dir would
               // be a copy of nothing.
               if (store.backend() != "rocksdb")
                 return http::HttpResponse::Error(
                     501,
                     "the store is in PostgreSQL: back it up with pg_dump (docs/OPERATIONS.md, "
                     "Several instances)");
               std::string dir;
               if (!req.body.empty()) {
                 boost::system::error_code ec;
                 json::value body = json::parse(req.body, ec);
                 if (ec || !body.is_object())
                   return http::HttpResponse::Error(400, "body must be a JSON object");
                 if (auto* d = body.as_object().if_contains("dir")) {
                   if (!d->is_string() || d->get_string().empty())
                     return http::HttpResponse::Error(400, "dir must be a non-empty string");
                   dir = std::string(d->get_string());
                 }
               }
               if (dir.empty()) {
                 std::string stamp = sdk::time::format_iso8601(
                     std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count());
                 for (char& c : stamp)
                   if (c == ':') c = '-';
                 dir = data_dir + "/backups/" + stamp;
                 std::error_code fec;
                 std::filesystem::create_directories(data_dir + "/backups", fec);
               }
               Status made = store.Checkpoint(dir);
               if (!made.ok()) return http::HttpResponse::Error(500, made.message());
               spdlog::info("ops: store checkpoint written to {}", dir);
               return http::HttpResponse::Json(200, json::object{{"path", dir}});
             }));
}

}  // namespace crmhost::ops
