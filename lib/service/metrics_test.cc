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
  for (const std::string& line : {
           "dp_rpc_requests_total{" + labels + ",code=\"OK\"} 2\n",
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

TEST(Metrics, NamesEveryGrpcCode) {
  EXPECT_EQ(CodeName(0), "OK");
  EXPECT_EQ(CodeName(14), "UNAVAILABLE");
  EXPECT_EQ(CodeName(16), "UNAUTHENTICATED");
  EXPECT_EQ(CodeName(99), "UNKNOWN");
}

}  // namespace
}  // namespace dp::service
