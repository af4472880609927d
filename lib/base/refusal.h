#ifndef DP_LIB_BASE_REFUSAL_H_
#define DP_LIB_BASE_REFUSAL_H_

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"

// Refusals that clients can read by machine. A refusal is an absl::Status
// that also carries a stable reason ("INSUFFICIENT_FUNDS"), the field it is
// about, if any, and metadata (the account, the pence available). The
// service layer sends them as google.rpc.ErrorInfo (domain "dp.v1") and,
// for INVALID_ARGUMENT, google.rpc.BadRequest (service/status.h).
//
//   return Refusal(absl::StatusCode::kFailedPrecondition, reason::kInsufficientFunds,
//                  "insufficient funds in account 12 ...",
//                  {{"account_id", "12"}, {"available_pence", "1250"}});
//   return FieldError("amount.amount_pence", "must be positive");
//
// Every reason is listed once, in kReasons below, and in docs/ERRORS.md (a
// test keeps the two the same). Reasons are part of the API: add, never
// rename.
namespace dp {

namespace reason {
// Generic: the fallback for a code when no specific reason applies.
inline constexpr std::string_view kInvalidField = "INVALID_FIELD";
inline constexpr std::string_view kNotFound = "NOT_FOUND";
inline constexpr std::string_view kPermissionDenied = "PERMISSION_DENIED";
inline constexpr std::string_view kUnauthenticated = "UNAUTHENTICATED";
inline constexpr std::string_view kFailedPrecondition = "FAILED_PRECONDITION";
inline constexpr std::string_view kAlreadyExists = "ALREADY_EXISTS";
inline constexpr std::string_view kUnavailable = "UNAVAILABLE";
inline constexpr std::string_view kRefused = "REFUSED";
// Specific.
inline constexpr std::string_view kRequestIdReused = "REQUEST_ID_REUSED";
inline constexpr std::string_view kInsufficientFunds = "INSUFFICIENT_FUNDS";
inline constexpr std::string_view kAccountNotFound = "ACCOUNT_NOT_FOUND";
inline constexpr std::string_view kCurrencyMismatch = "CURRENCY_MISMATCH";
inline constexpr std::string_view kTransactionNotFound = "TRANSACTION_NOT_FOUND";
inline constexpr std::string_view kAlreadyReversed = "ALREADY_REVERSED";
inline constexpr std::string_view kHoldNotFound = "HOLD_NOT_FOUND";
inline constexpr std::string_view kHoldResolved = "HOLD_RESOLVED";
inline constexpr std::string_view kHoldExpired = "HOLD_EXPIRED";
inline constexpr std::string_view kOverLimit = "OVER_LIMIT";
inline constexpr std::string_view kAccountCodeTaken = "ACCOUNT_CODE_TAKEN";
inline constexpr std::string_view kDatabaseRule = "DATABASE_RULE";
inline constexpr std::string_view kAuditUnavailable = "AUDIT_UNAVAILABLE";
inline constexpr std::string_view kOutsideScope = "OUTSIDE_SCOPE";
inline constexpr std::string_view kRoleNotAllowed = "ROLE_NOT_ALLOWED";
inline constexpr std::string_view kPrincipalDisabled = "PRINCIPAL_DISABLED";
inline constexpr std::string_view kMissingDateOfBirth = "MISSING_DATE_OF_BIRTH";
inline constexpr std::string_view kHolidayExceedsBalance = "HOLIDAY_EXCEEDS_BALANCE";
inline constexpr std::string_view kAverageEarningsNeeded = "AVERAGE_EARNINGS_NEEDED";
inline constexpr std::string_view kNotSettled = "NOT_SETTLED";
// Payments out (lib/payments).
inline constexpr std::string_view kBankDetailsInvalid = "BANK_DETAILS_INVALID";
inline constexpr std::string_view kPayeeNotApproved = "PAYEE_NOT_APPROVED";
inline constexpr std::string_view kCommitmentsUnfunded = "COMMITMENTS_UNFUNDED";
inline constexpr std::string_view kAgreementNotPayable = "AGREEMENT_NOT_PAYABLE";
inline constexpr std::string_view kNoPayrollEmployment = "NO_PAYROLL_EMPLOYMENT";
inline constexpr std::string_view kUseNotPermitted = "USE_NOT_PERMITTED";
// Bounds at the door (service/request_bounds.h).
inline constexpr std::string_view kTooLong = "TOO_LONG";
inline constexpr std::string_view kTooMany = "TOO_MANY";
inline constexpr std::string_view kUnknownEnumValue = "UNKNOWN_ENUM_VALUE";
inline constexpr std::string_view kDateOutOfRange = "DATE_OUT_OF_RANGE";
}  // namespace reason

// ReasonDoc is one reason and what it means, for docs/ERRORS.md.
struct ReasonDoc {
  std::string_view reason;
  std::string_view meaning;
};

// kReasons is every reason any service sends.
const std::vector<ReasonDoc>& AllReasons();

using Metadata = std::initializer_list<std::pair<std::string_view, std::string>>;

// Refusal is a status with `code`, `message` and a machine-readable reason.
absl::Status Refusal(absl::StatusCode code, std::string_view reason, std::string_view message,
                     Metadata metadata = {});

// FieldError is INVALID_ARGUMENT about one request field, named as in the
// proto with dots and indexes ("postings[1].amount.amount_pence"); the
// message says what is wrong and starts with the field name.
absl::Status FieldError(std::string_view field, std::string_view problem,
                        std::string_view reason = reason::kInvalidField);

// WithReason gives an existing status a reason (and metadata), keeping its
// code and message.
absl::Status WithReason(absl::Status status, std::string_view reason, Metadata metadata = {});

// ReasonOf is the status's reason, or the generic reason of its code.
std::string ReasonOf(const absl::Status& status);
// FieldOf is the field a status is about, or "".
std::string FieldOf(const absl::Status& status);
// MetadataOf lists the status's metadata, sorted by key.
std::vector<std::pair<std::string, std::string>> MetadataOf(const absl::Status& status);

}  // namespace dp

#endif  // DP_LIB_BASE_REFUSAL_H_
