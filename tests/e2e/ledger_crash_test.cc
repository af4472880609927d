// kill -9 the ledger while clients post with retries; restart it; every
// acknowledged transfer is there exactly once and the books still balance.
#include <signal.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "dp/v1/admin.grpc.pb.h"
#include "dp/v1/ledger.grpc.pb.h"
#include "grpc_helpers.h"
#include "service_process.h"
#include "test_db.h"
#include "gtest/gtest.h"

namespace dp::testing {
namespace {

constexpr int kClients = 8;
constexpr int kMaxTransfersPerClient = 100000;  // bound; clients stop when told
constexpr int kMaxAttempts = 400;

int64_t NewAccount(v1::LedgerService::Stub& stub, const std::string& stem) {
  v1::CreateAccountRequest req;
  req.set_request_id(UniqueName("crash-acct-" + stem));
  req.set_code(UniqueName(stem));
  req.set_name(stem);
  req.set_type(v1::ACCOUNT_TYPE_ASSET);
  req.set_currency("GBP");
  v1::Account account;
  EXPECT_TRUE(stub.CreateAccount(Ctx().get(), req, &account).ok());
  return account.id();
}

TEST(LedgerCrashTest, AcknowledgedTransfersSurviveKillNineExactlyOnce) {
  MigratedConnection();
  ServiceProcess server("ledger");
  ASSERT_TRUE(server.Start()) << server.Log();
  auto setup_stub = v1::LedgerService::NewStub(Channel(server.address()));
  const int64_t from = NewAccount(*setup_stub, "crash-from");
  const int64_t to = NewAccount(*setup_stub, "crash-to");

  std::mutex mu;
  std::vector<std::string> acknowledged;
  std::atomic<int> gave_up{0}, failed_attempts{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      auto stub = v1::LedgerService::NewStub(Channel(server.address()));
      for (int i = 0; i < kMaxTransfersPerClient && !stop; ++i) {
        v1::CreateTransactionRequest req;
        req.set_request_id(UniqueName("crash-" + std::to_string(c) + "-" + std::to_string(i)));
        req.set_kind("manual_journal");
        req.set_description("crash test");
        for (auto [id, side] : {std::pair{to, v1::SIDE_DEBIT}, std::pair{from, v1::SIDE_CREDIT}}) {
          v1::Posting* p = req.add_postings();
          p->set_account_id(id);
          p->set_side(side);
          p->mutable_amount()->set_amount_pence(100);
          p->mutable_amount()->set_currency("GBP");
        }
        bool acked = false;
        for (int attempt = 0; attempt < kMaxAttempts && !acked; ++attempt) {
          v1::Transaction t;
          auto ctx = Ctx(2000);
          ctx->set_wait_for_ready(true);
          acked = stub->CreateTransaction(ctx.get(), req, &t).ok();
          if (!acked) {
            ++failed_attempts;
            std::this_thread::sleep_for(std::chrono::milliseconds(25));
          }
        }
        if (!acked) {
          ++gave_up;
          continue;
        }
        std::lock_guard lock(mu);
        acknowledged.push_back(req.request_id());
      }
    });
  }
  // Crash twice while the clients are busy.
  for (int crash = 0; crash < 2; ++crash) {
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    server.Signal(SIGKILL);
    EXPECT_EQ(server.Wait(), 128 + SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    ASSERT_TRUE(server.Start()) << server.Log();
  }
  // Traffic after recovery: until enough has been acknowledged for the
  // checks below to mean something, however loaded the machine (bounded).
  for (int waited_ms = 0; waited_ms < 20000; waited_ms += 100) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::lock_guard lock(mu);
    if (waited_ms >= 400 && acknowledged.size() > 150) break;
  }
  stop = true;
  for (auto& t : clients) t.join();

  EXPECT_EQ(gave_up.load(), 0);
  EXPECT_GT(failed_attempts.load(), 0) << "the crashes must hit clients mid-flight";
  EXPECT_GT(acknowledged.size(), 100u);
  auto conn = MigratedConnection();
  pqxx::nontransaction tx(*conn);
  // Exactly one transaction per acknowledged request_id.
  int64_t duplicates = 0, missing = 0;
  for (const std::string& id : acknowledged) {
    const int64_t n =
        tx.exec_params1("SELECT count(*) FROM ledger.transactions WHERE request_id = $1", id)[0]
            .as<int64_t>();
    missing += n == 0;
    duplicates += n > 1;
  }
  EXPECT_EQ(missing, 0);
  EXPECT_EQ(duplicates, 0);
  const int64_t debits =
      tx.exec_params1("SELECT debits_posted FROM ledger.balances WHERE account_id = $1", to)[0]
          .as<int64_t>();
  EXPECT_EQ(debits, 100 * static_cast<int64_t>(acknowledged.size()));
  // The whole ledger still balances, transaction by transaction.
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM (SELECT transaction_id FROM ledger.postings"
                     " GROUP BY transaction_id HAVING sum(amount_pence) <> 0) u")[0]
                .as<int64_t>(),
            0);
  // The audit event commits with its write: no transfer without a
  // successful event naming it, including those committed but never
  // acknowledged, and no successful event without its transfer.
  EXPECT_EQ(tx.exec_params1(
                  "SELECT count(*) FROM ledger.postings p WHERE p.account_id = $1"
                  " AND NOT EXISTS (SELECT 1 FROM audit.events e WHERE e.code = 0"
                  "   AND e.method = '/dp.v1.LedgerService/CreateTransaction'"
                  "   AND e.resource = 'ledger/transactions/' || p.transaction_id)",
                  to)[0]
                .as<int64_t>(),
            0);
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM audit.events e WHERE e.code = 0"
                     " AND e.method = '/dp.v1.LedgerService/CreateTransaction'"
                     " AND NOT EXISTS (SELECT 1 FROM ledger.transactions t"
                     "   WHERE e.resource = 'ledger/transactions/' || t.id)")[0]
                .as<int64_t>(),
            0);
  // And the trail the crashes cut into still verifies.
  auto audit = v1::AuditService::NewStub(Channel(server.address()));
  v1::VerifyAuditChainResponse verdict;
  ASSERT_TRUE(audit->VerifyAuditChain(Ctx().get(), {}, &verdict).ok());
  EXPECT_TRUE(verdict.intact()) << verdict.problem();
}

}  // namespace
}  // namespace dp::testing
