#include "ops/sd_notify.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace crmhost::ops {

SystemdNotifier::SystemdNotifier() {
  if (const char* path = std::getenv("NOTIFY_SOCKET"); path && *path) socket_path_ = path;
  const char* usec = std::getenv("WATCHDOG_USEC");
  const char* pid = std::getenv("WATCHDOG_PID");
  const bool for_us = !pid || std::strtoll(pid, nullptr, 10) == ::getpid();
  if (usec && for_us) {
    const long long v = std::strtoll(usec, nullptr, 10);
    if (v > 0) watchdog_interval_ = std::chrono::microseconds(v / 2);
  }
}

bool SystemdNotifier::Notify(std::string_view state) const {
  if (socket_path_.empty()) return false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_path_.size() >= sizeof addr.sun_path) return false;
  std::memcpy(addr.sun_path, socket_path_.data(), socket_path_.size());
  socklen_t len = socklen_t(offsetof(sockaddr_un, sun_path) + socket_path_.size());
  if (addr.sun_path[0] == '@') addr.sun_path[0] = '\0';  // abstract namespace
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const ssize_t sent = ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL,
                                reinterpret_cast<sockaddr*>(&addr), len);
  ::close(fd);
  return sent == ssize_t(state.size());
}

bool SystemdNotifier::NotifyReloading() const {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  const long long usec = (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
  return Notify("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec));
}

std::vector<std::pair<std::string, int>> TakeInheritedSockets() {
  std::vector<std::pair<std::string, int>> out;
  const char* pid = std::getenv("LISTEN_PID");
  const char* fds = std::getenv("LISTEN_FDS");
  const std::string names = std::getenv("LISTEN_FDNAMES") ? std::getenv("LISTEN_FDNAMES") : "";
  if (pid && fds && std::strtoll(pid, nullptr, 10) == ::getpid()) {
    const long n = std::strtol(fds, nullptr, 10);
    size_t pos = 0;
    for (long i = 0; i < n && i < 16; ++i) {
      const size_t colon = names.find(':', pos);
      std::string name =
          pos <= names.size()
              ? names.substr(pos, colon == std::string::npos ? std::string::npos : colon - pos)
              : std::string();
      pos = colon == std::string::npos ? names.size() + 1 : colon + 1;
      const int fd = 3 + int(i);
      ::fcntl(fd, F_SETFD, FD_CLOEXEC);
      out.emplace_back(std::move(name), fd);
    }
  }
  ::unsetenv("LISTEN_PID");
  ::unsetenv("LISTEN_FDS");
  ::unsetenv("LISTEN_FDNAMES");
  return out;
}

}  // namespace crmhost::ops
