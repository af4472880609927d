#ifndef DP_LIB_PAYROLL_ENGINE_LEAVING_H_
#define DP_LIB_PAYROLL_ENGINE_LEAVING_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "payroll/engine/tax_year.h"

// A leaver's final pay beyond their hours: notice pay in lieu and statutory
// redundancy pay (Employment Rights Act 1996 ss.86, 155, 162; gov.uk
// "Redundancy pay"). Holiday owed is the pay run's (payslip.h). The rules
// are here; the bands, the cap and the limits are data
// (TaxYear::leavers, of the tax year of the leave date).
//
// - Statutory notice: none under a month's service, a week under 2 years,
//   then a week per complete year, at most 12. A contract may give more,
//   never less. Paid in lieu, it is earnings: taxed and NI'd.
// - Redundancy: after 2 complete years; counting back from the leave date
//   at most 20 years, each year in which the PA was at least 41 throughout
//   counts 1.5 weeks' pay, at least 22 one week, under 22 half a week; a
//   week's pay is capped. Statutory redundancy pay is neither taxed (up to
//   £30,000) nor NI'd, so it is paid beside the taxable gross.
// - A week's pay, for PAs whose hours vary: the average over the 12 weeks
//   before the leave date (s.224), from the pay periods that end in them.
namespace dp::payroll {

struct PaidPeriod {
  absl::CivilDay period_start, period_end;  // inclusive
  int64_t gross_pence = 0;
};

// WeeksPay is the average weekly pay of the periods ending in the 12 weeks
// up to `leave_date`; nothing when none does.
std::optional<int64_t> WeeksPay(const std::vector<PaidPeriod>& pay, absl::CivilDay leave_date);

// CompleteYears counts whole years from `from` to `to` (a birthday or
// anniversary on `to` counts).
int CompleteYears(absl::CivilDay from, absl::CivilDay to);

struct LeaverClaim {
  absl::CivilDay employment_start, leave_date, date_of_birth;
  bool notice_in_lieu = false;       // notice paid rather than worked
  std::optional<int> notice_weeks;   // the contract's; unset: the statutory minimum
  bool redundancy = false;
  int64_t weeks_pay_pence = 0;
};

struct LeaverPay {
  int complete_years = 0;
  int statutory_notice_weeks = 0;
  int notice_weeks = 0;
  int64_t notice_pay_pence = 0;
  int redundancy_weeks_centi = 0;           // 1.5 weeks = 150
  int64_t redundancy_week_pay_pence = 0;    // after the cap
  int64_t redundancy_pence = 0;
  std::string explanation;                  // in words, for the PA and the employer
};

// LeaverFinalPay works out notice and redundancy pay. Refused, naming the
// field: notice weeks below the statutory minimum or above 52, redundancy
// before 2 years' service (REDUNDANCY_NOT_DUE is not an error: the words
// say none is due), a week's pay of 0 when either is to be paid.
//
//   LeaverFinalPay(y2025, {start 2015-06-01, leave 2025-05-30, born 1980-03-01,
//                  redundancy, week's pay £400}) -> 9 years: 4 at 1.5 (aged 41 to 44)
//                  + 5 at 1 = 11 weeks x £400 = £4,400.00
absl::StatusOr<LeaverPay> LeaverFinalPay(const TaxYear& year, const LeaverClaim& claim);

}  // namespace dp::payroll

#endif  // DP_LIB_PAYROLL_ENGINE_LEAVING_H_
