// Least-privilege database roles: each service's own login role may do what
// its service does and is refused, with SQLSTATE 42501 (or the ledger's own
// trigger error), everything else: editing history, disabling triggers,
// writing another service's schema, reading what it does not need.
#include <string>

#include "ledger_fixture.h"

namespace dp::testing {
namespace {

using ledger::AccountType;

class DbRolesTest : public LedgerTest {
 protected:
  void SetUp() override {
    LedgerTest::SetUp();
    a_ = NewAccountId("roles-a", AccountType::kAsset);
    b_ = NewAccountId("roles-b", AccountType::kEquity);
    auto t = Apply(Transfer(UniqueName("roles"), a_, b_, 500));
    ASSERT_TRUE(t.ok()) << t.status();
    txn_ = t->id;
  }

  // SqlState runs `sql` as `role` and returns the SQLSTATE it failed with,
  // or "ok".
  std::string SqlState(const std::string& role, const std::string& sql) {
    pqxx::connection conn(RoleUrl(DatabaseUrl(), role));
    return SqlStateOf(conn, sql);
  }

  std::string Id(int64_t id) { return std::to_string(id); }

  int64_t a_ = 0, b_ = 0, txn_ = 0;
};

const char* const kLedgerWriters[] = {"dp_ledger", "dp_agreements", "dp_payroll", "dp_cards",
                                      "dp_monitoring"};
const char* const kAll[] = {"dp_ledger", "dp_agreements", "dp_payroll", "dp_cards",
                            "dp_monitoring", "dp_console"};

TEST_F(DbRolesTest, NoServiceMayRewriteLedgerOrAuditHistory) {
  for (const char* role : kAll) {
    SCOPED_TRACE(role);
    EXPECT_EQ(SqlState(role, "UPDATE ledger.postings SET amount_pence = 1 WHERE transaction_id = " + Id(txn_)), "42501");
    EXPECT_EQ(SqlState(role, "DELETE FROM ledger.postings WHERE transaction_id = " + Id(txn_)), "42501");
    EXPECT_EQ(SqlState(role, "UPDATE ledger.transactions SET description = 'x' WHERE id = " + Id(txn_)), "42501");
    EXPECT_EQ(SqlState(role, "DELETE FROM ledger.requests"), "42501");
    EXPECT_EQ(SqlState(role, "TRUNCATE ledger.postings"), "42501");
    EXPECT_EQ(SqlState(role, "UPDATE audit.events SET code = 0"), "42501");
    EXPECT_EQ(SqlState(role, "DELETE FROM audit.events"), "42501");
    EXPECT_EQ(SqlState(role, "TRUNCATE audit.events"), "42501");
    EXPECT_EQ(SqlState(role, "UPDATE ledger.balances SET debits_posted = 0 WHERE account_id = " + Id(a_)), "42501");
    EXPECT_EQ(SqlState(role, "UPDATE ledger.pending_transfers SET amount_pence = 1"), "42501");
  }
}

TEST_F(DbRolesTest, NoServiceMayDisableTriggersOrChangeTheSchema) {
  for (const char* role : kAll) {
    SCOPED_TRACE(role);
    EXPECT_EQ(SqlState(role, "ALTER TABLE ledger.postings DISABLE TRIGGER postings_append_only"), "42501");
    EXPECT_EQ(SqlState(role, "ALTER TABLE audit.events DISABLE TRIGGER events_append_only"), "42501");
    EXPECT_EQ(SqlState(role, "SET session_replication_role = replica"), "42501");
    EXPECT_EQ(SqlState(role, "DROP TRIGGER balances_guard ON ledger.balances"), "42501");
    EXPECT_EQ(SqlState(role, "CREATE TABLE ledger.sneaky (i int)"), "42501");
    EXPECT_EQ(SqlState(role, "CREATE OR REPLACE FUNCTION ledger.refuse_change() RETURNS trigger"
                             " LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$"), "42501");
  }
}

// What a ledger writer may lock, the ledger's trigger still guards.
TEST_F(DbRolesTest, ABalanceRowCanBeLockedButOnlyTheLedgerMovesIt) {
  for (const char* role : kLedgerWriters) {
    SCOPED_TRACE(role);
    EXPECT_EQ(SqlState(role, "SELECT 1 FROM ledger.balances WHERE account_id = " + Id(a_) + " FOR UPDATE"), "ok");
    EXPECT_EQ(SqlState(role, "UPDATE ledger.balances SET account_id = account_id WHERE account_id = " + Id(a_)), "23000");
  }
}

// The ledger marks the settled horizon for replicas (migration 0029); no
// one else may move it, nor write the mark's row directly.
TEST_F(DbRolesTest, OnlyTheLedgerMarksTheHorizonAndTheMarkNeverMovesBack) {
  pqxx::connection conn(RoleUrl(DatabaseUrl(), "dp_ledger"));
  pqxx::nontransaction tx(conn);
  const std::string first = tx.exec1("SELECT ledger.mark_horizon()")[0].as<std::string>();
  const std::string second = tx.exec1("SELECT ledger.mark_horizon()")[0].as<std::string>();
  EXPECT_TRUE(tx.exec_params1("SELECT $1::timestamptz <= $2::timestamptz", first, second)[0]
                  .as<bool>()) << first << " then " << second;
  {  // only the owner reads the row itself
    pqxx::work owner(*conn_);
    EXPECT_TRUE(owner.exec_params1("SELECT settled_at = $1::timestamptz FROM ledger.horizon_mark",
                                   second)[0].as<bool>());
  }
  for (const char* role : {"dp_agreements", "dp_payroll", "dp_cards", "dp_monitoring", "dp_console"}) {
    SCOPED_TRACE(role);
    EXPECT_EQ(SqlState(role, "SELECT ledger.mark_horizon()"), "42501");
    EXPECT_EQ(SqlState(role, "UPDATE ledger.horizon_mark SET settled_at = now() + interval '1 day'"),
              "42501");
  }
  EXPECT_EQ(SqlState("dp_ledger", "UPDATE ledger.horizon_mark SET settled_at = now() + interval '1 day'"),
            "42501");
  // A second row would make the mark ambiguous.
  EXPECT_EQ(SqlStateOf(*conn_, "INSERT INTO ledger.horizon_mark VALUES (false, now())"), "23514");
}

TEST_F(DbRolesTest, EachServiceWritesOnlyItsOwnSchema) {
  EXPECT_EQ(SqlState("dp_agreements", "UPDATE payroll.employers SET name = 'x'"), "42501");
  EXPECT_EQ(SqlState("dp_payroll", "UPDATE agreements.agreements SET status = 'active'"), "42501");
  EXPECT_EQ(SqlState("dp_payroll", "INSERT INTO agreements.decisions DEFAULT VALUES"), "42501");
  EXPECT_EQ(SqlState("dp_agreements", "INSERT INTO iam.principals (name, organisation_id, role)"
                                      " VALUES ('x', 'PLATFORM', 'admin')"), "42501");
  EXPECT_EQ(SqlState("dp_payroll", "UPDATE iam.principals SET role = 'admin'"), "42501");
  EXPECT_EQ(SqlState("dp_ledger", "UPDATE agreements.agreements SET status = 'active'"), "42501");
  // Monitoring writes its schema, posts a recovery decided in a case, and
  // appends to the person's record; it changes nothing else there.
  EXPECT_EQ(SqlState("dp_monitoring", "UPDATE agreements.decisions SET reason = 'x'"), "42501");
  EXPECT_EQ(SqlState("dp_monitoring", "UPDATE payroll.employers SET name = 'x'"), "42501");
  EXPECT_EQ(SqlState("dp_monitoring", "UPDATE cards.cards SET status = 'active'"), "42501");
  EXPECT_EQ(SqlState("dp_monitoring", "INSERT INTO agreements.versions DEFAULT VALUES"), "42501");
  EXPECT_EQ(SqlState("dp_cards", "INSERT INTO monitoring.findings DEFAULT VALUES"), "42501");
  // Cards write their own schema and the ledger, and read the agreements they decide by.
  EXPECT_EQ(SqlState("dp_cards", "UPDATE agreements.agreements SET status = 'active'"), "42501");
  EXPECT_EQ(SqlState("dp_cards", "UPDATE payroll.employers SET name = 'x'"), "42501");
  EXPECT_EQ(SqlState("dp_payroll", "UPDATE cards.cards SET status = 'active'"), "42501");
  EXPECT_EQ(SqlState("dp_agreements", "INSERT INTO cards.requests DEFAULT VALUES"), "42501");
}

TEST_F(DbRolesTest, EachServiceReadsOnlyWhatItNeeds) {
  EXPECT_EQ(SqlState("dp_cards", "SELECT * FROM people.persons"), "42501");
  EXPECT_EQ(SqlState("dp_monitoring", "SELECT * FROM people.persons"), "42501");
  EXPECT_EQ(SqlState("dp_monitoring", "SELECT * FROM iam.requests"), "42501");
  // Payment runs read a payslip's net pay and holiday accrued, not its tax.
  EXPECT_EQ(SqlState("dp_agreements", "SELECT * FROM payroll.payslips"), "42501");
  EXPECT_EQ(SqlState("dp_agreements", "SELECT tax_pence FROM payroll.payslips"), "42501");
  EXPECT_EQ(SqlState("dp_agreements", "SELECT net_pence FROM payroll.payslips LIMIT 1"), "ok");
  EXPECT_EQ(SqlState("dp_agreements", "SELECT tax_code FROM payroll.employees"), "42501");
  EXPECT_EQ(SqlState("dp_payroll", "SELECT * FROM agreements.decisions"), "42501");
  EXPECT_EQ(SqlState("dp_cards", "SELECT * FROM iam.requests"), "42501");
  // What they do need, they have.
  EXPECT_EQ(SqlState("dp_payroll", "SELECT authority_id FROM agreements.agreements LIMIT 1"), "ok");
  EXPECT_EQ(SqlState("dp_cards", "SELECT name FROM iam.principals LIMIT 1"), "ok");
  EXPECT_EQ(SqlState("dp_cards", "SELECT max(version) FROM public.schema_migrations"), "ok");
}

// The console keeps its sign-in tables and reads nothing of anyone's money
// or personal data: every page goes through the services as its user.
TEST_F(DbRolesTest, TheConsoleReachesOnlyItsSignInTables) {
  EXPECT_EQ(SqlState("dp_console", "SELECT count(*) FROM iam.console_sessions"), "ok");
  EXPECT_EQ(SqlState("dp_console", "SELECT count(*) FROM iam.console_accounts"), "ok");
  EXPECT_EQ(SqlState("dp_console", "SELECT name, role FROM iam.principals LIMIT 1"), "ok");
  EXPECT_EQ(SqlState("dp_console", "DELETE FROM iam.console_sessions"), "42501");
  EXPECT_EQ(SqlState("dp_console", "UPDATE iam.principals SET role = 'admin'"), "42501");
  EXPECT_EQ(SqlState("dp_console", "SELECT * FROM people.persons"), "42501");
  EXPECT_EQ(SqlState("dp_console", "SELECT * FROM ledger.balances"), "42501");
  EXPECT_EQ(SqlState("dp_console", "SELECT * FROM agreements.agreements"), "42501");
  EXPECT_EQ(SqlState("dp_console", "SELECT * FROM payroll.payslips"), "42501");
  EXPECT_EQ(SqlState("dp_console", "INSERT INTO ledger.transactions DEFAULT VALUES"), "42501");
  // A session's token cannot be read back as anything but its digest.
  EXPECT_EQ(SqlState("dp_console", "INSERT INTO iam.console_sessions (token_sha256, principal_name,"
                                   " csrf_token) VALUES ('plain-token', 'x', repeat('c', 40))"),
            "23514");
}

// The ledger library works under a service's role: postings, holds, the
// balance triggers (which run as their owner) and the audit trail.
TEST_F(DbRolesTest, TheLedgerLibraryWorksUnderAServicesRole) {
  pqxx::connection conn(RoleUrl(DatabaseUrl(), "dp_payroll"));
  pqxx::work tx(conn);
  auto results = ledger::ApplyWrites(
      tx, {Transfer(UniqueName("as-payroll"), a_, b_, 250),
           ledger::NewPending{{UniqueName("hold"), "d"}, b_, a_, {100, "GBP"}, 60, "hold"}});
  ASSERT_TRUE(results[0].ok()) << results[0].status();
  ASSERT_TRUE(results[1].ok()) << results[1].status();
  tx.commit();
  EXPECT_EQ(BalanceOf(a_).posted_balance_pence, 750);
  EXPECT_EQ(BalanceOf(a_).available_balance_pence, 650);
}

}  // namespace
}  // namespace dp::testing
