// Running the Windows build (scripts/windows/build.sh) under Wine from the Linux test suite: the
// daemon is crmhostd.exe with the plugin .dlls, everything it talks to (fake CRMs, the test's
// HTTP client) stays a Linux process on 127.0.0.1.
#ifndef CRMHOST_TESTS_WINDOWS_WINE_H
#define CRMHOST_TESTS_WINDOWS_WINE_H

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace crmhost::testing {

struct WineSetup {
  std::string build_dir;  // the Windows build tree
  std::string prefix;     // the WINEPREFIX the fixture made

  static WineSetup FromBuild() {
    const char* dir = std::getenv("CRMHOST_WINDOWS_BUILD_DIR");
    WineSetup s;
    s.build_dir = dir && *dir ? dir : CRMHOST_WINDOWS_BUILD_DIR;
    s.prefix = s.build_dir + "/wine-prefix";
    return s;
  }
  std::string exe(const std::string& name) const { return build_dir + "/bin/" + name + ".exe"; }
  std::string plugin_dir() const { return build_dir + "/plugins-out"; }
  std::vector<std::string> command(const std::string& program = "crmhostd") const {
    return {"wine", exe(program)};
  }
  std::vector<std::pair<std::string, std::string>> env() const {
    // No debug chatter, no Mono or Gecko installer prompts, no X display needed.
    return {{"WINEPREFIX", prefix},
            {"WINEDEBUG", "-all"},
            {"WINEDLLOVERRIDES", "mscoree,mshtml="},
            {"DISPLAY", ""}};
  }
  // `path` (absolute, POSIX) as a Windows path on Wine's Z: drive, which maps "/".
  static std::string WindowsPath(const std::string& path) {
    std::string w = "Z:" + path;
    for (char& c : w)
      if (c == '/') c = '\\';
    return w;
  }
  // `s` quoted for sh.
  static std::string Quote(const std::string& s) {
    std::string q = "'";
    for (char c : s)
      q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
  }
  // Runs `wine <args...>` (output to `log`) in this prefix; its exit code.
  int Run(const std::vector<std::string>& args, const std::string& log = "/dev/null") const {
    std::string cmd;
    for (auto& [name, value] : env())
      cmd += name + "=" + Quote(value) + " ";
    cmd += "wine";
    for (const std::string& a : args)
      cmd += " " + Quote(a);
    cmd += " >>" + Quote(log) + " 2>&1";
    const int rc = std::system(cmd.c_str());
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  }
  // Runs `wineserver <flag>` in this prefix (-p: stay up; -k: stop everything; -w: wait).
  void Server(const std::string& flag) const {
    std::string cmd;
    for (auto& [name, value] : env())
      cmd += name + "=" + Quote(value) + " ";
    std::system((cmd + "wineserver " + flag + " >/dev/null 2>&1").c_str());
  }
  // Why these tests cannot run here, or empty.
  std::string Missing() const {
    if (std::system("command -v wine >/dev/null 2>&1") != 0)
      return "wine is not installed (apt-get install wine64)";
    if (!std::filesystem::exists(exe("crmhostd")))
      return exe("crmhostd") + " not built (scripts/windows/build.sh)";
    if (!std::filesystem::exists(prefix + "/system.reg"))
      return "no Wine prefix in " + prefix + " (the \"windows: a Wine prefix\" fixture makes it)";
    return {};
  }
};

}  // namespace crmhost::testing

#endif  // CRMHOST_TESTS_WINDOWS_WINE_H
