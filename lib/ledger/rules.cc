#include "ledger/rules.h"

#include <algorithm>
#include <map>
#include <string>

#include "base/refusal.h"
#include "base/strings.h"

namespace dp::ledger {
namespace {

constexpr int kMaxPostings = 100;
// 31 days: a card hold for lodging or car hire lasts that long (Stripe Issuing).
constexpr int32_t kMaxPendingTimeoutSeconds = 31 * 24 * 3600;

absl::Status Invalid(std::string_view field, std::string_view why) {
  return FieldError(field, why);
}

bool IsKind(std::string_view kind) {
  if (kind.empty() || kind.size() > 64) return false;
  if (kind[0] < 'a' || kind[0] > 'z') return false;
  for (char c : kind) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

bool IsAccountCode(std::string_view code) {
  if (code.empty() || code.size() > 100) return false;
  for (size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                       (c >= '0' && c <= '9');
    const bool punct = c == ':' || c == '.' || c == '_' || c == '/' || c == '-';
    if (!alnum && !(i > 0 && punct)) return false;
  }
  return true;
}

absl::Status ValidateText(std::string_view field, std::string_view text,
                          size_t max_chars, bool required = true) {
  if (text.empty()) return required ? Invalid(field, "is required") : absl::OkStatus();
  if (text.size() > max_chars) {
    return Invalid(field, dp::StrCat("is longer than ", max_chars,
                                       " characters"));
  }
  return absl::OkStatus();
}

absl::Status ValidateAmount(std::string_view field, const Money& amount) {
  if (!IsValidCurrency(amount.currency)) {
    return Invalid(dp::StrCat(field, ".currency"),
                   dp::StrCat(Quoted(amount.currency), " is not a currency this system holds (GBP)"));
  }
  if (amount.amount_pence <= 0) {
    return Invalid(dp::StrCat(field, ".amount_pence"),
                   dp::StrCat("must be positive, got ", amount.amount_pence));
  }
  if (amount.amount_pence > kMaxAmountPence) {
    return Invalid(dp::StrCat(field, ".amount_pence"),
                   dp::StrCat("is above the limit of ", kMaxAmountPence));
  }
  return absl::OkStatus();
}

absl::Status ValidatePositiveId(std::string_view field, int64_t id) {
  if (id <= 0) return Invalid(field, "must be a positive id");
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateRequestId(std::string_view request_id) {
  if (request_id.empty()) {
    return Invalid("request_id", "is required so that retries are safe");
  }
  if (request_id.size() > 128) return Invalid("request_id", "is over 128 characters");
  for (char c : request_id) {
    if (c < 0x21 || c > 0x7e) {
      return Invalid("request_id", "must be printable ASCII without spaces");
    }
  }
  return absl::OkStatus();
}

namespace {

// Every kind of transaction there is, and whether a caller of
// CreateTransaction may post it; the others belong to the service (or the
// ledger operation) that makes them.
struct KindRule {
  std::string_view kind;
  bool client = false;
};
constexpr KindRule kKinds[] = {
    {"manual_journal", true},  {"transfer", true},          {"card_capture", true},
    {"pay_run", false},        {"payroll_payment", false},  {"schedule_payment", false},
    {"recovery", false},       {"reversal", false},         {"pending_post", false},
    {"card_force_post", false}, {"card_refund", false},      {"card_load", false},
    // Payments out (lib/payments): sent to the bank, paid, returned, collected.
    {"payment_out", false},    {"payment_paid", false},     {"payment_returned", false},
    {"direct_debit", false},
};

// The owners an account can have, each tied to the account's authority.
constexpr std::string_view kOwnerTypes[] = {"", "authority", "agreement", "employer"};

}  // namespace

absl::Status MissingAccount(std::string_view field, int64_t id) {
  if (field.empty()) {
    return Refusal(absl::StatusCode::kNotFound, reason::kAccountNotFound,
                   dp::StrCat("account ", id, " does not exist"),
                   {{"account_id", std::to_string(id)}});
  }
  return Refusal(absl::StatusCode::kNotFound, reason::kAccountNotFound,
                 dp::StrCat(field, ": account ", id, " does not exist"),
                 {{"account_id", std::to_string(id)}, {"field", std::string(field)}});
}

absl::Status MissingTransaction(int64_t id) {
  return Refusal(absl::StatusCode::kNotFound, reason::kTransactionNotFound,
                 dp::StrCat("transaction ", id, " does not exist"),
                 {{"transaction_id", std::to_string(id)}});
}

absl::Status MissingHold(int64_t id) {
  return Refusal(absl::StatusCode::kNotFound, reason::kHoldNotFound,
                 dp::StrCat("pending transfer ", id, " does not exist"),
                 {{"hold_id", std::to_string(id)}});
}

bool IsKnownKind(std::string_view kind) {
  for (const KindRule& k : kKinds) {
    if (k.kind == kind) return true;
  }
  return false;
}

bool IsClientKind(std::string_view kind) {
  for (const KindRule& k : kKinds) {
    if (k.kind == kind) return k.client;
  }
  return false;
}

absl::Status ValidateNewAccount(const NewAccount& account) {
  if (auto s = ValidateRequestId(account.idem.request_id); !s.ok()) return s;
  if (!IsAccountCode(account.code)) {
    return Invalid("code",
                   "must be 1 to 100 characters of letters, digits and "
                   ": . _ / -, starting with a letter or digit");
  }
  if (auto s = ValidateText("name", account.name, 200); !s.ok()) return s;
  if (!IsValidCurrency(account.currency)) {
    return Invalid("currency",
                   dp::StrCat(Quoted(account.currency), " is not a currency this system holds (GBP)"));
  }
  if (std::find(std::begin(kOwnerTypes), std::end(kOwnerTypes), account.owner_type) ==
      std::end(kOwnerTypes)) {
    return Invalid("owner_type", "must be authority, agreement, employer, or empty for the platform");
  }
  if (account.owner_type.empty() != account.owner_id.empty()) {
    return Invalid("owner_id", "is given exactly when owner_type is");
  }
  if (auto s = ValidateText("owner_id", account.owner_id, 64, /*required=*/false); !s.ok()) return s;
  if (account.flags.debits_must_not_exceed_credits &&
      account.flags.credits_must_not_exceed_debits) {
    return Invalid("debits_must_not_exceed_credits",
                   "cannot be set together with credits_must_not_exceed_debits");
  }
  return absl::OkStatus();
}

absl::Status ValidateNewTransaction(const NewTransaction& txn) {
  if (auto s = ValidateRequestId(txn.idem.request_id); !s.ok()) return s;
  if (!IsKind(txn.kind) || !IsKnownKind(txn.kind)) {
    return Invalid("kind", "must be a known kind of transaction, for example manual_journal");
  }
  if (auto s = ValidateText("description", txn.description, 500); !s.ok()) return s;
  if (txn.postings.size() < 2) {
    return Invalid("postings", dp::StrCat("needs at least two entries, got ",
                                            txn.postings.size()));
  }
  if (txn.postings.size() > kMaxPostings) {
    return Invalid("postings", dp::StrCat("has more than ", kMaxPostings, " entries"));
  }
  std::map<std::string, int64_t> net_by_currency;  // debits minus credits
  std::map<int64_t, Side> side_of;                 // each account's side
  for (size_t i = 0; i < txn.postings.size(); ++i) {
    const PostingSpec& p = txn.postings[i];
    auto [it, first] = side_of.try_emplace(p.account_id, p.side);
    if (!first && it->second != p.side) {
      return Invalid(dp::StrCat("postings[", i, "].account_id"),
                     dp::StrCat("names account ", p.account_id,
                                " on both sides: a transfer needs two different accounts"));
    }
  }
  for (size_t i = 0; i < txn.postings.size(); ++i) {
    const PostingSpec& p = txn.postings[i];
    const std::string field = dp::StrCat("postings[", i, "]");
    if (auto s = ValidatePositiveId(dp::StrCat(field, ".account_id"), p.account_id);
        !s.ok()) {
      return s;
    }
    if (auto s = ValidateAmount(dp::StrCat(field, ".amount"), p.amount); !s.ok()) {
      return s;
    }
    // Bounded amounts and at most kMaxPostings of them: no overflow here.
    net_by_currency[p.amount.currency] += SignedPence(p.side, p.amount.amount_pence);
  }
  for (const auto& [currency, net] : net_by_currency) {
    if (net != 0) {
      return Invalid("postings",
                     dp::StrCat("do not balance in ", currency, ": debits exceed credits by ",
                                  FormatPence(net), " (each currency must sum to zero)"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateNewPending(const NewPending& pending) {
  if (auto s = ValidateRequestId(pending.idem.request_id); !s.ok()) return s;
  if (auto s = ValidatePositiveId("debit_account_id", pending.debit_account_id); !s.ok()) {
    return s;
  }
  if (auto s = ValidatePositiveId("credit_account_id", pending.credit_account_id); !s.ok()) {
    return s;
  }
  if (pending.debit_account_id == pending.credit_account_id) {
    return Invalid("credit_account_id", "must differ from debit_account_id");
  }
  if (auto s = ValidateAmount("amount", pending.amount); !s.ok()) return s;
  if (pending.post_tolerance_pence < 0 || pending.post_tolerance_pence > kMaxAmountPence) {
    return Invalid("post_tolerance.amount_pence",
                   dp::StrCat("must be 0 to ", FormatPence(kMaxAmountPence)));
  }
  if (pending.timeout_seconds <= 0 || pending.timeout_seconds > kMaxPendingTimeoutSeconds) {
    return Invalid("timeout_seconds",
                   dp::StrCat("must be 1 to ", kMaxPendingTimeoutSeconds, " (31 days)"));
  }
  return ValidateText("description", pending.description, 500);
}

absl::Status ValidatePostPending(const PostPending& post) {
  if (auto s = ValidateRequestId(post.idem.request_id); !s.ok()) return s;
  if (auto s = ValidatePositiveId("pending_transfer_id", post.pending_id); !s.ok()) return s;
  if (post.amount.has_value()) return ValidateAmount("amount", *post.amount);
  return absl::OkStatus();
}

absl::Status ValidateIncreasePending(const IncreasePending& increase) {
  if (auto s = ValidateRequestId(increase.idem.request_id); !s.ok()) return s;
  if (auto s = ValidatePositiveId("pending_transfer_id", increase.pending_id); !s.ok()) return s;
  return ValidateAmount("amount", increase.amount);
}

absl::Status ValidateVoidPending(const VoidPending& void_op) {
  if (auto s = ValidateRequestId(void_op.idem.request_id); !s.ok()) return s;
  if (auto s = ValidatePositiveId("pending_transfer_id", void_op.pending_id); !s.ok()) {
    return s;
  }
  return ValidateText("reason", void_op.reason, 500);
}

absl::Status ValidateReverse(const ReverseTransaction& reverse) {
  if (auto s = ValidateRequestId(reverse.idem.request_id); !s.ok()) return s;
  if (auto s = ValidatePositiveId("transaction_id", reverse.transaction_id); !s.ok()) {
    return s;
  }
  return ValidateText("reason", reverse.reason, 480);
}

int64_t PostedBalance(AccountType type, const BalanceTotals& totals) {
  return IsDebitNormal(type) ? totals.debits_posted - totals.credits_posted
                             : totals.credits_posted - totals.debits_posted;
}

int64_t AvailableBalance(AccountType type, const BalanceTotals& totals) {
  return IsDebitNormal(type) ? PostedBalance(type, totals) - totals.credits_pending
                             : PostedBalance(type, totals) - totals.debits_pending;
}

bool SatisfiesFlags(const BalanceTotals& t, const AccountFlags& flags) {
  if (flags.debits_must_not_exceed_credits &&
      t.debits_posted + t.debits_pending > t.credits_posted) {
    return false;
  }
  if (flags.credits_must_not_exceed_debits &&
      t.credits_posted + t.credits_pending > t.debits_posted) {
    return false;
  }
  return true;
}

absl::Status ApplyToTotals(BalanceTotals& totals, const AccountFlags& flags,
                           BalanceChange change, Side side, int64_t amount_pence) {
  BalanceTotals next = totals;
  const bool debit = side == Side::kDebit;
  switch (change) {
    case BalanceChange::kPost:
      (debit ? next.debits_posted : next.credits_posted) += amount_pence;
      break;
    case BalanceChange::kHold:
      (debit ? next.debits_pending : next.credits_pending) += amount_pence;
      break;
    case BalanceChange::kRelease:
      (debit ? next.debits_pending : next.credits_pending) -= amount_pence;
      break;
  }
  if (next.debits_pending < 0 || next.credits_pending < 0) {
    return absl::InternalError("pending totals would go negative");
  }
  // A release only loosens; posting and holding must keep the flags true.
  if (change != BalanceChange::kRelease && !SatisfiesFlags(next, flags)) {
    const bool guards_debits = flags.debits_must_not_exceed_credits;
    const int64_t room = guards_debits
        ? totals.credits_posted - totals.debits_posted - totals.debits_pending
        : totals.debits_posted - totals.credits_posted - totals.credits_pending;
    return Refusal(absl::StatusCode::kFailedPrecondition, reason::kInsufficientFunds,
                   dp::StrCat("insufficient funds: the account may not go below zero; available ",
                              FormatPence(room), ", this ", debit ? "debit" : "credit", " needs ",
                              FormatPence(amount_pence)),
                   {{"available_pence", std::to_string(room)}});
  }
  totals = next;
  return absl::OkStatus();
}

}  // namespace dp::ledger
