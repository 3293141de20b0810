// Call-log rows: the exactly-once reservation protocol (see store.h, ReserveCallLog).
#include "rocks_store.h"

namespace crmhost::store {

// ---- call logs -----------------------------------------------------------------------------

Result<std::optional<CallLogRow>> RocksStore::FindCallLog(const CallLogIdentity& who) const {
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->call_logs));
  auto rows = impl_->ScanSession(it.get(), who.session_id);
  if (!rows.ok()) return rows.status();
  std::vector<CallLogRow> done;
  for (auto& r : rows.value())
    if (r.state == CallLogRow::State::kDone) done.push_back(std::move(r));
  const CallLogRow* match = MatchCallLog(done, who);
  if (!match) return std::optional<CallLogRow>();
  return std::optional<CallLogRow>(*match);
}

Result<Store::Reservation> RocksStore::ReserveCallLog(CallLogRow row, int64_t now_ms) {
  row.state = CallLogRow::State::kPending;
  row.owner = impl_->options.instance_id;
  row.created_at_ms = row.updated_at_ms = now_ms;
  const std::string key = CallLogKey(row.identity);
  // Every reservation of this session goes through its lock: read the session's rows, decide,
  // write; no other reservation can slip in between.
  std::lock_guard lock(impl_->SessionLock(row.identity.session_id));
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->call_logs));
  auto rows = impl_->ScanSession(it.get(), row.identity.session_id);
  if (!rows.ok()) return rows.status();
  std::vector<CallLogRow> live, abandoned;
  for (auto& r : rows.value()) {
    // A pending row from another process is abandoned (that process died mid-call).
    bool alive = r.state == CallLogRow::State::kDone || r.owner == impl_->options.instance_id;
    (alive ? live : abandoned).push_back(std::move(r));
  }
  if (MatchCallLog(live, row.identity)) return Reservation::kExists;
  const bool after_crash = MatchCallLog(abandoned, row.identity) != nullptr;
  // Not synced: a reservation that a power loss erases belonged to a request that was never
  // answered, and the next process treats a surviving one as abandoned anyway. The link that
  // completes it is synced (CompleteCallLog), so an acknowledged call costs one sync.
  rocksdb::WriteBatch b;
  b.Put(impl_->call_logs, key, EncodeCallLog(row));
  Status st = impl_->WriteNow(std::move(b), "reserving call log");
  if (!st.ok()) return st;
  return after_crash ? Reservation::kReservedAfterCrash : Reservation::kReserved;
}

Status RocksStore::CompleteCallLog(CallLogRow row, int64_t now_ms) {
  row.state = CallLogRow::State::kDone;
  row.owner.clear();
  row.updated_at_ms = now_ms;
  if (!row.created_at_ms) row.created_at_ms = now_ms;
  rocksdb::WriteBatch b;
  b.Put(impl_->call_logs, CallLogKey(row.identity), EncodeCallLog(row));
  return impl_->Commit(std::move(b));
}

Status RocksStore::ReleaseCallLog(const CallLogIdentity& who) {
  return impl_->ChangeOwnReservation(who, "releasing call log", [](CallLogRow&) {
    return false;  // delete it: the CRM call failed, the session is free again
  });
}

Status RocksStore::AbandonCallLog(const CallLogIdentity& who) {
  return impl_->ChangeOwnReservation(who, "abandoning call log", [](CallLogRow& row) {
    row.owner = "abandoned";  // no process has this id: the next reservation reconciles
    return true;
  });
}

}  // namespace crmhost::store
