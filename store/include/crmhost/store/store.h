// Store: everything crmhost must not lose. Two backends implement it:
//   - RocksDB (the default): one embedded directory, one process (src/rocksdb/);
//   - PostgreSQL (Options::url = "postgres://..."): one database that several crmhostd instances
//     share; the cross-instance guarantees (one reservation per call, one token refresh per user,
//     one CRM log per conversation, one housekeeping sweep) are kept by the database
//     (src/postgres/).
// Callers see no difference except the operations figures (Stats, Health) and Checkpoint.
//
// Column families (RocksDB) or `family` values (PostgreSQL) (layout and encodings in
// docs/store-format.md):
//   meta          schema version, a key check, nothing secret in clear
//   users         one sealed record per CRM-connected user (tokens, API keys inside)
//   call_logs     RingCentral call -> CRM activity links, with exactly-once reservations
//   message_logs  RingCentral message -> CRM log links (+ an index by conversation)
//   plugin_kv     each plugin's private key/value space, sealed
//   account_data  account-scoped data: contact cache, managed credentials, connector data; sealed
//   admin         per-RingCentral-account admin configuration (settings, user mappings); sealed
//   cache         short-lived records with an expiry (pending managed OAuth, note cache); sealed
//   calldown      per-user call-down lists
//
// Secrets are sealed with AES-256-GCM (see cipher.h); the associated data binds each blob to
// its column family and key. Writes that must survive a power loss (users, call-log links,
// plugin kv, admin, call-down, message logs) return only once they are synced, when
// Options::sync is true; concurrent writers share one sync (group commit, see
// src/durability.h), and the waiting caller's fiber is parked meanwhile, not its thread.
//
// Thread safety: a Store is safe to use from many threads at once, and from fibers: a wait (a
// sync, a database round trip) parks the calling fiber, never its thread. Opening the same
// RocksDB directory twice fails (RocksDB's LOCK file), which keeps two daemons off one data
// directory; a PostgreSQL database is meant to be shared.
#ifndef CRMHOST_STORE_STORE_H
#define CRMHOST_STORE_STORE_H

#include <boost/json.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crmhost/status.h"
#include "crmhost/store/cipher.h"
#include "crmhost/store/records.h"

namespace crmhost::store {

inline constexpr int kSchemaVersion = 1;

// The column families reached through the generic JSON API (Get/Put/Delete/Scan).
enum class Table { kAccountData, kAdmin, kCache, kCallDown, kMessageLogs };

// A key made of parts, each length-prefixed, so no value can forge a boundary; a key built from
// the first N parts of another is its range-scan prefix.
std::string KeyOf(std::initializer_list<std::string_view> parts);
// The parts of a KeyOf key (views into `key`); empty if `key` is not one.
std::vector<std::string_view> PartsOf(std::string_view key);

class Store {
 public:
  // Receives RocksDB's warnings and errors, one line each (`error`: worse than a warning).
  using LogSink = std::function<void(bool error, std::string_view line)>;

  struct Options {
    std::string path;  // directory; created if missing
    Key256 key{};      // purpose key for sealing secrets (derive it from the master key)
    // Sync the write-ahead log on commits of users, call-log links and plugin kv.
    // Default: true. Turning it off keeps data safe across process crashes, not power loss.
    bool sync = true;
    // Identifies this process's pending call-log reservations; reservations left by an earlier
    // process (a crash during the CRM call) are treated as abandoned. Default: random, or
    // "<instance_name>/<random>".
    std::string instance_id;
    // PostgreSQL: the name of this installation (stable across its restarts, one process at a
    // time). Opening under a name declares that name's earlier processes dead, so their pending
    // reservations are abandoned at once instead of when their heartbeat lease lapses.
    std::string instance_name;
    // Writes are refused (the store is "not writable") while the file system holding `path`
    // has less free space than this, so RocksDB never meets a full disk in the middle of a
    // write; they resume by themselves once space is back. 0: no reserve. Default: 64 MiB.
    uint64_t min_free_bytes = 64ull << 20;
    // Told when writes stop working (false, with why) and when they work again (true): for the
    // daemon's log. Called from the store's own thread or a writer's; may be empty.
    std::function<void(bool writable, std::string_view why)> on_writable_change;
    // Where RocksDB's own warnings go (the store keeps no LOG file of its own: see
    // src/info_log.h). Empty: they are dropped.
    LogSink log;

    // ---- PostgreSQL (used when `url` is set; `path`, `sync` and `min_free_bytes` are not) ----
    // "postgres://[user@]host[:port]/database[?sslmode=...]" (or "postgresql://"). A password in
    // the URL is refused: it would show in `ps` and in logs. Give it here instead.
    std::string url;
    std::string password;  // read from a file by the daemon; never logged
    std::string sslmode;   // overrides the URL's: disable, prefer, require, verify-ca, verify-full
    std::string sslrootcert;  // CA file for verify-ca / verify-full
    int pool_size = 8;        // connections (and database threads) for queries
    // Connections that only hold cross-instance locks (LockAcross) while a CRM call runs.
    int lock_pool_size = 4;
    int connect_timeout_s = 5;
    // How long a query may run, and how long LockAcross waits, before failing (milliseconds).
    int statement_timeout_ms = 15000;
    int lock_timeout_ms = 60000;
    // An instance whose heartbeat is older than this is dead: its pending reservations are
    // abandoned (kReservedAfterCrash for whoever comes next).
    int instance_lease_ms = 15000;
  };

