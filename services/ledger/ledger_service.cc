#include "ledger_service.h"

#include "convert.h"
#include "db/errors.h"
#include "ledger/store.h"
#include "ledger/writer.h"
#include "service/status.h"

namespace dp::ledger_service {
namespace {

using service::ToGrpcStatus;

// ReadOnly runs `read` in a read-only database transaction, mapping both
// its status and any database failure to a gRPC status.
template <typename Fn>
grpc::Status ReadOnly(db::PgPool& pool, Fn read) {
  try {
    auto conn = pool.Acquire();
    pqxx::read_transaction tx(*conn);
    return ToGrpcStatus(read(tx));
  } catch (const std::exception& e) {
    return ToGrpcStatus(db::StatusFromException(e));
  }
}

}  // namespace

grpc::Status LedgerServiceImpl::GetServiceInfo(grpc::ServerContext*,
                                               const v1::GetServiceInfoRequest*,
                                               v1::ServiceInfo* out) {
  return service::DescribeService(host_.config(), host_.pool(), out);
}

grpc::Status LedgerServiceImpl::CreateAccount(grpc::ServerContext*,
                                              const v1::CreateAccountRequest* req,
                                              v1::Account* out) {
  auto account = FromProto(*req);
  if (!account.ok()) return ToGrpcStatus(account.status());
  absl::Status last;
  for (int attempt = 0; attempt < 3; ++attempt) {
    try {
      auto conn = host_.pool().Acquire();
      pqxx::work tx(*conn);
      auto created = ledger::CreateAccount(tx, *account);
      if (!created.ok()) return ToGrpcStatus(created.status());
      tx.commit();
      ToProto(*created, out);
      return grpc::Status::OK;
    } catch (const std::exception& e) {
      last = db::StatusFromException(e);
      if (!db::IsRetryable(e)) break;
    }
  }
  return ToGrpcStatus(last);
}

grpc::Status LedgerServiceImpl::GetAccount(grpc::ServerContext*, const v1::GetAccountRequest* req,
                                           v1::Account* out) {
  if (req->key_case() == v1::GetAccountRequest::KEY_NOT_SET) {
    return ToGrpcStatus(absl::InvalidArgumentError("id or code is required"));
  }
  return ReadOnly(host_.pool(), [&](pqxx::transaction_base& tx) -> absl::Status {
    auto account = req->key_case() == v1::GetAccountRequest::kId
                       ? ledger::GetAccount(tx, req->id())
                       : ledger::GetAccountByCode(tx, req->code());
    if (account.ok()) ToProto(*account, out);
    return account.status();
  });
}

grpc::Status LedgerServiceImpl::ListAccounts(grpc::ServerContext*,
                                             const v1::ListAccountsRequest* req,
                                             v1::ListAccountsResponse* out) {
  return ReadOnly(host_.pool(), [&](pqxx::transaction_base& tx) -> absl::Status {
    auto page = ledger::ListAccounts(
        tx, {req->owner_type(), req->owner_id(), req->page_size(), req->page_token()});
    if (!page.ok()) return page.status();
    for (const auto& a : page->accounts) ToProto(a, out->add_accounts());
    out->set_next_page_token(page->next_page_token);
    return absl::OkStatus();
  });
}

grpc::Status LedgerServiceImpl::WriteTransaction(ledger::WriteOp op, v1::Transaction* out) {
  auto result = batcher_.Submit(std::move(op));
  if (!result.ok()) return ToGrpcStatus(result.status());
  if (result->transaction.has_value()) {
    ToProto(*result->transaction, out);
    return grpc::Status::OK;
  }
  v1::GetTransactionRequest get;
  get.set_id(result->id);
  return GetTransaction(nullptr, &get, out);
}

grpc::Status LedgerServiceImpl::WritePending(ledger::WriteOp op, v1::PendingTransfer* out) {
  auto result = batcher_.Submit(std::move(op));
  if (!result.ok()) return ToGrpcStatus(result.status());
  v1::GetPendingTransferRequest get;
  get.set_id(result->id);
  return GetPendingTransfer(nullptr, &get, out);
}

grpc::Status LedgerServiceImpl::CreateTransaction(grpc::ServerContext*,
                                                  const v1::CreateTransactionRequest* req,
                                                  v1::Transaction* out) {
  auto txn = FromProto(*req);
  if (!txn.ok()) return ToGrpcStatus(txn.status());
  return WriteTransaction(std::move(*txn), out);
}

grpc::Status LedgerServiceImpl::GetTransaction(grpc::ServerContext*,
                                               const v1::GetTransactionRequest* req,
                                               v1::Transaction* out) {
  return ReadOnly(host_.pool(), [&](pqxx::transaction_base& tx) -> absl::Status {
    auto txn = ledger::GetTransaction(tx, req->id());
    if (txn.ok()) ToProto(*txn, out);
    return txn.status();
  });
}

grpc::Status LedgerServiceImpl::ReverseTransaction(grpc::ServerContext*,
                                                   const v1::ReverseTransactionRequest* req,
                                                   v1::Transaction* out) {
  return WriteTransaction(FromProto(*req), out);
}

grpc::Status LedgerServiceImpl::CreatePendingTransfer(grpc::ServerContext*,
                                                      const v1::CreatePendingTransferRequest* req,
                                                      v1::PendingTransfer* out) {
  return WritePending(FromProto(*req), out);
}

grpc::Status LedgerServiceImpl::PostPendingTransfer(grpc::ServerContext*,
                                                    const v1::PostPendingTransferRequest* req,
                                                    v1::PendingTransfer* out) {
  return WritePending(FromProto(*req), out);
}

grpc::Status LedgerServiceImpl::VoidPendingTransfer(grpc::ServerContext*,
                                                    const v1::VoidPendingTransferRequest* req,
                                                    v1::PendingTransfer* out) {
  return WritePending(FromProto(*req), out);
}

grpc::Status LedgerServiceImpl::GetPendingTransfer(grpc::ServerContext*,
                                                   const v1::GetPendingTransferRequest* req,
                                                   v1::PendingTransfer* out) {
  return ReadOnly(host_.pool(), [&](pqxx::transaction_base& tx) -> absl::Status {
    auto pending = ledger::GetPendingTransfer(tx, req->id());
    if (pending.ok()) ToProto(*pending, out);
    return pending.status();
  });
}

grpc::Status LedgerServiceImpl::GetBalance(grpc::ServerContext*, const v1::GetBalanceRequest* req,
                                           v1::Balance* out) {
  std::optional<int64_t> as_of;
  if (req->has_as_of()) as_of = FromTimestamp(req->as_of());
  return ReadOnly(host_.pool(), [&](pqxx::transaction_base& tx) -> absl::Status {
    auto balance = ledger::GetBalance(tx, req->account_id(), as_of);
    if (balance.ok()) ToProto(*balance, out);
    return balance.status();
  });
}

grpc::Status LedgerServiceImpl::ListStatement(grpc::ServerContext*,
                                              const v1::ListStatementRequest* req,
                                              v1::ListStatementResponse* out) {
  ledger::StatementQuery query;
  query.account_id = req->account_id();
  if (req->has_from()) query.from_us = FromTimestamp(req->from());
  if (req->has_to()) query.to_us = FromTimestamp(req->to());
  query.page_size = req->page_size();
  query.page_token = req->page_token();
  return ReadOnly(host_.pool(), [&](pqxx::transaction_base& tx) -> absl::Status {
    auto statement = ledger::GetStatement(tx, query);
    if (statement.ok()) ToProto(*statement, out);
    return statement.status();
  });
}

}  // namespace dp::ledger_service
