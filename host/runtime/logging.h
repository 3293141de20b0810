// Logging set-up for crmhostd: text or JSON lines on stdout (journald reads stdout under
// systemd), and the request id on every line.
//
// The request id lives in a fiber-local (or, off the fibers, a thread-local) slot set by
// RequestLogScope: the dispatcher opens one around every route handler and every plugin call, so
// host, plugin and outbound lines written for a request all carry its id without each call site
// passing it. Lines written outside a request
// (start-up, plugin loading, housekeeping) carry "-".
#ifndef CRMHOST_HOST_COMMON_LOGGING_H
#define CRMHOST_HOST_COMMON_LOGGING_H

#include <string>
#include <string_view>

namespace crmhost {

// Installs the default logger: stdout, or `file` (appended) when not empty. `format` is "text"
// or "json"; `level` a spdlog level name. Until the daemon listens at least info is logged,
// whatever `level` says. Returns false (having said why on stdout) if `file` cannot be opened.
bool SetupLogging(const std::string& level, const std::string& format, const std::string& file);

// Sets the calling fiber's (or thread's) request id for its lifetime, then restores the previous
// one (scopes nest: a plugin call inside a route handler). `id` must outlive the scope.
class RequestLogScope {
 public:
  explicit RequestLogScope(std::string_view id);
  ~RequestLogScope();
  RequestLogScope(const RequestLogScope&) = delete;
  RequestLogScope& operator=(const RequestLogScope&) = delete;

 private:
  std::string_view* slot_;
  std::string_view previous_;
};

// True for ids we accept from a client's X-Request-Id header: 1 to 64 characters of
// [A-Za-z0-9._:-], so a forwarded id cannot forge log lines or JSON fields.
bool IsAcceptableRequestId(std::string_view id);

}  // namespace crmhost

#endif  // CRMHOST_HOST_COMMON_LOGGING_H
