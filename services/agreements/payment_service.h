#ifndef DP_SERVICES_AGREEMENTS_PAYMENT_SERVICE_H_
#define DP_SERVICES_AGREEMENTS_PAYMENT_SERVICE_H_

#include <functional>
#include <string>

#include "db/idempotency.h"
#include "dp/v1/payments.grpc.pb.h"
#include "payments/books/payees.h"
#include "payments/rules/bank_details.h"
#include "service/host.h"
#include "service/write.h"

namespace dp::agreements_service {

// PaymentServiceImpl is the gRPC face of lib/payments: it checks who is
// calling (an officer of the authority, or an ISO granted the agreement),
// converts messages, and runs the books in one database transaction per
// call with the call's audit event.
class PaymentServiceImpl final : public v1::PaymentService::Service {
 public:
  PaymentServiceImpl(service::ServiceHost& host, payments::ModulusRules modulus)
      : host_(host), modulus_(std::move(modulus)) {}

  grpc::Status GetServiceInfo(grpc::ServerContext*, const v1::GetServiceInfoRequest*,
                              v1::ServiceInfo* out) override;
  grpc::Status AddPayee(grpc::ServerContext* ctx, const v1::AddPayeeRequest* req,
                        v1::Payee* out) override;
  grpc::Status ApprovePayee(grpc::ServerContext* ctx, const v1::ApprovePayeeRequest* req,
                            v1::Payee* out) override;
  grpc::Status SubmitInvoice(grpc::ServerContext* ctx, const v1::SubmitInvoiceRequest* req,
                             v1::Invoice* out) override;
  grpc::Status ApproveInvoice(grpc::ServerContext* ctx, const v1::ApproveInvoiceRequest* req,
                              v1::Invoice* out) override;
  grpc::Status CreateStandingOrder(grpc::ServerContext* ctx,
                                   const v1::CreateStandingOrderRequest* req,
                                   v1::StandingOrder* out) override;
  grpc::Status CancelStandingOrder(grpc::ServerContext* ctx,
                                   const v1::CancelArrangementRequest* req,
                                   v1::StandingOrder* out) override;
  grpc::Status CreateMandate(grpc::ServerContext* ctx, const v1::CreateMandateRequest* req,
                             v1::Mandate* out) override;
  grpc::Status CancelMandate(grpc::ServerContext* ctx, const v1::CancelArrangementRequest* req,
                             v1::Mandate* out) override;
  grpc::Status ListArrangements(grpc::ServerContext* ctx, const v1::ListArrangementsRequest* req,
                                v1::Arrangements* out) override;
  grpc::Status SchedulePayment(grpc::ServerContext* ctx, const v1::SchedulePaymentRequest* req,
                               v1::OutgoingPayment* out) override;
  grpc::Status RunPayments(grpc::ServerContext* ctx, const v1::RunPaymentsRequest* req,
                           v1::PaymentsRun* out) override;
  grpc::Status GetPaymentsRun(grpc::ServerContext* ctx, const v1::GetPaymentsRunRequest* req,
                              v1::PaymentsRun* out) override;
  grpc::Status SettlePaymentsRun(grpc::ServerContext* ctx,
                                 const v1::SettlePaymentsRunRequest* req,
                                 v1::PaymentsRun* out) override;
  grpc::Status ImportCollections(grpc::ServerContext* ctx, const v1::ImportBankFileRequest* req,
                                 v1::BankFileReport* out) override;
  grpc::Status ImportReturns(grpc::ServerContext* ctx, const v1::ImportBankFileRequest* req,
                             v1::BankFileReport* out) override;
  grpc::Status ListOutgoingPayments(grpc::ServerContext* ctx,
                                    const v1::ListOutgoingPaymentsRequest* req,
                                    v1::ListOutgoingPaymentsResponse* out) override;
  grpc::Status GetAvailableToSpend(grpc::ServerContext* ctx,
                                   const v1::GetAvailableToSpendRequest* req,
                                   v1::AvailableToSpend* out) override;

 private:
  // ArrangementWrite is a write to one agreement's payments: `what` names
  // what `id` is ("agreement", "payee", "invoice", "standing_order",
  // "mandate"); the caller must write for its authority, or be an ISO
  // granted the agreement. `change` returns the id of what it wrote;
  // `fill` fills the answer from it, after the write and on a retry.
  using ChangeFn = std::function<absl::StatusOr<int64_t>(pqxx::work&, const payments::Actor&)>;
  using FillFn = std::function<absl::Status(pqxx::transaction_base&, int64_t)>;
  grpc::Status ArrangementWrite(grpc::ServerContext* ctx, const google::protobuf::Message& request,
                                const std::string& request_id, const std::string& operation,
                                const std::string& what, int64_t id, const ChangeFn& change,
                                const FillFn& fill);
  // AuthorityWrite is an officer's write for a whole authority (a run, a
  // bank file): `write` returns the key a retry is answered from.
  using AuthorityFn = std::function<absl::StatusOr<std::string>(pqxx::work&, const payments::Actor&)>;
  grpc::Status AuthorityWrite(grpc::ServerContext* ctx, const google::protobuf::Message& request,
                              const std::string& request_id, const std::string& operation,
                              const std::string& authority_id, const AuthorityFn& write,
                              const service::ReloadFn& reload);
  // ReadAgreement runs `read` if the caller may see the agreement.
  grpc::Status ReadAgreement(grpc::ServerContext* ctx, int64_t agreement_id,
                             const std::function<absl::Status(pqxx::transaction_base&)>& read);
  grpc::Status ImportFile(grpc::ServerContext* ctx, const v1::ImportBankFileRequest& req,
                          const std::string& operation, v1::BankFileReport* out);

  service::ServiceHost& host_;
  const payments::ModulusRules modulus_;
  const db::RequestLog requests_{"payments.requests"};
};

}  // namespace dp::agreements_service

#endif  // DP_SERVICES_AGREEMENTS_PAYMENT_SERVICE_H_
