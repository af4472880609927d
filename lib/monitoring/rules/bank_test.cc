#include "monitoring/rules/bank.h"

#include <gtest/gtest.h>

namespace dp::monitoring {
namespace {

TEST(BankStatement, ReadsGoodLinesAndNumbersTheBadOnes) {
  auto s = ParseBankStatement("Date,Description,Amount,Balance",
                              {"2026-11-02,TESCO STORES 2291,-23.10,976.90",
                               "16/11/2026,\"FIFE COUNCIL, DIRECT PAYMENT\",\"1,300.00\",2276.90",
                               "2026-11-31,BAD DATE,-1.00,0",
                               "2026-11-20,NOT MONEY,-1.0.0,0",
                               "2026-11-21,,-5.00,0",
                               "",
                               "2026-11-22,ZERO,0.00,0",
                               "2026-11-23,SHORT"},
                              2);
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->lines.size(), 2u);
  EXPECT_EQ(s->lines[0].line_no, 2);
  EXPECT_EQ(s->lines[0].date, absl::CivilDay(2026, 11, 2));
  EXPECT_EQ(s->lines[0].amount_pence, -23'10);
  EXPECT_EQ(s->lines[1].date, absl::CivilDay(2026, 11, 16)) << "DD/MM/YYYY, the UK's order";
  EXPECT_EQ(s->lines[1].amount_pence, 1'300'00);
  EXPECT_EQ(s->lines[1].description, "FIFE COUNCIL, DIRECT PAYMENT");
  ASSERT_EQ(s->problems.size(), 5u) << "the blank line is skipped, not a problem";
  EXPECT_EQ(s->problems[0].line_no, 4);
  EXPECT_EQ(s->problems[0].detail, "date: \"2026-11-31\" is not YYYY-MM-DD or DD/MM/YYYY");
  EXPECT_EQ(s->problems[1].line_no, 5);
  EXPECT_EQ(s->problems[1].detail, "amount: not an amount in pounds");
  EXPECT_EQ(s->problems[2].detail, "description: 1 to 500 characters");
  EXPECT_EQ(s->problems[3].line_no, 8);
  EXPECT_EQ(s->problems[4].line_no, 9);
}

TEST(BankStatement, PaidOutAndPaidInColumns) {
  auto s = ParseBankStatement("date,description,paid out,paid in",
                              {"2026-11-02,TESCO,23.10,", "2026-11-03,REFUND,,5.00", "2026-11-04,BOTH,1.00,2.00"},
                              2);
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->lines.size(), 2u);
  EXPECT_EQ(s->lines[0].amount_pence, -23'10);
  EXPECT_EQ(s->lines[1].amount_pence, 5'00);
  ASSERT_EQ(s->problems.size(), 1u);
  EXPECT_EQ(s->problems[0].detail, "paid_out and paid_in: give exactly one");
  EXPECT_FALSE(ParseBankStatement("when,what,how much", {}, 2).ok()) << "no guessing at columns";
}

TEST(BankRules, TheFirstMatchingRuleSortsALine) {
  BankRules rules{absl::CivilDay(2020, 1, 1),
                  {{"HMRC", "hmrc", false}, {"BET365", "gambling", true}, {"CASH", "cash", false}}};
  bool blocked = true;
  EXPECT_EQ(rules.Categorise("HMRC CUMBERNAULD", &blocked), "hmrc");
  EXPECT_FALSE(blocked);
  EXPECT_EQ(rules.Categorise("bet365 ltd", &blocked), "gambling");
  EXPECT_TRUE(blocked);
  EXPECT_EQ(rules.Categorise("CORNER SHOP", &blocked), "uncategorised");
  auto loaded = LoadBankRules(std::string(DP_SOURCE_DIR) + "/data/monitoring/bank_rules.json");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(InForce(*loaded, absl::CivilDay(2026, 12, 2)).Categorise("LADBROKES 123", &blocked), "gambling");
  EXPECT_TRUE(blocked);
}

TEST(BankMatch, PairsOneToOneWithinTheToleranceNearestFirst) {
  const std::vector<BankLine> lines = {
      {2, absl::CivilDay(2026, 11, 17), 1'300'00, "FIFE COUNCIL"},
      {3, absl::CivilDay(2026, 11, 14), -612'34, "WAGES J FRASER"},
      {4, absl::CivilDay(2026, 11, 13), -612'34, "WAGES J FRASER"},   // the same amount twice
      {5, absl::CivilDay(2026, 11, 30), -100'00, "HMRC"},             // too late for the 18th
  };
  const std::vector<Expected> expected = {
      {"payment_in", "payment 2026-11-16", absl::CivilDay(2026, 11, 16), 1'300'00},
      {"wages", "run 4, employee 3", absl::CivilDay(2026, 11, 13), -612'34},
      {"hmrc", "transaction 9", absl::CivilDay(2026, 11, 18), -100'00},
      {"payment_in", "payment out? no", absl::CivilDay(2026, 11, 13), 612'34},  // wrong direction
  };
  const std::vector<int> m = Match(lines, expected, 0, 5);
  EXPECT_EQ(m, (std::vector<int>{0, -1, 1, -1})) << "the nearest date takes the payslip; the other "
                                                     "wage line and the late HMRC are unmatched";
  EXPECT_EQ(Match(lines, expected, 0, 12)[3], 2) << "a wider tolerance reaches it";
  EXPECT_EQ(Match({{2, absl::CivilDay(2026, 11, 16), 1'299'00, "X"}}, expected, 99, 0)[0], -1);
  EXPECT_EQ(Match({{2, absl::CivilDay(2026, 11, 16), 1'299'00, "X"}}, expected, 100, 0)[0], 0);
}

}  // namespace
}  // namespace dp::monitoring
