#ifndef DP_LIB_PAYROLL_ENGINE_PAYE_H_
#define DP_LIB_PAYROLL_ENGINE_PAYE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "payroll/engine/tax_year.h"

// PAYE income tax for one pay period, after HMRC's Specification for PAYE
// Tax Table Routines, in exact integer arithmetic (pence).
namespace dp::payroll {

// TaxCode is a parsed PAYE code: "1257L", "S1257L", "K585", "SK630", "BR",
// "SD2", "NT", "0T", with an optional C (Welsh: rest-of-UK rates) prefix.
struct TaxCode {
  enum class Kind { kAllowance, kK, kFlatRate, kNoTax };
  std::string text;
  bool scottish = false;
  Kind kind = Kind::kAllowance;
  int number = 0;       // 1257 of 1257L, 585 of K585, 0 for 0T
  int32_t flat_rate_bp = 0;
};

absl::StatusOr<TaxCode> ParseTaxCode(std::string_view code, const TaxYear& year);

struct PayeInput {
  PayFrequency frequency = PayFrequency::kMonthly;
  int period = 1;  // in the frequency's own count: week, fortnight, 4-week period, month
  std::string tax_code;
  bool week1_month1 = false;
  int64_t gross_pence = 0;  // taxable pay in this period
  // Before this period (ignored on a Week 1 / Month 1 basis).
  int64_t taxable_pay_to_date_pence = 0;
  int64_t tax_paid_to_date_pence = 0;
};

struct PayeResult {
  int64_t tax_pence = 0;  // negative: a refund
  int64_t taxable_pay_to_date_pence = 0;  // after this period
  int64_t tax_paid_to_date_pence = 0;     // after this period
  int64_t free_pay_to_date_pence = 0;     // negative for K codes
  // Tax not deducted because of the 50% regulatory limit; it stays due and
  // is picked up by the cumulative calculation in later periods.
  int64_t held_back_by_limit_pence = 0;
};

// CalculatePaye: the tax due in one period.
//
//   CalculatePaye(year, {.frequency = kMonthly, .period = 1, .tax_code = "1257L",
//                        .gross_pence = 115625}) -> tax_pence 2140
absl::StatusOr<PayeResult> CalculatePaye(const TaxYear& year, const PayeInput& input);

// FreePayPerPeriod is the allowance (or K-code addition) for one week or
// month of the tables: 1257 -> 24192 weekly, 104826 monthly.
int64_t FreePayPerPeriod(int code_number, int periods_per_year);

}  // namespace dp::payroll

#endif  // DP_LIB_PAYROLL_ENGINE_PAYE_H_
