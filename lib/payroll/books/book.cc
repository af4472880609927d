#include "payroll/books/book.h"

#include <nlohmann/json.hpp>


#include "base/bounds.h"
#include "base/check.h"
#include "base/refusal.h"
#include "base/strings.h"
#include "db/sql.h"
#include "ledger/store.h"
#include "ledger/writer.h"
#include "money/money.h"
#include "payroll/books/book_rows.h"
#include "payroll/engine/ni.h"
#include "payroll/engine/paye.h"
#include "people/person_store.h"

namespace dp::payroll {

using rows::DayOf;
using rows::kCurrency;
using rows::Leg;

namespace rows {

absl::CivilDay DayOf(const pqxx::field& f) {
  absl::CivilDay day;
  const bool parsed = absl::ParseCivilTime(f.c_str(), &day);
  DP_CHECK(parsed);
  (void)parsed;
  return day;
}

void Leg(std::vector<ledger::PostingSpec>& legs, int64_t account_id, ledger::Side side,
         int64_t amount_pence) {
  if (amount_pence == 0) return;
  if (amount_pence < 0) {
    side = side == ledger::Side::kDebit ? ledger::Side::kCredit : ledger::Side::kDebit;
    amount_pence = -amount_pence;
  }
  legs.push_back({account_id, side, {amount_pence, kCurrency}});
}

const char* const kEmployeeColumns =
    "e.id, e.employer_id, e.person_id, e.start_date, e.leave_date, e.tax_code, e.week1_month1,"
    " e.ni_category, e.standard_rate_pence, e.night_rate_pence, e.sleepover_rate_pence,"
    " e.holiday_rate_pence, e.holiday_method, e.pension_member, e.previous_pay_pence,"
    " e.previous_tax_pence, e.qualifying_days_per_week, coalesce(e.gender, ''),"
    " e.pension_postponed_until, e.pension_opted_out, e.average_weekly_earnings_before_pence,"
    " e.notice_pay_pence, e.redundancy_pence, e.leaving_explanation, e.pension_opted_out_on";

Employee EmployeeFrom(const pqxx::row& row, int first) {
  auto at = [&](int i) { return row[first + i]; };
  Employee e;
  e.id = at(0).as<int64_t>();
  e.employer_id = at(1).as<int64_t>();
  e.person_id = at(2).as<int64_t>();
  e.start_date = DayOf(at(3));
  if (!at(4).is_null()) e.leave_date = DayOf(at(4));
  e.tax_code = at(5).as<std::string>();
  e.week1_month1 = at(6).as<bool>();
  e.ni_category = at(7).as<std::string>();
  e.rates = {at(8).as<int64_t>(), at(9).as<int64_t>(), at(10).as<int64_t>(),
             at(11).as<int64_t>()};
  e.holiday_accrual = at(12).as<std::string>() == "accrual_12_07";
  e.pension_member = at(13).as<bool>();
  e.previous_pay_pence = at(14).as<int64_t>();
  e.previous_tax_pence = at(15).as<int64_t>();
  e.qualifying_days_per_week = at(16).as<int>();
  e.gender = at(17).as<std::string>();
  if (!at(18).is_null()) e.pension_postponed_until = DayOf(at(18));
  e.pension_opted_out = at(19).as<bool>();
  if (!at(20).is_null()) e.average_weekly_earnings_before_pence = at(20).as<int64_t>();
  e.notice_pay_pence = at(21).as<int64_t>();
  e.redundancy_pence = at(22).as<int64_t>();
  e.leaving_explanation = at(23).as<std::string>();
  if (!at(24).is_null()) e.pension_opted_out_on = DayOf(at(24));
  return e;
}

const char* const kEmployerColumns =
    "id, agreement_id, authority_id, name, paye_reference, accounts_office_reference,"
    " pay_frequency, claims_employment_allowance, scottish_care_minimum, cost_account_id,"
    " wages_account_id, hmrc_account_id, pension_account_id,"
    " (SELECT min(m.start_date) FROM payroll.employees m"
    "  WHERE m.employer_id = payroll.employers.id)";

Employer EmployerFrom(const pqxx::row& r) {
  Employer e;
  e.id = r[0].as<int64_t>();
  e.agreement_id = r[1].as<int64_t>();
  e.authority_id = r[2].as<std::string>();
  e.name = r[3].as<std::string>();
  e.paye_reference = r[4].as<std::string>();
  e.accounts_office_reference = r[5].as<std::string>();
  e.frequency = *ParseFrequency(r[6].as<std::string>());
  e.claims_employment_allowance = r[7].as<bool>();
  e.scottish_care_minimum = r[8].as<bool>();
  e.cost_account_id = r[9].as<int64_t>();
  e.wages_account_id = r[10].as<int64_t>();
  e.hmrc_account_id = r[11].as<int64_t>();
  e.pension_account_id = r[12].as<int64_t>();
  if (!r[13].is_null()) e.duties_start = DayOf(r[13]);
  return e;
}

std::string DetailJson(const Payslip& s) {
  nlohmann::json j = {
      {"hours_centi", std::vector<int64_t>(std::begin(s.hours_centi), std::end(s.hours_centi))},
      {"pay_pence", std::vector<int64_t>(std::begin(s.pay_pence), std::end(s.pay_pence))},
      {"pension_category", static_cast<int>(s.pension_category)},
      {"holiday_accrued_centi_hours", s.holiday_accrued_centi_hours},
      {"tax_held_back_pence", s.tax_held_back_pence},
      {"sick_days", s.sick_days},
      {"ssp_payable_days", s.ssp_payable_days},
      {"ssp_waiting_days", s.ssp_waiting_days},
      {"pension_postponed", s.pension_postponed},
      {"holiday_taken_centi_hours", s.holiday_taken_centi_hours},
      {"holiday_balance_centi_hours", s.holiday_balance_centi_hours},
      {"to_date_pence", {s.employee_ni_to_date_pence, s.employee_pension_to_date_pence,
                         s.loans_to_date_pence, s.statutory_pay_to_date_pence}},
      {"loan_plan", s.loan_plan ? std::string(LoanPlanName(*s.loan_plan)) : std::string()}};
  // Family and notice pay are rare: kept only when there is some, so that
  // a national run's payslips stay small.
  if (s.FamilyPayPence() > 0) {
    auto kinds = [](const int64_t* v) { return std::vector<int64_t>(v, v + kFamilyPayKinds); };
    j["family_pay_pence"] = kinds(s.family_pay_pence);
    j["family_recovered_pence"] = kinds(s.family_recovered_pence);
    j["family_compensation_pence"] = kinds(s.family_compensation_pence);
  }
  if (s.notice_pay_pence > 0) j["notice_pay_pence"] = s.notice_pay_pence;
  return j.dump();
}

void ReadDetail(const std::string& json, Payslip& s) {
  const nlohmann::json j = nlohmann::json::parse(json);
  for (int i = 0; i < 4; ++i) {
    s.hours_centi[i] = j.at("hours_centi").at(i).get<int64_t>();
    s.pay_pence[i] = j.at("pay_pence").at(i).get<int64_t>();
  }
  s.pension_category = static_cast<WorkerCategory>(j.at("pension_category").get<int>());
  s.holiday_accrued_centi_hours = j.at("holiday_accrued_centi_hours").get<int64_t>();
  s.tax_held_back_pence = j.value("tax_held_back_pence", int64_t{0});
  s.sick_days = j.value("sick_days", 0);
  s.ssp_payable_days = j.value("ssp_payable_days", 0);
  s.ssp_waiting_days = j.value("ssp_waiting_days", 0);
  s.pension_postponed = j.value("pension_postponed", false);
  s.holiday_taken_centi_hours = j.value("holiday_taken_centi_hours", s.hours_centi[3]);
  s.holiday_balance_centi_hours = j.value("holiday_balance_centi_hours", int64_t{0});
  if (j.contains("to_date_pence")) {
    const auto& t = j.at("to_date_pence");
    s.employee_ni_to_date_pence = t.at(0).get<int64_t>();
    s.employee_pension_to_date_pence = t.at(1).get<int64_t>();
    s.loans_to_date_pence = t.at(2).get<int64_t>();
    s.statutory_pay_to_date_pence = t.at(3).get<int64_t>();
  }
  s.loan_plan = ParseLoanPlan(j.value("loan_plan", std::string()));
  auto read_kinds = [&](const char* key, int64_t* out) {
    if (!j.contains(key)) return;
    for (int k = 0; k < kFamilyPayKinds; ++k) out[k] = j.at(key).at(k).get<int64_t>();
  };
  read_kinds("family_pay_pence", s.family_pay_pence);
  read_kinds("family_recovered_pence", s.family_recovered_pence);
  read_kinds("family_compensation_pence", s.family_compensation_pence);
  s.notice_pay_pence = j.value("notice_pay_pence", int64_t{0});
}

}  // namespace rows

namespace {

constexpr int kMaxEmployeesPerEmployer = 1000;  // bounds one run

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
  if (e.name.empty()) return FieldError("name", "is required");
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
      dp::StrCat("SELECT ", rows::kEmployerColumns, " FROM payroll.employers WHERE id = $1",
                 for_update ? " FOR UPDATE" : ""),
      id);
  if (r.empty()) return absl::NotFoundError(dp::StrCat("employer ", id, " does not exist"));
  return rows::EmployerFrom(r[0]);
}

