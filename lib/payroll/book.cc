#include "payroll/book.h"

#include <cassert>

#include "base/strings.h"
#include "ledger/store.h"
#include "ledger/writer.h"
#include "money/money.h"
#include "people/person_store.h"

namespace dp::payroll {
namespace {

constexpr const char* kCurrency = "GBP";
constexpr int kMaxEmployeesPerEmployer = 1000;  // bounds one run

// DayOf reads a `date` column (PostgreSQL prints it as YYYY-MM-DD).
absl::CivilDay DayOf(const pqxx::field& f) {
  absl::CivilDay day;
  const bool parsed = absl::ParseCivilTime(f.c_str(), &day);
  assert(parsed);
  (void)parsed;
  return day;
}

absl::StatusOr<int64_t> OpenAccount(pqxx::work& tx, const Employer& e, int64_t employer_id,
                                    std::string_view suffix, ledger::AccountType type,
                                    std::string name) {
  ledger::NewAccount a;
  a.code = dp::StrCat("AGR-", e.agreement_id, ":EMP-", employer_id, ":", suffix);
  a.idem = ledger::ServiceIdempotency(dp::StrCat("payroll:account:", a.code), a.code);
  a.name = dp::StrCat(e.name, ": ", name);
  a.type = type;
  a.currency = kCurrency;
  a.owner_type = "agreement";
  a.owner_id = std::to_string(e.agreement_id);
  a.authority_id = e.authority_id;
  auto account = ledger::CreateAccount(tx, a);
  if (!account.ok()) return account.status();
  return account->id;
}

// Leg adds a posting, flipping its side when the amount is negative (a tax
// refund) and leaving out a zero.
void Leg(std::vector<ledger::PostingSpec>& legs, int64_t account_id, ledger::Side side,
         int64_t amount_pence) {
  if (amount_pence == 0) return;
  if (amount_pence < 0) {
    side = side == ledger::Side::kDebit ? ledger::Side::kCredit : ledger::Side::kDebit;
    amount_pence = -amount_pence;
  }
  legs.push_back({account_id, side, {amount_pence, kCurrency}});
}

int AgeOn(const std::string& date_of_birth, absl::CivilDay day) {
  absl::CivilDay born;
  if (!absl::ParseCivilTime(date_of_birth, &born)) return 30;
  int age = static_cast<int>(day.year() - born.year());
  if (day.month() < born.month() || (day.month() == born.month() && day.day() < born.day())) --age;
  return age;
}

// ToDate sums an employee's posted payslips of a tax year before `period`.
struct ToDate {
  int64_t gross = 0, tax = 0;
};
ToDate EmployeeToDate(pqxx::transaction_base& tx, int64_t employee_id, const std::string& year,
                      int period) {
  const pqxx::row r = tx.exec_params1(
      "SELECT coalesce(sum(s.gross_pence), 0), coalesce(sum(s.tax_pence), 0)"
      " FROM payroll.payslips s JOIN payroll.pay_runs r ON r.id = s.run_id"
      " WHERE s.employee_id = $1 AND r.tax_year = $2 AND r.period < $3 AND r.status = 'posted'",
      employee_id, year, period);
  return {r[0].as<int64_t>(), r[1].as<int64_t>()};
}

int64_t AllowanceUsed(pqxx::transaction_base& tx, int64_t employer_id, const std::string& year,
                      int period) {
  return tx
      .exec_params1("SELECT coalesce(sum(s.employment_allowance_pence), 0)"
                    " FROM payroll.payslips s JOIN payroll.pay_runs r ON r.id = s.run_id"
                    " WHERE r.employer_id = $1 AND r.tax_year = $2 AND r.period <> $3"
                    " AND r.status = 'posted'",
                    employer_id, year, period)[0]
      .as<int64_t>();
}

std::string Detail(const Payslip& s) {
  return dp::StrCat("{\"hours_centi\":[", s.hours_centi[0], ",", s.hours_centi[1], ",",
                    s.hours_centi[2], ",", s.hours_centi[3], "],\"pay_pence\":[", s.pay_pence[0],
                    ",", s.pay_pence[1], ",", s.pay_pence[2], ",", s.pay_pence[3],
                    "],\"pension_category\":", static_cast<int>(s.pension_category),
                    ",\"holiday_accrued_centi_hours\":", s.holiday_accrued_centi_hours,
                    ",\"tax_held_back_pence\":", s.tax_held_back_pence, "}");
}

}  // namespace

std::string_view FrequencyName(PayFrequency f) {
  switch (f) {
    case PayFrequency::kWeekly: return "weekly";
    case PayFrequency::kFortnightly: return "fortnightly";
    case PayFrequency::kFourWeekly: return "four_weekly";
    case PayFrequency::kMonthly: return "monthly";
  }
  return "monthly";
}

std::optional<PayFrequency> ParseFrequency(std::string_view name) {
  for (PayFrequency f : {PayFrequency::kWeekly, PayFrequency::kFortnightly,
                         PayFrequency::kFourWeekly, PayFrequency::kMonthly}) {
    if (FrequencyName(f) == name) return f;
  }
  return std::nullopt;
}

absl::StatusOr<Employer> CreateEmployer(pqxx::work& tx, Employer e) {
  const pqxx::result agreement = tx.exec_params(
      "SELECT authority_id, status FROM agreements.agreements WHERE id = $1", e.agreement_id);
  if (agreement.empty()) {
    return absl::NotFoundError(dp::StrCat("agreement_id: agreement ", e.agreement_id,
                                          " does not exist"));
  }
  if (agreement[0][1].as<std::string>() == "terminated") {
    return absl::FailedPreconditionError(
        dp::StrCat("agreement ", e.agreement_id, " has ended; it cannot take on an employer"));
  }
  if (e.name.empty()) return absl::InvalidArgumentError("name is required");
  e.authority_id = agreement[0][0].as<std::string>();
  const int64_t id = tx.exec1("SELECT nextval('payroll.employers_id_seq')")[0].as<int64_t>();
  struct Spec {
    std::string_view suffix;
    ledger::AccountType type;
    const char* name;
    int64_t* id;
  } specs[] = {{"COST", ledger::AccountType::kExpense, "payroll cost", &e.cost_account_id},
               {"WAGES", ledger::AccountType::kLiability, "net wages payable", &e.wages_account_id},
               {"HMRC", ledger::AccountType::kLiability, "PAYE and NI payable", &e.hmrc_account_id},
               {"PENSION", ledger::AccountType::kLiability, "pension contributions payable",
                &e.pension_account_id}};
  for (Spec& s : specs) {
    auto account = OpenAccount(tx, e, id, s.suffix, s.type, s.name);
    if (!account.ok()) return account.status();
    *s.id = *account;
  }
  tx.exec_params(
      "INSERT INTO payroll.employers (id, agreement_id, authority_id, name, paye_reference,"
      " accounts_office_reference, pay_frequency, claims_employment_allowance,"
      " scottish_care_minimum, cost_account_id, wages_account_id, hmrc_account_id,"
      " pension_account_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
      id, e.agreement_id, e.authority_id, e.name, e.paye_reference, e.accounts_office_reference,
      std::string(FrequencyName(e.frequency)), e.claims_employment_allowance,
      e.scottish_care_minimum, e.cost_account_id, e.wages_account_id, e.hmrc_account_id,
      e.pension_account_id);
  e.id = id;
  return e;
}

absl::StatusOr<Employer> GetEmployer(pqxx::transaction_base& tx, int64_t id, bool for_update) {
  const pqxx::result r = tx.exec_params(
      "SELECT agreement_id, authority_id, name, paye_reference, accounts_office_reference,"
      " pay_frequency, claims_employment_allowance, scottish_care_minimum, cost_account_id,"
      " wages_account_id, hmrc_account_id, pension_account_id FROM payroll.employers"
      " WHERE id = $1" + std::string(for_update ? " FOR UPDATE" : ""),
      id);
  if (r.empty()) return absl::NotFoundError(dp::StrCat("employer ", id, " does not exist"));
  Employer e;
  e.id = id;
  e.agreement_id = r[0][0].as<int64_t>();
  e.authority_id = r[0][1].as<std::string>();
  e.name = r[0][2].as<std::string>();
  e.paye_reference = r[0][3].as<std::string>();
  e.accounts_office_reference = r[0][4].as<std::string>();
  e.frequency = *ParseFrequency(r[0][5].as<std::string>());
  e.claims_employment_allowance = r[0][6].as<bool>();
  e.scottish_care_minimum = r[0][7].as<bool>();
  e.cost_account_id = r[0][8].as<int64_t>();
  e.wages_account_id = r[0][9].as<int64_t>();
  e.hmrc_account_id = r[0][10].as<int64_t>();
  e.pension_account_id = r[0][11].as<int64_t>();
  return e;
}

absl::StatusOr<int64_t> CreateEmployee(pqxx::work& tx, const Employee& e) {
  return tx
      .exec_params1(
          "INSERT INTO payroll.employees (employer_id, person_id, start_date, tax_code,"
          " week1_month1, ni_category, standard_rate_pence, night_rate_pence,"
          " sleepover_rate_pence, holiday_rate_pence, holiday_method, pension_member,"
          " previous_pay_pence, previous_tax_pence) VALUES ($1, $2, $3::date, $4, $5, $6, $7,"
          " $8, $9, $10, $11, $12, $13, $14) RETURNING id",
          e.employer_id, e.person_id, absl::FormatCivilTime(e.start_date), e.tax_code, e.week1_month1,
          e.ni_category, e.rates.standard_pence, e.rates.night_pence, e.rates.sleepover_pence,
          e.rates.holiday_pence, e.holiday_accrual ? "accrual_12_07" : "weeks_5_6",
          e.pension_member, e.previous_pay_pence, e.previous_tax_pence)[0]
      .as<int64_t>();
}

absl::StatusOr<Employee> GetEmployee(pqxx::transaction_base& tx, int64_t id) {
  const pqxx::result r = tx.exec_params(
      "SELECT employer_id, person_id, start_date, leave_date, tax_code, week1_month1,"
      " ni_category, standard_rate_pence, night_rate_pence, sleepover_rate_pence,"
      " holiday_rate_pence, holiday_method, pension_member, previous_pay_pence,"
      " previous_tax_pence FROM payroll.employees WHERE id = $1",
      id);
  if (r.empty()) return absl::NotFoundError(dp::StrCat("employee ", id, " does not exist"));
  Employee e;
  e.id = id;
  e.employer_id = r[0][0].as<int64_t>();
  e.person_id = r[0][1].as<int64_t>();
  e.start_date = DayOf(r[0][2]);
  if (!r[0][3].is_null()) e.leave_date = DayOf(r[0][3]);
  e.tax_code = r[0][4].as<std::string>();
  e.week1_month1 = r[0][5].as<bool>();
  e.ni_category = r[0][6].as<std::string>();
  e.rates = {r[0][7].as<int64_t>(), r[0][8].as<int64_t>(), r[0][9].as<int64_t>(),
             r[0][10].as<int64_t>()};
  e.holiday_accrual = r[0][11].as<std::string>() == "accrual_12_07";
  e.pension_member = r[0][12].as<bool>();
  e.previous_pay_pence = r[0][13].as<int64_t>();
  e.previous_tax_pence = r[0][14].as<int64_t>();
  return e;
}

absl::StatusOr<int64_t> SubmitTimesheet(pqxx::work& tx, const TaxYears& years,
                                        int64_t employee_id, const Timesheet& t,
                                        const std::string& actor) {
  auto employee = GetEmployee(tx, employee_id);
  if (!employee.ok()) return employee.status();
  auto employer = GetEmployer(tx, employee->employer_id);
  if (!employer.ok()) return employer.status();
  if (auto s = ValidateTimesheet(years, t, employee->rates, employer->scottish_care_minimum);
      !s.ok()) {
    return s;
  }
  for (const TimesheetEntry& e : t.entries) {
    if (e.date < employee->start_date || (employee->leave_date && e.date > *employee->leave_date)) {
      return absl::InvalidArgumentError(dp::StrCat(
          "entries: ", absl::FormatCivilTime(e.date), " is outside employee ", employee_id, "'s employment"));
    }
  }
  tx.exec_params("UPDATE payroll.timesheets SET superseded = true WHERE employee_id = $1"
                 " AND period_start = $2::date AND NOT superseded",
                 employee_id, absl::FormatCivilTime(t.period_start));
  const int64_t id =
      tx.exec_params1("INSERT INTO payroll.timesheets (employee_id, period_start, period_end,"
                      " submitted_by) VALUES ($1, $2::date, $3::date, $4) RETURNING id",
                      employee_id, absl::FormatCivilTime(t.period_start), absl::FormatCivilTime(t.period_end), actor)[0]
          .as<int64_t>();
  for (size_t i = 0; i < t.entries.size(); ++i) {
    const TimesheetEntry& e = t.entries[i];
    tx.exec_params("INSERT INTO payroll.timesheet_entries (timesheet_id, line, work_date,"
                   " rate_type, hours_centi) VALUES ($1, $2, $3::date, $4, $5)",
                   id, static_cast<int>(i), absl::FormatCivilTime(e.date), std::string(RateTypeName(e.type)),
                   e.hours_centi);
  }
  return id;
}

absl::StatusOr<int64_t> RunPayroll(pqxx::work& tx, const TaxYears& years,
                                   const crypto::FieldCipher& cipher, const RunRequest& req,
                                   const std::string& actor) {
  // Locked: two runs of one employer at once must not both post.
  auto employer = GetEmployer(tx, req.employer_id, /*for_update=*/true);
  if (!employer.ok()) return employer.status();
  auto year = years.ForDate(absl::FormatCivilTime(req.payment_date));
  if (!year.ok()) return year.status();
  const int period = PeriodNumber(**year, employer->frequency, req.payment_date);
  const pqxx::result posted = tx.exec_params(
      "SELECT id, transaction_id FROM payroll.pay_runs WHERE employer_id = $1 AND tax_year = $2"
      " AND period = $3 AND status = 'posted'",
      employer->id, (*year)->name, period);
  int64_t replaces = 0;
  if (!posted.empty()) {
    if (!req.correction) return posted[0][0].as<int64_t>();  // already run: the same run
    if (req.reason.empty()) return absl::InvalidArgumentError("reason is required for a correction");
    replaces = posted[0][0].as<int64_t>();
    ledger::ReverseTransaction reverse;
    reverse.idem = ledger::ServiceIdempotency(dp::StrCat("payroll:reverse:", replaces), "reverse");
    reverse.transaction_id = posted[0][1].as<int64_t>();
    reverse.reason = dp::StrCat("Payroll correction: ", req.reason);
    reverse.created_by = actor;
    auto reversal = ledger::ApplyOne(tx, reverse);
    if (!reversal.ok()) return reversal.status();
    tx.exec_params("UPDATE payroll.pay_runs SET status = 'replaced', reversal_transaction_id = $2"
                   " WHERE id = $1", replaces, *reversal);
  } else if (req.correction) {
    return absl::FailedPreconditionError("there is no posted run of this period to correct");
  }

  const pqxx::result sheets = tx.exec_params(
      "SELECT t.id, t.employee_id FROM payroll.timesheets t JOIN payroll.employees e"
      " ON e.id = t.employee_id WHERE e.employer_id = $1 AND t.period_start = $2::date"
      " AND NOT t.superseded ORDER BY t.employee_id LIMIT $3",
      employer->id, absl::FormatCivilTime(req.period_start), kMaxEmployeesPerEmployer);
  if (sheets.empty()) {
    return absl::FailedPreconditionError(dp::StrCat(
        "no timesheets for employer ", employer->id, " for the period starting ",
        absl::FormatCivilTime(req.period_start), "; submit them first"));
  }
  int64_t allowance_left = 0;
  if (employer->claims_employment_allowance) {
    allowance_left = (*year)->employment_allowance_pence -
                     AllowanceUsed(tx, employer->id, (*year)->name, period);
  }
  std::vector<std::pair<int64_t, Payslip>> slips;
  int64_t cost = 0, net = 0, hmrc = 0, pension = 0;
  for (const auto& sheet : sheets) {
    auto employee = GetEmployee(tx, sheet[1].as<int64_t>());
    if (!employee.ok()) return employee.status();
    auto person = people::GetPerson(tx, cipher, employee->person_id);
    if (!person.ok()) return person.status();
    PayslipInput in;
    in.frequency = employer->frequency;
    in.payment_date = req.payment_date;
    in.tax_code = employee->tax_code;
    in.week1_month1 = employee->week1_month1;
    in.ni_category = employee->ni_category;
    in.age_years = AgeOn(person->date_of_birth, req.payment_date);
    in.pension_member = employee->pension_member;
    in.holiday_accrual = employee->holiday_accrual;
    in.rates = employee->rates;
    in.timesheet = {req.period_start, req.period_end, {}};
    for (const auto& row : tx.exec_params(
             "SELECT work_date, rate_type, hours_centi FROM payroll.timesheet_entries"
             " WHERE timesheet_id = $1 ORDER BY line", sheet[0].as<int64_t>())) {
      in.timesheet.entries.push_back(
          {DayOf(row[0]), *ParseRateType(row[1].as<std::string>()), row[2].as<int64_t>()});
    }
    const ToDate to_date = EmployeeToDate(tx, employee->id, (*year)->name, period);
    in.taxable_pay_to_date_pence = employee->previous_pay_pence + to_date.gross;
    in.tax_paid_to_date_pence = employee->previous_tax_pence + to_date.tax;
    in.employment_allowance_remaining_pence = allowance_left;
    auto slip = ComputePayslip(**year, in);
    if (!slip.ok()) {
      return absl::Status(slip.status().code(), dp::StrCat("employee ", employee->id, ": ",
                                                           std::string(slip.status().message())));
    }
    allowance_left -= slip->employment_allowance_pence;
    cost += slip->EmployerCost();
    net += slip->net_pence;
    hmrc += slip->tax_pence + slip->employee_ni_pence + slip->employer_ni_pence;
    pension += slip->employee_pension_pence + slip->employer_pension_pence;
    slips.emplace_back(employee->id, *slip);
  }
  assert(cost == net + hmrc + pension);

  ledger::NewTransaction txn;
  const int runs_before = tx.exec_params1(
      "SELECT count(*) FROM payroll.pay_runs WHERE employer_id = $1 AND tax_year = $2"
      " AND period = $3", employer->id, (*year)->name, period)[0].as<int>();
  txn.idem = ledger::ServiceIdempotency(
      dp::StrCat("payroll:run:", employer->id, ":", (*year)->name, ":", period, ":", runs_before),
      dp::StrCat(cost, "/", net, "/", hmrc, "/", pension));
  txn.kind = "pay_run";
  txn.description = dp::StrCat(employer->name, " payroll, ", (*year)->name, " period ", period,
                               replaces ? " (correction)" : "");
  txn.created_by = actor;
  Leg(txn.postings, employer->cost_account_id, ledger::Side::kDebit, cost);
  Leg(txn.postings, employer->wages_account_id, ledger::Side::kCredit, net);
  Leg(txn.postings, employer->hmrc_account_id, ledger::Side::kCredit, hmrc);
  Leg(txn.postings, employer->pension_account_id, ledger::Side::kCredit, pension);
  auto posting = ledger::ApplyOne(tx, txn);
  if (!posting.ok()) return posting.status();

  const int64_t run_id =
      tx.exec_params1(
            "INSERT INTO payroll.pay_runs (employer_id, tax_year, period, period_start,"
            " period_end, payment_date, status, transaction_id, replaces_run_id, reason,"
            " created_by) VALUES ($1, $2, $3, $4::date, $5::date, $6::date, 'posted', $7,"
            " nullif($8, 0), $9, $10) RETURNING id",
            employer->id, (*year)->name, period, absl::FormatCivilTime(req.period_start),
            absl::FormatCivilTime(req.period_end), absl::FormatCivilTime(req.payment_date), *posting, replaces,
            req.reason.empty() ? std::string("scheduled run") : req.reason, actor)[0]
          .as<int64_t>();
  for (const auto& [employee_id, s] : slips) {
    tx.exec_params(
        "INSERT INTO payroll.payslips (run_id, employee_id, gross_pence, tax_pence,"
        " employee_ni_pence, employer_ni_pence, employment_allowance_pence,"
        " employee_pension_pence, employer_pension_pence, net_pence,"
        " taxable_pay_to_date_pence, tax_paid_to_date_pence, detail) VALUES ($1, $2, $3, $4,"
        " $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb)",
        run_id, employee_id, s.gross_pence, s.tax_pence, s.employee_ni_pence,
        s.employer_ni_pence, s.employment_allowance_pence, s.employee_pension_pence,
        s.employer_pension_pence, s.net_pence, s.taxable_pay_to_date_pence,
        s.tax_paid_to_date_pence, Detail(s));
  }
  return run_id;
}

absl::StatusOr<PayRun> GetPayRun(pqxx::transaction_base& tx, const crypto::FieldCipher& cipher,
                                 int64_t run_id) {
  const pqxx::result r = tx.exec_params(
      "SELECT employer_id, tax_year, period, period_start, period_end, payment_date, status,"
      " transaction_id, coalesce(replaces_run_id, 0) FROM payroll.pay_runs WHERE id = $1",
      run_id);
  if (r.empty()) return absl::NotFoundError(dp::StrCat("pay run ", run_id, " does not exist"));
  PayRun run;
  run.id = run_id;
  run.employer_id = r[0][0].as<int64_t>();
  run.tax_year = r[0][1].as<std::string>();
  run.period = r[0][2].as<int>();
  run.period_start = DayOf(r[0][3]);
  run.period_end = DayOf(r[0][4]);
  run.payment_date = DayOf(r[0][5]);
  run.status = r[0][6].as<std::string>();
  run.transaction_id = r[0][7].as<int64_t>();
  run.replaces_run_id = r[0][8].as<int64_t>();
  for (const auto& row : tx.exec_params(
           "SELECT s.employee_id, e.person_id, e.tax_code, s.gross_pence, s.tax_pence,"
           " s.employee_ni_pence, s.employer_ni_pence, s.employment_allowance_pence,"
           " s.employee_pension_pence, s.employer_pension_pence, s.net_pence,"
           " s.taxable_pay_to_date_pence, s.tax_paid_to_date_pence,"
           " s.detail->'hours_centi'->>0, s.detail->'hours_centi'->>1,"
           " s.detail->'hours_centi'->>2, s.detail->'hours_centi'->>3,"
           " s.detail->>'pension_category', s.detail->>'holiday_accrued_centi_hours'"
           " FROM payroll.payslips s JOIN payroll.employees e ON e.id = s.employee_id"
           " WHERE s.run_id = $1 ORDER BY s.employee_id",
           run_id)) {
    StoredPayslip p;
    p.employee_id = row[0].as<int64_t>();
    auto person = people::GetPerson(tx, cipher, row[1].as<int64_t>());
    if (!person.ok()) return person.status();
    p.employee_name = person->display_name;
    p.tax_code = row[2].as<std::string>();
    Payslip& s = p.payslip;
    s.tax_year = run.tax_year;
    s.period = run.period;
    s.gross_pence = row[3].as<int64_t>();
    s.tax_pence = row[4].as<int64_t>();
    s.employee_ni_pence = row[5].as<int64_t>();
    s.employer_ni_pence = row[6].as<int64_t>();
    s.employment_allowance_pence = row[7].as<int64_t>();
    s.employee_pension_pence = row[8].as<int64_t>();
    s.employer_pension_pence = row[9].as<int64_t>();
    s.net_pence = row[10].as<int64_t>();
    s.taxable_pay_to_date_pence = row[11].as<int64_t>();
    s.tax_paid_to_date_pence = row[12].as<int64_t>();
    for (int i = 0; i < 4; ++i) s.hours_centi[i] = row[13 + i].as<int64_t>();
    s.pension_category = static_cast<WorkerCategory>(row[17].as<int>());
    s.holiday_accrued_centi_hours = row[18].as<int64_t>();
    run.payslips.push_back(std::move(p));
  }
  return run;
}

absl::StatusOr<int64_t> Owed(pqxx::transaction_base& tx, int64_t account_id) {
  auto balance = ledger::GetBalance(tx, account_id, std::nullopt);
  if (!balance.ok()) return balance.status();
  return balance->posted_balance_pence;
}

absl::StatusOr<int64_t> PayLiability(pqxx::work& tx, int64_t employer_id, Liability liability,
                                     int64_t amount_pence, const std::string& reference,
                                     const std::string& request_id, const std::string& actor) {
  if (amount_pence <= 0) return absl::InvalidArgumentError("amount_pence must be positive");
  auto employer = GetEmployer(tx, employer_id);
  if (!employer.ok()) return employer.status();
  const int64_t account = liability == Liability::kWages  ? employer->wages_account_id
                          : liability == Liability::kHmrc ? employer->hmrc_account_id
                                                          : employer->pension_account_id;
  auto owed = Owed(tx, account);
  if (!owed.ok()) return owed.status();
  if (amount_pence > *owed) {
    return absl::FailedPreconditionError(dp::StrCat(
        "only £", FormatPence(*owed), " is owed on that liability; £", FormatPence(amount_pence),
        " would overpay it"));
  }
  const pqxx::result holding = tx.exec_params(
      "SELECT coalesce(holding_account_id, 0) FROM agreements.agreements WHERE id = $1",
      employer->agreement_id);
  if (holding.empty() || holding[0][0].as<int64_t>() == 0) {
    return absl::FailedPreconditionError(dp::StrCat(
        "agreement ", employer->agreement_id, " has no account to pay from; activate it first"));
  }
  ledger::NewTransaction txn;
  txn.idem = ledger::ServiceIdempotency(dp::StrCat("payroll:pay:", request_id),
                               dp::StrCat(account, "/", amount_pence));
  txn.kind = "payroll_payment";
  txn.description = dp::StrCat(employer->name, ": payment ", reference);
  txn.created_by = actor;
  Leg(txn.postings, account, ledger::Side::kDebit, amount_pence);
  Leg(txn.postings, holding[0][0].as<int64_t>(), ledger::Side::kCredit, amount_pence);
  return ledger::ApplyOne(tx, txn);
}

}  // namespace dp::payroll
