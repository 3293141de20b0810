#include "plugins/manager.h"

#include <spdlog/spdlog.h>
#if defined(_WIN32)
#include <windows.h>
#else
#include <sys/stat.h>
#endif

#include <future>

#include "runtime/digest.h"

namespace crmhost::plugins {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

constexpr auto kTick = 50ms;  // how often the control thread reaps drained versions

struct Stat {
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  uint64_t inode = 0;
};

// Size, modification time and file identity: a file replaced by rename keeps neither identity.
std::optional<Stat> StatFile(const fs::path& p) {
#if defined(_WIN32)
  HANDLE h = ::CreateFileW(p.c_str(), FILE_READ_ATTRIBUTES,
                           FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                           OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (h == INVALID_HANDLE_VALUE) return std::nullopt;
  BY_HANDLE_FILE_INFORMATION info{};
  const bool ok = ::GetFileInformationByHandle(h, &info);
  ::CloseHandle(h);
  if (!ok) return std::nullopt;
  auto join = [](DWORD high, DWORD low) { return (uint64_t(high) << 32) | low; };
  // FILETIME counts 100 ns from 1601: from 1970 on, in ns, it fits an int64 until 2262.
  constexpr uint64_t kFrom1601To1970 = 116444736000000000ull;
  const uint64_t written =
      join(info.ftLastWriteTime.dwHighDateTime, info.ftLastWriteTime.dwLowDateTime);
  const int64_t mtime_ns =
      written > kFrom1601To1970 ? int64_t((written - kFrom1601To1970) * 100) : 0;
  return Stat{join(info.nFileSizeHigh, info.nFileSizeLow), mtime_ns,
              join(info.nFileIndexHigh, info.nFileIndexLow)};
#else
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return std::nullopt;
  return Stat{uint64_t(st.st_size), int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec,
              uint64_t(st.st_ino)};
#endif
}

}  // namespace

PluginManager::PluginManager(Options options, Loader& loader, Registry& registry)
    : options_(std::move(options)), loader_(loader), registry_(registry) {}

PluginManager::~PluginManager() {
  Stop();
}

void PluginManager::Start() {
  std::error_code ec;
  fs::create_directories(options_.plugin_dir, ec);
  Rescan(/*force=*/true, nullptr);
  PublishSnapshot();
  watcher_ = DirectoryWatcher::Create(options_.plugin_dir, options_.watch, options_.poll_interval);
  spdlog::info("watching {} for plugin changes: {}", options_.plugin_dir.string(),
               watcher_->description());
  thread_ = std::thread([this] { Run(); });
}

void PluginManager::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  if (watcher_) watcher_->Wake();
  if (thread_.joinable()) thread_.join();
}

std::string PluginManager::watch_description() const {
  return watcher_ ? watcher_->description() : "not started";
}

void PluginManager::Run() {
  for (;;) {
    const bool changed = watcher_->Wait(kTick);
    {
      std::lock_guard lock(mu_);
      if (stopping_) break;
    }
    wakeups_.fetch_add(1, std::memory_order_relaxed);
    if (changed) {
      dirty_ = true;
      last_change_ = Clock::now();
    }
    RunTasks();
    if (dirty_ && Clock::now() - last_change_ >= options_.settle) {
      dirty_ = Rescan(/*force=*/false, nullptr);
      if (!dirty_) settled_scans_.fetch_add(1, std::memory_order_relaxed);
      last_change_ = Clock::now();
      PublishSnapshot();
    }
    ReapDrained();
  }
  // Fail whatever is still queued rather than leave callers waiting forever.
  std::deque<std::function<void()>> rest;
  {
    std::lock_guard lock(mu_);
    rest.swap(tasks_);
  }
  for (auto& t : rest)
    t();
}

