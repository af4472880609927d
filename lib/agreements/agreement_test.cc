#include "agreements/agreement.h"

#include <cstdint>

#include "base/bounds.h"
#include "base/refusal.h"

#include "gtest/gtest.h"

namespace dp::agreements {
namespace {

Terms FourWeekly() {
  Terms t;
  t.start = absl::CivilDay(2026, 4, 6);
  t.frequency = Frequency::kFourWeekly;
  t.gross_budget_per_period_pence = 200000;  // 2,000.00
  t.contribution_per_period_pence = 15385;   // 153.85
  t.permitted_uses = {"pa_employment", "short_breaks"};
  return t;
}

TEST(Lifecycle, AllowsTheDocumentedMovesOnly) {
  EXPECT_TRUE(CheckTransition(Status::kDraft, Status::kAwaitingApproval).ok());
  EXPECT_TRUE(CheckTransition(Status::kAwaitingApproval, Status::kApproved).ok());
  EXPECT_TRUE(CheckTransition(Status::kAwaitingApproval, Status::kDraft).ok());
  EXPECT_TRUE(CheckTransition(Status::kApproved, Status::kActive).ok());
  EXPECT_TRUE(CheckTransition(Status::kActive, Status::kSuspended).ok());
  EXPECT_TRUE(CheckTransition(Status::kSuspended, Status::kActive).ok());
  EXPECT_TRUE(CheckTransition(Status::kSuspended, Status::kTerminated).ok());
  for (auto [from, to] : {std::pair{Status::kDraft, Status::kActive},
                          std::pair{Status::kDraft, Status::kApproved},
                          std::pair{Status::kApproved, Status::kSuspended},
                          std::pair{Status::kTerminated, Status::kActive},
                          std::pair{Status::kTerminated, Status::kTerminated}}) {
    const absl::Status s = CheckTransition(from, to);
    EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_NE(std::string(s.message()).find(StatusName(from)), std::string::npos) << s;
    EXPECT_NE(std::string(s.message()).find(StatusName(to)), std::string::npos) << s;
  }
}

TEST(DelegatedApproval, AnnualCostDecidesWhoMayApprove) {
  const ApprovalLimits limits{1000000, 4000000};  // 10,000 worker; 40,000 manager
  EXPECT_EQ(RequiredApprovalLevel(1000000, limits), ApprovalLevel::kWorker);
  EXPECT_EQ(RequiredApprovalLevel(1000001, limits), ApprovalLevel::kManager);
  EXPECT_EQ(RequiredApprovalLevel(4000001, limits), ApprovalLevel::kPanel);
  EXPECT_TRUE(CheckApprover(ApprovalLevel::kManager, 2000000, limits).ok());
  const absl::Status refused = CheckApprover(ApprovalLevel::kWorker, 2000000, limits);
  EXPECT_EQ(refused.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(std::string(refused.message()).find("manager"), std::string::npos) << refused;
  EXPECT_EQ(CheckApprover(ApprovalLevel::kManager, 5000000, limits).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(CheckApprover(ApprovalLevel::kPanel, 5000000, limits).ok());
}

TEST(Terms, InvalidTermsAreRefusedByName) {
  struct Case {
    std::function<void(Terms&)> change;
    std::string field;
  };
  const std::vector<Case> cases = {
      {[](Terms& t) { t.end = absl::CivilDay(2026, 4, 5); }, "end_date"},
      {[](Terms& t) { t.gross_budget_per_period_pence = -1; }, "gross_budget"},
      {[](Terms& t) { t.contribution_per_period_pence = 200001; }, "assessed_contribution"},
      {[](Terms& t) { t.permitted_uses.push_back("long_term_residential_care"); }, "permitted_uses"},
      {[](Terms& t) { t.permitted_uses = {"casino"}; }, "permitted_uses"},
  };
  for (const Case& c : cases) {
    Terms t = FourWeekly();
    c.change(t);
    const absl::Status s = ValidateTerms(t);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_NE(std::string(s.message()).find(c.field), std::string::npos) << s;
  }
  EXPECT_TRUE(ValidateTerms(FourWeekly()).ok());
}

// A budget near 2^63 pence once wrapped the annual-cost product to a few
// pence, so that a manager could approve it without the panel.
TEST(Terms, AnOverflowingBudgetIsRefusedNotWrapped) {
  Terms t = FourWeekly();
  t.gross_budget_per_period_pence = INT64_MAX / 13 + 1;
  const absl::Status s = ValidateTerms(t);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(s), "gross_budget");
  EXPECT_EQ(ReasonOf(s), "OVER_LIMIT");
  t.gross_budget_per_period_pence = bounds::kMaxBudgetPerPeriodPence;
  EXPECT_TRUE(ValidateTerms(t).ok());
  EXPECT_EQ(AnnualCost(t), bounds::kMaxBudgetPerPeriodPence * 13);
  EXPECT_EQ(RequiredApprovalLevel(AnnualCost(t), {2000000, 5000000}), ApprovalLevel::kPanel);
}

TEST(Schedule, FourWeeklyInAdvanceNetOfContributionWithAProRatedFirstPeriod) {
  Terms t = FourWeekly();
  t.start = absl::CivilDay(2026, 4, 13);  // 7 days into a cycle starting 6 April
  auto payments = Schedule(t, absl::CivilDay(2026, 4, 6), absl::CivilDay(2026, 6, 1));
  ASSERT_TRUE(payments.ok()) << payments.status();
  ASSERT_EQ(payments->size(), 3u);
  const int64_t net = 200000 - 15385;
  EXPECT_TRUE((*payments)[0].pro_rated);
  EXPECT_EQ((*payments)[0].due, absl::CivilDay(2026, 4, 13));
  EXPECT_EQ((*payments)[0].period_end, absl::CivilDay(2026, 5, 3));
  EXPECT_EQ((*payments)[0].amount_pence, net * 21 / 28);  // 21 of 28 days
  EXPECT_FALSE((*payments)[1].pro_rated);
  EXPECT_EQ((*payments)[1].due, absl::CivilDay(2026, 5, 4));
  EXPECT_EQ((*payments)[1].amount_pence, net);
  EXPECT_EQ((*payments)[2].due, absl::CivilDay(2026, 6, 1));
}

TEST(Schedule, MonthlyWithProRatedFirstAndLastPeriods) {
  Terms t = FourWeekly();
  t.frequency = Frequency::kMonthly;
  t.start = absl::CivilDay(2026, 4, 21);
  t.end = absl::CivilDay(2026, 7, 10);
  t.pay_gross = true;  // the person pays their contribution themselves
  auto payments = Schedule(t, absl::CivilDay(2026, 1, 1), absl::CivilDay(2027, 1, 1));
  ASSERT_TRUE(payments.ok());
  ASSERT_EQ(payments->size(), 4u);  // April (part), May, June, July (part)
  EXPECT_EQ((*payments)[0].amount_pence, 200000 * 10 / 30);  // 21-30 April
  EXPECT_EQ((*payments)[1].amount_pence, 200000);
  EXPECT_EQ((*payments)[3].period_end, absl::CivilDay(2026, 7, 10));
  EXPECT_EQ((*payments)[3].amount_pence, 200000 * 10 / 31);
  int64_t total = 0;
  for (const auto& p : *payments) total += p.amount_pence;
  EXPECT_LT(total, 4 * 200000);
}

TEST(Schedule, NothingBeforeTheStartAndNothingAfterTheEnd) {
  Terms t = FourWeekly();
  t.end = absl::CivilDay(2026, 4, 6);  // a one-day agreement
  auto payments = Schedule(t, absl::CivilDay(2026, 4, 6), absl::CivilDay(2027, 4, 6));
  ASSERT_TRUE(payments.ok());
  ASSERT_EQ(payments->size(), 1u);
  EXPECT_EQ((*payments)[0].amount_pence, (200000 - 15385) / 28);
}

TEST(PaymentsDue, AnAmendmentChangesOnlyPeriodsDueFromItsDate) {
  Terms first = FourWeekly();  // from 6 April 2026, £2,000 less £153.85
  first.start = absl::CivilDay(2026, 4, 20);
  Terms second = first;
  second.gross_budget_per_period_pence = 300000;
  second.end = absl::CivilDay(2026, 6, 14);  // ends mid-period
  const std::vector<Version> versions = {{1, first.start, first},
                                         {2, absl::CivilDay(2026, 5, 20), second}};
  auto due = PaymentsDue(versions, absl::CivilDay(2026, 4, 6), first.start,
                         absl::CivilDay(2026, 12, 31));
  ASSERT_TRUE(due.ok()) << due.status();
  ASSERT_EQ(due->size(), 3u);
  // 20 April - 3 May: half of the first period at version 1's rate.
  EXPECT_EQ((*due)[0].version, 1);
  EXPECT_EQ((*due)[0].amount_pence, (200000 - 15385) * 14 / 28);
  // 4 May - 31 May: due 4 May, before the amendment: version 1 in full.
  EXPECT_EQ((*due)[1].version, 1);
  EXPECT_EQ((*due)[1].amount_pence, 200000 - 15385);
  // 1 June - 14 June: version 2, pro rata for 14 days.
  EXPECT_EQ((*due)[2].version, 2);
  EXPECT_EQ((*due)[2].amount_pence, (300000 - 15385) * 14 / 28);
}

TEST(PaymentsDue, NothingDueBeforePayableFrom) {
  Terms t = FourWeekly();
  auto due = PaymentsDue({{1, t.start, t}}, t.start, absl::CivilDay(2026, 5, 10),
                         absl::CivilDay(2026, 6, 28));
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 1u);  // 6 April and 4 May are before 10 May
  EXPECT_EQ((*due)[0].due, absl::CivilDay(2026, 6, 1));
}

TEST(Recoverable, HeldLessEverythingOwedNeverBelowZero) {
  Position p;
  p.balance_held_pence = 500000;
  p.wages_owed_pence = 120000;
  p.hmrc_owed_pence = 30000;
  p.pension_owed_pence = 5000;
  p.notice_pay_owed_pence = 20000;
  p.holiday_pay_owed_pence = 10000;
  EXPECT_EQ(Recoverable(p), 315000);
  p.other_owed_pence = 400000;
  EXPECT_EQ(Recoverable(p), 0);
}

TEST(Liability, SortedByTheAccountCodesEnding) {
  EXPECT_EQ(LiabilityOf("AGR-1:EMP-1:WAGES"), LiabilityKind::kWages);
  EXPECT_EQ(LiabilityOf("AGR-1:EMP-1:HMRC"), LiabilityKind::kHmrc);
  EXPECT_EQ(LiabilityOf("AGR-1:EMP-1:PENSION"), LiabilityKind::kPension);
  EXPECT_EQ(LiabilityOf("AGR-1:CARD-SHORTFALL"), LiabilityKind::kOther);
  EXPECT_EQ(LiabilityOf("AGR-1:HMRC-REFUND"), LiabilityKind::kOther) << "the ending, not a part";
}

}  // namespace
}  // namespace dp::agreements
