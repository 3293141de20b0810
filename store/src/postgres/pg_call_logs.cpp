// Call-log rows in PostgreSQL: the exactly-once reservation across instances (see store.h,
// ReserveCallLog, and pg_store.h).
#include <set>

#include "crmhost/encoding.h"
#include "pg_locks.h"
#include "pg_store.h"

namespace crmhost::store {

namespace {

std::string SessionUpper(std::string_view prefix) {
  std::string s(prefix);
  while (!s.empty() && uint8_t(s.back()) == 0xFF)
    s.pop_back();
  if (!s.empty()) s.back() = char(uint8_t(s.back()) + 1);
  return s;
}

// The session's rows, in key order (the bare session prefix is never written).
Result<std::vector<CallLogRow>> SessionRows(PgConn& c, std::string_view session_id) {
  const std::string prefix = SessionPrefix(session_id);
  auto r = c.Exec("reading call logs",
                  "SELECT key, value FROM crmhost_records WHERE family = $1 AND key >= $2 "
                  "AND key < $3 ORDER BY key",
                  {Text(kCallLogs), Bytea(prefix), Bytea(SessionUpper(prefix))});
  if (!r.ok()) return r.status();
  std::vector<CallLogRow> rows;
  for (int i = 0; i < r->rows(); ++i) {
    if (r->bytes(i, 0).size() == prefix.size()) continue;
    auto row = DecodeCallLog(r->bytes(i, 1));
    if (!row.ok()) return row.status();
    rows.push_back(std::move(row).value());
  }
  return rows;
}

Status PutRow(PgConn& c, const CallLogRow& row) {
  return c
      .Exec("writing call log",
            "INSERT INTO crmhost_records (family, key, value) VALUES ($1, $2, $3) "
            "ON CONFLICT (family, key) DO UPDATE SET value = EXCLUDED.value",
            {Text(kCallLogs), Bytea(CallLogKey(row.identity)), Bytea(EncodeCallLog(row))})
      .status();
}

}  // namespace

Result<std::optional<CallLogRow>> PgStore::FindCallLog(const CallLogIdentity& who) const {
  std::vector<CallLogRow> done;
  Status s = pool_.Run([&](PgConn& c) {
    auto rows = SessionRows(c, who.session_id);
    if (!rows.ok()) return rows.status();
    for (auto& r : rows.value())
      if (r.state == CallLogRow::State::kDone) done.push_back(std::move(r));
    return Status::OK();
  });
  if (!s.ok()) return s;
  const CallLogRow* match = MatchCallLog(done, who);
  if (!match) return std::optional<CallLogRow>();
  return std::optional<CallLogRow>(*match);
}

Result<Store::Reservation> PgStore::ReserveCallLog(CallLogRow row, int64_t now_ms) {
  row.state = CallLogRow::State::kPending;
  row.owner = instance_id();
  row.created_at_ms = row.updated_at_ms = now_ms;
  Reservation answer = Reservation::kReserved;
  Status s = pool_.Run([&](PgConn& c) {
    return InTransaction(c, kSessionLock, row.identity.session_id, [&](PgConn& tx) -> Status {
      auto rows = SessionRows(tx, row.identity.session_id);
      if (!rows.ok()) return rows.status();
      // A pending row is alive while its owner's heartbeat is: another instance serving the
      // same call right now is not a crash.
      auto live_owners = tx.Exec("reading live instances",
                                 "SELECT id FROM crmhost_instances WHERE heartbeat_at > "
                                 "now() - make_interval(secs => $1::bigint / 1000.0)",
                                 {Int8(options_.instance_lease_ms)});
      if (!live_owners.ok()) return live_owners.status();
      std::set<std::string, std::less<>> alive_ids = {instance_id()};
      for (int i = 0; i < live_owners->rows(); ++i)
        alive_ids.emplace(live_owners->bytes(i, 0));
      std::vector<CallLogRow> live, abandoned;
      for (auto& r : rows.value()) {
        const bool alive = r.state == CallLogRow::State::kDone || alive_ids.contains(r.owner);
        (alive ? live : abandoned).push_back(std::move(r));
      }
      if (MatchCallLog(live, row.identity)) {
        answer = Reservation::kExists;
        return Status::OK();
      }
      answer = MatchCallLog(abandoned, row.identity) ? Reservation::kReservedAfterCrash
                                                     : Reservation::kReserved;
      return PutRow(tx, row);
    });
  });
  if (!s.ok()) return s;
  return answer;
}

Status PgStore::CompleteCallLog(CallLogRow row, int64_t now_ms) {
  row.state = CallLogRow::State::kDone;
  row.owner.clear();
  row.updated_at_ms = now_ms;
  if (!row.created_at_ms) row.created_at_ms = now_ms;
  return pool_.Run([&](PgConn& c) { return PutRow(c, row); });
}

Status PgStore::ChangeOwnReservation(const CallLogIdentity& who, std::string_view what,
                                     const std::function<bool(CallLogRow&)>& change) {
  return pool_.Run([&](PgConn& c) {
    return InTransaction(c, kSessionLock, who.session_id, [&](PgConn& tx) -> Status {
      const std::string key = CallLogKey(who);
      auto r = tx.Exec(what, "SELECT value FROM crmhost_records WHERE family = $1 AND key = $2",
                       {Text(kCallLogs), Bytea(key)});
      if (!r.ok()) return r.status();
      if (!r->rows()) return Status::OK();
      auto row = DecodeCallLog(r->bytes(0, 0));
      if (!row.ok()) return row.status();
      if (row->state != CallLogRow::State::kPending || row->owner != instance_id())
        return Status::OK();
      if (change(row.value())) return PutRow(tx, row.value());
      return tx
          .Exec(what, "DELETE FROM crmhost_records WHERE family = $1 AND key = $2",
                {Text(kCallLogs), Bytea(key)})
          .status();
    });
  });
}

Status PgStore::ReleaseCallLog(const CallLogIdentity& who) {
  return ChangeOwnReservation(who, "releasing call log", [](CallLogRow&) {
    return false;  // delete it: the CRM call failed, the session is free again
  });
}

Status PgStore::AbandonCallLog(const CallLogIdentity& who) {
  return ChangeOwnReservation(who, "abandoning call log", [](CallLogRow& row) {
    row.owner = "abandoned";  // no instance has this id: the next reservation reconciles
    return true;
  });
}

}  // namespace crmhost::store
