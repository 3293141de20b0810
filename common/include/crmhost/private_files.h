// Files and directories only the daemon's own account may read: the master key, the ops token,
// the data dir. On POSIX that is a mode (0400 files, 0700 directories); on Windows a protected
// DACL granting the process's user, SYSTEM and Administrators and nobody else (a mode means
// nothing there, and inherited ACLs usually let every local user read).
#ifndef CRMHOST_PRIVATE_FILES_H
#define CRMHOST_PRIVATE_FILES_H

#include <optional>
#include <string>
#include <string_view>

#include "crmhost/status.h"

namespace crmhost {

// Creates `path` (which must not exist: never overwrites a key) holding `content`, private from
// its first byte, flushed to disk before it returns. On failure nothing is left behind.
Status CreatePrivateFile(const std::string& path, std::string_view content);

// Makes an existing directory private (and, on Windows, what is created in it afterwards). On
// Windows a directory owned by another account is refused (PermissionDenied): its owner could
// open it again at any time.
Status MakeDirectoryPrivate(const std::string& path);

// Why `path` is readable by others ("readable by group or others (mode 0644)", "readable by
// BUILTIN\Users"), or nothing when it is private. For warnings at start, not a security check.
std::optional<std::string> PrivateFileProblem(const std::string& path);

}  // namespace crmhost

#endif  // CRMHOST_PRIVATE_FILES_H
