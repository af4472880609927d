#include "cards/books/network.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "audit/log.h"
#include "base/check.h"
#include "base/refusal.h"
#include "base/sha256.h"
#include "base/strings.h"
#include "cards/books/cards.h"
#include "db/sql.h"
#include "ledger/rules.h"
#include "ledger/store.h"
#include "ledger/writer.h"
#include "money/money.h"

namespace dp::cards {
namespace {

constexpr std::string_view kOutcomeNames[] = {"approved", "partially_approved", "declined"};
constexpr std::string_view kKindNames[] = {"capture", "force_post", "reversal", "refund"};
constexpr int kMaxAttempts = 3;  // decisions retried when another card took the money first

std::string DayText(absl::CivilDay d) { return absl::FormatCivilTime(d); }

Outcome ParseOutcome(const std::string& s) {
  if (s == "approved") return Outcome::kApproved;
  if (s == "partially_approved") return Outcome::kPartiallyApproved;
  return Outcome::kDeclined;
}

Reason ParseReason(const std::string& s) {
  for (int r = 0; r <= static_cast<int>(Reason::kNotSupported); ++r) {
    if (ReasonName(static_cast<Reason>(r)) == s) return static_cast<Reason>(r);
  }
  return Reason::kNone;
}

absl::Status Reused(const std::string& processor_id) {
  return Refusal(absl::StatusCode::kAlreadyExists, reason::kRequestIdReused,
                 "processor_id was used before for a different request",
                 {{"processor_id", processor_id.substr(0, 40)}});
}

// The columns of an authorisation record, for a SELECT from
// cards.authorisations and for an INSERT's RETURNING alike.
#define DP_AUTH_FIELDS                                                                      \
  "id, processor_id, request_digest, coalesce(card_id, 0) AS card_id, decision,"            \
  " approved_pence, reason, limit_name, message, coalesce(hold_id, 0) AS hold_id,"          \
  " remaining_pence, merchant_category,"                                                    \
  " (extract(epoch from decided_at) * 1000000)::bigint AS decided_us,"                      \
  " coalesce((SELECT (extract(epoch from expires_at) * 1000000)::bigint"                    \
  "           FROM ledger.pending_transfers p WHERE p.id = authorisations.hold_id), 0) AS " \
  "expires_us"
constexpr char kAuthColumns[] = "SELECT " DP_AUTH_FIELDS " FROM cards.authorisations";
constexpr char kAuthReturning[] = " RETURNING " DP_AUTH_FIELDS;
#undef DP_AUTH_FIELDS

AuthorisationRecord AuthFromRow(const pqxx::row& r) {
  AuthorisationRecord a;
  a.id = r["id"].as<int64_t>();
  a.processor_id = r["processor_id"].as<std::string>();
  a.card_id = r["card_id"].as<int64_t>();
  a.verdict.outcome = ParseOutcome(r["decision"].as<std::string>());
  a.verdict.approved_pence = r["approved_pence"].as<int64_t>();
  a.verdict.reason = ParseReason(r["reason"].as<std::string>());
  a.verdict.limit = r["limit_name"].as<std::string>();
  a.verdict.message = r["message"].as<std::string>();
  a.hold_id = r["hold_id"].as<int64_t>();
  a.decided_at_us = r["decided_us"].as<int64_t>();
  a.hold_expires_at_us = r["expires_us"].as<int64_t>();
  return a;
}

// ReplayOf is what a processor id recorded before in `row` (with a
// request_digest column), decoded by `decode`; a different request under
// the same id is refused.
template <typename Record>
absl::StatusOr<Record> ReplayOf(const pqxx::row& row, const std::string& processor_id,
                                const std::string& digest, Record (*decode)(const pqxx::row&)) {
  if (row["request_digest"].as<std::string>() != digest) return Reused(processor_id);
  return decode(row);
}

// Replayed is ReplayOf the row a table read by `select` holds for a
// processor id, if any.
template <typename Record>
absl::StatusOr<std::optional<Record>> Replayed(pqxx::transaction_base& tx, std::string_view select,
                                               const std::string& processor_id,
                                               const std::string& digest,
                                               Record (*decode)(const pqxx::row&)) {
  const pqxx::result r =
      tx.exec_params(dp::StrCat(select, " WHERE processor_id = $1"), processor_id);
  if (r.empty()) return std::optional<Record>();
  auto replay = ReplayOf(r[0], processor_id, digest, decode);
  if (!replay.ok()) return replay.status();
  return std::optional<Record>(*std::move(replay));
}

absl::StatusOr<std::optional<AuthorisationRecord>> ReplayedAuth(pqxx::transaction_base& tx,
                                                                const AuthorisationRequest& req) {
  return Replayed(tx, kAuthColumns, req.processor_id, req.digest, &AuthFromRow);
}

// Decided is a decision to record: the request, its card (0: none known),
// the verdict, the hold it placed and the authorisation it increments.
struct Decided {
  const AuthorisationRequest* req = nullptr;
  int64_t card_id = 0;
  Verdict verdict;
  int64_t hold_id = 0;
  int64_t increments_id = 0;
};

// RecordSql is the statement that records `decisions` under `ids` (0: the
// next from the sequence): one statement, however many, sent alone
// (Record), returning their rows (kAuthReturning) in no promised order, or
// with a batch's other writes, returning nothing (the batch knows what it
// wrote).
enum class Returning { kRows, kNothing };
std::string RecordSql(pqxx::transaction_base& tx, const std::vector<Decided>& decisions,
                      const std::vector<int64_t>& ids, Returning returning) {
  DP_CHECK(ids.size() == decisions.size());
  static const std::string kInsert =
      "INSERT INTO cards.authorisations (id, processor_id, request_digest, card_id, amount_pence,"
      " merchant_category, merchant_name, merchant_country, channel, decision, approved_pence,"
      " reason, limit_name, message, hold_id, increments_id, remaining_pence)"
      " SELECT coalesce(nullif(id, 0), nextval('cards.authorisations_id_seq')), p, d,"
      " nullif(c, 0), a, mcc, mn, co, ch, de, ap, r, l, m, nullif(h, 0), nullif(i, 0), rem"
      " FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::text[],"
      " $7::text[], $8::text[], $9::text[], $10::text[], $11::bigint[], $12::text[],"
      " $13::text[], $14::text[], $15::bigint[], $16::bigint[], $17::bigint[])"
      " AS x(id, p, d, c, a, mcc, mn, co, ch, de, ap, r, l, m, h, i, rem)";
  static const std::string kInsertReturning = kInsert + kAuthReturning;
  std::vector<std::string> processor_ids, digests, mccs, names, countries, channels, outcomes,
      reasons, limits, messages;
  std::vector<int64_t> cards, amounts, approved, holds, increments, remaining;
  for (const Decided& d : decisions) {
    const AuthorisationRequest& req = *d.req;
    processor_ids.push_back(req.processor_id);
    digests.push_back(req.digest);
    cards.push_back(d.card_id);
    amounts.push_back(req.purchase.amount_pence);
    mccs.push_back(req.purchase.mcc);
    names.push_back(req.merchant_name);
    countries.push_back(req.purchase.country);
    channels.emplace_back(ChannelName(req.purchase.channel));
    outcomes.emplace_back(kOutcomeNames[static_cast<int>(d.verdict.outcome)]);
    approved.push_back(d.verdict.approved_pence);
    reasons.emplace_back(ReasonName(d.verdict.reason));
    limits.push_back(d.verdict.limit);
    messages.push_back(d.verdict.message);
    holds.push_back(d.hold_id);
    increments.push_back(d.increments_id);
    remaining.push_back(d.increments_id == 0 ? d.verdict.approved_pence : 0);
  }
  using db::QuotedArray;
  return db::SqlCall(
      returning == Returning::kRows ? db::SqlPrepared(tx, "dp_cards_record", kInsertReturning)
                                    : db::SqlPrepared(tx, "dp_cards_record_batch", kInsert),
      QuotedArray(tx, ids), QuotedArray(tx, processor_ids), QuotedArray(tx, digests),
      QuotedArray(tx, cards), QuotedArray(tx, amounts), QuotedArray(tx, mccs),
      QuotedArray(tx, names), QuotedArray(tx, countries), QuotedArray(tx, channels),
      QuotedArray(tx, outcomes), QuotedArray(tx, approved), QuotedArray(tx, reasons),
      QuotedArray(tx, limits), QuotedArray(tx, messages), QuotedArray(tx, holds),
      QuotedArray(tx, increments), QuotedArray(tx, remaining));
}

AuthorisationRecord Record(pqxx::work& tx, const AuthorisationRequest& req, int64_t card_id,
                           const Verdict& v, int64_t hold_id, int64_t increments_id) {
  const std::vector<Decided> decided = {Decided{&req, card_id, v, hold_id, increments_id}};
  return AuthFromRow(tx.exec(RecordSql(tx, decided, {0}, Returning::kRows)).at(0));
}

// SituationDays are the UK days a decision's intervals start on, `today`
// included: parameters $2 to $6 of a statement with SituationSql.
std::vector<std::string> SituationDays(absl::CivilDay today) {
  const absl::CivilDay monday =
      today -
      ((static_cast<int>(absl::GetWeekday(today)) + 7 - static_cast<int>(absl::Weekday::monday)) %
       7);
  const absl::CivilDay month_start(today.year(), today.month(), 1);
  const absl::CivilDay four_weeks = today - 27;
  return {DayText(today), DayText(monday), DayText(four_weeks), DayText(month_start),
          DayText(std::min(month_start, four_weeks))};
}

// SituationSql is the select list and the joins that read, for each row of
// a FROM whose card, card account and authority are the SQL expressions
// given, what a decision needs besides the card: what the card approved in
// each interval to today (the week from Monday, four weeks to today, the
// calendar month; summed from its day rows, cards.card_days, kept by a
// trigger), the cash it took today, its authority's blocked categories in
// force, and its account's totals (the ledger's own query) for what is
// available. With `skip_busy_balance`, the account's balance row is locked
// too, or, if another transaction holds it, the row is left out; and the
// account is read for the ledger as well (ledger::LockedAccountColumns,
// named "card_account_...").
struct SituationSql {
  std::string columns;
  std::string joins;
};
SituationSql SituationOfRows(std::string_view card, std::string_view account,
                             std::string_view authority, bool skip_busy_balance) {
  auto since = [](int n, const char* what, const char* name) {
    return dp::StrCat(" coalesce(sum(", what, ") FILTER (WHERE day >= $", n,
                      "::date), 0)::bigint AS ", name);
  };
  SituationSql sql;
  sql.columns = dp::StrCat(
      "usage.*, totals.*,"
      " (SELECT array_to_string(blocked_card_categories, ',') FROM agreements.authority_settings s"
      "  WHERE s.authority_id = ",
      authority,
      " AND s.effective_from <= $2::date"
      "  ORDER BY s.effective_from DESC LIMIT 1) AS blocked");
  sql.joins = dp::StrCat(
      " CROSS JOIN LATERAL (SELECT", since(2, "approved_pence", "day_pence"), ",",
      since(2, "approvals", "day_count"), ",", since(3, "approved_pence", "week_pence"), ",",
      since(3, "approvals", "week_count"), ",", since(4, "approved_pence", "four_pence"), ",",
      since(4, "approvals", "four_count"), ",", since(5, "approved_pence", "month_pence"), ",",
      since(5, "approvals", "month_count"), ",", since(2, "cash_pence", "cash_pence"),
      " FROM cards.card_days d WHERE d.card_id = ", card, " AND d.day >= $6::date) usage",
      // OFFSET 0: an index lookup per card, never a hash join over every
      // balance.
      " CROSS JOIN LATERAL (", ledger::CurrentTotalsSelect(account),
      skip_busy_balance
          ? dp::StrCat(", ", ledger::LockedAccountColumns("la", "b", "card_account_"),
                       " FROM ledger.balances b JOIN ledger.accounts la ON la.id = b.account_id")
          : " FROM ledger.balances b",
      " WHERE b.account_id = ", account, " OFFSET 0",
      skip_busy_balance ? " FOR UPDATE OF b SKIP LOCKED" : "",
      ") AS totals(debits_posted, credits_posted, debits_pending, credits_pending)");
  return sql;
}

// SituationFromRow decodes the columns of SituationSql for `card`.
Situation SituationFromRow(const pqxx::row& r, const db::Columns& cols, const Card& card) {
  Situation s;
  s.card = card.status;
  s.agreement = card.agreement_state;
  s.controls = card.controls;
  s.permitted_uses = card.permitted_uses;
  s.excluded_uses = card.excluded_uses;
  for (auto [interval, name] :
       {std::pair{Interval::kDay, "day"}, std::pair{Interval::kWeek, "week"},
        std::pair{Interval::kFourWeeks, "four"}, std::pair{Interval::kMonth, "month"}}) {
    s.usage.amount_pence[static_cast<size_t>(interval)] = r[cols(name, "_pence")].as<int64_t>();
    s.usage.count[static_cast<size_t>(interval)] = r[cols(name, "_count")].as<int>();
  }
  s.usage.cash_today_pence = r[cols["cash_pence"]].as<int64_t>();
  const ledger::BalanceTotals totals{
      r[cols["debits_posted"]].as<int64_t>(), r[cols["credits_posted"]].as<int64_t>(),
      r[cols["debits_pending"]].as<int64_t>(), r[cols["credits_pending"]].as<int64_t>()};
  s.available_pence = ledger::AvailableBalance(ledger::AccountType::kAsset, totals);
  s.authority_blocked = SplitCommas(r[cols["blocked"]].as<std::string>(""));
  return s;
}

// SituationOf reads the situation of one card (SituationSql).
Situation SituationOf(pqxx::transaction_base& tx, const Card& card, absl::CivilDay today) {
  // Prepared once per connection: the decision's busiest statement, whose
  // planning would otherwise cost more than its running.
  static const std::string kSelect = [] {
    const SituationSql sql = SituationOfRows("k.card_id", "k.account_id", "k.authority_id", false);
    return dp::StrCat("SELECT ", sql.columns, " FROM (SELECT $1::bigint AS card_id,",
                      " $7::bigint AS account_id, $8::text AS authority_id) k", sql.joins);
  }();
  const std::vector<std::string> days = SituationDays(today);
  const pqxx::result r =
      db::OneRow(db::Prepared(tx, "cards.situation", kSelect, card.id, days[0], days[1], days[2],
                              days[3], days[4], card.account_id, card.authority_id),
                 "cards.situation");
  return SituationFromRow(r[0], db::Columns(r), card);
}

// LockFreeCardsSql reads and locks, in one statement, the cards of
// `tokens` that no other transaction holds, and whose card and spend
// accounts' balance rows no other transaction holds (FOR UPDATE SKIP
// LOCKED, all three), each with its situation and its two accounts as the
// ledger plans holds on them (FreeCards decodes the rows):
// a batch of authorisations takes what it can without waiting, and the
// ledger then finds both sides of each hold already locked. (Waiting there
// for a spend account while holding a card account deadlocked with a
// purchase decided alone, which locks the two in id order.) A token
// missing from the answer is unknown, out of the way, or busy.
std::string LockFreeCardsSql(pqxx::transaction_base& tx, const std::vector<std::string>& tokens,
                             absl::CivilDay today) {
  static const std::string kSelect = [] {
    const SituationSql sql = SituationOfRows("c.id", "c.account_id", "c.authority_id", true);
    return dp::StrCat("WITH c AS (", CardSelect(2),
                      " WHERE c.processor_token = ANY($1::text[]) ORDER BY c.id"
                      " FOR UPDATE OF c SKIP LOCKED)",
                      " SELECT c.*, spend.*, ", sql.columns, " FROM c", sql.joins,
                      " CROSS JOIN LATERAL (SELECT ",
                      ledger::LockedAccountColumns("sa", "sb", "spend_account_"),
                      "  FROM ledger.balances sb JOIN ledger.accounts sa ON sa.id = sb.account_id"
                      "  WHERE sb.account_id = c.spend_account_id OFFSET 0"
                      "  FOR UPDATE OF sb SKIP LOCKED) AS spend ORDER BY c.id");
  }();
  // Prepared: every batch starts here.
  std::string sql = dp::StrCat(db::SqlPrepared(tx, "dp_cards_lock_free", kSelect), "(",
                               db::QuotedArray(tx, tokens));
  for (const std::string& day : SituationDays(today)) dp::StrAppend(&sql, ", ", tx.quote(day));
  return sql + ")";
}

// FreeCard is a card LockFreeCardsSql locked: the card, its situation, and
// its two accounts as the ledger plans its holds on them.
struct FreeCard {
  Card card;
  Situation situation;
  ledger::LockedAccount account;
  ledger::LockedAccount spend_account;
};

absl::StatusOr<std::vector<FreeCard>> FreeCards(const pqxx::result& rows) {
  const db::Columns cols(rows);
  auto cards = ReadCards(rows, cols);
  if (!cards.ok()) return cards.status();
  DP_CHECK(cards->size() == rows.size());
  std::vector<FreeCard> out;
  for (size_t i = 0; i < rows.size(); ++i) {
    FreeCard free;
    free.situation = SituationFromRow(rows[i], cols, (*cards)[i]);
    free.card = std::move((*cards)[i]);
    free.account = ledger::LockedAccountFromRow(rows[i], cols, "card_account_");
    free.spend_account = ledger::LockedAccountFromRow(rows[i], cols, "spend_account_");
    DP_CHECK(free.account.account.id == free.card.account_id);
    DP_CHECK(free.spend_account.account.id == free.card.spend_account_id);
    out.push_back(std::move(free));
  }
  return out;
}

std::vector<std::string> AuthorityBlocked(pqxx::transaction_base& tx, const std::string& authority,
                                          absl::CivilDay today) {
  const pqxx::result r = tx.exec_params(
      "SELECT array_to_string(blocked_card_categories, ',') FROM agreements.authority_settings"
      " WHERE authority_id = $1 AND effective_from <= $2::date"
      " ORDER BY effective_from DESC LIMIT 1",
      authority, DayText(today));
  return r.empty() ? std::vector<std::string>{} : SplitCommas(r[0][0].as<std::string>());
}

int64_t Available(pqxx::transaction_base& tx, int64_t account_id) {
  auto balance = ledger::GetBalance(tx, account_id, std::nullopt);
  return balance.ok() ? balance->available_balance_pence : 0;
}

// AvailableFrom is the available balance a ledger refusal reports.
std::optional<int64_t> AvailableFrom(const absl::Status& s) {
  if (ReasonOf(s) != reason::kInsufficientFunds) return std::nullopt;
  for (const auto& [key, value] : MetadataOf(s)) {
    if (key == "available_pence") return std::stoll(value);
  }
  return std::nullopt;
}

Money Gbp(int64_t pence) { return Money{pence, "GBP"}; }

// HoldIdempotency is the ledger request of the hold an approval places,
// known before the decision: the batch reads it with the cards.
ledger::Idempotency HoldIdempotency(const AuthorisationRequest& req, int attempt) {
  return ledger::ServiceIdempotency(dp::StrCat("cards:hold:", req.processor_id, ":", attempt),
                                    req.digest);
}

// HoldFor is the ledger hold an approval places: what it approved, from the
// card's money towards what it bought, for the category's hold days.
ledger::NewPending HoldFor(const AuthorisationRequest& req, const Card& card, const Verdict& v,
                           const Categories& categories, int attempt) {
  ledger::NewPending hold;
  hold.idem = HoldIdempotency(req, attempt);
  hold.debit_account_id = card.spend_account_id;
  hold.credit_account_id = card.account_id;
  hold.amount = Gbp(v.approved_pence);
  hold.timeout_seconds = categories.HoldDays(req.purchase.mcc) * 86400;
  hold.description = dp::StrCat("Card ", card.last4, ": ", req.merchant_name.substr(0, 100));
  hold.post_tolerance_pence = categories.OverCapturePence(req.purchase.mcc, v.approved_pence);
  return hold;
}

absl::StatusOr<Card> ReachableCard(pqxx::transaction_base& tx, const std::string& token,
                                   const Reach& reach, absl::CivilDay today) {
  auto card = CardByToken(tx, token, today, /*for_update=*/true);
  if (!card.ok() || !reach.Covers(card->authority_id)) {
    return absl::NotFoundError("no card has this token");
  }
  return card;
}

absl::StatusOr<AuthorisationRecord> Increment(pqxx::work& tx, const AuthorisationRequest& req,
                                              const Card& card, const Situation& situation,
                                              const Categories& categories) {
  const pqxx::result first = tx.exec_params(
      "SELECT id, coalesce(hold_id, 0), decision, remaining_pence, merchant_category,"
      " merchant_country, channel FROM cards.authorisations"
      " WHERE processor_id = $1 AND card_id = $2 FOR UPDATE",
      req.increments_processor_id, card.id);
  if (first.empty()) {
    return FieldError("increments_processor_id", "names no authorisation of this card");
  }
  const int64_t first_id = first[0][0].as<int64_t>();
  const int64_t hold_id = first[0][1].as<int64_t>();
  if (hold_id == 0 || first[0][3].as<int64_t>() == 0) {
    Verdict v = Verdict::Declined(Reason::kNotSupported,
                                  "This payment can't be increased: the first part was not held.");
    return Record(tx, req, card.id, v, 0, first_id);
  }
  // The increment is judged as a purchase of its own at the same merchant.
  Purchase p = req.purchase;
  p.mcc = first[0][4].as<std::string>();
  p.country = first[0][5].as<std::string>();
  (void)ParseChannel(first[0][6].as<std::string>(), &p.channel);
  p.partial_allowed = false;
  Verdict v = Decide(p, situation, categories);
  if (v.outcome != Outcome::kApproved) return Record(tx, req, card.id, v, 0, first_id);
  ledger::IncreasePending grow;
  grow.idem =
      ledger::ServiceIdempotency(dp::StrCat("cards:increase:", req.processor_id), req.digest);
  grow.pending_id = hold_id;
  grow.amount = Gbp(v.approved_pence);
  auto grown = ledger::ApplyOne(tx, grow);
  if (!grown.ok()) {
    const Reason r =
        AvailableFrom(grown.status()) ? Reason::kInsufficientFunds : Reason::kNotSupported;
    v = Verdict::Declined(
        r, r == Reason::kInsufficientFunds
               ? "There isn't enough money on this card for this payment."
               : "This payment can't be increased: the first part is no longer held.");
    return Record(tx, req, card.id, v, 0, first_id);
  }
  tx.exec_params(
      "UPDATE cards.authorisations SET remaining_pence = remaining_pence + $2 WHERE id = $1",
      first_id, v.approved_pence);
  return Record(tx, req, card.id, v, hold_id, first_id);
}

}  // namespace

Situation StandingOf(pqxx::transaction_base& tx, const Card& card, absl::CivilDay day) {
  Situation s;
  s.authority_blocked = AuthorityBlocked(tx, card.authority_id, day);
  s.permitted_uses = card.permitted_uses;
  s.excluded_uses = card.excluded_uses;
  return s;
}

std::vector<AskedPurchase> PastPurchasesOf(pqxx::transaction_base& tx, int64_t card_id,
                                           absl::CivilDay from, int limit) {
  std::vector<AskedPurchase> out;
  for (const auto& r : tx.exec_params(
           "SELECT amount_pence, merchant_category, merchant_country, channel, merchant_name,"
           " ((decided_at AT TIME ZONE 'Europe/London')::date)::text,"
           " (extract(epoch from decided_at) * 1000000)::bigint"
           " FROM cards.authorisations WHERE card_id = $1 AND increments_id IS NULL"
           " AND decided_at >= ($2::date)::timestamp AT TIME ZONE 'Europe/London'"
           " AND reason NOT IN ('SYSTEM_UNAVAILABLE', 'NOT_SUPPORTED', 'CARD_UNKNOWN')"
           " ORDER BY decided_at, id LIMIT $3",
           card_id, DayText(from), limit)) {
    AskedPurchase p;
    p.asked.purchase.amount_pence = r[0].as<int64_t>();
    p.asked.purchase.mcc = r[1].as<std::string>();
    p.asked.purchase.country = r[2].as<std::string>();
    (void)ParseChannel(r[3].as<std::string>(), &p.asked.purchase.channel);
    p.merchant = r[4].as<std::string>();
    (void)absl::ParseCivilTime(r[5].as<std::string>(), &p.asked.day);
    p.at_us = r[6].as<int64_t>();
    out.push_back(std::move(p));
  }
  return out;
}

bool Reach::Covers(const std::string& authority_id) const {
  return all ||
         std::find(authorities.begin(), authorities.end(), authority_id) != authorities.end();
}

std::string_view SettlementKindName(SettlementKind kind) {
  return kKindNames[static_cast<int>(kind)];
}

absl::StatusOr<AuthorisationRecord> RecordUnavailable(pqxx::work& tx,
                                                      const AuthorisationRequest& req) {
  auto seen = ReplayedAuth(tx, req);
  if (!seen.ok()) return seen.status();
  if (seen->has_value()) return **seen;
  return Record(tx, req, 0,
                Verdict::Declined(Reason::kSystemUnavailable,
                                  "We couldn't check this payment just now. Please try again in a "
                                  "moment."),
                0, 0);
}

std::vector<std::optional<absl::StatusOr<AuthorisationRecord>>> AuthoriseBatch(
    pqxx::transaction_base& tx, const std::vector<BatchedAuthorisation>& batch,
    absl::CivilDay today, const BatchWrites& with_writes, std::optional<OwnTransaction> own) {
  const size_t n = batch.size();
  std::vector<std::optional<absl::StatusOr<AuthorisationRecord>>> out(n);
  // The same id twice in one batch, and increments, are decided alone.
  std::vector<size_t> candidates;
  std::vector<std::string> processor_ids, tokens;
  std::unordered_set<std::string> ids_in_batch;
  // The accounts and hold request keys of the candidates, for the ledger's
  // reads in round trip 1 when every candidate's accounts are known.
  std::vector<int64_t> known_accounts;
  std::vector<std::string> hold_keys;
  bool accounts_known = true;
  for (size_t i = 0; i < n; ++i) {
    const AuthorisationRequest& req = *batch[i].request;
    processor_ids.push_back(req.processor_id);
    if (!ids_in_batch.insert(req.processor_id).second) continue;
    if (!req.increments_processor_id.empty()) continue;
    candidates.push_back(i);
    tokens.push_back(req.card_token);
    const CardAccounts* accounts = batch[i].accounts;
    if (accounts == nullptr || accounts->card == 0 || accounts->spend == 0) {
      accounts_known = false;
    } else {
      known_accounts.push_back(accounts->card);
      known_accounts.push_back(accounts->spend);
      hold_keys.push_back(HoldIdempotency(req, 0).Key());
    }
  }
  std::optional<ledger::HoldReads> hold_reads;
  if (!candidates.empty() && accounts_known) {
    hold_reads = ledger::ReadForHolds(tx, known_accounts, std::move(hold_keys),
                                      static_cast<int>(candidates.size()));
  }
  // Round trip 1: the replays; the cards and their situations, locked (a
  // replay's card too: rare, and harmless); ids for the records; a lane of
  // the audit trail; and, when the cards' accounts are known, the ledger's
  // reads for their holds (after the cards: they take what the cards' read
  // locked, and nothing another transaction holds).
  // All prepared, for planning them cost more than running them (a plan
  // made while a table was nearly empty is made again once autovacuum has
  // analysed it), and before the pipeline opens: preparing one takes a
  // query of its own.
  static const std::string kReplays =
      dp::StrCat(kAuthColumns, " WHERE processor_id = ANY($1::text[])");
  static const std::string kIds =
      dp::StrCat("SELECT array_agg(nextval('cards.authorisations_id_seq')), ",
                 db::MicrosOf("now()"), " FROM generate_series(1, $1::int)");
  const std::string replays = db::SqlCall(db::SqlPrepared(tx, "dp_cards_replays", kReplays),
                                          db::QuotedArray(tx, processor_ids));
  const std::string lock_cards = candidates.empty() ? "" : LockFreeCardsSql(tx, tokens, today);
  const std::string ids = db::SqlCall(db::SqlPrepared(tx, "dp_cards_ids", kIds), candidates.size());
  const std::string claim_lane = with_writes ? audit::ClaimLaneSql(tx) : "";
  pqxx::pipeline pipe(tx);
  db::SendTogether(pipe);
  if (own) pipe.insert("BEGIN");
  const auto replays_q = pipe.insert(replays);
  std::optional<pqxx::pipeline::query_id> cards_q, ids_q, lane_q;
  if (!candidates.empty()) {
    cards_q = pipe.insert(lock_cards);
    ids_q = pipe.insert(ids);
  }
  if (with_writes) lane_q = pipe.insert(claim_lane);
  std::vector<pqxx::pipeline::query_id> hold_reads_q;
  if (hold_reads) {
    for (const std::string& q : hold_reads->queries) hold_reads_q.push_back(pipe.insert(q));
  }
  std::unordered_map<std::string, pqxx::row> seen;
  const pqxx::result replayed = pipe.retrieve(replays_q);
  for (const auto& row : replayed) seen.emplace(row["processor_id"].as<std::string>(), row);
  std::optional<pqxx::result> card_rows;
  std::vector<int64_t> free_ids;
  int64_t decided_us = 0;  // the transaction's now(): what decided_at records
  if (cards_q) {
    card_rows = pipe.retrieve(*cards_q);
    const pqxx::row ids = pipe.retrieve(*ids_q)[0];
    free_ids = db::ParseIntArray(ids[0].c_str());
    decided_us = ids[1].as<int64_t>();
    DP_CHECK(free_ids.size() == candidates.size());
  }
  std::optional<audit::LaneHead> lane;
  if (lane_q) lane = audit::ClaimedLane(pipe.retrieve(*lane_q));
  std::vector<pqxx::result> hold_answers;
  for (const auto& q : hold_reads_q) hold_answers.push_back(pipe.retrieve(q));
  pipe.complete();
  // record_ids[i]: the record batch[i] answers with (0: none here).
  std::vector<int64_t> record_ids(n, 0);
  for (size_t i = 0; i < n; ++i) {
    const AuthorisationRequest& req = *batch[i].request;
    if (auto it = seen.find(req.processor_id); it != seen.end()) {
      out[i] = ReplayOf(it->second, req.processor_id, req.digest, &AuthFromRow);
      if (out[i]->ok()) record_ids[i] = (*out[i])->id;
    }
  }
  std::vector<Decided> decided;
  std::vector<size_t> decided_at;  // decided[k] answers batch[decided_at[k]]
  std::vector<int64_t> decided_ids;
  std::vector<int64_t> decided_expiries_us;  // each hold's (0: none)
  // Keep records the decision on candidate c, under the id read for it.
  auto keep = [&](size_t c, Decided d, int64_t expires_us) {
    decided.push_back(d);
    decided_at.push_back(candidates[c]);
    decided_ids.push_back(free_ids[c]);
    decided_expiries_us.push_back(expires_us);
  };
  std::optional<ledger::PlannedWrites> placed;
  absl::StatusOr<std::vector<FreeCard>> cards =
      card_rows ? FreeCards(*card_rows) : std::vector<FreeCard>{};
  std::vector<ledger::LockedAccount> locked_accounts;  // of the cards judged
  if (cards.ok() && !cards->empty()) {
    std::unordered_map<std::string, const FreeCard*> by_token;
    for (const FreeCard& c : *cards) by_token.emplace(c.card.token, &c);
    std::vector<size_t> judged;  // (index in candidates)
    std::vector<const Card*> judged_cards;
    std::vector<const Situation*> situations;
    // One decision per card account per batch: each is then judged on the
    // books exactly as Authorise would judge it alone.
    std::unordered_set<int64_t> accounts;
    for (size_t c = 0; c < candidates.size(); ++c) {
      const size_t i = candidates[c];
      const AuthorisationRequest& req = *batch[i].request;
      if (seen.count(req.processor_id) > 0) continue;
      auto it = by_token.find(req.card_token);
      if (it == by_token.end() || !batch[i].reach->Covers(it->second->card.authority_id)) continue;
      const Card& card = it->second->card;
      if (batch[i].accounts != nullptr) *batch[i].accounts = {card.account_id, card.spend_account_id};
      if (!accounts.insert(card.account_id).second) continue;
      if (req.currency != "GBP") {
        keep(c,
             {&req, card.id,
              Verdict::Declined(Reason::kNotSupported, "This card can only pay in pounds."), 0, 0},
             0);
        continue;
      }
      judged.push_back(c);
      judged_cards.push_back(&card);
      situations.push_back(&it->second->situation);
      locked_accounts.push_back(it->second->account);
      locked_accounts.push_back(it->second->spend_account);
    }
    std::vector<ledger::WriteOp> holds;
    std::vector<std::pair<size_t, Verdict>> held;  // (index in judged, verdict) per hold
    for (size_t j = 0; j < judged.size(); ++j) {
      const size_t i = candidates[judged[j]];
      const AuthorisationRequest& req = *batch[i].request;
      const Categories& categories = *batch[i].categories;
      const Verdict v = Decide(req.purchase, *situations[j], categories);
      if (v.outcome == Outcome::kDeclined) {
        keep(judged[j], {&req, judged_cards[j]->id, v, 0, 0}, 0);
        continue;
      }
      holds.push_back(HoldFor(req, *judged_cards[j], v, categories, 0));
      held.emplace_back(j, v);
    }
    // Round trip 2 (unless made in round trip 1): the ledger's reads, and
    // its decision on each hold.
    if (!holds.empty()) {
      placed = hold_reads ? ledger::PlanHolds(tx, holds, *hold_reads, hold_answers, locked_accounts)
                          : ledger::PlanWrites(tx, holds);
      DP_CHECK(placed->results.size() == held.size());
      for (size_t k = 0; k < held.size(); ++k) {
        // A hold the ledger refused is decided again alone, which answers
        // with the ledger's reason.
        if (!placed->results[k].ok()) continue;
        const size_t j = held[k].first;
        const ledger::WriteResult& hold = *placed->results[k];
        DP_CHECK(!hold.replayed);  // its request id is this batch's
        keep(judged[j],
             {batch[candidates[judged[j]]].request, judged_cards[j]->id, held[k].second, hold.id, 0},
             hold.expires_at_us);
      }
    }
  }
  for (size_t k = 0; k < decided.size(); ++k) record_ids[decided_at[k]] = decided_ids[k];
  // Round trip 3: the holds, the caller's writes (the audit events) and the
  // records; with its own transaction, the commit too, unless the callers
  // have stopped waiting.
  std::string sql = placed ? placed->sql : "";
  if (with_writes) sql += with_writes(record_ids, lane);
  if (!decided.empty()) sql += RecordSql(tx, decided, decided_ids, Returning::kNothing) + ";\n";
  if (own) {
    if (absl::Now() > own->commit_by) {
      tx.exec("ROLLBACK");
      return std::vector<std::optional<absl::StatusOr<AuthorisationRecord>>>(n);
    }
    sql += "COMMIT";
  }
  if (!sql.empty()) tx.exec(sql);
  // The records as written: what was decided, under the ids and at the
  // time read in round trip 1, with each hold's expiry from the ledger.
  for (size_t k = 0; k < decided.size(); ++k) {
    const Decided& d = decided[k];
    AuthorisationRecord a;
    a.id = decided_ids[k];
    a.processor_id = d.req->processor_id;
    a.verdict = d.verdict;
    a.card_id = d.card_id;
    a.hold_id = d.hold_id;
    a.decided_at_us = decided_us;
    a.hold_expires_at_us = decided_expiries_us[k];
    out[decided_at[k]] = std::move(a);
  }
  return out;
}

absl::StatusOr<AuthorisationRecord> Authorise(pqxx::work& tx, const AuthorisationRequest& req,
                                              const Reach& reach, const Categories& categories,
                                              absl::CivilDay today) {
  auto seen = ReplayedAuth(tx, req);
  if (!seen.ok()) return seen.status();
  if (seen->has_value()) return **seen;
  auto card = ReachableCard(tx, req.card_token, reach, today);
  if (!card.ok()) {
    return Record(tx, req, 0,
                  Verdict::Declined(Reason::kCardUnknown, "This card is not recognised."), 0, 0);
  }
  if (req.currency != "GBP") {
    return Record(tx, req, card->id,
                  Verdict::Declined(Reason::kNotSupported, "This card can only pay in pounds."), 0,
                  0);
  }
  Situation situation = SituationOf(tx, *card, today);
  if (!req.increments_processor_id.empty()) {
    return Increment(tx, req, *card, situation, categories);
  }
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    const Verdict v = Decide(req.purchase, situation, categories);
    if (v.outcome == Outcome::kDeclined) return Record(tx, req, card->id, v, 0, 0);
    auto held = ledger::ApplyOne(tx, HoldFor(req, *card, v, categories, attempt));
    if (held.ok()) return Record(tx, req, card->id, v, *held, 0);
    // Another card of the same agreement took the money first: judge again
    // on what the ledger says is left.
    const std::optional<int64_t> left = AvailableFrom(held.status());
    if (!left) return held.status();
    situation.available_pence = *left;
  }
  return Record(tx, req, card->id,
                Verdict::Declined(Reason::kInsufficientFunds,
                                  "There isn't enough money on this card for this payment."),
                0, 0);
}

