// Housekeeping: dropping what has outlived its use, so the store does not grow without bound
// (the reference runs the same clean-up as a scheduled job): expired cache rows (note cache,
// pending managed OAuth apps) and contact-lookup cache entries not refreshed for 90 days.
#ifndef CRMHOST_CONTRACT_HOUSEKEEPING_H
#define CRMHOST_CONTRACT_HOUSEKEEPING_H

#include <cstddef>
#include <cstdint>

#include "crmhost/store/store.h"

namespace crmhost::contract {

inline constexpr int64_t kContactCacheMaxAgeMs = 90LL * 24 * 3600 * 1000;

struct SweepResult {
  size_t expired_cache_rows = 0;
  size_t stale_contact_entries = 0;
};

// One pass over the cache and account-data tables. Safe to run while requests are served.
Result<SweepResult> SweepExpired(store::Store& store, int64_t now_ms);

}  // namespace crmhost::contract

#endif  // CRMHOST_CONTRACT_HOUSEKEEPING_H
