// Holds as cards use them, on a database of their own (no service's sweeper
// runs there, so what happens at expiry is the ledger's own doing): an
// expired hold stops holding at its expiry, the database refuses to post or
// grow it, holds grow (incremental authorisation) and post above their
// amount within the tolerance set when they were made.
#include <chrono>
#include <thread>

#include "base/refusal.h"
#include "db/migrate.h"
#include "ledger_fixture.h"

namespace dp::testing {
namespace {

using ledger::AccountType;

constexpr ledger::AccountFlags kNoNegativeAsset{.credits_must_not_exceed_debits = true};

class LedgerHoldsTest : public LedgerTest {
 protected:
  void SetUp() override {
    conn_ = std::make_unique<pqxx::connection>(FreshDatabase("holds"));
    ASSERT_TRUE(db::ApplyMigrations(*conn_, DP_MIGRATIONS_DIR).ok());
    card_ = NewAccountId("card", AccountType::kAsset, kNoNegativeAsset);
    budget_ = NewAccountId("budget", AccountType::kEquity);
    merchant_ = NewAccountId("merchant", AccountType::kLiability);
    ASSERT_TRUE(Apply(Transfer(UniqueName("fund"), card_, budget_, 100000)).ok());
  }

  // Hold holds `pence` of the card for a merchant.
  absl::StatusOr<ledger::WriteResult> Hold(int64_t pence, int32_t timeout_seconds,
                                           int64_t tolerance_pence = 0) {
    ledger::NewPending p{{UniqueName("hold"), "d"}, merchant_, card_, {pence, "GBP"},
                         timeout_seconds, "card authorisation"};
    p.post_tolerance_pence = tolerance_pence;
    return Apply(p);
  }

  std::string State(int64_t hold_id) {
    return pqxx::nontransaction(*conn_)
        .exec_params1("SELECT state FROM ledger.pending_transfers WHERE id = $1", hold_id)[0]
        .as<std::string>();
  }

