// The ledger library against a real PostgreSQL: rules, idempotency, holds,
// history, and the database's own enforcement of the invariants.
#include <thread>

#include "base/strings.h"
#include "db/migrate.h"
#include "db/sql.h"
#include "ledger_fixture.h"

namespace dp::testing {
namespace {

using ledger::AccountType;
using ledger::Side;

const ledger::AccountFlags kNoNegativeAsset{.credits_must_not_exceed_debits = true};

class LedgerDbTest : public LedgerTest {
 protected:
  void SetUp() override {
    LedgerTest::SetUp();
    funding_ = NewAccountId("funding", AccountType::kAsset, kNoNegativeAsset);
    budget_ = NewAccountId("budget", AccountType::kEquity);
    holding_ = NewAccountId("holding", AccountType::kAsset, kNoNegativeAsset);
    ASSERT_TRUE(Apply(Transfer(UniqueName("seed"), funding_, budget_, 100000)).ok());
  }

  // Rows touching this test's accounts only: other tests run in parallel.
  std::string MyAccounts() {
    return std::to_string(funding_) + "," + std::to_string(budget_) + "," +
           std::to_string(holding_);
  }
  int64_t TxnRows() {
    return Count("SELECT count(DISTINCT transaction_id) FROM ledger.postings WHERE account_id IN (" +
                 MyAccounts() + ")");
  }
  int64_t PostingRows() {
    return Count("SELECT count(*) FROM ledger.postings WHERE account_id IN (" + MyAccounts() + ")");
  }

