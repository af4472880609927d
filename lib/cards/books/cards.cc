#include "cards/books/cards.h"

#include <nlohmann/json.hpp>

#include "base/bounds.h"
#include "base/refusal.h"
#include "base/strings.h"
#include "db/sql.h"
#include "ledger/writer.h"

namespace dp::cards {
namespace {

constexpr std::string_view kStatusNames[] = {"active", "frozen", "cancelled"};
// Advisory locks of card issues: (this, agreement id modulo 2^32). A
// collision of two agreements only makes one issue wait for the other.
constexpr int32_t kIssueLockNamespace = 0x63617264;  // "card"

std::string StatusName(CardStatus s) { return std::string(kStatusNames[static_cast<int>(s)]); }

CardStatus ParseStatus(const std::string& s) {
  if (s == "frozen") return CardStatus::kFrozen;
  if (s == "cancelled") return CardStatus::kCancelled;
  return CardStatus::kActive;
}

std::string DayText(absl::CivilDay d) { return absl::FormatCivilTime(d); }

absl::Status MissingCard(int64_t id) {
  return absl::NotFoundError(dp::StrCat("card ", id, " does not exist"));
}

absl::Status NeedReason(const std::string& reason) {
  if (reason.empty()) {
    return FieldError("reason", "is required, in plain words: the person reads it");
  }
  return absl::OkStatus();
}

AgreementState StateOf(const std::string& status) {
  return status == "active"       ? AgreementState::kActive
         : status == "suspended"  ? AgreementState::kSuspended
         : status == "terminated" ? AgreementState::kEnded
                                  : AgreementState::kNotActive;
}

absl::StatusOr<Card> OneCard(const pqxx::result& rows, absl::Status missing) {
  if (rows.empty()) return missing;
  auto cards = ReadCards(rows);
  if (!cards.ok()) return cards.status();
  return std::move(cards->front());
}

// OpenAccount opens (or finds, on a retry) one of an agreement's card
// accounts: the ledger refuses to make it twice.
absl::StatusOr<int64_t> OpenAccount(pqxx::work& tx, const AgreementFacts& a, int64_t agreement_id,
                                    std::string_view suffix, std::string_view name,
                                    ledger::AccountType type) {
  ledger::NewAccount account;
  account.code = dp::StrCat("AGR-", agreement_id, ":", suffix);
  account.idem =
      ledger::ServiceIdempotency(dp::StrCat("cards:", suffix, ":", agreement_id), account.code);
  account.name = dp::StrCat("Agreement ", agreement_id, " ", name);
  account.type = type;
  account.currency = "GBP";
  account.owner_type = "agreement";
  account.owner_id = std::to_string(agreement_id);
  account.authority_id = a.authority_id;
  auto made = ledger::CreateAccount(tx, account);
  if (!made.ok()) return made.status();
  return made->id;
}

}  // namespace

// CardSelect reads cards with, in the same statement, the controls in
// force on the day given as parameter `$<day>` (or, for a card whose
// controls start later, its first), its agreement's state, and the uses of
// the agreement's version in force that day (or its first).
std::string CardSelect(int day) {
  const std::string d = dp::StrCat("$", day, "::date");
  return dp::StrCat(
      "SELECT c.id, c.processor_token, c.agreement_id, c.authority_id, c.account_id, "
      "c.spend_account_id,"
      " c.shortfall_account_id, c.last4, c.expiry_month, c.expiry_year, c.additional_holder,"
      " c.holder_name, c.status, c.status_reason,"
      " coalesce(c.replaces_card_id, 0) AS replaces, coalesce(c.replaced_by_card_id, 0) AS "
      "replaced_by,"
      " (extract(epoch from c.created_at) * 1000000)::bigint AS created_us,"
      " (SELECT json_build_object('controls', k.controls, 'from', k.effective_from::text,"
      "    'reason', k.reason)::text FROM cards.controls k WHERE k.card_id = c.id"
      "  ORDER BY k.effective_from <= ",
      d,
      " DESC,"
      "   CASE WHEN k.effective_from <= ",
      d,
      " THEN k.effective_from END DESC, k.effective_from"
      "  LIMIT 1) AS controls_row,"
      " (SELECT a.status FROM agreements.agreements a WHERE a.id = c.agreement_id) AS agreement,"
      " coalesce(array_to_string(u.permitted_uses, ','), '') AS permitted_uses,"
      " coalesce(array_to_string(u.excluded_uses, ','), '') AS excluded_uses"
      " FROM cards.cards c LEFT JOIN LATERAL (SELECT v.permitted_uses, v.excluded_uses"
      "  FROM agreements.versions v WHERE v.agreement_id = c.agreement_id"
      "  ORDER BY v.effective_from <= ",
      d,
      " DESC,"
      "   CASE WHEN v.effective_from <= ",
      d,
      " THEN v.effective_from END DESC, v.version"
      "  LIMIT 1) u ON true");
}

// ReadCards decodes card rows of CardSelect by column name (found once).
absl::StatusOr<std::vector<Card>> ReadCards(const pqxx::result& rows) {
  return ReadCards(rows, db::Columns(rows));
}

absl::StatusOr<std::vector<Card>> ReadCards(const pqxx::result& rows, const db::Columns& cols) {
  std::vector<Card> cards;
  for (const auto& r : rows) {
    Card c;
    c.id = r[cols["id"]].as<int64_t>();
    c.token = r[cols["processor_token"]].as<std::string>();
    c.agreement_id = r[cols["agreement_id"]].as<int64_t>();
    c.authority_id = r[cols["authority_id"]].as<std::string>();
    c.account_id = r[cols["account_id"]].as<int64_t>();
    c.spend_account_id = r[cols["spend_account_id"]].as<int64_t>();
    c.shortfall_account_id = r[cols["shortfall_account_id"]].as<int64_t>();
    c.last4 = r[cols["last4"]].as<std::string>();
    c.expiry_month = r[cols["expiry_month"]].as<int>();
    c.expiry_year = r[cols["expiry_year"]].as<int>();
    c.additional_holder = r[cols["additional_holder"]].as<bool>();
    c.holder_name = r[cols["holder_name"]].as<std::string>();
    c.status = ParseStatus(r[cols["status"]].as<std::string>());
    c.status_reason = r[cols["status_reason"]].as<std::string>();
    c.replaces_card_id = r[cols["replaces"]].as<int64_t>();
    c.replaced_by_card_id = r[cols["replaced_by"]].as<int64_t>();
    c.created_at_us = r[cols["created_us"]].as<int64_t>();
    c.agreement_state = StateOf(r[cols["agreement"]].as<std::string>(""));
    c.permitted_uses = SplitCommas(r[cols["permitted_uses"]].as<std::string>());
    c.excluded_uses = SplitCommas(r[cols["excluded_uses"]].as<std::string>());
    if (r[cols["controls_row"]].is_null()) {
      return absl::DataLossError(dp::StrCat("card ", c.id, " has no controls"));
    }
    try {
      const nlohmann::json row = nlohmann::json::parse(r[cols["controls_row"]].as<std::string>());
      auto parsed = FromJsonValue(row.at("controls"));
      if (!parsed.ok()) return parsed.status();
      c.controls = *std::move(parsed);
      (void)absl::ParseCivilTime(row.at("from").get<std::string>(), &c.controls_from);
      c.controls_reason = row.at("reason").get<std::string>();
    } catch (const nlohmann::json::exception& e) {
      return absl::DataLossError(dp::StrCat("card ", c.id, "'s controls are malformed"));
    }
    cards.push_back(std::move(c));
  }
  return cards;
}

absl::Status CheckCardDetails(const std::string& token, const std::string& last4, int month,
                              int year) {
  if (token.size() >= 12 && token.size() <= 19 && IsDigits(token, token.size())) {
    return FieldError("processor_token",
                      "looks like a card number: give the processor's token for the card; a "
                      "card number is never taken");
  }
  if (token.size() < 8 || token.size() > 64 ||
      token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") !=
          std::string::npos) {
    return FieldError("processor_token",
                      "must be the processor's token: 8 to 64 letters, digits, _ or -");
  }
  if (!IsDigits(last4, 4)) return FieldError("last4", "must be the card's last four digits");
  if (month < 1 || month > 12) return FieldError("expiry_month", "must be 1 to 12");
  if (year < 2020 || year > 2099) return FieldError("expiry_year", "must be 2020 to 2099");
  return absl::OkStatus();
}

absl::StatusOr<AgreementFacts> AgreementOf(pqxx::transaction_base& tx, int64_t agreement_id) {
  const pqxx::result r = tx.exec_params(
      "SELECT a.authority_id, a.status, coalesce(a.holding_account_id, 0) AS account,"
      " (SELECT payment_method FROM agreements.versions v WHERE v.agreement_id = a.id"
      "  ORDER BY version DESC LIMIT 1) AS method"
      " FROM agreements.agreements a WHERE a.id = $1",
      agreement_id);
  if (r.empty()) {
    return absl::NotFoundError(dp::StrCat("agreement ", agreement_id, " does not exist"));
  }
  AgreementFacts f;
  f.authority_id = r[0]["authority_id"].as<std::string>();
  const std::string status = r[0]["status"].as<std::string>();
  f.state = StateOf(status);
  if (r[0]["method"].as<std::string>("") == "card")
    f.card_account_id = r[0]["account"].as<int64_t>();
  return f;
}

absl::StatusOr<Load> LoadCard(pqxx::work& tx, int64_t agreement_id, int64_t amount_pence,
                              const std::string& reason, absl::CivilDay today,
                              const std::string& actor) {
  if (auto s = NeedReason(reason); !s.ok()) return s;
  if (amount_pence <= 0 || amount_pence > bounds::kMaxBudgetPerPeriodPence) {
    return FieldError("amount.amount_pence", "must be 1 to 10000000 pence (£100,000)",
                      reason::kOverLimit);
  }
  auto agreement = AgreementOf(tx, agreement_id);
  if (!agreement.ok()) return agreement.status();
  if (agreement->state != AgreementState::kActive) {
    return absl::FailedPreconditionError(dp::StrCat(
        "agreement ", agreement_id, " is not active: only an active agreement's card is loaded"));
  }
  if (agreement->card_account_id == 0) {
    return absl::FailedPreconditionError(
        dp::StrCat("agreement ", agreement_id, " is not paid onto a card"));
  }
  const pqxx::result funding = tx.exec_params(
      "SELECT funding_account_id FROM agreements.authority_settings"
      " WHERE authority_id = $1 AND effective_from <= $2::date ORDER BY effective_from DESC LIMIT "
      "1",
      agreement->authority_id, DayText(today));
  if (funding.empty()) {
    return absl::FailedPreconditionError(dp::StrCat("authority ", agreement->authority_id,
                                                    " has no direct payment settings in force"));
  }
  const int64_t id = tx.exec1("SELECT nextval('cards.loads_id_seq')")[0].as<int64_t>();
  ledger::NewTransaction t;
  t.idem = ledger::ServiceIdempotency(dp::StrCat("cards:load:", id), std::to_string(amount_pence));
  t.kind = "card_load";
  t.description = reason;
  t.created_by = actor;
  t.postings.push_back({agreement->card_account_id, ledger::Side::kDebit, {amount_pence, "GBP"}});
  t.postings.push_back({funding[0][0].as<int64_t>(), ledger::Side::kCredit, {amount_pence, "GBP"}});
  auto transaction = ledger::ApplyOne(tx, t);
  if (!transaction.ok()) return transaction.status();
  tx.exec_params(
      "INSERT INTO cards.loads (id, agreement_id, amount_pence, reason, transaction_id, created_by)"
      " VALUES ($1, $2, $3, $4, $5, $6)",
      id, agreement_id, amount_pence, reason, *transaction, actor);
  return Load{id, *transaction};
}

absl::StatusOr<int64_t> IssueCard(pqxx::work& tx, const NewCard& card, const Categories& categories,
                                  absl::CivilDay today, const std::string& actor) {
  if (auto s =
          CheckCardDetails(card.processor_token, card.last4, card.expiry_month, card.expiry_year);
      !s.ok()) {
    return s;
  }
  if (card.holder_name.empty()) return FieldError("holder_name", "is required");
  if (auto s = NeedReason(card.reason); !s.ok()) return s;
  if (auto s = card.controls.Check(categories, "controls."); !s.ok()) return s;
  auto agreement = AgreementOf(tx, card.agreement_id);
  if (!agreement.ok()) return agreement.status();
  if (agreement->state != AgreementState::kActive) {
    return absl::FailedPreconditionError(
        dp::StrCat("agreement ", card.agreement_id,
                   " is not active: a card is issued to an active agreement"));
  }
  if (agreement->card_account_id == 0) {
    return absl::FailedPreconditionError(dp::StrCat(
        "agreement ", card.agreement_id,
        " is paid into a bank account, not onto a card: amend its payment method first"));
  }
  // One issue at a time per agreement, so that two cannot both take the
  // last place (the two-key advisory lock: this namespace, the agreement).
  tx.exec_params("SELECT pg_advisory_xact_lock($1, $2::integer)", kIssueLockNamespace,
                 static_cast<int32_t>(card.agreement_id));
  const pqxx::row counts = tx.exec_params1(
      "SELECT count(*) FILTER (WHERE NOT additional_holder) AS own,"
      " count(*) FILTER (WHERE additional_holder) AS additional,"
      " (SELECT max_additional_cardholders FROM agreements.authority_settings"
      "  WHERE authority_id = $2 AND effective_from <= $3::date"
      "  ORDER BY effective_from DESC LIMIT 1) AS allowed"
      " FROM cards.cards WHERE agreement_id = $1 AND status <> 'cancelled'",
      card.agreement_id, agreement->authority_id, DayText(today));
  if (!card.additional_holder && counts["own"].as<int64_t>() > 0) {
    return absl::FailedPreconditionError(dp::StrCat(
        "agreement ", card.agreement_id,
        " already has a card of the person's own: replace it, or issue an additional card"));
  }
  const int64_t allowed = counts["allowed"].as<int64_t>(3);
  if (card.additional_holder && counts["additional"].as<int64_t>() >= allowed) {
    return Refusal(absl::StatusCode::kFailedPrecondition, reason::kOverLimit,
                   dp::StrCat("agreement ", card.agreement_id, " has ", allowed,
                              " additional cards, as many as the authority allows"),
                   {{"limit", std::to_string(allowed)}});
  }
  auto spend = OpenAccount(tx, *agreement, card.agreement_id, "CARD-SPEND", "card spending",
                           ledger::AccountType::kExpense);
  if (!spend.ok()) return spend.status();
  auto shortfall =
      OpenAccount(tx, *agreement, card.agreement_id, "CARD-SHORTFALL",
                  "card shortfall owed to the processor", ledger::AccountType::kLiability);
  if (!shortfall.ok()) return shortfall.status();
  if (!tx.exec_params("SELECT 1 FROM cards.cards WHERE processor_token = $1", card.processor_token)
           .empty()) {
    return Refusal(absl::StatusCode::kAlreadyExists, reason::kAlreadyExists,
                   "a card with this processor token exists");
  }
  const int64_t id =
      tx.exec_params1(
            "INSERT INTO cards.cards (agreement_id, authority_id, account_id, spend_account_id,"
            " shortfall_account_id, processor_token, last4, expiry_month, expiry_year,"
            " additional_holder, holder_name, status, status_reason, created_by)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'active', $12, $13) RETURNING "
            "id",
            card.agreement_id, agreement->authority_id, agreement->card_account_id, *spend,
            *shortfall, card.processor_token, card.last4, card.expiry_month, card.expiry_year,
            card.additional_holder, card.holder_name, card.reason, actor)[0]
          .as<int64_t>();
  tx.exec_params(
      "INSERT INTO cards.controls (card_id, effective_from, controls, reason, created_by)"
      " VALUES ($1, $2::date, $3::jsonb, $4, $5)",
      id, DayText(today), ToJson(card.controls), card.reason, actor);
  return id;
}

absl::Status ChangeStatus(pqxx::work& tx, int64_t card_id, CardStatus to,
                          const std::string& reason) {
  if (auto s = NeedReason(reason); !s.ok()) return s;
  const pqxx::result r =
      tx.exec_params("SELECT status FROM cards.cards WHERE id = $1 FOR UPDATE", card_id);
  if (r.empty()) return MissingCard(card_id);
  const CardStatus from = ParseStatus(r[0][0].as<std::string>());
  if (from == CardStatus::kCancelled) {
    return absl::FailedPreconditionError(
        dp::StrCat("card ", card_id, " is cancelled: issue a new one"));
  }
  if (from == to) {
    return absl::FailedPreconditionError(
        dp::StrCat("card ", card_id, " is already ", StatusName(to)));
  }
  tx.exec_params("UPDATE cards.cards SET status = $2, status_reason = $3 WHERE id = $1", card_id,
                 StatusName(to), reason);
  return absl::OkStatus();
}

absl::StatusOr<int64_t> ReplaceCard(pqxx::work& tx, int64_t card_id, const std::string& token,
                                    const std::string& last4, int month, int year,
                                    const std::string& reason, absl::CivilDay today,
                                    const std::string& actor) {
  if (auto s = CheckCardDetails(token, last4, month, year); !s.ok()) return s;
  if (auto s = NeedReason(reason); !s.ok()) return s;
  auto old = GetCard(tx, card_id, today, /*for_update=*/true);
  if (!old.ok()) return old.status();
  if (old->status == CardStatus::kCancelled) {
    return absl::FailedPreconditionError(
        dp::StrCat("card ", card_id, " is cancelled: issue a new card instead"));
  }
  if (!tx.exec_params("SELECT 1 FROM cards.cards WHERE processor_token = $1", token).empty()) {
    return Refusal(absl::StatusCode::kAlreadyExists, reason::kAlreadyExists,
                   "a card with this processor token exists");
  }
  const int64_t id =
      tx.exec_params1(
            "INSERT INTO cards.cards (agreement_id, authority_id, account_id, spend_account_id,"
            " shortfall_account_id, processor_token, last4, expiry_month, expiry_year,"
            " additional_holder, holder_name, status, status_reason, replaces_card_id, created_by)"
            " SELECT agreement_id, authority_id, account_id, spend_account_id, "
            "shortfall_account_id,"
            " $2, $3, $4, $5, additional_holder, holder_name, 'active', $6, id, $7"
            " FROM cards.cards WHERE id = $1 RETURNING id",
            card_id, token, last4, month, year, reason, actor)[0]
          .as<int64_t>();
  tx.exec_params(
      "UPDATE cards.cards SET status = 'cancelled', status_reason = $2, replaced_by_card_id = $3"
      " WHERE id = $1",
      card_id, reason, id);
  // The controls carry over: those in force today, and any set for later.
  tx.exec_params(
      "INSERT INTO cards.controls (card_id, effective_from, controls, reason, created_by)"
      " SELECT $2, greatest(effective_from, $3::date), controls, reason, $4 FROM cards.controls c"
      " WHERE card_id = $1 AND (effective_from > $3::date OR effective_from ="
      "   (SELECT max(effective_from) FROM cards.controls WHERE card_id = $1"
      "    AND effective_from <= $3::date))",
      card_id, id, DayText(today), actor);
  return id;
}

absl::Status SetControls(pqxx::work& tx, int64_t card_id, absl::CivilDay from,
                         const Controls& controls, const Categories& categories,
                         const std::string& reason, absl::CivilDay today,
                         const std::string& actor) {
  if (auto s = NeedReason(reason); !s.ok()) return s;
  if (from < today) {
    return FieldError("effective_from",
                      "must not be in the past: what a card was judged by is kept");
  }
  if (auto s = controls.Check(categories, "controls."); !s.ok()) return s;
  auto card = GetCard(tx, card_id, today, /*for_update=*/true);
  if (!card.ok()) return card.status();
  if (card->status == CardStatus::kCancelled) {
    return absl::FailedPreconditionError(dp::StrCat("card ", card_id, " is cancelled"));
  }
  tx.exec_params(
      "INSERT INTO cards.controls (card_id, effective_from, controls, reason, created_by)"
      " VALUES ($1, $2::date, $3::jsonb, $4, $5) ON CONFLICT (card_id, effective_from) DO UPDATE"
      " SET controls = EXCLUDED.controls, reason = EXCLUDED.reason,"
      "     created_by = EXCLUDED.created_by, created_at = now()",
      card_id, DayText(from), ToJson(controls), reason, actor);
  return absl::OkStatus();
}

absl::StatusOr<Card> GetCard(pqxx::transaction_base& tx, int64_t card_id, absl::CivilDay day,
                             bool for_update) {
  return OneCard(tx.exec_params(dp::StrCat(CardSelect(2), " WHERE c.id = $1",
                                           for_update ? " FOR UPDATE OF c" : ""),
                                card_id, DayText(day)),
                 MissingCard(card_id));
}

absl::StatusOr<Card> CardByToken(pqxx::transaction_base& tx, const std::string& token,
                                 absl::CivilDay day, bool for_update) {
  // Prepared: every authorisation starts here.
  return OneCard(db::Prepared(tx, for_update ? "cards.by_token_locked" : "cards.by_token",
                              dp::StrCat(CardSelect(2), " WHERE c.processor_token = $1",
                                         for_update ? " FOR UPDATE OF c" : ""),
                              token, DayText(day)),
                 absl::NotFoundError("no card has this token"));
}

absl::StatusOr<std::vector<Card>> ListCards(pqxx::transaction_base& tx, int64_t agreement_id,
                                            absl::CivilDay day) {
  return ReadCards(
      tx.exec_params(dp::StrCat(CardSelect(2), " WHERE c.agreement_id = $1 ORDER BY c.id"),
                     agreement_id, DayText(day)));
}

}  // namespace dp::cards
