#ifndef DP_LIB_LEDGER_TYPES_H_
#define DP_LIB_LEDGER_TYPES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "money/money.h"

// Plain domain types of the ledger: no gRPC, no database. The service layer
// converts its protobuf messages to and from these.
namespace dp::ledger {

enum class AccountType { kAsset, kLiability, kIncome, kExpense, kEquity };
enum class Side { kDebit, kCredit };
enum class PendingState { kPending, kPosted, kVoided, kExpired };

// IsDebitNormal: assets and expenses grow with debits, the rest with credits.
inline bool IsDebitNormal(AccountType type) {
  return type == AccountType::kAsset || type == AccountType::kExpense;
}

struct AccountFlags {
  bool debits_must_not_exceed_credits = false;
  bool credits_must_not_exceed_debits = false;
};

// Idempotency carries what every write needs to be retried safely: the
// client's request_id and a digest of the request's content.
struct Idempotency {
  std::string request_id;
  std::string request_digest;  // binary SHA-256
  // Whose request ids these are: the caller's organisation, so that one
  // authority's request id can neither collide with nor replay another's.
  // Empty for the keys services make themselves ("agreements:pay:12:...").
  std::string scope;
  // Key is what the ledger's request log is keyed by.
  std::string Key() const { return scope.empty() ? request_id : scope + "|" + request_id; }
};

struct NewAccount {
  Idempotency idem;
  std::string code;
  std::string name;
  AccountType type = AccountType::kAsset;
  std::string currency;
  std::string owner_type;
  std::string owner_id;
  AccountFlags flags;
  std::string authority_id;  // empty: a platform account
};

struct Account {
  int64_t id = 0;
  std::string code;
  std::string name;
  AccountType type = AccountType::kAsset;
  std::string currency;
  std::string owner_type;
  std::string owner_id;
  AccountFlags flags;
  int64_t created_at_us = 0;  // microseconds since the Unix epoch
  std::string authority_id;
};

struct PostingSpec {
  int64_t account_id = 0;
  Side side = Side::kDebit;
  Money amount;  // positive
};

// NewTransaction posts a balanced set of postings.
struct NewTransaction {
  Idempotency idem;
  std::string kind;
  std::string description;
  std::string created_by;
  std::vector<PostingSpec> postings;
};

// ReverseTransaction posts the mirror image of an earlier transaction.
struct ReverseTransaction {
  Idempotency idem;
  int64_t transaction_id = 0;
  std::string reason;
  std::string created_by;
};

struct NewPending {
  Idempotency idem;
  int64_t debit_account_id = 0;
  int64_t credit_account_id = 0;
  Money amount;
  int32_t timeout_seconds = 0;
  std::string description;
  // How far above `amount` the hold may be posted (tips, fuel); 0: not at all.
  int64_t post_tolerance_pence = 0;
};

struct PostPending {
  Idempotency idem;
  int64_t pending_id = 0;
  std::optional<Money> amount;  // empty: the full held amount
  std::string created_by;
};

// IncreasePending grows an open hold by `amount` (incremental authorisation).
struct IncreasePending {
  Idempotency idem;
  int64_t pending_id = 0;
  Money amount;  // the increase, positive
};

struct VoidPending {
  Idempotency idem;
  int64_t pending_id = 0;
  std::string reason;
};

// WriteOp is one write that the ledger applies inside a database
// transaction, alone or in a batch with others.
using WriteOp = std::variant<NewTransaction, ReverseTransaction, NewPending,
                             PostPending, VoidPending, IncreasePending>;

struct Posting {
  int64_t account_id = 0;
  Side side = Side::kDebit;
  Money amount;
};

struct Transaction {
  int64_t id = 0;
  std::string request_id;
  std::string kind;
  std::string description;
  std::string created_by;
  std::vector<Posting> postings;
  int64_t posted_at_us = 0;
  int64_t reverses_transaction_id = 0;
  int64_t pending_transfer_id = 0;
};

struct PendingTransfer {
  int64_t id = 0;
  std::string request_id;
  int64_t debit_account_id = 0;
  int64_t credit_account_id = 0;
  Money amount;
  PendingState state = PendingState::kPending;
  std::string description;
  int64_t created_at_us = 0;
  int64_t expires_at_us = 0;
  int64_t resolved_at_us = 0;  // 0 while pending
  int64_t posted_amount_pence = 0;
  int64_t posting_transaction_id = 0;
  int64_t post_tolerance_pence = 0;
};

// BalanceTotals are an account's four running totals, all non-negative.
struct BalanceTotals {
  int64_t debits_posted = 0;
  int64_t credits_posted = 0;
  int64_t debits_pending = 0;
  int64_t credits_pending = 0;
};

struct Balance {
  int64_t account_id = 0;
  std::string currency;
  BalanceTotals totals;
  int64_t posted_balance_pence = 0;
  int64_t available_balance_pence = 0;
  int64_t as_of_us = 0;
};

struct StatementLine {
  int64_t posting_id = 0;
  int64_t transaction_id = 0;
  int64_t posted_at_us = 0;
  std::string kind;
  std::string description;
  Side side = Side::kDebit;
  int64_t amount_pence = 0;
  int64_t balance_after_pence = 0;
};

struct Statement {
  std::string currency;
  int64_t opening_balance_pence = 0;
  std::vector<StatementLine> lines;
  std::string next_page_token;
  // Postings of the period already committed but stamped at or after the
  // settled horizon, and so not yet listed: a moment later they are.
  int64_t unsettled_postings = 0;
};

}  // namespace dp::ledger

#endif  // DP_LIB_LEDGER_TYPES_H_
