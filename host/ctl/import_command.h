// crmhostctl import-reference: a reference deployment's database into a stopped crmhostd's store
// (docs/MIGRATING.md). Offline: it opens the store itself, as crmhostd would.
#ifndef CRMHOST_CTL_IMPORT_COMMAND_H
#define CRMHOST_CTL_IMPORT_COMMAND_H

#include <CLI/CLI.hpp>
#include <string>

namespace crmhost::ctl {

struct ImportCommand {
  std::string from;                // sqlite:///abs/path or postgres://...
  std::string config;              // crmhostd's configuration file: its data dir, key and store
  std::string from_password_file;  // the reference database's password (PostgreSQL)
  std::string data_dir;
  std::string secret_key_file;        // default <data-dir>/secret.key
  std::string reference_secret_file;  // the reference's APP_SERVER_SECRET_KEY
  std::string store_url;              // a PostgreSQL store instead of <data-dir>/store
  std::string store_password_file;
  bool dry_run = false;
  CLI::App* app = nullptr;
};

void AddImportCommand(CLI::App& app, ImportCommand& cmd);
// Exit status: 0 imported (or counted), 1 failed (what was written stays; run it again).
int RunImport(const ImportCommand& cmd);

// The file an import leaves in the data dir while it runs: crmhostd refuses to start beside it.
inline constexpr const char* kImportMarker = "import-reference.incomplete";

}  // namespace crmhost::ctl

#endif  // CRMHOST_CTL_IMPORT_COMMAND_H
