#include "ctl/import_command.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "config/config_file.h"
#include "config/options.h"
#include "crmhost/store/store.h"
#include "importer/import.h"

namespace crmhost::ctl {
namespace fs = std::filesystem;

namespace {

Result<std::string> FirstLine(const std::string& path, const char* what) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line))
    return Status::InvalidArgument(std::string(what) + ": cannot read " + path);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n'))
    line.pop_back();
  if (line.empty()) return Status::InvalidArgument(std::string(what) + ": " + path + " is empty");
  return line;
}

// The target as crmhostd would open it: its configuration file first, then the flags given here.
Result<ImportCommand> Resolve(ImportCommand cmd) {
  ops::Options o;
  if (!cmd.config.empty()) {
    if (Status s = ops::ApplyConfigFile(cmd.config, o); !s.ok()) return s;
  }
  if (cmd.data_dir.empty()) cmd.data_dir = o.data_dir;
  if (cmd.secret_key_file.empty()) cmd.secret_key_file = o.secret_key_file;
  if (cmd.store_url.empty()) cmd.store_url = o.store_url;
  if (cmd.store_password_file.empty()) cmd.store_password_file = o.store_password_file;
  return cmd;
}

Result<std::unique_ptr<store::Store>> OpenTarget(const ImportCommand& cmd) {
  const std::string key_file = cmd.secret_key_file.empty()
                                   ? (fs::path(cmd.data_dir) / "secret.key").string()
                                   : cmd.secret_key_file;
  std::error_code ec;
  fs::create_directories(cmd.data_dir, ec);
  // The key crmhostd will read: made here (mode 0400) if the daemon never ran on this data dir.
  auto master =
      fs::exists(key_file, ec) ? store::ReadKeyFile(key_file) : store::CreateKeyFile(key_file);
  if (!master.ok()) return master.status();
  store::Store::Options so;
  so.path = (fs::path(cmd.data_dir) / "store").string();
  so.key = store::DeriveKey(master.value(), store::kStoreKeyPurpose);
  if (!cmd.store_url.empty()) {
    so.url = cmd.store_url;
    if (!cmd.store_password_file.empty()) {
      auto pw = FirstLine(cmd.store_password_file, "--store-password-file");
      if (!pw.ok()) return pw.status();
      so.password = std::move(pw).value();
    }
  }
  auto opened = store::Store::Open(so);
  if (!opened.ok() && cmd.store_url.empty() &&
      opened.status().message().find("lock") != std::string::npos)
    return Status::Busy("a crmhostd is using " + so.path + ": stop it first");
  return opened;
}

void PrintReport(const importer::ImportReport& report, bool dry_run) {
  std::printf("%-14s %9s %9s %9s %9s\n", "table", "read", dry_run ? "to write" : "written",
              "unchanged", "skipped");
  for (auto& t : report.tables)
    std::printf("%-14s %9llu %9llu %9llu %9llu\n", t.table.c_str(),
                static_cast<unsigned long long>(t.read), static_cast<unsigned long long>(t.written),
                static_cast<unsigned long long>(t.unchanged),
                static_cast<unsigned long long>(t.skipped));
  for (auto& t : report.tables) {
    for (auto& [why, n] : t.reasons)
      std::printf("%s: %llu skipped: %s\n", t.table.c_str(), static_cast<unsigned long long>(n),
                  why.c_str());
    for (auto& example : t.examples)
      std::printf("  %s %s\n", t.table.c_str(), example.c_str());
  }
}

}  // namespace

void AddImportCommand(CLI::App& app, ImportCommand& cmd) {
  cmd.app = app.add_subcommand(
      "import-reference",
      "copy a reference App Connect server's database into a stopped crmhostd's store");
  cmd.app
      ->add_option("--from", cmd.from, "sqlite:///absolute/path.sqlite or postgres://user@host/db")
      ->required();
  cmd.app->add_option("--from-password-file", cmd.from_password_file,
                      "the reference PostgreSQL database's password");
  cmd.app->add_option("--config", cmd.config,
                      "crmhostd's configuration file: its data_dir, secret_key_file and [store]");
  cmd.app->add_option("--data-dir", cmd.data_dir,
                      "crmhostd's --data-dir (default: the configuration's, else crmhost-data)");
  cmd.app->add_option("--secret-key-file", cmd.secret_key_file,
                      "crmhostd's master key (default <data-dir>/secret.key; made if absent)");
  cmd.app->add_option("--reference-secret-file", cmd.reference_secret_file,
                      "the reference's APP_SERVER_SECRET_KEY: decrypts admin-managed credentials");
  cmd.app->add_option("--store-url", cmd.store_url, "a PostgreSQL store (crmhostd's --store-url)");
  cmd.app->add_option("--store-password-file", cmd.store_password_file,
                      "its password (crmhostd's --store-password-file)");
  cmd.app->add_flag("--dry-run", cmd.dry_run, "read and count per table; write nothing");
}

int RunImport(const ImportCommand& given) {
  auto fail = [](const Status& s) {
    std::cerr << "crmhostctl import-reference: " << s.message() << "\n";
    return 1;
  };
  auto resolved = Resolve(given);
  if (!resolved.ok()) return fail(resolved.status());
  const ImportCommand& cmd = resolved.value();
  std::string reference_secret, from_password;
  if (!cmd.reference_secret_file.empty()) {
    auto secret = FirstLine(cmd.reference_secret_file, "--reference-secret-file");
    if (!secret.ok()) return fail(secret.status());
    reference_secret = std::move(secret).value();
  }
  if (!cmd.from_password_file.empty()) {
    auto pw = FirstLine(cmd.from_password_file, "--from-password-file");
    if (!pw.ok()) return fail(pw.status());
    from_password = std::move(pw).value();
  }
  auto source = importer::OpenReferenceSource(cmd.from, from_password);
  if (!source.ok()) return fail(source.status());
  auto target = OpenTarget(cmd);
  if (!target.ok()) return fail(target.status());

  // While it runs, crmhostd refuses this data dir: a daemon started on a half import would serve
  // some users and not others. The next run, which completes it, removes the marker.
  const fs::path marker = fs::path(cmd.data_dir) / kImportMarker;
  if (!cmd.dry_run) {
    std::ofstream(marker) << "crmhostctl import-reference started " << std::time(nullptr)
                          << "; run it again to complete\n";
  }
  importer::ImportOptions options;
  options.reference_secret = reference_secret;
  options.dry_run = cmd.dry_run;
  options.now_ms = int64_t(std::time(nullptr)) * 1000;
  options.progress = [](const std::string& line) { std::cerr << line << "\n"; };
  const auto started = std::chrono::steady_clock::now();
  auto report = importer::ImportReference(*source.value(), *target.value(), options);
  if (!report.ok()) return fail(report.status());
  target.value().reset();  // closed (synced) before the marker goes
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  PrintReport(report.value(), cmd.dry_run);
  std::printf("%s %llu of %llu rows in %.1f s\n", cmd.dry_run ? "would write" : "wrote",
              static_cast<unsigned long long>(report->rows_written()),
              static_cast<unsigned long long>(report->rows_read()), seconds);
  std::error_code ec;
  if (!cmd.dry_run) fs::remove(marker, ec);
  return 0;
}

}  // namespace crmhost::ctl
