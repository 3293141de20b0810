// DirectoryWatcher: tells the plugin control thread that the plugin directory may have changed.
//
// inotify on Linux, ReadDirectoryChangesW on Windows,
// polling everywhere as the fallback; "off" means only explicit triggers (SIGHUP, the ops API)
// cause a rescan. The watcher only says *that* something changed: the manager re-stats the
// directory and decides what to load, so lost or coalesced events are harmless.
//
// Wait() is called by the one control thread; Wake() from any thread.
#ifndef CRMHOST_PLUGINS_WATCHER_H
#define CRMHOST_PLUGINS_WATCHER_H

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

namespace crmhost::plugins {

class DirectoryWatcher {
 public:
  enum class Mode { kNative, kPoll, kOff };

  // A watcher for `dir` in the requested mode; kNative falls back to kPoll (with a warning) when
  // the platform facility is unavailable.
  static std::unique_ptr<DirectoryWatcher> Create(const std::filesystem::path& dir, Mode requested,
                                                  std::chrono::milliseconds poll_interval);
  virtual ~DirectoryWatcher() = default;

  virtual Mode mode() const = 0;
  virtual std::string description() const = 0;  // "inotify", "polling every 1000 ms", "off"
  // Waits up to `timeout` for a change or a Wake(). True if the directory may have changed.
  virtual bool Wait(std::chrono::milliseconds timeout) = 0;
  virtual void Wake() = 0;
};

}  // namespace crmhost::plugins

#endif  // CRMHOST_PLUGINS_WATCHER_H
