#ifndef DP_LIB_PAYROLL_ENGINE_PAYSLIP_H_
#define DP_LIB_PAYROLL_ENGINE_PAYSLIP_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "payroll/engine/family_pay.h"
#include "payroll/engine/sickness.h"
#include "payroll/engine/statutory.h"
#include "payroll/engine/student_loan.h"
#include "payroll/engine/tax_year.h"

// One PA's pay for one period, from timesheet to net pay: the hours at each
// rate, then PAYE, NI, auto-enrolment, Employment Allowance and holiday
// accrual from the engine. Pure: no database.
namespace dp::payroll {

enum class RateType { kStandard, kNight, kSleepover, kHoliday };
std::string_view RateTypeName(RateType type);  // "standard", ...
std::optional<RateType> ParseRateType(std::string_view name);

// Rates are an employee's hourly rates, in pence.
struct Rates {
  int64_t standard_pence = 0;
  int64_t night_pence = 0;
  int64_t sleepover_pence = 0;
  int64_t holiday_pence = 0;
  // For is the rate an hour of `type` is paid at. Holiday is paid at least
  // at the standard rate (a week's pay is the normal pay).
  int64_t For(RateType type) const;
};

struct TimesheetEntry {
  absl::CivilDay date;
  RateType type = RateType::kStandard;
  int64_t hours_centi = 0;  // 7.5 hours = 750
};

struct Timesheet {
  absl::CivilDay period_start;
  absl::CivilDay period_end;  // inclusive
  std::vector<TimesheetEntry> entries;
  std::vector<absl::CivilDay> sick_days;  // off sick: no hours that day
};

// ValidateTimesheet refuses, naming the entry: a date outside the period,
// a sick day with hours worked,
// more than 24 hours in one day, or an hourly rate used below the wage floor
// in force on the day worked (the National Living Wage and, when
// `scottish_care_minimum`, the Scottish adult social care minimum).
// Sleepover hours are exempt: time asleep on a sleep-in shift is not
// working time for the minimum wage (Mencap v Tomlinson-Blake [2021] UKSC 8).
absl::Status ValidateTimesheet(const TaxYears& years, const Timesheet& timesheet,
                               const Rates& rates, bool scottish_care_minimum);

// PeriodNumber is the tax period a payment date falls in: week 1 starts on
// 6 April; month 1 runs 6 April to 5 May.
int PeriodNumber(const TaxYear& year, PayFrequency frequency, absl::CivilDay payment_date);

// TaxWeekOrMonth is the week (or, for monthly pay, month) number a pay
// period ends in, as the P45 and RTI count it: 4-weekly period 8 ends in
// week 32, fortnightly period 3 in week 6, month 5 is month 5.
int TaxWeekOrMonth(PayFrequency frequency, int period);

// InTaxYear: whether `day` falls within `year` (6 April to 5 April).
bool InTaxYear(const TaxYear& year, absl::CivilDay day);

struct PayslipInput {
  PayFrequency frequency = PayFrequency::kFourWeekly;
  absl::CivilDay payment_date;
  std::string tax_code;
  bool week1_month1 = false;
  std::string ni_category = "A";
  int age_years = 30;
  // Auto-enrolment: an eligible jobholder is enrolled (and contributes)
  // unless enrolment is postponed past the payment date or they opted out;
  // a member who joined of their own choice always contributes.
  bool pension_member = false;
  bool pension_opted_out = false;
  std::optional<absl::CivilDay> pension_postponed_until;
  bool holiday_accrual = false;  // 12.07% accrual (irregular hours); else 5.6 weeks (fixed)
  // The holiday balance before this period, in hundredths of an hour; a
  // leaver is paid what is left of it in their final pay.
  int64_t holiday_balance_before_centi_hours = 0;
  bool pay_holiday_balance = false;
  Rates rates;
  Timesheet timesheet;
  // Before this period, this tax year (including a previous employment's P45).
  int64_t taxable_pay_to_date_pence = 0;
  int64_t tax_paid_to_date_pence = 0;
  // Before this period, this tax year, in this employment: for the payslip.
  int64_t employee_ni_to_date_pence = 0;
  int64_t employee_pension_to_date_pence = 0;
  int64_t loans_to_date_pence = 0;
  int64_t statutory_pay_to_date_pence = 0;
  int64_t employment_allowance_remaining_pence = 0;  // 0: not claimed
  // Sickness, for SSP (see sickness.h): besides the timesheet's sick days,
  // those of the months before (a linked PIW), the working pattern, and
  // earlier pay for average weekly earnings.
  std::vector<absl::CivilDay> earlier_sick_days;
  int qualifying_days_per_week = 5;
  std::vector<PaidOn> earlier_pay;
  std::optional<absl::CivilDay> employment_start;
  std::optional<int64_t> average_weekly_earnings_before_pence;
  // The student and postgraduate loan plans in force on the payment date.
  std::vector<LoanPlan> loan_plans;
  // Statutory family pay due this period, by FamilyPayKind (the pay run
  // works it out from the leave: family_pay.h), and whether the employer
  // recovers it at the small employers' rate.
  int64_t family_pay_pence[kFamilyPayKinds] = {0, 0, 0, 0, 0};
  bool small_employer_relief = false;
  // A leaver's final pay (leaving.h): notice pay in lieu, taxed and NI'd
  // but not pensionable, and statutory redundancy pay, paid beside the
  // taxable gross.
  int64_t notice_pay_pence = 0;
  int64_t redundancy_pence = 0;
};

struct Payslip {
  std::string tax_year;
  int period = 0;
  int64_t hours_centi[4] = {0, 0, 0, 0};  // by RateType
  int64_t pay_pence[4] = {0, 0, 0, 0};
  int64_t ssp_pence = 0;
  int ssp_payable_days = 0;
  int ssp_waiting_days = 0;
  int sick_days = 0;
  int64_t family_pay_pence[kFamilyPayKinds] = {0, 0, 0, 0, 0};  // by FamilyPayKind
  // What the employer recovers of it from HMRC (92% or 100%) and the small
  // employers' compensation (8.5%), by kind: they reduce what HMRC is paid.
  int64_t family_recovered_pence[kFamilyPayKinds] = {0, 0, 0, 0, 0};
  int64_t family_compensation_pence[kFamilyPayKinds] = {0, 0, 0, 0, 0};
  int64_t notice_pay_pence = 0;
  int64_t redundancy_pence = 0;  // not taxable: outside the gross, inside the net
  int64_t gross_pence = 0;  // hours' pay, SSP, family pay and notice pay: taxable
  int64_t tax_pence = 0;
  int64_t employee_ni_pence = 0;
  int64_t employer_ni_pence = 0;           // after Employment Allowance
  int64_t employment_allowance_pence = 0;  // claimed this period
  int64_t employee_pension_pence = 0;
  int64_t employer_pension_pence = 0;
  WorkerCategory pension_category = WorkerCategory::kOutOfScope;
  bool pension_postponed = false;  // eligible, but enrolment is postponed
  int64_t holiday_accrued_centi_hours = 0;
  int64_t holiday_taken_centi_hours = 0;    // holiday paid this period, a leaver's balance too
  int64_t holiday_balance_centi_hours = 0;  // after this period
  std::optional<LoanPlan> loan_plan;  // the undergraduate plan deducted under
  int64_t student_loan_pence = 0;
  int64_t postgraduate_loan_pence = 0;
  int64_t net_pence = 0;
  int64_t taxable_pay_to_date_pence = 0;  // after this period
  int64_t tax_paid_to_date_pence = 0;
  // After this period, this tax year, in this employment.
  int64_t employee_ni_to_date_pence = 0;
  int64_t employee_pension_to_date_pence = 0;
  int64_t loans_to_date_pence = 0;            // student and postgraduate
  int64_t statutory_pay_to_date_pence = 0;    // SSP and family pay
  int64_t tax_held_back_pence = 0;

  int64_t FamilyPayPence() const;
  // RecoveredPence is family pay recovered from HMRC with its compensation.
  int64_t RecoveredPence() const;
  // ToHmrcPence is what the period owes HMRC: PAYE, both NI and student
  // loans, less the family pay recovered.
  int64_t ToHmrcPence() const;
  // EmployerCost is what the period costs the employer, after recovery.
  int64_t EmployerCost() const;
};

// ComputePayslip works out one payslip.
//
//   auto slip = ComputePayslip(year, {.frequency = kFourWeekly, .tax_code = "S1257L", ...});
//   slip->net_pence == slip->gross_pence - tax - employee NI - employee pension
//                      - student loan - postgraduate loan + redundancy
absl::StatusOr<Payslip> ComputePayslip(const TaxYear& year, const PayslipInput& input);

}  // namespace dp::payroll

#endif  // DP_LIB_PAYROLL_ENGINE_PAYSLIP_H_
