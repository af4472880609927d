#ifndef DP_SERVICES_LEDGER_LEDGER_SERVICE_H_
#define DP_SERVICES_LEDGER_LEDGER_SERVICE_H_

#include "db/pool.h"
#include "dp/v1/ledger.grpc.pb.h"
#include "ledger/batcher.h"
#include "service/host.h"

namespace dp::ledger_service {

// LedgerServiceImpl is the gRPC face of the ledger library: it converts
// messages, sends writes through the group-commit batcher and reads through
// the pool. All rules live in lib/ledger and in the database.
//
// CreateTransaction, the write every payment makes, uses gRPC's callback
// API: the call is checked on gRPC's own thread, queued for the batch, and
// answered from the batch's thread when it commits, so no thread waits
// per call and none is woken to answer it.
class LedgerServiceImpl final
    : public v1::LedgerService::WithCallbackMethod_CreateTransaction<v1::LedgerService::Service> {
 public:
  LedgerServiceImpl(service::ServiceHost& host, ledger::WriteBatcher& batcher)
      : host_(host), batcher_(batcher) {}

  grpc::Status GetServiceInfo(grpc::ServerContext*, const v1::GetServiceInfoRequest*,
                              v1::ServiceInfo* out) override;
  grpc::Status CreateAccount(grpc::ServerContext* ctx, const v1::CreateAccountRequest* req,
                             v1::Account* out) override;
  grpc::Status GetAccount(grpc::ServerContext* ctx, const v1::GetAccountRequest* req,
                          v1::Account* out) override;
  grpc::Status ListAccounts(grpc::ServerContext* ctx, const v1::ListAccountsRequest* req,
                            v1::ListAccountsResponse* out) override;
  grpc::ServerUnaryReactor* CreateTransaction(grpc::CallbackServerContext* ctx,
                                             const v1::CreateTransactionRequest* req,
                                             v1::Transaction* out) override;
  grpc::Status GetTransaction(grpc::ServerContext* ctx, const v1::GetTransactionRequest* req,
                              v1::Transaction* out) override;
  grpc::Status ReverseTransaction(grpc::ServerContext* ctx, const v1::ReverseTransactionRequest* req,
                                  v1::Transaction* out) override;
  grpc::Status CreatePendingTransfer(grpc::ServerContext* ctx,
                                     const v1::CreatePendingTransferRequest* req,
                                     v1::PendingTransfer* out) override;
  grpc::Status PostPendingTransfer(grpc::ServerContext* ctx,
                                   const v1::PostPendingTransferRequest* req,
                                   v1::PendingTransfer* out) override;
  grpc::Status IncreasePendingTransfer(grpc::ServerContext* ctx,
                                       const v1::IncreasePendingTransferRequest* req,
                                       v1::PendingTransfer* out) override;
  grpc::Status VoidPendingTransfer(grpc::ServerContext* ctx,
                                   const v1::VoidPendingTransferRequest* req,
                                   v1::PendingTransfer* out) override;
  grpc::Status GetPendingTransfer(grpc::ServerContext* ctx, const v1::GetPendingTransferRequest* req,
                                  v1::PendingTransfer* out) override;
  grpc::Status GetBalance(grpc::ServerContext* ctx, const v1::GetBalanceRequest* req,
                          v1::Balance* out) override;
  grpc::Status ListStatement(grpc::ServerContext* ctx, const v1::ListStatementRequest* req,
                             v1::ListStatementResponse* out) override;

 private:
  enum class Access { kRead, kWrite };
  // Authorize checks that the caller may read or change every account in
  // `account_ids` (see iam::Principal::CanRead/CanWrite). Accounts that do
  // not exist are left for the operation itself to report as NOT_FOUND.
  // HiddenFn makes the answer for an account the caller may not see: the
  // one the operation gives when it does not exist (index, account id).
  using HiddenFn = std::function<absl::Status(size_t, int64_t)>;
  absl::Status Authorize(const grpc::ServerContextBase& ctx, const std::vector<int64_t>& account_ids,
                         Access access, const HiddenFn& hidden = nullptr);
  // AnswerTransaction answers a write's result with its transaction.
  grpc::Status AnswerTransaction(const absl::StatusOr<ledger::WriteResult>& result,
                                 v1::Transaction* out);
  // Write sends one op through the batcher and answers with the resulting
  // transaction or pending transfer.
  grpc::Status WriteTransaction(const grpc::ServerContextBase& ctx, ledger::WriteOp op,
                                v1::Transaction* out);
  grpc::Status WritePending(const grpc::ServerContextBase& ctx, ledger::WriteOp op,
                            v1::PendingTransfer* out);
  // Submit sends one op, with the call's audit event, through the batcher.
  absl::StatusOr<ledger::WriteResult> Submit(const grpc::ServerContextBase& ctx, ledger::WriteOp op);
  // SubmitAsync is Submit for a callback call: `done` gets the result on
  // the batch's thread, after the call's audit event is marked committed.
  void SubmitAsync(const grpc::ServerContextBase& ctx, ledger::WriteOp op,
                   std::function<void(absl::StatusOr<ledger::WriteResult>)> done);
  // Prepare gives a write its caller's name and request-id scope and its
  // audit event.
  ledger::BatchItem Prepare(const grpc::ServerContextBase& ctx, ledger::WriteOp op);
  // AuthorizePending checks write access to a pending transfer's accounts.
  grpc::Status AuthorizePending(const grpc::ServerContextBase& ctx, int64_t pending_id);
  // Unchecked reads, for answering after a write and for Authorize.
  absl::Status ReadTransaction(int64_t id, v1::Transaction* out);
  absl::Status ReadPending(int64_t id, v1::PendingTransfer* out);

  service::ServiceHost& host_;
  ledger::WriteBatcher& batcher_;
};

}  // namespace dp::ledger_service

#endif  // DP_SERVICES_LEDGER_LEDGER_SERVICE_H_
