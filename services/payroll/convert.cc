#include "convert.h"

#include "base/check.h"

#include "base/refusal.h"
#include "base/strings.h"
#include "service/proto_convert.h"

namespace dp::payroll_service {

absl::StatusOr<payroll::PayFrequency> FrequencyFromProto(v1::PayFrequency f) {
  switch (f) {
    case v1::PAY_FREQUENCY_WEEKLY: return payroll::PayFrequency::kWeekly;
    case v1::PAY_FREQUENCY_FORTNIGHTLY: return payroll::PayFrequency::kFortnightly;
    case v1::PAY_FREQUENCY_FOUR_WEEKLY: return payroll::PayFrequency::kFourWeekly;
    case v1::PAY_FREQUENCY_MONTHLY: return payroll::PayFrequency::kMonthly;
    default:
      return FieldError("pay_frequency",
          "must be WEEKLY, FORTNIGHTLY, FOUR_WEEKLY or MONTHLY");
  }
}

v1::PayFrequency ToProto(payroll::PayFrequency f) {
  switch (f) {
    case payroll::PayFrequency::kWeekly: return v1::PAY_FREQUENCY_WEEKLY;
    case payroll::PayFrequency::kFortnightly: return v1::PAY_FREQUENCY_FORTNIGHTLY;
    case payroll::PayFrequency::kFourWeekly: return v1::PAY_FREQUENCY_FOUR_WEEKLY;
    case payroll::PayFrequency::kMonthly: return v1::PAY_FREQUENCY_MONTHLY;
  }
  return v1::PAY_FREQUENCY_UNSPECIFIED;
}

absl::StatusOr<payroll::LoanPlan> LoanPlanFromProto(v1::StudentLoanPlan plan) {
  switch (plan) {
    case v1::STUDENT_LOAN_PLAN_1: return payroll::LoanPlan::kPlan1;
    case v1::STUDENT_LOAN_PLAN_2: return payroll::LoanPlan::kPlan2;
    case v1::STUDENT_LOAN_PLAN_4: return payroll::LoanPlan::kPlan4;
    case v1::STUDENT_LOAN_PLAN_5: return payroll::LoanPlan::kPlan5;
    case v1::STUDENT_LOAN_PLAN_POSTGRADUATE: return payroll::LoanPlan::kPostgraduate;
    default: return FieldError("plan", "must be PLAN_1, PLAN_2, PLAN_4, PLAN_5 or POSTGRADUATE");
  }
}

v1::StudentLoanPlan ToProto(payroll::LoanPlan plan) {
  return static_cast<v1::StudentLoanPlan>(static_cast<int>(plan) + 1);
}

void ToProto(int64_t employee_id, const std::vector<payroll::StudentLoan>& loans,
             v1::StudentLoans* out) {
  out->Clear();
  out->set_employee_id(employee_id);
  for (const payroll::StudentLoan& l : loans) {
    v1::StudentLoan* loan = out->add_loans();
    loan->set_plan(ToProto(l.plan));
    service::DayToProto(l.starts, loan->mutable_starts());
    loan->set_start_notice(l.start_notice);
    if (l.stops) service::DayToProto(*l.stops, loan->mutable_stops());
    loan->set_stop_notice(l.stop_notice);
  }
}

void ToProto(const payroll::Employee& employee, const std::vector<payroll::TaxCodeNotice>& notices,
             absl::CivilDay today, const payroll::TaxYear* year, v1::TaxCodes* out) {
  out->Clear();
  out->set_employee_id(employee.id);
  const payroll::TaxCodeNotice now = payroll::CodeInForce(employee, notices, today, year);
  out->set_tax_code(now.tax_code);
  out->set_week1_month1(now.week1_month1);
  for (const payroll::TaxCodeNotice& n : notices) {
    v1::TaxCodeNotice* notice = out->add_notices();
    notice->set_kind(n.kind);
    notice->set_tax_code(n.tax_code);
    notice->set_week1_month1(n.week1_month1);
    service::DayToProto(n.effective_from, notice->mutable_effective_date());
    notice->set_starter_declaration(n.starter_declaration);
  }
}

absl::StatusOr<payroll::Liability> LiabilityFromProto(v1::Liability liability) {
  switch (liability) {
    case v1::LIABILITY_WAGES: return payroll::Liability::kWages;
    case v1::LIABILITY_HMRC: return payroll::Liability::kHmrc;
    case v1::LIABILITY_PENSION: return payroll::Liability::kPension;
    default: return FieldError("liability", "must be WAGES, HMRC or PENSION");
  }
}

absl::StatusOr<payroll::Employee> EmployeeFromProto(const v1::CreateEmployeeRequest& req) {
  auto start = service::DayFromProto(req.start_date(), "start_date");
  if (!start.ok()) return start.status();
  payroll::Employee e;
  e.employer_id = req.employer_id();
  e.start_date = *start;
  e.tax_code = req.tax_code();
  e.week1_month1 = req.week1_month1();
  e.ni_category = req.ni_category().empty() ? "A" : req.ni_category();
  e.rates = {req.standard_rate_pence(), req.night_rate_pence(), req.sleepover_rate_pence(),
             req.holiday_rate_pence()};
  e.holiday_accrual = req.holiday_method() == v1::HOLIDAY_METHOD_ACCRUAL_12_07;
  e.pension_member = req.pension_member();
  e.previous_pay_pence = req.previous_pay_pence();
  e.previous_tax_pence = req.previous_tax_pence();
  e.qualifying_days_per_week =
      req.qualifying_days_per_week() == 0 ? 5 : req.qualifying_days_per_week();
  e.gender = req.gender();
  e.pension_opted_out = req.pension_opted_out();
  if (req.average_weekly_earnings_before_pence() != 0) {
    e.average_weekly_earnings_before_pence = req.average_weekly_earnings_before_pence();
  }
  if (req.has_pension_postponed_until()) {
    auto until = service::DayFromProto(req.pension_postponed_until(), "pension_postponed_until");
    if (!until.ok()) return until.status();
    e.pension_postponed_until = *until;
  }
  return e;
}

absl::StatusOr<payroll::Timesheet> TimesheetFromProto(const v1::SubmitTimesheetRequest& req,
                                                      int32_t* total_centi) {
  payroll::Timesheet t;
  auto from = service::DayFromProto(req.period_start(), "period_start");
  if (!from.ok()) return from.status();
  auto to = service::DayFromProto(req.period_end(), "period_end");
  if (!to.ok()) return to.status();
  t.period_start = *from;
  t.period_end = *to;
  *total_centi = 0;
  for (int i = 0; i < req.entries_size(); ++i) {
    const auto& e = req.entries(i);
    auto day = service::DayFromProto(e.date(), dp::StrCat("entries[", i, "].date"));
    if (!day.ok()) return day.status();
    auto type = payroll::ParseRateType(e.rate_type().empty() ? "standard" : e.rate_type());
    if (!type) {
      return FieldError(dp::StrCat("entries[", i, "].rate_type"),
                        "must be standard, night, sleepover or holiday");
    }
    t.entries.push_back({*day, *type, e.hours_centi()});
    *total_centi += e.hours_centi();
  }
  for (int i = 0; i < req.sick_days_size(); ++i) {
    auto day = service::DayFromProto(req.sick_days(i), dp::StrCat("sick_days[", i, "]"));
    if (!day.ok()) return day.status();
    t.sick_days.push_back(*day);
  }
  return t;
}

absl::StatusOr<payroll::RunRequest> RunRequestFromProto(const v1::RunPayrollRequest& req) {
  payroll::RunRequest run;
  run.employer_id = req.employer_id();
  for (auto [date, field, target] :
       {std::tuple{&req.period_start(), "period_start", &run.period_start},
        std::tuple{&req.period_end(), "period_end", &run.period_end},
        std::tuple{&req.payment_date(), "payment_date", &run.payment_date}}) {
    auto day = service::DayFromProto(*date, field);
    if (!day.ok()) return day.status();
    *target = *day;
  }
  run.correction = req.correction();
  run.reason = req.reason();
  return run;
}

void ToProto(const payroll::Employer& e, v1::Employer* out) {
  out->set_employer_id(e.id);
  out->set_agreement_id(e.agreement_id);
  out->set_authority_id(e.authority_id);
  out->set_name(e.name);
  out->set_paye_reference(e.paye_reference);
  out->set_accounts_office_reference(e.accounts_office_reference);
  out->set_pay_frequency(ToProto(e.frequency));
  out->set_claims_employment_allowance(e.claims_employment_allowance);
  out->set_scottish_care_minimum(e.scottish_care_minimum);
  out->set_cost_account_id(e.cost_account_id);
  out->set_wages_payable_account_id(e.wages_account_id);
  out->set_hmrc_payable_account_id(e.hmrc_account_id);
  out->set_pension_payable_account_id(e.pension_account_id);
  if (e.duties_start) {
    const payroll::PensionDates dates = payroll::PensionDatesFrom(*e.duties_start);
    service::DayToProto(*e.duties_start, out->mutable_duties_start_date());
    service::DayToProto(dates.declaration_due, out->mutable_declaration_of_compliance_due());
    service::DayToProto(dates.re_enrolment, out->mutable_re_enrolment_date());
  }
}

void ToProto(const payroll::PayRun& run, v1::PayRun* out) {
  out->Clear();
  out->set_run_id(run.id);
  out->set_employer_id(run.employer_id);
  out->set_tax_year(run.tax_year);
  out->set_period(run.period);
  service::DayToProto(run.period_start, out->mutable_period_start());
  service::DayToProto(run.period_end, out->mutable_period_end());
  service::DayToProto(run.payment_date, out->mutable_payment_date());
  out->set_status(run.status);
  out->set_transaction_id(run.transaction_id);
  out->set_replaces_run_id(run.replaces_run_id);
  static const char* kCategories[] = {"eligible_jobholder", "non_eligible_jobholder",
                                      "entitled_worker", "out_of_scope"};
  for (const auto& p : run.payslips) {
    const payroll::Payslip& s = p.payslip;
    v1::Payslip* slip = out->add_payslips();
    slip->set_employee_id(p.employee_id);
    slip->set_employee_name(p.employee_name);
    slip->set_tax_code(p.tax_code);
    slip->set_ni_category(p.ni_category);
    slip->set_ssp_pence(s.ssp_pence);
    slip->set_sick_days(s.sick_days);
    slip->set_ssp_waiting_days(s.ssp_waiting_days);
    slip->set_pension_postponed(s.pension_postponed);
    slip->set_standard_hours_centi(static_cast<int32_t>(s.hours_centi[0]));
    slip->set_night_hours_centi(static_cast<int32_t>(s.hours_centi[1]));
    slip->set_sleepover_hours_centi(static_cast<int32_t>(s.hours_centi[2]));
    slip->set_holiday_hours_centi(static_cast<int32_t>(s.hours_centi[3]));
    slip->set_gross_pence(s.gross_pence);
    slip->set_tax_pence(s.tax_pence);
    slip->set_employee_ni_pence(s.employee_ni_pence);
    slip->set_employee_pension_pence(s.employee_pension_pence);
    slip->set_net_pence(s.net_pence);
    slip->set_employer_ni_pence(s.employer_ni_pence);
    slip->set_employment_allowance_pence(s.employment_allowance_pence);
    slip->set_employer_pension_pence(s.employer_pension_pence);
    slip->set_pension_category(kCategories[static_cast<int>(s.pension_category)]);
    slip->set_holiday_accrued_centi_hours(static_cast<int32_t>(s.holiday_accrued_centi_hours));
    slip->set_taxable_pay_to_date_pence(s.taxable_pay_to_date_pence);
    slip->set_tax_paid_to_date_pence(s.tax_paid_to_date_pence);
    out->set_total_cost_pence(out->total_cost_pence() + s.EmployerCost());
    out->set_net_wages_pence(out->net_wages_pence() + s.net_pence);
    slip->set_holiday_taken_centi_hours(static_cast<int32_t>(s.holiday_taken_centi_hours));
    slip->set_holiday_balance_centi_hours(static_cast<int32_t>(s.holiday_balance_centi_hours));
    slip->set_employee_ni_to_date_pence(s.employee_ni_to_date_pence);
    slip->set_employee_pension_to_date_pence(s.employee_pension_to_date_pence);
    slip->set_student_loans_to_date_pence(s.loans_to_date_pence);
    slip->set_statutory_pay_to_date_pence(s.statutory_pay_to_date_pence);
    slip->set_student_loan_pence(s.student_loan_pence);
    slip->set_postgraduate_loan_pence(s.postgraduate_loan_pence);
    if (s.loan_plan) slip->set_student_loan_plan(ToProto(*s.loan_plan));
    slip->set_smp_pence(s.family_pay_pence[static_cast<int>(payroll::FamilyPayKind::kMaternity)]);
    slip->set_spp_pence(s.family_pay_pence[static_cast<int>(payroll::FamilyPayKind::kPaternity)]);
    slip->set_sap_pence(s.family_pay_pence[static_cast<int>(payroll::FamilyPayKind::kAdoption)]);
    slip->set_shpp_pence(
        s.family_pay_pence[static_cast<int>(payroll::FamilyPayKind::kSharedParental)]);
    slip->set_spbp_pence(s.family_pay_pence[static_cast<int>(payroll::FamilyPayKind::kBereavement)]);
    slip->set_family_pay_recovered_pence(s.RecoveredPence());
    slip->set_notice_pay_pence(s.notice_pay_pence);
    slip->set_redundancy_pence(s.redundancy_pence);
    out->set_hmrc_pence(out->hmrc_pence() + s.ToHmrcPence());
    out->set_pension_pence(out->pension_pence() + s.employee_pension_pence +
                           s.employer_pension_pence);
  }
}

void ToProto(const payroll::Employee& e, const people::Person& person, v1::Employee* out) {
  out->Clear();
  out->set_employee_id(e.id);
  out->set_employer_id(e.employer_id);
  out->set_person_id(e.person_id);
  out->set_name(person.display_name);
  out->set_ni_number_masked(people::MaskNiNumber(person.ni_number));
  service::DayToProto(e.start_date, out->mutable_start_date());
  if (e.leave_date) service::DayToProto(*e.leave_date, out->mutable_leave_date());
  out->set_tax_code(e.tax_code);
  out->set_week1_month1(e.week1_month1);
  out->set_ni_category(e.ni_category);
  out->set_qualifying_days_per_week(e.qualifying_days_per_week);
  out->set_notice_pay_pence(e.notice_pay_pence);
  out->set_redundancy_pence(e.redundancy_pence);
  out->set_leaving_explanation(e.leaving_explanation);
  out->set_pension_opted_out(e.pension_opted_out);
  if (e.pension_opted_out_on) {
    service::DayToProto(*e.pension_opted_out_on, out->mutable_pension_opted_out_on());
  }
}

absl::StatusOr<payroll::FamilyPayKind> FamilyPayKindFromProto(v1::FamilyLeaveKind kind) {
  switch (kind) {
    case v1::FAMILY_LEAVE_KIND_MATERNITY: return payroll::FamilyPayKind::kMaternity;
    case v1::FAMILY_LEAVE_KIND_PATERNITY: return payroll::FamilyPayKind::kPaternity;
    case v1::FAMILY_LEAVE_KIND_ADOPTION: return payroll::FamilyPayKind::kAdoption;
    case v1::FAMILY_LEAVE_KIND_SHARED_PARENTAL: return payroll::FamilyPayKind::kSharedParental;
    case v1::FAMILY_LEAVE_KIND_BEREAVEMENT: return payroll::FamilyPayKind::kBereavement;
    default:
      return FieldError("kind", "must be MATERNITY, PATERNITY, ADOPTION, SHARED_PARENTAL or "
                                "BEREAVEMENT");
  }
}

absl::StatusOr<payroll::FamilyLeaveRequest> FamilyLeaveFromProto(
    const v1::RecordFamilyLeaveRequest& req) {
  payroll::FamilyLeaveRequest r;
  auto kind = FamilyPayKindFromProto(req.kind());
  if (!kind.ok()) return kind.status();
  r.kind = *kind;
  const std::string_view field = payroll::RelevantDateField(r.kind);
  const google::protobuf::FieldDescriptor* relevant_field =
      req.GetDescriptor()->FindFieldByName(std::string(field));
  DP_CHECK(relevant_field != nullptr);  // the request has each kind's date
  const auto& relevant =
      static_cast<const v1::Date&>(req.GetReflection()->GetMessage(req, relevant_field));
  if (relevant.ByteSizeLong() > 0) {
    auto day = service::DayFromProto(relevant, field);
    if (!day.ok()) return day.status();
    r.relevant_date = *day;
  }
  if (req.has_pay_start()) {
    auto day = service::DayFromProto(req.pay_start(), "pay_start");
    if (!day.ok()) return day.status();
    r.pay_start = *day;
  }
  r.weeks = req.weeks();
  r.evidence_received = req.evidence_received();
  if (req.has_average_weekly_earnings_pence()) {
    r.average_weekly_earnings_pence = req.average_weekly_earnings_pence();
  }
  return r;
}

void ToProto(const payroll::FamilyLeaveRecord& r, v1::FamilyLeave* out) {
  out->Clear();
  out->set_leave_id(r.id);
  out->set_employee_id(r.employee_id);
  out->set_kind(static_cast<v1::FamilyLeaveKind>(static_cast<int>(r.kind) + 1));
  service::DayToProto(r.relevant_date, out->mutable_relevant_date());
  service::DayToProto(r.pay_start, out->mutable_pay_start());
  out->set_weeks(r.weeks);
  service::DayToProto(r.qualifying_week_start, out->mutable_qualifying_week_start());
  out->set_average_weekly_earnings_pence(r.average_weekly_earnings_pence);
  out->set_entitled(r.entitled);
  out->set_reason(r.reason);
}

void ToProto(const payroll::TimesheetSummary& t, v1::TimesheetSummary* out) {
  out->set_timesheet_id(t.id);
  out->set_employee_id(t.employee_id);
  service::DayToProto(t.period_start, out->mutable_period_start());
  service::DayToProto(t.period_end, out->mutable_period_end());
  out->set_total_hours_centi(t.hours_centi);
  out->set_sick_days(t.sick_days);
  out->set_superseded(t.superseded);
  out->set_submitted_by(t.submitted_by);
}

void ToProto(const payroll::RunTotals& t, v1::PayRun* out) {
  ToProto(t.run, out);
  out->set_total_cost_pence(t.cost_pence);
  out->set_net_wages_pence(t.net_pence);
  out->set_hmrc_pence(t.hmrc_pence);
  out->set_pension_pence(t.pension_pence);
}

}  // namespace dp::payroll_service
