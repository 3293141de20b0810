// bullhornData: the note actions (settings/commentActionList) and the status options of each
// person type (meta/<Entity>?fields=status), for the log and new-contact forms. App Connect asks
// for it through /accountData (fetchAccountData); findContact and createContact need it too, and
// a plugin cannot reach the host's account-data cache, so the plugin keeps its own copy per
// RingCentral account for a day, as the reference's account data lives.
#include <crmhost/sdk/contract.hpp>
#include <crmhost/sdk/js.hpp>

#include "mapping.h"
#include "plugin.h"

namespace bullhorn {
namespace sdk = crmhost::sdk;
namespace js = crmhost::sdk::js;

namespace {

constexpr int64_t kTtlMs = 24 * 3600 * 1000;

std::string Key(const json::object& user) {
  const std::string account = js::text_or_empty(js::get(user, "rcAccountId"));
  return "bullhornData/" + (account.empty() ? "user:" + sdk::string_field(user, "id") : account);
}

}  // namespace

json::object FetchAccountData(Api& api, const json::object& user) {
  json::value actions = api.Get("settings/commentActionList", false);
  json::value leads = api.Get("meta/Lead?fields=status", false);
  json::value candidates = api.Get("meta/Candidate?fields=status", false);
  json::value contacts = api.Get("meta/ClientContact?fields=status", false);
  json::object data = AccountData(actions, leads, candidates, contacts);
  api.call().kv_put(
      Key(user), json::serialize(json::object{{"fetchedAt", api.call().now_ms()}, {"data", data}}));
  return data;
}

json::object CachedAccountData(Api& api, const json::object& user, bool force) {
  std::optional<json::object> cached;
  bool fresh = false;
  if (auto raw = api.call().kv_get(Key(user))) {
    boost::system::error_code ec;
    json::value v = json::parse(*raw, ec);
    if (const json::value* data = ec ? nullptr : js::get(&v, "data"); data && data->is_object()) {
      cached = data->get_object();
      const json::value* at = js::get(&v, "fetchedAt");
      const auto fetched = at && at->is_number() ? js::to_safe_integer(at) : std::nullopt;
      fresh = fetched && *fetched + kTtlMs > api.call().now_ms();
    }
  }
  if (cached && fresh && !force) return *cached;
  try {
    return FetchAccountData(api, user);
  } catch (const sdk::UpstreamError& e) {
    if (!cached) throw;
    api.call().warn(std::string("Bullhorn account data not refreshed, using what was kept: ") +
                    e.what());
    return *cached;
  }
}

}  // namespace bullhorn
