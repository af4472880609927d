// The payments rules, pure: bank details, standing order dates, invoices
// against the plan, committed funds, and the bank's files.
#include <fstream>
#include <sstream>

#include "base/refusal.h"
#include "gtest/gtest.h"
#include "payments/rules/bank_details.h"
#include "payments/rules/bank_files.h"
#include "payments/rules/payments.h"

namespace dp::payments {
namespace {

absl::CivilDay D(int y, int m, int d) { return absl::CivilDay(y, m, d); }

TEST(BankDetails, NormalisesAndRefusesNamingTheField) {
  EXPECT_EQ(*NormaliseSortCode("40-12-34", "sort_code"), "401234");
  EXPECT_EQ(*NormaliseSortCode("40 12 34", "sort_code"), "401234");
  EXPECT_EQ(FieldOf(NormaliseSortCode("4012345", "payee.sort_code").status()), "payee.sort_code");
  EXPECT_EQ(FieldOf(NormaliseSortCode("40-12-3A", "sort_code").status()), "sort_code");
  EXPECT_EQ(*NormaliseAccountNumber("1234567", "account_number"), "01234567");
  EXPECT_EQ(*NormaliseAccountNumber("12345678", "account_number"), "12345678");
  EXPECT_FALSE(NormaliseAccountNumber("12345", "account_number").ok());
  EXPECT_FALSE(NormaliseAccountNumber("123456789", "account_number").ok());
}

TEST(BankDetails, BacsNamesKeepToTheStandard) {
  EXPECT_EQ(*BacsName("Bright Care Ltd", 18, "account_name"), "BRIGHT CARE LTD");
  EXPECT_EQ(FieldOf(BacsName("Bright Care & Support Ltd", 18, "account_name").status()),
            "account_name");
  EXPECT_EQ(FieldOf(BacsName("Caf\xC3\xA9", 18, "account_name").status()), "account_name");
  EXPECT_EQ(FieldOf(BacsName("   ", 18, "reference").status()), "reference");
}

// Vocalink's worked examples, "Validating account numbers", test cases 1 to 3.
TEST(BankDetails, ModulusCheckReproducesVocalinksExamples) {
  std::ifstream in(std::string(DP_SOURCE_DIR) + "/data/payments/modulus-weights.txt");
  std::stringstream text;
  text << in.rdbuf();
  auto rules = ModulusRules::Parse(text.str());
  ASSERT_TRUE(rules.ok()) << rules.status();
  EXPECT_EQ(rules->size(), 3u);
  EXPECT_TRUE(rules->Check("089999", "66374958").ok());  // MOD10
  EXPECT_TRUE(rules->Check("107999", "88837491").ok());  // MOD11
  EXPECT_TRUE(rules->Check("202959", "63748472").ok());  // DBLAL
  const absl::Status bad = rules->Check("089999", "66374959");
  EXPECT_EQ(ReasonOf(bad), "BANK_DETAILS_INVALID");
  EXPECT_NE(bad.message().find("MOD10"), std::string::npos);
  EXPECT_TRUE(rules->Check("401234", "12345678").ok()) << "no row covers it: not checked";
  EXPECT_FALSE(ModulusRules::Parse("089000 089999 MOD12 0 0 0 0 0 0 7 1 3 7 1 3 7 1").ok());
}

TEST(Payees, KindsServeUsesThatTheAgreementMustPermit) {
  EXPECT_EQ(*UseOfPayee(PayeeKind::kHmrc, ""), "pa_employment");
  EXPECT_EQ(*UseOfPayee(PayeeKind::kAgency, ""), "agency_care");
  EXPECT_EQ(*UseOfPayee(PayeeKind::kSupplier, "equipment"), "equipment");
  EXPECT_EQ(FieldOf(UseOfPayee(PayeeKind::kSupplier, "holidays").status()), "use");
  const absl::Status refused = CheckUsePermitted("agency_care", {"pa_employment"});
  EXPECT_EQ(ReasonOf(refused), "USE_NOT_PERMITTED");
  EXPECT_EQ(refused.message(),
            "the agreement does not permit its money to be spent on care from an agency, so this "
            "payee cannot be paid from it");
  EXPECT_TRUE(CheckUsePermitted("agency_care", {"pa_employment", "agency_care"}).ok());
}

TEST(StandingOrders, FallDueOnTheirDates) {
  StandingOrder monthly{2500, Frequency::kMonthly, D(2026, 1, 31), std::nullopt};
  EXPECT_EQ(Occurrences(monthly, D(2026, 2, 1), D(2026, 4, 30)),
            (std::vector<absl::CivilDay>{D(2026, 2, 28), D(2026, 3, 31), D(2026, 4, 30)}));
  StandingOrder weekly{2500, Frequency::kWeekly, D(2026, 12, 1), D(2026, 12, 15)};
  EXPECT_EQ(Occurrences(weekly, D(2026, 12, 1), D(2027, 1, 31)),
            (std::vector<absl::CivilDay>{D(2026, 12, 1), D(2026, 12, 8), D(2026, 12, 15)}));
  StandingOrder four{2500, Frequency::kFourWeekly, D(2026, 11, 3), std::nullopt};
  EXPECT_EQ(Occurrences(four, D(2026, 12, 1), D(2026, 12, 28)),
            (std::vector<absl::CivilDay>{D(2026, 12, 1)}));
  EXPECT_TRUE(Occurrences(four, D(2026, 12, 2), D(2026, 12, 28)).empty());
  EXPECT_EQ(Occurrences(weekly, D(1900, 1, 1), D(3000, 1, 1)).size(), 3u);
}

TEST(Invoices, AboveThePlanIsFlaggedInWords) {
  const Plan plan{2200, 1000};  // £22.00 an hour, 10 hours a week
  InvoiceLine within{2000, 2200, 0, D(2026, 11, 2), D(2026, 11, 15)};
  EXPECT_EQ(InvoiceAmount(within), 44000);
  EXPECT_EQ(InvoiceFlag(within, plan), "");
  InvoiceLine dear{2000, 2450, 0, D(2026, 11, 2), D(2026, 11, 15)};
  EXPECT_EQ(InvoiceAmount(dear), 49000);
  EXPECT_EQ(InvoiceFlag(dear, plan), "the rate £24.50 an hour is above the plan's £22.00");
  InvoiceLine long_hours{2550, 2200, 0, D(2026, 11, 2), D(2026, 11, 15)};
  EXPECT_EQ(InvoiceFlag(long_hours, plan), "25.50 hours are more than the plan's 20.00 for 14 days");
  InvoiceLine amount{0, 0, 50000, D(2026, 11, 2), D(2026, 11, 15)};
  EXPECT_EQ(InvoiceFlag(amount, plan), "the amount £500.00 is more than the plan's £440.00 for 14 days");
  EXPECT_EQ(InvoiceAmount({333, 1001, 0, {}, {}}), 3333);  // 3.33 h x £10.01 = £33.3333
}

TEST(Commitments, AvailableIsBalanceLessHoldsLessCommitments) {
  const Available a = AvailableOf(100000, 5000, {{"wages", "wages owed to your PAs", 40000},
                                                 {"hmrc", "tax and NI owed to HMRC", 10000},
                                                 {"invoice", "invoices approved", 20000}});
  EXPECT_EQ(a.committed_pence, 70000);
  EXPECT_EQ(a.available_pence, 25000);
  EXPECT_TRUE(CheckFunded(a, 25000).ok());
  const absl::Status short_of = CheckFunded(a, 30000);
  EXPECT_EQ(ReasonOf(short_of), "COMMITMENTS_UNFUNDED");
  EXPECT_EQ(short_of.message(),
            "paying £300.00 would leave invoices approved (£200.00) £50.00 short; available to "
            "spend is £250.00. An officer may pay it anyway with a recorded reason");
  const absl::Status wages = CheckFunded(a, 90000);
  EXPECT_NE(wages.message().find("wages owed to your PAs"), std::string::npos);
  EXPECT_EQ(ReasonOf(CheckFunded(AvailableOf(1000, 0, {}), 1001)), "INSUFFICIENT_FUNDS");
}

TEST(BankFiles, CollectionsAreReadAndBadLinesNamed) {
  auto c = ParseCollections(
      "date,reference,originator,amount\n"
      "2026-12-01,DD-OXY-7,OXYGEN LTD,23.10\n"
      "2026-13-01,DD-OXY-7,OXYGEN LTD,23.10\n"
      "2026-12-01,DD-OXY-7,OXYGEN LTD,twelve\n"
      "2026-12-01,DD-OXY-7\n"
      "\n");
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(c->lines.size(), 1u);
  EXPECT_EQ(c->lines[0].line_no, 2);
  EXPECT_EQ(c->lines[0].amount_pence, 2310);
  EXPECT_EQ(c->lines[0].reference, "DD-OXY-7");
  ASSERT_EQ(c->problems.size(), 3u);
  EXPECT_EQ(c->problems[0].line_no, 3);
  EXPECT_EQ(c->problems[0].detail, "date: not YYYY-MM-DD");
  EXPECT_EQ(c->problems[1].detail, "amount: not a positive amount in pounds");
  EXPECT_EQ(c->problems[2].detail, "expected 4 columns");
  EXPECT_EQ(ParseCollections("date,reference,amount\n").status().message(),
            "the header must be \"date,reference,originator,amount\": \"originator\" is missing");
}

TEST(BankFiles, ReturnsCarryTheBanksReason) {
  auto r = ParseReturns("reference,amount,original_date,return_code,reason\r\n"
                        "INV-88,120.00,2026-12-01,B,ACCOUNT CLOSED\r\n");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->lines.size(), 1u);
  EXPECT_EQ(r->lines[0].original_date, D(2026, 12, 1));
  EXPECT_EQ(r->lines[0].amount_pence, 12000);
  EXPECT_EQ(r->lines[0].reason, "ACCOUNT CLOSED");
  EXPECT_EQ(r->lines[0].code, "B");
}

}  // namespace
}  // namespace dp::payments
