// dp-agreements serves AgreementService (direct payment agreements, their
// approval, payment schedule, termination and the person's record) and
// PaymentService (payments out of an agreement's account).
#include "agreement_service.h"
#include "payment_service.h"
#include "service/log.h"

int main(int argc, char** argv) {
  dp::service::BlockShutdownSignals();
  dp::service::ServiceConfig config{.name = "agreements", .listen = "127.0.0.1:7052",
                                    .migrations_dir = DP_MIGRATIONS_DIR};
  std::string modulus_file = DP_MODULUS_WEIGHTS_FILE;
  CLI::App app{"dp-agreements: Direct Payments agreements and payments service"};
  dp::service::AddServiceFlags(app, config);
  app.add_option("--modulus-weights", modulus_file,
                 "bank account modulus weights (Vocalink's valacdos.txt layout)")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  auto modulus = dp::payments::ModulusRules::Load(modulus_file);
  if (!modulus.ok()) {
    dp::service::LogEvent("error", {{"service", "agreements"},
                                    {"msg", std::string(modulus.status().message())}});
    return 1;
  }
  dp::service::ServiceHost host(config);
  if (absl::Status s = host.Prepare(); !s.ok()) {
    dp::service::LogEvent("error", {{"service", "agreements"}, {"msg", std::string(s.message())}});
    return 1;
  }
  dp::agreements_service::AgreementServiceImpl agreements(host);
  dp::agreements_service::PaymentServiceImpl payments(host, std::move(*modulus));
  return host.Run({&agreements, &payments});
}
