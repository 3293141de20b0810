#include "crmhost/store/store.h"

#include <rocksdb/utilities/checkpoint.h>

#include "store_impl.h"

namespace crmhost::store {

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;

const std::string& Store::instance_id() const {
  return impl_->options.instance_id;
}

// ---- users -------------------------------------------------------------------------------

Result<std::optional<UserRecord>> Store::GetUser(std::string_view id) const {
  std::string blob;
  auto s = impl_->db->Get(rocksdb::ReadOptions(), impl_->users, id, &blob);
  if (s.IsNotFound()) return std::optional<UserRecord>();
  if (!s.ok()) return FromRocks(s, "reading user");
  auto plain = impl_->cipher.Open(blob, Aad(kUsers, id));
  if (!plain) return Status::Corruption("user record failed authentication");
  auto user = DecodeUser(*plain);
  OPENSSL_cleanse(plain->data(), plain->size());
  if (!user.ok()) return user.status();
  return std::optional<UserRecord>(std::move(user).value());
}

Status Store::PutUser(const UserRecord& user) {
  if (user.id.empty()) return Status::InvalidArgument("user id is empty");
  std::string plain = EncodeUser(user);
  auto blob = impl_->cipher.Seal(plain, Aad(kUsers, user.id));
  OPENSSL_cleanse(plain.data(), plain.size());
  if (!blob.ok()) return blob.status();
  rocksdb::WriteBatch b;
  b.Put(impl_->users, user.id, blob.value());
  return impl_->Commit(std::move(b));
}

Status Store::DeleteUser(std::string_view id) {
  rocksdb::WriteBatch b;
  b.Delete(impl_->users, id);
  return impl_->Commit(std::move(b));
}

Status Store::ForEachUser(const std::function<bool(const UserRecord&)>& visit) const {
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->users));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const std::string id = it->key().ToString();
    auto plain = impl_->cipher.Open(it->value().ToString(), Aad(kUsers, id));
    if (!plain) return Status::Corruption("user record " + id + " failed authentication");
    auto user = DecodeUser(*plain);
    OPENSSL_cleanse(plain->data(), plain->size());
    if (!user.ok()) return user.status();
    if (!visit(user.value())) break;
  }
  return FromRocks(it->status(), "listing users");
}

// ---- plugin kv ------------------------------------------------------------------------------

namespace {
std::string KvKey(std::string_view plugin, std::string_view key) {
  std::string k;
  AppendPart(k, plugin);
  k.append(key);
  return k;
}
}  // namespace

Result<std::optional<std::string>> Store::KvGet(std::string_view plugin, std::string_view key,
                                                int64_t now_ms) const {
  const std::string k = KvKey(plugin, key);
  std::string blob;
  auto s = impl_->db->Get(rocksdb::ReadOptions(), impl_->plugin_kv, k, &blob);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return FromRocks(s, "reading plugin kv");
  auto plain = impl_->cipher.Open(blob, Aad(kPluginKv, k));
  if (!plain || plain->size() < 8)
    return Status::Corruption("plugin kv value failed authentication");
  int64_t expires = 0;
  for (int i = 0; i < 8; ++i)
    expires = (expires << 8) | uint8_t((*plain)[i]);
  if (expires != 0 && expires <= now_ms) return std::optional<std::string>();
  return std::optional<std::string>(plain->substr(8));
}

Status Store::KvPut(std::string_view plugin, std::string_view key, std::string_view value,
                    int64_t expires_at_ms) {
  const std::string k = KvKey(plugin, key);
  std::string plain(8, '\0');
  for (int i = 7; i >= 0; --i) {
    plain[i] = char(expires_at_ms & 0xFF);
    expires_at_ms >>= 8;
  }
  plain.append(value);
  auto blob = impl_->cipher.Seal(plain, Aad(kPluginKv, k));
  OPENSSL_cleanse(plain.data(), plain.size());
  if (!blob.ok()) return blob.status();
  rocksdb::WriteBatch b;
  b.Put(impl_->plugin_kv, k, blob.value());
  return impl_->Commit(std::move(b));
}

Status Store::KvDelete(std::string_view plugin, std::string_view key) {
  rocksdb::WriteBatch b;
  b.Delete(impl_->plugin_kv, KvKey(plugin, key));
  return impl_->Commit(std::move(b));
}

// ---- account data ---------------------------------------------------------------------------

Result<std::optional<json::value>> Store::GetAccountData(std::string_view rc,
                                                         std::string_view platform,
                                                         std::string_view data_key) const {
  auto r = Get(Table::kAccountData, KeyOf({rc, platform, data_key}));
  if (!r.ok()) return r.status();
  if (!r.value()) return std::optional<json::value>();
  auto* o = r.value()->if_object();
  if (!o || !o->contains("data")) return Status::Corruption("account data record has no data");
  return std::optional<json::value>(o->at("data"));
}

Status Store::PutAccountData(std::string_view rc, std::string_view platform,
                             std::string_view data_key, const json::value& data, int64_t now_ms) {
  return Put(Table::kAccountData, KeyOf({rc, platform, data_key}),
             json::object{{"data", data}, {"updatedAt", now_ms}});
}

Status Store::DeleteAccountData(std::string_view rc, std::string_view platform,
                                std::string_view data_key) {
  return Delete(Table::kAccountData, KeyOf({rc, platform, data_key}));
}

Result<int64_t> Store::AccountDataUpdatedAt(std::string_view rc, std::string_view platform,
                                            std::string_view data_key) const {
  auto r = Get(Table::kAccountData, KeyOf({rc, platform, data_key}));
  if (!r.ok()) return r.status();
  if (!r.value() || !r.value()->is_object()) return int64_t(0);
  auto* u = r.value()->get_object().if_contains("updatedAt");
  return (u && u->is_int64()) ? u->get_int64() : int64_t(0);
}

Store::Stats Store::GetStats() const {
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

Store::Health Store::GetHealth() const {
  const Durability::Health h = impl_->durability->health();
  return {h.writable,   h.last_error, h.recovery_error, h.write_errors,
          h.recoveries, h.syncs,      h.synced_waits};
}

Status Store::Checkpoint(const std::string& dir) const {
  rocksdb::Checkpoint* raw = nullptr;
  auto s = rocksdb::Checkpoint::Create(impl_->db.get(), &raw);
  if (!s.ok()) return FromRocks(s, "preparing a checkpoint");
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  return FromRocks(checkpoint->CreateCheckpoint(dir), "writing checkpoint " + dir);
}

}  // namespace crmhost::store
