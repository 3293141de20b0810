#include "contract/unsaved_links.h"

#include <spdlog/spdlog.h>

namespace crmhost::contract {

void UnsavedLinks::Add(store::CallLogRow row) {
  std::lock_guard lock(mu_);
  rows_.push_back(std::move(row));
}

std::optional<store::CallLogRow> UnsavedLinks::Find(const store::CallLogIdentity& who) const {
  std::lock_guard lock(mu_);
  std::vector<store::CallLogRow> same_session;
  for (const auto& r : rows_)
    if (r.identity.session_id == who.session_id) same_session.push_back(r);
  const store::CallLogRow* match = store::MatchCallLog(same_session, who);
  return match ? std::optional<store::CallLogRow>(*match) : std::nullopt;
}

size_t UnsavedLinks::SaveAll(store::Store& store, int64_t now_ms) {
  std::vector<store::CallLogRow> pending;
  {
    std::lock_guard lock(mu_);
    if (rows_.empty()) return 0;
    pending.swap(rows_);
  }
  std::vector<store::CallLogRow> still;
  for (auto& row : pending) {
    if (Status st = store.CompleteCallLog(row, now_ms); st.ok()) {
      spdlog::info("call {}: the link to activity {} is saved now", row.identity.session_id,
                   row.third_party_log_id);
    } else {
      still.push_back(std::move(row));
    }
  }
  std::lock_guard lock(mu_);
  rows_.insert(rows_.end(), std::make_move_iterator(still.begin()),
               std::make_move_iterator(still.end()));
  return rows_.size();
}

size_t UnsavedLinks::size() const {
  std::lock_guard lock(mu_);
  return rows_.size();
}

}  // namespace crmhost::contract
