#ifndef DP_LIB_PAYROLL_FORMS_BACS_H_
#define DP_LIB_PAYROLL_FORMS_BACS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

// BACS Standard 18 credits: one 100-character data record per payee
// (transaction code 99) and a contra record (17) debiting the originating
// account with the total, each line ending CRLF. These are the data and
// contra records that bureau software and banks' upload portals take; the
// submitting software adds the VOL1/HDR/UHL1 labels with its Service User
// Number when it sends the file through Bacstel-IP.
namespace dp::payroll {

struct BacsAccount {
  std::string sort_code;       // six digits
  std::string account_number;  // eight digits
  std::string name;            // account name; cut to 18 BACS characters
};

struct BacsCredit {
  BacsAccount to;
  int64_t amount_pence = 0;
  std::string reference;  // shown on the payee's statement
};

// BacsStandard18 builds the file: `from` is the account the money leaves;
// the contra record carries `contra_narrative` (payroll's "PAYROLL", the
// payment runs' "DP PAYMENTS"). A file of several paying accounts is their
// parts one after another, each closed by its contra. Payroll and payment
// runs both write with it.
//
//   BacsStandard18({"401234", "12345678", "J SMITH DP ACCOUNT"},
//                  {{{"209876", "87654321", "A PA"}, 61234, "PAY 2025-26 P5"}})
//   -> "2098768765432109940123412345678    00000061234J SMITH DP ACCOUNTPAY 2025-26 P5 ..."
absl::StatusOr<std::string> BacsStandard18(const BacsAccount& from,
                                           const std::vector<BacsCredit>& credits,
                                           std::string_view contra_narrative = "PAYROLL");

// BacsText upper-cases and keeps only the characters BACS accepts
// (A-Z 0-9 . & / - and space), padded or cut to `width`.
std::string BacsText(std::string_view text, size_t width);

}  // namespace dp::payroll

#endif  // DP_LIB_PAYROLL_FORMS_BACS_H_
