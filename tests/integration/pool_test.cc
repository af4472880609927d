// The connection pool after the server dropped its connections (a
// failover, a restart, an administrator): an idle connection is checked
// before it is lent, so the caller's first statement does not fail on it.
#include <unistd.h>

#include <thread>

#include "db/pool.h"
#include "db/sql.h"
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

// PlanOf is how the prepared statement "by_key" would run now.
std::string PlanOf(pqxx::connection& conn) {
  pqxx::work tx(conn);
  tx.exec("SET LOCAL plan_cache_mode = force_generic_plan");
  std::string plan;
  for (const auto& row : tx.exec("EXPLAIN EXECUTE by_key(42)")) plan += row[0].c_str();
  return plan;
}

// A generic plan made while a table was nearly empty scans it whole; kept,
// it would scan millions of rows for one. Refreshed, it uses the index.
TEST(PgPoolTest, PlansMadeOnAnEmptyTableAreMadeAgainAfterTheyAreRefreshed) {
  auto conn = MigratedConnection();
  const std::string table = "public.plan_probe_" + std::to_string(::getpid());
  {
    pqxx::work tx(*conn);
    tx.exec("CREATE TABLE " + table + " (k bigint, v text)");
    tx.exec("CREATE INDEX ON " + table + " (k)");
    tx.exec("INSERT INTO " + table + " SELECT g, 'x' FROM generate_series(1, 10) g");
    tx.exec("ANALYZE " + table);
    tx.commit();
  }
  pqxx::nontransaction(*conn).exec("PREPARE by_key(bigint) AS SELECT v FROM " + table +
                                   " WHERE k = $1");
  EXPECT_NE(PlanOf(*conn).find("Seq Scan"), std::string::npos) << "planned on a table of ten rows";
  {
    pqxx::work tx(*conn);
    tx.exec("INSERT INTO " + table + " SELECT g, 'x' FROM generate_series(1, 50000) g");
    tx.commit();
  }
  EXPECT_NE(PlanOf(*conn).find("Seq Scan"), std::string::npos) << "the plan is kept as it was";
  auto planned_at = std::chrono::steady_clock::now();
  EXPECT_FALSE(db::RefreshPlansIfDue(*conn, &planned_at)) << "not yet due";
  planned_at -= db::kPlansFor;
  EXPECT_TRUE(db::RefreshPlansIfDue(*conn, &planned_at));
  const std::string plan = PlanOf(*conn);
  EXPECT_EQ(plan.find("Seq Scan"), std::string::npos) << plan;
  EXPECT_NE(plan.find("Index"), std::string::npos) << plan;
  pqxx::work tx(*conn);
  tx.exec("DROP TABLE " + table);
  tx.commit();
}

// db::Columns numbers a result's columns once; a row then reads by number.
TEST(ColumnsTest, FindsEachColumnByNameOrPrefixAndNameTheFirstOfTwo) {
  auto conn = MigratedConnection();
  pqxx::nontransaction tx(*conn);
  const pqxx::result r = tx.exec("SELECT 7 AS id, 'x' AS card_id, 9 AS id, 11 AS day_pence");
  const db::Columns cols(r);
  EXPECT_EQ(cols["id"], 0u) << "a name twice is the first, as row[\"id\"] takes";
  EXPECT_EQ(cols("card_", "id"), 1u);
  EXPECT_EQ(cols("day", "_pence"), 3u);
  EXPECT_EQ(r[0][cols["day_pence"]].as<int>(), 11);
  EXPECT_EQ(r[0][cols["id"]].as<int>(), r[0]["id"].as<int>());
  EXPECT_DEATH((void)cols["missing"], "invariant failed at .*sql.cc")
      << "a decoder asking for a column the query lacks";
}

}  // namespace
}  // namespace dp::testing
