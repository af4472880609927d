#ifndef DP_LIB_PAYROLL_BOOKS_BOOK_H_
#define DP_LIB_PAYROLL_BOOKS_BOOK_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "crypto/field_cipher.h"
#include "payroll/engine/payslip.h"
#include "payroll/engine/student_loan.h"
#include "payroll/engine/tax_year.h"

// The payroll books over the database (schema `payroll`, 0006 and 0007):
// employers, employees, timesheets, and paying out liabilities, in the
// caller's transaction. Pay runs are pay_run.h's; calculation payslip.h's.
namespace dp::payroll {

std::string_view FrequencyName(PayFrequency f);  // "four_weekly", ...
std::optional<PayFrequency> ParseFrequency(std::string_view name);

struct Employer {
  int64_t id = 0;
  int64_t agreement_id = 0;
  std::string authority_id;
  std::string name;
  std::string paye_reference;
  std::string accounts_office_reference;
  PayFrequency frequency = PayFrequency::kFourWeekly;
  bool claims_employment_allowance = false;
  bool scottish_care_minimum = false;
  int64_t cost_account_id = 0;
  int64_t wages_account_id = 0;
  int64_t hmrc_account_id = 0;
  int64_t pension_account_id = 0;
  // Its first PA's start: when its auto-enrolment duties began.
  std::optional<absl::CivilDay> duties_start;
};

// CreateEmployer checks the agreement (it must exist and not have ended)
// and opens the employer's four ledger accounts, owned by the agreement.
absl::StatusOr<Employer> CreateEmployer(pqxx::work& tx, Employer employer);
// GetEmployer reads an employer; `for_update` locks it for a pay run.
absl::StatusOr<Employer> GetEmployer(pqxx::transaction_base& tx, int64_t id,
                                     bool for_update = false);

struct Employee {
  int64_t id = 0;
  int64_t employer_id = 0;
  int64_t person_id = 0;  // name, NI number, date of birth: people.persons
  absl::CivilDay start_date;
  std::optional<absl::CivilDay> leave_date;
  std::string tax_code;
  bool week1_month1 = false;
  std::string ni_category = "A";
  Rates rates;
  bool holiday_accrual = false;
  bool pension_member = false;
  int64_t previous_pay_pence = 0;
  int64_t previous_tax_pence = 0;
  int qualifying_days_per_week = 5;  // SSP working pattern, from Monday
  std::string gender;                // "M", "F" or "" (RTI needs it)
  std::optional<absl::CivilDay> pension_postponed_until;  // at most 3 months from the start
  bool pension_opted_out = false;
  std::optional<int64_t> average_weekly_earnings_before_pence;  // for SSP in the first 8 weeks
  // A leaver's notice and redundancy pay (leave.h), paid in their final pay.
  int64_t notice_pay_pence = 0;
  int64_t redundancy_pence = 0;
  std::string leaving_explanation;
  std::optional<absl::CivilDay> pension_opted_out_on;
};

// CheckEmployee refuses, naming the field, what no employee may have:
// rates outside 0 to £1,000 an hour (the standard rate above 0), a P45's
// pay or tax out of bounds, a working pattern outside 1 to 7 days, a
// pension postponement beyond 3 months from the start, a gender RTI does
// not record, and (where `year` is given) a tax code or NI category the
// engine cannot use.
//
//   if (auto s = CheckEmployee(employee, *years.ForDate("2026-12-02")); !s.ok()) return s;
absl::Status CheckEmployee(const Employee& employee, const TaxYear* year);

absl::StatusOr<int64_t> CreateEmployee(pqxx::work& tx, const Employee& employee);
absl::StatusOr<Employee> GetEmployee(pqxx::transaction_base& tx, int64_t id);
// GetEmployees reads many employees in one query; ids not found are absent.
std::map<int64_t, Employee> GetEmployees(pqxx::transaction_base& tx,
                                         const std::vector<int64_t>& ids);

// RecordPensionOptOut records that an enrolled PA opted out on `day`: no
// contributions from then until re-enrolment (ReEnrolled). Refused, naming
// the field: a day before the PA started or in the future.
absl::Status RecordPensionOptOut(pqxx::work& tx, int64_t employee_id, absl::CivilDay day,
                                 absl::CivilDay today);

// ReEnrolled: whether an opted-out PA is brought back into the scheme by
// pay day `on`: the employer re-enrols every 3 years from its duties start,
// and those who opted out more than 12 months before a re-enrolment date
// are enrolled again on it (Pensions Act 2008 s.5; the Regulator's
// "Re-enrolment" guidance).
//   duties 2022-06-01, opted out 2022-07-15: re-enrolled from 2025-06-01
bool ReEnrolled(const Employee& employee, const Employer& employer, absl::CivilDay on);

// SubmitTimesheet validates and stores a period's hours and sick days for
// an employee, superseding an earlier timesheet of the same period.
// Holiday taken beyond the balance (HolidayBalanceBefore the period, plus
// what the period's hours accrue) is refused, HOLIDAY_EXCEEDS_BALANCE,
// unless an officer or the ISO gives `holiday_override_reason`.
absl::StatusOr<int64_t> SubmitTimesheet(pqxx::work& tx, const TaxYears& years,
                                        int64_t employee_id, const Timesheet& timesheet,
                                        const std::string& actor,
                                        const std::string& holiday_override_reason = "");

// HolidayBalanceBefore is an employee's holiday balance, in hundredths of
// an hour, from the posted payslips of periods ending before `before`:
// accrued less taken.
int64_t HolidayBalanceBefore(pqxx::transaction_base& tx, int64_t employee_id,
                             absl::CivilDay before);

// StudentLoan is one plan an employee repays, from the notice that started
// it to the one that stopped it (`stops`: the first payment date with no
// deduction, HMRC's "next payday" after a stop notice).
struct StudentLoan {
  LoanPlan plan = LoanPlan::kPlan1;
  absl::CivilDay starts;
  std::string start_notice;  // SL1, PGL1, starter or P45
  std::optional<absl::CivilDay> stops;
  std::string stop_notice;  // SL2 or PGL2
};

// RecordLoanNotice applies an HMRC notice to an employee: SL1 (or a
// starter declaration or P45 that says so) starts a plan, SL2 stops it;
// PGL1 and PGL2 the same for a postgraduate loan. Refused, naming the
// field: a notice that does not fit the plan, a date before the PA
// started; FAILED_PRECONDITION: a plan already being repaid, or stopping
// one that is not. Returns the row's id.
absl::StatusOr<int64_t> RecordLoanNotice(pqxx::work& tx, int64_t employee_id, LoanPlan plan,
                                         const std::string& notice, absl::CivilDay effective,
                                         const std::string& actor);
std::vector<StudentLoan> StudentLoans(pqxx::transaction_base& tx, int64_t employee_id);
// StudentLoansOf reads many employees' plans at once (a pay run's).
std::map<int64_t, std::vector<StudentLoan>> StudentLoansOf(pqxx::transaction_base& tx,
                                                           const std::vector<int64_t>& ids);

// TaxCodeNotice is a code an employee is taxed on from a pay date: HMRC's
// P6, P6B or P9, or the code a starter's declaration or P45 sets.
struct TaxCodeNotice {
  int64_t id = 0;
  std::string kind;  // starter, P6, P6B, P9
  std::string tax_code;
  bool week1_month1 = false;
  absl::CivilDay effective_from;
  std::string starter_declaration;  // A, B, C; "" with a P45
};

// RecordTaxCodeNotice applies a P6, P6B or P9 from the pay date
// `effective` on. Refused, naming the field: another kind, a code the
// engine cannot use in that year, a date before the PA started.
absl::StatusOr<int64_t> RecordTaxCodeNotice(pqxx::work& tx, const TaxYears& years,
                                            int64_t employee_id, const std::string& kind,
                                            const std::string& tax_code, bool week1_month1,
                                            absl::CivilDay effective, const std::string& actor);

// P45 is what a starter brings from their previous employment this year.
struct P45 {
  int64_t pay_pence = 0;
  int64_t tax_pence = 0;
  std::string tax_code;
  bool week1_month1 = false;
  int64_t average_weekly_earnings_pence = 0;  // 0: not known
};

// RecordStarter records a starter's declaration, once and before their
// first pay. With a P45 its code and basis apply and its pay and tax start
// the year's cumulative figures; without one, HMRC's starter checklist
// decides: A, the emergency code (data: income_tax.emergency_tax_code),
// cumulative; B, the same on a Week 1/Month 1 basis; C, BR on a Week
// 1/Month 1 basis. A Scottish (S) or Welsh (C) code keeps its prefix.
absl::StatusOr<int64_t> RecordStarter(pqxx::work& tx, const TaxYears& years, int64_t employee_id,
                                      const std::string& declaration,
                                      const std::optional<P45>& p45, const std::string& actor);
std::vector<TaxCodeNotice> TaxCodeNotices(pqxx::transaction_base& tx, int64_t employee_id);
// TaxCodeNoticesOf reads many employees' notices at once, in effective order.
std::map<int64_t, std::vector<TaxCodeNotice>> TaxCodeNoticesOf(pqxx::transaction_base& tx,
                                                               const std::vector<int64_t>& ids);

// CodeInForce is the code and basis an employee is taxed on at `pay_date`:
// the latest notice in force then, else the code they were registered with.
// A code carried into `year` (the pay date's tax year, when given) from an
// earlier one starts the year cumulative, its Week 1/Month 1 marker removed,
// and gains the year's P9X uplift for its suffix (data).
//   CodeInForce(pa, {}, 2026-05-29, y2026): registered "S1257L" W1/M1 in 2025 -> "S1257L", cumulative
TaxCodeNotice CodeInForce(const Employee& employee, const std::vector<TaxCodeNotice>& notices,
                          absl::CivilDay pay_date, const TaxYear* year = nullptr);

enum class Liability { kWages, kHmrc, kPension };

// PayLiability posts a payment of `amount_pence` out of the agreement's
// account against one liability, which must owe at least that much.
// Returns the ledger transaction id; `request_id` names the posting.
absl::StatusOr<int64_t> PayLiability(pqxx::work& tx, int64_t employer_id, Liability liability,
                                     int64_t amount_pence, const std::string& reference,
                                     const std::string& request_id, const std::string& actor);

// Owed is what a liability account still owes.
absl::StatusOr<int64_t> Owed(pqxx::transaction_base& tx, int64_t account_id);

}  // namespace dp::payroll

#endif  // DP_LIB_PAYROLL_BOOKS_BOOK_H_
