// dp-payroll serves PayrollService: for now the stateless PAYE/NI calculator.
#include "payroll_service.h"
#include "service/log.h"

int main(int argc, char** argv) {
  dp::service::BlockShutdownSignals();
  dp::service::ServiceConfig config{.name = "payroll", .listen = "127.0.0.1:7053",
                                    .migrations_dir = DP_MIGRATIONS_DIR};
  std::string tax_years_dir = DP_TAX_YEARS_DIR;
  CLI::App app{"dp-payroll: Direct Payments PA payroll service"};
  dp::service::AddServiceFlags(app, config);
  app.add_option("--tax-years-dir", tax_years_dir, "folder of tax year data files")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  auto years = dp::payroll::TaxYears::LoadDirectory(tax_years_dir);
  if (!years.ok()) {
    dp::service::LogEvent("error", {{"service", "payroll"}, {"msg", std::string(years.status().message())}});
    return 1;
  }
  dp::service::ServiceHost host(config);
  if (absl::Status s = host.Prepare(); !s.ok()) {
    dp::service::LogEvent("error", {{"service", "payroll"}, {"msg", std::string(s.message())}});
    return 1;
  }
  dp::payroll_service::PayrollServiceImpl payroll(host, std::move(*years));
  return host.Run({&payroll});
}
