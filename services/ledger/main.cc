// dp-ledger serves LedgerService, the double-entry ledger over PostgreSQL,
// AdminService (organisations, principals, grants) and AuditService.
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "admin_service.h"
#include "audit_service.h"
#include "ledger/batcher.h"
#include "ledger/writer.h"
#include "ledger_service.h"
#include "service/log.h"
#include "service/metrics.h"

namespace {

// Housekeeper, once a second until stopped, releases holds whose time is
// up and marks the settled horizon for reports read on a replica
// (migration 0029).
class Housekeeper {
 public:
  explicit Housekeeper(dp::db::PgPool& pool) : pool_(pool), thread_([this] { Loop(); }) {}
  ~Housekeeper() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

 private:
  void Loop() {
    std::unique_lock lock(mu_);
    while (!wake_.wait_for(lock, std::chrono::seconds(1), [&] { return stop_; })) {
      lock.unlock();
      try {
        auto conn = pool_.Acquire();
        pqxx::work tx(*conn);
        const int expired = dp::ledger::ExpireDuePending(tx, 500);
        tx.exec("SELECT ledger.mark_horizon()");
        tx.commit();
        if (expired > 0) {
          dp::service::LogEvent("info", {{"service", "ledger"}, {"msg", "holds expired"},
                                         {"count", expired}});
        }
      } catch (const std::exception& e) {
        dp::service::LogEvent("warn", {{"service", "ledger"}, {"msg", "housekeeping failed"},
                                       {"error", e.what()}});
      }
      lock.lock();
    }
  }

  dp::db::PgPool& pool_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace

int main(int argc, char** argv) {
  dp::service::BlockShutdownSignals();
  dp::service::ServiceConfig config{.name = "ledger", .listen = "127.0.0.1:7051",
                                    .migrations_dir = DP_MIGRATIONS_DIR};
  dp::ledger::WriteBatcher::Options batching{.thread_name = "ledger-batch"};
  CLI::App app{"dp-ledger: the Direct Payments double-entry ledger service"};
  dp::service::AddServiceFlags(app, config);
  app.add_option("--batch-workers", batching.workers, "writer threads (group commit)")
      ->check(CLI::Range(1, 32))
      ->capture_default_str();
  app.add_option("--max-batch", batching.max_batch, "writes per database transaction")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  dp::service::ServiceHost host(config);
  if (absl::Status s = host.Prepare(); !s.ok()) {
    dp::service::LogEvent("error", {{"service", "ledger"}, {"msg", std::string(s.message())}});
    return 1;
  }
  if (config.migrate_only) return 0;  // migrations applied; no keyring was loaded
  batching.on_batch = [&host](size_t n, double) {
    host.metrics().Observe(dp::service::kLedgerBatchSize, {}, static_cast<double>(n));
  };
  dp::ledger::WriteBatcher batcher(config.database_url, host.keyring().audit_key(), batching);
  Housekeeper housekeeper(host.pool());
  dp::ledger_service::LedgerServiceImpl ledger(host, batcher);
  dp::admin_service::AdminServiceImpl admin(host);
  dp::admin_service::AuditServiceImpl audit(host);
  return host.Run({&ledger, &admin, &audit});
}
