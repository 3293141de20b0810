#include "crmhost/store/store.h"

#include <openssl/rand.h>
#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>

#include <array>
#include <cstring>
#include <filesystem>
#include <mutex>

#include "crmhost/encoding.h"
#include "crmhost/json_safety.h"
#include "crmhost/suspend.h"
#include "durability.h"

namespace crmhost::store {
namespace json = boost::json;
namespace {

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
void AppendPart(std::string& key, std::string_view part) {
  uint32_t n = uint32_t(part.size());
  char len[4] = {char(n >> 24), char(n >> 16), char(n >> 8), char(n)};
  key.append(len, 4);
  key.append(part);
}

std::string SessionPrefix(std::string_view session_id) {
  std::string k;
  AppendPart(k, session_id);
  return k;
}

std::string CallLogKey(const CallLogIdentity& id) {
  std::string k = SessionPrefix(id.session_id);
  AppendPart(k, id.hashed_extension_id);
  AppendPart(k, id.extension_number);
  return k;
}

std::string Aad(std::string_view family, std::string_view key) {
  std::string a(family);
  a.push_back('\0');
  a.append(key);
  return a;
}

Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return Status::OK();
  std::string msg = std::string(what) + ": " + s.ToString();
  if (s.IsNotFound()) return Status::NotFound(msg);
  if (s.IsBusy() || s.IsTimedOut() || s.IsTryAgain()) return Status::Busy(msg);
  if (s.IsCorruption()) return Status::Corruption(msg);
  return Status::IOError(msg);
}

std::string RandomInstanceId() {
  unsigned char b[12];
  RAND_bytes(b, sizeof b);
  return HexEncode(std::string_view(reinterpret_cast<char*>(b), sizeof b));
}

}  // namespace

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

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;

const std::string& Store::instance_id() const {
  return impl_->options.instance_id;
}