namespace {

constexpr char kSettlementColumns[] =
    "SELECT processor_id, request_digest, kind, card_id, amount_pence, shortfall_pence,"
    " coalesce(transaction_id, 0) AS transaction_id FROM cards.settlements";

SettlementKind ParseKind(const std::string& s) {
  for (int k = 0; k < 4; ++k) {
    if (kKindNames[k] == s) return static_cast<SettlementKind>(k);
  }
  return SettlementKind::kCapture;
}

SettlementRecord SettlementFromRow(const pqxx::row& r) {
  SettlementRecord s;
  s.processor_id = r["processor_id"].as<std::string>();
  s.kind = ParseKind(r["kind"].as<std::string>());
  s.card_id = r["card_id"].as<int64_t>();
  s.amount_pence = r["amount_pence"].as<int64_t>();
  s.shortfall_pence = r["shortfall_pence"].as<int64_t>();
  s.transaction_id = r["transaction_id"].as<int64_t>();
  return s;
}

absl::StatusOr<std::optional<SettlementRecord>> ReplayedSettlement(pqxx::transaction_base& tx,
                                                                   const SettlementRequest& req) {
  return Replayed(tx, kSettlementColumns, req.processor_id, req.digest, &SettlementFromRow);
}

SettlementRecord RecordSettlement(pqxx::work& tx, const SettlementRequest& req, SettlementKind kind,
                                  int64_t card_id, int64_t authorisation_id, int64_t amount_pence,
                                  int64_t shortfall_pence, int64_t transaction_id) {
  const pqxx::result r = tx.exec_params(
      dp::StrCat("INSERT INTO cards.settlements (processor_id, request_digest, kind, card_id,"
                 " authorisation_id, amount_pence, shortfall_pence, merchant_category,"
                 " merchant_name, transaction_id) VALUES ($1, $2, $3, $4, nullif($5, 0), $6, $7,"
                 " $8, $9, nullif($10, 0)) RETURNING processor_id, request_digest, kind, card_id,"
                 " amount_pence, shortfall_pence, coalesce(transaction_id, 0) AS transaction_id"),
      req.processor_id, req.digest, std::string(SettlementKindName(kind)), card_id,
      authorisation_id, amount_pence, shortfall_pence, req.merchant_category,
      req.merchant_name.substr(0, 200), transaction_id);
  return SettlementFromRow(r[0]);
}

absl::Status NeedAmount(const SettlementRequest& req) {
  if (req.amount_pence <= 0 || req.amount_pence > 100'000'00) {
    return FieldError("amount.amount_pence", "must be 1 to 10000000 pence (£100,000)");
  }
  if (req.currency != "GBP") return FieldError("amount.currency", "must be GBP");
  return absl::OkStatus();
}

// LockedAuthorisation is an authorisation locked for settling, with its
// card (locked too).
struct LockedAuthorisation {
  int64_t id = 0;
  int64_t hold_id = 0;
  int64_t remaining_pence = 0;
  std::string mcc;
  std::optional<Card> card;
};

// LockAuthorisation finds and locks the authorisation a processor id names
// (not an increment) and its card; outside the processor's reach it is as
// missing as one that does not exist.
absl::StatusOr<LockedAuthorisation> LockAuthorisation(pqxx::work& tx,
                                                      const std::string& processor_id,
                                                      const Reach& reach, absl::CivilDay today) {
  const auto missing = absl::NotFoundError("no authorisation has this processor id");
  const pqxx::result r = tx.exec_params(
      "SELECT a.id, c.processor_token AS token, coalesce(a.hold_id, 0) AS hold_id,"
      " a.remaining_pence, a.merchant_category"
      " FROM cards.authorisations a JOIN cards.cards c ON c.id = a.card_id"
      " WHERE a.processor_id = $1 AND a.increments_id IS NULL FOR UPDATE OF a",
      processor_id);
  if (r.empty()) return missing;
  auto card = ReachableCard(tx, r[0]["token"].as<std::string>(), reach, today);
  if (!card.ok()) return missing;
  return LockedAuthorisation{r[0]["id"].as<int64_t>(), r[0]["hold_id"].as<int64_t>(),
                             r[0]["remaining_pence"].as<int64_t>(),
                             r[0]["merchant_category"].as<std::string>(), *std::move(card)};
}

// PostDirect posts a capture with no open hold: the card pays what it holds
// and the shortfall account owes the rest to the processor. Never refused.
absl::StatusOr<std::pair<int64_t, int64_t>> PostDirect(pqxx::work& tx, const Card& card,
                                                       const SettlementRequest& req,
                                                       std::string_view kind) {
  const int64_t covered = std::clamp<int64_t>(Available(tx, card.account_id), 0, req.amount_pence);
  const int64_t shortfall = req.amount_pence - covered;
  ledger::NewTransaction t;
  t.idem = ledger::ServiceIdempotency(dp::StrCat("cards:post:", req.processor_id), req.digest);
  t.kind = "card_force_post";
  t.description = dp::StrCat("Card ", card.last4, ": ", req.merchant_name.substr(0, 100),
                             shortfall > 0 ? " (more than the card held)" : "");
  t.created_by = std::string(kind);
  t.postings.push_back({card.spend_account_id, ledger::Side::kDebit, Gbp(req.amount_pence)});
  if (covered > 0) t.postings.push_back({card.account_id, ledger::Side::kCredit, Gbp(covered)});
  if (shortfall > 0) {
    t.postings.push_back({card.shortfall_account_id, ledger::Side::kCredit, Gbp(shortfall)});
  }
  auto id = ledger::ApplyOne(tx, t);
  if (!id.ok()) return id.status();
  DP_CHECK(covered + shortfall == req.amount_pence);
  return std::pair{*id, shortfall};
}

}  // namespace

