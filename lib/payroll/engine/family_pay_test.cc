// Statutory family pay against HMRC's employer guides: "Statutory
// Maternity Pay: employer guide" (gov.uk/guidance/statutory-maternity-pay-
// employer-guide): 90% of average weekly earnings for the first 6 weeks,
// then the lower of 90% and the statutory rate for 33; 26 weeks' service
// into the 15th week before the expected week; earnings at least the LEL;
// the relevant period between the last paydays 8 weeks apart), the
// paternity, adoption, shared parental and bereavement guides (the lower
// rate throughout), and "Statutory pay: recover payments" (92%, or 100%
// plus 8.5% for small employers). The guide's worked example: average
// weekly earnings of £500 give £450 a week for 6 weeks.
#include "payroll/engine/family_pay.h"

#include "base/refusal.h"
#include "gtest/gtest.h"
#include "payroll/engine/test_years.h"

namespace dp::payroll {
namespace {

using testing::Y2025;
using testing::Years;

absl::CivilDay D(int y, int m, int d) { return absl::CivilDay(y, m, d); }

// A PA since 2024, paid £2,000 every 4 weeks: paydays 9 May, 6 June and
// 4 July 2025 (Fridays). Due on Wednesday 15 October 2025: the expected
// week starts Sunday 12 October; the qualifying week is 29 June to 5 July.
FamilyPayClaim Smp() {
  FamilyPayClaim c;
  c.kind = FamilyPayKind::kMaternity;
  c.relevant_date = D(2025, 10, 15);
  c.pay_start = D(2025, 9, 21);
  c.weeks = 39;
  c.frequency = PayFrequency::kFourWeekly;
  c.employment_start = D(2024, 1, 8);
  c.earlier_pay = {{D(2025, 5, 9), 200000}, {D(2025, 6, 6), 200000}, {D(2025, 7, 4), 200000},
                   {D(2025, 8, 1), 999999}};  // after the qualifying week: not counted
  return c;
}

FamilyLeave LeaveOf(const FamilyPayClaim& c, const FamilyPayDecision& d) {
  return {c.kind, c.pay_start, c.weeks, d.average_weekly_earnings_pence};
}

TEST(FamilyPay, QualifyingWeekIsTheFifteenthBeforeTheExpectedWeek) {
  EXPECT_EQ(WeekStart(D(2025, 10, 15)), D(2025, 10, 12));
  EXPECT_EQ(WeekStart(D(2025, 10, 12)), D(2025, 10, 12));
  auto d = DecideFamilyPay(Years(), Smp());
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->qualifying_week_start, D(2025, 6, 29));
  EXPECT_EQ(d->qualifying_week_end, D(2025, 7, 5));
  // Paid 6 June and 4 July after the last payday at least 8 weeks before
  // (9 May): £4,000 over 8 weeks.
  EXPECT_EQ(d->average_weekly_earnings_pence, 50000);
  EXPECT_TRUE(d->entitled);
  EXPECT_EQ(d->reason,
            "Entitled to Statutory Maternity Pay: employed here for 78 weeks by the qualifying "
            "week (2025-06-29 to 2025-07-05), average weekly earnings £500.00 (at least £125.00). "
            "39 weeks from 2025-09-21: 6 at £450.00 (90%), then £187.18 a week (the lower of 90% "
            "and the statutory rate, which changes each April).");
}

TEST(FamilyPay, SmpSixWeeksAtNinetyPercentThenTheStatutoryRateOfEachApril) {
  const FamilyPayClaim c = Smp();
  auto d = DecideFamilyPay(Years(), c);
  ASSERT_TRUE(d.ok()) << d.status();
  const FamilyLeave leave = LeaveOf(c, *d);
  EXPECT_EQ(*WeeklyFamilyPay(Years(), leave, 0), 45000);
  EXPECT_EQ(*WeeklyFamilyPay(Years(), leave, 5), 45000);
  EXPECT_EQ(*WeeklyFamilyPay(Years(), leave, 6), 18718);
  // The week starting Sunday 5 April 2026, the first Sunday in April, takes
  // the 2026-27 rate.
  EXPECT_EQ(*WeeklyFamilyPay(Years(), leave, 27), 18718);  // from 2026-03-29
  EXPECT_EQ(*WeeklyFamilyPay(Years(), leave, 28), 19432);  // from 2026-04-05
  // 6 x 450.00 + 22 x 187.18 + 11 x 194.32 = 8,955.48.
  EXPECT_EQ(*FamilyPayForPeriod(Years(), leave, D(2025, 9, 1), D(2026, 12, 31)), 895548);
}

TEST(FamilyPay, PartWeeksArePaidByTheDayAndPeriodsAddUpToTheWeeks) {
  const FamilyPayClaim c = Smp();
  const FamilyLeave leave = LeaveOf(c, *DecideFamilyPay(Years(), c));
  // A 4-weekly period ending Wednesday 24 September holds 4 days of week 1:
  // 450.00 x 4 / 7 = 257.142... rounded up.
  EXPECT_EQ(*FamilyPayForPeriod(Years(), leave, D(2025, 8, 28), D(2025, 9, 24)), 25715);
  // The next period pays the week's other 3 days, 3 whole weeks and 4 days
  // of the fifth: exactly 4 weeks, as the part weeks' pennies even out.
  EXPECT_EQ(*FamilyPayForPeriod(Years(), leave, D(2025, 9, 25), D(2025, 10, 22)),
            (45000 - 25715) + 3 * 45000 + 25715);
  // Every 4-weekly period of the leave adds up to the whole.
  int64_t total = 0;
  for (absl::CivilDay s = D(2025, 8, 28); s < D(2026, 8, 1); s += 28) {
    total += *FamilyPayForPeriod(Years(), leave, s, s + 27);
  }
  EXPECT_EQ(total, 895548);
}

TEST(FamilyPay, NotEntitledIsADecisionInWordsNotAnError) {
  FamilyPayClaim c = Smp();
  c.employment_start = D(2025, 3, 1);  // in the week from 23 February: 19 weeks
  c.average_weekly_earnings_before_pence = 50000;
  auto d = DecideFamilyPay(Years(), c);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_FALSE(d->entitled);
  EXPECT_EQ(d->weeks_employed, 19);
  EXPECT_EQ(d->reason,
            "Not entitled to Statutory Maternity Pay: employed here for 19 weeks by the "
            "qualifying week (2025-06-29 to 2025-07-05); 26 are needed. Give the PA form SMP1 "
            "within 7 days; they may claim Maternity Allowance.");

  c = Smp();
  c.earlier_pay = {{D(2025, 5, 9), 48000}, {D(2025, 6, 6), 48000}, {D(2025, 7, 4), 48000}};
  d = DecideFamilyPay(Years(), c);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_FALSE(d->entitled);
  EXPECT_EQ(d->average_weekly_earnings_pence, 12000);
  EXPECT_EQ(d->reason,
            "Not entitled to Statutory Maternity Pay: average weekly earnings of £120.00 are "
            "below the lower earnings limit of £125.00 for the qualifying week (2025-06-29 to "
            "2025-07-05). Give the PA form SMP1 within 7 days; they may claim Maternity "
            "Allowance.");
}

TEST(FamilyPay, MonthlyPayAveragesTwelveFiftySeconds) {
  FamilyPayClaim c = Smp();
  c.frequency = PayFrequency::kMonthly;
  c.earlier_pay = {{D(2025, 4, 30), 200000}, {D(2025, 5, 30), 200000}, {D(2025, 6, 30), 200000}};
  auto d = DecideFamilyPay(Years(), c);
  ASSERT_TRUE(d.ok()) << d.status();
  // May and June: £4,000 x 12 / 52 / 2 = 461.538...
  EXPECT_EQ(d->average_weekly_earnings_pence, 46153);
}

TEST(FamilyPay, PaternityAndBereavementPayTheLowerRateThroughout) {
  FamilyPayClaim c = Smp();
  c.kind = FamilyPayKind::kPaternity;
  c.pay_start = D(2025, 10, 16);
  c.weeks = 2;
  auto d = DecideFamilyPay(Years(), c);
  ASSERT_TRUE(d.ok()) << d.status();
  ASSERT_TRUE(d->entitled) << d->reason;
  const FamilyLeave leave = LeaveOf(c, *d);
  EXPECT_EQ(*FamilyPayForPeriod(Years(), leave, D(2025, 10, 1), D(2025, 11, 30)), 2 * 18718);

  c.kind = FamilyPayKind::kBereavement;
  c.relevant_date = D(2025, 8, 20);  // the week before: 10 to 16 August
  c.pay_start = D(2025, 9, 1);
  d = DecideFamilyPay(Years(), c);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->qualifying_week_start, D(2025, 8, 10));
  EXPECT_TRUE(d->entitled);
}

