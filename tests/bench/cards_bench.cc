// cards_bench: real-time card authorisations through CardService over
// mutual TLS, as the processor calls them, across many cards. It makes its
// own cards first (as an officer: card-paid agreements, funded by the
// payment schedule, each with its cards), then measures
//   * closed loop: C clients at saturation, decisions per second;
//   * open loop: a fixed arrival rate, latency from each call's due time
//     (p50, p99, p999), and the declines by reason; how busy the machine
//     and this client were (CPU) in each loop; with --metrics-addr,
//     also how busy the service's batch worker was meanwhile.
// With --compare-addr, a second card service on the same database is
// measured with the first in alternating rounds (CompareSides).
// tools/bench-cards runs it beside pgbench on the same PostgreSQL.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <httplib.h>

#include "dp/v1/agreements.grpc.pb.h"
#include "dp/v1/cards.grpc.pb.h"
#include "load.h"

namespace dp {
namespace {

template <typename Rpc>
void MustSucceed(const char* what, Rpc rpc) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  const grpc::Status s = rpc(&ctx);
  if (!s.ok()) {
    std::cerr << what << ": " << s.error_message() << "\n";
    std::exit(1);
  }
}

// BatchTotals is the card service's dp_card_batch_seconds so far: its
// batches and their seconds, from its /metrics on `addr` (host:port).
struct BatchTotals {
  double batches = 0;
  double seconds = 0;
};
BatchTotals ScrapeBatches(const std::string& addr) {
  const size_t colon = addr.rfind(':');
  httplib::Client client(addr.substr(0, colon), std::stoi(addr.substr(colon + 1)));
  const auto page = client.Get("/metrics");
  if (!page || page->status != 200) {
    std::cerr << "no /metrics from " << addr << "\n";
    std::exit(1);
  }
  BatchTotals totals;
  std::istringstream lines(page->body);
  for (std::string line; std::getline(lines, line);) {
    const size_t space = line.rfind(' ');
    if (line.rfind("dp_card_batch_seconds_count{", 0) == 0) totals.batches = std::stod(line.substr(space));
    if (line.rfind("dp_card_batch_seconds_sum{", 0) == 0) totals.seconds = std::stod(line.substr(space));
  }
  return totals;
}

// Watch is what a phase of the run cost: the service's batches (when its
// /metrics are known) and the machine's CPU, from its making to Report.
class Watch {
 public:
  explicit Watch(std::string metrics_addr)
      : metrics_addr_(std::move(metrics_addr)),
        batches_(metrics_addr_.empty() ? BatchTotals{} : ScrapeBatches(metrics_addr_)),
        cpu_(bench::CpuUse::Now()) {}

  // Report says what `phase`'s `decisions` over `seconds` cost, in lines
  // such as "open loop batches: 13778, 1.09 decisions each, 1.96 ms each,
  // worker busy 90%" and "open loop cpu: machine 1.03 of 2 cores busy,
  // this client 0.11".
  std::string Report(const std::string& phase, double decisions, double seconds) const {
    const std::string cpu = bench::CpuUse::Now().Since(cpu_);
    const BatchTotals since = Batches();
    std::string out;
    if (since.batches > 0) {
      char line[200];
      std::snprintf(line, sizeof line,
                    " batches: %.0f, %.2f decisions each, %.2f ms each, worker busy %.0f%%\n",
                    since.batches, decisions / since.batches, 1000 * since.seconds / since.batches,
                    100 * since.seconds / seconds);
      out = phase + line;
    }
    return out + phase + " cpu: " + cpu + "\n";
  }

  // Batches is the service's batches and their seconds since the watch
  // was made (none without its /metrics).
  BatchTotals Batches() const {
    if (metrics_addr_.empty()) return {};
    const BatchTotals now = ScrapeBatches(metrics_addr_);
    return {now.batches - batches_.batches, now.seconds - batches_.seconds};
  }

