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

// ScalarInt runs a query returning one integer.
int64_t ScalarInt(pqxx::connection& conn, const std::string& sql);

}  // namespace dp::testing

#endif  // DP_TESTS_SUPPORT_TEST_DB_H_
