#include "service/metrics.h"

#include <algorithm>
#include <span>

#include "base/check.h"
#include "base/strings.h"

namespace dp::service {
namespace {

// AppendHistogram writes one histogram's samples: cumulative buckets, +Inf,
// sum and count. `own` holds each bucket's own count.
void AppendHistogram(std::string& out, std::string_view name, std::string_view labels,
                     std::span<const double> bounds, std::span<const uint64_t> own, uint64_t count,
                     double sum) {
  DP_CHECK(bounds.size() == own.size());
  uint64_t cumulative = 0;
  for (size_t i = 0; i < bounds.size(); ++i) {
    cumulative += own[i];
    out += dp::StrCat(name, "_bucket{", labels, ",le=\"", bounds[i], "\"} ", cumulative, "\n");
  }
  DP_CHECK(cumulative <= count);
  out += dp::StrCat(name, "_bucket{", labels, ",le=\"+Inf\"} ", count, "\n", name, "_sum{", labels,
                    "} ", sum, "\n", name, "_count{", labels, "} ", count, "\n");
}

}  // namespace

std::string_view CodeName(int code) {
  static constexpr std::string_view kNames[] = {"OK",
                                                "CANCELLED",
                                                "UNKNOWN",
                                                "INVALID_ARGUMENT",
                                                "DEADLINE_EXCEEDED",
                                                "NOT_FOUND",
                                                "ALREADY_EXISTS",
                                                "PERMISSION_DENIED",
                                                "RESOURCE_EXHAUSTED",
                                                "FAILED_PRECONDITION",
                                                "ABORTED",
                                                "OUT_OF_RANGE",
                                                "UNIMPLEMENTED",
                                                "INTERNAL",
                                                "UNAVAILABLE",
                                                "DATA_LOSS",
                                                "UNAUTHENTICATED"};
  return code >= 0 && code < 17 ? kNames[code] : "UNKNOWN";
}

void Metrics::ObserveCall(std::string_view method, int code, double seconds) {
  DP_CHECK(seconds >= 0);
  const size_t bucket = static_cast<size_t>(
      std::lower_bound(kBuckets.begin(), kBuckets.end(), seconds) - kBuckets.begin());
  std::lock_guard lock(mu_);
  ++requests_[{std::string(method), code}];
  Latency& l = latency_[std::string(method)];
  if (bucket < kBuckets.size()) ++l.buckets[bucket];
  ++l.count;
  l.sum += seconds;
}

void Metrics::CountAuditFailure() {
  std::lock_guard lock(mu_);
  ++audit_failures_;
}

void Metrics::Count(const Series& series, std::vector<std::string> values) {
  DP_CHECK(series.buckets.empty() && values.size() == series.labels.size());
  std::lock_guard lock(mu_);
  ++domain_[&series][std::move(values)].count;
}

void Metrics::Observe(const Series& series, std::vector<std::string> values, double value) {
  DP_CHECK(!series.buckets.empty() && values.size() == series.labels.size());
  DP_CHECK(value >= 0);
  const size_t bucket =
      static_cast<size_t>(std::lower_bound(series.buckets.begin(), series.buckets.end(), value) -
                          series.buckets.begin());
  std::lock_guard lock(mu_);
  Samples& s = domain_[&series][std::move(values)];
  s.buckets.resize(series.buckets.size());
  if (bucket < s.buckets.size()) ++s.buckets[bucket];
  ++s.count;
  s.sum += value;
}

std::string Metrics::Exposition(const std::vector<std::pair<std::string, int64_t>>& pool) const {
  std::lock_guard lock(mu_);
  const std::string svc = dp::StrCat("service=\"", service_, "\"");
  std::string out =
      "# HELP dp_rpc_requests_total Calls answered, by method and gRPC status code.\n"
      "# TYPE dp_rpc_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    out += dp::StrCat("dp_rpc_requests_total{", svc, ",method=\"", key.first, "\",code=\"",
                      CodeName(key.second), "\"} ", n, "\n");
  }
  out +=
      "# HELP dp_rpc_latency_seconds How long calls took to answer, by method.\n"
      "# TYPE dp_rpc_latency_seconds histogram\n";
  for (const auto& [method, l] : latency_) {
    AppendHistogram(out, "dp_rpc_latency_seconds", dp::StrCat(svc, ",method=\"", method, "\""),
                    kBuckets, l.buckets, l.count, l.sum);
  }
  out += dp::StrCat(
      "# HELP dp_audit_append_failures_total Audit events that could not be appended (the call "
      "was refused).\n# TYPE dp_audit_append_failures_total counter\n",
      "dp_audit_append_failures_total{", svc, "} ", audit_failures_, "\n",
      "# HELP dp_db_pool_connections The database pool's connections: in use, and its size.\n"
      "# TYPE dp_db_pool_connections gauge\n");
  for (const auto& [state, n] : pool) {
    out += dp::StrCat("dp_db_pool_connections{", svc, ",state=\"", state, "\"} ", n, "\n");
  }
  for (const auto& [series, by_labels] : domain_) {
    const bool histogram = !series->buckets.empty();
    out += dp::StrCat("# HELP ", series->name, " ", series->help, "\n# TYPE ", series->name,
                      histogram ? " histogram\n" : " counter\n");
    for (const auto& [values, s] : by_labels) {
      std::string labels = svc;
      for (size_t i = 0; i < values.size(); ++i) {
        labels += dp::StrCat(",", series->labels[i], "=\"", values[i], "\"");
      }
      if (!histogram) {
        out += dp::StrCat(series->name, "{", labels, "} ", s.count, "\n");
        continue;
      }
      AppendHistogram(out, series->name, labels, series->buckets, s.buckets, s.count, s.sum);
    }
  }
  return out;
}

}  // namespace dp::service