absl::StatusOr<SettlementRecord> Capture(pqxx::work& tx, const SettlementRequest& req,
                                         const Reach& reach, const Categories& categories,
                                         absl::CivilDay today) {
  if (auto s = NeedAmount(req); !s.ok()) return s;
  auto seen = ReplayedSettlement(tx, req);
  if (!seen.ok()) return seen.status();
  if (seen->has_value()) return **seen;
  if (req.authorisation_processor_id.empty()) {  // a force post
    auto card = ReachableCard(tx, req.card_token, reach, today);
    if (!card.ok()) return card.status();
    auto posted = PostDirect(tx, *card, req, "force post");
    if (!posted.ok()) return posted.status();
    return RecordSettlement(tx, req, SettlementKind::kForcePost, card->id, 0, req.amount_pence,
                            posted->second, posted->first);
  }
  auto auth = LockAuthorisation(tx, req.authorisation_processor_id, reach, today);
  if (!auth.ok()) return auth.status();
  const std::optional<Card>& card = auth->card;
  const int64_t auth_id = auth->id;
  const int64_t hold_id = auth->hold_id;
  const int64_t remaining = auth->remaining_pence;
  const std::string& mcc = auth->mcc;
  auto hold = hold_id != 0 ? ledger::GetPendingTransfer(tx, hold_id)
                           : absl::StatusOr<ledger::PendingTransfer>(absl::NotFoundError("none"));
  const bool open = hold.ok() && hold->state == ledger::PendingState::kPending &&
                    hold->expires_at_us > absl::ToUnixMicros(absl::Now()) && remaining > 0;
  if (open && req.amount_pence <= remaining + categories.OverCapturePence(mcc, remaining)) {
    ledger::PostPending post;
    post.idem =
        ledger::ServiceIdempotency(dp::StrCat("cards:capture:", req.processor_id), req.digest);
    post.pending_id = hold_id;
    post.amount = Gbp(req.amount_pence);
    post.created_by = "card capture";
    auto posted = ledger::ApplyOne(tx, post);
    if (posted.ok()) {
      auto done = ledger::GetPendingTransfer(tx, hold_id);
      if (!done.ok()) return done.status();
      int64_t next_hold = hold_id;
      const int64_t left =
          req.more_to_come ? std::max<int64_t>(remaining - req.amount_pence, 0) : 0;
      if (left > 0) {  // what is left stays held for a later capture, to the same expiry
        ledger::NewPending rest;
        rest.idem =
            ledger::ServiceIdempotency(dp::StrCat("cards:rest:", req.processor_id), req.digest);
        rest.debit_account_id = card->spend_account_id;
        rest.credit_account_id = card->account_id;
        rest.amount = Gbp(left);
        rest.timeout_seconds = static_cast<int32_t>(std::max<int64_t>(
            1, (hold->expires_at_us - absl::ToUnixMicros(absl::Now())) / 1'000'000));
        rest.description = hold->description;
        auto held = ledger::ApplyOne(tx, rest);
        if (!held.ok()) return held.status();
        next_hold = *held;
      }
      tx.exec_params(
          "UPDATE cards.authorisations SET remaining_pence = $2, hold_id = $3 WHERE id = $1",
          auth_id, left, next_hold);
      return RecordSettlement(tx, req, SettlementKind::kCapture, card->id, auth_id,
                              req.amount_pence, 0, done->posting_transaction_id);
    }
    if (!AvailableFrom(posted.status()) && ReasonOf(posted.status()) != reason::kHoldExpired &&
        ReasonOf(posted.status()) != reason::kHoldResolved) {
      return posted.status();
    }
  }
  // No open hold to post (a second capture beyond it, an expired hold, an
  // amount beyond the allowance): release what is still held, then post
  // the capture directly. Captures always succeed.
  if (open) {
    ledger::VoidPending release;
    release.idem =
        ledger::ServiceIdempotency(dp::StrCat("cards:release:", req.processor_id), req.digest);
    release.pending_id = hold_id;
    release.reason = "settled directly by a capture beyond the hold";
    auto voided = ledger::ApplyOne(tx, release);
    if (!voided.ok()) return voided.status();
  }
  auto posted = PostDirect(tx, *card, req, "card capture");
  if (!posted.ok()) return posted.status();
  tx.exec_params("UPDATE cards.authorisations SET remaining_pence = 0 WHERE id = $1", auth_id);
  return RecordSettlement(tx, req, SettlementKind::kCapture, card->id, auth_id, req.amount_pence,
                          posted->second, posted->first);
}

