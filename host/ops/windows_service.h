// crmhostd as a Windows service: the Service Control Manager (SCM) side of DaemonControl.
//
// Started by the SCM (the service's command line carries --windows-service), crmhostd reports
// START_PENDING with a checkpoint and wait hint at each start-up step, RUNNING once it serves,
// and STOP_PENDING with the remaining drain time while it drains. It accepts STOP and
// PRESHUTDOWN (both drain requests in flight, as SIGTERM does; PRESHUTDOWN gives the drain time
// before the machine shuts down, where SHUTDOWN would not) and reloads the plugin directory on
// PARAMCHANGE or on the user control code 128 (`sc control crmhost 128`).
//
// Compiled on Windows only. CI runs it under Wine's service manager (tests/windows/); what Wine
// cannot prove is listed in docs/OPERATIONS.md, "Windows".
#ifndef CRMHOST_OPS_WINDOWS_SERVICE_H
#define CRMHOST_OPS_WINDOWS_SERVICE_H

#if defined(_WIN32)

#include <functional>
#include <optional>
#include <string>

#include "ops/daemon_control.h"

namespace crmhost::ops {

// The user-defined control code that asks for a reload (the SCM allows 128 to 255).
constexpr unsigned long kServiceReloadControl = 128;

// Connects this process to the SCM as the service `name` and calls `run` on the service's main
// thread, with `control` wired to the SCM's requests and status. Returns `run`'s exit code once
// the service has reported STOPPED, or nullopt when the process was not started by the SCM
// (then the caller runs in the console instead).
std::optional<int> RunAsWindowsService(const std::wstring& name, DaemonControl& control,
                                       std::function<int()> run);

// Registers the service `name` to start automatically with `command_line` (the quoted path of
// crmhostd.exe and its arguments, including --windows-service) under the virtual account
// "NT SERVICE\<name>", restarting it 5 s after a failure and allowing 30 s of preshutdown
// drain. Returns "" on success, else why not.
std::string InstallWindowsService(const std::wstring& name, const std::wstring& command_line);

// Asks the running service `name` to reload (SERVICE_CONTROL_PARAMCHANGE, what
// `sc control <name> paramchange` sends). Returns "" on success, else why not.
std::string ReloadWindowsService(const std::wstring& name);
// Stops (draining) and deletes the service `name`. Returns "" on success, else why not.
std::string UninstallWindowsService(const std::wstring& name);

}  // namespace crmhost::ops

#endif  // _WIN32
#endif  // CRMHOST_OPS_WINDOWS_SERVICE_H
