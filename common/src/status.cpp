#include "crmhost/status.h"

namespace crmhost {

std::string Status::ToString() const {
  const char* name = "OK";
  switch (code_) {
    case Code::kOk:
      return "OK";
    case Code::kNotFound:
      name = "NotFound";
      break;
    case Code::kInvalidArgument:
      name = "InvalidArgument";
      break;
    case Code::kAlreadyExists:
      name = "AlreadyExists";
      break;
    case Code::kPermissionDenied:
      name = "PermissionDenied";
      break;
    case Code::kCorruption:
      name = "Corruption";
      break;
    case Code::kIOError:
      name = "IOError";
      break;
    case Code::kBusy:
      name = "Busy";
      break;
    case Code::kUnavailable:
      name = "Unavailable";
      break;
    case Code::kTimeout:
      name = "Timeout";
      break;
    case Code::kResourceExhausted:
      name = "ResourceExhausted";
      break;
    case Code::kInternal:
      name = "Internal";
      break;
  }
  return std::string(name) + ": " + message_;
}

}  // namespace crmhost
