// The payroll calculator over gRPC and through dpctl.
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>

#include "dp/v1/payroll.grpc.pb.h"
#include "grpc_helpers.h"
#include "service_process.h"
#include "test_db.h"
#include "gtest/gtest.h"

namespace dp::testing {
namespace {

class PayrollE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    MigratedConnection();
    server_ = new ServiceProcess("payroll");
    ASSERT_TRUE(server_->Start()) << server_->Log();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static ServiceProcess* server_;
};
ServiceProcess* PayrollE2eTest::server_ = nullptr;

TEST_F(PayrollE2eTest, CalculatesAnHmrcVectorOverGrpc) {
  // HMRC 2025-26 rest-of-UK data, Gen_cumul-mthly/1: 1257L, month 1, 1,156.25.
  v1::CalculateRequest req;
  req.set_tax_year("2025-26");
  req.set_pay_frequency(v1::PAY_FREQUENCY_MONTHLY);
  req.set_period(1);
  req.set_tax_code("1257L");
  req.set_gross_pay_pence(115625);
  req.set_ni_category("A");
  v1::CalculateResponse resp;
  auto stub = v1::PayrollService::NewStub(Channel(server_->address()));
  ASSERT_TRUE(stub->Calculate(Ctx().get(), req, &resp).ok());
  EXPECT_EQ(resp.tax_pence(), 2140);  // HMRC: 21.40
  EXPECT_EQ(resp.employee_ni_pence(), 866);  // (1156.25 - 1048.00) x 8% = 8.66
  EXPECT_EQ(resp.net_pay_pence(), 115625 - 2140 - 866);
}

TEST_F(PayrollE2eTest, BadInputsAreRefusedPrecisely) {
  auto stub = v1::PayrollService::NewStub(Channel(server_->address()));
  v1::CalculateRequest base;
  base.set_tax_year("2025-26");
  base.set_pay_frequency(v1::PAY_FREQUENCY_MONTHLY);
  base.set_period(1);
  base.set_tax_code("1257L");
  base.set_gross_pay_pence(100000);
  struct Case {
    std::function<void(v1::CalculateRequest&)> change;
    grpc::StatusCode code;
    std::string mentions;
  };
  const std::vector<Case> cases = {
      {[](auto& r) { r.set_tax_year("2031-32"); }, grpc::StatusCode::NOT_FOUND, "2031-32"},
      {[](auto& r) { r.set_tax_code("12X"); }, grpc::StatusCode::INVALID_ARGUMENT, "tax_code"},
      {[](auto& r) { r.set_period(13); }, grpc::StatusCode::INVALID_ARGUMENT, "period"},
      {[](auto& r) { r.set_pay_frequency(v1::PAY_FREQUENCY_UNSPECIFIED); },
       grpc::StatusCode::INVALID_ARGUMENT, "pay_frequency"},
      {[](auto& r) { r.set_ni_category("X"); }, grpc::StatusCode::INVALID_ARGUMENT, "ni_category"},
      {[](auto& r) { r.set_gross_pay_pence(-1); }, grpc::StatusCode::INVALID_ARGUMENT, "negative"},
  };
  for (const auto& c : cases) {
    v1::CalculateRequest req = base;
    c.change(req);
    v1::CalculateResponse resp;
    auto s = stub->Calculate(Ctx().get(), req, &resp);
    EXPECT_EQ(s.error_code(), c.code) << s.error_message();
    EXPECT_NE(s.error_message().find(c.mentions), std::string::npos) << s.error_message();
  }
}

TEST_F(PayrollE2eTest, DpctlPrintsTheCalculation) {
  const std::string out = ::testing::TempDir() + "/calc-" + std::to_string(::getpid());
  const std::string cmd = std::string(DP_BIN_DIR) + "/../tools/dpctl/dpctl --insecure payroll --payroll " +
                          server_->address() +
                          " calculate --code S1257L --frequency weekly --period 1 --gross 346.15 > " + out;
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::ifstream in(out);
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(text.find("income tax:"), std::string::npos) << text;
  EXPECT_NE(text.find("GBP"), std::string::npos) << text;
}

}  // namespace
}  // namespace dp::testing
