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
    url_ = FreshDatabase("holds");
    conn_ = std::make_unique<pqxx::connection>(url_);
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

  std::string url_;
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
  EXPECT_EQ(SqlStateOf(*conn_,
                       "UPDATE ledger.pending_transfers SET state = 'posted', resolved_at = now(),"
                       " posted_amount_pence = 5000, posting_transaction_id = 1 WHERE id = " +
                           std::to_string(hold->id)),
            "23514")
      << "an expired hold was posted";
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
  EXPECT_EQ(SqlStateOf(*conn_, "UPDATE ledger.pending_transfers SET amount_pence = 1 WHERE id = " +
                                   std::to_string(hold->id)),
            "23000")
      << "a hold's amount was edited";
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

int64_t NowUs(pqxx::connection& conn) {
  return ScalarInt(conn, "SELECT (extract(epoch from clock_timestamp()) * 1000000)::bigint");
}

// A write stamped before an instant can commit after a reader asked about
// that instant. As-of answers wait for the settled horizon instead of
// answering too early and changing later.
TEST_F(LedgerHoldsTest, AnAsOfBalanceIsFinalOrNotGivenYet) {
  const int64_t before_us = NowUs(*conn_);
  const int64_t start_balance = BalanceOf(card_).posted_balance_pence;
  pqxx::connection late(url_);
  pqxx::work slow(late);  // starts now: its postings are stamped with this start
  slow.exec("SELECT 1");
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  const int64_t instant_us = NowUs(*conn_);
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  auto posted = ledger::ApplyWrites(slow, {Transfer(UniqueName("late"), card_, budget_, 500)});
  ASSERT_TRUE(posted.front().ok());
  {
    pqxx::read_transaction tx(*conn_);
    // Before the slow writer started: settled, and it never changes.
    EXPECT_EQ(ledger::GetBalance(tx, card_, before_us)->posted_balance_pence, start_balance);
    // After it started: not final while it is open.
    auto early = ledger::GetBalance(tx, card_, instant_us);
    EXPECT_EQ(ReasonOf(early.status()), "NOT_SETTLED") << early.status();
  }
  slow.commit();
  const auto settled = SettledBalanceOf(card_, instant_us);
  ASSERT_TRUE(settled.ok()) << settled.status();
  EXPECT_EQ(settled->posted_balance_pence, start_balance + 500);
}

// A statement ends at the settled horizon and pages by (posted_at, id): a
// posting stamped earlier but committed later is neither skipped nor
// listed out of order; one committed after it is held back until then.
TEST_F(LedgerHoldsTest, AStatementPageNeverSkipsAPostingThatCommitsLate) {
  ASSERT_TRUE(Apply(Transfer(UniqueName("early"), card_, budget_, 200)).ok());
  pqxx::connection late(url_);
  pqxx::work slow(late);
  slow.exec("SELECT 1");  // its postings are stamped from here
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_TRUE(Apply(Transfer(UniqueName("quick"), card_, budget_, 700)).ok());  // commits first
  auto page = [&](const std::string& token) {
    pqxx::read_transaction tx(*conn_);
    auto st = ledger::GetStatement(tx, {card_, std::nullopt, std::nullopt, 1, token});
    EXPECT_TRUE(st.ok()) << st.status();
    return st.ok() ? *st : ledger::Statement{};
  };
  auto rest = [&](std::string token, std::vector<int64_t>* seen) {
    for (int i = 0; i < 20 && !token.empty(); ++i) {  // bounded
      const ledger::Statement st = page(token);
      for (const auto& line : st.lines) seen->push_back(line.amount_pence);
      token = st.next_page_token;
    }
  };
  // While the slow writer is open: the settled part only, and a token.
  const ledger::Statement first = page("");
  ASSERT_EQ(first.lines.size(), 1u);
  EXPECT_EQ(first.lines[0].amount_pence, 100000);
  ASSERT_FALSE(first.next_page_token.empty());
  std::vector<int64_t> while_open;
  rest(first.next_page_token, &while_open);
  EXPECT_EQ(while_open, (std::vector<int64_t>{200})) << "the 7.00 waits for the horizon";
  // The slow writer posts and commits; the listing resumed from the first
  // page's token has everything, once, in the order stamped.
  ASSERT_TRUE(
      ledger::ApplyWrites(slow, {Transfer(UniqueName("slow"), card_, budget_, 300)}).front().ok());
  slow.commit();
  std::vector<int64_t> after;
  for (int i = 0; i < 100; ++i) {  // until the horizon passes the 7.00 (bounded)
    after.clear();
    rest(first.next_page_token, &after);
    if (after.size() == 3) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(after, (std::vector<int64_t>{200, 300, 700}));
}

}  // namespace
}  // namespace dp::testing
