// The store's group commit (store/src/rocksdb/durability.h, internal to store/): an unsynced write
// made on a fiber while a round is syncing parks the fiber instead of queueing its thread behind
// the fsync, so the other fibers of that thread keep running. The WAL's sync is held at a gate
// here, so the test does not depend on timing: without the hand-over the second fiber cannot
// run until the gate opens, and the test fails after its wait.
#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/file_system.h>
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

#include "../../store/src/rocksdb/durability.h"
#include "runtime/fiber_pool.h"
#include "support/daemon_process.h"

using crmhost::FiberPool;
using crmhost::Status;
using crmhost::store::Durability;
using namespace std::chrono_literals;

namespace {

// Holds every WAL sync while closed; counts the syncs that reached it.
struct SyncGate {
  std::mutex mu;
  std::condition_variable cv;
  bool closed = false;
  int entered = 0;

  void Pass() {
    std::unique_lock lock(mu);
    ++entered;
    cv.notify_all();
    cv.wait(lock, [&] { return !closed; });
  }
  bool WaitEntered(int n) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, 20s, [&] { return entered >= n; });
  }
  void Set(bool close) {
    std::lock_guard lock(mu);
    closed = close;
    cv.notify_all();
  }
};

class GatedFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  GatedFile(std::unique_ptr<rocksdb::FSWritableFile> f, SyncGate* gate)
      : FSWritableFileOwnerWrapper(std::move(f)), gate_(gate) {}
  rocksdb::IOStatus Sync(const rocksdb::IOOptions& o, rocksdb::IODebugContext* d) override {
    gate_->Pass();
    return FSWritableFileOwnerWrapper::Sync(o, d);
  }
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions& o, rocksdb::IODebugContext* d) override {
    gate_->Pass();
    return FSWritableFileOwnerWrapper::Fsync(o, d);
  }

 private:
  SyncGate* gate_;
};

// Gates the write-ahead log's files (*.log) only: flushes and the manifest go straight through.
class GatedFileSystem : public rocksdb::FileSystemWrapper {
 public:
  explicit GatedFileSystem(SyncGate* gate)
      : FileSystemWrapper(rocksdb::FileSystem::Default()), gate_(gate) {}
  const char* Name() const override { return "GatedFileSystem"; }
  rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& o,
                                    std::unique_ptr<rocksdb::FSWritableFile>* r,
                                    rocksdb::IODebugContext* d) override {
    auto s = FileSystemWrapper::NewWritableFile(name, o, r, d);
    if (s.ok() && name.size() > 4 && name.ends_with(".log"))
      *r = std::make_unique<GatedFile>(std::move(*r), gate_);
    return s;
  }

 private:
  SyncGate* gate_;
};

bool WaitFor(const std::atomic<bool>& flag, std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!flag.load()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

}  // namespace

TEST_CASE("Durability: an unsynced write during a round's sync parks its fiber, not the thread",
          "[store][durability]") {
  crmhost::testing::TempDir dir;
  SyncGate gate;
  std::unique_ptr<rocksdb::Env> env =
      rocksdb::NewCompositeEnv(std::make_shared<GatedFileSystem>(&gate));
  rocksdb::Options options;
  options.create_if_missing = true;
  options.env = env.get();
  rocksdb::DB* raw = nullptr;
  REQUIRE(rocksdb::DB::Open(options, dir.path(), &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  auto durability = std::make_unique<Durability>(db.get(), db->DefaultColumnFamily(),
                                                 /*sync=*/true, dir.path(), /*min_free=*/0);

  // A durable commit from a plain thread: its round stops in the WAL's sync.
  gate.Set(true);
  Status committed = Status::IOError("not yet");
  std::thread committer([&] {
    rocksdb::WriteBatch b;
    b.Put("link", "durable");
    committed = durability->Commit(std::move(b));
  });
  REQUIRE(gate.WaitEntered(1));

  // Two fibers on one thread: the first writes unsynced, the second only has to run.
  FiberPool pool({.threads = 1});
  std::atomic<bool> writing{false}, written{false}, other_ran{false}, other_ran_after{false};
  Status unsynced = Status::IOError("not yet");
  REQUIRE(pool.TrySpawn([&] {
    rocksdb::WriteBatch b;
    b.Put("reservation", "pending");
    writing = true;
    unsynced = durability->WriteNow(std::move(b), "reserving");
    written = true;
  }));
  REQUIRE(pool.TrySpawn([&] {
    other_ran_after = writing.load();  // the first fiber had entered WriteNow
    other_ran = true;
  }));

  // Without the hand-over the first fiber holds the thread in RocksDB's writer queue until the
  // sync ends, and the second cannot run while the gate is closed.
  CHECK(WaitFor(other_ran, 10s));
  CHECK(other_ran_after.load());
  CHECK_FALSE(written.load());  // parked until the next round writes it

  gate.Set(false);
  committer.join();
  REQUIRE(WaitFor(written, 20s));
  CHECK(committed.ok());
  CHECK(unsynced.ok());
  pool.Shutdown();
  std::string value;
  REQUIRE(db->Get(rocksdb::ReadOptions(), "reservation", &value).ok());
  CHECK(value == "pending");
  REQUIRE(db->Get(rocksdb::ReadOptions(), "link", &value).ok());
  CHECK(value == "durable");
  const Durability::Health h = durability->health();
  CHECK(h.syncs == 1);  // the hand-over was written without a sync of its own
  CHECK(h.synced_waits == 1);
  durability.reset();
}

TEST_CASE("Durability: an unsynced write with no round under way is written at once",
          "[store][durability]") {
  crmhost::testing::TempDir dir;
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  REQUIRE(rocksdb::DB::Open(options, dir.path(), &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  Durability durability(db.get(), db->DefaultColumnFamily(), /*sync=*/true, dir.path(), 0);
  rocksdb::WriteBatch b;
  b.Put("k", "v");
  REQUIRE(durability.WriteNow(std::move(b), "writing").ok());
  std::string value;
  REQUIRE(db->Get(rocksdb::ReadOptions(), "k", &value).ok());
  CHECK(value == "v");
  CHECK(durability.health().syncs == 0);  // no round: written by the caller itself
}
