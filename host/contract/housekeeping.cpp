#include "contract/housekeeping.h"

#include <string>
#include <vector>

#include <crmhost/sdk/js.hpp>

namespace crmhost::contract {
namespace json = boost::json;
namespace js = crmhost::sdk::js;

namespace {

// Account-data keys are KeyOf({account, platform, dataKey}).
bool IsContactCacheKey(std::string_view key) {
  const auto parts = store::PartsOf(key);
  return parts.size() == 3 && parts[2].rfind("contact-", 0) == 0;
}

Status DeleteAll(store::Store& store, store::Table table, const std::vector<std::string>& keys) {
  for (const auto& k : keys)
    if (Status st = store.Delete(table, k); !st.ok()) return st;
  return Status::OK();
}

}  // namespace

Result<SweepResult> SweepExpired(store::Store& store, int64_t now_ms) {
  SweepResult r;
  std::vector<std::string> doomed;
  Status st =
      store.ForEach(store::Table::kCache, "", [&](std::string_view key, const json::value& v) {
        const json::value* expiry = js::get(&v, "expiry");
        if (!expiry || js::to_number(*expiry) <= double(now_ms)) doomed.emplace_back(key);
        return true;
      });
  if (!st.ok()) return st;
  if (st = DeleteAll(store, store::Table::kCache, doomed); !st.ok()) return st;
  r.expired_cache_rows = doomed.size();

  doomed.clear();
  st = store.ForEach(store::Table::kAccountData, "",
                     [&](std::string_view key, const json::value& v) {
                       const json::value* at = js::get(&v, "updatedAt");
                       if (IsContactCacheKey(key) && at &&
                           js::to_number(*at) + double(kContactCacheMaxAgeMs) <= double(now_ms))
                         doomed.emplace_back(key);
                       return true;
                     });
  if (!st.ok()) return st;
  if (st = DeleteAll(store, store::Table::kAccountData, doomed); !st.ok()) return st;
  r.stale_contact_entries = doomed.size();
  return r;
}

}  // namespace crmhost::contract
