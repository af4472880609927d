// LedgerService over gRPC, from a real client to a real server process and
// a real PostgreSQL.
#include <signal.h>

#include <thread>

#include "dp/v1/ledger.grpc.pb.h"
#include "grpc_helpers.h"
#include "service_process.h"
#include "test_db.h"
#include "gtest/gtest.h"

namespace dp::testing {
namespace {

class LedgerE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    MigratedConnection();
    server_ = new ServiceProcess("ledger");
    ASSERT_TRUE(server_->Start()) << server_->Log();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override { stub_ = v1::LedgerService::NewStub(Channel(server_->address())); }

  v1::Account CreateAccount(const std::string& stem, v1::AccountType type, bool no_negative) {
    v1::CreateAccountRequest req;
    req.set_request_id(UniqueName("acct-" + stem));
    req.set_code(UniqueName(stem));
    req.set_name(stem);
    req.set_type(type);
    req.set_currency("GBP");
    req.set_credits_must_not_exceed_debits(no_negative);
    v1::Account account;
    auto s = stub_->CreateAccount(Ctx().get(), req, &account);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return account;
  }

  static v1::CreateTransactionRequest Journal(const std::string& request_id, int64_t debit,
                                              int64_t credit, int64_t pence) {
    v1::CreateTransactionRequest req;
    req.set_request_id(request_id);
    req.set_kind("manual_journal");
    req.set_description("e2e journal");
    for (auto [id, side] : {std::pair{debit, v1::SIDE_DEBIT}, std::pair{credit, v1::SIDE_CREDIT}}) {
      v1::Posting* p = req.add_postings();
      p->set_account_id(id);
      p->set_side(side);
      p->mutable_amount()->set_amount_pence(pence);
      p->mutable_amount()->set_currency("GBP");
    }
    return req;
  }

  int64_t Available(int64_t account_id) {
    v1::GetBalanceRequest req;
    req.set_account_id(account_id);
    v1::Balance b;
    EXPECT_TRUE(stub_->GetBalance(Ctx().get(), req, &b).ok());
    return b.available_balance_pence();
  }

