// The smallest possible shim over the platform's dynamic loader (dlopen / LoadLibraryW), so
// the loader's logic has no #ifdefs. Libraries are opened with immediate binding (unresolved
// symbols fail at open time, not at the first call) and local symbol scope (one plugin never
// sees another's symbols). They are never closed: see docs/PLUGIN_ABI.md, "Unloading".
#ifndef CRMHOST_PLUGINS_DYNLIB_H
#define CRMHOST_PLUGINS_DYNLIB_H

#include <string>

#include "crmhost/status.h"

namespace crmhost::plugins {

struct LibraryHandle {
  void* native = nullptr;
};

Result<LibraryHandle> OpenLibrary(const std::string& path);
void* FindSymbol(LibraryHandle lib, const char* name);

}  // namespace crmhost::plugins

#endif  // CRMHOST_PLUGINS_DYNLIB_H
