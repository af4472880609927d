// dp-monitoring serves MonitoringService: risk tiers, continuous checks,
// findings and review cases. It sweeps every authority on a schedule too.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "monitoring_service.h"
#include "service/log.h"

int main(int argc, char** argv) {
  dp::service::BlockShutdownSignals();
  dp::service::ServiceConfig config{.name = "monitoring", .listen = "127.0.0.1:7055",
                                    .migrations_dir = DP_MIGRATIONS_DIR};
  std::string settings_file = DP_MONITORING_SETTINGS_FILE;
  std::string bank_rules_file = DP_BANK_RULES_FILE;
  int sweep_every_s = 3600;
  CLI::App app{"dp-monitoring: Direct Payments monitoring service"};
  dp::service::AddServiceFlags(app, config);
  app.add_option("--monitoring-settings", settings_file,
                 "default monitoring settings by effective date (JSON)")
      ->capture_default_str();
  app.add_option("--bank-rules", bank_rules_file,
                 "how bank statement lines are sorted into categories, by effective date (JSON)")
      ->capture_default_str();
  app.add_option("--sweep-every-s", sweep_every_s,
                 "seconds between scheduled incremental sweeps of every authority; 0: none")
      ->check(CLI::Range(0, 86400))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  auto defaults = dp::monitoring::LoadDefaults(settings_file);
  if (!defaults.ok()) {
    dp::service::LogEvent("error", {{"service", "monitoring"}, {"msg", std::string(defaults.status().message())}});
    return 1;
  }
  auto bank_rules = dp::monitoring::LoadBankRules(bank_rules_file);
  if (!bank_rules.ok()) {
    dp::service::LogEvent("error", {{"service", "monitoring"}, {"msg", std::string(bank_rules.status().message())}});
    return 1;
  }
  dp::service::ServiceHost host(config);
  if (absl::Status s = host.Prepare(); !s.ok()) {
    dp::service::LogEvent("error", {{"service", "monitoring"}, {"msg", std::string(s.message())}});
    return 1;
  }
  dp::monitoring_service::MonitoringServiceImpl monitoring(host, std::move(*defaults),
                                                          std::move(*bank_rules));
  // The schedule: a thread that sweeps, then waits, until the service stops.
  std::mutex mu;
  std::condition_variable stop_cv;
  bool stopping = false;
  std::thread schedule;
  if (sweep_every_s > 0) {
    schedule = std::thread([&] {
      std::unique_lock lock(mu);
      while (!stop_cv.wait_for(lock, std::chrono::seconds(sweep_every_s), [&] { return stopping; })) {
        lock.unlock();
        monitoring.SweepAll();
        lock.lock();
      }
    });
  }
  const int code = host.Run({&monitoring});
  {
    std::lock_guard lock(mu);
    stopping = true;
  }
  stop_cv.notify_all();
  if (schedule.joinable()) schedule.join();
  return code;
}
