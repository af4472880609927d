#ifndef DP_LIB_CARDS_BOOKS_NETWORK_H_
#define DP_LIB_CARDS_BOOKS_NETWORK_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "audit/head.h"
#include "cards/books/cards.h"
#include "cards/rules/categories.h"
#include "cards/rules/clearing.h"
#include "cards/rules/decide.h"

// The card network's calls over the database: an authorisation decided and
// its ledger hold placed in the caller's transaction, captures, reversals
// and refunds. Every call is idempotent by the processor's id: a replay
// returns what was recorded; the same id with other content is refused.
//
// The books of a card (all owned by its agreement):
//   hold:       debit AGR-n:CARD-SPEND, credit AGR-n:CARD (pending)
//   capture:    the hold posted (in part, in full, or above it within the
//               category's tolerance)
//   force post: debit CARD-SPEND; credit CARD with what it holds and
//               AGR-n:CARD-SHORTFALL with the rest (owed to the processor,
//               flagged for monitoring); never refused
//   refund:     debit CARD, credit CARD-SPEND
namespace dp::cards {

// Reach is which cards a processor may act on: those of its granted
// authorities (or any, for the internal service role).
struct Reach {
  bool all = false;
  std::vector<std::string> authorities;
  bool Covers(const std::string& authority_id) const;
};

struct AuthorisationRequest {
  std::string processor_id;
  std::string digest;  // of the request's content, for replays
  std::string card_token;
  Purchase purchase;
  std::string currency;
  std::string merchant_name;
  std::string merchant_id;
  std::string increments_processor_id;  // an incremental authorisation
};

struct AuthorisationRecord {
  int64_t id = 0;
  std::string processor_id;
  Verdict verdict;
  int64_t card_id = 0;
  int64_t hold_id = 0;
  int64_t decided_at_us = 0;
  int64_t hold_expires_at_us = 0;
};

// Authorise decides the purchase and records it, approved or declined;
// an approval places its hold in `tx`. Under a lock on the card, so that
// concurrent authorisations on one card are judged one after another and
// money is never promised twice; the ledger's own rule stops a second card
// of the same agreement from taking what the first held.
absl::StatusOr<AuthorisationRecord> Authorise(pqxx::work& tx, const AuthorisationRequest& request,
                                              const Reach& reach, const Categories& categories,
                                              absl::CivilDay today);

// CardAccounts are the two ledger accounts a card's holds are between:
// its money and what it bought. A card's never change.
struct CardAccounts {
  int64_t card = 0;
  int64_t spend = 0;
};

// BatchedAuthorisation is one authorisation of a batch, with its caller's
// reach and the categories in force; `accounts`, when given, holds the
// card's accounts if the caller knows them (zero if not) and is told them
// once the batch has read the card.
struct BatchedAuthorisation {
  const AuthorisationRequest* request = nullptr;
  const Reach* reach = nullptr;
  const Categories* categories = nullptr;
  CardAccounts* accounts = nullptr;
};

// AuthoriseBatch decides many authorisations in `tx` in three round trips
// whatever their number, each judged as Authorise would judge it alone:
// first the replays, the cards with their situations, ids for the records
// and a lane of the audit trail; then the ledger's reads for the holds;
// last the holds, the caller's own writes and the records. When the
// caller knows the accounts of every card, the ledger's reads go with the
// first round trip (ledger::ReadForHolds), and two serve. It takes only
// what it can decide without waiting and without two decisions touching
// one card account; an entry left empty is to be decided alone with
// Authorise, after `tx` ends: an increment, a processor id twice in the
// batch, a card another transaction holds (or unknown, or out of reach), a
// second purchase on the same card account, a hold the ledger refused.
//
// `with_writes`, when given, is asked for SQL to send with the batch's
// last writes (the audit events): it is given each entry's record id (0:
// none here, for an entry left empty or refused) and the audit lane the
// batch claimed (none when every lane was busy: audit::AppendOnLaneSql
// then waits for one).
//
//   std::vector<BatchedAuthorisation> batch = {{&req, &reach, &categories}, ...};
//   auto decided = AuthoriseBatch(tx, batch, today);
//   tx.commit();
//   for (size_t i ...) if (!decided[i]) ... Authorise(...) in a transaction of its own ...
//
// With `own`, AuthoriseBatch runs the transaction itself, on a
// pqxx::nontransaction `tx`: BEGIN goes with its first round trip and
// COMMIT with its last, two round trips fewer, but only while
// `own->commit_by` has not passed; later it rolls back and leaves every
// entry to be decided alone (its callers have stopped waiting). On an
// exception the transaction is left for the caller to end
// (db::EndTransaction).
using BatchWrites = std::function<std::string(const std::vector<int64_t>& record_ids,
                                              std::optional<audit::LaneHead> lane)>;
struct OwnTransaction {
  absl::Time commit_by;
};
std::vector<std::optional<absl::StatusOr<AuthorisationRecord>>> AuthoriseBatch(
    pqxx::transaction_base& tx, const std::vector<BatchedAuthorisation>& batch,
    absl::CivilDay today, const BatchWrites& with_writes = nullptr,
    std::optional<OwnTransaction> own = std::nullopt);

// RecordUnavailable records a decline for want of an answer in time
// (SYSTEM_UNAVAILABLE), in its own short transaction, so that a replay of
// the processor's id gets the same decline; nothing is held.
absl::StatusOr<AuthorisationRecord> RecordUnavailable(pqxx::work& tx,
                                                      const AuthorisationRequest& request);

enum class SettlementKind { kCapture, kForcePost, kReversal, kRefund };

struct SettlementRequest {
  std::string processor_id;
  std::string digest;
  std::string authorisation_processor_id;  // capture, reversal; a refund's original
  std::string card_token;                  // force post, refund
  int64_t amount_pence = 0;
  std::string currency;
  std::string merchant_category;
  std::string merchant_name;
  bool more_to_come = false;  // a capture that leaves the rest held for later ones
};

struct SettlementRecord {
  std::string processor_id;
  SettlementKind kind = SettlementKind::kCapture;
  int64_t card_id = 0;
  int64_t amount_pence = 0;
  int64_t transaction_id = 0;
  int64_t shortfall_pence = 0;
};

// Capture settles an authorisation: posts its hold for the amount when the
// hold is open and the amount within the hold and the category's
// over-capture allowance; what is left is released, or with `more_to_come`
// kept held for a later capture;
// otherwise (a second capture past the hold, a hold expired, an amount
// beyond the allowance) posts it directly, as a force post does. With no
// authorisation it is a force post. Never refused for want of money.
absl::StatusOr<SettlementRecord> Capture(pqxx::work& tx, const SettlementRequest& request,
                                         const Reach& reach, const Categories& categories,
                                         absl::CivilDay today);
// Reverse releases what an authorisation still holds.
absl::StatusOr<SettlementRecord> Reverse(pqxx::work& tx, const SettlementRequest& request,
                                         const Reach& reach, absl::CivilDay today);
// Refund credits the card, linked to a purchase of the same card or not.
absl::StatusOr<SettlementRecord> Refund(pqxx::work& tx, const SettlementRequest& request,
                                        const Reach& reach, absl::CivilDay today);

std::string_view SettlementKindName(SettlementKind kind);  // "capture", ...

// PastPurchasesOf reads what a card was asked to buy from `from` on (UK
// days), oldest first, at most `limit`, each with its merchant's name.
struct AskedPurchase {
  PastPurchase asked;
  std::string merchant;
  int64_t at_us = 0;
};
std::vector<AskedPurchase> PastPurchasesOf(pqxx::transaction_base& tx, int64_t card_id,
                                           absl::CivilDay from, int limit);

// StandingOf is what binds `card` whatever its controls, on `day`: its
// authority's blocked categories and its agreement's uses (for WouldDecline).
Situation StandingOf(pqxx::transaction_base& tx, const Card& card, absl::CivilDay day);

// ClearingOutcome is what one line of a clearing file did.
struct ClearingOutcome {
  enum class Kind { kCaptured, kForcePosted, kRefunded, kAlreadyImported };
  Kind kind = Kind::kCaptured;
  int64_t amount_pence = 0;
  // Imported, but not as its authorisation said: an amount beyond the
  // allowance, an authorisation id that names none (force-posted).
  std::string mismatch;
};

// ImportClearingLine applies one line of the processor's clearing file
// (cards/rules/clearing.h) in `tx`: matched to its authorisation by the
// processor's id and captured (Capture's rules), an unmatched capture
// force-posted, a refund credited. A line imported before changes nothing
// (kAlreadyImported); the same processor id with other content is
// REQUEST_ID_REUSED; a card token that is not the authorisation's card is
// FAILED_PRECONDITION, and nothing is written.
absl::StatusOr<ClearingOutcome> ImportClearingLine(pqxx::work& tx, const ClearingLine& line,
                                                   const Reach& reach, const Categories& categories,
                                                   absl::CivilDay today);

}  // namespace dp::cards

#endif  // DP_LIB_CARDS_BOOKS_NETWORK_H_
