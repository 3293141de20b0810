// A structural check of a plugin file before it is handed to the dynamic loader. dlopen trusts
// the file's program headers: a truncated .so (a copy still in progress, a broken download)
// can map segments past the end of the file and kill the daemon with SIGBUS on first touch.
// This check refuses such files up front with a readable reason. Pure; thread-safe.
#ifndef CRMHOST_PLUGINS_ELF_CHECK_H
#define CRMHOST_PLUGINS_ELF_CHECK_H

#include <string_view>

#include "crmhost/status.h"

namespace crmhost::plugins {

// OK if `bytes` is a complete ELF shared object for this machine; on Windows, a complete x64
// DLL (pe_check.h); elsewhere OK.
Status CheckSharedObject(std::string_view bytes);

}  // namespace crmhost::plugins

#endif  // CRMHOST_PLUGINS_ELF_CHECK_H
