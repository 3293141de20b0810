#include "runtime/metrics.h"

#include <cstdio>

namespace crmhost {
namespace {

// A label value as the exposition format wants it: backslash, quote and newline escaped.
std::string Escape(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string Label(std::string_view name, std::string_view value) {
  return std::string(name) + "=\"" + Escape(value) + "\"";
}

std::string Number(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

void Header(std::string& out, std::string_view name, std::string_view help, std::string_view type) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

}  // namespace

void Metrics::Histogram::Observe(double seconds) {
  size_t i = 0;
  while (i < kBuckets.size() && seconds > kBuckets[i])
    ++i;
  if (i < kBuckets.size()) ++counts[i];
  ++count;
  sum += seconds;
}

void Metrics::ObserveRequest(std::string_view route, std::string_view method, int status,
                             double seconds) {
  const std::string series = Label("route", route) + "," + Label("method", method);
  const std::string counted = series + "," + Label("status", std::to_string(status));
  std::lock_guard lock(mu_);
  ++requests_[counted];
  request_seconds_[series].Observe(seconds);
}

void Metrics::ObserveCrmCall(std::string_view plugin, int status, double seconds) {
  const std::string outcome = status == 0     ? "no_answer"
                              : status >= 500 ? "5xx"
                              : status >= 400 ? "4xx"
                                              : "ok";
  const std::string series = Label("plugin", plugin);
  std::lock_guard lock(mu_);
  ++crm_calls_[series + "," + Label("outcome", outcome)];
  crm_seconds_[series].Observe(seconds);
}

void Metrics::CountTokenRefresh(std::string_view platform, std::string_view result) {
  std::lock_guard lock(mu_);
  ++token_refreshes_[Label("platform", platform) + "," + Label("result", result)];
}

void Metrics::CountLegacyJwt(std::string_view result) {
  std::lock_guard lock(mu_);
  ++legacy_jwts_[Label("result", result)];
}

void Metrics::Render(std::string& out) const {
  auto counter = [&](std::string_view name, std::string_view help,
                     const std::map<std::string, uint64_t>& series) {
    Header(out, name, help, "counter");
    for (auto& [labels, v] : series)
      out.append(name)
          .append("{")
          .append(labels)
          .append("} ")
          .append(std::to_string(v))
          .append("\n");
  };
  auto histogram = [&](std::string_view name, std::string_view help,
                       const std::map<std::string, Histogram>& series) {
    Header(out, name, help, "histogram");
    for (auto& [labels, h] : series) {
      uint64_t cumulative = 0;
      for (size_t i = 0; i < kBuckets.size(); ++i) {
        cumulative += h.counts[i];
        out.append(name).append("_bucket{").append(labels).append(",le=\"");
        out.append(Number(kBuckets[i])).append("\"} ").append(std::to_string(cumulative));
        out.append("\n");
      }
      out.append(name).append("_bucket{").append(labels).append(",le=\"+Inf\"} ");
      out.append(std::to_string(h.count)).append("\n");
      out.append(name).append("_sum{").append(labels).append("} ").append(Number(h.sum));
      out.append("\n");
      out.append(name).append("_count{").append(labels).append("} ");
      out.append(std::to_string(h.count)).append("\n");
    }
  };
  std::lock_guard lock(mu_);
  counter("crmhost_http_requests_total",
          "App Connect requests answered, by route pattern, method and status.", requests_);
  histogram("crmhost_http_request_duration_seconds",
            "Time from a request's arrival to its response, by route pattern and method.",
            request_seconds_);
  counter("crmhost_crm_requests_total",
          "Requests plugins made to their CRM, by plugin and outcome (ok, 4xx, 5xx, no_answer).",
          crm_calls_);
  histogram("crmhost_crm_request_duration_seconds",
            "Time a CRM took to answer a plugin's request, by plugin.", crm_seconds_);
  counter("crmhost_token_refreshes_total",
          "OAuth access-token refreshes, by platform and result (ok, revoked, failed).",
          token_refreshes_);
  counter("crmhost_legacy_jwts_total",
          "JWTs signed by the reference server that clients sent, by result (renewed, "
          "unknown_user, expired).",
          legacy_jwts_);
}

void Metrics::RenderGauge(std::string& out, std::string_view name, std::string_view help,
                          const std::vector<std::pair<Labels, double>>& samples) {
  RenderFamily(out, name, help, "gauge", samples);
}

void Metrics::RenderCounter(std::string& out, std::string_view name, std::string_view help,
                            const std::vector<std::pair<Labels, double>>& samples) {
  RenderFamily(out, name, help, "counter", samples);
}

void Metrics::RenderFamily(std::string& out, std::string_view name, std::string_view help,
                           std::string_view type,
                           const std::vector<std::pair<Labels, double>>& samples) {
  Header(out, name, help, type);
  for (auto& [labels, value] : samples) {
    out.append(name);
    if (!labels.empty()) {
      out.append("{");
      for (size_t i = 0; i < labels.size(); ++i) {
        if (i) out.append(",");
        out.append(Label(labels[i].first, labels[i].second));
      }
      out.append("}");
    }
    out.append(" ").append(Number(value)).append("\n");
  }
}

}  // namespace crmhost
