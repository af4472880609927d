#ifndef DP_LIB_LEDGER_WRITER_H_
#define DP_LIB_LEDGER_WRITER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <pqxx/pqxx>

#include "absl/status/statusor.h"
#include "db/sql.h"
#include "ledger/types.h"

namespace dp::ledger {

// WriteResult is what one applied WriteOp produced: the id of the
// transaction (NewTransaction, ReverseTransaction) or of the pending
// transfer (the pending operations). `replayed` is true when the request_id
// had been applied before and nothing new was written.
struct WriteResult {
  int64_t id = 0;
  bool replayed = false;
  std::optional<Transaction> transaction;  // set when freshly written
  int64_t expires_at_us = 0;               // a hold freshly placed: when it expires
};

// OperationName is the RPC-level name of an operation, stored beside its
// request_id: "CreateTransaction", "PostPendingTransfer", ...
std::string_view OperationName(const WriteOp& op);

// ApplyWrites applies `ops`, in order, inside the caller's database
// transaction `tx`: a service posts its own rows and its ledger postings in
// one commit. Each op succeeds or fails on its own; a failed op writes
// nothing and later ops see the balances as if it had not been tried.
//
// Locking: pending transfers, then balance rows, each in ascending id order,
// so that concurrent writers never deadlock. Database errors propagate as
// pqxx exceptions; the caller then rolls back the whole transaction.
//
//   pqxx::work tx(conn);
//   auto results = ApplyWrites(tx, {NewTransaction{...}});
//   tx.commit();
std::vector<absl::StatusOr<WriteResult>> ApplyWrites(pqxx::work& tx,
                                                     const std::vector<WriteOp>& ops);

// PlanWrites is ApplyWrites without its last round trip: it reads and
// locks what `ops` need and decides each, and returns the results with the
// SQL that writes what was accepted, for the caller to send in `tx` with
// its own writes (in one text: the results hold only until then). A
// result's id is the id that SQL writes. `with` adds the caller's queries
// to the reads' round trip: `first` before them (a BEGIN, for a caller that
// runs its own transaction on a pqxx::nontransaction and so saves BEGIN's
// round trip), and `also_read` after them, whose result comes back in
// `also_read`.
//
//   PlannedWrites planned = PlanWrites(tx, holds);
//   tx.exec(planned.sql + my_records_sql);
struct PlannedWrites {
  std::vector<absl::StatusOr<WriteResult>> results;
  std::string sql;  // empty when nothing was accepted
  std::optional<pqxx::result> also_read;
};
struct WithReads {
  std::string first;
  std::string also_read;
};
PlannedWrites PlanWrites(pqxx::transaction_base& tx, const std::vector<WriteOp>& ops,
                         const WithReads& with = {});

// LockedAccount is an account with its balance row as a caller read it
// after locking that row (FOR UPDATE) in the transaction it plans holds in.
// LockedAccountColumns is the select list that reads one from the
// ledger.accounts row and the ledger.balances row aliased `accounts` and
// `balances`, each column named with `prefix`; LockedAccountFromRow
// decodes it.
//
//   SELECT ..., LockedAccountColumns("a", "b", "card_") FROM ledger.balances b
//     JOIN ledger.accounts a ON a.id = b.account_id WHERE ... FOR UPDATE OF b
//   LockedAccount card = LockedAccountFromRow(row, db::Columns(rows), "card_");
struct LockedAccount {
  Account account;
  BalanceTotals totals;
};
std::string LockedAccountColumns(std::string_view accounts, std::string_view balances,
                                 std::string_view prefix);
LockedAccount LockedAccountFromRow(const pqxx::row& row, const db::Columns& cols,
                                   std::string_view prefix);

// ReadForHolds makes the reads PlanWrites would make for new holds between
// `account_ids` whose request keys are among `request_keys`, at most
// `max_holds` of them, for a caller to send in `tx` in a round trip of its
// own before it knows the holds' amounts (the card batch sends them with
// its reads of the cards), except the accounts: the caller has already
// locked and read those (LockedAccountColumns; the card batch, with its
// cards, so that the rows are read once). PlanHolds then plans the holds on
// the answers and the accounts without a round trip. Unlike PlanWrites's
// reads they never wait: an account the caller could not lock is left out
// of `accounts` (a hold naming it is refused, as naming a missing account),
// and a due hold is released only when this transaction holds both of its
// sides (else its release is left to the sweeper or a later batch, as when
// the sweeper holds it).
//
//   ... lock and read {card, spend} with LockedAccountColumns ...
//   HoldReads asked = ReadForHolds(tx, {card, spend}, {hold.idem.Key()}, 1);
//   ... send asked.queries, in order, and collect their results ...
//   PlannedWrites planned = PlanHolds(tx, {hold}, asked, answers, {card, spend});
//   tx.exec(planned.sql + my_records_sql);
struct HoldReads {
  std::vector<std::string> queries;  // to send in this order
  std::vector<std::string> request_keys;
  int max_holds = 0;
};
HoldReads ReadForHolds(pqxx::transaction_base& tx, const std::vector<int64_t>& account_ids,
                       std::vector<std::string> request_keys, int max_holds);
// PlanHolds: every op is a NewPending whose request key was read, between
// accounts among `accounts`, read after `tx` locked them and before
// `asked`'s queries ran.
PlannedWrites PlanHolds(pqxx::transaction_base& tx, const std::vector<WriteOp>& ops,
                        const HoldReads& asked, const std::vector<pqxx::result>& answers,
                        const std::vector<LockedAccount>& accounts);

// ApplyOne applies a single op inside `tx` and returns the id it produced
// (see ApplyWrites): for a service posting its own rows and one posting in
// one commit.
absl::StatusOr<int64_t> ApplyOne(pqxx::work& tx, WriteOp op);

// ServiceIdempotency names a posting a service makes on its own account
// (a schedule payment, a pay run): `request_id` is deterministic, so the
// ledger itself refuses to make the posting twice, and `content` is what
// must not differ on a retry.
//
//   ServiceIdempotency("agreements:pay:12:2026-05-04", "130000")
Idempotency ServiceIdempotency(const std::string& request_id, const std::string& content);

// CreateAccount creates an account and its balance row, or returns the
// account a previous request with the same request_id created.
absl::StatusOr<Account> CreateAccount(pqxx::work& tx, const NewAccount& account);

// ExpireDuePending marks at most `limit` pending transfers whose expiry has
// passed as expired, releasing their holds. Returns how many it expired.
int ExpireDuePending(pqxx::work& tx, int limit);

}  // namespace dp::ledger

#endif  // DP_LIB_LEDGER_WRITER_H_
