#ifndef DP_SERVICES_AGREEMENTS_AGREEMENT_SERVICE_H_
#define DP_SERVICES_AGREEMENTS_AGREEMENT_SERVICE_H_

#include "agreements/workflow.h"
#include "db/idempotency.h"
#include "dp/v1/agreements.grpc.pb.h"
#include "iam/principal.h"
#include "service/host.h"
#include "service/write.h"

namespace dp::agreements_service {

// AgreementServiceImpl is the gRPC face of lib/agreements: it checks who is
// calling, converts messages, and runs the workflow inside one idempotent
// database transaction per write.
class AgreementServiceImpl final : public v1::AgreementService::Service {
 public:
  explicit AgreementServiceImpl(service::ServiceHost& host) : host_(host) {}

  grpc::Status GetServiceInfo(grpc::ServerContext*, const v1::GetServiceInfoRequest*,
                              v1::ServiceInfo* out) override;
  grpc::Status SetAuthoritySettings(grpc::ServerContext* ctx,
                                    const v1::SetAuthoritySettingsRequest* req,
                                    v1::AuthoritySettings* out) override;
  grpc::Status GetAuthoritySettings(grpc::ServerContext* ctx,
                                    const v1::GetAuthoritySettingsRequest* req,
                                    v1::AuthoritySettings* out) override;
  grpc::Status CreatePerson(grpc::ServerContext* ctx, const v1::CreatePersonRequest* req,
                            v1::PersonSummary* out) override;
  grpc::Status GetPerson(grpc::ServerContext* ctx, const v1::GetPersonRequest* req,
                         v1::PersonSummary* out) override;
  grpc::Status CreateAgreement(grpc::ServerContext* ctx, const v1::CreateAgreementRequest* req,
                               v1::Agreement* out) override;
  grpc::Status AmendAgreement(grpc::ServerContext* ctx, const v1::AmendAgreementRequest* req,
                              v1::Agreement* out) override;
  grpc::Status GetAgreement(grpc::ServerContext* ctx, const v1::GetAgreementRequest* req,
                            v1::Agreement* out) override;
  grpc::Status ListAgreements(grpc::ServerContext* ctx, const v1::ListAgreementsRequest* req,
                              v1::ListAgreementsResponse* out) override;
  grpc::Status SummariseAgreements(grpc::ServerContext* ctx, const v1::SummariseAgreementsRequest* req,
                                   v1::AgreementsSummary* out) override;
  grpc::Status Decide(grpc::ServerContext* ctx, const v1::DecideRequest* req,
                      v1::Agreement* out) override;
  grpc::Status Terminate(grpc::ServerContext* ctx, const v1::TerminateRequest* req,
                         v1::FinalPosition* out) override;
  grpc::Status ConfirmRecovery(grpc::ServerContext* ctx, const v1::ConfirmRecoveryRequest* req,
                               v1::FinalPosition* out) override;
  grpc::Status RunPaymentSchedule(grpc::ServerContext* ctx,
                                  const v1::RunPaymentScheduleRequest* req,
                                  v1::PaymentRun* out) override;
  grpc::Status RunPaymentScheduleWithProgress(
      grpc::ServerContext* ctx, const v1::RunPaymentScheduleRequest* req,
      grpc::ServerWriter<v1::PaymentScheduleProgress>* writer) override;
  grpc::Status ListPayments(grpc::ServerContext* ctx, const v1::ListPaymentsRequest* req,
                            v1::ListPaymentsResponse* out) override;
  grpc::Status GetRecord(grpc::ServerContext* ctx, const v1::GetRecordRequest* req,
                         v1::PersonRecord* out) override;

 private:
  // RunSchedule is both RunPaymentSchedule RPCs: the run, told to
  // `progress` as it goes (a replay tells nothing).
  grpc::Status RunSchedule(grpc::ServerContext* ctx, const v1::RunPaymentScheduleRequest& req,
                           const agreements::RunProgress& progress, v1::PaymentRun* out);

  // Write runs an authorised, idempotent write (see service/write.h).
  grpc::Status Write(const grpc::ServerContext& ctx, const google::protobuf::Message& request, const std::string& request_id,
                     const std::string& operation, const service::WriteFn& write,
                     const service::ReloadFn& reload);
  // AgreementWrite is a write to one existing agreement: the caller must be
  // able to write for its authority. `change` writes; `fill` fills the
  // answer, after the write and on a retry alike.
  using ChangeFn = std::function<absl::Status(pqxx::work&, const agreements::Header&,
                                              const agreements::Actor&)>;
  using FillFn = std::function<absl::Status(pqxx::transaction_base&)>;
  grpc::Status AgreementWrite(grpc::ServerContext* ctx, const google::protobuf::Message& request,
                              const std::string& request_id, const std::string& operation,
                              int64_t agreement_id, const ChangeFn& change, const FillFn& fill);
  // ReadAgreement runs `read` if the caller may see the agreement.
  grpc::Status ReadAgreement(
      grpc::ServerContext* ctx, int64_t agreement_id,
      const std::function<absl::Status(pqxx::transaction_base&, const agreements::Header&)>& read);

  service::ServiceHost& host_;
  const db::RequestLog requests_{"agreements.requests"};
};

}  // namespace dp::agreements_service

#endif  // DP_SERVICES_AGREEMENTS_AGREEMENT_SERVICE_H_
