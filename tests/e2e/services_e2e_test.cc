// Every service binary starts, answers the health check, lists its service
// through reflection and reports its version and database health.
#include <signal.h>

#include "dp/v1/agreements.grpc.pb.h"
#include "dp/v1/cards.grpc.pb.h"
#include "dp/v1/monitoring.grpc.pb.h"
#include "dp/v1/payroll.grpc.pb.h"
#include "grpc_helpers.h"
#include "service_process.h"
#include "test_db.h"
#include "gtest/gtest.h"

namespace dp::testing {
namespace {

template <typename Service>
void ExpectServes(const std::string& folder, const std::string& full_name) {
  MigratedConnection();
  ServiceProcess server(folder);
  ASSERT_TRUE(server.Start()) << server.Log();
  auto channel = Channel(server.address());
  EXPECT_EQ(HealthStatus(channel), grpc::health::v1::HealthCheckResponse::SERVING);
  EXPECT_TRUE(ReflectedServices(channel).count(full_name)) << full_name;
  v1::ServiceInfo info;
  auto s = Service::NewStub(channel)->GetServiceInfo(Ctx().get(), v1::GetServiceInfoRequest(),
                                                     &info);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(info.service(), folder);
  EXPECT_TRUE(info.database_ok());
  // An idle channel in this process is not polled, so it would never act on
  // the server's GOAWAY and the server would wait out its grace period.
  channel.reset();
  server.Signal(SIGTERM);
  EXPECT_EQ(server.Wait(), 0) << server.Log();
}

TEST(ServicesE2e, AgreementsServes) {
  ExpectServes<v1::AgreementService>("agreements", "dp.v1.AgreementService");
}
TEST(ServicesE2e, PayrollServes) {
  ExpectServes<v1::PayrollService>("payroll", "dp.v1.PayrollService");
}
TEST(ServicesE2e, CardsServes) { ExpectServes<v1::CardService>("cards", "dp.v1.CardService"); }
TEST(ServicesE2e, MonitoringServes) {
  ExpectServes<v1::MonitoringService>("monitoring", "dp.v1.MonitoringService");
}

TEST(ServicesE2e, RefusesToStartWithoutADatabaseAndSaysWhy) {
  ServiceProcess server("cards", {"--database-url", ""});
  EXPECT_FALSE(server.Start());
  EXPECT_NE(server.Log().find("DP_DATABASE_URL"), std::string::npos) << server.Log();
}

}  // namespace
}  // namespace dp::testing
