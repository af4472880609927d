#ifndef DP_LIB_PAYROLL_BOOKS_LISTS_H_
#define DP_LIB_PAYROLL_BOOKS_LISTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "absl/time/civil_time.h"
#include "payroll/books/book.h"
#include "payroll/books/pay_run.h"

// The lists an integrating payroll bureau pages through: employers,
// employees, timesheets and pay runs, each in id order after `after_id`,
// at most `limit` rows (the service asks for one more than a page to know
// whether another follows).
namespace dp::payroll {

struct Page {
  int64_t after_id = 0;
  int limit = 50;
};

// ListEmployers: an authority's employers, or one agreement's; with
// `only_agreements` given, only theirs (an ISO's granted agreements).
struct EmployerFilter {
  std::string authority_id;
  int64_t agreement_id = 0;
  std::optional<std::vector<int64_t>> only_agreements;
};
std::vector<Employer> ListEmployers(pqxx::transaction_base& tx, const EmployerFilter& filter,
                                    const Page& page);

// ListEmployees: an employer's PAs, leavers included when asked.
std::vector<Employee> ListEmployees(pqxx::transaction_base& tx, int64_t employer_id,
                                    bool include_leavers, const Page& page);

// TimesheetSummary is a timesheet without its lines.
struct TimesheetSummary {
  int64_t id = 0;
  int64_t employee_id = 0;
  absl::CivilDay period_start, period_end;
  int64_t hours_centi = 0;
  int sick_days = 0;
  bool superseded = false;
  std::string submitted_by;
};
// ListTimesheets: an employer's (or one employee's) timesheets whose period
// overlaps `from`..`to` (either may be open).
struct TimesheetFilter {
  int64_t employer_id = 0;
  int64_t employee_id = 0;  // 0: every PA of the employer
  std::optional<absl::CivilDay> from, to;
};
std::vector<TimesheetSummary> ListTimesheets(pqxx::transaction_base& tx,
                                             const TimesheetFilter& filter, const Page& page);

// RunTotals is a pay run's header and what it came to, without payslips.
struct RunTotals {
  PayRun run;  // payslips empty
  int payslips = 0;
  int64_t cost_pence = 0, net_pence = 0, hmrc_pence = 0, pension_pence = 0;
};
// ListPayRuns: an employer's runs, by status ("posted", "replaced", "" for
// both) and tax year ("" for every year).
std::vector<RunTotals> ListPayRuns(pqxx::transaction_base& tx, int64_t employer_id,
                                   const std::string& status, const std::string& tax_year,
                                   const Page& page);

}  // namespace dp::payroll

#endif  // DP_LIB_PAYROLL_BOOKS_LISTS_H_
