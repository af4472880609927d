#ifndef DP_LIB_LEDGER_STORE_H_
#define DP_LIB_LEDGER_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <pqxx/pqxx>

#include "absl/status/statusor.h"
#include "ledger/types.h"

// Named read queries over the ledger schema. Writes go through LedgerWriter.
namespace dp::ledger {

std::string_view AccountTypeName(AccountType type);
std::optional<AccountType> ParseAccountType(std::string_view name);
std::string_view PendingStateName(PendingState state);
PendingState ParsePendingState(std::string_view name);

absl::StatusOr<Account> GetAccount(pqxx::transaction_base& tx, int64_t id);
absl::StatusOr<Account> GetAccountByCode(pqxx::transaction_base& tx, std::string_view code);

struct AccountQuery {
  std::string owner_type;  // empty: any
  std::string owner_id;    // empty: any
  // Visibility: when `scoped`, only accounts of these authorities or these
  // "owner_type:owner_id" owners.
  bool scoped = false;
  std::vector<std::string> authorities;
  std::vector<std::string> owners;
  int page_size = 0;
  std::string page_token;
};
struct AccountPage {
  std::vector<Account> accounts;
  std::string next_page_token;
};
absl::StatusOr<AccountPage> ListAccounts(pqxx::transaction_base& tx, const AccountQuery& query);

absl::StatusOr<Transaction> GetTransaction(pqxx::transaction_base& tx, int64_t id);
absl::StatusOr<PendingTransfer> GetPendingTransfer(pqxx::transaction_base& tx, int64_t id);
// The columns GetPendingTransfer selects, and the row parser: shared with
// the writer, which selects the same rows FOR UPDATE.
const std::string& PendingTransferColumns();
PendingTransfer PendingTransferFromRow(const pqxx::row& row);

// SettledHorizonUs is the settled horizon: the start of the oldest
// transaction still open in the database. Every posting stamped before it
// has committed, so anything read as of an earlier instant is final.
int64_t SettledHorizonUs(pqxx::transaction_base& tx);

// GetBalance returns the account's balance now, or as it stood at `as_of_us`
// (microseconds since the epoch), recomputed from postings and holds. An
// as-of answer never changes: an instant at or after the settled horizon is
// UNAVAILABLE with reason NOT_SETTLED (retry a moment later).
absl::StatusOr<Balance> GetBalance(pqxx::transaction_base& tx, int64_t account_id,
                                   std::optional<int64_t> as_of_us);

// CurrentTotalsSelect is the start of a query (to be completed with
// " FROM ledger.balances WHERE account_id = <account>") for an account's
// four running totals now, holds past their expiry left out: for a service
// that reads them in the same statement as its own rows, then takes
// PostedBalance and AvailableBalance (rules.h) of them, as GetBalance does.
std::string CurrentTotalsSelect(std::string_view account);

struct StatementQuery {
  int64_t account_id = 0;
  std::optional<int64_t> from_us;  // inclusive
  std::optional<int64_t> to_us;    // exclusive
  int page_size = 0;
  std::string page_token;
};
// GetStatement lists an account's postings in (posted_at, id) order, with
// the running balance after each, one page at a time, up to the settled
// horizon: a page never skips a posting that committed after it was read.
absl::StatusOr<Statement> GetStatement(pqxx::transaction_base& tx, const StatementQuery& query);

}  // namespace dp::ledger

#endif  // DP_LIB_LEDGER_STORE_H_