absl::StatusOr<SettlementRecord> Reverse(pqxx::work& tx, const SettlementRequest& req,
                                         const Reach& reach, absl::CivilDay today) {
  auto seen = ReplayedSettlement(tx, req);
  if (!seen.ok()) return seen.status();
  if (seen->has_value()) return **seen;
  auto auth = LockAuthorisation(tx, req.authorisation_processor_id, reach, today);
  if (!auth.ok()) return auth.status();
  const std::optional<Card>& card = auth->card;
  const int64_t auth_id = auth->id;
  const int64_t hold_id = auth->hold_id;
  int64_t released = 0;
  if (hold_id != 0 && auth->remaining_pence > 0) {
    auto hold = ledger::GetPendingTransfer(tx, hold_id);
    if (hold.ok() && hold->state == ledger::PendingState::kPending &&
        hold->expires_at_us > absl::ToUnixMicros(absl::Now())) {
      ledger::VoidPending release;
      release.idem =
          ledger::ServiceIdempotency(dp::StrCat("cards:reverse:", req.processor_id), req.digest);
      release.pending_id = hold_id;
      release.reason = "reversed by the processor";
      auto voided = ledger::ApplyOne(tx, release);
      if (!voided.ok()) return voided.status();
      released = hold->amount.amount_pence;
    }
  }
  tx.exec_params("UPDATE cards.authorisations SET remaining_pence = 0 WHERE id = $1", auth_id);
  return RecordSettlement(tx, req, SettlementKind::kReversal, card->id, auth_id, released, 0, 0);
}

