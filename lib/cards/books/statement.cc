#include "cards/books/statement.h"

#include <map>

#include "absl/time/clock.h"
#include "base/strings.h"
#include "db/sql.h"
#include "ledger/store.h"

namespace dp::cards {
namespace {

// What a ledger kind means on a card account's statement.
std::string KindOf(const std::string& ledger_kind, const std::string& settlement_kind) {
  if (settlement_kind == "capture") return "purchase";
  if (!settlement_kind.empty()) return settlement_kind;  // force_post, refund
  if (ledger_kind == "schedule_payment") return "load";
  if (ledger_kind == "card_load") return "emergency load";
  return ledger_kind;  // recovery, reversal, manual_journal, ...
}

Reason ReasonNamed(const std::string& name) {
  for (int r = 0; r <= static_cast<int>(Reason::kNotSupported); ++r) {
    if (ReasonName(static_cast<Reason>(r)) == name) return static_cast<Reason>(r);
  }
  return Reason::kNone;
}

}  // namespace

absl::StatusOr<CardStatement> StatementOf(pqxx::transaction_base& tx, int64_t account_id,
                                          int64_t card_id, int page_size,
                                          const std::string& page_token) {
  CardStatement out;
  out.account_id = account_id;
  auto balance = ledger::GetBalance(tx, account_id, std::nullopt);
  if (!balance.ok()) return balance.status();
  out.balance_pence = balance->posted_balance_pence;
  out.available_pence = balance->available_balance_pence;
  out.committed_pence = out.balance_pence - out.available_pence;

  ledger::StatementQuery query;
  query.account_id = account_id;
  query.page_size = page_size;
  query.page_token = page_token;
  auto statement = ledger::GetStatement(tx, query);
  if (!statement.ok()) return statement.status();
  out.next_page_token = statement->next_page_token;
  // The card events behind this page's transactions, in one read.
  std::vector<int64_t> ids;
  for (const auto& l : statement->lines) ids.push_back(l.transaction_id);
  struct Event {
    int64_t card_id;
    std::string kind, merchant, mcc;
  };
  std::map<int64_t, Event> events;
  for (const auto& r : tx.exec_params(
           "SELECT s.transaction_id, s.card_id, s.kind,"
           " coalesce(nullif(s.merchant_name, ''), a.merchant_name, ''),"
           " coalesce(nullif(s.merchant_category, ''), a.merchant_category, '')"
           " FROM cards.settlements s LEFT JOIN cards.authorisations a ON a.id = s.authorisation_id"
           " WHERE s.transaction_id = ANY($1::bigint[])"
           " UNION ALL"
           " SELECT p.posting_transaction_id, a.card_id, 'capture', a.merchant_name,"
           " a.merchant_category"
           " FROM cards.authorisations a JOIN ledger.pending_transfers p ON p.id = a.hold_id"
           " WHERE p.posting_transaction_id = ANY($1::bigint[])",
           db::IntArrayLiteral(ids))) {
    events.emplace(r[0].as<int64_t>(), Event{r[1].as<int64_t>(), r[2].as<std::string>(),
                                             r[3].as<std::string>(), r[4].as<std::string>()});
  }
  for (const auto& l : statement->lines) {
    const auto e = events.find(l.transaction_id);
    const int64_t line_card = e != events.end() ? e->second.card_id : 0;
    if (card_id != 0 && line_card != card_id) continue;
    StatementEntry entry;
    entry.at_us = l.posted_at_us;
    entry.kind = KindOf(l.kind, e != events.end() ? e->second.kind : "");
    entry.card_id = line_card;
    entry.description = e != events.end() && !e->second.merchant.empty() ? e->second.merchant
                                                                          : l.description;
    if (e != events.end()) entry.merchant_category = e->second.mcc;
    // The card account is an asset: a debit puts money on the card.
    entry.amount_pence = l.side == ledger::Side::kDebit ? l.amount_pence : -l.amount_pence;
    entry.balance_after_pence = l.balance_after_pence;
    entry.transaction_id = l.transaction_id;
    out.lines.push_back(std::move(entry));
  }

  const int64_t now_us = absl::ToUnixMicros(absl::Now());
  for (const auto& r : tx.exec_params(
           "SELECT a.card_id, a.processor_id, a.merchant_name, a.remaining_pence,"
           " (extract(epoch from a.decided_at) * 1000000)::bigint,"
           " (extract(epoch from p.expires_at) * 1000000)::bigint"
           " FROM cards.authorisations a JOIN cards.cards c ON c.id = a.card_id"
           " JOIN ledger.pending_transfers p ON p.id = a.hold_id"
           " WHERE c.account_id = $1 AND ($2 = 0 OR a.card_id = $2) AND a.increments_id IS NULL"
           " AND a.remaining_pence > 0 AND p.state = 'pending' AND p.expires_at > to_timestamp($3 / 1e6)"
           " ORDER BY a.decided_at, a.id LIMIT 1000",
           account_id, card_id, now_us)) {
    out.held.push_back({r[0].as<int64_t>(), r[1].as<std::string>(), r[2].as<std::string>(),
                        r[3].as<int64_t>(), r[4].as<int64_t>(), r[5].as<int64_t>()});
  }
  for (const auto& r : tx.exec_params(
           "SELECT a.card_id, a.merchant_name, a.amount_pence, a.reason, a.message,"
           " (extract(epoch from a.decided_at) * 1000000)::bigint"
           " FROM cards.authorisations a JOIN cards.cards c ON c.id = a.card_id"
           " WHERE c.account_id = $1 AND ($2 = 0 OR a.card_id = $2) AND a.decision = 'declined'"
           " ORDER BY a.decided_at DESC, a.id DESC LIMIT $3",
           account_id, card_id, kMaxDeclines)) {
    out.declines.push_back({r[0].as<int64_t>(), r[1].as<std::string>(), r[2].as<int64_t>(),
                            ReasonNamed(r[3].as<std::string>()), r[4].as<std::string>(),
                            r[5].as<int64_t>()});
  }
  return out;
}

}  // namespace dp::cards
