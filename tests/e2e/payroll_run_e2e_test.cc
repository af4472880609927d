// Payroll end to end: an agreement funded by the payment schedule, a PA
// employer run by an ISO payroll bureau over mutual TLS, timesheets refused
// and accepted, a pay run posted as one balanced ledger transaction, a
// re-run, a correction that reverses and replaces, and the liabilities
// cleared when paid.
#include <random>

#include "absl/time/civil_time.h"

#include "base/strings.h"
#include "dp/v1/agreements.grpc.pb.h"
#include "dp/v1/payroll.grpc.pb.h"
#include "agreement_steps.h"
#include "payroll_fixture.h"
#include "grpc_helpers.h"
#include "ledger_checks.h"
#include "service_process.h"
#include "test_db.h"
#include "tls_helpers.h"
#include "gtest/gtest.h"

namespace dp::testing {
namespace {

// A PA's age decides their NI category and pension enrolment: one whose
// date of birth is missing or unreadable is not paid until it is recorded,
// rather than being taken to be 30.
TEST_F(PayrollRunTest, APaWithNoDateOfBirthIsNotPaidUntilItIsRecorded) {
  const v1::Employer employer = NewEmployer();
  const v1::Employee pa = NewEmployee(employer.employer_id(), 1400);
  v1::TimesheetReceipt receipt;
  ASSERT_TRUE(Timesheet(pa.employee_id(), 8, 10, &receipt).ok());
  std::string saved_dob;
  {
    auto conn = MigratedConnection();
    pqxx::work tx(*conn);
    saved_dob = tx.exec_params1(
                      "SELECT p.date_of_birth FROM people.persons p JOIN payroll.employees e"
                      " ON e.person_id = p.id WHERE e.id = $1",
                      pa.employee_id())[0]
                    .as<std::string>();
    tx.exec_params("UPDATE people.persons SET date_of_birth = NULL WHERE id ="
                   " (SELECT person_id FROM payroll.employees WHERE id = $1)",
                   pa.employee_id());
    tx.commit();
  }
  v1::PayRun run;
  const grpc::Status refused = Run(employer.employer_id(), &run);
  EXPECT_EQ(refused.error_code(), grpc::FAILED_PRECONDITION);
  const Refusal r = RefusalOf(refused);
  EXPECT_EQ(r.info.reason(), "MISSING_DATE_OF_BIRTH");
  EXPECT_EQ(r.info.metadata().at("employee_id"), std::to_string(pa.employee_id()));
  EXPECT_EQ(Count("SELECT count(*) FROM payroll.pay_runs WHERE employer_id = $1",
                  employer.employer_id()),
            0);
  {
    auto conn = MigratedConnection();
    pqxx::work tx(*conn);
    tx.exec_params("UPDATE people.persons SET date_of_birth = $2 WHERE id ="
                   " (SELECT person_id FROM payroll.employees WHERE id = $1)",
                   pa.employee_id(), saved_dob);
    tx.commit();
  }
  const grpc::Status paid = Run(employer.employer_id(), &run);
  ASSERT_TRUE(paid.ok()) << paid.error_message();
  EXPECT_EQ(run.payslips(0).gross_pence(), 1120'00);
}

TEST_F(PayrollRunTest, TimesheetsAreCheckedPostedOnceCorrectedAndLiabilitiesClearWhenPaid) {
  const v1::Employer employer = NewEmployer();
  const int64_t employer_id = employer.employer_id();
  ASSERT_NE(employer_id, 0);
  grpc::Status st;

  // Refused, and nothing written: a rate below the Scottish care minimum
  // (13.45 in 2026-27), a 25-hour day, an unknown employee.
  const v1::Employee low = NewEmployee(employer_id, 1300);
  v1::TimesheetReceipt receipt;
  st = Timesheet(low.employee_id(), 8, 5, &receipt);
  EXPECT_EQ(st.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_NE(st.error_message().find("below the Scottish adult social care minimum"),
            std::string::npos) << st.error_message();
  const v1::Employee pa = NewEmployee(employer_id, 1400);
  st = Timesheet(pa.employee_id(), 8, 5, &receipt, /*extra_night_centi=*/1700);
  EXPECT_EQ(st.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_NE(st.error_message().find("add up to 25.00 hours"), std::string::npos)
      << st.error_message();
  st = Timesheet(987654321, 8, 5, &receipt);
  EXPECT_EQ(st.error_code(), grpc::NOT_FOUND) << st.error_message();
  EXPECT_EQ(Count("SELECT count(*) FROM payroll.timesheets t JOIN payroll.employees e ON"
                  " e.id = t.employee_id WHERE e.employer_id = $1", employer_id), 0);
  v1::PayRun run;
  EXPECT_EQ(Run(employer_id, &run).error_code(), grpc::FAILED_PRECONDITION)
      << "no timesheets: nothing to run";
  EXPECT_EQ(PostedBalance(employer.wages_payable_account_id()), 0);

  // 20 days x 8 hours at 14.00: 2,240.00 gross for the period.
  ASSERT_TRUE(Timesheet(pa.employee_id(), 8, 20, &receipt).ok());
  st = Run(employer_id, &run);
  ASSERT_TRUE(st.ok()) << st.error_message();
  ASSERT_EQ(run.payslips_size(), 1);
  const v1::Payslip& slip = run.payslips(0);
  EXPECT_EQ(run.period(), 2);
  EXPECT_EQ(slip.gross_pence(), 2240'00);
  EXPECT_EQ(slip.net_pence(), slip.gross_pence() - slip.tax_pence() - slip.employee_ni_pence() -
                                  slip.employee_pension_pence());
  EXPECT_GT(slip.tax_pence(), 0);
  EXPECT_GT(slip.employee_ni_pence(), 0);
  EXPECT_EQ(slip.employer_ni_pence(), 0) << "Employment Allowance covers it";
  EXPECT_GT(slip.employment_allowance_pence(), 0);
  EXPECT_EQ(slip.pension_category(), "eligible_jobholder");
  EXPECT_EQ(Count("SELECT coalesce(sum(amount_pence), 0) FROM ledger.postings"
                  " WHERE transaction_id = $1", run.transaction_id()), 0) << "balanced";
  EXPECT_EQ(PostedBalance(employer.wages_payable_account_id()), slip.net_pence());
  EXPECT_EQ(PostedBalance(employer.hmrc_payable_account_id()), run.hmrc_pence());
  EXPECT_EQ(PostedBalance(employer.pension_payable_account_id()), run.pension_pence());
  EXPECT_EQ(PostedBalance(employer.cost_account_id()), run.total_cost_pence());
  EXPECT_EQ(run.total_cost_pence(), run.net_wages_pence() + run.hmrc_pence() + run.pension_pence());

  // Running the period again returns the posted run and posts nothing.
  v1::PayRun again;
  ASSERT_TRUE(Run(employer_id, &again).ok());
  EXPECT_EQ(again.run_id(), run.run_id());
  EXPECT_EQ(PostedBalance(employer.cost_account_id()), run.total_cost_pence());

  // A correction: 3 more night hours, the old run reversed and replaced.
  ASSERT_TRUE(Timesheet(pa.employee_id(), 8, 20, &receipt, 300).ok());
  v1::PayRun corrected;
  st = Run(employer_id, &corrected, /*correction=*/true);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_NE(corrected.run_id(), run.run_id());
  EXPECT_EQ(corrected.replaces_run_id(), run.run_id());
  EXPECT_EQ(corrected.payslips(0).gross_pence(), 2240'00 + 3 * 1500);
  EXPECT_EQ(PostedBalance(employer.cost_account_id()), corrected.total_cost_pence());
  EXPECT_EQ(PostedBalance(employer.wages_payable_account_id()), corrected.net_wages_pence());
  EXPECT_EQ(PostedBalance(employer.hmrc_payable_account_id()), corrected.hmrc_pence());
  v1::GetPayRunRequest get;
  get.set_run_id(run.run_id());
  v1::PayRun old;
  ASSERT_TRUE(bureau_->GetPayRun(Ctx().get(), get, &old).ok());
  EXPECT_EQ(old.status(), "replaced");

  // Paying them out clears each liability; overpaying is refused.
  const int64_t before = PostedBalance(holding_);
  for (auto [liability, amount] :
       {std::pair{v1::LIABILITY_WAGES, corrected.net_wages_pence()},
        std::pair{v1::LIABILITY_HMRC, corrected.hmrc_pence()},
        std::pair{v1::LIABILITY_PENSION, corrected.pension_pence()}}) {
    v1::PayLiabilityRequest pay;
    pay.set_request_id(Id());
    pay.set_employer_id(employer_id);
    pay.set_liability(liability);
    pay.set_amount_pence(amount + 1);
    pay.set_reference("BACS 2026-05-29");
    v1::LiabilityPayment paid;
    EXPECT_EQ(bureau_->PayLiability(Ctx().get(), pay, &paid).error_code(),
              grpc::FAILED_PRECONDITION);
    pay.set_amount_pence(amount);
    st = bureau_->PayLiability(Ctx().get(), pay, &paid);
    ASSERT_TRUE(st.ok()) << st.error_message();
    EXPECT_EQ(paid.remaining_pence(), 0);
  }
  EXPECT_EQ(PostedBalance(employer.wages_payable_account_id()), 0);
  EXPECT_EQ(PostedBalance(employer.hmrc_payable_account_id()), 0);
  EXPECT_EQ(PostedBalance(employer.pension_payable_account_id()), 0);
  EXPECT_EQ(PostedBalance(holding_), before - corrected.total_cost_pence());
  EXPECT_EQ(LedgerImbalance(), 0) << "the whole ledger balances";
}

// Days lists `count` days from `first` (a date in 2026), skipping weekends.
std::vector<v1::Date> Weekdays(int month, int first_day, int count) {
  std::vector<v1::Date> days;
  for (absl::CivilDay d(2026, month, first_day); static_cast<int>(days.size()) < count; ++d) {
    const absl::Weekday w = absl::GetWeekday(d);
    if (w == absl::Weekday::saturday || w == absl::Weekday::sunday) continue;
    days.push_back(D(static_cast<int>(d.year()), d.month(), d.day()));
  }
  return days;
}

TEST_F(PayrollRunTest, SickPayLeaversAndTheDocumentsForThePaPeopleTheBankAndHmrc) {
  const v1::Employer employer = NewEmployer();
  const int64_t employer_id = employer.employer_id();
  auto employee = [&](const std::string& name, const std::string& ni, bool details) {
    v1::CreateEmployeeRequest req;
    req.set_request_id(Id());
    req.set_employer_id(employer_id);
    req.set_name(name);
    req.set_ni_number(ni);
    *req.mutable_date_of_birth() = D(1985, 7, 1);
    *req.mutable_start_date() = D(2026, 4, 6);
    req.set_tax_code("S1257L");
    req.set_standard_rate_pence(1400);
    if (details) {
      req.set_gender("F");
      req.set_bank_sort_code("209876");
      req.set_bank_account_number("87654321");
    }
    v1::Employee out;
    auto s = bureau_->CreateEmployee(Ctx().get(), req, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out.employee_id();
  };
  const int64_t ann = employee("Ann O'Neil", "AB123456C", true);
  const int64_t bob = employee("Bob Roy", "JK123456A", false);
  auto timesheet = [&](int64_t id, v1::Date from, v1::Date to, const std::vector<v1::Date>& days,
                       const std::vector<v1::Date>& sick) {
    v1::SubmitTimesheetRequest req;
    req.set_request_id(Id());
    req.set_employee_id(id);
    *req.mutable_period_start() = from;
    *req.mutable_period_end() = to;
    for (const v1::Date& d : days) {
      auto* e = req.add_entries();
      *e->mutable_date() = d;
      e->set_rate_type("standard");
      e->set_hours_centi(750);
    }
    for (const v1::Date& d : sick) *req.add_sick_days() = d;
    v1::TimesheetReceipt receipt;
    return bureau_->SubmitTimesheet(Ctx().get(), req, &receipt);
  };
  auto run = [&](v1::Date from, v1::Date to, v1::Date pay_day, v1::PayRun* out) {
    v1::RunPayrollRequest req;
    req.set_request_id(Id());
    req.set_employer_id(employer_id);
    *req.mutable_period_start() = from;
    *req.mutable_period_end() = to;
    *req.mutable_payment_date() = pay_day;
    return bureau_->RunPayroll(Ctx().get(), req, out);
  };
  auto document = [&](v1::DocumentKind kind, int64_t run_id, int64_t employee_id,
                      v1::Document* out, const std::string& tax_year = "", int month = 0) {
    v1::GetDocumentRequest req;
    req.set_kind(kind);
    req.set_run_id(run_id);
    req.set_employee_id(employee_id);
    req.set_employer_id(run_id == 0 && employee_id == 0 ? employer_id : 0);
    req.set_tax_year(tax_year);
    req.set_tax_month(month);
    return bureau_->GetDocument(Ctx().get(), req, out);
  };

  // May: both work; 150 hours at 14.00 is Ann's 2,100.00.
  ASSERT_TRUE(timesheet(ann, D(2026, 5, 4), D(2026, 5, 31), Weekdays(5, 4, 20), {}).ok());
  ASSERT_TRUE(timesheet(bob, D(2026, 5, 4), D(2026, 5, 31), Weekdays(5, 4, 10), {}).ok());
  v1::PayRun may;
  auto st = run(D(2026, 5, 4), D(2026, 5, 31), D(2026, 5, 29), &may);
  ASSERT_TRUE(st.ok()) << st.error_message();
  ASSERT_EQ(may.payslips_size(), 2);
  v1::Document doc;
  ASSERT_TRUE(document(v1::DOCUMENT_KIND_PAYSLIPS_PDF, may.run_id(), 0, &doc).ok());
  EXPECT_EQ(doc.content_type(), "application/pdf");
  EXPECT_EQ(doc.content().rfind("%PDF-", 0), 0u);
  st = document(v1::DOCUMENT_KIND_BACS, may.run_id(), 0, &doc);
  EXPECT_EQ(st.error_code(), grpc::FAILED_PRECONDITION) << "Bob has no bank details";
  EXPECT_NE(st.error_message().find("Bob Roy"), std::string::npos) << st.error_message();
  st = document(v1::DOCUMENT_KIND_FPS, may.run_id(), 0, &doc);
  EXPECT_EQ(st.error_code(), grpc::FAILED_PRECONDITION) << "Bob has no gender for RTI";

  // June: Ann is off sick Monday 1 to Sunday 7, then works three weeks.
  // From 2026-27 SSP is due from the first day: 5 qualifying days at the
  // flat rate (80% of her 262.50 a week is more): 123.25.
  const std::vector<v1::Date> sick = {D(2026, 6, 1), D(2026, 6, 2), D(2026, 6, 3), D(2026, 6, 4),
                                      D(2026, 6, 5), D(2026, 6, 6), D(2026, 6, 7)};
  st = timesheet(ann, D(2026, 6, 1), D(2026, 6, 28), {D(2026, 6, 1)}, sick);
  EXPECT_EQ(st.error_code(), grpc::INVALID_ARGUMENT) << "hours on a sick day";
  ASSERT_TRUE(timesheet(ann, D(2026, 6, 1), D(2026, 6, 28), Weekdays(6, 8, 15), sick).ok());
  v1::PayRun june;
  st = run(D(2026, 6, 1), D(2026, 6, 28), D(2026, 6, 26), &june);
  ASSERT_TRUE(st.ok()) << st.error_message();
  ASSERT_EQ(june.payslips_size(), 1);
  const v1::Payslip& slip = june.payslips(0);
  EXPECT_EQ(slip.sick_days(), 7);
  EXPECT_EQ(slip.ssp_waiting_days(), 0);
  EXPECT_EQ(slip.ssp_pence(), 123'25);
  EXPECT_EQ(slip.gross_pence(), 15 * 750 * 14 + 123'25);
  EXPECT_EQ(Count("SELECT coalesce(sum(amount_pence), 0) FROM ledger.postings"
                  " WHERE transaction_id = $1", june.transaction_id()), 0) << "balanced";

  // The bank file pays Ann's net pay from the direct payment account.
  st = document(v1::DOCUMENT_KIND_BACS, june.run_id(), 0, &doc);
  ASSERT_TRUE(st.ok()) << st.error_message();
  ASSERT_EQ(doc.content().size(), 2u * 102) << doc.content();
  EXPECT_EQ(doc.content().substr(0, 14), "20987687654321");
  EXPECT_EQ(doc.content().substr(17, 14), "40123412345678");
  EXPECT_EQ(std::stoll(doc.content().substr(35, 11)), slip.net_pence());
  EXPECT_EQ(doc.content().substr(102 + 15, 2), "17") << "the contra";

  // Ann leaves on 28 June: hours after it are refused; the P45 follows.
  v1::LeaveEmployeeRequest leave;
  leave.set_request_id(Id());
  leave.set_employee_id(ann);
  *leave.mutable_leave_date() = D(2026, 6, 28);
  v1::Employee left;
  st = bureau_->LeaveEmployee(Ctx().get(), leave, &left);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(left.leave_date().day(), 28);
  ASSERT_TRUE(bureau_->LeaveEmployee(Ctx().get(), leave, &left).ok()) << "a retry";
  leave.set_request_id(Id());
  *leave.mutable_leave_date() = D(2026, 6, 30);
  EXPECT_EQ(bureau_->LeaveEmployee(Ctx().get(), leave, &left).error_code(),
            grpc::FAILED_PRECONDITION) << "she has already left";
  st = timesheet(ann, D(2026, 6, 29), D(2026, 7, 26), {D(2026, 6, 30)}, {});
  EXPECT_EQ(st.error_code(), grpc::INVALID_ARGUMENT) << st.error_message();
  EXPECT_EQ(document(v1::DOCUMENT_KIND_P45, 0, bob, &doc).error_code(), grpc::FAILED_PRECONDITION);
  st = document(v1::DOCUMENT_KIND_P45, 0, ann, &doc);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(doc.content().rfind("%PDF-", 0), 0u);

  // The FPS of June reports her pay, pay to date and leaving date.
  st = document(v1::DOCUMENT_KIND_FPS, june.run_id(), 0, &doc);
  ASSERT_TRUE(st.ok()) << st.error_message();
  for (const char* expected :
       {"<NINO>AB123456C</NINO>", "<PayFreq>W4</PayFreq>", "<LeavingDate>2026-06-28</LeavingDate>",
        "<RelatedTaxYear>26-27</RelatedTaxYear>", "<TaxablePay>3798.25</TaxablePay>",
        "<TaxablePay>1698.25</TaxablePay>", "TaxRegime=\"S\">1257L</TaxCode>"}) {
    EXPECT_NE(doc.content().find(expected), std::string::npos) << expected << "\n" << doc.content();
  }
  ASSERT_TRUE(document(v1::DOCUMENT_KIND_P60, 0, ann, &doc, "2026-27").ok());
  EXPECT_EQ(document(v1::DOCUMENT_KIND_P60, 0, ann, &doc, "2025-26").error_code(),
            grpc::FAILED_PRECONDITION) << "not paid that year";
  ASSERT_TRUE(document(v1::DOCUMENT_KIND_EPS, 0, 0, &doc, "2026-27", 3).ok());
  EXPECT_NE(doc.content().find("<EmpAllceInd>yes</EmpAllceInd>"), std::string::npos);
  EXPECT_EQ(doc.content().find("NoPaymentDates"), std::string::npos) << "paid on 26 June";
  ASSERT_TRUE(document(v1::DOCUMENT_KIND_EPS, 0, 0, &doc, "2026-27", 5).ok());
  EXPECT_NE(doc.content().find("<NoPaymentDates>"), std::string::npos);
  EXPECT_EQ(document(v1::DOCUMENT_KIND_EPS, 0, 0, &doc, "2026-27", 13).error_code(),
            grpc::INVALID_ARGUMENT);

  // Another bureau, not linked to this agreement, sees none of it.
  const std::string stranger = "stranger@" + tag_;
  ASSERT_TRUE(pki_->Issue(stranger));
  {
    auto conn = MigratedConnection();
    pqxx::work tx(*conn);
    tx.exec_params("INSERT INTO iam.organisations (id, kind, name) VALUES ($1, 'iso', 's')",
                   tag_ + "-ISO2");
    tx.exec_params("INSERT INTO iam.principals (name, organisation_id, role, approver_level)"
                   " VALUES ($1, $2, 'iso', 'none')", stranger, tag_ + "-ISO2");
    tx.commit();
  }
  auto other = v1::PayrollService::NewStub(pki_->ChannelAs(stranger, payroll_->address()));
  // Nor can it tell which employees, employers or pay runs exist: another's
  // answers word for word as a missing one, whichever id names it.
  auto hidden = [](const grpc::Status& theirs, const grpc::Status& missing, int64_t id) {
    EXPECT_EQ(theirs.error_code(), grpc::NOT_FOUND) << theirs.error_message();
    EXPECT_EQ(missing.error_code(), grpc::NOT_FOUND) << missing.error_message();
    std::string masked = theirs.error_message();
    const size_t at = masked.find(std::to_string(id));
    ASSERT_NE(at, std::string::npos) << masked;
    masked.replace(at, std::to_string(id).size(), "987654321");
    EXPECT_EQ(masked, missing.error_message());
  };
  auto read_run = [&](int64_t run_id) {
    v1::GetPayRunRequest r;
    r.set_run_id(run_id);
    v1::PayRun out;
    return other->GetPayRun(Ctx().get(), r, &out);
  };
  hidden(read_run(june.run_id()), read_run(987654321), june.run_id());
  auto read_document = [&](v1::DocumentKind kind, int64_t run, int64_t employee, int64_t employer) {
    v1::GetDocumentRequest r;
    r.set_kind(kind);
    r.set_run_id(run);
    r.set_employee_id(employee);
    r.set_employer_id(employer);
    r.set_tax_year("2026-27");
    r.set_tax_month(3);
    return other->GetDocument(Ctx().get(), r, &doc);
  };
  hidden(read_document(v1::DOCUMENT_KIND_P45, 0, ann, 0),
         read_document(v1::DOCUMENT_KIND_P45, 0, 987654321, 0), ann);
  hidden(read_document(v1::DOCUMENT_KIND_BACS, june.run_id(), 0, 0),
         read_document(v1::DOCUMENT_KIND_BACS, 987654321, 0, 0), june.run_id());
  hidden(read_document(v1::DOCUMENT_KIND_EPS, 0, 0, employer_id),
         read_document(v1::DOCUMENT_KIND_EPS, 0, 0, 987654321), employer_id);
}

// A Scottish PA with a Plan 4 student loan, through the payroll bureau:
// HMRC's SL1 starts it, the pay run deducts 9% of the period's NI earnings
// above four weeks of the weekly threshold (rounded down to the pound),
// the deduction goes to HMRC with the PAYE and appears on the FPS; SL2
// stops it. Notices that do not fit are refused naming the field.
TEST_F(PayrollRunTest, APlan4StudentLoanIsDeductedReportedAndStopped) {
  const v1::Employer employer = NewEmployer();
  v1::CreateEmployeeRequest er;
  er.set_request_id(Id());
  er.set_employer_id(employer.employer_id());
  er.set_name("Iona Macleod");
  er.set_ni_number("AB123456C");
  *er.mutable_date_of_birth() = D(1998, 2, 14);
  *er.mutable_start_date() = D(2026, 4, 6);
  er.set_tax_code("S1257L");
  er.set_standard_rate_pence(1400);
  er.set_gender("F");
  v1::Employee iona;
  ASSERT_TRUE(bureau_->CreateEmployee(Ctx().get(), er, &iona).ok());
  auto notice = [&](v1::StudentLoanPlan plan, const std::string& kind, v1::Date from,
                    v1::StudentLoans* out) {
    v1::RecordStudentLoanRequest req;
    req.set_request_id(Id());
    req.set_employee_id(iona.employee_id());
    req.set_plan(plan);
    req.set_notice(kind);
    *req.mutable_effective_date() = from;
    return bureau_->RecordStudentLoan(Ctx().get(), req, out);
  };
  v1::StudentLoans loans;
  // Refused: before she started, a plan's notice for a postgraduate loan,
  // no plan at all.
  grpc::Status s = notice(v1::STUDENT_LOAN_PLAN_4, "SL1", D(2026, 4, 1), &loans);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_EQ(RefusalOf(s).field, "effective_date");
  s = notice(v1::STUDENT_LOAN_PLAN_POSTGRADUATE, "SL1", D(2026, 4, 6), &loans);
  EXPECT_EQ(RefusalOf(s).field, "notice");
  s = notice(v1::STUDENT_LOAN_PLAN_UNSPECIFIED, "SL1", D(2026, 4, 6), &loans);
  EXPECT_EQ(RefusalOf(s).field, "plan");
  ASSERT_TRUE(notice(v1::STUDENT_LOAN_PLAN_4, "SL1", D(2026, 4, 6), &loans).ok());
  ASSERT_EQ(loans.loans_size(), 1);
  EXPECT_EQ(loans.loans(0).start_notice(), "SL1");
  s = notice(v1::STUDENT_LOAN_PLAN_4, "SL1", D(2026, 5, 1), &loans);
  EXPECT_EQ(s.error_code(), grpc::FAILED_PRECONDITION) << "already repaying Plan 4";

  // May: 20 days of 10 hours at 14.00 = 2,800.00. Four weeks of Plan 4's
  // weekly threshold is 4 x 629.71 = 2,518.84; 9% of 281.16 is 25.30: 25.00.
  v1::TimesheetReceipt receipt;
  ASSERT_TRUE(Timesheet(iona.employee_id(), 10, 20, &receipt).ok());
  v1::PayRun may;
  auto st = Run(employer.employer_id(), &may);
  ASSERT_TRUE(st.ok()) << st.error_message();
  ASSERT_EQ(may.payslips_size(), 1);
  const v1::Payslip& slip = may.payslips(0);
  EXPECT_EQ(slip.gross_pence(), 2800'00);
  EXPECT_EQ(slip.student_loan_pence(), 25'00);
  EXPECT_EQ(slip.student_loan_plan(), v1::STUDENT_LOAN_PLAN_4);
  EXPECT_EQ(slip.net_pence(), slip.gross_pence() - slip.tax_pence() - slip.employee_ni_pence() -
                                  slip.employee_pension_pence() - 25'00);
  EXPECT_EQ(PostedBalance(employer.hmrc_payable_account_id()),
            slip.tax_pence() + slip.employee_ni_pence() + slip.employer_ni_pence() + 25'00);
  EXPECT_EQ(may.hmrc_pence(), PostedBalance(employer.hmrc_payable_account_id()));
  v1::GetDocumentRequest fps;
  fps.set_kind(v1::DOCUMENT_KIND_FPS);
  fps.set_run_id(may.run_id());
  v1::Document doc;
  st = bureau_->GetDocument(Ctx().get(), fps, &doc);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_NE(doc.content().find("<StudentLoanRecovered PlanType=\"04\">25.00</StudentLoanRecovered>"),
            std::string::npos)
      << doc.content();

  // SL2 from 1 June: June's pay has no deduction.
  ASSERT_TRUE(notice(v1::STUDENT_LOAN_PLAN_4, "SL2", D(2026, 6, 1), &loans).ok());
  EXPECT_EQ(loans.loans(0).stop_notice(), "SL2");
  v1::SubmitTimesheetRequest june;
  june.set_request_id(Id());
  june.set_employee_id(iona.employee_id());
  *june.mutable_period_start() = D(2026, 6, 1);
  *june.mutable_period_end() = D(2026, 6, 28);
  for (int d = 0; d < 20; ++d) {
    auto* e = june.add_entries();
    *e->mutable_date() = D(2026, 6, 1 + d);
    e->set_hours_centi(1000);
  }
  ASSERT_TRUE(bureau_->SubmitTimesheet(Ctx().get(), june, &receipt).ok());
  v1::RunPayrollRequest run;
  run.set_request_id(Id());
  run.set_employer_id(employer.employer_id());
  *run.mutable_period_start() = D(2026, 6, 1);
  *run.mutable_period_end() = D(2026, 6, 28);
  *run.mutable_payment_date() = D(2026, 6, 26);
  v1::PayRun second;
  st = bureau_->RunPayroll(Ctx().get(), run, &second);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(second.payslips(0).student_loan_pence(), 0);
  // The year to date, as the June payslip shows it.
  const v1::Payslip& june_slip = second.payslips(0);
  EXPECT_EQ(june_slip.student_loans_to_date_pence(), 25'00);
  EXPECT_EQ(june_slip.employee_ni_to_date_pence(),
            slip.employee_ni_pence() + june_slip.employee_ni_pence());
  EXPECT_EQ(june_slip.employee_pension_to_date_pence(),
            slip.employee_pension_pence() + june_slip.employee_pension_pence());
  EXPECT_EQ(june_slip.statutory_pay_to_date_pence(), 0);
}

// Tax codes a bureau applies: a PA joining mid-year with a P45 is taxed on
// the year's figures (their previous pay and tax feed the cumulative
// calculation); a P6 changes the code from its pay date; a starter with no
// P45 gets the code HMRC's checklist gives. Each payslip's tax is checked
// against the stateless calculator given the same figures.
TEST_F(PayrollRunTest, StartersP45sAndP6NoticesSetTheCodeEachRunUses) {
  const v1::Employer employer = NewEmployer();
  auto employee = [&](const std::string& name, const std::string& ni, v1::Date start) {
    v1::CreateEmployeeRequest er;
    er.set_request_id(Id());
    er.set_employer_id(employer.employer_id());
    er.set_name(name);
    er.set_ni_number(ni);
    *er.mutable_date_of_birth() = D(1990, 3, 3);
    *er.mutable_start_date() = start;
    er.set_tax_code("S1257L");
    er.set_standard_rate_pence(1400);
    er.set_gender("M");
    v1::Employee out;
    EXPECT_TRUE(bureau_->CreateEmployee(Ctx().get(), er, &out).ok());
    return out.employee_id();
  };
  auto pay = [&](int64_t who, v1::Date from, v1::Date to, v1::Date day, int days,
                 v1::PayRun* out) {
    v1::SubmitTimesheetRequest sheet;
    sheet.set_request_id(Id());
    sheet.set_employee_id(who);
    *sheet.mutable_period_start() = from;
    *sheet.mutable_period_end() = to;
    for (int d = 0; d < days; ++d) {
      auto* e = sheet.add_entries();
      *e->mutable_date() = D(from.year(), from.month(), from.day() + d);
      e->set_hours_centi(800);
    }
    v1::TimesheetReceipt receipt;
    EXPECT_TRUE(bureau_->SubmitTimesheet(Ctx().get(), sheet, &receipt).ok());
    v1::RunPayrollRequest run;
    run.set_request_id(Id());
    run.set_employer_id(employer.employer_id());
    *run.mutable_period_start() = from;
    *run.mutable_period_end() = to;
    *run.mutable_payment_date() = day;
    return bureau_->RunPayroll(Ctx().get(), run, out);
  };
  auto calculator = [&](const v1::PayRun& run, const v1::Payslip& slip, bool w1m1,
                        int64_t pay_before, int64_t tax_before) {
    v1::CalculateRequest req;
    req.set_tax_year(run.tax_year());
    req.set_pay_frequency(v1::PAY_FREQUENCY_FOUR_WEEKLY);
    req.set_period(run.period());
    req.set_tax_code(slip.tax_code());
    req.set_week1_month1(w1m1);
    req.set_gross_pay_pence(slip.gross_pence());
    req.set_taxable_pay_to_date_pence(pay_before);
    req.set_tax_paid_to_date_pence(tax_before);
    v1::CalculateResponse out;
    EXPECT_TRUE(bureau_->Calculate(Ctx().get(), req, &out).ok());
    return out.tax_pence();
  };

  // Joining on 7 September with a P45: £10,000.00 paid and £1,000.00 tax so far.
  const int64_t joiner = employee("Ewan Grant", "AB123456C", D(2026, 9, 7));
  v1::RecordStarterRequest starter;
  starter.set_request_id(Id());
  starter.set_employee_id(joiner);
  starter.mutable_p45()->set_previous_pay_pence(10'000'00);
  starter.mutable_p45()->set_previous_tax_pence(1'000'00);
  starter.mutable_p45()->set_tax_code("S1257L");
  v1::TaxCodes codes;
  ASSERT_TRUE(bureau_->RecordStarter(Ctx().get(), starter, &codes).ok());
  EXPECT_EQ(codes.tax_code(), "S1257L");
  EXPECT_FALSE(codes.week1_month1());
  starter.set_request_id(Id());
  EXPECT_EQ(bureau_->RecordStarter(Ctx().get(), starter, &codes).error_code(),
            grpc::ALREADY_EXISTS)
      << "a second starter declaration";
  v1::PayRun october;
  auto st = pay(joiner, D(2026, 9, 7), D(2026, 10, 4), D(2026, 10, 2), 20, &october);
  ASSERT_TRUE(st.ok()) << st.error_message();
  const v1::Payslip& first = october.payslips(0);
  EXPECT_EQ(first.gross_pence(), 20 * 8 * 1400);
  EXPECT_EQ(first.taxable_pay_to_date_pence(), 10'000'00 + first.gross_pence());
  EXPECT_EQ(first.tax_pence(), calculator(october, first, false, 10'000'00, 1'000'00));
  EXPECT_EQ(first.tax_paid_to_date_pence(), 1'000'00 + first.tax_pence());

  // A P6 from 30 October: S1100L, cumulative. The next run uses it.
  v1::RecordTaxCodeNoticeRequest p6;
  p6.set_request_id(Id());
  p6.set_employee_id(joiner);
  p6.set_kind("P6");
  p6.set_tax_code("S1100L");
  *p6.mutable_effective_date() = D(2026, 10, 30);
  ASSERT_TRUE(bureau_->RecordTaxCodeNotice(Ctx().get(), p6, &codes).ok());
  ASSERT_EQ(codes.notices_size(), 2);
  EXPECT_EQ(codes.notices(1).kind(), "P6");
  v1::PayRun november;
  st = pay(joiner, D(2026, 10, 5), D(2026, 11, 1), D(2026, 10, 30), 20, &november);
  ASSERT_TRUE(st.ok()) << st.error_message();
  const v1::Payslip& second = november.payslips(0);
  EXPECT_EQ(second.tax_code(), "S1100L");
  EXPECT_EQ(second.tax_pence(), calculator(november, second, false,
                                           first.taxable_pay_to_date_pence(),
                                           first.tax_paid_to_date_pence()));
  // Refused, naming the field: a code the engine cannot use, a date before
  // the PA started, a kind that is not a notice.
  p6.set_request_id(Id());
  p6.set_tax_code("S12X57L");
  v1::TaxCodes unchanged;
  grpc::Status s = bureau_->RecordTaxCodeNotice(Ctx().get(), p6, &unchanged);
  EXPECT_EQ(RefusalOf(s).field, "tax_code") << s.error_message();
  p6.set_tax_code("S1100L");
  *p6.mutable_effective_date() = D(2026, 9, 1);
  EXPECT_EQ(RefusalOf(bureau_->RecordTaxCodeNotice(Ctx().get(), p6, &unchanged)).field,
            "effective_date");
  p6.set_kind("P45");
  *p6.mutable_effective_date() = D(2026, 11, 27);
  EXPECT_EQ(RefusalOf(bureau_->RecordTaxCodeNotice(Ctx().get(), p6, &unchanged)).field, "kind");

  // A starter with no P45 who has another job (statement C): BR, Week 1/Month 1.
  const int64_t second_job = employee("Kirsty Bell", "CE123456A", D(2026, 9, 7));
  v1::RecordStarterRequest c;
  c.set_request_id(Id());
  c.set_employee_id(second_job);
  c.set_declaration("C");
  ASSERT_TRUE(bureau_->RecordStarter(Ctx().get(), c, &codes).ok());
  EXPECT_EQ(codes.tax_code(), "SBR");
  EXPECT_TRUE(codes.week1_month1());
  v1::GetDocumentRequest fps;
  fps.set_kind(v1::DOCUMENT_KIND_FPS);
  fps.set_run_id(october.run_id());
  v1::Document doc;
  ASSERT_TRUE(bureau_->GetDocument(Ctx().get(), fps, &doc).ok());
  EXPECT_NE(doc.content().find("<StartDate>2026-09-07</StartDate>"), std::string::npos)
      << doc.content();
  EXPECT_EQ(doc.content().find("<StartDec>"), std::string::npos)
      << "a starter with a P45 makes no declaration";
}

// An integrating bureau pages through what it runs: employers (of its
// granted agreement, by authority; an officer the same), PAs (leavers when
// asked), timesheets by PA and period, pay runs by status with totals. A
// page token resumes where the page ended and only for the same query.
TEST_F(PayrollRunTest, ListsPageThroughEmployersPasTimesheetsAndRuns) {
  const v1::Employer employer = NewEmployer();
  const int64_t a = NewEmployee(employer.employer_id(), 1400).employee_id();
  const int64_t b = NewEmployee(employer.employer_id(), 1500).employee_id();
  const int64_t c = NewEmployee(employer.employer_id(), 1600).employee_id();
  v1::TimesheetReceipt receipt;
  for (int64_t who : {a, b, c}) ASSERT_TRUE(Timesheet(who, 7, 10, &receipt).ok());
  v1::PayRun may;
  ASSERT_TRUE(Run(employer.employer_id(), &may).ok());
  v1::PayRun corrected;
  ASSERT_TRUE(Timesheet(a, 8, 10, &receipt).ok());
  ASSERT_TRUE(Run(employer.employer_id(), &corrected, /*correction=*/true).ok());
  v1::LeaveEmployeeRequest leave;
  leave.set_request_id(Id());
  leave.set_employee_id(c);
  *leave.mutable_leave_date() = D(2026, 5, 31);
  v1::Employee left;
  ASSERT_TRUE(bureau_->LeaveEmployee(Ctx().get(), leave, &left).ok());

  // Employers: by agreement, and by authority (the ISO sees its grant's).
  v1::ListEmployersRequest employers;
  employers.set_agreement_id(employer.agreement_id());
  v1::ListEmployersResponse found;
  ASSERT_TRUE(bureau_->ListEmployers(Ctx().get(), employers, &found).ok());
  ASSERT_GE(found.employers_size(), 1);
  EXPECT_EQ(found.employers(found.employers_size() - 1).employer_id(), employer.employer_id());
  employers.clear_agreement_id();
  employers.set_authority_id(employer.authority_id());
  v1::ListEmployersResponse by_authority;
  ASSERT_TRUE(bureau_->ListEmployers(Ctx().get(), employers, &by_authority).ok());
  EXPECT_EQ(by_authority.employers_size(), found.employers_size());
  // Its PAs started on 6 April 2026: the declaration of compliance is due
  // by 6 September 2026, re-enrolment on 6 April 2029.
  const v1::Employer& listed_employer = found.employers(found.employers_size() - 1);
  EXPECT_EQ(listed_employer.duties_start_date().month(), 4);
  EXPECT_EQ(listed_employer.declaration_of_compliance_due().month(), 9);
  EXPECT_EQ(listed_employer.declaration_of_compliance_due().day(), 6);
  EXPECT_EQ(listed_employer.re_enrolment_date().year(), 2029);
  employers.set_agreement_id(employer.agreement_id());
  EXPECT_EQ(RefusalOf(bureau_->ListEmployers(Ctx().get(), employers, &found)).field, "authority_id");

  // PAs, two a page: the current ones, then with the leaver.
  v1::ListEmployeesRequest pas;
  pas.set_employer_id(employer.employer_id());
  pas.set_page_size(2);
  v1::ListEmployeesResponse page1, page2;
  ASSERT_TRUE(bureau_->ListEmployees(Ctx().get(), pas, &page1).ok());
  ASSERT_EQ(page1.employees_size(), 2);
  EXPECT_EQ(page1.employees(0).employee_id(), a);
  EXPECT_EQ(page1.employees(1).employee_id(), b);
  EXPECT_EQ(page1.employees(0).name(), "Jamie Fraser");
  EXPECT_TRUE(page1.next_page_token().empty()) << "the leaver is left out";
  pas.set_include_leavers(true);
  ASSERT_TRUE(bureau_->ListEmployees(Ctx().get(), pas, &page1).ok());
  ASSERT_FALSE(page1.next_page_token().empty());
  pas.set_page_token(page1.next_page_token());
  ASSERT_TRUE(bureau_->ListEmployees(Ctx().get(), pas, &page2).ok());
  ASSERT_EQ(page2.employees_size(), 1);
  EXPECT_EQ(page2.employees(0).employee_id(), c);
  EXPECT_EQ(page2.employees(0).leave_date().day(), 31);
  pas.set_include_leavers(false);  // the token belongs to the other query
  EXPECT_EQ(RefusalOf(bureau_->ListEmployees(Ctx().get(), pas, &page2)).field, "page_token");

  // Timesheets: A's two for May (the first superseded), none for June.
  v1::ListTimesheetsRequest sheets;
  sheets.set_employer_id(employer.employer_id());
  sheets.set_employee_id(a);
  v1::ListTimesheetsResponse listed;
  ASSERT_TRUE(bureau_->ListTimesheets(Ctx().get(), sheets, &listed).ok());
  ASSERT_EQ(listed.timesheets_size(), 2);
  EXPECT_TRUE(listed.timesheets(0).superseded());
  EXPECT_EQ(listed.timesheets(0).total_hours_centi(), 10 * 700);
  EXPECT_EQ(listed.timesheets(1).total_hours_centi(), 10 * 800);
  *sheets.mutable_period_from() = D(2026, 6, 1);
  ASSERT_TRUE(bureau_->ListTimesheets(Ctx().get(), sheets, &listed).ok());
  EXPECT_EQ(listed.timesheets_size(), 0);

  // Pay runs: the posted one's totals are GetPayRun's.
  v1::ListPayRunsRequest runs;
  runs.set_employer_id(employer.employer_id());
  runs.set_status("posted");
  v1::ListPayRunsResponse posted;
  ASSERT_TRUE(bureau_->ListPayRuns(Ctx().get(), runs, &posted).ok());
  ASSERT_EQ(posted.runs_size(), 1);
  EXPECT_EQ(posted.runs(0).run_id(), corrected.run_id());
  EXPECT_EQ(posted.runs(0).payslips_size(), 0);
  EXPECT_EQ(posted.runs(0).net_wages_pence(), corrected.net_wages_pence());
  EXPECT_EQ(posted.runs(0).hmrc_pence(), corrected.hmrc_pence());
  EXPECT_EQ(posted.runs(0).total_cost_pence(), corrected.total_cost_pence());
  runs.set_status("");
  ASSERT_TRUE(bureau_->ListPayRuns(Ctx().get(), runs, &posted).ok());
  EXPECT_EQ(posted.runs_size(), 2);
  EXPECT_EQ(posted.runs(0).status(), "replaced");
  runs.set_status("cancelled");
  EXPECT_EQ(RefusalOf(bureau_->ListPayRuns(Ctx().get(), runs, &posted)).field, "status");

  // The pension scheme's contribution schedule for the posted run.
  v1::GetDocumentRequest schedule;
  schedule.set_kind(v1::DOCUMENT_KIND_PENSION_CSV);
  schedule.set_run_id(corrected.run_id());
  v1::Document csv;
  ASSERT_TRUE(bureau_->GetDocument(Ctx().get(), schedule, &csv).ok());
  EXPECT_EQ(csv.content_type(), "text/csv");
  EXPECT_EQ(csv.content().rfind("Employer reference,Earnings period start date,", 0), 0u);
  const auto& slip = corrected.payslips(0);
  const std::string row = dp::StrCat("\"", employer.paye_reference(), "\",2026-05-04,2026-05-31,",
                                     "AB123456C,\"Jamie\",\"Fraser\",");
  EXPECT_NE(csv.content().find(row), std::string::npos) << csv.content();
  EXPECT_NE(csv.content().find(dp::StrCat(",", slip.employer_pension_pence() / 100, ".")),
            std::string::npos);
}

// Holiday as a running balance: a fixed-hours PA accrues 5.6 weeks a year
// on the hours of each period (5.6 of 52 weeks); holiday beyond the
// balance is refused unless the bureau allows it with a reason; the
// payslip shows accrued, taken and the balance; a leaver's final pay pays
// what is left of it.
TEST_F(PayrollRunTest, HolidayIsABalanceRefusedBeyondItAndPaidToALeaver) {
  const v1::Employer employer = NewEmployer();
  const int64_t ann = NewEmployee(employer.employer_id(), 1400).employee_id();
  const int64_t bob = NewEmployee(employer.employer_id(), 1400).employee_id();
  v1::TimesheetReceipt receipt;
  // May: 20 days of 7.5 hours = 150 hours: 150 x 5.6 / 52 = 16.15 hours accrued.
  for (int64_t who : {ann, bob}) {
    v1::SubmitTimesheetRequest may;
    may.set_request_id(Id());
    may.set_employee_id(who);
    *may.mutable_period_start() = D(2026, 5, 4);
    *may.mutable_period_end() = D(2026, 5, 31);
    for (int d = 0; d < 20; ++d) {
      auto* e = may.add_entries();
      *e->mutable_date() = D(2026, 5, 4 + d);
      e->set_hours_centi(750);
    }
    ASSERT_TRUE(bureau_->SubmitTimesheet(Ctx().get(), may, &receipt).ok());
  }
  v1::PayRun may_run;
  ASSERT_TRUE(Run(employer.employer_id(), &may_run).ok());
  for (const auto& slip : may_run.payslips()) {
    EXPECT_EQ(slip.holiday_accrued_centi_hours(), 1615);
    EXPECT_EQ(slip.holiday_taken_centi_hours(), 0);
    EXPECT_EQ(slip.holiday_balance_centi_hours(), 1615);
  }

  // June: Ann asks for 30 hours of holiday beside 75 worked. With June's
  // accrual, (75 + 30) x 5.6 / 52 = 11.31, her balance is 27.46 hours.
  v1::SubmitTimesheetRequest june;
  june.set_request_id(Id());
  june.set_employee_id(ann);
  *june.mutable_period_start() = D(2026, 6, 1);
  *june.mutable_period_end() = D(2026, 6, 28);
  for (int d = 0; d < 10; ++d) {
    auto* e = june.add_entries();
    *e->mutable_date() = D(2026, 6, 1 + d);
    e->set_hours_centi(750);
  }
  for (int d = 15; d < 19; ++d) {
    auto* e = june.add_entries();
    *e->mutable_date() = D(2026, 6, d);
    e->set_rate_type("holiday");
    e->set_hours_centi(750);
  }
  grpc::Status s = bureau_->SubmitTimesheet(Ctx().get(), june, &receipt);
  EXPECT_EQ(s.error_code(), grpc::FAILED_PRECONDITION);
  EXPECT_EQ(RefusalOf(s).info.reason(), "HOLIDAY_EXCEEDS_BALANCE");
  EXPECT_EQ(s.error_message(),
            "30.00 hours of holiday are more than the 27.46 hours' balance: an officer or the ISO "
            "may allow it with a reason (holiday_override_reason)");
  june.set_request_id(Id());
  june.set_holiday_override_reason("Agreed with Morag: Ann's annual week away, booked in March");
  ASSERT_TRUE(bureau_->SubmitTimesheet(Ctx().get(), june, &receipt).ok());

  // Bob leaves on 12 June after 5 days: his final pay includes the 16.15
  // hours from May and 4.04 accrued in June (37.5 x 5.6 / 52), at 14.00.
  v1::SubmitTimesheetRequest last;
  last.set_request_id(Id());
  last.set_employee_id(bob);
  *last.mutable_period_start() = D(2026, 6, 1);
  *last.mutable_period_end() = D(2026, 6, 28);
  for (int d = 0; d < 5; ++d) {
    auto* e = last.add_entries();
    *e->mutable_date() = D(2026, 6, 1 + d);
    e->set_hours_centi(750);
  }
  ASSERT_TRUE(bureau_->SubmitTimesheet(Ctx().get(), last, &receipt).ok());
  v1::LeaveEmployeeRequest leave;
  leave.set_request_id(Id());
  leave.set_employee_id(bob);
  *leave.mutable_leave_date() = D(2026, 6, 12);
  v1::Employee left;
  ASSERT_TRUE(bureau_->LeaveEmployee(Ctx().get(), leave, &left).ok());

  v1::RunPayrollRequest run;
  run.set_request_id(Id());
  run.set_employer_id(employer.employer_id());
  *run.mutable_period_start() = D(2026, 6, 1);
  *run.mutable_period_end() = D(2026, 6, 28);
  *run.mutable_payment_date() = D(2026, 6, 26);
  v1::PayRun june_run;
  auto st = bureau_->RunPayroll(Ctx().get(), run, &june_run);
  ASSERT_TRUE(st.ok()) << st.error_message();
  ASSERT_EQ(june_run.payslips_size(), 2);
  const v1::Payslip& a = june_run.payslips(0).employee_id() == ann ? june_run.payslips(0)
                                                                   : june_run.payslips(1);
  const v1::Payslip& b = june_run.payslips(0).employee_id() == bob ? june_run.payslips(0)
                                                                   : june_run.payslips(1);
  EXPECT_EQ(a.holiday_accrued_centi_hours(), 1131);
  EXPECT_EQ(a.holiday_taken_centi_hours(), 3000);
  EXPECT_EQ(a.holiday_balance_centi_hours(), 1615 + 1131 - 3000);
  EXPECT_EQ(a.gross_pence(), (75 + 30) * 1400);  // holiday at the standard rate
  EXPECT_EQ(b.holiday_accrued_centi_hours(), 404);
  EXPECT_EQ(b.holiday_taken_centi_hours(), 1615 + 404);
  EXPECT_EQ(b.holiday_balance_centi_hours(), 0);
  EXPECT_EQ(b.gross_pence(), 37'50 * 14 + (1615 + 404) * 14);  // 525.00 + 282.66
}

}  // namespace
}  // namespace dp::testing
