// ledger_bench: transfers through LedgerService over gRPC, as in
// production (mutual TLS when given certificates; the audit trail is always
// on in the service). Two measurements over the same accounts:
//   * closed loop: C clients, each sending its next transfer as soon as the
//     last is answered: the throughput;
//   * open loop: transfers scheduled at a fixed arrival rate, latency
//     counted from each one's scheduled time (so a stall is not hidden by
//     the clients waiting): p50, p99, p999.
// tools/bench-ledger runs it beside pgbench on the same PostgreSQL.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <thread>

#include <CLI/CLI.hpp>
#include <grpcpp/grpcpp.h>

#include "dp/v1/ledger.grpc.pb.h"
#include "load.h"

namespace dp {
namespace {

using bench::Result;

int64_t CreateAccount(dp::v1::LedgerService::Stub& stub, const std::string& run, int i) {
  dp::v1::CreateAccountRequest req;
  req.set_request_id(run + "-acct-" + std::to_string(i));
  req.set_code(run + ":A" + std::to_string(i));
  req.set_name("bench account");
  req.set_type(dp::v1::ACCOUNT_TYPE_ASSET);
  req.set_currency("GBP");
  dp::v1::Account account;
  grpc::ClientContext ctx;
  auto s = stub.CreateAccount(&ctx, req, &account);
  if (!s.ok()) {
    std::cerr << "create account: " << s.error_message() << "\n";
    std::exit(1);
  }
  return account.id();
}

dp::v1::CreateTransactionRequest Transfer(const std::string& id, int64_t from, int64_t to,
                                          int64_t pence) {
  dp::v1::CreateTransactionRequest req;
  req.set_request_id(id);
  req.set_kind("transfer");
  req.set_description("benchmark transfer");
  for (auto [account, side] : {std::pair{from, dp::v1::SIDE_DEBIT},
                               std::pair{to, dp::v1::SIDE_CREDIT}}) {
    auto* p = req.add_postings();
    p->set_account_id(account);
    p->set_side(side);
    p->mutable_amount()->set_amount_pence(pence);
    p->mutable_amount()->set_currency("GBP");
  }
  return req;
}

// Run sends `count` transfers from `threads` threads (bench::Drive: open
// loop at `rate_per_s` > 0, closed loop otherwise).
Result Run(const std::shared_ptr<grpc::Channel>& channel, const std::vector<int64_t>& ids,
           const std::string& run, int count, int threads, double rate_per_s) {
  std::atomic<int> reported{0};
  return bench::Drive(count, threads, rate_per_s, [&](int n, std::mt19937_64& rng) {
    thread_local auto stub = dp::v1::LedgerService::NewStub(channel);
    const size_t i = rng() % ids.size();
    const size_t j = (i + 1 + rng() % (ids.size() - 1)) % ids.size();
    auto req = Transfer(run + "-t" + std::to_string(n), ids[i], ids[j],
                        1 + static_cast<int64_t>(rng() % 10000));
    dp::v1::Transaction t;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    const grpc::Status s = stub->CreateTransaction(&ctx, req, &t);
    if (!s.ok() && reported++ < 3) std::cerr << "transfer failed: " << s.error_message() << "\n";
    return s.ok();
  });
}

}  // namespace
}  // namespace dp

int main(int argc, char** argv) {
  using namespace dp;
  std::string address = "127.0.0.1:7051", ca, cert, key, label = "ledger";
  int transfers = 20000, accounts = 1000, clients = 32, open_threads = 128;
  double open_fraction = 0.7;
  CLI::App app{"ledger_bench"};
  app.add_option("--addr", address);
  app.add_option("--ca", ca, "CA certificate: mutual TLS with --cert and --key");
  app.add_option("--cert", cert);
  app.add_option("--key", key);
  app.add_option("--label", label, "name for the output lines");
  app.add_option("--transfers", transfers, "per phase");
  app.add_option("--accounts", accounts)->check(CLI::Range(2, 1000000));
  app.add_option("--clients", clients, "closed-loop clients")->check(CLI::Range(1, 1024));
  app.add_option("--open-threads", open_threads, "senders for the open loop")
      ->check(CLI::Range(1, 4096));
  app.add_option("--open-fraction", open_fraction,
                 "open-loop arrival rate as a fraction of the closed-loop throughput")
      ->check(CLI::Range(0.05, 1.0));
  CLI11_PARSE(app, argc, argv);
  bench::QuietMutexes();

  const auto creds = bench::Credentials(ca, cert, key);
  const std::string run = "bench" + std::to_string(std::random_device{}() % 1000000000);
  auto channel = grpc::CreateChannel(address, creds);
  auto stub = dp::v1::LedgerService::NewStub(channel);
  std::vector<int64_t> ids;
  for (int i = 0; i < accounts; ++i) ids.push_back(CreateAccount(*stub, run, i));

  // Warm up: connections, the database's caches, the batcher.
  (void)Run(channel, ids, run + "w", std::min(2000, transfers / 5), clients, 0);
  const Result closed = Run(channel, ids, run + "c", transfers, clients, 0);
  const double tps = transfers / closed.seconds;
  const double rate = tps * open_fraction;
  const Result open = Run(channel, ids, run + "o", std::max(1000, static_cast<int>(rate * 10)),
                          open_threads, rate);
  std::printf("%s: %d transfers, %d accounts, %d clients, %s, audit trail on\n", label.c_str(),
              transfers, accounts, clients, ca.empty() ? "plaintext" : "mutual TLS");
  std::printf("%s transfers/s: %.0f\n", label.c_str(), tps);
  std::printf("%s closed-loop latency ms: p50 %.2f  p99 %.2f  p999 %.2f\n", label.c_str(),
              closed.Pct(0.50), closed.Pct(0.99), closed.Pct(0.999));
  std::printf("%s open-loop at %.0f/s (%.0f%% of the above), latency ms: p50 %.2f  p99 %.2f"
              "  p999 %.2f\n",
              label.c_str(), rate, open_fraction * 100, open.Pct(0.50), open.Pct(0.99),
              open.Pct(0.999));
  const int failed = closed.failed + open.failed;
  if (failed > 0) std::printf("%s failed: %d\n", label.c_str(), failed);
  return failed == 0 ? 0 : 1;
}