  static ServiceProcess* server_;
  std::unique_ptr<v1::LedgerService::Stub> stub_;
};

ServiceProcess* LedgerE2eTest::server_ = nullptr;

TEST_F(LedgerE2eTest, AnswersHealthAndListsItselfThroughReflection) {
  auto channel = Channel(server_->address());
  EXPECT_EQ(HealthStatus(channel), grpc::health::v1::HealthCheckResponse::SERVING);
  EXPECT_TRUE(ReflectedServices(channel).count("dp.v1.LedgerService"));
  v1::ServiceInfo info;
  ASSERT_TRUE(stub_->GetServiceInfo(Ctx().get(), v1::GetServiceInfoRequest(), &info).ok());
  EXPECT_EQ(info.service(), "ledger");
  EXPECT_TRUE(info.database_ok());
  EXPECT_GE(info.schema_version(), 1);
}

TEST_F(LedgerE2eTest, JournalsHoldsAndStatementsOverGrpc) {
  const v1::Account funding = CreateAccount("funding", v1::ACCOUNT_TYPE_ASSET, true);
  const v1::Account budget = CreateAccount("budget", v1::ACCOUNT_TYPE_EQUITY, false);
  const v1::Account card = CreateAccount("card", v1::ACCOUNT_TYPE_ASSET, true);
  v1::Transaction t;
  ASSERT_TRUE(stub_->CreateTransaction(Ctx().get(), Journal(UniqueName("j1"), funding.id(),
                                                            budget.id(), 50000), &t).ok());
  ASSERT_TRUE(stub_->CreateTransaction(Ctx().get(), Journal(UniqueName("j2"), card.id(),
                                                            funding.id(), 20000), &t).ok());
  EXPECT_EQ(Available(funding.id()), 30000);

  v1::CreatePendingTransferRequest hold;
  hold.set_request_id(UniqueName("hold"));
  hold.set_debit_account_id(budget.id());
  hold.set_credit_account_id(card.id());
  hold.mutable_amount()->set_amount_pence(5000);
  hold.mutable_amount()->set_currency("GBP");
  hold.set_timeout_seconds(600);
  hold.set_description("card authorisation at a chemist");
  v1::PendingTransfer pending;
  ASSERT_TRUE(stub_->CreatePendingTransfer(Ctx().get(), hold, &pending).ok());
  EXPECT_EQ(pending.state(), v1::PendingTransfer::STATE_PENDING);
  EXPECT_EQ(Available(card.id()), 15000);

  v1::PostPendingTransferRequest post;
  post.set_request_id(UniqueName("capture"));
  post.set_pending_transfer_id(pending.id());
  post.mutable_amount()->set_amount_pence(4250);
  post.mutable_amount()->set_currency("GBP");
  ASSERT_TRUE(stub_->PostPendingTransfer(Ctx().get(), post, &pending).ok());
  EXPECT_EQ(pending.state(), v1::PendingTransfer::STATE_POSTED);
  EXPECT_EQ(pending.posted_amount().amount_pence(), 4250);
  EXPECT_EQ(Available(card.id()), 15750);

  v1::ListStatementRequest sreq;
  sreq.set_account_id(card.id());
  sreq.set_page_size(1);
  std::vector<int64_t> balances;
  for (int page = 0; page < 10; ++page) {
    v1::ListStatementResponse resp;
    ASSERT_TRUE(stub_->ListStatement(Ctx().get(), sreq, &resp).ok());
    for (const auto& l : resp.lines()) balances.push_back(l.balance_after_pence());
    if (resp.next_page_token().empty()) break;
    sreq.set_page_token(resp.next_page_token());
  }
  EXPECT_EQ(balances, (std::vector<int64_t>{20000, 15750}));

  v1::ListAccountsRequest lreq;
  lreq.set_page_size(1);
  v1::ListAccountsResponse accounts;
  ASSERT_TRUE(stub_->ListAccounts(Ctx().get(), lreq, &accounts).ok());
  EXPECT_EQ(accounts.accounts_size(), 1);
  EXPECT_FALSE(accounts.next_page_token().empty());
}

TEST_F(LedgerE2eTest, BadRequestsGetPreciseCodesNeverInternal) {
  const v1::Account a = CreateAccount("a", v1::ACCOUNT_TYPE_ASSET, true);
  const v1::Account b = CreateAccount("b", v1::ACCOUNT_TYPE_EQUITY, false);
  v1::Transaction t;
  auto unbalanced = Journal(UniqueName("u"), a.id(), b.id(), 100);
  unbalanced.mutable_postings(1)->mutable_amount()->set_amount_pence(99);
  auto no_side = Journal(UniqueName("s"), a.id(), b.id(), 100);
  no_side.mutable_postings(0)->set_side(v1::SIDE_UNSPECIFIED);
  struct Case {
    std::string name;
    v1::CreateTransactionRequest req;
    grpc::StatusCode code;
    std::string mentions, reason, field;
  };
  const std::vector<Case> cases = {
      {"unbalanced", unbalanced, grpc::StatusCode::INVALID_ARGUMENT, "balance", "INVALID_FIELD",
       "postings"},
      {"no side", no_side, grpc::StatusCode::INVALID_ARGUMENT, "postings[0].side",
       "INVALID_FIELD", "postings[0].side"},
      {"zero", Journal(UniqueName("z"), a.id(), b.id(), 0), grpc::StatusCode::INVALID_ARGUMENT,
       "amount_pence", "INVALID_FIELD", "postings[0].amount.amount_pence"},
      {"no request id", Journal("", a.id(), b.id(), 5), grpc::StatusCode::INVALID_ARGUMENT,
       "request_id", "INVALID_FIELD", "request_id"},
      {"unknown account", Journal(UniqueName("x"), 987654321, b.id(), 5),
       grpc::StatusCode::NOT_FOUND, "987654321", "ACCOUNT_NOT_FOUND", ""},
      {"overdraft", Journal(UniqueName("o"), b.id(), a.id(), 1),
       grpc::StatusCode::FAILED_PRECONDITION, "insufficient funds", "INSUFFICIENT_FUNDS", ""},
  };
  for (const Case& c : cases) {
    auto s = stub_->CreateTransaction(Ctx().get(), c.req, &t);
    EXPECT_EQ(s.error_code(), c.code) << c.name << ": " << s.error_message();
    EXPECT_NE(s.error_message().find(c.mentions), std::string::npos) << c.name << ": "
                                                                     << s.error_message();
    const Refusal r = RefusalOf(s);
    EXPECT_EQ(r.info.reason(), c.reason) << c.name;
    EXPECT_EQ(r.info.domain(), "dp.v1") << c.name;
    EXPECT_EQ(r.field, c.field) << c.name;
  }
  // The overdraft says how much is there, by machine.
  auto s = stub_->CreateTransaction(Ctx().get(), Journal(UniqueName("o2"), b.id(), a.id(), 1), &t);
  const Refusal overdraft = RefusalOf(s);
  EXPECT_EQ(overdraft.info.metadata().at("account_id"), std::to_string(a.id()));
  EXPECT_EQ(overdraft.info.metadata().at("available_pence"), "0");
  EXPECT_EQ(overdraft.info.metadata().at("currency"), "GBP");
  v1::GetAccountRequest missing;
  missing.set_code("NO-SUCH-ACCOUNT");
  v1::Account out;
  EXPECT_EQ(stub_->GetAccount(Ctx().get(), missing, &out).error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::ListStatementRequest bad_token;
  bad_token.set_account_id(a.id());
  bad_token.set_page_token("garbage");
  v1::ListStatementResponse resp;
  EXPECT_EQ(stub_->ListStatement(Ctx().get(), bad_token, &resp).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

// Text that is not UTF-8 fails to parse before any handler runs; the client
// is told which field, never INTERNAL, and nothing is written.
TEST_F(LedgerE2eTest, InvalidUtf8IsRefusedNamingTheField) {
  const v1::Account a = CreateAccount("a", v1::ACCOUNT_TYPE_ASSET, false);
  const v1::Account b = CreateAccount("b", v1::ACCOUNT_TYPE_EQUITY, false);
  auto req = Journal(UniqueName("utf8"), a.id(), b.id(), 100);
  req.set_description(std::string("rent \xff\xfe"));
  v1::Transaction t;
  grpc::Status s = stub_->CreateTransaction(Ctx().get(), req, &t);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
  EXPECT_EQ(RefusalOf(s).field, "description");
  EXPECT_EQ(RefusalOf(s).info.reason(), "INVALID_FIELD");
  auto nested = Journal(UniqueName("utf8n"), a.id(), b.id(), 100);
  nested.mutable_postings(0)->mutable_amount()->set_currency(std::string("G\xc3"));
  s = stub_->CreateTransaction(Ctx().get(), nested, &t);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(RefusalOf(s).field, "Money.currency");
  auto conn = MigratedConnection();
  EXPECT_EQ(ScalarInt(*conn, "SELECT count(*) FROM ledger.transactions WHERE request_id = '" +
                                 req.request_id() + "'"),
            0);
}

TEST_F(LedgerE2eTest, ARetryReturnsTheFirstTransaction) {
  const v1::Account a = CreateAccount("a", v1::ACCOUNT_TYPE_ASSET, false);
  const v1::Account b = CreateAccount("b", v1::ACCOUNT_TYPE_EQUITY, false);
  const auto req = Journal(UniqueName("retry"), a.id(), b.id(), 321);
  v1::Transaction first, second;
  ASSERT_TRUE(stub_->CreateTransaction(Ctx().get(), req, &first).ok());
  ASSERT_TRUE(stub_->CreateTransaction(Ctx().get(), req, &second).ok());
  EXPECT_EQ(first.id(), second.id());
  EXPECT_EQ(first.created_by(), "development") << "a journal records who posted it";
  EXPECT_EQ(second.created_by(), "development");
  EXPECT_EQ(Available(a.id()), 321);
  auto changed = req;
  changed.set_description("something else");
  EXPECT_EQ(stub_->CreateTransaction(Ctx().get(), changed, &second).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
}

// Runs last in this suite: it stops the shared server.
TEST_F(LedgerE2eTest, ZzSigtermDrainsInFlightCallsAndExitsCleanly) {
  const v1::Account a = CreateAccount("a", v1::ACCOUNT_TYPE_ASSET, false);
  const v1::Account b = CreateAccount("b", v1::ACCOUNT_TYPE_EQUITY, false);
  std::atomic<int> ok{0}, refused{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&, c] {
      auto stub = v1::LedgerService::NewStub(Channel(server_->address()));
      for (int i = 0; i < 50; ++i) {
        v1::Transaction t;
        auto s = stub->CreateTransaction(
            Ctx(2000).get(), Journal(UniqueName("d" + std::to_string(c)), a.id(), b.id(), 1), &t);
        (s.ok() ? ok : refused)++;
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  server_->Signal(SIGTERM);
  for (auto& t : clients) t.join();
  EXPECT_EQ(server_->Wait(), 0) << server_->Log();
  EXPECT_GT(ok.load(), 0);
  // Every acknowledged write is in the books.
  auto conn = MigratedConnection();
  EXPECT_EQ(ScalarInt(*conn, "SELECT debits_posted FROM ledger.balances WHERE account_id = " +
                                 std::to_string(a.id())),
            ok.load());
  EXPECT_NE(server_->Log().find("draining"), std::string::npos);
}

}  // namespace
}  // namespace dp::testing
