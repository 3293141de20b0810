// The administrator's settings per plugin (--plugin-setting, [plugins.<name>] in the
// configuration file): settings["redtail"]["api_key"]. Parsed by ops/options, handed to plugins
// by plugins/host_services; here, below both, so the options parser needs no plugin headers.
#ifndef CRMHOST_RUNTIME_PLUGIN_SETTINGS_H
#define CRMHOST_RUNTIME_PLUGIN_SETTINGS_H

#include <functional>
#include <map>
#include <string>

namespace crmhost::plugins {

using PluginSettings =
    std::map<std::string, std::map<std::string, std::string, std::less<>>, std::less<>>;

}  // namespace crmhost::plugins

#endif  // CRMHOST_RUNTIME_PLUGIN_SETTINGS_H
