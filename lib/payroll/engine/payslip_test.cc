#include "payroll/engine/payslip.h"

#include "base/refusal.h"
#include "gtest/gtest.h"
#include "payroll/engine/test_years.h"

namespace dp::payroll {
namespace {

using testing::Years;
using testing::Y2025;
using testing::Y2026;

Timesheet Week(int64_t hours_centi_per_day) {
  Timesheet t{absl::CivilDay(2026, 5, 4), absl::CivilDay(2026, 5, 31), {}};
  for (int d = 0; d < 5; ++d) {
    t.entries.push_back({absl::CivilDay(2026, 5, 4) + d, RateType::kStandard, hours_centi_per_day});
  }
  return t;
}

TEST(Timesheet, RefusesDatesOutsideThePeriodLongDaysAndLowRates) {
  const Rates rates{1350, 1400, 900, 1350};
  EXPECT_TRUE(ValidateTimesheet(Years(), Week(800), rates, true).ok());

  Timesheet outside = Week(800);
  outside.entries[2].date = absl::CivilDay(2026, 6, 1);
  auto s = ValidateTimesheet(Years(), outside, rates, false);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("entries[2] (2026-06-01) is outside the pay period"),
            std::string::npos) << s;

  Timesheet long_day = Week(800);
  long_day.entries.push_back({absl::CivilDay(2026, 5, 5), RateType::kNight, 1700});
  s = ValidateTimesheet(Years(), long_day, rates, false);
  EXPECT_NE(s.message().find("entries for 2026-05-05 add up to 25.00 hours"), std::string::npos)
      << s;

  // 2026-27: National Living Wage 12.71, Scottish care minimum 13.45.
  const Rates low{1300, 1400, 900, 1350};
  EXPECT_TRUE(ValidateTimesheet(Years(), Week(800), low, false).ok());
  s = ValidateTimesheet(Years(), Week(800), low, true);
  EXPECT_NE(s.message().find("below the Scottish adult social care minimum of £13.45"),
            std::string::npos) << s;
  const Rates below_nlw{1200, 1400, 900, 1350};
  s = ValidateTimesheet(Years(), Week(800), below_nlw, false);
  EXPECT_NE(s.message().find("below the National Living Wage of £12.71"), std::string::npos) << s;
  // Sleepover hours are not held to the hourly floor.
  Timesheet sleep = Week(800);
  sleep.entries.push_back({absl::CivilDay(2026, 5, 6), RateType::kSleepover, 900});
  EXPECT_TRUE(ValidateTimesheet(Years(), sleep, rates, true).ok());
}

// A timesheet covers one pay period: a ten-year one was once accepted.
TEST(Timesheet, CoversOnePayPeriodAtMost) {
  const Rates rates{1350, 1400, 900, 1350};
  Timesheet decade = Week(800);
  decade.period_end = absl::CivilDay(2036, 5, 31);
  auto s = ValidateTimesheet(Years(), decade, rates, false);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(s), "period_end");
  Timesheet month = Week(800);
  month.period_start = absl::CivilDay(2026, 5, 1);
  EXPECT_TRUE(ValidateTimesheet(Years(), month, rates, false).ok()) << "31 days is a month";
  Timesheet crowded = Week(800);
  for (int i = 0; i < 300; ++i) crowded.entries.push_back({absl::CivilDay(2026, 5, 4), RateType::kStandard, 1});
  EXPECT_EQ(FieldOf(ValidateTimesheet(Years(), crowded, rates, false)), "entries");
}

TEST(PeriodNumber, CountsFromTheSixthOfApril) {
  const TaxYear& y = **Years().ByName("2026-27");
  EXPECT_EQ(PeriodNumber(y, PayFrequency::kFourWeekly, absl::CivilDay(2026, 4, 6)), 1);
  EXPECT_EQ(PeriodNumber(y, PayFrequency::kFourWeekly, absl::CivilDay(2026, 5, 4)), 2);
  EXPECT_EQ(PeriodNumber(y, PayFrequency::kMonthly, absl::CivilDay(2026, 5, 5)), 1);
  EXPECT_EQ(PeriodNumber(y, PayFrequency::kMonthly, absl::CivilDay(2026, 5, 6)), 2);
  EXPECT_EQ(PeriodNumber(y, PayFrequency::kWeekly, absl::CivilDay(2027, 4, 5)), 53);
}

