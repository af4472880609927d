#include "ledger/store.h"

#include "base/check.h"
#include "base/refusal.h"
#include "base/strings.h"
#include "db/page_token.h"
#include "db/sql.h"
#include "ledger/rules.h"

namespace dp::ledger {
namespace {

using db::MicrosOf;

const std::string& AccountColumns() {
  static const std::string columns = dp::StrCat(
      "id, code, name, type, currency, owner_type, owner_id, "
      "debits_must_not_exceed_credits, credits_must_not_exceed_debits, ",
      MicrosOf("created_at"), ", authority_id");
  return columns;
}

Account AccountFromRow(const pqxx::row& r) {
  Account a;
  a.id = r[0].as<int64_t>();
  a.code = r[1].as<std::string>();
  a.name = r[2].as<std::string>();
  const auto type = ParseAccountType(r[3].as<std::string>());
  DP_CHECK(type.has_value());  // the column's CHECK allows no other value
  a.type = *type;
  a.currency = r[4].as<std::string>();
  a.owner_type = r[5].as<std::string>();
  a.owner_id = r[6].as<std::string>();
  a.flags.debits_must_not_exceed_credits = r[7].as<bool>();
  a.flags.credits_must_not_exceed_debits = r[8].as<bool>();
  a.created_at_us = r[9].as<int64_t>();
  a.authority_id = r[10].as<std::string>();
  return a;
}

// Micros as a SQL timestamptz expression, exact to the microsecond.
std::string TimestampFromMicros(int64_t micros) {
  return dp::StrCat("('epoch'::timestamptz + ", micros, " * interval '1 microsecond')");
}

}  // namespace

std::string_view AccountTypeName(AccountType type) {
  switch (type) {
    case AccountType::kAsset: return "asset";
    case AccountType::kLiability: return "liability";
    case AccountType::kIncome: return "income";
    case AccountType::kExpense: return "expense";
    case AccountType::kEquity: return "equity";
  }
  return "asset";
}

std::optional<AccountType> ParseAccountType(std::string_view name) {
  for (AccountType t : {AccountType::kAsset, AccountType::kLiability, AccountType::kIncome,
                        AccountType::kExpense, AccountType::kEquity}) {
    if (AccountTypeName(t) == name) return t;
  }
  return std::nullopt;
}

PendingState ParsePendingState(std::string_view name) {
  if (name == "posted") return PendingState::kPosted;
  if (name == "voided") return PendingState::kVoided;
  if (name == "expired") return PendingState::kExpired;
  return PendingState::kPending;
}

std::string_view PendingStateName(PendingState state) {
  switch (state) {
    case PendingState::kPending: return "pending";
    case PendingState::kPosted: return "posted";
    case PendingState::kVoided: return "voided";
    case PendingState::kExpired: return "expired";
  }
  return "pending";
}

absl::StatusOr<Account> GetAccount(pqxx::transaction_base& tx, int64_t id) {
  const pqxx::result r = tx.exec_params(
      dp::StrCat("SELECT ", AccountColumns(), " FROM ledger.accounts WHERE id = $1"), id);
  if (r.empty()) return MissingAccount("", id);
  return AccountFromRow(r[0]);
}

absl::StatusOr<Account> GetAccountByCode(pqxx::transaction_base& tx, std::string_view code) {
  const pqxx::result r = tx.exec_params(
      dp::StrCat("SELECT ", AccountColumns(), " FROM ledger.accounts WHERE code = $1"),
      std::string(code));
  if (r.empty()) {
    return absl::NotFoundError(dp::StrCat("no account has the code \"", code, "\""));
  }
  return AccountFromRow(r[0]);
}

absl::StatusOr<AccountPage> ListAccounts(pqxx::transaction_base& tx, const AccountQuery& q) {
  auto page_size = db::ClampPageSize(q.page_size, 50, 500);
  if (!page_size.ok()) return page_size.status();
  const std::string authorities = db::TextArrayLiteral(q.authorities);
  const std::string owners = db::TextArrayLiteral(q.owners);
  const std::string fingerprint = dp::StrCat("accounts|", q.owner_type, "|", q.owner_id, "|",
                                             q.scoped, authorities, owners);
  auto after_id = db::DecodePageToken(q.page_token, fingerprint);
  if (!after_id.ok()) return after_id.status();
  const pqxx::result r = tx.exec_params(
      dp::StrCat("SELECT ", AccountColumns(),
                   " FROM ledger.accounts WHERE id > $1"
                   " AND ($2 = '' OR owner_type = $2) AND ($3 = '' OR owner_id = $3)"
                   " AND (NOT $5 OR authority_id = ANY($6::text[])"
                   "      OR owner_type || ':' || owner_id = ANY($7::text[]))"
                   " ORDER BY id LIMIT $4"),
      *after_id, q.owner_type, q.owner_id, *page_size + 1, q.scoped, authorities, owners);
  AccountPage page;
  db::PageFill fill(*page_size);
  for (const auto& row : r) {
    if (!fill.Room(db::RowBytes(row))) {
      page.next_page_token = db::EncodePageToken(fingerprint, page.accounts.back().id);
      break;
    }
    page.accounts.push_back(AccountFromRow(row));
  }
  return page;
}

absl::StatusOr<Transaction> GetTransaction(pqxx::transaction_base& tx, int64_t id) {
  const pqxx::result r = tx.exec_params(
      dp::StrCat("SELECT t.id, t.request_id, t.kind, t.description, t.created_by, ",
                   MicrosOf("t.posted_at"),
                   ", coalesce(t.reverses_transaction_id, 0), coalesce(t.pending_transfer_id, 0),"
                   " p.account_id, p.currency, p.amount_pence"
                   " FROM ledger.transactions t JOIN ledger.postings p ON p.transaction_id = t.id"
                   " WHERE t.id = $1 ORDER BY p.id"),
      id);
  if (r.empty()) return MissingTransaction(id);
  Transaction t;
  t.id = r[0][0].as<int64_t>();
  t.request_id = r[0][1].as<std::string>();
  t.kind = r[0][2].as<std::string>();
  t.description = r[0][3].as<std::string>();
  t.created_by = r[0][4].as<std::string>();
  t.posted_at_us = r[0][5].as<int64_t>();
  t.reverses_transaction_id = r[0][6].as<int64_t>();
  t.pending_transfer_id = r[0][7].as<int64_t>();
  for (const auto& row : r) {
    const int64_t signed_pence = row[10].as<int64_t>();
    t.postings.push_back({row[8].as<int64_t>(), signed_pence > 0 ? Side::kDebit : Side::kCredit,
                          Money{signed_pence > 0 ? signed_pence : -signed_pence,
                                row[9].as<std::string>()}});
  }
  return t;
}

const std::string& PendingTransferColumns() {
  static const std::string columns = dp::StrCat(
      "id, request_id, debit_account_id, credit_account_id, currency, amount_pence, state,"
      " description, ", MicrosOf("created_at"), ", ", MicrosOf("expires_at"), ", coalesce(",
      MicrosOf("resolved_at"),
      ", 0), coalesce(posted_amount_pence, 0), coalesce(posting_transaction_id, 0),"
      " post_tolerance_pence");
  return columns;
}

PendingTransfer PendingTransferFromRow(const pqxx::row& row) {
  PendingTransfer p;
  p.id = row[0].as<int64_t>();
  p.request_id = row[1].as<std::string>();
  p.debit_account_id = row[2].as<int64_t>();
  p.credit_account_id = row[3].as<int64_t>();
  p.amount = Money{row[5].as<int64_t>(), row[4].as<std::string>()};
  p.state = ParsePendingState(row[6].as<std::string>());
  p.description = row[7].as<std::string>();
  p.created_at_us = row[8].as<int64_t>();
  p.expires_at_us = row[9].as<int64_t>();
  p.resolved_at_us = row[10].as<int64_t>();
  p.posted_amount_pence = row[11].as<int64_t>();
  p.posting_transaction_id = row[12].as<int64_t>();
  p.post_tolerance_pence = row[13].as<int64_t>();
  return p;
}

absl::StatusOr<PendingTransfer> GetPendingTransfer(pqxx::transaction_base& tx, int64_t id) {
  const pqxx::result r = tx.exec_params(
      dp::StrCat("SELECT ", PendingTransferColumns(), " FROM ledger.pending_transfers WHERE id = $1"),
      id);
  if (r.empty()) {
    return MissingHold(id);
  }
  return PendingTransferFromRow(r[0]);
}

std::string CurrentTotalsSelect(std::string_view account) {
  // A hold whose time is up no longer holds, even before the sweeper
  // releases it.
  return dp::StrCat("SELECT debits_posted, credits_posted,"
                    " debits_pending - (SELECT coalesce(sum(amount_pence), 0)"
                    "   FROM ledger.pending_transfers WHERE debit_account_id = ", account,
                    "    AND state = 'pending' AND expires_at <= now()),"
                    " credits_pending - (SELECT coalesce(sum(amount_pence), 0)"
                    "   FROM ledger.pending_transfers WHERE credit_account_id = ", account,
                    "    AND state = 'pending' AND expires_at <= now())");
}

absl::StatusOr<Balance> GetBalance(pqxx::transaction_base& tx, int64_t account_id,
                                   std::optional<int64_t> as_of_us) {
  auto account = GetAccount(tx, account_id);
  if (!account.ok()) return account.status();
  Balance balance;
  balance.account_id = account_id;
  balance.currency = account->currency;
  pqxx::row row;
  if (as_of_us.has_value()) {
    // Only an instant every writer has finished with has a final answer.
    const int64_t horizon_us = SettledHorizonUs(tx);
    if (*as_of_us >= horizon_us) {
      return Refusal(absl::StatusCode::kUnavailable, reason::kNotSettled,
                     dp::StrCat("as_of is after the settled horizon: writes stamped before it "
                                "may still be committing; retry shortly"),
                     {{"horizon_us", std::to_string(horizon_us)}});
    }
  }
  if (!as_of_us.has_value()) {
    row = tx.exec_params1(dp::StrCat(CurrentTotalsSelect("$1"), ", ", MicrosOf("now()"),
                                     " FROM ledger.balances WHERE account_id = $1"),
                          account_id);
  } else {
    // History: postings before the instant, and holds open at that instant.
    const std::string at = TimestampFromMicros(*as_of_us);
    row = tx.exec_params1(
        dp::StrCat(
            "SELECT (SELECT coalesce(sum(amount_pence) FILTER (WHERE amount_pence > 0), 0)"
            "          FROM ledger.postings WHERE account_id = $1 AND posted_at <= ", at, "),"
            " (SELECT coalesce(-sum(amount_pence) FILTER (WHERE amount_pence < 0), 0)"
            "    FROM ledger.postings WHERE account_id = $1 AND posted_at <= ", at, "),"
            " (SELECT coalesce(sum(p.amount_pence - (SELECT coalesce(sum(i.amount_pence), 0)"
            "     FROM ledger.pending_increases i WHERE i.pending_transfer_id = p.id"
            "      AND i.created_at > ", at, ")), 0) FROM ledger.pending_transfers p"
            "   WHERE debit_account_id = $1 AND created_at <= ", at,
            "     AND (resolved_at IS NULL OR resolved_at > ", at, ") AND expires_at > ", at, "),"
            " (SELECT coalesce(sum(p.amount_pence - (SELECT coalesce(sum(i.amount_pence), 0)"
            "     FROM ledger.pending_increases i WHERE i.pending_transfer_id = p.id"
            "      AND i.created_at > ", at, ")), 0) FROM ledger.pending_transfers p"
            "   WHERE credit_account_id = $1 AND created_at <= ", at,
            "     AND (resolved_at IS NULL OR resolved_at > ", at, ") AND expires_at > ", at, "),"
            " $2::bigint"),
        account_id, *as_of_us);
  }
  balance.totals = {row[0].as<int64_t>(), row[1].as<int64_t>(), row[2].as<int64_t>(),
                    row[3].as<int64_t>()};
  balance.as_of_us = row[4].as<int64_t>();
  balance.posted_balance_pence = PostedBalance(account->type, balance.totals);
  balance.available_balance_pence = AvailableBalance(account->type, balance.totals);
  return balance;
}

int64_t SettledHorizonUs(pqxx::transaction_base& tx) {
  return tx.exec1(dp::StrCat("SELECT ", MicrosOf("ledger.settled_horizon()")))[0].as<int64_t>();
}

absl::StatusOr<Statement> GetStatement(pqxx::transaction_base& tx, const StatementQuery& q) {
  auto account = GetAccount(tx, q.account_id);
  if (!account.ok()) return account.status();
  auto page_size = db::ClampPageSize(q.page_size, 100, 1000);
  if (!page_size.ok()) return page_size.status();
  if (q.from_us && q.to_us && *q.to_us <= *q.from_us) {
    return FieldError("to", "must be after from");
  }
  const std::string fingerprint = dp::StrCat("statement|", q.account_id, "|",
                                             q.from_us.value_or(-1), "|", q.to_us.value_or(-1));
  auto after_id = db::DecodePageToken(q.page_token, fingerprint);
  if (!after_id.ok()) return after_id.status();

  // Lines are in (posted_at, id) order and stop at the settled horizon:
  // below it the set of postings is final, so a page resumes exactly after
  // the last line it gave and no posting that commits later can fall
  // behind it. The token's posting fixes where (posted_at, id) resumes.
  const std::string horizon = TimestampFromMicros(SettledHorizonUs(tx));
  const std::string from_sql = q.from_us ? TimestampFromMicros(*q.from_us) : "'-infinity'";
  const std::string to_sql = dp::StrCat(
      "least(", q.to_us ? TimestampFromMicros(*q.to_us) : "'infinity'::timestamptz", ", ",
      horizon, ")");
  const std::string after_key = dp::StrCat(
      "(coalesce((SELECT posted_at FROM ledger.postings WHERE id = $2), '-infinity'), $2::bigint)");
  // Signed sums: debit-positive; flipped below for credit-normal accounts.
  const pqxx::row opening = tx.exec_params1(
      dp::StrCat("SELECT coalesce(sum(amount_pence) FILTER (WHERE posted_at < ", from_sql,
                 "), 0), coalesce(sum(amount_pence) FILTER (WHERE posted_at >= ", from_sql,
                 " AND posted_at < ", to_sql, " AND (posted_at, id) <= ", after_key, "), 0)"
                 " FROM ledger.postings WHERE account_id = $1"),
      q.account_id, *after_id);
  const int sign = IsDebitNormal(account->type) ? 1 : -1;
  Statement statement;
  statement.currency = account->currency;
  statement.opening_balance_pence = sign * opening[0].as<int64_t>();
  int64_t running = statement.opening_balance_pence + sign * opening[1].as<int64_t>();

  const pqxx::result r = tx.exec_params(
      dp::StrCat("SELECT p.id, p.transaction_id, ", MicrosOf("p.posted_at"),
                 ", t.kind, t.description, p.amount_pence"
                 " FROM ledger.postings p JOIN ledger.transactions t ON t.id = p.transaction_id"
                 " WHERE p.account_id = $1 AND (p.posted_at, p.id) > ", after_key,
                 " AND p.posted_at >= ", from_sql, " AND p.posted_at < ", to_sql,
                 " ORDER BY p.posted_at, p.id LIMIT $3"),
      q.account_id, *after_id, *page_size + 1);
  statement.unsettled_postings =
      tx.exec_params1(dp::StrCat("SELECT count(*) FROM ledger.postings WHERE account_id = $1"
                                 " AND posted_at >= ", horizon, " AND posted_at >= ", from_sql,
                                 q.to_us ? dp::StrCat(" AND posted_at < ",
                                                      TimestampFromMicros(*q.to_us))
                                         : std::string()),
                      q.account_id)[0]
          .as<int64_t>();
  db::PageFill fill(*page_size);
  for (const auto& row : r) {
    if (!fill.Room(db::RowBytes(row))) {
      statement.next_page_token =
          db::EncodePageToken(fingerprint, statement.lines.back().posting_id);
      break;
    }
    StatementLine line;
    line.posting_id = row[0].as<int64_t>();
    line.transaction_id = row[1].as<int64_t>();
    line.posted_at_us = row[2].as<int64_t>();
    line.kind = row[3].as<std::string>();
    line.description = row[4].as<std::string>();
    const int64_t signed_pence = row[5].as<int64_t>();
    line.side = signed_pence > 0 ? Side::kDebit : Side::kCredit;
    line.amount_pence = signed_pence > 0 ? signed_pence : -signed_pence;
    running += sign * signed_pence;
    line.balance_after_pence = running;
    statement.lines.push_back(std::move(line));
  }
  return statement;
}

}  // namespace dp::ledger
