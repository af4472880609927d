#include "payroll/forms/forms.h"

#include "base/strings.h"
#include "money/money.h"

namespace dp::payroll {
namespace {

std::string Hours(int64_t centi) { return dp::Hundredths(centi); }

std::string Day(absl::CivilDay d) { return absl::FormatCivilTime(d); }

std::string PeriodName(PayFrequency f) {
  return f == PayFrequency::kMonthly ? "Month" : "Week";
}

void Heading(DocPage& page, std::string text) { page.lines.push_back({std::move(text), "", true}); }
void Line(DocPage& page, std::string label, std::string value) {
  page.lines.push_back({std::move(label), std::move(value), false});
}

void Parties(DocPage& page, const FormEmployer& employer, const FormEmployee& employee) {
  Heading(page, "Employer");
  Line(page, "Name", employer.name);
  Line(page, "PAYE reference", employer.paye_reference);
  Heading(page, "Employee");
  Line(page, "Name", employee.name);
  Line(page, "National Insurance number", employee.ni_number);
  Line(page, "Payroll ID", std::to_string(employee.payroll_id));
}

}  // namespace

DocPage PayslipPage(const PayslipForm& f) {
  const Payslip& s = f.slip;
  DocPage page;
  page.title = "Payslip";
  page.subtitle = dp::StrCat(f.employee.name, " - paid ", Day(f.payment_date), " for ",
                             Day(f.period_start), " to ", Day(f.period_end), " (tax year ",
                             s.tax_year, ", period ", s.period, ")");
  Parties(page, f.employer, f.employee);
  Line(page, "Tax code", f.tax_code);
  Line(page, "NI category", f.ni_category);
  Heading(page, "Pay");
  static const char* kNames[] = {"Standard hours", "Night hours", "Sleepover hours",
                                 "Holiday hours"};
  for (int i = 0; i < 4; ++i) {
    if (s.hours_centi[i] == 0) continue;
    Line(page, kNames[i],
         dp::StrCat(Hours(s.hours_centi[i]), " h at ", Pounds(f.rates.For(static_cast<RateType>(i))),
                    " = ", Pounds(s.pay_pence[i])));
  }
  if (s.sick_days > 0) {
    Line(page, "Statutory Sick Pay",
         dp::StrCat(Pounds(s.ssp_pence), " (", s.sick_days, " days sick, ", s.ssp_waiting_days,
                    " waiting, ", s.ssp_payable_days, " paid)"));
  }
  for (FamilyPayKind kind : kAllFamilyPayKinds) {
    const int64_t pence = s.family_pay_pence[static_cast<int>(kind)];
    if (pence > 0) Line(page, std::string(FamilyPayLongName(kind)), Pounds(pence));
  }
  if (s.notice_pay_pence > 0) Line(page, "Notice pay in lieu", Pounds(s.notice_pay_pence));
  Line(page, "Gross pay", Pounds(s.gross_pence));
  Heading(page, "Deductions");
  Line(page, "Income tax (PAYE)", Pounds(s.tax_pence));
  Line(page, "National Insurance", Pounds(s.employee_ni_pence));
  if (s.student_loan_pence > 0 && s.loan_plan) {
    std::string plan(LoanPlanName(*s.loan_plan));
    Line(page, dp::StrCat("Student loan (Plan ", plan.substr(plan.size() - 1), ")"),
         Pounds(s.student_loan_pence));
  }
  if (s.postgraduate_loan_pence > 0) {
    Line(page, "Postgraduate loan", Pounds(s.postgraduate_loan_pence));
  }
  Line(page, "Pension contribution",
       s.pension_postponed ? "enrolment postponed" : Pounds(s.employee_pension_pence));
  if (s.redundancy_pence > 0) {
    Heading(page, "Not taxed");
    Line(page, "Statutory redundancy pay", Pounds(s.redundancy_pence));
  }
  Heading(page, "Net pay");
  Line(page, "Net pay", Pounds(s.net_pence));
  Heading(page, "This tax year to date");
  Line(page, "Taxable pay", Pounds(s.taxable_pay_to_date_pence));
  Line(page, "Tax paid", Pounds(s.tax_paid_to_date_pence));
  Line(page, "National Insurance", Pounds(s.employee_ni_to_date_pence));
  Line(page, "Pension contributions", Pounds(s.employee_pension_to_date_pence));
  if (s.loans_to_date_pence > 0) Line(page, "Student loans", Pounds(s.loans_to_date_pence));
  if (s.statutory_pay_to_date_pence > 0) {
    Line(page, "Statutory pay (sick and family)", Pounds(s.statutory_pay_to_date_pence));
  }
  Heading(page, "Holiday");
  Line(page, "Accrued this period", dp::StrCat(Hours(s.holiday_accrued_centi_hours), " h"));
  Line(page, "Taken this period", dp::StrCat(Hours(s.holiday_taken_centi_hours), " h"));
  Line(page, "Balance", dp::StrCat(Hours(s.holiday_balance_centi_hours), " h"));
  Heading(page, "Paid by your employer, not deducted");
  Line(page, "Employer's National Insurance", Pounds(s.employer_ni_pence));
  Line(page, "Employer's pension contribution", Pounds(s.employer_pension_pence));
  page.footer = "Keep your payslips: they show what you were paid and what was deducted.";
  return page;
}

DocPage P45Page(const P45Form& f) {
  DocPage page;
  page.title = "P45 - details of employee leaving work";
  page.subtitle = dp::StrCat("Parts 1A, 2 and 3, for the employee. Leaving date ",
                             Day(f.leave_date), ", tax year ", f.tax_year);
  Parties(page, f.employer, f.employee);
  Heading(page, "Tax");
  Line(page, "Leaving date", Day(f.leave_date));
  Line(page, "Tax code at leaving date", f.tax_code);
  Line(page, "Week 1/Month 1 basis", f.week1_month1 ? "Yes" : "No");
  Line(page, dp::StrCat("Last entries made in ", PeriodName(f.frequency), " number"),
       std::to_string(TaxWeekOrMonth(f.frequency, f.last_period)));
  // On a Week 1/Month 1 basis the totals to date are left blank (HMRC's
  // P45 guidance): the new employer starts the code afresh.
  Line(page, "Total pay to date", f.week1_month1 ? "" : Pounds(f.figures.total_pay_to_date_pence));
  Line(page, "Total tax to date", f.week1_month1 ? "" : Pounds(f.figures.total_tax_to_date_pence));
  Heading(page, "This employment");
  Line(page, "Pay in this employment", Pounds(f.figures.pay_in_this_employment_pence));
  Line(page, "Tax in this employment", Pounds(f.figures.tax_in_this_employment_pence));
  page.footer =
      "Give Parts 2 and 3 to your new employer, or to Jobcentre Plus. Keep Part 1A. The leaving"
      " date was reported to HMRC on the Full Payment Submission.";
  return page;
}

DocPage P60Page(const P60Form& f) {
  DocPage page;
  page.title = dp::StrCat("P60 End of Year Certificate, tax year ", f.tax_year);
  page.subtitle = "Keep this certificate in a safe place: you may need it to claim tax credits"
                  " or a refund.";
  Parties(page, f.employer, f.employee);
  Heading(page, "Pay and Income Tax details");
  Line(page, "In previous employment(s): pay", Pounds(f.previous_pay_pence));
  Line(page, "In previous employment(s): tax", Pounds(f.previous_tax_pence));
  Line(page, "In this employment: pay", Pounds(f.pay_pence));
  Line(page, "In this employment: tax", Pounds(f.tax_pence));
  Line(page, "Total for year: pay", Pounds(f.previous_pay_pence + f.pay_pence));
  Line(page, "Total for year: tax", Pounds(f.previous_tax_pence + f.tax_pence));
  Line(page, "Final tax code", f.final_tax_code);
  bool any_family = false;
  for (int64_t pence : f.family_pay_pence) any_family = any_family || pence > 0;
  if (any_family) {
    Heading(page, "Statutory payments included in the pay in this employment");
    for (FamilyPayKind kind : kAllFamilyPayKinds) {
      const int64_t pence = f.family_pay_pence[static_cast<int>(kind)];
      if (pence > 0) Line(page, std::string(FamilyPayLongName(kind)), Pounds(pence));
    }
  }
  Heading(page, "National Insurance contributions in this employment");
  for (const P60NiRow& r : f.ni) {
    Line(page, dp::StrCat("Letter ", r.letter, ": earnings at the LEL"), Pounds(r.at_lel_pence));
    Line(page, dp::StrCat("Letter ", r.letter, ": above the LEL, up to the PT"),
         Pounds(r.lel_to_pt_pence));
    Line(page, dp::StrCat("Letter ", r.letter, ": above the PT, up to the UEL"),
         Pounds(r.pt_to_uel_pence));
    Line(page, dp::StrCat("Letter ", r.letter, ": employee's contributions"),
         Pounds(r.employee_contributions_pence));
  }
  page.footer = "By law you are required to tell HMRC about any income that is not fully taxed.";
  return page;
}

}  // namespace dp::payroll
