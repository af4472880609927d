#ifndef DP_LIB_LEDGER_RULES_H_
#define DP_LIB_LEDGER_RULES_H_

#include <cstdint>
#include <string_view>

#include "absl/status/status.h"
#include "ledger/types.h"

// The ledger's rules that need no database: shape of requests, balancing,
// and how a posting or a hold moves an account's totals. The writer applies
// them against locked balances; PostgreSQL enforces them again.
namespace dp::ledger {

// ValidateRequestId: 1 to 128 printable ASCII characters.
absl::Status ValidateRequestId(std::string_view request_id);

// ValidateNewAccount checks a new account's fields, naming the bad field:
//
//   ValidateNewAccount({.code = "", ...})
//     -> INVALID_ARGUMENT "code must be 1 to 100 characters ..."
absl::Status ValidateNewAccount(const NewAccount& account);

// MissingAccount, MissingTransaction, MissingHold are the refusals for a
// thing that does not exist, and also for one the caller may not see, so
// the two cannot be told apart:
//   MissingAccount("postings[0].account_id", 12)
//     -> NOT_FOUND "postings[0].account_id: account 12 does not exist"
//   MissingAccount("", 12) -> NOT_FOUND "account 12 does not exist"
absl::Status MissingAccount(std::string_view field, int64_t id);
absl::Status MissingTransaction(int64_t id);
absl::Status MissingHold(int64_t id);

// IsKnownKind: `kind` is one of the transaction kinds there are
// (manual_journal, pay_run, ...). IsClientKind: a caller of
// CreateTransaction may post it; the rest (pay_run, schedule_payment, ...)
// are posted only by the service that owns them.
bool IsKnownKind(std::string_view kind);
bool IsClientKind(std::string_view kind);

// ValidateNewTransaction checks shape and balance, without the database:
// two or more postings, positive amounts, valid currencies, and debits equal
// to credits in each currency.
absl::Status ValidateNewTransaction(const NewTransaction& txn);

absl::Status ValidateNewPending(const NewPending& pending);
absl::Status ValidatePostPending(const PostPending& post);
absl::Status ValidateVoidPending(const VoidPending& void_op);
absl::Status ValidateIncreasePending(const IncreasePending& increase);
absl::Status ValidateReverse(const ReverseTransaction& reverse);

// SignedPence: debits are positive and credits negative, as stored.
inline int64_t SignedPence(Side side, int64_t amount_pence) {
  return side == Side::kDebit ? amount_pence : -amount_pence;
}

// PostedBalance is the balance in the account's normal direction.
int64_t PostedBalance(AccountType type, const BalanceTotals& totals);

// AvailableBalance is the posted balance less pending amounts that move
// against the normal direction (holds on the money).
int64_t AvailableBalance(AccountType type, const BalanceTotals& totals);

// BalanceChange describes one effect on an account's totals.
enum class BalanceChange { kPost, kHold, kRelease };

// ApplyToTotals applies a change to `totals` if the account's flags allow it,
// and leaves `totals` untouched otherwise:
//
//   BalanceTotals t{.credits_posted = 1000};
//   ApplyToTotals(t, {.debits_must_not_exceed_credits = true},
//                 BalanceChange::kPost, Side::kDebit, 1500)
//     -> FAILED_PRECONDITION, t unchanged
absl::Status ApplyToTotals(BalanceTotals& totals, const AccountFlags& flags,
                           BalanceChange change, Side side,
                           int64_t amount_pence);

// SatisfiesFlags reports whether totals respect the no-negative flags.
bool SatisfiesFlags(const BalanceTotals& totals, const AccountFlags& flags);

}  // namespace dp::ledger

#endif  // DP_LIB_LEDGER_RULES_H_
