// Status and Result<T>: how every crmhost library reports failure (no exceptions across
// library boundaries, none across the plugin ABI). A Status is cheap when OK (no allocation),
// carries a code and a message otherwise. Thread-compatible: const methods are safe to call
// concurrently, like any value type.
#ifndef CRMHOST_STATUS_H
#define CRMHOST_STATUS_H

#include <optional>
#include <string>
#include <utility>

namespace crmhost {

class [[nodiscard]] Status {
 public:
  enum class Code {
    kOk,
    kNotFound,
    kInvalidArgument,
    kAlreadyExists,
    kPermissionDenied,
    kCorruption,  // stored bytes failed authentication or parsing
    kIOError,
    kBusy,         // a lock or transaction conflict; retrying may succeed
    kUnavailable,  // a dependency (plugin, CRM) is not there right now
    kTimeout,
    kResourceExhausted,  // a size or count limit was exceeded
    kInternal,
  };

  Status() = default;
  static Status OK() { return Status(); }
  static Status NotFound(std::string msg) { return {Code::kNotFound, std::move(msg)}; }
  static Status InvalidArgument(std::string msg) {
    return {Code::kInvalidArgument, std::move(msg)};
  }
  static Status AlreadyExists(std::string msg) { return {Code::kAlreadyExists, std::move(msg)}; }
  static Status PermissionDenied(std::string msg) {
    return {Code::kPermissionDenied, std::move(msg)};
  }
  static Status Corruption(std::string msg) { return {Code::kCorruption, std::move(msg)}; }
  static Status IOError(std::string msg) { return {Code::kIOError, std::move(msg)}; }
  static Status Busy(std::string msg) { return {Code::kBusy, std::move(msg)}; }
  static Status Unavailable(std::string msg) { return {Code::kUnavailable, std::move(msg)}; }
  static Status Timeout(std::string msg) { return {Code::kTimeout, std::move(msg)}; }
  static Status ResourceExhausted(std::string msg) {
    return {Code::kResourceExhausted, std::move(msg)};
  }
  static Status Internal(std::string msg) { return {Code::kInternal, std::move(msg)}; }

  bool ok() const { return code_ == Code::kOk; }
  bool IsNotFound() const { return code_ == Code::kNotFound; }
  bool IsBusy() const { return code_ == Code::kBusy; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string ToString() const;

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

// A value or the Status explaining why there is none.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT: must not be OK
  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() { return *value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace crmhost

#endif  // CRMHOST_STATUS_H
