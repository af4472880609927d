#include "cards/rules/decide.h"

#include <gtest/gtest.h>

#include "base/refusal.h"

namespace dp::cards {
namespace {

const Categories& Data() {
  static const std::vector<Categories> versions = [] {
    auto v = Categories::Load(std::string(DP_SOURCE_DIR) + "/data/cards/categories.json");
    EXPECT_TRUE(v.ok()) << v.status();
    return *v;
  }();
  return *Categories::InForce(versions, absl::CivilDay(2026, 12, 2));
}

Purchase Shop(int64_t pence, std::string mcc = "5411") {
  return Purchase{.amount_pence = pence, .mcc = std::move(mcc), .country = "GB"};
}

Situation Funded(int64_t available_pence) {
  Situation s;
  s.available_pence = available_pence;
  s.authority_blocked = {"7995", "5813"};
  return s;
}

Situation Standing(std::vector<std::string> authority_blocked) {
  Situation s;
  s.authority_blocked = std::move(authority_blocked);
  return s;
}

TEST(Decide, ApprovesAPurchaseTheCardCanPayFor) {
  const Verdict v = Decide(Shop(25'00), Funded(100'00), Data());
  EXPECT_EQ(v.outcome, Outcome::kApproved);
  EXPECT_EQ(v.approved_pence, 25'00);
  EXPECT_EQ(v.reason, Reason::kNone);
}

TEST(Decide, DeclinesForEachReasonWithASentenceForThePerson) {
  struct Case {
    Purchase purchase;
    Situation situation;
    Reason reason;
    std::string message;
  };
  Situation frozen = Funded(100'00), cancelled = Funded(100'00), suspended = Funded(100'00),
            ended = Funded(100'00), online_only = Funded(100'00), abroad = Funded(100'00);
  frozen.card = CardStatus::kFrozen;
  cancelled.card = CardStatus::kCancelled;
  suspended.agreement = AgreementState::kSuspended;
  ended.agreement = AgreementState::kEnded;
  online_only.controls.channels = {Channel::kOnline};
  abroad.controls.countries = {"GB", "IE"};
  Purchase cashback = Shop(10'00);
  cashback.cashback_pence = 20'00;
  Purchase atm = Shop(20'00, "6011");
  atm.channel = Channel::kAtm;
  Purchase french = Shop(10'00);
  french.country = "FR";
  const Case cases[] = {
      {Shop(10'00), frozen, Reason::kCardFrozen,
       "This card is frozen. Ask your council or support organisation to unfreeze it."},
      {Shop(10'00), cancelled, Reason::kCardCancelled, "This card has been cancelled."},
      {Shop(10'00), suspended, Reason::kAgreementSuspended,
       "Payments with this card are paused while your direct payment is suspended."},
      {Shop(10'00), ended, Reason::kAgreementEnded,
       "This card can't be used: your direct payment is not active."},
      {cashback, Funded(100'00), Reason::kCashbackNotAllowed, "Cashback isn't available on this card."},
      {Shop(10'00), online_only, Reason::kChannelNotAllowed, "This card can't be used in shops."},
      {french, Funded(100'00), Reason::kCountryNotAllowed,
       "This card can only be used with businesses in the UK."},
      {french, abroad, Reason::kCountryNotAllowed,
       "This card can't be used with businesses in that country."},
      {atm, Funded(100'00), Reason::kChannelNotAllowed, "This card can't be used at cash machines."},
      {Shop(20'00, "6010"), Funded(100'00), Reason::kCashNotAllowed,
       "This card can't be used to take out cash."},
      {Shop(10'00, "7995"), Funded(100'00), Reason::kBlockedCategory,
       "This card can't be used for betting, lotteries or gambling."},
      {Shop(10'00, "5813"), Funded(100'00), Reason::kBlockedCategory,
       "This card can't be used in bars or off-licences."},
      {Shop(150'00), Funded(100'00), Reason::kInsufficientFunds,
       "There isn't enough money on this card for this payment."},
  };
  for (const Case& c : cases) {
    const Verdict v = Decide(c.purchase, c.situation, Data());
    EXPECT_EQ(v.outcome, Outcome::kDeclined) << c.message;
    EXPECT_EQ(v.approved_pence, 0) << c.message;
    EXPECT_EQ(ReasonName(v.reason), ReasonName(c.reason)) << c.message;
    EXPECT_EQ(v.message, c.message);
  }
}

TEST(Decide, AnUnknownCategoryBlockedByTheAuthoritySaysItsCode) {
  Situation s = Funded(100'00);
  s.authority_blocked.push_back("7298");
  EXPECT_EQ(Decide(Shop(10'00, "7298"), s, Data()).message,
            "This card can't be used with this kind of business (category 7298).");
}

TEST(Decide, ACardMayBeAllowedWhatTheAuthorityBlocksAndBlockAGroupByName) {
  Situation s = Funded(100'00);
  s.controls.allowed_categories = {"5813"};
  s.controls.blocked_categories = {"restaurants"};
  EXPECT_EQ(Decide(Shop(10'00, "5813"), s, Data()).outcome, Outcome::kApproved);
  const Verdict v = Decide(Shop(10'00, "5812"), s, Data());
  EXPECT_EQ(v.reason, Reason::kBlockedCategory);
  EXPECT_EQ(v.message, "This card can't be used in restaurants or cafes.");
}

TEST(Decide, CashOnlyWhereAllowedAndWithinTheDailyCashLimit) {
  Situation s = Funded(1000'00);
  s.controls.cash_allowed = true;
  s.controls.cash_daily_limit_pence = 250'00;
  Purchase atm = Shop(100'00, "6011");
  atm.channel = Channel::kAtm;
  EXPECT_EQ(Decide(atm, s, Data()).outcome, Outcome::kApproved);
  s.usage.cash_today_pence = 200'00;
  const Verdict v = Decide(atm, s, Data());
  EXPECT_EQ(v.reason, Reason::kOverLimit);
  EXPECT_EQ(v.limit, "cash day");
  EXPECT_EQ(v.message, "This is more cash than the card allows in a day (£250.00).");
}

TEST(Decide, EveryLimitThatAppliesIsEnforcedByAmountAndByCount) {
  Situation s = Funded(1000'00);
  s.controls.limits = {{Interval::kPerTransaction, 100'00, 0},
                       {Interval::kDay, 150'00, 0},
                       {Interval::kWeek, 0, 3}};
  EXPECT_EQ(Decide(Shop(100'00), s, Data()).outcome, Outcome::kApproved);
  Verdict v = Decide(Shop(100'01), s, Data());
  EXPECT_EQ(v.limit, "per_transaction amount");
  EXPECT_EQ(v.message, "This payment is over the card's single-payment spending limit of £100.00.");
  s.usage.amount_pence[static_cast<size_t>(Interval::kDay)] = 60'00;
  v = Decide(Shop(90'01), s, Data());
  EXPECT_EQ(v.limit, "day amount");
  EXPECT_EQ(v.message, "This payment is over the card's daily spending limit of £150.00.");
  EXPECT_EQ(Decide(Shop(90'00), s, Data()).outcome, Outcome::kApproved) << "exactly at the limit";
  s.usage.count[static_cast<size_t>(Interval::kWeek)] = 3;
  v = Decide(Shop(1'00), s, Data());
  EXPECT_EQ(v.limit, "week count");
  EXPECT_EQ(v.message, "This card has made as many payments as its weekly limit allows (3).");
}

TEST(Decide, APartialApprovalGivesWhatThereIsWhereTheMerchantAcceptsIt) {
  Purchase p = Shop(50'00);
  p.partial_allowed = true;
  const Verdict v = Decide(p, Funded(30'00), Data());
  EXPECT_EQ(v.outcome, Outcome::kPartiallyApproved);
  EXPECT_EQ(v.approved_pence, 30'00);
  EXPECT_EQ(v.message, "Only £30.00 of this payment could be paid with this card.");
  EXPECT_EQ(Decide(p, Funded(0), Data()).reason, Reason::kInsufficientFunds);
}

TEST(Controls, RoundTripThroughJsonAndRefuseWhatNoCardCouldUse) {
  Controls c;
  c.cash_allowed = true;
  c.limits = {{Interval::kFourWeeks, 500'00, 20}};
  c.channels = {Channel::kInPerson, Channel::kRecurring};
  c.countries = {"GB"};
  c.blocked_categories = {"gambling", "5933"};
  auto back = FromJson(ToJson(c));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(ToJson(*back), ToJson(c));
  EXPECT_TRUE(c.Check(Data(), "controls.").ok());
  c.blocked_categories = {"betting"};
  EXPECT_EQ(FieldOf(c.Check(Data(), "controls.")), "controls.blocked_categories[0]");
  c.blocked_categories = {};
  c.limits = {{Interval::kDay, 0, 0}};
  EXPECT_EQ(FieldOf(c.Check(Data(), "controls.")), "controls.limits[0]");
  c.limits = {};
  c.countries = {"gb"};
  EXPECT_EQ(FieldOf(c.Check(Data(), "controls.")), "controls.countries[0]");
}

TEST(Decide, DeclinesSpendingOnAUseTheAgreementDoesNotPermit) {
  Situation s = Funded(500'00);
  s.permitted_uses = {"pa_employment", "transport"};
  EXPECT_EQ(Decide(Shop(20'00, "4121"), s, Data()).outcome, Outcome::kApproved) << "a taxi: transport";
  EXPECT_EQ(Decide(Shop(20'00), s, Data()).outcome, Outcome::kApproved) << "groceries serve no one use";
  const Verdict hotel = Decide(Shop(120'00, "7011"), s, Data());
  EXPECT_EQ(hotel.outcome, Outcome::kDeclined);
  EXPECT_EQ(hotel.reason, Reason::kBlockedCategory);
  EXPECT_EQ(hotel.message,
            "This card can't pay for short breaks: your direct payment agreement doesn't include it.");
  // An excluded use is declined even when another version permitted it...
  s.permitted_uses.push_back("activities");
  s.excluded_uses = {"activities"};
  EXPECT_EQ(Decide(Shop(8'00, "7997"), s, Data()).reason, Reason::kBlockedCategory);
  // ...and an officer's override for the card, with its reason, allows it.
  s.controls.allowed_categories = {"activities", "7011"};
  EXPECT_EQ(Decide(Shop(8'00, "7997"), s, Data()).outcome, Outcome::kApproved);
  EXPECT_EQ(Decide(Shop(120'00, "7011"), s, Data()).outcome, Outcome::kApproved);
}

TEST(Decide, PreviewAppliesTheAgreementsUses) {
  Situation standing = Standing({});
  standing.permitted_uses = {"equipment"};
  const absl::CivilDay day(2026, 12, 1);
  const auto verdicts =
      WouldDecline({{Shop(30'00, "5976"), day}, {Shop(9'00, "4131"), day}}, Controls{}, standing, Data());
  ASSERT_EQ(verdicts.size(), 2u);
  EXPECT_EQ(verdicts[0].outcome, Outcome::kApproved) << "a wheelchair: equipment";
  EXPECT_EQ(verdicts[1].reason, Reason::kBlockedCategory) << "a bus: transport, not permitted";
}

TEST(Categories, RefusesAUseNoAgreementHas) {
  auto parsed = Categories::Parse(R"({"versions": [{"effective_from": "2026-01-01", "groups": [
      {"name": "x", "mccs": ["1234"], "message": "m", "use": "holidays"}]}]})");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message(), "group x: \"holidays\" is not an agreement use");
}

TEST(Categories, HoldDaysAndOverCaptureComeFromTheData) {
  EXPECT_EQ(Data().HoldDays("5411"), 7);
  EXPECT_EQ(Data().HoldDays("7011"), 31);
  EXPECT_EQ(Data().OverCapturePence("5812", 50'00), 10'00);  // 20% tip
  EXPECT_EQ(Data().OverCapturePence("5542", 1'00), 150'00);  // a pump's token hold
  EXPECT_EQ(Data().OverCapturePence("5411", 50'00), 0);
  EXPECT_FALSE(Categories::Parse(R"({"versions": [{"effective_from": "2020-01-01",
      "groups": [{"name": "x", "mccs": ["79"], "message": "m"}]}]})").ok());
}

TEST(WouldDecline, ShowsWhatProposedControlsWouldHaveDeclined) {
  Controls proposed;
  proposed.blocked_categories = {"restaurants"};
  proposed.channels = {Channel::kInPerson};
  proposed.limits = {{Interval::kDay, 25'00, 0}};
  Purchase online = Shop(10'00);
  online.channel = Channel::kOnline;
  const absl::CivilDay monday(2026, 11, 30), tuesday(2026, 12, 1);
  const auto verdicts = WouldDecline({{Shop(10'00), monday},
                                      {Shop(12'00, "5812"), monday},  // blocked: not counted
                                      {online, monday},
                                      {Shop(15'00), monday},          // 10 + 15 = the limit
                                      {Shop(1'00), monday},           // over the day's 25
                                      {Shop(20'00), tuesday}},        // a new day
                                     proposed, Standing({"7995"}), Data());
  ASSERT_EQ(verdicts.size(), 6u);
  EXPECT_EQ(verdicts[0].outcome, Outcome::kApproved);
  EXPECT_EQ(verdicts[1].reason, Reason::kBlockedCategory);
  EXPECT_EQ(verdicts[2].reason, Reason::kChannelNotAllowed);
  EXPECT_EQ(verdicts[3].outcome, Outcome::kApproved);
  EXPECT_EQ(verdicts[4].limit, "day amount");
  EXPECT_EQ(verdicts[5].outcome, Outcome::kApproved);
}

}  // namespace
}  // namespace dp::cards
