#ifndef DP_SERVICES_MONITORING_MONITORING_SERVICE_H_
#define DP_SERVICES_MONITORING_MONITORING_SERVICE_H_

#include <functional>
#include <vector>

#include "db/idempotency.h"
#include "dp/v1/monitoring.grpc.pb.h"
#include "monitoring/rules/bank.h"
#include "monitoring/rules/settings.h"
#include "service/host.h"

namespace dp::monitoring_service {

// MonitoringServiceImpl is the gRPC face of lib/monitoring: it checks who is
// calling, converts messages and runs the books. Officers write within
// their authority; auditors and an agreement's ISO read within their reach;
// anything outside a caller's reach answers as missing.
class MonitoringServiceImpl final : public v1::MonitoringService::Service {
 public:
  MonitoringServiceImpl(service::ServiceHost& host, std::vector<monitoring::Settings> defaults,
                        std::vector<monitoring::BankRules> bank_rules)
      : host_(host), defaults_(std::move(defaults)), bank_rules_(std::move(bank_rules)) {}

  grpc::Status GetServiceInfo(grpc::ServerContext*, const v1::GetServiceInfoRequest*,
                              v1::ServiceInfo* out) override;
  grpc::Status SetMonitoringSettings(grpc::ServerContext* ctx,
                                     const v1::SetMonitoringSettingsRequest* req,
                                     v1::MonitoringSettings* out) override;
  grpc::Status GetMonitoringSettings(grpc::ServerContext* ctx,
                                     const v1::GetMonitoringSettingsRequest* req,
                                     v1::MonitoringSettings* out) override;
  grpc::Status PreviewMonitoringSettings(grpc::ServerContext* ctx,
                                         const v1::PreviewMonitoringSettingsRequest* req,
                                         v1::SettingsPreview* out) override;
  grpc::Status Sweep(grpc::ServerContext* ctx, const v1::SweepRequest* req,
                     v1::SweepReport* out) override;
  grpc::Status GetAgreementMonitoring(grpc::ServerContext* ctx,
                                      const v1::GetAgreementMonitoringRequest* req,
                                      v1::AgreementMonitoring* out) override;
  grpc::Status ListFindings(grpc::ServerContext* ctx, const v1::ListFindingsRequest* req,
                            v1::ListFindingsResponse* out) override;
  grpc::Status GetCase(grpc::ServerContext* ctx, const v1::GetCaseRequest* req,
                       v1::ReviewCase* out) override;
  grpc::Status ListCases(grpc::ServerContext* ctx, const v1::ListCasesRequest* req,
                         v1::ListCasesResponse* out) override;
  grpc::Status AddCaseNote(grpc::ServerContext* ctx, const v1::AddCaseNoteRequest* req,
                           v1::ReviewCase* out) override;
  grpc::Status DecideCase(grpc::ServerContext* ctx, const v1::DecideCaseRequest* req,
                          v1::ReviewCase* out) override;

  grpc::Status GetAuditorReport(grpc::ServerContext* ctx, const v1::GetAuditorReportRequest* req,
                                v1::AuditorReport* out) override;
  grpc::Status VerifyAuditorReport(grpc::ServerContext* ctx,
                                   const v1::VerifyAuditorReportRequest* req,
                                   v1::ReportVerification* out) override;

  grpc::Status ImportBankStatement(grpc::ServerContext* ctx,
                                   const v1::ImportBankStatementRequest* req,
                                   v1::BankImportReport* out) override;

  // SweepAll runs an incremental sweep of every authority with agreements,
  // as the schedule does; it logs what it did.
  void SweepAll();

 private:
  using CaseFn = std::function<absl::Status(pqxx::work&, int64_t case_id)>;
  grpc::Status CaseWrite(grpc::ServerContext* ctx, const iam::Principal& caller,
                         const google::protobuf::Message& request,
                         const std::string& request_id, const std::string& operation,
                         int64_t case_id, const CaseFn& change, v1::ReviewCase* out);

  service::ServiceHost& host_;
  std::vector<monitoring::Settings> defaults_;
  std::vector<monitoring::BankRules> bank_rules_;
  db::RequestLog requests_{"monitoring.requests"};
};

}  // namespace dp::monitoring_service

#endif  // DP_SERVICES_MONITORING_MONITORING_SERVICE_H_
