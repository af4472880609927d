#include "money/money.h"

#include <cstdlib>

#include "base/strings.h"

namespace dp {

bool IsValidCurrency(std::string_view code) {
  // The ISO 4217 currencies this system holds: pounds for the payments,
  // euros and dollars only for the ledger's multi-currency rules. Three
  // capital letters are not enough: "XYZ" is no currency.
  static constexpr std::string_view kHeld[] = {"GBP", "EUR", "USD"};
  for (std::string_view c : kHeld) {
    if (code == c) return true;
  }
  return false;
}

absl::StatusOr<int64_t> CheckedAdd(int64_t a_pence, int64_t b_pence) {
  int64_t sum = 0;
  if (__builtin_add_overflow(a_pence, b_pence, &sum)) {
    return absl::OutOfRangeError("amount overflows a 64-bit count of pence");
  }
  return sum;
}

absl::StatusOr<int64_t> ParsePence(std::string_view text) {
  const std::string original(text);
  auto bad = [&](std::string_view why) {
    return absl::InvalidArgumentError(
        dp::StrCat("amount \"", original, "\" ", why,
                     "; write it like 12.34"));
  };
  bool negative = false;
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  if (text.empty()) return bad("is empty");
  int64_t pounds = 0;
  int64_t pence = 0;
  int digits_before = 0;
  int digits_after = -1;  // -1: no decimal point seen
  for (char c : text) {
    if (c == '.') {
      if (digits_after >= 0) return bad("has two decimal points");
      digits_after = 0;
      continue;
    }
    if (c < '0' || c > '9') return bad("has a character that is not a digit");
    if (digits_after < 0) {
      if (++digits_before > 13) return bad("is too large");
      pounds = pounds * 10 + (c - '0');
    } else {
      if (++digits_after > 2) return bad("has more than two decimals");
      pence = pence * 10 + (c - '0');
    }
  }
  if (digits_before == 0 && digits_after <= 0) return bad("has no digits");
  if (digits_after == 1) pence *= 10;
  const int64_t total = pounds * 100 + pence;
  if (total > kMaxAmountPence) return bad("is too large");
  return negative ? -total : total;
}

std::string FormatPence(int64_t amount_pence) {
  // Work in unsigned so that INT64_MIN formats without overflow.
  const bool negative = amount_pence < 0;
  const uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(amount_pence)
                                      : static_cast<uint64_t>(amount_pence);
  const uint64_t minor = magnitude % 100;
  return dp::StrCat(negative ? "-" : "", magnitude / 100, ".",
                      minor < 10 ? "0" : "", minor);
}

std::string Pounds(int64_t pence) {
  std::string digits = FormatPence(pence);  // "-1234.56"
  if (pence < 0) digits.erase(0, 1);
  const size_t dot = digits.find('.');
  std::string whole = digits.substr(0, dot);
  for (int i = static_cast<int>(whole.size()) - 3; i > 0; i -= 3) {
    whole.insert(static_cast<size_t>(i), ",");
  }
  return std::string(pence < 0 ? "-" : "") + "£" + whole + digits.substr(dot);
}

}  // namespace dp
