// The reference's SQLite database, read-only through Debian's libsqlite3.
#include <sqlite3.h>

#include "importer/reference_source.h"

namespace crmhost::importer {

namespace {

class SqliteSource final : public ReferenceSource {
 public:
  explicit SqliteSource(sqlite3* db) : db_(db) {}
  ~SqliteSource() override { sqlite3_close(db_); }

  Result<bool> HasTable(const std::string& table) override {
    bool found = false;
    Status s = Query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1", {table},
                     [&](sqlite3_stmt*) {
                       found = true;
                       return false;
                     });
    if (!s.ok()) return s;
    return found;
  }

  Status ForEach(const std::string& table, const std::vector<std::string>& columns,
                 const std::string& order_by,
                 const std::function<bool(const Row&)>& visit) override {
    // Names are the importer's own constants, quoted as identifiers.
    std::string sql = "SELECT ";
    for (size_t i = 0; i < columns.size(); ++i)
      sql += (i ? ", \"" : "\"") + columns[i] + "\"";
    sql += " FROM \"" + table + "\"";
    if (!order_by.empty()) sql += " ORDER BY " + order_by;
    return Query(sql, {}, [&](sqlite3_stmt* st) {
      Row row(columns.size());
      for (size_t i = 0; i < columns.size(); ++i) {
        if (sqlite3_column_type(st, int(i)) == SQLITE_NULL) continue;
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(st, int(i)));
        row[i] = std::string(text, size_t(sqlite3_column_bytes(st, int(i))));
      }
      return visit(row);
    });
  }

 private:
  Status Query(const std::string& sql, const std::vector<std::string>& params,
               const std::function<bool(sqlite3_stmt*)>& each) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK)
      return Status::InvalidArgument(std::string("reference database: ") + sqlite3_errmsg(db_));
    for (size_t i = 0; i < params.size(); ++i)
      sqlite3_bind_text(st, int(i + 1), params[i].c_str(), int(params[i].size()), SQLITE_TRANSIENT);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
      if (!each(st)) break;
    Status s = (rc == SQLITE_ROW || rc == SQLITE_DONE)
                   ? Status::OK()
                   : Status::IOError(std::string("reference database: ") + sqlite3_errmsg(db_));
    sqlite3_finalize(st);
    return s;
  }

  sqlite3* db_;
};

}  // namespace

Result<std::unique_ptr<ReferenceSource>> OpenSqliteSource(const std::string& path) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  if (rc != SQLITE_OK) {
    std::string why = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Status::InvalidArgument("cannot open the reference database " + path + ": " + why);
  }
  // A database the reference server is still writing waits a little rather than failing.
  sqlite3_busy_timeout(db, 5000);
  return std::unique_ptr<ReferenceSource>(new SqliteSource(db));
}

}  // namespace crmhost::importer
