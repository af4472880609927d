#include "agreements/store.h"

#include <algorithm>
#include <cstdio>

#include "base/check.h"
#include "base/strings.h"
#include "db/sql.h"

namespace dp::agreements {
namespace {

// Text arrays are read joined by the ASCII unit separator, which no
// validated field contains (libpqxx 6.4 has no array reader).
std::string Joined(std::string_view column) {
  return dp::StrCat("array_to_string(", column, ", chr(31))");
}

std::vector<std::string> Split(const pqxx::field& f) {
  std::vector<std::string> out;
  const std::string text = f.as<std::string>();
  if (text.empty()) return out;
  size_t begin = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == '\x1f') {
      out.push_back(text.substr(begin, i - begin));
      begin = i + 1;
    }
  }
  return out;
}

absl::CivilDay DayOf(const pqxx::field& f) { return *ParseDay(f.as<std::string>()); }

std::optional<absl::CivilDay> OptionalDay(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return DayOf(f);
}

std::string OptionalDayLiteral(pqxx::transaction_base& tx,
                               const std::optional<absl::CivilDay>& day) {
  return day ? tx.quote(DayText(*day)) + "::date" : "NULL";
}

const std::string& HeaderColumns() {
  static const std::string columns = dp::StrCat(
      "id, authority_id, person_id, manager_kind, coalesce(manager_person_id, 0),"
      " coalesce(manager_organisation_id, ''), status, status_reason, required_level,"
      " approved_level, ", db::MicrosOf("submitted_at"), ", panel_wait_exceeded, payable_from,"
      " coalesce(holding_account_id, 0), ", db::MicrosOf("created_at"));
  return columns;
}

Header HeaderFromRow(const pqxx::row& r) {
  Header h;
  h.id = r[0].as<int64_t>();
  h.authority_id = r[1].as<std::string>();
  h.person_id = r[2].as<int64_t>();
  h.manager.kind = r[3].as<std::string>();
  h.manager.person_id = r[4].as<int64_t>();
  h.manager.organisation_id = r[5].as<std::string>();
  h.status = *ParseStatus(r[6].as<std::string>());
  h.status_reason = r[7].as<std::string>();
  h.required_level = r[8].as<std::string>();
  h.approved_level = r[9].as<std::string>();
  if (!r[10].is_null()) h.submitted_at_us = r[10].as<int64_t>();
  h.panel_wait_exceeded = r[11].as<bool>();
  h.payable_from = OptionalDay(r[12]);
  h.holding_account_id = r[13].as<int64_t>();
  h.created_at_us = r[14].as<int64_t>();
  return h;
}

PaidPeriod PaidFromRow(const pqxx::row& r) {
  PaidPeriod p;
  p.agreement_id = r[0].as<int64_t>();
  p.payment.period_start = DayOf(r[1]);
  p.payment.period_end = DayOf(r[2]);
  p.payment.due = DayOf(r[3]);
  p.payment.amount_pence = r[4].as<int64_t>();
  p.payment.pro_rated = r[5].as<bool>();
  p.payment.version = r[6].as<int>();
  p.run_id = r[7].as<int64_t>();
  p.transaction_id = r[8].as<int64_t>();
  return p;
}

constexpr const char* kPaymentColumns =
    "agreement_id, period_start, period_end, due_date, amount_pence, pro_rated, version,"
    " run_id, transaction_id";

// SelectPayments reads payment rows by one id: `where` is the condition
// on $1 and the order.
std::vector<PaidPeriod> SelectPayments(pqxx::transaction_base& tx, std::string_view where,
                                       int64_t id) {
  std::vector<PaidPeriod> out;
  for (const auto& row : tx.exec_params(
           dp::StrCat("SELECT ", kPaymentColumns, " FROM agreements.payments WHERE ", where),
           id)) {
    out.push_back(PaidFromRow(row));
  }
  return out;
}

}  // namespace

std::string DayText(absl::CivilDay day) { return absl::FormatCivilTime(day); }

