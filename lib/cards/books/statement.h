#ifndef DP_LIB_CARDS_BOOKS_STATEMENT_H_
#define DP_LIB_CARDS_BOOKS_STATEMENT_H_

#include <cstdint>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "absl/status/statusor.h"
#include "cards/rules/decide.h"

// A card account's statement: the ledger's lines of the account, each told
// by what the card did (a purchase at a merchant, a refund) or by what the
// money was (a load from the payment schedule), with the running balance;
// what is held but not yet paid; and the latest declines with reasons.
namespace dp::cards {

struct StatementEntry {
  int64_t at_us = 0;
  std::string kind;  // load, purchase, force_post, refund, recovery, reversal, ...
  int64_t card_id = 0;
  std::string description;
  std::string merchant_category;  // a card event's MCC, else ""
  int64_t amount_pence = 0;  // in positive, out negative
  int64_t balance_after_pence = 0;
  int64_t transaction_id = 0;
};

struct Held {
  int64_t card_id = 0;
  std::string processor_id;
  std::string merchant;
  int64_t amount_pence = 0;
  int64_t authorised_at_us = 0;
  int64_t expires_at_us = 0;
};

struct Declined {
  int64_t card_id = 0;
  std::string merchant;
  int64_t amount_pence = 0;
  Reason reason = Reason::kNone;
  std::string message;
  int64_t at_us = 0;
};

struct CardStatement {
  int64_t account_id = 0;
  int64_t balance_pence = 0;
  int64_t committed_pence = 0;
  int64_t available_pence = 0;
  std::vector<Held> held;
  std::vector<Declined> declines;
  std::vector<StatementEntry> lines;
  std::string next_page_token;
};

// StatementOf reads the statement of `account_id` (an agreement's card
// account), or only `card_id`'s part of it when that is not 0: the lines of
// one page of the account's ledger statement (db page tokens), the open
// holds and the latest `kMaxDeclines` declines.
inline constexpr int kMaxDeclines = 50;
absl::StatusOr<CardStatement> StatementOf(pqxx::transaction_base& tx, int64_t account_id,
                                          int64_t card_id, int page_size,
                                          const std::string& page_token);

}  // namespace dp::cards

#endif  // DP_LIB_CARDS_BOOKS_STATEMENT_H_
