// PluginManager: keeps the registry in step with the plugin directory, with zero downtime.
//
// It owns the one control thread. That thread watches the directory (DirectoryWatcher), waits
// until a changed file has been stable for `settle` (so a file still being copied is not
// loaded), loads it through the Loader (private shadow copy, checks, init, self-check) and only
// then publishes it: requests already running finish on the old version, new requests get the
// new one. A refused file leaves the old version serving and records the reason. A removed
// file retires its platform. Retired versions are shut down on this thread after their last
// request (Registry::Reap). Explicit triggers: Reload() (ops API, SIGHUP via RequestRescan) and
// Rollback() (republish the previous good version).
//
// Thread safety: Reload, Rollback, RequestRescan and Snapshot may be called from any thread;
// Reload and Rollback run on the control thread and wait for it.
#ifndef CRMHOST_PLUGINS_MANAGER_H
#define CRMHOST_PLUGINS_MANAGER_H

#include <atomic>
#include <chrono>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "crmhost/status.h"
#include "plugins/loader.h"
#include "plugins/registry.h"
#include "plugins/watcher.h"

namespace crmhost::plugins {

// What an admin sees per plugin (GET /plugins).
struct PluginStatus {
  std::string name;
  std::string state;  // "active", "removed" or "refused"
  std::string version, abi, sha256, file;
  int64_t loaded_at_ms = 0;
  int64_t inflight = 0;          // requests on the live version now
  uint64_t generation = 0;       // +1 on every publish of this platform
  size_t draining = 0;           // retired versions still finishing requests
  size_t resident_versions = 0;  // distinct library files of this plugin mapped in the process
  std::optional<std::string> previous_version;  // what a rollback would publish
  std::optional<std::string> last_error;        // the last refusal's reason
  std::vector<PluginRoute> routes;              // the HTTP routes the live version serves
};

class PluginManager {
 public:
  struct Options {
    std::filesystem::path plugin_dir;
    DirectoryWatcher::Mode watch = DirectoryWatcher::Mode::kNative;
    // A changed file must look the same for this long before it is loaded. Default: 200 ms.
    std::chrono::milliseconds settle{200};
    std::chrono::milliseconds poll_interval{1000};
    // Libraries are never unloaded; past this many distinct builds of one plugin in a process,
    // new builds are refused until a restart. Default: 16.
    size_t max_resident_versions = 16;
    // The contract route a plugin route would collide with ("GET /contact"), or nullopt when
    // the path is free. A plugin declaring such a route is refused. May be empty (no check).
    std::function<std::optional<std::string>(const PluginRoute&)> contract_route;
  };

  PluginManager(Options options, Loader& loader, Registry& registry);
  ~PluginManager();  // Stop()

  // Loads every plugin in the directory now (on the calling thread), then starts the control
  // thread.
  void Start();
  void Stop();

  struct ReloadReport {
    std::vector<std::string> published;  // "redtail 1.0.1"
    std::vector<std::string> refused;    // "redtail.so: <reason>"
    std::vector<std::string> removed;    // platform names
  };
  // Rescans now, without waiting for files to settle, retrying files that were refused.
  ReloadReport Reload();
  // Republishes the previous good version of `name`. NotFound / InvalidArgument on failure.
  Result<PluginStatus> Rollback(const std::string& name);
  // Asynchronous Reload (for SIGHUP).
  void RequestRescan();

  std::vector<PluginStatus> Snapshot() const;
  std::string watch_description() const;

  // Progress of the control thread, for /metrics and for tests that wait for it instead of
  // sleeping: wake-ups of its loop (watch events, ticks, queued work), and scans of the plugin
  // directory after which every file present had been acted on (a forced reload, or a watched
  // change once it settled).
  struct Progress {
    uint64_t wakeups = 0;
    uint64_t settled_scans = 0;
  };
  Progress progress() const {
    return {wakeups_.load(std::memory_order_relaxed),
            settled_scans_.load(std::memory_order_relaxed)};
  }

 private:
  struct FileState {
    uint64_t size = 0;
    int64_t mtime_ns = 0;
    uint64_t inode = 0;
    std::chrono::steady_clock::time_point seen;
    bool handled = false;              // this content was acted on
    std::string platform;              // platform this file provides (last success)
    std::optional<std::string> error;  // last refusal
  };
  struct Slot {
    std::string file;
    std::shared_ptr<PluginVersion> live;  // null when removed
    PluginInfo info;                      // of the last published version
    uint64_t generation = 0;
    std::vector<PluginInfo> history;  // earlier good versions, newest last (rollback)
    std::string pinned_sha;           // rolled back from: not republished from its file
    std::set<std::string> resident;   // shas mapped
    std::optional<std::string> last_error;
    bool removed = false;
  };

  void Run();
  void RunTasks();
  // Scans the directory; returns true while some change has not settled yet.
  bool Rescan(bool force, ReloadReport* report);
  void TryLoad(const std::string& file_name, FileState& fs, ReloadReport* report);
  // Why the HTTP routes of a version described by `v` cannot be served (a contract route or
  // another plugin's route already answers one of them); nullopt when they can.
  std::optional<std::string> RouteConflict(const PluginInfo& v) const;
  void Publish(Slot& slot, const std::string& file_name, std::shared_ptr<PluginVersion> v,
               ReloadReport* report);
  void RemovePlatform(const std::string& platform, ReloadReport* report);
  void ReapDrained();
  PluginStatus StatusOf(const std::string& name, const Slot& slot) const;

  void PublishSnapshot();  // control thread: refresh what Snapshot() reads

  Options options_;
  Loader& loader_;
  Registry& registry_;
  std::unique_ptr<DirectoryWatcher> watcher_;
  std::thread thread_;

  // Owned by the control thread (and by Start() before the thread exists): no lock.
  std::map<std::string, FileState> files_;      // by file name
  std::map<std::string, Slot> slots_;           // by platform name
  std::map<std::string, std::string> refused_;  // file name -> reason, for files that never loaded
  bool dirty_ = false;
  std::chrono::steady_clock::time_point last_change_;

  std::atomic<uint64_t> wakeups_{0};
  std::atomic<uint64_t> settled_scans_{0};
  mutable std::mutex mu_;
  bool stopping_ = false;                                                          // guarded by mu_
  std::deque<std::function<void()>> tasks_;                                        // guarded by mu_
  std::vector<std::pair<PluginStatus, std::shared_ptr<PluginVersion>>> snapshot_;  // guarded by mu_
};

}  // namespace crmhost::plugins

#endif  // CRMHOST_PLUGINS_MANAGER_H
