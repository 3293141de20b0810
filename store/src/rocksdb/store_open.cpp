// RocksStore::Open: the RocksDB options and column families, the schema version and key checks.
#include <rocksdb/cache.h>
#include <rocksdb/table.h>

#include <filesystem>

#include "info_log.h"
#include "rocks_store.h"

namespace crmhost::store {

namespace {

// Small caches, one shared by the store's families: crmhost's working set is tiny and idle
// memory matters more than bulk-load speed (see docs/PERFORMANCE.md).
rocksdb::ColumnFamilyOptions FamilyOptions() {
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(16 << 20);
  rocksdb::ColumnFamilyOptions cf_opts;
  cf_opts.write_buffer_size = 4 << 20;
  cf_opts.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return cf_opts;
}

rocksdb::DBOptions DatabaseOptions(const Store::Options& options) {
  rocksdb::DBOptions db_opts;
  db_opts.info_log = MakeInfoLog(options.log);
  db_opts.create_if_missing = true;
  db_opts.create_missing_column_families = true;
  db_opts.db_write_buffer_size = 32 << 20;
  db_opts.max_background_jobs = 2;
  return db_opts;
}

// Ours, and families a newer build may have added: opened, never dropped.
std::vector<rocksdb::ColumnFamilyDescriptor> Families(const rocksdb::DBOptions& db_opts,
                                                      const std::string& path) {
  const rocksdb::ColumnFamilyOptions cf_opts = FamilyOptions();
  std::vector<std::string> existing;
  rocksdb::DB::ListColumnFamilies(db_opts, path, &existing);  // empty for a new store
  std::vector<rocksdb::ColumnFamilyDescriptor> descs;
  descs.emplace_back(rocksdb::kDefaultColumnFamilyName, cf_opts);
  for (const char* name : kAllFamilies)
    descs.emplace_back(name, cf_opts);
  for (auto& name : existing) {
    bool known = name == rocksdb::kDefaultColumnFamilyName;
    for (const char* k : kAllFamilies)
      known = known || name == k;
    if (!known) descs.emplace_back(name, cf_opts);
  }
  return descs;
}

}  // namespace

void RocksStore::Impl::TakeHandles() {
  for (auto* h : handles) {
    const auto& n = h->GetName();
    if (n == kMeta) meta = h;
    if (n == kUsers) users = h;
    if (n == kCallLogs) call_logs = h;
    if (n == kMessageLogs) message_logs = h;
    if (n == kPluginKv) plugin_kv = h;
    if (n == kAccountData) account_data = h;
    if (n == kAdmin) admin = h;
    if (n == kCache) cache = h;
    if (n == kCallDown) calldown = h;
  }
}

// Data written by a newer layout is refused rather than misread.
Status RocksStore::Impl::CheckSchemaVersion() {
  std::string version;
  auto s = db->Get(rocksdb::ReadOptions(), meta, "schema_version", &version);
  if (s.IsNotFound()) {
    s = db->Put(SyncedNow(), meta, "schema_version", std::to_string(kSchemaVersion));
    return FromRocks(s, "writing schema version");
  }
  if (!s.ok()) return FromRocks(s, "reading schema version");
  if (std::atoi(version.c_str()) > kSchemaVersion) {
    return Status::InvalidArgument("store at " + options.path + " has schema version " + version +
                                   "; this build understands up to " +
                                   std::to_string(kSchemaVersion));
  }
  return Status::OK();
}

// A wrong key file must stop the daemon at start, not fail every request later.
Status RocksStore::Impl::CheckKey() {
  std::string check;
  auto s = db->Get(rocksdb::ReadOptions(), meta, "key_check", &check);
  if (s.IsNotFound()) {
    auto sealed = SealKeyCheck(cipher);
    if (!sealed.ok()) return sealed.status();
    s = db->Put(SyncedNow(), meta, "key_check", sealed.value());
    return FromRocks(s, "writing key check");
  }
  if (!s.ok()) return FromRocks(s, "reading key check");
  if (!KeyCheckMatches(cipher, check)) {
    return Status::PermissionDenied("the secret key does not match the key this store at " +
                                    options.path + " was created with (wrong --secret-key-file?)");
  }
  return Status::OK();
}

Result<std::unique_ptr<Store>> RocksStore::Open(const Options& options_in) {
  Options options = options_in;
  if (options.instance_id.empty()) options.instance_id = RandomInstanceId();
  std::error_code ec;
  std::filesystem::create_directories(options.path, ec);
  if (ec) return Status::IOError("cannot create " + options.path + ": " + ec.message());

  auto impl = std::make_unique<Impl>(options);
  const rocksdb::DBOptions db_opts = DatabaseOptions(options);
  // A plain DB: the only multi-step update (a reservation) is serialised in process (see
  // SessionLock), which costs far less than a TransactionDB's lock manager on every write.
  rocksdb::DB* raw = nullptr;
  auto s = rocksdb::DB::Open(db_opts, options.path, Families(db_opts, options.path), &impl->handles,
                             &raw);
  if (!s.ok()) return FromRocks(s, "opening store at " + options.path);
  impl->db.reset(raw);
  impl->TakeHandles();
  if (Status checked = impl->CheckSchemaVersion(); !checked.ok()) return checked;
  if (Status checked = impl->CheckKey(); !checked.ok()) return checked;
  impl->durability =
      std::make_unique<Durability>(impl->db.get(), impl->meta, options.sync, options.path,
                                   options.min_free_bytes, options.on_writable_change);
  return std::unique_ptr<Store>(new RocksStore(std::move(impl)));
}

}  // namespace crmhost::store
