// FiberPool: parked fibers cost no thread, a fiber never changes thread, fiber-locals follow
// the fiber, SuspendingMutex parks instead of blocking, and a stack overflow is reported by name.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "crmhost/suspend.h"
#include "runtime/fiber_pool.h"
#include "runtime/logging.h"

namespace crmhost {
namespace {

using namespace std::chrono_literals;

// Completions handed out by parked fibers, fired later by the test thread: a stand-in for a CRM
// that answers only when the test says so.
class Gate {
 public:
  void Park(Resume r) {
    std::lock_guard lock(mu_);
    parked_.push_back(std::move(r));
    cv_.notify_all();
  }
  // Waits until n completions are parked (false after 20 s).
  bool WaitParked(size_t n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, 20s, [&] { return parked_.size() >= n; });
  }
  void OpenAll() {
    std::vector<Resume> all;
    {
      std::lock_guard lock(mu_);
      all.swap(parked_);
    }
    for (auto& r : all)
      r();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Resume> parked_;
};

// Waits until `done` reaches n (false after 20 s).
bool WaitCount(const std::atomic<int>& done, int n) {
  for (int i = 0; i < 2000 && done.load() < n; ++i)
    std::this_thread::sleep_for(10ms);
  return done.load() >= n;
}

}  // namespace

TEST_CASE("FiberPool: 1,000 fibers parked at once on 2 threads all finish", "[fiber]") {
  // With a thread per waiting operation this needs 1,000 threads; here the two threads keep
  // serving while every fiber waits on the gate.
  FiberPool pool({.threads = 2});
  Gate gate;
  std::atomic<int> done{0};
  constexpr int kFibers = 1000;
  for (int i = 0; i < kFibers; ++i)
    REQUIRE(pool.TrySpawn([&] {
      SuspendUntil([&](Resume r) { gate.Park(std::move(r)); });
      ++done;
    }));
  REQUIRE(gate.WaitParked(kFibers));
  CHECK(done.load() == 0);
  CHECK(pool.stats().live == size_t(kFibers));
  gate.OpenAll();
  REQUIRE(WaitCount(done, kFibers));
  pool.Shutdown();
  CHECK(pool.stats().live == 0);
  CHECK(pool.stats().threads == 2);
}

TEST_CASE(
    "FiberPool: with idle spin, work posted from other threads and timers still runs, "
    "and the threads stop spinning once idle",
    "[fiber]") {
  // A long window: the fibers' resumes (posted by the test thread) and the timer below arrive
  // while the threads poll, so only poll() can run them.
  FiberPool pool({.threads = 2, .idle_spin = 200ms});
  Gate gate;
  std::atomic<int> done{0};
  constexpr int kFibers = 500;
  for (int i = 0; i < kFibers; ++i)
    REQUIRE(pool.TrySpawn([&] {
      SuspendUntil([&](Resume r) { gate.Park(std::move(r)); });
      ++done;
    }));
  REQUIRE(gate.WaitParked(kFibers));
  gate.OpenAll();
  REQUIRE(WaitCount(done, kFibers));

  std::atomic<bool> timer_fired{false};
  REQUIRE(pool.TrySpawn([&] {
    boost::asio::steady_timer timer(*CurrentFiberLoop(), 30ms);
    SuspendUntil([&](Resume r) { timer.async_wait([r](const auto&) { r(); }); });
    timer_fired = true;
  }));
  for (int i = 0; i < 2000 && !timer_fired; ++i)
    std::this_thread::sleep_for(10ms);
  CHECK(timer_fired.load());

  // Each thread polled for its window after its last work, and the spin was counted.
  std::this_thread::sleep_for(500ms);
  const double spun = pool.stats().idle_spin_seconds;
  CHECK(spun >= 0.2);
  // Then they sleep: nothing more is counted while the pool is idle.
  std::this_thread::sleep_for(400ms);
  CHECK(pool.stats().idle_spin_seconds == spun);
  pool.Shutdown();
  CHECK(pool.stats().live == 0);
}

TEST_CASE("FiberPool: a fiber resumes on the thread it started on", "[fiber]") {
  FiberPool pool({.threads = 4});
  Gate gate;
  std::atomic<int> moved{0}, done{0};
  for (int i = 0; i < 64; ++i)
    REQUIRE(pool.TrySpawn([&] {
      const auto before = std::this_thread::get_id();
      for (int round = 0; round < 3; ++round) {
        // Completed from a foreign thread: the resume still lands on the home thread.
        SuspendUntil([](Resume r) { std::thread([r] { r(); }).detach(); });
        if (std::this_thread::get_id() != before) ++moved;
      }
      ++done;
    }));
  REQUIRE(WaitCount(done, 64));
  CHECK(moved.load() == 0);
}

TEST_CASE(
    "FiberPool: a wait is started on the thread's stack after the fiber parked, and a "
    "start that throws throws on the fiber",
    "[fiber]") {
  // Parked stacks keep every page they touched; what starting the wait needs (an exchange
  // posted, a lock taken) must not add to them.
  FiberPool pool({.threads = 1});
  std::atomic<int> done{0};
  std::atomic<long> distance{0};
  std::atomic<bool> start_on_fiber{true}, threw{false}, after{false};
  REQUIRE(pool.TrySpawn([&] {
    char on_fiber = 0;
    SuspendUntil([&](Resume r) {
      char in_start = 0;
      const auto a = reinterpret_cast<uintptr_t>(&in_start);
      const auto b = reinterpret_cast<uintptr_t>(&on_fiber);
      distance = long(a > b ? a - b : b - a);
      start_on_fiber = OnFiber();
      r();  // resumed before start returns: the fiber must still come back exactly once
    });
    try {
      SuspendUntil([](Resume) { throw std::runtime_error("cannot start"); });
    } catch (const std::runtime_error& e) {
      threw = std::string(e.what()) == "cannot start";
    }
    SuspendUntil([](Resume r) { std::thread([r] { r(); }).detach(); });
    after = true;
    ++done;
  }));
  REQUIRE(WaitCount(done, 1));
  CHECK_FALSE(start_on_fiber.load());
  CHECK(distance.load() > long(kDefaultFiberStackBytes));  // not just below the fiber's frame
  CHECK(threw.load());
  CHECK(after.load());
}

TEST_CASE("FiberPool: the request id is fiber-local across interleaved fibers", "[fiber]") {
  FiberPool pool({.threads = 1});  // one thread: every fiber interleaves with the others
  Gate gate;
  std::atomic<int> done{0}, wrong{0};
  std::vector<std::string> ids;
  for (int i = 0; i < 20; ++i)
    ids.push_back("req-" + std::to_string(i));
  for (int i = 0; i < 20; ++i)
    REQUIRE(pool.TrySpawn([&, i] {
      RequestLogScope scope(ids[size_t(i)]);
      SuspendUntil([&](Resume r) { gate.Park(std::move(r)); });
      if (*FiberRequestIdSlot() != ids[size_t(i)]) ++wrong;
      ++done;
    }));
  REQUIRE(gate.WaitParked(20));
  gate.OpenAll();
  REQUIRE(WaitCount(done, 20));
  CHECK(wrong.load() == 0);
  CHECK_FALSE(OnFiber());  // the test thread is not a fiber
}

TEST_CASE("SuspendingMutex: a waiter on the holder's thread parks instead of deadlocking",
          "[fiber]") {
  // One thread. A takes the lock and parks (as an OAuth refresh parks on the CRM while holding
  // the user's lock); B then wants the lock. A std::mutex would block the only thread in B, and
  // A could never resume to unlock: a deadlock. SuspendingMutex parks B instead.
  FiberPool pool({.threads = 1});
  SuspendingMutex mu;
  Gate gate;
  std::atomic<int> done{0};
  std::vector<std::string> order;  // touched only under mu
  REQUIRE(pool.TrySpawn([&] {
    std::lock_guard lock(mu);
    order.push_back("A locked");
    SuspendUntil([&](Resume r) { gate.Park(std::move(r)); });
    order.push_back("A unlocks");
    ++done;
  }));
  REQUIRE(gate.WaitParked(1));
  REQUIRE(pool.TrySpawn([&] {
    std::lock_guard lock(mu);
    order.push_back("B locked");
    ++done;
  }));
  std::this_thread::sleep_for(50ms);  // give B the chance to (wrongly) run
  CHECK(done.load() == 0);
  gate.OpenAll();
  REQUIRE(WaitCount(done, 2));
  std::lock_guard lock(mu);
  CHECK(order == std::vector<std::string>{"A locked", "A unlocks", "B locked"});
}

TEST_CASE("FiberPool: refuses beyond max_fibers and after shutdown", "[fiber]") {
  FiberPool pool({.threads = 1, .max_fibers = 3});
  Gate gate;
  for (int i = 0; i < 3; ++i)
    REQUIRE(pool.TrySpawn([&] { SuspendUntil([&](Resume r) { gate.Park(std::move(r)); }); }));
  CHECK_FALSE(pool.TrySpawn([] {}));
  CHECK(pool.stats().refused == 1);
  REQUIRE(gate.WaitParked(3));
  gate.OpenAll();
  pool.Shutdown();
  CHECK_FALSE(pool.TrySpawn([] {}));
}

TEST_CASE("FiberPool: stacks are reused, not mapped per fiber", "[fiber]") {
  FiberPool pool({.threads = 1, .max_pooled_stacks = 8});
  std::atomic<int> done{0};
  for (int i = 0; i < 500; ++i) {
    REQUIRE(pool.TrySpawn([&] { ++done; }));
    if (i % 50 == 49) REQUIRE(WaitCount(done, i + 1));
  }
  REQUIRE(WaitCount(done, 500));
  pool.Shutdown();
  CHECK(pool.stats().stacks_mapped <= 8);
  CHECK(pool.stats().spawned == 500);
}

namespace {
// Deep enough to leave any stack this test gives a fiber.
int Recurse(int depth) {
  volatile char pad[1024];
  pad[0] = char(depth);
  if (depth > 1'000'000) return pad[0];
  return Recurse(depth + 1) + pad[0];
}
}  // namespace

TEST_CASE("FiberPool: a stack overflow names the fiber's label and request, then dies", "[fiber]") {
  int err[2];
  REQUIRE(::pipe(err) == 0);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(err[1], STDERR_FILENO);
    FiberPool pool({.threads = 1, .stack_bytes = 64 * 1024});
    pool.TrySpawn([] {
      RequestLogScope scope("req-overflow-1");
      FiberLabel label({"plugin stackhog", " operation findContact"});
      Recurse(0);
    });
    std::this_thread::sleep_for(10s);
    ::_exit(0);  // not reached when the overflow kills the process
  }
  ::close(err[1]);
  std::string out;
  char buf[512];
  for (ssize_t n; (n = ::read(err[0], buf, sizeof buf)) > 0;)
    out.append(buf, size_t(n));
  ::close(err[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  INFO(out);
  REQUIRE(WIFSIGNALED(status));
  CHECK((WTERMSIG(status) == SIGSEGV || WTERMSIG(status) == SIGBUS));
  CHECK(out.find("fiber stack overflow") != std::string::npos);
  CHECK(out.find("plugin stackhog operation findContact") != std::string::npos);
  CHECK(out.find("req-overflow-1") != std::string::npos);
}

}  // namespace crmhost
