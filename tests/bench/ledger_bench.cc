// ledger_bench: N transfers between M accounts through LedgerService over
// gRPC with C concurrent clients. Prints transfers/s and latency
// percentiles. tools/bench-ledger runs it beside pgbench on the same
// PostgreSQL and prints the ratio.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <random>
#include <thread>

#include <CLI/CLI.hpp>
#include <grpcpp/grpcpp.h>

#include "dp/v1/ledger.grpc.pb.h"

namespace {

using Clock = std::chrono::steady_clock;

int64_t CreateAccount(dp::v1::LedgerService::Stub& stub, const std::string& run, int i,
                      bool no_negative) {
  dp::v1::CreateAccountRequest req;
  req.set_request_id(run + "-acct-" + std::to_string(i));
  req.set_code(run + ":A" + std::to_string(i));
  req.set_name("bench account");
  req.set_type(dp::v1::ACCOUNT_TYPE_ASSET);
  req.set_currency("GBP");
  req.set_credits_must_not_exceed_debits(no_negative);
  dp::v1::Account account;
  grpc::ClientContext ctx;
  auto s = stub.CreateAccount(&ctx, req, &account);
  if (!s.ok()) {
    std::cerr << "create account: " << s.error_message() << "\n";
    std::exit(1);
  }
  return account.id();
}

}  // namespace

int main(int argc, char** argv) {
  std::string address = "127.0.0.1:7051";
  int transfers = 20000, accounts = 1000, clients = 32;
  CLI::App app{"ledger_bench"};
  app.add_option("--addr", address);
  app.add_option("--transfers", transfers);
  app.add_option("--accounts", accounts)->check(CLI::Range(2, 1000000));
  app.add_option("--clients", clients)->check(CLI::Range(1, 1024));
  CLI11_PARSE(app, argc, argv);

  const std::string run = "bench" + std::to_string(std::random_device{}() % 1000000000);
  auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  auto stub = dp::v1::LedgerService::NewStub(channel);
  std::vector<int64_t> ids;
  for (int i = 0; i < accounts; ++i) ids.push_back(CreateAccount(*stub, run, i, false));

  std::atomic<int> next{0}, failed{0};
  std::vector<std::vector<double>> latencies_ms(clients);
  const auto started = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      std::mt19937_64 rng(c);
      auto client_stub = dp::v1::LedgerService::NewStub(channel);
      for (int n = next++; n < transfers; n = next++) {
        const int64_t a = ids[rng() % ids.size()];
        int64_t b = ids[rng() % ids.size()];
        if (b == a) b = ids[(std::find(ids.begin(), ids.end(), a) - ids.begin() + 1) % ids.size()];
        dp::v1::CreateTransactionRequest req;
        req.set_request_id(run + "-t" + std::to_string(n));
        req.set_kind("transfer");
        req.set_description("benchmark transfer");
        for (auto [id, side] : {std::pair{a, dp::v1::SIDE_DEBIT},
                                std::pair{b, dp::v1::SIDE_CREDIT}}) {
          auto* p = req.add_postings();
          p->set_account_id(id);
          p->set_side(side);
          p->mutable_amount()->set_amount_pence(1 + static_cast<int64_t>(rng() % 10000));
          p->mutable_amount()->set_currency("GBP");
        }
        req.mutable_postings(1)->mutable_amount()->set_amount_pence(
            req.postings(0).amount().amount_pence());
        dp::v1::Transaction t;
        grpc::ClientContext ctx;
        const auto t0 = Clock::now();
        auto s = client_stub->CreateTransaction(&ctx, req, &t);
        latencies_ms[c].push_back(
            std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        if (!s.ok()) ++failed;
      }
    });
  }
  for (auto& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  std::vector<double> all;
  for (const auto& v : latencies_ms) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) { return all.empty() ? 0 : all[static_cast<size_t>(p * (all.size() - 1))]; };
  std::printf("ledger: %d transfers, %d accounts, %d clients, %d failed\n", transfers, accounts,
              clients, failed.load());
  std::printf("ledger transfers/s: %.0f\n", transfers / seconds);
  std::printf("ledger latency ms: p50 %.2f  p99 %.2f\n", pct(0.50), pct(0.99));
  return failed.load() == 0 ? 0 : 1;
}
