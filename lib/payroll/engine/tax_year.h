#ifndef DP_LIB_PAYROLL_ENGINE_TAX_YEAR_H_
#define DP_LIB_PAYROLL_ENGINE_TAX_YEAR_H_

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

// The figures of one tax year, as read from data/tax-years/YYYY-YY.json.
// No figure that changes by year lives in code.
namespace dp::payroll {

enum class PayFrequency { kWeekly, kFortnightly, kFourWeekly, kMonthly };

struct Band {
  int32_t rate_bp = 0;                  // basis points: 2000 = 20%
  std::optional<int64_t> upper_pounds;  // empty: no upper limit
};

struct NiThresholds {
  int64_t lel_pence = 0;
  int64_t pt_pence = 0;
  int64_t st_pence = 0;
  int64_t uel_pence = 0;
};

struct NiCategory {
  int32_t employee_main_bp = 0;       // between PT and UEL
  int32_t employee_above_uel_bp = 0;  // above UEL
  int32_t employer_bp = 0;            // above ST (or above UEL with relief)
  bool employer_relief_to_uel = false;  // H, M, Z: employer pays 0% up to UEL
};

struct AutoEnrolmentThresholds {
  int64_t trigger_pence = 0;           // earnings above this: eligible (by age)
  int64_t qualifying_lower_pence = 0;  // qualifying earnings band
  int64_t qualifying_upper_pence = 0;
};

struct StatutorySickPay {
  int64_t weekly_rate_pence = 0;
  int waiting_days = 0;
  bool lower_earnings_limit_test = true;
  std::optional<int32_t> percent_of_awe_bp;  // 2026-27: 80% of average weekly earnings if lower
};

enum class LoanPlan;  // student_loan.h

struct LoanRate {
  int64_t annual_threshold_pence = 0;
  int32_t rate_bp = 0;  // 900 = 9%
};

struct TaxYear {
  std::string name;  // "2025-26"
  std::string starts;  // "2025-04-06", inclusive
  std::string ends;    // "2026-04-05", inclusive
  std::vector<Band> rest_of_uk;
  std::vector<Band> scotland;
  std::map<std::string, int32_t> flat_rate_codes_bp;  // "BR" -> 2000
  int32_t regulatory_limit_bp = 5000;
  std::string emergency_tax_code;  // a starter's code without a P45: "1257L"
  // P9X: what a code with this suffix carried into the year gains ('L' -> 0).
  std::map<char, int> start_of_year_uplift;
  std::map<PayFrequency, NiThresholds> ni_thresholds;
  std::map<std::string, NiCategory> ni_categories;   // "A" -> ...
  int64_t employment_allowance_pence = 0;
  int64_t national_living_wage_pence_per_hour = 0;
  int64_t scottish_care_minimum_pence_per_hour = 0;
  int state_pension_age = 66;
  int32_t pension_employee_bp = 0;
  int32_t pension_employer_bp = 0;
  std::map<PayFrequency, AutoEnrolmentThresholds> auto_enrolment;
  StatutorySickPay ssp;
  int32_t holiday_accrual_bp = 0;  // 12.07% for irregular-hours workers
  int32_t holiday_statutory_weeks_centi = 560;  // 5.6 weeks a year
  int32_t holiday_weeks_in_year = 52;
  std::map<LoanPlan, LoanRate> student_loans;  // the plans HMRC collects this year
};

// ParseTaxYear reads one year's JSON, naming what is missing or wrong.
absl::StatusOr<TaxYear> ParseTaxYear(const std::string& json);

// TaxYears holds every year found in a folder and picks one by date.
//
//   auto years = TaxYears::LoadDirectory("data/tax-years");
//   auto year = years->ForDate("2025-05-30");   // -> 2025-26
//   years->ForDate("2031-01-01")                 // -> NOT_FOUND, says which years exist
class TaxYears {
 public:
  static absl::StatusOr<TaxYears> LoadDirectory(const std::string& dir);
  absl::StatusOr<const TaxYear*> ForDate(const std::string& yyyy_mm_dd) const;
  absl::StatusOr<const TaxYear*> ByName(const std::string& name) const;

 private:
  std::vector<TaxYear> years_;
};

}  // namespace dp::payroll

#endif  // DP_LIB_PAYROLL_ENGINE_TAX_YEAR_H_