absl::StatusOr<SettlementRecord> Refund(pqxx::work& tx, const SettlementRequest& req,
                                        const Reach& reach, absl::CivilDay today) {
  if (auto s = NeedAmount(req); !s.ok()) return s;
  auto seen = ReplayedSettlement(tx, req);
  if (!seen.ok()) return seen.status();
  if (seen->has_value()) return **seen;
  auto card = ReachableCard(tx, req.card_token, reach, today);
  if (!card.ok()) return card.status();
  int64_t original = 0;
  if (!req.authorisation_processor_id.empty()) {
    const pqxx::result r = tx.exec_params(
        "SELECT id FROM cards.authorisations WHERE processor_id = $1 AND card_id = $2",
        req.authorisation_processor_id, card->id);
    if (r.empty()) {
      return FieldError("original_processor_id", "names no purchase of this card");
    }
    original = r[0][0].as<int64_t>();
  }
  ledger::NewTransaction t;
  t.idem = ledger::ServiceIdempotency(dp::StrCat("cards:refund:", req.processor_id), req.digest);
  t.kind = "card_refund";
  t.description =
      dp::StrCat("Card ", card->last4, ": refund from ", req.merchant_name.substr(0, 100));
  t.created_by = "card refund";
  t.postings.push_back({card->account_id, ledger::Side::kDebit, Gbp(req.amount_pence)});
  t.postings.push_back({card->spend_account_id, ledger::Side::kCredit, Gbp(req.amount_pence)});
  auto id = ledger::ApplyOne(tx, t);
  if (!id.ok()) return id.status();
  return RecordSettlement(tx, req, SettlementKind::kRefund, card->id, original, req.amount_pence, 0,
                          *id);
}

}  // namespace dp::cards