absl::StatusOr<int64_t> RecordLoanNotice(pqxx::work& tx, int64_t employee_id, LoanPlan plan,
                                         const std::string& notice, absl::CivilDay effective,
                                         const std::string& actor) {
  const bool postgraduate = plan == LoanPlan::kPostgraduate;
  const bool starts = notice == "SL1" || notice == "PGL1" || notice == "starter" || notice == "P45";
  const bool stops = notice == "SL2" || notice == "PGL2";
  if (!starts && !stops) {
    return FieldError("notice", "must be SL1, SL2, PGL1, PGL2, starter or P45");
  }
  if ((notice == "SL1" || notice == "SL2") == postgraduate ||
      ((notice == "PGL1" || notice == "PGL2") != postgraduate)) {
    return FieldError("notice", postgraduate ? "for a postgraduate loan is PGL1 or PGL2"
                                             : "for a student loan plan is SL1 or SL2");
  }
  auto employee = GetEmployee(tx, employee_id);
  if (!employee.ok()) return employee.status();
  if (effective < employee->start_date) {
    return FieldError("effective_date",
                      dp::StrCat("is before employee ", employee_id, " started on ",
                                 absl::FormatCivilTime(employee->start_date)));
  }
  const std::string name(LoanPlanName(plan));
  const pqxx::result open = tx.exec_params(
      "SELECT id, starts FROM payroll.student_loans WHERE employee_id = $1 AND plan = $2"
      " AND stops IS NULL FOR UPDATE",
      employee_id, name);
  if (starts) {
    if (!open.empty()) {
      return absl::FailedPreconditionError(
          dp::StrCat("employee ", employee_id, " already repays ", name, " from ",
                     open[0][1].as<std::string>(), ": a stop notice comes first"));
    }
    return tx.exec_params1(
        "INSERT INTO payroll.student_loans (employee_id, plan, starts, start_notice, created_by)"
        " VALUES ($1, $2, $3::date, $4, $5) RETURNING id",
        employee_id, name, absl::FormatCivilTime(effective), notice, actor)[0].as<int64_t>();
  }
  if (open.empty()) {
    return absl::FailedPreconditionError(
        dp::StrCat("employee ", employee_id, " does not repay ", name, ": there is nothing to stop"));
  }
  if (effective <= DayOf(open[0][1])) {
    return FieldError("effective_date", dp::StrCat("must be after the plan started on ",
                                                   open[0][1].as<std::string>()));
  }
  tx.exec_params("UPDATE payroll.student_loans SET stops = $2::date, stop_notice = $3 WHERE id = $1",
                 open[0][0].as<int64_t>(), absl::FormatCivilTime(effective), notice);
  return open[0][0].as<int64_t>();
}