TEST(FamilyPay, AdoptionPaysAsMaternityAndSharedParentalAndBereavementAtTheLowerRate) {
  // SAP: matched on Wednesday 2 July 2025, so the qualifying week is the
  // matching week, 29 June to 5 July: the same figures as the SMP above.
  FamilyPayClaim c = Smp();
  c.kind = FamilyPayKind::kAdoption;
  c.relevant_date = D(2025, 7, 2);
  auto d = DecideFamilyPay(Years(), c);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->qualifying_week_start, D(2025, 6, 29));
  EXPECT_EQ(*FamilyPayForPeriod(Years(), LeaveOf(c, *d), D(2025, 9, 1), D(2026, 12, 31)), 895548);
  // ShPP: 10 weeks from the week of the birth, £187.18 each.
  c = Smp();
  c.kind = FamilyPayKind::kSharedParental;
  c.pay_start = D(2025, 10, 19);
  c.weeks = 10;
  d = DecideFamilyPay(Years(), c);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(*FamilyPayForPeriod(Years(), LeaveOf(c, *d), D(2025, 10, 1), D(2026, 3, 1)), 187180);
  c.weeks = 38;  // at most 37
  EXPECT_EQ(FieldOf(DecideFamilyPay(Years(), c).status()), "weeks");
  // SPBP: 2 weeks at the lower of 90% and £187.18; a week's 90% below the
  // rate pays the 90% (AWE £150.00: £135.00).
  c = Smp();
  c.kind = FamilyPayKind::kBereavement;
  c.relevant_date = D(2025, 8, 20);
  c.pay_start = D(2025, 9, 1);
  c.weeks = 2;
  c.earlier_pay = {{D(2025, 5, 9), 60000}, {D(2025, 6, 6), 60000}, {D(2025, 7, 4), 60000},
                   {D(2025, 8, 1), 60000}};
  d = DecideFamilyPay(Years(), c);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->average_weekly_earnings_pence, 15000);
  EXPECT_EQ(*FamilyPayForPeriod(Years(), LeaveOf(c, *d), D(2025, 9, 1), D(2025, 9, 30)),
            2 * 13500);
}

