// KeyedLocks: callers with the same key take turns; different keys never wait on each other;
// unused keys do not accumulate.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>
#include <vector>

#include "runtime/keyed_locks.h"

namespace crmhost {

TEST_CASE("KeyedLocks serialises callers with the same key", "[keyed_locks]") {
  KeyedLocks locks;
  int counter = 0;  // deliberately not atomic: only the lock protects it
  std::atomic<int> inside{0};
  std::atomic<int> max_inside{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        auto guard = locks.Lock("user-1");
        int now = ++inside;
        int seen = max_inside.load();
        while (now > seen && !max_inside.compare_exchange_weak(seen, now)) {
        }
        ++counter;
        --inside;
      }
    });
  for (auto& t : threads)
    t.join();
  CHECK(counter == 1600);
  CHECK(max_inside == 1);
}

TEST_CASE("KeyedLocks never makes different keys wait on each other", "[keyed_locks]") {
  KeyedLocks locks;
  auto held = locks.Lock("a");
  std::atomic<bool> a_held{true};
  auto other = std::async(std::launch::async, [&] {
    auto g = locks.Lock("b");
    return a_held.load();  // "b" was had while "a" was still held
  });
  REQUIRE(other.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
  CHECK(other.get());
  // The same key does wait while held.
  auto same = std::async(std::launch::async, [&] {
    auto g = locks.Lock("a");
    return true;
  });
  CHECK(same.wait_for(std::chrono::milliseconds(100)) == std::future_status::timeout);
  a_held = false;
  { auto release = std::move(held); }
  CHECK(same.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
}

TEST_CASE("KeyedLocks forgets keys nobody holds", "[keyed_locks]") {
  KeyedLocks locks;
  for (int i = 0; i < 10000; ++i)
    auto g = locks.Lock("key-" + std::to_string(i));
  CHECK(locks.size() < 200);
}

}  // namespace crmhost
