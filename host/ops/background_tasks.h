// The daemon's own periodic work while it serves, off the request path: the systemd watchdog
// ping, returning a burst's free memory to the system, SIGHUP reloads, and the housekeeping
// thread (saving links the store could not take yet, sweeping expired rows).
#ifndef CRMHOST_OPS_BACKGROUND_TASKS_H
#define CRMHOST_OPS_BACKGROUND_TASKS_H

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <csignal>
#include <functional>
#include <thread>

#include "contract/unsaved_links.h"
#include "crmhost/store/store.h"
#include "ops/sd_notify.h"

namespace crmhost::ops {

class BackgroundTasks {
 public:
  struct Deps {
    boost::asio::io_context& loop;  // the timers and the SIGHUP handler run here
    const SystemdNotifier& systemd;
    store::Store& store;
    contract::UnsavedLinks& unsaved_links;
    std::function<void()> on_hangup;  // SIGHUP: reload the plugins (called on `loop`)
  };
  explicit BackgroundTasks(Deps deps);
  // Stops the housekeeping thread; Cancel must have been called if Start was.
  ~BackgroundTasks();
  BackgroundTasks(const BackgroundTasks&) = delete;
  BackgroundTasks& operator=(const BackgroundTasks&) = delete;

  void Start();
  // Cancels the timers and the SIGHUP wait on the loop and waits until that is done (their
  // handlers refer to this object); the loop must still run.
  void Cancel();

 private:
  void PingWatchdog();
  void TrimMemory();
  void WaitForHangup();
  void Housekeep(std::stop_token stop);

  Deps deps_;
  boost::asio::steady_timer watchdog_;
  boost::asio::steady_timer trim_;
#ifdef SIGHUP
  boost::asio::signal_set hangup_;
#endif
  std::jthread sweeper_;
};

}  // namespace crmhost::ops

#endif  // CRMHOST_OPS_BACKGROUND_TASKS_H
