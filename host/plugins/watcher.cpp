#include "plugins/watcher.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

#if defined(__linux__)
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>
#elif defined(_WIN32)
#include <windows.h>
#endif

namespace crmhost::plugins {
namespace {

using Clock = std::chrono::steady_clock;

// Polling (and "off"): a timer plus a condition variable for Wake().
class PollWatcher final : public DirectoryWatcher {
 public:
  PollWatcher(bool enabled, std::chrono::milliseconds interval)
      : enabled_(enabled), interval_(interval) {}
  Mode mode() const override { return enabled_ ? Mode::kPoll : Mode::kOff; }
  std::string description() const override {
    return enabled_ ? "polling every " + std::to_string(interval_.count()) + " ms"
                    : "off (SIGHUP and the ops API only)";
  }
  bool Wait(std::chrono::milliseconds timeout) override {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [this] { return woken_; });
    woken_ = false;
    if (!enabled_ || Clock::now() - last_ < interval_) return false;
    last_ = Clock::now();
    return true;
  }
  void Wake() override {
    {
      std::lock_guard lock(mu_);
      woken_ = true;
    }
    cv_.notify_one();
  }

 private:
  const bool enabled_;
  const std::chrono::milliseconds interval_;
  Clock::time_point last_ = Clock::now();
  std::mutex mu_;
  std::condition_variable cv_;
  bool woken_ = false;  // guarded by mu_
};

#if defined(__linux__)
class InotifyWatcher final : public DirectoryWatcher {
 public:
  InotifyWatcher(int in_fd, int wake_fd) : in_fd_(in_fd), wake_fd_(wake_fd) {}
  ~InotifyWatcher() override {
    ::close(in_fd_);
    ::close(wake_fd_);
  }
  Mode mode() const override { return Mode::kNative; }
  std::string description() const override { return "inotify"; }

  bool Wait(std::chrono::milliseconds timeout) override {
    pollfd fds[2] = {{in_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    int n = ::poll(fds, 2, int(timeout.count()));
    if (n <= 0) return false;
    bool changed = false;
    if (fds[0].revents & POLLIN) {
      alignas(inotify_event) char buf[16384];
      // Drain everything queued; which file changed does not matter (the manager re-stats).
      while (::read(in_fd_, buf, sizeof buf) > 0)
        changed = true;
    }
    if (fds[1].revents & POLLIN) {
      uint64_t v;
      [[maybe_unused]] auto r = ::read(wake_fd_, &v, sizeof v);
    }
    return changed;
  }

  void Wake() override {
    uint64_t one = 1;
    [[maybe_unused]] auto r = ::write(wake_fd_, &one, sizeof one);
  }

 private:
  int in_fd_;
  int wake_fd_;
};

std::unique_ptr<DirectoryWatcher> CreateNative(const std::filesystem::path& dir) {
  int in_fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (in_fd < 0) return nullptr;
  constexpr uint32_t kMask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CREATE |
                             IN_MODIFY | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF;
  if (::inotify_add_watch(in_fd, dir.c_str(), kMask) < 0) {
    ::close(in_fd);
    return nullptr;
  }
  int wake_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd < 0) {
    ::close(in_fd);
    return nullptr;
  }
  return std::make_unique<InotifyWatcher>(in_fd, wake_fd);
}

#elif defined(_WIN32)
// ReadDirectoryChangesW with overlapped I/O. Untested here (no Windows in CI); see
// docs/OPERATIONS.md.
class WindowsWatcher final : public DirectoryWatcher {
 public:
  WindowsWatcher(HANDLE dir, HANDLE changed, HANDLE wake) : dir_(dir), wake_(wake) {
    overlapped_.hEvent = changed;
    Arm();
  }
  ~WindowsWatcher() override {
    ::CancelIoEx(dir_, &overlapped_);
    ::CloseHandle(dir_);
    ::CloseHandle(overlapped_.hEvent);
    ::CloseHandle(wake_);
  }
  Mode mode() const override { return Mode::kNative; }
  std::string description() const override { return "ReadDirectoryChangesW"; }
  bool Wait(std::chrono::milliseconds timeout) override {
    HANDLE hs[2] = {overlapped_.hEvent, wake_};
    DWORD r = ::WaitForMultipleObjects(2, hs, FALSE, DWORD(timeout.count()));
    if (r != WAIT_OBJECT_0) return false;
    DWORD bytes = 0;
    ::GetOverlappedResult(dir_, &overlapped_, &bytes, FALSE);
    Arm();  // which file changed does not matter: the manager re-stats the directory
    return true;
  }
  void Wake() override { ::SetEvent(wake_); }

 private:
  void Arm() {
    ::ResetEvent(overlapped_.hEvent);
    ::ReadDirectoryChangesW(
        dir_, buffer_, sizeof buffer_, FALSE,
        FILE_NOTIFY_CHANGE_FILE_NAME | FILE_NOTIFY_CHANGE_SIZE | FILE_NOTIFY_CHANGE_LAST_WRITE,
        nullptr, &overlapped_, nullptr);
  }
  HANDLE dir_;
  HANDLE wake_;
  OVERLAPPED overlapped_{};
  alignas(DWORD) char buffer_[16384];
};

std::unique_ptr<DirectoryWatcher> CreateNative(const std::filesystem::path& dir) {
  HANDLE h =
      ::CreateFileW(dir.wstring().c_str(), FILE_LIST_DIRECTORY,
                    FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr, OPEN_EXISTING,
                    FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OVERLAPPED, nullptr);
  if (h == INVALID_HANDLE_VALUE) return nullptr;
  HANDLE changed = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);
  HANDLE wake = ::CreateEventW(nullptr, FALSE, FALSE, nullptr);
  return std::make_unique<WindowsWatcher>(h, changed, wake);
}
#else
std::unique_ptr<DirectoryWatcher> CreateNative(const std::filesystem::path&) {
  return nullptr;
}
#endif

}  // namespace

std::unique_ptr<DirectoryWatcher> DirectoryWatcher::Create(
    const std::filesystem::path& dir, Mode requested, std::chrono::milliseconds poll_interval) {
  if (requested == Mode::kNative) {
    if (auto w = CreateNative(dir)) return w;
    spdlog::warn("cannot watch {} for changes; polling every {} ms instead", dir.string(),
                 poll_interval.count());
    requested = Mode::kPoll;
  }
  return std::make_unique<PollWatcher>(requested == Mode::kPoll, poll_interval);
}

}  // namespace crmhost::plugins
