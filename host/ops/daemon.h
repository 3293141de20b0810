// Daemon: builds crmhostd from its Options and runs it until SIGINT/SIGTERM (or the service
// control's stop).
//
// The phases, in order (each a member function of Daemon, named the same):
//   1. OpenKeysAndStore: the data dir, the keys, the manifest override, the store.
//   2. StartNetwork: the outbound client (with its egress rules), the ops token, the network
//      threads.
//   3. LoadPlugins: the plugin host services and manager; the plugin directory's plugins.
//   4. BuildRoutes: identity (JWT, OAuth, RingCentral), the App Connect routes over the plugins.
//   5. Serve: fibers, the App Connect and ops listeners (BuildListeners), READY, the background
//      tasks; returns when asked to stop.
//   6. Drain: readiness fails, the listeners stop accepting, requests in flight finish
//      (bounded by a deadline).
//   7. Stop: plugin operations finish, the network threads stop, the plugins shut down; the
//      store closes when the Daemon goes away.
// Everything it prints for admins goes through the log; a failed phase makes Run return 1
// with the reason logged.
#ifndef CRMHOST_OPS_DAEMON_H
#define CRMHOST_OPS_DAEMON_H

#include <chrono>
#include <memory>
#include <string>

#include "config/options.h"

namespace crmhost::ops {

class DaemonControl;
enum class ServicePhase;

class Daemon {
 public:
  // `control`, when given, receives progress reports and can stop or reload the daemon (the
  // Windows service uses it); signals and systemd work either way.
  Daemon(const Options& options, DaemonControl* control);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Runs the phases; the process exit code.
  int Run();

 private:
  struct Parts;    // what phases 1-4 build, alive until the Daemon goes away
  struct Serving;  // the listeners and what feeds them, alive from Serve to Stop

  bool OpenKeysAndStore();
  bool StartNetwork();
  void LoadPlugins();
  void BuildRoutes();
  void BuildListeners();
  int Serve();
  void Drain(int signo);
  void Stop();

  int WaitForStop();  // the signal number (SIGTERM for the service control's stop)
  void StopWaitingForSignals();
  void AnnounceReady();
  void Reload(bool manager_waits);
  void Report(ServicePhase phase, std::string status, std::chrono::milliseconds wait_hint = {});

  const Options& o_;
  DaemonControl* control_;
  std::unique_ptr<Parts> p_;
  std::unique_ptr<Serving> s_;
};

// Daemon(options, control).Run().
int RunDaemon(const Options& options, DaemonControl* control = nullptr);

}  // namespace crmhost::ops

#endif  // CRMHOST_OPS_DAEMON_H
