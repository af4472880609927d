#include "payroll/engine/student_loan.h"

#include <algorithm>

#include "base/check.h"
#include "base/strings.h"

namespace dp::payroll {
namespace {

constexpr std::pair<LoanPlan, std::string_view> kPlans[] = {
    {LoanPlan::kPlan1, "plan_1"}, {LoanPlan::kPlan2, "plan_2"}, {LoanPlan::kPlan4, "plan_4"},
    {LoanPlan::kPlan5, "plan_5"}, {LoanPlan::kPostgraduate, "postgraduate"}};

// Deduction: rate x (earnings - threshold), rounded down to the pound.
int64_t Deduction(int64_t earnings_pence, int64_t threshold_pence, int32_t rate_bp) {
  if (earnings_pence <= threshold_pence) return 0;
  const int64_t pence = (earnings_pence - threshold_pence) * rate_bp / 10000;
  return pence / 100 * 100;
}

}  // namespace

std::string_view LoanPlanName(LoanPlan plan) {
  for (const auto& [p, name] : kPlans) {
    if (p == plan) return name;
  }
  DP_CHECK(false);
  return "";
}

std::optional<LoanPlan> ParseLoanPlan(std::string_view name) {
  for (const auto& [p, n] : kPlans) {
    if (n == name) return p;
  }
  return std::nullopt;
}

std::string_view RtiPlanType(LoanPlan plan) {
  switch (plan) {
    case LoanPlan::kPlan1: return "01";
    case LoanPlan::kPlan2: return "02";
    case LoanPlan::kPlan4: return "04";
    case LoanPlan::kPlan5: return "05";
    case LoanPlan::kPostgraduate: return "";
  }
  return "";
}

absl::StatusOr<int64_t> PeriodThresholdPence(const TaxYear& year, LoanPlan plan,
                                             PayFrequency frequency) {
  const auto found = year.student_loans.find(plan);
  if (found == year.student_loans.end()) {
    return absl::FailedPreconditionError(dp::StrCat(
        "the ", year.name, " figures have no threshold for student loan ", LoanPlanName(plan)));
  }
  const int64_t annual = found->second.annual_threshold_pence;
  const int64_t weekly = annual / 52;  // cut to the penny
  switch (frequency) {
    case PayFrequency::kWeekly: return weekly;
    case PayFrequency::kFortnightly: return 2 * weekly;
    case PayFrequency::kFourWeekly: return 4 * weekly;
    case PayFrequency::kMonthly: return annual / 12;
  }
  DP_CHECK(false);
  return 0;
}

absl::StatusOr<LoanDeductions> StudentLoanDeductions(const TaxYear& year, PayFrequency frequency,
                                                     int64_t ni_earnings_pence,
                                                     const std::vector<LoanPlan>& plans) {
  DP_CHECK(ni_earnings_pence >= 0);
  LoanDeductions out;
  std::optional<int64_t> lowest;
  for (LoanPlan plan : plans) {
    auto threshold = PeriodThresholdPence(year, plan, frequency);
    if (!threshold.ok()) return threshold.status();
    const int32_t rate = year.student_loans.at(plan).rate_bp;
    if (plan == LoanPlan::kPostgraduate) {
      out.postgraduate_loan_pence = Deduction(ni_earnings_pence, *threshold, rate);
    } else if (!lowest || *threshold < *lowest) {
      lowest = *threshold;
      out.plan = plan;
      out.student_loan_pence = Deduction(ni_earnings_pence, *threshold, rate);
    }
  }
  DP_CHECK(out.student_loan_pence >= 0 && out.postgraduate_loan_pence >= 0);
  return out;
}

}  // namespace dp::payroll
