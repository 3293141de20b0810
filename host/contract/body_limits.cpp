#include "contract/body_limits.h"

#include <cstddef>

namespace crmhost::contract {
namespace {

constexpr size_t kKiB = 1024;
constexpr size_t kMiB = 1024 * kKiB;

struct Limit {
  const char* method;
  const char* pattern;
  size_t bytes;
  // Why this much: what the route carries at most in practice.
};

constexpr Limit kLimits[] = {
    // A call with its note, AI note, transcript and RingSense summary/transcript of a long call.
    {"POST", "/callLog", 4 * kMiB},
    {"PATCH", "/callLog", 4 * kMiB},
    // One conversation's messages (a day of SMS, fax and MMS metadata with links).
    {"POST", "/messageLog", 2 * kMiB},
    // The agent's note for server-side logging.
    {"POST", "/callLog/cacheNote", 1 * kMiB},
    {"PUT", "/callDisposition", 256 * kKiB},
    // Every RingCentral extension of an account (thousands, ~300 bytes each).
    {"POST", "/admin/userMapping", 4 * kMiB},
    {"POST", "/admin/reinitializeUserMapping", 4 * kMiB},
    // Account-wide settings and customised fields.
    {"POST", "/admin/settings", 1 * kMiB},
    {"POST", "/admin/serverLoggingSettings", 256 * kKiB},
    {"POST", "/user/settings", 256 * kKiB},
    {"POST", "/contact", 256 * kKiB},
    {"POST", "/appointments", 256 * kKiB},
    {"PATCH", "/appointments/:appointmentId", 256 * kKiB},
    {"POST", "/calldown", 256 * kKiB},
    {"PATCH", "/calldown/:id", 256 * kKiB},
    {"POST", "/admin/managedAuth", 256 * kKiB},
};

}  // namespace

std::vector<std::string> ApplyBodyLimits(http::Router& router) {
  std::vector<std::string> unknown;
  for (const Limit& l : kLimits)
    if (!router.SetBodyLimit(l.method, l.pattern, l.bytes))
      unknown.push_back(std::string(l.method) + " " + l.pattern);
  return unknown;
}

}  // namespace crmhost::contract
