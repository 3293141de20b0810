// Windows has no systemd: the notifier is never enabled and no sockets are inherited. The
// service control manager hears from ops/windows_service.cpp instead.
#include "ops/sd_notify.h"

namespace crmhost::ops {

SystemdNotifier::SystemdNotifier() = default;

bool SystemdNotifier::Notify(std::string_view) const {
  return false;
}

bool SystemdNotifier::NotifyReloading() const {
  return false;
}

std::vector<std::pair<std::string, int>> TakeInheritedSockets() {
  return {};
}

}  // namespace crmhost::ops
