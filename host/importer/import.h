// ImportReference: a reference App Connect deployment's database into crmhost's store, so that
// its users keep their sessions and their past calls keep their CRM activities (docs/MIGRATING.md).
//
// Table by table: users (tokens and API keys, which the reference keeps in clear, sealed by the
// store), callLogs and messageLogs (the links later PATCH /callLog and message appends need),
// adminConfigs (settings, user mappings; the reference's RingCentral admin tokens are not kept),
// accountData (admin-managed credentials, decrypted with the reference's secret and sealed;
// contact caches are not carried over), callDownLists, and pending managed-OAuth cache rows.
//
// Safe to run again: a row crmhost already holds with the same content is "unchanged"; one it
// holds with other content (crmhost has served since) is kept and reported, never overwritten. So
// a second run changes nothing, and a run stopped in the middle is completed by the next.
#ifndef CRMHOST_IMPORTER_IMPORT_H
#define CRMHOST_IMPORTER_IMPORT_H

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "crmhost/status.h"
#include "crmhost/store/store.h"
#include "importer/reference_source.h"

namespace crmhost::importer {

struct ImportOptions {
  // The reference's APP_SERVER_SECRET_KEY: decrypts admin-managed credentials. Without it, rows
  // holding encrypted values are skipped (and reported).
  std::string reference_secret;
  bool dry_run = false;  // read and count; write nothing
  int64_t now_ms = 0;    // for expiries (pending managed OAuth)
  // Told every 10,000 rows: a line for the operator.
  std::function<void(const std::string&)> progress;
};

struct TableReport {
  std::string table;
  uint64_t read = 0;
  uint64_t written = 0;                     // new in crmhost (would be, with dry_run)
  uint64_t unchanged = 0;                   // crmhost already holds it, the same
  uint64_t skipped = 0;                     // not imported: see reasons
  std::map<std::string, uint64_t> reasons;  // why skipped -> rows
  std::vector<std::string> examples;        // the first few skipped rows: "<id>: <reason>"
};

struct ImportReport {
  std::vector<TableReport> tables;
  uint64_t rows_read() const;
  uint64_t rows_written() const;
};

Result<ImportReport> ImportReference(ReferenceSource& source, store::Store& store,
                                     const ImportOptions& options);

// Milliseconds since the epoch of a date as the reference's ORM wrote it ("2026-01-02
// 03:04:05.678 +00:00", or ISO 8601, or epoch milliseconds); nullopt if it is none.
std::optional<int64_t> ReferenceTime(const std::optional<std::string>& text);

}  // namespace crmhost::importer

#endif  // CRMHOST_IMPORTER_IMPORT_H
