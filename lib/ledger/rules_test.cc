#include "ledger/rules.h"

#include "gtest/gtest.h"

namespace dp::ledger {
namespace {

NewTransaction Balanced() {
  NewTransaction t;
  t.idem = {"req-1", "digest"};
  t.kind = "manual_journal";
  t.description = "Opening budget";
  t.postings = {{1, Side::kDebit, {1000, "GBP"}}, {2, Side::kCredit, {1000, "GBP"}}};
  return t;
}

void ExpectInvalid(const absl::Status& s, const std::string& field) {
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_NE(std::string(s.message()).find(field), std::string::npos)
      << "message should name " << field << ": " << s.message();
}

TEST(ValidateNewTransaction, AcceptsBalancedPostings) {
  EXPECT_TRUE(ValidateNewTransaction(Balanced()).ok());
}

TEST(ValidateNewTransaction, AcceptsMultiLegMultiCurrencyWhenEachBalances) {
  NewTransaction t = Balanced();
  t.postings = {{1, Side::kDebit, {700, "GBP"}},  {2, Side::kCredit, {500, "GBP"}},
                {3, Side::kCredit, {200, "GBP"}}, {4, Side::kDebit, {90, "EUR"}},
                {5, Side::kCredit, {90, "EUR"}}};
  EXPECT_TRUE(ValidateNewTransaction(t).ok());
}

TEST(ValidateNewTransaction, RefusesUnbalancedAndNamesTheCurrency) {
  NewTransaction t = Balanced();
  t.postings[1].amount.amount_pence = 999;
  const absl::Status s = ValidateNewTransaction(t);
  ExpectInvalid(s, "postings");
  EXPECT_NE(std::string(s.message()).find("GBP"), std::string::npos);
  EXPECT_NE(std::string(s.message()).find("0.01"), std::string::npos);
}

TEST(ValidateNewTransaction, RefusesBalancedTotalAcrossCurrenciesThatDoNotEachBalance) {
  NewTransaction t = Balanced();
  t.postings[1].amount.currency = "EUR";
  ExpectInvalid(ValidateNewTransaction(t), "postings");
}

TEST(ValidateNewTransaction, RefusesZeroNegativeAndHugeAmounts) {
  for (int64_t bad : {int64_t{0}, int64_t{-5}, kMaxAmountPence + 1}) {
    NewTransaction t = Balanced();
    t.postings[0].amount.amount_pence = bad;
    ExpectInvalid(ValidateNewTransaction(t), "postings[0].amount.amount_pence");
  }
}

TEST(ValidateNewTransaction, RefusesMalformedFields) {
  NewTransaction t = Balanced();
  t.postings.pop_back();
  ExpectInvalid(ValidateNewTransaction(t), "postings");

  t = Balanced();
  t.postings[1].account_id = 0;
  ExpectInvalid(ValidateNewTransaction(t), "postings[1].account_id");

  t = Balanced();
  t.postings[0].amount.currency = "gbp";
  ExpectInvalid(ValidateNewTransaction(t), "postings[0].amount.currency");

  t = Balanced();
  t.kind = "Manual Journal";
  ExpectInvalid(ValidateNewTransaction(t), "kind");

  t = Balanced();
  t.description = "";
  ExpectInvalid(ValidateNewTransaction(t), "description");

  t = Balanced();
  t.idem.request_id = "";
  ExpectInvalid(ValidateNewTransaction(t), "request_id");

  t = Balanced();
  t.idem.request_id = "has space";
  ExpectInvalid(ValidateNewTransaction(t), "request_id");
}

// Values without bounds were once accepted and written.
TEST(ValidateNewTransaction, RefusesUnknownKindsAndTheSameAccountOnBothSides) {
  NewTransaction t = Balanced();
  t.kind = "pay_runx";
  ExpectInvalid(ValidateNewTransaction(t), "kind");
  EXPECT_TRUE(IsKnownKind("pay_run"));
  EXPECT_FALSE(IsClientKind("pay_run")) << "a pay run is posted only by payroll";
  EXPECT_TRUE(IsClientKind("manual_journal"));
  t = Balanced();
  t.postings = {{1, Side::kDebit, {1000, "GBP"}}, {1, Side::kCredit, {1000, "GBP"}}};
  ExpectInvalid(ValidateNewTransaction(t), "postings[1].account_id");
  t.postings = {{1, Side::kDebit, {1000, "XYZ"}}, {2, Side::kCredit, {1000, "XYZ"}}};
  ExpectInvalid(ValidateNewTransaction(t), "currency");
}

TEST(ValidateNewAccount, OwnersAndCurrenciesFromClosedLists) {
  NewAccount a;
  a.idem = {"req-a", "d"};
  a.code = "A:1";
  a.name = "a";
  a.currency = "GBP";
  a.owner_type = "wizard";
  a.owner_id = "7";
  ExpectInvalid(ValidateNewAccount(a), "owner_type");
  a.owner_type = "agreement";
  a.owner_id = "";
  ExpectInvalid(ValidateNewAccount(a), "owner_id");
  a.owner_id = "7";
  EXPECT_TRUE(ValidateNewAccount(a).ok());
  a.currency = "XYZ";
  ExpectInvalid(ValidateNewAccount(a), "currency");
}

TEST(ValidateNewAccount, NamesTheBadField) {
  NewAccount a{{"r", "d"}, "AUTH:FUNDING", "Funding", AccountType::kAsset, "GBP", "", "", {}};
  EXPECT_TRUE(ValidateNewAccount(a).ok());
  NewAccount bad = a;
  bad.code = ":starts-with-colon";
  ExpectInvalid(ValidateNewAccount(bad), "code");
  bad = a;
  bad.currency = "POUNDS";
  ExpectInvalid(ValidateNewAccount(bad), "currency");
  bad = a;
  bad.flags = {true, true};
  ExpectInvalid(ValidateNewAccount(bad), "debits_must_not_exceed_credits");
}

TEST(ValidateNewPending, ChecksAccountsAmountAndTimeout) {
  NewPending p{{"r", "d"}, 1, 2, {500, "GBP"}, 60, "card hold"};
  EXPECT_TRUE(ValidateNewPending(p).ok());
  NewPending bad = p;
  bad.credit_account_id = 1;
  ExpectInvalid(ValidateNewPending(bad), "credit_account_id");
  bad = p;
  bad.timeout_seconds = 0;
  ExpectInvalid(ValidateNewPending(bad), "timeout_seconds");
  bad = p;
  bad.amount.amount_pence = 0;
  ExpectInvalid(ValidateNewPending(bad), "amount.amount_pence");
}

TEST(Balances, NormalDirectionFollowsAccountType) {
  BalanceTotals t{.debits_posted = 1000, .credits_posted = 300, .debits_pending = 50,
                  .credits_pending = 100};
  EXPECT_EQ(PostedBalance(AccountType::kAsset, t), 700);
  EXPECT_EQ(AvailableBalance(AccountType::kAsset, t), 600);  // less credits held
  EXPECT_EQ(PostedBalance(AccountType::kLiability, t), -700);
  EXPECT_EQ(AvailableBalance(AccountType::kLiability, t), -750);  // less debits held
}

TEST(ApplyToTotals, RefusesOverdraftAndLeavesTotalsUntouched) {
  const AccountFlags guarded{.debits_must_not_exceed_credits = true};
  BalanceTotals t{.credits_posted = 1000};
  EXPECT_TRUE(ApplyToTotals(t, guarded, BalanceChange::kPost, Side::kDebit, 600).ok());
  const BalanceTotals before = t;
  const absl::Status s = ApplyToTotals(t, guarded, BalanceChange::kHold, Side::kDebit, 401);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(std::string(s.message()).find("available 4.00"), std::string::npos) << s;
  EXPECT_EQ(t.debits_pending, before.debits_pending);
  EXPECT_TRUE(ApplyToTotals(t, guarded, BalanceChange::kHold, Side::kDebit, 400).ok());
  EXPECT_FALSE(SatisfiesFlags({.debits_posted = 601, .credits_posted = 600}, guarded));
}

TEST(ApplyToTotals, ReleaseAlwaysFitsAndCreditsNeverHurtAGuardedLiability) {
  const AccountFlags guarded{.debits_must_not_exceed_credits = true};
  BalanceTotals t{.credits_posted = 100, .debits_pending = 100};
  EXPECT_TRUE(ApplyToTotals(t, guarded, BalanceChange::kRelease, Side::kDebit, 100).ok());
  EXPECT_EQ(t.debits_pending, 0);
  EXPECT_TRUE(ApplyToTotals(t, guarded, BalanceChange::kPost, Side::kCredit, 5).ok());
  const AccountFlags asset_guard{.credits_must_not_exceed_debits = true};
  BalanceTotals card{.debits_posted = 100};
  EXPECT_EQ(ApplyToTotals(card, asset_guard, BalanceChange::kPost, Side::kCredit, 101).code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace dp::ledger
