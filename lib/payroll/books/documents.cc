#include "payroll/books/documents.h"

#include <algorithm>
#include <map>

#include "base/refusal.h"
#include "base/strings.h"
#include "db/sql.h"
#include "money/money.h"
#include "payroll/books/book.h"
#include "payroll/books/book_rows.h"
#include "payroll/books/pay_run.h"
#include "payroll/engine/ni.h"
#include "payroll/forms/bacs.h"
#include "payroll/forms/document.h"
#include "payroll/forms/forms.h"
#include "payroll/forms/rti.h"
#include "people/person_store.h"

namespace dp::payroll {
namespace {

constexpr size_t kMaxSlipsPerYear = 60;  // 52 weeks, with corrections to spare

RenderedDocument Pdf(std::string name, std::string bytes) {
  return {std::move(name), "application/pdf", std::move(bytes)};
}

FormEmployer FormOf(const Employer& e) { return {e.name, e.paye_reference}; }

// PostedSlip is one of an employee's posted payslips in a tax year.
struct PostedSlip {
  int64_t run_id = 0;
  int period = 0;
  absl::CivilDay payment_date;
  std::string ni_category, tax_code;
  int64_t gross = 0, tax = 0, employee_ni = 0, employer_ni = 0, allowance = 0;
  int64_t taxable_to_date = 0, tax_to_date = 0;
  // Statutory family pay, what was recovered and the compensation, by kind.
  int64_t family[kFamilyPayKinds] = {}, recovered[kFamilyPayKinds] = {},
          compensation[kFamilyPayKinds] = {};
};

// ReadFamilyPay adds a payslip detail's family pay, recovered and
// compensation, by kind, to the totals given.
void ReadFamilyPay(const std::string& detail, int64_t* family, int64_t* recovered,
                   int64_t* compensation) {
  Payslip s;
  rows::ReadDetail(detail, s);
  for (int k = 0; k < kFamilyPayKinds; ++k) {
    family[k] += s.family_pay_pence[k];
    recovered[k] += s.family_recovered_pence[k];
    compensation[k] += s.family_compensation_pence[k];
  }
}

std::vector<PostedSlip> PostedSlips(pqxx::transaction_base& tx, int64_t employee_id,
                                    const std::string& tax_year) {
  std::vector<PostedSlip> out;
  for (const auto& row : tx.exec_params(
           "SELECT r.id, r.period, r.payment_date, coalesce(s.ni_category, e.ni_category),"
           " coalesce(s.tax_code, e.tax_code), s.gross_pence, s.tax_pence, s.employee_ni_pence,"
           " s.employer_ni_pence, s.employment_allowance_pence, s.taxable_pay_to_date_pence,"
           " s.tax_paid_to_date_pence, s.detail FROM payroll.payslips s"
           " JOIN payroll.pay_runs r ON r.id = s.run_id"
           " JOIN payroll.employees e ON e.id = s.employee_id"
           " WHERE s.employee_id = $1 AND r.tax_year = $2 AND r.status = 'posted'"
           " ORDER BY r.period LIMIT $3",
           employee_id, tax_year, static_cast<int>(kMaxSlipsPerYear))) {
    PostedSlip p{row[0].as<int64_t>(), row[1].as<int>(), rows::DayOf(row[2]),
                 row[3].as<std::string>(), row[4].as<std::string>(), row[5].as<int64_t>(),
                 row[6].as<int64_t>(), row[7].as<int64_t>(), row[8].as<int64_t>(),
                 row[9].as<int64_t>(), row[10].as<int64_t>(), row[11].as<int64_t>()};
    ReadFamilyPay(row[12].as<std::string>(), p.family, p.recovered, p.compensation);
    out.push_back(std::move(p));
  }
  return out;
}

// NiByLetter sums a year's NI earnings bands and contributions by letter,
// up to and including `through_period`.
std::map<std::string, NiYearToDate> NiByLetter(const TaxYear& year, PayFrequency frequency,
                                               const std::vector<PostedSlip>& slips,
                                               int through_period) {
  std::map<std::string, NiYearToDate> by_letter;
  for (const PostedSlip& s : slips) {
    if (s.period > through_period) continue;
    NiYearToDate& n = by_letter[s.ni_category];
    n.letter = s.ni_category;
    n.gross_pence += s.gross;
    auto bands = CalculateNi(year, s.ni_category, frequency, s.gross);
    if (bands.ok()) {
      n.at_lel_pence += bands->earnings_at_lel_pence;
      n.lel_to_pt_pence += bands->earnings_lel_to_pt_pence;
      n.pt_to_uel_pence += bands->earnings_pt_to_uel_pence;
    }
    n.employee_nic_pence += s.employee_ni;
    n.total_nic_pence += s.employee_ni + s.employer_ni + s.allowance;
  }
  return by_letter;
}

// Previous is what a previous employment's P45 contributes to `year`.
std::pair<int64_t, int64_t> Previous(const TaxYear& year, const Employee& e) {
  if (!InTaxYear(year, e.start_date)) return {0, 0};
  return {e.previous_pay_pence, e.previous_tax_pence};
}

// RunBooks is a pay run with its employer, and the employees it paid with
// their personal details: what every run document is made from, read in
// a handful of queries whatever the number of PAs.
struct RunBooks {
  PayRun run;
  Employer employer;
  std::map<int64_t, Employee> employees;     // by employee id
  std::map<int64_t, people::Person> people;  // by person id

