// payroll_calc_bench: PAYE + NI for a national-scale 4-weekly payroll,
// calculation only, on one thread. Prints payslips per second.
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "payroll/engine/ni.h"
#include "payroll/engine/paye.h"

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : "data/tax-years";
  auto years = dp::payroll::TaxYears::LoadDirectory(dir);
  if (!years.ok()) {
    std::fprintf(stderr, "%s\n", std::string(years.status().message()).c_str());
    return 1;
  }
  const dp::payroll::TaxYear& year = **years->ByName("2025-26");
  constexpr int kPas = 24000;
  constexpr int kPeriods = 13;
  const char* codes[] = {"1257L", "S1257L", "BR", "S0T", "K100", "SK50", "1100L", "SD0", "NT", "1257L"};
  struct Pa {
    std::string code;
    int64_t gross_pence;
    int64_t taxable_to_date = 0, tax_to_date = 0;
  };
  std::vector<Pa> pas;
  for (int i = 0; i < kPas; ++i) pas.push_back({codes[i % 10], 60000 + (i * 7919) % 240000});
  int64_t checksum = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int period = 1; period <= kPeriods; ++period) {
    for (Pa& pa : pas) {
      auto tax = dp::payroll::CalculatePaye(
          year, {dp::payroll::PayFrequency::kFourWeekly, period, pa.code, false, pa.gross_pence,
                 pa.taxable_to_date, pa.tax_to_date});
      auto ni = dp::payroll::CalculateNi(year, "A", dp::payroll::PayFrequency::kFourWeekly,
                                         pa.gross_pence);
      pa.taxable_to_date = tax->taxable_pay_to_date_pence;
      pa.tax_to_date = tax->tax_paid_to_date_pence;
      checksum += tax->tax_pence + ni->employee_pence + ni->employer_pence;
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double payslips = double{kPas} * kPeriods;
  std::printf("payroll calculation: %d PAs x %d periods = %.0f payslips in %.3f s (checksum %lld)\n",
              kPas, kPeriods, payslips, seconds, static_cast<long long>(checksum));
  std::printf("calculation payslips/s (one core): %.0f\n", payslips / seconds);
  std::printf("one 4-weekly national run (24,000 payslips): %.1f ms\n", 24000 / (payslips / seconds) * 1000);
  return 0;
}
