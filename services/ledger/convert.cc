#include "convert.h"

#include "base/refusal.h"
#include "base/strings.h"
#include "service/digest.h"

namespace dp::ledger_service {
namespace {

ledger::Idempotency IdemOf(const google::protobuf::Message& request, const std::string& request_id,
                           std::string_view operation) {
  return {request_id, service::RequestDigest(request, operation)};
}

Money FromProto(const v1::Money& m) { return Money{m.amount_pence(), m.currency()}; }

void ToProto(const Money& m, v1::Money* out) {
  out->set_amount_pence(m.amount_pence);
  out->set_currency(m.currency);
}

v1::Side ToProto(ledger::Side side) {
  return side == ledger::Side::kDebit ? v1::SIDE_DEBIT : v1::SIDE_CREDIT;
}

}  // namespace

absl::StatusOr<ledger::NewAccount> FromProto(const v1::CreateAccountRequest& r) {
  ledger::NewAccount a;
  a.idem = IdemOf(r, r.request_id(), "CreateAccount");
  a.authority_id = r.authority_id();
  a.code = r.code();
  a.name = r.name();
  switch (r.type()) {
    case v1::ACCOUNT_TYPE_ASSET: a.type = ledger::AccountType::kAsset; break;
    case v1::ACCOUNT_TYPE_LIABILITY: a.type = ledger::AccountType::kLiability; break;
    case v1::ACCOUNT_TYPE_INCOME: a.type = ledger::AccountType::kIncome; break;
    case v1::ACCOUNT_TYPE_EXPENSE: a.type = ledger::AccountType::kExpense; break;
    case v1::ACCOUNT_TYPE_EQUITY: a.type = ledger::AccountType::kEquity; break;
    default:
      return FieldError("type",
          "must be one of ACCOUNT_TYPE_ASSET, _LIABILITY, _INCOME, _EXPENSE, _EQUITY");
  }
  a.currency = r.currency();
  a.owner_type = r.owner_type();
  a.owner_id = r.owner_id();
  a.flags = {r.debits_must_not_exceed_credits(), r.credits_must_not_exceed_debits()};
  return a;
}

absl::StatusOr<ledger::NewTransaction> FromProto(const v1::CreateTransactionRequest& r) {
  ledger::NewTransaction t;
  t.idem = IdemOf(r, r.request_id(), "CreateTransaction");
  t.kind = r.kind();
  t.description = r.description();
  for (int i = 0; i < r.postings_size(); ++i) {
    const v1::Posting& p = r.postings(i);
    if (p.side() != v1::SIDE_DEBIT && p.side() != v1::SIDE_CREDIT) {
      return FieldError(StrCat("postings[", i, "].side"), "must be SIDE_DEBIT or SIDE_CREDIT");
    }
    t.postings.push_back({p.account_id(),
                          p.side() == v1::SIDE_DEBIT ? ledger::Side::kDebit : ledger::Side::kCredit,
                          FromProto(p.amount())});
  }
  return t;
}

ledger::ReverseTransaction FromProto(const v1::ReverseTransactionRequest& r) {
  return {IdemOf(r, r.request_id(), "ReverseTransaction"), r.transaction_id(), r.reason(), ""};
}

ledger::NewPending FromProto(const v1::CreatePendingTransferRequest& r) {
  return {IdemOf(r, r.request_id(), "CreatePendingTransfer"), r.debit_account_id(),
          r.credit_account_id(), FromProto(r.amount()), r.timeout_seconds(), r.description(),
          r.post_tolerance().amount_pence()};
}

ledger::IncreasePending FromProto(const v1::IncreasePendingTransferRequest& r) {
  return {IdemOf(r, r.request_id(), "IncreasePendingTransfer"), r.pending_transfer_id(),
          FromProto(r.amount())};
}

ledger::PostPending FromProto(const v1::PostPendingTransferRequest& r) {
  ledger::PostPending p;
  p.idem = IdemOf(r, r.request_id(), "PostPendingTransfer");
  p.pending_id = r.pending_transfer_id();
  if (r.has_amount()) p.amount = FromProto(r.amount());
  return p;
}

ledger::VoidPending FromProto(const v1::VoidPendingTransferRequest& r) {
  return {IdemOf(r, r.request_id(), "VoidPendingTransfer"), r.pending_transfer_id(), r.reason()};
}

void ToProto(const ledger::Account& a, v1::Account* out) {
  out->set_id(a.id);
  out->set_authority_id(a.authority_id);
  out->set_code(a.code);
  out->set_name(a.name);
  out->set_type(static_cast<v1::AccountType>(static_cast<int>(a.type) + 1));
  out->set_currency(a.currency);
  out->set_owner_type(a.owner_type);
  out->set_owner_id(a.owner_id);
  out->set_debits_must_not_exceed_credits(a.flags.debits_must_not_exceed_credits);
  out->set_credits_must_not_exceed_debits(a.flags.credits_must_not_exceed_debits);
  ToTimestamp(a.created_at_us, out->mutable_created_at());
}

void ToProto(const ledger::Transaction& t, v1::Transaction* out) {
  out->set_id(t.id);
  out->set_request_id(t.request_id);
  out->set_kind(t.kind);
  out->set_description(t.description);
  for (const auto& p : t.postings) {
    v1::Posting* posting = out->add_postings();
    posting->set_account_id(p.account_id);
    posting->set_side(ToProto(p.side));
    ToProto(p.amount, posting->mutable_amount());
  }
  ToTimestamp(t.posted_at_us, out->mutable_posted_at());
  out->set_reverses_transaction_id(t.reverses_transaction_id);
  out->set_pending_transfer_id(t.pending_transfer_id);
  out->set_created_by(t.created_by);
}

void ToProto(const ledger::PendingTransfer& p, v1::PendingTransfer* out) {
  out->set_id(p.id);
  out->set_request_id(p.request_id);
  out->set_debit_account_id(p.debit_account_id);
  out->set_credit_account_id(p.credit_account_id);
  ToProto(p.amount, out->mutable_amount());
  out->set_state(static_cast<v1::PendingTransfer::State>(static_cast<int>(p.state) + 1));
  out->set_description(p.description);
  ToTimestamp(p.created_at_us, out->mutable_created_at());
  ToTimestamp(p.expires_at_us, out->mutable_expires_at());
  if (p.resolved_at_us != 0) ToTimestamp(p.resolved_at_us, out->mutable_resolved_at());
  if (p.post_tolerance_pence != 0) {
    ToProto(Money{p.post_tolerance_pence, p.amount.currency}, out->mutable_post_tolerance());
  }
  if (p.state == ledger::PendingState::kPosted) {
    ToProto(Money{p.posted_amount_pence, p.amount.currency}, out->mutable_posted_amount());
    out->set_posting_transaction_id(p.posting_transaction_id);
  }
}

void ToProto(const ledger::Balance& b, v1::Balance* out) {
  out->set_account_id(b.account_id);
  out->set_currency(b.currency);
  out->set_debits_posted_pence(b.totals.debits_posted);
  out->set_credits_posted_pence(b.totals.credits_posted);
  out->set_debits_pending_pence(b.totals.debits_pending);
  out->set_credits_pending_pence(b.totals.credits_pending);
  out->set_posted_balance_pence(b.posted_balance_pence);
  out->set_available_balance_pence(b.available_balance_pence);
  ToTimestamp(b.as_of_us, out->mutable_as_of());
}

void ToProto(const ledger::Statement& s, v1::ListStatementResponse* out) {
  out->set_currency(s.currency);
  out->set_opening_balance_pence(s.opening_balance_pence);
  for (const auto& l : s.lines) {
    v1::StatementLine* line = out->add_lines();
    line->set_posting_id(l.posting_id);
    line->set_transaction_id(l.transaction_id);
    ToTimestamp(l.posted_at_us, line->mutable_posted_at());
    line->set_kind(l.kind);
    line->set_description(l.description);
    line->set_side(ToProto(l.side));
    line->set_amount_pence(l.amount_pence);
    line->set_balance_after_pence(l.balance_after_pence);
  }
  out->set_next_page_token(s.next_page_token);
}

}  // namespace dp::ledger_service
