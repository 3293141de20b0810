#include "durability.h"

#include <chrono>
#include <ctime>
#include <filesystem>

namespace crmhost::store {

using namespace std::chrono_literals;

Durability::Durability(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* probe_family, bool sync,
                       std::string dir, uint64_t min_free_bytes,
                       std::function<void(bool, std::string_view)> on_change)
    : db_(db),
      probe_family_(probe_family),
      sync_(sync),
      dir_(std::move(dir)),
      min_free_bytes_(min_free_bytes),
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

std::string Durability::SpaceShortage() {
  if (min_free_bytes_ == 0) return {};
  std::error_code ec;
  const auto space = std::filesystem::space(dir_, ec);
  if (ec) return {};  // cannot tell: let RocksDB try
  const uint64_t free_bytes = space.available;
  if (free_bytes >= min_free_bytes_) return {};
  std::string why = "the disk holding the store has " + std::to_string(free_bytes >> 20) +
                    " MiB free, less than the " + std::to_string(min_free_bytes_ >> 20) +
                    " MiB kept in reserve";
  Fail(why);
  return why;
}

Status Durability::WriteDirect(rocksdb::WriteBatch& batch, std::string_view what) {
  if (std::string why = SpaceShortage(); !why.empty())
    return Status::IOError(std::string(what) + ": " + why);
  const rocksdb::Status s = db_->Write(rocksdb::WriteOptions(), &batch);
  Note(s, what);
  return s.ok() ? Status::OK() : Status::IOError(std::string(what) + ": " + s.ToString());
}

Status Durability::WriteNow(rocksdb::WriteBatch batch, std::string_view what) {
  if (sync_) {
    std::unique_lock lock(mu_);
    if (in_round_ && !stop_) {
      lock.unlock();
      return Enqueue(std::move(batch), /*durable=*/false, what);
    }
    ++direct_writers_;
  }
  Status s = WriteDirect(batch, what);
  if (sync_) {
    std::unique_lock lock(mu_);
    // The commit thread may be holding a round (or a recovery probe) back until direct writes
    // are done: it does so only with in_round_ set.
    if (--direct_writers_ == 0 && in_round_) {
      lock.unlock();
      cv_.notify_all();
    }
  }
  return s;
}

Status Durability::Commit(rocksdb::WriteBatch batch) {
  if (!sync_) return WriteNow(std::move(batch), "writing to the store");
  return Enqueue(std::move(batch), /*durable=*/true);
}

Status Durability::WaitDurable() {
  if (!sync_) {
    std::lock_guard lock(mu_);
    if (!health_.writable) return Status::IOError("store is not writable: " + health_.last_error);
    return Status::OK();
  }
  return Enqueue(std::nullopt, /*durable=*/true);
}

Status Durability::Enqueue(std::optional<rocksdb::WriteBatch> batch, bool durable,
                           std::string_view what) {
  Status result = Status::IOError("the store is closing");
  SuspendUntil([&](Resume resume) {
    std::unique_lock lock(mu_);
    if (stop_) {
      lock.unlock();
      resume();
      return;
    }
    waiting_.push_back({std::move(resume), &result, std::move(batch), durable, std::string(what)});
    lock.unlock();
    cv_.notify_all();
  });
  return result;
}

std::vector<Durability::Waiter> Durability::WriteHandedOver(std::vector<Waiter> round) {
  std::vector<Waiter> durable;
  durable.reserve(round.size());
  for (auto& w : round) {
    if (w.durable) {
      durable.push_back(std::move(w));
      continue;
    }
    *w.result = WriteDirect(*w.batch, w.what);
    w.resume();
  }
  return durable;
}

// One round: every durable batch written in arrival order (after the round's handed-over
// unsynced writes: all of them were made concurrently, so any order is one they could have had),
// the last write synced (which syncs the log
// up to it: the earlier batches and every unsynced write made before). A round of barriers only
// writes a marker to have something to sync.
void Durability::CommitRound(std::vector<Waiter>& round) {
  if (std::string why = SpaceShortage(); !why.empty()) {
    for (auto& w : round)
      *w.result = Status::IOError("committing to the store: " + why);
    return;
  }
  size_t last = round.size();
  for (size_t i = 0; i < round.size(); ++i)
    if (round[i].batch) last = i;
  rocksdb::WriteBatch marker;
  if (last == round.size()) marker.Put(probe_family_, "sync-marker", "");
  rocksdb::Status round_status;
  std::vector<rocksdb::Status> own(round.size());
  for (size_t i = 0; i < round.size(); ++i) {
    if (!round[i].batch || i == last) continue;
    own[i] = db_->Write(rocksdb::WriteOptions(), &*round[i].batch);
  }
  rocksdb::WriteOptions synced;
  synced.sync = true;
  round_status = db_->Write(synced, last == round.size() ? &marker : &*round[last].batch);
  if (last < round.size()) own[last] = round_status;
  for (size_t i = 0; i < round.size(); ++i) {
    // A batch is durable only if it was written and the round's sync succeeded.
    const rocksdb::Status& s = !own[i].ok() ? own[i] : round_status;
    if (!s.ok()) Note(s, "committing to the store");
    *round[i].result =
        s.ok() ? Status::OK() : Status::IOError("committing to the store: " + s.ToString());
  }
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
      // The probe is a synced write: writers are handed over meanwhile, as during a round.
      in_round_ = true;
      cv_.wait(lock, [&] { return stop_ || direct_writers_ == 0; });
      lock.unlock();
      Recover();
      lock.lock();
      in_round_ = false;
    }
    if (waiting_.empty()) continue;
    // From here on WriteNow hands its writes over (so a steady stream of them cannot keep the
    // round from starting); the round starts once the direct writes already under way are done
    // (they are quick: no sync), so none of them is queued behind this round's sync.
    in_round_ = true;
    cv_.wait(lock, [&] { return stop_ || direct_writers_ == 0; });
    if (stop_) break;
    // Everyone who asked so far shares this round's one sync; later arrivals wait for the next.
    std::vector<Waiter> round;
    round.swap(waiting_);
    lock.unlock();
    round = WriteHandedOver(std::move(round));
    if (!round.empty()) CommitRound(round);
    lock.lock();
    in_round_ = false;
    if (round.empty()) continue;
    ++health_.syncs;
    health_.synced_waits += round.size();
    lock.unlock();
    for (auto& w : round)
      w.resume();
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
  if (std::string why = SpaceShortage(); !why.empty()) {
    std::lock_guard lock(mu_);
    health_.recovery_error = why;
    return;
  }
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
