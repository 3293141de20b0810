// Store: what both backends share (opening by URL, keys, scans, account data).
#include "crmhost/store/store.h"

#include <openssl/rand.h>

#include "crmhost/encoding.h"

#include "codec.h"
#include "rocksdb/rocks_store.h"
#ifdef CRMHOST_WITH_POSTGRES
#include "postgres/pg_store.h"
#endif

namespace crmhost::store {
namespace json = boost::json;

Store::~Store() = default;

std::string RandomInstanceId() {
  unsigned char b[12];
  RAND_bytes(b, sizeof b);
  return HexEncode(std::string_view(reinterpret_cast<char*>(b), sizeof b));
}

Result<std::unique_ptr<Store>> Store::Open(const Options& options_in) {
  Options options = options_in;
  if (options.instance_id.empty())
    options.instance_id = options.instance_name.empty()
                              ? RandomInstanceId()
                              : options.instance_name + "/" + RandomInstanceId();
  if (options.url.empty()) return RocksStore::Open(options);
  if (!options.url.starts_with("postgres://") && !options.url.starts_with("postgresql://"))
    return Status::InvalidArgument("store URL must start with postgres:// or postgresql://");
#ifdef CRMHOST_WITH_POSTGRES
  return PgStore::Open(options);
#else
  return Status::InvalidArgument(
      "this build of crmhostd has no PostgreSQL store (built without libpq)");
#endif
}

// ---- keys ------------------------------------------------------------------------------------

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

}  // namespace crmhost::store
