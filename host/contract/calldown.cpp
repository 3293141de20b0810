// Call-down list (docs/API-REFERENCE.md, Call Down): a per-user "call back later" queue the server
// owns.
//
// Rows: Table::kCallDown under KeyOf({userId, id}), so a user's list is one range scan and
// another user's ids are unreachable. Unlike the reference, contactName, phoneNumber and note
// are kept too (the client sends them; dropping them loses what the agent typed).
#include <openssl/rand.h>

#include <algorithm>
#include <crmhost/sdk/js.hpp>
#include <crmhost/sdk/time.hpp>

#include "contract/app.h"
#include "contract/errors.h"
#include "contract/session.h"
#include "crmhost/encoding.h"

namespace crmhost::contract {
namespace json = boost::json;
namespace js = crmhost::sdk::js;

namespace {

constexpr std::array<std::string_view, 8> kPatchable = {"contactId",   "contactType", "contactName",
                                                        "phoneNumber", "status",      "scheduledAt",
                                                        "lastCallAt",  "note"};

std::string NewId() {
  unsigned char raw[16];
  RAND_bytes(raw, sizeof raw);
  return HexEncode(std::string_view(reinterpret_cast<char*>(raw), sizeof raw));
}

// String fields are kept as strings (ids may arrive as numbers).
json::value AsString(const json::value& v) {
  if (v.is_null()) return nullptr;
  return json::value(js::to_string(v));
}

http::HttpResponse Create(App& app, http::HttpRequest& req, const Caller& caller) {
  auto parsed = ParseJsonBody(req);
  if (auto* bad = std::get_if<http::HttpResponse>(&parsed)) return std::move(*bad);
  const json::object& body = std::get<json::object>(parsed);
  const json::value* contact = js::get(body, "contactId");
  if (!contact) return http::HttpResponse::Error(400, "contactId is required");
  // The reference's schedule looks the user up first.
  auto user = app.store.GetUser(caller.user_id);
  if (!user.ok()) return Failure(DatabaseErrorMessage());
  if (!user.value()) return http::HttpResponse::Error(400, "User not found");
  // scheduledAt is kept as a date (the reference's `new Date(...)`): ISO 8601 with milliseconds
  // whatever form it came in; what is no date stays as sent.
  json::value scheduled;
  if (const json::value* at = js::get(body, "scheduledAt"); js::truthy(at)) {
    auto ms = sdk::time::parse_timestamp(*at);
    scheduled = ms ? json::value(sdk::time::format_iso8601(*ms)) : AsString(*at);
  }
  const std::string id = NewId();
  const std::string now = sdk::time::format_iso8601(app.now_ms());
  json::object row{{"id", id},
                   {"userId", caller.user_id},
                   {"contactId", AsString(*contact)},
                   {"contactType", js::get(body, "contactType") ? AsString(body.at("contactType"))
                                                                : json::value("contact")},
                   {"status", "scheduled"},
                   {"scheduledAt", scheduled},
                   {"lastCallAt", nullptr},
                   {"createdAt", now},
                   {"updatedAt", now}};
  for (const char* k : {"contactName", "phoneNumber", "note"})
    if (auto* v = js::get(body, k)) row[k] = AsString(*v);
  if (!app.store.Put(store::Table::kCallDown, store::KeyOf({caller.user_id, id}), row).ok())
    return Failure(DatabaseErrorMessage());
  return http::HttpResponse::Json(200, json::object{{"successful", true}, {"id", id}});
}

http::HttpResponse List(App& app, http::HttpRequest& req, const Caller& caller) {
  auto rows = app.store.Scan(store::Table::kCallDown, store::KeyOf({caller.user_id}));
  if (!rows.ok()) return Failure(DatabaseErrorMessage());
  auto q = req.Query("status");
  std::string status = q ? std::string(*q) : "";
  std::transform(status.begin(), status.end(), status.begin(), ::tolower);
  const bool only_called = status == "called";
  const bool only_not_called =
      status == "not called" || status == "not_called" || status == "notcalled";
  std::vector<json::object> items;
  for (auto& [key, v] : rows.value()) {
    if (!v.is_object()) continue;
    const bool called = js::get(&v, "status") && js::to_string(*js::get(&v, "status")) == "called";
    if ((only_called && !called) || (only_not_called && called)) continue;
    items.push_back(v.get_object());
  }
  // By scheduledAt, earliest first; entries without a time last (ISO strings sort by time).
  std::stable_sort(items.begin(), items.end(), [](const json::object& a, const json::object& b) {
    auto at = [](const json::object& o) {
      const json::value* v = o.if_contains("scheduledAt");
      return v && v->is_string() ? std::string(v->get_string()) : std::string("\x7f");
    };
    return at(a) < at(b);
  });
  json::array out;
  for (auto& i : items)
    out.push_back(std::move(i));
  return http::HttpResponse::Json(200,
                                  json::object{{"successful", true}, {"items", std::move(out)}});
}

http::HttpResponse Patch(App& app, http::HttpRequest& req, const Caller& caller,
                         const std::string& id) {
  auto parsed = ParseJsonBody(req);
  if (auto* bad = std::get_if<http::HttpResponse>(&parsed)) return std::move(*bad);
  const json::object& body = std::get<json::object>(parsed);
  json::object changes;
  for (auto k : kPatchable)
    if (auto* v = body.if_contains(k)) changes[k] = AsString(*v);
  if (changes.empty()) return http::HttpResponse::Error(400, "No valid fields to update");
  const std::string key = store::KeyOf({caller.user_id, id});
  auto row = app.store.Get(store::Table::kCallDown, key);
  if (!row.ok()) return Failure(DatabaseErrorMessage());
  if (!row.value() || !row.value()->is_object()) return http::HttpResponse::Error(400, "Not found");
  json::object updated = row.value()->get_object();
  for (auto& [k, v] : changes)
    updated[k] = v;
  updated["updatedAt"] = sdk::time::format_iso8601(app.now_ms());
  if (!app.store.Put(store::Table::kCallDown, key, updated).ok())
    return Failure(DatabaseErrorMessage());
  return http::HttpResponse::Json(200, json::object{{"successful", true}});
}

http::HttpResponse Remove(App& app, const Caller& caller, const std::string& id) {
  const std::string key = store::KeyOf({caller.user_id, id});
  auto row = app.store.Get(store::Table::kCallDown, key);
  if (!row.ok()) return Failure(DatabaseErrorMessage());
  if (id.empty() || !row.value()) return http::HttpResponse::Error(400, "Not found");
  if (!app.store.Delete(store::Table::kCallDown, key).ok()) return Failure(DatabaseErrorMessage());
  return http::HttpResponse::Json(200, json::object{{"successful", true}});
}

std::string Param(const http::HttpRequest& req, std::string_view name) {
  for (auto& [k, v] : req.params)
    if (k == name) return v;
  auto q = req.Query(name);
  return q ? std::string(*q) : std::string();
}

}  // namespace

void RegisterCallDownRoutes(http::Router& router, App& app) {
  router.Add("POST", "/calldown", CallerRoute(app, Create));
  router.Add("GET", "/calldown", CallerRoute(app, List));
  router.Add("PATCH", "/calldown/:id",
             CallerRoute(app, [](App& a, http::HttpRequest& req, const Caller& c) {
               return Patch(a, req, c, Param(req, "id"));
             }));
  router.Add("DELETE", "/calldown/:id",
             CallerRoute(app, [](App& a, http::HttpRequest& req, const Caller& c) {
               return Remove(a, c, Param(req, "id"));
             }));
  router.Add("DELETE", "/calldown",
             CallerRoute(app, [](App& a, http::HttpRequest& req, const Caller& c) {
               return Remove(a, c, Param(req, "id"));
             }));
}

}  // namespace crmhost::contract
