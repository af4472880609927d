#include "ledger/writer.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <map>
#include <set>
#include <string>

#include "base/check.h"
#include "base/sha256.h"
#include "base/refusal.h"
#include "base/strings.h"
#include "db/sql.h"
#include "ledger/rules.h"
#include "ledger/store.h"

namespace dp::ledger {
namespace {

using db::IntArrayLiteral;
using db::MicrosOf;

const Idempotency& IdemOf(const WriteOp& op) {
  return std::visit([](const auto& o) -> const Idempotency& { return o.idem; }, op);
}

absl::Status Validate(const WriteOp& op) {
  struct Visitor {
    absl::Status operator()(const NewTransaction& o) { return ValidateNewTransaction(o); }
    absl::Status operator()(const ReverseTransaction& o) { return ValidateReverse(o); }
    absl::Status operator()(const NewPending& o) { return ValidateNewPending(o); }
    absl::Status operator()(const PostPending& o) { return ValidatePostPending(o); }
    absl::Status operator()(const VoidPending& o) { return ValidateVoidPending(o); }
    absl::Status operator()(const IncreasePending& o) { return ValidateIncreasePending(o); }
  };
  return std::visit(Visitor{}, op);
}

absl::Status ReusedRequestId(std::string_view request_id, std::string_view first_operation) {
  return Refusal(absl::StatusCode::kAlreadyExists, reason::kRequestIdReused,
                 dp::StrCat("request_id \"", request_id.substr(0, 128),
                            "\" was already used for a different ", first_operation,
                            " request; a retry must resend the same request, a new request "
                            "needs a new request_id"),
                 {{"operation", std::string(first_operation)}});
}

// A transaction row planned for insertion.
struct PlannedTxn {
  Transaction txn;
  int64_t reverses_id = 0;
};

struct PlannedPendingUpdate {
  int64_t id = 0;
  PendingState state = PendingState::kVoided;
  std::string reason;
  int64_t posted_amount_pence = 0;
  int64_t posting_transaction_id = 0;
};

struct PlannedIncrease {
  int64_t pending_id = 0;
  std::string request_id;
  int64_t amount_pence = 0;
};

struct PlannedRequest {
  std::string request_id;
  std::string operation;
  std::string digest;
  int64_t resource_id = 0;
};

struct OriginalTxn {
  int64_t id = 0;
  int64_t reversed_by = 0;
  std::vector<Posting> postings;
};

// BatchPlan applies ops to in-memory copies of the locked rows, then writes
// everything it accepted in one round trip.
class BatchPlan {
 public:
  BatchPlan(pqxx::transaction_base& tx, const std::vector<WriteOp>& ops, const WithReads& with)
      : tx_(tx), ops_(ops), with_(with) {}

  // Run reads and locks what the ops need, then plans them.
  PlannedWrites Run();
  // RunOnHoldReads plans new holds on the answers to ReadForHolds's queries.
  PlannedWrites RunOnHoldReads(const HoldReads& asked, const std::vector<pqxx::result>& answers,
                               const std::vector<LockedAccount>& accounts);

 private:
  PlannedWrites Plan();
  void LoadAndLock();
  void ReadClock(const pqxx::result& r);
  void ReadRequests(const pqxx::result& r);
  void ReadOriginals(const pqxx::result& r);
  void ReadPending(const pqxx::result& r);
  void ReadAccounts(const pqxx::result& r);
  void ReadExpired(const pqxx::result& r);
  absl::StatusOr<WriteResult> ApplyOne(const WriteOp& op);
  absl::StatusOr<WriteResult> Apply(const NewTransaction& op);
  absl::StatusOr<WriteResult> Apply(const ReverseTransaction& op);
  absl::StatusOr<WriteResult> Apply(const NewPending& op);
  absl::StatusOr<WriteResult> Apply(const PostPending& op);
  absl::StatusOr<WriteResult> Apply(const VoidPending& op);
  absl::StatusOr<WriteResult> Apply(const IncreasePending& op);
  absl::StatusOr<WriteResult> PlanTransaction(const Idempotency& idem, std::string kind,
                                              std::string description, std::string created_by,
                                              std::vector<Posting> postings, int64_t reverses_id,
                                              int64_t pending_id);
  absl::StatusOr<LockedAccount*> FindAccount(std::string_view field, int64_t id,
                                            std::string_view currency);
  absl::StatusOr<PendingTransfer*> FindOpenPending(int64_t id);
  std::string WriteSql();

