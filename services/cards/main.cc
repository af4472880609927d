// dp-cards serves CardService: prepaid cards, their spending controls, and
// the card processor's real-time authorisations, captures and refunds.
#include "card_service.h"
#include "service/log.h"

int main(int argc, char** argv) {
  dp::service::BlockShutdownSignals();
  dp::service::ServiceConfig config{
      .name = "cards", .listen = "127.0.0.1:7054", .migrations_dir = DP_MIGRATIONS_DIR};
  std::string categories_file = DP_CARD_CATEGORIES_FILE;
  int decision_deadline_ms = 1500;
  CLI::App app{"dp-cards: Direct Payments prepaid cards service"};
  dp::service::AddServiceFlags(app, config);
  app.add_option("--card-categories", categories_file,
                 "merchant category groups, hold days and over-capture allowances (JSON)")
      ->capture_default_str();
  app.add_option("--decision-deadline-ms", decision_deadline_ms,
                 "an authorisation the books cannot decide in this long is declined "
                 "SYSTEM_UNAVAILABLE, with nothing held")
      ->check(CLI::Range(50, 10000))
      ->capture_default_str();
  // One worker: a batch is three round trips, and a second worker only
  // splits the batches and competes for the CPU (bench-cards, purchases on
  // one card account kept to one batch at a time: 1.15 x pgbench with one,
  // 1.00 with two). A batch never waits on a card or a balance (SKIP
  // LOCKED), so one worker is not held up by them.
  dp::cards::AuthorisationBatcher::Options batching{
      .workers = 1, .max_batch = 32, .thread_name = "card-batch"};
  app.add_option("--batch-workers", batching.workers,
                 "threads deciding authorisations in batches (group commit)")
      ->check(CLI::Range(1, 16))
      ->capture_default_str();
  app.add_option("--max-batch", batching.max_batch, "authorisations per database transaction")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  auto categories = dp::cards::Categories::Load(categories_file);
  if (!categories.ok()) {
    dp::service::LogEvent(
        "error", {{"service", "cards"}, {"msg", std::string(categories.status().message())}});
    return 1;
  }
  dp::service::ServiceHost host(config);
  if (absl::Status s = host.Prepare(); !s.ok()) {
    dp::service::LogEvent("error", {{"service", "cards"}, {"msg", std::string(s.message())}});
    return 1;
  }
  // How busy the batch worker is (dp_card_batch_seconds' sum): the first
  // thing to look at when decisions slow down.
  batching.on_batch = [&host](size_t, double seconds) {
    host.metrics().Observe(dp::service::kCardBatchSeconds, {}, seconds);
  };
  dp::cards::AuthorisationBatcher batcher(config.database_url, host.keyring().audit_key(),
                                          std::chrono::milliseconds(decision_deadline_ms),
                                          batching);
  dp::cards_service::CardServiceImpl cards(
      host, std::move(*categories), std::chrono::milliseconds(decision_deadline_ms), batcher);
  return host.Run({&cards});
}