namespace {

// CheckCode: the engine can use `code` in the tax year of `day`.
absl::Status CheckCode(const TaxYears& years, const std::string& code, absl::CivilDay day,
                       std::string_view field) {
  auto year = years.ForDate(absl::FormatCivilTime(day));
  if (!year.ok()) return FieldError("effective_date", "is in no tax year this system has figures for");
  auto paye = CalculatePaye(**year, {PayFrequency::kMonthly, 1, code, false, 0, 0, 0});
  if (!paye.ok()) return FieldError(field, std::string(paye.status().message()));
  return absl::OkStatus();
}

int64_t InsertNotice(pqxx::work& tx, int64_t employee_id, const TaxCodeNotice& n,
                     const std::optional<P45>& p45, const std::string& actor) {
  return tx.exec_params1(
      "INSERT INTO payroll.tax_code_notices (employee_id, kind, tax_code, week1_month1,"
      " effective_from, starter_declaration, p45_pay_pence, p45_tax_pence, created_by)"
      " VALUES ($1, $2, $3, $4, $5::date, nullif($6, ''), $7, $8, $9) RETURNING id",
      employee_id, n.kind, n.tax_code, n.week1_month1, absl::FormatCivilTime(n.effective_from),
      n.starter_declaration, p45 ? std::optional<int64_t>(p45->pay_pence) : std::nullopt,
      p45 ? std::optional<int64_t>(p45->tax_pence) : std::nullopt, actor)[0].as<int64_t>();
}

}  // namespace

