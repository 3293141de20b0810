// The Windows counterpart of elf_check.h: a structural check of a plugin .dll before
// LoadLibrary maps it, so a truncated copy or a file that is not an x64 DLL is refused with a
// readable reason. Plain byte parsing (no Windows headers), so it is built and tested on every
// platform; CheckSharedObject calls it on Windows. Pure; thread-safe.
#ifndef CRMHOST_PLUGINS_PE_CHECK_H
#define CRMHOST_PLUGINS_PE_CHECK_H

#include <string_view>

#include "crmhost/status.h"

namespace crmhost::plugins {

// OK if `bytes` is a complete PE32+ DLL for x64: DOS and PE headers present, the DLL flag set,
// every section's data inside the file.
Status CheckPeDll(std::string_view bytes);

}  // namespace crmhost::plugins

#endif  // CRMHOST_PLUGINS_PE_CHECK_H
