// Contact routes (docs/API-REFERENCE.md, Contacts): phone-number lookup through the plugin's
// findContact, with the account-level contact cache.
#include <spdlog/spdlog.h>

#include <crmhost/sdk/js.hpp>

#include "contract/app.h"
#include "contract/errors.h"
#include "contract/plugin_call.h"
#include "contract/session.h"

namespace crmhost::contract {
namespace json = boost::json;
namespace js = crmhost::sdk::js;

namespace {

bool IsRealContact(const json::value& c) {
  auto* o = c.if_object();
  return !(o && js::truthy(js::get(*o, "isNewContact")));
}

http::HttpResponse FindContactWith(App& app, http::HttpRequest& req, const Caller& caller,
                                   PluginCall& call, const std::string& phone, bool force);

http::HttpResponse FindContact(App& app, http::HttpRequest& req, const JwtState& jwt) {
  auto who = RequireCaller(jwt);
  if (auto* resp = std::get_if<http::HttpResponse>(&who)) return std::move(*resp);
  const auto& caller = std::get<Caller>(who);
  auto phone_q = req.Query("phoneNumber");
  if (!phone_q) return http::HttpResponse::Error(400, "phoneNumber is required");
  // An unencoded '+' arrives as a space; the reference turns the first one back.
  std::string phone(*phone_q);
  if (auto sp = phone.find(' '); sp != std::string::npos) phone[sp] = '+';
  const bool force =
      req.Query("isForceRefreshAccountData") == std::optional<std::string_view>("true");

  auto opened = PluginCall::Open(app, req, caller.platform);
  if (auto* refused = std::get_if<PluginCall::Refused>(&opened))
    return std::move(refused->response);
  auto& call = std::get<PluginCall>(opened);
  return call.Served(FindContactWith(app, req, caller, call, phone, force));
}

// The lookup runs in three frames: the input built (FindContactInput), the plugin invoked
// (FindContactWith, which stays on the fiber's stack while the CRM answers), the answer made
// (FindContactAnswer). Kept apart (not inlined) so the frame that waits holds only what it
// needs: a parked request keeps every stack page it touched (docs/PERFORMANCE.md, "Memory at
// 1,000 connections").
[[gnu::noinline]] json::object FindContactInput(App& app, http::HttpRequest& req,
                                                const Connected& c, const std::string& phone,
                                                bool force) {
  json::object input;
  input["user"] = c.user_json;
  input["authHeader"] = c.auth_header;
  input["phoneNumber"] = phone;
  if (auto f = req.Query("overridingFormat")) input["overridingFormat"] = *f;
  if (auto x = req.Query("isExtension")) {
    input["isExtension"] = *x;
  } else {
    input["isExtension"] = false;
  }
  input["proxyConfig"] = nullptr;
  input["isForceRefreshAccountData"] = force;
  // The account admin's settings: a plugin may keep its data where the admin chose (Google
  // Sheets' organization spreadsheet).
  input["adminConfig"] = AdminConfigInput(app, c.user, "", /*mappings=*/false);
  return input;
}

// The answer to a findContact that succeeded, and the account cache kept in step with it.
[[gnu::noinline]] http::HttpResponse FindContactAnswer(App& app, const Caller& caller,
                                                       const Connected& c, const std::string& phone,
                                                       const std::string& cache_key, bool force,
                                                       bool had_cached, const json::value& value) {
  json::object result = value.is_object() ? value.get_object() : json::object();
  json::object resp;
  if (auto* s = result.if_contains("successful")) resp["successful"] = *s;
  const json::value* matched = result.if_contains("matchedContactInfo");
  size_t real = 0;
  if (matched && matched->is_array())
    for (auto& m : matched->get_array())
      real += IsRealContact(m);
  const json::value* message = js::get(result, "returnMessage");
  if (real > 0) {
    if (!c.user.rc_account_id.empty()) {
      auto st = app.store.PutAccountData(c.user.rc_account_id, caller.platform, cache_key, *matched,
                                         app.now_ms());
      if (!st.ok()) spdlog::warn("contact cache write failed: {}", st.ToString());
    }
    if (message) resp["returnMessage"] = *message;
    resp["contact"] = *matched;
    return http::HttpResponse::Json(200, resp);
  }
  if (force && had_cached) {
    if (Status st = app.store.DeleteAccountData(c.user.rc_account_id, caller.platform, cache_key);
        !st.ok())
      spdlog::warn("contact cache delete failed: {}", st.ToString());
  }
  if (message) {
    resp["returnMessage"] = *message;
  } else {
    json::object m = ReturnMessage("Contact not found", "warning", 5000);
    json::object item{{"id", "1"},
                      {"type", "text"},
                      {"text", "A contact with the phone number " + phone +
                                   " could not be found in your " + caller.platform + " account."}};
    m["details"] = json::array{json::object{{"title", "Details"}, {"items", json::array{item}}}};
    json::object ordered{{"message", m["message"]},
                         {"messageType", m["messageType"]},
                         {"details", m["details"]},
                         {"ttl", m["ttl"]}};
    resp["returnMessage"] = std::move(ordered);
  }
  if (matched) resp["contact"] = *matched;
  return http::HttpResponse::Json(200, resp);
}

// The account-level cache (shared by every user of the RingCentral account), or nothing.
[[gnu::noinline]] std::optional<json::value> CachedContacts(App& app, const Caller& caller,
                                                            const store::UserRecord* user,
                                                            const std::string& cache_key) {
  if (!user || user->platform != caller.platform || user->rc_account_id.empty() ||
      user->access_token.empty())
    return std::nullopt;
  auto hit = app.store.GetAccountData(user->rc_account_id, caller.platform, cache_key);
  if (!hit.ok()) return std::nullopt;
  return std::move(hit.value());
}

[[gnu::noinline]] http::HttpResponse CachedAnswer(const json::value& contacts) {
  return http::HttpResponse::Json(
      200, json::object{{"successful", true}, {"returnMessage", nullptr}, {"contact", contacts}});
}

http::HttpResponse FindContactWith(App& app, http::HttpRequest& req, const Caller& caller,
                                   PluginCall& call, const std::string& phone, bool force) {
  // The account-level cache answers before any CRM work: a hit needs neither the plugin nor a
  // token refresh.
  auto loaded = call.User(caller.user_id);
  if (!loaded.ok()) return Failure(DatabaseErrorMessage());
  const std::string cache_key = "contact-" + phone;
  const std::optional<json::value> cached = CachedContacts(app, caller, loaded.value(), cache_key);
  if (cached && !force) return CachedAnswer(*cached);

  auto connected = call.Connect(caller.user_id, true);
  if (auto* fail = std::get_if<ConnectFailure>(&connected))
    return ConnectFailureResponse(*fail, "findContact", caller.platform,
                                  ReturnMessage("Contact not found", "warning", 5000));
  const Connected& c = *std::get<Connected*>(connected);
  auto out = call.Invoke("findContact", FindContactInput(app, req, c, phone, force));
  if (!out.ok()) return Failure(ApiErrorMessage("findContact", caller.platform, out));
  return FindContactAnswer(app, caller, c, phone, cache_key, force, cached.has_value(), out.value);
}

// POST /contact: createContact. No cache write: the next lookup asks the CRM.
http::HttpResponse CreateContact(App& app, http::HttpRequest& req, const JwtState& jwt) {
  auto request = RequireCallerAndBody(jwt, req);
  if (auto* resp = std::get_if<http::HttpResponse>(&request)) return std::move(*resp);
  const auto& [caller, body] = std::get<CallerAndBody>(request);
  auto opened = PluginCall::Open(app, req, caller.platform);
  if (auto* refused = std::get_if<PluginCall::Refused>(&opened))
    return std::move(refused->response);
  auto& call = std::get<PluginCall>(opened);
  auto connected = call.Connect(caller.user_id, true);
  if (auto* fail = std::get_if<ConnectFailure>(&connected))
    return ConnectFailureResponse(*fail, "createContact", caller.platform, {});
  Connected& c = *std::get<Connected*>(connected);
  json::object input{
      {"user", c.user_json}, {"authHeader", c.auth_header}, {"proxyConfig", nullptr}};
  for (const char* k : {"phoneNumber", "newContactName", "newContactType", "additionalSubmission"})
    input[k] = body.contains(k) ? body.at(k) : json::value();
  input["adminConfig"] = AdminConfigInput(app, c.user, "", /*mappings=*/false);
  auto out = call.Invoke("createContact", input);
  if (!out.ok()) return call.Failed("createContact", out);
  const json::value* info = js::get(&out.value, "contactInfo");
  const json::value* message = js::get(&out.value, "returnMessage");
  json::object resp{{"successful", info && info->is_object()}};
  if (message) resp["returnMessage"] = *message;
  if (info && info->is_object()) resp["contact"] = *info;
  return call.Served(http::HttpResponse::Json(200, resp));
}

// GET /custom/contact/search?name=: findContactWithName.
http::HttpResponse SearchContact(App& app, http::HttpRequest& req, const JwtState& jwt) {
  auto who = RequireCaller(jwt, "Invalid JWT token");
  if (auto* resp = std::get_if<http::HttpResponse>(&who)) return std::move(*resp);
  const auto& caller = std::get<Caller>(who);
  auto name_q = req.Query("name");
  const std::string name = name_q ? std::string(*name_q) : "undefined";
  auto opened = PluginCall::Open(app, req, caller.platform);
  if (auto* refused = std::get_if<PluginCall::Refused>(&opened))
    return std::move(refused->response);
  auto& call = std::get<PluginCall>(opened);
  if (!call.Implements("findContactWithName"))
    return http::HttpResponse::Error(400, "connector.findContactWithName is not a function");
  auto connected = call.Connect(caller.user_id, true);
  if (auto* fail = std::get_if<ConnectFailure>(&connected))
    return ConnectFailureResponse(
        *fail, "findContactWithName", caller.platform,
        ReturnMessage("No contact found with name " + name, "warning", 5000));
  Connected& c = *std::get<Connected*>(connected);
  auto out = call.Invoke("findContactWithName", json::object{{"user", c.user_json},
                                                             {"authHeader", c.auth_header},
                                                             {"name", name},
                                                             {"proxyConfig", nullptr}});
  if (!out.ok()) return call.Failed("findContactWithName", out);
  const json::value* matched = js::get(&out.value, "matchedContactInfo");
  const json::value* message = js::get(&out.value, "returnMessage");
  const bool found = matched && matched->is_array() && !matched->get_array().empty();
  json::object resp{{"successful", js::truthy(js::get(&out.value, "successful"))}};
  if (message) {
    resp["returnMessage"] = *message;
  } else if (!found) {
    // The reference's text ends with a space here.
    resp["returnMessage"] =
        ReturnMessage("No contact found with name " + name + " ", "warning", 5000);
  }
  resp["contact"] = matched ? *matched : json::value(json::array());
  return call.Served(http::HttpResponse::Json(200, resp));
}

}  // namespace

void RegisterContactRoutes(http::Router& router, App& app) {
  router.Add("POST", "/contact", Route(app, CreateContact));
  router.Add("GET", "/custom/contact/search", Route(app, SearchContact));
  router.Add("GET", "/contact", Route(app, FindContact));
}

}  // namespace crmhost::contract
