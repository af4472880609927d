#ifndef DP_TESTS_SUPPORT_LEDGER_FIXTURE_H_
#define DP_TESTS_SUPPORT_LEDGER_FIXTURE_H_

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "base/refusal.h"
#include "gtest/gtest.h"
#include "ledger/store.h"
#include "ledger/writer.h"
#include "test_db.h"

namespace dp::testing {

// LedgerTest gives each test a migrated connection and helpers that go
// through the real ledger library against the real database.
class LedgerTest : public ::testing::Test {
 protected:
  void SetUp() override { conn_ = MigratedConnection(); }

  // NewAccountId creates an account with a unique code and returns its id.
  int64_t NewAccountId(const std::string& stem, ledger::AccountType type,
                       ledger::AccountFlags flags = {}, const std::string& currency = "GBP") {
    ledger::NewAccount a;
    a.code = UniqueName(stem);
    a.idem = {"acct-" + a.code, "digest-" + a.code};
    a.name = stem;
    a.type = type;
    a.currency = currency;
    a.flags = flags;
    pqxx::work tx(*conn_);
    auto created = ledger::CreateAccount(tx, a);
    EXPECT_TRUE(created.ok()) << created.status();
    tx.commit();
    return created.ok() ? created->id : 0;
  }

  // Apply commits one op in its own database transaction.
  absl::StatusOr<ledger::WriteResult> Apply(const ledger::WriteOp& op) {
    pqxx::work tx(*conn_);
    auto results = ledger::ApplyWrites(tx, {op});
    tx.commit();
    return results.front();
  }

  static ledger::NewTransaction Transfer(const std::string& request_id, int64_t debit_id,
                                         int64_t credit_id, int64_t pence,
                                         const std::string& currency = "GBP") {
    ledger::NewTransaction t;
    t.idem = {request_id, "digest:" + std::to_string(debit_id) + ">" +
                              std::to_string(credit_id) + ":" + std::to_string(pence)};
    t.kind = "manual_journal";
    t.description = "test transfer";
    t.postings = {{debit_id, ledger::Side::kDebit, {pence, currency}},
                  {credit_id, ledger::Side::kCredit, {pence, currency}}};
    return t;
  }

  ledger::Balance BalanceOf(int64_t account_id) {
    pqxx::read_transaction tx(*conn_);
    auto b = ledger::GetBalance(tx, account_id, std::nullopt);
    EXPECT_TRUE(b.ok()) << b.status();
    return b.ok() ? *b : ledger::Balance{};
  }

  // SettledBalanceOf is the balance as of `as_of_us`, once that instant is
  // settled: other tests' transactions opened before it may still be open
  // (bounded wait, as the service itself waits; up to 30 s, for tests run
  // beside it hold transactions open on purpose for seconds).
  absl::StatusOr<ledger::Balance> SettledBalanceOf(int64_t account_id, int64_t as_of_us) {
    absl::StatusOr<ledger::Balance> balance;
    for (int i = 0; i < 1500; ++i) {
      pqxx::read_transaction tx(*conn_);
      balance = ledger::GetBalance(tx, account_id, as_of_us);
      if (ReasonOf(balance.status()) != "NOT_SETTLED") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return balance;
  }

  int64_t Count(const std::string& sql) { return ScalarInt(*conn_, sql); }

  std::unique_ptr<pqxx::connection> conn_;
};

}  // namespace dp::testing

#endif  // DP_TESTS_SUPPORT_LEDGER_FIXTURE_H_
