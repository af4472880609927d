#include "base/refusal.h"

#include <algorithm>

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "base/strings.h"

namespace dp {
namespace {

constexpr std::string_view kReasonUrl = "dp.v1/reason";
constexpr std::string_view kFieldUrl = "dp.v1/field";
constexpr std::string_view kMetaPrefix = "dp.v1/meta/";

// Debian's Abseil has its own string_view, distinct from std's.
absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

}  // namespace

const std::vector<ReasonDoc>& AllReasons() {
  static const std::vector<ReasonDoc> kReasons = {
      {reason::kInvalidField, "a request field is missing or wrong; the BadRequest detail names it"},
      {reason::kNotFound, "nothing with that id exists within what the caller may see"},
      {reason::kPermissionDenied, "the caller may not do this"},
      {reason::kUnauthenticated, "no client certificate, or one this system did not issue"},
      {reason::kFailedPrecondition, "the thing is not in a state that allows this"},
      {reason::kAlreadyExists, "something with that name or key already exists"},
      {reason::kUnavailable, "a passing failure (database, shutdown): retry with the same request_id"},
      {reason::kRefused, "refused for a reason the message gives"},
      {reason::kRequestIdReused, "the request_id was used before for a different request"},
      {reason::kInsufficientFunds,
       "the account may not go below zero; metadata: account_id, account_code, available_pence, currency"},
      {reason::kAccountNotFound, "no such account; metadata: account_id"},
      {reason::kCurrencyMismatch, "the amount's currency is not the account's; metadata: account_id, currency"},
      {reason::kTransactionNotFound, "no such transaction; metadata: transaction_id"},
      {reason::kAlreadyReversed, "the transaction was reversed before; metadata: transaction_id, reversed_by"},
      {reason::kHoldNotFound, "no such hold (pending transfer); metadata: hold_id"},
      {reason::kHoldResolved, "the hold was already posted or voided; metadata: hold_id, state"},
      {reason::kHoldExpired, "the hold's time ran out and its money was released; metadata: hold_id"},
      {reason::kOverLimit, "more than a limit allows; metadata: limit_pence"},
      {reason::kAccountCodeTaken, "an account with that code exists; metadata: code"},
      {reason::kDatabaseRule, "a database rule refused the write; nothing was written"},
      {reason::kAuditUnavailable, "the audit event could not be written, so nothing was done"},
      {reason::kOutsideScope, "the resource is outside the caller's authority or grants"},
      {reason::kRoleNotAllowed, "the caller's role may not call this method"},
      {reason::kPrincipalDisabled, "the caller's principal is disabled"},
      {reason::kNotSettled,
       "the instant asked for is after the settled horizon (writes still committing); retry "
       "shortly; metadata: horizon_us"},
      {reason::kBankDetailsInvalid,
       "the sort code and account number fail the banks' modulus check; confirm them with the payee"},
      {reason::kPayeeNotApproved,
       "the payee has not been approved by the payment manager or an officer; metadata: payee_id"},
      {reason::kCommitmentsUnfunded,
       "the payment would leave money already committed unfunded; metadata: commitment, "
       "available_pence"},
      {reason::kAgreementNotPayable, "the agreement is not active (frozen, suspended or ended)"},
      {reason::kNoPayrollEmployment, "a PA is paid as an employee: record their payroll employment first"},
      {reason::kUseNotPermitted, "the agreement's permitted uses exclude this kind of payee; metadata: use"},
      {reason::kMissingDateOfBirth, "a PA cannot be paid until their date of birth is recorded; metadata: employee_id"},
      {reason::kHolidayExceedsBalance,
       "holiday asked for is more than the PA's balance; an officer or the ISO may allow it with a "
       "reason; metadata: balance_centi_hours"},
      {reason::kAverageEarningsNeeded,
       "a PA off sick within 8 weeks of starting needs their average weekly earnings from before "
       "recorded, for SSP"},
      {reason::kTooLong, "a text field is longer than its bound (proto/dp/v1/bounds.proto); the field is named"},
      {reason::kTooMany, "a list has more items than its bound; the field is named"},
      {reason::kUnknownEnumValue, "an enum field holds a number that is not one of its values"},
      {reason::kDateOutOfRange, "a date that does not exist, or outside the years its field allows"},
  };
  return kReasons;
}

absl::Status WithReason(absl::Status status, std::string_view reason, Metadata metadata) {
  if (status.ok()) return status;
  status.SetPayload(Av(kReasonUrl), absl::Cord(std::string(reason)));
  for (const auto& [key, value] : metadata) {
    status.SetPayload(dp::StrCat(kMetaPrefix, key), absl::Cord(value));
  }
  return status;
}

absl::Status Refusal(absl::StatusCode code, std::string_view reason, std::string_view message,
                     Metadata metadata) {
  return WithReason(absl::Status(code, std::string(message)), reason, metadata);
}

absl::Status FieldError(std::string_view field, std::string_view problem, std::string_view reason) {
  absl::Status s = Refusal(absl::StatusCode::kInvalidArgument, reason, dp::StrCat(field, " ", problem));
  s.SetPayload(Av(kFieldUrl), absl::Cord(std::string(field)));
  return s;
}

std::string ReasonOf(const absl::Status& status) {
  if (auto r = status.GetPayload(Av(kReasonUrl))) return std::string(*r);
  switch (status.code()) {
    case absl::StatusCode::kOk: return "";
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange: return std::string(reason::kInvalidField);
    case absl::StatusCode::kNotFound: return std::string(reason::kNotFound);
    case absl::StatusCode::kPermissionDenied: return std::string(reason::kPermissionDenied);
    case absl::StatusCode::kUnauthenticated: return std::string(reason::kUnauthenticated);
    case absl::StatusCode::kFailedPrecondition: return std::string(reason::kFailedPrecondition);
    case absl::StatusCode::kAlreadyExists: return std::string(reason::kAlreadyExists);
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kDeadlineExceeded: return std::string(reason::kUnavailable);
    default: return std::string(reason::kRefused);
  }
}

std::string FieldOf(const absl::Status& status) {
  if (auto f = status.GetPayload(Av(kFieldUrl))) return std::string(*f);
  return "";
}

std::vector<std::pair<std::string, std::string>> MetadataOf(const absl::Status& status) {
  std::vector<std::pair<std::string, std::string>> out;
  status.ForEachPayload([&](absl::string_view url, const absl::Cord& value) {
    if (absl::StartsWith(url, Av(kMetaPrefix))) {
      out.emplace_back(std::string(url.substr(kMetaPrefix.size())), std::string(value));
    }
  });
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace dp
