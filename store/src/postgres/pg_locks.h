// The advisory locks crmhost takes in PostgreSQL, and the transaction that holds one.
//
// Keys are the two-int form: the first is crmhost's namespace ("cr" in the high half) plus what
// is locked, the second `hashtext` of the id in hex (any bytes may be locked; a hash collision
// only serialises two unrelated ids). Every instance and version shares these numbers: never
// renumber them (docs/store-format.md lists them).
#ifndef CRMHOST_STORE_SRC_POSTGRES_PG_LOCKS_H
#define CRMHOST_STORE_SRC_POSTGRES_PG_LOCKS_H

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "crmhost/encoding.h"
#include "pg_conn.h"

namespace crmhost::store {

constexpr int32_t kLockNamespace = 0x63720000;
// +1 token refresh, +2 conversation and +5 admin configuration are Store::LockScope's values
// (LockAcross).
constexpr int32_t kSessionLock = kLockNamespace + 3;  // a call session's reservations
constexpr int32_t kUserLock = kLockNamespace + 4;     // one user's record (UpdateUser, PutUser)
constexpr int32_t kMigrationLock = kLockNamespace + 100;

// A transaction holding the advisory lock (`lock`, `key`) until it ends, in two round trips:
// BEGIN, the lock and `reads` go together (the reads run once the lock is held, so they see
// what the previous holder committed); `decide` then looks at the reads' results and fills
// `writes`, which go with the COMMIT. Rolled back when anything fails; `what` names it in
// errors.
using PgDecide =
    std::function<Status(std::vector<PgResult>& reads, std::vector<PgConn::Statement>& writes)>;
inline Status InTransaction(PgConn& c, std::string_view what, int32_t lock, std::string_view key,
                            std::vector<PgConn::Statement> reads, const PgDecide& decide) {
  reads.insert(reads.begin(), {{"BEGIN", {}},
                               {"SELECT pg_advisory_xact_lock($1, hashtext($2))",
                                {Int4(lock), Text(HexEncode(key))}}});
  auto read = c.Pipeline(what, reads);
  Status s = read.status();
  std::vector<PgConn::Statement> writes;
  if (s.ok()) {
    read->erase(read->begin(), read->begin() + 2);  // BEGIN's and the lock's
    s = decide(read.value(), writes);
  }
  if (s.ok()) {
    writes.push_back({"COMMIT", {}});
    s = c.Pipeline(what, writes).status();
  }
  if (!s.ok()) (void)c.ExecScript("rolling back", "ROLLBACK");
  return s;
}

}  // namespace crmhost::store

#endif  // CRMHOST_STORE_SRC_POSTGRES_PG_LOCKS_H
