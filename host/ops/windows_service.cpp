#include "ops/windows_service.h"

#if defined(_WIN32)

#include <windows.h>

#include <mutex>
#include <utility>

namespace crmhost::ops {
namespace {

constexpr DWORD kStopWaitHintMs = 25000;  // the 20 s drain and the shutdown after it

// The one service this process runs. ServiceMain and the control handler are plain callbacks
// with no user pointer in ServiceMain's signature, hence a process-wide context.
struct ServiceContext {
  std::wstring name;
  DaemonControl* control = nullptr;
  std::function<int()> run;
  int exit_code = 0;

  SERVICE_STATUS_HANDLE handle = nullptr;
  std::mutex mu;  // guards status: the SCM thread and the daemon's threads both report
  SERVICE_STATUS status{};
};
ServiceContext* g_service = nullptr;

std::string LastError(const char* what) {
  const DWORD code = ::GetLastError();
  char* text = nullptr;
  ::FormatMessageA(
      FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
      nullptr, code, 0, reinterpret_cast<char*>(&text), 0, nullptr);
  std::string out = std::string(what) + " failed (" + std::to_string(code) + ")";
  if (text) {
    out += ": ";
    out += text;
    ::LocalFree(text);
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r' || out.back() == ' '))
      out.pop_back();
  }
  return out;
}

// Sets the service state. Pending states count their checkpoint up, so the SCM sees progress
// and does not give up on a long start or drain.
void SetState(ServiceContext& s, DWORD state, DWORD wait_hint_ms = 0, DWORD exit_code = 0) {
  std::lock_guard lock(s.mu);
  s.status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
  s.status.dwCurrentState = state;
  s.status.dwControlsAccepted =
      state == SERVICE_RUNNING
          ? SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_PRESHUTDOWN | SERVICE_ACCEPT_PARAMCHANGE
          : 0;
  s.status.dwWaitHint = wait_hint_ms;
  const bool pending = state == SERVICE_START_PENDING || state == SERVICE_STOP_PENDING;
  s.status.dwCheckPoint = pending ? s.status.dwCheckPoint + 1 : 0;
  if (exit_code != 0) {
    s.status.dwWin32ExitCode = ERROR_SERVICE_SPECIFIC_ERROR;
    s.status.dwServiceSpecificExitCode = exit_code;
  } else {
    s.status.dwWin32ExitCode = NO_ERROR;
    s.status.dwServiceSpecificExitCode = 0;
  }
  ::SetServiceStatus(s.handle, &s.status);
}

DWORD WINAPI ControlHandler(DWORD code, DWORD, LPVOID, LPVOID context) {
  auto& s = *static_cast<ServiceContext*>(context);
  switch (code) {
    case SERVICE_CONTROL_STOP:
    case SERVICE_CONTROL_PRESHUTDOWN:
      // Answer at once (the handler must return within 30 s); the daemon reports its drain.
      SetState(s, SERVICE_STOP_PENDING, kStopWaitHintMs);
      s.control->RequestStop();
      return NO_ERROR;
    case SERVICE_CONTROL_PARAMCHANGE:
    case kServiceReloadControl:
      s.control->RequestReload();
      return NO_ERROR;
    case SERVICE_CONTROL_INTERROGATE:
      return NO_ERROR;
    default:
      return ERROR_CALL_NOT_IMPLEMENTED;
  }
}

void WINAPI ServiceMain(DWORD, LPWSTR*) {
  auto& s = *g_service;
  s.handle = ::RegisterServiceCtrlHandlerExW(s.name.c_str(), &ControlHandler, &s);
  if (!s.handle) {
    s.exit_code = 1;
    return;
  }
  SetState(s, SERVICE_START_PENDING, 30000);
  s.control->SetReporter([&s](const ServiceReport& r) {
    const DWORD hint = static_cast<DWORD>(r.wait_hint.count());
    switch (r.phase) {
      case ServicePhase::kStarting:
        SetState(s, SERVICE_START_PENDING, hint);
        break;
      case ServicePhase::kReady:
      case ServicePhase::kReloading:  // the SCM has no reloading state; the service still runs
        SetState(s, SERVICE_RUNNING);
        break;
      case ServicePhase::kStopping:
        SetState(s, SERVICE_STOP_PENDING, hint);
        break;
    }
  });
  s.exit_code = s.run();
  s.control->SetReporter(nullptr);
  SetState(s, SERVICE_STOPPED, 0, static_cast<DWORD>(s.exit_code));
}

}  // namespace

std::optional<int> RunAsWindowsService(const std::wstring& name, DaemonControl& control,
                                       std::function<int()> run) {
  static ServiceContext context;
  context.name = name;
  context.control = &control;
  context.run = std::move(run);
  g_service = &context;
  SERVICE_TABLE_ENTRYW table[] = {{context.name.data(), &ServiceMain}, {nullptr, nullptr}};
  if (!::StartServiceCtrlDispatcherW(table)) {
    if (::GetLastError() == ERROR_FAILED_SERVICE_CONTROLLER_CONNECT) return std::nullopt;
    return 1;
  }
  return context.exit_code;  // the dispatcher returns once the service has stopped
}

std::string InstallWindowsService(const std::wstring& name, const std::wstring& command_line) {
  SC_HANDLE scm = ::OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CREATE_SERVICE);
  if (!scm) return LastError("OpenSCManager (run it as an administrator)");
  const std::wstring account = L"NT SERVICE\\" + name;
  // Display names must be unique too: a second instance's says which it is.
  const std::wstring display = name == L"crmhost"
                                   ? L"crmhost (App Connect CRM plugin host)"
                                   : L"crmhost " + name + L" (App Connect CRM plugin host)";
  SC_HANDLE svc =
      ::CreateServiceW(scm, name.c_str(), display.c_str(), SERVICE_ALL_ACCESS,
                       SERVICE_WIN32_OWN_PROCESS, SERVICE_AUTO_START, SERVICE_ERROR_NORMAL,
                       command_line.c_str(), nullptr, nullptr, nullptr, account.c_str(), nullptr);
  if (!svc) {
    std::string why = LastError("CreateService");
    ::CloseServiceHandle(scm);
    return why;
  }
  std::wstring text =
      L"Serves RingCentral App Connect's HTTP contract with hot-upgradable CRM plugins.";
  SERVICE_DESCRIPTIONW description{text.data()};
  ::ChangeServiceConfig2W(svc, SERVICE_CONFIG_DESCRIPTION, &description);
  SERVICE_PRESHUTDOWN_INFO preshutdown{30000};
  ::ChangeServiceConfig2W(svc, SERVICE_CONFIG_PRESHUTDOWN_INFO, &preshutdown);
  // Restart after a crash, as systemd's Restart=on-failure does; reset the count after a day.
  SC_ACTION actions[3] = {
      {SC_ACTION_RESTART, 5000}, {SC_ACTION_RESTART, 5000}, {SC_ACTION_RESTART, 30000}};
  SERVICE_FAILURE_ACTIONSW failure{};
  failure.dwResetPeriod = 86400;
  failure.cActions = 3;
  failure.lpsaActions = actions;
  ::ChangeServiceConfig2W(svc, SERVICE_CONFIG_FAILURE_ACTIONS, &failure);
  ::CloseServiceHandle(svc);
  ::CloseServiceHandle(scm);
  return "";
}

