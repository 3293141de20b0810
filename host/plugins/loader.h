// Loader: turns a plugin file into a ready PluginVersion, or into a refusal that says why.
//
// Steps, each of which can refuse: read the file and hash it (SHA-256); copy it to a private
// shadow path named by that hash (so nothing the admin does to the original file can touch the
// mapped code, and one content is mapped once); open it with immediate binding; find the single
// entry symbol; check the descriptor (magic, ABI major/minor, struct size, name, semver,
// operations); parse its HTTP routes (ABI 1.3); parse the embedded manifest and take its egress
// allowlist ("x-crmhost-egress", removed from the manifest clients see) to the outbound policy; run
// init; run self_check. A plugin whose init succeeded but which is refused later is shut down
// before the refusal returns, and the allowlist of the version before it is put back.
//
// Control thread only.
#ifndef CRMHOST_PLUGINS_LOADER_H
#define CRMHOST_PLUGINS_LOADER_H

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "crmhost/status.h"
#include "plugins/plugin_version.h"

namespace crmhost::outbound {
class EgressPolicy;
}

namespace crmhost::plugins {

class HostServices;

class Loader {
 public:
  struct Options {
    std::filesystem::path shadow_dir;  // private, created if missing
    size_t max_file_bytes = 512u * 1024 * 1024;
    // Told the hosts each loaded plugin declares (its manifest's "x-crmhost-egress"), before
    // its init runs; may be null.
    std::shared_ptr<outbound::EgressPolicy> egress;
    // The ABI minor this host claims: plugins built against a newer one are refused. Only tests
    // lower it (to play a host of an older release). Default: CRMH_ABI_MINOR.
    uint16_t abi_minor = CRMH_ABI_MINOR;
  };

  Loader(Options options, HostServices& host);

  // Why the caller will not take a version described by `info` (a platform another file
  // provides, a route another plugin serves), or nullopt. Asked before the plugin's egress
  // allowlist applies and before its init runs, so such a refusal changes nothing.
  using Acceptance = std::function<std::optional<std::string>(const PluginInfo& info)>;

  Result<std::shared_ptr<PluginVersion>> Load(const std::filesystem::path& file,
                                              const Acceptance& accept = {}) const;

  // Plugin files in `dir` (by extension: .so on Linux, .dll on Windows), sorted by name.
  static std::vector<std::filesystem::path> ListPluginFiles(const std::filesystem::path& dir);

 private:
  Options options_;
  HostServices& host_;
};

}  // namespace crmhost::plugins

#endif  // CRMHOST_PLUGINS_LOADER_H
