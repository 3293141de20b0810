// A reference App Connect server's database, made by a test: SQLite with the tables its ORM
// creates (the layout of ../shared/reference/reference-db-schema.sql, written out here so that the
// tests run without ../shared), and rows shaped as the reference writes them: dates
// "YYYY-MM-DD HH:MM:SS.mmm +00:00", JSON columns as JSON text, admin-managed values encrypted
// the reference's way.
#ifndef CRMHOST_TESTS_SUPPORT_REFERENCE_DB_H
#define CRMHOST_TESTS_SUPPORT_REFERENCE_DB_H

#include <boost/json.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

struct sqlite3;

namespace crmhost::testing {

class ReferenceDb {
 public:
  explicit ReferenceDb(const std::string& path);  // creates the tables
  ~ReferenceDb();
  ReferenceDb(const ReferenceDb&) = delete;
  ReferenceDb& operator=(const ReferenceDb&) = delete;

  // One row; nullopt values are SQL NULL.
  void Insert(const std::string& table,
              const std::map<std::string, std::optional<std::string>>& columns);
  // Many rows in one transaction (a generated database).
  void Begin();
  void Commit();

  // A date as the reference's ORM writes it.
  static std::string Date(int64_t epoch_ms);
  // {version:1, encrypted:true, value:<hex>} of `value`'s JSON text, as the reference stores a
  // managed credential: AES-256-CBC, zero IV, key = `secret` padded with spaces to 32 bytes.
  static boost::json::object EncryptManaged(const std::string& secret,
                                            const boost::json::value& value);

 private:
  void Exec(const std::string& sql);
  sqlite3* db_ = nullptr;
};

}  // namespace crmhost::testing

#endif  // CRMHOST_TESTS_SUPPORT_REFERENCE_DB_H
