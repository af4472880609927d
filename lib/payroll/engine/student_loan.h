#ifndef DP_LIB_PAYROLL_ENGINE_STUDENT_LOAN_H_
#define DP_LIB_PAYROLL_ENGINE_STUDENT_LOAN_H_

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "payroll/engine/tax_year.h"

// Student and postgraduate loan deductions (HMRC's guidance for
// employers, "Collecting student loan repayments", and the thresholds in
// data/tax-years). Non-cumulative: each period on its own, on the
// period's earnings for NI (not taxable pay), above the period's
// threshold, rounded down to the whole pound. A weekly threshold is the
// annual one over 52, a monthly one over 12, each cut to the penny; 2- and
// 4-weekly pay use 2 and 4 times the weekly threshold. A postgraduate loan
// runs beside an undergraduate plan; with more than one undergraduate
// plan, the deduction uses the plan with the lowest threshold.
namespace dp::payroll {

enum class LoanPlan { kPlan1, kPlan2, kPlan4, kPlan5, kPostgraduate };
std::string_view LoanPlanName(LoanPlan plan);  // "plan_1", ..., "postgraduate"
std::optional<LoanPlan> ParseLoanPlan(std::string_view name);
// RtiPlanType is the FPS's StudentLoanPlan code: "01", "02", "04", "05".
std::string_view RtiPlanType(LoanPlan plan);

// PeriodThresholdPence is a plan's threshold for one pay period.
//   PeriodThresholdPence(2025-26, kPlan4, kFourWeekly) -> 251884 (4 x 629.71)
absl::StatusOr<int64_t> PeriodThresholdPence(const TaxYear& year, LoanPlan plan,
                                             PayFrequency frequency);

struct LoanDeductions {
  std::optional<LoanPlan> plan;  // the undergraduate plan deducted under
  int64_t student_loan_pence = 0;
  int64_t postgraduate_loan_pence = 0;
};

// StudentLoanDeductions works out one period's deductions for the plans
// in force on its payment date. FAILED_PRECONDITION when the year's data
// has no threshold for a plan (Plan 5 before 2026-27).
//
//   StudentLoanDeductions(y2025, kMonthly, 300000, {kPlan2}) -> 56.00: (3000.00 - 2372.50) x 9%
absl::StatusOr<LoanDeductions> StudentLoanDeductions(const TaxYear& year, PayFrequency frequency,
                                                     int64_t ni_earnings_pence,
                                                     const std::vector<LoanPlan>& plans);

}  // namespace dp::payroll

#endif  // DP_LIB_PAYROLL_ENGINE_STUDENT_LOAN_H_
