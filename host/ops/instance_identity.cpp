#include "ops/instance_identity.h"

#include <filesystem>
#include <fstream>

#include "crmhost/store/store.h"

#ifdef _WIN32
#include <windows.h>
#else
#include <fcntl.h>
#include <unistd.h>
#endif

namespace crmhost::ops {
namespace fs = std::filesystem;

Result<std::string> LoadInstanceName(const std::string& data_dir) {
  const std::string path = (fs::path(data_dir) / "instance.name").string();
  std::string name;
  if (std::ifstream in(path); in) std::getline(in, name);
  if (!name.empty()) return name;
  name = store::RandomInstanceId();
  std::ofstream out(path, std::ios::trunc);
  out << name << "\n";
  if (!out.flush()) return Status::IOError("cannot write " + path);
  return name;
}

Result<std::unique_ptr<DataDirLock>> DataDirLock::Take(const std::string& data_dir) {
  const std::string path = (fs::path(data_dir) / "crmhostd.lock").string();
  const std::string busy = "another crmhostd uses the data dir " + data_dir +
                           " (every instance sharing a PostgreSQL store needs a data dir of its "
                           "own)";
  std::unique_ptr<DataDirLock> lock(new DataDirLock());
#ifdef _WIN32
  // No sharing: a second opener fails until this handle closes (the process ends).
  HANDLE h = CreateFileW(fs::path(path).wstring().c_str(), GENERIC_READ | GENERIC_WRITE, 0, nullptr,
                         OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (h == INVALID_HANDLE_VALUE) {
    if (GetLastError() == ERROR_SHARING_VIOLATION) return Status::Busy(busy);
    return Status::IOError("cannot open " + path);
  }
  lock->handle_ = reinterpret_cast<intptr_t>(h);
#else
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IOError("cannot open " + path);
  struct flock fl {};
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
  if (::fcntl(fd, F_SETLK, &fl) != 0) {
    ::close(fd);
    return Status::Busy(busy);
  }
  lock->handle_ = fd;
#endif
  return lock;
}

DataDirLock::~DataDirLock() {
#ifdef _WIN32
  if (handle_ != -1) CloseHandle(reinterpret_cast<HANDLE>(handle_));
#else
  if (handle_ >= 0) ::close(handle_);
#endif
}

}  // namespace crmhost::ops
