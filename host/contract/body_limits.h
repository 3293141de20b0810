// The body limit of every App Connect route that takes more than a small JSON object, in one
// table (body_limits.cpp). Routes not listed accept Router::kDefaultBodyLimit (64 KiB); the
// daemon's --max-body-bytes caps every limit. A client going over gets 413 before its body is
// read, so a large body costs the daemon nothing.
#ifndef CRMHOST_CONTRACT_BODY_LIMITS_H
#define CRMHOST_CONTRACT_BODY_LIMITS_H

#include <string>
#include <vector>

#include "http/router.h"

namespace crmhost::contract {

// Applies the table to the registered routes; returns the entries that name no route ("POST
// /callLog"), which is a bug in the table.
std::vector<std::string> ApplyBodyLimits(http::Router& router);

}  // namespace crmhost::contract

#endif  // CRMHOST_CONTRACT_BODY_LIMITS_H
