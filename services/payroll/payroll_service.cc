#include "payroll_service.h"

#include <algorithm>
#include <cstdio>

#include "base/bounds.h"
#include "base/refusal.h"
#include "base/strings.h"
#include "crypto/field_cipher.h"
#include "payroll/book.h"
#include "payroll/documents.h"
#include "payroll/pay_run.h"
#include "payroll/ni.h"
#include "payroll/paye.h"
#include "people/person_store.h"
#include "service/proto_convert.h"
#include "service/read_only.h"
#include "service/request_bounds.h"
#include "service/status.h"

namespace dp::payroll_service {
namespace {

using service::ToGrpcStatus;

absl::StatusOr<payroll::PayFrequency> FrequencyOf(v1::PayFrequency f) {
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

// MayOperate: an officer of the authority, an internal service, or an ISO
// linked to the agreement runs an employer's payroll.
bool MayOperate(const iam::Principal& p, const std::string& authority_id, int64_t agreement_id) {
  if (p.CanWrite(authority_id)) return true;
  return p.role == iam::Role::kIso && p.CanReachOwner("agreement", std::to_string(agreement_id));
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
    out->set_hmrc_pence(out->hmrc_pence() + s.tax_pence + s.employee_ni_pence +
                        s.employer_ni_pence);
    out->set_pension_pence(out->pension_pence() + s.employee_pension_pence +
                           s.employer_pension_pence);
  }
}

absl::Status Refused(const iam::Principal& p, const std::string& what) {
  return absl::PermissionDeniedError(dp::StrCat(p.name, " may not ", what));
}

// MaySee: the caller may read an agreement's payroll. Outside it, a thing
// answers as a missing one would, so ids cannot be probed.
bool MaySee(const iam::Principal& p, const std::string& authority_id, int64_t agreement_id) {
  return p.CanRead(authority_id, "agreement", std::to_string(agreement_id));
}

}  // namespace

grpc::Status PayrollServiceImpl::EmployerWrite(grpc::ServerContext* ctx,
                                               const google::protobuf::Message& request,
                                               const std::string& request_id,
                                               const std::string& operation, int64_t employer_id,
                                               const service::WriteFn& write,
                                               const service::ReloadFn& reload) {
  auto caller = host_.Caller(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return service::IdempotentWrite(
      host_.pool(), host_.AuditOf(*ctx), requests_, request, request_id, operation,
      [&](pqxx::work& tx) -> absl::StatusOr<std::string> {
        auto employer = payroll::GetEmployer(tx, employer_id);
        if (!employer.ok()) return employer.status();
        if (!MayOperate(*caller, employer->authority_id, employer->agreement_id)) {
          if (!MaySee(*caller, employer->authority_id, employer->agreement_id)) {
            return absl::NotFoundError(dp::StrCat("employer ", employer_id, " does not exist"));
          }
          return Refused(*caller, dp::StrCat("run employer ", employer_id, "'s payroll"));
        }
        return write(tx);
      },
      reload);
}

grpc::Status PayrollServiceImpl::CreateEmployer(grpc::ServerContext* ctx,
                                                const v1::CreateEmployerRequest* req,
                                                v1::Employer* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  auto caller = host_.Caller(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  auto frequency = FrequencyOf(req->pay_frequency());
  if (!frequency.ok()) return ToGrpcStatus(frequency.status());
  payroll::Employer employer;
  employer.agreement_id = req->agreement_id();
  employer.name = req->name();
  employer.paye_reference = req->paye_reference();
  employer.accounts_office_reference = req->accounts_office_reference();
  employer.frequency = *frequency;
  employer.claims_employment_allowance = req->claims_employment_allowance();
  employer.scottish_care_minimum = req->scottish_care_minimum();
  return service::IdempotentWrite(
      host_.pool(), host_.AuditOf(*ctx), requests_, *req, req->request_id(), "CreateEmployer",
      [&](pqxx::work& tx) -> absl::StatusOr<std::string> {
        const pqxx::result a = tx.exec_params(
            "SELECT authority_id FROM agreements.agreements WHERE id = $1", req->agreement_id());
        if (!a.empty() && !MayOperate(*caller, a[0][0].as<std::string>(), req->agreement_id())) {
          if (!MaySee(*caller, a[0][0].as<std::string>(), req->agreement_id())) {
            return absl::NotFoundError(dp::StrCat("agreement_id: agreement ", req->agreement_id(),
                                                  " does not exist"));
          }
          return Refused(*caller, dp::StrCat("add an employer to agreement ", req->agreement_id()));
        }
        auto created = payroll::CreateEmployer(tx, employer);
        if (!created.ok()) return created.status();
        ToProto(*created, out);
        return std::to_string(created->id);
      },
      [&](pqxx::work& tx, const std::string& key) -> absl::Status {
        auto e = payroll::GetEmployer(tx, std::stoll(key));
        if (e.ok()) ToProto(*e, out);
        return e.status();
      });
}

grpc::Status PayrollServiceImpl::CreateEmployee(grpc::ServerContext* ctx,
                                                const v1::CreateEmployeeRequest* req,
                                                v1::Employee* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  auto start = service::DayFromProto(req->start_date(), "start_date");
  if (!start.ok()) return ToGrpcStatus(start.status());
  auto dob = service::DayFromProto(req->date_of_birth(), "date_of_birth");
  if (!dob.ok()) return ToGrpcStatus(dob.status());
  auto ni = people::NormaliseNiNumber(req->ni_number());
  if (!ni.ok()) return ToGrpcStatus(ni.status());
  payroll::Employee e;
  e.employer_id = req->employer_id();
  e.start_date = *start;
  e.tax_code = req->tax_code();
  e.week1_month1 = req->week1_month1();
  e.ni_category = req->ni_category().empty() ? "A" : req->ni_category();
  e.rates = {req->standard_rate_pence(), req->night_rate_pence(), req->sleepover_rate_pence(),
             req->holiday_rate_pence()};
  e.holiday_accrual = req->holiday_method() == v1::HOLIDAY_METHOD_ACCRUAL_12_07;
  e.pension_member = req->pension_member();
  e.previous_pay_pence = req->previous_pay_pence();
  e.previous_tax_pence = req->previous_tax_pence();
  for (auto [field, pence] : {std::pair{"standard_rate_pence", e.rates.standard_pence},
                              std::pair{"night_rate_pence", e.rates.night_pence},
                              std::pair{"sleepover_rate_pence", e.rates.sleepover_pence},
                              std::pair{"holiday_rate_pence", e.rates.holiday_pence}}) {
    if (pence < 0 || pence > bounds::kMaxHourlyRatePence) {
      return ToGrpcStatus(FieldError(field, "must be 0 to 100000 pence (£1,000) an hour",
                                     reason::kOverLimit));
    }
  }
  if (e.previous_pay_pence < 0 || e.previous_pay_pence > bounds::kMaxPayPerYearPence) {
    return ToGrpcStatus(FieldError("previous_pay_pence", "must be 0 to £10 million (a P45's pay)",
                                   reason::kOverLimit));
  }
  // A P45's tax may be a refund (negative), never more than the pay.
  if (e.previous_tax_pence > e.previous_pay_pence || e.previous_tax_pence < -e.previous_pay_pence) {
    return ToGrpcStatus(FieldError("previous_tax_pence",
                                   "must be within the previous pay, either way (a refund is negative)",
                                   reason::kOverLimit));
  }
  e.qualifying_days_per_week =
      req->qualifying_days_per_week() == 0 ? 5 : req->qualifying_days_per_week();
  if (e.qualifying_days_per_week < 1 || e.qualifying_days_per_week > 7) {
    return ToGrpcStatus(FieldError("qualifying_days_per_week", "must be 1 to 7"));
  }
  e.gender = req->gender();
  e.pension_opted_out = req->pension_opted_out();
  if (req->has_pension_postponed_until()) {
    auto until = service::DayFromProto(req->pension_postponed_until(), "pension_postponed_until");
    if (!until.ok()) return ToGrpcStatus(until.status());
    // As PostgreSQL adds 3 months: 30 November runs to 28 (or 29) February.
    const absl::CivilMonth month = absl::CivilMonth(*start) + 3;
    const absl::CivilDay limit = std::min(absl::CivilDay(month.year(), month.month(), start->day()),
                                          absl::CivilDay(month + 1) - 1);
    if (*until < *start || *until > limit) {
      return ToGrpcStatus(FieldError("pension_postponed_until",
          "must be within 3 months of the start date"));
    }
    e.pension_postponed_until = *until;
  }
  if (!e.gender.empty() && e.gender != "M" && e.gender != "F") {
    return ToGrpcStatus(FieldError("gender", "must be M or F, as RTI records it"));
  }
  // The tax code and NI category are checked by the engine before saving.
  auto year = years_.ForDate(absl::FormatCivilTime(std::max(*start, service::TodayInLondon())));
  if (year.ok()) {
    auto paye = payroll::CalculatePaye(**year, {payroll::PayFrequency::kMonthly, 1, e.tax_code,
                                                false, 0, 0, 0});
    if (!paye.ok()) return ToGrpcStatus(paye.status());  // names tax_code
    auto nic = payroll::CalculateNi(**year, e.ni_category, payroll::PayFrequency::kMonthly, 0);
    if (!nic.ok()) return ToGrpcStatus(nic.status());  // names ni_category
  }
  if (e.rates.standard_pence <= 0) {
    return ToGrpcStatus(FieldError("standard_rate_pence", "must be positive"));
  }
  const crypto::FieldCipher cipher(host_.keyring());
  auto fill = [&](pqxx::transaction_base& tx, int64_t id) { return FillEmployee(tx, id, out); };
  return EmployerWrite(
      ctx, *req, req->request_id(), "CreateEmployee", req->employer_id(),
      [&](pqxx::work& tx) -> absl::StatusOr<std::string> {
        auto employer = payroll::GetEmployer(tx, req->employer_id());
        if (!employer.ok()) return employer.status();
        people::Person person;
        person.authority_id = employer->authority_id;
        person.display_name = req->name();
        person.ni_number = *ni;
        person.date_of_birth = absl::FormatCivilTime(*dob);
        person.bank_sort_code = req->bank_sort_code();
        person.bank_account_number = req->bank_account_number();
        auto person_id = people::CreatePerson(tx, cipher, person);
        if (!person_id.ok()) return person_id.status();
        e.person_id = *person_id;
        auto id = payroll::CreateEmployee(tx, e);
        if (!id.ok()) return id.status();
        if (auto s = fill(tx, *id); !s.ok()) return s;
        return std::to_string(*id);
      },
      [&](pqxx::work& tx, const std::string& key) { return fill(tx, std::stoll(key)); });
}

grpc::Status PayrollServiceImpl::SubmitTimesheet(grpc::ServerContext* ctx,
                                                 const v1::SubmitTimesheetRequest* req,
                                                 v1::TimesheetReceipt* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  payroll::Timesheet t;
  auto from = service::DayFromProto(req->period_start(), "period_start");
  if (!from.ok()) return ToGrpcStatus(from.status());
  auto to = service::DayFromProto(req->period_end(), "period_end");
  if (!to.ok()) return ToGrpcStatus(to.status());
  t.period_start = *from;
  t.period_end = *to;
  int32_t total = 0;
  for (int i = 0; i < req->entries_size(); ++i) {
    const auto& e = req->entries(i);
    auto day = service::DayFromProto(e.date(), dp::StrCat("entries[", i, "].date"));
    if (!day.ok()) return ToGrpcStatus(day.status());
    auto type = payroll::ParseRateType(e.rate_type().empty() ? "standard" : e.rate_type());
    if (!type) {
      return ToGrpcStatus(FieldError(dp::StrCat("entries[", i, "].rate_type"),
                                     "must be standard, night, sleepover or holiday"));
    }
    t.entries.push_back({*day, *type, e.hours_centi()});
    total += e.hours_centi();
  }
  for (int i = 0; i < req->sick_days_size(); ++i) {
    auto day = service::DayFromProto(req->sick_days(i), dp::StrCat("sick_days[", i, "]"));
    if (!day.ok()) return ToGrpcStatus(day.status());
    t.sick_days.push_back(*day);
  }
  auto employer_id = EmployerOfEmployee(req->employee_id());
  if (!employer_id.ok()) return ToGrpcStatus(employer_id.status());
  auto caller = host_.Caller(*ctx);
  const std::string actor = caller.ok() ? caller->name : "";
  return EmployerWrite(
      ctx, *req, req->request_id(), "SubmitTimesheet", *employer_id,
      [&](pqxx::work& tx) -> absl::StatusOr<std::string> {
        auto id = payroll::SubmitTimesheet(tx, years_, req->employee_id(), t, actor);
        if (!id.ok()) return id.status();
        out->set_timesheet_id(*id);
        out->set_employee_id(req->employee_id());
        out->set_total_hours_centi(total);
        out->set_sick_days(req->sick_days_size());
        return std::to_string(*id);
      },
      [&](pqxx::work&, const std::string& key) {
        out->set_timesheet_id(std::stoll(key));
        out->set_employee_id(req->employee_id());
        out->set_total_hours_centi(total);
        out->set_sick_days(req->sick_days_size());
        return absl::OkStatus();
      });
}

grpc::Status PayrollServiceImpl::RunPayroll(grpc::ServerContext* ctx,
                                            const v1::RunPayrollRequest* req, v1::PayRun* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  payroll::RunRequest run;
  run.employer_id = req->employer_id();
  for (auto [date, field, target] :
       {std::tuple{&req->period_start(), "period_start", &run.period_start},
        std::tuple{&req->period_end(), "period_end", &run.period_end},
        std::tuple{&req->payment_date(), "payment_date", &run.payment_date}}) {
    auto day = service::DayFromProto(*date, field);
    if (!day.ok()) return ToGrpcStatus(day.status());
    *target = *day;
  }
  run.correction = req->correction();
  run.reason = req->reason();
  auto caller = host_.Caller(*ctx);
  const std::string actor = caller.ok() ? caller->name : "";
  const crypto::FieldCipher cipher(host_.keyring());
  auto fill = [&](pqxx::transaction_base& tx, int64_t id) -> absl::Status {
    auto stored = payroll::GetPayRun(tx, cipher, id);
    if (stored.ok()) ToProto(*stored, out);
    return stored.status();
  };
  return EmployerWrite(
      ctx, *req, req->request_id(), "RunPayroll", req->employer_id(),
      [&](pqxx::work& tx) -> absl::StatusOr<std::string> {
        auto id = payroll::RunPayroll(tx, years_, cipher, run, actor);
        if (!id.ok()) return id.status();
        if (auto s = fill(tx, *id); !s.ok()) return s;
        return std::to_string(*id);
      },
      [&](pqxx::work& tx, const std::string& key) { return fill(tx, std::stoll(key)); });
}

grpc::Status PayrollServiceImpl::GetPayRun(grpc::ServerContext* ctx,
                                           const v1::GetPayRunRequest* req, v1::PayRun* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  auto caller = host_.Caller(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  const crypto::FieldCipher cipher(host_.keyring());
  return ToGrpcStatus(service::RunReadOnly(host_.pool(), [&](pqxx::transaction_base& tx) {
    auto run = payroll::GetPayRun(tx, cipher, req->run_id());
    if (!run.ok()) return run.status();
    auto employer = payroll::GetEmployer(tx, run->employer_id);
    if (!employer.ok()) return employer.status();
    if (!MaySee(*caller, employer->authority_id, employer->agreement_id)) {
      return absl::NotFoundError(dp::StrCat("pay run ", req->run_id(), " does not exist"));
    }
    ToProto(*run, out);
    return absl::OkStatus();
  }));
}

grpc::Status PayrollServiceImpl::PayLiability(grpc::ServerContext* ctx,
                                              const v1::PayLiabilityRequest* req,
                                              v1::LiabilityPayment* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  payroll::Liability liability;
  switch (req->liability()) {
    case v1::LIABILITY_WAGES: liability = payroll::Liability::kWages; break;
    case v1::LIABILITY_HMRC: liability = payroll::Liability::kHmrc; break;
    case v1::LIABILITY_PENSION: liability = payroll::Liability::kPension; break;
    default:
      return ToGrpcStatus(FieldError("liability", "must be WAGES, HMRC or PENSION"));
  }
  auto caller = host_.Caller(*ctx);
  const std::string actor = caller.ok() ? caller->name : "";
  auto fill = [&](pqxx::work& tx, int64_t txn) -> absl::Status {
    auto employer = payroll::GetEmployer(tx, req->employer_id());
    if (!employer.ok()) return employer.status();
    const int64_t account = liability == payroll::Liability::kWages  ? employer->wages_account_id
                            : liability == payroll::Liability::kHmrc ? employer->hmrc_account_id
                                                                     : employer->pension_account_id;
    auto owed = payroll::Owed(tx, account);
    if (!owed.ok()) return owed.status();
    out->set_transaction_id(txn);
    out->set_remaining_pence(*owed);
    return absl::OkStatus();
  };
  return EmployerWrite(
      ctx, *req, req->request_id(), "PayLiability", req->employer_id(),
      [&](pqxx::work& tx) -> absl::StatusOr<std::string> {
        auto txn = payroll::PayLiability(tx, req->employer_id(), liability, req->amount_pence(),
                                         req->reference(), req->request_id(), actor);
        if (!txn.ok()) return txn.status();
        if (auto s = fill(tx, *txn); !s.ok()) return s;
        return std::to_string(*txn);
      },
      [&](pqxx::work& tx, const std::string& key) { return fill(tx, std::stoll(key)); });
}

absl::Status PayrollServiceImpl::FillEmployee(pqxx::transaction_base& tx, int64_t id,
                                              v1::Employee* out) {
  const crypto::FieldCipher cipher(host_.keyring());
  auto employee = payroll::GetEmployee(tx, id);
  if (!employee.ok()) return employee.status();
  auto person = people::GetPerson(tx, cipher, employee->person_id);
  if (!person.ok()) return person.status();
  out->Clear();
  out->set_employee_id(id);
  out->set_employer_id(employee->employer_id);
  out->set_person_id(employee->person_id);
  out->set_name(person->display_name);
  out->set_ni_number_masked(people::MaskNiNumber(person->ni_number));
  service::DayToProto(employee->start_date, out->mutable_start_date());
  if (employee->leave_date) service::DayToProto(*employee->leave_date, out->mutable_leave_date());
  out->set_tax_code(employee->tax_code);
  out->set_week1_month1(employee->week1_month1);
  out->set_ni_category(employee->ni_category);
  out->set_qualifying_days_per_week(employee->qualifying_days_per_week);
  return absl::OkStatus();
}

absl::StatusOr<int64_t> PayrollServiceImpl::EmployerOfEmployee(int64_t employee_id) {
  // An unknown employee: NOT_FOUND before anything else, and nothing written.
  int64_t employer_id = 0;
  auto found = service::RunReadOnly(host_.pool(), [&](pqxx::transaction_base& tx) {
    auto employee = payroll::GetEmployee(tx, employee_id);
    if (employee.ok()) employer_id = employee->employer_id;
    return employee.status();
  });
  if (!found.ok()) return found;
  return employer_id;
}

grpc::Status PayrollServiceImpl::LeaveEmployee(grpc::ServerContext* ctx,
                                               const v1::LeaveEmployeeRequest* req,
                                               v1::Employee* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  auto leave = service::DayFromProto(req->leave_date(), "leave_date");
  if (!leave.ok()) return ToGrpcStatus(leave.status());
  auto employer_id = EmployerOfEmployee(req->employee_id());
  if (!employer_id.ok()) return ToGrpcStatus(employer_id.status());
  return EmployerWrite(
      ctx, *req, req->request_id(), "LeaveEmployee", *employer_id,
      [&](pqxx::work& tx) -> absl::StatusOr<std::string> {
        if (auto s = payroll::LeaveEmployee(tx, req->employee_id(), *leave); !s.ok()) return s;
        if (auto s = FillEmployee(tx, req->employee_id(), out); !s.ok()) return s;
        return std::to_string(req->employee_id());
      },
      [&](pqxx::work& tx, const std::string&) {
        return FillEmployee(tx, req->employee_id(), out);
      });
}

grpc::Status PayrollServiceImpl::GetDocument(grpc::ServerContext* ctx,
                                             const v1::GetDocumentRequest* req,
                                             v1::Document* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  auto caller = host_.Caller(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  const crypto::FieldCipher cipher(host_.keyring());
  return ToGrpcStatus(service::RunReadOnly(host_.pool(), [&](pqxx::transaction_base& tx)
                                                              -> absl::Status {
    // Whose books the document comes from: every id given is checked, so
    // that a run of one employer cannot vouch for another's employee. An id
    // whose books are outside what the caller may see answers exactly as a
    // missing one of its kind would, so ids cannot be probed.
    struct Key {
      int64_t employer_id;
      absl::Status missing;  // the answer if it did not exist
    };
    std::vector<Key> keys;
    if (req->employer_id() != 0) {
      keys.push_back({req->employer_id(), absl::NotFoundError(dp::StrCat(
                                              "employer ", req->employer_id(), " does not exist"))});
    }
    if (req->run_id() != 0) {
      absl::Status missing =
          absl::NotFoundError(dp::StrCat("pay run ", req->run_id(), " does not exist"));
      const pqxx::result r = tx.exec_params(
          "SELECT employer_id FROM payroll.pay_runs WHERE id = $1", req->run_id());
      if (r.empty()) return missing;
      keys.push_back({r[0][0].as<int64_t>(), std::move(missing)});
    }
    if (req->employee_id() != 0) {
      auto employee = payroll::GetEmployee(tx, req->employee_id());
      if (!employee.ok()) return employee.status();
      keys.push_back({employee->employer_id, absl::NotFoundError(dp::StrCat(
                                                 "employee ", req->employee_id(), " does not exist"))});
    }
    if (keys.empty()) {
      return FieldError("run_id", "or employee_id or employer_id is required");
    }
    for (const Key& key : keys) {
      auto employer = payroll::GetEmployer(tx, key.employer_id);
      if (!employer.ok()) return key.missing;
      if (!MaySee(*caller, employer->authority_id, employer->agreement_id)) return key.missing;
      if (!MayOperate(*caller, employer->authority_id, employer->agreement_id)) {
        return Refused(*caller, dp::StrCat("see employer ", key.employer_id, "'s payroll documents"));
      }
    }
    absl::StatusOr<payroll::RenderedDocument> doc =
        FieldError("kind", "must be PAYSLIPS_PDF, BACS, FPS, EPS, P45 or P60");
    auto need = [&](bool present, const char* field) {
      if (!present) doc = FieldError(field, "is required for this kind");
      return present;
    };
    switch (req->kind()) {
      case v1::DOCUMENT_KIND_PAYSLIPS_PDF:
        if (need(req->run_id() != 0, "run_id")) {
          doc = payroll::PayslipsPdf(tx, cipher, req->run_id(), req->employee_id());
        }
        break;
      case v1::DOCUMENT_KIND_BACS:
        if (need(req->run_id() != 0, "run_id")) doc = payroll::BacsFile(tx, cipher, req->run_id());
        break;
      case v1::DOCUMENT_KIND_FPS:
        if (need(req->run_id() != 0, "run_id")) {
          doc = payroll::FpsFile(tx, years_, cipher, req->run_id());
        }
        break;
      case v1::DOCUMENT_KIND_EPS:
        if (need(req->employer_id() != 0, "employer_id") && need(!req->tax_year().empty(), "tax_year")) {
          doc = payroll::EpsFile(tx, years_, req->employer_id(), req->tax_year(), req->tax_month());
        }
        break;
      case v1::DOCUMENT_KIND_P45:
        if (need(req->employee_id() != 0, "employee_id")) {
          doc = payroll::P45Pdf(tx, years_, cipher, req->employee_id());
        }
        break;
      case v1::DOCUMENT_KIND_P60:
        if (need(req->employee_id() != 0, "employee_id") && need(!req->tax_year().empty(), "tax_year")) {
          doc = payroll::P60Pdf(tx, years_, cipher, req->employee_id(), req->tax_year());
        }
        break;
      default:
        break;
    }
    if (!doc.ok()) return doc.status();
    out->set_file_name(doc->file_name);
    out->set_content_type(doc->content_type);
    out->set_content(std::move(doc->content));
    return absl::OkStatus();
  }));
}

grpc::Status PayrollServiceImpl::GetServiceInfo(grpc::ServerContext*,
                                                const v1::GetServiceInfoRequest*,
                                                v1::ServiceInfo* out) {
  return service::DescribeService(host_.config(), host_.pool(), out);
}

grpc::Status PayrollServiceImpl::Calculate(grpc::ServerContext*, const v1::CalculateRequest* req,
                                           v1::CalculateResponse* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  absl::StatusOr<const payroll::TaxYear*> year = FieldError("tax_year",
      "(e.g. 2025-26) or payment_date is required");
  if (!req->tax_year().empty()) {
    year = years_.ByName(req->tax_year());
  } else if (req->has_payment_date()) {
    char date[11];
    std::snprintf(date, sizeof date, "%04d-%02d-%02d", req->payment_date().year(),
                  req->payment_date().month(), req->payment_date().day());
    year = years_.ForDate(date);
  }
  if (!year.ok()) return ToGrpcStatus(year.status());
  auto frequency = FrequencyOf(req->pay_frequency());
  if (!frequency.ok()) return ToGrpcStatus(frequency.status());
  if (req->gross_pay_pence() < 0 || req->taxable_pay_to_date_pence() < 0) {
    return ToGrpcStatus(FieldError(
        req->gross_pay_pence() < 0 ? "gross_pay_pence" : "taxable_pay_to_date_pence",
        "must not be negative"));
  }
  auto paye = payroll::CalculatePaye(
      **year, {*frequency, req->period(), req->tax_code(), req->week1_month1(),
               req->gross_pay_pence(), req->taxable_pay_to_date_pence(),
               req->tax_paid_to_date_pence()});
  if (!paye.ok()) return ToGrpcStatus(paye.status());
  auto ni = payroll::CalculateNi(**year, req->ni_category().empty() ? "A" : req->ni_category(),
                                 *frequency, req->gross_pay_pence());
  if (!ni.ok()) return ToGrpcStatus(ni.status());
  out->set_tax_year((*year)->name);
  out->set_tax_pence(paye->tax_pence);
  out->set_employee_ni_pence(ni->employee_pence);
  out->set_employer_ni_pence(ni->employer_pence);
  out->set_taxable_pay_to_date_pence(paye->taxable_pay_to_date_pence);
  out->set_tax_paid_to_date_pence(paye->tax_paid_to_date_pence);
  out->set_tax_held_back_pence(paye->held_back_by_limit_pence);
  out->set_net_pay_pence(req->gross_pay_pence() - paye->tax_pence - ni->employee_pence);
  return grpc::Status::OK;
}

}  // namespace dp::payroll_service
