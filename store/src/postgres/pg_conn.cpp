#include "pg_conn.h"

#include <poll.h>

namespace crmhost::store {

namespace {
constexpr Oid kByteaOid = 17;
constexpr Oid kTextOid = 25;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt4Oid = 23;

std::string BigEndian(uint64_t v, int n) {
  std::string b(size_t(n), '\0');
  for (int i = n - 1; i >= 0; --i) {
    b[size_t(i)] = char(v & 0xFF);
    v >>= 8;
  }
  return b;
}

// libpq's messages end with a newline and may span lines; one line reads better in a log.
std::string OneLine(const char* msg) {
  std::string s = msg ? msg : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
    s.pop_back();
  for (char& c : s)
    if (c == '\n') c = ' ';
  return s;
}
}  // namespace

PgParam Bytea(std::string_view b) {
  return {std::string(b), kByteaOid};
}
PgParam Text(std::string_view t) {
  return {std::string(t), kTextOid};
}
PgParam Int8(int64_t v) {
  return {BigEndian(uint64_t(v), 8), kInt8Oid};
}
PgParam Int4(int32_t v) {
  return {BigEndian(uint32_t(v), 4), kInt4Oid};
}

namespace {
// A binary integer column: big-endian, `n` bytes.
uint64_t FromBigEndian(std::string_view b, size_t n) {
  uint64_t v = 0;
  for (char c : b.substr(0, n))
    v = (v << 8) | uint8_t(c);
  return v;
}
}  // namespace

int64_t PgResult::int8(int row, int col) const {
  return int64_t(FromBigEndian(bytes(row, col), 8));
}

int32_t PgResult::int4(int row, int col) const {
  return int32_t(uint32_t(FromBigEndian(bytes(row, col), 4)));
}

Status PgError(std::string_view what, PGconn* c, const PGresult* r) {
  std::string msg = std::string(what) + ": ";
  msg += OneLine(r ? PQresultErrorMessage(r) : PQerrorMessage(c));
  if (PQstatus(c) == CONNECTION_BAD) return Status::Unavailable(msg);
  const std::string_view state =
      r && PQresultErrorField(r, PG_DIAG_SQLSTATE) ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : "";
  // 55P03 lock_not_available, 57014 query_canceled (a statement or lock timeout): the
  // connection is fine, the statement took too long.
  if (state == "55P03" || state == "57014") return Status::Timeout(msg);
  // The rest of class 57 (operator intervention: the server shutting down), 08 (connection).
  if (state.starts_with("57") || state.starts_with("08")) return Status::Unavailable(msg);
  return Status::IOError(msg);
}

Result<std::unique_ptr<PgConn>> PgConn::Connect(const PgConnectInfo& info) {
  std::vector<const char*> keys, values;
  for (size_t i = 0; i < info.keys.size(); ++i) {
    keys.push_back(info.keys[i].c_str());
    values.push_back(info.values[i].c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  PGconn* c = PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/1);
  if (!c) return Status::ResourceExhausted("cannot allocate a PostgreSQL connection");
  if (PQstatus(c) != CONNECTION_OK) {
    Status s = Status::Unavailable("cannot connect to PostgreSQL: " + OneLine(PQerrorMessage(c)));
    PQfinish(c);
    return s;
  }
  // The server's notices (NOTICE, WARNING) would go to stderr, unformatted; the store reports
  // what matters through its statuses.
  PQsetNoticeProcessor(
      c, [](void*, const char*) {}, nullptr);
  return std::unique_ptr<PgConn>(new PgConn(c));
}

PgConn::~PgConn() {
  PQfinish(c_);
}

Result<PgResult> PgConn::Exec(std::string_view what, const char* sql,
                              std::initializer_list<PgParam> params) {
  std::vector<const char*> values;
  std::vector<int> lengths, formats;
  std::vector<Oid> types;
  for (const PgParam& p : params) {
    values.push_back(p.null ? nullptr : p.bytes.data());
    lengths.push_back(int(p.bytes.size()));
    formats.push_back(1);
    types.push_back(p.type);
  }
  PGresult* r = PQexecParams(c_, sql, int(values.size()), types.data(), values.data(),
                             lengths.data(), formats.data(), /*resultFormat=*/1);
  const ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    Status s = PgError(what, c_, r);
    PQclear(r);
    return s;
  }
  return PgResult(r);
}

Status PgConn::ExecScript(std::string_view what, const char* sql) {
  PGresult* r = PQexec(c_, sql);
  const ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  Status s =
      (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) ? Status::OK() : PgError(what, c_, r);
  PQclear(r);
  return s;
}

Result<std::vector<PgResult>> PgConn::Pipeline(std::string_view what,
                                               const std::vector<Statement>& statements) {
  if (!PQenterPipelineMode(c_)) return PgError(what, c_, nullptr);
  Status failed;
  for (const Statement& st : statements) {
    std::vector<const char*> values;
    std::vector<int> lengths, formats;
    std::vector<Oid> types;
    for (const PgParam& p : st.params) {
      values.push_back(p.null ? nullptr : p.bytes.data());
      lengths.push_back(int(p.bytes.size()));
      formats.push_back(1);
      types.push_back(p.type);
    }
    if (!PQsendQueryParams(c_, st.sql, int(values.size()), types.data(), values.data(),
                           lengths.data(), formats.data(), /*resultFormat=*/1)) {
      failed = PgError(what, c_, nullptr);
      break;
    }
  }
  // Always synced, even after a failed send: the answers already queued are read up to the
  // sync, so the connection is left usable.
  bool synced = false;
  if (!PQpipelineSync(c_)) {
    if (failed.ok()) failed = PgError(what, c_, nullptr);
    synced = true;
  }
  std::vector<PgResult> results;
  while (!synced) {
    PGresult* r = PQgetResult(c_);
    if (!r) {
      if (PQstatus(c_) == CONNECTION_BAD) {
        if (failed.ok()) failed = PgError(what, c_, nullptr);
        break;
      }
      continue;  // the end of one statement's results
    }
    const ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_PIPELINE_SYNC) {
      PQclear(r);
      synced = true;
    } else if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
      results.emplace_back(r);
    } else {
      if (failed.ok() && st != PGRES_PIPELINE_ABORTED) failed = PgError(what, c_, r);
      PQclear(r);
    }
  }
  if (PQstatus(c_) != CONNECTION_BAD) PQexitPipelineMode(c_);
  if (!failed.ok()) return failed;
  return results;
}

bool PgConn::Healthy() {
  if (PQstatus(c_) != CONNECTION_OK) return false;
  // Something arrived while idle: a notice, or the server going away, which sends a FATAL
  // message and then closes: read until nothing more is waiting, so the close is seen too.
  for (int i = 0; i < 4 && PQstatus(c_) == CONNECTION_OK; ++i) {
    pollfd p{PQsocket(c_), POLLIN, 0};
    if (poll(&p, 1, 0) <= 0) break;
    if (!PQconsumeInput(c_)) return false;
  }
  return PQstatus(c_) == CONNECTION_OK && PQtransactionStatus(c_) == PQTRANS_IDLE;
}

}  // namespace crmhost::store
