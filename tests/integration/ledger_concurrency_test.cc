// Many writers on the same accounts at once: no lost update, no deadlock,
// and a no-negative account never dips below zero, not even in between.
#include <atomic>
#include <random>
#include <thread>

#include "ledger/batcher.h"
#include "ledger_fixture.h"

namespace dp::testing {
namespace {

using ledger::AccountType;

constexpr int kThreads = 32;
constexpr int kOpsPerThread = 40;
constexpr int64_t kSourceFunds = 20000;

class LedgerConcurrencyTest : public LedgerTest {};

TEST_F(LedgerConcurrencyTest, ThirtyTwoWritersOnSharedAccountsKeepTheBooksExact) {
  const int64_t equity = NewAccountId("equity", AccountType::kEquity);
  const int64_t source = NewAccountId("source", AccountType::kAsset,
                                      {.credits_must_not_exceed_debits = true});
  std::vector<int64_t> pool;
  for (int i = 0; i < 4; ++i) pool.push_back(NewAccountId("pool", AccountType::kAsset));
  ASSERT_TRUE(Apply(Transfer(UniqueName("fund"), source, equity, kSourceFunds)).ok());

  ledger::WriteBatcher batcher(DatabaseUrl(), std::string(32, 'k'), {.workers = 2, .max_batch = 16});
  std::atomic<int> committed{0}, refused_overdraft{0}, retries{0}, replays{0}, other_errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(t);
      const bool via_batcher = t % 2 == 0;
      auto conn = via_batcher ? nullptr : std::make_unique<pqxx::connection>(DatabaseUrl());
      auto submit = [&](const ledger::WriteOp& op) -> absl::StatusOr<ledger::WriteResult> {
        if (via_batcher) return batcher.Submit({op, std::nullopt}).result;
        for (int attempt = 0; attempt < 5; ++attempt) {  // as a service would
          try {
            pqxx::work tx(*conn);
            auto r = ledger::ApplyWrites(tx, {op}).front();
            tx.commit();
            return r;
          } catch (const pqxx::sql_error&) {
            // a concurrent twin or serialization failure: retry
          }
        }
        return absl::AbortedError("gave up");
      };
      for (int i = 0; i < kOpsPerThread; ++i) {
        const std::string id = UniqueName("c" + std::to_string(t) + "-" + std::to_string(i));
        const int64_t amount = 1 + rng() % 200;
        const int64_t a = pool[rng() % pool.size()];
        const int64_t b = pool[rng() % pool.size()];
        const ledger::NewTransaction op =
            i % 3 == 0 ? Transfer(id, a, source, amount)     // drains the source
                       : Transfer(id, a == b ? equity : a, b, amount);
        auto r = submit(op);
        if (r.ok()) {
          ++committed;
          if (i % 5 == 0) {  // a client retry with the same request_id
            ++retries;
            auto again = submit(op);
            if (again.ok() && again->replayed && again->id == r->id) ++replays;
          }
        } else if (r.status().code() == absl::StatusCode::kFailedPrecondition) {
          ++refused_overdraft;
        } else {
          ++other_errors;
          ADD_FAILURE() << r.status();
        }
      }
    });
  }
  for (auto& th : threads) th.join();

  EXPECT_EQ(other_errors.load(), 0);
  EXPECT_GT(refused_overdraft.load(), 0) << "the source should have run dry";
  EXPECT_EQ(replays.load(), retries.load())
      << "every retry must replay the first result";

  std::vector<int64_t> ids = pool;
  ids.push_back(source);
  ids.push_back(equity);
  std::string id_list;
  for (int64_t id : ids) id_list += (id_list.empty() ? "" : ",") + std::to_string(id);
  // Every successful write is one transaction, none twice.
  EXPECT_EQ(Count("SELECT count(*) FROM ledger.transactions t WHERE EXISTS (SELECT 1 FROM "
                  "ledger.postings p WHERE p.transaction_id = t.id AND p.account_id IN (" +
                  id_list + "))") - 1,
            committed.load());
  // The balances table equals the sum of postings for every account.
  EXPECT_EQ(Count("SELECT count(*) FROM ledger.balances b JOIN ("
                  " SELECT account_id,"
                  "   coalesce(sum(amount_pence) FILTER (WHERE amount_pence > 0), 0) AS debits,"
                  "   coalesce(-sum(amount_pence) FILTER (WHERE amount_pence < 0), 0) AS credits"
                  " FROM ledger.postings GROUP BY account_id) p USING (account_id)"
                  " WHERE b.account_id IN (" + id_list + ")"
                  " AND (b.debits_posted <> p.debits OR b.credits_posted <> p.credits)"),
            0);
  // The books as a whole still sum to zero.
  EXPECT_EQ(Count("SELECT coalesce(sum(amount_pence), 0) FROM ledger.postings WHERE account_id IN (" +
                  id_list + ")"),
            0);
  // The source never went below zero, at any point of its history: its row
  // lock serialises its postings, so id order is commit order.
  EXPECT_EQ(Count("SELECT count(*) FROM (SELECT sum(amount_pence) OVER (ORDER BY id) AS running"
                  " FROM ledger.postings WHERE account_id = " + std::to_string(source) +
                  ") r WHERE running < 0"),
            0);
  EXPECT_GE(BalanceOf(source).posted_balance_pence, 0);
}

