// The connection pool after the server dropped its connections (a
// failover, a restart, an administrator): an idle connection is checked
// before it is lent, so the caller's first statement does not fail on it.
#include <thread>

#include "db/pool.h"
#include "test_db.h"
#include "gtest/gtest.h"

namespace dp::testing {
namespace {

int BackendPid(db::PgPool& pool) {
  auto conn = pool.Acquire();
  pqxx::nontransaction tx(*conn);
  return tx.exec1("SELECT pg_backend_pid()")[0].as<int>();
}

TEST(PgPoolTest, AConnectionDroppedWhileIdleIsReplacedBeforeItIsLent) {
  auto admin = MigratedConnection();
  db::PgPool pool(DatabaseUrl(), 2);
  const int first = BackendPid(pool);
  EXPECT_EQ(BackendPid(pool), first) << "an idle connection is reused";
  {
    pqxx::nontransaction tx(*admin);
    ASSERT_TRUE(tx.exec_params1("SELECT pg_terminate_backend($1)", first)[0].as<bool>());
  }
  std::this_thread::sleep_for(db::PgPool::kCheckIdleAfter + std::chrono::milliseconds(500));
  int second = 0;
  EXPECT_NO_THROW(second = BackendPid(pool)) << "the dropped connection was lent unchecked";
  EXPECT_NE(second, 0);
  EXPECT_NE(second, first) << "a new connection";
  EXPECT_EQ(pool.InUse(), 0);
}

}  // namespace
}  // namespace dp::testing
