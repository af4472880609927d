// The payroll books' pure parts: which tax code a pay date uses, and who
// re-enrolment brings back into the pension scheme.
#include "gtest/gtest.h"
#include "payroll/books/book.h"
#include "payroll/engine/test_years.h"

namespace dp::payroll {
namespace {

using testing::Y2026;

Employee Registered(const std::string& code, bool w1m1, absl::CivilDay start) {
  Employee e;
  e.tax_code = code;
  e.week1_month1 = w1m1;
  e.start_date = start;
  return e;
}

TEST(CodeInForce, TheLatestNoticeOnOrBeforeThePayDateApplies) {
  const Employee pa = Registered("S1257L", false, absl::CivilDay(2026, 4, 6));
  const std::vector<TaxCodeNotice> notices = {
      {1, "P6", "S1100L", false, absl::CivilDay(2026, 6, 1), ""},
      {2, "P6", "S900L", true, absl::CivilDay(2026, 9, 1), ""}};
  EXPECT_EQ(CodeInForce(pa, notices, absl::CivilDay(2026, 5, 29), &Y2026()).tax_code, "S1257L");
  EXPECT_EQ(CodeInForce(pa, notices, absl::CivilDay(2026, 6, 1), &Y2026()).tax_code, "S1100L");
  const TaxCodeNotice later = CodeInForce(pa, notices, absl::CivilDay(2026, 9, 26), &Y2026());
  EXPECT_EQ(later.tax_code, "S900L");
  EXPECT_TRUE(later.week1_month1);
}

TEST(CodeInForce, ACodeCarriedIntoANewYearStartsItCumulativeAndUplifted) {
  // Registered in 2025-26 on Week 1/Month 1: from 6 April 2026 cumulative.
  const Employee pa = Registered("S1257L", true, absl::CivilDay(2025, 10, 1));
  const TaxCodeNotice carried = CodeInForce(pa, {}, absl::CivilDay(2026, 4, 24), &Y2026());
  EXPECT_EQ(carried.tax_code, "S1257L") << "no P9X uplift in 2026-27 (data)";
  EXPECT_FALSE(carried.week1_month1);
  // With a P9X uplift of 10 for L codes, a carried L code gains it; K and
  // BR codes do not.
  TaxYear uplifted = Y2026();
  uplifted.start_of_year_uplift['L'] = 10;
  EXPECT_EQ(CodeInForce(pa, {}, absl::CivilDay(2026, 4, 24), &uplifted).tax_code, "S1267L");
  EXPECT_EQ(CodeInForce(Registered("K100", false, absl::CivilDay(2025, 10, 1)), {},
                        absl::CivilDay(2026, 4, 24), &uplifted).tax_code,
            "K100");
  EXPECT_EQ(CodeInForce(Registered("SBR", true, absl::CivilDay(2025, 10, 1)), {},
                        absl::CivilDay(2026, 4, 24), &uplifted).tax_code,
            "SBR");
  // A code from this year keeps its basis.
  EXPECT_TRUE(CodeInForce(Registered("S1257L", true, absl::CivilDay(2026, 4, 6)), {},
                          absl::CivilDay(2026, 4, 24), &uplifted).week1_month1);
}

// Re-enrolment every 3 years from the duties start (1 June 2022): those
// who opted out more than 12 months before it are enrolled again on it.
TEST(ReEnrolled, ThoseWhoOptedOutMoreThanAYearBeforeComeBackOnTheDate) {
  Employer employer;
  employer.duties_start = absl::CivilDay(2022, 6, 1);
  Employee pa = Registered("S1257L", false, absl::CivilDay(2022, 6, 1));
  pa.pension_opted_out = true;
  pa.pension_opted_out_on = absl::CivilDay(2022, 7, 15);
  EXPECT_FALSE(ReEnrolled(pa, employer, absl::CivilDay(2025, 5, 31)));
  EXPECT_TRUE(ReEnrolled(pa, employer, absl::CivilDay(2025, 6, 1)));
  // Opted out again after re-enrolment: out until the next date, 2028.
  pa.pension_opted_out_on = absl::CivilDay(2025, 6, 20);
  EXPECT_FALSE(ReEnrolled(pa, employer, absl::CivilDay(2027, 1, 1)));
  EXPECT_TRUE(ReEnrolled(pa, employer, absl::CivilDay(2028, 6, 1)));
  // Opted out within the 12 months before: not brought back this time.
  pa.pension_opted_out_on = absl::CivilDay(2024, 9, 1);
  EXPECT_FALSE(ReEnrolled(pa, employer, absl::CivilDay(2025, 6, 1)));
  // Never opted out, or no duties yet: nothing to do.
  pa.pension_opted_out = false;
  EXPECT_FALSE(ReEnrolled(pa, employer, absl::CivilDay(2025, 6, 1)));
  pa.pension_opted_out = true;
  employer.duties_start.reset();
  EXPECT_FALSE(ReEnrolled(pa, employer, absl::CivilDay(2025, 6, 1)));
}

}  // namespace
}  // namespace dp::payroll
