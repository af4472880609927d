#ifndef DP_LIB_MONEY_MONEY_H_
#define DP_LIB_MONEY_MONEY_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace dp {

// kMaxAmountPence bounds any single amount the system accepts (ten billion
// pounds), so that sums of many amounts stay far from int64 overflow.
inline constexpr int64_t kMaxAmountPence = 1'000'000'000'000;

// Money is an exact amount in minor units (pence) of one currency.
//
//   Money fee{1250, "GBP"};  // £12.50
struct Money {
  int64_t amount_pence = 0;
  std::string currency;

  friend bool operator==(const Money&, const Money&) = default;
};

// IsValidCurrency reports whether `code` is an ISO 4217 currency this system
// holds (GBP, and EUR and USD for the ledger's multi-currency rules):
//   IsValidCurrency("GBP") -> true; IsValidCurrency("XYZ") -> false
bool IsValidCurrency(std::string_view code);

// CheckedAdd adds two amounts, failing with OUT_OF_RANGE instead of wrapping.
absl::StatusOr<int64_t> CheckedAdd(int64_t a_pence, int64_t b_pence);

// ParsePence parses a decimal amount in major units into pence, exactly.
//
//   ParsePence("12.5")  -> 1250
//   ParsePence("-0.07") -> -7
//   ParsePence("1.234") -> INVALID_ARGUMENT (more than two decimals)
absl::StatusOr<int64_t> ParsePence(std::string_view text);

// FormatPence renders pence as a decimal in major units: 123456 -> "1234.56".
std::string FormatPence(int64_t amount_pence);

// Pounds is an amount as people read it: 837464 -> "£8,374.64", -250 -> "-£2.50".
std::string Pounds(int64_t pence);

}  // namespace dp

#endif  // DP_LIB_MONEY_MONEY_H_
