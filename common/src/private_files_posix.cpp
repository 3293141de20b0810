#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "crmhost/private_files.h"

namespace crmhost {

Status CreatePrivateFile(const std::string& path, std::string_view content) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0400);
  if (fd < 0) return Status::IOError("cannot create " + path + ": " + std::strerror(errno));
  bool ok = true;
  for (std::string_view rest = content; ok && !rest.empty();) {
    ssize_t n = ::write(fd, rest.data(), rest.size());
    ok = n > 0;
    if (ok) rest.remove_prefix(size_t(n));
  }
  ok = ok && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) {
    ::unlink(path.c_str());
    return Status::IOError("cannot write " + path);
  }
  return Status::OK();
}

Status MakeDirectoryPrivate(const std::string& path) {
  if (::chmod(path.c_str(), 0700) != 0)
    return Status::IOError("cannot chmod 0700 " + path + ": " + std::strerror(errno));
  return Status::OK();
}

std::optional<std::string> PrivateFileProblem(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !(st.st_mode & 077)) return std::nullopt;
  char mode[8];
  std::snprintf(mode, sizeof mode, "%04o", unsigned(st.st_mode & 07777));
  return std::string("readable by group or others (mode ") + mode + "; chmod 0400 it)";
}

}  // namespace crmhost