  // Opens (creating if needed) the store: PostgreSQL when `url` is set, else RocksDB at `path`.
  // Fails if another process holds the directory (RocksDB), if the data was written by a newer
  // schema, or if `key` is not the key the data was sealed with.
  static Result<std::unique_ptr<Store>> Open(const Options& options);
  virtual ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // "rocksdb" or "postgresql".
  virtual std::string_view backend() const = 0;
  int schema_version() const { return kSchemaVersion; }
  const std::string& instance_id() const { return instance_id_; }

  // ---- users -----------------------------------------------------------------------------
  virtual Result<std::optional<UserRecord>> GetUser(std::string_view id) const = 0;
  virtual Status PutUser(const UserRecord& user) = 0;
  // Reads the user, lets `change` edit it and writes it back, with no other UpdateUser or
  // PutUser of that user (in this process or, with PostgreSQL, in any instance) in between: a
  // token refresh and a settings change made at once both survive, where a read and a later
  // PutUser would put one of them back. `change` receives `exists` false and a record holding only
  // the id when there is no such user, and returns false to write nothing. It must not wait for
  // anything (PostgreSQL runs it on a database thread, inside the transaction). Answers the
  // record as stored afterwards; nullopt if absent and nothing was written.
  virtual Result<std::optional<UserRecord>> UpdateUser(
      std::string_view id, const std::function<bool(UserRecord&, bool exists)>& change) = 0;
  // Deletes the user record and with it the user's sealed tokens and API key.
  virtual Status DeleteUser(std::string_view id) = 0;
  // Visits every user in id order (secrets decrypted: callers decide what to show); `visit`
  // returns false to stop.
  virtual Status ForEachUser(const std::function<bool(const UserRecord&)>& visit) const = 0;

  // ---- call logs ---------------------------------------------------------------------------
  // The completed link for `who`, chosen by MatchCallLog among this session's completed rows.
  virtual Result<std::optional<CallLogRow>> FindCallLog(const CallLogIdentity& who) const = 0;

  enum class Reservation {
    kReserved,  // ours now: the CRM may be called
    kExists,    // a completed link, or a reservation of this process, already covers it
    // Ours now, but it takes over a pending reservation that a process which died left behind:
    // that process may have created the CRM activity before dying, so the caller must ask the
    // CRM first (reconcile) before creating anything.
    kReservedAfterCrash,
  };
  // Atomically: if a completed row, or a live pending reservation, already belongs to
  // `row.identity` (MatchCallLog), answers kExists and writes nothing; otherwise writes `row`
  // as a pending reservation owned by this process (replacing an abandoned one of the same
  // identity). Concurrent callers for the same session are serialised by a session lock, so exactly
  // one of them gets kReserved or kReservedAfterCrash. Not synced: a reservation lost with the
  // machine's power belonged to a call never acknowledged, and a surviving one is reconciled.
  virtual Result<Reservation> ReserveCallLog(CallLogRow row, int64_t now_ms) = 0;
  // Turns this process's pending reservation into the completed link (synced).
  virtual Status CompleteCallLog(CallLogRow row, int64_t now_ms) = 0;
  // Drops this process's pending reservation (the CRM call failed); no-op if not ours.
  virtual Status ReleaseCallLog(const CallLogIdentity& who) = 0;
  // Gives this process's pending reservation up as abandoned, as if this process had died: the
  // next reservation gets kReservedAfterCrash and reconciles. For a reconciliation that could
  // not ask the CRM (it failed): the doubt must survive for the next attempt.
  virtual Status AbandonCallLog(const CallLogIdentity& who) = 0;

  // ---- plugin key/value ------------------------------------------------------------------------
  virtual Result<std::optional<std::string>> KvGet(std::string_view plugin, std::string_view key,
                                                   int64_t now_ms) const = 0;
  // expires_at_ms = 0: never expires.
  virtual Status KvPut(std::string_view plugin, std::string_view key, std::string_view value,
                       int64_t expires_at_ms) = 0;
  virtual Status KvDelete(std::string_view plugin, std::string_view key) = 0;