// The batcher runs its own transaction (BEGIN and COMMIT travel with its
// statements). One that fails inside it, here on a concurrent twin of a
// request that commits first, is rolled back: the op is retried alone and
// replays the twin, and the worker's connection serves the next batch.
TEST_F(LedgerConcurrencyTest, ABatchThatFailsMidwayIsRolledBackAndItsConnectionServesOn) {
  const int64_t equity = NewAccountId("equity", AccountType::kEquity);
  const int64_t pool = NewAccountId("pool", AccountType::kAsset);
  // Named, so that its connection can be told from the parallel tests'.
  const std::string name = UniqueName("batcher");
  const std::string url = DatabaseUrl() +
                          (DatabaseUrl().find('?') == std::string::npos ? "?" : "&") +
                          "application_name=" + name;
  ledger::WriteBatcher batcher(url, std::string(32, 'k'), {.workers = 1, .max_batch = 16});
  ASSERT_TRUE(batcher.Submit({Transfer(UniqueName("warm"), pool, equity, 1), std::nullopt})
                  .result.ok());  // the worker's connection is open
  const ledger::NewTransaction twin = Transfer(UniqueName("twin"), pool, equity, 250);
  auto other = std::make_unique<pqxx::connection>(DatabaseUrl());
  pqxx::work first(*other);
  auto written = ledger::ApplyWrites(first, {twin}).front();
  ASSERT_TRUE(written.ok());
  std::thread late([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    first.commit();
  });
  // Waits on the twin's request row, then fails on it when the twin commits.
  const auto replayed = batcher.Submit({twin, std::nullopt}).result;
  late.join();
  ASSERT_TRUE(replayed.ok()) << replayed.status();
  EXPECT_TRUE(replayed->replayed);
  EXPECT_EQ(replayed->id, written->id);
  const auto next = batcher.Submit({Transfer(UniqueName("next"), pool, equity, 7), std::nullopt});
  ASSERT_TRUE(next.result.ok()) << next.result.status();
  EXPECT_FALSE(next.result->replayed);
  EXPECT_EQ(BalanceOf(pool).posted_balance_pence, 1 + 250 + 7);
  // Its connection is open, and not left inside a transaction.
  EXPECT_EQ(Count("SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + name + "'"),
            1);
  EXPECT_EQ(Count("SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + name +
                  "' AND state LIKE 'idle in transaction%'"),
            0);
}

}  // namespace
}  // namespace dp::testing
