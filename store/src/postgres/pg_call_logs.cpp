// Call-log rows in PostgreSQL: the exactly-once reservation across instances (see store.h,
// ReserveCallLog, and pg_store.h).
#include <set>

#include "crmhost/encoding.h"
#include "pg_locks.h"
#include "pg_store.h"

namespace crmhost::store {

namespace {

// Far beyond --outbound-timeout-ms (30 s by default) times the CRM calls one POST /callLog makes.
constexpr int64_t kPendingAtMostMs = 10 * 60 * 1000;

std::string SessionUpper(std::string_view prefix) {
  std::string s(prefix);
  while (!s.empty() && uint8_t(s.back()) == 0xFF)
    s.pop_back();
  if (!s.empty()) s.back() = char(uint8_t(s.back()) + 1);
  return s;
}

// The statement reading a session's rows, in key order, and their decoding (the bare session
// prefix is never written).
PgConn::Statement SessionRowsQuery(std::string_view session_id) {
  const std::string prefix = SessionPrefix(session_id);
  return {
      "SELECT key, value FROM crmhost_records WHERE family = $1 AND key >= $2 AND key < $3 "
      "ORDER BY key",
      {Text(kCallLogs), Bytea(prefix), Bytea(SessionUpper(prefix))}};
}

Result<std::vector<CallLogRow>> SessionRows(const PgResult& r, std::string_view session_id) {
  const size_t prefix_size = SessionPrefix(session_id).size();
  std::vector<CallLogRow> rows;
  for (int i = 0; i < r.rows(); ++i) {
    if (r.bytes(i, 0).size() == prefix_size) continue;
    auto row = DecodeCallLog(r.bytes(i, 1));
    if (!row.ok()) return row.status();
    rows.push_back(std::move(row).value());
  }
  return rows;
}

PgConn::Statement PutRow(const CallLogRow& row) {
  return {
      "INSERT INTO crmhost_records (family, key, value) VALUES ($1, $2, $3) "
      "ON CONFLICT (family, key) DO UPDATE SET value = EXCLUDED.value",
      {Text(kCallLogs), Bytea(CallLogKey(row.identity)), Bytea(EncodeCallLog(row))}};
}

}  // namespace

Result<std::optional<CallLogRow>> PgStore::FindCallLog(const CallLogIdentity& who) const {
  std::vector<CallLogRow> done;
  Status s = pool_.Run([&](PgConn& c) {
    const PgConn::Statement q = SessionRowsQuery(who.session_id);
    auto r = c.Exec("reading call logs", q.sql, {q.params[0], q.params[1], q.params[2]});
    if (!r.ok()) return r.status();
    auto rows = SessionRows(r.value(), who.session_id);
    if (!rows.ok()) return rows.status();
    for (auto& row : rows.value())
      if (row.state == CallLogRow::State::kDone) done.push_back(std::move(row));
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
    // A pending row is alive while its owner's heartbeat is: another instance serving the same
    // call right now is not a crash.
    return InTransaction(
        c, "reserving call log", kSessionLock, row.identity.session_id,
        {SessionRowsQuery(row.identity.session_id),
         {"SELECT id FROM crmhost_instances WHERE heartbeat_at > "
          "now() - make_interval(secs => $1::bigint / 1000.0)",
          {Int8(options_.instance_lease_ms)}}},
        [&](std::vector<PgResult>& reads, std::vector<PgConn::Statement>& writes) -> Status {
          auto rows = SessionRows(reads[0], row.identity.session_id);
          if (!rows.ok()) return rows.status();
          std::set<std::string, std::less<>> alive_ids = {instance_id()};
          for (int i = 0; i < reads[1].rows(); ++i)
            alive_ids.emplace(reads[1].bytes(i, 0));
          std::vector<CallLogRow> live, abandoned;
          for (auto& r : rows.value()) {
            // A reservation older than any CRM call can take is abandoned even if its owner
            // lives: its release was lost (a failed round trip), and the call must not stay
            // unloggable until that instance restarts.
            const bool stale = now_ms - r.updated_at_ms > kPendingAtMostMs;
            const bool alive =
                r.state == CallLogRow::State::kDone || (alive_ids.contains(r.owner) && !stale);
            (alive ? live : abandoned).push_back(std::move(r));
          }
          if (MatchCallLog(live, row.identity)) {
            answer = Reservation::kExists;
            return Status::OK();
          }
          answer = MatchCallLog(abandoned, row.identity) ? Reservation::kReservedAfterCrash
                                                         : Reservation::kReserved;
          writes.push_back(PutRow(row));
          return Status::OK();
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
  return pool_.Run([&](PgConn& c) {
    const PgConn::Statement put = PutRow(row);
    return c.Exec("writing call log", put.sql, {put.params[0], put.params[1], put.params[2]})
        .status();
  });
}

Status PgStore::ChangeOwnReservation(const CallLogIdentity& who, std::string_view what,
                                     const std::function<bool(CallLogRow&)>& change) {
  const std::string key = CallLogKey(who);
  return pool_.Run([&](PgConn& c) {
    return InTransaction(
        c, what, kSessionLock, who.session_id,
        {{"SELECT value FROM crmhost_records WHERE family = $1 AND key = $2",
          {Text(kCallLogs), Bytea(key)}}},
        [&](std::vector<PgResult>& reads, std::vector<PgConn::Statement>& writes) -> Status {
          if (!reads[0].rows()) return Status::OK();
          auto row = DecodeCallLog(reads[0].bytes(0, 0));
          if (!row.ok()) return row.status();
          if (row->state != CallLogRow::State::kPending || row->owner != instance_id())
            return Status::OK();
          if (change(row.value())) {
            writes.push_back(PutRow(row.value()));
          } else {
            writes.push_back({"DELETE FROM crmhost_records WHERE family = $1 AND key = $2",
                              {Text(kCallLogs), Bytea(key)}});
          }
          return Status::OK();
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