  int64_t funding_ = 0, budget_ = 0, holding_ = 0;
};

TEST_F(LedgerDbTest, BalancedTransferMovesBothBalances) {
  auto r = Apply(Transfer(UniqueName("t"), holding_, funding_, 2500));
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_TRUE(r->transaction.has_value());
  EXPECT_EQ(r->transaction->postings.size(), 2u);
  EXPECT_EQ(BalanceOf(holding_).posted_balance_pence, 2500);
  EXPECT_EQ(BalanceOf(funding_).posted_balance_pence, 97500);
  pqxx::read_transaction tx(*conn_);
  auto stored = ledger::GetTransaction(tx, r->id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->postings[0].account_id, holding_);
  EXPECT_EQ(stored->postings[0].side, Side::kDebit);
  EXPECT_EQ(stored->postings[1].amount.amount_pence, 2500);
}

TEST_F(LedgerDbTest, EachBadRequestGetsAPreciseErrorAndWritesNothing) {
  const int64_t eur = NewAccountId("eur", AccountType::kAsset, {}, "EUR");
  struct Case {
    std::string name;
    ledger::NewTransaction txn;
    absl::StatusCode code;
    std::string mentions;
  };
  std::vector<Case> cases;
  auto unbalanced = Transfer(UniqueName("u"), holding_, funding_, 100);
  unbalanced.postings[1].amount.amount_pence = 90;
  cases.push_back({"unbalanced", unbalanced, absl::StatusCode::kInvalidArgument, "balance"});
  auto one_leg = Transfer(UniqueName("o"), holding_, funding_, 100);
  one_leg.postings.pop_back();
  cases.push_back({"one posting", one_leg, absl::StatusCode::kInvalidArgument, "postings"});
  cases.push_back({"zero", Transfer(UniqueName("z"), holding_, funding_, 0),
                   absl::StatusCode::kInvalidArgument, "amount_pence"});
  cases.push_back({"negative", Transfer(UniqueName("n"), holding_, funding_, -100),
                   absl::StatusCode::kInvalidArgument, "amount_pence"});
  cases.push_back({"unknown account", Transfer(UniqueName("x"), 999999999, funding_, 100),
                   absl::StatusCode::kNotFound, "999999999"});
  cases.push_back({"currency mismatch", Transfer(UniqueName("c"), eur, funding_, 100),
                   absl::StatusCode::kInvalidArgument, "holds EUR"});
  cases.push_back({"overdraft", Transfer(UniqueName("d"), budget_, funding_, 100001),
                   absl::StatusCode::kFailedPrecondition, "insufficient funds"});
  const int64_t txns_before = TxnRows();
  const int64_t postings_before = PostingRows();
  std::string request_ids;
  for (const Case& c : cases) {
    request_ids += (request_ids.empty() ? "'" : ",'") + c.txn.idem.request_id + "'";
  }
  for (const Case& c : cases) {
    auto r = Apply(c.txn);
    ASSERT_FALSE(r.ok()) << c.name;
    EXPECT_EQ(r.status().code(), c.code) << c.name << ": " << r.status();
    EXPECT_NE(std::string(r.status().message()).find(c.mentions), std::string::npos)
        << c.name << ": " << r.status();
  }
  EXPECT_EQ(TxnRows(), txns_before);
  EXPECT_EQ(PostingRows(), postings_before);
  EXPECT_EQ(Count("SELECT count(*) FROM ledger.requests WHERE request_id IN (" + request_ids + ")"),
            0);
  EXPECT_EQ(BalanceOf(funding_).posted_balance_pence, 100000);
}

TEST_F(LedgerDbTest, RetryReturnsTheFirstResultAndReuseWithOtherContentIsRefused) {
  const std::string id = UniqueName("retry");
  auto first = Apply(Transfer(id, holding_, funding_, 700));
  ASSERT_TRUE(first.ok());
  auto again = Apply(Transfer(id, holding_, funding_, 700));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->id, first->id);
  EXPECT_TRUE(again->replayed);
  auto other = Apply(Transfer(id, holding_, funding_, 701));
  EXPECT_EQ(other.status().code(), absl::StatusCode::kAlreadyExists) << other.status();
  EXPECT_EQ(Count("SELECT count(*) FROM ledger.transactions WHERE request_id = '" + id + "'"), 1);
  EXPECT_EQ(BalanceOf(holding_).posted_balance_pence, 700);
}

TEST_F(LedgerDbTest, ABatchCommitsItsGoodOpsAndRefusesItsBadOnesAlone) {
  const std::string dup = UniqueName("dup");
  std::vector<ledger::WriteOp> ops = {
      Transfer(UniqueName("b1"), holding_, funding_, 60000),
      Transfer(UniqueName("b2"), holding_, funding_, 60000),  // overdraws funding now
      Transfer(dup, budget_, holding_, 100),
      Transfer(dup, budget_, holding_, 100),  // same request twice in one batch
      Transfer(UniqueName("b4"), holding_, funding_, 40000),
  };
  pqxx::work tx(*conn_);
  auto results = ledger::ApplyWrites(tx, ops);
  tx.commit();
  ASSERT_EQ(results.size(), 5u);
  EXPECT_TRUE(results[0].ok());
  EXPECT_EQ(results[1].status().code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(results[2].ok() && results[3].ok());
  EXPECT_EQ(results[2]->id, results[3]->id);
  EXPECT_TRUE(results[3]->replayed);
  EXPECT_TRUE(results[4].ok()) << results[4].status();
  EXPECT_EQ(BalanceOf(funding_).posted_balance_pence, 0);
  EXPECT_EQ(BalanceOf(holding_).posted_balance_pence, 100000 - 100);
}

TEST_F(LedgerDbTest, ReversalMirrorsOnceAndOnlyOnce) {
  auto t = Apply(Transfer(UniqueName("r"), holding_, funding_, 1234));
  ASSERT_TRUE(t.ok());
  ledger::ReverseTransaction rev{{UniqueName("rev"), "d1"}, t->id, "keyed twice", "officer"};
  auto r = Apply(rev);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->transaction->reverses_transaction_id, t->id);
  EXPECT_EQ(r->transaction->postings[0].side, Side::kCredit);
  EXPECT_EQ(BalanceOf(holding_).posted_balance_pence, 0);
  EXPECT_EQ(BalanceOf(funding_).posted_balance_pence, 100000);
  ledger::ReverseTransaction again{{UniqueName("rev2"), "d2"}, t->id, "again", "officer"};
  auto second = Apply(again);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(std::string(second.status().message()).find("already reversed"), std::string::npos);
  ledger::ReverseTransaction missing{{UniqueName("rev3"), "d3"}, 987654321, "x", ""};
  EXPECT_EQ(Apply(missing).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(LedgerDbTest, HoldReducesAvailableThenPostsForLessAndReleasesTheRest) {
  ledger::NewPending hold{{UniqueName("h"), "dh"}, holding_, funding_, {30000, "GBP"}, 3600,
                          "card authorisation"};
  auto created = Apply(hold);
  ASSERT_TRUE(created.ok()) << created.status();
  auto funding = BalanceOf(funding_);
  EXPECT_EQ(funding.posted_balance_pence, 100000);
  EXPECT_EQ(funding.available_balance_pence, 70000);
  // The held money cannot be spent twice.
  auto overspend = Apply(Transfer(UniqueName("o"), holding_, funding_, 70001));
  EXPECT_EQ(overspend.status().code(), absl::StatusCode::kFailedPrecondition);

  ledger::PostPending post{{UniqueName("p"), "dp"}, created->id, Money{25000, "GBP"}, "card"};
  auto posted = Apply(post);
  ASSERT_TRUE(posted.ok()) << posted.status();
  funding = BalanceOf(funding_);
  EXPECT_EQ(funding.posted_balance_pence, 75000);
  EXPECT_EQ(funding.available_balance_pence, 75000);
  EXPECT_EQ(funding.totals.credits_pending, 0);
  pqxx::read_transaction tx(*conn_);
  auto p = ledger::GetPendingTransfer(tx, created->id);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->state, ledger::PendingState::kPosted);
  EXPECT_EQ(p->posted_amount_pence, 25000);
  tx.abort();

  ledger::VoidPending late_void{{UniqueName("v"), "dv"}, created->id, "too late"};
  EXPECT_EQ(Apply(late_void).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(LedgerDbTest, PostingMoreThanHeldIsRefused) {
  auto created = Apply(ledger::NewPending{{UniqueName("h"), "d"}, holding_, funding_,
                                          {100, "GBP"}, 60, "hold"});
  ASSERT_TRUE(created.ok());
  auto r = Apply(ledger::PostPending{{UniqueName("p"), "d"}, created->id, Money{101, "GBP"}, ""});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(BalanceOf(funding_).available_balance_pence, 99900);
}

TEST_F(LedgerDbTest, VoidAndExpiryReleaseHolds) {
  auto a = Apply(ledger::NewPending{{UniqueName("a"), "d"}, holding_, funding_, {40000, "GBP"},
                                    3600, "hold a"});
  auto b = Apply(ledger::NewPending{{UniqueName("b"), "d"}, holding_, funding_, {50000, "GBP"},
                                    1, "hold b"});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(BalanceOf(funding_).available_balance_pence, 10000);
  auto overdraw = Apply(ledger::NewPending{{UniqueName("c"), "d"}, holding_, funding_,
                                           {10001, "GBP"}, 60, "too much"});
  EXPECT_EQ(overdraw.status().code(), absl::StatusCode::kFailedPrecondition);

  ASSERT_TRUE(Apply(ledger::VoidPending{{UniqueName("v"), "d"}, a->id, "cancelled"}).ok());
  EXPECT_EQ(BalanceOf(funding_).available_balance_pence, 50000);

  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  auto post_expired = Apply(ledger::PostPending{{UniqueName("p"), "d"}, b->id, std::nullopt, ""});
  EXPECT_EQ(post_expired.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(std::string(post_expired.status().message()).find("expired"), std::string::npos);
  int expired = 0;
  for (int i = 0; i < 20 && expired == 0; ++i) {  // other test binaries may sweep it first
    pqxx::work tx(*conn_);
    expired += ledger::ExpireDuePending(tx, 10000);
    tx.commit();
    pqxx::read_transaction rtx(*conn_);
    if (ledger::GetPendingTransfer(rtx, b->id)->state == ledger::PendingState::kExpired) break;
  }
  EXPECT_EQ(BalanceOf(funding_).available_balance_pence, 100000);
  pqxx::read_transaction tx(*conn_);
  EXPECT_EQ(ledger::GetPendingTransfer(tx, b->id)->state, ledger::PendingState::kExpired);
}

TEST_F(LedgerDbTest, BalanceAsOfAPastInstantAndPagedStatementWithRunningBalance) {
  ASSERT_TRUE(Apply(Transfer(UniqueName("s1"), holding_, funding_, 1000)).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const int64_t between_us = ScalarInt(*conn_, "SELECT (extract(epoch from clock_timestamp()) * 1000000)::bigint");
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(Apply(Transfer(UniqueName("s"), holding_, funding_, 100 * (i + 1))).ok());
  }
  const auto past = SettledBalanceOf(holding_, between_us);
  ASSERT_TRUE(past.ok()) << past.status();
  EXPECT_EQ(past->posted_balance_pence, 1000);
  // A statement ends where postings are settled: wait until the last
  // transfer's is (other tests keep transactions open on purpose), or the
  // pages below could stop short of it.
  const int64_t after_us =
      ScalarInt(*conn_, dp::StrCat("SELECT ", db::MicrosOf("clock_timestamp()")));
  const auto now = SettledBalanceOf(holding_, after_us);
  ASSERT_TRUE(now.ok()) << now.status();
  EXPECT_EQ(now->posted_balance_pence, 2000);
  pqxx::read_transaction tx(*conn_);
  EXPECT_EQ(ledger::GetBalance(tx, holding_, std::nullopt)->posted_balance_pence, 2000);

  std::vector<int64_t> running;
  std::string token;
  for (int page = 0; page < 10; ++page) {
    auto s = ledger::GetStatement(tx, {holding_, std::nullopt, std::nullopt, 2, token});
    ASSERT_TRUE(s.ok()) << s.status();
    for (const auto& line : s->lines) running.push_back(line.balance_after_pence);
    token = s->next_page_token;
    if (token.empty()) break;
  }
  EXPECT_EQ(running, (std::vector<int64_t>{1000, 1100, 1300, 1600, 2000}));

  auto from_between = ledger::GetStatement(tx, {holding_, between_us, std::nullopt, 10, ""});
  ASSERT_TRUE(from_between.ok());
  EXPECT_EQ(from_between->opening_balance_pence, 1000);
  EXPECT_EQ(from_between->lines.size(), 4u);
  // A token from one query is refused by another.
  auto first = ledger::GetStatement(tx, {holding_, std::nullopt, std::nullopt, 2, ""});
  auto wrong = ledger::GetStatement(tx, {funding_, std::nullopt, std::nullopt, 2,
                                         first->next_page_token});
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(LedgerDbTest, AccountCreationIsIdempotentAndCodesAreUnique) {
  ledger::NewAccount a;
  a.code = UniqueName("acct");
  a.idem = {UniqueName("create"), "digest-a"};
  a.name = "Agreement holding";
  a.type = AccountType::kAsset;
  a.currency = "GBP";
  pqxx::work tx(*conn_);
  auto first = ledger::CreateAccount(tx, a);
  auto again = ledger::CreateAccount(tx, a);
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_EQ(first->id, again->id);
  ledger::NewAccount other = a;
  other.idem.request_digest = "digest-b";
  EXPECT_EQ(ledger::CreateAccount(tx, other).status().code(), absl::StatusCode::kAlreadyExists);
  ledger::NewAccount same_code = a;
  same_code.idem = {UniqueName("create2"), "digest-c"};
  auto dup = ledger::CreateAccount(tx, same_code);
  EXPECT_EQ(dup.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_NE(std::string(dup.status().message()).find("code"), std::string::npos);
}

// ---- The database enforces the invariants even against hand-written SQL.

TEST_F(LedgerDbTest, DatabaseRefusesAnUnbalancedTransactionAtCommit) {
  const int64_t txns_before = TxnRows();
  {
    pqxx::work tx(*conn_);
    tx.exec("INSERT INTO ledger.transactions (id, request_id, kind, description)"
            " VALUES (nextval('ledger.transaction_id_seq'), 'raw-sql', 'manual_journal', 'raw')");
    tx.exec("INSERT INTO ledger.postings (transaction_id, account_id, currency, amount_pence)"
            " VALUES (currval('ledger.transaction_id_seq'), " + std::to_string(holding_) +
            ", 'GBP', 500), (currval('ledger.transaction_id_seq'), " + std::to_string(funding_) +
            ", 'GBP', -400)");
    EXPECT_THROW(tx.commit(), pqxx::sql_error);
  }
  EXPECT_EQ(TxnRows(), txns_before);
  EXPECT_EQ(BalanceOf(holding_).posted_balance_pence, 0);
}

TEST_F(LedgerDbTest, DatabaseRefusesToRewriteOrDeleteHistory) {
  auto t = Apply(Transfer(UniqueName("h"), holding_, funding_, 100));
  ASSERT_TRUE(t.ok());
  const std::string id = std::to_string(t->id);
  for (const std::string sql :
       {"UPDATE ledger.postings SET amount_pence = 1 WHERE transaction_id = " + id,
        "DELETE FROM ledger.postings WHERE transaction_id = " + id,
        "UPDATE ledger.transactions SET description = 'edited' WHERE id = " + id,
        "DELETE FROM ledger.transactions WHERE id = " + id,
        std::string("TRUNCATE ledger.postings CASCADE"),
        "UPDATE ledger.balances SET debits_posted = 0 WHERE account_id = " +
            std::to_string(holding_),
        "UPDATE ledger.accounts SET currency = 'EUR' WHERE id = " + std::to_string(holding_),
        // A balanced pair added to committed history is still refused.
        "INSERT INTO ledger.postings (transaction_id, account_id, currency, amount_pence) VALUES (" +
            id + ", " + std::to_string(holding_) + ", 'GBP', 5), (" + id + ", " +
            std::to_string(funding_) + ", 'GBP', -5)"}) {
    pqxx::work tx(*conn_);
    EXPECT_THROW(tx.exec(sql), pqxx::sql_error) << sql;
  }
  EXPECT_EQ(BalanceOf(holding_).posted_balance_pence, 100);
}

// The guard on ledger.balances refuses, with SQLSTATE 23000, any change a
// statement makes to a balance row itself, and a deletion at any depth;
// its WHEN lets the ledger's own triggers through without calling it.
TEST_F(LedgerDbTest, DatabaseRefusesBalanceChangesNotMadeByTheLedgersTriggers) {
  const std::string account = std::to_string(holding_);
  for (const std::string sql :
       {"UPDATE ledger.balances SET debits_posted = debits_posted + 1 WHERE account_id = " + account,
        "DELETE FROM ledger.balances WHERE account_id = " + account,
        "INSERT INTO ledger.balances SELECT * FROM ledger.balances WHERE account_id = " + account}) {
    EXPECT_EQ(SqlStateOf(*conn_, sql), "23000") << sql;
  }
  // A hold moves both balances through the triggers, the guard passed by.
  ledger::NewPending hold{{UniqueName("g"), "dg"}, holding_, funding_, {1234, "GBP"}, 3600,
                          "card authorisation"};
  ASSERT_TRUE(Apply(hold).ok());
  EXPECT_EQ(BalanceOf(funding_).available_balance_pence, 100000 - 1234);
  EXPECT_EQ(BalanceOf(holding_).totals.debits_pending, 1234);
}

// Holds inserted together move their accounts' pending totals by their
// sum, once per statement, and the balance constraints judge the sum.
TEST_F(LedgerDbTest, HoldsInsertedTogetherMoveThePendingTotalsByTheirSum) {
  auto insert_two = [&](int64_t first_pence, int64_t second_pence) {
    pqxx::work tx(*conn_);
    std::string sqlstate = "ok";
    try {
      tx.exec_params(
          "INSERT INTO ledger.pending_transfers (id, request_id, debit_account_id,"
          " credit_account_id, currency, amount_pence, description, expires_at)"
          " SELECT nextval('ledger.pending_transfer_id_seq'), $1 || n, $2, $3, 'GBP', a, 'raw',"
          " now() + interval '1 hour' FROM unnest(ARRAY[$4, $5]::bigint[]) WITH ORDINALITY AS x(a, n)",
          UniqueName("raw"), holding_, funding_, first_pence, second_pence);
      tx.commit();
    } catch (const pqxx::sql_error& e) {
      sqlstate = e.sqlstate();
      EXPECT_NE(std::string(e.what()).find("credits_within_debits"), std::string::npos) << e.what();
    }
    return sqlstate;
  };
  EXPECT_EQ(insert_two(1000, 2500), "ok");
  EXPECT_EQ(BalanceOf(funding_).totals.credits_pending, 3500);
  EXPECT_EQ(BalanceOf(holding_).totals.debits_pending, 3500);
  // Each would fit alone (96,500 is left); together they do not.
  EXPECT_EQ(insert_two(60000, 40000), "23514");
  EXPECT_EQ(BalanceOf(funding_).available_balance_pence, 100000 - 3500);
  EXPECT_EQ(BalanceOf(holding_).totals.debits_pending, 3500);
}

// A hold naming an account that does not exist, or one in another
// currency, is refused as a foreign key would refuse it (23503), whatever
// the other holds of its statement.
TEST_F(LedgerDbTest, HoldsNamingNoSuchAccountAreRefused) {
  auto insert = [&](int64_t debit, int64_t credit, const std::string& currency) {
    pqxx::work tx(*conn_);
    try {
      tx.exec_params(
          "INSERT INTO ledger.pending_transfers (id, request_id, debit_account_id,"
          " credit_account_id, currency, amount_pence, description, expires_at)"
          " SELECT nextval('ledger.pending_transfer_id_seq'), $1 || n, d, c, $4, 100, 'raw',"
          " now() + interval '1 hour'"
          " FROM unnest(ARRAY[$2, $2]::bigint[], ARRAY[$3, $3]::bigint[]) WITH ORDINALITY AS x(d, c, n)",
          UniqueName("raw"), debit, credit, currency);
      tx.commit();
    } catch (const pqxx::sql_error& e) {
      return std::string(e.sqlstate());
    }
    return std::string("ok");
  };
  const int64_t missing = holding_ + 1000000;
  EXPECT_EQ(insert(missing, funding_, "GBP"), "23503");
  EXPECT_EQ(insert(holding_, missing, "GBP"), "23503");
  EXPECT_EQ(insert(holding_, funding_, "EUR"), "23503");
  EXPECT_EQ(BalanceOf(funding_).totals.credits_pending, 0) << "nothing held";
  EXPECT_EQ(insert(holding_, funding_, "GBP"), "ok");
  EXPECT_EQ(BalanceOf(funding_).totals.credits_pending, 200);
}

TEST_F(LedgerDbTest, DatabaseRefusesAnOverdraftThatBypassesTheLibrary) {
  pqxx::work tx(*conn_);
  tx.exec("INSERT INTO ledger.transactions (id, request_id, kind, description)"
          " VALUES (nextval('ledger.transaction_id_seq'), 'raw-overdraft', 'manual_journal', 'x')");
  EXPECT_THROW(
      tx.exec("INSERT INTO ledger.postings (transaction_id, account_id, currency, amount_pence)"
              " VALUES (currval('ledger.transaction_id_seq'), " + std::to_string(budget_) +
              ", 'GBP', 100), (currval('ledger.transaction_id_seq'), " +
              std::to_string(holding_) + ", 'GBP', -100)"),
      pqxx::sql_error);
}

TEST_F(LedgerDbTest, MigrationsAreSafeToRunTwice) {
  auto applied = db::ApplyMigrations(*conn_, DP_MIGRATIONS_DIR);
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_EQ(*applied, 0);
}

}  // namespace
}  // namespace dp::testing
