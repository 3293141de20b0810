#include "durability.h"

#include <chrono>
#include <ctime>

namespace crmhost::store {

using namespace std::chrono_literals;

Durability::Durability(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* probe_family, bool sync,
                       std::function<void(bool, std::string_view)> on_change)
    : db_(db),
      probe_family_(probe_family),
      sync_(sync),
      on_change_(std::move(on_change)),
      thread_([this] { Run(); }) {}

Durability::~Durability() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

Status Durability::WaitDurable() {
  if (!sync_) {
    std::lock_guard lock(mu_);
    if (!health_.writable) return Status::IOError("store is not writable: " + health_.last_error);
    return Status::OK();
  }
  Status result = Status::IOError("the store is closing");
  SuspendUntil([&](Resume resume) {
    std::unique_lock lock(mu_);
    if (stop_) {
      lock.unlock();
      resume();
      return;
    }
    waiting_.push_back({std::move(resume), &result});
    lock.unlock();
    cv_.notify_all();
  });
  return result;
}

void Durability::Note(const rocksdb::Status& s, std::string_view what) {
  if (s.ok() || s.IsNotFound() || s.IsBusy() || s.IsTimedOut() || s.IsTryAgain()) return;
  Fail(std::string(what) + ": " + s.ToString());
}

void Durability::Fail(std::string why) {
  bool was_writable;
  {
    std::lock_guard lock(mu_);
    ++health_.write_errors;
    was_writable = health_.writable;
    health_.writable = false;
    health_.last_error = why;
  }
  cv_.notify_all();
  if (was_writable && on_change_) on_change_(false, why);  // once per outage, not per write
}

Durability::Health Durability::health() const {
  std::lock_guard lock(mu_);
  return health_;
}

void Durability::Run() {
  std::unique_lock lock(mu_);
  for (;;) {
    // While not writable, wake every half second to try to recover; otherwise only for work.
    if (health_.writable) {
      cv_.wait(lock, [&] { return stop_ || !waiting_.empty() || !health_.writable; });
    } else {
      cv_.wait_for(lock, 500ms, [&] { return stop_; });
    }
    if (stop_) break;
    if (!health_.writable) {
      lock.unlock();
      Recover();
      lock.lock();
    }
    if (waiting_.empty()) continue;
    // Everything written before these callers asked is in the WAL file; one sync covers all of
    // them. Later arrivals wait for the next round (this sync may not include their bytes).
    std::vector<Waiter> batch;
    batch.swap(waiting_);
    lock.unlock();
    rocksdb::Status s = db_->SyncWAL();
    Status result =
        s.ok() ? Status::OK() : Status::IOError("syncing the store's log: " + s.ToString());
    if (!s.ok()) Fail("syncing the store's log: " + s.ToString());
    lock.lock();
    ++health_.syncs;
    health_.synced_waits += batch.size();
    lock.unlock();
    for (auto& w : batch) {
      *w.result = result;
      w.resume();
    }
    lock.lock();
  }
  // Closing: nobody may be left parked.
  std::vector<Waiter> left;
  left.swap(waiting_);
  lock.unlock();
  for (auto& w : left) {
    *w.result = Status::IOError("the store is closing");
    w.resume();
  }
}

void Durability::Recover() {
  // RocksDB stops taking writes after a background error (no space, an I/O error). Resume
  // clears it once the cause is gone; it answers Busy while RocksDB's own automatic recovery is
  // under way, which may succeed by itself. Either way the synced probe write is what decides:
  // the store is writable again when a write really reaches the disk.
  const rocksdb::Status resumed = db_->Resume();
  rocksdb::WriteOptions w;
  w.sync = true;
  const rocksdb::Status probe =
      db_->Put(w, probe_family_, "health-probe", std::to_string(std::time(nullptr)));
  {
    std::lock_guard lock(mu_);
    if (!probe.ok()) {
      health_.recovery_error = (resumed.ok() || resumed.IsBusy() ? probe : resumed).ToString();
      return;
    }
    health_.writable = true;
    health_.recovery_error.clear();
    ++health_.recoveries;
  }
  if (on_change_) on_change_(true, "a synced write succeeded again");
}

}  // namespace crmhost::store
