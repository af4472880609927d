#include "payment_convert.h"

#include "absl/time/clock.h"
#include "base/refusal.h"
#include "base/strings.h"
#include "payments/books/available.h"
#include "service/proto_convert.h"

namespace dp::agreements_service {

using service::DayToProto;
using service::PenceToProto;

absl::StatusOr<payments::PayeeKind> PayeeKindFromProto(v1::PayeeKind kind) {
  switch (kind) {
    case v1::PAYEE_KIND_PA: return payments::PayeeKind::kPa;
    case v1::PAYEE_KIND_AGENCY: return payments::PayeeKind::kAgency;
    case v1::PAYEE_KIND_HMRC: return payments::PayeeKind::kHmrc;
    case v1::PAYEE_KIND_PENSION: return payments::PayeeKind::kPension;
    case v1::PAYEE_KIND_SUPPLIER: return payments::PayeeKind::kSupplier;
    default: return FieldError("kind", "must be PA, AGENCY, HMRC, PENSION or SUPPLIER");
  }
}

absl::StatusOr<payments::Frequency> FrequencyFromProto(v1::OrderFrequency f) {
  switch (f) {
    case v1::ORDER_FREQUENCY_WEEKLY: return payments::Frequency::kWeekly;
    case v1::ORDER_FREQUENCY_FOUR_WEEKLY: return payments::Frequency::kFourWeekly;
    case v1::ORDER_FREQUENCY_MONTHLY: return payments::Frequency::kMonthly;
    default: return FieldError("frequency", "must be WEEKLY, FOUR_WEEKLY or MONTHLY");
  }
}

absl::StatusOr<std::optional<payments::PaymentStatus>> StatusFromProto(v1::PaymentStatus s) {
  switch (s) {
    case v1::PAYMENT_STATUS_UNSPECIFIED: return std::optional<payments::PaymentStatus>();
    case v1::PAYMENT_STATUS_SCHEDULED: return payments::PaymentStatus::kScheduled;
    case v1::PAYMENT_STATUS_SUBMITTED: return payments::PaymentStatus::kSubmitted;
    case v1::PAYMENT_STATUS_PAID: return payments::PaymentStatus::kPaid;
    case v1::PAYMENT_STATUS_RETURNED: return payments::PaymentStatus::kReturned;
    default: return FieldError("status", "is not a payment status");
  }
}

absl::StatusOr<payments::InvoiceLine> InvoiceLineFromProto(const v1::SubmitInvoiceRequest& r) {
  payments::InvoiceLine line;
  line.centi_hours = r.centi_hours();
  if (r.has_rate()) {
    auto rate = service::PenceFromProto(r.rate(), "rate");
    if (!rate.ok()) return rate.status();
    line.rate_pence = *rate;
  }
  if (r.has_amount()) {
    auto amount = service::PenceFromProto(r.amount(), "amount");
    if (!amount.ok()) return amount.status();
    line.amount_pence = *amount;
  }
  auto start = service::OptionalDay(r.period_start(), "period_start");
  if (!start.ok()) return start.status();
  auto end = service::OptionalDay(r.period_end(), "period_end");
  if (!end.ok()) return end.status();
  line.period_start = *start;
  line.period_end = *end;
  return line;
}

void ToProto(const payments::Payee& p, v1::Payee* out) {
  out->set_payee_id(p.id);
  out->set_agreement_id(p.agreement_id);
  out->set_kind(static_cast<v1::PayeeKind>(static_cast<int>(p.kind) + 1));
  out->set_name(p.name);
  out->set_account_name(p.account_name);
  out->set_sort_code(p.sort_code.size() == 6 ? dp::StrCat(p.sort_code.substr(0, 2), "-",
                                                          p.sort_code.substr(2, 2), "-",
                                                          p.sort_code.substr(4))
                                             : "");
  out->set_account_number_masked(dp::StrCat("••••", p.account_last4));
  out->set_reference(p.reference);
  out->set_employee_id(p.employee_id);
  out->set_use(p.use);
  out->set_approved(p.approved);
  out->set_approved_by(p.approved_by);
  out->set_approval_reason(p.approval_reason);
  if (p.plan.rate_pence > 0) PenceToProto(p.plan.rate_pence, out->mutable_plan_rate());
  out->set_plan_centi_hours_per_week(static_cast<int32_t>(p.plan.centi_hours_per_week));
}

void ToProto(const payments::Invoice& i, v1::Invoice* out) {
  out->set_invoice_id(i.id);
  out->set_agreement_id(i.agreement_id);
  out->set_payee_id(i.payee_id);
  out->set_number(i.number);
  out->set_centi_hours(static_cast<int32_t>(i.line.centi_hours));
  if (i.line.rate_pence > 0) PenceToProto(i.line.rate_pence, out->mutable_rate());
  PenceToProto(i.amount_pence, out->mutable_amount());
  if (i.line.period_start) DayToProto(*i.line.period_start, out->mutable_period_start());
  if (i.line.period_end) DayToProto(*i.line.period_end, out->mutable_period_end());
  DayToProto(i.due, out->mutable_due_date());
  out->set_description(i.description);
  out->set_status(static_cast<v1::InvoiceStatus>(static_cast<int>(i.status) + 1));
  out->set_flag(i.flag);
  out->set_approved_by(i.approved_by);
  out->set_approval_reason(i.approval_reason);
}

void ToProto(const payments::StandingOrderRecord& o, v1::StandingOrder* out) {
  out->set_standing_order_id(o.id);
  out->set_agreement_id(o.agreement_id);
  out->set_payee_id(o.payee_id);
  PenceToProto(o.order.amount_pence, out->mutable_amount());
  out->set_frequency(static_cast<v1::OrderFrequency>(static_cast<int>(o.order.frequency) + 1));
  DayToProto(o.order.first, out->mutable_first_date());
  if (o.order.end) DayToProto(*o.order.end, out->mutable_end_date());
  out->set_reference(o.reference);
  out->set_active(o.active);
  out->set_cancel_reason(o.cancel_reason);
  if (o.next) DayToProto(*o.next, out->mutable_next_date());
}

void ToProto(const payments::MandateRecord& m, v1::Mandate* out) {
  out->set_mandate_id(m.id);
  out->set_agreement_id(m.agreement_id);
  out->set_payee_id(m.payee_id);
  out->set_reference(m.reference);
  out->set_active(m.active);
  out->set_cancel_reason(m.cancel_reason);
}

void ToProto(const payments::Payment& p, v1::OutgoingPayment* out) {
  out->set_payment_id(p.id);
  out->set_agreement_id(p.agreement_id);
  out->set_payee_id(p.payee_id);
  out->set_payee_name(p.payee_name);
  out->set_source(p.source);
  out->set_source_key(p.source_key);
  DayToProto(p.due, out->mutable_due_date());
  PenceToProto(p.amount_pence, out->mutable_amount());
  out->set_reference(p.reference);
  out->set_status(static_cast<v1::PaymentStatus>(static_cast<int>(p.status) + 1));
  out->set_run_id(p.run_id);
  out->set_submit_transaction_id(p.submit_transaction_id);
  out->set_paid_transaction_id(p.paid_transaction_id);
  out->set_return_transaction_id(p.return_transaction_id);
  out->set_return_reason(p.return_reason);
  out->set_override_reason(p.override_reason);
}

void ToProto(const payments::Held& h, v1::HeldBack* out) {
  out->set_agreement_id(h.agreement_id);
  out->set_what(h.what);
  PenceToProto(h.amount_pence, out->mutable_amount());
  out->set_reason(h.reason);
}

void ToProto(const payments::Run& r, v1::PaymentsRun* out) {
  out->set_run_id(r.id);
  out->set_authority_id(r.authority_id);
  DayToProto(r.run_date, out->mutable_run_date());
  out->set_settled(r.settled);
  out->set_payments(r.payments);
  PenceToProto(r.total_pence, out->mutable_total());
  for (const payments::Held& h : r.held) ToProto(h, out->add_held());
  out->set_bacs(r.bacs);
}

void ToProto(const payments::FileReport& r, v1::BankFileReport* out) {
  out->set_lines_read(r.lines_read);
  out->set_matched(r.matched);
  out->set_unmatched(r.unmatched);
  out->set_seen_before(r.seen_before);
  out->set_malformed(r.malformed);
  PenceToProto(r.total_pence, out->mutable_total());
  for (const payments::FileLine& l : r.lines) {
    v1::BankFileLine* line = out->add_lines();
    line->set_line(l.line_no);
    line->set_outcome(l.outcome);
    line->set_detail(l.detail);
    line->set_payment_id(l.payment_id);
  }
}

void ToProto(int64_t agreement_id, const payments::Available& a, v1::AvailableToSpend* out) {
  out->set_agreement_id(agreement_id);
  PenceToProto(a.balance_pence, out->mutable_balance());
  PenceToProto(a.held_pence, out->mutable_held());
  for (const payments::Commitment& c : a.commitments) {
    v1::CommittedPart* part = out->add_commitments();
    part->set_kind(c.kind);
    part->set_words(c.words);
    PenceToProto(c.amount_pence, part->mutable_amount());
  }
  PenceToProto(a.committed_pence, out->mutable_committed());
  PenceToProto(a.available_pence, out->mutable_available());
  out->set_summary(payments::Summary(a));
  service::ToTimestamp(absl::ToUnixMicros(absl::Now()), out->mutable_as_of());
}

}  // namespace dp::agreements_service
