#include "monitoring/reports/gather.h"

#include <map>

#include "audit/head.h"
#include "base/strings.h"

namespace dp::monitoring::reports {
namespace {

// The period's bounds as SQL over the query's parameters $2 (from), $3
// (to, inclusive) and $4 (as_of): a row counts when stamped within the
// period, on UK days, and no later than the instant.
std::string Within(std::string_view column) {
  return dp::StrCat(column, " >= ($2::date)::timestamp AT TIME ZONE 'Europe/London' AND ", column,
                    " < ($3::date + 1)::timestamp AT TIME ZONE 'Europe/London' AND ", column,
                    " <= $4::timestamptz");
}

std::string StatusOf(const std::string& kind) {
  static const std::map<std::string, std::string> kStatus = {
      {"created", "draft"},     {"returned", "draft"},       {"submitted", "awaiting_approval"},
      {"approved", "approved"}, {"activated", "active"},     {"resumed", "active"},
      {"suspended", "suspended"}, {"terminated", "terminated"}};
  const auto it = kStatus.find(kind);
  return it == kStatus.end() ? "unknown" : it->second;
}

Table Query(pqxx::transaction_base& tx, std::string name, std::vector<std::string> columns,
            const std::string& sql, const Params& p, const std::string& as_of) {
  Table t{std::move(name), std::move(columns), {}};
  for (const auto& r : tx.exec_params(sql, p.authority_id, absl::FormatCivilTime(p.from),
                                      absl::FormatCivilTime(p.to), as_of)) {
    std::vector<std::string> row;
    for (const auto& field : r) row.push_back(field.as<std::string>(""));
    t.rows.push_back(std::move(row));
  }
  return t;
}

int64_t Sum(const Table& t, size_t column) {
  int64_t total = 0;
  for (const auto& row : t.rows) total += std::stoll(row[column]);
  return total;
}

}  // namespace

absl::StatusOr<Report> Gather(pqxx::transaction_base& tx, const Params& p) {
  Report report;
  report.params = p;
  const std::string as_of = Rfc3339Micros(p.as_of_us);
  // The monitoring role plans its per-agreement statements once, generically
  // (deploy/roles/roles.sql); a report's few large ones are planned for
  // their own period and authority.
  tx.exec("SET LOCAL plan_cache_mode = auto");

  // The audit trail's head at the instant: each lane's last event by then.
  std::vector<audit::LaneHead> heads;
  for (const auto& r : tx.exec_params(
           "SELECT l.lane, e.seq, e.hash FROM audit.lanes l CROSS JOIN LATERAL"
           " (SELECT seq, hash FROM audit.events WHERE lane = l.lane AND at <= $1::timestamptz"
           "  ORDER BY seq DESC LIMIT 1) e ORDER BY l.lane",
           as_of)) {
    heads.push_back({r[0].as<int>(), r[1].as<int64_t>(), r[2].as<std::string>()});
  }
  report.audit_head = audit::FormatHead(heads);

  const std::string within_postings = Within("p.posted_at");
  Table agreements = Query(
      tx, "agreements",
      {"agreement_id", "status", "paid_in_pence", "paid_out_pence", "recovered_pence", "other_in_pence"},
      dp::StrCat(
          "WITH funding AS (SELECT id FROM ledger.accounts WHERE code = $1 || ':DP-FUNDING'),"
          " moves AS (SELECT ac.owner_id::bigint AS agreement_id, p.amount_pence,"
          "  EXISTS (SELECT 1 FROM ledger.postings q WHERE q.transaction_id = p.transaction_id"
          "   AND q.account_id IN (SELECT id FROM funding)) AS funded"
          "  FROM ledger.accounts ac JOIN ledger.postings p ON p.account_id = ac.id"
          "  WHERE ac.owner_type = 'agreement' AND ac.authority_id = $1 AND ac.type = 'asset' AND ",
          within_postings, ")"
          " SELECT g.id,"
          " (SELECT d.kind FROM agreements.decisions d WHERE d.agreement_id = g.id"
          "   AND d.decided_at <= $4::timestamptz AND d.kind IN ('created', 'submitted', 'returned',"
          "   'approved', 'activated', 'suspended', 'resumed', 'terminated')"
          "   ORDER BY d.decided_at DESC, d.id DESC LIMIT 1),"
          " coalesce(sum(m.amount_pence) FILTER (WHERE m.amount_pence > 0 AND m.funded), 0),"
          " coalesce(-sum(m.amount_pence) FILTER (WHERE m.amount_pence < 0 AND NOT m.funded), 0),"
          " coalesce(-sum(m.amount_pence) FILTER (WHERE m.amount_pence < 0 AND m.funded), 0),"
          " coalesce(sum(m.amount_pence) FILTER (WHERE m.amount_pence > 0 AND NOT m.funded), 0)"
          " FROM agreements.agreements g LEFT JOIN moves m ON m.agreement_id = g.id"
          " WHERE g.authority_id = $1 AND g.created_at <= $4::timestamptz"
          " GROUP BY g.id ORDER BY g.id"),
      p, as_of);
  for (auto& row : agreements.rows) row[1] = StatusOf(row[1]);

  Table spending = Query(
      tx, "spending_by_category", {"category", "payments", "amount_pence"},
      dp::StrCat(
          "SELECT CASE WHEN s.mcc IS NOT NULL THEN 'card ' || s.mcc"
          "  WHEN ac.code LIKE '%:COST' THEN 'PA payroll' ELSE 'other ' || t.kind END AS category,"
          " count(*), sum(p.amount_pence)"
          " FROM ledger.accounts ac JOIN ledger.postings p ON p.account_id = ac.id"
          " JOIN ledger.transactions t ON t.id = p.transaction_id"
          " LEFT JOIN LATERAL (SELECT coalesce(nullif(s.merchant_category, ''),"
          "   (SELECT z.merchant_category FROM cards.authorisations z WHERE z.id = s.authorisation_id))"
          "   AS mcc FROM cards.settlements s WHERE s.transaction_id = t.id LIMIT 1) s ON true"
          " WHERE ac.owner_type = 'agreement' AND ac.authority_id = $1 AND ac.type = 'expense'"
          " AND p.amount_pence > 0 AND ",
          within_postings, " GROUP BY 1 ORDER BY 1"),
      p, as_of);

  const std::string outcome_then =
      "CASE WHEN f.closed_at IS NOT NULL AND f.closed_at <= $4::timestamptz THEN f.outcome ELSE 'open' END";
  Table surpluses = Query(
      tx, "surpluses",
      {"finding_id", "agreement_id", "found_on", "found_pence", "outcome", "recovered_in_case_pence"},
      dp::StrCat("SELECT f.id, f.agreement_id, ((f.opened_at AT TIME ZONE 'Europe/London')::date)::text,"
                 " f.amount_pence, ", outcome_then, ","
                 " coalesce((SELECT sum(e.amount_pence) FROM monitoring.case_events e"
                 "  WHERE e.case_id = f.case_id AND e.decision = 'recover'"
                 "  AND e.created_at <= $4::timestamptz), 0)"
                 " FROM monitoring.findings f WHERE f.authority_id = $1 AND f.check_name = 'surplus'"
                 " AND ", Within("f.opened_at"), " ORDER BY f.id"),
      p, as_of);

  Table findings = Query(
      tx, "findings",
      {"check", "opened", "open", "no_action", "plan_agreed", "recovered", "suspended"},
      dp::StrCat("SELECT f.check_name, count(*),",
                 " count(*) FILTER (WHERE ", outcome_then, " = 'open'),",
                 " count(*) FILTER (WHERE ", outcome_then, " = 'no_action'),",
                 " count(*) FILTER (WHERE ", outcome_then, " = 'plan_agreed'),",
                 " count(*) FILTER (WHERE ", outcome_then, " = 'recovered'),",
                 " count(*) FILTER (WHERE ", outcome_then, " = 'suspended')",
                 " FROM monitoring.findings f WHERE f.authority_id = $1 AND ",
                 Within("f.opened_at"), " GROUP BY 1 ORDER BY 1"),
      p, as_of);

  Table by_month = Query(
      tx, "findings_by_month", {"month", "opened"},
      dp::StrCat("SELECT to_char(f.opened_at AT TIME ZONE 'Europe/London', 'YYYY-MM'), count(*)"
                 " FROM monitoring.findings f WHERE f.authority_id = $1 AND ",
                 Within("f.opened_at"), " GROUP BY 1 ORDER BY 1"),
      p, as_of);

  Table reviews = Query(
      tx, "reviews", {"agreement_id", "tier", "next_review_due", "last_review_on", "kept"},
      "SELECT g.id, t.tier, t.next_review_due::text,"
      " coalesce((SELECT ((max(e.created_at) AT TIME ZONE 'Europe/London')::date)::text"
      "  FROM monitoring.cases k JOIN monitoring.case_events e ON e.case_id = k.id"
      "  WHERE k.agreement_id = g.id AND e.decision IS NOT NULL AND e.created_at <= $4::timestamptz), ''),"
      " CASE WHEN t.next_review_due < least($3::date,"
      "   ($4::timestamptz AT TIME ZONE 'Europe/London')::date) THEN 'missed' ELSE 'on time' END"
      " FROM agreements.agreements g CROSS JOIN LATERAL (SELECT tier, next_review_due"
      "  FROM monitoring.tiers WHERE agreement_id = g.id AND decided_at <= $4::timestamptz"
      "  ORDER BY id DESC LIMIT 1) t"
      " WHERE g.authority_id = $1 AND $2::date <= $3::date ORDER BY g.id",
      p, as_of);

  Table sample{"sample", {"transaction_id", "posted_at", "kind", "amount_pence", "description"}, {}};
  for (const auto& r : tx.exec_params(
           dp::StrCat("SELECT t.id, to_char(t.posted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'),"
                      " t.kind, (SELECT sum(q.amount_pence) FROM ledger.postings q"
                      "  WHERE q.transaction_id = t.id AND q.amount_pence > 0), t.description"
                      " FROM ledger.transactions t WHERE t.id IN (SELECT p.transaction_id"
                      "  FROM ledger.accounts ac JOIN ledger.postings p ON p.account_id = ac.id"
                      "  WHERE ac.owner_type = 'agreement' AND ac.authority_id = $1 AND ",
                      within_postings, ")"
                      " ORDER BY md5($5::text || ':' || t.id::text), t.id LIMIT $6"),
           p.authority_id, absl::FormatCivilTime(p.from), absl::FormatCivilTime(p.to), as_of,
           std::to_string(p.seed), p.sample_size)) {
    std::vector<std::string> row;
    for (const auto& field : r) row.push_back(field.as<std::string>(""));
    sample.rows.push_back(std::move(row));
  }

  int active = 0, missed = 0, agreed = 0, recovered_findings = 0;
  for (const auto& row : agreements.rows) active += row[1] == "active" ? 1 : 0;
  for (const auto& row : reviews.rows) missed += row[4] == "missed" ? 1 : 0;
  for (const auto& row : surpluses.rows) {
    agreed += row[4] == "plan_agreed" ? 1 : 0;
    recovered_findings += row[4] == "recovered" ? 1 : 0;
  }
  Table totals{"totals", {"measure", "value"}, {}};
  auto total = [&](std::string name, int64_t value) {
    totals.rows.push_back({std::move(name), std::to_string(value)});
  };
  total("agreements", static_cast<int64_t>(agreements.rows.size()));
  total("active_at_as_of", active);
  total("paid_in_pence", Sum(agreements, 2));
  total("paid_out_pence", Sum(agreements, 3));
  total("recovered_pence", Sum(agreements, 4));
  total("card_and_payroll_spending_pence", Sum(spending, 2));
  total("surpluses_found", static_cast<int64_t>(surpluses.rows.size()));
  total("surplus_found_pence", Sum(surpluses, 3));
  total("surpluses_with_a_plan", agreed);
  total("surpluses_recovered", recovered_findings);
  total("findings_opened", Sum(findings, 1));
  total("reviews_missed", missed);
  total("sample_transactions", static_cast<int64_t>(sample.rows.size()));

  report.tables = {std::move(totals), std::move(agreements), std::move(spending),
                   std::move(surpluses), std::move(findings), std::move(by_month),
                   std::move(reviews), std::move(sample)};
  return report;
}

}  // namespace dp::monitoring::reports
