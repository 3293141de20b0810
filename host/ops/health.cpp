#include "ops/health.h"

#include <fstream>
#include <string>
#include <vector>

#include "runtime/resident_memory.h"

namespace crmhost::ops {
namespace {

struct Check {
  const char* name;
  bool ok;
  std::string detail;
};

std::vector<Check> RunChecks(const HealthDeps& d) {
  std::vector<Check> checks;
  // Reads answering is not enough: a full disk leaves reads working while every write fails,
  // and a load balancer must stop sending requests that would fail.
  auto probe = d.store->Get(store::Table::kCache, "readyz-probe");
  const store::Store::Health health = d.store->GetHealth();
  const bool store_ok = probe.ok() && health.writable;
  checks.push_back(
      {"store", store_ok,
       !probe.ok() ? probe.status().message()
       : !health.writable
           ? "not writable: " + health.last_error +
                 (health.recovery_error.empty() ? "" : " (recovery: " + health.recovery_error + ")")
           : ""});
  size_t active = 0;
  for (auto& p : d.manager->Snapshot())
    if (p.state == "active") ++active;
  checks.push_back(
      {"plugins", active > 0, active > 0 ? std::to_string(active) + " live" : "none loaded"});
  const bool draining = d.state->draining.load();
  checks.push_back({"not-draining", !draining, draining ? "stopping" : ""});
  return checks;
}

using Samples = std::vector<std::pair<crmhost::Metrics::Labels, double>>;

// Up, draining, started.
void RenderDaemon(const HealthDeps& d, std::string& out) {
  const bool draining = d.state->draining.load();
  crmhost::Metrics::RenderGauge(out, "crmhost_up", "1 while the daemon serves.", {{{}, 1}});
  crmhost::Metrics::RenderGauge(out, "crmhost_draining", "1 after SIGTERM, while requests drain.",
                                {{{}, draining ? 1.0 : 0.0}});
  crmhost::Metrics::RenderGauge(out, "crmhost_start_time_seconds",
                                "When the daemon started, seconds since the epoch.",
                                {{{}, double(d.started_ms) / 1000.0}});
}

// Per plugin: version and state, generations, versions resident and retiring, requests in flight;
// the control thread's progress.
void RenderPlugins(const HealthDeps& d, std::string& out) {
  Samples info, generation, retired, resident, inflight;
  for (auto& p : d.manager->Snapshot()) {
    info.push_back({{{"plugin", p.name}, {"version", p.version}, {"state", p.state}}, 1});
    generation.push_back({{{"plugin", p.name}}, double(p.generation)});
    retired.push_back({{{"plugin", p.name}}, double(p.draining)});
    resident.push_back({{{"plugin", p.name}}, double(p.resident_versions)});
    inflight.push_back({{{"plugin", p.name}}, double(p.inflight)});
  }
  crmhost::Metrics::RenderGauge(out, "crmhost_plugin_info",
                                "Each plugin the daemon knows, with its version and state.", info);
  crmhost::Metrics::RenderGauge(out, "crmhost_plugin_generation",
                                "Times the plugin's platform was published (load, upgrade, "
                                "rollback).",
                                generation);
  crmhost::Metrics::RenderGauge(out, "crmhost_plugin_retired_versions",
                                "Retired versions of the plugin still finishing requests.",
                                retired);
  crmhost::Metrics::RenderGauge(out, "crmhost_plugin_resident_versions",
                                "Distinct builds of the plugin mapped in the process.", resident);
  crmhost::Metrics::RenderGauge(out, "crmhost_plugin_inflight",
                                "Requests on the plugin's live version now.", inflight);
  const plugins::PluginManager::Progress progress = d.manager->progress();
  crmhost::Metrics::RenderCounter(out, "crmhost_plugin_control_wakeups_total",
                                  "Wake-ups of the plugin control thread (it stops counting if "
                                  "it is stuck).",
                                  {{{}, double(progress.wakeups)}});
  crmhost::Metrics::RenderCounter(out, "crmhost_plugin_settled_scans_total",
                                  "Scans of the plugin directory after which every file in it "
                                  "had been acted on.",
                                  {{{}, double(progress.settled_scans)}});
}

// PostgreSQL's pool: how busy it is, how long statements take, how often it reconnected.
void RenderStorePool(const store::Store::Stats& st, std::string& out) {
  crmhost::Metrics::RenderGauge(out, "crmhost_store_pool_connections",
                                "Connections (database threads) for store queries.",
                                {{{}, double(st.pool_size)}});
  crmhost::Metrics::RenderGauge(out, "crmhost_store_pool_in_use",
                                "Of those, running a statement now.",
                                {{{}, double(st.pool_in_use)}});
  crmhost::Metrics::RenderGauge(out, "crmhost_store_pool_waiting",
                                "Store calls waiting for a connection.",
                                {{{}, double(st.pool_waiting)}});
  crmhost::Metrics::RenderGauge(out, "crmhost_store_cross_locks_held",
                                "Locks held across instances now (token refreshes, "
                                "conversations).",
                                {{{}, double(st.locks_held)}});
  crmhost::Metrics::RenderCounter(out, "crmhost_store_queries_total",
                                  "Store calls answered by the database.",
                                  {{{}, double(st.queries)}});
  crmhost::Metrics::RenderCounter(out, "crmhost_store_query_seconds_total",
                                  "Their summed latency, waiting for a connection included "
                                  "(divide by crmhost_store_queries_total for the mean).",
                                  {{{}, st.query_seconds}});
  crmhost::Metrics::RenderCounter(out, "crmhost_store_reconnects_total",
                                  "Database connections made again after one failed.",
                                  {{{}, double(st.reconnects)}});
}

// RocksDB's size figures and the group commit's health, or PostgreSQL's pool.
void RenderStore(const HealthDeps& d, std::string& out) {
  const store::Store::Stats st = d.store->GetStats();
  if (d.store->backend() != "rocksdb") RenderStorePool(st, out);
  if (d.store->backend() == "rocksdb") {
    crmhost::Metrics::RenderGauge(out, "crmhost_store_estimated_keys",
                                  "RocksDB's estimate of the keys in the store.",
                                  {{{}, double(st.estimated_keys)}});
    crmhost::Metrics::RenderGauge(out, "crmhost_store_sst_bytes",
                                  "Bytes of live SST files in the store.",
                                  {{{}, double(st.sst_bytes)}});
    crmhost::Metrics::RenderGauge(out, "crmhost_store_memtable_bytes",
                                  "Bytes held in the store's memtables.",
                                  {{{}, double(st.memtable_bytes)}});
    crmhost::Metrics::RenderGauge(out, "crmhost_store_pending_compaction_bytes",
                                  "Bytes RocksDB estimates it still has to compact.",
                                  {{{}, double(st.pending_compaction_bytes)}});
  }
  const store::Store::Health sh = d.store->GetHealth();
  crmhost::Metrics::RenderGauge(out, "crmhost_store_writable",
                                "1 while the store takes writes; 0 from a failed write (a full "
                                "disk) until it has recovered by itself.",
                                {{{}, sh.writable ? 1.0 : 0.0}});
  crmhost::Metrics::RenderCounter(out, "crmhost_store_write_errors_total",
                                  "Store writes and log syncs that failed.",
                                  {{{}, double(sh.write_errors)}});
  crmhost::Metrics::RenderCounter(out, "crmhost_store_recoveries_total",
                                  "Times the store became writable again without a restart.",
                                  {{{}, double(sh.recoveries)}});
  if (d.store->backend() == "rocksdb") {
    crmhost::Metrics::RenderCounter(out, "crmhost_store_log_syncs_total",
                                    "Syncs of the store's write-ahead log (group commits).",
                                    {{{}, double(sh.syncs)}});
    crmhost::Metrics::RenderCounter(out, "crmhost_store_durable_writes_total",
                                    "Durable writes those syncs made safe (writes per sync = how "
                                    "well commits are grouped).",
                                    {{{}, double(sh.synced_waits)}});
  }
  if (d.unsaved_links)
    crmhost::Metrics::RenderGauge(out, "crmhost_store_unsaved_call_links",
                                  "Call-log links whose CRM activity exists but which the store "
                                  "could not record yet (saved again every second).",
                                  {{{}, double(d.unsaved_links->size())}});
}

// The request fibers (when the daemon runs them).
void RenderFibers(const HealthDeps& d, std::string& out) {
  if (!d.fibers) return;
  const FiberPool::Stats fs = d.fibers->stats();
  crmhost::Metrics::RenderGauge(out, "crmhost_fiber_threads",
                                "Threads running request handlers and plugin operations.",
                                {{{}, double(fs.threads)}});
  crmhost::Metrics::RenderGauge(out, "crmhost_fibers_live",
                                "Requests on fibers now, running or waiting on a CRM.",
                                {{{}, double(fs.live)}});
  crmhost::Metrics::RenderGauge(out, "crmhost_fiber_stacks_mapped_bytes",
                                "Bytes of fiber stacks mapped (in use and pooled; touched "
                                "pages only count as resident).",
                                {{{}, double(fs.stacks_mapped * fs.stack_bytes)}});
  crmhost::Metrics::RenderCounter(out, "crmhost_fiber_idle_spin_seconds_total",
                                  "Time worker threads spent polling with nothing to do "
                                  "(--idle-spin-us), summed over threads.",
                                  {{{}, fs.idle_spin_seconds}});
  crmhost::Metrics::RenderCounter(out, "crmhost_fibers_refused_total",
                                  "Requests refused with 503 because --max-inflight were "
                                  "already being handled.",
                                  {{{}, double(fs.refused)}});
}

// Per plugin: the bulkhead's waiting line and refusals.
void RenderBulkheads(const HealthDeps& d, std::string& out) {
  if (!d.bulkheads) return;
  Samples waiting, waited, rejected;
  for (auto& f : d.bulkheads->Snapshot()) {
    waiting.push_back({{{"plugin", f.plugin}}, double(f.waiting)});
    waited.push_back({{{"plugin", f.plugin}}, double(f.waited)});
    rejected.push_back({{{"plugin", f.plugin}}, double(f.refused)});
  }
  crmhost::Metrics::RenderGauge(out, "crmhost_plugin_waiting",
                                "Requests waiting for a place in the plugin's bulkhead.", waiting);
  crmhost::Metrics::RenderCounter(out, "crmhost_plugin_waited_total",
                                  "Requests that had to wait for a place in the plugin's "
                                  "bulkhead.",
                                  waited);
  crmhost::Metrics::RenderCounter(out, "crmhost_plugin_rejected_total",
                                  "Requests answered 503 because the plugin's bulkhead and its "
                                  "waiting line were full.",
                                  rejected);
}

// The outbound client's connections and waits.
void RenderOutbound(const HealthDeps& d, std::string& out) {
  if (!d.outbound) return;
  const outbound::OutboundClient::Stats os = d.outbound->stats();
  crmhost::Metrics::RenderGauge(out, "crmhost_outbound_in_flight", "CRM exchanges under way.",
                                {{{}, double(os.in_flight)}});
  crmhost::Metrics::RenderGauge(out, "crmhost_outbound_connections_in_use",
                                "Outbound connections checked out or connecting.",
                                {{{}, double(os.connections_in_use)}});
  crmhost::Metrics::RenderGauge(out, "crmhost_outbound_idle_connections",
                                "Outbound connections kept alive for reuse.",
                                {{{}, double(os.idle)}});
  crmhost::Metrics::RenderGauge(out, "crmhost_outbound_waiting",
                                "Requests waiting for a connection slot of a busy CRM host.",
                                {{{}, double(os.waiting)}});
  crmhost::Metrics::RenderCounter(out, "crmhost_outbound_waits_total",
                                  "Requests that waited for a connection slot.",
                                  {{{}, double(os.waits_total)}});
  crmhost::Metrics::RenderCounter(out, "crmhost_outbound_wait_seconds_total",
                                  "Seconds requests spent waiting for connection slots.",
                                  {{{}, os.wait_seconds_total}});
  crmhost::Metrics::RenderCounter(out, "crmhost_outbound_wait_refusals_total",
                                  "Requests refused because too many already waited for one "
                                  "CRM host.",
                                  {{{}, double(os.wait_refusals)}});
}

http::HttpResponse Metrics(const HealthDeps& d) {
  std::string out;
  out.reserve(16 * 1024);
  d.metrics->Render(out);
  for (auto render : {&RenderDaemon, &RenderPlugins, &RenderStore, &RenderFibers, &RenderBulkheads,
                      &RenderOutbound})
    render(d, out);
  crmhost::Metrics::RenderGauge(out, "process_resident_memory_bytes",
                                "Resident memory of the daemon.",
                                {{{}, double(crmhost::ResidentBytes())}});
  http::HttpResponse resp = http::HttpResponse::Text(200, std::move(out));
  resp.content_type = "text/plain; version=0.0.4; charset=utf-8";
  return resp;
}

}  // namespace

void RegisterHealthRoutes(http::Router& router, HealthDeps deps) {
  router.Add(
      "GET", "/livez", [](http::HttpRequest&) { return http::HttpResponse::Text(200, "ok"); },
      http::Router::Mode::kInline);
  router.Add("GET", "/readyz", [deps](http::HttpRequest& req) {
    const auto checks = RunChecks(deps);
    bool ok = true;
    std::string text;
    for (auto& c : checks) {
      ok = ok && c.ok;
      text += std::string(c.ok ? "[+]" : "[-]") + c.name + (c.ok ? " ok" : " failed") +
              (c.detail.empty() ? "" : ": " + c.detail) + "\n";
    }
    if (!req.Query("verbose"))
      return http::HttpResponse::Text(ok ? 200 : 503, ok ? "ok" : "not ready");
    text += ok ? "readyz check passed\n" : "readyz check failed\n";
    return http::HttpResponse::Text(ok ? 200 : 503, std::move(text));
  });
  router.Add("GET", "/metrics", [deps](http::HttpRequest&) { return Metrics(deps); });
}

}  // namespace crmhost::ops
