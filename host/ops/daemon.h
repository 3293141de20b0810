// Daemon: builds crmhostd from its Options and runs it until SIGINT/SIGTERM.
//
// Start: data dir and key, store, network threads, outbound client, plugins from the plugin
// directory, routes, listener. Stop: stop accepting, let requests in flight finish (bounded by
// a drain deadline), shut plugins down, close the store. Everything it prints for admins goes
// through the log; startup failures return a non-zero exit code with the reason.
#ifndef CRMHOST_OPS_DAEMON_H
#define CRMHOST_OPS_DAEMON_H

#include "config/options.h"

namespace crmhost::ops {

class DaemonControl;

// `control`, when given, receives progress reports and can stop or reload the daemon (the
// Windows service uses it); signals and systemd work either way.
int RunDaemon(const Options& options, DaemonControl* control = nullptr);

}  // namespace crmhost::ops

#endif  // CRMHOST_OPS_DAEMON_H
