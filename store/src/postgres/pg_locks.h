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

#include "crmhost/encoding.h"
#include "pg_conn.h"

namespace crmhost::store {

constexpr int32_t kLockNamespace = 0x63720000;
// +1 token refresh and +2 conversation are Store::LockScope's values (session locks, LockAcross).
constexpr int32_t kSessionLock = kLockNamespace + 3;  // a call session's reservations
constexpr int32_t kUserLock = kLockNamespace + 4;     // one user's record (UpdateUser, PutUser)
constexpr int32_t kMigrationLock = kLockNamespace + 100;

// Runs `body` in a transaction that holds the advisory lock (`lock`, `key`) until it ends;
// rolled back when `body` fails.
inline Status InTransaction(PgConn& c, int32_t lock, std::string_view key,
                            const std::function<Status(PgConn&)>& body) {
  if (Status s = c.ExecScript("beginning", "BEGIN"); !s.ok()) return s;
  auto locked = c.Exec("locking", "SELECT pg_advisory_xact_lock($1, hashtext($2))",
                       {Int4(lock), Text(HexEncode(key))});
  Status s = locked.ok() ? body(c) : locked.status();
  if (s.ok()) s = c.ExecScript("committing", "COMMIT");
  if (!s.ok()) (void)c.ExecScript("rolling back", "ROLLBACK");
  return s;
}

}  // namespace crmhost::store

#endif  // CRMHOST_STORE_SRC_POSTGRES_PG_LOCKS_H
