#include "service/metrics.h"

#include "gtest/gtest.h"

namespace dp::service {
namespace {

TEST(Metrics, CountsCallsByMethodAndCodeWithCumulativeBuckets) {
  Metrics m("ledger");
  m.ObserveCall("/dp.v1.LedgerService/GetBalance", 0, 0.0004);  // first bucket
  m.ObserveCall("/dp.v1.LedgerService/GetBalance", 0, 0.003);   // le 0.005
  m.ObserveCall("/dp.v1.LedgerService/GetBalance", 5, 20);      // beyond 10 s: +Inf only
  m.CountAuditFailure();
  const std::string page = m.Exposition({{"in_use", 3}, {"size", 8}});
  const std::string labels = "service=\"ledger\",method=\"/dp.v1.LedgerService/GetBalance\"";
  for (const std::string& line :
       {"dp_rpc_requests_total{" + labels + ",code=\"OK\"} 2\n",
        "dp_rpc_requests_total{" + labels + ",code=\"NOT_FOUND\"} 1\n",
        "dp_rpc_latency_seconds_bucket{" + labels + ",le=\"0.0005\"} 1\n",
        "dp_rpc_latency_seconds_bucket{" + labels + ",le=\"0.0025\"} 1\n",
        "dp_rpc_latency_seconds_bucket{" + labels + ",le=\"0.005\"} 2\n",
        "dp_rpc_latency_seconds_bucket{" + labels + ",le=\"10\"} 2\n",
        "dp_rpc_latency_seconds_bucket{" + labels + ",le=\"+Inf\"} 3\n",
        "dp_rpc_latency_seconds_sum{" + labels + "} 20.0034\n",
        "dp_rpc_latency_seconds_count{" + labels + "} 3\n",
        std::string("dp_audit_append_failures_total{service=\"ledger\"} 1\n"),
        std::string("dp_db_pool_connections{service=\"ledger\",state=\"in_use\"} 3\n"),
        std::string("# TYPE dp_rpc_latency_seconds histogram\n")}) {
    EXPECT_NE(page.find(line), std::string::npos) << line << "\nin\n" << page;
  }
}

TEST(Metrics, ReportsDomainSeriesOnceUsed) {
  Metrics m("cards");
  EXPECT_EQ(m.Exposition({}).find("dp_card_authorisations_total"), std::string::npos)
      << "a series no one reported is not shown";
  m.Count(kCardDecisions, {"DECLINED", "BLOCKED_CATEGORY"});
  m.Count(kCardDecisions, {"DECLINED", "BLOCKED_CATEGORY"});
  m.Count(kCardDecisions, {"APPROVED", "NONE"});
  m.Observe(kJobDuration, {"pay_run"}, 0.3);  // le 0.5
  m.Observe(kJobDuration, {"pay_run"}, 700);  // beyond 600 s: +Inf only
  m.Observe(kLedgerBatchSize, {}, 3);         // le 4
  m.Observe(kCardBatchSeconds, {}, 0.0019);   // le 0.002
  m.Observe(kCardBatchSeconds, {}, 0.0031);   // le 0.005
  const std::string page = m.Exposition({});
  for (std::string_view line :
       {"# TYPE dp_card_authorisations_total counter\n",
        "dp_card_authorisations_total{service=\"cards\",outcome=\"DECLINED\","
        "reason=\"BLOCKED_CATEGORY\"} 2\n",
        "dp_card_authorisations_total{service=\"cards\",outcome=\"APPROVED\",reason=\"NONE\"} 1\n",
        "# TYPE dp_job_duration_seconds histogram\n",
        "dp_job_duration_seconds_bucket{service=\"cards\",job=\"pay_run\",le=\"0.25\"} 0\n",
        "dp_job_duration_seconds_bucket{service=\"cards\",job=\"pay_run\",le=\"0.5\"} 1\n",
        "dp_job_duration_seconds_bucket{service=\"cards\",job=\"pay_run\",le=\"600\"} 1\n",
        "dp_job_duration_seconds_bucket{service=\"cards\",job=\"pay_run\",le=\"+Inf\"} 2\n",
        "dp_job_duration_seconds_sum{service=\"cards\",job=\"pay_run\"} 700.3\n",
        "dp_ledger_batch_size_bucket{service=\"cards\",le=\"2\"} 0\n",
        "dp_ledger_batch_size_bucket{service=\"cards\",le=\"4\"} 1\n",
        "dp_ledger_batch_size_count{service=\"cards\"} 1\n",
        "# TYPE dp_card_batch_seconds histogram\n",
        "dp_card_batch_seconds_bucket{service=\"cards\",le=\"0.001\"} 0\n",
        "dp_card_batch_seconds_bucket{service=\"cards\",le=\"0.002\"} 1\n",
        "dp_card_batch_seconds_bucket{service=\"cards\",le=\"0.005\"} 2\n",
        "dp_card_batch_seconds_sum{service=\"cards\"} 0.005\n",
        "dp_card_batch_seconds_count{service=\"cards\"} 2\n"}) {
    EXPECT_NE(page.find(line), std::string::npos) << line << "\nin\n" << page;
  }
}

TEST(Metrics, NamesEveryGrpcCode) {
  EXPECT_EQ(CodeName(0), "OK");
  EXPECT_EQ(CodeName(14), "UNAVAILABLE");
  EXPECT_EQ(CodeName(16), "UNAUTHENTICATED");
  EXPECT_EQ(CodeName(99), "UNKNOWN");
}

}  // namespace
}  // namespace dp::service
