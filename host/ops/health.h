// Health and metrics on the ops listener, for load balancers, systemd and Prometheus (no ops
// token: they reveal no secrets, and probes cannot carry one):
//   GET /livez    200 "ok" from the network thread: the event loop is turning.
//   GET /readyz   200 when the store answers and takes writes, at least one plugin is live and
//                 the daemon is not draining; else 503. ?verbose lists each check.
//   GET /metrics  Prometheus text format: requests, CRM calls, token refreshes (Metrics), plugin
//                 generations, bulkheads and retired versions, fibers, the outbound pool,
//                 RocksDB figures and write health, process memory.
#ifndef CRMHOST_OPS_HEALTH_H
#define CRMHOST_OPS_HEALTH_H

#include <atomic>
#include <cstdint>

#include "contract/unsaved_links.h"
#include "crmhost/store/store.h"
#include "http/router.h"
#include "outbound/client.h"
#include "plugins/bulkhead.h"
#include "plugins/manager.h"
#include "runtime/fiber_pool.h"
#include "runtime/metrics.h"

namespace crmhost::ops {

struct HealthState {
  std::atomic<bool> draining{false};  // set on SIGTERM: readiness fails first, then the drain
};

struct HealthDeps {
  store::Store* store = nullptr;
  plugins::PluginManager* manager = nullptr;
  const Metrics* metrics = nullptr;
  HealthState* state = nullptr;
  int64_t started_ms = 0;  // wall clock at start
  // Optional: each adds its figures to /metrics when set.
  const FiberPool* fibers = nullptr;
  const plugins::Bulkheads* bulkheads = nullptr;
  const outbound::OutboundClient* outbound = nullptr;
  const contract::UnsavedLinks* unsaved_links = nullptr;
};

void RegisterHealthRoutes(http::Router& router, HealthDeps deps);

}  // namespace crmhost::ops

#endif  // CRMHOST_OPS_HEALTH_H
