#include "ops/sd_notify.h"

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

}  // namespace crmhost::ops
