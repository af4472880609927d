#include "payroll/engine/statutory.h"

#include "gtest/gtest.h"
#include "payroll/engine/test_years.h"
#include "payroll/engine/ni.h"

namespace dp::payroll {
namespace {

using testing::Years;
using testing::Y2025;
using testing::Y2026;

TEST(AutoEnrolment, ThresholdsPerPayFrequencyDecideTheCategory) {
  struct Case {
    PayFrequency frequency;
    int64_t trigger, lower;
  };
  for (const Case& c : {Case{PayFrequency::kWeekly, 19200, 12000},
                        Case{PayFrequency::kFortnightly, 38400, 24000},
                        Case{PayFrequency::kFourWeekly, 76800, 48000},
                        Case{PayFrequency::kMonthly, 83300, 52000}}) {
    EXPECT_EQ(AssessAutoEnrolment(Y2025(), c.frequency, c.trigger + 1, 30, false).category,
              WorkerCategory::kEligibleJobholder);
    EXPECT_EQ(AssessAutoEnrolment(Y2025(), c.frequency, c.trigger, 30, false).category,
              WorkerCategory::kNonEligibleJobholder);  // not above the trigger
    EXPECT_EQ(AssessAutoEnrolment(Y2025(), c.frequency, c.lower + 1, 30, false).category,
              WorkerCategory::kNonEligibleJobholder);
    EXPECT_EQ(AssessAutoEnrolment(Y2025(), c.frequency, c.lower, 30, false).category,
              WorkerCategory::kEntitledWorker);
  }
}

TEST(AutoEnrolment, AgeBandsAndContributionsOnQualifyingEarnings) {
  // Above the trigger but 21, or at State Pension age: non-eligible, may opt in.
  EXPECT_EQ(AssessAutoEnrolment(Y2025(), PayFrequency::kMonthly, 200000, 21, false).category,
            WorkerCategory::kNonEligibleJobholder);
  EXPECT_EQ(AssessAutoEnrolment(Y2025(), PayFrequency::kMonthly, 200000, 66, false).category,
            WorkerCategory::kNonEligibleJobholder);
  EXPECT_EQ(AssessAutoEnrolment(Y2025(), PayFrequency::kMonthly, 200000, 15, false).category,
            WorkerCategory::kOutOfScope);
  EXPECT_EQ(AssessAutoEnrolment(Y2025(), PayFrequency::kMonthly, 200000, 75, false).category,
            WorkerCategory::kOutOfScope);
  // 2,000.00 a month: qualifying earnings 2,000 - 520 = 1,480; 5% and 3%.
  auto a = AssessAutoEnrolment(Y2025(), PayFrequency::kMonthly, 200000, 40, true);
  EXPECT_EQ(a.qualifying_earnings_pence, 148000);
  EXPECT_EQ(a.employee_contribution_pence, 7400);
  EXPECT_EQ(a.employer_contribution_pence, 4440);
  // Above the upper limit, qualifying earnings stop at it.
  EXPECT_EQ(AssessAutoEnrolment(Y2025(), PayFrequency::kMonthly, 600000, 40, true)
                .qualifying_earnings_pence,
            418900 - 52000);
  // An entitled worker who joins: no employer duty to contribute.
  auto e = AssessAutoEnrolment(Y2025(), PayFrequency::kWeekly, 11000, 40, true);
  EXPECT_EQ(e.category, WorkerCategory::kEntitledWorker);
  EXPECT_EQ(e.employer_contribution_pence, 0);
}

TEST(Holiday, TwelvePointZeroSevenPercentAccrual) {
  EXPECT_EQ(HolidayAccrualCentiHours(Y2025(), 10000), 1207);  // 100 h -> 12.07 h
  EXPECT_EQ(HolidayAccrualCentiHours(Y2025(), 3750), 453);    // 37.5 h -> 4.526 h -> 4.53 h
  EXPECT_EQ(RolledUpHolidayPayPence(Y2025(), 48840), 5895);   // 488.40 -> 58.95
}

TEST(EmploymentAllowance, IsUsedUpAcrossAnEmployersRuns) {
  int64_t remaining = Y2025().employment_allowance_pence;
  int64_t payable_total = 0;
  // Thirteen 4-weekly runs of employer NI of 900.00 each: 11,700 against 10,500.
  for (int run = 1; run <= 13; ++run) {
    const AllowanceUse use = ApplyEmploymentAllowance(remaining, 90000);
    remaining = use.remaining_pence;
    payable_total += use.employer_ni_payable_pence;
    if (run <= 11) {
      EXPECT_EQ(use.employer_ni_payable_pence, 0) << run;
    }
    if (run == 12) {
      EXPECT_EQ(use.claimed_pence, 1050000 - 11 * 90000) << run;
    }
  }
  EXPECT_EQ(remaining, 0);
  EXPECT_EQ(payable_total, 13 * 90000 - 1050000);
}

TEST(P45, LeaverFiguresIncludePreviousEmploymentInTheTotals) {
  const P45Figures p45 = LeaverP45(500000, 40000, 1200000, 98000);
  EXPECT_EQ(p45.total_pay_to_date_pence, 1700000);
  EXPECT_EQ(p45.total_tax_to_date_pence, 138000);
  EXPECT_EQ(p45.pay_in_this_employment_pence, 1200000);
  EXPECT_EQ(p45.tax_in_this_employment_pence, 98000);
}

TEST(PensionDuties, TheDeclarationIsDueIn5MonthsAndReEnrolmentEvery3Years) {
  const PensionDates april = PensionDatesFrom(absl::CivilDay(2026, 4, 6));
  EXPECT_EQ(april.declaration_due, absl::CivilDay(2026, 9, 6));
  EXPECT_EQ(april.re_enrolment, absl::CivilDay(2029, 4, 6));
  // From the 30th of September, five months on is the last day of February.
  EXPECT_EQ(PensionDatesFrom(absl::CivilDay(2026, 9, 30)).declaration_due,
            absl::CivilDay(2027, 2, 28));
}

}  // namespace
}  // namespace dp::payroll
