// Built by tests/windows_build.sh with mingw-w64 only: links the Windows service entry point and
// the .dll loader into a Windows executable, so every Win32 call they make is checked against
// the real Windows headers and import libraries. Never run here (there is no Windows in CI).
#include <iostream>

#include "ops/daemon_control.h"
#include "ops/windows_service.h"
#include "plugins/dynlib.h"

int main(int argc, char** argv) {
  crmhost::ops::DaemonControl control;
  if (argc > 1 && std::string(argv[1]) == "install")
    return crmhost::ops::InstallWindowsService(L"crmhost-check", L"\"C:\\crmhostd.exe\"").empty()
               ? 0
               : 1;
  if (argc > 1 && std::string(argv[1]) == "uninstall")
    return crmhost::ops::UninstallWindowsService(L"crmhost-check").empty() ? 0 : 1;
  auto lib = crmhost::plugins::OpenLibrary(argc > 1 ? argv[1] : "missing.dll");
  if (lib.ok()) std::cout << crmhost::plugins::FindSymbol(lib.value(), "crmh_plugin_entry") << "\n";
  auto code = crmhost::ops::RunAsWindowsService(L"crmhost-check", control, [&] {
    control.Report(crmhost::ops::ServicePhase::kReady, "serving");
    return 0;
  });
  return code ? *code : 2;
}
