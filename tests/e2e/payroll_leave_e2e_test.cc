// Payroll's time away and year end, end to end through an ISO bureau:
// maternity pay over several pay runs with no timesheets, kept back from
// HMRC at the small employers' rate and claimed on the EPS; a leaver's
// notice, holiday and redundancy pay in the final pay, the final FPS and
// the P45 after it; re-enrolment of a PA who opted out; and the year end's
// P60s for a whole book, streamed with progress.
#include "payroll_fixture.h"

namespace dp::testing {
namespace {

class PayrollLeaveTest : public PayrollRunTest {
 protected:
  v1::Employee Pa(int64_t employer_id, const std::string& name, const std::string& ni,
                  v1::Date born, v1::Date start, bool pension_member = true) {
    v1::CreateEmployeeRequest req;
    req.set_request_id(Id());
    req.set_employer_id(employer_id);
    req.set_name(name);
    req.set_ni_number(ni);
    *req.mutable_date_of_birth() = born;
    *req.mutable_start_date() = start;
    req.set_tax_code("S1257L");
    req.set_standard_rate_pence(15'00);
    req.set_pension_member(pension_member);
    req.set_gender("F");
    v1::Employee out;
    auto s = bureau_->CreateEmployee(Ctx().get(), req, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  // Hours: 8 a day at £15.00 on the first `days` days of a period.
  grpc::Status Hours(int64_t employee_id, absl::CivilDay from, absl::CivilDay to, int days) {
    v1::SubmitTimesheetRequest req;
    req.set_request_id(Id());
    req.set_employee_id(employee_id);
    *req.mutable_period_start() = D(from.year(), from.month(), from.day());
    *req.mutable_period_end() = D(to.year(), to.month(), to.day());
    for (int d = 0; d < days; ++d) {
      const absl::CivilDay day = from + d;
      auto* e = req.add_entries();
      *e->mutable_date() = D(day.year(), day.month(), day.day());
      e->set_hours_centi(800);
    }
    v1::TimesheetReceipt receipt;
    return bureau_->SubmitTimesheet(Ctx().get(), req, &receipt);
  }

  // RunPeriod runs the 4-weekly period from `from`, paid on its Friday.
  v1::PayRun RunPeriod(int64_t employer_id, absl::CivilDay from) {
    v1::RunPayrollRequest req;
    req.set_request_id(Id());
    req.set_employer_id(employer_id);
    const absl::CivilDay to = from + 27, pay = from + 25;
    *req.mutable_period_start() = D(from.year(), from.month(), from.day());
    *req.mutable_period_end() = D(to.year(), to.month(), to.day());
    *req.mutable_payment_date() = D(pay.year(), pay.month(), pay.day());
    v1::PayRun run;
    auto s = bureau_->RunPayroll(Ctx().get(), req, &run);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return run;
  }

  v1::Document Document(v1::GetDocumentRequest req) {
    v1::Document doc;
    auto s = bureau_->GetDocument(Ctx().get(), req, &doc);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return doc;
  }

  // Has: whether the document holds `text`, the XML's indentation aside.
  static bool Has(const v1::Document& doc, const std::string& text) {
    std::string compact;
    bool line_start = false;
    for (char c : doc.content()) {
      if (c == '\n') {
        line_start = true;
        continue;
      }
      if (line_start && c == ' ') continue;
      line_start = false;
      compact += c;
    }
    return compact.find(text) != std::string::npos;
  }

  static std::string Pounds(int64_t pence) {
    return dp::StrCat(pence / 100, ".", pence % 100 < 10 ? "0" : "", pence % 100);
  }
};

const absl::CivilDay kMay(2026, 5, 4), kJune(2026, 6, 1), kJuly(2026, 6, 29),
    kAugust(2026, 8, 24), kSeptember(2026, 9, 21);

// Maternity: 8 weeks' pay here before the qualifying week (£4,800.00 paid
// on 26 June and 24 July after 29 May: AWE £600.00), due on 4 November
// 2026 (expected week from 1 November; qualifying week 19 to 25 July).
// Pay from Monday 24 August: the first 6 weeks at 90% (£540.00), then the
// 2026-27 rate (£194.32). No timesheets: the runs pay the leave's days.
TEST_F(PayrollLeaveTest, MaternityPayRunsThroughSeveralPeriodsAndIsRecoveredOnTheEps) {
  const v1::Employer employer = NewEmployer();
  const v1::Employee iona =
      Pa(employer.employer_id(), "Iona Macleod", "AB123456C", D(1994, 2, 14), D(2025, 6, 2));
  for (absl::CivilDay from : {kMay, kJune, kJuly}) {
    ASSERT_TRUE(Hours(iona.employee_id(), from, from + 27, 20).ok());
    RunPeriod(employer.employer_id(), from);
  }

  v1::RecordFamilyLeaveRequest req;
  req.set_request_id(Id());
  req.set_employee_id(iona.employee_id());
  req.set_kind(v1::FAMILY_LEAVE_KIND_MATERNITY);
  *req.mutable_pay_start() = D(2026, 8, 24);
  req.set_weeks(39);
  req.set_evidence_received(true);
  v1::FamilyLeave leave;
  // Without the due date there is no qualifying week: refused, naming it,
  // and nothing is written.
  grpc::Status s = bureau_->RecordFamilyLeave(Ctx().get(), req, &leave);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_EQ(RefusalOf(s).field, "due_date") << s.error_message();
  *req.mutable_due_date() = D(2026, 11, 4);
  req.set_evidence_received(false);
  req.set_request_id(Id());
  s = bureau_->RecordFamilyLeave(Ctx().get(), req, &leave);
  EXPECT_EQ(RefusalOf(s).field, "evidence_received") << s.error_message();
  EXPECT_NE(s.error_message().find("MATB1"), std::string::npos) << s.error_message();
  req.set_evidence_received(true);
  req.set_kind(v1::FAMILY_LEAVE_KIND_UNSPECIFIED);
  req.set_request_id(Id());
  EXPECT_EQ(RefusalOf(bureau_->RecordFamilyLeave(Ctx().get(), req, &leave)).field, "kind");
  EXPECT_EQ(Count("SELECT count(*) FROM payroll.family_leave WHERE employee_id = $1",
                  iona.employee_id()),
            0);
  req.set_kind(v1::FAMILY_LEAVE_KIND_MATERNITY);
  req.set_request_id(Id());
  s = bureau_->RecordFamilyLeave(Ctx().get(), req, &leave);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(leave.entitled()) << leave.reason();
  EXPECT_EQ(leave.qualifying_week_start().month(), 7);
  EXPECT_EQ(leave.qualifying_week_start().day(), 19);
  EXPECT_EQ(leave.average_weekly_earnings_pence(), 600'00);
  EXPECT_EQ(leave.reason(),
            "Entitled to Statutory Maternity Pay: employed here for 60 weeks by the qualifying "
            "week (2026-07-19 to 2026-07-25), average weekly earnings £600.00 (at least £129.00). "
            "39 weeks from 2026-08-24: 6 at £540.00 (90%), then £194.32 a week (the lower of 90% "
            "and the statutory rate, which changes each April).");
  v1::FamilyLeave again;
  ASSERT_TRUE(bureau_->RecordFamilyLeave(Ctx().get(), req, &again).ok()) << "a retry";
  EXPECT_EQ(again.leave_id(), leave.leave_id());
  req.set_request_id(Id());
  EXPECT_EQ(bureau_->RecordFamilyLeave(Ctx().get(), req, &again).error_code(),
            grpc::FAILED_PRECONDITION)
      << "the same weeks twice";

  // The PA's leave, as the bureau and the officer read it back.
  v1::ListFamilyLeaveRequest leave_of;
  leave_of.set_employee_id(iona.employee_id());
  v1::ListFamilyLeaveResponse listed;
  ASSERT_TRUE(bureau_->ListFamilyLeave(Ctx().get(), leave_of, &listed).ok());
  ASSERT_EQ(listed.leave_size(), 1);
  EXPECT_EQ(listed.leave(0).leave_id(), leave.leave_id());
  EXPECT_EQ(listed.leave(0).reason(), leave.reason());

  // A PA here only since April is not entitled: the decision says why, and
  // no run pays her anything.
  const v1::Employee eilidh =
      Pa(employer.employer_id(), "Eilidh Ross", "AB123457C", D(1996, 5, 1), D(2026, 4, 6));
  req.set_request_id(Id());
  req.set_employee_id(eilidh.employee_id());
  req.set_average_weekly_earnings_pence(400'00);
  ASSERT_TRUE(bureau_->RecordFamilyLeave(Ctx().get(), req, &again).ok());
  EXPECT_FALSE(again.entitled());
  EXPECT_EQ(again.reason(),
            "Not entitled to Statutory Maternity Pay: employed here for 16 weeks by the "
            "qualifying week (2026-07-19 to 2026-07-25); 26 are needed. Give the PA form SMP1 "
            "within 7 days; they may claim Maternity Allowance.");

  // 24 August to 20 September: weeks 1 to 4 at £540.00.
  const v1::PayRun august = RunPeriod(employer.employer_id(), kAugust);
  ASSERT_EQ(august.payslips_size(), 1) << "Iona, with no timesheet; not Eilidh";
  const v1::Payslip& a = august.payslips(0);
  EXPECT_EQ(a.employee_id(), iona.employee_id());
  EXPECT_EQ(a.smp_pence(), 4 * 540'00);
  EXPECT_EQ(a.gross_pence(), 4 * 540'00);
  EXPECT_EQ(a.standard_hours_centi(), 0);
  // A small employer (no year before here): 100% back, plus 8.5%.
  EXPECT_EQ(a.family_pay_recovered_pence(), 2160'00 + 183'60);
  EXPECT_EQ(august.hmrc_pence(), a.tax_pence() + a.employee_ni_pence() + a.employer_ni_pence() -
                                     a.family_pay_recovered_pence());
  EXPECT_EQ(august.total_cost_pence(), a.gross_pence() + a.employer_ni_pence() +
                                           a.employer_pension_pence() -
                                           a.family_pay_recovered_pence());
  // 21 September to 18 October: weeks 5 and 6 at 90%, 7 and 8 at £194.32.
  const v1::PayRun september = RunPeriod(employer.employer_id(), kSeptember);
  ASSERT_EQ(september.payslips_size(), 1);
  const v1::Payslip& b = september.payslips(0);
  EXPECT_EQ(b.smp_pence(), 2 * 540'00 + 2 * 194'32);
  EXPECT_EQ(b.family_pay_recovered_pence(), 1468'64 + 124'83);
  EXPECT_EQ(b.statutory_pay_to_date_pence(), 2160'00 + 1468'64);

  // The ledger: HMRC is owed what the runs say, recovery kept back.
  int64_t owed = 0;
  v1::ListPayRunsRequest list;
  list.set_employer_id(employer.employer_id());
  v1::ListPayRunsResponse runs;
  ASSERT_TRUE(bureau_->ListPayRuns(Ctx().get(), list, &runs).ok());
  for (const v1::PayRun& r : runs.runs()) owed += r.hmrc_pence();
  EXPECT_EQ(PostedBalance(employer.hmrc_payable_account_id()), owed);
  EXPECT_EQ(runs.runs(3).hmrc_pence(), august.hmrc_pence()) << "the list sums as the run";

  // The FPS reports SMP to date; the EPS of tax month 7 (6 October to
  // 5 November) claims it back, year to date.
  v1::GetDocumentRequest fps;
  fps.set_kind(v1::DOCUMENT_KIND_FPS);
  fps.set_run_id(september.run_id());
  EXPECT_TRUE(Has(Document(fps), "<SMPYTD>3628.64</SMPYTD>")) << Document(fps).content();
  v1::GetDocumentRequest eps;
  eps.set_kind(v1::DOCUMENT_KIND_EPS);
  eps.set_employer_id(employer.employer_id());
  eps.set_tax_year("2026-27");
  eps.set_tax_month(7);
  const v1::Document claim = Document(eps);
  EXPECT_TRUE(Has(claim, "<RecoverableAmountsYTD><TaxMonth>7</TaxMonth>"
                         "<SMPRecovered>3628.64</SMPRecovered>"
                         "<NICCompensationOnSMP>308.43</NICCompensationOnSMP>"
                         "</RecoverableAmountsYTD>"))
      << claim.content();
  eps.set_tax_month(5);  // before any SMP was paid
  EXPECT_FALSE(Has(Document(eps), "RecoverableAmountsYTD"));
}

// A leaver made redundant after 4 complete years, aged 56 to 60 in them:
// 4 x 1.5 = 6 weeks' pay; 4 weeks' statutory notice paid in lieu; a week's
// pay from the 12 weeks before leaving (May: £2,400.00 over 4 weeks, £600).
// The final pay holds the days worked, the holiday owed, the notice pay
// (taxed) and the redundancy pay (not taxed); the P45 waits for it.
TEST_F(PayrollLeaveTest, ALeaverIsPaidNoticeHolidayAndRedundancyAndGetsAMatchingP45) {
  const v1::Employer employer = NewEmployer();
  const v1::Employee ruth =
      Pa(employer.employer_id(), "Ruth Baird", "AB123456C", D(1966, 3, 1), D(2022, 5, 1));
  ASSERT_TRUE(Hours(ruth.employee_id(), kMay, kMay + 27, 20).ok());
  const v1::PayRun may = RunPeriod(employer.employer_id(), kMay);
  ASSERT_EQ(may.payslips(0).gross_pence(), 2400'00);

  v1::LeaveEmployeeRequest leave;
  leave.set_request_id(Id());
  leave.set_employee_id(ruth.employee_id());
  *leave.mutable_leave_date() = D(2026, 6, 12);
  leave.set_notice_in_lieu(true);
  leave.set_redundancy(true);
  leave.set_notice_weeks(2);
  v1::Employee left;
  grpc::Status s = bureau_->LeaveEmployee(Ctx().get(), leave, &left);
  EXPECT_EQ(RefusalOf(s).field, "notice_weeks") << "below the statutory 4 weeks";
  leave.clear_notice_weeks();
  leave.set_request_id(Id());
  s = bureau_->LeaveEmployee(Ctx().get(), leave, &left);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(left.notice_pay_pence(), 4 * 600'00);
  EXPECT_EQ(left.redundancy_pence(), 6 * 600'00);
  EXPECT_EQ(left.leaving_explanation(),
            "Notice pay in lieu: 4 weeks at £600.00 = £2400.00 (statutory minimum 4 weeks), "
            "taxed as pay. Statutory redundancy pay: 4 years counted (4 at 1.50 (aged 41 or "
            "over)) = 6.00 weeks at £600.00 = £3600.00, paid free of tax and NI.");

  // Before the final pay, no P45: it would not show it.
  v1::GetDocumentRequest p45;
  p45.set_kind(v1::DOCUMENT_KIND_P45);
  p45.set_employee_id(ruth.employee_id());
  v1::Document doc;
  s = bureau_->GetDocument(Ctx().get(), p45, &doc);
  EXPECT_EQ(s.error_code(), grpc::FAILED_PRECONDITION);
  EXPECT_NE(s.error_message().find("final pay"), std::string::npos) << s.error_message();

  ASSERT_TRUE(Hours(ruth.employee_id(), kJune, kJune + 27, 10).ok());
  const v1::PayRun june = RunPeriod(employer.employer_id(), kJune);
  ASSERT_EQ(june.payslips_size(), 1);
  const v1::Payslip& f = june.payslips(0);
  const int64_t holiday_pence = f.holiday_hours_centi() * 15'00 / 100;
  EXPECT_GT(f.holiday_hours_centi(), 0) << "the holiday she had not taken";
  EXPECT_EQ(f.holiday_balance_centi_hours(), 0);
  EXPECT_EQ(f.notice_pay_pence(), 2400'00);
  EXPECT_EQ(f.redundancy_pence(), 3600'00);
  EXPECT_EQ(f.gross_pence(), 1200'00 + holiday_pence + 2400'00) << "redundancy is not taxed";
  EXPECT_EQ(f.net_pence(), f.gross_pence() - f.tax_pence() - f.employee_ni_pence() -
                               f.employee_pension_pence() + 3600'00);
  EXPECT_EQ(PostedBalance(employer.wages_payable_account_id()), may.net_wages_pence() + f.net_pence());

  // The final FPS: the leaving date, and pay to date without the redundancy.
  v1::GetDocumentRequest fps;
  fps.set_kind(v1::DOCUMENT_KIND_FPS);
  fps.set_run_id(june.run_id());
  const v1::Document final_fps = Document(fps);
  EXPECT_TRUE(Has(final_fps, "<LeavingDate>2026-06-12</LeavingDate>"));
  EXPECT_TRUE(Has(final_fps, dp::StrCat("<FiguresToDate><TaxablePay>",
                                        Pounds(2400'00 + f.gross_pence()))))
      << final_fps.content();
  EXPECT_EQ(f.taxable_pay_to_date_pence(), 2400'00 + f.gross_pence());
  s = bureau_->GetDocument(Ctx().get(), p45, &doc);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(doc.content().rfind("%PDF-", 0), 0u);
}

// Re-enrolment: the employer's duties began with its first PA on 1 May
// 2023, so it re-enrols on 1 May 2026. A PA who opted out in June 2024
// (more than 12 months before) contributes again; one who opted out in
// September 2025 does not, and the scheme's file says why.
TEST_F(PayrollLeaveTest, ReEnrolmentBringsBackThoseWhoOptedOutMoreThanAYearBefore) {
  const v1::Employer employer = NewEmployer();
  const v1::Employee early =
      Pa(employer.employer_id(), "Fiona Grant", "AB123456C", D(1980, 1, 1), D(2023, 5, 1), false);
  const v1::Employee late =
      Pa(employer.employer_id(), "Kirsty Hay", "AB123457C", D(1980, 1, 1), D(2023, 6, 1), false);
  v1::RecordPensionOptOutRequest out;
  out.set_request_id(Id());
  out.set_employee_id(early.employee_id());
  *out.mutable_opted_out_on() = D(2023, 4, 1);
  v1::Employee answer;
  EXPECT_EQ(RefusalOf(bureau_->RecordPensionOptOut(Ctx().get(), out, &answer)).field,
            "opted_out_on")
      << "before she started";
  out.set_request_id(Id());
  *out.mutable_opted_out_on() = D(2024, 6, 1);
  ASSERT_TRUE(bureau_->RecordPensionOptOut(Ctx().get(), out, &answer).ok());
  EXPECT_TRUE(answer.pension_opted_out());
  out.set_request_id(Id());
  out.set_employee_id(late.employee_id());
  *out.mutable_opted_out_on() = D(2025, 9, 1);
  ASSERT_TRUE(bureau_->RecordPensionOptOut(Ctx().get(), out, &answer).ok());
  for (const v1::Employee& pa : {early, late}) {
    ASSERT_TRUE(Hours(pa.employee_id(), kMay, kMay + 27, 20).ok());
  }
  const v1::PayRun may = RunPeriod(employer.employer_id(), kMay);
  ASSERT_EQ(may.payslips_size(), 2);
  // £2,400.00 less the qualifying earnings floor of £480.00, at 5% and 3%.
  EXPECT_EQ(may.payslips(0).employee_pension_pence(), 96'00);
  EXPECT_EQ(may.payslips(0).employer_pension_pence(), 57'60);
  EXPECT_EQ(may.payslips(1).employee_pension_pence(), 0);
  v1::GetDocumentRequest csv;
  csv.set_kind(v1::DOCUMENT_KIND_PENSION_CSV);
  csv.set_run_id(may.run_id());
  const v1::Document schedule = Document(csv);
  EXPECT_TRUE(Has(schedule, "\"Kirsty\",\"Hay\",1920.00,0.00,0.00,Opted out")) << schedule.content();
}

// The year end: every PA's P60 for a book in one call, streamed with the
// count done, as an ISO sees it (its granted agreement's employers only);
// and the year's last EPS marked as its final submission.
TEST_F(PayrollLeaveTest, TheYearEndStreamsEveryP60WithProgressAndTheFinalEps) {
  const v1::Employer employer = NewEmployer();
  std::vector<int64_t> ids;
  for (const auto& [name, ni] : {std::pair{"Ailsa Kerr", "AB123456C"},
                                 std::pair{"Beth Muir", "AB123457C"},
                                 std::pair{"Cara Shaw", "AB123458C"}}) {
    const v1::Employee pa = Pa(employer.employer_id(), name, ni, D(1990, 1, 1), D(2026, 4, 6));
    ASSERT_TRUE(Hours(pa.employee_id(), kMay, kMay + 27, 20).ok());
    ids.push_back(pa.employee_id());
  }
  RunPeriod(employer.employer_id(), kMay);

  v1::YearEndRequest req;
  req.set_tax_year("2026-27");
  req.set_authority_id(tag_ + "-FIFE");
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  auto stream = bureau_->YearEnd(&ctx, req);
  v1::YearEndItem item;
  std::vector<int64_t> got;
  int last_done = 0;
  while (stream->Read(&item)) {
    EXPECT_EQ(item.done(), last_done + 1);
    EXPECT_EQ(item.total(), 3);
    EXPECT_EQ(item.employer_id(), employer.employer_id());
    EXPECT_EQ(item.skipped(), "");
    EXPECT_EQ(item.p60().content().rfind("%PDF-", 0), 0u);
    EXPECT_EQ(item.p60().file_name(),
              dp::StrCat("p60-employee-", item.employee_id(), "-2026-27.pdf"));
    last_done = item.done();
    got.push_back(item.employee_id());
  }
  grpc::Status s = stream->Finish();
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(got, ids);
  // The bureau's whole book, naming no authority: the same three.
  grpc::ClientContext book;
  req.clear_authority_id();
  auto whole = bureau_->YearEnd(&book, req);
  got.clear();
  while (whole->Read(&item)) got.push_back(item.employee_id());
  ASSERT_TRUE(whole->Finish().ok());
  EXPECT_EQ(got, ids);

  grpc::ClientContext bad;
  req.set_tax_year("2031-32");
  auto refused = bureau_->YearEnd(&bad, req);
  while (refused->Read(&item)) {
  }
  s = refused->Finish();
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_EQ(RefusalOf(s).field, "tax_year");

  v1::GetDocumentRequest eps;
  eps.set_kind(v1::DOCUMENT_KIND_EPS);
  eps.set_employer_id(employer.employer_id());
  eps.set_tax_year("2026-27");
  eps.set_tax_month(11);
  eps.set_final_for_year(true);
  v1::Document doc;
  EXPECT_EQ(RefusalOf(bureau_->GetDocument(Ctx().get(), eps, &doc)).field, "final_for_year");
  eps.set_tax_month(12);
  EXPECT_TRUE(Has(Document(eps), "<FinalSubmission><ForYear>yes</ForYear></FinalSubmission>"));
}

}  // namespace
}  // namespace dp::testing
