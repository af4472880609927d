#ifndef DP_LIB_CARDS_BOOKS_CARDS_H_
#define DP_LIB_CARDS_BOOKS_CARDS_H_

#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "cards/rules/categories.h"
#include "cards/rules/decide.h"
#include "db/sql.h"

// The cards over the database (schema `cards`): issuing, freezing,
// cancelling and replacing a card, and its effective-dated controls. Each
// write runs inside the caller's transaction, with the request's record
// and audit event (service/write.h).
namespace dp::cards {

struct Card {
  int64_t id = 0;
  std::string token;  // the processor's
  int64_t agreement_id = 0;
  std::string authority_id;
  int64_t account_id = 0;            // AGR-n:CARD, the money on the card
  int64_t spend_account_id = 0;      // AGR-n:CARD-SPEND, what it bought
  int64_t shortfall_account_id = 0;  // AGR-n:CARD-SHORTFALL, force posts beyond the money
  std::string last4;
  int expiry_month = 0;
  int expiry_year = 0;
  bool additional_holder = false;
  std::string holder_name;
  CardStatus status = CardStatus::kActive;
  std::string status_reason;
  int64_t replaces_card_id = 0;
  int64_t replaced_by_card_id = 0;
  int64_t created_at_us = 0;
  // The controls in force on the day asked for.
  Controls controls;
  absl::CivilDay controls_from;
  std::string controls_reason;
  // The state of its agreement now.
  AgreementState agreement_state = AgreementState::kNotActive;
  // Its agreement's uses in the version in force on the day asked.
  std::vector<std::string> permitted_uses;
  std::vector<std::string> excluded_uses;
};

// NewCard is what an officer gives to issue a card.
struct NewCard {
  int64_t agreement_id = 0;
  std::string processor_token;
  std::string last4;
  int expiry_month = 0;
  int expiry_year = 0;
  bool additional_holder = false;
  std::string holder_name;
  Controls controls;
  std::string reason;
};

// CheckCardDetails refuses what is not a processor token, last four digits
// and an expiry. A token that looks like a full card number (12 to 19
// digits) is refused without being quoted: a card number is never stored,
// logged or echoed.
absl::Status CheckCardDetails(const std::string& token, const std::string& last4, int month,
                              int year);

// IssueCard links a card to an active card-paid agreement of its
// authority: at most one card of the person's own, and as many more as
// the authority allows (max_additional_cardholders). The card's spend and
// shortfall accounts are opened with the first card. Returns the card's id.
absl::StatusOr<int64_t> IssueCard(pqxx::work& tx, const NewCard& card, const Categories& categories,
                                  absl::CivilDay today, const std::string& actor);

// ChangeStatus freezes (kFrozen), unfreezes (kActive) or cancels
// (kCancelled) a card, with the reason the person is shown. A cancelled
// card changes no more; freezing a frozen card is refused.
absl::Status ChangeStatus(pqxx::work& tx, int64_t card_id, CardStatus to,
                          const std::string& reason);

// ReplaceCard cancels `card_id` and issues its successor with a new token,
// the same holder and the controls in force today. Returns the new id.
absl::StatusOr<int64_t> ReplaceCard(pqxx::work& tx, int64_t card_id, const std::string& token,
                                    const std::string& last4, int month, int year,
                                    const std::string& reason, absl::CivilDay today,
                                    const std::string& actor);

// SetControls records a card's controls in force from `from` (not before
// today: the past is never rewritten), with the reason.
absl::Status SetControls(pqxx::work& tx, int64_t card_id, absl::CivilDay from,
                         const Controls& controls, const Categories& categories,
                         const std::string& reason, absl::CivilDay today, const std::string& actor);

// GetCard reads a card with the controls in force on `day`; NOT_FOUND names
// the id. `for_update` locks the card's row to the end of the transaction
// (authorisations on one card are decided one at a time).
absl::StatusOr<Card> GetCard(pqxx::transaction_base& tx, int64_t card_id, absl::CivilDay day,
                             bool for_update = false);
// CardByToken is GetCard by the processor's token (NOT_FOUND for none).
absl::StatusOr<Card> CardByToken(pqxx::transaction_base& tx, const std::string& token,
                                 absl::CivilDay day, bool for_update = false);
// CardSelect is the SELECT (to which a WHERE is added, on `c`, the card)
// that reads cards with, in the same statement, the controls in force on
// the day given as parameter `$<day>`, their agreement's state and the
// uses of its version in force; ReadCards decodes its rows (by column name,
// so a statement may read more beside them). For a statement of its own
// that reads cards with more, as a batch of authorisations does:
//
//   ReadCards(tx.exec_params(CardSelect(2) + " WHERE c.id = $1", id, "2026-05-04"))
std::string CardSelect(int day_param);
absl::StatusOr<std::vector<Card>> ReadCards(const pqxx::result& rows);
// The same, with the rows' columns already numbered (db::Columns).
absl::StatusOr<std::vector<Card>> ReadCards(const pqxx::result& rows, const db::Columns& cols);

// ListCards lists an agreement's cards, oldest first.
absl::StatusOr<std::vector<Card>> ListCards(pqxx::transaction_base& tx, int64_t agreement_id,
                                            absl::CivilDay day);

// LoadCard puts `amount_pence` on an active agreement's card account from
// the authority's funding account (its settings in force `today`), as one
// balanced ledger transaction, with the reason. Returns the load's id and
// its transaction's.
struct Load {
  int64_t id = 0;
  int64_t transaction_id = 0;
};
absl::StatusOr<Load> LoadCard(pqxx::work& tx, int64_t agreement_id, int64_t amount_pence,
                              const std::string& reason, absl::CivilDay today,
                              const std::string& actor);

// AgreementOf is the authority and state of an agreement, for checks
// before a card is touched; NOT_FOUND when there is none.
struct AgreementFacts {
  std::string authority_id;
  AgreementState state = AgreementState::kNotActive;
  int64_t card_account_id = 0;  // 0 unless it is paid onto a card
};
absl::StatusOr<AgreementFacts> AgreementOf(pqxx::transaction_base& tx, int64_t agreement_id);

}  // namespace dp::cards

#endif  // DP_LIB_CARDS_BOOKS_CARDS_H_
