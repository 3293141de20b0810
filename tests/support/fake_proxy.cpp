#include "support/fake_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string_view>

namespace crmhost::testing {
namespace {

bool SendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(size_t(n));
  }
  return true;
}

int ConnectLoopback(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// "127.0.0.1:8443" or "http://127.0.0.1:8080/..." -> 8443 / 8080 (0 if not loopback).
uint16_t LoopbackPort(std::string_view target) {
  if (target.rfind("http://", 0) == 0) target.remove_prefix(7);
  if (target.rfind("127.0.0.1:", 0) != 0) return 0;
  target.remove_prefix(10);
  return uint16_t(std::stoi(std::string(target.substr(0, target.find('/')))));
}

// Copies bytes both ways until either side closes.
void Pipe(int a, int b) {
  char buf[16384];
  pollfd fds[2] = {{a, POLLIN, 0}, {b, POLLIN, 0}};
  for (;;) {
    if (::poll(fds, 2, 10000) <= 0) return;
    for (int i = 0; i < 2; ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = ::recv(fds[i].fd, buf, sizeof buf, 0);
      if (n <= 0 || !SendAll(fds[1 - i].fd, std::string_view(buf, size_t(n)))) return;
    }
  }
}

std::string HeaderValue(std::string_view head, std::string_view lower_name) {
  size_t pos = 0;
  while ((pos = head.find("\r\n", pos)) != std::string_view::npos) {
    pos += 2;
    size_t end = head.find("\r\n", pos);
    std::string_view line = head.substr(pos, end - pos);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string name(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    if (name == lower_name) {
      std::string_view v = line.substr(colon + 1);
      while (!v.empty() && v.front() == ' ')
        v.remove_prefix(1);
      return std::string(v);
    }
  }
  return "";
}

}  // namespace

FakeProxy::FakeProxy() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, 64) != 0)
    throw std::runtime_error("FakeProxy: cannot listen");
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

FakeProxy::~FakeProxy() {
  stopping_ = true;
  ::shutdown(listen_fd_, SHUT_RDWR);
  ::close(listen_fd_);
  acceptor_.join();
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mu_);
    for (int fd : open_fds_)
      ::shutdown(fd, SHUT_RDWR);  // wakes the pipes; each thread closes its own sockets
    threads.swap(threads_);
  }
  for (auto& t : threads)
    t.join();
}

std::string FakeProxy::url(const std::string& userinfo) const {
  return "http://" + (userinfo.empty() ? "" : userinfo + "@") +
         "127.0.0.1:" + std::to_string(port_);
}

std::vector<FakeProxy::Seen> FakeProxy::seen() const {
  std::lock_guard lock(mu_);
  return seen_;
}

void FakeProxy::AcceptLoop() {
  while (!stopping_) {
    int client = ::accept(listen_fd_, nullptr, nullptr);
    if (client < 0) return;
    std::lock_guard lock(mu_);
    open_fds_.push_back(client);
    threads_.emplace_back([this, client] { Serve(client); });
  }
}

void FakeProxy::Serve(int client) {
  auto forget = [&](int fd) {
    std::lock_guard lock(mu_);
    open_fds_.erase(std::remove(open_fds_.begin(), open_fds_.end(), fd), open_fds_.end());
    ::close(fd);
  };
  // The request head (and whatever followed it in the same reads).
  std::string data;
  char buf[8192];
  size_t head_end;
  while ((head_end = data.find("\r\n\r\n")) == std::string::npos) {
    ssize_t n = ::recv(client, buf, sizeof buf, 0);
    if (n <= 0) return forget(client);
    data.append(buf, size_t(n));
  }
  const std::string head = data.substr(0, head_end + 2);
  std::string rest = data.substr(head_end + 4);
  const std::string request_line = head.substr(0, head.find("\r\n"));
  const size_t sp1 = request_line.find(' '), sp2 = request_line.rfind(' ');
  Seen s{request_line.substr(0, sp1), request_line.substr(sp1 + 1, sp2 - sp1 - 1),
         HeaderValue(head, "proxy-authorization")};
  {
    std::lock_guard lock(mu_);
    seen_.push_back(s);
  }
  if (int status = refuse_status_; status != 0) {
    SendAll(client, "HTTP/1.1 " + std::to_string(status) +
                        " Proxy Says No\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    return forget(client);
  }
  const uint16_t port = LoopbackPort(s.target);
  int upstream = port ? ConnectLoopback(port) : -1;
  if (upstream < 0) {
    SendAll(client, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    return forget(client);
  }
  if (s.method == "CONNECT") {
    SendAll(client, "HTTP/1.1 200 Connection established\r\n\r\n");
    if (!rest.empty()) SendAll(upstream, rest);
  } else {
    // Absolute-form to origin-form, without the proxy's credentials, one exchange per
    // connection.
    std::string path = s.target.substr(s.target.find('/', 7));
    std::string out = s.method + " " + path + " HTTP/1.1\r\n";
    size_t pos = head.find("\r\n") + 2;
    while (pos < head.size()) {
      size_t end = head.find("\r\n", pos);
      std::string line = head.substr(pos, end - pos);
      std::string lower = line;
      std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
      if (lower.rfind("proxy-authorization:", 0) != 0 && lower.rfind("connection:", 0) != 0)
        out += line + "\r\n";
      pos = end + 2;
    }
    out += "Connection: close\r\n\r\n" + rest;
    SendAll(upstream, out);
  }
  Pipe(client, upstream);
  ::close(upstream);
  forget(client);
}

}  // namespace crmhost::testing
