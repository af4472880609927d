#ifndef DP_TESTS_SUPPORT_TEST_DB_H_
#define DP_TESTS_SUPPORT_TEST_DB_H_

#include <memory>
#include <string>

#include <pqxx/pqxx>

namespace dp::testing {

// DatabaseUrl is the throwaway PostgreSQL that tools/test starts
// (DP_TEST_DATABASE_URL). Tests fail, never skip, without it: a real
// PostgreSQL is part of what they test.
std::string DatabaseUrl();

// MigratedConnection connects and applies the migrations (once per process).
std::unique_ptr<pqxx::connection> MigratedConnection();

// FreshDatabase creates a new, migrated database on the test server and
// returns its URL: for tests that change data other tests rely on (key
// rotation, tampering with the audit trail).
std::string FreshDatabase(const std::string& stem);

// UniqueName returns `stem` with a per-process random prefix, so that test
// binaries running in parallel on one database never share account codes.
std::string UniqueName(const std::string& stem);

// RoleUrl is `url` with its user replaced by `role`:
//   RoleUrl("postgresql://dp_owner@127.0.0.1:5544/dp", "dp_ledger")
//     -> "postgresql://dp_ledger@127.0.0.1:5544/dp"
std::string RoleUrl(const std::string& url, const std::string& role);

// SqlStateOf runs `sql` in its own transaction on `conn` and returns the
// SQLSTATE it failed with, or "ok" when it committed:
//   SqlStateOf(conn, "DELETE FROM audit.events") -> "42501"
std::string SqlStateOf(pqxx::connection& conn, const std::string& sql);

// MigrateAsOwner applies the migrations to the database at `url` (as the
// user it names, the schema owner), once per url in this process.
void MigrateAsOwner(const std::string& url);

// ScalarInt runs a query returning one integer.
int64_t ScalarInt(pqxx::connection& conn, const std::string& sql);

}  // namespace dp::testing

#endif  // DP_TESTS_SUPPORT_TEST_DB_H_
