#ifndef DP_LIB_PAYROLL_ENGINE_NI_H_
#define DP_LIB_PAYROLL_ENGINE_NI_H_

#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"
#include "payroll/engine/tax_year.h"

namespace dp::payroll {

// NiResult is one period's Class 1 National Insurance and the earnings
// bands RTI reports.
struct NiResult {
  int64_t employee_pence = 0;
  int64_t employer_pence = 0;
  int64_t earnings_at_lel_pence = 0;     // up to and including the LEL
  int64_t earnings_lel_to_pt_pence = 0;
  int64_t earnings_pt_to_uel_pence = 0;
};

// CalculateNi: Class 1 NI for one period's earnings, by HMRC's exact
// percentage method: each band on its own, rounded to the penny where only
// the third decimal counts and 5 or less rounds down.
//
//   CalculateNi(year, "A", PayFrequency::kWeekly, 24208)
//     -> employee 1 penny, employer 2191 pence
absl::StatusOr<NiResult> CalculateNi(const TaxYear& year, std::string_view category,
                                     PayFrequency frequency, int64_t gross_pence);

// RoundNi applies HMRC's rounding to amount x rate: 0.0056 -> 0.00, 0.0064 -> 0.01.
int64_t RoundNi(int64_t amount_pence, int32_t rate_bp);

}  // namespace dp::payroll

#endif  // DP_LIB_PAYROLL_ENGINE_NI_H_
