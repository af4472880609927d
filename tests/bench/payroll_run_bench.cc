// payroll_run_bench: a national-scale 4-weekly pay run, 10,000 PA employers
// with 24,000 PAs, computed and posted to the ledger on a real PostgreSQL.
// Prints payslips/s for the calculation alone (one core) and for
// calculation plus posting (bulk reads, one ledger batch per chunk of
// employers, one database transaction per chunk).
//
//   payroll_run_bench --database-url URL --keys FILE --tax-years DIR
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <thread>

#include <CLI/CLI.hpp>
#include <pqxx/pqxx>

#include "crypto/keyring.h"
#include "db/migrate.h"
#include "payroll/books/book.h"
#include "payroll/books/pay_run.h"
#include "people/person_store.h"

namespace {

using dp::payroll::PayFrequency;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

const absl::CivilDay kFrom(2026, 10, 19), kTo(2026, 11, 15), kPayDay(2026, 11, 13);

// Setup creates the employers, PAs and timesheets (not timed). Employers
// get 1 to 4 PAs: 24,000 over 10,000.
std::vector<int64_t> Setup(pqxx::connection& conn, const dp::crypto::FieldCipher& cipher,
                           int employers, int pas) {
  pqxx::work tx(conn);
  tx.exec("INSERT INTO iam.organisations (id, kind, name) VALUES ('BENCH', 'authority', 'bench')"
          " ON CONFLICT DO NOTHING");
  tx.exec_params(
      "INSERT INTO people.persons (authority_id, display_name) SELECT 'BENCH', 'Person ' || g"
      " FROM generate_series(1, $1) g", employers);
  tx.exec("INSERT INTO agreements.agreements (authority_id, person_id, manager_kind, status,"
          " status_reason) SELECT 'BENCH', id, 'self', 'draft', 'bench' FROM people.persons"
          " WHERE authority_id = 'BENCH' ORDER BY id");
  std::vector<int64_t> agreement_ids;
  for (const auto& row : tx.exec("SELECT id FROM agreements.agreements"
                                 " WHERE authority_id = 'BENCH' ORDER BY id")) {
    agreement_ids.push_back(row[0].as<int64_t>());
  }
  std::vector<int64_t> employer_ids;
  for (size_t i = 0; i < agreement_ids.size(); ++i) {
    dp::payroll::Employer e;
    e.agreement_id = agreement_ids[i];
    e.name = "Employer " + std::to_string(i);
    e.paye_reference = "123/AB456";
    e.accounts_office_reference = "123PA00045678";
    e.frequency = PayFrequency::kFourWeekly;
    e.claims_employment_allowance = i % 2 == 0;
    auto created = dp::payroll::CreateEmployer(tx, e);
    if (!created.ok()) throw std::runtime_error(std::string(created.status().message()));
    employer_ids.push_back(created->id);
    if (i % 1000 == 999) std::fprintf(stderr, "  set-up: %zu employers\n", i + 1);
  }
  const char* codes[] = {"S1257L", "1257L", "BR", "S0T", "K100", "SK50", "1100L", "SD0"};
  for (int p = 0; p < pas; ++p) {
    dp::people::Person person;
    person.authority_id = "BENCH";
    person.display_name = "PA " + std::to_string(p);
    person.date_of_birth = p % 7 == 0 ? "2005-03-01" : "1980-06-15";
    auto person_id = dp::people::CreatePerson(tx, cipher, person);
    if (!person_id.ok()) throw std::runtime_error(std::string(person_id.status().message()));
    dp::payroll::Employee e;
    e.employer_id = employer_ids[static_cast<size_t>(p) % employer_ids.size()];
    e.person_id = *person_id;
    e.start_date = absl::CivilDay(2026, 4, 6);
    e.tax_code = codes[p % 8];
    e.rates = {1400 + p % 300, 1500, 1100, 1400};
    e.pension_member = p % 3 != 0;
    e.holiday_accrual = p % 2 == 0;
    auto id = dp::payroll::CreateEmployee(tx, e);
    if (!id.ok()) throw std::runtime_error(std::string(id.status().message()));
    if (p % 4000 == 3999) std::fprintf(stderr, "  set-up: %d PAs\n", p + 1);
  }
  // Timesheets: 8 to 19 shifts of 7.5 hours, and a night on most; none for
  // the 2% on maternity leave (below).
  tx.exec_params(
      "INSERT INTO payroll.timesheets (employee_id, period_start, period_end, submitted_by)"
      " SELECT e.id, $1::date, $2::date, 'bench' FROM payroll.employees e"
      " JOIN payroll.employers r ON r.id = e.employer_id JOIN agreements.agreements a"
      " ON a.id = r.agreement_id WHERE a.authority_id = 'BENCH' AND e.id % 50 <> 7",
      absl::FormatCivilTime(kFrom), absl::FormatCivilTime(kTo));
  tx.exec_params(
      "INSERT INTO payroll.timesheet_entries (timesheet_id, line, work_date, rate_type,"
      " hours_centi) SELECT t.id, d.n, $1::date + d.n, CASE WHEN d.n % 5 = 4 THEN 'night'"
      " ELSE 'standard' END, 750 FROM payroll.timesheets t"
      " JOIN generate_series(0, 27) d(n) ON d.n < 8 + t.employee_id % 12"
      " WHERE t.submitted_by = 'bench'",
      absl::FormatCivilTime(kFrom));
  // A realistic mix: 15% of PAs repay a student loan (mostly Plan 4, some
  // with a postgraduate loan), 5% are off sick for four days after their
  // last shift, 3% leave at the period's end (their holiday balance paid),
  // 2% are on maternity leave with no timesheet (paid SMP by the run).
  tx.exec("INSERT INTO payroll.student_loans (employee_id, plan, starts, start_notice, created_by)"
          " SELECT e.id, CASE WHEN e.id % 3 = 0 THEN 'plan_2' ELSE 'plan_4' END, e.start_date,"
          " 'SL1', 'bench' FROM payroll.employees e JOIN payroll.employers r ON r.id = e.employer_id"
          " JOIN agreements.agreements a ON a.id = r.agreement_id"
          " WHERE a.authority_id = 'BENCH' AND e.id % 20 < 3");
  tx.exec("INSERT INTO payroll.student_loans (employee_id, plan, starts, start_notice, created_by)"
          " SELECT e.id, 'postgraduate', e.start_date, 'PGL1', 'bench' FROM payroll.employees e"
          " JOIN payroll.employers r ON r.id = e.employer_id JOIN agreements.agreements a"
          " ON a.id = r.agreement_id WHERE a.authority_id = 'BENCH' AND e.id % 40 = 1");
  tx.exec_params(
      "INSERT INTO payroll.timesheet_absences (timesheet_id, absence_date, kind)"
      " SELECT t.id, $1::date + d.n, 'sick' FROM payroll.timesheets t"
      " JOIN generate_series(20, 23) d(n) ON true"
      " WHERE t.submitted_by = 'bench' AND t.employee_id % 20 = 3",
      absl::FormatCivilTime(kFrom));
  tx.exec_params(
      "INSERT INTO payroll.family_leave (employee_id, kind, relevant_date, pay_start, weeks,"
      " qualifying_week_start, average_weekly_earnings_pence, entitled, reason, created_by)"
      " SELECT e.id, 'maternity', $1::date + 70, $1::date - 14, 39, $1::date - 35, 40000, true,"
      " 'bench', 'bench' FROM payroll.employees e JOIN payroll.employers r ON r.id = e.employer_id"
      " JOIN agreements.agreements a ON a.id = r.agreement_id"
      " WHERE a.authority_id = 'BENCH' AND e.id % 50 = 7",
      absl::FormatCivilTime(kFrom));
  tx.exec_params(
      "UPDATE payroll.employees e SET leave_date = $1::date FROM payroll.employers r,"
      " agreements.agreements a WHERE r.id = e.employer_id AND a.id = r.agreement_id"
      " AND a.authority_id = 'BENCH' AND e.id % 100 < 3",
      absl::FormatCivilTime(kTo));
  tx.commit();
  // As a production database would be: its statistics up to date (the
  // autovacuum daemon's work), so the run is planned for the rows it has.
  pqxx::nontransaction(conn).exec("ANALYZE");
  return employer_ids;
}

// CalculationOnly times ComputePayslip on one core: 24,000 PAs' payslips
// for 13 periods, each PA's year to date carried forward.
void CalculationOnly(const dp::payroll::TaxYear& year, int pas) {
  std::vector<dp::payroll::PayslipInput> inputs(static_cast<size_t>(pas));
  const char* codes[] = {"S1257L", "1257L", "BR", "S0T", "K100", "SK50", "1100L", "SD0"};
  for (int p = 0; p < pas; ++p) {
    auto& in = inputs[static_cast<size_t>(p)];
    in.frequency = PayFrequency::kFourWeekly;
    in.tax_code = codes[p % 8];
    in.pension_member = p % 3 != 0;
    in.holiday_accrual = p % 2 == 0;
    if (p % 20 < 3) in.loan_plans.push_back(dp::payroll::LoanPlan::kPlan4);
    if (p % 40 == 1) in.loan_plans.push_back(dp::payroll::LoanPlan::kPostgraduate);
    in.pay_holiday_balance = p % 100 < 3;
    in.rates = {1400 + p % 300, 1500, 1100, 1400};
    in.timesheet = {kFrom, kTo, {}, {}};
    in.small_employer_relief = true;
    if (p % 50 == 7) {  // on maternity leave: 4 weeks of SMP, no hours
      in.family_pay_pence[static_cast<int>(dp::payroll::FamilyPayKind::kMaternity)] = 4 * 360'00;
      continue;
    }
    for (int d = 0; d < 8 + p % 12; ++d) {
      in.timesheet.entries.push_back(
          {kFrom + d, d % 5 == 4 ? dp::payroll::RateType::kNight : dp::payroll::RateType::kStandard,
           750});
    }
  }
  constexpr int kPeriods = 13;
  int64_t checksum = 0;
  const auto start = Clock::now();
  for (int period = 0; period < kPeriods; ++period) {
    for (auto& in : inputs) {
      in.payment_date = absl::CivilDay(2026, 4, 10) + 28 * period;
      auto slip = dp::payroll::ComputePayslip(year, in);
      in.taxable_pay_to_date_pence = slip->taxable_pay_to_date_pence;
      in.tax_paid_to_date_pence = slip->tax_paid_to_date_pence;
      checksum += slip->net_pence;
    }
  }
  const double seconds = Seconds(start);
  const double slips = double{1} * pas * kPeriods;
  std::printf("calculation alone: %.0f payslips in %.3f s (checksum %lld)\n", slips, seconds,
              static_cast<long long>(checksum));
  std::printf("calculation payslips/s (one core): %.0f\n", slips / seconds);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"national-scale payroll run benchmark"};
  std::string url, keys, tax_years, migrations;
  int employers = 10000, pas = 24000, chunk = 1000, workers = 2;
  app.add_option("--database-url", url)->required();
  app.add_option("--keys", keys)->required();
  app.add_option("--tax-years", tax_years)->required();
  app.add_option("--migrations", migrations)->required();
  app.add_option("--employers", employers)->capture_default_str();
  app.add_option("--pas", pas)->capture_default_str();
  app.add_option("--chunk", chunk, "employers per database transaction")->capture_default_str();
  app.add_option("--workers", workers, "connections posting at once")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  auto years = dp::payroll::TaxYears::LoadDirectory(tax_years);
  auto keyring = dp::crypto::Keyring::FromFile(keys);
  if (!years.ok() || !keyring.ok()) {
    std::cerr << "payroll_run_bench: cannot load the tax years or the keys\n";
    return 1;
  }
  const dp::crypto::FieldCipher cipher(*keyring);
  CalculationOnly(**years->ByName("2026-27"), pas);

