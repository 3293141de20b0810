// DaemonControl: how a service manager other than POSIX signals and $NOTIFY_SOCKET drives
// crmhostd. The Windows service control handler uses it (stop, preshutdown, reload control
// codes in; START_PENDING / RUNNING / STOP_PENDING with wait hints out), and so can an embedder
// or a test. Standard C++ only, so the Windows code that uses it builds without the rest of
// the host.
//
// Thread-safety: every member may be called from any thread. A stop requested before the daemon
// attaches is remembered and acted on at attach; a reload requested then is dropped (the daemon
// is about to load the plugin directory anyway).
#ifndef CRMHOST_OPS_DAEMON_CONTROL_H
#define CRMHOST_OPS_DAEMON_CONTROL_H

#include <chrono>
#include <functional>
#include <mutex>
#include <string>

namespace crmhost::ops {

enum class ServicePhase {
  kStarting,   // opening the store, loading plugins
  kReady,      // listening and serving
  kReloading,  // a reload runs; kReady follows when the new plugins serve
  kStopping,   // draining requests in flight; repeated while the drain lasts
};

struct ServiceReport {
  ServicePhase phase = ServicePhase::kStarting;
  std::string status;                      // for people: "serving 5 plugins on 0.0.0.0:6066"
  std::chrono::milliseconds wait_hint{0};  // how long until the next report, at most
};

class DaemonControl {
 public:
  using Reporter = std::function<void(const ServiceReport&)>;

  // --- the service manager's side ---
  void RequestStop();    // as SIGTERM: readiness fails, requests drain, RunDaemon returns 0
  void RequestReload();  // as SIGHUP under systemd: reports kReloading, then kReady
  void SetReporter(Reporter reporter);

  // --- the daemon's side ---
  // Installs what a request does; a stop requested earlier runs `on_stop` at once.
  void Attach(std::function<void()> on_stop, std::function<void()> on_reload);
  void Detach();  // before those functions' captures go away
  void Report(ServicePhase phase, std::string status,
              std::chrono::milliseconds wait_hint = std::chrono::milliseconds(0)) const;

 private:
  std::mutex call_mu_;  // held while a stop or reload handler runs
  mutable std::mutex mu_;
  bool stop_requested_ = false;      // guarded by mu_
  std::function<void()> on_stop_;    // guarded by mu_
  std::function<void()> on_reload_;  // guarded by mu_
  Reporter reporter_;                // guarded by mu_
};

}  // namespace crmhost::ops

#endif  // CRMHOST_OPS_DAEMON_CONTROL_H