 private:
  std::string metrics_addr_;
  BatchTotals batches_;
  bench::CpuUse cpu_;
};

v1::Date Day(int y, int m, int d) {
  v1::Date out;
  out.set_year(y);
  out.set_month(m);
  out.set_day(d);
  return out;
}

v1::Money Gbp(int64_t pence) {
  v1::Money m;
  m.set_amount_pence(pence);
  m.set_currency("GBP");
  return m;
}

// MakeCards makes `cards` cards, `per_agreement` to an agreement, and
// returns their tokens.
std::vector<std::string> MakeCards(const std::shared_ptr<grpc::Channel>& agreements_channel,
                                   const std::shared_ptr<grpc::Channel>& cards_channel,
                                   const std::string& authority, const std::string& run, int cards,
                                   int per_agreement) {
  auto a = v1::AgreementService::NewStub(agreements_channel);
  auto c = v1::CardService::NewStub(cards_channel);
  v1::SetAuthoritySettingsRequest settings;
  settings.set_request_id(run + "-settings");
  auto* s = settings.mutable_settings();
  s->set_authority_id(authority);
  *s->mutable_effective_from() = Day(2026, 4, 1);
  *s->mutable_worker_limit() = Gbp(20'000'00);
  *s->mutable_manager_limit() = Gbp(50'000'00);
  s->set_panel_max_wait_days(28);
  s->set_payment_frequency(v1::PAYMENT_FREQUENCY_FOUR_WEEKLY);
  *s->mutable_cycle_anchor() = Day(2026, 4, 6);
  s->set_surplus_threshold_weeks(8);
  s->add_blocked_card_categories("7995");
  s->set_max_additional_cardholders(per_agreement - 1);
  v1::AuthoritySettings saved;
  MustSucceed("settings", [&](auto* ctx) { return a->SetAuthoritySettings(ctx, settings, &saved); });
  v1::CreatePersonRequest person;
  person.set_request_id(run + "-person");
  person.set_authority_id(authority);
  person.set_display_name("Benchmark person");
  v1::PersonSummary summary;
  MustSucceed("person", [&](auto* ctx) { return a->CreatePerson(ctx, person, &summary); });
  std::vector<std::string> tokens;
  const int agreements = (cards + per_agreement - 1) / per_agreement;
  for (int i = 0; i < agreements; ++i) {
    v1::CreateAgreementRequest create;
    create.set_request_id(run + "-agr-" + std::to_string(i));
    create.set_authority_id(authority);
    create.set_person_id(summary.person_id());
    auto* t = create.mutable_terms();
    t->set_model_version("BENCH-1");
    t->add_permitted_uses("equipment");
    *t->mutable_gross_budget() = Gbp(3'000'00);
    *t->mutable_start_date() = Day(2026, 4, 6);
    t->set_payment_method(v1::PAYMENT_METHOD_CARD);
    v1::Agreement agreement;
    MustSucceed("agreement", [&](auto* ctx) { return a->CreateAgreement(ctx, create, &agreement); });
    for (auto action : {v1::DECISION_ACTION_SUBMIT, v1::DECISION_ACTION_APPROVE,
                        v1::DECISION_ACTION_ACTIVATE}) {
      v1::DecideRequest d;
      d.set_request_id(run + "-d-" + std::to_string(i) + "-" + std::to_string(action));
      d.set_agreement_id(agreement.agreement_id());
      d.set_action(action);
      d.set_reason("benchmark");
      MustSucceed("decision", [&](auto* ctx) { return a->Decide(ctx, d, &agreement); });
    }
    for (int k = 0; k < per_agreement && static_cast<int>(tokens.size()) < cards; ++k) {
      v1::IssueCardRequest issue;
      issue.set_request_id(run + "-card-" + std::to_string(tokens.size()));
      issue.set_agreement_id(agreement.agreement_id());
      issue.set_processor_token(run + "-tok-" + std::to_string(tokens.size()));
      issue.set_last4("4242");
      issue.set_expiry_month(9);
      issue.set_expiry_year(2030);
      issue.set_additional_holder(k > 0);
      issue.set_holder_name("Benchmark holder");
      issue.set_reason("benchmark card");
      v1::Card card;
      MustSucceed("card", [&](auto* ctx) { return c->IssueCard(ctx, issue, &card); });
      tokens.push_back(issue.processor_token());
    }
  }
  v1::RunPaymentScheduleRequest pay;
  pay.set_request_id(run + "-pay");
  pay.set_authority_id(authority);
  *pay.mutable_run_date() = Day(2026, 12, 1);  // nine 4-weekly loads of £3,000
  v1::PaymentRun paid;
  MustSucceed("payments", [&](auto* ctx) { return a->RunPaymentSchedule(ctx, pay, &paid); });
  return tokens;
}

// Purchase is a day's mix: mostly shops, some blocked gambling, a few
// attempts at cash.
v1::AuthorizeRequest Purchase(const std::string& id, const std::string& token, uint64_t roll) {
  v1::AuthorizeRequest req;
  req.set_processor_id(id);
  req.set_card_token(token);
  *req.mutable_amount() = Gbp(100 + static_cast<int64_t>(roll % 900));
  const int kind = static_cast<int>(roll % 100);
  req.set_merchant_category(kind < 5 ? "7995" : "5411");
  req.set_channel(kind >= 5 && kind < 7 ? v1::CHANNEL_ATM : v1::CHANNEL_IN_PERSON);
  if (kind >= 5 && kind < 7) req.set_merchant_category("6011");
  req.set_merchant_name("Benchmark merchant");
  req.set_merchant_country("GB");
  return req;
}

struct Tally {
  std::mutex mu;
  std::map<std::string, int> by_reason;
  void Count(const v1::AuthorizationDecision& d) {
    std::lock_guard lock(mu);
    ++by_reason[d.reason() == v1::DECLINE_REASON_UNSPECIFIED
                    ? std::string("approved")
                    : v1::DeclineReason_Name(d.reason()).substr(15)];
  }
};

bench::Result Authorise(const std::shared_ptr<grpc::Channel>& channel,
                        const std::vector<std::string>& tokens, const std::string& run, int count,
                        int threads, double rate_per_s, Tally* tally) {
  std::atomic<int> reported{0};
  return bench::Drive(count, threads, rate_per_s, [&](int n, std::mt19937_64& rng) {
    thread_local auto stub = v1::CardService::NewStub(channel);
    const uint64_t roll = rng();
    const auto req = Purchase(run + "-" + std::to_string(n), tokens[roll % tokens.size()], roll >> 20);
    v1::AuthorizationDecision decision;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    const grpc::Status s = stub->Authorize(&ctx, req, &decision);
    if (!s.ok()) {
      if (reported++ < 3) std::cerr << "authorisation failed: " << s.error_message() << "\n";
      return false;
    }
    if (tally != nullptr) tally->Count(decision);
    return true;
  });
}

// Median is the middle of `values` (the upper one of an even count).
double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

// Side is one of two card services measured side by side: its channel,
// its /metrics, and what its rounds gave.
struct Side {
  std::string name;
  std::shared_ptr<grpc::Channel> channel;
  std::string metrics_addr;
  std::vector<double> closed_per_s;  // a round's decisions a second
  std::vector<double> open_p99_ms;   // a round's open-loop p99
  bench::Result open;                // every open-loop round's latencies
  BatchTotals closed_batches, open_batches;
};

// Round runs one side's share of a loop, `count` decisions, and adds its
// batches to `batches`.
bench::Result Round(const Side& side, const std::vector<std::string>& tokens,
                    const std::string& run, int count, int threads, double rate,
                    BatchTotals* batches) {
  const Watch watch(side.metrics_addr);
  bench::Result r = Authorise(side.channel, tokens, run, count, threads, rate, nullptr);
  const BatchTotals since = watch.Batches();
  batches->batches += since.batches;
  batches->seconds += since.seconds;
  return r;
}

// CompareSides measures two card services on one database (two builds, or
// one build twice to see the machine's own spread) in alternating rounds,
// A then B, then B then A, ..., so that both meet the same machine: here a
// build measured minutes after another can differ by a third with no
// change at all. Each round is `decisions / rounds` closed-loop decisions
// a side, then `open_seconds / rounds` of the open loop a side, whose
// latencies are pooled per side, and whose p99s are compared round by
// round. Before the open loop's rounds, each side runs one round that is
// not counted: the first open-loop round after the closed loop meets the
// closed loop's writes still being flushed, and was always A's (B's
// pooled p99 was the lower in eight runs of nine, whichever build B was).
// Returns the calls that failed.
int CompareSides(Side (&sides)[2], const std::vector<std::string>& tokens, const std::string& run,
                 int decisions, int clients, double rate, double open_seconds, int open_threads,
                 int rounds) {
  const int closed_each = decisions / rounds;
  const int open_each = static_cast<int>(rate * open_seconds / rounds);
  int failed = 0;
  for (int loop = 0; loop < 2; ++loop) {
    const bool closed = loop == 0;
    std::fprintf(stderr, "%s loop: %d rounds of A and B ...\n", closed ? "closed" : "open", rounds);
    if (!closed) {
      for (const Side* side : {&sides[1], &sides[0]}) {
        BatchTotals uncounted;
        failed += Round(*side, tokens, run + "os" + side->name, open_each, open_threads, rate,
                        &uncounted)
                      .failed;
      }
    }
    for (int r = 0; r < rounds; ++r) {
      for (int k = 0; k < 2; ++k) {
        Side& side = sides[r % 2 == 0 ? k : 1 - k];
        const bench::Result res =
            Round(side, tokens, run + (closed ? "c" : "o") + side.name + std::to_string(r),
                  closed ? closed_each : open_each, closed ? clients : open_threads,
                  closed ? 0 : rate, closed ? &side.closed_batches : &side.open_batches);
        failed += res.failed;
        if (closed) {
          side.closed_per_s.push_back(closed_each / res.seconds);
        } else {
          side.open_p99_ms.push_back(res.Pct(0.99));
          side.open.latencies_ms.insert(side.open.latencies_ms.end(), res.latencies_ms.begin(),
                                        res.latencies_ms.end());
        }
      }
    }
  }
  std::vector<double> pair_ratios, p99_ratios;
  for (int r = 0; r < rounds; ++r) {
    pair_ratios.push_back(sides[1].closed_per_s[r] / sides[0].closed_per_s[r]);
    p99_ratios.push_back(sides[1].open_p99_ms[r] / sides[0].open_p99_ms[r]);
  }
  for (Side& side : sides) {
    std::sort(side.open.latencies_ms.begin(), side.open.latencies_ms.end());
    std::string rates;
    for (double x : side.closed_per_s) rates += " " + std::to_string(std::lround(x));
    std::printf("side %s closed loop decisions/s: median %.0f, rounds%s\n", side.name.c_str(),
                Median(side.closed_per_s), rates.c_str());
    std::printf("side %s open loop %.0f/s: p50 %.1f ms p99 %.1f ms p999 %.1f ms\n",
                side.name.c_str(), rate, side.open.Pct(0.50), side.open.Pct(0.99),
                side.open.Pct(0.999));
    const BatchTotals& c = side.closed_batches;
    const BatchTotals& o = side.open_batches;
    if (c.batches > 0 && o.batches > 0) {
      std::printf(
          "side %s batches: closed loop %.2f decisions, %.2f ms each; open loop %.2f, %.2f ms\n",
          side.name.c_str(), closed_each * rounds / c.batches, 1000 * c.seconds / c.batches,
          open_each * rounds / o.batches, 1000 * o.seconds / o.batches);
    }
  }
  for (const auto& [what, ratios] : {std::pair{"closed loop", &pair_ratios},
                                     std::pair{"open p99", &p99_ratios}}) {
    std::printf("B/A %s: median %.2f, rounds %.2f to %.2f\n", what, Median(*ratios),
                *std::min_element(ratios->begin(), ratios->end()),
                *std::max_element(ratios->begin(), ratios->end()));
  }
  // The standard line, for A: the baseline's ratio to pgbench.
  std::printf("decisions/s: %.0f\n", Median(sides[0].closed_per_s));
  return failed;
}

}  // namespace
}  // namespace dp