  int64_t card_ = 0, budget_ = 0, merchant_ = 0;
};

TEST_F(LedgerHoldsTest, AnExpiredHoldStopsHoldingAtItsExpiryBeforeAnySweep) {
  auto hold = Hold(60000, 1);
  ASSERT_TRUE(hold.ok()) << hold.status();
  EXPECT_EQ(BalanceOf(card_).available_balance_pence, 40000);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  ASSERT_EQ(State(hold->id), "pending") << "nothing has swept it";
  EXPECT_EQ(BalanceOf(card_).available_balance_pence, 100000);
  // A payment the expired hold would have blocked goes through, and the
  // write releases the hold as it goes.
  auto pay = Apply(Transfer(UniqueName("pay"), budget_, card_, 90000));
  ASSERT_TRUE(pay.ok()) << pay.status();
  EXPECT_EQ(State(hold->id), "expired");
  EXPECT_EQ(BalanceOf(card_).available_balance_pence, 10000);
  EXPECT_EQ(BalanceOf(card_).totals.credits_pending, 0);
}

TEST_F(LedgerHoldsTest, AnExpiredHoldCannotBePostedOrGrownEvenBySql) {
  auto hold = Hold(5000, 1);
  ASSERT_TRUE(hold.ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  // The database refuses any writer (before the ledger's own writes below
  // release the hold as expired).
  ASSERT_EQ(State(hold->id), "pending");
  try {
    pqxx::work tx(*conn_);
    tx.exec_params("INSERT INTO ledger.pending_increases (pending_transfer_id, request_id,"
                   " amount_pence) VALUES ($1, 'sql', 100)",
                   hold->id);
    tx.commit();
    ADD_FAILURE() << "an expired hold grew";
  } catch (const pqxx::sql_error& e) {
    EXPECT_EQ(e.sqlstate(), "23514");
    EXPECT_NE(std::string(e.what()).find("expired"), std::string::npos) << e.what();
  }
  try {
    pqxx::work tx(*conn_);
    tx.exec_params("UPDATE ledger.pending_transfers SET state = 'posted', resolved_at = now(),"
                   " posted_amount_pence = 5000, posting_transaction_id = 1 WHERE id = $1",
                   hold->id);
    tx.commit();
    ADD_FAILURE() << "an expired hold was posted";
  } catch (const pqxx::sql_error& e) {
    EXPECT_EQ(e.sqlstate(), "23514");
  }
  // The ledger refuses with the reason a client reads.
  auto post = Apply(ledger::PostPending{{UniqueName("p"), "d"}, hold->id, std::nullopt, ""});
  EXPECT_EQ(ReasonOf(post.status()), "HOLD_EXPIRED");
  auto grow = Apply(ledger::IncreasePending{{UniqueName("g"), "d"}, hold->id, {100, "GBP"}});
  EXPECT_EQ(ReasonOf(grow.status()), "HOLD_EXPIRED");
  EXPECT_EQ(State(hold->id), "expired");
}

TEST_F(LedgerHoldsTest, AHoldGrowsWithinTheFundsAndOnlyThroughAnIncrease) {
  auto hold = Hold(30000, 3600);
  ASSERT_TRUE(hold.ok());
  auto grow = Apply(ledger::IncreasePending{{UniqueName("g1"), "d"}, hold->id, {20000, "GBP"}});
  ASSERT_TRUE(grow.ok()) << grow.status();
  EXPECT_EQ(BalanceOf(card_).available_balance_pence, 50000);
  EXPECT_EQ(BalanceOf(merchant_).totals.debits_pending, 50000);
  auto too_much = Apply(ledger::IncreasePending{{UniqueName("g2"), "d"}, hold->id, {50001, "GBP"}});
  EXPECT_EQ(ReasonOf(too_much.status()), "INSUFFICIENT_FUNDS");
  EXPECT_EQ(Count("SELECT count(*) FROM ledger.pending_increases WHERE pending_transfer_id = " +
                  std::to_string(hold->id)),
            1);
  try {
    pqxx::work tx(*conn_);
    tx.exec_params("UPDATE ledger.pending_transfers SET amount_pence = 1 WHERE id = $1", hold->id);
    tx.commit();
    ADD_FAILURE() << "a hold's amount was edited";
  } catch (const pqxx::sql_error& e) {
    EXPECT_EQ(e.sqlstate(), "23000");
  }
  auto post = Apply(ledger::PostPending{{UniqueName("p"), "d"}, hold->id, std::nullopt, ""});
  ASSERT_TRUE(post.ok()) << post.status();
  EXPECT_EQ(BalanceOf(card_).posted_balance_pence, 50000);
  EXPECT_EQ(BalanceOf(card_).totals.credits_pending, 0);
}

TEST_F(LedgerHoldsTest, AHoldPostsAboveItsAmountOnlyWithinItsToleranceAndTheFunds) {
  auto tip = Hold(10000, 3600, /*tolerance_pence=*/2000);
  ASSERT_TRUE(tip.ok());
  auto over = Apply(ledger::PostPending{{UniqueName("p1"), "d"}, tip->id, Money{12001, "GBP"}, ""});
  EXPECT_EQ(ReasonOf(over.status()), "OVER_LIMIT");
  EXPECT_EQ(FieldOf(over.status()), "amount.amount_pence");
  auto within = Apply(ledger::PostPending{{UniqueName("p2"), "d"}, tip->id, Money{12000, "GBP"}, ""});
  ASSERT_TRUE(within.ok()) << within.status();
  EXPECT_EQ(BalanceOf(card_).posted_balance_pence, 88000);
  // Fuel: a hold for what is left, with room above it that the account
  // does not have. The no-negative rule still holds.
  auto fuel = Hold(88000, 3600, /*tolerance_pence=*/5000);
  ASSERT_TRUE(fuel.ok());
  auto overdraw = Apply(ledger::PostPending{{UniqueName("p3"), "d"}, fuel->id, Money{88001, "GBP"}, ""});
  EXPECT_EQ(ReasonOf(overdraw.status()), "INSUFFICIENT_FUNDS");
  EXPECT_EQ(State(fuel->id), "pending");
  EXPECT_EQ(BalanceOf(card_).available_balance_pence, 0);
  // And the database refuses a post above the tolerance from any writer.
  EXPECT_EQ(Count("SELECT count(*) FROM pg_constraint WHERE conname ="
                  " 'pending_transfers_posted_within_tolerance'"),
            1);
}

}  // namespace
}  // namespace dp::testing
