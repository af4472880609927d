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
    int64_t* ids = account_ids_;
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
      txn_ids_.push_back(t.id());
    }
    // A refused write is audited too.
    v1::CreateTransactionRequest bad;
    bad.set_request_id("audit-bad");
    v1::Transaction t;
    ASSERT_FALSE(stub_->CreateTransaction(Ctx().get(), bad, &t).ok());
  }

  v1::VerifyAuditChainResponse Verify(const std::string& expect_head = "") {
    v1::VerifyAuditChainRequest req;
    req.set_expect_head(expect_head);
    v1::VerifyAuditChainResponse resp;
    EXPECT_TRUE(audit_->VerifyAuditChain(Ctx().get(), req, &resp).ok());
    return resp;
  }

  std::string Head() {
    v1::AuditHead head;
    EXPECT_TRUE(audit_->GetAuditHead(Ctx().get(), {}, &head).ok());
    return head.head();
  }

  // Nth is "lane = L AND seq = S" of the n-th event written (from 1).
  std::string Nth(int n) {
    const pqxx::row r = pqxx::nontransaction(*conn_).exec1(
        "SELECT lane, seq FROM audit.events ORDER BY id OFFSET " + std::to_string(n - 1) +
        " LIMIT 1");
    return "lane = " + r[0].as<std::string>() + " AND seq = " + r[1].as<std::string>();
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
  int DpctlVerify(const std::string& flags = "") {
    const std::string cmd = std::string(DP_BIN_DIR) + "/../tools/dpctl/dpctl --insecure --ledger " +
                            ledger_->address() + " audit verify " + flags + " >/dev/null";
    const int status = std::system(cmd.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  std::string url_;
  std::unique_ptr<pqxx::connection> conn_;
  std::unique_ptr<ServiceProcess> ledger_;
  std::unique_ptr<v1::LedgerService::Stub> stub_;
  std::unique_ptr<v1::AuditService::Stub> audit_;
  int64_t account_ids_[2] = {0, 0};
  std::vector<int64_t> txn_ids_;
};

TEST_F(AuditE2eTest, EveryWriteIsChainedAndAnUntouchedChainVerifies) {
  MakeSomeHistory();
  v1::ListAuditEventsResponse events;
  ASSERT_TRUE(audit_->ListAuditEvents(Ctx().get(), {}, &events).ok());
  ASSERT_EQ(events.events_size(), 7);  // 2 accounts, 4 journals, 1 refused
  EXPECT_EQ(events.events(0).method(), "/dp.v1.LedgerService/CreateAccount");
  EXPECT_EQ(events.events(2).method(), "/dp.v1.LedgerService/CreateTransaction");
  EXPECT_FALSE(events.events(2).request_digest().empty());
  // Each event names what it wrote, by id; a refusal names the collection.
  EXPECT_EQ(events.events(0).resource(), "ledger/accounts/" + std::to_string(account_ids_[0]));
  EXPECT_EQ(events.events(2).resource(), "ledger/transactions/" + std::to_string(txn_ids_[0]));
  EXPECT_EQ(events.events(5).resource(), "ledger/transactions/" + std::to_string(txn_ids_[3]));
  EXPECT_EQ(events.events(6).resource(), "ledger/transactions");
  EXPECT_EQ(events.events(6).code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  for (const auto& e : events.events()) EXPECT_GE(e.lane(), 1) << "new events go to lanes 1..16";
  const auto verdict = Verify();
  EXPECT_TRUE(verdict.intact()) << verdict.problem();
  EXPECT_EQ(verdict.events_checked(), 7);
  EXPECT_EQ(verdict.head_seq(), 7);
  EXPECT_EQ(verdict.head(), Head());
  EXPECT_EQ(DpctlVerify(), 0);
}

// The event and the write commit together: the event of a transfer is in
// the same database transaction, so it carries the transfer's own xid.
TEST_F(AuditE2eTest, AWritesEventCommitsInItsTransaction) {
  MakeSomeHistory();
  pqxx::nontransaction tx(*conn_);
  EXPECT_EQ(tx.exec_params1(
                  "SELECT count(*) FROM ledger.transactions t JOIN audit.events e"
                  " ON e.resource = 'ledger/transactions/' || t.id AND e.xmin = t.xmin"
                  " WHERE t.id = ANY($1::bigint[])",
                  "{" + std::to_string(txn_ids_[0]) + "," + std::to_string(txn_ids_[1]) + "," +
                      std::to_string(txn_ids_[2]) + "," + std::to_string(txn_ids_[3]) + "}")[0]
                .as<int>(),
            4);
}

// Events cut from the end of a lane, with the lane's head row moved back to
// match, leave a chain that checks against itself; a head recorded earlier
// still catches it.
TEST_F(AuditE2eTest, ATailCutIsCaughtByAHeadRecordedEarlier) {
  MakeSomeHistory();
  const std::string recorded = Head();
  EXPECT_TRUE(Verify(recorded).intact());
  EXPECT_EQ(DpctlVerify("--expect-head " + recorded), 0);
  // Cut the last event of the lane that holds the last event written.
  const pqxx::row last = pqxx::nontransaction(*conn_).exec1(
      "SELECT lane, seq, prev_hash FROM audit.events ORDER BY id DESC LIMIT 1");
  const std::string lane = last[0].as<std::string>();
  Tamper("DELETE FROM audit.events WHERE lane = " + lane + " AND seq = " + last[1].as<std::string>());
  {
    pqxx::work tx(*conn_);
    tx.exec("UPDATE audit.lanes SET seq = seq - 1, hash = '" + last[2].as<std::string>() +
            "' WHERE lane = " + lane);
    tx.commit();
  }
  EXPECT_TRUE(Verify().intact()) << "without a recorded head the cut cannot be seen";
  const auto verdict = Verify(recorded);
  EXPECT_FALSE(verdict.intact());
  EXPECT_EQ(std::to_string(verdict.first_bad_lane()), lane);
  EXPECT_NE(verdict.problem().find("no longer reaches the recorded head"), std::string::npos)
      << verdict.problem();
  EXPECT_EQ(DpctlVerify("--expect-head " + recorded), 3);
}

// If a write's event cannot be written, the write is not done either: the
// client is told to retry, and no trace of the transfer exists.
TEST_F(AuditE2eTest, AWriteWhoseEventCannotBeWrittenIsNotDone) {
  MakeSomeHistory();
  {
    pqxx::work tx(*conn_);  // as the owner, in this test's own database
    tx.exec("REVOKE INSERT ON audit.events FROM dp_audit_writer");
    tx.commit();
  }
  v1::CreateTransactionRequest req;
  req.set_request_id("audit-unwritable");
  req.set_kind("manual_journal");
  req.set_description("cannot be audited");
  for (auto [id, side] : {std::pair{account_ids_[0], v1::SIDE_DEBIT},
                          std::pair{account_ids_[1], v1::SIDE_CREDIT}}) {
    auto* p = req.add_postings();
    p->set_account_id(id);
    p->set_side(side);
    p->mutable_amount()->set_amount_pence(99);
    p->mutable_amount()->set_currency("GBP");
  }
  v1::Transaction t;
  const grpc::Status s = stub_->CreateTransaction(Ctx().get(), req, &t);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
  EXPECT_EQ(RefusalOf(s).info.reason(), "AUDIT_UNAVAILABLE");
  pqxx::nontransaction tx(*conn_);
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM ledger.transactions"
                     " WHERE request_id = 'audit-unwritable'")[0].as<int>(), 0);
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM ledger.requests"
                     " WHERE request_id = 'audit-unwritable'")[0].as<int>(), 0);
  tx.exec("GRANT INSERT ON audit.events TO dp_audit_writer");
  // Once the trail can be written again, the same request goes through.
  const grpc::Status retried = stub_->CreateTransaction(Ctx().get(), req, &t);
  EXPECT_TRUE(retried.ok()) << retried.error_message();
}

