// Durability: the store's group commit and its write-health watch (internal to store/).
//
// Group commit: writes go to RocksDB without a sync (WAL bytes reach the OS, so they survive a
// crash of the process), and a write that must survive a power loss then calls WaitDurable. One
// thread syncs the WAL for everyone who is waiting: twenty requests that commit at the same time
// cost one fsync, and no request's thread (a fiber thread serving others) ever sits in fsync.
// WaitDurable parks the calling fiber (or blocks a plain thread) via SuspendUntil.
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

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "crmhost/status.h"
#include "crmhost/suspend.h"

namespace crmhost::store {

class Durability {
 public:
  // `probe_family` receives the probe record ("health-probe") while recovering.
  Durability(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* probe_family, bool sync,
             std::function<void(bool writable, std::string_view why)> on_change = {});
  ~Durability();  // stops the thread; waiters still queued are answered with an error
  Durability(const Durability&) = delete;
  Durability& operator=(const Durability&) = delete;

  // Returns once every write made before the call is synced to disk (immediately when sync is
  // off). Fails when the sync failed; the store is then not writable until it recovers.
  [[nodiscard]] Status WaitDurable();

  // Records a write's outcome; a failure makes the store not writable until a probe succeeds.
  void Note(const rocksdb::Status& s, std::string_view what);

  struct Health {
    bool writable = true;
    std::string last_error;      // of the failure that made it not writable; kept after
    std::string recovery_error;  // why the last attempt to recover failed ("" when none)
    uint64_t write_errors = 0;   // failed writes and syncs since start
    uint64_t recoveries = 0;     // times it became writable again by itself
    uint64_t syncs = 0;          // WAL syncs done
    uint64_t synced_waits = 0;   // WaitDurable calls they answered (syncs / waits = grouping)
  };
  Health health() const;

 private:
  struct Waiter {
    Resume resume;
    Status* result;
  };
  void Run();
  void Recover();
  void Fail(std::string why);

  rocksdb::DB* db_;
  rocksdb::ColumnFamilyHandle* probe_family_;
  const bool sync_;
  const std::function<void(bool, std::string_view)> on_change_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Waiter> waiting_;  // guarded by mu_
  bool stop_ = false;            // guarded by mu_
  Health health_;                // guarded by mu_
  std::thread thread_;
};

}  // namespace crmhost::store

#endif  // CRMHOST_STORE_DURABILITY_H