absl::StatusOr<absl::CivilDay> ParseDay(std::string_view text) {
  int y = 0, m = 0, d = 0;
  char tail = 0;
  const std::string s(text);
  if (s.size() != 10 || std::sscanf(s.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3) {
    return absl::InvalidArgumentError(dp::StrCat("\"", s, "\" is not a date (YYYY-MM-DD)"));
  }
  const absl::CivilDay day(y, m, d);
  if (day.year() != y || day.month() != m || day.day() != d) {
    return absl::InvalidArgumentError(dp::StrCat("\"", s, "\" is not a calendar date"));
  }
  return day;
}

std::optional<Status> ParseStatus(std::string_view name) {
  for (Status s : {Status::kDraft, Status::kAwaitingApproval, Status::kApproved, Status::kActive,
                   Status::kSuspended, Status::kTerminated}) {
    if (StatusName(s) == name) return s;
  }
  return std::nullopt;
}

void InsertSettings(pqxx::work& tx, const Settings& s, const std::string& created_by) {
  tx.exec_params(
      dp::StrCat("INSERT INTO agreements.authority_settings (authority_id, effective_from,"
                 " worker_limit_pence, manager_limit_pence, panel_max_wait_days,"
                 " payment_frequency, cycle_anchor, contingency_weeks, surplus_threshold_weeks,"
                 " blocked_card_categories, funding_account_id, created_by,"
                 " max_additional_cardholders) VALUES"
                 " ($1, $2::date, $3, $4, $5, $6, $7::date, $8, $9, ",
                 db::QuotedArray(tx, s.blocked_card_categories), "::text[], $10, $11, $12)"),
      s.authority_id, DayText(s.effective_from), s.limits.worker_max_pence,
      s.limits.manager_max_pence, s.panel_max_wait_days, std::string(FrequencyName(s.frequency)),
      DayText(s.cycle_anchor), s.contingency_weeks, s.surplus_threshold_weeks,
      s.funding_account_id, created_by, s.max_additional_cardholders);
}

absl::StatusOr<Settings> SettingsInForce(pqxx::transaction_base& tx,
                                         const std::string& authority_id, absl::CivilDay day) {
  const pqxx::result r = tx.exec_params(
      dp::StrCat("SELECT effective_from, worker_limit_pence, manager_limit_pence,"
                 " panel_max_wait_days, payment_frequency, cycle_anchor, contingency_weeks,"
                 " surplus_threshold_weeks, ", Joined("blocked_card_categories"),
                 ", funding_account_id, max_additional_cardholders FROM agreements.authority_settings"
                 " WHERE authority_id = $1 AND effective_from <= $2::date"
                 " ORDER BY effective_from DESC LIMIT 1"),
      authority_id, DayText(day));
  if (r.empty()) {
    return absl::FailedPreconditionError(dp::StrCat(
        "authority ", authority_id, " has no direct payment settings in force on ", DayText(day),
        "; an officer sets them with `dpctl agreements settings set`"));
  }
  Settings s;
  s.authority_id = authority_id;
  s.effective_from = DayOf(r[0][0]);
  s.limits.worker_max_pence = r[0][1].as<int64_t>();
  s.limits.manager_max_pence = r[0][2].as<int64_t>();
  s.panel_max_wait_days = r[0][3].as<int>();
  s.frequency = *ParseFrequency(r[0][4].as<std::string>());
  s.cycle_anchor = DayOf(r[0][5]);
  s.contingency_weeks = r[0][6].as<int>();
  s.surplus_threshold_weeks = r[0][7].as<int>();
  s.blocked_card_categories = Split(r[0][8]);
  s.funding_account_id = r[0][9].as<int64_t>();
  s.max_additional_cardholders = r[0][10].as<int>();
  return s;
}

int64_t InsertHeader(pqxx::work& tx, const Header& h) {
  return tx
      .exec_params1(
          "INSERT INTO agreements.agreements (authority_id, person_id, manager_kind,"
          " manager_person_id, manager_organisation_id, status, status_reason)"
          " VALUES ($1, $2, $3, nullif($4, 0), nullif($5, ''), $6, $7) RETURNING id",
          h.authority_id, h.person_id, h.manager.kind, h.manager.person_id,
          h.manager.organisation_id, std::string(StatusName(h.status)), h.status_reason)[0]
      .as<int64_t>();
}

absl::StatusOr<Header> GetHeader(pqxx::transaction_base& tx, int64_t id, bool for_update) {
  const pqxx::result r =
      tx.exec_params(dp::StrCat("SELECT ", HeaderColumns(), " FROM agreements.agreements"
                                " WHERE id = $1", for_update ? " FOR UPDATE" : ""),
                     id);
  if (r.empty()) return absl::NotFoundError(dp::StrCat("agreement ", id, " does not exist"));
  return HeaderFromRow(r[0]);
}

void UpdateHeader(pqxx::work& tx, const Header& h) {
  tx.exec_params(
      dp::StrCat("UPDATE agreements.agreements SET status = $2, status_reason = $3,"
                 " required_level = $4, approved_level = $5,"
                 " submitted_at = CASE WHEN $6 THEN now() WHEN $7 THEN NULL ELSE submitted_at END,"
                 " panel_wait_exceeded = $8, payable_from = ",
                 OptionalDayLiteral(tx, h.payable_from),
                 ", holding_account_id = nullif($9, 0) WHERE id = $1"),
      h.id, std::string(StatusName(h.status)), h.status_reason, h.required_level,
      h.approved_level, h.status == Status::kAwaitingApproval && !h.submitted_at_us,
      h.status == Status::kDraft, h.panel_wait_exceeded, h.holding_account_id);
}

std::vector<Header> ListHeaders(pqxx::transaction_base& tx, const HeaderQuery& q) {
  std::string where = dp::StrCat("id > ", q.after_id);
  if (!q.authority_id.empty()) dp::StrAppend(&where, " AND authority_id = ", tx.quote(q.authority_id));
  if (q.status) dp::StrAppend(&where, " AND status = ", tx.quote(std::string(StatusName(*q.status))));
  if (q.scoped) {
    dp::StrAppend(&where, " AND (authority_id = ANY(", db::QuotedArray(tx, q.authorities),
                  "::text[]) OR id = ANY(", db::QuotedArray(tx, q.agreement_ids),
                  "::bigint[]))");
  }
  std::vector<Header> out;
  for (const auto& row : tx.exec(dp::StrCat("SELECT ", HeaderColumns(),
                                            " FROM agreements.agreements WHERE ", where,
                                            " ORDER BY id LIMIT ", q.page_size))) {
    out.push_back(HeaderFromRow(row));
  }
  return out;
}

AuthoritySummary SummariseAuthority(pqxx::transaction_base& tx, const std::string& authority_id,
                                    int max_awaiting, absl::CivilDay payments_on) {
  AuthoritySummary out;
  for (const auto& r : tx.exec_params("SELECT status, count(*) FROM agreements.agreements"
                                      " WHERE authority_id = $1 GROUP BY status",
                                      authority_id)) {
    out.counts.emplace_back(*ParseStatus(r[0].as<std::string>()), r[1].as<int64_t>());
  }
  std::sort(out.counts.begin(), out.counts.end());
  for (const auto& r : tx.exec_params(
           dp::StrCat("SELECT ", HeaderColumns(), " FROM agreements.agreements WHERE authority_id = $1"
                      " AND status = 'awaiting_approval' ORDER BY submitted_at, id LIMIT $2"),
           authority_id, max_awaiting)) {
    out.awaiting.push_back(HeaderFromRow(r));
  }
  const auto paid = tx.exec_params1(
      "SELECT (SELECT count(*) FROM agreements.payment_runs WHERE authority_id = $1"
      "        AND run_date = $2::date),"
      " count(p.*), coalesce(sum(p.amount_pence), 0)::bigint"
      " FROM agreements.payment_runs r JOIN agreements.payments p ON p.run_id = r.id"
      " WHERE r.authority_id = $1 AND r.run_date = $2::date",
      authority_id, absl::FormatCivilTime(payments_on));
  out.schedule_runs = paid[0].as<int>();
  out.paid_in_payments = paid[1].as<int>();
  out.paid_in_pence = paid[2].as<int64_t>();
  DP_CHECK(out.paid_in_pence >= 0);
  return out;
}

std::vector<int64_t> ActiveAgreementIds(pqxx::transaction_base& tx,
                                        const std::string& authority_id) {
  std::vector<int64_t> ids;
  for (const auto& row : tx.exec_params("SELECT id FROM agreements.agreements"
                                        " WHERE authority_id = $1 AND status = 'active'"
                                        " ORDER BY id",
                                        authority_id)) {
    ids.push_back(row[0].as<int64_t>());
  }
  return ids;
}

void InsertVersion(pqxx::work& tx, int64_t agreement_id, const VersionRecord& v) {
  const Terms& t = v.version.terms;
  tx.exec_params(
      dp::StrCat(
          "INSERT INTO agreements.versions (agreement_id, version, effective_from, model_version,"
          " personal_outcomes, permitted_uses, excluded_uses, gross_budget_pence,"
          " contribution_pence, pay_gross, start_date, review_date, end_date, payment_frequency,"
          " contingency_weeks, surplus_threshold_weeks, payment_method, reason, created_by)"
          " VALUES ($1, $2, $3::date, $4, ",
          db::QuotedArray(tx, v.personal_outcomes), "::text[], ",
          db::QuotedArray(tx, t.permitted_uses), "::text[], ",
          db::QuotedArray(tx, v.excluded_uses), "::text[], $5, $6, $7, $8::date, ",
          OptionalDayLiteral(tx, v.review_date), ", ", OptionalDayLiteral(tx, t.end),
          ", $9, $10, $11, $12, $13, $14)"),
      agreement_id, v.version.version, DayText(v.version.effective_from), v.model_version,
      t.gross_budget_per_period_pence, t.contribution_per_period_pence, t.pay_gross,
      DayText(t.start), std::string(FrequencyName(t.frequency)), v.contingency_weeks,
      v.surplus_threshold_weeks, v.payment_method, v.reason, v.created_by);
}

std::vector<VersionRecord> Versions(pqxx::transaction_base& tx, int64_t agreement_id) {
  std::vector<VersionRecord> out;
  const pqxx::result r = tx.exec_params(
      dp::StrCat("SELECT version, effective_from, model_version, ", Joined("personal_outcomes"),
                 ", ", Joined("permitted_uses"), ", ", Joined("excluded_uses"),
                 ", gross_budget_pence, contribution_pence, pay_gross, start_date, review_date,"
                 " end_date, payment_frequency, contingency_weeks, surplus_threshold_weeks,"
                 " payment_method, reason, created_by, ", db::MicrosOf("created_at"),
                 " FROM agreements.versions WHERE agreement_id = $1 ORDER BY version"),
      agreement_id);
  for (const auto& row : r) {
    VersionRecord v;
    v.version.version = row[0].as<int>();
    v.version.effective_from = DayOf(row[1]);
    v.model_version = row[2].as<std::string>();
    v.personal_outcomes = Split(row[3]);
    v.version.terms.permitted_uses = Split(row[4]);
    v.excluded_uses = Split(row[5]);
    v.version.terms.gross_budget_per_period_pence = row[6].as<int64_t>();
    v.version.terms.contribution_per_period_pence = row[7].as<int64_t>();
    v.version.terms.pay_gross = row[8].as<bool>();
    v.version.terms.start = DayOf(row[9]);
    v.review_date = OptionalDay(row[10]);
    v.version.terms.end = OptionalDay(row[11]);
    v.version.terms.frequency = *ParseFrequency(row[12].as<std::string>());
    v.contingency_weeks = row[13].as<int>();
    v.surplus_threshold_weeks = row[14].as<int>();
    v.payment_method = row[15].as<std::string>();
    v.reason = row[16].as<std::string>();
    v.created_by = row[17].as<std::string>();
    v.created_at_us = row[18].as<int64_t>();
    out.push_back(std::move(v));
  }
  return out;
}

void InsertDecision(pqxx::work& tx, const DecisionRecord& d) {
  tx.exec_params(
      "INSERT INTO agreements.decisions (agreement_id, kind, decided_by, approval_level, reason,"
      " summary, panel_wait_exceeded) VALUES ($1, $2, $3, $4, $5, $6, $7)",
      d.agreement_id, d.kind, d.decided_by, d.approval_level, d.reason, d.summary,
      d.panel_wait_exceeded);
}

std::vector<DecisionRecord> Decisions(pqxx::transaction_base& tx, int64_t agreement_id) {
  std::vector<DecisionRecord> out;
  for (const auto& row : tx.exec_params(
           dp::StrCat("SELECT id, kind, decided_by, approval_level, reason, summary,"
                      " panel_wait_exceeded, ", db::MicrosOf("decided_at"),
                      " FROM agreements.decisions WHERE agreement_id = $1 ORDER BY id"),
           agreement_id)) {
    DecisionRecord d;
    d.id = row[0].as<int64_t>();
    d.agreement_id = agreement_id;
    d.kind = row[1].as<std::string>();
    d.decided_by = row[2].as<std::string>();
    d.approval_level = row[3].as<std::string>();
    d.reason = row[4].as<std::string>();
    d.summary = row[5].as<std::string>();
    d.panel_wait_exceeded = row[6].as<bool>();
    d.decided_at_us = row[7].as<int64_t>();
    out.push_back(std::move(d));
  }
  return out;
}

int64_t InsertRun(pqxx::work& tx, const std::string& authority_id, absl::CivilDay run_date,
                  int agreements_considered, const std::string& created_by) {
  return tx
      .exec_params1("INSERT INTO agreements.payment_runs (authority_id, run_date,"
                    " agreements_considered, created_by) VALUES ($1, $2::date, $3, $4)"
                    " RETURNING id",
                    authority_id, DayText(run_date), agreements_considered, created_by)[0]
      .as<int64_t>();
}

absl::StatusOr<RunRecord> GetRun(pqxx::transaction_base& tx, int64_t run_id) {
  const pqxx::result r = tx.exec_params(
      "SELECT authority_id, run_date, agreements_considered FROM agreements.payment_runs"
      " WHERE id = $1",
      run_id);
  if (r.empty()) return absl::NotFoundError(dp::StrCat("payment run ", run_id, " does not exist"));
  return RunRecord{run_id, r[0][0].as<std::string>(), DayOf(r[0][1]), r[0][2].as<int>()};
}

void InsertPayment(pqxx::work& tx, const PaidPeriod& p) {
  tx.exec_params(dp::StrCat("INSERT INTO agreements.payments (", kPaymentColumns,
                            ") VALUES ($1, $2::date, $3::date, $4::date, $5, $6, $7, $8, $9)"),
                 p.agreement_id, DayText(p.payment.period_start), DayText(p.payment.period_end),
                 DayText(p.payment.due), p.payment.amount_pence, p.payment.pro_rated,
                 p.payment.version, p.run_id, p.transaction_id);
}

std::vector<PaidPeriod> PaymentsOfAgreement(pqxx::transaction_base& tx, int64_t agreement_id) {
  return SelectPayments(tx, "agreement_id = $1 ORDER BY period_start", agreement_id);
}

std::vector<PaidPeriod> PaymentsOfRun(pqxx::transaction_base& tx, int64_t run_id) {
  return SelectPayments(tx, "run_id = $1 ORDER BY agreement_id, period_start", run_id);
}

void InsertTermination(pqxx::work& tx, const TerminationRecord& t) {
  tx.exec_params("INSERT INTO agreements.terminations (agreement_id, end_date, notice_pay_pence,"
                 " holiday_pay_pence) VALUES ($1, $2::date, $3, $4)",
                 t.agreement_id, DayText(t.end_date), t.notice_pay_pence, t.holiday_pay_pence);
}

absl::StatusOr<TerminationRecord> GetTermination(pqxx::transaction_base& tx, int64_t agreement_id,
                                                 bool for_update) {
  const pqxx::result r = tx.exec_params(
      dp::StrCat("SELECT end_date, notice_pay_pence, holiday_pay_pence, recovered_pence,"
                 " coalesce(recovery_transaction_id, 0) FROM agreements.terminations"
                 " WHERE agreement_id = $1", for_update ? " FOR UPDATE" : ""),
      agreement_id);
  if (r.empty()) {
    return absl::FailedPreconditionError(
        dp::StrCat("agreement ", agreement_id, " has not been terminated"));
  }
  TerminationRecord t;
  t.agreement_id = agreement_id;
  t.end_date = DayOf(r[0][0]);
  t.notice_pay_pence = r[0][1].as<int64_t>();
  t.holiday_pay_pence = r[0][2].as<int64_t>();
  if (!r[0][3].is_null()) t.recovered_pence = r[0][3].as<int64_t>();
  t.recovery_transaction_id = r[0][4].as<int64_t>();
  return t;
}

void ConfirmTerminationRecovery(pqxx::work& tx, int64_t agreement_id, int64_t recovered_pence,
                                int64_t transaction_id, const std::string& confirmed_by) {
  tx.exec_params("UPDATE agreements.terminations SET recovered_pence = $2,"
                 " recovery_transaction_id = $3, confirmed_by = $4, confirmed_at = now()"
                 " WHERE agreement_id = $1",
                 agreement_id, recovered_pence, transaction_id, confirmed_by);
}

}  // namespace dp::agreements