void PluginManager::RunTasks() {
  for (;;) {
    std::function<void()> task;
    {
      std::lock_guard lock(mu_);
      if (tasks_.empty()) return;
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
    PublishSnapshot();
  }
}

void PluginManager::ReapDrained() {
  auto drained = registry_.Reap();
  if (!drained.empty()) PublishSnapshot();
}

bool PluginManager::Rescan(bool force, ReloadReport* report) {
  bool unsettled = false;
  const auto now = Clock::now();
  std::set<std::string> present;
  for (const auto& path : Loader::ListPluginFiles(options_.plugin_dir)) {
    const std::string name = path.filename().string();
    present.insert(name);
    auto st = StatFile(path);
    if (!st) continue;
    FileState& fs = files_[name];
    const bool same = fs.size == st->size && fs.mtime_ns == st->mtime_ns && fs.inode == st->inode &&
                      fs.seen != Clock::time_point();
    if (!same) {
      // New content (or a new file): note it, and load it once it has stopped changing.
      fs.size = st->size;
      fs.mtime_ns = st->mtime_ns;
      fs.inode = st->inode;
      fs.seen = now;
      fs.handled = false;
      if (!force) {
        unsettled = true;
        continue;
      }
    }
    // Settled content is acted on once; an explicit reload retries what was refused.
    if (fs.handled && !(force && fs.error)) continue;
    if (!force && now - fs.seen < options_.settle) {
      unsettled = true;
      continue;
    }
    fs.handled = true;
    TryLoad(name, fs, report);
  }
  // Files that are gone retire the platforms they provided.
  for (auto it = files_.begin(); it != files_.end();) {
    if (present.count(it->first)) {
      ++it;
      continue;
    }
    if (!it->second.platform.empty()) RemovePlatform(it->second.platform, report);
    refused_.erase(it->first);
    it = files_.erase(it);
  }
  return unsettled;
}

void PluginManager::TryLoad(const std::string& file_name, FileState& fs, ReloadReport* report) {
  const fs::path path = options_.plugin_dir / file_name;
  auto refuse = [&](const std::string& reason) {
    fs.error = reason;
    if (!fs.platform.empty()) {
      slots_[fs.platform].last_error = reason;
    } else {
      refused_[file_name] = reason;
    }
    if (report) report->refused.push_back(reason);
    spdlog::warn("refused plugin {}", reason);
  };

  // The same content as what this file already provides (a touch, a copy of the same build)
  // or the content an admin rolled back from: nothing to do.
  const auto sha = Sha256HexOfFile(path);
  if (!fs.platform.empty() && sha) {
    Slot& slot = slots_[fs.platform];
    if ((slot.live && slot.live->info().sha256 == *sha) || slot.pinned_sha == *sha) {
      fs.error.reset();
      return;
    }
    if (!slot.resident.count(*sha) && slot.resident.size() >= options_.max_resident_versions) {
      refuse(file_name + ": " + std::to_string(slot.resident.size()) + " builds of " + fs.platform +
             " are already mapped in this process (libraries are never unloaded); restart crmhostd "
             "to load more");
      return;
    }
  }

  // Refusals that depend on the other plugins come before the new version's init and egress
  // allowlist: the version serving now keeps its own.
  auto loaded = loader_.Load(path, [&](const PluginInfo& info) -> std::optional<std::string> {
    if (auto it = slots_.find(info.name);
        it != slots_.end() && !it->second.removed && it->second.file != file_name)
      return "platform " + info.name + " is already provided by " + it->second.file;
    return RouteConflict(info);
  });
  if (!loaded.ok()) {
    refuse(loaded.status().message());
    return;
  }
  std::shared_ptr<PluginVersion> v = std::move(loaded).value();
  const std::string platform = v->name();
  if (!fs.platform.empty() && fs.platform != platform) RemovePlatform(fs.platform, report);
  fs.platform = platform;
  fs.error.reset();
  refused_.erase(file_name);
  Publish(slots_[platform], file_name, std::move(v), report);
}

std::optional<std::string> PluginManager::RouteConflict(const PluginInfo& v) const {
  for (const PluginRoute& route : v.routes) {
    const std::string label = route.method + " " + route.path;
    if (options_.contract_route) {
      if (auto taken = options_.contract_route(route))
        return "its route " + label + " collides with the contract route " + *taken;
    }
    // Another plugin's live routes; the same plugin's older version is being replaced.
    for (const auto& [name, slot] : slots_) {
      if (name == v.name || !slot.live) continue;
      for (const PluginRoute& theirs : slot.live->info().routes)
        if (RoutesOverlap(route, theirs))
          return "its route " + label + " collides with plugin " + name + "'s route " +
                 theirs.method + " " + theirs.path;
    }
  }
  return std::nullopt;
}

void PluginManager::Publish(Slot& slot, const std::string& file_name,
                            std::shared_ptr<PluginVersion> v, ReloadReport* report) {
  v->set_generation(++slot.generation);
  if (slot.live) slot.history.push_back(slot.live->info());
  const PluginInfo info = v->info();
  auto old = registry_.Publish(v);
  slot.live = std::move(v);
  slot.info = info;
  slot.file = file_name;
  slot.removed = false;
  slot.last_error.reset();
  slot.pinned_sha.clear();
  slot.resident.insert(info.sha256);
  if (report) report->published.push_back(info.name + " " + info.version);
  if (old) {
    spdlog::info(
        "published plugin {} {} (generation {}, ABI {}, sha256 {}) from {}; {} {} retired, "
        "draining {} requests",
        info.name, info.version, info.generation, info.abi, info.sha256.substr(0, 16), file_name,
        old->name(), old->info().version, old->inflight().load());
  } else {
    spdlog::info("loaded plugin {} {} (generation {}, ABI {}, sha256 {}) from {}", info.name,
                 info.version, info.generation, info.abi, info.sha256.substr(0, 16), file_name);
  }
}

void PluginManager::RemovePlatform(const std::string& platform, ReloadReport* report) {
  auto it = slots_.find(platform);
  if (it == slots_.end() || it->second.removed) return;
  Slot& slot = it->second;
  auto old = registry_.Retire(platform);
  if (slot.live) slot.history.push_back(slot.live->info());
  slot.live.reset();
  slot.removed = true;
  if (report) report->removed.push_back(platform);
  spdlog::info("plugin {} removed (its file {} is gone); draining {} requests", platform, slot.file,
               old ? old->inflight().load() : 0);
}

PluginManager::ReloadReport PluginManager::Reload() {
  auto done = std::make_shared<std::promise<ReloadReport>>();
  auto fut = done->get_future();
  {
    std::lock_guard lock(mu_);
    if (stopping_) return {};
    tasks_.push_back([this, done] {
      ReloadReport report;
      {
        std::lock_guard stop_lock(mu_);
        if (stopping_) {
          done->set_value(report);
          return;
        }
      }
      Rescan(/*force=*/true, &report);
      settled_scans_.fetch_add(1, std::memory_order_relaxed);
      // The caller (POST /plugins/reload, a synchronous `systemctl reload`) must find the new
      // state in GET /plugins the moment it returns, not after RunTasks gets round to it.
      PublishSnapshot();
      done->set_value(std::move(report));
    });
  }
  watcher_->Wake();
  return fut.get();
}

void PluginManager::RequestRescan() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    tasks_.push_back([this] {
      Rescan(/*force=*/true, nullptr);
      settled_scans_.fetch_add(1, std::memory_order_relaxed);
    });
  }
  watcher_->Wake();
}

