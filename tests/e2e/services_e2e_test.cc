// Every service binary starts, answers the health check, lists its service
// through reflection and reports its version and database health.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <httplib.h>

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

// FreePort is a loopback port nothing listens on now.
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(a);
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

// ExpectServes starts the service with its Prometheus endpoint, asks it
// for its info once, and checks the answer and the metrics it then serves.
template <typename Service>
void ExpectServes(const std::string& folder, const std::string& full_name) {
  MigratedConnection();
  const int metrics_port = FreePort(), health_port = FreePort();
  ServiceProcess server(folder, {"--metrics-listen", "127.0.0.1:" + std::to_string(metrics_port),
                                 "--health-listen", "127.0.0.1:" + std::to_string(health_port)});
  ASSERT_TRUE(server.Start()) << server.Log();
  auto channel = Channel(server.address());
  EXPECT_EQ(HealthStatus(channel), grpc::health::v1::HealthCheckResponse::SERVING);
  {  // The probes' plaintext port answers the health service and nothing else.
    auto probe = grpc::CreateChannel("127.0.0.1:" + std::to_string(health_port),
                                     grpc::InsecureChannelCredentials());
    EXPECT_EQ(HealthStatus(probe), grpc::health::v1::HealthCheckResponse::SERVING);
    v1::ServiceInfo none;
    EXPECT_EQ(Service::NewStub(probe)->GetServiceInfo(Ctx().get(), v1::GetServiceInfoRequest(), &none)
                  .error_code(),
              grpc::StatusCode::UNIMPLEMENTED);
  }
  EXPECT_TRUE(ReflectedServices(channel).count(full_name)) << full_name;
  v1::ServiceInfo info;
  grpc::Status s;
  {  // a context kept past its call would hold the server's shutdown
    auto ctx = Ctx();
    ctx->AddMetadata("x-request-id", "page-7f3a/" + folder);
    s = Service::NewStub(channel)->GetServiceInfo(ctx.get(), v1::GetServiceInfoRequest(), &info);
  }
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(info.service(), folder);
  EXPECT_TRUE(info.database_ok());
  // The one call is counted with its code and latency; health probes are not.
  httplib::Client scrape("127.0.0.1", metrics_port);
  auto got = scrape.Get("/metrics");
  ASSERT_TRUE(got) << httplib::to_string(got.error());
  EXPECT_EQ(got->status, 200);
  const std::string svc = "service=\"" + folder + "\"";
  const std::string method = "method=\"/" + full_name + "/GetServiceInfo\"";
  for (const std::string& line :
       {"dp_rpc_requests_total{" + svc + "," + method + ",code=\"OK\"} 1\n",
        "dp_rpc_latency_seconds_count{" + svc + "," + method + "} 1\n",
        "dp_rpc_latency_seconds_bucket{" + svc + "," + method + ",le=\"+Inf\"} 1\n",
        "dp_audit_append_failures_total{" + svc + "} 0\n",
        "dp_db_pool_connections{" + svc + ",state=\"size\"} 8\n"}) {
    EXPECT_NE(got->body.find(line), std::string::npos) << line << "\nin\n" << got->body;
  }
  EXPECT_EQ(got->body.find("grpc.health"), std::string::npos) << got->body;
  // The call's log line carries the caller's trace id, to follow it across services.
  EXPECT_NE(server.Log().find("\"trace\":\"page-7f3a/" + folder + "\""), std::string::npos)
      << server.Log();
  // An idle channel in this process is not polled, so it would never act on
  // the server's GOAWAY and the server would wait out its grace period.
  channel.reset();
  server.Signal(SIGTERM);
  EXPECT_EQ(server.Wait(), 0) << server.Log();
}

TEST(ServicesE2e, AWritesLogLineCarriesItsRequestIdEvenWhenRefused) {
  MigratedConnection();
  ServiceProcess server("agreements");
  ASSERT_TRUE(server.Start()) << server.Log();
  v1::CreatePersonRequest req;
  req.set_request_id("rid-log-line-1");
  v1::PersonSummary out;
  auto s = v1::AgreementService::NewStub(Channel(server.address()))
               ->CreatePerson(Ctx().get(), req, &out);
  ASSERT_FALSE(s.ok()) << "an empty person is refused";
  const std::string log = server.Log();
  const size_t line = log.find("\"method\":\"/dp.v1.AgreementService/CreatePerson\"");
  ASSERT_NE(line, std::string::npos) << log;
  const std::string text = log.substr(log.rfind('\n', line) + 1, log.find('\n', line) - log.rfind('\n', line));
  EXPECT_NE(text.find("\"request_id\":\"rid-log-line-1\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"code\":" + std::to_string(s.error_code())), std::string::npos) << text;
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
