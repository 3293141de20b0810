// PgStore: users, plugin kv, the JSON tables, cross-instance locks and the operations figures
// (reservations in pg_call_logs.cpp, opening and the schema in pg_schema.cpp).
#include "pg_store.h"
#include "pg_locks.h"

#include <condition_variable>

#include "crmhost/encoding.h"

namespace crmhost::store {
namespace json = boost::json;

namespace {

constexpr int kPage = 256;  // rows per round trip of a scan

// The first key after every key that starts with `prefix`; empty when there is none (an empty
// prefix, or one of only 0xFF bytes).
std::string Successor(std::string_view prefix) {
  std::string s(prefix);
  while (!s.empty() && uint8_t(s.back()) == 0xFF)
    s.pop_back();
  if (!s.empty()) s.back() = char(uint8_t(s.back()) + 1);
  return s;
}

}  // namespace

PgStore::~PgStore() {
  heartbeat_.request_stop();
  if (heartbeat_.joinable()) heartbeat_.join();
  // Gone now, not after the lease: another instance may take over our pending reservations.
  (void)pool_.Run([&](PgConn& c) {
    return c
        .Exec("unregistering this instance", "DELETE FROM crmhost_instances WHERE id = $1",
              {Text(instance_id())})
        .status();
  });
}

void PgStore::Heartbeat(std::stop_token stop) {
  std::mutex mu;
  std::condition_variable_any cv;
  const auto every = std::chrono::milliseconds(std::max(200, options_.instance_lease_ms / 5));
  while (true) {
    std::unique_lock lock(mu);
    if (cv.wait_for(lock, stop, every, [] { return false; })) return;
    if (stop.stop_requested()) return;
    lock.unlock();
    (void)heartbeat_pool_.Run([&](PgConn& c) {
      return c
          .Exec("heartbeat",
                "INSERT INTO crmhost_instances (id, heartbeat_at) VALUES ($1, now()) "
                "ON CONFLICT (id) DO UPDATE SET heartbeat_at = now()",
                {Text(instance_id())})
          .status();
    });
  }
}

// ---- raw records ------------------------------------------------------------------------------

Result<std::optional<std::string>> PgStore::GetRaw(const char* family, std::string_view key) const {
  std::optional<std::string> value;
  Status s = pool_.Run([&](PgConn& c) {
    auto r = c.Exec(std::string("reading ") + family,
                    "SELECT value FROM crmhost_records WHERE family = $1 AND key = $2",
                    {Text(family), Bytea(key)});
    if (!r.ok()) return r.status();
    if (r->rows()) value = std::string(r->bytes(0, 0));
    return Status::OK();
  });
  if (!s.ok()) return s;
  return value;
}

Status PgStore::PutRaw(const char* family, std::string_view key, std::string_view value) {
  return pool_.Run([&](PgConn& c) {
    return c
        .Exec(std::string("writing ") + family,
              "INSERT INTO crmhost_records (family, key, value) VALUES ($1, $2, $3) "
              "ON CONFLICT (family, key) DO UPDATE SET value = EXCLUDED.value",
              {Text(family), Bytea(key), Bytea(value)})
        .status();
  });
}

Status PgStore::DeleteRaw(const char* family, std::string_view key) {
  return pool_.Run([&](PgConn& c) {
    return c
        .Exec(std::string("deleting from ") + family,
              "DELETE FROM crmhost_records WHERE family = $1 AND key = $2",
              {Text(family), Bytea(key)})
        .status();
  });
}

Status PgStore::ScanRaw(
    const char* family, std::string_view prefix,
    const std::function<bool(std::string_view, std::string_view)>& visit) const {
  const std::string upper = Successor(prefix);
  std::string after;  // the last key seen: the next page starts past it
  bool first = true;
  while (true) {
    std::vector<std::pair<std::string, std::string>> page;
    Status s = pool_.Run([&](PgConn& c) {
      // Keyset pages: each is one short statement, so a scan of millions of rows holds neither
      // a connection nor a snapshot for long.
      std::string sql = "SELECT key, value FROM crmhost_records WHERE family = $1 AND key ";
      sql += first ? ">= $2" : "> $2";
      if (!upper.empty()) sql += " AND key < $3";
      sql += " ORDER BY key LIMIT " + std::to_string(kPage);
      auto r = upper.empty()
                   ? c.Exec("scanning", sql.c_str(), {Text(family), Bytea(first ? prefix : after)})
                   : c.Exec("scanning", sql.c_str(),
                            {Text(family), Bytea(first ? prefix : after), Bytea(upper)});
      if (!r.ok()) return r.status();
      for (int i = 0; i < r->rows(); ++i)
        page.emplace_back(std::string(r->bytes(i, 0)), std::string(r->bytes(i, 1)));
      return Status::OK();
    });
    if (!s.ok()) return s;
    first = false;
    for (auto& [k, v] : page)
      if (!visit(k, v)) return Status::OK();
    if (page.size() < size_t(kPage)) return Status::OK();
    after = page.back().first;
  }
}

// ---- users ------------------------------------------------------------------------------------

Result<std::optional<UserRecord>> PgStore::GetUser(std::string_view id) const {
  auto blob = GetRaw(kUsers, id);
  if (!blob.ok()) return blob.status();
  if (!blob.value()) return std::optional<UserRecord>();
  auto user = OpenUser(cipher_, id, *blob.value());
  if (!user.ok()) return user.status();
  return std::optional<UserRecord>(std::move(user).value());
}

namespace {
constexpr const char* kUpsert =
    "INSERT INTO crmhost_records (family, key, value) VALUES ($1, $2, $3) "
    "ON CONFLICT (family, key) DO UPDATE SET value = EXCLUDED.value";
constexpr const char* kSelectOne =
    "SELECT value FROM crmhost_records WHERE family = $1 AND key = $2";
}  // namespace

Status PgStore::PutUser(const UserRecord& user) {
  auto blob = SealUser(cipher_, user);
  if (!blob.ok()) return blob.status();
  // Under the user's lock, so that it cannot land inside an UpdateUser's read and write.
  return pool_.Run([&](PgConn& c) {
    return InTransaction(
        c, "writing user", kUserLock, user.id, {},
        [&](std::vector<PgResult>&, std::vector<PgConn::Statement>& writes) {
          writes.push_back({kUpsert, {Text(kUsers), Bytea(user.id), Bytea(blob.value())}});
          return Status::OK();
        });
  });
}

Result<std::optional<UserRecord>> PgStore::UpdateUser(
    std::string_view id, const std::function<bool(UserRecord&, bool)>& change) {
  std::optional<UserRecord> result;
  Status s = pool_.Run([&](PgConn& c) {
    // An advisory lock rather than SELECT ... FOR UPDATE: it also covers a user not created yet.
    return InTransaction(
        c, "updating user", kUserLock, id, {{kSelectOne, {Text(kUsers), Bytea(id)}}},
        [&](std::vector<PgResult>& reads, std::vector<PgConn::Statement>& writes) -> Status {
          const bool exists = reads[0].rows() == 1;
          UserRecord user;
          if (exists) {
            auto opened = OpenUser(cipher_, id, reads[0].bytes(0, 0));
            if (!opened.ok()) return opened.status();
            user = std::move(opened).value();
          } else {
            user.id = std::string(id);
          }
          if (!change(user, exists)) {
            if (exists) result = std::move(user);
            return Status::OK();
          }
          user.id = std::string(id);
          auto blob = SealUser(cipher_, user);
          if (!blob.ok()) return blob.status();
          writes.push_back({kUpsert, {Text(kUsers), Bytea(id), Bytea(blob.value())}});
          result = std::move(user);
          return Status::OK();
        });
  });
  if (!s.ok()) return s;
  return result;
}

Status PgStore::DeleteUser(std::string_view id) {
  // Under the user's lock: an UpdateUser that read the record just before must not write it back.
  return pool_.Run([&](PgConn& c) {
    return InTransaction(
        c, "deleting user", kUserLock, id, {},
        [&](std::vector<PgResult>&, std::vector<PgConn::Statement>& writes) {
          writes.push_back({"DELETE FROM crmhost_records WHERE family = $1 AND key = $2",
                            {Text(kUsers), Bytea(id)}});
          return Status::OK();
        });
  });
}

Status PgStore::ForEachUser(const std::function<bool(const UserRecord&)>& visit) const {
  Status failed;
  Status s = ScanRaw(kUsers, "", [&](std::string_view id, std::string_view blob) {
    auto user = OpenUser(cipher_, id, blob);
    if (!user.ok()) {
      failed = user.status();
      return false;
    }
    return visit(user.value());
  });
  return s.ok() ? failed : s;
}

// ---- plugin kv --------------------------------------------------------------------------------

Result<std::optional<std::string>> PgStore::KvGet(std::string_view plugin, std::string_view key,
                                                  int64_t now_ms) const {
  const std::string k = KvKey(plugin, key);
  auto blob = GetRaw(kPluginKv, k);
  if (!blob.ok()) return blob.status();
  if (!blob.value()) return std::optional<std::string>();
  return OpenKv(cipher_, k, *blob.value(), now_ms);
}

Status PgStore::KvPut(std::string_view plugin, std::string_view key, std::string_view value,
                      int64_t expires_at_ms) {
  const std::string k = KvKey(plugin, key);
  auto blob = SealKv(cipher_, k, value, expires_at_ms);
  if (!blob.ok()) return blob.status();
  return PutRaw(kPluginKv, k, blob.value());
}

Status PgStore::KvDelete(std::string_view plugin, std::string_view key) {
  return DeleteRaw(kPluginKv, KvKey(plugin, key));
}

// ---- JSON tables ------------------------------------------------------------------------------

Result<std::optional<json::value>> PgStore::Get(Table table, std::string_view key) const {
  const TableTraits t = Traits(table);
  auto stored = GetRaw(t.name, key);
  if (!stored.ok()) return stored.status();
  if (!stored.value()) return std::optional<json::value>();
  auto v = DecodeRecord(cipher_, t, key, *stored.value());
  if (!v.ok()) return v.status();
  return std::optional<json::value>(std::move(v).value());
}

Status PgStore::Put(Table table, std::string_view key, const json::value& value) {
  const TableTraits t = Traits(table);
  auto stored = EncodeRecord(cipher_, t, key, value);
  if (!stored.ok()) return stored.status();
  return PutRaw(t.name, key, stored.value());
}

Status PgStore::Delete(Table table, std::string_view key) {
  return DeleteRaw(Traits(table).name, key);
}

Status PgStore::ForEach(
    Table table, std::string_view prefix,
    const std::function<bool(std::string_view, const json::value&)>& visit) const {
  const TableTraits t = Traits(table);
  Status failed;
  Status s = ScanRaw(t.name, prefix, [&](std::string_view key, std::string_view stored) {
    auto v = DecodeRecord(cipher_, t, key, stored);
    if (!v.ok()) {
      failed = v.status();
      return false;
    }
    return visit(key, v.value());
  });
  return s.ok() ? failed : s;
}

// ---- several instances --------------------------------------------------------------------------

namespace {

// The holder's side of a lock taken on a lock-pool connection: destroying it lets the database
// thread unlock and return the connection to its pool.
struct Held {
  std::mutex mu;
  std::condition_variable cv;
  bool released = false;
};

class PgCrossLock final : public Store::CrossLock {
 public:
  PgCrossLock(std::shared_ptr<Held> held, std::atomic<uint64_t>& count)
      : held_(std::move(held)), count_(count) {
    count_++;
  }
  ~PgCrossLock() override {
    {
      std::lock_guard lock(held_->mu);
      held_->released = true;
    }
    held_->cv.notify_one();
    count_--;
  }

