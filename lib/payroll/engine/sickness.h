#ifndef DP_LIB_PAYROLL_ENGINE_SICKNESS_H_
#define DP_LIB_PAYROLL_ENGINE_SICKNESS_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "payroll/engine/statutory.h"
#include "payroll/engine/tax_year.h"

// Statutory Sick Pay for a pay period, from the days a PA was off sick.
// The statute's fixed rules (SSCBA 1992 ss.152-155) are here; the figures
// that change by year (weekly rate, waiting days, the LEL test, 80% of
// earnings) come from TaxYear::ssp.
//
// - A period of incapacity for work (PIW) is at least 4 consecutive days of
//   sickness, counting days the PA would not have worked.
// - PIWs no more than 8 weeks (56 days) apart link into one; waiting days
//   are served once per linked series.
// - Qualifying days are the employee's working pattern: the first
//   `qualifying_days_per_week` days of the week from Monday (5: Monday to
//   Friday). SSP is paid for qualifying days only.
// - Average weekly earnings: pay received in the 8 weeks before the series
//   began, divided by 8; for a PA employed here for less than 8 weeks, the
//   average recorded from before (AVERAGE_EARNINGS_NEEDED without one:
//   never a silent 0).
// - At most 28 weeks of qualifying days are paid in a linked series.
namespace dp::payroll {

struct PaidOn {
  absl::CivilDay payment_date;
  int64_t gross_pence = 0;
};

struct SickPayInput {
  absl::CivilDay period_start, period_end;  // inclusive
  std::vector<absl::CivilDay> sick_days;    // this period and earlier; any order
  int qualifying_days_per_week = 5;
  std::vector<PaidOn> earlier_pay;          // the employee's earlier payslips
  // When the PA started here, and what they earned a week before, for a
  // sickness within 8 weeks of starting (unset: employed long enough).
  std::optional<absl::CivilDay> employment_start;
  std::optional<int64_t> average_weekly_earnings_before_pence;
};

struct SickPay {
  int sick_days_this_period = 0;
  int qualifying_days_this_period = 0;  // in a PIW
  int waiting_days_served = 0;
  int payable_days = 0;
  int64_t average_weekly_earnings_pence = 0;
  bool entitled = true;  // false: earnings below the LEL (2025-26 rules)
  bool maximum_reached = false;  // 28 weeks paid in the linked series
  int64_t amount_pence = 0;
};

// IsQualifyingDay: Monday is day 1.
bool IsQualifyingDay(absl::CivilDay day, int qualifying_days_per_week);

// WeeklySspRate is the week's SSP for these average weekly earnings, or
// nothing when they fall below the LEL under a year that tests it.
std::optional<int64_t> WeeklySspRate(const TaxYear& year, int64_t average_weekly_earnings_pence,
                                     int64_t lower_earnings_limit_weekly_pence);

// SickPayForPeriod works out the SSP due in one pay period.
//
//   SickPayForPeriod(year_2025, {.period_start = d(2025,6,2), .period_end = d(2025,6,29),
//                    .sick_days = {Mon..Fri of one week}, .earlier_pay = {...}})
//   -> 5 qualifying days, 3 waiting, 2 payable: 2/5 of £118.75 = £47.50
absl::StatusOr<SickPay> SickPayForPeriod(const TaxYear& year, const SickPayInput& input);

}  // namespace dp::payroll

#endif  // DP_LIB_PAYROLL_ENGINE_SICKNESS_H_
