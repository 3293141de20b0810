// The configuration file (TOML, default /etc/crmhost/crmhost.toml or
// %ProgramData%\crmhost\crmhost.toml): the same settings as the command-line flags, which override
// it. A key we do not know, or a value of the wrong type or range, is refused with the file, line,
// key and reason, so a typo never passes silently. docs/OPERATIONS.md lists every key;
// packaging/crmhost.toml is the commented default.
#ifndef CRMHOST_CONFIG_CONFIG_FILE_H
#define CRMHOST_CONFIG_CONFIG_FILE_H

#include <string>

#include "config/options.h"
#include "crmhost/status.h"

namespace crmhost::ops {

// /etc/crmhost/crmhost.toml; on Windows %ProgramData%\crmhost\crmhost.toml (the MSI puts the
// default one there).
std::string DefaultConfigFile();
#if defined(_WIN32)
// %ProgramData%\crmhost: where the MSI puts the configuration and its data dir.
std::string ProgramDataRoot();
#endif

// Reads `path` into `o` (keys absent from the file leave `o` as it was).
Status ApplyConfigFile(const std::string& path, Options& o);

// A plugin setting's value: "@FILE" is the file's contents (without trailing newlines), so
// secrets stay out of command lines and the config file; "@@x" is the literal "@x".
Result<std::string> ResolveSettingValue(const std::string& value);

}  // namespace crmhost::ops

#endif  // CRMHOST_CONFIG_CONFIG_FILE_H
