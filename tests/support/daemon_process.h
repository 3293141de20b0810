// DaemonProcess: runs the real crmhostd binary as a child process for integration tests,
// on an ephemeral port with a temporary data dir, and captures its log.
#ifndef CRMHOST_TESTS_DAEMON_PROCESS_H
#define CRMHOST_TESTS_DAEMON_PROCESS_H

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace crmhost::testing {

// A directory removed (recursively) when the object goes away.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

class DaemonProcess {
 public:
  // Starts crmhostd --listen 127.0.0.1:0 --ops-listen 127.0.0.1:0 --data-dir <data_dir> <args...>
  // and waits (up to
  // 20 s) until it reports its port. Throws if it exits or never gets ready.
  // `env` is added to the daemon's environment (NOTIFY_SOCKET, WATCHDOG_* and JOURNAL_STREAM of
  // the test process are never passed on).
  // `listen_fd`, when set, is handed over as systemd's socket activation does (fd 3,
  // LISTEN_FDS=1, LISTEN_PID=<the daemon>).
  // `log_dir`: where its log file goes; default: beside the data dir.
  // `command`: the program and its leading arguments instead of Binary() (the Windows tests run
  // {"wine", ".../crmhostd.exe"}).
  DaemonProcess(const std::string& data_dir, std::vector<std::string> args,
                std::vector<std::pair<std::string, std::string>> env = {}, int listen_fd = -1,
                const std::string& log_dir = {}, std::vector<std::string> command = {});
  ~DaemonProcess();  // SIGKILL if still running
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  uint16_t port() const { return port_; }
  uint16_t ops_port() const { return ops_port_; }  // 0 if the ops API is off
  pid_t pid() const { return pid_; }
  bool Running();
  // Sends `signal` and waits for the exit; returns the exit status (or 128+signal).
  int Stop(int signal = 15);
  std::string Log() const;                       // everything it printed so far
  double ready_ms() const { return ready_ms_; }  // spawn to "listening on"

  static std::string Binary();
  static std::string PluginDir();

 private:
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  uint16_t ops_port_ = 0;
  std::string log_path_;
  double ready_ms_ = 0;
  int exit_status_ = -1;
};

}  // namespace crmhost::testing

#endif  // CRMHOST_TESTS_DAEMON_PROCESS_H
