// RocksStore: the embedded backend, one RocksDB directory with a column family per table (see
// docs/store-format.md). Private to store/src.
#ifndef CRMHOST_STORE_SRC_ROCKSDB_ROCKS_STORE_H
#define CRMHOST_STORE_SRC_ROCKSDB_ROCKS_STORE_H

#include <openssl/crypto.h>
#include <rocksdb/db.h>

#include <array>
#include <boost/json.hpp>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "../codec.h"
#include "crmhost/store/store.h"
#include "crmhost/suspend.h"
#include "durability.h"

namespace crmhost::store {
namespace json = boost::json;

inline Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return Status::OK();
  std::string msg = std::string(what) + ": " + s.ToString();
  if (s.IsNotFound()) return Status::NotFound(msg);
  if (s.IsBusy() || s.IsTimedOut() || s.IsTryAgain()) return Status::Busy(msg);
  if (s.IsCorruption()) return Status::Corruption(msg);
  return Status::IOError(msg);
}

class RocksStore final : public Store {
 public:
  static Result<std::unique_ptr<Store>> Open(const Options& options);
  ~RocksStore() override;

  std::string_view backend() const override { return "rocksdb"; }
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
  Result<std::optional<json::value>> Get(Table table, std::string_view key) const override;
  Status Put(Table table, std::string_view key, const json::value& value) override;
  Status Delete(Table table, std::string_view key) override;
  Status ForEach(
      Table table, std::string_view prefix,
      const std::function<bool(std::string_view, const json::value&)>& visit) const override;
  // One process owns a RocksDB directory: in-process locks are all there is to take.
  Result<std::unique_ptr<CrossLock>> LockAcross(LockScope, std::string_view) override {
    return std::unique_ptr<CrossLock>();
  }
  Result<bool> ClaimPeriodicTask(std::string_view, int64_t, int64_t) override { return true; }
  Stats GetStats() const override;
  Health GetHealth() const override;
  Status Checkpoint(const std::string& dir) const override;

 private:
  struct Impl;
  explicit RocksStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

struct RocksStore::Impl {
  Options options;
  Cipher cipher;
  std::unique_ptr<rocksdb::DB> db;
  // Reservations of one call session are serialised by one of these (the session's hash picks
  // it). In-process locks suffice: RocksDB's LOCK file keeps every other process out of the
  // store. A critical section never waits for a sync, but its write may be handed to the commit
  // thread while a round syncs (Durability::WriteNow), parking the fiber: so the locks park
  // fibers too, or a second fiber on the same thread would block the thread the holder needs.
  std::array<SuspendingMutex, 64> session_locks;
  SuspendingMutex& SessionLock(std::string_view session_id) {
    return session_locks[std::hash<std::string_view>{}(session_id) % session_locks.size()];
  }
  // Writes of one user (UpdateUser's read-change-write, PutUser) are serialised by one of these;
  // they park fibers for the same reason as the session locks (a write may wait for a sync).
  std::array<SuspendingMutex, 64> user_locks;
  SuspendingMutex& UserLock(std::string_view id) {
    return user_locks[std::hash<std::string_view>{}(id) % user_locks.size()];
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::ColumnFamilyHandle* meta = nullptr;
  rocksdb::ColumnFamilyHandle* users = nullptr;
  rocksdb::ColumnFamilyHandle* call_logs = nullptr;
  rocksdb::ColumnFamilyHandle* message_logs = nullptr;
  rocksdb::ColumnFamilyHandle* plugin_kv = nullptr;
  rocksdb::ColumnFamilyHandle* account_data = nullptr;
  rocksdb::ColumnFamilyHandle* admin = nullptr;
  rocksdb::ColumnFamilyHandle* cache = nullptr;
  rocksdb::ColumnFamilyHandle* calldown = nullptr;
  std::unique_ptr<Durability> durability;

  rocksdb::ColumnFamilyHandle* Handle(Table t) const {
    switch (t) {
      case Table::kAccountData:
        return account_data;
      case Table::kAdmin:
        return admin;
      case Table::kCache:
        return cache;
      case Table::kCallDown:
        return calldown;
      case Table::kMessageLogs:
        return message_logs;
    }
    return account_data;
  }

  explicit Impl(const Options& o) : options(o), cipher(o.key) {}

  // Opening (store_open.cpp): the handles by family name; the checks that refuse a store this
  // build must not touch.
  void TakeHandles();
  Status CheckSchemaVersion();
  Status CheckKey();

  ~Impl() {
    durability.reset();  // its thread uses the db
    if (db) {
      for (auto* h : handles)
        db->DestroyColumnFamilyHandle(h);
      db->Close();
    }
  }

  // Writes at start-up, before the group commit runs.
  rocksdb::WriteOptions SyncedNow() const {
    rocksdb::WriteOptions w;
    w.sync = options.sync;
    return w;
  }

  // Every write goes to RocksDB unsynced; Durable then waits for the group commit (see
  // durability.h), Written only notes the outcome (caches, reservations: see ReserveCallLog).
  // A write that must survive a power loss: written and synced by the group commit.
  Status Commit(rocksdb::WriteBatch batch) { return durability->Commit(std::move(batch)); }
  // A write that need not be synced (a reservation, a cache entry); refused when space is short.
  Status WriteNow(rocksdb::WriteBatch batch, std::string_view what) {
    return durability->WriteNow(std::move(batch), what);
  }

  // Under the row's lock, applies `change` to this process's pending reservation of `who` (no-op
  // when the row is gone, done or another process's): it returns true to keep the changed row,
  // false to delete it. Keeping is synced (a doubt must survive), deleting is not.
  template <class Change>
  Status ChangeOwnReservation(const CallLogIdentity& who, std::string_view what, Change change) {
    const std::string key = CallLogKey(who);
    rocksdb::Status s;
    bool keep = false;
    {
      std::lock_guard lock(SessionLock(who.session_id));
      std::string value;
      s = db->Get(rocksdb::ReadOptions(), call_logs, key, &value);
      if (s.IsNotFound()) return Status::OK();
      if (!s.ok()) return FromRocks(s, what);
      auto row = DecodeCallLog(value);
      if (!row.ok()) return row.status();
      if (row->state != CallLogRow::State::kPending || row->owner != options.instance_id)
        return Status::OK();
      keep = change(row.value());
      rocksdb::WriteBatch b;
      if (keep) {
        b.Put(call_logs, key, EncodeCallLog(row.value()));
      } else {
        b.Delete(call_logs, key);
      }
      Status written = WriteNow(std::move(b), what);
      if (!written.ok() || !keep) return written;
    }
    return durability->WaitDurable();  // a kept change must survive: synced, waited unlocked
  }

  // Rows of one session, in key order.
  Result<std::vector<CallLogRow>> ScanSession(rocksdb::Iterator* it,
                                              std::string_view session_id) const {
    std::vector<CallLogRow> rows;
    std::string prefix = SessionPrefix(session_id);
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      if (it->key().size() == prefix.size()) continue;  // the session's lock key
      auto row = DecodeCallLog(it->value().ToStringView());
      if (!row.ok()) return row.status();
      rows.push_back(std::move(row).value());
    }
    if (!it->status().ok()) return FromRocks(it->status(), "scanning call logs");
    return rows;
  }
};

}  // namespace crmhost::store

#endif  // CRMHOST_STORE_SRC_ROCKSDB_ROCKS_STORE_H
