#include "payroll_service.h"

#include <algorithm>
#include <cstdio>

#include "base/refusal.h"
#include "base/strings.h"
#include "convert.h"
#include "crypto/field_cipher.h"
#include "db/page_token.h"
#include "db/sql.h"
#include "payroll/books/book.h"
#include "payroll/books/documents.h"
#include "payroll/books/lists.h"
#include "payroll/books/pay_run.h"
#include "payroll/engine/ni.h"
#include "payroll/engine/paye.h"
#include "people/person_store.h"
#include "service/metrics.h"
#include "service/proto_convert.h"
#include "service/read_only.h"
#include "service/request_bounds.h"
#include "service/status.h"

namespace dp::payroll_service {
namespace {

using service::ToGrpcStatus;

// MayOperate: an officer of the authority, an internal service, or an ISO
// linked to the agreement runs an employer's payroll.
bool MayOperate(const iam::Principal& p, const std::string& authority_id, int64_t agreement_id) {
  if (p.CanWrite(authority_id)) return true;
  return p.role == iam::Role::kIso && p.CanReachOwner("agreement", std::to_string(agreement_id));
}

absl::Status Refused(const iam::Principal& p, const std::string& what) {
  return absl::PermissionDeniedError(dp::StrCat(p.name, " may not ", what));
}

// GrantedAgreements lists the agreements granted to the caller's
// organisation (an ISO's reach); an id that is not a number is skipped.
std::vector<int64_t> GrantedAgreements(const iam::Principal& p) {
  std::vector<int64_t> ids;
  for (const auto& [type, id] : p.owners) {
    if (type != "agreement") continue;
    try {
      ids.push_back(std::stoll(id));
    } catch (const std::exception&) {
    }
  }
  return ids;
}

// MaySee: the caller may read an agreement's payroll. Outside it, a thing
// answers as a missing one would, so ids cannot be probed.
bool MaySee(const iam::Principal& p, const std::string& authority_id, int64_t agreement_id) {
  return p.CanRead(authority_id, "agreement", std::to_string(agreement_id));
}


constexpr int kDefaultPage = 50;
constexpr int kMaxPage = 500;

// Paged fills one page of a list: rows read by `read(page)` (one more than
// the page, to know whether another follows), each made an item by `fill`
// and kept by `add` while the page has room (rows and bytes); the next
// page's token resumes after the last row kept, bound to `fingerprint`.
template <typename Request, typename Response, typename Item, typename Read, typename Fill,
          typename Add>
absl::Status Paged(const Request& req, const std::string& fingerprint, Read read, Fill fill,
                   Add add, Response* out) {
  auto size = db::ClampPageSize(req.page_size(), kDefaultPage, kMaxPage);
  if (!size.ok()) return size.status();
  auto after = db::DecodePageToken(req.page_token(), fingerprint);
  if (!after.ok()) return after.status();
  out->set_next_page_token(
      db::FillPage<Item>(read(payroll::Page{*after, *size + 1}), *size, fingerprint, fill, add));
  return absl::OkStatus();
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
  auto frequency = FrequencyFromProto(req->pay_frequency());
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
  auto employee = EmployeeFromProto(*req);
  if (!employee.ok()) return ToGrpcStatus(employee.status());
  payroll::Employee& e = *employee;
  auto dob = service::DayFromProto(req->date_of_birth(), "date_of_birth");
  if (!dob.ok()) return ToGrpcStatus(dob.status());
  auto ni = people::NormaliseNiNumber(req->ni_number());
  if (!ni.ok()) return ToGrpcStatus(ni.status());
  // The tax code and NI category are checked by the engine of the year the
  // employment starts in, or today's if it started earlier.
  auto year =
      years_.ForDate(absl::FormatCivilTime(std::max(e.start_date, service::TodayInLondon())));
  if (auto s = payroll::CheckEmployee(e, year.ok() ? *year : nullptr); !s.ok()) {
    return ToGrpcStatus(s);
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
  int32_t total = 0;
  auto sheet = TimesheetFromProto(*req, &total);
  if (!sheet.ok()) return ToGrpcStatus(sheet.status());
  const payroll::Timesheet& t = *sheet;
  auto employer_id = EmployerOfEmployee(req->employee_id());
  if (!employer_id.ok()) return ToGrpcStatus(employer_id.status());
  auto caller = host_.Caller(*ctx);
  const std::string actor = caller.ok() ? caller->name : "";
  return EmployerWrite(
      ctx, *req, req->request_id(), "SubmitTimesheet", *employer_id,
      [&](pqxx::work& tx) -> absl::StatusOr<std::string> {
        auto id = payroll::SubmitTimesheet(tx, years_, req->employee_id(), t, actor,
                                           req->holiday_override_reason());
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
  auto request = RunRequestFromProto(*req);
  if (!request.ok()) return ToGrpcStatus(request.status());
  const payroll::RunRequest& run = *request;
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
        service::JobTimer timer(host_.metrics(), "pay_run");
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
  auto which = LiabilityFromProto(req->liability());
  if (!which.ok()) return ToGrpcStatus(which.status());
  const payroll::Liability liability = *which;
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
  ToProto(*employee, *person, out);
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
  payroll::LeaverRequest leaver;
  leaver.leave_date = *leave;
  leaver.notice_in_lieu = req->notice_in_lieu();
  if (req->has_notice_weeks()) leaver.notice_weeks = req->notice_weeks();
  leaver.redundancy = req->redundancy();
  if (req->has_weeks_pay_pence()) leaver.weeks_pay_pence = req->weeks_pay_pence();
  auto employer_id = EmployerOfEmployee(req->employee_id());
  if (!employer_id.ok()) return ToGrpcStatus(employer_id.status());
  const crypto::FieldCipher cipher(host_.keyring());
  return EmployerWrite(
      ctx, *req, req->request_id(), "LeaveEmployee", *employer_id,
      [&](pqxx::work& tx) -> absl::StatusOr<std::string> {
        auto pay = payroll::LeaveEmployee(tx, years_, cipher, req->employee_id(), leaver);
        if (!pay.ok()) return pay.status();
        if (auto s = FillEmployee(tx, req->employee_id(), out); !s.ok()) return s;
        return std::to_string(req->employee_id());
      },
      [&](pqxx::work& tx, const std::string&) {
        return FillEmployee(tx, req->employee_id(), out);
      });
}

grpc::Status PayrollServiceImpl::RecordFamilyLeave(grpc::ServerContext* ctx,
                                                   const v1::RecordFamilyLeaveRequest* req,
                                                   v1::FamilyLeave* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  auto leave = FamilyLeaveFromProto(*req);
  if (!leave.ok()) return ToGrpcStatus(leave.status());
  auto employer_id = EmployerOfEmployee(req->employee_id());
  if (!employer_id.ok()) return ToGrpcStatus(employer_id.status());
  auto caller = host_.Caller(*ctx);
  const std::string actor = caller.ok() ? caller->name : "";
  return EmployerWrite(
      ctx, *req, req->request_id(), "RecordFamilyLeave", *employer_id,
      [&](pqxx::work& tx) -> absl::StatusOr<std::string> {
        auto record = payroll::RecordFamilyLeave(tx, years_, req->employee_id(), *leave, actor);
        if (!record.ok()) return record.status();
        ToProto(*record, out);
        return std::to_string(record->id);
      },
      [&](pqxx::work& tx, const std::string& key) -> absl::Status {
        for (const payroll::FamilyLeaveRecord& r : payroll::FamilyLeaves(tx, req->employee_id())) {
          if (std::to_string(r.id) == key) {
            ToProto(r, out);
            return absl::OkStatus();
          }
        }
        return absl::NotFoundError(dp::StrCat("family leave ", key, " does not exist"));
      });
}

grpc::Status PayrollServiceImpl::ListFamilyLeave(grpc::ServerContext* ctx,
                                                 const v1::ListFamilyLeaveRequest* req,
                                                 v1::ListFamilyLeaveResponse* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return ToGrpcStatus(bad);
  auto employer_id = EmployerOfEmployee(req->employee_id());
  if (!employer_id.ok()) return ToGrpcStatus(employer_id.status());
  return ReadEmployer(ctx, *employer_id, [&](pqxx::transaction_base& tx) {
    for (const payroll::FamilyLeaveRecord& r : payroll::FamilyLeaves(tx, req->employee_id())) {
      ToProto(r, out->add_leave());
    }
    return absl::OkStatus();
  });
}

grpc::Status PayrollServiceImpl::RecordPensionOptOut(grpc::ServerContext* ctx,
                                                     const v1::RecordPensionOptOutRequest* req,
                                                     v1::Employee* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  auto day = service::DayFromProto(req->opted_out_on(), "opted_out_on");
  if (!day.ok()) return ToGrpcStatus(day.status());
  auto employer_id = EmployerOfEmployee(req->employee_id());
  if (!employer_id.ok()) return ToGrpcStatus(employer_id.status());
  return EmployerWrite(
      ctx, *req, req->request_id(), "RecordPensionOptOut", *employer_id,
      [&](pqxx::work& tx) -> absl::StatusOr<std::string> {
        if (auto s = payroll::RecordPensionOptOut(tx, req->employee_id(), *day,
                                                  service::TodayInLondon());
            !s.ok()) {
          return s;
        }
        if (auto s = FillEmployee(tx, req->employee_id(), out); !s.ok()) return s;
        return std::to_string(req->employee_id());
      },
      [&](pqxx::work& tx, const std::string&) {
        return FillEmployee(tx, req->employee_id(), out);
      });
}

grpc::Status PayrollServiceImpl::YearEnd(grpc::ServerContext* ctx, const v1::YearEndRequest* req,
                                         grpc::ServerWriter<v1::YearEndItem>* writer) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return ToGrpcStatus(bad);
  auto year = years_.ByName(req->tax_year());
  if (!year.ok()) return ToGrpcStatus(FieldError("tax_year", std::string(year.status().message())));
  auto caller = host_.Caller(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  // Whose P60s: the employer; every employer of the authority the caller
  // runs the payroll of; or, for a bureau (an ISO) naming neither, every
  // employer of the agreements granted to it, whatever their authority.
  const bool whole_bureau = req->employer_id() == 0 && req->authority_id().empty();
  if (req->employer_id() != 0 && !req->authority_id().empty()) {
    return ToGrpcStatus(FieldError("authority_id", "give employer_id or authority_id, not both"));
  }
  if (whole_bureau && caller->role != iam::Role::kIso) {
    return ToGrpcStatus(FieldError("employer_id", "or authority_id: give one of them"));
  }
  const std::vector<int64_t> granted = GrantedAgreements(*caller);
  const crypto::FieldCipher cipher(host_.keyring());
  std::vector<std::pair<int64_t, int64_t>> paid;
  auto listed = service::RunReadOnly(host_.pool(), [&](pqxx::transaction_base& tx) -> absl::Status {
    std::vector<int64_t> employer_ids;
    const pqxx::result rows = tx.exec_params(
        "SELECT id, authority_id, agreement_id FROM payroll.employers"
        " WHERE ($1::bigint <> 0 AND id = $1)"
        " OR ($1::bigint = 0 AND $2::text <> '' AND authority_id = $2)"
        " OR ($1::bigint = 0 AND $2::text = '' AND agreement_id = ANY($3::bigint[]))"
        " ORDER BY id",
        req->employer_id(), req->authority_id(), db::IntArrayLiteral(granted));
    for (const auto& row : rows) {
      const std::string authority = row[1].as<std::string>();
      const int64_t agreement = row[2].as<int64_t>();
      if (MaySee(*caller, authority, agreement) && MayOperate(*caller, authority, agreement)) {
        employer_ids.push_back(row[0].as<int64_t>());
      }
    }
    if (employer_ids.empty()) {
      return absl::NotFoundError(
          req->employer_id() != 0 ? dp::StrCat("employer ", req->employer_id(), " does not exist")
          : whole_bureau          ? std::string("no employer's payroll is granted to you")
                                  : dp::StrCat("authority ", Quoted(req->authority_id()),
                                               " has no employers whose payroll you run"));
    }
    paid = payroll::PaidInYear(tx, employer_ids, req->tax_year());
    return absl::OkStatus();
  });
  if (!listed.ok()) return ToGrpcStatus(listed);
  const int total = static_cast<int>(paid.size());
  int done = 0;
  for (const auto& [employer_id, employee_id] : paid) {
    if (ctx->IsCancelled()) return grpc::Status(grpc::StatusCode::CANCELLED, "cancelled");
    v1::YearEndItem item;
    item.set_employer_id(employer_id);
    item.set_employee_id(employee_id);
    auto rendered = service::RunReadOnly(host_.pool(), [&](pqxx::transaction_base& tx) -> absl::Status {
      auto doc = payroll::P60Pdf(tx, years_, cipher, employee_id, req->tax_year());
      if (!doc.ok()) return doc.status();
      item.mutable_p60()->set_file_name(doc->file_name);
      item.mutable_p60()->set_content_type(doc->content_type);
      item.mutable_p60()->set_content(std::move(doc->content));
      return absl::OkStatus();
    });
    if (!rendered.ok()) item.set_skipped(std::string(rendered.message()));
    item.set_done(++done);
    item.set_total(total);
    if (!writer->Write(item)) return grpc::Status(grpc::StatusCode::CANCELLED, "client went away");
  }
  return grpc::Status::OK;
}

grpc::Status PayrollServiceImpl::RecordStudentLoan(grpc::ServerContext* ctx,
                                                   const v1::RecordStudentLoanRequest* req,
                                                   v1::StudentLoans* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return service::ToGrpcStatus(bad);
  auto plan = LoanPlanFromProto(req->plan());
  if (!plan.ok()) return ToGrpcStatus(plan.status());
  auto effective = service::DayFromProto(req->effective_date(), "effective_date");
  if (!effective.ok()) return ToGrpcStatus(effective.status());
  auto employer_id = EmployerOfEmployee(req->employee_id());
  if (!employer_id.ok()) return ToGrpcStatus(employer_id.status());
  auto caller = host_.Caller(*ctx);
  const std::string actor = caller.ok() ? caller->name : "";
  auto fill = [&](pqxx::transaction_base& tx) {
    ToProto(req->employee_id(), payroll::StudentLoans(tx, req->employee_id()), out);
    return absl::OkStatus();
  };
  return EmployerWrite(
      ctx, *req, req->request_id(), "RecordStudentLoan", *employer_id,
      [&](pqxx::work& tx) -> absl::StatusOr<std::string> {
        auto id = payroll::RecordLoanNotice(tx, req->employee_id(), *plan, req->notice(),
                                            *effective, actor);
        if (!id.ok()) return id.status();
        if (auto s = fill(tx); !s.ok()) return s;
        return std::to_string(*id);
      },
      [&](pqxx::work& tx, const std::string&) { return fill(tx); });
}

grpc::Status PayrollServiceImpl::TaxCodeWrite(
    grpc::ServerContext* ctx, const google::protobuf::Message& request,
    const std::string& request_id, const std::string& operation, int64_t employee_id,
    const std::function<absl::StatusOr<int64_t>(pqxx::work&, const std::string&)>& record,
    v1::TaxCodes* out) {
  if (auto bad = service::CheckRequestBounds(request); !bad.ok()) return ToGrpcStatus(bad);
  auto employer_id = EmployerOfEmployee(employee_id);
  if (!employer_id.ok()) return ToGrpcStatus(employer_id.status());
  auto caller = host_.Caller(*ctx);
  const std::string actor = caller.ok() ? caller->name : "";
  auto fill = [&](pqxx::transaction_base& tx) -> absl::Status {
    auto employee = payroll::GetEmployee(tx, employee_id);
    if (!employee.ok()) return employee.status();
    const absl::CivilDay today = service::TodayInLondon();
    auto year = years_.ForDate(absl::FormatCivilTime(today));
    ToProto(*employee, payroll::TaxCodeNotices(tx, employee_id), today, year.ok() ? *year : nullptr,
            out);
    return absl::OkStatus();
  };
  return EmployerWrite(
      ctx, request, request_id, operation, *employer_id,
      [&](pqxx::work& tx) -> absl::StatusOr<std::string> {
        auto id = record(tx, actor);
        if (!id.ok()) return id.status();
        if (auto s = fill(tx); !s.ok()) return s;
        return std::to_string(*id);
      },
      [&](pqxx::work& tx, const std::string&) { return fill(tx); });
}

grpc::Status PayrollServiceImpl::RecordTaxCodeNotice(grpc::ServerContext* ctx,
                                                     const v1::RecordTaxCodeNoticeRequest* req,
                                                     v1::TaxCodes* out) {
  auto effective = service::DayFromProto(req->effective_date(), "effective_date");
  if (!effective.ok()) return ToGrpcStatus(effective.status());
  return TaxCodeWrite(ctx, *req, req->request_id(), "RecordTaxCodeNotice", req->employee_id(),
                      [&](pqxx::work& tx, const std::string& actor) {
                        return payroll::RecordTaxCodeNotice(tx, years_, req->employee_id(),
                                                            req->kind(), req->tax_code(),
                                                            req->week1_month1(), *effective, actor);
                      },
                      out);
}

grpc::Status PayrollServiceImpl::RecordStarter(grpc::ServerContext* ctx,
                                               const v1::RecordStarterRequest* req,
                                               v1::TaxCodes* out) {
  std::optional<payroll::P45> p45;
  if (req->has_p45()) {
    p45 = payroll::P45{req->p45().previous_pay_pence(), req->p45().previous_tax_pence(),
                       req->p45().tax_code(), req->p45().week1_month1(),
                       req->p45().average_weekly_earnings_pence()};
  }
  return TaxCodeWrite(ctx, *req, req->request_id(), "RecordStarter", req->employee_id(),
                      [&](pqxx::work& tx, const std::string& actor) {
                        return payroll::RecordStarter(tx, years_, req->employee_id(),
                                                      req->declaration(), p45, actor);
                      },
                      out);
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
        FieldError("kind", "must be PAYSLIPS_PDF, BACS, FPS, EPS, P45, P60 or PENSION_CSV");
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
          doc = payroll::EpsFile(tx, years_, req->employer_id(), req->tax_year(), req->tax_month(),
                                 req->final_for_year());
        }
        break;
      case v1::DOCUMENT_KIND_P45:
        if (need(req->employee_id() != 0, "employee_id")) {
          doc = payroll::P45Pdf(tx, years_, cipher, req->employee_id());
        }
        break;
      case v1::DOCUMENT_KIND_PENSION_CSV:
        if (need(req->run_id() != 0, "run_id")) {
          doc = payroll::PensionCsv(tx, years_, cipher, req->run_id());
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

grpc::Status PayrollServiceImpl::ReadEmployer(
    grpc::ServerContext* ctx, int64_t employer_id,
    const std::function<absl::Status(pqxx::transaction_base&)>& read) {
  auto caller = host_.Caller(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return ToGrpcStatus(service::RunReadOnly(host_.pool(), [&](pqxx::transaction_base& tx) {
    auto employer = payroll::GetEmployer(tx, employer_id);
    if (!employer.ok()) return employer.status();
    if (!MaySee(*caller, employer->authority_id, employer->agreement_id)) {
      return absl::NotFoundError(dp::StrCat("employer ", employer_id, " does not exist"));
    }
    return read(tx);
  }));
}

grpc::Status PayrollServiceImpl::ListEmployers(grpc::ServerContext* ctx,
                                               const v1::ListEmployersRequest* req,
                                               v1::ListEmployersResponse* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return ToGrpcStatus(bad);
  if (req->authority_id().empty() == (req->agreement_id() == 0)) {
    return ToGrpcStatus(FieldError("authority_id", "or agreement_id: give one of them"));
  }
  auto caller = host_.Caller(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  payroll::EmployerFilter filter{req->authority_id(), req->agreement_id(), std::nullopt};
  return ToGrpcStatus(service::RunReadOnly(host_.pool(), [&](pqxx::transaction_base& tx)
                                                              -> absl::Status {
    if (req->agreement_id() > 0) {
      const pqxx::result a = tx.exec_params(
          "SELECT authority_id FROM agreements.agreements WHERE id = $1", req->agreement_id());
      if (a.empty() || !MaySee(*caller, a[0][0].as<std::string>(), req->agreement_id())) {
        return absl::NotFoundError(dp::StrCat("agreement ", req->agreement_id(), " does not exist"));
      }
    } else if (!caller->CanRead(req->authority_id(), "", "")) {
      // An ISO sees the employers of the agreements granted to it.
      if (caller->role != iam::Role::kIso) {
        return absl::NotFoundError(dp::StrCat("authority ", Quoted(req->authority_id()),
                                              " is not one you reach"));
      }
      filter.only_agreements = GrantedAgreements(*caller);
    }
    return Paged<v1::ListEmployersRequest, v1::ListEmployersResponse, v1::Employer>(
        *req,
        dp::StrCat("employers|", req->authority_id(), "|", req->agreement_id(), "|",
                   filter.only_agreements ? db::IntArrayLiteral(*filter.only_agreements) : std::string()),
        [&](const payroll::Page& page) { return payroll::ListEmployers(tx, filter, page); },
        [](const payroll::Employer& e, v1::Employer* item) {
          ToProto(e, item);
          return e.id;
        },
        [&](v1::Employer&& item) { *out->add_employers() = std::move(item); }, out);
  }));
}

grpc::Status PayrollServiceImpl::ListEmployees(grpc::ServerContext* ctx,
                                               const v1::ListEmployeesRequest* req,
                                               v1::ListEmployeesResponse* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return ToGrpcStatus(bad);
  const crypto::FieldCipher cipher(host_.keyring());
  return ReadEmployer(ctx, req->employer_id(), [&](pqxx::transaction_base& tx) -> absl::Status {
    std::map<int64_t, people::Person> persons;
    return Paged<v1::ListEmployeesRequest, v1::ListEmployeesResponse, v1::Employee>(
        *req, dp::StrCat("employees|", req->employer_id(), "|", req->include_leavers()),
        [&](const payroll::Page& page) {
          auto list = payroll::ListEmployees(tx, req->employer_id(), req->include_leavers(), page);
          std::vector<int64_t> ids;
          for (const auto& e : list) ids.push_back(e.person_id);
          auto found = people::GetPersons(tx, cipher, ids);
          if (found.ok()) persons = std::move(*found);
          return list;
        },
        [&](const payroll::Employee& e, v1::Employee* item) {
          static const people::Person kNobody;
          const auto p = persons.find(e.person_id);
          ToProto(e, p == persons.end() ? kNobody : p->second, item);
          return e.id;
        },
        [&](v1::Employee&& item) { *out->add_employees() = std::move(item); }, out);
  });
}

grpc::Status PayrollServiceImpl::ListTimesheets(grpc::ServerContext* ctx,
                                                const v1::ListTimesheetsRequest* req,
                                                v1::ListTimesheetsResponse* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return ToGrpcStatus(bad);
  auto from = service::OptionalDay(req->period_from(), "period_from");
  if (!from.ok()) return ToGrpcStatus(from.status());
  auto to = service::OptionalDay(req->period_to(), "period_to");
  if (!to.ok()) return ToGrpcStatus(to.status());
  const payroll::TimesheetFilter filter{req->employer_id(), req->employee_id(), *from, *to};
  return ReadEmployer(ctx, req->employer_id(), [&](pqxx::transaction_base& tx) {
    return Paged<v1::ListTimesheetsRequest, v1::ListTimesheetsResponse, v1::TimesheetSummary>(
        *req,
        dp::StrCat("timesheets|", req->employer_id(), "|", req->employee_id(), "|",
                   req->period_from().ShortDebugString(), "|", req->period_to().ShortDebugString()),
        [&](const payroll::Page& page) { return payroll::ListTimesheets(tx, filter, page); },
        [](const payroll::TimesheetSummary& t, v1::TimesheetSummary* item) {
          ToProto(t, item);
          return t.id;
        },
        [&](v1::TimesheetSummary&& item) { *out->add_timesheets() = std::move(item); }, out);
  });
}

grpc::Status PayrollServiceImpl::ListPayRuns(grpc::ServerContext* ctx,
                                             const v1::ListPayRunsRequest* req,
                                             v1::ListPayRunsResponse* out) {
  if (auto bad = service::CheckRequestBounds(*req); !bad.ok()) return ToGrpcStatus(bad);
  if (!req->status().empty() && req->status() != "posted" && req->status() != "replaced") {
    return ToGrpcStatus(FieldError("status", "must be posted or replaced (or empty for both)"));
  }
  return ReadEmployer(ctx, req->employer_id(), [&](pqxx::transaction_base& tx) {
    return Paged<v1::ListPayRunsRequest, v1::ListPayRunsResponse, v1::PayRun>(
        *req, dp::StrCat("payruns|", req->employer_id(), "|", req->status(), "|", req->tax_year()),
        [&](const payroll::Page& page) {
          return payroll::ListPayRuns(tx, req->employer_id(), req->status(), req->tax_year(), page);
        },
        [](const payroll::RunTotals& t, v1::PayRun* item) {
          ToProto(t, item);
          return t.run.id;
        },
        [&](v1::PayRun&& item) { *out->add_runs() = std::move(item); }, out);
  });
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
  auto frequency = FrequencyFromProto(req->pay_frequency());
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
