#ifndef DP_LIB_PAYROLL_ENGINE_STATUTORY_H_
#define DP_LIB_PAYROLL_ENGINE_STATUTORY_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "payroll/engine/tax_year.h"

// The employer's other statutory duties for one period: workplace pension
// auto-enrolment, holiday accrual, Employment Allowance, and a leaver's P45
// figures. Pure: figures from TaxYear. Statutory Sick Pay is sickness.h's.
namespace dp::payroll {

// ---- Auto-enrolment (Pensions Act 2008), assessed every pay period.
enum class WorkerCategory {
  kEligibleJobholder,     // 22 to State Pension age, earnings above the trigger: enrol
  kNonEligibleJobholder,  // may opt in, with employer contributions
  kEntitledWorker,        // may join, employer need not contribute
  kOutOfScope,            // under 16 or 75 and over
};

struct AutoEnrolment {
  WorkerCategory category = WorkerCategory::kOutOfScope;
  int64_t qualifying_earnings_pence = 0;  // pay within the qualifying band
  int64_t employee_contribution_pence = 0;
  int64_t employer_contribution_pence = 0;
};

// AssessAutoEnrolment: the worker's category this period and, when a member
// of the scheme (`member`), contributions on qualifying earnings, each
// rounded to the nearest penny.
AutoEnrolment AssessAutoEnrolment(const TaxYear& year, PayFrequency frequency,
                                  int64_t earnings_pence, int age_years, bool member);

// PensionDates are an employer's auto-enrolment dates from its duties
// start date (its first PA's start): the declaration of compliance is due
// within 5 months of it, and re-enrolment comes every 3 years after it.
//   PensionDatesFrom(2026-04-06) -> {2026-09-06, 2029-04-06}
struct PensionDates {
  absl::CivilDay declaration_due;
  absl::CivilDay re_enrolment;
};
PensionDates PensionDatesFrom(absl::CivilDay duties_start);

// ---- Holiday for irregular-hours and part-year workers: 12.07% of hours
// worked accrues as leave; rolled-up holiday pay, when used, is 12.07% of
// pay, shown separately.
int64_t HolidayAccrualCentiHours(const TaxYear& year, int64_t hours_worked_centi);
int64_t RolledUpHolidayPayPence(const TaxYear& year, int64_t pay_pence);
// FixedHoursAccrualCentiHours: a fixed-hours worker's 5.6 weeks a year,
// accrued on the period's hours (worked and holiday taken) as 5.6 of 52
// weeks, to the hundredth of an hour: 150 h -> 16.15 h.
int64_t FixedHoursAccrualCentiHours(const TaxYear& year, int64_t hours_centi);
// CheckHolidayTaken refuses (FAILED_PRECONDITION, HOLIDAY_EXCEEDS_BALANCE)
// holiday beyond the balance, saying both in hours, unless it is allowed
// with `override_reason`.
absl::Status CheckHolidayTaken(int64_t balance_centi_hours, int64_t taking_centi_hours,
                               const std::string& override_reason);

// ---- Employment Allowance: an employer's NI is reduced until the year's
// allowance is used up (the care and support worker exception lets a
// direct payment employer claim it).
struct AllowanceUse {
  int64_t claimed_pence = 0;
  int64_t remaining_pence = 0;
  int64_t employer_ni_payable_pence = 0;
};
AllowanceUse ApplyEmploymentAllowance(int64_t remaining_pence, int64_t employer_ni_pence);

// ---- A leaver's P45: pay and tax to date for the year (including any
// previous employment's P45 figures) and in this employment alone.
struct P45Figures {
  int64_t total_pay_to_date_pence = 0;
  int64_t total_tax_to_date_pence = 0;
  int64_t pay_in_this_employment_pence = 0;
  int64_t tax_in_this_employment_pence = 0;
};
P45Figures LeaverP45(int64_t previous_pay_pence, int64_t previous_tax_pence,
                     int64_t pay_to_date_pence, int64_t tax_to_date_pence);

}  // namespace dp::payroll

#endif  // DP_LIB_PAYROLL_ENGINE_STATUTORY_H_