  // ---- JSON tables ------------------------------------------------------------------------------
  // Tables kAccountData, kAdmin and kCache are sealed (AES-256-GCM, bound to table and key);
  // kCallDown and kMessageLogs hold no secrets and are stored as plain JSON. Writes are synced
  // except kAccountData and kCache (caches: losing the last ones on power loss only costs work).
  virtual Result<std::optional<boost::json::value>> Get(Table table,
                                                        std::string_view key) const = 0;
  virtual Status Put(Table table, std::string_view key, const boost::json::value& value) = 0;
  virtual Status Delete(Table table, std::string_view key) = 0;
  // Visits every record whose key starts with `prefix`, in key order, without holding them all
  // in memory; `visit` returns false to stop early.
  virtual Status ForEach(
      Table table, std::string_view prefix,
      const std::function<bool(std::string_view key, const boost::json::value&)>& visit) const = 0;
  // Every record whose key starts with `prefix`, in key order.
  Result<std::vector<std::pair<std::string, boost::json::value>>> Scan(
      Table table, std::string_view prefix) const;

  // ---- account data (account-scoped data, kAccountData under KeyOf({rc, platform, key})) -----
  Result<std::optional<boost::json::value>> GetAccountData(std::string_view rc_account_id,
                                                           std::string_view platform,
                                                           std::string_view data_key) const;
  Status PutAccountData(std::string_view rc_account_id, std::string_view platform,
                        std::string_view data_key, const boost::json::value& data, int64_t now_ms);
  Status DeleteAccountData(std::string_view rc_account_id, std::string_view platform,
                           std::string_view data_key);
  // The time the record was last written (0 if absent): for lazily refreshed account data.
  Result<int64_t> AccountDataUpdatedAt(std::string_view rc_account_id, std::string_view platform,
                                       std::string_view data_key) const;

  // ---- several instances ------------------------------------------------------------------------
  // What LockAcross serialises. The values are part of the PostgreSQL advisory-lock key space:
  // never renumber them.
  // (3 and 4 are taken by the PostgreSQL store's own locks: src/postgres/pg_locks.h.)
  enum class LockScope { kTokenRefresh = 1, kConversation = 2, kAdminConfig = 5 };
  // Held until destroyed.
  class CrossLock {
   public:
    virtual ~CrossLock() = default;
  };
  // Excludes every other instance sharing this store from (scope, key) until the result is
  // destroyed; may be held across a CRM call. Callers first take an in-process lock on the same
  // key (one waiter per key per instance), so this never stacks up a process's own fibers.
  // RocksDB: one process owns the store, so nothing to do (null). PostgreSQL: a session advisory
  // lock on a connection of the lock pool, freed by the server if this instance dies.
  virtual Result<std::unique_ptr<CrossLock>> LockAcross(LockScope scope, std::string_view key) = 0;
  // For periodic work that one instance does for all (housekeeping): true if this instance
  // should run `task` now, i.e. no instance has claimed it within the last `period_ms`; the claim
  // is recorded atomically. RocksDB: always true.
  virtual Result<bool> ClaimPeriodicTask(std::string_view task, int64_t period_ms,
                                         int64_t now_ms) = 0;

  // Figures for monitoring. RocksDB fills the first four (summed over every table); PostgreSQL
  // the pool and query ones.
  struct Stats {
    uint64_t estimated_keys = 0;
    uint64_t sst_bytes = 0;
    uint64_t memtable_bytes = 0;
    uint64_t pending_compaction_bytes = 0;
    uint64_t pool_size = 0;     // connections for queries
    uint64_t pool_in_use = 0;   // of those, running a query now
    uint64_t pool_waiting = 0;  // queries waiting for a connection
    uint64_t locks_held = 0;    // cross-instance locks held now
    uint64_t queries = 0;       // round trips since start
    double query_seconds = 0;   // their summed latency, queueing included
    uint64_t reconnects = 0;    // connections (re)made after a failure
  };
  virtual Stats GetStats() const = 0;

  // Whether writes work. After a failed write (a full disk, an I/O error) the store is not
  // writable until it has recovered by itself: a background thread retries every half second
  // (RocksDB's Resume, then a synced probe write), so freeing space is enough, no restart.
  // PostgreSQL: not writable while no connection to the database can be made; the pool
  // reconnects with backoff by itself.
  struct Health {
    bool writable = true;
    std::string last_error;      // the failure that made it not writable (kept after recovery)
    std::string recovery_error;  // why the last attempt to recover failed, while not writable
    uint64_t write_errors = 0;   // failed writes and syncs since start
    uint64_t recoveries = 0;     // times it became writable again
    uint64_t syncs = 0;          // WAL syncs of the group commit
    uint64_t synced_waits = 0;   // durable writes those syncs answered
  };
  virtual Health GetHealth() const = 0;

  // An online, consistent copy of the whole store in `dir` (which must not exist): RocksDB's
  // checkpoint, hard links where the file system allows. Records stay sealed: restoring needs
  // the same master key. PostgreSQL: Unimplemented (pg_dump is the tool, see OPERATIONS.md).
  virtual Status Checkpoint(const std::string& dir) const = 0;

 protected:
  explicit Store(std::string instance_id) : instance_id_(std::move(instance_id)) {}

 private:
  std::string instance_id_;
};

// A random instance id (24 hex digits), for Options::instance_id left empty.
std::string RandomInstanceId();

}  // namespace crmhost::store

#endif  // CRMHOST_STORE_STORE_H
