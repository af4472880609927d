#ifndef DP_LIB_SERVICE_METRICS_H_
#define DP_LIB_SERVICE_METRICS_H_

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// A service's metrics in Prometheus's text format (version 0.0.4), kept in
// memory and served by the host on --metrics-listen. The series:
//   dp_rpc_requests_total{service,method,code}         counter
//   dp_rpc_latency_seconds{service,method,...}         histogram
//   dp_audit_append_failures_total{service}            counter
//   dp_db_pool_connections{service,state}              gauge (in_use, size)
namespace dp::service {

// Metrics counts calls; safe from any thread.
//
//   metrics.ObserveCall("/dp.v1.LedgerService/CreateTransaction", 0, 0.004);
//   std::string page = metrics.Exposition({{"in_use", 3}, {"size", 8}});
class Metrics {
 public:
  // The latency buckets, in seconds: 0.5 ms to 10 s, then +Inf.
  static constexpr std::array<double, 14> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                      0.025,  0.05,  0.1,    0.25,  0.5,
                                                      1,      2.5,   5,      10};

  explicit Metrics(std::string service) : service_(std::move(service)) {}

  // ObserveCall counts one call of `method` answered with gRPC `code`
  // after `seconds`.
  void ObserveCall(std::string_view method, int code, double seconds);
  // CountAuditFailure counts an audit event that could not be appended.
  void CountAuditFailure();

  // Exposition is every series as Prometheus text, with the pool's
  // connections by state.
  std::string Exposition(const std::vector<std::pair<std::string, int64_t>>& pool) const;

 private:
  struct Latency {
    std::array<uint64_t, kBuckets.size()> buckets{};  // each bucket's own count
    uint64_t count = 0;
    double sum = 0;
  };
  const std::string service_;
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;  // (method, code)
  std::map<std::string, Latency> latency_;                    // by method
  uint64_t audit_failures_ = 0;
};

// CodeName is a gRPC status code's name: 0 -> "OK", 5 -> "NOT_FOUND".
std::string_view CodeName(int code);

}  // namespace dp::service

#endif  // DP_LIB_SERVICE_METRICS_H_