  pqxx::transaction_base& tx_;
  const std::vector<WriteOp>& ops_;
  const WithReads& with_;
  std::optional<pqxx::result> also_read_result_;
  int64_t now_us_ = 0;
  std::vector<int64_t> free_txn_ids_;
  std::vector<int64_t> free_pending_ids_;
  std::map<std::string, PlannedRequest> known_requests_;  // stored or planned
  std::set<std::string> planned_request_ids_;
  std::map<int64_t, OriginalTxn> originals_;
  std::map<int64_t, PendingTransfer> pending_;
  std::map<int64_t, LockedAccount> accounts_;
  std::vector<PlannedTxn> txns_;
  std::vector<PendingTransfer> new_pending_;
  std::vector<PlannedPendingUpdate> pending_updates_;
  std::vector<PlannedIncrease> increases_;
};

// The accounts a batch names, directly or through what it reverses ($2)
// or resolves ($3), and the due holds on them: the parts of the two
// prepared reads below.
constexpr char kInvolved[] =
    "ARRAY(SELECT unnest($1::bigint[])"
    " UNION SELECT account_id FROM ledger.postings WHERE transaction_id = ANY($2::bigint[])"
    " UNION SELECT debit_account_id FROM ledger.pending_transfers WHERE id = ANY($3::bigint[])"
    " UNION SELECT credit_account_id FROM ledger.pending_transfers WHERE id = ANY($3::bigint[]))";

// The accounts of $1 and the other sides of their due holds: what a batch
// that reverses and resolves nothing reads and locks.
constexpr char kNamedAndDueSides[] =
    "ARRAY(SELECT unnest($1::bigint[])"
    " UNION SELECT unnest(ARRAY[debit_account_id, credit_account_id])"
    " FROM ledger.pending_transfers WHERE state = 'pending' AND expires_at <= now()"
    " AND (debit_account_id = ANY($1::bigint[]) OR credit_account_id = ANY($1::bigint[])))";

std::string DueHolds() {
  return dp::StrCat("FROM ledger.pending_transfers WHERE state = 'pending' AND expires_at <= now()"
                    " AND (debit_account_id = ANY(", kInvolved, ") OR credit_account_id = ANY(",
                    kInvolved, "))");
}

// The prepared reads of a batch (db::SqlPrepared, so that the batch's
// pipeline can EXECUTE them): those that cost most to plan.
struct PreparedReads {
  std::string accounts;        // EXECUTE ...(named, reversed, resolved)
  std::string accounts_named;  // EXECUTE ...(named): a batch that reverses and resolves nothing
  std::string expire;          // EXECUTE ...(named, reversed, resolved)
  std::string clock;           // EXECUTE ...(transaction ids, pending ids)
  std::string requests;        // EXECUTE ...(request ids)
};

// The columns ReadAccounts decodes.
const std::string& AccountColumns() {
  static const std::string kSelect =
      dp::StrCat("SELECT ", LockedAccountColumns("a", "b", ""),
                 " FROM ledger.balances b JOIN ledger.accounts a ON a.id = b.account_id");
  return kSelect;
}

PreparedReads PrepareReads(pqxx::transaction_base& tx) {
  // The texts are made once: every batch comes here.
  static const std::string kAccounts = dp::StrCat(
      AccountColumns(),
      // One array, computed first, keeps this an index scan on balances. It
      // also takes both sides of the due holds released next.
      " WHERE b.account_id = ANY(ARRAY(SELECT unnest(", kInvolved, ")"
      "   UNION SELECT unnest(ARRAY[debit_account_id, credit_account_id]) ", DueHolds(), "))"
      " ORDER BY b.account_id FOR UPDATE OF b");
  // The same, simple enough that its generic plan is as good as a custom one.
  static const std::string kAccountsNamed =
      dp::StrCat(AccountColumns(), " WHERE b.account_id = ANY(", kNamedAndDueSides, ")",
                 " ORDER BY b.account_id FOR UPDATE OF b");
  // = ANY(ARRAY(...)): the due holds are found once, whatever the
  // statistics (a semi-join planned when the table was empty scanned it
  // again for every row).
  static const std::string kExpire = dp::StrCat(
      "UPDATE ledger.pending_transfers p SET state = 'expired', resolved_at = now(),"
      " resolve_reason = 'expired' WHERE p.id = ANY(ARRAY(SELECT id ", DueHolds(),
      " FOR UPDATE SKIP LOCKED))"
      " RETURNING p.id, p.debit_account_id, p.credit_account_id, p.amount_pence");
  static const std::string kClock = dp::StrCat(
      "SELECT ", MicrosOf("now()"),
      ", (SELECT array_agg(nextval('ledger.transaction_id_seq')) FROM generate_series(1, $1::int)),"
      " (SELECT array_agg(nextval('ledger.pending_transfer_id_seq'))"
      " FROM generate_series(1, $2::int))");
  static const std::string kRequests =
      "SELECT request_id, operation, request_digest, resource_id FROM ledger.requests"
      " WHERE request_id = ANY($1::text[])";
  PreparedReads reads;
  reads.accounts = db::SqlPrepared(tx, "dp_ledger_accounts", kAccounts);
  reads.accounts_named = db::SqlPrepared(tx, "dp_ledger_accounts_named", kAccountsNamed);
  reads.expire = db::SqlPrepared(tx, "dp_ledger_expire", kExpire);
  reads.clock = db::SqlPrepared(tx, "dp_ledger_clock", kClock);
  reads.requests = db::SqlPrepared(tx, "dp_ledger_requests", kRequests);
  return reads;
}

PlannedWrites BatchPlan::Run() {
  LoadAndLock();
  return Plan();
}

PlannedWrites BatchPlan::RunOnHoldReads(const HoldReads& asked,
                                        const std::vector<pqxx::result>& answers,
                                        const std::vector<LockedAccount>& accounts) {
  DP_CHECK(answers.size() == asked.queries.size() && answers.size() == 3);
  int holds = 0;
  for (const WriteOp& op : ops_) {
    // Only new holds, whose request keys were read: a request not read
    // could be a replay, whose insert would then break the whole commit.
    DP_CHECK(std::holds_alternative<NewPending>(op));
    DP_CHECK(std::find(asked.request_keys.begin(), asked.request_keys.end(), IdemOf(op).Key()) !=
             asked.request_keys.end());
    ++holds;
  }
  DP_CHECK(holds <= asked.max_holds);
  ReadClock(answers[0]);
  ReadRequests(answers[1]);
  for (const LockedAccount& a : accounts) {
    DP_CHECK(a.account.id > 0);
    accounts_[a.account.id] = a;
  }
  ReadExpired(answers[2]);
  return Plan();
}

PlannedWrites BatchPlan::Plan() {
  PlannedWrites planned;
  planned.results.reserve(ops_.size());
  for (const WriteOp& op : ops_) planned.results.push_back(ApplyOne(op));
  planned.sql = WriteSql();
  planned.also_read = std::move(also_read_result_);
  return planned;
}

// All reads of a batch travel in one pipelined round trip: on a busy
// machine each round trip costs far more than the queries themselves. The
// server runs them in order, so pending transfers are locked before balance
// rows, both in ascending id order.
void BatchPlan::LoadAndLock() {
  int txn_ids = 0;
  int new_pending = 0;
  std::vector<std::string> request_ids;
  std::vector<int64_t> reverse_ids, pending_ids, account_ids;
  for (const WriteOp& op : ops_) {
    request_ids.push_back(IdemOf(op).Key());
    if (const auto* t = std::get_if<NewTransaction>(&op)) {
      ++txn_ids;
      for (const auto& p : t->postings) account_ids.push_back(p.account_id);
    } else if (const auto* r = std::get_if<ReverseTransaction>(&op)) {
      ++txn_ids;
      reverse_ids.push_back(r->transaction_id);
    } else if (const auto* n = std::get_if<NewPending>(&op)) {
      ++new_pending;
      account_ids.push_back(n->debit_account_id);
      account_ids.push_back(n->credit_account_id);
    } else if (const auto* p = std::get_if<PostPending>(&op)) {
      ++txn_ids;
      pending_ids.push_back(p->pending_id);
    } else if (const auto* v = std::get_if<VoidPending>(&op)) {
      pending_ids.push_back(v->pending_id);
    } else if (const auto* g = std::get_if<IncreasePending>(&op)) {
      pending_ids.push_back(g->pending_id);
    }
  }
  const std::string reverse_array = db::QuotedArray(tx_, reverse_ids);
  const std::string pending_array = db::QuotedArray(tx_, pending_ids);
  const PreparedReads prepared = PrepareReads(tx_);
  pqxx::pipeline pipe(tx_);
  db::SendTogether(pipe);
  if (!with_.first.empty()) pipe.insert(with_.first);
  const auto clock_q = pipe.insert(db::SqlCall(prepared.clock, txn_ids, new_pending));
  const auto requests_q =
      pipe.insert(db::SqlCall(prepared.requests, db::QuotedArray(tx_, request_ids)));
  std::optional<pqxx::pipeline::query_id> originals_q, pending_q;
  if (!reverse_ids.empty()) {
    originals_q = pipe.insert(dp::StrCat(
        "SELECT t.id, coalesce((SELECT r.id FROM ledger.transactions r"
        "                        WHERE r.reverses_transaction_id = t.id), 0),"
        " p.account_id, p.currency, p.amount_pence"
        " FROM ledger.transactions t JOIN ledger.postings p ON p.transaction_id = t.id"
        " WHERE t.id = ANY(", reverse_array, "::bigint[]) ORDER BY t.id, p.id"));
  }
  if (!pending_ids.empty()) {
    pending_q = pipe.insert(dp::StrCat(
        "SELECT ", PendingTransferColumns(), " FROM ledger.pending_transfers WHERE id = ANY(",
        pending_array, "::bigint[]) ORDER BY id FOR UPDATE"));
  }
  // The accounts and the expiry of due holds, prepared (PrepareReads) and
  // executed here with this batch's arrays: planning them cost more than
  // running them.
  const std::string named_array = db::QuotedArray(tx_, account_ids);
  const bool named_only = reverse_ids.empty() && pending_ids.empty();
  if (named_only) pipe.insert("SET LOCAL plan_cache_mode = force_generic_plan");
  const auto accounts_q = pipe.insert(
      named_only ? db::SqlCall(prepared.accounts_named, named_array)
                 : db::SqlCall(prepared.accounts, named_array, reverse_array, pending_array));
  // An expired hold stops holding at its expiry, not when the sweeper next
  // runs: release the due holds of these accounts now, before any rule is
  // checked. SKIP LOCKED: a hold the sweeper is releasing is left to it, so
  // this never waits on a pending row while holding balance rows.
  // Its generic plan is as good as a custom one, which would be planned
  // again on every batch (the full accounts read's is not: it stays custom).
  if (!named_only) pipe.insert("SET LOCAL plan_cache_mode = force_generic_plan");
  const auto expired_q =
      pipe.insert(db::SqlCall(prepared.expire, named_array, reverse_array, pending_array));
  pipe.insert("SET LOCAL plan_cache_mode = auto");
  std::optional<pqxx::pipeline::query_id> also_q;
  if (!with_.also_read.empty()) also_q = pipe.insert(with_.also_read);
  ReadClock(pipe.retrieve(clock_q));
  ReadRequests(pipe.retrieve(requests_q));
  if (originals_q) ReadOriginals(pipe.retrieve(*originals_q));
  if (pending_q) ReadPending(pipe.retrieve(*pending_q));
  ReadAccounts(pipe.retrieve(accounts_q));
  ReadExpired(pipe.retrieve(expired_q));
  if (also_q) also_read_result_ = pipe.retrieve(*also_q);
  pipe.complete();
}

void BatchPlan::ReadClock(const pqxx::result& r) {
  now_us_ = r[0][0].as<int64_t>();
  if (!r[0][1].is_null()) free_txn_ids_ = db::ParseIntArray(r[0][1].c_str());
  if (!r[0][2].is_null()) free_pending_ids_ = db::ParseIntArray(r[0][2].c_str());
  // Hand ids out in ascending order.
  std::reverse(free_txn_ids_.begin(), free_txn_ids_.end());
  std::reverse(free_pending_ids_.begin(), free_pending_ids_.end());
}

void BatchPlan::ReadRequests(const pqxx::result& r) {
  for (const auto& row : r) {
    PlannedRequest req{row[0].as<std::string>(), row[1].as<std::string>(),
                       row[2].as<std::string>(), row[3].as<int64_t>()};
    known_requests_[req.request_id] = req;
  }
}

void BatchPlan::ReadOriginals(const pqxx::result& r) {
  for (const auto& row : r) {
    OriginalTxn& original = originals_[row[0].as<int64_t>()];
    original.id = row[0].as<int64_t>();
    original.reversed_by = row[1].as<int64_t>();
    const int64_t signed_pence = row[4].as<int64_t>();
    original.postings.push_back({row[2].as<int64_t>(),
                                 signed_pence > 0 ? Side::kDebit : Side::kCredit,
                                 Money{std::abs(signed_pence), row[3].as<std::string>()}});
  }
}

void BatchPlan::ReadPending(const pqxx::result& r) {
  for (const auto& row : r) {
    PendingTransfer p = PendingTransferFromRow(row);
    pending_[p.id] = p;
  }
}

void BatchPlan::ReadAccounts(const pqxx::result& r) {
  const db::Columns cols(r);
  for (const auto& row : r) {
    LockedAccount account = LockedAccountFromRow(row, cols, "");
    accounts_[account.account.id] = account;
  }
}

void BatchPlan::ReadExpired(const pqxx::result& r) {
  for (const auto& row : r) {
    const int64_t id = row[0].as<int64_t>();
    const int64_t amount = row[3].as<int64_t>();
    // The balance rows were read before the release: apply it to the copies.
    for (auto [account, side] : {std::pair{row[1].as<int64_t>(), Side::kDebit},
                                 std::pair{row[2].as<int64_t>(), Side::kCredit}}) {
      auto it = accounts_.find(account);
      // Locked above; a hold that expired between the two statements may
      // name an account this batch does not touch.
      if (it == accounts_.end()) continue;
      (void)ApplyToTotals(it->second.totals, it->second.account.flags, BalanceChange::kRelease,
                          side, amount);
    }
    if (auto p = pending_.find(id); p != pending_.end()) p->second.state = PendingState::kExpired;
  }
}

absl::StatusOr<WriteResult> BatchPlan::ApplyOne(const WriteOp& op) {
  if (absl::Status s = Validate(op); !s.ok()) return s;
  const Idempotency& idem = IdemOf(op);
  const std::string_view operation = OperationName(op);
  if (auto it = known_requests_.find(idem.Key()); it != known_requests_.end()) {
    const PlannedRequest& first = it->second;
    if (first.operation != operation || first.digest != idem.request_digest) {
      return ReusedRequestId(idem.request_id, first.operation);
    }
    return WriteResult{first.resource_id, /*replayed=*/true, std::nullopt};
  }
  auto result = std::visit([&](const auto& o) { return Apply(o); }, op);
  if (result.ok()) {
    known_requests_[idem.Key()] = {idem.Key(), std::string(operation), idem.request_digest,
                                   result->id};
    planned_request_ids_.insert(idem.Key());
  }
  return result;
}

absl::StatusOr<LockedAccount*> BatchPlan::FindAccount(std::string_view field, int64_t id,
                                                     std::string_view currency) {
  auto it = accounts_.find(id);
  if (it == accounts_.end()) {
    return MissingAccount(field, id);
  }
  if (it->second.account.currency != currency) {
    return WithReason(FieldError(field, dp::StrCat(": account ", id, " (", it->second.account.code,
                                                   ") holds ", it->second.account.currency,
                                                   ", not ", currency)),
                      reason::kCurrencyMismatch,
                      {{"account_id", std::to_string(id)},
                       {"currency", it->second.account.currency}});
  }
  return &it->second;
}

absl::StatusOr<PendingTransfer*> BatchPlan::FindOpenPending(int64_t id) {
  auto it = pending_.find(id);
  if (it == pending_.end()) {
    return MissingHold(id);
  }
  PendingTransfer& p = it->second;
  if (p.state != PendingState::kPending) {
    return Refusal(absl::StatusCode::kFailedPrecondition,
                   p.state == PendingState::kExpired ? reason::kHoldExpired : reason::kHoldResolved,
                   dp::StrCat("pending transfer ", id, " is already ", PendingStateName(p.state)),
                   {{"hold_id", std::to_string(id)},
                    {"state", std::string(PendingStateName(p.state))}});
  }
  if (p.expires_at_us <= now_us_) {
    return Refusal(absl::StatusCode::kFailedPrecondition, reason::kHoldExpired,
                   dp::StrCat("pending transfer ", id, " has expired; its hold is released"),
                   {{"hold_id", std::to_string(id)}});
  }
  return &p;
}

// Applies postings to copies of the balances; commits the copies only if
// every touched account still satisfies its flags.
absl::StatusOr<WriteResult> BatchPlan::PlanTransaction(
    const Idempotency& idem, std::string kind, std::string description, std::string created_by,
    std::vector<Posting> postings, int64_t reverses_id, int64_t pending_id) {
  std::map<int64_t, BalanceTotals> trial;
  for (size_t i = 0; i < postings.size(); ++i) {
    const Posting& p = postings[i];
    auto state = FindAccount(dp::StrCat("postings[", i, "].account_id"), p.account_id,
                             p.amount.currency);
    if (!state.ok()) return state.status();
    auto [it, inserted] = trial.try_emplace(p.account_id, (*state)->totals);
    (p.side == Side::kDebit ? it->second.debits_posted : it->second.credits_posted) +=
        p.amount.amount_pence;
  }
  for (const auto& [account_id, totals] : trial) {
    const LockedAccount& state = accounts_.at(account_id);
    if (!SatisfiesFlags(totals, state.account.flags)) {
      const int64_t available = AvailableBalance(state.account.type, state.totals);
      return Refusal(absl::StatusCode::kFailedPrecondition, reason::kInsufficientFunds,
                     dp::StrCat("insufficient funds in account ", account_id, " (",
                                state.account.code, "): it may not go below zero and has ",
                                FormatPence(available), " ", state.account.currency,
                                " available"),
                     {{"account_id", std::to_string(account_id)},
                      {"account_code", state.account.code},
                      {"available_pence", std::to_string(available)},
                      {"currency", state.account.currency}});
    }
  }
  for (const auto& [account_id, totals] : trial) accounts_.at(account_id).totals = totals;
  DP_CHECK(!free_txn_ids_.empty());
  PlannedTxn planned;
  planned.txn.id = free_txn_ids_.back();
  free_txn_ids_.pop_back();
  planned.txn.request_id = idem.request_id;
  planned.txn.kind = std::move(kind);
  planned.txn.description = std::move(description);
  planned.txn.created_by = std::move(created_by);
  planned.txn.postings = std::move(postings);
  planned.txn.posted_at_us = now_us_;
  planned.txn.reverses_transaction_id = reverses_id;
  planned.txn.pending_transfer_id = pending_id;
  planned.reverses_id = reverses_id;
  txns_.push_back(planned);
  return WriteResult{planned.txn.id, false, planned.txn};
}

absl::StatusOr<WriteResult> BatchPlan::Apply(const NewTransaction& op) {
  std::vector<Posting> postings;
  for (const auto& p : op.postings) postings.push_back({p.account_id, p.side, p.amount});
  return PlanTransaction(op.idem, op.kind, op.description, op.created_by, std::move(postings),
                         0, 0);
}

absl::StatusOr<WriteResult> BatchPlan::Apply(const ReverseTransaction& op) {
  auto it = originals_.find(op.transaction_id);
  if (it == originals_.end()) {
    return MissingTransaction(op.transaction_id);
  }
  OriginalTxn& original = it->second;
  if (original.reversed_by != 0) {
    return Refusal(absl::StatusCode::kFailedPrecondition, reason::kAlreadyReversed,
                   dp::StrCat("transaction ", op.transaction_id,
                              " was already reversed by transaction ", original.reversed_by),
                   {{"transaction_id", std::to_string(op.transaction_id)},
                    {"reversed_by", std::to_string(original.reversed_by)}});
  }
  std::vector<Posting> mirrored = original.postings;
  for (Posting& p : mirrored) p.side = p.side == Side::kDebit ? Side::kCredit : Side::kDebit;
  auto result = PlanTransaction(
      op.idem, "reversal",
      dp::StrCat("Reversal of transaction ", op.transaction_id, ": ", op.reason),
      op.created_by, std::move(mirrored), op.transaction_id, 0);
  if (result.ok()) original.reversed_by = result->id;
  return result;
}

absl::StatusOr<WriteResult> BatchPlan::Apply(const NewPending& op) {
  auto debit = FindAccount("debit_account_id", op.debit_account_id, op.amount.currency);
  if (!debit.ok()) return debit.status();
  auto credit = FindAccount("credit_account_id", op.credit_account_id, op.amount.currency);
  if (!credit.ok()) return credit.status();
  // Hold on both sides, committing to neither until both fit.
  struct Leg {
    LockedAccount* state;
    Side side;
    const char* name;
    BalanceTotals totals;
  };
  Leg legs[] = {{*debit, Side::kDebit, "debit", (*debit)->totals},
                {*credit, Side::kCredit, "credit", (*credit)->totals}};
  for (Leg& leg : legs) {
    if (auto s = ApplyToTotals(leg.totals, leg.state->account.flags, BalanceChange::kHold,
                               leg.side, op.amount.amount_pence);
        !s.ok()) {
      const int64_t available = AvailableBalance(leg.state->account.type, leg.state->totals);
      return Refusal(absl::StatusCode::kFailedPrecondition, reason::kInsufficientFunds,
                     dp::StrCat(leg.name, " account ", leg.state->account.id, " (",
                                leg.state->account.code, "): ", std::string(s.message())),
                     {{"account_id", std::to_string(leg.state->account.id)},
                      {"account_code", leg.state->account.code},
                      {"available_pence", std::to_string(available)},
                      {"currency", leg.state->account.currency}});
    }
  }
  for (Leg& leg : legs) leg.state->totals = leg.totals;
  DP_CHECK(!free_pending_ids_.empty());
  PendingTransfer p;
  p.id = free_pending_ids_.back();
  free_pending_ids_.pop_back();
  p.request_id = op.idem.request_id;
  p.debit_account_id = op.debit_account_id;
  p.credit_account_id = op.credit_account_id;
  p.amount = op.amount;
  p.description = op.description;
  p.created_at_us = now_us_;
  p.expires_at_us = now_us_ + int64_t{op.timeout_seconds} * 1'000'000;
  p.post_tolerance_pence = op.post_tolerance_pence;
  // Not added to pending_: its id reaches the client only after commit, so
  // no op of this batch can legitimately post or void it.
  new_pending_.push_back(p);
  return WriteResult{p.id, false, std::nullopt, p.expires_at_us};
}

absl::StatusOr<WriteResult> BatchPlan::Apply(const PostPending& op) {
  auto found = FindOpenPending(op.pending_id);
  if (!found.ok()) return found.status();
  PendingTransfer& p = **found;
  int64_t amount = p.amount.amount_pence;
  if (op.amount.has_value()) {
    if (op.amount->currency != p.amount.currency) {
      return WithReason(FieldError("amount.currency", dp::StrCat("must be ", p.amount.currency,
                                                                 ", as held")),
                        reason::kCurrencyMismatch, {{"currency", p.amount.currency}});
    }
    const int64_t limit = amount + p.post_tolerance_pence;  // both bounded: no overflow
    if (op.amount->amount_pence > limit) {
      return WithReason(
          FieldError("amount.amount_pence",
                     dp::StrCat(FormatPence(op.amount->amount_pence), " is more than the ",
                                FormatPence(amount), " held",
                                p.post_tolerance_pence > 0
                                    ? dp::StrCat(" plus its tolerance of ",
                                                 FormatPence(p.post_tolerance_pence))
                                    : "",
                                "; post at most ", FormatPence(limit))),
          reason::kOverLimit, {{"limit_pence", std::to_string(limit)}});
    }
    amount = op.amount->amount_pence;
  }
  LockedAccount& debit = accounts_.at(p.debit_account_id);
  LockedAccount& credit = accounts_.at(p.credit_account_id);
  const BalanceTotals debit_before = debit.totals;
  const BalanceTotals credit_before = credit.totals;
  // Release the hold first: posting within it then always fits the flags.
  (void)ApplyToTotals(debit.totals, debit.account.flags, BalanceChange::kRelease, Side::kDebit,
                      p.amount.amount_pence);
  (void)ApplyToTotals(credit.totals, credit.account.flags, BalanceChange::kRelease,
                      Side::kCredit, p.amount.amount_pence);
  auto result = PlanTransaction(op.idem, "pending_post", p.description, op.created_by,
                                {{p.debit_account_id, Side::kDebit, {amount, p.amount.currency}},
                                 {p.credit_account_id, Side::kCredit, {amount, p.amount.currency}}},
                                0, p.id);
  if (!result.ok()) {
    debit.totals = debit_before;
    credit.totals = credit_before;
    return result.status();
  }
  p.state = PendingState::kPosted;
  pending_updates_.push_back({p.id, PendingState::kPosted, "", amount, result->id});
  return WriteResult{p.id, false, std::nullopt};
}

absl::StatusOr<WriteResult> BatchPlan::Apply(const IncreasePending& op) {
  auto found = FindOpenPending(op.pending_id);
  if (!found.ok()) return found.status();
  PendingTransfer& p = **found;
  if (op.amount.currency != p.amount.currency) {
    return WithReason(FieldError("amount.currency", dp::StrCat("must be ", p.amount.currency,
                                                               ", as held")),
                      reason::kCurrencyMismatch, {{"currency", p.amount.currency}});
  }
  if (p.amount.amount_pence + op.amount.amount_pence > kMaxAmountPence) {
    return WithReason(FieldError("amount.amount_pence",
                                 dp::StrCat("would take the hold over ",
                                            FormatPence(kMaxAmountPence))),
                      reason::kOverLimit, {{"limit_pence", std::to_string(kMaxAmountPence)}});
  }
  // Hold the increase on both sides, committing to neither until both fit.
  LockedAccount& debit = accounts_.at(p.debit_account_id);
  LockedAccount& credit = accounts_.at(p.credit_account_id);
  BalanceTotals debit_after = debit.totals, credit_after = credit.totals;
  for (auto [state, totals, side, name] :
       {std::tuple{&debit, &debit_after, Side::kDebit, "debit"},
        std::tuple{&credit, &credit_after, Side::kCredit, "credit"}}) {
    if (auto s = ApplyToTotals(*totals, state->account.flags, BalanceChange::kHold, side,
                               op.amount.amount_pence);
        !s.ok()) {
      const int64_t available = AvailableBalance(state->account.type, state->totals);
      return Refusal(absl::StatusCode::kFailedPrecondition, reason::kInsufficientFunds,
                     dp::StrCat(name, " account ", state->account.id, " (", state->account.code,
                                "): ", std::string(s.message())),
                     {{"account_id", std::to_string(state->account.id)},
                      {"account_code", state->account.code},
                      {"available_pence", std::to_string(available)},
                      {"currency", state->account.currency}});
    }
  }
  debit.totals = debit_after;
  credit.totals = credit_after;
  p.amount.amount_pence += op.amount.amount_pence;
  increases_.push_back({p.id, op.idem.request_id, op.amount.amount_pence});
  return WriteResult{p.id, false, std::nullopt};
}

absl::StatusOr<WriteResult> BatchPlan::Apply(const VoidPending& op) {
  auto found = FindOpenPending(op.pending_id);
  if (!found.ok()) return found.status();
  PendingTransfer& p = **found;
  LockedAccount& debit = accounts_.at(p.debit_account_id);
  LockedAccount& credit = accounts_.at(p.credit_account_id);
  (void)ApplyToTotals(debit.totals, debit.account.flags, BalanceChange::kRelease, Side::kDebit,
                      p.amount.amount_pence);
  (void)ApplyToTotals(credit.totals, credit.account.flags, BalanceChange::kRelease,
                      Side::kCredit, p.amount.amount_pence);
  p.state = PendingState::kVoided;
  pending_updates_.push_back({p.id, PendingState::kVoided, op.reason, 0, 0});
  return WriteResult{p.id, false, std::nullopt};
}

// One text for everything accepted, run in one round trip. Releases are
// written before new postings and holds, so that no intermediate state is
// tighter than the final one that the plan checked.
std::string BatchPlan::WriteSql() {
  // The invariant on the way out, whatever the checks on the way in said:
  // every transaction written sums to zero in each currency.
  for (const PlannedTxn& planned : txns_) {
    std::map<std::string, int64_t> sum_pence;
    for (const Posting& p : planned.txn.postings) {
      sum_pence[p.amount.currency] += SignedPence(p.side, p.amount.amount_pence);
    }
    for (const auto& [currency, pence] : sum_pence) DP_CHECK_EQ(pence, 0);
  }
  std::string sql;
  if (!pending_updates_.empty()) {
    dp::StrAppend(&sql,
                    "UPDATE ledger.pending_transfers p SET state = v.state, resolved_at = now(),"
                    " resolve_reason = nullif(v.reason, ''),"
                    " posted_amount_pence = nullif(v.posted, 0),"
                    " posting_transaction_id = nullif(v.txn, 0)"
                    " FROM (VALUES ");
    for (size_t i = 0; i < pending_updates_.size(); ++i) {
      const auto& u = pending_updates_[i];
      dp::StrAppend(&sql, i ? "," : "", "(", u.id, "::bigint,",
                      tx_.quote(std::string(PendingStateName(u.state))), ",",
                      tx_.quote(u.reason), ",", u.posted_amount_pence, "::bigint,",
                      u.posting_transaction_id, "::bigint)");
    }
    dp::StrAppend(&sql, ") v(id, state, reason, posted, txn) WHERE p.id = v.id;\n");
  }
  // The inserts are prepared, each taking a column per array: planning
  // them afresh in every batch cost more than running them.
  if (!txns_.empty()) {
    static const std::string kTransactions =
        "INSERT INTO ledger.transactions (id, request_id, kind, description, created_by,"
        " reverses_transaction_id, pending_transfer_id)"
        " SELECT id, r, k, d, c, nullif(rev, 0), nullif(p, 0) FROM unnest($1::bigint[],"
        " $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[])"
        " AS x(id, r, k, d, c, rev, p)";
    static const std::string kPostings =
        "INSERT INTO ledger.postings (transaction_id, account_id, currency, amount_pence)"
        " SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::bigint[])";
    std::vector<int64_t> ids, reverses, pending_ids, posting_txns, posting_accounts, posting_pence;
    std::vector<std::string> request_ids, kinds, descriptions, creators, posting_currencies;
    for (const PlannedTxn& planned : txns_) {
      const Transaction& t = planned.txn;
      ids.push_back(t.id);
      request_ids.push_back(t.request_id);
      kinds.push_back(t.kind);
      descriptions.push_back(t.description);
      creators.push_back(t.created_by);
      reverses.push_back(t.reverses_transaction_id);
      pending_ids.push_back(t.pending_transfer_id);
      for (const Posting& p : t.postings) {
        posting_txns.push_back(t.id);
        posting_accounts.push_back(p.account_id);
        posting_currencies.push_back(p.amount.currency);
        posting_pence.push_back(SignedPence(p.side, p.amount.amount_pence));
      }
    }
    dp::StrAppend(
        &sql,
        db::SqlCall(db::SqlPrepared(tx_, "dp_ledger_insert_transactions", kTransactions),
                    db::QuotedArray(tx_, ids), db::QuotedArray(tx_, request_ids),
                    db::QuotedArray(tx_, kinds), db::QuotedArray(tx_, descriptions),
                    db::QuotedArray(tx_, creators), db::QuotedArray(tx_, reverses),
                    db::QuotedArray(tx_, pending_ids)),
        ";\n",
        db::SqlCall(db::SqlPrepared(tx_, "dp_ledger_insert_postings", kPostings),
                    db::QuotedArray(tx_, posting_txns),
                    db::QuotedArray(tx_, posting_accounts),
                    db::QuotedArray(tx_, posting_currencies),
                    db::QuotedArray(tx_, posting_pence)),
        ";\n");
  }
  if (!new_pending_.empty()) {
    static const std::string kPending =
        "INSERT INTO ledger.pending_transfers (id, request_id, debit_account_id,"
        " credit_account_id, currency, amount_pence, description, expires_at,"
        " post_tolerance_pence)"
        " SELECT id, r, d, c, cu, a, de, now() + interval '1 microsecond' * e, t"
        " FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[], $5::text[],"
        " $6::bigint[], $7::text[], $8::bigint[], $9::bigint[]) AS x(id, r, d, c, cu, a, de, e, t)";
    std::vector<int64_t> ids, debits, credits, amounts, expires_in_us, tolerances;
    std::vector<std::string> request_ids, currencies, descriptions;
    for (const PendingTransfer& p : new_pending_) {
      ids.push_back(p.id);
      request_ids.push_back(p.request_id);
      debits.push_back(p.debit_account_id);
      credits.push_back(p.credit_account_id);
      currencies.push_back(p.amount.currency);
      amounts.push_back(p.amount.amount_pence);
      descriptions.push_back(p.description);
      expires_in_us.push_back(p.expires_at_us - now_us_);
      tolerances.push_back(p.post_tolerance_pence);
    }
    dp::StrAppend(
        &sql,
        db::SqlCall(db::SqlPrepared(tx_, "dp_ledger_insert_pending", kPending),
                    db::QuotedArray(tx_, ids), db::QuotedArray(tx_, request_ids),
                    db::QuotedArray(tx_, debits), db::QuotedArray(tx_, credits),
                    db::QuotedArray(tx_, currencies), db::QuotedArray(tx_, amounts),
                    db::QuotedArray(tx_, descriptions),
                    db::QuotedArray(tx_, expires_in_us),
                    db::QuotedArray(tx_, tolerances)),
        ";\n");
  }
  if (!increases_.empty()) {
    static const std::string kIncreases =
        "INSERT INTO ledger.pending_increases (pending_transfer_id, request_id, amount_pence)"
        " SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[])";
    std::vector<int64_t> pending_ids, amounts;
    std::vector<std::string> request_ids;
    for (const PlannedIncrease& g : increases_) {
      pending_ids.push_back(g.pending_id);
      request_ids.push_back(g.request_id);
      amounts.push_back(g.amount_pence);
    }
    dp::StrAppend(&sql,
                  db::SqlCall(db::SqlPrepared(tx_, "dp_ledger_insert_increases", kIncreases),
                              db::QuotedArray(tx_, pending_ids),
                              db::QuotedArray(tx_, request_ids),
                              db::QuotedArray(tx_, amounts)),
                  ";\n");
  }
  if (!planned_request_ids_.empty()) {
    static const std::string kRequests =
        "INSERT INTO ledger.requests (request_id, operation, request_digest, resource_id)"
        " SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[])";
    std::vector<std::string> request_ids, operations, digests;
    std::vector<int64_t> resources;
    for (const std::string& id : planned_request_ids_) {
      const PlannedRequest& r = known_requests_.at(id);
      request_ids.push_back(r.request_id);
      operations.push_back(r.operation);
      digests.push_back(r.digest);
      resources.push_back(r.resource_id);
    }
    dp::StrAppend(&sql,
                  db::SqlCall(db::SqlPrepared(tx_, "dp_ledger_insert_requests", kRequests),
                              db::QuotedArray(tx_, request_ids),
                              db::QuotedArray(tx_, operations),
                              db::QuotedArray(tx_, digests),
                              db::QuotedArray(tx_, resources)),
                  ";\n");
  }
  return sql;
}

}  // namespace

std::string_view OperationName(const WriteOp& op) {
  struct Visitor {
    std::string_view operator()(const NewTransaction&) { return "CreateTransaction"; }
    std::string_view operator()(const ReverseTransaction&) { return "ReverseTransaction"; }
    std::string_view operator()(const NewPending&) { return "CreatePendingTransfer"; }
    std::string_view operator()(const PostPending&) { return "PostPendingTransfer"; }
    std::string_view operator()(const VoidPending&) { return "VoidPendingTransfer"; }
    std::string_view operator()(const IncreasePending&) { return "IncreasePendingTransfer"; }
  };
  return std::visit(Visitor{}, op);
}

PlannedWrites PlanWrites(pqxx::transaction_base& tx, const std::vector<WriteOp>& ops,
                         const WithReads& with) {
  if (ops.empty()) {
    PlannedWrites nothing;
    if (!with.first.empty()) tx.exec(with.first);
    if (!with.also_read.empty()) nothing.also_read = tx.exec(with.also_read);
    return nothing;
  }
  BatchPlan plan(tx, ops, with);
  return plan.Run();
}

HoldReads ReadForHolds(pqxx::transaction_base& tx, const std::vector<int64_t>& account_ids,
                       std::vector<std::string> request_keys, int max_holds) {
  DP_CHECK(max_holds >= 0);
  // A due hold is released only when this transaction holds both of its
  // sides (the caller's read took the named accounts; the other sides are
  // taken here if free): its release then updates no balance row another
  // holds.
  static const std::string kExpireHeld = dp::StrCat(
      "WITH held AS MATERIALIZED (SELECT coalesce(array_agg(account_id), '{}') AS ids FROM"
      " (SELECT account_id FROM ledger.balances WHERE account_id = ANY(", kNamedAndDueSides, ")"
      "  ORDER BY account_id FOR UPDATE SKIP LOCKED) x)"
      " UPDATE ledger.pending_transfers p SET state = 'expired', resolved_at = now(),"
      " resolve_reason = 'expired' WHERE p.id = ANY(ARRAY(SELECT d.id FROM"
      " ledger.pending_transfers d, held WHERE d.state = 'pending' AND d.expires_at <= now()"
      " AND (d.debit_account_id = ANY($1::bigint[]) OR d.credit_account_id = ANY($1::bigint[]))"
      " AND d.debit_account_id = ANY(held.ids) AND d.credit_account_id = ANY(held.ids)"
      " FOR UPDATE OF d SKIP LOCKED))"
      " RETURNING p.id, p.debit_account_id, p.credit_account_id, p.amount_pence");
  const PreparedReads prepared = PrepareReads(tx);
  const std::string accounts = db::QuotedArray(tx, account_ids);
  HoldReads reads;
  reads.queries = {
      db::SqlCall(prepared.clock, 0, max_holds),
      db::SqlCall(prepared.requests, db::QuotedArray(tx, request_keys)),
      db::SqlCall(db::SqlPrepared(tx, "dp_ledger_expire_held", kExpireHeld), accounts)};
  reads.request_keys = std::move(request_keys);
  reads.max_holds = max_holds;
  return reads;
}

PlannedWrites PlanHolds(pqxx::transaction_base& tx, const std::vector<WriteOp>& ops,
                        const HoldReads& asked, const std::vector<pqxx::result>& answers,
                        const std::vector<LockedAccount>& accounts) {
  static const WithReads kNone;
  BatchPlan plan(tx, ops, kNone);
  return plan.RunOnHoldReads(asked, answers, accounts);
}

std::string LockedAccountColumns(std::string_view accounts, std::string_view balances,
                                 std::string_view prefix) {
  std::string sql;
  for (std::string_view column : {"id", "code", "type", "currency",
                                  "debits_must_not_exceed_credits",
                                  "credits_must_not_exceed_debits"}) {
    dp::StrAppend(&sql, sql.empty() ? "" : ", ", accounts, ".", column, " AS ", prefix, column);
  }
  for (std::string_view column :
       {"debits_posted", "credits_posted", "debits_pending", "credits_pending"}) {
    dp::StrAppend(&sql, ", ", balances, ".", column, " AS ", prefix, column);
  }
  return sql;
}

LockedAccount LockedAccountFromRow(const pqxx::row& row, const db::Columns& cols,
                                   std::string_view prefix) {
  auto field = [&](std::string_view column) { return row[cols(prefix, column)]; };
  LockedAccount a;
  a.account.id = field("id").as<int64_t>();
  a.account.code = field("code").as<std::string>();
  const auto type = ParseAccountType(field("type").as<std::string>());
  DP_CHECK(type.has_value());  // the column's CHECK allows no other value
  a.account.type = *type;
  a.account.currency = field("currency").as<std::string>();
  a.account.flags = {field("debits_must_not_exceed_credits").as<bool>(),
                     field("credits_must_not_exceed_debits").as<bool>()};
  a.totals = {field("debits_posted").as<int64_t>(), field("credits_posted").as<int64_t>(),
              field("debits_pending").as<int64_t>(), field("credits_pending").as<int64_t>()};
  return a;
}

std::vector<absl::StatusOr<WriteResult>> ApplyWrites(pqxx::work& tx,
                                                     const std::vector<WriteOp>& ops) {
  PlannedWrites planned = PlanWrites(tx, ops);
  if (!planned.sql.empty()) tx.exec(planned.sql);
  return std::move(planned.results);
}

namespace {

// CheckOwner: an account's owner exists and belongs to the account's
// authority. A missing owner and another authority's get the same answer,
// so the refusal tells nothing of what exists elsewhere.
absl::Status CheckOwner(pqxx::work& tx, const NewAccount& a) {
  bool ok = true;
  if (a.owner_type == "authority") {
    ok = a.owner_id == a.authority_id && !a.authority_id.empty();
  } else if (a.owner_type == "agreement" || a.owner_type == "employer") {
    int64_t id = 0;
    const auto [end, ec] = std::from_chars(a.owner_id.data(), a.owner_id.data() + a.owner_id.size(), id);
    ok = ec == std::errc() && end == a.owner_id.data() + a.owner_id.size() && id > 0;
    if (ok) {
      ok = !tx.exec_params(a.owner_type == "agreement"
                               ? "SELECT 1 FROM agreements.agreements WHERE id = $1 AND authority_id = $2"
                               : "SELECT 1 FROM payroll.employers e JOIN agreements.agreements g"
                                 " ON g.id = e.agreement_id WHERE e.id = $1 AND g.authority_id = $2",
                           id, a.authority_id)
                .empty();
    }
  }
  if (ok) return absl::OkStatus();
  return FieldError("owner_id", dp::StrCat("is not ", a.owner_type == "authority" ? "the" : "an",
                                           " ", a.owner_type, " of authority \"",
                                           a.authority_id, "\""));
}

}  // namespace

absl::StatusOr<Account> CreateAccount(pqxx::work& tx, const NewAccount& a) {
  if (absl::Status s = ValidateNewAccount(a); !s.ok()) return s;
  const pqxx::result existing = tx.exec_params(
      "SELECT operation, request_digest, resource_id FROM ledger.requests WHERE request_id = $1",
      a.idem.Key());
  if (!existing.empty()) {
    if (existing[0][0].as<std::string>() != "CreateAccount" ||
        existing[0][1].as<std::string>() != a.idem.request_digest) {
      return ReusedRequestId(a.idem.request_id, existing[0][0].as<std::string>());
    }
    return GetAccount(tx, existing[0][2].as<int64_t>());
  }
  if (absl::Status s = CheckOwner(tx, a); !s.ok()) return s;
  const pqxx::result inserted = tx.exec_params(
      "INSERT INTO ledger.accounts (code, name, type, currency, owner_type, owner_id,"
      " debits_must_not_exceed_credits, credits_must_not_exceed_debits, authority_id)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (code) DO NOTHING RETURNING id",
      a.code, a.name, std::string(AccountTypeName(a.type)), a.currency, a.owner_type,
      a.owner_id, a.flags.debits_must_not_exceed_credits, a.flags.credits_must_not_exceed_debits,
      a.authority_id);
  if (inserted.empty()) {
    // A concurrent twin of this request may have just committed the account.
    const pqxx::result twin = tx.exec_params(
        "SELECT resource_id FROM ledger.requests WHERE request_id = $1"
        " AND operation = 'CreateAccount' AND request_digest = $2",
        a.idem.Key(), a.idem.request_digest);
    if (!twin.empty()) return GetAccount(tx, twin[0][0].as<int64_t>());
    return Refusal(absl::StatusCode::kAlreadyExists, reason::kAccountCodeTaken,
                   dp::StrCat("an account with the code \"", a.code, "\" already exists"),
                   {{"code", a.code}});
  }
  const int64_t id = inserted[0][0].as<int64_t>();
  tx.exec_params0(
      "INSERT INTO ledger.requests (request_id, operation, request_digest, resource_id)"
      " VALUES ($1, 'CreateAccount', $2, $3)",
      a.idem.Key(), a.idem.request_digest, id);
  return GetAccount(tx, id);
}

int ExpireDuePending(pqxx::work& tx, int limit) {
  // Lock order as in ApplyWrites: pending rows, then balances by account id.
  const pqxx::result due = tx.exec_params(
      "SELECT id, debit_account_id, credit_account_id FROM ledger.pending_transfers"
      " WHERE state = 'pending' AND expires_at <= now()"
      " ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED",
      limit);
  if (due.empty()) return 0;
  std::vector<int64_t> pending_ids;
  std::set<int64_t> account_ids;
  for (const auto& row : due) {
    pending_ids.push_back(row[0].as<int64_t>());
    account_ids.insert(row[1].as<int64_t>());
    account_ids.insert(row[2].as<int64_t>());
  }
  tx.exec_params(
      "SELECT 1 FROM ledger.balances WHERE account_id = ANY($1::bigint[])"
      " ORDER BY account_id FOR UPDATE",
      IntArrayLiteral(std::vector<int64_t>(account_ids.begin(), account_ids.end())));
  tx.exec_params(
      "UPDATE ledger.pending_transfers SET state = 'expired', resolved_at = now(),"
      " resolve_reason = 'expired' WHERE id = ANY($1::bigint[])",
      IntArrayLiteral(pending_ids));
  return static_cast<int>(pending_ids.size());
}

absl::StatusOr<int64_t> ApplyOne(pqxx::work& tx, WriteOp op) {
  std::vector<WriteOp> ops;
  ops.push_back(std::move(op));
  auto results = ApplyWrites(tx, ops);
  if (!results[0].ok()) return results[0].status();
  return results[0]->id;
}

Idempotency ServiceIdempotency(const std::string& request_id, const std::string& content) {
  return {request_id, Sha256Hex(dp::StrCat(request_id, "|", content))};
}

}  // namespace dp::ledger
