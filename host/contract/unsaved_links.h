// UnsavedLinks: call-log links whose CRM activity exists but which the store could not record
// (a full disk, an I/O error), kept in memory until it can.
//
// Losing such a link would let the client's next attempt create a second activity, so the link
// is held here, answered from here (GET /callLog, PATCH /callLog, dispositions), and saved by
// SaveAll, which the daemon calls every second until the store takes it. The call's pending
// reservation stays in the store meanwhile, so no duplicate can be created by this process; if
// the process dies first, the reservation is abandoned and the next attempt reconciles with the
// CRM (findCallLogForSession, docs/PLUGIN_ABI.md). Thread-safe.
#ifndef CRMHOST_CONTRACT_UNSAVED_LINKS_H
#define CRMHOST_CONTRACT_UNSAVED_LINKS_H

#include <cstddef>
#include <mutex>
#include <optional>
#include <vector>

#include "crmhost/store/records.h"
#include "crmhost/store/store.h"

namespace crmhost::contract {

class UnsavedLinks {
 public:
  void Add(store::CallLogRow row);
  // The held link that belongs to `who` (store::MatchCallLog), if any.
  std::optional<store::CallLogRow> Find(const store::CallLogIdentity& who) const;
  // Tries to save every held link; returns how many are still held.
  size_t SaveAll(store::Store& store, int64_t now_ms);
  size_t size() const;

 private:
  mutable std::mutex mu_;
  std::vector<store::CallLogRow> rows_;  // guarded by mu_
};

}  // namespace crmhost::contract

#endif  // CRMHOST_CONTRACT_UNSAVED_LINKS_H