Result<std::unique_ptr<Store>> Store::Open(const Options& options_in) {
  Options options = options_in;
  if (options.instance_id.empty()) options.instance_id = RandomInstanceId();
  std::error_code ec;
  std::filesystem::create_directories(options.path, ec);
  if (ec) return Status::IOError("cannot create " + options.path + ": " + ec.message());

  auto impl = std::make_unique<Impl>(options);

  // Small, shared caches: crmhost's working set is tiny and idle memory matters more than
  // bulk-load speed (see docs/PERFORMANCE.md).
  auto cache = rocksdb::NewLRUCache(16 << 20);
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  rocksdb::ColumnFamilyOptions cf_opts;
  cf_opts.write_buffer_size = 4 << 20;
  cf_opts.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));

  rocksdb::DBOptions db_opts;
  db_opts.create_if_missing = true;
  db_opts.create_missing_column_families = true;
  db_opts.keep_log_file_num = 3;
  db_opts.db_write_buffer_size = 32 << 20;
  db_opts.max_background_jobs = 2;

  std::vector<std::string> existing;
  rocksdb::DB::ListColumnFamilies(db_opts, options.path, &existing);  // empty for a new store
  std::vector<rocksdb::ColumnFamilyDescriptor> descs;
  descs.emplace_back(rocksdb::kDefaultColumnFamilyName, cf_opts);
  for (const char* name : kAllFamilies)
    descs.emplace_back(name, cf_opts);
  for (auto& name : existing) {  // families a newer build may have added: open, don't drop
    bool known = name == rocksdb::kDefaultColumnFamilyName;
    for (const char* k : kAllFamilies)
      known = known || name == k;
    if (!known) descs.emplace_back(name, cf_opts);
  }

  // A plain DB: the only multi-step update (a reservation) is serialised in process (see
  // SessionLock), which costs far less than a TransactionDB's lock manager on every write.
  rocksdb::DB* raw = nullptr;
  auto s = rocksdb::DB::Open(db_opts, options.path, descs, &impl->handles, &raw);
  if (!s.ok()) return FromRocks(s, "opening store at " + options.path);
  impl->db.reset(raw);
  for (auto* h : impl->handles) {
    const auto& n = h->GetName();
    if (n == kMeta) impl->meta = h;
    if (n == kUsers) impl->users = h;
    if (n == kCallLogs) impl->call_logs = h;
    if (n == kMessageLogs) impl->message_logs = h;
    if (n == kPluginKv) impl->plugin_kv = h;
    if (n == kAccountData) impl->account_data = h;
    if (n == kAdmin) impl->admin = h;
    if (n == kCache) impl->cache = h;
    if (n == kCallDown) impl->calldown = h;
  }

  // Schema version: refuse data written by a newer layout rather than misread it.
  std::string version;
  s = impl->db->Get(rocksdb::ReadOptions(), impl->meta, "schema_version", &version);
  if (s.ok()) {
    int v = std::atoi(version.c_str());
    if (v > kSchemaVersion) {
      return Status::InvalidArgument("store at " + options.path + " has schema version " + version +
                                     "; this build understands up to " +
                                     std::to_string(kSchemaVersion));
    }
  } else if (s.IsNotFound()) {
    s = impl->db->Put(impl->SyncedNow(), impl->meta, "schema_version",
                      std::to_string(kSchemaVersion));
    if (!s.ok()) return FromRocks(s, "writing schema version");
  } else {
    return FromRocks(s, "reading schema version");
  }

  // Key check: a wrong key file must stop the daemon at start, not fail every request later.
  std::string check;
  const std::string aad = Aad(kMeta, "key_check");
  s = impl->db->Get(rocksdb::ReadOptions(), impl->meta, "key_check", &check);
  if (s.ok()) {
    auto plain = impl->cipher.Open(check, aad);
    if (!plain || *plain != kKeyCheckPlaintext) {
      return Status::PermissionDenied("the secret key does not match the key this store at " +
                                      options.path +
                                      " was created with (wrong --secret-key-file?)");
    }
  } else if (s.IsNotFound()) {
    auto sealed = impl->cipher.Seal(kKeyCheckPlaintext, aad);
    if (!sealed.ok()) return sealed.status();
    s = impl->db->Put(impl->SyncedNow(), impl->meta, "key_check", sealed.value());
    if (!s.ok()) return FromRocks(s, "writing key check");
  } else {
    return FromRocks(s, "reading key check");
  }
  impl->durability =
      std::make_unique<Durability>(impl->db.get(), impl->meta, options.sync, options.path,
                                   options.min_free_bytes, options.on_writable_change);
  return std::unique_ptr<Store>(new Store(std::move(impl)));
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

// ---- call logs -----------------------------------------------------------------------------

