// RocksStore: users, plugin kv, and the operations figures (the tables are in tables.cpp, the
// call-log reservations in call_logs.cpp, opening in store_open.cpp).
#include "rocks_store.h"

#include <rocksdb/utilities/checkpoint.h>

namespace crmhost::store {

RocksStore::RocksStore(std::unique_ptr<Impl> impl)
    : Store(impl->options.instance_id), impl_(std::move(impl)) {}
RocksStore::~RocksStore() = default;

// ---- users -------------------------------------------------------------------------------

Result<std::optional<UserRecord>> RocksStore::GetUser(std::string_view id) const {
  std::string blob;
  auto s = impl_->db->Get(rocksdb::ReadOptions(), impl_->users, id, &blob);
  if (s.IsNotFound()) return std::optional<UserRecord>();
  if (!s.ok()) return FromRocks(s, "reading user");
  auto user = OpenUser(impl_->cipher, id, blob);
  if (!user.ok()) return user.status();
  return std::optional<UserRecord>(std::move(user).value());
}

Status RocksStore::PutUser(const UserRecord& user) {
  auto blob = SealUser(impl_->cipher, user);
  if (!blob.ok()) return blob.status();
  rocksdb::WriteBatch b;
  b.Put(impl_->users, user.id, blob.value());
  std::lock_guard lock(impl_->UserLock(user.id));
  return impl_->Commit(std::move(b));
}

Result<std::optional<UserRecord>> RocksStore::UpdateUser(
    std::string_view id, const std::function<bool(UserRecord&, bool)>& change) {
  std::lock_guard lock(impl_->UserLock(id));
  auto current = GetUser(id);
  if (!current.ok()) return current.status();
  const bool exists = current.value().has_value();
  UserRecord user;
  if (exists) {
    user = std::move(*current.value());
  } else {
    user.id = std::string(id);
  }
  if (!change(user, exists)) {
    if (!exists) return std::optional<UserRecord>();
    return std::optional<UserRecord>(std::move(user));
  }
  user.id = std::string(id);
  auto blob = SealUser(impl_->cipher, user);
  if (!blob.ok()) return blob.status();
  rocksdb::WriteBatch b;
  b.Put(impl_->users, id, blob.value());
  if (Status st = impl_->Commit(std::move(b)); !st.ok()) return st;
  return std::optional<UserRecord>(std::move(user));
}

Status RocksStore::DeleteUser(std::string_view id) {
  rocksdb::WriteBatch b;
  b.Delete(impl_->users, id);
  std::lock_guard lock(impl_->UserLock(id));  // not inside an UpdateUser's read and write
  return impl_->Commit(std::move(b));
}

Status RocksStore::ForEachUser(const std::function<bool(const UserRecord&)>& visit) const {
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->users));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    auto user = OpenUser(impl_->cipher, it->key().ToStringView(), it->value().ToStringView());
    if (!user.ok()) return user.status();
    if (!visit(user.value())) break;
  }
  return FromRocks(it->status(), "listing users");
}

// ---- plugin kv ------------------------------------------------------------------------------

Result<std::optional<std::string>> RocksStore::KvGet(std::string_view plugin, std::string_view key,
                                                     int64_t now_ms) const {
  const std::string k = KvKey(plugin, key);
  std::string blob;
  auto s = impl_->db->Get(rocksdb::ReadOptions(), impl_->plugin_kv, k, &blob);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return FromRocks(s, "reading plugin kv");
  return OpenKv(impl_->cipher, k, blob, now_ms);
}

Status RocksStore::KvPut(std::string_view plugin, std::string_view key, std::string_view value,
                         int64_t expires_at_ms) {
  const std::string k = KvKey(plugin, key);
  auto blob = SealKv(impl_->cipher, k, value, expires_at_ms);
  if (!blob.ok()) return blob.status();
  rocksdb::WriteBatch b;
  b.Put(impl_->plugin_kv, k, blob.value());
  return impl_->Commit(std::move(b));
}

Status RocksStore::KvDelete(std::string_view plugin, std::string_view key) {
  rocksdb::WriteBatch b;
  b.Delete(impl_->plugin_kv, KvKey(plugin, key));
  return impl_->Commit(std::move(b));
}

// ---- operations -----------------------------------------------------------------------------

Store::Stats RocksStore::GetStats() const {
  Stats st;
  auto add = [&](rocksdb::ColumnFamilyHandle* cf, const std::string& name, uint64_t& into) {
    uint64_t v = 0;
    if (impl_->db->GetIntProperty(cf, name, &v)) into += v;
  };
  for (rocksdb::ColumnFamilyHandle* cf : impl_->handles) {
    add(cf, rocksdb::DB::Properties::kEstimateNumKeys, st.estimated_keys);
    add(cf, rocksdb::DB::Properties::kLiveSstFilesSize, st.sst_bytes);
    add(cf, rocksdb::DB::Properties::kCurSizeAllMemTables, st.memtable_bytes);
    add(cf, rocksdb::DB::Properties::kEstimatePendingCompactionBytes, st.pending_compaction_bytes);
  }
  return st;
}

Store::Health RocksStore::GetHealth() const {
  const Durability::Health h = impl_->durability->health();
  return {h.writable,   h.last_error, h.recovery_error, h.write_errors,
          h.recoveries, h.syncs,      h.synced_waits};
}

Status RocksStore::Checkpoint(const std::string& dir) const {
  rocksdb::Checkpoint* raw = nullptr;
  auto s = rocksdb::Checkpoint::Create(impl_->db.get(), &raw);
  if (!s.ok()) return FromRocks(s, "preparing a checkpoint");
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  return FromRocks(checkpoint->CreateCheckpoint(dir), "writing checkpoint " + dir);
}

}  // namespace crmhost::store
