// Durability: the store's group commit and its write-health watch (internal to store/).
//
// Group commit: a write that must survive a power loss is handed to Commit, and one thread
// writes everything handed over since its last round, syncing the WAL once with the round's
// last write (RocksDB's synced write covers every earlier byte of the log). Twenty requests that
// commit at the same time cost one fsync, and no request's thread (a fiber thread serving
// others) ever sits in fsync: Commit parks the calling fiber (or blocks a plain thread) via
// SuspendUntil. WaitDurable is the same for a write already made unsynced (a reservation changed
// under its lock): its round syncs by writing a small marker when nothing else is to be written.
// Only RocksDB's ordinary synced writes are used (no SyncWAL concurrent with writers: on a full
// disk that path trips an assertion in Debian's RocksDB).
//
// Unsynced writes (WriteNow) never wait on a sync either. RocksDB queues every writer behind a
// synced write until its fsync ends, so a fiber thread writing directly while a round syncs
// would sit in fsync with all its other fibers (measured before this rule: 30 % of
// reservations waited, 70 us on average). So WriteNow writes directly only while no round is
// under way, and a round starts only once such direct writes have finished; during a round the
// write is handed to the commit thread, the fiber parked, and it is written first thing in the
// next round and answered before that round's sync.
//
// Health: every write's outcome is noted; after a failure (a full disk, an I/O error) the store
// is "not writable" until the same thread, probing every half second, has made RocksDB resume
// from its background error and written and synced a probe record. Then it is writable again,
// without a restart.
//
// Thread-safe.
#ifndef CRMHOST_STORE_DURABILITY_H
#define CRMHOST_STORE_DURABILITY_H

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "crmhost/status.h"
#include "crmhost/suspend.h"

namespace crmhost::store {

class Durability {
 public:
  // `probe_family` receives the probe record ("health-probe") while recovering. `dir` is the
  // store's directory: writes are refused while its file system has less than `min_free_bytes`
  // free, so RocksDB itself never runs into a full disk (its error paths for a WAL write that
  // failed for lack of space are fragile: Debian's build asserts on one of them).
  Durability(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* probe_family, bool sync, std::string dir,
             uint64_t min_free_bytes,
             std::function<void(bool writable, std::string_view why)> on_change = {});
  ~Durability();  // stops the thread; waiters still queued are answered with an error
  Durability(const Durability&) = delete;
  Durability& operator=(const Durability&) = delete;

  // Writes `batch` and returns once it is synced (with sync off: once it is written). Fails when
  // the write or the round's sync failed; the store is then not writable until it recovers.
  [[nodiscard]] Status Commit(rocksdb::WriteBatch batch);
  // Returns once every write made before the call is synced to disk (immediately when sync is
  // off).
  [[nodiscard]] Status WaitDurable();

  // An unsynced write (a reservation, a cache entry): refused when space is short, written
  // otherwise, its outcome noted.
  [[nodiscard]] Status WriteNow(rocksdb::WriteBatch batch, std::string_view what);

  // Records a write's outcome; a failure makes the store not writable until a probe succeeds.
  void Note(const rocksdb::Status& s, std::string_view what);

  struct Health {
    bool writable = true;
    std::string last_error;      // of the failure that made it not writable; kept after
    std::string recovery_error;  // why the last attempt to recover failed ("" when none)
    uint64_t write_errors = 0;   // failed writes and syncs since start
    uint64_t recoveries = 0;     // times it became writable again by itself
    uint64_t syncs = 0;          // synced writes done (one per round)
    uint64_t synced_waits = 0;   // Commit / WaitDurable calls they answered (grouping)
  };
  Health health() const;

 private:
  struct Waiter {
    Resume resume;
    Status* result;
    std::optional<rocksdb::WriteBatch> batch;  // none: only a sync is wanted
    bool durable = true;                       // false: a handed-over WriteNow, no sync wanted
    std::string what;                          // a handed-over write: for its error message
  };
  Status Enqueue(std::optional<rocksdb::WriteBatch> batch, bool durable,
                 std::string_view what = {});
  Status WriteDirect(rocksdb::WriteBatch& batch, std::string_view what);
  // Writes the round's unsynced hand-overs and answers them; returns the durable waiters left.
  std::vector<Waiter> WriteHandedOver(std::vector<Waiter> round);
  void CommitRound(std::vector<Waiter>& round);
  void Run();
  void Recover();
  void Fail(std::string why);
  // "" when the disk has room for writes, else why not (and the store is marked not writable).
  std::string SpaceShortage();

  rocksdb::DB* db_;
  rocksdb::ColumnFamilyHandle* probe_family_;
  const bool sync_;
  const std::string dir_;
  const uint64_t min_free_bytes_;
  const std::function<void(bool, std::string_view)> on_change_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Waiter> waiting_;  // guarded by mu_
  bool stop_ = false;            // guarded by mu_
  bool in_round_ = false;        // guarded by mu_: a round is writing or syncing
  int direct_writers_ = 0;       // guarded by mu_: WriteNow calls writing on their own thread
  Health health_;                // guarded by mu_
  std::thread thread_;
};

}  // namespace crmhost::store

#endif  // CRMHOST_STORE_DURABILITY_H
