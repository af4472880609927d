// Leavers' notice and statutory redundancy pay, against the Employment
// Rights Act 1996 (s.86 minimum notice: a week after a month's service, a
// week per complete year from 2 years, at most 12; s.162 redundancy: half,
// one and one and a half weeks' pay a year under 22, from 22, from 41, at
// most 20 years, counted back from the leave date) as gov.uk's
// "Redundancy pay" explains it (a week's pay capped at £719 from
// 6 April 2025; tax- and NI-free up to £30,000).
#include "payroll/engine/leaving.h"

#include "base/refusal.h"
#include "gtest/gtest.h"
#include "payroll/engine/test_years.h"

namespace dp::payroll {
namespace {

using testing::Y2025;

absl::CivilDay D(int y, int m, int d) { return absl::CivilDay(y, m, d); }

LeaverClaim Claim() {
  LeaverClaim c;
  c.employment_start = D(2015, 6, 1);
  c.leave_date = D(2025, 5, 30);
  c.date_of_birth = D(1980, 3, 1);
  c.weeks_pay_pence = 40000;
  return c;
}

TEST(Leaving, RedundancyCountsEachYearBackFromTheLeaveDateByAge) {
  LeaverClaim c = Claim();
  c.redundancy = true;
  auto pay = LeaverFinalPay(Y2025(), c);
  ASSERT_TRUE(pay.ok()) << pay.status();
  EXPECT_EQ(pay->complete_years, 9);
  // Years beginning aged 44, 43, 42 and 41 count 1.5; aged 40 to 36, 1.
  EXPECT_EQ(pay->redundancy_weeks_centi, 1100);
  EXPECT_EQ(pay->redundancy_pence, 440000);
  EXPECT_EQ(pay->notice_pay_pence, 0);
  EXPECT_EQ(pay->explanation,
            "Statutory redundancy pay: 9 years counted (5 at 1.00 (aged 22 to 40), 4 at 1.50 "
            "(aged 41 or over)) = 11.00 weeks at £400.00 = £4400.00, paid free of tax and NI.");
}

TEST(Leaving, AWeeksPayIsCappedAndTwentyYearsAtMostCount) {
  LeaverClaim c = Claim();
  c.redundancy = true;
  c.weeks_pay_pence = 80000;
  auto pay = LeaverFinalPay(Y2025(), c);
  ASSERT_TRUE(pay.ok());
  EXPECT_EQ(pay->redundancy_week_pay_pence, 71900);
  EXPECT_EQ(pay->redundancy_pence, 11 * 71900);
  c.employment_start = D(1995, 1, 1);  // 30 years: the last 20 count, all from 41 but 6
  c.date_of_birth = D(1970, 1, 1);
  pay = LeaverFinalPay(Y2025(), c);
  ASSERT_TRUE(pay.ok());
  // Back from 30 May 2025, year k begins 31 May 2025-k: aged 54 down to 35.
  // 14 years aged 41 or more (54..41) at 1.5 = 21; 6 at 1 = 6.
  EXPECT_EQ(pay->redundancy_weeks_centi, 2700);
}

TEST(Leaving, YearsUnderTwentyTwoCountHalfAWeek) {
  LeaverClaim c = Claim();
  c.redundancy = true;
  c.date_of_birth = D(2000, 1, 1);
  c.employment_start = D(2019, 6, 1);
  auto pay = LeaverFinalPay(Y2025(), c);
  ASSERT_TRUE(pay.ok());
  EXPECT_EQ(pay->complete_years, 5);
  // Years beginning aged 24, 23, 22: 1 each; aged 21, 20: 0.5 each.
  EXPECT_EQ(pay->redundancy_weeks_centi, 400);
  EXPECT_EQ(pay->redundancy_pence, 160000);
}

TEST(Leaving, NoRedundancyPayBeforeTwoYearsSaidInWords) {
  LeaverClaim c = Claim();
  c.redundancy = true;
  c.employment_start = D(2023, 8, 1);
  auto pay = LeaverFinalPay(Y2025(), c);
  ASSERT_TRUE(pay.ok());
  EXPECT_EQ(pay->redundancy_pence, 0);
  EXPECT_EQ(pay->explanation,
            "No statutory redundancy pay: 1 complete year's service; 2 are needed.");
}

TEST(Leaving, StatutoryNoticeByServiceAndPaidInLieuAsEarnings) {
  LeaverClaim c = Claim();
  c.notice_in_lieu = true;
  auto pay = LeaverFinalPay(Y2025(), c);
  ASSERT_TRUE(pay.ok());
  EXPECT_EQ(pay->statutory_notice_weeks, 9);
  EXPECT_EQ(pay->notice_pay_pence, 360000);
  c.employment_start = D(2005, 1, 1);  // 20 years: 12 weeks at most
  EXPECT_EQ(LeaverFinalPay(Y2025(), c)->statutory_notice_weeks, 12);
  c.employment_start = D(2024, 9, 1);  // under 2 years: a week
  EXPECT_EQ(LeaverFinalPay(Y2025(), c)->notice_pay_pence, 40000);
  EXPECT_EQ(LeaverFinalPay(Y2025(), c)->explanation,
            "Notice pay in lieu: 1 week at £400.00 = £400.00 (statutory minimum 1 week), "
            "taxed as pay.");
  c.employment_start = D(2025, 5, 10);  // under a month: none
  EXPECT_EQ(LeaverFinalPay(Y2025(), c)->statutory_notice_weeks, 0);
  // The contract may give more, never less.
  c = Claim();
  c.notice_in_lieu = true;
  c.notice_weeks = 10;
  EXPECT_EQ(LeaverFinalPay(Y2025(), c)->notice_pay_pence, 400000);
  c.notice_weeks = 4;
  EXPECT_EQ(FieldOf(LeaverFinalPay(Y2025(), c).status()), "notice_weeks");
  c.notice_weeks.reset();
  c.weeks_pay_pence = 0;
  EXPECT_EQ(FieldOf(LeaverFinalPay(Y2025(), c).status()), "weeks_pay_pence");
}

TEST(Leaving, AWeeksPayIsTheTwelveWeeksBeforeLeaving) {
  const std::vector<PaidPeriod> pay = {
      {D(2025, 1, 6), D(2025, 2, 2), 999999},   // ends before the 12 weeks
      {D(2025, 3, 3), D(2025, 3, 30), 160000},  // 28 days
      {D(2025, 3, 31), D(2025, 4, 27), 160000},
      {D(2025, 4, 28), D(2025, 5, 25), 200000}};
  EXPECT_EQ(*WeeksPay(pay, D(2025, 5, 30)), (160000 + 160000 + 200000) * 7 / 84);
  EXPECT_FALSE(WeeksPay({}, D(2025, 5, 30)).has_value());
}

}  // namespace
}  // namespace dp::payroll
