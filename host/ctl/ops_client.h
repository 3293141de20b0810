// The blocking HTTP client crmhostctl uses to talk to crmhostd's ops API.
#ifndef CRMHOST_CTL_OPS_CLIENT_H
#define CRMHOST_CTL_OPS_CLIENT_H

#include <string>

#include "crmhost/status.h"

namespace crmhost::ctl {

struct OpsResponse {
  int status = 0;
  std::string body;
};

// `base` like "http://127.0.0.1:6067"; `path` like "/plugins". Sends the bearer token and, when
// not empty, `body` as JSON.
Result<OpsResponse> CallOps(const std::string& base, const std::string& method,
                            const std::string& path, const std::string& token,
                            const std::string& body = "");

}  // namespace crmhost::ctl

#endif  // CRMHOST_CTL_OPS_CLIENT_H
