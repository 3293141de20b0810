#include "contract/developer_portal.h"

#include <spdlog/spdlog.h>

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <crmhost/sdk/js.hpp>

#include "outbound/client.h"

namespace crmhost::contract {
namespace json = boost::json;
namespace js = crmhost::sdk::js;

namespace {

// More distinct URLs than any deployment has connectors; beyond it expired entries go first,
// then everything (the cache is an optimisation and a fallback, never the source of truth).
constexpr size_t kMaxEntries = 4096;

// A caller's id as one URL path segment or query value: only unreserved characters stay.
std::string Encode(const std::string& s) {
  return boost::urls::encode(s, boost::urls::unreserved_chars);
}

// Ids compare as the portal's JSON holds them or as text: "42" and 42 name the same connector.
bool SameId(const json::value* id, const std::string& want) {
  return id && (id->is_string() || id->is_number()) && js::to_string(*id) == want;
}

}  // namespace

DeveloperPortal::DeveloperPortal(outbound::OutboundClient& http, Options options,
                                 std::function<int64_t()> now_ms)
    : http_(http), options_(std::move(options)), now_ms_(std::move(now_ms)) {
  while (!options_.base_url.empty() && options_.base_url.back() == '/')
    options_.base_url.pop_back();
}

std::optional<json::value> DeveloperPortal::Manifest(const ConnectorRef& ref,
                                                     const std::string& rc_account_id) {
  if (ref.connector_id.empty()) return std::nullopt;
  const std::string base =
      options_.base_url + "/public-api/connectors/" + Encode(ref.connector_id) + "/manifest";
  auto internal = [&](const std::string& account) {
    return base + "?access=internal&type=connector&accountId=" + Encode(account);
  };
  if (!ref.dev_account_id.empty()) return Get(internal(ref.dev_account_id));
  if (!ref.is_private) return Get(base);
  auto list =
      Get(options_.base_url + "/public-api/connectors/internal?accountId=" + Encode(rc_account_id));
  if (!list) return std::nullopt;
  auto find = [&](const char* name) -> const json::object* {
    const json::value* a = js::get(&*list, name);
    if (!a || !a->is_array()) return nullptr;
    for (auto& c : a->get_array())
      if (c.is_object() && SameId(js::get(c.get_object(), "id"), ref.connector_id))
        return &c.get_object();
    return nullptr;
  };
  if (find("privateConnectors")) return Get(internal(rc_account_id));
  if (const json::object* shared = find("sharedConnectors")) {
    const json::value* owner = js::get(*shared, "accountId");
    if (owner && (owner->is_string() || owner->is_number()))
      return Get(internal(js::to_string(*owner)));
  }
  spdlog::info("developer portal: connector {} is not among account {}'s connectors",
               ref.connector_id, rc_account_id);
  return std::nullopt;
}

std::optional<json::value> DeveloperPortal::Get(const std::string& url) {
  const int64_t now = now_ms_();
  const int64_t ttl_ms = int64_t(options_.ttl.count()) * 1000;
  const int64_t stale_ms = int64_t(options_.stale_for.count()) * 1000;
  std::optional<json::value> stale;
  {
    std::lock_guard lock(mu_);
    if (auto it = cache_.find(url); it != cache_.end()) {
      if (now - it->second.fetched_ms < ttl_ms) {
        ++stats_.cached;
        return it->second.value;
      }
      if (now - it->second.fetched_ms < ttl_ms + stale_ms) stale = it->second.value;
    }
  }
  outbound::OutboundRequest req;
  req.method = "GET";
  req.url = url;
  req.headers.emplace_back("Accept", "application/json");
  req.timeout = options_.timeout;
  auto resp = http_.Send(std::move(req));
  std::string why;
  std::optional<json::value> fresh;
  if (!resp.ok()) {
    why = resp.status().message();
  } else if (resp->status < 200 || resp->status > 299) {
    why = "HTTP " + std::to_string(resp->status);
  } else {
    boost::system::error_code ec;
    json::value v = json::parse(resp->body, ec);
    if (ec || !v.is_object())
      why = "an answer that is not a JSON object";
    else
      fresh = std::move(v);
  }
  std::lock_guard lock(mu_);
  if (fresh) {
    ++stats_.fetched;
    if (cache_.size() >= kMaxEntries) {
      std::erase_if(cache_,
                    [&](const auto& e) { return now - e.second.fetched_ms >= ttl_ms + stale_ms; });
      if (cache_.size() >= kMaxEntries) cache_.clear();
    }
    cache_[url] = Entry{*fresh, now};
    return fresh;
  }
  // A 404 is an answer (no such connector), not an outage: nothing stale stands in for it.
  const bool absent = resp.ok() && resp->status == 404;
  if (stale && !absent) {
    ++stats_.stale;
    spdlog::warn("developer portal: {} failed ({}); using the copy cached {} s ago", url, why,
                 (now - cache_[url].fetched_ms) / 1000);
    return stale;
  }
  ++stats_.failed;
  spdlog::warn("developer portal: {} failed ({}); the plugin's own manifest applies", url, why);
  if (absent) cache_.erase(url);
  return std::nullopt;
}

DeveloperPortal::Stats DeveloperPortal::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

}  // namespace crmhost::contract
