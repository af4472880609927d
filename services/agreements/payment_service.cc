#include "payment_service.h"

#include "agreements/store.h"
#include "agreements/workflow.h"
#include "base/refusal.h"
#include "base/strings.h"
#include "crypto/field_cipher.h"
#include "db/page_token.h"
#include "payment_convert.h"
#include "payments/books/available.h"
#include "payments/books/runs.h"
#include "service/metrics.h"
#include "service/proto_convert.h"
#include "service/read_only.h"
#include "service/request_bounds.h"
#include "service/status.h"

namespace dp::agreements_service {
namespace {

using service::ToGrpcStatus;

constexpr int kDefaultPage = 50;
constexpr int kMaxPage = 500;

// ActorFor is what the caller may do with an agreement: write as an
// officer (or an internal service), or as the ISO granted it. An agreement
// out of its sight answers as a missing one.
absl::StatusOr<payments::Actor> ActorFor(pqxx::transaction_base& tx, const iam::Principal& caller,
                                         int64_t agreement_id) {
  auto header = agreements::GetHeader(tx, agreement_id);
  if (!header.ok()) return header.status();
  if (caller.CanWrite(header->authority_id)) return payments::Actor{caller.name, true};
  const std::string id = std::to_string(agreement_id);
  if (caller.role == iam::Role::kIso && caller.CanReachOwner("agreement", id)) {
    return payments::Actor{caller.name, false};
  }
  if (caller.CanRead(header->authority_id, "agreement", id)) {
    return absl::PermissionDeniedError(
        dp::StrCat(caller.name, " may not change agreement ", agreement_id, "'s payments"));
  }
  return absl::NotFoundError(dp::StrCat("agreement ", agreement_id, " does not exist"));
}

absl::Status MayReadAuthority(const iam::Principal& caller, const std::string& authority) {
  if (caller.CanRead(authority, "", "")) return absl::OkStatus();
  return absl::NotFoundError(dp::StrCat("authority ", Quoted(authority), " is not one you reach"));
}

}  // namespace

grpc::Status PaymentServiceImpl::GetServiceInfo(grpc::ServerContext*,
                                                const v1::GetServiceInfoRequest*,
                                                v1::ServiceInfo* out) {
  return service::DescribeService(host_.config(), host_.pool(), out);
}

grpc::Status PaymentServiceImpl::ArrangementWrite(grpc::ServerContext* ctx,
                                                  const google::protobuf::Message& request,
                                                  const std::string& request_id,
                                                  const std::string& operation,
                                                  const std::string& what, int64_t id,
                                                  const ChangeFn& change, const FillFn& fill) {
  if (auto bad = service::CheckRequestBounds(request); !bad.ok()) return ToGrpcStatus(bad);
  auto caller = host_.Caller(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return service::IdempotentWrite(
      host_.pool(), host_.AuditOf(*ctx), requests_, request, request_id, operation,
      [&](pqxx::work& tx) -> absl::StatusOr<std::string> {
        int64_t agreement_id = id;
        if (what != "agreement") {
          auto owner = payments::AgreementOfArrangement(tx, what, id);
          if (!owner.ok()) return owner.status();
          agreement_id = *owner;
        }
        auto actor = ActorFor(tx, *caller, agreement_id);
        if (!actor.ok()) return actor.status();
        auto made = change(tx, *actor);
        if (!made.ok()) return made.status();
        if (auto s = fill(tx, *made); !s.ok()) return s;
        return std::to_string(*made);
      },
      [&](pqxx::work& tx, const std::string& key) { return fill(tx, std::stoll(key)); });
}

grpc::Status PaymentServiceImpl::AuthorityWrite(grpc::ServerContext* ctx,
                                                const google::protobuf::Message& request,
                                                const std::string& request_id,
                                                const std::string& operation,
                                                const std::string& authority_id,
                                                const AuthorityFn& write,
                                                const service::ReloadFn& reload) {
  if (auto bad = service::CheckRequestBounds(request); !bad.ok()) return ToGrpcStatus(bad);
  auto caller = host_.Caller(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (authority_id.empty()) return ToGrpcStatus(FieldError("authority_id", "is required"));
  if (!caller->CanWrite(authority_id)) {
    if (auto s = MayReadAuthority(*caller, authority_id); !s.ok()) return ToGrpcStatus(s);
    return ToGrpcStatus(absl::PermissionDeniedError(
        dp::StrCat(caller->name, " may not ", operation, " for ", authority_id)));
  }
  const payments::Actor actor{caller->name, true};
  return service::IdempotentWrite(
      host_.pool(), host_.AuditOf(*ctx), requests_, request, request_id, operation,
      [&](pqxx::work& tx) -> absl::StatusOr<std::string> {
        if (auto s = agreements::CheckAuthority(tx, authority_id); !s.ok()) return s;
        return write(tx, actor);
      },
      reload);
}

grpc::Status PaymentServiceImpl::ReadAgreement(
    grpc::ServerContext* ctx, int64_t agreement_id,
    const std::function<absl::Status(pqxx::transaction_base&)>& read) {
  auto caller = host_.Caller(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return ToGrpcStatus(service::RunReadOnly(host_.pool(), [&](pqxx::transaction_base& tx) {
    auto header = agreements::GetHeader(tx, agreement_id);
    if (!header.ok()) return header.status();
    if (!caller->CanRead(header->authority_id, "agreement", std::to_string(agreement_id))) {
      return absl::NotFoundError(dp::StrCat("agreement ", agreement_id, " does not exist"));
    }
    return read(tx);
  }));
}

grpc::Status PaymentServiceImpl::AddPayee(grpc::ServerContext* ctx, const v1::AddPayeeRequest* req,
                                          v1::Payee* out) {
  auto kind = PayeeKindFromProto(req->kind());
  if (!kind.ok()) return ToGrpcStatus(kind.status());
  int64_t plan_rate = 0;
  if (req->has_plan_rate()) {
    auto rate = service::PenceFromProto(req->plan_rate(), "plan_rate");
    if (!rate.ok()) return ToGrpcStatus(rate.status());
    plan_rate = *rate;
  }
  const crypto::FieldCipher cipher(host_.keyring());
  payments::NewPayee payee{req->agreement_id(), *kind, req->name(), req->account_name(),
                           req->sort_code(), req->account_number(), req->reference(), req->use(),
                           req->reason(), req->employee_id(),
                           {plan_rate, req->plan_centi_hours_per_week()}};
  return ArrangementWrite(
      ctx, *req, req->request_id(), "AddPayee", "agreement", req->agreement_id(),
      [&](pqxx::work& tx, const payments::Actor& actor) {
        return payments::AddPayee(tx, cipher, modulus_, payee, actor, service::TodayInLondon());
      },
      [&](pqxx::transaction_base& tx, int64_t id) -> absl::Status {
        auto p = payments::GetPayee(tx, cipher, id);
        if (p.ok()) ToProto(*p, out);
        return p.status();
      });
}

grpc::Status PaymentServiceImpl::ApprovePayee(grpc::ServerContext* ctx,
                                              const v1::ApprovePayeeRequest* req, v1::Payee* out) {
  const crypto::FieldCipher cipher(host_.keyring());
  return ArrangementWrite(
      ctx, *req, req->request_id(), "ApprovePayee", "payee", req->payee_id(),
      [&](pqxx::work& tx, const payments::Actor& actor) -> absl::StatusOr<int64_t> {
        if (auto s = payments::ApprovePayee(tx, req->payee_id(), req->reason(), actor); !s.ok()) {
          return s;
        }
        return req->payee_id();
      },
      [&](pqxx::transaction_base& tx, int64_t id) -> absl::Status {
        auto p = payments::GetPayee(tx, cipher, id);
        if (p.ok()) ToProto(*p, out);
        return p.status();
      });
}

namespace {

absl::Status FillInvoice(pqxx::transaction_base& tx, int64_t id, v1::Invoice* out) {
  auto invoice = payments::GetInvoice(tx, id);
  if (invoice.ok()) ToProto(*invoice, out);
  return invoice.status();
}

absl::Status FillOrder(pqxx::transaction_base& tx, int64_t id, v1::StandingOrder* out) {
  auto order = payments::GetStandingOrder(tx, id);
  if (order.ok()) ToProto(*order, out);
  return order.status();
}

absl::Status FillMandate(pqxx::transaction_base& tx, int64_t id, v1::Mandate* out) {
  auto mandate = payments::GetMandate(tx, id);
  if (mandate.ok()) ToProto(*mandate, out);
  return mandate.status();
}

absl::Status FillPayment(pqxx::transaction_base& tx, int64_t id, v1::OutgoingPayment* out) {
  const int64_t agreement = tx.exec_params1(
      "SELECT agreement_id FROM payments.payments WHERE id = $1", id)[0].as<int64_t>();
  for (const auto& p : payments::ListPayments(tx, {.agreement_id = agreement, .after_id = id - 1,
                                                   .limit = 1})) {
    ToProto(p, out);
  }
  return absl::OkStatus();
}

absl::Status FillRun(pqxx::transaction_base& tx, int64_t id, v1::PaymentsRun* out) {
  auto run = payments::GetRun(tx, id);
  if (!run.ok()) return run.status();
  out->Clear();
  ToProto(*run, out);
  for (const auto& p : payments::ListPayments(
           tx, {.run_id = id, .status = payments::PaymentStatus::kReturned, .limit = 1000})) {
    ToProto(p, out->add_returned());
  }
  return absl::OkStatus();
}

}  // namespace

grpc::Status PaymentServiceImpl::SubmitInvoice(grpc::ServerContext* ctx,
                                               const v1::SubmitInvoiceRequest* req,
                                               v1::Invoice* out) {
  auto line = InvoiceLineFromProto(*req);
  if (!line.ok()) return ToGrpcStatus(line.status());
  auto due = service::DayFromProto(req->due_date(), "due_date");
  if (!due.ok()) return ToGrpcStatus(due.status());
  const crypto::FieldCipher cipher(host_.keyring());
  return ArrangementWrite(
      ctx, *req, req->request_id(), "SubmitInvoice", "agreement", req->agreement_id(),
      [&](pqxx::work& tx, const payments::Actor& actor) {
        return payments::SubmitInvoice(tx, cipher,
                                       {req->agreement_id(), req->payee_id(), req->number(), *line,
                                        *due, req->description()},
                                       actor, service::TodayInLondon());
      },
      [&](pqxx::transaction_base& tx, int64_t id) { return FillInvoice(tx, id, out); });
}

grpc::Status PaymentServiceImpl::ApproveInvoice(grpc::ServerContext* ctx,
                                                const v1::ApproveInvoiceRequest* req,
                                                v1::Invoice* out) {
  return ArrangementWrite(
      ctx, *req, req->request_id(), "ApproveInvoice", "invoice", req->invoice_id(),
      [&](pqxx::work& tx, const payments::Actor& actor) -> absl::StatusOr<int64_t> {
        if (auto s = payments::ApproveInvoice(tx, req->invoice_id(), req->reason(),
                                              req->override_reason(), actor,
                                              service::TodayInLondon());
            !s.ok()) {
          return s;
        }
        return req->invoice_id();
      },
      [&](pqxx::transaction_base& tx, int64_t id) { return FillInvoice(tx, id, out); });
}

grpc::Status PaymentServiceImpl::CreateStandingOrder(grpc::ServerContext* ctx,
                                                     const v1::CreateStandingOrderRequest* req,
                                                     v1::StandingOrder* out) {
  auto amount = service::PenceFromProto(req->amount(), "amount");
  if (!amount.ok()) return ToGrpcStatus(amount.status());
  auto frequency = FrequencyFromProto(req->frequency());
  if (!frequency.ok()) return ToGrpcStatus(frequency.status());
  auto first = service::DayFromProto(req->first_date(), "first_date");
  if (!first.ok()) return ToGrpcStatus(first.status());
  auto end = service::OptionalDay(req->end_date(), "end_date");
  if (!end.ok()) return ToGrpcStatus(end.status());
  const crypto::FieldCipher cipher(host_.keyring());
  return ArrangementWrite(
      ctx, *req, req->request_id(), "CreateStandingOrder", "agreement", req->agreement_id(),
      [&](pqxx::work& tx, const payments::Actor& actor) {
        return payments::CreateStandingOrder(tx, cipher, req->agreement_id(), req->payee_id(),
                                             {*amount, *frequency, *first, *end}, req->reference(),
                                             req->override_reason(), actor,
                                             service::TodayInLondon());
      },
      [&](pqxx::transaction_base& tx, int64_t id) { return FillOrder(tx, id, out); });
}

grpc::Status PaymentServiceImpl::CancelStandingOrder(grpc::ServerContext* ctx,
                                                     const v1::CancelArrangementRequest* req,
                                                     v1::StandingOrder* out) {
  return ArrangementWrite(
      ctx, *req, req->request_id(), "CancelStandingOrder", "standing_order", req->id(),
      [&](pqxx::work& tx, const payments::Actor& actor) -> absl::StatusOr<int64_t> {
        if (auto s = payments::Cancel(tx, "standing_order", req->id(), req->reason(), actor);
            !s.ok()) {
          return s;
        }
        return req->id();
      },
      [&](pqxx::transaction_base& tx, int64_t id) { return FillOrder(tx, id, out); });
}

grpc::Status PaymentServiceImpl::CreateMandate(grpc::ServerContext* ctx,
                                               const v1::CreateMandateRequest* req,
                                               v1::Mandate* out) {
  const crypto::FieldCipher cipher(host_.keyring());
  return ArrangementWrite(
      ctx, *req, req->request_id(), "CreateMandate", "agreement", req->agreement_id(),
      [&](pqxx::work& tx, const payments::Actor& actor) {
        return payments::CreateMandate(tx, cipher, req->agreement_id(), req->payee_id(),
                                       req->reference(), actor);
      },
      [&](pqxx::transaction_base& tx, int64_t id) { return FillMandate(tx, id, out); });
}

grpc::Status PaymentServiceImpl::CancelMandate(grpc::ServerContext* ctx,
                                               const v1::CancelArrangementRequest* req,
                                               v1::Mandate* out) {
  return ArrangementWrite(
      ctx, *req, req->request_id(), "CancelMandate", "mandate", req->id(),
      [&](pqxx::work& tx, const payments::Actor& actor) -> absl::StatusOr<int64_t> {
        if (auto s = payments::Cancel(tx, "mandate", req->id(), req->reason(), actor); !s.ok()) {
          return s;
        }
        return req->id();
      },
      [&](pqxx::transaction_base& tx, int64_t id) { return FillMandate(tx, id, out); });
}

grpc::Status PaymentServiceImpl::ListArrangements(grpc::ServerContext* ctx,
                                                  const v1::ListArrangementsRequest* req,
                                                  v1::Arrangements* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return ToGrpcStatus(bad);
  const crypto::FieldCipher cipher(host_.keyring());
  return ReadAgreement(ctx, req->agreement_id(), [&](pqxx::transaction_base& tx) {
    for (const auto& p : payments::ListPayees(tx, cipher, req->agreement_id())) {
      ToProto(p, out->add_payees());
    }
    for (const auto& i : payments::ListInvoices(tx, req->agreement_id())) {
      ToProto(i, out->add_invoices());
    }
    for (const auto& o : payments::ListStandingOrders(tx, req->agreement_id())) {
      ToProto(o, out->add_standing_orders());
    }
    for (const auto& m : payments::ListMandates(tx, req->agreement_id())) {
      ToProto(m, out->add_mandates());
    }
    return absl::OkStatus();
  });
}

grpc::Status PaymentServiceImpl::SchedulePayment(grpc::ServerContext* ctx,
                                                 const v1::SchedulePaymentRequest* req,
                                                 v1::OutgoingPayment* out) {
  auto amount = service::PenceFromProto(req->amount(), "amount");
  if (!amount.ok()) return ToGrpcStatus(amount.status());
  auto due = service::DayFromProto(req->due_date(), "due_date");
  if (!due.ok()) return ToGrpcStatus(due.status());
  const crypto::FieldCipher cipher(host_.keyring());
  return ArrangementWrite(
      ctx, *req, req->request_id(), "SchedulePayment", "agreement", req->agreement_id(),
      [&](pqxx::work& tx, const payments::Actor& actor) {
        return payments::SchedulePayment(tx, cipher, req->agreement_id(), req->payee_id(), *amount,
                                         *due, req->reference(), req->override_reason(), actor,
                                         service::TodayInLondon());
      },
      [&](pqxx::transaction_base& tx, int64_t id) { return FillPayment(tx, id, out); });
}

grpc::Status PaymentServiceImpl::RunPayments(grpc::ServerContext* ctx,
                                             const v1::RunPaymentsRequest* req,
                                             v1::PaymentsRun* out) {
  auto run_date = service::DayFromProto(req->run_date(), "run_date");
  if (!run_date.ok()) return ToGrpcStatus(run_date.status());
  const crypto::FieldCipher cipher(host_.keyring());
  return AuthorityWrite(
      ctx, *req, req->request_id(), "RunPayments", req->authority_id(),
      [&](pqxx::work& tx, const payments::Actor& actor) -> absl::StatusOr<std::string> {
        service::JobTimer timer(host_.metrics(), "payment_run");
        auto run = payments::RunPayments(tx, cipher, req->authority_id(), *run_date,
                                         req->include_payroll(), actor);
        if (!run.ok()) return run.status();
        ToProto(*run, out);
        return std::to_string(run->id);
      },
      [&](pqxx::work& tx, const std::string& key) { return FillRun(tx, std::stoll(key), out); });
}

grpc::Status PaymentServiceImpl::GetPaymentsRun(grpc::ServerContext* ctx,
                                                const v1::GetPaymentsRunRequest* req,
                                                v1::PaymentsRun* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return ToGrpcStatus(bad);
  auto caller = host_.Caller(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return ToGrpcStatus(service::RunReadOnly(host_.pool(), [&](pqxx::transaction_base& tx) {
    auto run = payments::GetRun(tx, req->run_id());
    if (!run.ok()) return run.status();
    if (!caller->CanRead(run->authority_id, "", "")) {
      return absl::NotFoundError(dp::StrCat("payment run ", req->run_id(), " does not exist"));
    }
    return FillRun(tx, req->run_id(), out);
  }));
}

grpc::Status PaymentServiceImpl::SettlePaymentsRun(grpc::ServerContext* ctx,
                                                   const v1::SettlePaymentsRunRequest* req,
                                                   v1::PaymentsRun* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return ToGrpcStatus(bad);
  // The run's authority decides who may settle it.
  std::string authority;
  const absl::Status found = service::RunReadOnly(host_.pool(), [&](pqxx::transaction_base& tx) {
    auto run = payments::GetRun(tx, req->run_id());
    if (run.ok()) authority = run->authority_id;
    return run.status();
  });
  if (!found.ok()) return ToGrpcStatus(found);
  return AuthorityWrite(
      ctx, *req, req->request_id(), "SettlePaymentsRun", authority,
      [&](pqxx::work& tx, const payments::Actor& actor) -> absl::StatusOr<std::string> {
        auto held = payments::SettleRun(tx, req->run_id(), actor);
        if (!held.ok()) return held.status();
        if (auto s = FillRun(tx, req->run_id(), out); !s.ok()) return s;
        for (const auto& h : *held) ToProto(h, out->add_held());
        return std::to_string(req->run_id());
      },
      [&](pqxx::work& tx, const std::string& key) { return FillRun(tx, std::stoll(key), out); });
}

grpc::Status PaymentServiceImpl::ImportFile(grpc::ServerContext* ctx,
                                            const v1::ImportBankFileRequest& req,
                                            const std::string& operation,
                                            v1::BankFileReport* out) {
  return AuthorityWrite(
      ctx, req, req.request_id(), operation, req.authority_id(),
      [&](pqxx::work& tx, const payments::Actor& actor) -> absl::StatusOr<std::string> {
        auto report = operation == "ImportCollections"
                          ? payments::ImportCollections(tx, req.authority_id(), req.content(), actor)
                          : payments::ImportReturns(tx, req.authority_id(), req.content(), actor);
        if (!report.ok()) return report.status();
        ToProto(*report, out);
        return service::AnswerAsKey(*out);
      },
      [&](pqxx::work&, const std::string& key) { return service::AnswerFromKey(key, out); });
}

grpc::Status PaymentServiceImpl::ImportCollections(grpc::ServerContext* ctx,
                                                   const v1::ImportBankFileRequest* req,
                                                   v1::BankFileReport* out) {
  return ImportFile(ctx, *req, "ImportCollections", out);
}

grpc::Status PaymentServiceImpl::ImportReturns(grpc::ServerContext* ctx,
                                               const v1::ImportBankFileRequest* req,
                                               v1::BankFileReport* out) {
  return ImportFile(ctx, *req, "ImportReturns", out);
}

grpc::Status PaymentServiceImpl::ListOutgoingPayments(grpc::ServerContext* ctx,
                                                      const v1::ListOutgoingPaymentsRequest* req,
                                                      v1::ListOutgoingPaymentsResponse* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return ToGrpcStatus(bad);
  const int named = (req->agreement_id() > 0) + (req->run_id() > 0) + !req->authority_id().empty();
  if (named != 1) {
    return ToGrpcStatus(FieldError("agreement_id", "or run_id or authority_id: give one of them"));
  }
  auto due = service::OptionalDay(req->due_date(), "due_date");
  if (!due.ok()) return ToGrpcStatus(due.status());
  if (!req->authority_id().empty() && !due->has_value()) {
    return ToGrpcStatus(FieldError("due_date", "is required with authority_id"));
  }
  auto status = StatusFromProto(req->status());
  if (!status.ok()) return ToGrpcStatus(status.status());
  auto size = db::ClampPageSize(req->page_size(), kDefaultPage, kMaxPage);
  if (!size.ok()) return ToGrpcStatus(size.status());
  const std::string due_text = due->has_value() ? absl::FormatCivilTime(**due) : "";
  const std::string fingerprint =
      dp::StrCat("payments|", req->agreement_id(), "|", req->run_id(), "|", req->status(), "|",
                 req->authority_id(), "|", due_text);
  auto after = db::DecodePageToken(req->page_token(), fingerprint);
  if (!after.ok()) return ToGrpcStatus(after.status());
  auto caller = host_.Caller(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return ToGrpcStatus(service::RunReadOnly(host_.pool(), [&](pqxx::transaction_base& tx) -> absl::Status {
    if (req->agreement_id() > 0) {
      auto header = agreements::GetHeader(tx, req->agreement_id());
      if (!header.ok()) return header.status();
      if (!caller->CanRead(header->authority_id, "agreement", std::to_string(header->id))) {
        return absl::NotFoundError(dp::StrCat("agreement ", req->agreement_id(), " does not exist"));
      }
    } else if (req->run_id() > 0) {
      auto run = payments::GetRun(tx, req->run_id());
      if (!run.ok()) return run.status();
      if (!caller->CanRead(run->authority_id, "", "")) {
        return absl::NotFoundError(dp::StrCat("payment run ", req->run_id(), " does not exist"));
      }
    } else if (!caller->CanRead(req->authority_id(), "", "")) {
      return absl::PermissionDeniedError(
          dp::StrCat(caller->name, " may not see ", req->authority_id(), "'s payments"));
    }
    out->set_next_page_token(db::FillPage<v1::OutgoingPayment>(
        payments::ListPayments(tx, {.agreement_id = req->agreement_id(), .run_id = req->run_id(),
                                    .authority_id = req->authority_id(), .due_date = *due,
                                    .status = *status, .after_id = *after, .limit = *size + 1}),
        *size, fingerprint,
        [](const payments::Payment& p, v1::OutgoingPayment* item) {
          ToProto(p, item);
          return p.id;
        },
        [&](v1::OutgoingPayment&& item) { *out->add_payments() = std::move(item); }));
    return absl::OkStatus();
  }));
}

grpc::Status PaymentServiceImpl::GetAvailableToSpend(grpc::ServerContext* ctx,
                                                     const v1::GetAvailableToSpendRequest* req,
                                                     v1::AvailableToSpend* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return ToGrpcStatus(bad);
  return ReadAgreement(ctx, req->agreement_id(), [&](pqxx::transaction_base& tx) -> absl::Status {
    auto header = agreements::GetHeader(tx, req->agreement_id());
    if (!header.ok()) return header.status();
    auto available = payments::AvailableToSpend(tx, *header, service::TodayInLondon());
    if (!available.ok()) return available.status();
    ToProto(req->agreement_id(), *available, out);
    return absl::OkStatus();
  });
}

}  // namespace dp::agreements_service
