#include "card_service.h"

#include <set>

#include "absl/time/clock.h"
#include "base/refusal.h"
#include "base/strings.h"
#include "convert.h"
#include "db/errors.h"
#include "service/metrics.h"
#include "service/proto_convert.h"
#include "service/read_only.h"
#include "service/request_bounds.h"
#include "service/status.h"

namespace dp::cards_service {
namespace {

using service::ToGrpcStatus;

absl::Status MissingCard(int64_t id) {
  return absl::NotFoundError(dp::StrCat("card ", id, " does not exist"));
}

absl::Status MissingAgreement(int64_t id) {
  return absl::NotFoundError(dp::StrCat("agreement ", id, " does not exist"));
}

std::string Actor(const iam::Principal& p) { return p.name; }

// Readable: the caller may see a card of this agreement.
bool Readable(const iam::Principal& p, const std::string& authority_id, int64_t agreement_id) {
  return p.CanRead(authority_id, "agreement", std::to_string(agreement_id));
}

// ReadableCard reads a card the caller may see; one outside its reach
// answers as a missing one.
absl::StatusOr<cards::Card> ReadableCard(pqxx::transaction_base& tx, const iam::Principal& caller,
                                         int64_t card_id) {
  auto card = cards::GetCard(tx, card_id, service::TodayInLondon());
  if (!card.ok()) return card.status();
  if (!Readable(caller, card->authority_id, card->agreement_id)) return MissingCard(card_id);
  return card;
}

// ReadableAgreement is the same for an agreement's facts.
absl::StatusOr<cards::AgreementFacts> ReadableAgreement(pqxx::transaction_base& tx,
                                                        const iam::Principal& caller,
                                                        int64_t agreement_id) {
  auto agreement = cards::AgreementOf(tx, agreement_id);
  if (!agreement.ok()) return agreement.status();
  if (!Readable(caller, agreement->authority_id, agreement_id)) {
    return MissingAgreement(agreement_id);
  }
  return agreement;
}

// CountDecision counts a decision by outcome and reason ("NONE" when approved):
// dp_card_authorisations_total{outcome="DECLINED",reason="BLOCKED_CATEGORY"}.
void CountDecision(service::Metrics& metrics, const v1::AuthorizationDecision& d) {
  constexpr std::string_view kOutcome = "AUTHORIZATION_OUTCOME_", kReason = "DECLINE_REASON_";
  std::string outcome = v1::AuthorizationOutcome_Name(d.outcome());
  std::string reason =
      d.reason() == v1::DECLINE_REASON_UNSPECIFIED ? "NONE" : v1::DeclineReason_Name(d.reason());
  if (outcome.rfind(kOutcome, 0) == 0) outcome.erase(0, kOutcome.size());
  if (reason.rfind(kReason, 0) == 0) reason.erase(0, kReason.size());
  metrics.Count(service::kCardDecisions, {outcome, reason});
}

// Decidable: the refusals a processor reads as they are (its own mistakes);
// anything else means the books could not answer, and the purchase is
// declined with nothing held.
bool Decidable(const absl::Status& s) {
  switch (s.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kUnauthenticated:
      return true;
    default:
      return false;
  }
}

}  // namespace

const cards::Categories& CardServiceImpl::Today() const {
  const cards::Categories* c = cards::Categories::InForce(categories_, service::TodayInLondon());
  return c != nullptr ? *c : categories_.front();
}

grpc::Status CardServiceImpl::GetServiceInfo(grpc::ServerContext*, const v1::GetServiceInfoRequest*,
                                             v1::ServiceInfo* out) {
  return service::DescribeService(host_.config(), host_.pool(), out);
}

grpc::Status CardServiceImpl::IssueCard(grpc::ServerContext* ctx, const v1::IssueCardRequest* req,
                                        v1::Card* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  auto caller = host_.Caller(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  auto controls = FromProto(req->controls());
  if (!controls.ok()) return ToGrpcStatus(controls.status());
  cards::NewCard card;
  card.agreement_id = req->agreement_id();
  card.processor_token = req->processor_token();
  card.last4 = req->last4();
  card.expiry_month = req->expiry_month();
  card.expiry_year = req->expiry_year();
  card.additional_holder = req->additional_holder();
  card.holder_name = req->holder_name();
  card.controls = *controls;
  card.reason = req->reason();
  // Checked before anything is read, so that a card number is refused
  // however the rest of the request stands.
  if (auto s = cards::CheckCardDetails(card.processor_token, card.last4, card.expiry_month,
                                       card.expiry_year);
      !s.ok()) {
    return ToGrpcStatus(s);
  }
  const absl::CivilDay today = service::TodayInLondon();
  return service::IdempotentWrite(
      host_.pool(), host_.AuditOf(*ctx), requests_, *req, req->request_id(), "IssueCard",
      [&](pqxx::work& tx) -> absl::StatusOr<std::string> {
        auto agreement = cards::AgreementOf(tx, card.agreement_id);
        if (!agreement.ok()) return agreement.status();
        if (!caller->CanWrite(agreement->authority_id)) {
          if (!Readable(*caller, agreement->authority_id, card.agreement_id)) {
            return MissingAgreement(card.agreement_id);
          }
          return absl::PermissionDeniedError(
              dp::StrCat(caller->name, " may not issue cards for agreement ", card.agreement_id));
        }
        auto id = cards::IssueCard(tx, card, Today(), today, Actor(*caller));
        if (!id.ok()) return id.status();
        auto issued = cards::GetCard(tx, *id, today);
        if (!issued.ok()) return issued.status();
        ToProto(*issued, out);
        return std::to_string(*id);
      },
      [&](pqxx::work& tx, const std::string& key) -> absl::Status {
        auto issued = cards::GetCard(tx, std::stoll(key), today);
        if (!issued.ok()) return issued.status();
        ToProto(*issued, out);
        return absl::OkStatus();
      });
}

grpc::Status CardServiceImpl::CardWrite(grpc::ServerContext* ctx,
                                        const google::protobuf::Message& request,
                                        const std::string& request_id, const std::string& operation,
                                        int64_t card_id, bool iso_may, const ChangeFn& change,
                                        v1::Card* out) {
  auto caller = host_.Caller(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  const absl::CivilDay today = service::TodayInLondon();
  auto fill = [&](pqxx::transaction_base& tx, int64_t id) -> absl::Status {
    auto card = cards::GetCard(tx, id, today);
    if (!card.ok()) return card.status();
    ToProto(*card, out);
    return absl::OkStatus();
  };
  return service::IdempotentWrite(
      host_.pool(), host_.AuditOf(*ctx), requests_, request, request_id, operation,
      [&](pqxx::work& tx) -> absl::StatusOr<std::string> {
        auto card = cards::GetCard(tx, card_id, today, /*for_update=*/true);
        if (!card.ok()) return card.status();
        const std::string agreement = std::to_string(card->agreement_id);
        const bool may =
            caller->CanWrite(card->authority_id) || (iso_may && caller->role == iam::Role::kIso &&
                                                     caller->CanReachOwner("agreement", agreement));
        if (!may) {
          if (!Readable(*caller, card->authority_id, card->agreement_id))
            return MissingCard(card_id);
          return absl::PermissionDeniedError(
              dp::StrCat(caller->name, " may not change card ", card_id));
        }
        auto id = change(tx, *card);
        if (!id.ok()) return id.status();
        if (auto s = fill(tx, *id); !s.ok()) return s;
        return std::to_string(*id);
      },
      [&](pqxx::work& tx, const std::string& key) { return fill(tx, std::stoll(key)); });
}

grpc::Status CardServiceImpl::ChangeStatus(grpc::ServerContext* ctx,
                                           const v1::ChangeCardRequest& req,
                                           const std::string& operation, cards::CardStatus to,
                                           bool iso_may, v1::Card* out) {
  if (auto bad = service::CheckRequestBounds(req); !bad.ok()) return service::ToGrpcStatus(bad);
  return CardWrite(
      ctx, req, req.request_id(), operation, req.card_id(), iso_may,
      [&](pqxx::work& tx, const cards::Card& card) -> absl::StatusOr<int64_t> {
        if (auto s = cards::ChangeStatus(tx, card.id, to, req.reason()); !s.ok()) {
          return s;
        }
        return card.id;
      },
      out);
}

grpc::Status CardServiceImpl::FreezeCard(grpc::ServerContext* ctx, const v1::ChangeCardRequest* req,
                                         v1::Card* out) {
  return ChangeStatus(ctx, *req, "FreezeCard", cards::CardStatus::kFrozen, true, out);
}

grpc::Status CardServiceImpl::UnfreezeCard(grpc::ServerContext* ctx,
                                           const v1::ChangeCardRequest* req, v1::Card* out) {
  return ChangeStatus(ctx, *req, "UnfreezeCard", cards::CardStatus::kActive, true, out);
}

grpc::Status CardServiceImpl::CancelCard(grpc::ServerContext* ctx, const v1::ChangeCardRequest* req,
                                         v1::Card* out) {
  return ChangeStatus(ctx, *req, "CancelCard", cards::CardStatus::kCancelled, false, out);
}

grpc::Status CardServiceImpl::ReplaceCard(grpc::ServerContext* ctx,
                                          const v1::ReplaceCardRequest* req, v1::Card* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  if (auto s = cards::CheckCardDetails(req->processor_token(), req->last4(), req->expiry_month(),
                                       req->expiry_year());
      !s.ok()) {
    return ToGrpcStatus(s);
  }
  auto caller = host_.Caller(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  const absl::CivilDay today = service::TodayInLondon();
  return CardWrite(
      ctx, *req, req->request_id(), "ReplaceCard", req->card_id(), false,
      [&](pqxx::work& tx, const cards::Card& card) {
        return cards::ReplaceCard(tx, card.id, req->processor_token(), req->last4(),
                                  req->expiry_month(), req->expiry_year(), req->reason(), today,
                                  Actor(*caller));
      },
      out);
}

grpc::Status CardServiceImpl::LoadCard(grpc::ServerContext* ctx, const v1::LoadCardRequest* req,
                                       v1::CardLoad* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  if (req->amount().currency() != "GBP") {
    return ToGrpcStatus(FieldError("amount.currency", "must be GBP"));
  }
  auto caller = host_.Caller(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  const absl::CivilDay today = service::TodayInLondon();
  auto fill = [&](pqxx::transaction_base& tx, int64_t id) -> absl::Status {
    const pqxx::result r = tx.exec_params(
        "SELECT agreement_id, amount_pence, reason, transaction_id FROM cards.loads WHERE id = $1",
        id);
    if (r.empty()) return absl::NotFoundError(dp::StrCat("load ", id, " does not exist"));
    out->set_load_id(id);
    out->set_agreement_id(r[0][0].as<int64_t>());
    service::PenceToProto(r[0][1].as<int64_t>(), out->mutable_amount());
    out->set_reason(r[0][2].as<std::string>());
    out->set_transaction_id(r[0][3].as<int64_t>());
    return absl::OkStatus();
  };
  return service::IdempotentWrite(
      host_.pool(), host_.AuditOf(*ctx), requests_, *req, req->request_id(), "LoadCard",
      [&](pqxx::work& tx) -> absl::StatusOr<std::string> {
        auto agreement = cards::AgreementOf(tx, req->agreement_id());
        if (!agreement.ok()) return agreement.status();
        if (!caller->CanWrite(agreement->authority_id)) {
          if (!Readable(*caller, agreement->authority_id, req->agreement_id())) {
            return MissingAgreement(req->agreement_id());
          }
          return absl::PermissionDeniedError(
              dp::StrCat(caller->name, " may not load agreement ", req->agreement_id(), "'s card"));
        }
        auto load = cards::LoadCard(tx, req->agreement_id(), req->amount().amount_pence(),
                                    req->reason(), today, Actor(*caller));
        if (!load.ok()) return load.status();
        if (auto s = fill(tx, load->id); !s.ok()) return s;
        return std::to_string(load->id);
      },
      [&](pqxx::work& tx, const std::string& key) { return fill(tx, std::stoll(key)); });
}

grpc::Status CardServiceImpl::SetCardControls(grpc::ServerContext* ctx,
                                              const v1::SetCardControlsRequest* req,
                                              v1::Card* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  auto caller = host_.Caller(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  auto controls = FromProto(req->controls());
  if (!controls.ok()) return ToGrpcStatus(controls.status());
  const absl::CivilDay today = service::TodayInLondon();
  auto from = service::OptionalDay(req->effective_from(), "effective_from");
  if (!from.ok()) return ToGrpcStatus(from.status());
  return CardWrite(
      ctx, *req, req->request_id(), "SetCardControls", req->card_id(), false,
      [&](pqxx::work& tx, const cards::Card& card) -> absl::StatusOr<int64_t> {
        if (auto s = cards::SetControls(tx, card.id, from->value_or(today), *controls, Today(),
                                        req->reason(), today, Actor(*caller));
            !s.ok()) {
          return s;
        }
        return card.id;
      },
      out);
}

grpc::Status CardServiceImpl::PreviewCardControls(grpc::ServerContext* ctx,
                                                  const v1::PreviewCardControlsRequest* req,
                                                  v1::ControlsPreview* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  auto caller = host_.Caller(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  auto controls = FromProto(req->controls());
  if (!controls.ok()) return ToGrpcStatus(controls.status());
  if (auto s = controls->Check(Today(), "controls."); !s.ok()) return ToGrpcStatus(s);
  constexpr int kDays = 90, kMaxPurchases = 20'000, kMaxShown = 500;
  const absl::CivilDay today = service::TodayInLondon();
  return ToGrpcStatus(
      service::RunReadOnly(host_.pool(), [&](pqxx::transaction_base& tx) -> absl::Status {
        auto card = cards::GetCard(tx, req->card_id(), today);
        if (!card.ok()) return card.status();
        if (!caller->CanWrite(card->authority_id)) {
          if (!Readable(*caller, card->authority_id, card->agreement_id))
            return MissingCard(req->card_id());
          return absl::PermissionDeniedError(
              dp::StrCat(caller->name, " may not set card ", req->card_id(), "'s controls"));
        }
        const auto asked = cards::PastPurchasesOf(tx, card->id, today - kDays, kMaxPurchases);
        std::vector<cards::PastPurchase> past;
        for (const auto& a : asked) past.push_back(a.asked);
        const auto verdicts =
            cards::WouldDecline(past, *controls, cards::StandingOf(tx, *card, today), Today());
        int64_t declined_pence = 0;
        for (size_t i = 0; i < verdicts.size(); ++i) {
          if (verdicts[i].outcome != cards::Outcome::kDeclined) continue;
          out->set_would_decline(out->would_decline() + 1);
          declined_pence += asked[i].asked.purchase.amount_pence;
          if (out->declined_size() >= kMaxShown) continue;
          auto* line = out->add_declined();
          service::ToTimestamp(asked[i].at_us, line->mutable_at());
          line->set_merchant(asked[i].merchant);
          line->set_merchant_category(asked[i].asked.purchase.mcc);
          service::PenceToProto(asked[i].asked.purchase.amount_pence, line->mutable_amount());
          line->set_reason(static_cast<v1::DeclineReason>(static_cast<int>(verdicts[i].reason)));
          line->set_limit(verdicts[i].limit);
          line->set_message(verdicts[i].message);
        }
        out->set_purchases(static_cast<int32_t>(asked.size()));
        service::PenceToProto(declined_pence, out->mutable_would_decline_amount());
        return absl::OkStatus();
      }));
}

grpc::Status CardServiceImpl::GetCard(grpc::ServerContext* ctx, const v1::GetCardRequest* req,
                                      v1::Card* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  auto caller = host_.Caller(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return ToGrpcStatus(service::RunReadOnly(host_.pool(), [&](pqxx::transaction_base& tx) {
    auto card = ReadableCard(tx, *caller, req->card_id());
    if (!card.ok()) return card.status();
    ToProto(*card, out);
    return absl::OkStatus();
  }));
}

grpc::Status CardServiceImpl::ListCards(grpc::ServerContext* ctx, const v1::ListCardsRequest* req,
                                        v1::ListCardsResponse* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  auto caller = host_.Caller(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return ToGrpcStatus(
      service::RunReadOnly(host_.pool(), [&](pqxx::transaction_base& tx) -> absl::Status {
        auto agreement = ReadableAgreement(tx, *caller, req->agreement_id());
        if (!agreement.ok()) return agreement.status();
        auto list = cards::ListCards(tx, req->agreement_id(), service::TodayInLondon());
        if (!list.ok()) return list.status();
        for (const cards::Card& c : *list) ToProto(c, out->add_cards());
        return absl::OkStatus();
      }));
}

grpc::Status CardServiceImpl::GetCardStatement(grpc::ServerContext* ctx,
                                               const v1::GetCardStatementRequest* req,
                                               v1::CardStatement* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  if ((req->agreement_id() > 0) == (req->card_id() > 0)) {
    return ToGrpcStatus(FieldError("agreement_id", "or card_id is required, one of the two"));
  }
  auto caller = host_.Caller(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return ToGrpcStatus(
      service::RunReadOnly(host_.pool(), [&](pqxx::transaction_base& tx) -> absl::Status {
        int64_t account_id = 0;
        if (req->card_id() > 0) {
          auto card = ReadableCard(tx, *caller, req->card_id());
          if (!card.ok()) return card.status();
          account_id = card->account_id;
        } else {
          auto agreement = ReadableAgreement(tx, *caller, req->agreement_id());
          if (!agreement.ok()) return agreement.status();
          if (agreement->card_account_id == 0) {
            return absl::FailedPreconditionError(
                dp::StrCat("agreement ", req->agreement_id(),
                           " is not paid onto a card: its ledger statement "
                           "is `dpctl ledger statement AGR-",
                           req->agreement_id(), ":BANK`"));
          }
          account_id = agreement->card_account_id;
        }
        auto statement =
            cards::StatementOf(tx, account_id, req->card_id(), req->page_size(), req->page_token());
        if (!statement.ok()) return statement.status();
        ToProto(*statement, Today(), out);
        return absl::OkStatus();
      }));
}

absl::Status CardServiceImpl::Network(grpc::ServerContext* ctx, const NetworkFn& call,
                                      absl::Time started) {
  auto caller = host_.Caller(*ctx);
  if (!caller.ok()) return caller.status();
  const cards::Reach reach{caller->all_authorities, caller->authorities};
  service::CallAudit* audit = host_.AuditOf(*ctx);
  const absl::Time due = started + absl::FromChrono(deadline_);
  const int64_t left_ms = absl::ToInt64Milliseconds(due - absl::Now());
  if (left_ms <= 0) {
    return absl::DeadlineExceededError("the books did not answer within the decision deadline");
  }
  try {
    auto conn = host_.pool().Acquire();
    pqxx::work tx(*conn);
    // No statement may wait past the deadline (a lock, a slow disk) ...
    tx.exec(dp::StrCat("SET LOCAL statement_timeout = ", left_ms));
    auto key = call(tx, reach);
    if (!key.ok()) return key.status();
    // ... and neither may the whole: an answer the processor stopped
    // waiting for is not committed.
    if (absl::Now() > due) {
      return absl::DeadlineExceededError("the books did not answer within the decision deadline");
    }
    if (audit != nullptr) audit->RecordIn(tx, *key, 0);
    tx.commit();
    if (audit != nullptr) audit->MarkCommitted();
    return absl::OkStatus();
  } catch (const std::exception& e) {
    return db::StatusFromException(e);
  }
}

absl::StatusOr<cards::AuthorisationRecord> CardServiceImpl::Decide(
    grpc::ServerContext* ctx, const cards::AuthorisationRequest& request) {
  const absl::Time started = absl::Now();
  const absl::CivilDay today = service::TodayInLondon();
  auto caller = host_.Caller(*ctx);
  if (!caller.ok()) return caller.status();
  service::CallAudit* audit = host_.AuditOf(*ctx);
  cards::AuthorisationItem item{.request = request,
                                .reach = {caller->all_authorities, caller->authorities},
                                .categories = &Today(),
                                .started = started,
                                .today = today};
  if (audit != nullptr) {
    item.event = audit->Event(0);
    item.resource_pattern = std::string(audit->resource_pattern());
  }
  cards::AuthorisationOutcome batched = batcher_.Submit(std::move(item));
  if (batched.result.has_value()) {
    if (batched.audited) audit->MarkCommitted();
    return std::move(*batched.result);
  }
  cards::AuthorisationRecord record;
  const absl::Status alone = Network(
      ctx,
      [&](pqxx::work& tx, const cards::Reach& reach) -> absl::StatusOr<std::string> {
        auto r = cards::Authorise(tx, request, reach, Today(), today);
        if (!r.ok()) return r.status();
        record = *r;
        return std::to_string(r->id);
      },
      started);
  if (!alone.ok()) return alone;
  return record;
}

grpc::Status CardServiceImpl::Authorize(grpc::ServerContext* ctx, const v1::AuthorizeRequest* req,
                                        v1::AuthorizationDecision* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  auto request = FromProto(*req);
  if (!request.ok()) return ToGrpcStatus(request.status());
  const absl::StatusOr<cards::AuthorisationRecord> decided = Decide(ctx, *request);
  if (decided.ok()) {
    ToProto(*decided, out);
    CountDecision(host_.metrics(), *out);
    return grpc::Status::OK;
  }
  if (Decidable(decided.status())) return ToGrpcStatus(decided.status());
  cards::AuthorisationRecord record;
  // The books could not answer in time: a decline the processor can read,
  // with nothing held, recorded (briefly) so that a replay gets the same.
  const absl::Status recorded =
      Network(ctx, [&](pqxx::work& tx, const cards::Reach&) -> absl::StatusOr<std::string> {
        auto r = cards::RecordUnavailable(tx, *request);
        if (!r.ok()) return r.status();
        record = *r;
        return std::to_string(r->id);
      });
  if (!recorded.ok()) {
    record = {};
    record.processor_id = request->processor_id;
    record.verdict = cards::Verdict::Declined(
        cards::Reason::kSystemUnavailable,
        "We couldn't check this payment just now. Please try again in a moment.");
    record.decided_at_us = absl::ToUnixMicros(absl::Now());
  }
  ToProto(record, out);
  CountDecision(host_.metrics(), *out);
  return grpc::Status::OK;
}

template <typename Request, typename Book>
grpc::Status CardServiceImpl::Settle(grpc::ServerContext* ctx, const Request& req, Book book,
                                     v1::CardTransaction* out) {
  if (auto bad = service::CheckRequestBounds(req); !bad.ok()) return service::ToGrpcStatus(bad);
  auto request = FromProto(req);
  if (!request.ok()) return ToGrpcStatus(request.status());
  return ToGrpcStatus(
      Network(ctx, [&](pqxx::work& tx, const cards::Reach& reach) -> absl::StatusOr<std::string> {
        auto r = book(tx, *request, reach, service::TodayInLondon());
        if (!r.ok()) return r.status();
        ToProto(*r, out);
        return r->processor_id;
      }));
}

grpc::Status CardServiceImpl::Capture(grpc::ServerContext* ctx, const v1::CaptureRequest* req,
                                      v1::CardTransaction* out) {
  return Settle(
      ctx, *req,
      [&](pqxx::work& tx, const cards::SettlementRequest& r, const cards::Reach& reach,
          absl::CivilDay today) { return cards::Capture(tx, r, reach, Today(), today); },
      out);
}

grpc::Status CardServiceImpl::Reverse(grpc::ServerContext* ctx, const v1::ReverseRequest* req,
                                      v1::CardTransaction* out) {
  return Settle(ctx, *req, cards::Reverse, out);
}

grpc::Status CardServiceImpl::Refund(grpc::ServerContext* ctx, const v1::RefundRequest* req,
                                     v1::CardTransaction* out) {
  return Settle(ctx, *req, cards::Refund, out);
}

grpc::Status CardServiceImpl::ImportClearing(grpc::ServerContext* ctx,
                                             const v1::ImportClearingRequest* req,
                                             v1::ClearingReport* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  if (req->file_name().empty()) return ToGrpcStatus(FieldError("file_name", "is required"));
  if (req->first_line() < 1 || req->first_line() > 10'000'000) {
    return ToGrpcStatus(FieldError("first_line", "must be 1 (the header) to 10,000,000"));
  }
  auto caller = host_.Caller(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  const cards::Reach reach{caller->all_authorities, caller->authorities};
  int first = 0;
  if (req->first_line() == 1) {
    if (req->lines_size() == 0 || req->lines(0) != cards::kClearingHeader) {
      return ToGrpcStatus(FieldError(
          "lines[0]", dp::StrCat("must be the file's header: ", cards::kClearingHeader)));
    }
    first = 1;
  }
  // Every line commits on its own, so one bad line stops no other; the
  // call's audit event is written after them (the file, by name).
  if (service::CallAudit* audit = host_.AuditOf(*ctx)) {
    audit->SetResourceId(req->file_name());
    audit->RecordAfterwards();
  }
  const absl::CivilDay today = service::TodayInLondon();
  std::set<std::string> seen;  // processor ids in this chunk
  int64_t imported_pence = 0;
  auto problem = [&](int line, const char* kind, std::string detail, bool imported) {
    auto* p = out->add_problems();
    p->set_line(line);
    p->set_kind(kind);
    p->set_detail(std::move(detail));
    p->set_imported(imported);
  };
  for (int i = first; i < req->lines_size(); ++i) {
    const int number = req->first_line() + i;
    if (req->lines(i).empty()) continue;  // a blank line, such as the file's last
    out->set_lines(out->lines() + 1);
    auto line = cards::ParseClearingLine(req->lines(i));
    if (!line.ok()) {
      problem(number, "malformed", std::string(line.status().message()), false);
      continue;
    }
    if (!seen.insert(line->processor_id).second) {
      problem(number, "duplicate",
              dp::StrCat("processor_id ", line->processor_id.substr(0, 40),
                         " is on an earlier line of this file"),
              false);
      continue;
    }
    absl::StatusOr<cards::ClearingOutcome> outcome = absl::UnavailableError("not tried");
    try {
      auto conn = host_.pool().Acquire();
      pqxx::work tx(*conn);
      outcome = cards::ImportClearingLine(tx, *line, reach, Today(), today);
      if (outcome.ok()) tx.commit();
    } catch (const std::exception& e) {
      outcome = db::StatusFromException(e);
    }
    if (!outcome.ok()) {
      const bool reused = ReasonOf(outcome.status()) == reason::kRequestIdReused;
      problem(number, reused ? "duplicate" : "refused",
              reused ? "processor_id was imported before with other content"
                     : std::string(outcome.status().message()),
              false);
      continue;
    }
    switch (outcome->kind) {
      case cards::ClearingOutcome::Kind::kCaptured:
        out->set_captured(out->captured() + 1);
        break;
      case cards::ClearingOutcome::Kind::kForcePosted:
        out->set_force_posted(out->force_posted() + 1);
        break;
      case cards::ClearingOutcome::Kind::kRefunded:
        out->set_refunded(out->refunded() + 1);
        break;
      case cards::ClearingOutcome::Kind::kAlreadyImported:
        out->set_already_imported(out->already_imported() + 1);
        continue;
    }
    imported_pence += outcome->amount_pence;
    if (!outcome->mismatch.empty()) problem(number, "mismatch", outcome->mismatch, true);
  }
  service::PenceToProto(imported_pence, out->mutable_imported());
  return grpc::Status::OK;
}

}  // namespace dp::cards_service
