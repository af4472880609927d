#ifndef DP_LIB_CARDS_RULES_DECIDE_H_
#define DP_LIB_CARDS_RULES_DECIDE_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "absl/status/statusor.h"
#include "cards/rules/categories.h"

// Where a card decline is decided: the rules of a real-time authorisation,
// plain C++ with no database. The card service gathers the situation (the
// card, its agreement, its controls, what it spent) under a lock on the
// card and asks Decide; the ledger then holds what Decide approved.
namespace dp::cards {

enum class Channel { kInPerson, kOnline, kAtm, kRecurring };
enum class CardStatus { kActive, kFrozen, kCancelled };
enum class AgreementState { kActive, kSuspended, kEnded, kNotActive };
enum class Interval { kPerTransaction, kDay, kWeek, kFourWeeks, kMonth };
inline constexpr size_t kIntervals = 5;

std::string_view ChannelName(Channel channel);   // "in_person", "online", "atm", "recurring"
bool ParseChannel(std::string_view name, Channel* channel);
std::string_view IntervalName(Interval interval);  // "per_transaction", "day", ...
bool ParseInterval(std::string_view name, Interval* interval);

// Limit caps spending in an interval by amount, by count, or both (0: none).
struct Limit {
  Interval interval = Interval::kDay;
  int64_t max_amount_pence = 0;
  int max_count = 0;
};

// Controls are what one card may be used for, besides the authority's
// blocked categories, which always apply unless the card allows one by name.
struct Controls {
  bool cash_allowed = false;
  int64_t cash_daily_limit_pence = 250'00;
  std::vector<Limit> limits;
  std::vector<Channel> channels;             // empty: all but ATM
  std::vector<std::string> countries;        // empty: GB only
  std::vector<std::string> allowed_categories;  // MCCs or group names
  std::vector<std::string> blocked_categories;  // likewise

  // Check refuses controls no card could work by, naming the field under
  // `prefix` ("controls."): unknown categories, limits out of range.
  absl::Status Check(const Categories& categories, std::string_view prefix) const;
};

// ToJson and FromJson keep controls in the database (cards.controls).
std::string ToJson(const Controls& controls);
absl::StatusOr<Controls> FromJson(std::string_view json);
absl::StatusOr<Controls> FromJsonValue(const nlohmann::json& json);  // already parsed

// Purchase is what the processor asks to authorise.
struct Purchase {
  int64_t amount_pence = 0;
  std::string mcc;
  std::string country;  // ISO 3166 alpha-2
  Channel channel = Channel::kInPerson;
  bool partial_allowed = false;
  int64_t cashback_pence = 0;
};

// Usage is what the card had approved before this purchase, per interval
// (index by Interval), and the cash it took today.
struct Usage {
  std::array<int64_t, kIntervals> amount_pence{};
  std::array<int, kIntervals> count{};
  int64_t cash_today_pence = 0;
};

// Situation is everything a decision depends on besides the purchase.
struct Situation {
  CardStatus card = CardStatus::kActive;
  AgreementState agreement = AgreementState::kActive;
  Controls controls;
  std::vector<std::string> authority_blocked;  // MCCs
  // The agreement's uses in force (lib/base/uses.h): spending in a category
  // group that serves another use is declined (categories.json, "use").
  std::vector<std::string> permitted_uses;
  std::vector<std::string> excluded_uses;
  Usage usage;
  int64_t available_pence = 0;  // the card account's available balance
};

enum class Reason {
  kNone,
  kInsufficientFunds,
  kBlockedCategory,
  kCashNotAllowed,
  kOverLimit,
  kCardFrozen,
  kCardCancelled,
  kCardUnknown,
  kAgreementSuspended,
  kAgreementEnded,
  kChannelNotAllowed,
  kCountryNotAllowed,
  kCashbackNotAllowed,
  kSystemUnavailable,
  kNotSupported,
};
std::string_view ReasonName(Reason reason);  // "INSUFFICIENT_FUNDS", ...

enum class Outcome { kApproved, kPartiallyApproved, kDeclined };

// Verdict is a decision, with what the person is told.
struct Verdict {
  Outcome outcome = Outcome::kDeclined;
  int64_t approved_pence = 0;
  Reason reason = Reason::kNone;
  std::string limit;    // for kOverLimit: "day amount", "week count", "cash day", ...
  std::string message;  // plain words for the person

  // Declined makes a decline with the sentence for `reason`.
  static Verdict Declined(Reason reason, std::string message, std::string limit = "");
};

// Decide judges a purchase: the card and its agreement first, then how it
// is made (cashback, channel, country), what it buys (cash, blocked
// categories), the spending limits, and last the money on the card, where a
// merchant that accepts a partial approval gets what there is.
//
//   Decide({.amount_pence = 2000, .mcc = "7995", .country = "GB"}, situation, categories)
//     -> declined, kBlockedCategory, "This card can't be used for betting, ..."
//   Decide({.amount_pence = 5000, .mcc = "5411", .country = "GB", .partial_allowed = true},
//          situation_with_3000_available, categories)
//     -> partially approved, 3000
Verdict Decide(const Purchase& purchase, const Situation& situation, const Categories& categories);

// PastPurchase is a purchase the card was asked to make, on a UK day.
struct PastPurchase {
  Purchase purchase;
  absl::CivilDay day;
};

// WouldDecline is Decide for a control set being considered, over past
// purchases in the order they came: which of them it would have declined,
// and why, so that an officer sees the effect before saving it. `standing`
// gives what holds whatever the card's controls: the authority's blocked
// categories and the agreement's uses in force now. Spending limits count
// only the purchases the proposal would have allowed before each one; the
// money on the card is not replayed (only the controls).
//
//   WouldDecline({{casino, day1}, {shop, day1}}, blocks_gambling, {}, categories)
//     -> {declined kBlockedCategory, approved}
std::vector<Verdict> WouldDecline(const std::vector<PastPurchase>& past, const Controls& proposed,
                                  const Situation& standing, const Categories& categories);

}  // namespace dp::cards

#endif  // DP_LIB_CARDS_RULES_DECIDE_H_
