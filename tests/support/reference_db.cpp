#include "support/reference_db.h"

#include <openssl/evp.h>
#include <sqlite3.h>

#include <memory>
#include <stdexcept>
#include <vector>

#include "crmhost/encoding.h"
#include "crmhost/sdk/time.hpp"

namespace crmhost::testing {

namespace {
// The reference 1.7.42's tables as its ORM creates them in SQLite.
constexpr const char* kSchema = R"sql(
CREATE TABLE `users` (`id` VARCHAR(255) PRIMARY KEY, `rcAccountId` VARCHAR(255), `hostname` VARCHAR(255), `timezoneName` VARCHAR(255), `timezoneOffset` VARCHAR(255), `platform` VARCHAR(255), `accessToken` VARCHAR(2000), `refreshToken` VARCHAR(2000), `tokenExpiry` DATETIME, `platformAdditionalInfo` JSON, `hashedRcExtensionId` VARCHAR(255), `userSettings` JSON, `createdAt` DATETIME NOT NULL, `updatedAt` DATETIME NOT NULL);
CREATE TABLE `llmSessions` (`id` VARCHAR(255) PRIMARY KEY, `jwtToken` VARCHAR(255), `expiry` DATETIME, `createdAt` DATETIME NOT NULL, `updatedAt` DATETIME NOT NULL);
CREATE TABLE `callLogs` (`id` VARCHAR(255) NOT NULL, `sessionId` VARCHAR(255) NOT NULL, `extensionNumber` VARCHAR(255) NOT NULL DEFAULT '', `hashedExtensionId` VARCHAR(255) NOT NULL DEFAULT '', `platform` VARCHAR(255), `thirdPartyLogId` VARCHAR(255), `userId` VARCHAR(255), `contactId` VARCHAR(255), `createdAt` DATETIME NOT NULL, `updatedAt` DATETIME NOT NULL, PRIMARY KEY (`id`, `sessionId`, `extensionNumber`, `hashedExtensionId`));
CREATE TABLE `messageLogs` (`id` VARCHAR(255) PRIMARY KEY, `platform` VARCHAR(255), `conversationId` VARCHAR(255), `conversationLogId` VARCHAR(255), `thirdPartyLogId` VARCHAR(255), `userId` VARCHAR(255), `createdAt` DATETIME NOT NULL, `updatedAt` DATETIME NOT NULL);
CREATE TABLE `adminConfigs` (`id` VARCHAR(255) PRIMARY KEY, `userSettings` JSON, `customAdapter` JSON, `adminAccessToken` VARCHAR(512), `adminRefreshToken` VARCHAR(512), `adminTokenExpiry` DATETIME, `userMappings` JSON, `createdAt` DATETIME NOT NULL, `updatedAt` DATETIME NOT NULL);
CREATE TABLE `caches` (`id` VARCHAR(255) PRIMARY KEY, `status` VARCHAR(255), `userId` VARCHAR(255), `cacheKey` VARCHAR(255), `data` JSON, `expiry` DATETIME, `createdAt` DATETIME NOT NULL, `updatedAt` DATETIME NOT NULL);
CREATE TABLE `callDownLists` (`id` VARCHAR(255) PRIMARY KEY, `userId` VARCHAR(255), `contactId` VARCHAR(255), `contactType` VARCHAR(255), `status` VARCHAR(255), `scheduledAt` DATETIME, `lastCallAt` DATETIME, `createdAt` DATETIME NOT NULL, `updatedAt` DATETIME NOT NULL);
CREATE TABLE `accountData` (`rcAccountId` VARCHAR(255) NOT NULL, `platformName` VARCHAR(255) NOT NULL, `dataKey` VARCHAR(255) NOT NULL, `data` JSON, `createdAt` DATETIME NOT NULL, `updatedAt` DATETIME NOT NULL, PRIMARY KEY (`rcAccountId`, `platformName`, `dataKey`));
)sql";
}  // namespace

ReferenceDb::ReferenceDb(const std::string& path) {
  if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK)
    throw std::runtime_error("cannot create " + path);
  Exec(kSchema);
}

ReferenceDb::~ReferenceDb() {
  sqlite3_close(db_);
}

void ReferenceDb::Exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string why = err ? err : "?";
    sqlite3_free(err);
    throw std::runtime_error(why);
  }
}

void ReferenceDb::Begin() {
  Exec("BEGIN");
}
void ReferenceDb::Commit() {
  Exec("COMMIT");
}

void ReferenceDb::Insert(const std::string& table,
                         const std::map<std::string, std::optional<std::string>>& columns) {
  std::string names, marks;
  for (auto& [name, value] : columns) {
    names += (names.empty() ? "`" : ", `") + name + "`";
    marks += marks.empty() ? "?" : ", ?";
  }
  const std::string sql = "INSERT INTO `" + table + "` (" + names + ") VALUES (" + marks + ")";
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK)
    throw std::runtime_error(sqlite3_errmsg(db_));
  int i = 1;
  for (auto& [name, value] : columns) {
    if (value) {
      sqlite3_bind_text(st, i, value->c_str(), int(value->size()), SQLITE_TRANSIENT);
    } else {
      sqlite3_bind_null(st, i);
    }
    ++i;
  }
  const int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(db_));
}

std::string ReferenceDb::Date(int64_t epoch_ms) {
  // "2026-01-02T03:04:05.678Z" -> "2026-01-02 03:04:05.678 +00:00"
  std::string iso = sdk::time::format_iso8601(epoch_ms);
  iso[10] = ' ';
  iso.pop_back();
  return iso + " +00:00";
}

boost::json::object ReferenceDb::EncryptManaged(const std::string& secret,
                                                const boost::json::value& value) {
  std::string key = secret.substr(0, 32);
  key.resize(32, ' ');
  const std::string plain = boost::json::serialize(value);
  const unsigned char iv[16] = {};
  std::unique_ptr<EVP_CIPHER_CTX, void (*)(EVP_CIPHER_CTX*)> ctx(EVP_CIPHER_CTX_new(),
                                                                 EVP_CIPHER_CTX_free);
  std::vector<unsigned char> out(plain.size() + 32);
  int n = 0, tail = 0;
  EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_cbc(), nullptr,
                     reinterpret_cast<const unsigned char*>(key.data()), iv);
  EVP_EncryptUpdate(ctx.get(), out.data(), &n, reinterpret_cast<const unsigned char*>(plain.data()),
                    int(plain.size()));
  EVP_EncryptFinal_ex(ctx.get(), out.data() + n, &tail);
  return boost::json::object{
      {"version", 1},
      {"encrypted", true},
      {"value",
       HexEncode(std::string_view(reinterpret_cast<char*>(out.data()), size_t(n + tail)))}};
}

}  // namespace crmhost::testing
