#ifndef DP_TESTS_E2E_LEDGER_CHECKS_H_
#define DP_TESTS_E2E_LEDGER_CHECKS_H_

#include <cstdint>

#include "dp/v1/common.pb.h"
#include "ledger/store.h"
#include "test_db.h"
#include "gtest/gtest.h"

// Small helpers for end-to-end tests that move money: building dates and
// amounts, and reading the ledger straight from the database.
namespace dp::testing {

inline v1::Date D(int year, int month, int day) {
  v1::Date out;
  out.set_year(year);
  out.set_month(month);
  out.set_day(day);
  return out;
}

inline v1::Money Gbp(int64_t pence) {
  v1::Money m;
  m.set_amount_pence(pence);
  m.set_currency("GBP");
  return m;
}

// PostedBalance reads an account's posted balance from the ledger (-1 and a
// test failure if it cannot).
inline int64_t PostedBalance(int64_t account_id) {
  auto conn = MigratedConnection();
  pqxx::read_transaction tx(*conn);
  auto balance = ledger::GetBalance(tx, account_id, std::nullopt);
  EXPECT_TRUE(balance.ok()) << balance.status();
  return balance.ok() ? balance->posted_balance_pence : -1;
}

// LedgerImbalance sums every committed posting in the database: zero when
// the books balance.
inline int64_t LedgerImbalance() {
  auto conn = MigratedConnection();
  return ScalarInt(*conn, "SELECT coalesce(sum(amount_pence), 0) FROM ledger.postings");
}

}  // namespace dp::testing

#endif  // DP_TESTS_E2E_LEDGER_CHECKS_H_
