// Student and postgraduate loan deductions against HMRC's method for
// employers ("Collecting student loan or postgraduate loan repayments as
// an employer": on NI earnings above the period threshold, 9% for Plans 1,
// 2, 4 and 5, 6% for a postgraduate loan, non-cumulative, rounded down to
// the whole pound; 2- and 4-weekly at 2 and 4 times the weekly threshold),
// with the 2025-26 thresholds of HMRC's "Rates and thresholds for
// employers 2025 to 2026".
#include "payroll/engine/student_loan.h"

#include "base/refusal.h"
#include "gtest/gtest.h"
#include "payroll/engine/test_years.h"

namespace dp::payroll {
namespace {

using testing::Y2025;
using testing::Y2026;

TEST(StudentLoan, PeriodThresholdsAreTheAnnualOneCutToThePenny) {
  EXPECT_EQ(*PeriodThresholdPence(Y2025(), LoanPlan::kPlan1, PayFrequency::kWeekly), 50125);
  EXPECT_EQ(*PeriodThresholdPence(Y2025(), LoanPlan::kPlan1, PayFrequency::kMonthly), 217208);
  EXPECT_EQ(*PeriodThresholdPence(Y2025(), LoanPlan::kPlan2, PayFrequency::kWeekly), 54750);
  EXPECT_EQ(*PeriodThresholdPence(Y2025(), LoanPlan::kPlan2, PayFrequency::kMonthly), 237250);
  EXPECT_EQ(*PeriodThresholdPence(Y2025(), LoanPlan::kPlan4, PayFrequency::kWeekly), 62971);
  EXPECT_EQ(*PeriodThresholdPence(Y2025(), LoanPlan::kPlan4, PayFrequency::kMonthly), 272875);
  EXPECT_EQ(*PeriodThresholdPence(Y2025(), LoanPlan::kPostgraduate, PayFrequency::kWeekly), 40384);
  EXPECT_EQ(*PeriodThresholdPence(Y2025(), LoanPlan::kPostgraduate, PayFrequency::kMonthly),
            175000);
  // Four-weekly: four times the weekly threshold, not 13ths of the year.
  EXPECT_EQ(*PeriodThresholdPence(Y2025(), LoanPlan::kPlan4, PayFrequency::kFourWeekly), 251884);
  EXPECT_EQ(*PeriodThresholdPence(Y2025(), LoanPlan::kPlan1, PayFrequency::kFortnightly), 100250);
}

TEST(StudentLoan, NinePercentAboveTheThresholdRoundedDownToThePound) {
  // Plan 1, weekly £600.00: (600.00 - 501.25) x 9% = 8.8875 -> £8.
  auto p1 = StudentLoanDeductions(Y2025(), PayFrequency::kWeekly, 60000, {LoanPlan::kPlan1});
  ASSERT_TRUE(p1.ok()) << p1.status();
  EXPECT_EQ(p1->student_loan_pence, 800);
  EXPECT_EQ(p1->plan, LoanPlan::kPlan1);
  // Plan 2, monthly £3,000.00: 627.50 x 9% = 56.475 -> £56.
  EXPECT_EQ(StudentLoanDeductions(Y2025(), PayFrequency::kMonthly, 300000, {LoanPlan::kPlan2})
                ->student_loan_pence,
            5600);
  // Plan 4 (Scotland), four-weekly £3,000.00: (3000.00 - 2518.84) x 9% = 43.3044 -> £43.
  EXPECT_EQ(StudentLoanDeductions(Y2025(), PayFrequency::kFourWeekly, 300000, {LoanPlan::kPlan4})
                ->student_loan_pence,
            4300);
  // At or below the threshold: nothing.
  EXPECT_EQ(StudentLoanDeductions(Y2025(), PayFrequency::kFourWeekly, 251884, {LoanPlan::kPlan4})
                ->student_loan_pence,
            0);
  // Less than a pound due: nothing.
  EXPECT_EQ(StudentLoanDeductions(Y2025(), PayFrequency::kWeekly, 51200, {LoanPlan::kPlan1})
                ->student_loan_pence,
            0);
}

TEST(StudentLoan, APostgraduateLoanRunsBesideAPlanAtSixPercent) {
  // Monthly £2,500.00 with Plan 2 and a postgraduate loan:
  // Plan 2 (2500.00 - 2372.50) x 9% = 11.475 -> £11; PGL (2500.00 - 1750.00) x 6% = £45.
  auto both = StudentLoanDeductions(Y2025(), PayFrequency::kMonthly, 250000,
                                    {LoanPlan::kPlan2, LoanPlan::kPostgraduate});
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both->student_loan_pence, 1100);
  EXPECT_EQ(both->postgraduate_loan_pence, 4500);
}

TEST(StudentLoan, TwoPlansDeductUnderTheLowestThreshold) {
  // Plans 1 and 2: the deduction is worked out on Plan 1's lower threshold.
  auto two = StudentLoanDeductions(Y2025(), PayFrequency::kMonthly, 300000,
                                   {LoanPlan::kPlan2, LoanPlan::kPlan1});
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(two->plan, LoanPlan::kPlan1);
  EXPECT_EQ(two->student_loan_pence, 7400);  // (3000.00 - 2172.08) x 9% = 74.51 -> £74
}

TEST(StudentLoan, Plan5IsCollectedFromApril2026Only) {
  const absl::Status before =
      StudentLoanDeductions(Y2025(), PayFrequency::kMonthly, 300000, {LoanPlan::kPlan5}).status();
  EXPECT_EQ(before.code(), absl::StatusCode::kFailedPrecondition);
  // 2026-27: 25,000 a year (unverified): monthly 2083.33; (3000.00 - 2083.33) x 9% = 82.50 -> £82.
  EXPECT_EQ(StudentLoanDeductions(Y2026(), PayFrequency::kMonthly, 300000, {LoanPlan::kPlan5})
                ->student_loan_pence,
            8200);
  EXPECT_EQ(ParseLoanPlan("plan_4"), LoanPlan::kPlan4);
  EXPECT_FALSE(ParseLoanPlan("plan_3").has_value());
  EXPECT_EQ(RtiPlanType(LoanPlan::kPlan4), "04");
}

}  // namespace
}  // namespace dp::payroll
