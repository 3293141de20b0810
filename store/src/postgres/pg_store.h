// PgStore: the store in a PostgreSQL database that several crmhostd instances share.
//
// Layout (pg_schema.cpp): one table of records, `crmhost_records(family, key, value)`, holding
// exactly the keys and bytes RocksDB holds in its column families (see ../codec.h): sealed values
// stay sealed, keys stay binary (bytea compares bytewise, as RocksDB does, so prefix scans are
// key ranges). Beside it: the schema version, the live instances (a heartbeat each), and the
// periodic tasks' last runs.
//
// What RocksDB gets from being one process, PostgreSQL gets from the database:
//   - a call-log reservation is one transaction under an advisory lock on its session, and a
//     pending reservation counts as abandoned only when its owner's heartbeat has lapsed
//     (Options::instance_lease_ms), not merely because another instance wrote it;
//   - LockAcross is a session advisory lock on a connection of its own pool (one pool per
//     scope, so a conversation lock waiting for a token refresh can never starve it of
//     connections); the server frees it when the holder's connection dies;
//   - UpdateUser and PutUser run in a transaction holding an advisory lock on the user;
//   - ClaimPeriodicTask is one conditional upsert.
// Every statement runs on the pool's database threads (pg_pool.h); callers' fibers are parked.
#ifndef CRMHOST_STORE_SRC_POSTGRES_PG_STORE_H
#define CRMHOST_STORE_SRC_POSTGRES_PG_STORE_H

#include <map>
#include <memory>
#include <thread>

#include "../codec.h"
#include "crmhost/store/store.h"
#include "pg_pool.h"

namespace crmhost::store {

class PgStore final : public Store {
 public:
  static Result<std::unique_ptr<Store>> Open(const Options& options);
  ~PgStore() override;

  std::string_view backend() const override { return "postgresql"; }
  Result<std::optional<UserRecord>> GetUser(std::string_view id) const override;
  Status PutUser(const UserRecord& user) override;
  Result<std::optional<UserRecord>> UpdateUser(
      std::string_view id, const std::function<bool(UserRecord&, bool)>& change) override;
  Status DeleteUser(std::string_view id) override;
  Status ForEachUser(const std::function<bool(const UserRecord&)>& visit) const override;
  Result<std::optional<CallLogRow>> FindCallLog(const CallLogIdentity& who) const override;
  Result<Reservation> ReserveCallLog(CallLogRow row, int64_t now_ms) override;
  Status CompleteCallLog(CallLogRow row, int64_t now_ms) override;
  Status ReleaseCallLog(const CallLogIdentity& who) override;
  Status AbandonCallLog(const CallLogIdentity& who) override;
  Result<std::optional<std::string>> KvGet(std::string_view plugin, std::string_view key,
                                           int64_t now_ms) const override;
  Status KvPut(std::string_view plugin, std::string_view key, std::string_view value,
               int64_t expires_at_ms) override;
  Status KvDelete(std::string_view plugin, std::string_view key) override;
  Result<std::optional<boost::json::value>> Get(Table table, std::string_view key) const override;
  Status Put(Table table, std::string_view key, const boost::json::value& value) override;
  Status Delete(Table table, std::string_view key) override;
  Status ForEach(
      Table table, std::string_view prefix,
      const std::function<bool(std::string_view, const boost::json::value&)>& visit) const override;
  Result<std::unique_ptr<CrossLock>> LockAcross(LockScope scope, std::string_view key) override;
  Result<bool> ClaimPeriodicTask(std::string_view task, int64_t period_ms, int64_t now_ms) override;
  Stats GetStats() const override;
  Health GetHealth() const override;
  Status Checkpoint(const std::string& dir) const override;

  // The connection settings for `options` (URL, password, TLS, timeouts); refuses a password
  // inside the URL.
  static Result<PgConnectInfo> ConnectInfo(const Options& options);
  // The schema this build writes; a database at a higher version is refused at open.
  static int SchemaVersion();

 private:
  explicit PgStore(const Options& options, PgConnectInfo info);

  // Raw records of one family.
  Result<std::optional<std::string>> GetRaw(const char* family, std::string_view key) const;
  Status PutRaw(const char* family, std::string_view key, std::string_view value);
  Status DeleteRaw(const char* family, std::string_view key);
  // Every record of `family` whose key starts with `prefix`, in key order, fetched in pages.
  Status ScanRaw(const char* family, std::string_view prefix,
                 const std::function<bool(std::string_view, std::string_view)>& visit) const;
  // Applies `change` to this instance's pending reservation of `who` (see RocksStore).
  Status ChangeOwnReservation(const CallLogIdentity& who, std::string_view what,
                              const std::function<bool(CallLogRow&)>& change);
  void Heartbeat(std::stop_token stop);

  const Options options_;
  Cipher cipher_;
  mutable PgPool pool_;
  PgPool heartbeat_pool_;
  std::map<LockScope, std::unique_ptr<PgPool>> lock_pools_;
  std::atomic<uint64_t> locks_held_{0};
  std::jthread heartbeat_;
};

}  // namespace crmhost::store

#endif  // CRMHOST_STORE_SRC_POSTGRES_PG_STORE_H