Result<PluginStatus> PluginManager::Rollback(const std::string& name) {
  auto done = std::make_shared<std::promise<Result<PluginStatus>>>();
  auto fut = done->get_future();
  {
    std::lock_guard lock(mu_);
    if (stopping_) return Status::Unavailable("crmhostd is stopping");
    tasks_.push_back([this, name, done] {
      auto it = slots_.find(name);
      if (it == slots_.end()) {
        done->set_value(Status::NotFound("no plugin named " + name));
        return;
      }
      Slot& slot = it->second;
      if (slot.history.empty()) {
        done->set_value(
            Status::InvalidArgument("no earlier version of " + name + " to roll back to"));
        return;
      }
      const PluginInfo previous = slot.history.back();
      // The private copy: no file from the plugin dir.
      auto loaded = loader_.Load(previous.shadow,
                                 [this](const PluginInfo& info) { return RouteConflict(info); });
      if (!loaded.ok()) {
        done->set_value(Status::InvalidArgument("rollback of " + name + " to " + previous.version +
                                                " failed: " + loaded.status().message()));
        return;
      }
      slot.history.pop_back();
      // The version rolled back from is not kept for another rollback (reset before Publish),
      // and its file, still in the plugin directory, must not be republished by a rescan.
      const std::string rolled_back_from = slot.info.sha256;
      slot.live.reset();
      Publish(slot, slot.file, std::move(loaded).value(), nullptr);
      slot.pinned_sha = rolled_back_from;
      spdlog::info("rolled {} back to {} (generation {})", name, slot.info.version,
                   slot.info.generation);
      PublishSnapshot();  // as in Reload: visible before the caller hears back
      done->set_value(StatusOf(name, slot));
    });
  }
  watcher_->Wake();
  return fut.get();
}

PluginStatus PluginManager::StatusOf(const std::string& name, const Slot& slot) const {
  PluginStatus s;
  s.name = name;
  s.state = slot.removed ? "removed" : "active";
  s.version = slot.info.version;
  s.abi = slot.info.abi;
  s.sha256 = slot.info.sha256;
  s.file = slot.file;
  s.loaded_at_ms = slot.info.loaded_at_ms;
  s.generation = slot.generation;
  s.resident_versions = slot.resident.size();
  if (!slot.history.empty()) s.previous_version = slot.history.back().version;
  s.last_error = slot.last_error;
  if (!slot.removed) s.routes = slot.info.routes;
  return s;
}

void PluginManager::PublishSnapshot() {
  std::vector<std::pair<PluginStatus, std::shared_ptr<PluginVersion>>> snap;
  for (const auto& [name, slot] : slots_)
    snap.emplace_back(StatusOf(name, slot), slot.live);
  for (const auto& [file, reason] : refused_) {
    PluginStatus s;
    s.name = fs::path(file).stem().string();
    s.state = "refused";
    s.file = file;
    s.last_error = reason;
    snap.emplace_back(std::move(s), nullptr);
  }
  std::lock_guard lock(mu_);
  snapshot_ = std::move(snap);
}

std::vector<PluginStatus> PluginManager::Snapshot() const {
  std::vector<std::pair<PluginStatus, std::shared_ptr<PluginVersion>>> snap;
  {
    std::lock_guard lock(mu_);
    snap = snapshot_;
  }
  std::vector<PluginStatus> out;
  for (auto& [s, live] : snap) {
    if (live) s.inflight = live->inflight().load();
    if (s.state != "refused") s.draining = registry_.draining_count(s.name);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace crmhost::plugins
