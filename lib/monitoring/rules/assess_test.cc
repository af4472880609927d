#include "monitoring/rules/assess.h"

#include <gtest/gtest.h>

namespace dp::monitoring {
namespace {

const Settings& Defaults() {
  static const std::vector<Settings> versions = [] {
    auto v = LoadDefaults(std::string(DP_SOURCE_DIR) + "/data/monitoring/settings.json");
    EXPECT_TRUE(v.ok()) << v.status();
    return *v;
  }();
  return InForce(versions, absl::CivilDay(2026, 12, 2));
}

// Settled is a year-old agreement, managed by the person, paying £1,300 net
// every four weeks (£325 a week), with money moving, nothing owed.
Facts Settled() {
  Facts f;
  f.agreement_id = 1;
  f.authority_id = "FIFE";
  f.today = absl::CivilDay(2026, 12, 2);
  f.start_date = absl::CivilDay(2025, 10, 6);
  f.annual_cost_pence = 18'200'00;
  f.net_per_week_pence = 325'00;
  f.agreement_surplus_weeks = 8;
  f.balance_pence = 1'300'00;
  f.last_spend_day = absl::CivilDay(2026, 11, 28);
  f.last_review_day = absl::CivilDay(2026, 10, 1);
  f.payments_in_window = 3;
  f.paid_in_window_pence = 3'900'00;
  f.spent_in_window_pence = 3'700'00;
  return f;
}

std::vector<std::string> Checks(const Facts& f) {
  const Assessment a = Assess(f, Defaults());
  std::vector<std::string> out;
  for (const Candidate& c : Check(f, Defaults(), a)) out.push_back(c.key);
  return out;
}

TEST(Assess, ASettledAgreementIsLightWithNothingFound) {
  const Assessment a = Assess(Settled(), Defaults());
  EXPECT_EQ(a.tier, Tier::kLight);
  EXPECT_EQ(a.points, 0);
  EXPECT_TRUE(a.factors.empty());
  EXPECT_EQ(a.next_review_due, absl::CivilDay(2027, 10, 1)) << "12 months after the last review";
  EXPECT_EQ(a.words,
            "Your direct payment has light monitoring: it is reviewed every 12 months, next by 1 "
            "October 2027. What we may ask for: Nothing routinely: the card and bank records are enough. "
            "Nothing in your records adds to this.");
  EXPECT_TRUE(Checks(Settled()).empty());
}

TEST(Assess, FactorsAddUpToATierThePersonCanRead) {
  Facts f = Settled();
  f.start_date = absl::CivilDay(2026, 9, 1);  // new: 2 points
  f.manager_kind = "guardian";                 // 1 point
  f.force_posts_90d = 2;                       // 1 point
  f.cash_90d_pence = 40'00;                    // 1 point
  const Assessment a = Assess(f, Defaults());
  EXPECT_EQ(a.points, 5);
  EXPECT_EQ(a.tier, Tier::kEnhanced);
  ASSERT_EQ(a.factors.size(), 4u);
  EXPECT_EQ(a.factors[0].words, "Your direct payment started on 1 September 2026, less than 6 months ago.");
  EXPECT_EQ(a.factors[1].words, "Someone else looks after the money: your guardian manages the money for you.");
  EXPECT_EQ(a.factors[2].words,
            "2 card payments were taken in the last 90 days without being authorised first.");
  EXPECT_EQ(a.factors[3].words, "£40.00 was taken as cash in the last 90 days.");
  EXPECT_EQ(a.next_review_due, absl::CivilDay(2027, 1, 1)) << "enhanced: 3 months after the last review";
  Settings lenient = Defaults();
  lenient.enhanced_from_points = 6;
  EXPECT_EQ(Assess(f, lenient).tier, Tier::kStandard) << "the settings decide, not the code";
}

TEST(Surplus, FiresAboveTheThresholdAfterCommitmentsAndContingency) {
  Facts f = Settled();
  // 8 weeks of £325 = £2,600. Holding £2,600.00 exactly is not a surplus.
  f.balance_pence = 2'600'00;
  EXPECT_TRUE(Checks(f).empty()) << "at the threshold";
  f.balance_pence = 2'600'01;
  ASSERT_EQ(Checks(f), std::vector<std::string>{"surplus"}) << "a penny over";
  // Wages owed and a card purchase not yet paid are committed.
  f.balance_pence = 3'000'00;
  f.wages_owed_pence = 300'00;
  f.held_pence = 100'00;
  EXPECT_TRUE(Checks(f).empty()) << "£3,000 less £400 committed is at the threshold";
  f.held_pence = 99'99;
  const Surplus s = SurplusOf(f, Defaults());
  EXPECT_EQ(s.free_pence, 2'600'01);
  EXPECT_EQ(s.above_pence, 1);
}

TEST(Surplus, MoneyHeldBackForAccruedHolidayPayIsNotASurplus) {
  Facts f = Settled();
  f.balance_pence = 2'700'00;  // £100 over 8 weeks before the contingency
  PaFacts pa;
  pa.employee_id = 3;
  pa.start_date = absl::CivilDay(2026, 11, 20);  // too new for notice pay
  pa.holiday_accrued_centi_hours = 10'00;        // 10 hours accrued...
  pa.holiday_taken_centi_hours = 2'00;           // ...2 taken
  pa.holiday_rate_pence = 12'60;                 // £12.60 an hour
  pa.payslips = {"run 4, employee 3"};
  f.pas = {pa};
  const Surplus s = SurplusOf(f, Defaults());
  EXPECT_EQ(s.contingency.holiday_pence, 100'80) << "8 hours at £12.60";
  EXPECT_EQ(s.contingency.notice_pence, 0);
  EXPECT_EQ(s.above_pence, 0);
  EXPECT_TRUE(Checks(f).empty());
  f.balance_pence = 2'800'00;
  const Assessment a = Assess(f, Defaults());
  const auto found = Check(f, Defaults(), a);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].amount_pence, 99'20);
  EXPECT_EQ(found[0].payslips, std::vector<std::string>{"run 4, employee 3"});
  EXPECT_EQ(found[0].summary,
            "The account holds £2,800.00. Less £0.00 committed to card purchases, £0.00 owed (wages, "
            "tax, pension), and £100.80 kept for PAs (holiday £100.80, notice £0.00, redundancy £0.00), "
            "£2,699.20 is free: £99.20 more than 8 weeks of budget (£2,600.00). Talk with the person "
            "about why before deciding anything.");
}

TEST(Surplus, NoticeAndRedundancyGrowWithService) {
  PaFacts pa;
  pa.start_date = absl::CivilDay(2021, 6, 1);  // 5 full years on 2 Dec 2026
  pa.recent_gross_pence = 9'600'00;
  pa.recent_weeks = 12;  // £800 a week
  const Contingency c = PaContingency({pa}, Defaults(), absl::CivilDay(2026, 12, 2));
  EXPECT_EQ(c.notice_pence, 5 * 800'00);
  EXPECT_EQ(c.redundancy_pence, 5 * 719'00) << "a week's pay is capped";
}

TEST(Checks, UnpaidHmrcAfterThe22ndOfTheNextMonth) {
  Facts f = Settled();
  f.today = absl::CivilDay(2026, 11, 10);
  // September's pay: due by 22 October; October's: by 22 November.
  f.hmrc_accruals = {{absl::CivilDay(2026, 9, 26), 150'00, 70}, {absl::CivilDay(2026, 10, 24), 150'00, 71}};
  f.hmrc_owed_pence = 150'00;  // September's was paid: what is owed is October's
  EXPECT_TRUE(Checks(f).empty());
  f.hmrc_owed_pence = 300'00;  // neither was paid
  Assessment a = Assess(f, Defaults());
  auto found = Check(f, Defaults(), a);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].key, "unpaid_liability:hmrc");
  EXPECT_EQ(found[0].amount_pence, 150'00) << "only September's was due";
  EXPECT_EQ(found[0].transaction_ids, std::vector<int64_t>{70});
  EXPECT_EQ(found[0].summary, "£150.00 owed to HMRC was due by 22 October 2026 and is unpaid.");
  EXPECT_EQ(a.tier, Tier::kStandard) << "3 points for an unpaid liability";
  f.today = absl::CivilDay(2026, 11, 22);
  EXPECT_EQ(Check(f, Defaults(), Assess(f, Defaults()))[0].amount_pence, 150'00)
      << "October's is not late on the day it is due";
  f.today = absl::CivilDay(2026, 11, 23);
  found = Check(f, Defaults(), Assess(f, Defaults()));
  EXPECT_EQ(found[0].amount_pence, 300'00);
  EXPECT_EQ(found[0].transaction_ids, (std::vector<int64_t>{70, 71}));
}

TEST(Checks, NegativeBalanceFromACardShortfall) {
  Facts f = Settled();
  EXPECT_TRUE(Checks(f).empty());
  f.shortfall_pence = 12'40;
  f.force_post_transactions = {88};
  const auto found = Check(f, Defaults(), Assess(f, Defaults()));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].check, "negative_balance");
  EXPECT_EQ(found[0].amount_pence, 12'40);
  EXPECT_EQ(found[0].transaction_ids, std::vector<int64_t>{88});
}

TEST(Checks, BlockedAttemptsFromTheSettingsCount) {
  Facts f = Settled();
  f.blocked_declines_90d = 2;
  EXPECT_TRUE(Checks(f).empty()) << "fewer than 3";
  f.blocked_declines_90d = 3;
  EXPECT_EQ(Checks(f), std::vector<std::string>{"blocked_spending"});
}

TEST(Checks, PersistentUnderspend) {
  Facts f = Settled();
  f.spent_in_window_pence = 1'950'00;  // exactly half
  EXPECT_TRUE(Checks(f).empty());
  f.spent_in_window_pence = 1'949'99;
  EXPECT_EQ(Checks(f), std::vector<std::string>{"underspend"});
  f.payments_in_window = 2;  // too soon to say
  EXPECT_TRUE(Checks(f).empty());
}

TEST(Checks, DormantAfterTheSettingsDays) {
  Facts f = Settled();
  f.last_spend_day = f.today - 89;
  EXPECT_TRUE(Checks(f).empty());
  f.last_spend_day = f.today - 90;
  EXPECT_EQ(Checks(f), std::vector<std::string>{"dormant"});
}

TEST(Checks, OverdueReviewAndInformation) {
  Facts f = Settled();
  f.last_review_day = absl::CivilDay(2025, 12, 2);  // light: every 12 months
  EXPECT_TRUE(Checks(f).empty()) << "due by today";
  f.last_review_day = absl::CivilDay(2025, 12, 1);
  EXPECT_EQ(Checks(f), std::vector<std::string>{"overdue_review"}) << "due by yesterday";
  f.last_review_day = absl::CivilDay(2026, 10, 1);
  f.information_overdue = {{7, absl::CivilDay(2026, 12, 1)}};
  EXPECT_EQ(Checks(f), std::vector<std::string>{"overdue_information:7"});
}

TEST(Checks, BankReturnsShowWagesPayrollDoesNotAndContributionsNotPaidIn) {
  Facts f = Settled();
  EXPECT_TRUE(Checks(f).empty());
  f.unpaid_payslips = {"run 4, employee 3"};
  f.unpaid_wages_pence = 612'34;
  auto found = Check(f, Defaults(), Assess(f, Defaults()));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].check, "pa_payments");
  EXPECT_EQ(found[0].amount_pence, 612'34);
  EXPECT_EQ(found[0].payslips, std::vector<std::string>{"run 4, employee 3"});
  EXPECT_EQ(found[0].summary,
            "1 payslip's net wages (£612.34) do not appear on the bank statement. Check with the person "
            "and their payroll provider.");
  f = Settled();
  f.contributions_missing = 2;
  f.contributions_missing_pence = 200'00;
  EXPECT_EQ(Checks(f), std::vector<std::string>{"contribution_unpaid"});
  f = Settled();
  f.blocked_bank_lines_90d = 1;
  f.blocked_bank_pence_90d = 20'00;
  found = Check(f, Defaults(), Assess(f, Defaults()));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].summary,
            "The bank statement shows 1 payment (£20.00) in the last 90 days of a kind a direct payment "
            "may not buy.");
}

TEST(Settings, RefuseWhatNoAuthorityCouldWorkBy) {
  Settings s = Defaults();
  EXPECT_TRUE(s.Check("settings.").ok());
  s.enhanced_from_points = s.standard_from_points;
  EXPECT_EQ(std::string(s.Check("settings.").message()), "settings.enhanced_from_points must be more than standard_from_points");
  s = Defaults();
  s.review_months[2] = 13;
  EXPECT_FALSE(s.Check("settings.").ok()) << "enhanced reviewed less often than standard";
  s = Defaults();
  s.redundancy_week_cap_pence = 0;
  EXPECT_EQ(std::string(s.Check("settings.").message()), "settings.redundancy_week_cap must be positive and at most £10,000.00");
  auto round = FromJson(ToJson(Defaults()));
  ASSERT_TRUE(round.ok());
  EXPECT_EQ(ToJson(*round), ToJson(Defaults()));
}

}  // namespace
}  // namespace dp::monitoring
