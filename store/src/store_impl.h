// Store::Impl and the key helpers the store's source files share (private to store/src).
#ifndef CRMHOST_STORE_SRC_STORE_IMPL_H
#define CRMHOST_STORE_SRC_STORE_IMPL_H

#include <openssl/crypto.h>
#include <rocksdb/db.h>

#include <array>
#include <boost/json.hpp>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "crmhost/store/store.h"
#include "crmhost/suspend.h"
#include "durability.h"

namespace crmhost::store {
namespace json = boost::json;

constexpr const char* kMeta = "meta";
constexpr const char* kUsers = "users";
constexpr const char* kCallLogs = "call_logs";
constexpr const char* kMessageLogs = "message_logs";
constexpr const char* kPluginKv = "plugin_kv";
constexpr const char* kAccountData = "account_data";
constexpr const char* kAdmin = "admin";
constexpr const char* kCache = "cache";
constexpr const char* kCallDown = "calldown";
constexpr const char* kAllFamilies[] = {kMeta,        kUsers, kCallLogs, kMessageLogs, kPluginKv,
                                        kAccountData, kAdmin, kCache,    kCallDown};

constexpr std::string_view kKeyCheckPlaintext = "crmhost key check v1";

// Keys made of several user-supplied parts are length-prefixed (4-byte big-endian) so no
// value can forge a boundary; a prefix of whole parts is a valid range-scan prefix.
inline void AppendPart(std::string& key, std::string_view part) {
  uint32_t n = uint32_t(part.size());
  char len[4] = {char(n >> 24), char(n >> 16), char(n >> 8), char(n)};
  key.append(len, 4);
  key.append(part);
}

inline std::string SessionPrefix(std::string_view session_id) {
  std::string k;
  AppendPart(k, session_id);
  return k;
}

inline std::string CallLogKey(const CallLogIdentity& id) {
  std::string k = SessionPrefix(id.session_id);
  AppendPart(k, id.hashed_extension_id);
  AppendPart(k, id.extension_number);
  return k;
}

inline std::string Aad(std::string_view family, std::string_view key) {
  std::string a(family);
  a.push_back('\0');
  a.append(key);
  return a;
}

inline Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return Status::OK();
  std::string msg = std::string(what) + ": " + s.ToString();
  if (s.IsNotFound()) return Status::NotFound(msg);
  if (s.IsBusy() || s.IsTimedOut() || s.IsTryAgain()) return Status::Busy(msg);
  if (s.IsCorruption()) return Status::Corruption(msg);
  return Status::IOError(msg);
}

struct Store::Impl {
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

  struct TableInfo {
    rocksdb::ColumnFamilyHandle* handle;
    const char* name;
    bool sealed;
    bool durable;
  };
  TableInfo Info(Table t) const {
    switch (t) {
      case Table::kAccountData:
        return {account_data, kAccountData, true, false};
      case Table::kAdmin:
        return {admin, kAdmin, true, true};
      case Table::kCache:
        return {cache, kCache, true, false};
      case Table::kCallDown:
        return {calldown, kCallDown, false, true};
      case Table::kMessageLogs:
        return {message_logs, kMessageLogs, false, true};
    }
    return {account_data, kAccountData, true, false};
  }

  Result<json::value> Decode(const TableInfo& t, std::string_view key,
                             std::string_view stored) const {
    std::optional<std::string> plain;
    if (t.sealed) {
      plain = cipher.Open(stored, Aad(t.name, key));
      if (!plain) return Status::Corruption(std::string(t.name) + " record failed authentication");
    }
    boost::system::error_code ec;
    json::value v = json::parse(plain ? std::string_view(*plain) : stored, ec);
    if (plain) OPENSSL_cleanse(plain->data(), plain->size());
    if (ec) return Status::Corruption(std::string(t.name) + " record is not JSON");
    return v;
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

#endif  // CRMHOST_STORE_SRC_STORE_IMPL_H