TEST(FamilyPay, RefusesWhatTheRulesDoNotAllowNamingTheField) {
  FamilyPayClaim c = Smp();
  c.weeks = 40;
  EXPECT_EQ(FieldOf(DecideFamilyPay(Years(), c).status()), "weeks");
  c = Smp();
  c.pay_start = D(2025, 7, 20);  // before the 11th week before (27 July)
  EXPECT_EQ(FieldOf(DecideFamilyPay(Years(), c).status()), "pay_start");
  c = Smp();
  c.kind = FamilyPayKind::kPaternity;
  c.weeks = 2;
  c.pay_start = D(2025, 9, 21);  // before the birth's week
  EXPECT_EQ(FieldOf(DecideFamilyPay(Years(), c).status()), "pay_start");
  c = Smp();
  c.earlier_pay = {{D(2025, 7, 4), 200000}};  // not 8 weeks' pay here
  EXPECT_EQ(ReasonOf(DecideFamilyPay(Years(), c).status()), reason::kAverageEarningsNeeded);
  c.average_weekly_earnings_before_pence = 50000;
  EXPECT_TRUE(DecideFamilyPay(Years(), c).ok());
}

TEST(FamilyPay, RecoveryIs92PercentOrAllPlusCompensationForASmallEmployer) {
  // "Statutory pay: recover payments": 92%; a small employer 100% + 8.5%.
  const FamilyPayRecovery large = RecoverFamilyPay(Y2025(), 895548, false);
  EXPECT_EQ(large.recovered_pence, 823904);
  EXPECT_EQ(large.compensation_pence, 0);
  const FamilyPayRecovery small = RecoverFamilyPay(Y2025(), 895548, true);
  EXPECT_EQ(small.recovered_pence, 895548);
  EXPECT_EQ(small.compensation_pence, 76122);
}

}  // namespace
}  // namespace dp::payroll
