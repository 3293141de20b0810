// crmhostd: the App Connect CRM plugin host daemon.
#include <variant>

#include "config/options.h"
#include "ops/daemon.h"

#if defined(_WIN32)
#include <windows.h>

#include <filesystem>
#include <iostream>
#include <string>

#include "ops/daemon_control.h"
#include "ops/windows_service.h"

namespace {

// The installed service's command line: this binary, --windows-service, and every flag given
// to --install-service except the install flag itself. Paths must be absolute: the SCM starts
// services in the system directory.
std::wstring ServiceCommandLine(int argc, char** argv) {
  wchar_t self[MAX_PATH];
  ::GetModuleFileNameW(nullptr, self, MAX_PATH);
  std::wstring line = L"\"" + std::wstring(self) + L"\" --windows-service";
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--install-service") continue;
    line += L" \"" + std::filesystem::path(argv[i]).wstring() + L"\"";
  }
  return line;
}

int RunWindows(crmhost::ops::Options o, int argc, char** argv) {
  namespace fs = std::filesystem;
  const std::wstring name = fs::path(o.service_name).wstring();
  if (o.install_service) {
    for (const std::string& p : {o.data_dir, o.plugin_dir, o.secret_key_file}) {
      if (!p.empty() && !fs::path(p).is_absolute()) {
        std::cerr << "--install-service: " << p
                  << " is relative; give absolute --data-dir, --plugin-dir and --secret-key-file\n";
        return 2;
      }
    }
    const std::string why =
        crmhost::ops::InstallWindowsService(name, ServiceCommandLine(argc, argv));
    if (!why.empty()) std::cerr << why << "\n";
    return why.empty() ? 0 : 1;
  }
  if (o.reload_service) {
    const std::string why = crmhost::ops::ReloadWindowsService(name);
    if (!why.empty()) std::cerr << why << "\n";
    return why.empty() ? 0 : 1;
  }
  if (o.uninstall_service) {
    const std::string why = crmhost::ops::UninstallWindowsService(name);
    if (!why.empty()) std::cerr << why << "\n";
    return why.empty() ? 0 : 1;
  }
  if (!o.windows_service) return crmhost::ops::RunDaemon(o);
  // A service has no console: without --log-file the log goes beside the data. Whatever is
  // written to stderr (the fiber stack overflow report, a crash's last words) goes there too.
  if (o.log_file.empty()) o.log_file = (fs::path(o.data_dir) / "crmhostd.log").string();
  std::error_code ec;
  fs::create_directories(fs::path(o.log_file).parent_path(), ec);
  HANDLE log = ::CreateFileW(fs::path(o.log_file).wstring().c_str(), FILE_APPEND_DATA,
                             FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                             OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (log != INVALID_HANDLE_VALUE) ::SetStdHandle(STD_ERROR_HANDLE, log);
  crmhost::ops::DaemonControl control;
  auto code = crmhost::ops::RunAsWindowsService(
      name, control, [&] { return crmhost::ops::RunDaemon(o, &control); });
  if (!code) {
    std::cerr << "--windows-service: not started by the Service Control Manager\n";
    return 2;
  }
  return *code;
}

}  // namespace
#endif

int main(int argc, char** argv) {
  auto parsed = crmhost::ops::ParseOptions(argc, argv);
  if (auto* code = std::get_if<int>(&parsed)) return *code;
#if defined(_WIN32)
  return RunWindows(std::get<crmhost::ops::Options>(std::move(parsed)), argc, argv);
#else
  return crmhost::ops::RunDaemon(std::get<crmhost::ops::Options>(parsed));
#endif
}
