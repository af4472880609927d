#include "payroll_commands.h"

#include <cstdlib>
#include <ctime>
#include <iostream>

#include "channel.h"
#include "dp/v1/payroll.grpc.pb.h"
#include "money/money.h"

namespace dpctl {

void AddPayrollCommands(CLI::App& app, int& exit_code, std::function<Output()> make_output) {
  static std::function<Output()> out;
  out = std::move(make_output);
  static std::string address, tax_year, frequency = "monthly", code, gross,
                              taxable_to_date = "0", paid_to_date = "0", category = "A";
  static int period = 1;
  static bool week1 = false;
  const char* env = std::getenv("DP_PAYROLL_ADDR");
  address = env != nullptr ? env : "127.0.0.1:7053";

  CLI::App* payroll = app.add_subcommand("payroll", "PA payroll");
  payroll->require_subcommand(1);
  payroll->add_option("--payroll", address, "PayrollService address (env DP_PAYROLL_ADDR)");
  CLI::App* calc = payroll->add_subcommand(
      "calculate", "one period's PAYE and NI, as in HMRC's test data; saves nothing");
  calc->add_option("--tax-year", tax_year, "e.g. 2025-26 (default: the year of today's date)");
  calc->add_option("--frequency", frequency, "weekly, fortnightly, four-weekly or monthly")
      ->check(CLI::IsMember({"weekly", "fortnightly", "four-weekly", "monthly"}))
      ->capture_default_str();
  calc->add_option("--period", period, "week, fortnight, 4-week period or month number")
      ->capture_default_str();
  calc->add_option("--code", code, "tax code, e.g. 1257L, S1257L, K585, BR")->required();
  calc->add_flag("--week1-month1", week1, "non-cumulative basis");
  calc->add_option("--gross", gross, "pay this period, e.g. 1156.25")->required();
  calc->add_option("--taxable-to-date", taxable_to_date, "taxable pay before this period");
  calc->add_option("--tax-paid-to-date", paid_to_date, "tax paid before this period");
  calc->add_option("--ni", category, "NI category letter")->capture_default_str();
  calc->callback([&] {
    dp::v1::CalculateRequest req;
    if (!tax_year.empty()) {
      req.set_tax_year(tax_year);
    } else {
      const std::time_t now = std::time(nullptr);
      std::tm today{};
      gmtime_r(&now, &today);
      req.mutable_payment_date()->set_year(today.tm_year + 1900);
      req.mutable_payment_date()->set_month(today.tm_mon + 1);
      req.mutable_payment_date()->set_day(today.tm_mday);
    }
    const dp::v1::PayFrequency frequencies[] = {
        dp::v1::PAY_FREQUENCY_WEEKLY, dp::v1::PAY_FREQUENCY_FORTNIGHTLY,
        dp::v1::PAY_FREQUENCY_FOUR_WEEKLY, dp::v1::PAY_FREQUENCY_MONTHLY};
    const char* names[] = {"weekly", "fortnightly", "four-weekly", "monthly"};
    for (int i = 0; i < 4; ++i) {
      if (frequency == names[i]) req.set_pay_frequency(frequencies[i]);
    }
    req.set_period(period);
    req.set_tax_code(code);
    req.set_week1_month1(week1);
    for (auto [text, setter] :
         {std::pair<std::string, void (dp::v1::CalculateRequest::*)(int64_t)>{
              gross, &dp::v1::CalculateRequest::set_gross_pay_pence},
          {taxable_to_date, &dp::v1::CalculateRequest::set_taxable_pay_to_date_pence},
          {paid_to_date, &dp::v1::CalculateRequest::set_tax_paid_to_date_pence}}) {
      auto pence = dp::ParsePence(text);
      if (!pence.ok()) {
        std::cerr << "dpctl: " << pence.status().message() << "\n";
        exit_code = 2;
        return;
      }
      (req.*setter)(*pence);
    }
    req.set_ni_category(category);
    dp::v1::CalculateResponse resp;
    auto s = dp::v1::PayrollService::NewStub(MakeChannel(address))
                 ->Calculate(Context().get(), req, &resp);
    if (!s.ok()) {
      exit_code = ReportError("calculating", s);
      return;
    }
    if (out().json()) return out().Json(resp);
    out().KeyValues({{"tax year", resp.tax_year()},
                     {"gross pay", Pounds(req.gross_pay_pence(), "GBP")},
                     {"income tax", Pounds(resp.tax_pence(), "GBP")},
                     {"employee NI", Pounds(resp.employee_ni_pence(), "GBP")},
                     {"net pay", Pounds(resp.net_pay_pence(), "GBP")},
                     {"employer NI", Pounds(resp.employer_ni_pence(), "GBP")},
                     {"tax paid to date", Pounds(resp.tax_paid_to_date_pence(), "GBP")},
                     {"held back (50% limit)", Pounds(resp.tax_held_back_pence(), "GBP")}});
  });
}

}  // namespace dpctl
