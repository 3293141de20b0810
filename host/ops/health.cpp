#include "ops/health.h"

#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

namespace crmhost::ops {
namespace {

struct Check {
  const char* name;
  bool ok;
  std::string detail;
};

std::vector<Check> RunChecks(const HealthDeps& d) {
  std::vector<Check> checks;
  auto probe = d.store->Get(store::Table::kCache, "readyz-probe");
  checks.push_back({"store", probe.ok(), probe.ok() ? "" : probe.status().message()});
  size_t active = 0;
  for (auto& p : d.manager->Snapshot())
    if (p.state == "active") ++active;
  checks.push_back(
      {"plugins", active > 0, active > 0 ? std::to_string(active) + " live" : "none loaded"});
  const bool draining = d.state->draining.load();
  checks.push_back({"not-draining", !draining, draining ? "stopping" : ""});
  return checks;
}

uint64_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  uint64_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * uint64_t(::sysconf(_SC_PAGESIZE));
}

http::HttpResponse Metrics(const HealthDeps& d) {
  std::string out;
  out.reserve(16 * 1024);
  d.metrics->Render(out);
  using Samples = std::vector<std::pair<crmhost::Metrics::Labels, double>>;
  const bool draining = d.state->draining.load();
  crmhost::Metrics::RenderGauge(out, "crmhost_up", "1 while the daemon serves.", {{{}, 1}});
  crmhost::Metrics::RenderGauge(out, "crmhost_draining", "1 after SIGTERM, while requests drain.",
                                {{{}, draining ? 1.0 : 0.0}});
  crmhost::Metrics::RenderGauge(out, "crmhost_start_time_seconds",
                                "When the daemon started, seconds since the epoch.",
                                {{{}, double(d.started_ms) / 1000.0}});
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
  const store::Store::Stats st = d.store->GetStats();
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
  crmhost::Metrics::RenderGauge(out, "process_resident_memory_bytes",
                                "Resident memory of the daemon.", {{{}, double(ResidentBytes())}});
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
