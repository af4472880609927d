#include "payroll/books/lists.h"

#include "base/check.h"
#include "base/strings.h"
#include "db/sql.h"
#include "payroll/books/book_rows.h"

namespace dp::payroll {

using rows::DayOf;

std::vector<Employer> ListEmployers(pqxx::transaction_base& tx, const EmployerFilter& filter,
                                    const Page& page) {
  DP_CHECK(!filter.authority_id.empty() || filter.agreement_id > 0);
  std::vector<Employer> out;
  for (const auto& r : tx.exec_params(
           dp::StrCat("SELECT ", rows::kEmployerColumns,
                      " FROM payroll.employers WHERE ($1::text = '' OR authority_id = $1::text)"
                      " AND ($2::bigint = 0 OR agreement_id = $2::bigint)"
                      " AND ($3::bigint[] IS NULL OR agreement_id = ANY($3::bigint[]))"
                      " AND id > $4::bigint ORDER BY id LIMIT $5::int"),
           filter.authority_id, filter.agreement_id,
           filter.only_agreements ? std::optional<std::string>(db::IntArrayLiteral(*filter.only_agreements))
                                  : std::nullopt,
           page.after_id, page.limit)) {
    out.push_back(rows::EmployerFrom(r));
  }
  return out;
}

std::vector<Employee> ListEmployees(pqxx::transaction_base& tx, int64_t employer_id,
                                    bool include_leavers, const Page& page) {
  std::vector<Employee> out;
  for (const auto& r : tx.exec_params(
           dp::StrCat("SELECT ", rows::kEmployeeColumns,
                      " FROM payroll.employees e WHERE e.employer_id = $1"
                      " AND ($2 OR e.leave_date IS NULL) AND e.id > $3::bigint"
                      " ORDER BY e.id LIMIT $4::int"),
           employer_id, include_leavers, page.after_id, page.limit)) {
    out.push_back(rows::EmployeeFrom(r, 0));
  }
  return out;
}

std::vector<TimesheetSummary> ListTimesheets(pqxx::transaction_base& tx,
                                             const TimesheetFilter& filter, const Page& page) {
  std::vector<TimesheetSummary> out;
  for (const auto& r : tx.exec_params(
           "SELECT t.id, t.employee_id, t.period_start, t.period_end,"
           " coalesce((SELECT sum(x.hours_centi) FROM payroll.timesheet_entries x"
           "  WHERE x.timesheet_id = t.id), 0),"
           " (SELECT count(*) FROM payroll.timesheet_absences a WHERE a.timesheet_id = t.id),"
           " t.superseded, t.submitted_by"
           " FROM payroll.timesheets t JOIN payroll.employees e ON e.id = t.employee_id"
           " WHERE e.employer_id = $1 AND ($2::bigint = 0 OR t.employee_id = $2::bigint)"
           " AND ($3::date IS NULL OR t.period_end >= $3::date)"
           " AND ($4::date IS NULL OR t.period_start <= $4::date)"
           " AND t.id > $5::bigint ORDER BY t.id LIMIT $6::int",
           filter.employer_id, filter.employee_id,
           filter.from ? std::optional<std::string>(absl::FormatCivilTime(*filter.from)) : std::nullopt,
           filter.to ? std::optional<std::string>(absl::FormatCivilTime(*filter.to)) : std::nullopt,
           page.after_id, page.limit)) {
    out.push_back({r[0].as<int64_t>(), r[1].as<int64_t>(), DayOf(r[2]), DayOf(r[3]),
                   r[4].as<int64_t>(), r[5].as<int>(), r[6].as<bool>(), r[7].as<std::string>()});
  }
  return out;
}

std::vector<RunTotals> ListPayRuns(pqxx::transaction_base& tx, int64_t employer_id,
                                   const std::string& status, const std::string& tax_year,
                                   const Page& page) {
  std::vector<RunTotals> out;
  // The family pay a payslip recovers from HMRC, with the compensation.
  static constexpr const char* kRecovered =
      "(SELECT coalesce(sum(v::bigint), 0) FROM jsonb_array_elements_text("
      "coalesce(s.detail->'family_recovered_pence', '[]') || "
      "coalesce(s.detail->'family_compensation_pence', '[]')) v)";
  for (const auto& r : tx.exec_params(
           dp::StrCat("SELECT r.id, r.tax_year, r.period, r.period_start, r.period_end, r.payment_date,"
           " r.status, r.transaction_id, coalesce(r.replaces_run_id, 0), count(s.employee_id),"
           " coalesce(sum(s.gross_pence + s.redundancy_pence + s.employer_ni_pence"
           "  + s.employer_pension_pence - ", kRecovered, "), 0)::bigint,"
           " coalesce(sum(s.net_pence), 0),"
           " coalesce(sum(s.tax_pence + s.employee_ni_pence + s.employer_ni_pence"
           "  + s.student_loan_pence + s.postgraduate_loan_pence - ", kRecovered, "), 0)::bigint,"
           " coalesce(sum(s.employee_pension_pence + s.employer_pension_pence), 0)"
           " FROM payroll.pay_runs r LEFT JOIN payroll.payslips s ON s.run_id = r.id"
           " WHERE r.employer_id = $1 AND ($2::text = '' OR r.status = $2::text)"
           " AND ($3::text = '' OR r.tax_year = $3::text) AND r.id > $4::bigint"
           " GROUP BY r.id ORDER BY r.id LIMIT $5::int"),
           employer_id, status, tax_year, page.after_id, page.limit)) {
    RunTotals t;
    t.run.id = r[0].as<int64_t>();
    t.run.employer_id = employer_id;
    t.run.tax_year = r[1].as<std::string>();
    t.run.period = r[2].as<int>();
    t.run.period_start = DayOf(r[3]);
    t.run.period_end = DayOf(r[4]);
    t.run.payment_date = DayOf(r[5]);
    t.run.status = r[6].as<std::string>();
    t.run.transaction_id = r[7].as<int64_t>();
    t.run.replaces_run_id = r[8].as<int64_t>();
    t.payslips = r[9].as<int>();
    t.cost_pence = r[10].as<int64_t>();
    t.net_pence = r[11].as<int64_t>();
    t.hmrc_pence = r[12].as<int64_t>();
    t.pension_pence = r[13].as<int64_t>();
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace dp::payroll
