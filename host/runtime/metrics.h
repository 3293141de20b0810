// Metrics: what the daemon counts for Prometheus (GET /metrics on the ops listener): App Connect
// requests by route, method and status with latency histograms, CRM calls by plugin with
// latency and outcome, and OAuth token refreshes. Rendered in the Prometheus text exposition
// format 0.0.4. Labels are route patterns and plugin names, never paths or ids, so the number
// of series stays small. Thread-safe; one short mutex hold per observation.
#ifndef CRMHOST_RUNTIME_METRICS_H
#define CRMHOST_RUNTIME_METRICS_H

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace crmhost {

class Metrics {
 public:
  void ObserveRequest(std::string_view route, std::string_view method, int status, double seconds);
  // `status` is the CRM's HTTP status, 0 when no answer came (timeout, connection, TLS).
  void ObserveCrmCall(std::string_view plugin, int status, double seconds);
  // `result`: "ok", "revoked" or "failed".
  void CountTokenRefresh(std::string_view platform, std::string_view result);
  // A JWT signed by the reference server (issue 20's switch): `result` "renewed" (accepted and
  // exchanged for one of ours), "unknown_user", "expired" (past --legacy-jwt-until).
  void CountLegacyJwt(std::string_view result);

  // Appends every series collected so far.
  void Render(std::string& out) const;

  // Appends one gauge family: `# HELP`, `# TYPE` and a sample per label set ({} for none).
  using Labels = std::vector<std::pair<std::string, std::string>>;
  static void RenderGauge(std::string& out, std::string_view name, std::string_view help,
                          const std::vector<std::pair<Labels, double>>& samples);
  // The same for a counter family (a value that only grows; Prometheus computes rates).
  static void RenderCounter(std::string& out, std::string_view name, std::string_view help,
                            const std::vector<std::pair<Labels, double>>& samples);

  // Upper bounds of the latency histogram buckets, in seconds.
  static constexpr std::array<double, 12> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                      0.1,   0.25,   0.5,   1,    2.5,   10};

 private:
  static void RenderFamily(std::string& out, std::string_view name, std::string_view help,
                           std::string_view type,
                           const std::vector<std::pair<Labels, double>>& samples);
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> counts{};  // per bucket, not cumulative
    uint64_t count = 0;
    double sum = 0;
    void Observe(double seconds);
  };

  mutable std::mutex mu_;
  // Keys are rendered label sets ("route=\"/contact\",method=\"GET\"").
  std::map<std::string, uint64_t> requests_;          // guarded by mu_
  std::map<std::string, Histogram> request_seconds_;  // guarded by mu_
  std::map<std::string, uint64_t> crm_calls_;         // guarded by mu_
  std::map<std::string, Histogram> crm_seconds_;      // guarded by mu_
  std::map<std::string, uint64_t> token_refreshes_;   // guarded by mu_
  std::map<std::string, uint64_t> legacy_jwts_;       // guarded by mu_
};

}  // namespace crmhost

#endif  // CRMHOST_RUNTIME_METRICS_H
