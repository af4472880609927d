#include "monitoring/books/bank.h"

#include <algorithm>
#include <map>

#include "agreements/store.h"
#include "agreements/workflow.h"
#include "base/csv.h"
#include "base/refusal.h"
#include "base/sha256.h"
#include "base/strings.h"
#include "monitoring/books/store.h"
#include "db/sql.h"

namespace dp::monitoring {
namespace {

using agreements::DayText;

}  // namespace

std::vector<Expected> ExpectedMovements(pqxx::transaction_base& tx, int64_t agreement_id,
                                        absl::CivilDay from, absl::CivilDay to) {
  std::vector<Expected> out;
  // The schedule's payments in; for a gross payment, the person's
  // contribution each period as well.
  const auto versions = agreements::Versions(tx, agreement_id);
  for (const auto& paid : agreements::PaymentsOfAgreement(tx, agreement_id)) {
    const absl::CivilDay due = paid.payment.due;
    if (due < from || due > to) continue;
    out.push_back({"payment_in", dp::StrCat("payment ", DayText(paid.payment.period_start)), due,
                   paid.payment.amount_pence});
    if (!versions.empty()) {
      const auto& v = agreements::VersionInForce(versions, due);
      if (v.version.terms.pay_gross && v.version.terms.contribution_per_period_pence > 0) {
        out.push_back({"contribution", dp::StrCat("contribution ", DayText(paid.payment.period_start)),
                       due, v.version.terms.contribution_per_period_pence});
      }
    }
  }
  // Net wages, one payslip each.
  for (const auto& r : db::Prepared(tx, "monitoring.bank.wages",
           "SELECT r.payment_date::text, s.net_pence, r.id, s.employee_id FROM payroll.pay_runs r"
           " JOIN payroll.employers e ON e.id = r.employer_id JOIN payroll.payslips s ON s.run_id = r.id"
           " WHERE e.agreement_id = $1 AND r.status = 'posted' AND s.net_pence > 0"
           " AND r.payment_date BETWEEN $2::date AND $3::date ORDER BY r.payment_date, r.id, s.employee_id",
           agreement_id, DayText(from), DayText(to))) {
    out.push_back({"wages", dp::StrCat("run ", r[2].as<int64_t>(), ", employee ", r[3].as<int64_t>()),
                   DayOf(r[0]), -r[1].as<int64_t>()});
  }
  // Payments of HMRC and pension liabilities: debits to those accounts.
  for (const auto& r : db::Prepared(tx, "monitoring.bank.liabilities",
           "SELECT ((p.posted_at AT TIME ZONE 'Europe/London')::date)::text, p.amount_pence,"
           " p.transaction_id, CASE WHEN a.code LIKE '%:HMRC' THEN 'hmrc' ELSE 'pension' END"
           " FROM ledger.accounts a JOIN ledger.postings p ON p.account_id = a.id"
           " WHERE a.owner_type = 'agreement' AND a.owner_id = $1 AND a.type = 'liability'"
           " AND (a.code LIKE '%:HMRC' OR a.code LIKE '%:PENSION') AND p.amount_pence > 0"
           " AND p.posted_at >= ($2::date)::timestamp AT TIME ZONE 'Europe/London'"
           " AND p.posted_at < ($3::date + 1)::timestamp AT TIME ZONE 'Europe/London'"
           " ORDER BY p.posted_at, p.id",
           std::to_string(agreement_id), DayText(from), DayText(to))) {
    out.push_back({r[3].as<std::string>(), dp::StrCat("transaction ", r[2].as<int64_t>()), DayOf(r[0]),
                   -r[1].as<int64_t>()});
  }
  return out;
}

absl::StatusOr<BankImport> ImportBankLines(pqxx::work& tx, int64_t agreement_id,
                                           const std::string& file_name, const std::string& header,
                                           const std::vector<std::string>& lines, int first_line,
                                           const BankRules& rules, const Settings& settings,
                                           const std::string& imported_by) {
  auto agreement = agreements::GetHeader(tx, agreement_id, /*for_update=*/true);
  if (!agreement.ok()) return agreement.status();
  const auto versions = agreements::Versions(tx, agreement_id);
  if (versions.empty() || versions.back().payment_method != "bank") {
    return absl::FailedPreconditionError(dp::StrCat(
        "agreement ", agreement_id, " is paid onto a card: the card's own records are its return"));
  }
  auto parsed = ParseBankStatement(header, lines, first_line);
  if (!parsed.ok()) return FieldError("header", std::string(parsed.status().message()));
  BankImport out;
  out.problems = parsed->problems;
  out.lines = static_cast<int>(parsed->lines.size() + parsed->problems.size());
  if (parsed->lines.empty()) return out;

  // Identical lines (the same day, amount and description) are told apart by
  // the balance after them when the statement has one, else by their place.
  auto columns = SplitCsv(header);
  int balance_column = -1;
  for (size_t i = 0; columns.ok() && i < columns->size(); ++i) {
    std::string name = (*columns)[i];
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (name == "balance") balance_column = static_cast<int>(i);
  }
  std::map<std::string, int> seen;
  std::map<std::string, int64_t> by_category;
  absl::CivilDay first = parsed->lines.front().date, last = first;
  for (const BankLine& line : parsed->lines) {
    first = std::min(first, line.date);
    last = std::max(last, line.date);
    std::string balance;
    if (balance_column >= 0) {
      auto fields = SplitCsv(lines[static_cast<size_t>(line.line_no - first_line)]);
      if (fields.ok() && static_cast<int>(fields->size()) > balance_column) balance = (*fields)[balance_column];
    }
    const std::string identity = dp::StrCat(DayText(line.date), "|", line.amount_pence, "|", line.description);
    const int place = balance.empty() ? seen[identity]++ : 0;
    const std::string key = Sha256Hex(dp::StrCat(identity, "|", balance, "|", place));
    bool blocked = false;
    const std::string category = rules.Categorise(line.description, &blocked);
    const pqxx::result inserted = tx.exec_params(
        "INSERT INTO monitoring.bank_lines (agreement_id, authority_id, line_key, file_name, line_no,"
        " posted_on, amount_pence, description, category, blocked, imported_by)"
        " VALUES ($1, $2, $3, $4, $5, $6::date, $7, $8, $9, $10, $11)"
        " ON CONFLICT (agreement_id, line_key) DO NOTHING RETURNING id",
        agreement_id, agreement->authority_id, key, file_name, line.line_no, DayText(line.date),
        line.amount_pence, line.description, category, blocked, imported_by);
    if (inserted.empty()) {
      ++out.already_imported;
    } else {
      ++out.imported;
    }
    out.blocked += blocked ? 1 : 0;
    by_category[category] += line.amount_pence;
  }
  out.by_category.assign(by_category.begin(), by_category.end());

  // Match every stored line of these dates, with the tolerance either side,
  // to what the books expected then.
  const int days = settings.bank_match_days;
  const absl::CivilDay from = first - days, to = last + days;
  std::vector<BankLine> stored;
  std::vector<int64_t> ids;
  for (const auto& r : tx.exec_params(
           "SELECT id, posted_on::text, amount_pence, description FROM monitoring.bank_lines"
           " WHERE agreement_id = $1 AND posted_on BETWEEN $2::date AND $3::date ORDER BY posted_on, id",
           agreement_id, DayText(from), DayText(to))) {
    ids.push_back(r[0].as<int64_t>());
    stored.push_back({0, DayOf(r[1]), r[2].as<int64_t>(), r[3].as<std::string>()});
  }
  const std::vector<Expected> expected = ExpectedMovements(tx, agreement_id, from - days, to + days);
  const std::vector<int> match = Match(stored, expected, settings.bank_match_pence, days);
  std::vector<bool> seen_expected(expected.size(), false);
  for (size_t i = 0; i < stored.size(); ++i) {
    std::optional<std::string> kind, ref;
    if (match[i] >= 0) {
      kind = expected[static_cast<size_t>(match[i])].kind;
      ref = expected[static_cast<size_t>(match[i])].ref;
      seen_expected[static_cast<size_t>(match[i])] = true;
      if (stored[i].date >= first && stored[i].date <= last) ++out.matched;
    }
    tx.exec_params("UPDATE monitoring.bank_lines SET matched_kind = $2, matched_ref = $3 WHERE id = $1",
                   ids[i], kind, ref);
  }
  for (size_t e = 0; e < expected.size(); ++e) {
    // Due within the statement's dates, far enough from its end to have shown.
    if (!seen_expected[e] && expected[e].date >= first && expected[e].date + days <= last) {
      out.expected_not_seen.push_back(expected[e]);
    }
  }
  return out;
}

}  // namespace dp::monitoring