namespace dp::cards {

absl::StatusOr<ClearingOutcome> ImportClearingLine(pqxx::work& tx, const ClearingLine& line,
                                                   const Reach& reach, const Categories& categories,
                                                   absl::CivilDay today) {
  SettlementRequest req;
  req.processor_id = line.processor_id;
  // The line's own content: the same line imported again is recognised.
  req.digest = Sha256Hex(dp::StrCat(line.type == ClearingType::kRefund ? "refund" : "capture", "\n",
                                    line.processor_id, "\n", line.authorization_id, "\n",
                                    line.card_token, "\n", line.amount_pence, "\n",
                                    line.merchant_category, "\n", line.merchant_name));
  req.card_token = line.card_token;
  req.amount_pence = line.amount_pence;
  req.currency = "GBP";
  req.merchant_category = line.merchant_category;
  req.merchant_name = line.merchant_name;
  ClearingOutcome outcome;
  outcome.amount_pence = line.amount_pence;
  auto seen = ReplayedSettlement(tx, req);
  if (!seen.ok()) return seen.status();
  if (seen->has_value()) {
    outcome.kind = ClearingOutcome::Kind::kAlreadyImported;
    return outcome;
  }
  // The authorisation it names, if that exists and belongs to this card.
  pqxx::result auth;
  if (!line.authorization_id.empty()) {
    auth = tx.exec_params(
        "SELECT c.processor_token, a.remaining_pence, a.merchant_category"
        " FROM cards.authorisations a JOIN cards.cards c ON c.id = a.card_id"
        " WHERE a.processor_id = $1 AND a.increments_id IS NULL",
        line.authorization_id);
    if (!auth.empty() && auth[0][0].as<std::string>() != line.card_token) {
      return absl::FailedPreconditionError(
          "card_token is not the card of the authorisation it names; nothing was imported");
    }
    if (auth.empty()) {
      outcome.mismatch = "authorization_id names no authorisation: imported without one";
    }
  }
  if (!auth.empty()) req.authorisation_processor_id = line.authorization_id;
  if (line.type == ClearingType::kRefund) {
    auto r = Refund(tx, req, reach, today);
    if (!r.ok()) return r.status();
    outcome.kind = ClearingOutcome::Kind::kRefunded;
    return outcome;
  }
  if (!auth.empty()) {
    const int64_t remaining = auth[0][1].as<int64_t>();
    const int64_t allowed =
        remaining + categories.OverCapturePence(auth[0][2].as<std::string>(), remaining);
    if (line.amount_pence > allowed) {
      outcome.mismatch =
          dp::StrCat("captured ", FormatPence(line.amount_pence), " against ",
                     FormatPence(remaining), " held: beyond the category's allowance");
    }
  }
  auto r = Capture(tx, req, reach, categories, today);
  if (!r.ok()) return r.status();
  outcome.kind = r->kind == SettlementKind::kForcePost ? ClearingOutcome::Kind::kForcePosted
                                                       : ClearingOutcome::Kind::kCaptured;
  return outcome;
}

}  // namespace dp::cards