absl::StatusOr<int64_t> RecordTaxCodeNotice(pqxx::work& tx, const TaxYears& years,
                                            int64_t employee_id, const std::string& kind,
                                            const std::string& tax_code, bool week1_month1,
                                            absl::CivilDay effective, const std::string& actor) {
  if (kind != "P6" && kind != "P6B" && kind != "P9") {
    return FieldError("kind", "must be P6, P6B or P9 (a starter's code comes with RecordStarter)");
  }
  auto employee = GetEmployee(tx, employee_id);
  if (!employee.ok()) return employee.status();
  if (effective < employee->start_date) {
    return FieldError("effective_date", dp::StrCat("is before employee ", employee_id,
                                                   " started on ",
                                                   absl::FormatCivilTime(employee->start_date)));
  }
  if (auto s = CheckCode(years, tax_code, effective, "tax_code"); !s.ok()) return s;
  return InsertNotice(tx, employee_id, {0, kind, tax_code, week1_month1, effective, ""},
                      std::nullopt, actor);
}

absl::StatusOr<int64_t> RecordStarter(pqxx::work& tx, const TaxYears& years, int64_t employee_id,
                                      const std::string& declaration,
                                      const std::optional<P45>& p45, const std::string& actor) {
  if (!declaration.empty() && declaration != "A" && declaration != "B" && declaration != "C") {
    return FieldError("declaration", "must be A, B or C (the starter checklist's statements)");
  }
  if (!p45 && declaration.empty()) {
    return FieldError("declaration", "is required when there is no P45");
  }
  if (p45 && (p45->pay_pence < 0 || p45->pay_pence > bounds::kMaxPayPerYearPence)) {
    return FieldError("p45.previous_pay_pence", "must be 0 to £10 million", reason::kOverLimit);
  }
  if (p45 && (p45->tax_pence > p45->pay_pence || p45->tax_pence < -p45->pay_pence)) {
    return FieldError("p45.previous_tax_pence",
                      "must be within the previous pay, either way (a refund is negative)",
                      reason::kOverLimit);
  }
  auto employee = GetEmployee(tx, employee_id);
  if (!employee.ok()) return employee.status();
  // One declaration at a time: the employee's row is held while it is checked.
  tx.exec_params("SELECT 1 FROM payroll.employees WHERE id = $1 FOR UPDATE", employee_id);
  const pqxx::row seen = tx.exec_params1(
      "SELECT (SELECT count(*) FROM payroll.tax_code_notices WHERE employee_id = $1"
      "   AND kind = 'starter'),"
      " (SELECT count(*) FROM payroll.payslips WHERE employee_id = $1)",
      employee_id);
  if (seen[0].as<int>() > 0) {
    return Refusal(absl::StatusCode::kAlreadyExists, reason::kAlreadyExists,
                   dp::StrCat("employee ", employee_id, " already has a starter declaration"));
  }
  if (seen[1].as<int>() > 0) {
    return absl::FailedPreconditionError(dp::StrCat(
        "employee ", employee_id, " has been paid already: a starter declaration comes before "
        "the first pay; apply a P6 for a new code"));
  }
  TaxCodeNotice n{0, "starter", "", false, employee->start_date, declaration};
  if (p45) {
    n.tax_code = p45->tax_code;
    n.week1_month1 = p45->week1_month1;
    if (auto s = CheckCode(years, n.tax_code, n.effective_from, "p45.tax_code"); !s.ok()) return s;
  } else {
    auto year = years.ForDate(absl::FormatCivilTime(employee->start_date));
    if (!year.ok()) return year.status();
    const std::string prefix =
        !employee->tax_code.empty() && (employee->tax_code[0] == 'S' || employee->tax_code[0] == 'C')
            ? employee->tax_code.substr(0, 1)
            : "";
    n.tax_code = prefix + (declaration == "C" ? "BR" : (*year)->emergency_tax_code);
    n.week1_month1 = declaration != "A";
  }
  if (p45) {
    if (p45->average_weekly_earnings_pence < 0 ||
        p45->average_weekly_earnings_pence > bounds::kMaxPayPerYearPence / 52) {
      return FieldError("p45.average_weekly_earnings_pence", "must be 0 to £192,307 a week",
                        reason::kOverLimit);
    }
    tx.exec_params(
        "UPDATE payroll.employees SET previous_pay_pence = $2, previous_tax_pence = $3,"
        " average_weekly_earnings_before_pence = coalesce(nullif($4::bigint, 0),"
        "  average_weekly_earnings_before_pence) WHERE id = $1",
        employee_id, p45->pay_pence, p45->tax_pence, p45->average_weekly_earnings_pence);
  }
  return InsertNotice(tx, employee_id, n, p45, actor);
}