 private:
  std::shared_ptr<Held> held_;
  std::atomic<uint64_t>& count_;
};

}  // namespace

Result<std::unique_ptr<Store::CrossLock>> PgStore::LockAcross(LockScope scope,
                                                              std::string_view key) {
  auto held = std::make_shared<Held>();
  const int32_t ns = kLockNamespace + int32_t(scope);
  const std::string hex = HexEncode(key);  // text hashed by the server; any bytes allowed
  Status s =
      lock_pools_.at(scope)->RunHolding([held, ns, hex](PgConn& c, const PgPool::Respond& respond) {
        auto r = c.Exec("taking a cross-instance lock", "SELECT pg_advisory_lock($1, hashtext($2))",
                        {Int4(ns), Text(hex)});
        if (!r.ok()) return r.status();
        respond(Status::OK());
        {
          std::unique_lock lock(held->mu);
          held->cv.wait(lock, [&] { return held->released; });
        }
        // A failed unlock is a lost connection, and the server dropped the lock with it.
        return c
            .Exec("releasing a cross-instance lock", "SELECT pg_advisory_unlock($1, hashtext($2))",
                  {Int4(ns), Text(hex)})
            .status();
      });
  if (!s.ok()) return s;
  return std::unique_ptr<CrossLock>(new PgCrossLock(held, locks_held_));
}

Result<bool> PgStore::ClaimPeriodicTask(std::string_view task, int64_t period_ms, int64_t now_ms) {
  bool claimed = false;
  Status s = pool_.Run([&](PgConn& c) {
    auto r = c.Exec("claiming a periodic task",
                    "INSERT INTO crmhost_tasks (name, last_run_ms) VALUES ($1, $2) "
                    "ON CONFLICT (name) DO UPDATE SET last_run_ms = EXCLUDED.last_run_ms "
                    "WHERE crmhost_tasks.last_run_ms <= $3 RETURNING 1",
                    {Text(task), Int8(now_ms), Int8(now_ms - period_ms)});
    if (!r.ok()) return r.status();
    claimed = r->rows() == 1;
    return Status::OK();
  });
  if (!s.ok()) return s;
  return claimed;
}

// ---- operations --------------------------------------------------------------------------------

Store::Stats PgStore::GetStats() const {
  const PgPool::Stats p = pool_.stats();
  Stats st;
  st.pool_size = p.size;
  st.pool_in_use = p.in_use;
  st.pool_waiting = p.waiting;
  st.queries = p.queries;
  st.query_seconds = p.seconds;
  st.reconnects = p.reconnects;
  st.locks_held = locks_held_;
  for (auto& [scope, pool] : lock_pools_)
    st.reconnects += pool->stats().reconnects;
  return st;
}

Store::Health PgStore::GetHealth() const {
  const PgPool::Stats p = pool_.stats();
  Health h;
  h.writable = pool_.connected();
  h.last_error = pool_.last_error();
  h.write_errors = p.failures;
  h.recoveries = p.recoveries;
  return h;
}

Status PgStore::Checkpoint(const std::string&) const {
  return Status::InvalidArgument(
      "the store is in PostgreSQL: back it up with pg_dump (see docs/OPERATIONS.md, Several "
      "instances)");
}

}  // namespace crmhost::store
