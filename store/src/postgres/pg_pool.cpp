#include "pg_pool.h"

namespace crmhost::store {

// The caller's side of a job: answered exactly once, by Respond or by the job's return.
struct Answer {
  std::mutex mu;
  bool done = false;
  Status status;
  Resume resume;
  void Give(Status s) {
    Resume r;
    {
      std::lock_guard lock(mu);
      if (done) return;
      done = true;
      status = std::move(s);
      r = std::move(resume);
    }
    r();
  }
};

PgPool::PgPool(Options options) : options_(std::move(options)) {
  for (int i = 0; i < std::max(1, options_.size); ++i)
    threads_.emplace_back([this] { Loop(); });
}

PgPool::~PgPool() {
  std::deque<Job> left;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    left.swap(queue_);
  }
  cv_.notify_all();
  for (auto& j : left)
    j.answer->Give(Status::Unavailable("the store is closing"));
  for (auto& t : threads_)
    t.join();
}

Status PgPool::Run(const std::function<Status(PgConn&)>& job) {
  return RunHolding([&job](PgConn& c, const Respond&) { return job(c); });
}

Status PgPool::RunHolding(HoldingJob job) {
  auto answer = std::make_shared<Answer>();
  const auto queued = std::chrono::steady_clock::now();
  SuspendUntil([&](Resume resume) {
    answer->resume = std::move(resume);
    bool refused = false;
    {
      std::lock_guard lock(mu_);
      if (stopping_) {
        refused = true;
      } else {
        queue_.push_back({std::move(job), answer, queued});
      }
    }
    if (refused) {
      answer->Give(Status::Unavailable("the store is closing"));
      return;
    }
    cv_.notify_one();
  });
  const auto took = std::chrono::steady_clock::now() - queued;
  micros_ += uint64_t(std::chrono::duration_cast<std::chrono::microseconds>(took).count());
  queries_++;
  std::lock_guard lock(answer->mu);
  return answer->status;
}

void PgPool::NoteFailure(const Status& s, bool connection_lost) {
  failures_++;
  if (!connection_lost) return;  // a timeout or a refused statement: the database is there
  std::lock_guard lock(mu_);
  last_error_ = s.message();
  connected_ = false;
}

Status PgPool::Ensure(std::unique_ptr<PgConn>& conn, bool& made_before) {
  if (conn && conn->Healthy()) return Status::OK();
  conn.reset();
  {
    std::lock_guard lock(mu_);
    if (std::chrono::steady_clock::now() < next_attempt_)
      return Status::Unavailable(last_error_.empty() ? "database unavailable" : last_error_);
  }
  auto made = PgConn::Connect(options_.info);
  Status s = made.ok() ? Status::OK() : made.status();
  if (made.ok() && !options_.setup_sql.empty())
    s = made.value()->ExecScript("setting up a connection", options_.setup_sql.c_str());
  std::lock_guard lock(mu_);
  if (!s.ok()) {
    backoff_ = std::min(std::chrono::milliseconds(5000),
                        backoff_.count() ? backoff_ * 2 : std::chrono::milliseconds(100));
    next_attempt_ = std::chrono::steady_clock::now() + backoff_;
    last_error_ = s.message();
    connected_ = false;
    return Status::Unavailable(s.message());
  }
  backoff_ = std::chrono::milliseconds(0);
  if (made_before || !connected_) reconnects_++;
  made_before = true;
  if (!connected_.exchange(true)) recoveries_++;
  conn = std::move(made).value();
  return Status::OK();
}

void PgPool::Loop() {
  std::unique_ptr<PgConn> conn;
  bool made_before = false;
  while (true) {
    Job job;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    in_use_++;
    Status s = Ensure(conn, made_before);
    bool lost = !s.ok();
    if (s.ok()) {
      auto answer = job.answer;
      try {
        s = job.fn(*conn, [answer](Status early) { answer->Give(std::move(early)); });
      } catch (const std::exception& e) {
        // Nothing may escape a database thread; the connection's state is unknown now.
        s = Status::Internal(std::string("store: ") + e.what());
        conn.reset();
      }
      if (!s.ok() && conn && (options_.drop_after_failure || !conn->Healthy())) {
        lost = !conn->Healthy();
        conn.reset();  // remade for the next job
      }
      if (s.ok() && !connected_.exchange(true)) recoveries_++;
    }
    if (!s.ok()) NoteFailure(s, lost);
    in_use_--;
    job.answer->Give(std::move(s));
  }
}

PgPool::Stats PgPool::stats() const {
  Stats st;
  st.size = threads_.size();
  st.in_use = in_use_;
  {
    std::lock_guard lock(mu_);
    st.waiting = queue_.size();
  }
  st.queries = queries_;
  st.reconnects = reconnects_;
  st.failures = failures_;
  st.recoveries = recoveries_;
  st.seconds = double(micros_.load()) / 1e6;
  return st;
}

std::string PgPool::last_error() const {
  std::lock_guard lock(mu_);
  return last_error_;
}

}  // namespace crmhost::store