std::map<int64_t, std::vector<StudentLoan>> StudentLoansOf(pqxx::transaction_base& tx,
                                                           const std::vector<int64_t>& ids) {
  std::map<int64_t, std::vector<StudentLoan>> out;
  for (const auto& r : tx.exec_params(
           "SELECT employee_id, plan, starts, start_notice, stops, coalesce(stop_notice, '')"
           " FROM payroll.student_loans WHERE employee_id = ANY($1::bigint[])"
           " ORDER BY starts, id",
           db::IntArrayLiteral(ids))) {
    StudentLoan l{*ParseLoanPlan(r[1].as<std::string>()), DayOf(r[2]), r[3].as<std::string>(),
                  std::nullopt, r[5].as<std::string>()};
    if (!r[4].is_null()) l.stops = DayOf(r[4]);
    out[r[0].as<int64_t>()].push_back(std::move(l));
  }
  return out;
}

std::vector<StudentLoan> StudentLoans(pqxx::transaction_base& tx, int64_t employee_id) {
  auto all = StudentLoansOf(tx, {employee_id});
  return std::move(all[employee_id]);
}

std::map<int64_t, std::vector<TaxCodeNotice>> TaxCodeNoticesOf(pqxx::transaction_base& tx,
                                                               const std::vector<int64_t>& ids) {
  std::map<int64_t, std::vector<TaxCodeNotice>> out;
  for (const auto& r : tx.exec_params(
           "SELECT employee_id, id, kind, tax_code, week1_month1, effective_from,"
           " coalesce(starter_declaration, '') FROM payroll.tax_code_notices"
           " WHERE employee_id = ANY($1::bigint[]) ORDER BY effective_from, id",
           db::IntArrayLiteral(ids))) {
    out[r[0].as<int64_t>()].push_back({r[1].as<int64_t>(), r[2].as<std::string>(),
                                       r[3].as<std::string>(), r[4].as<bool>(), DayOf(r[5]),
                                       r[6].as<std::string>()});
  }
  return out;
}

std::vector<TaxCodeNotice> TaxCodeNotices(pqxx::transaction_base& tx, int64_t employee_id) {
  auto all = TaxCodeNoticesOf(tx, {employee_id});
  return std::move(all[employee_id]);
}

