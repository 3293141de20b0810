#include "ops/daemon_control.h"

#include <utility>

namespace crmhost::ops {

// The callbacks run outside mu_ (a reporter may call back into the service manager, which may
// call RequestStop) but inside call_mu_, so Detach waits for a stop or reload handler that is
// running and the daemon's captures outlive every call.

void DaemonControl::RequestStop() {
  std::lock_guard calling(call_mu_);
  std::function<void()> fn;
  {
    std::lock_guard lock(mu_);
    stop_requested_ = true;
    fn = on_stop_;
  }
  if (fn) fn();
}

void DaemonControl::RequestReload() {
  std::lock_guard calling(call_mu_);
  std::function<void()> fn;
  {
    std::lock_guard lock(mu_);
    fn = on_reload_;
  }
  if (fn) fn();
}

void DaemonControl::SetReporter(Reporter reporter) {
  std::lock_guard lock(mu_);
  reporter_ = std::move(reporter);
}

void DaemonControl::Attach(std::function<void()> on_stop, std::function<void()> on_reload) {
  std::lock_guard calling(call_mu_);
  bool stop_now = false;
  std::function<void()> fn;
  {
    std::lock_guard lock(mu_);
    on_stop_ = std::move(on_stop);
    on_reload_ = std::move(on_reload);
    stop_now = stop_requested_;
    fn = on_stop_;
  }
  if (stop_now && fn) fn();
}

void DaemonControl::Detach() {
  std::lock_guard calling(call_mu_);
  std::lock_guard lock(mu_);
  on_stop_ = nullptr;
  on_reload_ = nullptr;
}

void DaemonControl::Report(ServicePhase phase, std::string status,
                           std::chrono::milliseconds wait_hint) const {
  Reporter fn;
  {
    std::lock_guard lock(mu_);
    fn = reporter_;
  }
  if (fn) fn(ServiceReport{phase, std::move(status), wait_hint});
}

}  // namespace crmhost::ops
