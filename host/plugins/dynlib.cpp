#include "plugins/dynlib.h"

#if defined(_WIN32)
#include <windows.h>

#include <filesystem>
#else
#include <dlfcn.h>
#endif

namespace crmhost::plugins {

#if defined(_WIN32)
// Untested here (no Windows in CI); see docs/OPERATIONS.md.
Result<LibraryHandle> OpenLibrary(const std::string& path) {
  HMODULE h = ::LoadLibraryExW(std::filesystem::path(path).wstring().c_str(), nullptr,
                               LOAD_WITH_ALTERED_SEARCH_PATH);
  if (!h)
    return Status::InvalidArgument("LoadLibrary failed with error " +
                                   std::to_string(::GetLastError()));
  return LibraryHandle{reinterpret_cast<void*>(h)};
}

void* FindSymbol(LibraryHandle lib, const char* name) {
  return reinterpret_cast<void*>(::GetProcAddress(reinterpret_cast<HMODULE>(lib.native), name));
}
#else
Result<LibraryHandle> OpenLibrary(const std::string& path) {
  void* h = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char* err = ::dlerror();
    return Status::InvalidArgument(err ? err : "dlopen failed");
  }
  return LibraryHandle{h};
}

void* FindSymbol(LibraryHandle lib, const char* name) {
  ::dlerror();
  return ::dlsym(lib.native, name);
}
#endif

}  // namespace crmhost::plugins
