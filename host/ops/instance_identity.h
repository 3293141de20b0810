// Who this installation is among the instances sharing a PostgreSQL store.
//
// The store tells the instances apart by an id made of a stable name, kept in the data dir, and a
// random part per process. When a process dies (kill -9, a crash) and the service manager starts
// it again on the same data dir, the new process's name matches the dead one's, so the store
// knows at once that the old process is gone and its pending call-log reservations are abandoned
// (reconciled with the CRM on the next attempt) rather than waiting out its heartbeat lease,
// during which a client's retry would be told the call is already being logged.
//
// That inference holds only if one process uses a data dir at a time: with RocksDB the store's
// LOCK file guarantees it; with PostgreSQL the data dir is locked here.
#ifndef CRMHOST_OPS_INSTANCE_IDENTITY_H
#define CRMHOST_OPS_INSTANCE_IDENTITY_H

#include <memory>
#include <string>

#include "crmhost/status.h"

namespace crmhost::ops {

// The name in <data-dir>/instance.name, created (24 hex digits) on first start.
Result<std::string> LoadInstanceName(const std::string& data_dir);

// An exclusive lock on <data-dir>/crmhostd.lock, held until destroyed; another process holding it
// is refused with a message naming the data dir.
class DataDirLock {
 public:
  static Result<std::unique_ptr<DataDirLock>> Take(const std::string& data_dir);
  ~DataDirLock();
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;

 private:
  DataDirLock() = default;
  intptr_t handle_ = -1;  // a file descriptor, or a Windows HANDLE
};

}  // namespace crmhost::ops

#endif  // CRMHOST_OPS_INSTANCE_IDENTITY_H
