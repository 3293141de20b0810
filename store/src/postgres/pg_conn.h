// PgConn: one libpq connection and the few things the store asks of it: parameterised queries
// in binary format (keys and sealed values are bytes, never text), transactions, and the
// result values it reads back. Blocking: only the pool's database threads use it, never a fiber.
#ifndef CRMHOST_STORE_SRC_POSTGRES_PG_CONN_H
#define CRMHOST_STORE_SRC_POSTGRES_PG_CONN_H

#include <libpq-fe.h>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "crmhost/status.h"

namespace crmhost::store {

// libpq's connection keywords and values (PQconnectdbParams, the URL expanded from "dbname").
struct PgConnectInfo {
  std::vector<std::string> keys;
  std::vector<std::string> values;
};

// A query parameter: its bytes in PostgreSQL's binary format and its type.
struct PgParam {
  std::string bytes;
  Oid type;
  bool null = false;
};
PgParam Bytea(std::string_view b);
PgParam Text(std::string_view t);
PgParam Int8(int64_t v);
PgParam Int4(int32_t v);

// A query's rows, read in binary format.
class PgResult {
 public:
  explicit PgResult(PGresult* r) : r_(r, PQclear) {}
  int rows() const { return PQntuples(r_.get()); }
  bool null(int row, int col) const { return PQgetisnull(r_.get(), row, col) != 0; }
  std::string_view bytes(int row, int col) const {
    return {PQgetvalue(r_.get(), row, col), size_t(PQgetlength(r_.get(), row, col))};
  }
  int64_t int8(int row, int col) const;  // an int8 (bigint) column
  int32_t int4(int row, int col) const;  // an int4 (integer) column

 private:
  std::unique_ptr<PGresult, void (*)(PGresult*)> r_;
};

class PgConn {
 public:
  // Connects (blocking up to the connect_timeout in `info`).
  static Result<std::unique_ptr<PgConn>> Connect(const PgConnectInfo& info);
  ~PgConn();
  PgConn(const PgConn&) = delete;
  PgConn& operator=(const PgConn&) = delete;

  // Runs one statement; `what` names it in errors. Results are binary.
  Result<PgResult> Exec(std::string_view what, const char* sql,
                        std::initializer_list<PgParam> params = {});
  // Several statements without parameters (migrations, session settings).
  Status ExecScript(std::string_view what, const char* sql);

  // Statements sent together and answered together (libpq's pipeline mode): one round trip for
  // all of them, executed in order. The first failure fails the call (the statements after it
  // are not run); the results of all of them otherwise.
  struct Statement {
    const char* sql;
    std::vector<PgParam> params;
  };
  Result<std::vector<PgResult>> Pipeline(std::string_view what,
                                         const std::vector<Statement>& statements);

  // Whether the connection is still usable. Reads whatever the server sent while it was idle
  // (a shutdown notice, the end of the stream): a connection the server closed is found here,
  // before a query is sent over it, so no query fails just because PostgreSQL restarted.
  bool Healthy();

 private:
  explicit PgConn(PGconn* c) : c_(c) {}
  PGconn* c_;
};

// A statement that did not succeed, as a Status: connection failures are Unavailable (the
// caller may retry once the database is back), the rest IOError.
Status PgError(std::string_view what, PGconn* c, const PGresult* r);

}  // namespace crmhost::store

#endif  // CRMHOST_STORE_SRC_POSTGRES_PG_CONN_H
