// The reference's PostgreSQL database, through libpq. Dates are read back in the ORM's own text
// form (UTC), so both sources hand the importer the same strings.
#include <libpq-fe.h>

#include <set>

#include "importer/reference_source.h"

namespace crmhost::importer {

namespace {

class PgSource final : public ReferenceSource {
 public:
  explicit PgSource(PGconn* c) : c_(c) {}
  ~PgSource() override { PQfinish(c_); }

  Result<bool> HasTable(const std::string& table) override {
    const char* values[] = {table.c_str()};
    PGresult* r = PQexecParams(c_, "SELECT 1 FROM information_schema.tables WHERE table_name = $1",
                               1, nullptr, values, nullptr, nullptr, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) return Failed(r);
    const bool found = PQntuples(r) > 0;
    PQclear(r);
    return found;
  }

  Status ForEach(const std::string& table, const std::vector<std::string>& columns,
                 const std::string& order_by,
                 const std::function<bool(const Row&)>& visit) override {
    // timestamptz columns as the ORM writes them in SQLite: "YYYY-MM-DD HH:MM:SS.mmm +00:00".
    auto dates = DateColumns(table);
    if (!dates.ok()) return dates.status();
    std::string sql = "SELECT ";
    for (size_t i = 0; i < columns.size(); ++i) {
      const std::string col = "\"" + columns[i] + "\"";
      sql += i ? ", " : "";
      sql +=
          dates->contains(columns[i])
              ? "to_char(" + col + " AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') || ' +00:00'"
              : col + "::text";
    }
    sql += " FROM \"" + table + "\"";
    if (!order_by.empty()) sql += " ORDER BY " + order_by;
    // A cursor: a table of millions of rows is read in pages, not held whole.
    if (Status s = Exec("BEGIN"); !s.ok()) return s;
    if (Status s = Exec("DECLARE crmhost_import NO SCROLL CURSOR FOR " + sql); !s.ok()) {
      (void)Exec("ROLLBACK");
      return s;
    }
    Status result;
    bool more = true;
    while (more && result.ok()) {
      PGresult* r = PQexec(c_, "FETCH 2000 FROM crmhost_import");
      if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        result = Failed(r);
        break;
      }
      const int n = PQntuples(r);
      for (int i = 0; i < n && more; ++i) {
        Row row(columns.size());
        for (int c = 0; c < int(columns.size()); ++c)
          if (!PQgetisnull(r, i, c))
            row[size_t(c)] = std::string(PQgetvalue(r, i, c), size_t(PQgetlength(r, i, c)));
        more = visit(row);
      }
      PQclear(r);
      if (n == 0) more = false;
    }
    (void)Exec("ROLLBACK");  // read-only: nothing to keep
    return result;
  }

 private:
  // The table's columns of a date-and-time type.
  Result<std::set<std::string>> DateColumns(const std::string& table) {
    const char* values[] = {table.c_str()};
    PGresult* r = PQexecParams(c_,
                               "SELECT column_name FROM information_schema.columns WHERE "
                               "table_name = $1 AND data_type LIKE 'timestamp%'",
                               1, nullptr, values, nullptr, nullptr, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) return Failed(r);
    std::set<std::string> names;
    for (int i = 0; i < PQntuples(r); ++i)
      names.emplace(PQgetvalue(r, i, 0));
    PQclear(r);
    return names;
  }

  Status Exec(const std::string& sql) {
    PGresult* r = PQexec(c_, sql.c_str());
    if (PQresultStatus(r) != PGRES_COMMAND_OK) return Failed(r);
    PQclear(r);
    return Status::OK();
  }
  Status Failed(PGresult* r) {
    std::string why = PQresultErrorMessage(r);
    PQclear(r);
    while (!why.empty() && why.back() == '\n')
      why.pop_back();
    return Status::IOError("reference database: " + why);
  }

  PGconn* c_;
};

}  // namespace

Result<std::unique_ptr<ReferenceSource>> OpenPostgresSource(const std::string& url,
                                                            const std::string& password) {
  PQconninfoOption* opts = PQconninfoParse(url.c_str(), nullptr);
  if (!opts) return Status::InvalidArgument("not a PostgreSQL URL: the reference database");
  bool has_password = false;
  for (PQconninfoOption* o = opts; o->keyword; ++o)
    if (std::string_view(o->keyword) == "password" && o->val && *o->val) has_password = true;
  PQconninfoFree(opts);
  if (has_password)
    return Status::InvalidArgument(
        "the reference database URL carries a password: give it with --from-password-file");
  std::vector<const char*> keys = {"dbname", "application_name", "connect_timeout"};
  std::vector<const char*> values = {url.c_str(), "crmhostctl import-reference", "10"};
  if (!password.empty()) {
    keys.push_back("password");
    values.push_back(password.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  PGconn* c = PQconnectdbParams(keys.data(), values.data(), 1);
  if (PQstatus(c) != CONNECTION_OK) {
    std::string why = PQerrorMessage(c);
    PQfinish(c);
    while (!why.empty() && why.back() == '\n')
      why.pop_back();
    return Status::InvalidArgument("cannot connect to the reference database: " + why);
  }
  PQsetNoticeProcessor(
      c, [](void*, const char*) {}, nullptr);
  return std::unique_ptr<ReferenceSource>(new PgSource(c));
}

}  // namespace crmhost::importer
