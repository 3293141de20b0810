// crmhostctl: the administrator's command line for a running crmhostd (through its ops API).
//
//   crmhostctl plugins list [--json]
//   crmhostctl plugins reload
//   crmhostctl plugins rollback NAME
//   crmhostctl status                  readiness checks and plugins
//   crmhostctl users list | users delete ID
//   crmhostctl backup [--to DIR]       online checkpoint of the store
//   crmhostctl restore --from DIR --data-dir DIR   (crmhostd stopped)
//   crmhostctl check-config [--config FILE]
//
// Exit status: 0 done, 1 the daemon refused or could not be reached, 2 usage error.
#if defined(_WIN32)
#include <windows.h>
#else
#include <fcntl.h>
#include <unistd.h>
#endif
#include <CLI/CLI.hpp>

#include <chrono>
#include <filesystem>

#include <boost/json.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "config/config_file.h"
#ifdef CRMHOST_WITH_IMPORTER
#include "ctl/import_command.h"
#endif
#include "config/options.h"
#include "ctl/ops_client.h"
#include "version.h"

namespace json = boost::json;

namespace {

std::string ReadToken(const std::string& file) {
  std::ifstream in(file);
  if (!in) return {};
  std::stringstream ss;
  ss << in.rdbuf();
  std::string t = ss.str();
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r' || t.back() == ' '))
    t.pop_back();
  return t;
}

std::string Field(const json::object& o, const char* k) {
  auto* v = o.if_contains(k);
  if (!v || v->is_null()) return "-";
  if (v->is_string()) return std::string(v->get_string());
  return json::serialize(*v);
}

void PrintTable(const json::array& plugins) {
  std::printf("%-16s %-12s %-8s %4s %8s %8s  %-12s %s\n", "NAME", "VERSION", "STATE", "GEN",
              "INFLIGHT", "DRAINING", "SHA256", "LAST ERROR");
  for (auto& p : plugins) {
    const auto& o = p.as_object();
    std::string sha = Field(o, "sha256");
    std::printf("%-16s %-12s %-8s %4s %8s %8s  %-12s %s\n", Field(o, "name").c_str(),
                Field(o, "version").c_str(), Field(o, "state").c_str(),
                Field(o, "generation").c_str(), Field(o, "inflight").c_str(),
                Field(o, "draining").c_str(), sha.substr(0, 12).c_str(),
                Field(o, "lastError").c_str());
  }
}

// Whether no crmhostd holds the store: RocksDB keeps its LOCK file locked (an fcntl lock on
// POSIX, an exclusive open on Windows) while the database is open.
bool StoreLockFree(const std::filesystem::path& lock_file) {
#if defined(_WIN32)
  HANDLE h = ::CreateFileW(lock_file.c_str(), GENERIC_READ | GENERIC_WRITE, 0, nullptr,
                           OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (h != INVALID_HANDLE_VALUE) {
    ::CloseHandle(h);
    return true;
  }
  // Only a sharing violation means an open database; access denied is the caller's rights,
  // which the copy below reports with its own error.
  return ::GetLastError() != ERROR_SHARING_VIOLATION;
  // (A daemon could still start between this check and the copy, as on POSIX.)
#else
  const int fd = ::open(lock_file.c_str(), O_RDWR | O_CLOEXEC);
  struct flock lock {};
  lock.l_type = F_WRLCK;
  lock.l_whence = SEEK_SET;
  const bool free = fd >= 0 && ::fcntl(fd, F_SETLK, &lock) == 0;
  if (fd >= 0) ::close(fd);
  return free;
#endif
}

// Offline restore: refuses while a daemon holds the store's lock, keeps the current store aside
// as store.before-restore-<time>, and copies the backup in.
int Restore(const std::string& from, const std::string& data_dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(fs::path(from) / "CURRENT", ec)) {
    std::cerr << "crmhostctl: " << from << " is not a store backup (no CURRENT file)\n";
    return 1;
  }
  const fs::path store = fs::path(data_dir) / "store";
  if (fs::exists(store / "LOCK", ec)) {
    if (!StoreLockFree(store / "LOCK")) {
      std::cerr << "crmhostctl: a crmhostd is using " << store.string() << "; stop it first\n";
      return 1;
    }
  }
  if (fs::exists(store, ec)) {
    const auto stamp = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
    const fs::path aside = fs::path(data_dir) / ("store.before-restore-" + std::to_string(stamp));
    fs::rename(store, aside, ec);
    if (ec) {
      std::cerr << "crmhostctl: cannot move " << store.string() << " aside: " << ec.message()
                << "\n";
      return 1;
    }
    std::printf("previous store kept in %s\n", aside.string().c_str());
  }
  fs::copy(from, store, fs::copy_options::recursive, ec);
  if (ec) {
    std::cerr << "crmhostctl: copying " << from << " failed: " << ec.message() << "\n";
    return 1;
  }
  std::printf("restored %s into %s; start crmhostd with the same master key\n", from.c_str(),
              store.string().c_str());
  return 0;
}

// What the command line asked for. The CLI::App binds its options to these fields by reference,
// so a Command stays where it was defined, and outlives the app that owns the subcommands.
struct Command {
  std::string ops = "http://127.0.0.1:6067";
  // Where the MSI's configuration puts it on Windows (data_dir under ProgramData), else the
  // daemon's default data dir in the current directory.
#if defined(_WIN32)
  std::string token_file = crmhost::ops::ProgramDataRoot() + "\\data\\ops.token";
#else
  std::string token_file = "crmhost-data/ops.token";
#endif
  bool as_json = false;
  std::string name;  // plugins rollback
  std::string config = crmhost::ops::DefaultConfigFile();
  std::string user_id;  // users delete
  std::string backup_dir;
  std::string from, data_dir;  // restore
  CLI::App* plugins = nullptr;
  CLI::App* status = nullptr;
  CLI::App* check = nullptr;
  CLI::App* users = nullptr;
  CLI::App* del = nullptr;
  CLI::App* backup = nullptr;
  CLI::App* restore = nullptr;
#ifdef CRMHOST_WITH_IMPORTER
  crmhost::ctl::ImportCommand import;
#endif
};

void AddPluginsCommand(CLI::App& app, Command& cmd) {
  cmd.plugins = app.add_subcommand("plugins", "list, reload or roll back plugins");
  cmd.plugins->require_subcommand(1);
  cmd.plugins->add_subcommand(
      "list", "show every plugin: version, state, generation, requests, last error");
  cmd.plugins->add_subcommand("reload", "rescan the plugin directory now");
  auto* rollback =
      cmd.plugins->add_subcommand("rollback", "republish the previous good version of a plugin");
  rollback->add_option("name", cmd.name, "plugin name")->required();
}

void AddCheckConfigCommand(CLI::App& app, Command& cmd) {
  cmd.check = app.add_subcommand(
      "check-config", "validate a configuration file as crmhostd would read it, and exit");
  cmd.check->add_option("--config", cmd.config, "the TOML file")->capture_default_str();
}

void AddUsersCommand(CLI::App& app, Command& cmd) {
  cmd.users = app.add_subcommand("users", "list users, or delete one with their secrets");
  cmd.users->require_subcommand(1);
  cmd.users->add_subcommand("list", "id, platform, host, credentials present, token expiry");
  cmd.del = cmd.users->add_subcommand("delete", "delete a user and their sealed tokens / API key");
  cmd.del->add_option("id", cmd.user_id, "user id (as users list shows it)")->required();
}

void AddStoreCommands(CLI::App& app, Command& cmd) {
  cmd.backup = app.add_subcommand("backup", "online, consistent copy of the store");
  cmd.backup->add_option("--to", cmd.backup_dir,
                         "target directory (default <data-dir>/backups/<time>)");
  cmd.restore = app.add_subcommand(
      "restore", "replace a stopped daemon's store with a backup (the old one is kept aside)");
  cmd.restore->add_option("--from", cmd.from, "a directory `backup` wrote")->required();
  cmd.restore->add_option("--data-dir", cmd.data_dir, "crmhostd's --data-dir")->required();
}

// Subcommands are added in the order --help lists them.
void DefineCommandLine(CLI::App& app, Command& cmd) {
  app.set_version_flag("--version", std::string("crmhostctl ") + crmhost::kVersion);
  app.require_subcommand(1);
  app.add_option("--ops", cmd.ops, "crmhostd's ops API")->capture_default_str();
  app.add_option("--token-file", cmd.token_file, "the ops token (crmhostd's --ops-token-file)")
      ->capture_default_str();
  app.add_flag("--json", cmd.as_json, "print the daemon's JSON answer");
  AddPluginsCommand(app, cmd);
  cmd.status = app.add_subcommand("status", "readiness checks (/readyz) and the plugins");
  AddCheckConfigCommand(app, cmd);
  AddUsersCommand(app, cmd);
  AddStoreCommands(app, cmd);
#ifdef CRMHOST_WITH_IMPORTER
  crmhost::ctl::AddImportCommand(app, cmd.import);
#endif
}

// Runs crmhostd's own option parser, so the file is judged exactly as the daemon would judge it.
int CheckConfig(std::string config) {
  std::string a0 = "crmhostd", a1 = "--check-config", a2 = "--config";
  std::vector<char*> args{a0.data(), a1.data(), a2.data(), config.data()};
  auto parsed = crmhost::ops::ParseOptions(int(args.size()), args.data());
  return std::holds_alternative<int>(parsed) ? std::get<int>(parsed) : 0;
}

// /readyz needs no token, so status shows readiness even when the token file is unreadable.
// False: the daemon is unreachable or not ready.
bool PrintReadiness(const std::string& ops) {
  auto ready = crmhost::ctl::CallOps(ops, "GET", "/readyz?verbose", "");
  if (!ready.ok()) {
    std::cerr << "crmhostctl: " << ready.status().message() << "\n";
    return false;
  }
  std::cout << ready->body;
  return ready->status == 200;
}

struct OpsRequest {
  std::string method = "GET";
  std::string path = "/plugins";  // also what status and plugins list show
  std::string body;
};

OpsRequest RequestFor(const Command& cmd) {
  OpsRequest req;
  if (cmd.users->parsed()) {
    req.path = "/users";
    if (cmd.del->parsed()) {
      req.method = "DELETE";
      req.path = "/users/" + cmd.user_id;
    }
  } else if (cmd.backup->parsed()) {
    req.method = "POST";
    req.path = "/backup";
    if (!cmd.backup_dir.empty()) req.body = json::serialize(json::object{{"dir", cmd.backup_dir}});
  } else if (cmd.plugins->got_subcommand("reload")) {
    req.method = "POST";
    req.path = "/plugins/reload";
  } else if (cmd.plugins->got_subcommand("rollback")) {
    req.method = "POST";
    req.path = "/plugins/" + cmd.name + "/rollback";
  }
  return req;
}

// False when `v` is not a user list, so the caller falls back to the other answer shapes.
bool PrintUsers(const json::value& v) {
  if (!v.is_array()) return false;
  std::printf("%-32s %-10s %-28s %-5s %-24s %s\n", "ID", "PLATFORM", "HOST", "CREDS",
              "TOKEN EXPIRY", "UPDATED");
  for (auto& u : v.as_array()) {
    const auto& o = u.as_object();
    std::printf("%-32s %-10s %-28s %-5s %-24s %s\n", Field(o, "id").c_str(),
                Field(o, "platform").c_str(), Field(o, "hostname").c_str(),
                Field(o, "hasCredentials").c_str(), Field(o, "tokenExpiry").c_str(),
                Field(o, "updatedAt").c_str());
  }
  return true;
}

// GET /plugins answers an array, reload an object with what it did plus the plugins, and
// rollback the one plugin it republished.
void PrintPlugins(const json::value& parsed) {
  if (parsed.is_array()) {
    PrintTable(parsed.as_array());
  } else if (parsed.as_object().contains("plugins")) {
    const auto& o = parsed.as_object();
    for (const char* k : {"published", "refused", "removed"})
      for (auto& line : o.at(k).as_array())
        std::printf("%s: %s\n", k, std::string(line.as_string()).c_str());
    PrintTable(o.at("plugins").as_array());
  } else {
    PrintTable(json::array{parsed});
  }
}

// The answer's shape, not the subcommand, picks the printer (users list aside).
void PrintAnswer(const json::value& parsed, bool users) {
  if (users && PrintUsers(parsed)) return;
  if (parsed.is_object() && parsed.as_object().contains("path")) {
    std::printf("backup written to %s\n", std::string(parsed.at("path").as_string()).c_str());
    return;
  }
  if (parsed.is_object() && parsed.as_object().contains("deleted")) {
    std::printf("deleted %s\n", std::string(parsed.at("deleted").as_string()).c_str());
    return;
  }
  PrintPlugins(parsed);
}

// The subcommands that are one authenticated ops API call.
int CallOpsApi(const Command& cmd, const std::string& token) {
  const OpsRequest req = RequestFor(cmd);
  auto r = crmhost::ctl::CallOps(cmd.ops, req.method, req.path, token, req.body);
  if (!r.ok()) {
    std::cerr << "crmhostctl: " << r.status().message() << "\n";
    return 1;
  }
  boost::system::error_code ec;
  json::value parsed = json::parse(r->body, ec);
  if (r->status != 200) {
    std::string msg = !ec && parsed.is_object() && parsed.as_object().contains("error")
                          ? std::string(parsed.as_object().at("error").as_string())
                          : r->body;
    std::cerr << "crmhostctl: " << req.method << " " << req.path << " -> " << r->status << ": "
              << msg << "\n";
    return 1;
  }
  if (cmd.as_json || ec) {
    std::cout << r->body << "\n";
    return 0;
  }
  PrintAnswer(parsed, cmd.users->parsed());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Command cmd;
  CLI::App app{"crmhostctl: administer a running crmhostd through its ops API"};
  DefineCommandLine(app, cmd);
  CLI11_PARSE(app, argc, argv);

  if (cmd.restore->parsed()) return Restore(cmd.from, cmd.data_dir);
#ifdef CRMHOST_WITH_IMPORTER
  if (cmd.import.app->parsed()) return crmhost::ctl::RunImport(cmd.import);
#endif
  if (cmd.check->parsed()) return CheckConfig(cmd.config);
  if (cmd.status->parsed() && !PrintReadiness(cmd.ops)) return 1;

  const std::string token = ReadToken(cmd.token_file);
  if (token.empty()) {
    std::cerr << "crmhostctl: cannot read the ops token from " << cmd.token_file
              << " (use --token-file)\n";
    return 2;
  }
  return CallOpsApi(cmd, token);
}
