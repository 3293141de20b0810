#include "ops/startup_files.h"

#include <spdlog/spdlog.h>

#include <boost/json/parse.hpp>
#include <filesystem>
#include <fstream>

#include "crmhost/encoding.h"
#include "crmhost/private_files.h"
#include "crmhost/sdk/time.hpp"
#include "version.h"

namespace crmhost::ops {
namespace fs = std::filesystem;

namespace {

Result<std::string> ReadSmallFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read " + path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.size() > 1024 * 1024) return Status::InvalidArgument(path + " is over 1 MiB");
  return text;
}

Result<store::Key256> LoadOrCreateKey(const std::string& path) {
  std::error_code ec;
  if (fs::exists(path, ec)) {
    if (auto problem = PrivateFileProblem(path)) spdlog::warn("key file {} is {}", path, *problem);
    return store::ReadKeyFile(path);
  }
  spdlog::info(
      "creating a new secret key in {} (private to this account); back it up with the data dir",
      path);
  return store::CreateKeyFile(path);
}

std::string KeyString(const store::Key256& k) {
  return std::string(reinterpret_cast<const char*>(k.data()), k.size());
}

// The hash key an admin supplies (e.g. the reference deployment's, so hashed ids match): the
// file's text without its trailing newline.
Result<std::string> LoadHashKey(const std::string& path) {
  auto loaded = ReadSmallFile(path);
  if (!loaded.ok()) return Status::InvalidArgument("--hash-key-file: " + loaded.status().message());
  std::string key = std::move(loaded).value();
  while (!key.empty() && (key.back() == '\n' || key.back() == '\r'))
    key.pop_back();
  if (key.empty()) return Status::InvalidArgument("--hash-key-file " + path + " is empty");
  return key;
}

}  // namespace

Result<DaemonKeys> LoadKeys(const Options& o) {
  auto master = LoadOrCreateKey(o.secret_key_file);
  if (!master.ok()) return master.status();
  DaemonKeys keys;
  keys.store_key = store::DeriveKey(master.value(), store::kStoreKeyPurpose);
  keys.jwt_key = store::DeriveKey(master.value(), store::kJwtKeyPurpose);
  keys.hash_key = HexEncode(KeyString(store::DeriveKey(master.value(), store::kHashKeyPurpose)));
  if (!o.hash_key_file.empty()) {
    auto hash_key = LoadHashKey(o.hash_key_file);
    if (!hash_key.ok()) return hash_key.status();
    keys.hash_key = std::move(hash_key).value();
  }
  return keys;
}

Result<std::string> LoadStorePassword(const Options& o) {
  std::string path = o.store_password_file;
  if (path.empty()) {
    const char* creds = std::getenv("CREDENTIALS_DIRECTORY");
    std::error_code ec;
    if (!creds || !fs::exists(fs::path(creds) / "store-password", ec)) return std::string();
    path = (fs::path(creds) / "store-password").string();
  }
  if (auto problem = PrivateFileProblem(path))
    spdlog::warn("store password file {} is {}", path, *problem);
  auto text = ReadSmallFile(path);
  if (!text.ok())
    return Status::InvalidArgument("--store-password-file: " + text.status().message());
  std::string password = std::move(text).value();
  if (auto nl = password.find_first_of("\r\n"); nl != std::string::npos) password.resize(nl);
  if (password.empty())
    return Status::InvalidArgument("--store-password-file " + path + " is empty");
  return password;
}

Result<LegacyJwt> LoadLegacyJwt(const Options& o) {
  LegacyJwt legacy;
  if (!o.legacy_jwt_until.empty()) {
    auto until = sdk::time::parse_iso8601(o.legacy_jwt_until);
    if (!until)
      return Status::InvalidArgument("--legacy-jwt-until " + o.legacy_jwt_until +
                                     " is not an ISO 8601 date or time (2027-06-30T00:00:00Z)");
    legacy.until_ms = *until;
  }
  if (o.legacy_jwt_secret_file.empty()) return legacy;
  if (auto problem = PrivateFileProblem(o.legacy_jwt_secret_file))
    spdlog::warn("legacy JWT secret file {} is {}", o.legacy_jwt_secret_file, *problem);
  auto text = ReadSmallFile(o.legacy_jwt_secret_file);
  if (!text.ok())
    return Status::InvalidArgument("--legacy-jwt-secret-file: " + text.status().message());
  legacy.secret = std::move(text).value();
  if (auto nl = legacy.secret.find_first_of("\r\n"); nl != std::string::npos)
    legacy.secret.resize(nl);
  if (legacy.secret.empty())
    return Status::InvalidArgument("--legacy-jwt-secret-file " + o.legacy_jwt_secret_file +
                                   " is empty");
  return legacy;
}

Result<boost::json::object> LoadManifestTop(const std::string& path) {
  boost::json::object top{
      {"redirectUri", "https://ringcentral.github.io/ringcentral-embeddable/redirect.html"},
      {"author", boost::json::object{{"name", "crmhost"},
                                     {"websiteUrl", "https://github.com/crmhost/crmhost"}}},
      {"version", kVersion}};
  if (path.empty()) return top;
  auto text = ReadSmallFile(path);
  if (!text.ok()) return Status::InvalidArgument("--manifest-file: " + text.status().message());
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(*text, ec);
  if (ec || !v.is_object())
    return Status::InvalidArgument("--manifest-file: " + path + " is not a JSON object");
  for (auto& [k, val] : v.get_object())
    if (k != "platforms") top[k] = val;  // platforms come from the loaded plugins
  return top;
}

}  // namespace crmhost::ops