  const Employee& EmployeeOf(const StoredPayslip& p) const { return employees.at(p.employee_id); }
  const people::Person& PersonOf(const StoredPayslip& p) const {
    return people.at(EmployeeOf(p).person_id);
  }
};

// ReadRun reads a run's books; `posted_only` refuses a replaced run, which
// must not be paid or reported again.
absl::StatusOr<RunBooks> ReadRun(pqxx::transaction_base& tx, const crypto::FieldCipher& cipher,
                                 int64_t run_id, bool posted_only) {
  RunBooks books;
  auto run = GetPayRun(tx, cipher, run_id);
  if (!run.ok()) return run.status();
  if (posted_only && run->status != "posted") {
    return absl::FailedPreconditionError(dp::StrCat(
        "pay run ", run_id, " was replaced by a correction; use the run that replaced it"));
  }
  books.run = *std::move(run);
  auto employer = GetEmployer(tx, books.run.employer_id);
  if (!employer.ok()) return employer.status();
  books.employer = *std::move(employer);
  std::vector<int64_t> employee_ids, person_ids;
  for (const StoredPayslip& p : books.run.payslips) employee_ids.push_back(p.employee_id);
  books.employees = GetEmployees(tx, employee_ids);
  for (const auto& [id, e] : books.employees) person_ids.push_back(e.person_id);
  auto people = people::GetPersons(tx, cipher, person_ids);
  if (!people.ok()) return people.status();
  books.people = *std::move(people);
  return books;
}

std::pair<std::string, std::string> SplitName(const std::string& name) {
  const size_t space = name.rfind(' ');
  if (space == std::string::npos) return {name, name};
  return {name.substr(0, space), name.substr(space + 1)};
}

}  // namespace

absl::StatusOr<RenderedDocument> PayslipsPdf(pqxx::transaction_base& tx,
                                             const crypto::FieldCipher& cipher, int64_t run_id,
                                             int64_t employee_id) {
  auto books = ReadRun(tx, cipher, run_id, /*posted_only=*/false);
  if (!books.ok()) return books.status();
  const PayRun& run = books->run;
  std::vector<DocPage> pages;
  for (const StoredPayslip& p : run.payslips) {
    if (employee_id != 0 && p.employee_id != employee_id) continue;
    PayslipForm form{FormOf(books->employer),
                     {p.employee_id, p.employee_name,
                      people::MaskNiNumber(books->PersonOf(p).ni_number)},
                     p.tax_code, p.ni_category, run.period_start, run.period_end,
                     run.payment_date, {}, p.payslip};
    // The rates as paid, from the stored pay: a rate changed since must
    // not rewrite an old payslip.
    int64_t* rate[] = {&form.rates.standard_pence, &form.rates.night_pence,
                       &form.rates.sleepover_pence, &form.rates.holiday_pence};
    for (int i = 0; i < 4; ++i) {
      const int64_t hours = p.payslip.hours_centi[i];
      *rate[i] = hours ? (p.payslip.pay_pence[i] * 100 + hours / 2) / hours : 0;
    }
    pages.push_back(PayslipPage(form));
  }
  if (pages.empty()) {
    return absl::NotFoundError(
        dp::StrCat("pay run ", run_id, " has no payslip for employee ", employee_id));
  }
  auto pdf = RenderPdf(pages);
  if (!pdf.ok()) return pdf.status();
  return Pdf(employee_id ? dp::StrCat("payslip-run-", run_id, "-employee-", employee_id, ".pdf")
                         : dp::StrCat("payslips-run-", run_id, ".pdf"),
             *pdf);
}

absl::StatusOr<RenderedDocument> BacsFile(pqxx::transaction_base& tx,
                                          const crypto::FieldCipher& cipher, int64_t run_id) {
  auto books = ReadRun(tx, cipher, run_id, /*posted_only=*/true);
  if (!books.ok()) return books.status();
  const PayRun& run = books->run;
  const Employer& employer = books->employer;
  const pqxx::row a = tx.exec_params1(
      "SELECT coalesce(manager_person_id, person_id) FROM agreements.agreements WHERE id = $1",
      employer.agreement_id);
  auto payer = people::GetPerson(tx, cipher, a[0].as<int64_t>());
  if (!payer.ok()) return payer.status();
  const BacsAccount from{payer->bank_sort_code, payer->bank_account_number, employer.name};
  std::vector<BacsCredit> credits;
  for (const StoredPayslip& p : run.payslips) {
    if (p.payslip.net_pence <= 0) continue;  // nothing to send
    const people::Person& person = books->PersonOf(p);
    credits.push_back({{person.bank_sort_code, person.bank_account_number, p.employee_name},
                       p.payslip.net_pence, dp::StrCat("PAY ", run.tax_year, " P", run.period)});
  }
  auto file = BacsStandard18(from, credits);
  if (!file.ok()) {
    return absl::Status(file.status().code(), dp::StrCat("BACS file for pay run ", run_id, ": ",
                                                         std::string(file.status().message())));
  }
  return RenderedDocument{dp::StrCat("bacs-run-", run_id, ".txt"), "text/plain", *file};
}

absl::StatusOr<RenderedDocument> FpsFile(pqxx::transaction_base& tx, const TaxYears& years,
                                         const crypto::FieldCipher& cipher, int64_t run_id) {
  auto books = ReadRun(tx, cipher, run_id, /*posted_only=*/true);
  if (!books.ok()) return books.status();
  const PayRun& run = books->run;
  const Employer& employer = books->employer;
  auto year = years.ByName(run.tax_year);
  if (!year.ok()) return year.status();
  const int64_t days = run.period_end - run.period_start + 1;
  std::vector<FpsEmployee> employees;
  for (const StoredPayslip& p : run.payslips) {
    const Employee& employee = books->EmployeeOf(p);
    const people::Person& person = books->PersonOf(p);
    const std::vector<PostedSlip> slips = PostedSlips(tx, p.employee_id, run.tax_year);
    const auto [previous_pay, previous_tax] = Previous(**year, employee);
    FpsEmployee e;
    e.payroll_id = p.employee_id;
    e.ni_number = person.ni_number;
    std::tie(e.forename, e.surname) = SplitName(person.display_name);
    e.birth_date = person.date_of_birth;
    e.gender = employee.gender;
    e.start_date = employee.start_date;
    e.starter = tx.exec_params1("SELECT count(*) FROM payroll.payslips s JOIN payroll.pay_runs r"
                                " ON r.id = s.run_id WHERE s.employee_id = $1 AND r.status ="
                                " 'posted' AND r.payment_date < $2::date",
                                p.employee_id, absl::FormatCivilTime(run.payment_date))[0]
                    .as<int64_t>() == 0;
    if (employee.leave_date && *employee.leave_date <= run.period_end) {
      e.leaving_date = employee.leave_date;
    }
    const std::vector<TaxCodeNotice> notices = TaxCodeNotices(tx, p.employee_id);
    const TaxCodeNotice code = CodeInForce(employee, notices, run.payment_date, *year);
    e.tax_code = p.tax_code;
    e.week1_month1 = code.week1_month1;
    for (const TaxCodeNotice& n : notices) {
      if (n.kind == "starter") e.starter_declaration = n.starter_declaration;
    }
    e.ni_category = p.ni_category;
    int64_t hours = 0;
    for (int64_t h : p.payslip.hours_centi) hours += h;
    e.average_weekly_hours_centi = days > 0 ? hours * 7 / days : 0;
    e.slip = p.payslip;
    // RTI's figures to date are this employment's alone.
    e.taxable_pay_to_date_pence = p.payslip.taxable_pay_to_date_pence - previous_pay;
    e.tax_to_date_pence = p.payslip.tax_paid_to_date_pence - previous_tax;
    for (const PostedSlip& slip : slips) {
      if (slip.period > run.period) continue;
      for (int k = 0; k < kFamilyPayKinds; ++k) e.family_pay_to_date_pence[k] += slip.family[k];
    }
    auto ni = NiByLetter(**year, employer.frequency, slips, run.period);
    e.ni = ni[p.ni_category];
    e.ni.letter = p.ni_category;
    employees.push_back(std::move(e));
  }
  auto xml = FpsXml(**year, {employer.paye_reference, employer.accounts_office_reference},
                    employer.frequency, run.payment_date, employees);
  if (!xml.ok()) return xml.status();
  return RenderedDocument{dp::StrCat("fps-run-", run_id, ".xml"), "application/xml", *xml};
}

absl::StatusOr<RenderedDocument> PensionCsv(pqxx::transaction_base& tx, const TaxYears& years,
                                            const crypto::FieldCipher& cipher, int64_t run_id) {
  auto books = ReadRun(tx, cipher, run_id, /*posted_only=*/true);
  if (!books.ok()) return books.status();
  const PayRun& run = books->run;
  auto year = years.ByName(run.tax_year);
  if (!year.ok()) return year.status();
  const AutoEnrolmentThresholds& band = (*year)->auto_enrolment.at(books->employer.frequency);
  // Quoted keeps a name with a comma or quote in one CSV field.
  auto quoted = [](const std::string& text) {
    std::string out = "\"";
    for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
  };
  std::string csv =
      "Employer reference,Earnings period start date,Earnings period end date,NI number,"
      "Forename,Surname,Pensionable earnings,Employer contribution,Member contribution,"
      "Reason for partial or non-payment\r\n";
  for (const StoredPayslip& p : run.payslips) {
    const Employee& employee = books->EmployeeOf(p);
    const people::Person& person = books->PersonOf(p);
    const Payslip& s = p.payslip;
    const auto [forename, surname] = SplitName(person.display_name);
    const int64_t pensionable =
        std::clamp<int64_t>(s.gross_pence - band.qualifying_lower_pence, 0,
                            band.qualifying_upper_pence - band.qualifying_lower_pence);
    const bool contributes = s.employee_pension_pence + s.employer_pension_pence > 0;
    const std::string why = contributes                   ? ""
                            : s.pension_postponed         ? "Postponed"
                            : employee.pension_opted_out  ? "Opted out"
                                                          : "Not eligible";
    dp::StrAppend(&csv, quoted(books->employer.paye_reference), ",",
                  absl::FormatCivilTime(run.period_start), ",",
                  absl::FormatCivilTime(run.period_end), ",", person.ni_number, ",",
                  quoted(forename), ",", quoted(surname), ",", FormatPence(pensionable), ",",
                  FormatPence(s.employer_pension_pence), ",",
                  FormatPence(s.employee_pension_pence), ",", why, "\r\n");
  }
  return RenderedDocument{dp::StrCat("pension-contributions-run-", run_id, ".csv"), "text/csv",
                          csv};
}

absl::StatusOr<RenderedDocument> EpsFile(pqxx::transaction_base& tx, const TaxYears& years,
                                         int64_t employer_id, const std::string& tax_year,
                                         int tax_month, bool final_for_year) {
  auto employer = GetEmployer(tx, employer_id);
  if (!employer.ok()) return employer.status();
  auto year = years.ByName(tax_year);
  if (!year.ok()) return year.status();
  if (tax_month < 1 || tax_month > 12) {
    return FieldError("tax_month", "must be 1 (6 April to 5 May) to 12");
  }
  const int64_t runs = tx.exec_params1(
      "SELECT count(*) FROM payroll.pay_runs WHERE employer_id = $1 AND tax_year = $2"
      " AND status = 'posted' AND payment_date >= ($3::date + make_interval(months => $4))"
      " AND payment_date < ($3::date + make_interval(months => $4 + 1))",
      employer_id, tax_year, (*year)->starts, tax_month - 1)[0].as<int64_t>();
  EpsInput in;
  in.employer = {employer->paye_reference, employer->accounts_office_reference};
  in.tax_month = tax_month;
  in.claims_employment_allowance = employer->claims_employment_allowance;
  in.no_payment_in_month = runs == 0;
  in.final_for_year = final_for_year;
  // Family pay recovered, year to date: every posted payslip paid before
  // the month ends.
  int64_t family[kFamilyPayKinds] = {};
  for (const auto& row : tx.exec_params(
           "SELECT s.detail FROM payroll.payslips s JOIN payroll.pay_runs r ON r.id = s.run_id"
           " WHERE r.employer_id = $1 AND r.tax_year = $2 AND r.status = 'posted'"
           " AND r.payment_date < ($3::date + make_interval(months => $4))",
           employer_id, tax_year, (*year)->starts, tax_month)) {
    ReadFamilyPay(row[0].as<std::string>(), family, in.recovered_ytd_pence,
                  in.compensation_ytd_pence);
  }
  auto xml = EpsXml(**year, in);
  if (!xml.ok()) return xml.status();
  return RenderedDocument{
      dp::StrCat("eps-employer-", employer_id, "-", tax_year, "-month-", tax_month, ".xml"),
      "application/xml", *xml};
}

absl::StatusOr<RenderedDocument> P45Pdf(pqxx::transaction_base& tx, const TaxYears& years,
                                        const crypto::FieldCipher& cipher, int64_t employee_id) {
  auto employee = GetEmployee(tx, employee_id);
  if (!employee.ok()) return employee.status();
  if (!employee->leave_date) {
    return absl::FailedPreconditionError(dp::StrCat(
        "employee ", employee_id, " has not left; record the leave date first"));
  }
  auto employer = GetEmployer(tx, employee->employer_id);
  if (!employer.ok()) return employer.status();
  auto person = people::GetPerson(tx, cipher, employee->person_id);
  if (!person.ok()) return person.status();
  auto year = years.ForDate(absl::FormatCivilTime(*employee->leave_date));
  if (!year.ok()) return year.status();
  // The P45 shows the final pay: the run whose period holds the leave date.
  if (tx.exec_params1("SELECT count(*) FROM payroll.payslips s JOIN payroll.pay_runs r"
                      " ON r.id = s.run_id WHERE s.employee_id = $1 AND r.status = 'posted'"
                      " AND r.period_end >= $2::date",
                      employee_id, absl::FormatCivilTime(*employee->leave_date))[0]
          .as<int64_t>() == 0) {
    return absl::FailedPreconditionError(dp::StrCat(
        "employee ", employee_id, "'s final pay (the pay run whose period holds their leave date ",
        absl::FormatCivilTime(*employee->leave_date),
        ") is not posted yet: run it first, so that the P45 shows it"));
  }
  const std::vector<PostedSlip> slips = PostedSlips(tx, employee_id, (*year)->name);
  const auto [previous_pay, previous_tax] = Previous(**year, *employee);
  P45Form form;
  form.employer = FormOf(*employer);
  form.employee = {employee_id, person->display_name, person->ni_number};
  form.leave_date = *employee->leave_date;
  form.tax_code = slips.empty() ? employee->tax_code : slips.back().tax_code;
  form.week1_month1 = employee->week1_month1;
  form.frequency = employer->frequency;
  form.tax_year = (*year)->name;
  form.last_period = slips.empty() ? 0 : slips.back().period;
  const int64_t pay_to_date = slips.empty() ? previous_pay : slips.back().taxable_to_date;
  const int64_t tax_to_date = slips.empty() ? previous_tax : slips.back().tax_to_date;
  form.figures = LeaverP45(previous_pay, previous_tax, pay_to_date - previous_pay,
                           tax_to_date - previous_tax);
  auto pdf = RenderPdf({P45Page(form)});
  if (!pdf.ok()) return pdf.status();
  return Pdf(dp::StrCat("p45-employee-", employee_id, ".pdf"), *pdf);
}

absl::StatusOr<RenderedDocument> P60Pdf(pqxx::transaction_base& tx, const TaxYears& years,
                                        const crypto::FieldCipher& cipher, int64_t employee_id,
                                        const std::string& tax_year) {
  auto employee = GetEmployee(tx, employee_id);
  if (!employee.ok()) return employee.status();
  auto employer = GetEmployer(tx, employee->employer_id);
  if (!employer.ok()) return employer.status();
  auto year = years.ByName(tax_year);
  if (!year.ok()) return year.status();
  const std::vector<PostedSlip> slips = PostedSlips(tx, employee_id, tax_year);
  if (slips.empty()) {
    return absl::FailedPreconditionError(dp::StrCat(
        "employee ", employee_id, " was not paid in ", tax_year, "; there is no P60 to give"));
  }
  auto person = people::GetPerson(tx, cipher, employee->person_id);
  if (!person.ok()) return person.status();
  const auto [previous_pay, previous_tax] = Previous(**year, *employee);
  P60Form form;
  form.employer = FormOf(*employer);
  form.employee = {employee_id, person->display_name, person->ni_number};
  form.tax_year = tax_year;
  form.previous_pay_pence = previous_pay;
  form.previous_tax_pence = previous_tax;
  form.pay_pence = slips.back().taxable_to_date - previous_pay;
  form.tax_pence = slips.back().tax_to_date - previous_tax;
  form.final_tax_code = slips.back().tax_code;
  for (const PostedSlip& slip : slips) {
    for (int k = 0; k < kFamilyPayKinds; ++k) form.family_pay_pence[k] += slip.family[k];
  }
  for (const auto& [letter, n] : NiByLetter(**year, employer->frequency, slips, 56)) {
    form.ni.push_back({letter, n.at_lel_pence, n.lel_to_pt_pence, n.pt_to_uel_pence,
                       n.employee_nic_pence});
  }
  auto pdf = RenderPdf({P60Page(form)});
  if (!pdf.ok()) return pdf.status();
  return Pdf(dp::StrCat("p60-employee-", employee_id, "-", tax_year, ".pdf"), *pdf);
}

std::vector<std::pair<int64_t, int64_t>> PaidInYear(pqxx::transaction_base& tx,
                                                    const std::vector<int64_t>& employer_ids,
                                                    const std::string& tax_year) {
  std::vector<std::pair<int64_t, int64_t>> out;
  for (const auto& row : tx.exec_params(
           "SELECT DISTINCT r.employer_id, s.employee_id FROM payroll.payslips s"
           " JOIN payroll.pay_runs r ON r.id = s.run_id WHERE r.employer_id = ANY($1::bigint[])"
           " AND r.tax_year = $2 AND r.status = 'posted' ORDER BY 1, 2",
           db::IntArrayLiteral(employer_ids), tax_year)) {
    out.emplace_back(row[0].as<int64_t>(), row[1].as<int64_t>());
  }
  return out;
}

}  // namespace dp::payroll
