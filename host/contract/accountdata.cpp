// GET /accountData?keys=a,b&forceRefresh=true (docs/API-REFERENCE.md, Account data): account-scoped
// CRM data a plugin declares (e.g. activity types), fetched once per RingCentral account and
// cached.
//
// Plugins declare keys with getAccountDataKeys -> {key: {ttlMs?}} and fetch one with
// fetchAccountData({key, user, authHeader}). Values are cached under (user's RingCentral
// account, platform, key) for ttlMs (default 24 h) and served stale when a refresh fails.
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

constexpr int64_t kDefaultTtlMs = 24 * 3600 * 1000;

std::vector<std::string> SplitKeys(std::string_view s) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= s.size()) {
    size_t comma = s.find(',', pos);
    std::string_view k = s.substr(pos, comma == std::string_view::npos ? s.npos : comma - pos);
    while (!k.empty() && k.front() == ' ')
      k.remove_prefix(1);
    while (!k.empty() && k.back() == ' ')
      k.remove_suffix(1);
    if (!k.empty()) out.emplace_back(k);
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return out;
}

http::HttpResponse AccountData(App& app, http::HttpRequest& req, const JwtState& jwt) {
  auto who = RequireCaller(jwt);
  if (auto* resp = std::get_if<http::HttpResponse>(&who)) return std::move(*resp);
  const auto& caller = std::get<Caller>(who);
  auto keys_q = req.Query("keys");
  const std::vector<std::string> keys = keys_q ? SplitKeys(*keys_q) : std::vector<std::string>{};
  if (keys.empty()) return http::HttpResponse::Text(400, "Missing keys");
  const bool force = req.Query("forceRefresh") == std::optional<std::string_view>("true");
  auto opened = PluginCall::Open(app, req, caller.platform);
  if (auto* refused = std::get_if<PluginCall::Refused>(&opened))
    return std::move(refused->response);
  auto& call = std::get<PluginCall>(opened);
  // The reference's order: the user, then the keys, then the CRM session.
  auto known = app.store.GetUser(caller.user_id);
  if (!known.ok()) return Failure(DatabaseErrorMessage());
  if (!known.value() || known.value()->access_token.empty())
    return Failure(ReturnMessage("User not found", "warning", 5000));

  json::object declared;
  if (call.Implements("getAccountDataKeys")) {
    auto d = call.Invoke("getAccountDataKeys", json::object{});
    if (d.ok() && d.value.is_object()) declared = d.value.get_object();
  }
  std::string unknown;
  for (auto& k : keys)
    if (!declared.contains(k)) unknown += (unknown.empty() ? "" : ", ") + k;
  if (!unknown.empty())
    return http::HttpResponse::Json(
        400, json::object{{"successful", false},
                          {"returnMessage", ReturnMessage("Unknown account data key(s): " + unknown,
                                                          "warning", 5000)}});

  auto connected = call.Connect(caller.user_id, true);
  if (auto* fail = std::get_if<ConnectFailure>(&connected))
    return ConnectFailureResponse(*fail, "fetchAccountData", caller.platform,
                                  ReturnMessage("User not found", "warning", 5000));
  Connected& c = *std::get<Connected*>(connected);
  const std::string& account = c.user.rc_account_id;
  json::object data;
  for (auto& k : keys) {
    // Account data is the account's: a user whose RingCentral account is unknown has none (the
    // reference throws, and its route answers the error's text).
    if (account.empty())
      return http::HttpResponse::Error(
          400, "Cannot resolve account data '" + k + "': user has no rcAccountId");
    const json::value* ttl_v = js::get(&declared.at(k), "ttlMs");
    const int64_t ttl = ttl_v && ttl_v->is_number() ? ttl_v->to_number<int64_t>() : kDefaultTtlMs;
    std::optional<json::value> cached;
    {
      auto hit = app.store.GetAccountData(account, caller.platform, k);
      auto at = app.store.AccountDataUpdatedAt(account, caller.platform, k);
      if (hit.ok() && hit.value()) {
        cached = std::move(*hit.value());
        if (!force && at.ok() && at.value() + ttl > app.now_ms()) {
          data[k] = *cached;
          continue;
        }
      }
    }
    auto out =
        call.Invoke("fetchAccountData",
                    json::object{{"key", k}, {"user", c.user_json}, {"authHeader", c.auth_header}});
    if (!out.ok()) {
      if (cached) {  // stale beats nothing
        spdlog::warn("refreshing account data {} failed; serving the cached value", k);
        data[k] = *cached;
        continue;
      }
      // Nothing cached to fall back on: the reference's fetch throws and the route answers the
      // error's text (axios's "Request failed with status code N" when the CRM answered).
      return call.Served(http::HttpResponse::Error(
          400, out.kind == plugins::OpOutcome::Kind::kUpstream && out.status_code > 0
                   ? "Request failed with status code " + std::to_string(out.status_code)
                   : (out.message.empty() ? "fetchAccountData failed" : out.message)));
    }
    if (Status st = app.store.PutAccountData(account, caller.platform, k, out.value, app.now_ms());
        !st.ok())
      spdlog::warn("account data cache write failed: {}", st.ToString());
    data[k] = out.value;
  }
  return call.Served(
      http::HttpResponse::Json(200, json::object{{"successful", true}, {"data", data}}));
}

}  // namespace

void RegisterAccountDataRoutes(http::Router& router, App& app) {
  router.Add("GET", "/accountData", Route(app, AccountData));
}

}  // namespace crmhost::contract
