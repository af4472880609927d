#include "payroll/engine/payslip.h"

#include <map>
#include <set>

#include "base/bounds.h"
#include "base/check.h"
#include "base/refusal.h"
#include "base/strings.h"
#include "money/money.h"
#include "payroll/engine/ni.h"
#include "payroll/engine/paye.h"

namespace dp::payroll {
namespace {

absl::CivilDay YearStart(const TaxYear& year) { return year.first_day; }

}  // namespace

std::string_view RateTypeName(RateType type) {
  switch (type) {
    case RateType::kStandard: return "standard";
    case RateType::kNight: return "night";
    case RateType::kSleepover: return "sleepover";
    case RateType::kHoliday: return "holiday";
  }
  return "standard";
}

std::optional<RateType> ParseRateType(std::string_view name) {
  for (RateType t : {RateType::kStandard, RateType::kNight, RateType::kSleepover,
                     RateType::kHoliday}) {
    if (RateTypeName(t) == name) return t;
  }
  return std::nullopt;
}

int64_t Rates::For(RateType type) const {
  switch (type) {
    case RateType::kStandard: return standard_pence;
    case RateType::kNight: return night_pence;
    case RateType::kSleepover: return sleepover_pence;
    case RateType::kHoliday: return std::max(holiday_pence, standard_pence);
  }
  return 0;
}

absl::Status ValidateTimesheet(const TaxYears& years, const Timesheet& t, const Rates& rates,
                               bool scottish_care_minimum) {
  if (t.period_end < t.period_start) {
    return FieldError("period_end", "must not be before period_start");
  }
  if (t.period_end - t.period_start + 1 > bounds::kMaxPayPeriodDays) {
    return FieldError("period_end", dp::StrCat("makes a period of ",
                                               t.period_end - t.period_start + 1,
                                               " days: a timesheet covers one pay period, at most ",
                                               bounds::kMaxPayPeriodDays));
  }
  if (t.entries.size() > bounds::kMaxTimesheetEntries) {
    return FieldError("entries", dp::StrCat("has ", t.entries.size(), " lines; one pay period has at most ",
                                            bounds::kMaxTimesheetEntries));
  }
  if (t.entries.empty() && t.sick_days.empty()) {
    return FieldError("entries", "a timesheet needs hours or sick days");
  }
  std::set<absl::CivilDay> sick(t.sick_days.begin(), t.sick_days.end());
  if (sick.size() != t.sick_days.size()) {
    return FieldError("sick_days", "a day is listed twice");
  }
  for (absl::CivilDay d : sick) {
    if (d < t.period_start || d > t.period_end) {
      return FieldError("sick_days", dp::StrCat(
          "", absl::FormatCivilTime(d), " is outside the pay period ",
          absl::FormatCivilTime(t.period_start), " to ", absl::FormatCivilTime(t.period_end)));
    }
  }
  std::map<absl::CivilDay, int64_t> hours_by_day;
  for (size_t i = 0; i < t.entries.size(); ++i) {
    const TimesheetEntry& e = t.entries[i];
    const std::string field = dp::StrCat("entries[", i, "]");
    const std::string when = dp::StrCat("(", absl::FormatCivilTime(e.date), ")");
    if (e.date < t.period_start || e.date > t.period_end) {
      return FieldError(field, dp::StrCat(when, " is outside the pay period ",
                                                   absl::FormatCivilTime(t.period_start), " to ",
                                                   absl::FormatCivilTime(t.period_end)));
    }
    if (sick.count(e.date)) {
      return FieldError(field, dp::StrCat(
          when, ": the day is also given as a sick day; a PA off sick did not work that day"));
    }
    if (e.hours_centi <= 0) {
      return FieldError(field, dp::StrCat(when, ": hours must be positive"));
    }
    hours_by_day[e.date] += e.hours_centi;
    if (hours_by_day[e.date] > 2400) {
      return FieldError("entries", dp::StrCat(
          "for ", absl::FormatCivilTime(e.date), " add up to ", FormatPence(hours_by_day[e.date]),
          " hours; a day has at most 24"));
    }
    const int64_t rate = rates.For(e.type);
    if (rate <= 0) {
      return FieldError(field, dp::StrCat(
          when, ": the employee has no ", RateTypeName(e.type), " rate; set one first"));
    }
    if (e.type == RateType::kSleepover) continue;
    auto year = years.ForDate(absl::FormatCivilTime(e.date));
    if (!year.ok()) return year.status();
    int64_t floor = (*year)->national_living_wage_pence_per_hour;
    std::string floor_name = "National Living Wage";
    if (scottish_care_minimum && (*year)->scottish_care_minimum_pence_per_hour > floor) {
      floor = (*year)->scottish_care_minimum_pence_per_hour;
      floor_name = "Scottish adult social care minimum";
    }
    if (rate < floor) {
      return FieldError(field, dp::StrCat(
          when, ": the ", RateTypeName(e.type), " rate of £", FormatPence(rate),
          " an hour is below the ", floor_name, " of £", FormatPence(floor), " in force on ",
          absl::FormatCivilTime(e.date), "; raise the employee's rate"));
    }
  }
  return absl::OkStatus();
}

int PeriodNumber(const TaxYear& year, PayFrequency frequency, absl::CivilDay payment_date) {
  const absl::CivilDay start = YearStart(year);
  const int64_t days = payment_date - start;
  switch (frequency) {
    case PayFrequency::kWeekly: return static_cast<int>(days / 7) + 1;
    case PayFrequency::kFortnightly: return static_cast<int>(days / 14) + 1;
    case PayFrequency::kFourWeekly: return static_cast<int>(days / 28) + 1;
    case PayFrequency::kMonthly: {
      int months = (payment_date.year() - start.year()) * 12 + payment_date.month() - start.month();
      if (payment_date.day() < start.day()) --months;
      return months + 1;
    }
  }
  return 1;
}

int TaxWeekOrMonth(PayFrequency frequency, int period) {
  switch (frequency) {
    case PayFrequency::kWeekly: return period;
    case PayFrequency::kFortnightly: return period * 2;
    case PayFrequency::kFourWeekly: return period * 4;
    case PayFrequency::kMonthly: return period;
  }
  return period;
}

bool InTaxYear(const TaxYear& year, absl::CivilDay day) {
  const absl::CivilDay start = YearStart(year);
  return day >= start && day < absl::CivilDay(start.year() + 1, start.month(), start.day());
}

absl::StatusOr<Payslip> ComputePayslip(const TaxYear& year, const PayslipInput& in) {
  Payslip s;
  s.tax_year = year.name;
  s.period = PeriodNumber(year, in.frequency, in.payment_date);
  int64_t pay_centi_pence = 0;  // hours_centi x pence: hundredths of a penny
  for (const TimesheetEntry& e : in.timesheet.entries) {
    const int i = static_cast<int>(e.type);
    s.hours_centi[i] += e.hours_centi;
    pay_centi_pence += e.hours_centi * in.rates.For(e.type);
  }
  // Holiday: accrued on this period's hours, taken as holiday hours; a
  // leaver's final pay pays what is left of the balance.
  const int64_t worked = s.hours_centi[0] + s.hours_centi[1] + s.hours_centi[2];
  const int64_t holiday = static_cast<int>(RateType::kHoliday);
  s.holiday_accrued_centi_hours =
      in.holiday_accrual ? HolidayAccrualCentiHours(year, worked)
                         : FixedHoursAccrualCentiHours(year, worked + s.hours_centi[holiday]);
  if (in.pay_holiday_balance) {
    const int64_t left = in.holiday_balance_before_centi_hours + s.holiday_accrued_centi_hours -
                         s.hours_centi[holiday];
    if (left > 0) {
      s.hours_centi[holiday] += left;
      pay_centi_pence += left * in.rates.For(RateType::kHoliday);
    }
  }
  s.holiday_taken_centi_hours = s.hours_centi[holiday];
  s.holiday_balance_centi_hours = in.holiday_balance_before_centi_hours +
                                  s.holiday_accrued_centi_hours - s.holiday_taken_centi_hours;
  for (int i = 0; i < 4; ++i) {
    s.pay_pence[i] = (s.hours_centi[i] * in.rates.For(static_cast<RateType>(i)) + 50) / 100;
  }
  if (!in.timesheet.sick_days.empty()) {
    std::vector<absl::CivilDay> sick_days = in.earlier_sick_days;
    sick_days.insert(sick_days.end(), in.timesheet.sick_days.begin(), in.timesheet.sick_days.end());
    auto sick = SickPayForPeriod(year, {in.timesheet.period_start, in.timesheet.period_end,
                                        std::move(sick_days), in.qualifying_days_per_week,
                                        in.earlier_pay, in.employment_start,
                                        in.average_weekly_earnings_before_pence});
    if (!sick.ok()) return sick.status();
    s.ssp_pence = sick->amount_pence;
    s.ssp_payable_days = sick->payable_days;
    s.ssp_waiting_days = sick->waiting_days_served;
    s.sick_days = sick->sick_days_this_period;
  }
  int64_t family_pay = 0;
  for (int k = 0; k < kFamilyPayKinds; ++k) {
    DP_CHECK(in.family_pay_pence[k] >= 0);
    s.family_pay_pence[k] = in.family_pay_pence[k];
    family_pay += in.family_pay_pence[k];
    const FamilyPayRecovery back =
        RecoverFamilyPay(year, in.family_pay_pence[k], in.small_employer_relief);
    s.family_recovered_pence[k] = back.recovered_pence;
    s.family_compensation_pence[k] = back.compensation_pence;
  }
  DP_CHECK(in.notice_pay_pence >= 0 && in.redundancy_pence >= 0);
  s.notice_pay_pence = in.notice_pay_pence;
  s.redundancy_pence = in.redundancy_pence;
  s.gross_pence = (pay_centi_pence + 50) / 100 + s.ssp_pence + family_pay + s.notice_pay_pence;

  auto paye = CalculatePaye(year, {in.frequency, s.period, in.tax_code, in.week1_month1,
                                   s.gross_pence, in.taxable_pay_to_date_pence,
                                   in.tax_paid_to_date_pence});
  if (!paye.ok()) return paye.status();
  s.tax_pence = paye->tax_pence;
  s.taxable_pay_to_date_pence = paye->taxable_pay_to_date_pence;
  s.tax_paid_to_date_pence = paye->tax_paid_to_date_pence;
  s.tax_held_back_pence = paye->held_back_by_limit_pence;

  auto ni = CalculateNi(year, in.ni_category, in.frequency, s.gross_pence);
  if (!ni.ok()) return ni.status();
  s.employee_ni_pence = ni->employee_pence;
  const AllowanceUse allowance =
      ApplyEmploymentAllowance(in.employment_allowance_remaining_pence, ni->employer_pence);
  s.employment_allowance_pence = allowance.claimed_pence;
  s.employer_ni_pence = allowance.employer_ni_payable_pence;

  const bool postponed =
      in.pension_postponed_until && in.payment_date < *in.pension_postponed_until;
  // Notice pay in lieu is damages for the notice not worked, not pay for
  // work: outside qualifying earnings.
  const int64_t pensionable = s.gross_pence - s.notice_pay_pence;
  const WorkerCategory category =
      AssessAutoEnrolment(year, in.frequency, pensionable, in.age_years, false).category;
  const bool enrolled = in.pension_member || (category == WorkerCategory::kEligibleJobholder &&
                                              !postponed && !in.pension_opted_out);
  const AutoEnrolment ae =
      AssessAutoEnrolment(year, in.frequency, pensionable, in.age_years, enrolled);
  s.pension_postponed = postponed && category == WorkerCategory::kEligibleJobholder &&
                        !in.pension_member;
  s.pension_category = ae.category;
  s.employee_pension_pence = ae.employee_contribution_pence;
  s.employer_pension_pence = ae.employer_contribution_pence;
  // Student and postgraduate loans: on the period's NI earnings (the gross).
  auto loans = StudentLoanDeductions(year, in.frequency, s.gross_pence, in.loan_plans);
  if (!loans.ok()) return loans.status();
  s.loan_plan = loans->plan;
  s.student_loan_pence = loans->student_loan_pence;
  s.postgraduate_loan_pence = loans->postgraduate_loan_pence;
  s.net_pence = s.gross_pence - s.tax_pence - s.employee_ni_pence - s.employee_pension_pence -
                s.student_loan_pence - s.postgraduate_loan_pence + s.redundancy_pence;
  s.employee_ni_to_date_pence = in.employee_ni_to_date_pence + s.employee_ni_pence;
  s.employee_pension_to_date_pence = in.employee_pension_to_date_pence + s.employee_pension_pence;
  s.loans_to_date_pence = in.loans_to_date_pence + s.student_loan_pence + s.postgraduate_loan_pence;
  s.statutory_pay_to_date_pence = in.statutory_pay_to_date_pence + s.ssp_pence + family_pay;
  DP_CHECK_EQ(s.EmployerCost(), s.net_pence + s.ToHmrcPence() + s.employee_pension_pence +
                                    s.employer_pension_pence);
  return s;
}

int64_t Payslip::FamilyPayPence() const {
  int64_t total = 0;
  for (int64_t p : family_pay_pence) total += p;
  return total;
}

int64_t Payslip::RecoveredPence() const {
  int64_t total = 0;
  for (int k = 0; k < kFamilyPayKinds; ++k) {
    total += family_recovered_pence[k] + family_compensation_pence[k];
  }
  return total;
}

int64_t Payslip::ToHmrcPence() const {
  return tax_pence + employee_ni_pence + employer_ni_pence + student_loan_pence +
         postgraduate_loan_pence - RecoveredPence();
}

int64_t Payslip::EmployerCost() const {
  return gross_pence + redundancy_pence + employer_ni_pence + employer_pension_pence -
         RecoveredPence();
}

}  // namespace dp::payroll