Result<std::optional<CallLogRow>> Store::FindCallLog(const CallLogIdentity& who) const {
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

Result<Store::Reservation> Store::ReserveCallLog(CallLogRow row, int64_t now_ms) {
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

Status Store::CompleteCallLog(CallLogRow row, int64_t now_ms) {
  row.state = CallLogRow::State::kDone;
  row.owner.clear();
  row.updated_at_ms = now_ms;
  if (!row.created_at_ms) row.created_at_ms = now_ms;
  rocksdb::WriteBatch b;
  b.Put(impl_->call_logs, CallLogKey(row.identity), EncodeCallLog(row));
  return impl_->Commit(std::move(b));
}

Status Store::ReleaseCallLog(const CallLogIdentity& who) {
  return impl_->ChangeOwnReservation(who, "releasing call log", [](CallLogRow&) {
    return false;  // delete it: the CRM call failed, the session is free again
  });
}

Status Store::AbandonCallLog(const CallLogIdentity& who) {
  return impl_->ChangeOwnReservation(who, "abandoning call log", [](CallLogRow& row) {
    row.owner = "abandoned";  // no process has this id: the next reservation reconciles
    return true;
  });
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

// ---- JSON tables -----------------------------------------------------------------------------

std::string KeyOf(std::initializer_list<std::string_view> parts) {
  std::string k;
  for (auto p : parts)
    AppendPart(k, p);
  return k;
}

std::vector<std::string_view> PartsOf(std::string_view key) {
  std::vector<std::string_view> parts;
  size_t pos = 0;
  while (pos + 4 <= key.size()) {
    const size_t n = (size_t(uint8_t(key[pos])) << 24) | (size_t(uint8_t(key[pos + 1])) << 16) |
                     (size_t(uint8_t(key[pos + 2])) << 8) | size_t(uint8_t(key[pos + 3]));
    if (pos + 4 + n > key.size()) return {};
    parts.push_back(key.substr(pos + 4, n));
    pos += 4 + n;
  }
  if (pos != key.size()) return {};
  return parts;
}

Result<std::optional<json::value>> Store::Get(Table table, std::string_view key) const {
  const auto t = impl_->Info(table);
  std::string stored;
  auto s = impl_->db->Get(rocksdb::ReadOptions(), t.handle, key, &stored);
  if (s.IsNotFound()) return std::optional<json::value>();
  if (!s.ok()) return FromRocks(s, std::string("reading ") + t.name);
  auto v = impl_->Decode(t, key, stored);
  if (!v.ok()) return v.status();
  return std::optional<json::value>(std::move(v).value());
}

Status Store::Put(Table table, std::string_view key, const json::value& value) {
  const auto t = impl_->Info(table);
  json::value safe = value;  // no `Infinity` token may reach the disk: it would not read back
  ReplaceNonFinite(safe);
  std::string text = json::serialize(safe);
  if (t.sealed) {
    auto blob = impl_->cipher.Seal(text, Aad(t.name, key));
    OPENSSL_cleanse(text.data(), text.size());
    if (!blob.ok()) return blob.status();
    text = std::move(blob).value();
  }
  if (t.durable) {
    rocksdb::WriteBatch b;
    b.Put(t.handle, key, text);
    return impl_->Commit(std::move(b));
  }
  rocksdb::WriteBatch b;
  b.Put(t.handle, key, text);
  return impl_->WriteNow(std::move(b), std::string("writing ") + t.name);
}

Status Store::Delete(Table table, std::string_view key) {
  const auto t = impl_->Info(table);
  if (t.durable) {
    rocksdb::WriteBatch b;
    b.Delete(t.handle, key);
    return impl_->Commit(std::move(b));
  }
  rocksdb::WriteBatch b;
  b.Delete(t.handle, key);
  return impl_->WriteNow(std::move(b), std::string("deleting from ") + t.name);
}

Status Store::ForEach(
    Table table, std::string_view prefix,
    const std::function<bool(std::string_view, const json::value&)>& visit) const {
  const auto t = impl_->Info(table);
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(rocksdb::ReadOptions(), t.handle));
  for (it->Seek(rocksdb::Slice(prefix.data(), prefix.size()));
       it->Valid() && it->key().starts_with(rocksdb::Slice(prefix.data(), prefix.size()));
       it->Next()) {
    auto v = impl_->Decode(t, it->key().ToStringView(), it->value().ToStringView());
    if (!v.ok()) return v.status();
    if (!visit(it->key().ToStringView(), v.value())) break;
  }
  if (!it->status().ok()) return FromRocks(it->status(), std::string("scanning ") + t.name);
  return Status::OK();
}

Result<std::vector<std::pair<std::string, json::value>>> Store::Scan(
    Table table, std::string_view prefix) const {
  std::vector<std::pair<std::string, json::value>> out;
  Status st = ForEach(table, prefix, [&](std::string_view key, const json::value& v) {
    out.emplace_back(std::string(key), v);
    return true;
  });
  if (!st.ok()) return st;
  return out;
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