TaxCodeNotice CodeInForce(const Employee& employee, const std::vector<TaxCodeNotice>& notices,
                          absl::CivilDay pay_date, const TaxYear* year) {
  TaxCodeNotice in_force{0, "", employee.tax_code, employee.week1_month1, employee.start_date, ""};
  for (const TaxCodeNotice& n : notices) {  // in effective order
    if (n.effective_from <= pay_date) in_force = n;
  }
  if (year == nullptr || InTaxYear(*year, in_force.effective_from)) return in_force;
  // Carried into this year: cumulative, and uplifted by the year's P9X.
  in_force.week1_month1 = false;
  std::string& code = in_force.tax_code;
  const size_t digits = code.find_first_of("0123456789");
  const size_t suffix = code.find_last_of("0123456789");
  if (digits != std::string::npos && suffix + 1 == code.size() - 1 &&
      code.find_first_not_of("0123456789", digits) == suffix + 1) {
    const auto uplift = year->start_of_year_uplift.find(code.back());
    if (uplift != year->start_of_year_uplift.end() && uplift->second != 0) {
      const int number = std::stoi(code.substr(digits, suffix + 1 - digits)) + uplift->second;
      code = dp::StrCat(code.substr(0, digits), number, code.substr(suffix + 1));
    }
  }
  return in_force;
}