std::string ReloadWindowsService(const std::wstring& name) {
  SC_HANDLE scm = ::OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT);
  if (!scm) return LastError("OpenSCManager");
  SC_HANDLE svc = ::OpenServiceW(scm, name.c_str(), SERVICE_PAUSE_CONTINUE);
  if (!svc) {
    std::string why = LastError("OpenService");
    ::CloseServiceHandle(scm);
    return why;
  }
  // PARAMCHANGE needs SERVICE_PAUSE_CONTINUE access, which an administrator has.
  SERVICE_STATUS status{};
  std::string why = ::ControlService(svc, SERVICE_CONTROL_PARAMCHANGE, &status)
                        ? ""
                        : LastError("ControlService");
  ::CloseServiceHandle(svc);
  ::CloseServiceHandle(scm);
  return why;
}

std::string UninstallWindowsService(const std::wstring& name) {
  SC_HANDLE scm = ::OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT);
  if (!scm) return LastError("OpenSCManager (run it as an administrator)");
  SC_HANDLE svc = ::OpenServiceW(scm, name.c_str(), DELETE | SERVICE_STOP | SERVICE_QUERY_STATUS);
  if (!svc) {
    std::string why = LastError("OpenService");
    ::CloseServiceHandle(scm);
    return why;
  }
  SERVICE_STATUS status{};
  if (::ControlService(svc, SERVICE_CONTROL_STOP, &status)) {
    // Let the drain finish before the service is marked for deletion.
    for (int i = 0; i < 300 && status.dwCurrentState != SERVICE_STOPPED; ++i) {
      ::Sleep(100);
      if (!::QueryServiceStatus(svc, &status)) break;
    }
  }
  std::string why = ::DeleteService(svc) ? "" : LastError("DeleteService");
  ::CloseServiceHandle(svc);
  ::CloseServiceHandle(scm);
  return why;
}

}  // namespace crmhost::ops

#endif  // _WIN32
