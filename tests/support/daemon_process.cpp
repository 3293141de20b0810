#include "support/daemon_process.h"
#include "support/pg_server.h"

#include <algorithm>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/secret_ledger.h"

namespace crmhost::testing {
namespace fs = std::filesystem;

TempDir::TempDir() {
  std::string tmpl = (fs::temp_directory_path() / "crmhost-test-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  // Key files are 0400 and shadow copies 0500: make everything removable first.
  for (auto it = fs::recursive_directory_iterator(path_, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec))
    fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
  fs::remove_all(path_, ec);
}

std::string DaemonProcess::Binary() {
  return CRMHOSTD_PATH;
}
std::string DaemonProcess::PluginDir() {
  return CRMHOST_PLUGIN_DIR;
}

DaemonProcess::DaemonProcess(const std::string& data_dir, std::vector<std::string> args,
                             std::vector<std::pair<std::string, std::string>> env, int listen_fd,
                             const std::string& log_dir, std::vector<std::string> command) {
  fs::create_directories(data_dir);
  static int counter = 0;
  log_path_ = (log_dir.empty() ? data_dir + "/.." : log_dir) + "/crmhostd-" +
              std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".log";
  // The whole suite can run against the test PostgreSQL (CRMHOST_TEST_PG_DIR): each data dir
  // gets a database of its own, unless the test chose the store itself.
  if (command.empty() && std::find(args.begin(), args.end(), "--store-url") == args.end()) {
    for (std::string& a : PgStoreArgsFor(data_dir))
      args.push_back(std::move(a));
  }
  if (auto pg = PgTestServer::Find()) NoteSecret(pg->password());
  // Ephemeral ports for both listeners, so tests can run in parallel.
  std::vector<std::string> argv_s =
      command.empty() ? std::vector<std::string>{Binary()} : std::move(command);
  argv_s.insert(argv_s.end(),
                {"--listen", "127.0.0.1:0", "--ops-listen", "127.0.0.1:0", "--data-dir", data_dir});
  // No machine-wide /etc/crmhost/crmhost.toml leaks into a test, unless it names its own file.
  if (std::find(args.begin(), args.end(), "--config") == args.end()) {
    argv_s.push_back("--config");
    argv_s.push_back("none");
  }
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  // Settings such as redtail.api_key=... are secrets the daemon must never log.
  for (size_t i = 0; i + 1 < argv_s.size(); ++i) {
    const std::string& setting = argv_s[i + 1];
    const size_t eq = setting.find('=');
    if (argv_s[i] == "--plugin-setting" && eq != std::string::npos &&
        IsSecretName(setting.substr(0, eq)) && setting.compare(eq + 1, 1, "@") != 0)
      NoteSecret(setting.substr(eq + 1));
  }
  const auto started = std::chrono::steady_clock::now();
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    int fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    for (const char* name : {"NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "JOURNAL_STREAM"})
      ::unsetenv(name);
    for (auto& [name, value] : env)
      ::setenv(name.c_str(), value.c_str(), 1);
    if (listen_fd >= 0) {
      if (listen_fd != 3) ::dup2(listen_fd, 3);
      ::fcntl(3, F_SETFD, 0);  // dup2 onto itself would keep close-on-exec
      ::setenv("LISTEN_FDS", "1", 1);
      ::setenv("LISTEN_PID", std::to_string(::getpid()).c_str(), 1);
      ::setenv("LISTEN_FDNAMES", "appconnect", 1);
    }
    std::vector<char*> argv;
    for (auto& a : argv_s)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  const std::regex ready(R"(listening on http://[^ ]+:(\d+))");
  // A guard, not a timing assertion: a sanitizer build loading seven plugins while a parallel
  // test fills memory has been seen to take 20 s.
  constexpr auto kReadyWithin = std::chrono::seconds(90);
  while (std::chrono::steady_clock::now() - started < kReadyWithin) {
    std::smatch m;
    std::string log = Log();
    if (std::regex_search(log, m, ready)) {
      port_ = uint16_t(std::stoi(m[1]));
      static const std::regex ops(R"(ops API on http://[^ ]+:(\d+))");
      if (std::regex_search(log, m, ops)) ops_port_ = uint16_t(std::stoi(m[1]));
      ready_ms_ =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
              .count();
      return;
    }
    if (!Running()) throw std::runtime_error("crmhostd exited during start:\n" + log);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  throw std::runtime_error("crmhostd did not get ready in " + std::to_string(kReadyWithin.count()) +
                           " s:\n" + Log());
}

DaemonProcess::~DaemonProcess() {
  if (Running()) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  // Kept for the end-of-run secret scan (see secret_ledger.h).
  if (!LogArchiveDir().empty()) {
    std::error_code ec;
    fs::copy_file(log_path_, LogArchiveDir() + "/" + fs::path(log_path_).filename().string(),
                  fs::copy_options::overwrite_existing, ec);
  }
}

bool DaemonProcess::Running() {
  if (exit_status_ >= 0) return false;
  int st = 0;
  pid_t r = ::waitpid(pid_, &st, WNOHANG);
  if (r == 0) return true;
  exit_status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  return false;
}

int DaemonProcess::Stop(int signal) {
  if (!Running()) return exit_status_;
  ::kill(pid_, signal);
  int st = 0;
  ::waitpid(pid_, &st, 0);
  exit_status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  // A daemon that did not stop cleanly (a sanitizer report, an abort at exit) shows why in the
  // test's output: the end of its log, where the report is, so that a CI failure explains itself.
  if (exit_status_ != 0 && signal != SIGKILL) {
    const std::string log = Log();
    const size_t from = log.size() > 24000 ? log.size() - 24000 : 0;
    std::fprintf(stderr, "---- crmhostd (pid %d) exited %d; the end of its log:\n%s\n----\n",
                 int(pid_), exit_status_, log.c_str() + from);
  }
  return exit_status_;
}

std::string DaemonProcess::Log() const {
  std::ifstream in(log_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace crmhost::testing