absl::Status CheckEmployee(const Employee& e, const TaxYear* year) {
  for (auto [field, pence] : {std::pair{"standard_rate_pence", e.rates.standard_pence},
                              std::pair{"night_rate_pence", e.rates.night_pence},
                              std::pair{"sleepover_rate_pence", e.rates.sleepover_pence},
                              std::pair{"holiday_rate_pence", e.rates.holiday_pence}}) {
    if (pence < 0 || pence > bounds::kMaxHourlyRatePence) {
      return FieldError(field, "must be 0 to 100000 pence (£1,000) an hour", reason::kOverLimit);
    }
  }
  if (e.previous_pay_pence < 0 || e.previous_pay_pence > bounds::kMaxPayPerYearPence) {
    return FieldError("previous_pay_pence", "must be 0 to £10 million (a P45's pay)",
                      reason::kOverLimit);
  }
  // A P45's tax may be a refund (negative), never more than the pay.
  if (e.previous_tax_pence > e.previous_pay_pence || e.previous_tax_pence < -e.previous_pay_pence) {
    return FieldError("previous_tax_pence",
                      "must be within the previous pay, either way (a refund is negative)",
                      reason::kOverLimit);
  }
  if (e.qualifying_days_per_week < 1 || e.qualifying_days_per_week > 7) {
    return FieldError("qualifying_days_per_week", "must be 1 to 7");
  }
  if (e.pension_postponed_until) {
    // As PostgreSQL adds 3 months: 30 November runs to 28 (or 29) February.
    const absl::CivilMonth month = absl::CivilMonth(e.start_date) + 3;
    const absl::CivilDay limit =
        std::min(absl::CivilDay(month.year(), month.month(), e.start_date.day()),
                 absl::CivilDay(month + 1) - 1);
    if (*e.pension_postponed_until < e.start_date || *e.pension_postponed_until > limit) {
      return FieldError("pension_postponed_until", "must be within 3 months of the start date");
    }
  }
  if (!e.gender.empty() && e.gender != "M" && e.gender != "F") {
    return FieldError("gender", "must be M or F, as RTI records it");
  }
  if (year != nullptr) {
    auto paye = CalculatePaye(*year, {PayFrequency::kMonthly, 1, e.tax_code, false, 0, 0, 0});
    if (!paye.ok()) return paye.status();  // names tax_code
    auto nic = CalculateNi(*year, e.ni_category, PayFrequency::kMonthly, 0);
    if (!nic.ok()) return nic.status();  // names ni_category
  }
  if (e.rates.standard_pence <= 0) return FieldError("standard_rate_pence", "must be positive");
  if (e.average_weekly_earnings_before_pence &&
      (*e.average_weekly_earnings_before_pence < 0 ||
       *e.average_weekly_earnings_before_pence > bounds::kMaxPayPerYearPence / 52)) {
    return FieldError("average_weekly_earnings_before_pence", "must be 0 to £192,307 a week",
                      reason::kOverLimit);
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> CreateEmployee(pqxx::work& tx, const Employee& e) {
  return tx
      .exec_params1(
          "INSERT INTO payroll.employees (employer_id, person_id, start_date, tax_code,"
          " week1_month1, ni_category, standard_rate_pence, night_rate_pence,"
          " sleepover_rate_pence, holiday_rate_pence, holiday_method, pension_member,"
          " previous_pay_pence, previous_tax_pence, qualifying_days_per_week, gender,"
          " pension_postponed_until, pension_opted_out, average_weekly_earnings_before_pence)"
          " VALUES ($1, $2, $3::date, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,"
          " nullif($16, ''), nullif($17, '')::date, $18, $19) RETURNING id",
          e.employer_id, e.person_id, absl::FormatCivilTime(e.start_date), e.tax_code, e.week1_month1,
          e.ni_category, e.rates.standard_pence, e.rates.night_pence, e.rates.sleepover_pence,
          e.rates.holiday_pence, e.holiday_accrual ? "accrual_12_07" : "weeks_5_6",
          e.pension_member, e.previous_pay_pence, e.previous_tax_pence,
          e.qualifying_days_per_week, e.gender,
          e.pension_postponed_until ? absl::FormatCivilTime(*e.pension_postponed_until) : "",
          e.pension_opted_out, e.average_weekly_earnings_before_pence)[0]
      .as<int64_t>();
}

absl::StatusOr<Employee> GetEmployee(pqxx::transaction_base& tx, int64_t id) {
  auto found = GetEmployees(tx, {id});
  if (found.empty()) return absl::NotFoundError(dp::StrCat("employee ", id, " does not exist"));
  return std::move(found.begin()->second);
}

std::map<int64_t, Employee> GetEmployees(pqxx::transaction_base& tx,
                                         const std::vector<int64_t>& ids) {
  std::map<int64_t, Employee> employees;
  for (const auto& row : tx.exec_params(
           dp::StrCat("SELECT ", rows::kEmployeeColumns,
                      " FROM payroll.employees e WHERE e.id = ANY($1::bigint[])"),
           db::IntArrayLiteral(ids))) {
    Employee e = rows::EmployeeFrom(row, 0);
    employees.emplace(e.id, std::move(e));
  }
  return employees;
}

int64_t HolidayBalanceBefore(pqxx::transaction_base& tx, int64_t employee_id,
                             absl::CivilDay before) {
  return tx.exec_params1(
      "SELECT coalesce(sum((s.detail->>'holiday_accrued_centi_hours')::bigint"
      "  - coalesce((s.detail->>'holiday_taken_centi_hours')::bigint,"
      "      (s.detail->'hours_centi'->>3)::bigint)), 0)::bigint"
      " FROM payroll.payslips s JOIN payroll.pay_runs r ON r.id = s.run_id"
      " WHERE s.employee_id = $1 AND r.status = 'posted' AND r.period_end < $2::date",
      employee_id, absl::FormatCivilTime(before))[0].as<int64_t>();
}

absl::StatusOr<int64_t> SubmitTimesheet(pqxx::work& tx, const TaxYears& years,
                                        int64_t employee_id, const Timesheet& t,
                                        const std::string& actor,
                                        const std::string& holiday_override_reason) {
  auto employee = GetEmployee(tx, employee_id);
  if (!employee.ok()) return employee.status();
  auto employer = GetEmployer(tx, employee->employer_id);
  if (!employer.ok()) return employer.status();
  if (auto s = ValidateTimesheet(years, t, employee->rates, employer->scottish_care_minimum);
      !s.ok()) {
    return s;
  }
  auto employed = [&](absl::CivilDay d) {
    return d >= employee->start_date && !(employee->leave_date && d > *employee->leave_date);
  };
  for (const TimesheetEntry& e : t.entries) {
    if (!employed(e.date)) {
      return FieldError("entries", dp::StrCat(
          "", absl::FormatCivilTime(e.date), " is outside employee ", employee_id,
          "'s employment"));
    }
  }
  for (absl::CivilDay d : t.sick_days) {
    if (!employed(d)) {
      return FieldError("sick_days", dp::StrCat(
          "", absl::FormatCivilTime(d), " is outside employee ", employee_id,
          "'s employment"));
    }
  }
  // Holiday is taken from the balance: what was accrued and not taken in
  // the pay before this period, and what this period's hours accrue.
  int64_t holiday = 0, worked = 0;
  for (const TimesheetEntry& e : t.entries) {
    (e.type == RateType::kHoliday ? holiday : worked) += e.hours_centi;
  }
  if (holiday > 0) {
    auto year = years.ForDate(absl::FormatCivilTime(t.period_end));
    if (!year.ok()) return year.status();
    const int64_t accruing = employee->holiday_accrual
                                 ? HolidayAccrualCentiHours(**year, worked)
                                 : FixedHoursAccrualCentiHours(**year, worked + holiday);
    auto balance = HolidayBalanceBefore(tx, employee_id, t.period_start);
    if (auto s = CheckHolidayTaken(balance + accruing, holiday, holiday_override_reason); !s.ok()) {
      return s;
    }
  }
  if (holiday_override_reason.size() > 2000) {
    return FieldError("holiday_override_reason", "is longer than 2000 characters");
  }
  tx.exec_params("UPDATE payroll.timesheets SET superseded = true WHERE employee_id = $1"
                 " AND period_start = $2::date AND NOT superseded",
                 employee_id, absl::FormatCivilTime(t.period_start));
  const int64_t id =
      tx.exec_params1("INSERT INTO payroll.timesheets (employee_id, period_start, period_end,"
                      " submitted_by, holiday_override_reason)"
                      " VALUES ($1, $2::date, $3::date, $4, nullif($5, '')) RETURNING id",
                      employee_id, absl::FormatCivilTime(t.period_start),
                      absl::FormatCivilTime(t.period_end), actor, holiday_override_reason)[0]
          .as<int64_t>();
  for (size_t i = 0; i < t.entries.size(); ++i) {
    const TimesheetEntry& e = t.entries[i];
    tx.exec_params("INSERT INTO payroll.timesheet_entries (timesheet_id, line, work_date,"
                   " rate_type, hours_centi) VALUES ($1, $2, $3::date, $4, $5)",
                   id, static_cast<int>(i), absl::FormatCivilTime(e.date), std::string(RateTypeName(e.type)),
                   e.hours_centi);
  }
  for (absl::CivilDay d : t.sick_days) {
    tx.exec_params("INSERT INTO payroll.timesheet_absences (timesheet_id, absence_date, kind)"
                   " VALUES ($1, $2::date, 'sick')",
                   id, absl::FormatCivilTime(d));
  }
  return id;
}

absl::StatusOr<int64_t> Owed(pqxx::transaction_base& tx, int64_t account_id) {
  auto balance = ledger::GetBalance(tx, account_id, std::nullopt);
  if (!balance.ok()) return balance.status();
  return balance->posted_balance_pence;
}

absl::StatusOr<int64_t> PayLiability(pqxx::work& tx, int64_t employer_id, Liability liability,
                                     int64_t amount_pence, const std::string& reference,
                                     const std::string& request_id, const std::string& actor) {
  if (amount_pence <= 0) return FieldError("amount_pence", "must be positive");
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


absl::Status RecordPensionOptOut(pqxx::work& tx, int64_t employee_id, absl::CivilDay day,
                                 absl::CivilDay today) {
  auto employee = GetEmployee(tx, employee_id);
  if (!employee.ok()) return employee.status();
  if (day < employee->start_date || day > today) {
    return FieldError("opted_out_on", dp::StrCat(
        "must be from the PA's start (", absl::FormatCivilTime(employee->start_date),
        ") to today"));
  }
  tx.exec_params("UPDATE payroll.employees SET pension_opted_out = true,"
                 " pension_opted_out_on = $2::date WHERE id = $1",
                 employee_id, absl::FormatCivilTime(day));
  return absl::OkStatus();
}

bool ReEnrolled(const Employee& employee, const Employer& employer, absl::CivilDay on) {
  if (!employee.pension_opted_out || !employer.duties_start) return false;
  const absl::CivilDay d = *employer.duties_start;
  std::optional<absl::CivilDay> latest;
  for (int k = 1; k <= 100; ++k) {  // bounded: a century of 3-year cycles
    const absl::CivilDay r(d.year() + 3 * k, d.month(), d.day());
    if (r > on) break;
    latest = r;
  }
  if (!latest) return false;
  const absl::CivilDay opted_out = employee.pension_opted_out_on.value_or(employee.start_date);
  const absl::CivilDay year_before(latest->year() - 1, latest->month(), latest->day());
  return opted_out < year_before;
}

}  // namespace dp::payroll
