#include "test_db.h"

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <random>
#include <set>

#include "db/migrate.h"
#include "gtest/gtest.h"

namespace dp::testing {

std::string DatabaseUrl() {
  const char* url = std::getenv("DP_TEST_DATABASE_URL");
  if (url == nullptr || *url == '\0') {
    ADD_FAILURE() << "DP_TEST_DATABASE_URL is not set: run the tests with tools/test, "
                     "which starts a throwaway PostgreSQL";
    std::abort();
  }
  return url;
}

std::unique_ptr<pqxx::connection> MigratedConnection() {
  auto conn = std::make_unique<pqxx::connection>(DatabaseUrl());
  static std::once_flag once;
  std::call_once(once, [&] {
    auto applied = db::ApplyMigrations(*conn, DP_MIGRATIONS_DIR);
    if (!applied.ok()) {
      ADD_FAILURE() << applied.status();
      std::abort();
    }
  });
  return conn;
}

std::string FreshDatabase(const std::string& stem) {
  const std::string base = DatabaseUrl();
  const std::string server = base.substr(0, base.rfind('/'));
  const std::string name = "dp_" + stem + "_" + std::to_string(std::random_device{}() % 100000000);
  {
    pqxx::connection admin(server + "/postgres");
    pqxx::nontransaction tx(admin);
    tx.exec("CREATE DATABASE " + name);
  }
  pqxx::connection conn(server + "/" + name);
  auto applied = db::ApplyMigrations(conn, DP_MIGRATIONS_DIR);
  if (!applied.ok()) ADD_FAILURE() << applied.status();
  return server + "/" + name;
}

std::string SqlStateOf(pqxx::connection& conn, const std::string& sql) {
  try {
    pqxx::work tx(conn);
    tx.exec(sql);
    tx.commit();
    return "ok";
  } catch (const pqxx::insufficient_privilege&) {
    // libpqxx 6 throws this class for SQLSTATE 42501 and no other, but
    // does not copy the code into it.
    return "42501";
  } catch (const pqxx::sql_error& e) {
    return e.sqlstate().empty() ? std::string("no sqlstate: ") + e.what() : e.sqlstate();
  }
}

std::string RoleUrl(const std::string& url, const std::string& role) {
  const size_t scheme = url.find("://");
  const size_t at = url.find('@');
  if (scheme == std::string::npos || at == std::string::npos) return url;
  return url.substr(0, scheme + 3) + role + url.substr(at);
}

void MigrateAsOwner(const std::string& url) {
  static std::mutex mu;
  static std::set<std::string> done;
  std::lock_guard lock(mu);
  if (done.count(url) != 0) return;
  pqxx::connection conn(url);
  auto applied = db::ApplyMigrations(conn, DP_MIGRATIONS_DIR);
  if (!applied.ok()) ADD_FAILURE() << applied.status();
  done.insert(url);
}

std::string UniqueName(const std::string& stem) {
  static const std::string prefix = [] {
    std::random_device rd;
    return "T" + std::to_string(rd() % 1000000000);
  }();
  static std::atomic<int> counter{0};
  return prefix + "-" + std::to_string(counter++) + ":" + stem;
}

int64_t ScalarInt(pqxx::connection& conn, const std::string& sql) {
  pqxx::nontransaction tx(conn);
  return tx.exec1(sql)[0].as<int64_t>();
}

}  // namespace dp::testing
