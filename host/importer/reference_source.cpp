#include "importer/reference_source.h"

namespace crmhost::importer {

Result<std::unique_ptr<ReferenceSource>> OpenSqliteSource(const std::string& path);
Result<std::unique_ptr<ReferenceSource>> OpenPostgresSource(const std::string& url,
                                                            const std::string& password);

Result<std::unique_ptr<ReferenceSource>> OpenReferenceSource(const std::string& url,
                                                             const std::string& password) {
  constexpr std::string_view kSqlite = "sqlite://";
  if (url.starts_with(kSqlite)) {
    const std::string path = url.substr(kSqlite.size());
    if (!path.starts_with("/"))
      return Status::InvalidArgument(
          "--from sqlite:///absolute/path.sqlite: the path must be absolute");
    return OpenSqliteSource(path);
  }
  if (url.starts_with("postgres://") || url.starts_with("postgresql://"))
    return OpenPostgresSource(url, password);
  return Status::InvalidArgument("--from must be sqlite:///absolute/path or postgres://...");
}

}  // namespace crmhost::importer