TEST(Payslip, GrossFromHoursThenTaxNiPensionAndNet) {
  const TaxYear& y = **Years().ByName("2026-27");
  PayslipInput in;
  in.frequency = PayFrequency::kFourWeekly;
  in.payment_date = absl::CivilDay(2026, 5, 29);  // period 2
  in.tax_code = "S1257L";
  in.age_years = 40;
  in.pension_member = true;
  in.rates = {1350, 1400, 900, 1350};
  in.timesheet = Week(1500);  // 75 hours at 13.50
  in.timesheet.entries.push_back({absl::CivilDay(2026, 5, 9), RateType::kNight, 1050});
  in.employment_allowance_remaining_pence = 1'050'000;
  auto s = ComputePayslip(y, in);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->period, 2);
  EXPECT_EQ(s->gross_pence, 75 * 1350 + 1050 * 1400 / 100);  // 1012.50 + 147.00
  EXPECT_EQ(s->net_pence,
            s->gross_pence - s->tax_pence - s->employee_ni_pence - s->employee_pension_pence);
  EXPECT_GT(s->employee_ni_pence, 0);
  EXPECT_EQ(s->employer_ni_pence, 0) << "the allowance covers it";
  EXPECT_GT(s->employment_allowance_pence, 0);
  EXPECT_EQ(s->pension_category, WorkerCategory::kEligibleJobholder);
  EXPECT_GT(s->employer_pension_pence, 0);
  EXPECT_EQ(s->EmployerCost(), s->gross_pence + s->employer_pension_pence);
}

TEST(Payslip, EligibleJobholdersAreEnrolledUnlessPostponedOrOptedOut) {
  const TaxYear& y = **Years().ByName("2026-27");
  PayslipInput in;
  in.frequency = PayFrequency::kFourWeekly;
  in.payment_date = absl::CivilDay(2026, 5, 29);
  in.tax_code = "S1257L";
  in.age_years = 30;
  in.rates = {1400, 0, 0, 0};
  in.timesheet = Week(1500);  // 1,050.00: above the 4-weekly trigger of 768.00
  auto enrolled = ComputePayslip(y, in);
  ASSERT_TRUE(enrolled.ok());
  EXPECT_EQ(enrolled->pension_category, WorkerCategory::kEligibleJobholder);
  EXPECT_FALSE(enrolled->pension_postponed);
  // 5% and 3% of qualifying earnings, 1,050.00 less the 4-weekly 480.00.
  EXPECT_EQ(enrolled->employee_pension_pence, 2850);
  EXPECT_EQ(enrolled->employer_pension_pence, 1710);

  in.pension_postponed_until = absl::CivilDay(2026, 7, 1);
  auto postponed = ComputePayslip(y, in);
  EXPECT_TRUE(postponed->pension_postponed);
  EXPECT_EQ(postponed->employee_pension_pence, 0);
  EXPECT_EQ(postponed->employer_pension_pence, 0);
  in.payment_date = absl::CivilDay(2026, 7, 24);  // postponement over: enrolled
  auto after = ComputePayslip(y, in);
  EXPECT_FALSE(after->pension_postponed);
  EXPECT_EQ(after->employee_pension_pence, 2850);

  in.pension_opted_out = true;
  EXPECT_EQ(ComputePayslip(y, in)->employee_pension_pence, 0);
  in.timesheet = Week(500);  // 350.00: entitled; not enrolled unless they join
  in.pension_opted_out = false;
  EXPECT_EQ(ComputePayslip(y, in)->employee_pension_pence, 0);
}

}  // namespace
}  // namespace dp::payroll
