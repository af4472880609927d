#ifndef DP_LIB_PAYROLL_ENGINE_TEST_YEARS_H_
#define DP_LIB_PAYROLL_ENGINE_TEST_YEARS_H_

#include <string>

#include "payroll/engine/tax_year.h"

// The repository's tax-year files, for the payroll's unit tests (which are
// compiled with DP_SOURCE_DIR).
namespace dp::payroll::testing {

inline const TaxYears& Years() {
  static const TaxYears years =
      *TaxYears::LoadDirectory(std::string(DP_SOURCE_DIR) + "/data/tax-years");
  return years;
}
inline const TaxYear& Y2025() { return **Years().ByName("2025-26"); }
inline const TaxYear& Y2026() { return **Years().ByName("2026-27"); }

}  // namespace dp::payroll::testing

#endif  // DP_LIB_PAYROLL_ENGINE_TEST_YEARS_H_
