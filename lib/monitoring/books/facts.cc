#include "monitoring/books/facts.h"

#include <algorithm>
#include <set>

#include "agreements/store.h"
#include "agreements/workflow.h"
#include "base/strings.h"
#include "monitoring/books/store.h"
#include "db/sql.h"
#include "ledger/rules.h"
#include "ledger/store.h"
#include "monitoring/books/bank.h"

namespace dp::monitoring {
namespace {

using agreements::DayText;

// AccrualsOf reads what each posted pay run made owing to HMRC and to the
// pension scheme (the credits of the run's transaction to the employers'
// two liability accounts), oldest first, in one statement.
void AccrualsOf(pqxx::transaction_base& tx, int64_t agreement_id, std::vector<Accrual>* hmrc,
                std::vector<Accrual>* pension) {
  for (const auto& r : db::Prepared(
           tx, "monitoring.facts.accruals",
           "SELECT r.payment_date::text, r.transaction_id,"
           " -coalesce(sum(p.amount_pence) FILTER (WHERE p.account_id = e.hmrc_account_id), 0),"
           " -coalesce(sum(p.amount_pence) FILTER (WHERE p.account_id = e.pension_account_id), 0)"
           " FROM payroll.pay_runs r JOIN payroll.employers e ON e.id = r.employer_id"
           " JOIN ledger.postings p ON p.transaction_id = r.transaction_id"
           "  AND p.account_id IN (e.hmrc_account_id, e.pension_account_id)"
           " WHERE e.agreement_id = $1 AND r.status = 'posted'"
           " GROUP BY r.id, r.payment_date, r.transaction_id ORDER BY r.payment_date, r.id",
           agreement_id)) {
    const absl::CivilDay day = DayOf(r[0]);
    const int64_t txn = r[1].as<int64_t>();
    if (r[2].as<int64_t>() > 0) hmrc->push_back({day, r[2].as<int64_t>(), txn});
    if (r[3].as<int64_t>() > 0) pension->push_back({day, r[3].as<int64_t>(), txn});
  }
}

}  // namespace

// MarkSql is the activity mark of the agreement whose id is `id` (an SQL
// expression): the latest posting on its accounts, card decision, record
// entry and case event.
std::string MarkSql(std::string_view id) {
  // The ledger's part: every posting adds to an account's posted totals and
  // every hold moves its pending ones, so the two sums over the agreement's
  // accounts change with any money that moves. Read from one balance row
  // per account, not from the postings.
  return dp::StrCat(
      "concat_ws(':',"
      " (SELECT sum(b.debits_posted + b.credits_posted) || '/' || sum(b.debits_pending + b.credits_pending)"
      "   FROM ledger.accounts ac JOIN ledger.balances b ON b.account_id = ac.id"
      "   WHERE ac.owner_type = 'agreement' AND ac.owner_id = (", id, ")::text),"
      " (SELECT max((SELECT max(z.decided_at) FROM cards.authorisations z WHERE z.card_id = c.id))"
      "   FROM cards.cards c WHERE c.agreement_id = ", id, "),"
      " (SELECT max(d.id) FROM agreements.decisions d WHERE d.agreement_id = ", id, "),"
      " (SELECT max(e.id) FROM monitoring.cases k JOIN monitoring.case_events e"
      "   ON e.case_id = k.id WHERE k.agreement_id = ", id, "),"
      " (SELECT count(*) FROM monitoring.bank_lines l WHERE l.agreement_id = ", id, "))");
}

std::vector<Activity> ActiveAgreements(pqxx::transaction_base& tx, const std::string& authority_id,
                                       int64_t after_agreement_id, int limit) {
  std::vector<Activity> out;
  for (const auto& r : tx.exec_params(  // once a share: not worth preparing
           dp::StrCat("SELECT a.id, ", MarkSql("a.id"), " AS mark,"
                      " m.activity_mark, m.recheck_on::text"
                      " FROM agreements.agreements a LEFT JOIN monitoring.checked m"
                      " ON m.agreement_id = a.id"
                      " WHERE a.authority_id = $1 AND a.status = 'active' AND a.id > $2"
                      " ORDER BY a.id LIMIT $3"),
           authority_id, after_agreement_id, limit)) {
    Activity a;
    a.agreement_id = r[0].as<int64_t>();
    a.mark = r[1].as<std::string>("");
    a.checked_mark = r[2].as<std::string>("");
    a.recheck_on = MaybeDay(r[3]);
    out.push_back(std::move(a));
  }
  return out;
}

std::string CurrentMark(pqxx::transaction_base& tx, int64_t agreement_id) {
  return db::PreparedRow(tx, "monitoring.facts.mark", dp::StrCat("SELECT ", MarkSql("$1::bigint")), agreement_id)[0]
      .as<std::string>("");
}

int CountActive(pqxx::transaction_base& tx, const std::string& authority_id) {
  return tx.exec_params1("SELECT count(*) FROM agreements.agreements"  // once a share
                         " WHERE authority_id = $1 AND status = 'active'",
                         authority_id)[0]
      .as<int>();
}

absl::StatusOr<Facts> GatherFacts(pqxx::transaction_base& tx, const agreements::Header& agreement,
                                  absl::CivilDay today, int underspend_periods, int bank_match_days) {
  const int64_t agreement_id = agreement.id;
  const auto versions = agreements::Versions(tx, agreement_id);
  if (versions.empty()) return absl::DataLossError(dp::StrCat("agreement ", agreement_id, " has no version"));
  const agreements::VersionRecord& v = agreements::VersionInForce(versions, today);
  auto settings = agreements::SettingsInForce(tx, agreement.authority_id, today);
  if (!settings.ok()) return settings.status();

  Facts f;
  f.agreement_id = agreement_id;
  f.authority_id = agreement.authority_id;
  f.today = today;
  f.start_date = versions.front().version.terms.start;
  f.manager_kind = agreement.manager.kind;
  f.annual_cost_pence = agreements::AnnualCost(v.version.terms);
  const int64_t net = agreements::NetPerPeriod(v.version.terms);
  f.net_per_week_pence = net * agreements::PeriodsPerYear(v.version.terms.frequency) / 52;
  f.agreement_surplus_weeks =
      v.surplus_threshold_weeks > 0 ? v.surplus_threshold_weeks : settings->surplus_threshold_weeks;
  f.pay_gross = v.version.terms.pay_gross;

  // The ledger: every account the agreement owns, with its totals now (as
  // GetBalance reads them), in one statement.
  std::vector<int64_t> expense_accounts;
  for (const auto& r : db::Prepared(
           tx, "monitoring.facts.accounts",
           dp::StrCat("SELECT ac.id, ac.code, ac.type, t.* FROM ledger.accounts ac CROSS JOIN LATERAL (",
                      ledger::CurrentTotalsSelect("ac.id"),
                      " FROM ledger.balances WHERE account_id = ac.id) t"
                      " WHERE ac.owner_type = 'agreement' AND ac.owner_id = $1 ORDER BY ac.id"),
           std::to_string(agreement_id))) {
    const int64_t id = r[0].as<int64_t>();
    const std::string code = r[1].as<std::string>();
    const std::optional<ledger::AccountType> type = ledger::ParseAccountType(r[2].as<std::string>());
    if (!type) return absl::DataLossError(dp::StrCat("account ", id, " has an unknown type"));
    const ledger::BalanceTotals totals{r[3].as<int64_t>(), r[4].as<int64_t>(), r[5].as<int64_t>(),
                                       r[6].as<int64_t>()};
    const int64_t posted = ledger::PostedBalance(*type, totals);
    if (*type == ledger::AccountType::kAsset) {
      f.balance_pence += posted;
      f.held_pence += posted - ledger::AvailableBalance(*type, totals);
    } else if (*type == ledger::AccountType::kLiability) {
      // As the agreement's final position sorts them; of the others, the
      // card shortfall is told apart, anything else is owed like wages.
      int64_t* const buckets[] = {&f.wages_owed_pence, &f.hmrc_owed_pence, &f.pension_owed_pence,
                                  code.ends_with(":CARD-SHORTFALL") ? &f.shortfall_pence
                                                                    : &f.wages_owed_pence};
      *buckets[static_cast<int>(agreements::LiabilityOf(code))] += posted;
    } else if (*type == ledger::AccountType::kExpense) {
      expense_accounts.push_back(id);
    }
  }
  AccrualsOf(tx, agreement_id, &f.hmrc_accruals, &f.pension_accruals);

  // Spending: debits to the agreement's expense accounts (card purchases,
  // the PA employer's costs).
  const std::string expense_list = db::IntArrayLiteral(expense_accounts);
  {
    // Each account's latest debit, read backwards along its time index.
    const pqxx::row r = db::PreparedRow(tx, "monitoring.facts.last_spend",
        "SELECT ((max(last.posted_at)) AT TIME ZONE 'Europe/London')::date::text"
        " FROM unnest($1::bigint[]) AS a(id) CROSS JOIN LATERAL (SELECT posted_at FROM ledger.postings"
        "  WHERE account_id = a.id AND amount_pence > 0 ORDER BY posted_at DESC LIMIT 1) last",
        expense_list);
    f.last_spend_day = MaybeDay(r[0]);
  }
  // Payments in: the latest periods paid, and what was spent since the
  // first of them began.
  const auto paid = agreements::PaymentsOfAgreement(tx, agreement_id);
  const size_t n = std::min<size_t>(paid.size(), static_cast<size_t>(underspend_periods));
  if (n > 0) {
    absl::CivilDay from = paid[paid.size() - n].payment.period_start;
    for (size_t i = paid.size() - n; i < paid.size(); ++i) {
      f.paid_in_window_pence += paid[i].payment.amount_pence;
      f.payment_transactions.push_back(paid[i].transaction_id);
      from = std::min(from, paid[i].payment.period_start);
    }
    f.payments_in_window = static_cast<int>(n);
    f.spent_in_window_pence =
        db::PreparedRow(tx, "monitoring.facts.spent",
                        "SELECT coalesce(sum(amount_pence), 0) FROM ledger.postings"
                        " WHERE account_id = ANY($1::bigint[])"
                        " AND posted_at >= ($2::date)::timestamp AT TIME ZONE 'Europe/London'",
                        expense_list, DayText(from))[0]
            .as<int64_t>();
  }

  // Cards, over the last 90 days.
  const std::string since = DayText(today - 90);
  {
    const pqxx::row r = db::PreparedRow(tx, "monitoring.facts.card_decisions",
        "SELECT count(*) FILTER (WHERE z.decision = 'declined' AND z.reason = 'BLOCKED_CATEGORY'),"
        " coalesce(sum(z.approved_pence) FILTER (WHERE z.decision <> 'declined'"
        "  AND (z.channel = 'atm' OR z.merchant_category IN ('6010', '6011'))), 0)"
        " FROM cards.cards c JOIN cards.authorisations z ON z.card_id = c.id"
        " WHERE c.agreement_id = $1"
        " AND z.decided_at >= ($2::date)::timestamp AT TIME ZONE 'Europe/London'",
        agreement_id, since);
    f.blocked_declines_90d = r[0].as<int>();
    f.cash_90d_pence = r[1].as<int64_t>();
  }
  for (const auto& r : db::Prepared(tx, "monitoring.facts.force_posts",
           "SELECT coalesce(s.transaction_id, 0) FROM cards.cards c"
           " JOIN cards.settlements s ON s.card_id = c.id"
           " WHERE c.agreement_id = $1 AND s.kind = 'force_post'"
           " AND s.created_at >= ($2::date)::timestamp AT TIME ZONE 'Europe/London' ORDER BY s.created_at",
           agreement_id, since)) {
    ++f.force_posts_90d;
    if (r[0].as<int64_t>() > 0) f.force_post_transactions.push_back(r[0].as<int64_t>());
  }

  // The PAs still employed.
  for (const auto& r : db::Prepared(tx, "monitoring.facts.pas",
           // Holiday is paid at least at the normal rate: an employee with
           // no holiday rate of their own is valued at their standard rate.
           "SELECT m.id, m.start_date::text, greatest(m.holiday_rate_pence, m.standard_rate_pence),"
           " coalesce(ps.accrued, 0), coalesce(th.taken, 0), coalesce(ps.recent_gross, 0),"
           " coalesce(ps.recent_weeks, 0), coalesce(ps.slips, '')"
           " FROM payroll.employees m JOIN payroll.employers e ON e.id = m.employer_id"
           // One pass over each PA's payslips.
           " LEFT JOIN LATERAL (SELECT sum((s.detail->>'holiday_accrued_centi_hours')::bigint) AS accrued,"
           "  sum(s.gross_pence) FILTER (WHERE r.period_end > $2::date - 84) AS recent_gross,"
           "  (max(r.period_end) FILTER (WHERE r.period_end > $2::date - 84)"
           "   - min(r.period_start) FILTER (WHERE r.period_end > $2::date - 84) + 1) / 7 AS recent_weeks,"
           "  string_agg('run ' || s.run_id || ', employee ' || m.id, ';' ORDER BY s.run_id) AS slips"
           "  FROM payroll.payslips s JOIN payroll.pay_runs r ON r.id = s.run_id AND r.status = 'posted'"
           "  WHERE s.employee_id = m.id) ps ON true"
           " LEFT JOIN LATERAL (SELECT sum(x.hours_centi) AS taken FROM payroll.timesheets t"
           "  JOIN payroll.timesheet_entries x ON x.timesheet_id = t.id"
           "  WHERE t.employee_id = m.id AND NOT t.superseded AND x.rate_type = 'holiday') th ON true"
           " WHERE e.agreement_id = $1 AND (m.leave_date IS NULL OR m.leave_date >= $2::date)"
           " ORDER BY m.id",
           agreement_id, DayText(today))) {
    PaFacts pa;
    pa.employee_id = r[0].as<int64_t>();
    pa.start_date = DayOf(r[1]);
    pa.holiday_rate_pence = r[2].as<int64_t>();
    pa.holiday_accrued_centi_hours = r[3].as<int64_t>();
    pa.holiday_taken_centi_hours = r[4].as<int64_t>();
    pa.recent_gross_pence = r[5].as<int64_t>();
    pa.recent_weeks = r[6].as<int>();
    const std::string slips = r[7].as<std::string>();
    for (size_t at = 0; at < slips.size();) {
      const size_t semi = std::min(slips.find(';', at), slips.size());
      pa.payslips.push_back(slips.substr(at, semi - at));
      at = semi + 1;
    }
    f.pas.push_back(std::move(pa));
  }

  // Monitoring's own history.
  {
    const pqxx::row r = db::PreparedRow(tx, "monitoring.facts.history",
        "SELECT (SELECT count(*) FROM monitoring.findings WHERE agreement_id = $1"
        "   AND outcome IN ('plan_agreed', 'recovered', 'suspended')"
        "   AND closed_at >= now() - interval '365 days'),"
        " (SELECT ((max(e.created_at)) AT TIME ZONE 'Europe/London')::date::text"
        "   FROM monitoring.cases k JOIN monitoring.case_events e ON e.case_id = k.id"
        "   WHERE k.agreement_id = $1 AND e.decision IS NOT NULL)",
        agreement_id);
    f.earlier_findings_actioned = r[0].as<int>();
    f.last_review_day = MaybeDay(r[1]);
  }
  // Bank returns: what the statements show, and what the books expected
  // that they do not (over the dates they cover).
  {
    const pqxx::row r = db::PreparedRow(tx, "monitoring.facts.bank",
        "SELECT count(*) FILTER (WHERE blocked AND posted_on >= $2::date),"
        " coalesce(-sum(amount_pence) FILTER (WHERE blocked AND posted_on >= $2::date), 0),"
        " count(*) FILTER (WHERE category = 'wages' AND matched_kind IS NULL AND amount_pence < 0),"
        " coalesce(-sum(amount_pence) FILTER (WHERE category = 'wages' AND matched_kind IS NULL"
        "  AND amount_pence < 0), 0),"
        " min(posted_on)::text, max(posted_on)::text"
        " FROM monitoring.bank_lines WHERE agreement_id = $1",
        agreement_id, DayText(today - 90));
    f.blocked_bank_lines_90d = r[0].as<int>();
    f.blocked_bank_pence_90d = r[1].as<int64_t>();
    f.unexplained_wages_lines = r[2].as<int>();
    f.unexplained_wages_pence = r[3].as<int64_t>();
    if (!r[4].is_null()) {
      const absl::CivilDay first = DayOf(r[4]), last = DayOf(r[5]);
      const int days = bank_match_days;
      std::set<std::string> matched;
      for (const auto& m : db::Prepared(tx, "monitoring.facts.bank_matched",
                                          "SELECT matched_ref FROM monitoring.bank_lines"
                                          " WHERE agreement_id = $1 AND matched_ref IS NOT NULL",
                                          agreement_id)) {
        matched.insert(m[0].as<std::string>());
      }
      for (const Expected& e : ExpectedMovements(tx, agreement_id, first, last - days)) {
        if (matched.contains(e.ref)) continue;
        if (e.kind == "wages") {
          f.unpaid_payslips.push_back(e.ref);
          f.unpaid_wages_pence -= e.amount_pence;
        } else if (e.kind == "contribution") {
          ++f.contributions_missing;
          f.contributions_missing_pence += e.amount_pence;
        }
      }
    }
  }
  for (const auto& r : db::Prepared(tx, "monitoring.facts.information_due",
           "SELECT id, information_due::text FROM monitoring.cases WHERE agreement_id = $1"
           " AND state = 'open' AND information_due IS NOT NULL ORDER BY id",
           agreement_id)) {
    const absl::CivilDay due = DayOf(r[1]);
    if (due < today) {
      f.information_overdue.emplace_back(r[0].as<int64_t>(), due);
    } else if (!f.information_due_next || due < *f.information_due_next) {
      f.information_due_next = due;
    }
  }
  return f;
}

}  // namespace dp::monitoring
