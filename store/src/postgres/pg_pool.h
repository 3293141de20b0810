// PgPool: a bounded set of database threads, each owning one PostgreSQL connection.
//
// Every store call hands its statements to the pool and parks (SuspendUntil): the calling fiber
// waits, its thread serves other requests, and no fiber thread ever sits in libpq. The pool's
// size bounds both the connections this instance opens and the statements it runs at once;
// further callers queue, parked, in arrival order.
//
// Connections are made lazily and remade after a failure, with a backoff shared by the pool
// (100 ms doubling to 5 s): while the database cannot be reached, calls fail at once with
// Unavailable instead of piling up behind connection attempts, and the first call after the
// backoff tries again. A connection the server closed while idle (a restart) is noticed before
// it is used (PgConn::Healthy), so a restart costs no failed statement once PostgreSQL is back.
#ifndef CRMHOST_STORE_SRC_POSTGRES_PG_POOL_H
#define CRMHOST_STORE_SRC_POSTGRES_PG_POOL_H

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "crmhost/suspend.h"
#include "pg_conn.h"

namespace crmhost::store {

class PgPool {
 public:
  struct Options {
    PgConnectInfo info;
    int size = 8;
    std::string setup_sql;  // run on every new connection (timeouts, application name)
    // Drop the connection after any failed job, not only a broken one: for the lock pools, where
    // a failed unlock on a live connection would otherwise leave the lock held by it for good.
    bool drop_after_failure = false;
  };
  // Answers the caller before the job ends (a lock taken, held until the job returns).
  using Respond = std::function<void(Status)>;
  using HoldingJob = std::function<Status(PgConn&, const Respond& respond)>;

  explicit PgPool(Options options);
  ~PgPool();  // fails queued calls, then joins the threads
  PgPool(const PgPool&) = delete;
  PgPool& operator=(const PgPool&) = delete;

  // Runs `job` on a database thread with a working connection and returns its status; the
  // calling fiber is parked meanwhile (a plain thread blocks).
  Status Run(const std::function<Status(PgConn&)>& job);
  // As Run, but the job may answer early through `respond` and go on running (holding its
  // connection) after the caller has resumed. It must not touch the caller's stack after
  // responding.
  Status RunHolding(HoldingJob job);

  struct Stats {
    uint64_t size = 0, in_use = 0, waiting = 0, queries = 0, reconnects = 0, failures = 0,
             recoveries = 0;
    double seconds = 0;  // summed time from Run to answer
  };
  Stats stats() const;
  // False from a failed connection until a connection is made again.
  bool connected() const { return connected_.load(); }
  std::string last_error() const;

 private:
  struct Job {
    HoldingJob fn;
    std::shared_ptr<struct Answer> answer;
    std::chrono::steady_clock::time_point queued;
  };
  void Loop();
  Status Ensure(std::unique_ptr<PgConn>& conn, bool& made_before);
  void NoteFailure(const Status& s, bool connection_lost);

  const Options options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> queue_;                                 // guarded by mu_
  bool stopping_ = false;                                 // guarded by mu_
  std::chrono::steady_clock::time_point next_attempt_{};  // guarded by mu_
  std::chrono::milliseconds backoff_{0};                  // guarded by mu_
  std::string last_error_;                                // guarded by mu_
  std::atomic<bool> connected_{true};                     // optimistic until a connection fails
  std::atomic<uint64_t> in_use_{0}, queries_{0}, reconnects_{0}, failures_{0}, recoveries_{0};
  std::atomic<uint64_t> micros_{0};
  std::vector<std::thread> threads_;
};

}  // namespace crmhost::store

#endif  // CRMHOST_STORE_SRC_POSTGRES_PG_POOL_H
