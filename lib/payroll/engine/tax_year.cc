#include "payroll/engine/tax_year.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "base/strings.h"
#include "payroll/engine/family_pay.h"
#include "payroll/engine/student_loan.h"

namespace dp::payroll {
namespace {

using nlohmann::json;

std::vector<Band> ParseBands(const json& j) {
  std::vector<Band> bands;
  for (const auto& b : j) {
    Band band{b.at("rate_bp").get<int32_t>(), std::nullopt};
    if (b.contains("upper_pounds")) band.upper_pounds = b.at("upper_pounds").get<int64_t>();
    bands.push_back(band);
  }
  return bands;
}

}  // namespace

absl::StatusOr<TaxYear> ParseTaxYear(const std::string& text) {
  try {
    const json j = json::parse(text);
    TaxYear y;
    y.name = j.at("tax_year").get<std::string>();
    y.starts = j.at("starts").get<std::string>();
    y.ends = j.at("ends").get<std::string>();
    if (!absl::ParseCivilTime(y.starts, &y.first_day)) {
      return absl::InvalidArgumentError(dp::StrCat("starts: ", y.starts, " is not a date"));
    }
    const json& it = j.at("income_tax");
    y.rest_of_uk = ParseBands(it.at("rest_of_uk"));
    y.scotland = ParseBands(it.at("scotland"));
    for (const auto& [code, bp] : it.at("flat_rate_codes_bp").items()) {
      y.flat_rate_codes_bp[code] = bp.get<int32_t>();
    }
    y.regulatory_limit_bp = it.at("regulatory_limit_bp").get<int32_t>();
    y.emergency_tax_code = it.at("emergency_tax_code").get<std::string>();
    for (const auto& [suffix, uplift] : it.at("start_of_year_code_uplift").items()) {
      if (suffix.size() != 1) return absl::InvalidArgumentError("a code suffix is one letter");
      y.start_of_year_uplift[suffix[0]] = uplift.get<int>();
    }
    const json& ni = j.at("national_insurance");
    const std::pair<const char*, PayFrequency> frequencies[] = {
        {"weekly", PayFrequency::kWeekly},
        {"fortnightly", PayFrequency::kFortnightly},
        {"four_weekly", PayFrequency::kFourWeekly},
        {"monthly", PayFrequency::kMonthly}};
    for (const auto& [name, freq] : frequencies) {
      const json& t = ni.at("thresholds_pence").at(name);
      y.ni_thresholds[freq] = {t.at("lel").get<int64_t>(), t.at("pt").get<int64_t>(),
                               t.at("st").get<int64_t>(), t.at("uel").get<int64_t>()};
    }
    for (const auto& [letter, c] : ni.at("categories").items()) {
      y.ni_categories[letter] = {c.at("employee_main_bp").get<int32_t>(),
                                 c.at("employee_above_uel_bp").get<int32_t>(),
                                 c.at("employer_bp").get<int32_t>(),
                                 c.at("employer_relief_to_uel").get<bool>()};
    }
    y.employment_allowance_pence = ni.at("employment_allowance_pence").get<int64_t>();
    const json& floors = j.at("wage_floors_pence_per_hour");
    y.national_living_wage_pence_per_hour = floors.at("national_living_wage").get<int64_t>();
    y.scottish_care_minimum_pence_per_hour =
        floors.at("scottish_adult_social_care_minimum").get<int64_t>();
    const json& ae = j.at("auto_enrolment");
    y.state_pension_age = ae.at("state_pension_age").get<int>();
    y.pension_employee_bp = ae.at("employee_contribution_bp").get<int32_t>();
    y.pension_employer_bp = ae.at("employer_contribution_bp").get<int32_t>();
    for (const auto& [name, freq] : frequencies) {
      const json& t = ae.at("thresholds_pence").at(name);
      y.auto_enrolment[freq] = {t.at("trigger").get<int64_t>(),
                                t.at("qualifying_lower").get<int64_t>(),
                                t.at("qualifying_upper").get<int64_t>()};
    }
    const json& ssp = j.at("statutory_sick_pay");
    y.ssp.weekly_rate_pence = ssp.at("weekly_rate_pence").get<int64_t>();
    y.ssp.waiting_days = ssp.at("waiting_days").get<int>();
    y.ssp.lower_earnings_limit_test = ssp.at("lower_earnings_limit_test").get<bool>();
    if (ssp.contains("percent_of_average_weekly_earnings_bp")) {
      y.ssp.percent_of_awe_bp = ssp.at("percent_of_average_weekly_earnings_bp").get<int32_t>();
    }
    y.holiday_accrual_bp = j.at("holiday").at("irregular_hours_accrual_bp").get<int32_t>();
    y.holiday_statutory_weeks_centi = j.at("holiday").at("statutory_weeks_centi").get<int32_t>();
    y.holiday_weeks_in_year = j.at("holiday").at("weeks_in_year").get<int32_t>();
    const json& loans = j.at("student_loans");
    for (const auto& [name, pence] : loans.at("annual_thresholds_pence").items()) {
      const auto plan = ParseLoanPlan(name);
      if (!plan) return absl::InvalidArgumentError(dp::StrCat("unknown student loan plan ", name));
      y.student_loans[*plan] = {pence.get<int64_t>(), loans.at("rate_bp").at(name).get<int32_t>()};
    }
    const json& fp = j.at("statutory_family_pay");
    FamilyPayFigures& f = y.family_pay;
    f.weekly_rate_pence = fp.at("weekly_rate_pence").get<int64_t>();
    f.rate_from = fp.at("rate_from").get<std::string>();
    f.earnings_related_bp = fp.at("earnings_related_bp").get<int32_t>();
    for (const auto& [name, weeks] : fp.at("max_weeks").items()) {
      const auto kind = ParseFamilyPayKind(name);
      if (!kind) return absl::InvalidArgumentError(dp::StrCat("unknown family pay kind ", name));
      f.max_weeks[*kind] = weeks.get<int>();
      f.earnings_related_weeks[*kind] = fp.at("earnings_related_weeks").value(name, 0);
    }
    f.qualifying_service_weeks = fp.at("qualifying_service_weeks").get<int>();
    f.qualifying_week_before_due = fp.at("qualifying_week_before_due").get<int>();
    f.recovery_bp = fp.at("recovery_bp").get<int32_t>();
    f.small_employer_recovery_bp = fp.at("small_employer_recovery_bp").get<int32_t>();
    f.small_employer_compensation_bp = fp.at("small_employer_compensation_bp").get<int32_t>();
    f.small_employer_ni_limit_pence = fp.at("small_employer_ni_limit_pence").get<int64_t>();
    if (f.max_weeks.size() != kFamilyPayKinds) {
      return absl::InvalidArgumentError("statutory_family_pay.max_weeks needs every kind");
    }
    const json& lv = j.at("leavers");
    LeaverFigures& l = y.leavers;
    l.notice_min_service_days = lv.at("notice_min_service_days").get<int>();
    l.notice_max_weeks = lv.at("notice_max_weeks").get<int>();
    l.redundancy_min_years = lv.at("redundancy_min_years").get<int>();
    l.redundancy_max_years = lv.at("redundancy_max_years").get<int>();
    l.redundancy_week_pay_cap_pence = lv.at("redundancy_week_pay_cap_pence").get<int64_t>();
    for (const auto& band : lv.at("redundancy_bands")) {
      l.redundancy_bands.push_back({band.at("from_age").get<int>(),
                                    band.at("weeks_centi").get<int>()});
    }
    if (l.redundancy_bands.empty() || l.redundancy_bands.front().from_age != 0) {
      return absl::InvalidArgumentError("leavers.redundancy_bands must start at age 0");
    }
    if (y.rest_of_uk.empty() || y.scotland.empty() || y.rest_of_uk.back().upper_pounds ||
        y.scotland.back().upper_pounds) {
      return absl::InvalidArgumentError("tax bands must end with an open top band");
    }
    return y;
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(dp::StrCat("tax year data is malformed: ", e.what()));
  }
}

absl::StatusOr<TaxYears> TaxYears::LoadDirectory(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return absl::NotFoundError(dp::StrCat("tax year data folder ", dir, " does not exist"));
  }
  TaxYears years;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    std::ifstream in(entry.path());
    std::stringstream s;
    s << in.rdbuf();
    auto year = ParseTaxYear(s.str());
    if (!year.ok()) {
      return absl::InvalidArgumentError(
          dp::StrCat(entry.path().string(), ": ", std::string(year.status().message())));
    }
    years.years_.push_back(std::move(*year));
  }
  return years;
}

absl::StatusOr<const TaxYear*> TaxYears::ForDate(const std::string& date) const {
  std::string known;
  for (const TaxYear& y : years_) {
    if (y.starts <= date && date <= y.ends) return &y;  // ISO dates compare as text
    known += (known.empty() ? "" : ", ") + y.name;
  }
  return absl::NotFoundError(dp::StrCat("no tax year data covers ", date, " (have: ", known,
                                        "); add data/tax-years/<year>.json"));
}

absl::StatusOr<const TaxYear*> TaxYears::ByName(const std::string& name) const {
  for (const TaxYear& y : years_) {
    if (y.name == name) return &y;
  }
  return absl::NotFoundError(dp::StrCat("no tax year data for ", name));
}

}  // namespace dp::payroll
