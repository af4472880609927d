#ifndef DP_LIB_PAYMENTS_RULES_BANK_DETAILS_H_
#define DP_LIB_PAYMENTS_RULES_BANK_DETAILS_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

// UK bank details: their format, and Vocalink's modulus check driven by
// its weight table (valacdos.txt's layout) as data.
namespace dp::payments {

// NormaliseSortCode keeps the digits of "40-12-34" or "40 12 34"; anything
// but six digits is INVALID_ARGUMENT naming `field`.
//   NormaliseSortCode("40-12-34", "sort_code") -> "401234"
absl::StatusOr<std::string> NormaliseSortCode(std::string_view text, std::string_view field);
// NormaliseAccountNumber: eight digits; six or seven are padded with
// leading zeros, as the banks' standard says.
//   NormaliseAccountNumber("1234567", "account_number") -> "01234567"
absl::StatusOr<std::string> NormaliseAccountNumber(std::string_view text, std::string_view field);

// BacsName checks text the BACS file carries as it is (an account name, a
// reference): 1 to `max_chars` characters of A-Z 0-9 . & / - and space
// (lower case is accepted and upper-cased). INVALID_ARGUMENT names `field`.
//   BacsName("Bright Care Ltd", 18, "account_name") -> "BRIGHT CARE LTD"
absl::StatusOr<std::string> BacsName(std::string_view text, size_t max_chars,
                                     std::string_view field);

// ModulusRule is one row of the weight table: the sort codes it covers, its
// method (MOD10, MOD11, DBLAL) and the fourteen weights over the sort code
// and account number (u v w x y z a b c d e f g h).
struct ModulusRule {
  std::string from, to;  // six digits each, inclusive
  std::string method;
  int weights[14] = {};
};

// ModulusRules is the table. A sort code no row covers is not checked (the
// banks' rule: it cannot be checked, so it passes); every row that covers
// it must pass.
class ModulusRules {
 public:
  // Parse reads the table's text: one row a line, "#" comments.
  static absl::StatusOr<ModulusRules> Parse(std::string_view text);
  static absl::StatusOr<ModulusRules> Load(const std::string& path);

  // Check: FAILED_PRECONDITION when a covering row fails, saying which
  // check and that the details should be confirmed with the payee.
  absl::Status Check(const std::string& sort_code, const std::string& account_number) const;
  size_t size() const { return rules_.size(); }

 private:
  std::vector<ModulusRule> rules_;
};

}  // namespace dp::payments

#endif  // DP_LIB_PAYMENTS_RULES_BANK_DETAILS_H_