int main(int argc, char** argv) {
  using namespace dp;
  std::string cards_addr, agreements_addr, ca, officer_cert, officer_key, processor_cert,
      processor_key, authority;
  int cards = 1000, per_agreement = 4, clients = 32, decisions = 20000, open_threads = 64;
  double rate = 500, open_seconds = 30;
  std::string after_warmup, metrics_addr, compare_addr, compare_metrics_addr;
  int rounds = 6;
  CLI::App app{"cards_bench"};
  app.add_option("--cards-addr", cards_addr)->required();
  app.add_option("--agreements-addr", agreements_addr)->required();
  app.add_option("--ca", ca)->required();
  app.add_option("--officer-cert", officer_cert)->required();
  app.add_option("--officer-key", officer_key)->required();
  app.add_option("--processor-cert", processor_cert)->required();
  app.add_option("--processor-key", processor_key)->required();
  app.add_option("--authority", authority)->required();
  app.add_option("--cards", cards)->check(CLI::Range(1, 100000));
  app.add_option("--per-agreement", per_agreement, "cards an agreement has")->check(CLI::Range(1, 11));
  app.add_option("--clients", clients, "closed-loop clients")->check(CLI::Range(1, 1024));
  app.add_option("--decisions", decisions, "closed-loop decisions")->check(CLI::Range(100, 10000000));
  app.add_option("--rate", rate, "open-loop arrivals per second")->check(CLI::Range(1.0, 100000.0));
  app.add_option("--open-seconds", open_seconds)->check(CLI::Range(1.0, 3600.0));
  app.add_option("--open-threads", open_threads)->check(CLI::Range(1, 4096));
  app.add_option("--after-warmup", after_warmup,
                 "a shell command to run after the warm-up (e.g. an ANALYZE)");
  app.add_option("--metrics-addr", metrics_addr,
                 "the card service's /metrics (host:port), for its batch worker's share busy");
  app.add_option("--compare-addr", compare_addr,
                 "a second card service on the same database (host:port): both measured in "
                 "alternating rounds, the first as A, this one as B");
  app.add_option("--compare-metrics-addr", compare_metrics_addr, "the second service's /metrics");
  app.add_option("--rounds", rounds, "rounds of A and B, with --compare-addr")
      ->check(CLI::Range(1, 100));
  CLI11_PARSE(app, argc, argv);
  bench::QuietMutexes();

  const std::string run = "cb" + std::to_string(std::random_device{}() % 1000000000);
  const auto officer = bench::Credentials(ca, officer_cert, officer_key);
  std::fprintf(stderr, "making %d cards ...\n", cards);
  const auto tokens = MakeCards(grpc::CreateChannel(agreements_addr, officer),
                                grpc::CreateChannel(cards_addr, officer), authority, run, cards,
                                per_agreement);
  const auto processor = bench::Credentials(ca, processor_cert, processor_key);
  auto channel = grpc::CreateChannel(cards_addr, processor);
  std::fprintf(stderr, "warming up ...\n");
  (void)Authorise(channel, tokens, run + "w", std::min(2000, decisions / 5), clients, 0, nullptr);
  Side sides[2] = {{.name = "A", .channel = channel, .metrics_addr = metrics_addr},
                   {.name = "B", .channel = nullptr, .metrics_addr = compare_metrics_addr}};
  if (!compare_addr.empty()) {
    sides[1].channel = grpc::CreateChannel(compare_addr, processor);
    (void)Authorise(sides[1].channel, tokens, run + "wB", std::min(2000, decisions / 5), clients, 0,
                    nullptr);
  }
  if (!after_warmup.empty() && std::system(after_warmup.c_str()) != 0) {
    std::cerr << "--after-warmup failed: " << after_warmup << "\n";
    return 1;
  }
  std::printf("cards: %zu cards, %d clients, mutual TLS, audit trail on, each decision durable\n",
              tokens.size(), clients);
  if (!compare_addr.empty()) {
    const int failed = CompareSides(sides, tokens, run, decisions, clients, rate, open_seconds,
                                    open_threads, rounds);
    if (failed > 0) std::printf("failed: %d\n", failed);
    return failed == 0 ? 0 : 1;
  }
  std::fprintf(stderr, "closed loop: %d decisions, %d clients ...\n", decisions, clients);
  const Watch closed_watch(metrics_addr);
  const bench::Result closed = Authorise(channel, tokens, run + "c", decisions, clients, 0, nullptr);
  const std::string closed_costs = closed_watch.Report("closed loop", decisions, closed.seconds);
  std::fprintf(stderr, "open loop: %.0f/s for %.0f s ...\n", rate, open_seconds);
  Tally tally;
  const Watch open_watch(metrics_addr);
  const bench::Result open = Authorise(channel, tokens, run + "o", static_cast<int>(rate * open_seconds),
                                       open_threads, rate, &tally);
  std::printf("decisions/s: %.0f\n", decisions / closed.seconds);
  std::printf("closed-loop latency ms: p50 %.2f  p99 %.2f  p999 %.2f\n", closed.Pct(0.50),
              closed.Pct(0.99), closed.Pct(0.999));
  std::printf("%s", closed_costs.c_str());
  std::string reasons;
  for (const auto& [reason, n] : tally.by_reason) reasons += " " + reason + "=" + std::to_string(n);
  std::printf("open loop decisions:%s\n", reasons.c_str());
  std::printf("open loop %.0f/s: p50 %.1f ms p99 %.1f ms p999 %.1f ms\n", rate, open.Pct(0.50),
              open.Pct(0.99), open.Pct(0.999));
  std::printf("%s", open_watch.Report("open loop", rate * open_seconds, open.seconds).c_str());
  const int failed = closed.failed + open.failed;
  if (failed > 0) std::printf("failed: %d\n", failed);
  return failed == 0 ? 0 : 1;
}
