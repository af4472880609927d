// Every HMRC 2025-26 income tax (Scotland and rest of UK) and Class 1 NI
// (A, B, C, H, J, M, Z) test vector, to the penny.
#include <cstdint>
#include <fstream>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "base/bounds.h"
#include "base/refusal.h"
#include "gtest/gtest.h"
#include "money/money.h"
#include "payroll/engine/ni.h"
#include "payroll/engine/paye.h"

namespace dp::payroll {
namespace {

// Loads a vector file with every number turned into a string first, so that
// money goes from the file to pence without ever being a float.
nlohmann::json LoadExact(const std::string& name) {
  std::ifstream in(std::string(DP_SOURCE_DIR) + "/tests/data/hmrc-2025-26/" + name);
  std::stringstream s;
  s << in.rdbuf();
  static const std::regex number(R"((:\s*)(-?\d+(\.\d+)?)(\s*[,\n}]))");
  return nlohmann::json::parse(std::regex_replace(s.str(), number, "$1\"$2\"$4"));
}

int64_t Pence(const nlohmann::json& v) { return *ParsePence(v.get<std::string>()); }

const TaxYear& Year2025() {
  static const TaxYears years = *TaxYears::LoadDirectory(std::string(DP_SOURCE_DIR) + "/data/tax-years");
  return **years.ByName("2025-26");
}

PayFrequency FrequencyOf(const std::string& name) {
  if (name == "Weekly") return PayFrequency::kWeekly;
  if (name == "Fortnightly") return PayFrequency::kFortnightly;
  if (name == "FourWeekly") return PayFrequency::kFourWeekly;
  return PayFrequency::kMonthly;
}

TEST(HmrcVectors, IncomeTaxScotlandAndRestOfUkToThePenny) {
  const auto rows = LoadExact("income_tax.json");
  ASSERT_EQ(rows.size(), 128u);
  int checked = 0;
  for (const auto& r : rows) {
    const int64_t gross = Pence(r["GrossPay"]);
    const int64_t due_in_period = Pence(r["TaxDueInPeriod"]);
    PayeInput in;
    in.frequency = FrequencyOf(r["PayFrequency"]);
    in.period = std::stoi(r["Period"].get<std::string>());
    in.tax_code = r["TaxCode"];
    in.week1_month1 = r["W1M1Flag"].get<bool>();
    in.gross_pence = gross;
    in.taxable_pay_to_date_pence = Pence(r["TaxablePayToDate"]) - gross;
    in.tax_paid_to_date_pence = Pence(r["TaxDueToDate"]) - due_in_period;
    auto result = CalculatePaye(Year2025(), in);
    ASSERT_TRUE(result.ok()) << r["TestIdentifier"] << ": " << result.status();
    EXPECT_EQ(result->tax_pence, due_in_period) << r["TestIdentifier"] << " code " << in.tax_code;
    if (!in.week1_month1) {
      EXPECT_EQ(result->tax_paid_to_date_pence, Pence(r["TaxDueToDate"])) << r["TestIdentifier"];
    }
    ++checked;
  }
  EXPECT_EQ(checked, 128);
}

TEST(HmrcVectors, NationalInsuranceEveryCategoryAndFrequencyToThePenny) {
  const auto rows = LoadExact("national_insurance.json");
  ASSERT_EQ(rows.size(), 392u);
  for (const auto& r : rows) {
    auto ni = CalculateNi(Year2025(), r["NiCategory"].get<std::string>(),
                          FrequencyOf(r["PayFrequency"]), Pence(r["GrossPay"]));
    ASSERT_TRUE(ni.ok()) << ni.status();
    const std::string id = r["TestIdentifier"];
    EXPECT_EQ(ni->employee_pence, Pence(r["EmployeeNiContribution"])) << id;
    EXPECT_EQ(ni->employer_pence, Pence(r["EmployerNiContribution"])) << id;
    EXPECT_EQ(ni->earnings_at_lel_pence, Pence(r["EarningsAtLEL_YTD"])) << id;
    EXPECT_EQ(ni->earnings_lel_to_pt_pence, Pence(r["EarningsLELtoPT_YTD"])) << id;
    EXPECT_EQ(ni->earnings_pt_to_uel_pence, Pence(r["EarningsPTtoUEL_YTD"])) << id;
  }
}

// Extreme inputs once came back OK with wrapped, negative figures.
TEST(Paye, ExtremeAmountsAreRefusedByFieldNeverWrapped) {
  const int64_t huge = INT64_MAX - 1;
  for (auto [in, field] : {
           std::pair{PayeInput{PayFrequency::kMonthly, 1, "1257L", false, huge, 0, 0},
                     "gross_pay_pence"},
           std::pair{PayeInput{PayFrequency::kMonthly, 2, "1257L", false, 100000, huge, 0},
                     "taxable_pay_to_date_pence"},
           std::pair{PayeInput{PayFrequency::kMonthly, 2, "1257L", false, 100000, 100000, -huge},
                     "tax_paid_to_date_pence"}}) {
    auto r = CalculatePaye(Year2025(), in);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << field;
    EXPECT_EQ(FieldOf(r.status()), field);
  }
  auto ni = CalculateNi(Year2025(), "A", PayFrequency::kMonthly, huge);
  EXPECT_EQ(FieldOf(ni.status()), "gross_pay_pence");
  // The largest allowed pay still gives sane figures.
  auto top = CalculatePaye(Year2025(), {PayFrequency::kMonthly, 1, "1257L", false,
                                        bounds::kMaxPayPerPeriodPence, 0, 0});
  ASSERT_TRUE(top.ok());
  EXPECT_GT(top->tax_pence, 0);
  EXPECT_LT(top->tax_pence, bounds::kMaxPayPerPeriodPence);
}

TEST(Paye, TaxCodesParseAndBadOnesAreRefused) {
  const TaxYear& y = Year2025();
  EXPECT_EQ(ParseTaxCode("s1257l", y)->scottish, true);
  EXPECT_EQ(ParseTaxCode("K585", y)->kind, TaxCode::Kind::kK);
  EXPECT_EQ(ParseTaxCode("SD3", y)->flat_rate_bp, 4800);
  EXPECT_EQ(ParseTaxCode("C1257L", y)->scottish, false);
  for (const char* bad : {"", "L", "1257", "1257X", "KX", "Q1257L", "12345678L", "S"}) {
    EXPECT_EQ(ParseTaxCode(bad, y).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(Paye, FreePayFollowsHmrcTables) {
  EXPECT_EQ(FreePayPerPeriod(1257, 52), 24192);
  EXPECT_EQ(FreePayPerPeriod(1257, 12), 104826);
  EXPECT_EQ(FreePayPerPeriod(1000, 52), 9616 + 9633);  // 500 kept as remainder
}

TEST(Paye, FourWeeklyPayUsesTheWeeklyTablesAtWeekFourN) {
  // Period 2 of 4-weekly pay is week 8: the same as eight weeks cumulative.
  PayeInput four_weekly{PayFrequency::kFourWeekly, 2, "1257L", false, 200000, 200000, 0};
  PayeInput weekly{PayFrequency::kWeekly, 8, "1257L", false, 200000, 200000, 0};
  EXPECT_EQ(CalculatePaye(Year2025(), four_weekly)->tax_pence,
            CalculatePaye(Year2025(), weekly)->tax_pence);
  EXPECT_EQ(CalculatePaye(Year2025(), {PayFrequency::kFourWeekly, 15, "1257L"}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(Paye, KCodeRegulatoryLimitIsCarriedForward) {
  // A large K code on small pay: tax is capped at half the pay; the excess
  // is held back and recovered by the cumulative calculation later.
  // K900 adds 750.75 a month: on 300.00 of pay, 1,050 is taxable and the
  // tax of 210.00 exceeds the limit of 150.00.
  PayeInput p1{PayFrequency::kMonthly, 1, "K900", false, 30000, 0, 0};
  auto first = CalculatePaye(Year2025(), p1);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->tax_pence, 15000);
  EXPECT_EQ(first->held_back_by_limit_pence, 6000);
  PayeInput p2{PayFrequency::kMonthly, 2, "K900", false, 500000, 30000, first->tax_paid_to_date_pence};
  auto second = CalculatePaye(Year2025(), p2);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->held_back_by_limit_pence, 0);
  // The second month collects this month's tax and last month's held-back tax.
  PayeInput both_at_once{PayFrequency::kMonthly, 2, "K900", false, 530000, 0, 0};
  EXPECT_EQ(second->tax_paid_to_date_pence, CalculatePaye(Year2025(), both_at_once)->tax_pence);
}

TEST(TaxYears, ChosenByDateAndAMissingYearIsAClearError) {
  auto years = TaxYears::LoadDirectory(std::string(DP_SOURCE_DIR) + "/data/tax-years");
  ASSERT_TRUE(years.ok()) << years.status();
  EXPECT_EQ((*years->ForDate("2025-04-06"))->name, "2025-26");
  EXPECT_EQ((*years->ForDate("2026-04-05"))->name, "2025-26");
  EXPECT_EQ((*years->ForDate("2026-04-06"))->name, "2026-27");
  EXPECT_EQ((*years->ForDate("2026-04-06"))->scotland[0].upper_pounds, 3967);
  auto missing = years->ForDate("2031-01-01");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(std::string(missing.status().message()).find("2025-26"), std::string::npos);
}

}  // namespace
}  // namespace dp::payroll
