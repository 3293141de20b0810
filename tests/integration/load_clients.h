// Clients that keep calling one GET target over keep-alive connections while a test changes
// the daemon underneath (hot upgrades), and what each request saw.
#ifndef CRMHOST_TESTS_LOAD_CLIENTS_H
#define CRMHOST_TESTS_LOAD_CLIENTS_H

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "support/http_client.h"

namespace crmhost::testing {

using Clock = std::chrono::steady_clock;

// The plugin build that answered ("redtail/1.0.1"), from the daemon's x-crmhost-plugin header.
inline std::string ServedBy(const HttpResult& r) {
  return r.Header("x-crmhost-plugin").value_or("(none)");
}

struct Sample {
  Clock::time_point start;
  int status = 0;
  bool successful = false;
  std::string served_by;
  std::string error;
};

// `clients` threads calling GET `target` over keep-alive connections until stopped (at most 8).
class Load {
 public:
  Load(uint16_t port, std::string target, int clients) {
    for (int i = 0; i < clients; ++i) {
      threads_.emplace_back([this, port, target, i] {
        auto conn = std::make_unique<Connection>(port);
        while (!stop_) {
          Sample s;
          s.start = Clock::now();
          HttpResult r = conn->Send("GET", target);
          s.status = r.status;
          s.error = r.error;
          s.served_by = ServedBy(r);
          if (r.status == 200) {
            boost::system::error_code ec;
            auto j = boost::json::parse(r.body, ec);
            s.successful = !ec && j.is_object() && j.as_object().contains("successful") &&
                           j.at("successful") == true;
          }
          samples_[i].push_back(s);
          if (r.status == 0) conn = std::make_unique<Connection>(port);  // counted as a failure
        }
      });
    }
  }
  // A test that fails while the clients run still stops them (a joinable std::thread would
  // terminate the process).
  ~Load() { Stop(); }
  Load(const Load&) = delete;
  Load& operator=(const Load&) = delete;

  std::vector<Sample> Stop() {
    stop_ = true;
    for (auto& t : threads_)
      if (t.joinable()) t.join();
    std::vector<Sample> all;
    for (auto& v : samples_)
      for (auto& s : v)
        all.push_back(s);
    return all;
  }

 private:
  std::atomic<bool> stop_{false};
  std::vector<Sample> samples_[8];
  std::vector<std::thread> threads_;
};

}  // namespace crmhost::testing

#endif  // CRMHOST_TESTS_LOAD_CLIENTS_H
