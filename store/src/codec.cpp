#include "codec.h"

#include <openssl/crypto.h>

#include "crmhost/json_safety.h"

namespace crmhost::store {
namespace json = boost::json;

TableTraits Traits(Table t) {
  switch (t) {
    case Table::kAccountData:
      return {kAccountData, true, false};
    case Table::kAdmin:
      return {kAdmin, true, true};
    case Table::kCache:
      return {kCache, true, false};
    case Table::kCallDown:
      return {kCallDown, false, true};
    case Table::kMessageLogs:
      return {kMessageLogs, false, true};
  }
  return {kAccountData, true, false};
}

Result<std::string> EncodeRecord(const Cipher& cipher, const TableTraits& t, std::string_view key,
                                 const json::value& value) {
  json::value safe = value;  // no `Infinity` token may reach the disk: it would not read back
  ReplaceNonFinite(safe);
  std::string text = json::serialize(safe);
  if (!t.sealed) return text;
  auto blob = cipher.Seal(text, Aad(t.name, key));
  OPENSSL_cleanse(text.data(), text.size());
  return blob;
}

Result<json::value> DecodeRecord(const Cipher& cipher, const TableTraits& t, std::string_view key,
                                 std::string_view stored) {
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

Result<std::string> SealUser(const Cipher& cipher, const UserRecord& user) {
  if (user.id.empty()) return Status::InvalidArgument("user id is empty");
  std::string plain = EncodeUser(user);
  auto blob = cipher.Seal(plain, Aad(kUsers, user.id));
  OPENSSL_cleanse(plain.data(), plain.size());
  return blob;
}

Result<UserRecord> OpenUser(const Cipher& cipher, std::string_view id, std::string_view blob) {
  auto plain = cipher.Open(blob, Aad(kUsers, id));
  if (!plain)
    return Status::Corruption("user record " + std::string(id) + " failed authentication");
  auto user = DecodeUser(*plain);
  OPENSSL_cleanse(plain->data(), plain->size());
  return user;
}

Result<std::string> SealKv(const Cipher& cipher, std::string_view kv_key, std::string_view value,
                           int64_t expires_at_ms) {
  std::string plain(8, '\0');
  for (int i = 7; i >= 0; --i) {
    plain[i] = char(expires_at_ms & 0xFF);
    expires_at_ms >>= 8;
  }
  plain.append(value);
  auto blob = cipher.Seal(plain, Aad(kPluginKv, kv_key));
  OPENSSL_cleanse(plain.data(), plain.size());
  return blob;
}

Result<std::optional<std::string>> OpenKv(const Cipher& cipher, std::string_view kv_key,
                                          std::string_view blob, int64_t now_ms) {
  auto plain = cipher.Open(blob, Aad(kPluginKv, kv_key));
  if (!plain || plain->size() < 8)
    return Status::Corruption("plugin kv value failed authentication");
  int64_t expires = 0;
  for (int i = 0; i < 8; ++i)
    expires = (expires << 8) | uint8_t((*plain)[i]);
  if (expires != 0 && expires <= now_ms) return std::optional<std::string>();
  return std::optional<std::string>(plain->substr(8));
}

Result<std::string> SealKeyCheck(const Cipher& cipher) {
  return cipher.Seal(kKeyCheckPlaintext, Aad(kMeta, "key_check"));
}

bool KeyCheckMatches(const Cipher& cipher, std::string_view blob) {
  auto plain = cipher.Open(blob, Aad(kMeta, "key_check"));
  return plain && *plain == kKeyCheckPlaintext;
}

}  // namespace crmhost::store
