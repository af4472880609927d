#include "ledger_service.h"

#include <chrono>
#include <thread>

#include "convert.h"
#include "db/errors.h"
#include "ledger/rules.h"
#include "ledger/store.h"
#include "ledger/writer.h"
#include "base/refusal.h"
#include "base/strings.h"
#include "service/read_only.h"
#include "service/request_bounds.h"
#include "service/status.h"

namespace dp::ledger_service {
namespace {

using service::RunReadOnly;
using service::ToGrpcStatus;

}  // namespace

grpc::Status LedgerServiceImpl::GetServiceInfo(grpc::ServerContext*,
                                               const v1::GetServiceInfoRequest*,
                                               v1::ServiceInfo* out) {
  return service::DescribeService(host_.config(), host_.pool(), out);
}

absl::Status LedgerServiceImpl::Authorize(const grpc::ServerContextBase& ctx,
                                          const std::vector<int64_t>& account_ids,
                                          Access access, const HiddenFn& hidden) {
  auto caller = host_.Caller(ctx);
  if (!caller.ok()) return caller.status();
  if (caller->all_authorities) return absl::OkStatus();
  return RunReadOnly(host_.pool(), [&](pqxx::transaction_base& tx) -> absl::Status {
    for (size_t i = 0; i < account_ids.size(); ++i) {
      const int64_t id = account_ids[i];
      auto account = ledger::GetAccount(tx, id);
      if (!account.ok()) continue;  // the operation reports NOT_FOUND itself
      const bool readable =
          caller->CanRead(account->authority_id, account->owner_type, account->owner_id);
      // Outside what the caller may see, the answer is the one a missing
      // account gets: nothing tells that it exists, or whose it is.
      if (!readable) return hidden ? hidden(i, id) : ledger::MissingAccount("", id);
      if (access == Access::kWrite && !caller->CanWrite(account->authority_id)) {
        return Refusal(absl::StatusCode::kPermissionDenied, reason::kOutsideScope,
                       dp::StrCat(caller->name, " may read account ", id, " but not change it"),
                       {{"account_id", std::to_string(id)}});
      }
    }
    return absl::OkStatus();
  });
}

absl::Status LedgerServiceImpl::ReadTransaction(int64_t id, v1::Transaction* out) {
  return RunReadOnly(host_.pool(), [&](pqxx::transaction_base& tx) -> absl::Status {
    auto txn = ledger::GetTransaction(tx, id);
    if (txn.ok()) ToProto(*txn, out);
    return txn.status();
  });
}

absl::Status LedgerServiceImpl::ReadPending(int64_t id, v1::PendingTransfer* out) {
  return RunReadOnly(host_.pool(), [&](pqxx::transaction_base& tx) -> absl::Status {
    auto pending = ledger::GetPendingTransfer(tx, id);
    if (pending.ok()) ToProto(*pending, out);
    return pending.status();
  });
}

grpc::Status LedgerServiceImpl::CreateAccount(grpc::ServerContext* ctx,
                                              const v1::CreateAccountRequest* req,
                                              v1::Account* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  auto account = FromProto(*req);
  if (!account.ok()) return ToGrpcStatus(account.status());
  auto caller = host_.Caller(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (account->authority_id.empty() && caller->authorities.size() == 1 &&
      caller->role == iam::Role::kFinanceOfficer) {
    account->authority_id = caller->authorities.front();
  }
  if (!caller->CanWrite(account->authority_id)) {
    return ToGrpcStatus(absl::PermissionDeniedError(dp::StrCat(
        caller->name, " may not create accounts for authority \"", account->authority_id, "\"")));
  }
  account->idem.scope = caller->organisation_id;
  absl::Status last;
  for (int attempt = 0; attempt < 3; ++attempt) {
    try {
      auto conn = host_.pool().Acquire();
      pqxx::work tx(*conn);
      auto created = ledger::CreateAccount(tx, *account);
      if (!created.ok()) return ToGrpcStatus(created.status());
      service::CallAudit* audit = host_.AuditOf(*ctx);
      if (audit != nullptr) audit->RecordIn(tx, std::to_string(created->id), 0);
      tx.commit();
      if (audit != nullptr) audit->MarkCommitted();
      ToProto(*created, out);
      return grpc::Status::OK;
    } catch (const std::exception& e) {
      last = db::StatusFromException(e);
      if (!db::IsRetryable(e)) break;
    }
  }
  return ToGrpcStatus(last);
}

grpc::Status LedgerServiceImpl::GetAccount(grpc::ServerContext* ctx,
                                           const v1::GetAccountRequest* req, v1::Account* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  if (req->key_case() == v1::GetAccountRequest::KEY_NOT_SET) {
    return ToGrpcStatus(FieldError("id", "or code is required"));
  }
  auto status = RunReadOnly(host_.pool(), [&](pqxx::transaction_base& tx) -> absl::Status {
    auto account = req->key_case() == v1::GetAccountRequest::kId
                       ? ledger::GetAccount(tx, req->id())
                       : ledger::GetAccountByCode(tx, req->code());
    if (account.ok()) ToProto(*account, out);
    return account.status();
  });
  if (!status.ok()) return ToGrpcStatus(status);
  const std::string code = req->code();
  if (auto s = Authorize(*ctx, {out->id()}, Access::kRead,
                         [&](size_t, int64_t id) {
                           return req->key_case() == v1::GetAccountRequest::kId
                                      ? ledger::MissingAccount("", id)
                                      : absl::NotFoundError(
                                            dp::StrCat("no account has the code \"", code, "\""));
                         });
      !s.ok()) {
    out->Clear();
    return ToGrpcStatus(s);
  }
  return grpc::Status::OK;
}

grpc::Status LedgerServiceImpl::ListAccounts(grpc::ServerContext* ctx,
                                             const v1::ListAccountsRequest* req,
                                             v1::ListAccountsResponse* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  auto caller = host_.Caller(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  ledger::AccountQuery query{req->owner_type(), req->owner_id()};
  query.page_size = req->page_size();
  query.page_token = req->page_token();
  query.scoped = !caller->all_authorities;
  query.authorities = caller->authorities;
  for (const auto& [type, id] : caller->owners) query.owners.push_back(type + ":" + id);
  return ToGrpcStatus(RunReadOnly(host_.pool(), [&](pqxx::transaction_base& tx) -> absl::Status {
    auto page = ledger::ListAccounts(tx, query);
    if (!page.ok()) return page.status();
    for (const auto& a : page->accounts) ToProto(a, out->add_accounts());
    out->set_next_page_token(page->next_page_token);
    return absl::OkStatus();
  }));
}

ledger::BatchItem LedgerServiceImpl::Prepare(const grpc::ServerContextBase& ctx,
                                             ledger::WriteOp op) {
  // Journals record who posted them; request ids are the caller's
  // organisation's own.
  if (auto caller = host_.Caller(ctx); caller.ok()) {
    std::visit(
        [&](auto& o) {
          if constexpr (requires { o.created_by; }) o.created_by = caller->name;
          o.idem.scope = caller->organisation_id;
        },
        op);
  }
  service::CallAudit* audit = host_.AuditOf(ctx);
  ledger::BatchItem item{std::move(op), std::nullopt};
  if (audit != nullptr) item.event = audit->Event(0);
  return item;
}

absl::StatusOr<ledger::WriteResult> LedgerServiceImpl::Submit(const grpc::ServerContextBase& ctx,
                                                              ledger::WriteOp op) {
  ledger::BatchOutcome outcome = batcher_.Submit(Prepare(ctx, std::move(op)));
  if (outcome.audited) host_.AuditOf(ctx)->MarkCommitted();
  return std::move(outcome.result);
}

void LedgerServiceImpl::SubmitAsync(
    const grpc::ServerContextBase& ctx, ledger::WriteOp op,
    std::function<void(absl::StatusOr<ledger::WriteResult>)> done) {
  service::CallAudit* audit = host_.AuditOf(ctx);
  batcher_.SubmitAsync(Prepare(ctx, std::move(op)),
                       [audit, done = std::move(done)](ledger::BatchOutcome outcome) {
                         if (outcome.audited) audit->MarkCommitted();
                         done(std::move(outcome.result));
                       });
}

grpc::Status LedgerServiceImpl::AnswerTransaction(
    const absl::StatusOr<ledger::WriteResult>& result, v1::Transaction* out) {
  if (!result.ok()) return ToGrpcStatus(result.status());
  if (result->transaction.has_value()) {
    ToProto(*result->transaction, out);
    return grpc::Status::OK;
  }
  // A retry answered with the transaction made before: read it.
  return ToGrpcStatus(ReadTransaction(result->id, out));
}

grpc::Status LedgerServiceImpl::WriteTransaction(const grpc::ServerContextBase& ctx,
                                                 ledger::WriteOp op, v1::Transaction* out) {
  return AnswerTransaction(Submit(ctx, std::move(op)), out);
}

grpc::Status LedgerServiceImpl::WritePending(const grpc::ServerContextBase& ctx, ledger::WriteOp op,
                                             v1::PendingTransfer* out) {
  auto result = Submit(ctx, std::move(op));
  if (!result.ok()) return ToGrpcStatus(result.status());
  return ToGrpcStatus(ReadPending(result->id, out));
}

grpc::ServerUnaryReactor* LedgerServiceImpl::CreateTransaction(
    grpc::CallbackServerContext* ctx, const v1::CreateTransactionRequest* req,
    v1::Transaction* out) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  auto finish = [reactor](const absl::Status& s) { reactor->Finish(ToGrpcStatus(s)); };
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) {
    reactor->Finish(service::ToGrpcStatus(bad));
    return reactor;
  }
  auto txn = FromProto(*req);
  if (!txn.ok()) {
    finish(txn.status());
    return reactor;
  }
  if (ledger::IsKnownKind(txn->kind) && !ledger::IsClientKind(txn->kind)) {
    finish(FieldError("kind", dp::StrCat("\"", txn->kind,
                                         "\" is posted only by the service it belongs to; "
                                         "use manual_journal, with a reason")));
    return reactor;
  }
  std::vector<int64_t> accounts;
  for (const auto& p : req->postings()) accounts.push_back(p.account_id());
  if (auto s = Authorize(*ctx, accounts, Access::kWrite,
                         [](size_t i, int64_t id) {
                           return ledger::MissingAccount(dp::StrCat("postings[", i, "].account_id"), id);
                         });
      !s.ok()) {
    finish(s);
    return reactor;
  }
  SubmitAsync(*ctx, std::move(*txn),
              [this, reactor, out](absl::StatusOr<ledger::WriteResult> result) {
                reactor->Finish(AnswerTransaction(result, out));
              });
  return reactor;
}

namespace {

std::vector<int64_t> AccountsOf(const v1::Transaction& t) {
  std::vector<int64_t> ids;
  for (const auto& p : t.postings()) ids.push_back(p.account_id());
  return ids;
}

std::vector<int64_t> AccountsOf(const v1::PendingTransfer& p) {
  return {p.debit_account_id(), p.credit_account_id()};
}

}  // namespace

grpc::Status LedgerServiceImpl::GetTransaction(grpc::ServerContext* ctx,
                                               const v1::GetTransactionRequest* req,
                                               v1::Transaction* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  if (auto s = ReadTransaction(req->id(), out); !s.ok()) return ToGrpcStatus(s);
  if (auto s = Authorize(*ctx, AccountsOf(*out), Access::kRead,
                         [&](size_t, int64_t) { return ledger::MissingTransaction(req->id()); });
      !s.ok()) {
    out->Clear();
    return ToGrpcStatus(s);
  }
  return grpc::Status::OK;
}

grpc::Status LedgerServiceImpl::ReverseTransaction(grpc::ServerContext* ctx,
                                                   const v1::ReverseTransactionRequest* req,
                                                   v1::Transaction* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  v1::Transaction original;
  if (ReadTransaction(req->transaction_id(), &original).ok()) {
    if (auto s = Authorize(*ctx, AccountsOf(original), Access::kWrite,
                           [&](size_t, int64_t) {
                             return ledger::MissingTransaction(req->transaction_id());
                           });
        !s.ok()) {
      return ToGrpcStatus(s);
    }
  }
  return WriteTransaction(*ctx, FromProto(*req), out);
}

grpc::Status LedgerServiceImpl::CreatePendingTransfer(grpc::ServerContext* ctx,
                                                      const v1::CreatePendingTransferRequest* req,
                                                      v1::PendingTransfer* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  if (req->has_post_tolerance() && req->post_tolerance().currency() != req->amount().currency()) {
    return ToGrpcStatus(FieldError("post_tolerance.currency", "must be the amount's currency"));
  }
  if (auto s = Authorize(*ctx, {req->debit_account_id(), req->credit_account_id()},
                         Access::kWrite,
                         [](size_t i, int64_t id) {
                           return ledger::MissingAccount(
                               i == 0 ? "debit_account_id" : "credit_account_id", id);
                         });
      !s.ok()) {
    return ToGrpcStatus(s);
  }
  return WritePending(*ctx, FromProto(*req), out);
}

grpc::Status LedgerServiceImpl::AuthorizePending(const grpc::ServerContextBase& ctx, int64_t id) {
  v1::PendingTransfer pending;
  if (!ReadPending(id, &pending).ok()) return grpc::Status::OK;  // the write says NOT_FOUND
  return ToGrpcStatus(Authorize(ctx, AccountsOf(pending), Access::kWrite,
                                [id](size_t, int64_t) { return ledger::MissingHold(id); }));
}

grpc::Status LedgerServiceImpl::PostPendingTransfer(grpc::ServerContext* ctx,
                                                    const v1::PostPendingTransferRequest* req,
                                                    v1::PendingTransfer* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  if (auto s = AuthorizePending(*ctx, req->pending_transfer_id()); !s.ok()) return s;
  return WritePending(*ctx, FromProto(*req), out);
}

grpc::Status LedgerServiceImpl::IncreasePendingTransfer(
    grpc::ServerContext* ctx, const v1::IncreasePendingTransferRequest* req,
    v1::PendingTransfer* out) {
  if (auto s = AuthorizePending(*ctx, req->pending_transfer_id()); !s.ok()) return s;
  return WritePending(*ctx, FromProto(*req), out);
}

grpc::Status LedgerServiceImpl::VoidPendingTransfer(grpc::ServerContext* ctx,
                                                    const v1::VoidPendingTransferRequest* req,
                                                    v1::PendingTransfer* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  if (auto s = AuthorizePending(*ctx, req->pending_transfer_id()); !s.ok()) return s;
  return WritePending(*ctx, FromProto(*req), out);
}

grpc::Status LedgerServiceImpl::GetPendingTransfer(grpc::ServerContext* ctx,
                                                   const v1::GetPendingTransferRequest* req,
                                                   v1::PendingTransfer* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  if (auto s = ReadPending(req->id(), out); !s.ok()) return ToGrpcStatus(s);
  if (auto s = Authorize(*ctx, AccountsOf(*out), Access::kRead,
                         [&](size_t, int64_t) { return ledger::MissingHold(req->id()); });
      !s.ok()) {
    out->Clear();
    return ToGrpcStatus(s);
  }
  return grpc::Status::OK;
}

grpc::Status LedgerServiceImpl::GetBalance(grpc::ServerContext* ctx,
                                           const v1::GetBalanceRequest* req, v1::Balance* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  if (auto s = Authorize(*ctx, {req->account_id()}, Access::kRead); !s.ok()) {
    return ToGrpcStatus(s);
  }
  std::optional<int64_t> as_of;
  if (req->has_as_of()) as_of = FromTimestamp(req->as_of());
  // An instant a moment ago settles as soon as the writes open then
  // commit: wait for that briefly (bounded) rather than refuse at once.
  absl::Status status;
  for (int attempt = 0; attempt < 40; ++attempt) {
    status = RunReadOnly(host_.pool(), [&](pqxx::transaction_base& tx) -> absl::Status {
      auto balance = ledger::GetBalance(tx, req->account_id(), as_of);
      if (balance.ok()) ToProto(*balance, out);
      return balance.status();
    });
    if (ReasonOf(status) != reason::kNotSettled) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return ToGrpcStatus(status);
}

grpc::Status LedgerServiceImpl::ListStatement(grpc::ServerContext* ctx,
                                              const v1::ListStatementRequest* req,
                                              v1::ListStatementResponse* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  if (auto s = Authorize(*ctx, {req->account_id()}, Access::kRead); !s.ok()) {
    return ToGrpcStatus(s);
  }
  ledger::StatementQuery query;
  query.account_id = req->account_id();
  if (req->has_from()) query.from_us = FromTimestamp(req->from());
  if (req->has_to()) query.to_us = FromTimestamp(req->to());
  query.page_size = req->page_size();
  query.page_token = req->page_token();
  // A statement ends at the settled horizon. Postings already committed
  // beyond it (the caller's own journal, a moment ago) settle as soon as
  // the older transactions still open end: wait for that briefly (bounded),
  // so a statement read just after a write shows it.
  absl::Status status;
  for (int attempt = 0; attempt < 40; ++attempt) {
    out->Clear();
    int64_t unsettled = 0;
    status = RunReadOnly(host_.pool(), [&](pqxx::transaction_base& tx) -> absl::Status {
      auto statement = ledger::GetStatement(tx, query);
      if (!statement.ok()) return statement.status();
      ToProto(*statement, out);
      unsettled = statement->unsettled_postings;
      return absl::OkStatus();
    });
    if (!status.ok() || unsettled == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return ToGrpcStatus(status);
}

}  // namespace dp::ledger_service
