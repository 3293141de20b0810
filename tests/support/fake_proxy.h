// FakeProxy: an HTTP proxy on 127.0.0.1 standing in for a corporate proxy between crmhostd and
// the CRMs. It opens CONNECT tunnels (https) and forwards absolute-form requests (http) to
// 127.0.0.1 targets, records each request line with its Proxy-Authorization, and can refuse
// everything with a status (407, 403) to show how crmhostd reports a proxy that says no.
// Plain POSIX sockets, a thread per connection; for tests only.
#ifndef CRMHOST_TESTS_FAKE_PROXY_H
#define CRMHOST_TESTS_FAKE_PROXY_H

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace crmhost::testing {

class FakeProxy {
 public:
  struct Seen {
    std::string method;               // CONNECT, GET, POST, ...
    std::string target;               // "127.0.0.1:443" or "http://127.0.0.1:8080/path"
    std::string proxy_authorization;  // as received, "" if none
  };

  FakeProxy();
  ~FakeProxy();
  FakeProxy(const FakeProxy&) = delete;
  FakeProxy& operator=(const FakeProxy&) = delete;

  uint16_t port() const { return port_; }
  // "http://[userinfo@]127.0.0.1:<port>"
  std::string url(const std::string& userinfo = "") const;
  std::vector<Seen> seen() const;
  void RefuseWith(int status) { refuse_status_ = status; }  // 0: serve again

 private:
  void AcceptLoop();
  void Serve(int client);

  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> refuse_status_{0};
  mutable std::mutex mu_;
  std::vector<Seen> seen_;            // guarded by mu_
  std::vector<std::thread> threads_;  // guarded by mu_
  std::vector<int> open_fds_;         // guarded by mu_: closed on destruction
  std::thread acceptor_;
};

}  // namespace crmhost::testing

#endif  // CRMHOST_TESTS_FAKE_PROXY_H
