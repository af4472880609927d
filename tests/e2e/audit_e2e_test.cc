// The audit trail end to end, on a database of its own (the test tampers
// with rows): state-changing calls are chained; editing or deleting a row
// in SQL makes `dpctl audit verify` fail and name the row.
#include <signal.h>
#include <sys/wait.h>

#include <cstdlib>

#include "dp/v1/admin.grpc.pb.h"
#include "dp/v1/ledger.grpc.pb.h"
#include "grpc_helpers.h"
#include "service_process.h"
#include "test_db.h"
#include "gtest/gtest.h"

namespace dp::testing {
namespace {

class AuditE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = FreshDatabase("audit");
    conn_ = std::make_unique<pqxx::connection>(url_);
    ledger_ = std::make_unique<ServiceProcess>(
        "ledger", std::vector<std::string>{"--database-url", url_});
    ASSERT_TRUE(ledger_->Start()) << ledger_->Log();
    stub_ = v1::LedgerService::NewStub(Channel(ledger_->address()));
    audit_ = v1::AuditService::NewStub(Channel(ledger_->address()));
  }

  void MakeSomeHistory() {
    int64_t ids[2];
    for (int i = 0; i < 2; ++i) {
      v1::CreateAccountRequest req;
      req.set_request_id("audit-acct-" + std::to_string(i));
      req.set_code("AUDIT:" + std::to_string(i));
      req.set_name("a");
      req.set_type(v1::ACCOUNT_TYPE_ASSET);
      req.set_currency("GBP");
      v1::Account a;
      ASSERT_TRUE(stub_->CreateAccount(Ctx().get(), req, &a).ok());
      ids[i] = a.id();
    }
    for (int i = 0; i < 4; ++i) {
      v1::CreateTransactionRequest req;
      req.set_request_id("audit-j-" + std::to_string(i));
      req.set_kind("manual_journal");
      req.set_description("audited");
      for (auto [id, side] : {std::pair{ids[0], v1::SIDE_DEBIT}, std::pair{ids[1], v1::SIDE_CREDIT}}) {
        auto* p = req.add_postings();
        p->set_account_id(id);
        p->set_side(side);
        p->mutable_amount()->set_amount_pence(10 + i);
        p->mutable_amount()->set_currency("GBP");
      }
      v1::Transaction t;
      ASSERT_TRUE(stub_->CreateTransaction(Ctx().get(), req, &t).ok());
    }
    // A refused write is audited too.
    v1::CreateTransactionRequest bad;
    bad.set_request_id("audit-bad");
    v1::Transaction t;
    ASSERT_FALSE(stub_->CreateTransaction(Ctx().get(), bad, &t).ok());
  }

  v1::VerifyAuditChainResponse Verify() {
    v1::VerifyAuditChainResponse resp;
    EXPECT_TRUE(audit_->VerifyAuditChain(Ctx().get(), {}, &resp).ok());
    return resp;
  }

  // Tamper runs SQL as someone with direct database access would, first
  // switching off the append-only trigger.
  void Tamper(const std::string& sql) {
    pqxx::work tx(*conn_);
    tx.exec("ALTER TABLE audit.events DISABLE TRIGGER events_append_only");
    tx.exec(sql);
    tx.exec("ALTER TABLE audit.events ENABLE TRIGGER events_append_only");
    tx.commit();
  }

  // DpctlVerify runs `dpctl audit verify` and returns its exit code.
  int DpctlVerify() {
    const std::string cmd = std::string(DP_BIN_DIR) + "/../tools/dpctl/dpctl --insecure --ledger " +
                            ledger_->address() + " audit verify >/dev/null";
    const int status = std::system(cmd.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  std::string url_;
  std::unique_ptr<pqxx::connection> conn_;
  std::unique_ptr<ServiceProcess> ledger_;
  std::unique_ptr<v1::LedgerService::Stub> stub_;
  std::unique_ptr<v1::AuditService::Stub> audit_;
};

TEST_F(AuditE2eTest, EveryWriteIsChainedAndAnUntouchedChainVerifies) {
  MakeSomeHistory();
  v1::ListAuditEventsResponse events;
  ASSERT_TRUE(audit_->ListAuditEvents(Ctx().get(), {}, &events).ok());
  ASSERT_EQ(events.events_size(), 7);  // 2 accounts, 4 journals, 1 refused
  EXPECT_EQ(events.events(0).method(), "/dp.v1.LedgerService/CreateAccount");
  EXPECT_EQ(events.events(2).method(), "/dp.v1.LedgerService/CreateTransaction");
  EXPECT_FALSE(events.events(2).request_digest().empty());
  EXPECT_EQ(events.events(2).resource().rfind("Transaction:", 0), 0u);
  EXPECT_EQ(events.events(6).code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  const auto verdict = Verify();
  EXPECT_TRUE(verdict.intact()) << verdict.problem();
  EXPECT_EQ(verdict.events_checked(), 7);
  EXPECT_EQ(verdict.head_seq(), 7);
  EXPECT_EQ(DpctlVerify(), 0);
}

TEST_F(AuditE2eTest, AnEditedRowIsNamedAndRestoringItHeals) {
  MakeSomeHistory();
  const std::string original =
      pqxx::nontransaction(*conn_).exec1("SELECT resource FROM audit.events WHERE seq = 4")[0]
          .as<std::string>();
  Tamper("UPDATE audit.events SET resource = 'Transaction:999' WHERE seq = 4");
  auto verdict = Verify();
  EXPECT_FALSE(verdict.intact());
  EXPECT_EQ(verdict.first_bad_seq(), 4);
  EXPECT_NE(verdict.problem().find("altered"), std::string::npos) << verdict.problem();
  EXPECT_EQ(DpctlVerify(), 3);
  Tamper("UPDATE audit.events SET resource = '" + original + "' WHERE seq = 4");
  EXPECT_TRUE(Verify().intact());
}

TEST_F(AuditE2eTest, ADeletedRowIsNamed) {
  MakeSomeHistory();
  Tamper("DELETE FROM audit.events WHERE seq = 5");
  const auto verdict = Verify();
  EXPECT_FALSE(verdict.intact());
  EXPECT_EQ(verdict.first_bad_seq(), 5);
  EXPECT_NE(verdict.problem().find("deleted"), std::string::npos) << verdict.problem();
  EXPECT_EQ(DpctlVerify(), 3);
}

TEST_F(AuditE2eTest, AppendOnlyWithoutTamperingPrivileges) {
  MakeSomeHistory();
  pqxx::work tx(*conn_);
  EXPECT_THROW(tx.exec("DELETE FROM audit.events WHERE seq = 1"), pqxx::sql_error);
}

}  // namespace
}  // namespace dp::testing
