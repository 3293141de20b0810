// What both backends store, byte for byte: the family names, the keys, and the sealed or plain
// values. Keeping these identical is what lets a record move between RocksDB and PostgreSQL
// verbatim (the AAD binds a blob to its family and key, not to a backend).
#ifndef CRMHOST_STORE_SRC_CODEC_H
#define CRMHOST_STORE_SRC_CODEC_H

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "crmhost/status.h"
#include "crmhost/store/cipher.h"
#include "crmhost/store/records.h"
#include "crmhost/store/store.h"

namespace crmhost::store {

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

inline std::string KvKey(std::string_view plugin, std::string_view key) {
  std::string k;
  AppendPart(k, plugin);
  k.append(key);
  return k;
}

inline std::string Aad(std::string_view family, std::string_view key) {
  std::string a(family);
  a.push_back('\0');
  a.append(key);
  return a;
}

// A JSON table's family and how its records are kept.
struct TableTraits {
  const char* name;
  bool sealed;   // AES-256-GCM, bound to family and key
  bool durable;  // synced before the write returns (RocksDB); caches are not
};
TableTraits Traits(Table t);

// A JSON table's record to stored bytes and back (sealing where the table is sealed).
Result<std::string> EncodeRecord(const Cipher& cipher, const TableTraits& t, std::string_view key,
                                 const boost::json::value& value);
Result<boost::json::value> DecodeRecord(const Cipher& cipher, const TableTraits& t,
                                        std::string_view key, std::string_view stored);

// A user record sealed under its id, and back.
Result<std::string> SealUser(const Cipher& cipher, const UserRecord& user);
Result<UserRecord> OpenUser(const Cipher& cipher, std::string_view id, std::string_view blob);

// A plugin kv value: sealed [8-byte big-endian expiry ms][value] under KvKey.
Result<std::string> SealKv(const Cipher& cipher, std::string_view kv_key, std::string_view value,
                           int64_t expires_at_ms);
// The value, or nullopt when it has expired by `now_ms`.
Result<std::optional<std::string>> OpenKv(const Cipher& cipher, std::string_view kv_key,
                                          std::string_view blob, int64_t now_ms);

// The sealed key check written at creation; Open refuses a store whose check does not open.
Result<std::string> SealKeyCheck(const Cipher& cipher);
bool KeyCheckMatches(const Cipher& cipher, std::string_view blob);

}  // namespace crmhost::store

#endif  // CRMHOST_STORE_SRC_CODEC_H