  pqxx::connection conn(url);
  if (auto applied = dp::db::ApplyMigrations(conn, migrations); !applied.ok()) {
    std::cerr << "payroll_run_bench: " << applied.status() << "\n";
    return 1;
  }
  std::fprintf(stderr, "setting up %d employers and %d PAs (not timed)...\n", employers, pas);
  const auto setup_start = Clock::now();
  const std::vector<int64_t> employer_ids = Setup(conn, cipher, employers, pas);
  std::fprintf(stderr, "set-up took %.1f s\n", Seconds(setup_start));

  // Chunks of employers, taken by `workers` connections in turn.
  std::vector<std::vector<dp::payroll::RunRequest>> chunks;
  for (size_t i = 0; i < employer_ids.size(); i += static_cast<size_t>(chunk)) {
    std::vector<dp::payroll::RunRequest> requests;
    for (size_t j = i; j < std::min(employer_ids.size(), i + static_cast<size_t>(chunk)); ++j) {
      requests.push_back({employer_ids[j], kFrom, kTo, kPayDay, false, ""});
    }
    chunks.push_back(std::move(requests));
  }
  std::atomic<size_t> next{0}, failed{0}, done_employers{0};
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int w = 0; w < workers; ++w) {
    threads.emplace_back([&] {
      pqxx::connection c(url);
      for (size_t k = next++; k < chunks.size(); k = next++) {
        pqxx::work tx(c);
        auto results = dp::payroll::RunPayrolls(tx, *years, cipher, chunks[k], "bench");
        tx.commit();
        for (const auto& r : results) {
          if (!r.ok()) {
            if (failed++ == 0) std::cerr << "refused: " << r.status() << "\n";
          }
        }
        done_employers += chunks[k].size();
        std::fprintf(stderr, "  posted %zu of %zu employers (%.1f s)\n", done_employers.load(),
                     employer_ids.size(), Seconds(start));
      }
    });
  }
  for (auto& t : threads) t.join();
  const double seconds = Seconds(start);
  pqxx::read_transaction check(conn);
  const auto row = check.exec1(
      "SELECT count(*), coalesce(sum(s.gross_pence), 0) FROM payroll.payslips s"
      " JOIN payroll.pay_runs r ON r.id = s.run_id WHERE r.created_by = 'bench'");
  const int64_t imbalance = check.exec1(
      "SELECT coalesce(sum(p.amount_pence), 0) FROM ledger.postings p"
      " JOIN ledger.transactions t ON t.id = p.transaction_id WHERE t.created_by = 'bench'")[0]
                                .as<int64_t>();
  const double slips = row[0].as<double>();
  std::printf("posted run: %zu employers, %.0f payslips, gross £%.2f, refused %zu, ledger"
              " imbalance %lld pence\n",
              employer_ids.size(), slips, row[1].as<double>() / 100, failed.load(),
              static_cast<long long>(imbalance));
  std::printf("calculation plus posting: %.2f s, %.0f payslips/s (%d connections, %d employers"
              " per transaction)\n",
              seconds, slips / seconds, workers, chunk);
  std::printf("target: the whole run posted in at most 10 s: %s\n",
              seconds <= 10 ? "met" : "NOT met");
  return failed == 0 && imbalance == 0 ? 0 : 1;
}
