#include "payroll/engine/statutory.h"

#include <algorithm>
#include <cstdlib>

#include "base/refusal.h"
#include "base/strings.h"

namespace dp::payroll {
namespace {

// Nearest penny, halves up: amount x basis points / 10,000.
int64_t RoundedShare(int64_t amount_pence, int32_t bp) { return (amount_pence * bp + 5000) / 10000; }

}  // namespace

AutoEnrolment AssessAutoEnrolment(const TaxYear& year, PayFrequency frequency,
                                  int64_t earnings_pence, int age_years, bool member) {
  const AutoEnrolmentThresholds& t = year.auto_enrolment.at(frequency);
  AutoEnrolment out;
  const bool working_age = age_years >= 22 && age_years < year.state_pension_age;
  if (age_years < 16 || age_years >= 75) {
    out.category = WorkerCategory::kOutOfScope;
  } else if (earnings_pence > t.trigger_pence && working_age) {
    out.category = WorkerCategory::kEligibleJobholder;
  } else if (earnings_pence > t.qualifying_lower_pence) {
    out.category = WorkerCategory::kNonEligibleJobholder;
  } else {
    out.category = WorkerCategory::kEntitledWorker;
  }
  out.qualifying_earnings_pence =
      std::max<int64_t>(0, std::min(earnings_pence, t.qualifying_upper_pence) - t.qualifying_lower_pence);
  if (member && out.category != WorkerCategory::kOutOfScope) {
    out.employee_contribution_pence = RoundedShare(out.qualifying_earnings_pence, year.pension_employee_bp);
    // An entitled worker's employer need not contribute.
    if (out.category != WorkerCategory::kEntitledWorker) {
      out.employer_contribution_pence = RoundedShare(out.qualifying_earnings_pence, year.pension_employer_bp);
    }
  }
  return out;
}

int64_t HolidayAccrualCentiHours(const TaxYear& year, int64_t hours_worked_centi) {
  return RoundedShare(hours_worked_centi, year.holiday_accrual_bp);
}

int64_t RolledUpHolidayPayPence(const TaxYear& year, int64_t pay_pence) {
  return RoundedShare(pay_pence, year.holiday_accrual_bp);
}

PensionDates PensionDatesFrom(absl::CivilDay duties_start) {
  // A month on from the 31st is the month's last day.
  auto months_on = [&](int months) {
    const absl::CivilMonth m = absl::CivilMonth(duties_start) + months;
    return std::min(absl::CivilDay(m.year(), m.month(), duties_start.day()),
                    absl::CivilDay(m + 1) - 1);
  };
  return {months_on(5), months_on(36)};
}

int64_t FixedHoursAccrualCentiHours(const TaxYear& year, int64_t hours_centi) {
  const int64_t denominator = int64_t{100} * year.holiday_weeks_in_year;
  return (hours_centi * year.holiday_statutory_weeks_centi + denominator / 2) / denominator;
}

absl::Status CheckHolidayTaken(int64_t balance_centi_hours, int64_t taking_centi_hours,
                               const std::string& override_reason) {
  if (taking_centi_hours <= balance_centi_hours || !override_reason.empty()) {
    return absl::OkStatus();
  }
  auto hours = [](int64_t centi) { return dp::Hundredths(centi); };
  return Refusal(absl::StatusCode::kFailedPrecondition, reason::kHolidayExceedsBalance,
                 dp::StrCat(hours(taking_centi_hours), " hours of holiday are more than the ",
                            hours(balance_centi_hours),
                            " hours' balance: an officer or the ISO may allow it with a reason "
                            "(holiday_override_reason)"),
                 {{"balance_centi_hours", std::to_string(balance_centi_hours)}});
}


AllowanceUse ApplyEmploymentAllowance(int64_t remaining_pence, int64_t employer_ni_pence) {
  AllowanceUse use;
  use.claimed_pence = std::min(std::max<int64_t>(remaining_pence, 0), employer_ni_pence);
  use.remaining_pence = remaining_pence - use.claimed_pence;
  use.employer_ni_payable_pence = employer_ni_pence - use.claimed_pence;
  return use;
}

P45Figures LeaverP45(int64_t previous_pay_pence, int64_t previous_tax_pence,
                     int64_t pay_to_date_pence, int64_t tax_to_date_pence) {
  return {previous_pay_pence + pay_to_date_pence, previous_tax_pence + tax_to_date_pence,
          pay_to_date_pence, tax_to_date_pence};
}

}  // namespace dp::payroll
