#include "cards/rules/decide.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "base/refusal.h"
#include "base/strings.h"
#include "base/uses.h"
#include "money/money.h"

namespace dp::cards {
namespace {

constexpr std::string_view kChannels[] = {"in_person", "online", "atm", "recurring"};
constexpr std::string_view kIntervalNames[] = {"per_transaction", "day", "week", "four_weeks",
                                               "month"};
// In plain words, for the person: "the card's daily spending limit".
constexpr std::string_view kIntervalWords[] = {"single-payment", "daily", "weekly", "4-weekly",
                                               "monthly"};
constexpr int64_t kMaxLimitPence = 100'000'00;  // £100,000, far above any card's use
constexpr int kMaxLimitCount = 10'000;

template <typename T>
bool Contains(const std::vector<T>& values, const T& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}


bool IsCash(const Purchase& p) {
  return p.channel == Channel::kAtm || p.mcc == "6010" || p.mcc == "6011";
}

std::string_view ChannelWords(Channel c) {
  switch (c) {
    case Channel::kInPerson: return "in shops";
    case Channel::kOnline: return "online or by phone";
    case Channel::kAtm: return "at cash machines";
    case Channel::kRecurring: return "for regular payments";
  }
  return "this way";
}

// Blocked: the authority's list and the card's own, less what the card
// allows by name. Entries that are neither MCCs nor groups were refused
// when the controls were saved.
// Listed: whether `mcc` is among `entries` (MCCs and group names).
bool Listed(const std::vector<std::string>& entries, std::string_view mcc,
            const Categories& categories) {
  for (const std::string& e : entries) {
    if (e == mcc) return true;
    const CategoryGroup* g = categories.Group(e);
    if (g != nullptr && Contains(g->mccs, std::string(mcc))) return true;
  }
  return false;
}

bool Blocked(std::string_view mcc, const Situation& s, const Categories& categories) {
  if (Listed(s.controls.allowed_categories, mcc, categories)) return false;
  return Contains(s.authority_blocked, std::string(mcc)) ||
         Listed(s.controls.blocked_categories, mcc, categories);
}

// UseNotPermitted is the agreement use `mcc` serves when the card's
// agreement excludes it or does not permit it, else "". A card that allows
// the category by name (an officer's override, with its reason) may buy it.
std::string_view UseNotPermitted(std::string_view mcc, const Situation& s,
                                 const Categories& categories) {
  const std::string_view use = categories.UseOf(mcc);
  if (use.empty() || Listed(s.controls.allowed_categories, mcc, categories)) return {};
  const std::string name(use);
  if (Contains(s.excluded_uses, name)) return use;
  if (!s.permitted_uses.empty() && !Contains(s.permitted_uses, name)) return use;
  return {};
}

// Judge applies every rule but the funds; an empty verdict message means
// nothing refused the purchase.
Verdict Judge(const Purchase& p, const Situation& s, const Categories& categories) {
  switch (s.card) {
    case CardStatus::kFrozen:
      return Verdict::Declined(Reason::kCardFrozen,
                               "This card is frozen. Ask your council or support organisation to "
                               "unfreeze it.");
    case CardStatus::kCancelled:
      return Verdict::Declined(Reason::kCardCancelled, "This card has been cancelled.");
    case CardStatus::kActive:
      break;
  }
  switch (s.agreement) {
    case AgreementState::kSuspended:
      return Verdict::Declined(Reason::kAgreementSuspended,
                               "Payments with this card are paused while your direct payment is "
                               "suspended.");
    case AgreementState::kEnded:
    case AgreementState::kNotActive:
      return Verdict::Declined(Reason::kAgreementEnded,
                               "This card can't be used: your direct payment is not active.");
    case AgreementState::kActive:
      break;
  }
  if (p.cashback_pence > 0) {
    return Verdict::Declined(Reason::kCashbackNotAllowed, "Cashback isn't available on this card.");
  }
  const Controls& c = s.controls;
  const bool channel_ok = c.channels.empty() ? p.channel != Channel::kAtm || c.cash_allowed
                                             : Contains(c.channels, p.channel);
  if (!channel_ok) {
    return Verdict::Declined(Reason::kChannelNotAllowed,
                             dp::StrCat("This card can't be used ", ChannelWords(p.channel), "."));
  }
  const bool country_ok =
      c.countries.empty() ? p.country == "GB" : Contains(c.countries, p.country);
  if (!country_ok) {
    return Verdict::Declined(Reason::kCountryNotAllowed,
                             c.countries.empty()
                                 ? "This card can only be used with businesses in the UK."
                                 : "This card can't be used with businesses in that country.");
  }
  if (IsCash(p)) {
    if (!c.cash_allowed) {
      return Verdict::Declined(Reason::kCashNotAllowed, "This card can't be used to take out cash.");
    }
    if (s.usage.cash_today_pence + p.amount_pence > c.cash_daily_limit_pence) {
      return Verdict::Declined(Reason::kOverLimit,
                               dp::StrCat("This is more cash than the card allows in a day (",
                                          Pounds(c.cash_daily_limit_pence), ")."),
                               "cash day");
    }
  } else if (Blocked(p.mcc, s, categories)) {
    return Verdict::Declined(Reason::kBlockedCategory, categories.DeclineMessage(p.mcc));
  } else if (const std::string_view use = UseNotPermitted(p.mcc, s, categories); !use.empty()) {
    return Verdict::Declined(
        Reason::kBlockedCategory,
        dp::StrCat("This card can't pay for ", UseWords(use),
                   ": your direct payment agreement doesn't include it."));
  }
  for (const Limit& limit : c.limits) {
    const size_t i = static_cast<size_t>(limit.interval);
    const int64_t before = limit.interval == Interval::kPerTransaction ? 0 : s.usage.amount_pence[i];
    const int count_before = limit.interval == Interval::kPerTransaction ? 0 : s.usage.count[i];
    if (limit.max_amount_pence > 0 && before + p.amount_pence > limit.max_amount_pence) {
      return Verdict::Declined(
          Reason::kOverLimit,
          dp::StrCat("This payment is over the card's ", kIntervalWords[i], " spending limit of ",
                     Pounds(limit.max_amount_pence), "."),
          dp::StrCat(IntervalName(limit.interval), " amount"));
    }
    if (limit.max_count > 0 && count_before + 1 > limit.max_count) {
      return Verdict::Declined(
          Reason::kOverLimit,
          dp::StrCat("This card has made as many payments as its ", kIntervalWords[i],
                     " limit allows (", limit.max_count, ")."),
          dp::StrCat(IntervalName(limit.interval), " count"));
    }
  }
  return Verdict{Outcome::kApproved, p.amount_pence, Reason::kNone, "", ""};
}

}  // namespace

std::string_view ChannelName(Channel channel) { return kChannels[static_cast<int>(channel)]; }

bool ParseChannel(std::string_view name, Channel* channel) {
  for (size_t i = 0; i < std::size(kChannels); ++i) {
    if (kChannels[i] == name) {
      *channel = static_cast<Channel>(i);
      return true;
    }
  }
  return false;
}

std::string_view IntervalName(Interval interval) {
  return kIntervalNames[static_cast<int>(interval)];
}

bool ParseInterval(std::string_view name, Interval* interval) {
  for (size_t i = 0; i < std::size(kIntervalNames); ++i) {
    if (kIntervalNames[i] == name) {
      *interval = static_cast<Interval>(i);
      return true;
    }
  }
  return false;
}

std::string_view ReasonName(Reason reason) {
  constexpr std::string_view kNames[] = {
      "",
      "INSUFFICIENT_FUNDS",
      "BLOCKED_CATEGORY",
      "CASH_NOT_ALLOWED",
      "OVER_LIMIT",
      "CARD_FROZEN",
      "CARD_CANCELLED",
      "CARD_UNKNOWN",
      "AGREEMENT_SUSPENDED",
      "AGREEMENT_ENDED",
      "CHANNEL_NOT_ALLOWED",
      "COUNTRY_NOT_ALLOWED",
      "CASHBACK_NOT_ALLOWED",
      "SYSTEM_UNAVAILABLE",
      "NOT_SUPPORTED",
  };
  return kNames[static_cast<int>(reason)];
}

Verdict Verdict::Declined(Reason reason, std::string message, std::string limit) {
  return Verdict{Outcome::kDeclined, 0, reason, std::move(limit), std::move(message)};
}

absl::Status Controls::Check(const Categories& categories, std::string_view prefix) const {
  if (cash_daily_limit_pence < 0 || cash_daily_limit_pence > kMaxLimitPence) {
    return FieldError(dp::StrCat(prefix, "cash_daily_limit"), "must be 0 to £100,000");
  }
  for (size_t i = 0; i < limits.size(); ++i) {
    const Limit& l = limits[i];
    const std::string field = dp::StrCat(prefix, "limits[", i, "]");
    if (l.max_amount_pence < 0 || l.max_amount_pence > kMaxLimitPence) {
      return FieldError(field + ".max_amount", "must be 0 (none) to £100,000");
    }
    if (l.max_count < 0 || l.max_count > kMaxLimitCount) {
      return FieldError(field + ".max_count", "must be 0 (none) to 10,000");
    }
    if (l.max_amount_pence == 0 && l.max_count == 0) {
      return FieldError(field, "caps nothing: give max_amount, max_count or both");
    }
  }
  for (size_t i = 0; i < countries.size(); ++i) {
    const std::string& c = countries[i];
    if (c.size() != 2 || !std::isupper(static_cast<unsigned char>(c[0])) ||
        !std::isupper(static_cast<unsigned char>(c[1]))) {
      return FieldError(dp::StrCat(prefix, "countries[", i, "]"),
                        "must be an ISO 3166 country code such as GB");
    }
  }
  for (auto [entries, name] : {std::pair{&allowed_categories, "allowed_categories"},
                               std::pair{&blocked_categories, "blocked_categories"}}) {
    auto expanded = categories.Expand(*entries, dp::StrCat(prefix, name));
    if (!expanded.ok()) return expanded.status();
  }
  return absl::OkStatus();
}

std::string ToJson(const Controls& c) {
  nlohmann::json j;
  j["cash_allowed"] = c.cash_allowed;
  j["cash_daily_limit_pence"] = c.cash_daily_limit_pence;
  j["limits"] = nlohmann::json::array();
  for (const Limit& l : c.limits) {
    j["limits"].push_back({{"interval", IntervalName(l.interval)},
                           {"max_amount_pence", l.max_amount_pence},
                           {"max_count", l.max_count}});
  }
  j["channels"] = nlohmann::json::array();
  for (Channel ch : c.channels) j["channels"].push_back(ChannelName(ch));
  j["countries"] = c.countries;
  j["allowed_categories"] = c.allowed_categories;
  j["blocked_categories"] = c.blocked_categories;
  return j.dump();
}

absl::StatusOr<Controls> FromJson(std::string_view text) {
  try {
    return FromJsonValue(nlohmann::json::parse(text));
  } catch (const nlohmann::json::exception& e) {
    return absl::DataLossError(dp::StrCat("stored card controls are malformed: ", e.what()));
  }
}

absl::StatusOr<Controls> FromJsonValue(const nlohmann::json& j) {
  Controls c;
  try {
    c.cash_allowed = j.at("cash_allowed").get<bool>();
    c.cash_daily_limit_pence = j.at("cash_daily_limit_pence").get<int64_t>();
    for (const auto& l : j.at("limits")) {
      Limit limit;
      if (!ParseInterval(l.at("interval").get<std::string>(), &limit.interval)) {
        return absl::DataLossError("stored card controls name an unknown interval");
      }
      limit.max_amount_pence = l.at("max_amount_pence").get<int64_t>();
      limit.max_count = l.at("max_count").get<int>();
      c.limits.push_back(limit);
    }
    for (const auto& ch : j.at("channels")) {
      Channel channel;
      if (!ParseChannel(ch.get<std::string>(), &channel)) {
        return absl::DataLossError("stored card controls name an unknown channel");
      }
      c.channels.push_back(channel);
    }
    c.countries = j.at("countries").get<std::vector<std::string>>();
    c.allowed_categories = j.at("allowed_categories").get<std::vector<std::string>>();
    c.blocked_categories = j.at("blocked_categories").get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception& e) {
    return absl::DataLossError(dp::StrCat("stored card controls are malformed: ", e.what()));
  }
  return c;
}

Verdict Decide(const Purchase& p, const Situation& s, const Categories& categories) {
  Verdict v = Judge(p, s, categories);
  if (v.outcome == Outcome::kDeclined) return v;
  if (s.available_pence >= p.amount_pence) return v;
  if (p.partial_allowed && s.available_pence > 0 && !IsCash(p)) {
    return Verdict{Outcome::kPartiallyApproved, s.available_pence, Reason::kNone, "",
                   dp::StrCat("Only ", Pounds(s.available_pence),
                              " of this payment could be paid with this card.")};
  }
  return Verdict::Declined(Reason::kInsufficientFunds,
                           "There isn't enough money on this card for this payment.");
}

std::vector<Verdict> WouldDecline(const std::vector<PastPurchase>& past, const Controls& proposed,
                                  const Situation& standing, const Categories& categories) {
  Situation s;
  s.controls = proposed;
  s.authority_blocked = standing.authority_blocked;
  s.permitted_uses = standing.permitted_uses;
  s.excluded_uses = standing.excluded_uses;
  std::vector<Verdict> out;
  out.reserve(past.size());
  for (size_t i = 0; i < past.size(); ++i) {
    const absl::CivilDay day = past[i].day;
    const absl::CivilDay monday =
        day - ((static_cast<int>(absl::GetWeekday(day)) + 7 - static_cast<int>(absl::Weekday::monday)) % 7);
    const absl::CivilDay month(day.year(), day.month(), 1);
    s.usage = Usage{};
    for (size_t j = 0; j < i; ++j) {  // what the proposal would have let through before
      if (out[j].outcome == Outcome::kDeclined) continue;
      const absl::CivilDay d = past[j].day;
      const int64_t pence = out[j].approved_pence;
      auto add = [&](Interval interval, bool within) {
        if (!within) return;
        s.usage.amount_pence[static_cast<size_t>(interval)] += pence;
        s.usage.count[static_cast<size_t>(interval)] += 1;
      };
      add(Interval::kDay, d == day);
      add(Interval::kWeek, d >= monday && d <= day);
      add(Interval::kFourWeeks, d > day - 28 && d <= day);
      add(Interval::kMonth, d >= month && d <= day);
      if (d == day && IsCash(past[j].purchase)) s.usage.cash_today_pence += pence;
    }
    out.push_back(Judge(past[i].purchase, s, categories));
  }
  return out;
}

}  // namespace dp::cards
