// ReferenceSource: the tables of a reference App Connect deployment's database, read row by row
// (docs/MIGRATING.md). The reference keeps its data in SQLite or PostgreSQL through its ORM; the
// importer asks for named columns of a table, in a given order, and gets each value as text
// (SQL NULL as nullopt), the way the ORM wrote it: dates "2026-01-02 03:04:05.678 +00:00",
// JSON columns as JSON text.
#ifndef CRMHOST_IMPORTER_REFERENCE_SOURCE_H
#define CRMHOST_IMPORTER_REFERENCE_SOURCE_H

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crmhost/status.h"

namespace crmhost::importer {

using Row = std::vector<std::optional<std::string>>;

class ReferenceSource {
 public:
  virtual ~ReferenceSource() = default;
  // Whether the database has `table` (older deployments lack some).
  virtual Result<bool> HasTable(const std::string& table) = 0;
  // Every row of `table`: `columns` in that order, rows ordered by `order_by` (column names).
  // `visit` returns false to stop.
  virtual Status ForEach(const std::string& table, const std::vector<std::string>& columns,
                         const std::string& order_by,
                         const std::function<bool(const Row&)>& visit) = 0;
};

// "sqlite:///absolute/path.sqlite" (opened read-only) or "postgres://user@host/db" (the
// password from `password`, never from the URL).
Result<std::unique_ptr<ReferenceSource>> OpenReferenceSource(const std::string& url,
                                                             const std::string& password);

}  // namespace crmhost::importer

#endif  // CRMHOST_IMPORTER_REFERENCE_SOURCE_H
