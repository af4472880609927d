#include "payments/books/available.h"

#include "agreements/agreement.h"
#include "base/refusal.h"
#include "base/strings.h"
#include "db/sql.h"
#include "ledger/store.h"
#include "money/money.h"

namespace dp::payments {

absl::StatusOr<Available> AvailableToSpend(pqxx::transaction_base& tx,
                                           const agreements::Header& header, absl::CivilDay today) {
  int64_t balance = 0, held = 0;
  if (header.holding_account_id != 0) {
    auto b = ledger::GetBalance(tx, header.holding_account_id, std::nullopt);
    if (!b.ok()) return b.status();
    balance = b->posted_balance_pence;
    held = b->posted_balance_pence - b->available_balance_pence;
  }
  const std::string agreement = std::to_string(header.id);
  int64_t owed[4] = {};  // by agreements::LiabilityKind
  for (const auto& r : db::Prepared(tx, "payments.available.liabilities",
           "SELECT a.code, b.credits_posted - b.debits_posted FROM ledger.accounts a"
           " JOIN ledger.balances b ON b.account_id = a.id"
           " WHERE a.owner_type = 'agreement' AND a.owner_id = $1 AND a.type = 'liability'",
           agreement)) {
    owed[static_cast<int>(agreements::LiabilityOf(r[0].as<std::string>()))] += r[1].as<int64_t>();
  }
  // What a run has sent towards payroll's liabilities has left the account
  // already: it is not committed twice.
  for (const auto& r : db::Prepared(tx, "payments.available.in_flight",
           "SELECT source, sum(amount_pence) FROM payments.payments WHERE agreement_id = $1"
           " AND status = 'submitted' AND source IN ('wages', 'hmrc', 'pension') GROUP BY source",
           header.id)) {
    const std::string source = r[0].as<std::string>();
    const auto kind = source == "wages" ? agreements::LiabilityKind::kWages
                      : source == "hmrc" ? agreements::LiabilityKind::kHmrc
                                         : agreements::LiabilityKind::kPension;
    owed[static_cast<int>(kind)] -= r[1].as<int64_t>();
  }
  const pqxx::row holiday = db::PreparedRow(tx, "payments.available.holiday",
      // Holiday is paid at least at the normal rate.
      "SELECT coalesce(sum(greatest(0, coalesce(ps.accrued, 0) - coalesce(th.taken, 0))"
      "  * greatest(m.holiday_rate_pence, m.standard_rate_pence) / 100), 0)::bigint"
      " FROM payroll.employees m JOIN payroll.employers e ON e.id = m.employer_id"
      " LEFT JOIN LATERAL (SELECT sum((s.detail->>'holiday_accrued_centi_hours')::bigint) AS accrued"
      "  FROM payroll.payslips s JOIN payroll.pay_runs r ON r.id = s.run_id AND r.status = 'posted'"
      "  WHERE s.employee_id = m.id) ps ON true"
      " LEFT JOIN LATERAL (SELECT sum(x.hours_centi) AS taken FROM payroll.timesheets t"
      "  JOIN payroll.timesheet_entries x ON x.timesheet_id = t.id"
      "  WHERE t.employee_id = m.id AND NOT t.superseded AND x.rate_type = 'holiday') th ON true"
      " WHERE e.agreement_id = $1 AND (m.leave_date IS NULL OR m.leave_date >= $2::date)",
      header.id, agreements::DayText(today));
  const pqxx::row pending = db::PreparedRow(tx, "payments.available.pending",
      "SELECT (SELECT coalesce(sum(amount_pence), 0) FROM payments.payments"
      "   WHERE agreement_id = $1 AND status = 'scheduled'),"
      " (SELECT coalesce(sum(amount_pence), 0) FROM payments.invoices"
      "   WHERE agreement_id = $1 AND status = 'approved')",
      header.id);
  int64_t orders = 0;
  for (const auto& r : db::Prepared(tx, "payments.available.orders",
           "SELECT amount_pence, frequency, first_date::text, end_date::text,"
           " generated_through::text FROM payments.standing_orders"
           " WHERE agreement_id = $1 AND status = 'active'",
           header.id)) {
    StandingOrder o{r[0].as<int64_t>(), *ParseFrequency(r[1].as<std::string>()),
                    *agreements::ParseDay(r[2].as<std::string>()), std::nullopt};
    if (!r[3].is_null()) o.end = *agreements::ParseDay(r[3].as<std::string>());
    absl::CivilDay from = today;
    if (!r[4].is_null()) from = std::max(from, *agreements::ParseDay(r[4].as<std::string>()) + 1);
    orders += o.amount_pence * static_cast<int64_t>(Occurrences(o, from, today + 27).size());
  }

  std::vector<Commitment> parts;
  auto add = [&](std::string kind, std::string words, int64_t pence) {
    if (pence > 0) parts.push_back({std::move(kind), std::move(words), pence});
  };
  using K = agreements::LiabilityKind;
  add("wages", "wages earned by your PAs and not yet paid", owed[static_cast<int>(K::kWages)]);
  add("hmrc", "tax and National Insurance owed to HMRC", owed[static_cast<int>(K::kHmrc)]);
  add("pension", "pension contributions owed to the scheme", owed[static_cast<int>(K::kPension)]);
  add("other", "card purchases paid beyond the money on the card", owed[static_cast<int>(K::kOther)]);
  add("holiday", "holiday pay your PAs have earned and not yet taken", holiday[0].as<int64_t>());
  add("scheduled", "payments scheduled and not yet sent", pending[0].as<int64_t>());
  add("invoice", "invoices approved and not yet paid", pending[1].as<int64_t>());
  add("standing_order", "standing orders due in the next 28 days", orders);
  return AvailableOf(balance, held, std::move(parts));
}

std::string Summary(const Available& a) {
  std::string out = dp::StrCat(Pounds(a.available_pence), " available to spend: ",
                               Pounds(a.balance_pence), " in the account");
  if (a.held_pence != 0) dp::StrAppend(&out, ", less ", Pounds(a.held_pence), " held for card purchases");
  for (const Commitment& c : a.commitments) {
    dp::StrAppend(&out, ", less ", Pounds(c.amount_pence), " of ", c.words);
  }
  dp::StrAppend(&out, ".");
  if (a.available_pence < 0) {
    dp::StrAppend(&out, " What is committed is more than the account holds.");
  }
  return out;
}

absl::Status FundedOrOverridden(pqxx::work& tx, const agreements::Header& header,
                                int64_t amount_pence, const std::string& what,
                                const std::string& override_reason, const Actor& actor,
                                absl::CivilDay today) {
  auto available = AvailableToSpend(tx, header, today);
  if (!available.ok()) return available.status();
  const absl::Status funded = CheckFunded(*available, amount_pence);
  if (funded.ok()) return funded;
  if (override_reason.empty()) return funded;
  if (!actor.officer) {
    return Refusal(absl::StatusCode::kPermissionDenied, reason::kPermissionDenied,
                   dp::StrCat(actor.name, " may not override committed funds: only an officer may"));
  }
  if (override_reason.size() > 2000) return FieldError("override_reason", "is longer than 2000 characters");
  std::string short_of = "the money in the account";
  for (const auto& [key, value] : MetadataOf(funded)) {
    for (const Commitment& c : available->commitments) {
      if (key == "commitment" && c.kind == value) short_of = c.words;
    }
  }
  agreements::InsertDecision(
      tx, {0, header.id, "payment_override", actor.name, "", override_reason,
           dp::StrCat("An officer allowed ", what, " (", Pounds(amount_pence),
                      ") although it leaves ", short_of, " short. Available to spend was ",
                      Pounds(available->available_pence), "."),
           false, 0});
  return absl::OkStatus();
}

}  // namespace dp::payments
