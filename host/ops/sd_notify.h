// The systemd notification protocol (sd_notify(3)), spoken directly: one datagram per state
// change to the AF_UNIX socket named by $NOTIFY_SOCKET ("@name" is the abstract namespace).
// With Type=notify-reload the daemon says READY=1 once it serves, RELOADING=1 plus
// MONOTONIC_USEC when a SIGHUP reload starts (READY=1 again when the new plugins serve),
// STOPPING=1 on SIGTERM, STATUS=<text> along the way, and WATCHDOG=1 from the event loop every
// half $WATCHDOG_USEC. Without $NOTIFY_SOCKET every call does nothing.
#ifndef CRMHOST_OPS_SD_NOTIFY_H
#define CRMHOST_OPS_SD_NOTIFY_H

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace crmhost::ops {

class SystemdNotifier {
 public:
  // Reads $NOTIFY_SOCKET and $WATCHDOG_USEC (honouring $WATCHDOG_PID).
  SystemdNotifier();
  bool enabled() const { return !socket_path_.empty(); }
  // Sends `state` ("READY=1\nSTATUS=serving"); false if it could not be delivered.
  bool Notify(std::string_view state) const;
  // "RELOADING=1\nMONOTONIC_USEC=<now>", as Type=notify-reload requires.
  bool NotifyReloading() const;
  // How often to send WATCHDOG=1 (half the watchdog timeout), if systemd asked for it.
  std::optional<std::chrono::microseconds> watchdog_interval() const { return watchdog_interval_; }

 private:
  std::string socket_path_;
  std::optional<std::chrono::microseconds> watchdog_interval_;
};

// Sockets systemd passed to this process (socket activation: $LISTEN_PID is ours, $LISTEN_FDS
// descriptors from 3 on, named by $LISTEN_FDNAMES, colon-separated). The variables are removed
// so nothing the daemon starts inherits them. Empty when not socket-activated.
std::vector<std::pair<std::string, int>> TakeInheritedSockets();

}  // namespace crmhost::ops

#endif  // CRMHOST_OPS_SD_NOTIFY_H
