#ifndef DP_SERVICES_CONSOLE_BACKENDS_H_
#define DP_SERVICES_CONSOLE_BACKENDS_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "dp/v1/admin.grpc.pb.h"
#include "dp/v1/agreements.grpc.pb.h"
#include "dp/v1/cards.grpc.pb.h"
#include "dp/v1/ledger.grpc.pb.h"
#include "dp/v1/monitoring.grpc.pb.h"
#include "dp/v1/payments.grpc.pb.h"
#include "dp/v1/payroll.grpc.pb.h"

namespace dp::console_service {

// BackendConfig is where the services are and the console's own
// certificate (role `console`) that it calls them with.
struct BackendConfig {
  std::string agreements_addr = "127.0.0.1:7052";
  std::string ledger_addr = "127.0.0.1:7051";  // and AdminService
  std::string payroll_addr = "127.0.0.1:7053";
  std::string cards_addr = "127.0.0.1:7054";
  std::string monitoring_addr = "127.0.0.1:7055";
  std::string ca_file, cert_file, key_file;
  int timeout_ms = 5000;
};

// Backends are the services the pages read and write through. Every call
// names the signed-in user (iam::kActingForHeader); the services judge it
// by that user's role and reach, never the console's.
//
//   auto ctx = backends.For("officer@fife");
//   backends.agreements().GetAgreement(ctx.get(), request, &agreement);
class Backends {
 public:
  explicit Backends(const BackendConfig& config);
  // Trace names the page being drawn on this thread, while it lives: every
  // call For makes meanwhile sends it as x-request-id.
  class Trace {
   public:
    explicit Trace(std::string id);
    ~Trace();
  };

  // For is a call's context as `user`, with the console's timeout, or
  // `timeout_ms` for a long run the user watches.
  std::unique_ptr<grpc::ClientContext> For(const std::string& user, int timeout_ms = 0) const;
  v1::AgreementService::Stub& agreements() { return *agreements_; }
  v1::LedgerService::Stub& ledger() { return *ledger_; }
  v1::AdminService::Stub& admin() { return *admin_; }
  v1::AuditService::Stub& audit() { return *audit_; }
  v1::PaymentService::Stub& payments() { return *payments_; }
  v1::MonitoringService::Stub& monitoring() { return *monitoring_; }
  v1::CardService::Stub& cards() { return *cards_; }
  v1::PayrollService::Stub& payroll() { return *payroll_; }

 private:
  int timeout_ms_;
  std::unique_ptr<v1::AgreementService::Stub> agreements_;
  std::unique_ptr<v1::LedgerService::Stub> ledger_;
  std::unique_ptr<v1::AdminService::Stub> admin_;
  std::unique_ptr<v1::AuditService::Stub> audit_;
  std::unique_ptr<v1::PaymentService::Stub> payments_;
  std::unique_ptr<v1::MonitoringService::Stub> monitoring_;
  std::unique_ptr<v1::CardService::Stub> cards_;
  std::unique_ptr<v1::PayrollService::Stub> payroll_;
};

}  // namespace dp::console_service

#endif  // DP_SERVICES_CONSOLE_BACKENDS_H_
