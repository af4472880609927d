#ifndef DP_LIB_PAYROLL_ENGINE_TAX_YEAR_H_
#define DP_LIB_PAYROLL_ENGINE_TAX_YEAR_H_

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"

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

enum class LoanPlan;       // student_loan.h
enum class FamilyPayKind;  // family_pay.h

// FamilyPayFigures are statutory family pay's figures (see family_pay.h).
struct FamilyPayFigures {
  int64_t weekly_rate_pence = 0;  // the prescribed rate
  std::string rate_from;          // it applies to pay weeks starting on or after this day
  int32_t earnings_related_bp = 9000;                 // 90% of average weekly earnings
  std::map<FamilyPayKind, int> earnings_related_weeks;  // paid at 90% throughout: SMP, SAP 6
  std::map<FamilyPayKind, int> max_weeks;
  int qualifying_service_weeks = 26;
  int qualifying_week_before_due = 15;
  int32_t recovery_bp = 9200;
  int32_t small_employer_recovery_bp = 10000;
  int32_t small_employer_compensation_bp = 850;
  int64_t small_employer_ni_limit_pence = 0;  // Class 1 NI of the year before, at most
};

// LeaverFigures are statutory notice and redundancy pay's (see leaving.h).
struct LeaverFigures {
  int notice_min_service_days = 30;  // a month's service before any notice is due
  int notice_max_weeks = 12;         // a week a complete year, at most this
  int redundancy_min_years = 2;
  int redundancy_max_years = 20;
  int64_t redundancy_week_pay_cap_pence = 0;
  // A year of service in which the PA was at least `from_age` throughout
  // counts `weeks_centi` hundredths of a week's pay; ascending by age.
  struct Band {
    int from_age = 0;
    int weeks_centi = 0;
  };
  std::vector<Band> redundancy_bands;
};

struct LoanRate {
  int64_t annual_threshold_pence = 0;
  int32_t rate_bp = 0;  // 900 = 9%
};

struct TaxYear {
  std::string name;  // "2025-26"
  std::string starts;  // "2025-04-06", inclusive
  std::string ends;    // "2026-04-05", inclusive
  absl::CivilDay first_day;  // `starts`, parsed once
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
  FamilyPayFigures family_pay;
  LeaverFigures leavers;
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
  // All is every year loaded, in no particular order.
  const std::vector<TaxYear>& All() const { return years_; }

 private:
  std::vector<TaxYear> years_;
};

}  // namespace dp::payroll

#endif  // DP_LIB_PAYROLL_ENGINE_TAX_YEAR_H_
