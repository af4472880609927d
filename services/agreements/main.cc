// dp-agreements serves AgreementService: direct payment agreements, their
// approval, payment schedule, termination and the person's record.
#include "agreement_service.h"
#include "service/log.h"

int main(int argc, char** argv) {
  dp::service::BlockShutdownSignals();
  dp::service::ServiceConfig config{.name = "agreements", .listen = "127.0.0.1:7052",
                                    .migrations_dir = DP_MIGRATIONS_DIR};
  CLI::App app{"dp-agreements: Direct Payments agreements service"};
  dp::service::AddServiceFlags(app, config);
  CLI11_PARSE(app, argc, argv);
  dp::service::ServiceHost host(config);
  if (absl::Status s = host.Prepare(); !s.ok()) {
    dp::service::LogEvent("error", {{"service", "agreements"}, {"msg", std::string(s.message())}});
    return 1;
  }
  dp::agreements_service::AgreementServiceImpl agreements(host);
  return host.Run({&agreements});
}
