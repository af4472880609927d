#include "service/metrics.h"

#include <algorithm>

#include "base/check.h"
#include "base/strings.h"

namespace dp::service {

std::string_view CodeName(int code) {
  static constexpr std::string_view kNames[] = {
      "OK",        "CANCELLED",          "UNKNOWN",          "INVALID_ARGUMENT",
      "DEADLINE_EXCEEDED", "NOT_FOUND",  "ALREADY_EXISTS",   "PERMISSION_DENIED",
      "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
      "UNIMPLEMENTED", "INTERNAL",       "UNAVAILABLE",      "DATA_LOSS",
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
    const std::string labels = dp::StrCat(svc, ",method=\"", method, "\"");
    uint64_t cumulative = 0;
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += l.buckets[i];
      out += dp::StrCat("dp_rpc_latency_seconds_bucket{", labels, ",le=\"", kBuckets[i], "\"} ",
                        cumulative, "\n");
    }
    DP_CHECK(cumulative <= l.count);
    out += dp::StrCat("dp_rpc_latency_seconds_bucket{", labels, ",le=\"+Inf\"} ", l.count, "\n",
                      "dp_rpc_latency_seconds_sum{", labels, "} ", l.sum, "\n",
                      "dp_rpc_latency_seconds_count{", labels, "} ", l.count, "\n");
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
  return out;
}

}  // namespace dp::service
