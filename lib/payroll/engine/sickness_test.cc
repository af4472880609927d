#include "payroll/engine/sickness.h"

#include "base/refusal.h"
#include "gtest/gtest.h"
#include "payroll/engine/test_years.h"

namespace dp::payroll {
namespace {

using testing::Years;
using testing::Y2025;
using testing::Y2026;

std::vector<absl::CivilDay> Days(absl::CivilDay first, int count) {
  std::vector<absl::CivilDay> days;
  for (int i = 0; i < count; ++i) days.push_back(first + i);
  return days;
}

// A four-weekly period starting Monday 2 June 2025, with two earlier
// payslips of £1,200 inside the 8 weeks: average weekly earnings £300.
SickPayInput June2025(std::vector<absl::CivilDay> sick) {
  return {absl::CivilDay(2025, 6, 2), absl::CivilDay(2025, 6, 29), std::move(sick), 5,
          {{absl::CivilDay(2025, 5, 2), 120000}, {absl::CivilDay(2025, 5, 30), 120000}}};
}

TEST(SickPay, QualifyingDaysAreTheWorkingPatternFromMonday) {
  EXPECT_TRUE(IsQualifyingDay(absl::CivilDay(2025, 6, 2), 1));   // Monday
  EXPECT_FALSE(IsQualifyingDay(absl::CivilDay(2025, 6, 3), 1));  // Tuesday
  EXPECT_TRUE(IsQualifyingDay(absl::CivilDay(2025, 6, 6), 5));   // Friday
  EXPECT_FALSE(IsQualifyingDay(absl::CivilDay(2025, 6, 7), 5));  // Saturday
  EXPECT_TRUE(IsQualifyingDay(absl::CivilDay(2025, 6, 8), 7));   // Sunday
}

TEST(SickPay, TwentyTwentyFiveServesThreeWaitingDaysFirst) {
  // Monday to Sunday off sick: 5 qualifying days, 3 waiting, 2 paid.
  auto pay = SickPayForPeriod(Y2025(), June2025(Days(absl::CivilDay(2025, 6, 2), 7)));
  ASSERT_TRUE(pay.ok()) << pay.status();
  EXPECT_EQ(pay->sick_days_this_period, 7);
  EXPECT_EQ(pay->qualifying_days_this_period, 5);
  EXPECT_EQ(pay->waiting_days_served, 3);
  EXPECT_EQ(pay->payable_days, 2);
  EXPECT_EQ(pay->average_weekly_earnings_pence, 30000);
  EXPECT_EQ(pay->amount_pence, 4750);  // 2/5 of £118.75
}

TEST(SickPay, ADaysRateIsTheWeeksOverThePatternRoundedUp) {
  // A three-day pattern (Monday to Wednesday), off sick Monday 2 June to
  // Monday 9 June: three waiting days, then one paid, at a third of
  // £118.75 = £39.5833, rounded up to £39.59.
  SickPayInput input = June2025(Days(absl::CivilDay(2025, 6, 2), 8));
  input.qualifying_days_per_week = 3;
  auto pay = SickPayForPeriod(Y2025(), input);
  ASSERT_TRUE(pay.ok()) << pay.status();
  EXPECT_EQ(pay->waiting_days_served, 3);
  EXPECT_EQ(pay->payable_days, 1);
  EXPECT_EQ(pay->amount_pence, 3959);
}

TEST(SickPay, FewerThanFourDaysIsNoPeriodOfIncapacity) {
  auto pay = SickPayForPeriod(Y2025(), June2025(Days(absl::CivilDay(2025, 6, 2), 3)));
  ASSERT_TRUE(pay.ok());
  EXPECT_EQ(pay->sick_days_this_period, 3);
  EXPECT_EQ(pay->qualifying_days_this_period, 0);
  EXPECT_EQ(pay->amount_pence, 0);
}

TEST(SickPay, ALinkedEarlierPiwHasAlreadyServedTheWaitingDays) {
  // Off Monday 5 to Thursday 8 May (4 qualifying days, 3 waiting), back,
  // then off again from Monday 9 June: the PIWs link, nothing more waits.
  std::vector<absl::CivilDay> sick = Days(absl::CivilDay(2025, 5, 5), 4);
  for (absl::CivilDay d : Days(absl::CivilDay(2025, 6, 9), 5)) sick.push_back(d);
  SickPayInput in = June2025(sick);
  in.earlier_pay = {{absl::CivilDay(2025, 4, 4), 120000}, {absl::CivilDay(2025, 5, 2), 120000}};
  auto pay = SickPayForPeriod(Y2025(), in);
  ASSERT_TRUE(pay.ok());
  EXPECT_EQ(pay->waiting_days_served, 0);
  EXPECT_EQ(pay->payable_days, 5);
  EXPECT_EQ(pay->amount_pence, 11875);
}

TEST(SickPay, PiwsMoreThanEightWeeksApartWaitAgain) {
  std::vector<absl::CivilDay> sick = Days(absl::CivilDay(2025, 4, 7), 4);  // ends 10 April
  for (absl::CivilDay d : Days(absl::CivilDay(2025, 6, 9), 5)) sick.push_back(d);  // 59 days on
  auto pay = SickPayForPeriod(Y2025(), June2025(sick));
  ASSERT_TRUE(pay.ok());
  EXPECT_EQ(pay->waiting_days_served, 3);
  EXPECT_EQ(pay->payable_days, 2);
}

TEST(SickPay, TwentyTwentyFiveNeedsEarningsAtTheLel) {
  SickPayInput in = June2025(Days(absl::CivilDay(2025, 6, 2), 7));
  in.earlier_pay = {{absl::CivilDay(2025, 5, 30), 40000}};  // £50 a week over 8 weeks
  auto pay = SickPayForPeriod(Y2025(), in);
  ASSERT_TRUE(pay.ok());
  EXPECT_FALSE(pay->entitled);
  EXPECT_EQ(pay->amount_pence, 0);
}

TEST(SickPay, TwentyTwentySixPaysFromTheFirstDayAtEightyPercentIfLower) {
  SickPayInput in{absl::CivilDay(2026, 6, 1), absl::CivilDay(2026, 6, 28),
                  Days(absl::CivilDay(2026, 6, 1), 7), 5,
                  {{absl::CivilDay(2026, 5, 29), 40000}}};  // £50 a week
  auto pay = SickPayForPeriod(Y2026(), in);
  ASSERT_TRUE(pay.ok());
  EXPECT_TRUE(pay->entitled);
  EXPECT_EQ(pay->waiting_days_served, 0);
  EXPECT_EQ(pay->payable_days, 5);
  EXPECT_EQ(pay->amount_pence, 4000);  // 80% of £50 for a whole week
  in.earlier_pay = {{absl::CivilDay(2026, 5, 29), 400000}};  // £500 a week: the flat rate
  EXPECT_EQ(SickPayForPeriod(Y2026(), in)->amount_pence, 12325);
}

TEST(SickPay, ABadWorkingPatternIsRefused) {
  SickPayInput in = June2025(Days(absl::CivilDay(2025, 6, 2), 7));
  in.qualifying_days_per_week = 0;
  EXPECT_EQ(SickPayForPeriod(Y2025(), in).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(SickPay, TwentyEightWeeksAreTheMostALinkedSeriesPays) {
  // Off sick every day from 1 September 2025, five-day pattern: 3 waiting
  // days, then 28 weeks (140 qualifying days) paid: 2 that week, 27 weeks
  // from 8 September, and 3 more days, to Wednesday 18 March 2026. The
  // period from 9 March to 5 April 2026 pays 8 of its 20 days.
  std::vector<absl::CivilDay> spell = Days(absl::CivilDay(2025, 9, 1), 217);
  SickPayInput input{absl::CivilDay(2026, 3, 9), absl::CivilDay(2026, 4, 5), spell, 5,
                     {{absl::CivilDay(2025, 8, 1), 120000}, {absl::CivilDay(2025, 8, 29), 120000}}};
  auto pay = SickPayForPeriod(Y2025(), input);
  ASSERT_TRUE(pay.ok()) << pay.status();
  EXPECT_TRUE(pay->maximum_reached);
  EXPECT_EQ(pay->payable_days, 8);
  EXPECT_EQ(pay->amount_pence, 19000);  // 8/5 of £118.75
  // The period after: nothing more.
  input.period_start = absl::CivilDay(2026, 4, 6);
  input.period_end = absl::CivilDay(2026, 5, 3);
  input.sick_days = Days(absl::CivilDay(2025, 9, 1), 245);
  EXPECT_EQ(SickPayForPeriod(Y2025(), input)->payable_days, 0);
}

TEST(SickPay, ANewStartersEarningsComeFromBeforeOrAreAskedFor) {
  // Started on 19 May 2025, off sick from 2 June: no 8 weeks of pay here.
  SickPayInput input = June2025(Days(absl::CivilDay(2025, 6, 2), 7));
  input.earlier_pay.clear();
  input.employment_start = absl::CivilDay(2025, 5, 19);
  const absl::Status asked = SickPayForPeriod(Y2025(), input).status();
  EXPECT_EQ(ReasonOf(asked), "AVERAGE_EARNINGS_NEEDED");
  EXPECT_NE(asked.message().find("average_weekly_earnings_before_pence"), std::string::npos);
  // With £300.00 a week recorded from before: 2 days paid, as for anyone.
  input.average_weekly_earnings_before_pence = 30000;
  auto pay = SickPayForPeriod(Y2025(), input);
  ASSERT_TRUE(pay.ok()) << pay.status();
  EXPECT_EQ(pay->average_weekly_earnings_pence, 30000);
  EXPECT_EQ(pay->amount_pence, 4750);
}

}  // namespace
}  // namespace dp::payroll
