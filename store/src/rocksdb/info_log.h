// RocksDB's own messages (background errors, stalls, recoveries), handed to the daemon's log
// instead of a LOG file in the store's directory (internal to store/).
//
// Why not the LOG file: it lives on the disk that fills up. When a line cannot be written
// there, RocksDB's file writer remembers the error, and Debian's build (assertions on) aborts
// the process on the next line it logs, which the recovery after a full disk always writes
// (DB::Resume logs). A daemon must survive a full disk, and an admin reads one log, not two.
//
// Only warnings and worse are passed on: RocksDB's informational lines (option dumps, periodic
// statistics) are thousands of lines a day that no admin reads. Values never appear in them
// (allow_data_in_errors stays off), so no secret can leak through this path.
#ifndef CRMHOST_STORE_INFO_LOG_H
#define CRMHOST_STORE_INFO_LOG_H

#include <rocksdb/env.h>

#include <functional>
#include <memory>
#include <string_view>

#include "crmhost/store/store.h"

namespace crmhost::store {

// A RocksDB logger that passes each line to `sink` (or drops it when `sink` is empty).
std::shared_ptr<rocksdb::Logger> MakeInfoLog(Store::LogSink sink);

}  // namespace crmhost::store

#endif  // CRMHOST_STORE_INFO_LOG_H
