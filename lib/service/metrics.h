#ifndef DP_LIB_SERVICE_METRICS_H_
#define DP_LIB_SERVICE_METRICS_H_

#include <array>
#include <chrono>
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
// and the domain series below (kCardDecisions, kLedgerBatchSize,
// kCardBatchSeconds, kJobDuration, kConsolePages), once a service has
// reported one.
namespace dp::service {

// Series describes a domain series a service reports beside its calls: a
// counter when `buckets` is empty, else a histogram with those upper bounds.
struct Series {
  std::string_view name;
  std::string_view help;
  std::vector<std::string_view> labels;  // besides `service`
  std::vector<double> buckets;
};

// kCardDecisions counts authorisation decisions by outcome and reason:
//   metrics.Count(kCardDecisions, {"DECLINED", "BLOCKED_CATEGORY"});
inline const Series kCardDecisions{"dp_card_authorisations_total",
                                   "Card authorisation decisions, by outcome and reason.",
                                   {"outcome", "reason"},
                                   {}};
// kLedgerBatchSize is how many writes each group commit carried:
//   metrics.Observe(kLedgerBatchSize, {}, 12);
inline const Series kLedgerBatchSize{
    "dp_ledger_batch_size",
    "Writes committed together in one ledger transaction (group commit).",
    {},
    {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1000}};
// kCardBatchSeconds is how long each batch of card authorisations took,
// from its first read to its commit. Its sum's rate is the share of the
// time the batch worker was busy; past about 0.8, decisions queue for it
// and the tail of the decision time grows fast (tools/bench-cards: 85%
// busy at 400 decisions a second, 93 to 98% at 500, where the slowest 1%
// waited about 7 ms for the worker).
//   metrics.Observe(kCardBatchSeconds, {}, 0.0019);
inline const Series kCardBatchSeconds{
    "dp_card_batch_seconds",
    "How long each batch of card authorisations took, from its first read to its commit.",
    {},
    {0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 1.5}};
// kJobDuration is how long a long job took, by job, whether or not it
// succeeded: pay_run, monitoring_sweep, payment_schedule, payment_run.
//   metrics.Observe(kJobDuration, {"pay_run"}, 2.4);
inline const Series kJobDuration{
    "dp_job_duration_seconds",
    "How long a pay run, sweep or payment run took, by job.",
    {"job"},
    {0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600}};

// Metrics counts calls; safe from any thread.
//
//   metrics.ObserveCall("/dp.v1.LedgerService/CreateTransaction", 0, 0.004);
//   std::string page = metrics.Exposition({{"in_use", 3}, {"size", 8}});
class Metrics {
 public:
  // The latency buckets, in seconds: 0.5 ms to 10 s, then +Inf.
  static constexpr std::array<double, 14> kBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  explicit Metrics(std::string service) : service_(std::move(service)) {}

  // ObserveCall counts one call of `method` answered with gRPC `code`
  // after `seconds`.
  void ObserveCall(std::string_view method, int code, double seconds);
  // CountAuditFailure counts an audit event that could not be appended.
  void CountAuditFailure();
  // Count adds one to a counter series, with its labels' values in order.
  void Count(const Series& series, std::vector<std::string> values);
  // Observe records `value` in a histogram series.
  void Observe(const Series& series, std::vector<std::string> values, double value);

  // Exposition is every series as Prometheus text, with the pool's
  // connections by state.
  std::string Exposition(const std::vector<std::pair<std::string, int64_t>>& pool) const;

 private:
  struct Latency {
    std::array<uint64_t, kBuckets.size()> buckets{};  // each bucket's own count
    uint64_t count = 0;
    double sum = 0;
  };
  struct Samples {                  // of one domain series, with one set of label values
    std::vector<uint64_t> buckets;  // each bucket's own count; empty for a counter
    uint64_t count = 0;
    double sum = 0;
  };
  const std::string service_;
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;  // (method, code)
  std::map<std::string, Latency> latency_;                    // by method
  uint64_t audit_failures_ = 0;
  std::map<const Series*, std::map<std::vector<std::string>, Samples>> domain_;
};

// kConsolePages is how long the console took over each page, by route
// (numbers in the path as ":id") and HTTP status:
//   metrics.Observe(kConsolePages, {"/agreements/:id", "200"}, 0.012);
inline const Series kConsolePages{
    "dp_console_page_seconds",
    "Console pages answered, by route and HTTP status, and how long they took.",
    {"route", "status"},
    {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}};

// JobTimer observes kJobDuration for one run of a job when it goes out of
// scope, whether the job succeeded or not.
//
//   { JobTimer timer(host_.metrics(), "pay_run"); ... }
class JobTimer {
 public:
  JobTimer(Metrics& metrics, std::string job)
      : metrics_(metrics), job_(std::move(job)), started_(std::chrono::steady_clock::now()) {}
  ~JobTimer() {
    metrics_.Observe(
        kJobDuration, {job_},
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count());
  }
  JobTimer(const JobTimer&) = delete;
  JobTimer& operator=(const JobTimer&) = delete;

 private:
  Metrics& metrics_;
  const std::string job_;
  const std::chrono::steady_clock::time_point started_;
};

// CodeName is a gRPC status code's name: 0 -> "OK", 5 -> "NOT_FOUND".
std::string_view CodeName(int code);

}  // namespace dp::service

#endif  // DP_LIB_SERVICE_METRICS_H_
