#include "payroll_commands.h"

#include "payroll_leave_commands.h"

#include <cstdlib>
#include <fstream>
#include <iostream>

#include "call.h"
#include "channel.h"
#include "dp/v1/payroll.grpc.pb.h"
#include "base/strings.h"
#include "money/money.h"

namespace dpctl {

std::string NewRequestId();  // main.cc

namespace {

namespace v1 = dp::v1;

struct RunFlags {
  std::string request_id, from, to, pay_date, reason, liability = "wages", amount, reference;
  std::string name, paye_ref, ao_ref, frequency = "four-weekly", ni, dob, start, code, rate;
  std::string night_rate = "0", sleepover_rate = "0", holiday_rate = "0", category = "A";
  std::string gender, sort_code, account, kind, tax_year, to_file, postpone;
  std::vector<std::string> entries, sick;
  int64_t employer = 0, employee = 0, agreement = 0, run = 0;
  int qualifying_days = 5, month = 0;
  bool correction = false, allowance = false, scottish_minimum = false, pension = false;
  bool accrual = false, opted_out = false, final_for_year = false;
} r;

std::function<Output()> out;

std::unique_ptr<v1::PayrollService::Stub> Payroll(const std::string& address) {
  return v1::PayrollService::NewStub(MakeChannel(address));
}

// FrequencyFlag reads a --frequency the option's check has already limited
// to these four; anything else is left unspecified for the service to refuse.
v1::PayFrequency FrequencyFlag(const std::string& name) {
  if (name == "weekly") return v1::PAY_FREQUENCY_WEEKLY;
  if (name == "fortnightly") return v1::PAY_FREQUENCY_FORTNIGHTLY;
  if (name == "four-weekly") return v1::PAY_FREQUENCY_FOUR_WEEKLY;
  if (name == "monthly") return v1::PAY_FREQUENCY_MONTHLY;
  return v1::PAY_FREQUENCY_UNSPECIFIED;
}

void PrintRun(const v1::PayRun& run, const Output& out) {
  if (out.json()) return out.Json(run);
  std::vector<std::vector<std::string>> rows;
  for (const auto& p : run.payslips()) {
    const int64_t statutory = p.ssp_pence() + p.smp_pence() + p.spp_pence() + p.sap_pence() +
                              p.shpp_pence() + p.spbp_pence();
    rows.push_back({std::to_string(p.employee_id()), p.employee_name(), p.tax_code(),
                    Pounds(p.gross_pence(), "GBP"), Pounds(statutory, "GBP"),
                    Pounds(p.tax_pence(), "GBP"),
                    Pounds(p.employee_ni_pence(), "GBP"), Pounds(p.employee_pension_pence(), "GBP"),
                    Pounds(p.student_loan_pence() + p.postgraduate_loan_pence(), "GBP"),
                    Pounds(p.net_pence(), "GBP"), Pounds(p.employer_ni_pence(), "GBP"),
                    Pounds(p.employer_pension_pence(), "GBP")});
  }
  out.Table({"PA", "NAME", "CODE", "GROSS", "STAT PAY", "TAX", "NI", "PENSION", "LOANS", "NET",
             "ER NI", "ER PENSION"},
            rows);
  std::cout << "\nrun " << run.run_id() << " (" << run.status() << "), " << run.tax_year()
            << " period " << run.period() << ": cost " << Pounds(run.total_cost_pence(), "GBP")
            << " = net wages " << Pounds(run.net_wages_pence(), "GBP") << " + HMRC "
            << Pounds(run.hmrc_pence(), "GBP") << " + pension "
            << Pounds(run.pension_pence(), "GBP") << "; ledger transaction "
            << run.transaction_id() << "\n";
}

int64_t PenceOr(const std::string& text, int& exit_code, const std::string& flag) {
  auto pence = dp::ParsePence(text);
  if (!pence.ok()) {
    std::cerr << "dpctl: " << flag << ": " << pence.status().message() << "\n";
    exit_code = 2;
    return -1;
  }
  return *pence;
}

void AddPayRunCommands(CLI::App* payroll, int& exit_code, const std::string& address) {
  CLI::App* employer = payroll->add_subcommand("employer", "register a PA employer");
  employer->add_option("--agreement", r.agreement, "agreement id")->required();
  employer->add_option("--name", r.name, "employer's name")->required();
  employer->add_option("--paye-ref", r.paye_ref, "e.g. 123/AB456")->required();
  employer->add_option("--accounts-office-ref", r.ao_ref, "e.g. 123PA00045678")->required();
  employer->add_option("--frequency", r.frequency, "weekly, fortnightly, four-weekly, monthly")
      ->check(CLI::IsMember({"weekly", "fortnightly", "four-weekly", "monthly"}))
      ->capture_default_str();
  employer->add_flag("--employment-allowance", r.allowance, "claims Employment Allowance");
  employer->add_flag("--scottish-care-minimum", r.scottish_minimum, "hold rates to it");
  employer->add_option("--request-id", r.request_id, "idempotency key (default: random)");
  employer->callback([&exit_code, &address] {
    v1::CreateEmployerRequest req;
    req.set_request_id(r.request_id.empty() ? NewRequestId() : r.request_id);
    req.set_agreement_id(r.agreement);
    req.set_name(r.name);
    req.set_paye_reference(r.paye_ref);
    req.set_accounts_office_reference(r.ao_ref);
    req.set_pay_frequency(FrequencyFlag(r.frequency));
    req.set_claims_employment_allowance(r.allowance);
    req.set_scottish_care_minimum(r.scottish_minimum);
    v1::Employer e;
    exit_code = Call(kPayroll, "registering the employer",
      [&](grpc::ClientContext* c) { return Payroll(address)->CreateEmployer(c, req, &e); });
    if (exit_code != 0) return;
    if (out().json()) return out().Json(e);
    out().KeyValues({{"employer", std::to_string(e.employer_id())}, {"agreement", std::to_string(e.agreement_id())},
                     {"wages payable account", std::to_string(e.wages_payable_account_id())},
                     {"HMRC payable account", std::to_string(e.hmrc_payable_account_id())},
                     {"pension payable account", std::to_string(e.pension_payable_account_id())}});
  });

  CLI::App* employee = payroll->add_subcommand("employee", "register a PA");
  employee->add_option("--employer", r.employer, "employer id")->required();
  employee->add_option("--name", r.name, "PA's name")->required();
  employee->add_option("--ni", r.ni, "NI number")->required();
  employee->add_option("--dob", r.dob, "date of birth, YYYY-MM-DD")->required();
  employee->add_option("--start", r.start, "start date")->required();
  employee->add_option("--code", r.code, "tax code")->required();
  employee->add_option("--category", r.category, "NI category")->capture_default_str();
  employee->add_option("--rate", r.rate, "standard hourly rate, e.g. 13.50")->required();
  employee->add_option("--night-rate", r.night_rate)->capture_default_str();
  employee->add_option("--sleepover-rate", r.sleepover_rate)->capture_default_str();
  employee->add_option("--holiday-rate", r.holiday_rate)->capture_default_str();
  employee->add_flag("--pension", r.pension, "a member of the pension scheme");
  employee->add_flag("--holiday-accrual", r.accrual, "12.07% accrual (irregular hours)");
  employee->add_option("--gender", r.gender, "M or F, as RTI records it")
      ->check(CLI::IsMember({"M", "F"}));
  employee->add_option("--qualifying-days", r.qualifying_days,
                       "working days a week from Monday, for sick pay")
      ->capture_default_str();
  employee->add_option("--sort-code", r.sort_code, "PA's bank sort code, for the BACS file");
  employee->add_option("--account", r.account, "PA's bank account number");
  employee->add_option("--postpone-pension-until", r.postpone,
                       "postpone auto-enrolment (at most 3 months from the start)");
  employee->add_flag("--opted-out", r.opted_out, "opted out of the pension scheme");
  employee->add_option("--request-id", r.request_id, "idempotency key (default: random)");
  employee->callback([&exit_code, &address] {
    v1::CreateEmployeeRequest req;
    req.set_request_id(r.request_id.empty() ? NewRequestId() : r.request_id);
    req.set_employer_id(r.employer);
    req.set_name(r.name);
    req.set_ni_number(r.ni);
    if (!ParseDate(r.dob, req.mutable_date_of_birth()) || !ParseDate(r.start, req.mutable_start_date())) {
      std::cerr << "dpctl: --dob and --start must be dates such as 2026-04-06\n";
      exit_code = 2;
      return;
    }
    req.set_tax_code(r.code);
    req.set_ni_category(r.category);
    const int64_t rates[] = {PenceOr(r.rate, exit_code, "--rate"),
                             PenceOr(r.night_rate, exit_code, "--night-rate"),
                             PenceOr(r.sleepover_rate, exit_code, "--sleepover-rate"),
                             PenceOr(r.holiday_rate, exit_code, "--holiday-rate")};
    if (exit_code != 0) return;
    req.set_standard_rate_pence(rates[0]);
    req.set_night_rate_pence(rates[1]);
    req.set_sleepover_rate_pence(rates[2]);
    req.set_holiday_rate_pence(rates[3]);
    req.set_pension_member(r.pension);
    req.set_holiday_method(r.accrual ? v1::HOLIDAY_METHOD_ACCRUAL_12_07 : v1::HOLIDAY_METHOD_WEEKS_5_6);
    req.set_gender(r.gender);
    req.set_qualifying_days_per_week(r.qualifying_days);
    req.set_bank_sort_code(r.sort_code);
    req.set_bank_account_number(r.account);
    req.set_pension_opted_out(r.opted_out);
    if (!r.postpone.empty() && !ParseDate(r.postpone, req.mutable_pension_postponed_until())) {
      std::cerr << "dpctl: --postpone-pension-until must be a date such as 2026-07-01\n";
      exit_code = 2;
      return;
    }
    v1::Employee e;
    exit_code = Call(kPayroll, "registering the PA",
      [&](grpc::ClientContext* c) { return Payroll(address)->CreateEmployee(c, req, &e); });
    if (exit_code != 0) return;
    if (out().json()) return out().Json(e);
    out().KeyValues({{"employee", std::to_string(e.employee_id())}, {"name", e.name()},
                     {"NI number", e.ni_number_masked()}, {"tax code", e.tax_code()}});
  });

  CLI::App* timesheet = payroll->add_subcommand("timesheet", "submit a period's hours");
  timesheet->add_option("--employee", r.employee, "employee id")->required();
  timesheet->add_option("--from", r.from, "period start")->required();
  timesheet->add_option("--to", r.to, "period end")->required();
  timesheet->add_option("--entry", r.entries, "DATE:TYPE:HOURS, e.g. 2026-05-04:standard:7.50 (repeat)");
  timesheet->add_option("--sick", r.sick, "a day off sick, YYYY-MM-DD (repeat)");
  timesheet->add_option("--request-id", r.request_id, "idempotency key (default: random)");
  timesheet->callback([&exit_code, &address] {
    v1::SubmitTimesheetRequest req;
    req.set_request_id(r.request_id.empty() ? NewRequestId() : r.request_id);
    req.set_employee_id(r.employee);
    bool ok = ParseDate(r.from, req.mutable_period_start()) && ParseDate(r.to, req.mutable_period_end());
    for (const std::string& entry : r.entries) {
      const auto a = entry.find(':'), b = entry.rfind(':');
      auto* e = req.add_entries();
      ok = ok && a != std::string::npos && b != a && ParseDate(entry.substr(0, a), e->mutable_date());
      if (!ok) break;
      e->set_rate_type(entry.substr(a + 1, b - a - 1));
      auto hours = dp::ParsePence(entry.substr(b + 1));  // hours with two decimals
      ok = hours.ok();
      if (ok) e->set_hours_centi(static_cast<int32_t>(*hours));
    }
    for (const std::string& day : r.sick) ok = ok && ParseDate(day, req.add_sick_days());
    if (!ok) {
      std::cerr << "dpctl: dates are YYYY-MM-DD and entries DATE:TYPE:HOURS\n";
      exit_code = 2;
      return;
    }
    v1::TimesheetReceipt t;
    exit_code = Call(kPayroll, "submitting the timesheet",
      [&](grpc::ClientContext* c) { return Payroll(address)->SubmitTimesheet(c, req, &t); });
    if (exit_code != 0) return;
    if (out().json()) return out().Json(t);
    out().KeyValues({{"timesheet", std::to_string(t.timesheet_id())},
                     {"hours", dp::FormatPence(t.total_hours_centi())},
                     {"sick days", std::to_string(t.sick_days())}});
  });

  CLI::App* loan = payroll->add_subcommand(
      "student-loan", "apply an HMRC student or postgraduate loan notice (SL1, SL2, PGL1, PGL2)");
  loan->add_option("--employee", r.employee, "employee id")->required();
  loan->add_option("--plan", r.kind, "plan_1, plan_2, plan_4, plan_5 or postgraduate")
      ->check(CLI::IsMember({"plan_1", "plan_2", "plan_4", "plan_5", "postgraduate"}))
      ->required();
  loan->add_option("--notice", r.reference, "SL1, SL2, PGL1, PGL2, starter or P45")->required();
  loan->add_option("--from", r.from, "the notice's effective date")->required();
  loan->add_option("--request-id", r.request_id, "idempotency key (default: random)");
  loan->callback([&exit_code, &address] {
    v1::RecordStudentLoanRequest req;
    req.set_request_id(r.request_id.empty() ? NewRequestId() : r.request_id);
    req.set_employee_id(r.employee);
    const std::pair<const char*, v1::StudentLoanPlan> plans[] = {
        {"plan_1", v1::STUDENT_LOAN_PLAN_1}, {"plan_2", v1::STUDENT_LOAN_PLAN_2},
        {"plan_4", v1::STUDENT_LOAN_PLAN_4}, {"plan_5", v1::STUDENT_LOAN_PLAN_5},
        {"postgraduate", v1::STUDENT_LOAN_PLAN_POSTGRADUATE}};
    for (const auto& [name, plan] : plans) {
      if (r.kind == name) req.set_plan(plan);
    }
    req.set_notice(r.reference);
    if (!ParseDate(r.from, req.mutable_effective_date())) {
      std::cerr << "dpctl: --from must be a date such as 2026-12-01\n";
      exit_code = 2;
      return;
    }
    v1::StudentLoans loans;
    exit_code = Call(kPayroll, "recording the loan notice",
      [&](grpc::ClientContext* c) { return Payroll(address)->RecordStudentLoan(c, req, &loans); });
    if (exit_code != 0) return;
    if (out().json()) return out().Json(loans);
    std::vector<std::vector<std::string>> rows;
    for (const auto& l : loans.loans()) {
      rows.push_back({Lower(v1::StudentLoanPlan_Name(l.plan()), "STUDENT_LOAN_"),
                      DateText(l.starts()) + " (" + l.start_notice() + ")",
                      l.stop_notice().empty() ? "-" : DateText(l.stops()) + " (" + l.stop_notice() + ")"});
    }
    out().Table({"PLAN", "FROM", "STOPPED"}, rows);
  });

  // Tax codes: HMRC's P6/P6B/P9, and a starter's declaration or P45.
  static bool w1m1 = false;
  static std::string declaration, p45_pay, p45_tax, p45_code, earnings_before;
  auto print_codes = [&exit_code](const v1::TaxCodes& codes) {
    if (out().json()) return out().Json(codes);
    std::vector<std::vector<std::string>> rows;
    for (const auto& n : codes.notices()) {
      rows.push_back({n.kind() + (n.starter_declaration().empty() ? "" : " " + n.starter_declaration()),
                      n.tax_code() + (n.week1_month1() ? " (week 1/month 1)" : ""),
                      DateText(n.effective_date())});
    }
    out().Table({"NOTICE", "CODE", "FROM PAY DATE"}, rows);
    std::cout << "\nin force today: " << codes.tax_code()
              << (codes.week1_month1() ? " (week 1/month 1)" : " (cumulative)") << "\n";
  };
  CLI::App* taxcode = payroll->add_subcommand(
      "tax-code", "apply HMRC's tax code notice (P6, P6B, P9) from a pay date");
  taxcode->add_option("--employee", r.employee, "employee id")->required();
  taxcode->add_option("--kind", r.kind, "P6, P6B or P9")->required();
  taxcode->add_option("--code", r.code, "the new code, e.g. S1100L")->required();
  taxcode->add_flag("--week1-month1", w1m1, "non-cumulative basis");
  taxcode->add_option("--from", r.from, "the first pay date it applies to")->required();
  taxcode->add_option("--request-id", r.request_id, "idempotency key (default: random)");
  taxcode->callback([&exit_code, &address, print_codes] {
    v1::RecordTaxCodeNoticeRequest req;
    req.set_request_id(r.request_id.empty() ? NewRequestId() : r.request_id);
    req.set_employee_id(r.employee);
    req.set_kind(r.kind);
    req.set_tax_code(r.code);
    req.set_week1_month1(w1m1);
    if (!ParseDate(r.from, req.mutable_effective_date())) {
      std::cerr << "dpctl: --from must be a date such as 2026-12-01\n";
      exit_code = 2;
      return;
    }
    v1::TaxCodes codes;
    exit_code = Call(kPayroll, "applying the tax code notice",
      [&](grpc::ClientContext* c) { return Payroll(address)->RecordTaxCodeNotice(c, req, &codes); });
    if (exit_code == 0) print_codes(codes);
  });
  CLI::App* starter = payroll->add_subcommand(
      "starter", "a new PA's starter declaration (A, B, C) and P45, before their first pay");
  starter->add_option("--employee", r.employee, "employee id")->required();
  starter->add_option("--declaration", declaration, "A, B or C (the starter checklist)");
  starter->add_option("--p45-pay", p45_pay, "pay to date on the P45, pounds");
  starter->add_option("--p45-tax", p45_tax, "tax to date on the P45, pounds");
  starter->add_option("--p45-code", p45_code, "the P45's tax code");
  starter->add_flag("--p45-week1-month1", w1m1, "the P45's code is week 1/month 1");
  starter->add_option("--earnings-before", earnings_before,
                      "what they earned a week before, pounds (SSP in their first 8 weeks)");
  starter->add_option("--request-id", r.request_id, "idempotency key (default: random)");
  starter->callback([&exit_code, &address, print_codes] {
    v1::RecordStarterRequest req;
    req.set_request_id(r.request_id.empty() ? NewRequestId() : r.request_id);
    req.set_employee_id(r.employee);
    req.set_declaration(declaration);
    if (!p45_pay.empty() || !p45_tax.empty() || !p45_code.empty() || !earnings_before.empty()) {
      auto* p45 = req.mutable_p45();
      p45->set_previous_pay_pence(PenceOr(p45_pay.empty() ? "0" : p45_pay, exit_code, "--p45-pay"));
      p45->set_previous_tax_pence(PenceOr(p45_tax.empty() ? "0" : p45_tax, exit_code, "--p45-tax"));
      if (exit_code != 0) return;
      p45->set_tax_code(p45_code);
      p45->set_week1_month1(w1m1);
      if (!earnings_before.empty()) {
        p45->set_average_weekly_earnings_pence(PenceOr(earnings_before, exit_code, "--earnings-before"));
        if (exit_code != 0) return;
      }
    }
    v1::TaxCodes codes;
    exit_code = Call(kPayroll, "recording the starter",
      [&](grpc::ClientContext* c) { return Payroll(address)->RecordStarter(c, req, &codes); });
    if (exit_code == 0) print_codes(codes);
  });

  // Lists, as an integrating bureau pages through them.
  static bool leavers = false, all_pages = false;
  CLI::App* employees = payroll->add_subcommand("employees", "an employer's PAs");
  employees->add_option("--employer", r.employer, "employer id")->required();
  employees->add_flag("--leavers", leavers, "include PAs who have left");
  employees->add_flag("--all", all_pages, "follow every page");
  employees->callback([&exit_code, &address] {
    v1::ListEmployeesRequest req;
    req.set_employer_id(r.employer);
    req.set_include_leavers(leavers);
    v1::ListEmployeesResponse list;
    exit_code = CallPages(kPayroll, "listing the PAs", req, all_pages, &list,
        [&](grpc::ClientContext* c, const v1::ListEmployeesRequest& q, v1::ListEmployeesResponse* p) {
          return Payroll(address)->ListEmployees(c, q, p);
        });
    if (exit_code != 0) return;
    if (out().json()) return out().Json(list);
    std::vector<std::vector<std::string>> rows;
    for (const auto& e : list.employees()) {
      rows.push_back({std::to_string(e.employee_id()), e.name(), e.ni_number_masked(), e.tax_code(),
                      DateText(e.start_date()), DateText(e.leave_date())});
    }
    out().Table({"PA", "NAME", "NI NUMBER", "CODE", "STARTED", "LEFT"}, rows);
    if (!list.next_page_token().empty()) std::cout << "(more: --all)\n";
  });
  CLI::App* runs = payroll->add_subcommand("runs", "an employer's pay runs, with totals");
  runs->add_option("--employer", r.employer, "employer id")->required();
  runs->add_option("--tax-year", r.tax_year, "e.g. 2026-27");
  runs->add_flag("--all", all_pages, "follow every page");
  runs->callback([&exit_code, &address] {
    v1::ListPayRunsRequest req;
    req.set_employer_id(r.employer);
    req.set_tax_year(r.tax_year);
    v1::ListPayRunsResponse list;
    exit_code = CallPages(kPayroll, "listing the pay runs", req, all_pages, &list,
        [&](grpc::ClientContext* c, const v1::ListPayRunsRequest& q, v1::ListPayRunsResponse* p) {
          return Payroll(address)->ListPayRuns(c, q, p);
        });
    if (exit_code != 0) return;
    if (out().json()) return out().Json(list);
    std::vector<std::vector<std::string>> rows;
    for (const auto& x : list.runs()) {
      rows.push_back({std::to_string(x.run_id()), x.tax_year() + " P" + std::to_string(x.period()),
                      DateText(x.payment_date()), x.status(), Pounds(x.total_cost_pence(), "GBP"),
                      Pounds(x.net_wages_pence(), "GBP"), Pounds(x.hmrc_pence(), "GBP"),
                      Pounds(x.pension_pence(), "GBP")});
    }
    out().Table({"RUN", "PERIOD", "PAID", "STATUS", "COST", "NET WAGES", "HMRC", "PENSION"}, rows);
    if (!list.next_page_token().empty()) std::cout << "(more: --all)\n";
  });

  CLI::App* document = payroll->add_subcommand(
      "document", "write a payslip PDF, BACS file, RTI FPS/EPS, P45 or P60 to a file");
  document->add_option("kind", r.kind, "payslips, bacs, fps, eps, p45, p60 or pension")
      ->check(CLI::IsMember({"payslips", "bacs", "fps", "eps", "p45", "p60", "pension"}))
      ->required();
  document->add_option("--run", r.run, "pay run id (payslips, bacs, fps)");
  document->add_option("--employee", r.employee, "employee id (p45, p60; one payslip)");
  document->add_option("--employer", r.employer, "employer id (eps)");
  document->add_option("--tax-year", r.tax_year, "e.g. 2026-27 (eps, p60)");
  document->add_option("--month", r.month, "tax month 1-12 (eps)");
  document->add_flag("--final", r.final_for_year, "the year's final EPS (month 12)");
  document->add_option("--to", r.to_file, "file to write (default: the document's own name)");
  document->callback([&exit_code, &address] {
    v1::GetDocumentRequest req;
    const std::pair<const char*, v1::DocumentKind> kinds[] = {
        {"payslips", v1::DOCUMENT_KIND_PAYSLIPS_PDF}, {"bacs", v1::DOCUMENT_KIND_BACS},
        {"fps", v1::DOCUMENT_KIND_FPS}, {"eps", v1::DOCUMENT_KIND_EPS},
        {"p45", v1::DOCUMENT_KIND_P45}, {"p60", v1::DOCUMENT_KIND_P60},
        {"pension", v1::DOCUMENT_KIND_PENSION_CSV}};
    for (const auto& [name, kind] : kinds) {
      if (r.kind == name) req.set_kind(kind);
    }
    req.set_run_id(r.run);
    req.set_employee_id(r.employee);
    req.set_employer_id(r.employer);
    req.set_tax_year(r.tax_year);
    req.set_tax_month(r.month);
    req.set_final_for_year(r.final_for_year);
    v1::Document d;
    exit_code = Call(kPayroll, dp::StrCat("rendering the ", r.kind, " document"),
      [&](grpc::ClientContext* c) { return Payroll(address)->GetDocument(c, req, &d); });
    if (exit_code != 0) return;
    const std::string path = r.to_file.empty() ? d.file_name() : r.to_file;
    std::ofstream file(path, std::ios::binary);
    file << d.content();
    if (!file.flush()) {
      std::cerr << "dpctl: could not write " << path << "\n";
      exit_code = 1;
      return;
    }
    if (out().json()) {
      std::cout << "{\"file\":\"" << path << "\",\"content_type\":\"" << d.content_type()
                << "\",\"bytes\":" << d.content().size() << "}\n";
      return;
    }
    out().KeyValues({{"wrote", path}, {"type", d.content_type()},
                     {"bytes", std::to_string(d.content().size())}});
  });

  CLI::App* run = payroll->add_subcommand("run", "compute and post an employer's pay run");
  run->add_option("--employer", r.employer, "employer id")->required();
  run->add_option("--from", r.from, "period start")->required();
  run->add_option("--to", r.to, "period end")->required();
  run->add_option("--pay-date", r.pay_date, "payment date")->required();
  run->add_flag("--correction", r.correction, "reverse the posted run of this period and replace it");
  run->add_option("--reason", r.reason, "why (required for a correction)");
  run->add_option("--request-id", r.request_id, "idempotency key (default: random)");
  run->callback([&exit_code, &address] {
    v1::RunPayrollRequest req;
    req.set_request_id(r.request_id.empty() ? NewRequestId() : r.request_id);
    req.set_employer_id(r.employer);
    if (!ParseDate(r.from, req.mutable_period_start()) || !ParseDate(r.to, req.mutable_period_end()) ||
        !ParseDate(r.pay_date, req.mutable_payment_date())) {
      std::cerr << "dpctl: --from, --to and --pay-date must be dates such as 2026-05-29\n";
      exit_code = 2;
      return;
    }
    req.set_correction(r.correction);
    req.set_reason(r.reason);
    v1::PayRun result;
    exit_code = Call(kPayroll, "running payroll",
      [&](grpc::ClientContext* c) { return Payroll(address)->RunPayroll(c, req, &result); });
    if (exit_code != 0) return;
    PrintRun(result, out());
  });

  CLI::App* show = payroll->add_subcommand("payslips", "a pay run's payslips");
  show->add_option("run", r.run, "pay run id")->required();
  show->callback([&exit_code, &address] {
    v1::GetPayRunRequest req;
    req.set_run_id(r.run);
    v1::PayRun result;
    exit_code = Call(kPayroll, "reading the pay run",
      [&](grpc::ClientContext* c) { return Payroll(address)->GetPayRun(c, req, &result); });
    if (exit_code != 0) return;
    PrintRun(result, out());
  });

  CLI::App* pay = payroll->add_subcommand("pay", "record paying a liability out of the agreement's account");
  pay->add_option("--employer", r.employer, "employer id")->required();
  pay->add_option("--liability", r.liability, "wages, hmrc or pension")
      ->check(CLI::IsMember({"wages", "hmrc", "pension"}))->capture_default_str();
  pay->add_option("--amount", r.amount, "amount paid")->required();
  pay->add_option("--reference", r.reference, "BACS or HMRC payment reference");
  pay->add_option("--request-id", r.request_id, "idempotency key (default: random)");
  pay->callback([&exit_code, &address] {
    v1::PayLiabilityRequest req;
    req.set_request_id(r.request_id.empty() ? NewRequestId() : r.request_id);
    req.set_employer_id(r.employer);
    req.set_liability(r.liability == "hmrc"      ? v1::LIABILITY_HMRC
                      : r.liability == "pension" ? v1::LIABILITY_PENSION
                                                 : v1::LIABILITY_WAGES);
    const int64_t amount = PenceOr(r.amount, exit_code, "--amount");
    if (amount < 0) return;
    req.set_amount_pence(amount);
    req.set_reference(r.reference);
    v1::LiabilityPayment p;
    exit_code = Call(kPayroll, "recording the payment",
      [&](grpc::ClientContext* c) { return Payroll(address)->PayLiability(c, req, &p); });
    if (exit_code != 0) return;
    if (out().json()) return out().Json(p);
    out().KeyValues({{"transaction", std::to_string(p.transaction_id())},
                     {"still owed", Pounds(p.remaining_pence(), "GBP")}});
  });
}

}  // namespace

void AddPayrollCommands(CLI::App& app, int& exit_code, std::function<Output()> make_output) {
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
  AddPayRunCommands(payroll, exit_code, address);
  AddPayrollLeaveCommands(payroll, exit_code, address, out);
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
      *req.mutable_payment_date() = TodayUtc();
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
    exit_code = Call(kPayroll, "calculating", [&](grpc::ClientContext* c) {
      return Payroll(address)->Calculate(c, req, &resp);
    });
    if (exit_code != 0) return;
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