TEST_F(AuditE2eTest, AMalformedHeadIsRefusedNamingTheField) {
  v1::VerifyAuditChainRequest req;
  req.set_expect_head("v1:1.x:abc");
  v1::VerifyAuditChainResponse resp;
  const grpc::Status s = audit_->VerifyAuditChain(Ctx().get(), req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message().rfind("expect_head: ", 0), 0u) << s.error_message();
}

TEST_F(AuditE2eTest, AnEditedRowIsNamedAndRestoringItHeals) {
  MakeSomeHistory();
  const std::string fourth = Nth(4);
  const pqxx::row row = pqxx::nontransaction(*conn_).exec1(
      "SELECT resource, seq FROM audit.events WHERE " + fourth);
  const std::string original = row[0].as<std::string>();
  Tamper("UPDATE audit.events SET resource = 'ledger/transactions/999' WHERE " + fourth);
  auto verdict = Verify();
  EXPECT_FALSE(verdict.intact());
  EXPECT_EQ(verdict.first_bad_seq(), row[1].as<int64_t>());
  EXPECT_NE(verdict.problem().find("altered"), std::string::npos) << verdict.problem();
  EXPECT_EQ(DpctlVerify(), 3);
  Tamper("UPDATE audit.events SET resource = '" + original + "' WHERE " + fourth);
  EXPECT_TRUE(Verify().intact());
}

TEST_F(AuditE2eTest, ADeletedRowIsNamed) {
  MakeSomeHistory();
  // The fifth event written is followed by two more on its lane or it is
  // the lane's last; either way its loss is named.
  const std::string fifth = Nth(5);
  const int64_t seq = pqxx::nontransaction(*conn_)
                          .exec1("SELECT seq FROM audit.events WHERE " + fifth)[0]
                          .as<int64_t>();
  Tamper("DELETE FROM audit.events WHERE " + fifth);
  const auto verdict = Verify();
  EXPECT_FALSE(verdict.intact());
  EXPECT_EQ(verdict.first_bad_seq(), seq);
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
