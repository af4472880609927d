#ifndef DP_SERVICES_PAYROLL_PAYROLL_SERVICE_H_
#define DP_SERVICES_PAYROLL_PAYROLL_SERVICE_H_

#include <functional>

#include "dp/v1/payroll.grpc.pb.h"
#include "payroll/engine/tax_year.h"
#include "service/host.h"
#include "service/write.h"
#include "db/idempotency.h"

namespace dp::payroll_service {

// PayrollServiceImpl: the gRPC face of lib/payroll.
class PayrollServiceImpl final : public v1::PayrollService::Service {
 public:
  PayrollServiceImpl(service::ServiceHost& host, payroll::TaxYears years)
      : host_(host), years_(std::move(years)) {}

  grpc::Status GetServiceInfo(grpc::ServerContext*, const v1::GetServiceInfoRequest*,
                              v1::ServiceInfo* out) override;
  grpc::Status Calculate(grpc::ServerContext*, const v1::CalculateRequest* req,
                         v1::CalculateResponse* out) override;
  grpc::Status CreateEmployer(grpc::ServerContext* ctx, const v1::CreateEmployerRequest* req,
                              v1::Employer* out) override;
  grpc::Status CreateEmployee(grpc::ServerContext* ctx, const v1::CreateEmployeeRequest* req,
                              v1::Employee* out) override;
  grpc::Status SubmitTimesheet(grpc::ServerContext* ctx, const v1::SubmitTimesheetRequest* req,
                               v1::TimesheetReceipt* out) override;
  grpc::Status RunPayroll(grpc::ServerContext* ctx, const v1::RunPayrollRequest* req,
                          v1::PayRun* out) override;
  grpc::Status GetPayRun(grpc::ServerContext* ctx, const v1::GetPayRunRequest* req,
                         v1::PayRun* out) override;
  grpc::Status PayLiability(grpc::ServerContext* ctx, const v1::PayLiabilityRequest* req,
                            v1::LiabilityPayment* out) override;
  grpc::Status LeaveEmployee(grpc::ServerContext* ctx, const v1::LeaveEmployeeRequest* req,
                             v1::Employee* out) override;
  grpc::Status RecordStudentLoan(grpc::ServerContext* ctx, const v1::RecordStudentLoanRequest* req,
                                 v1::StudentLoans* out) override;
  grpc::Status RecordTaxCodeNotice(grpc::ServerContext* ctx,
                                   const v1::RecordTaxCodeNoticeRequest* req,
                                   v1::TaxCodes* out) override;
  grpc::Status RecordStarter(grpc::ServerContext* ctx, const v1::RecordStarterRequest* req,
                             v1::TaxCodes* out) override;
  grpc::Status RecordFamilyLeave(grpc::ServerContext* ctx, const v1::RecordFamilyLeaveRequest* req,
                                 v1::FamilyLeave* out) override;
  grpc::Status ListFamilyLeave(grpc::ServerContext* ctx, const v1::ListFamilyLeaveRequest* req,
                               v1::ListFamilyLeaveResponse* out) override;
  grpc::Status RecordPensionOptOut(grpc::ServerContext* ctx,
                                   const v1::RecordPensionOptOutRequest* req,
                                   v1::Employee* out) override;
  grpc::Status YearEnd(grpc::ServerContext* ctx, const v1::YearEndRequest* req,
                       grpc::ServerWriter<v1::YearEndItem>* writer) override;
  grpc::Status ListEmployers(grpc::ServerContext* ctx, const v1::ListEmployersRequest* req,
                             v1::ListEmployersResponse* out) override;
  grpc::Status ListEmployees(grpc::ServerContext* ctx, const v1::ListEmployeesRequest* req,
                             v1::ListEmployeesResponse* out) override;
  grpc::Status ListTimesheets(grpc::ServerContext* ctx, const v1::ListTimesheetsRequest* req,
                              v1::ListTimesheetsResponse* out) override;
  grpc::Status ListPayRuns(grpc::ServerContext* ctx, const v1::ListPayRunsRequest* req,
                           v1::ListPayRunsResponse* out) override;
  grpc::Status GetDocument(grpc::ServerContext* ctx, const v1::GetDocumentRequest* req,
                           v1::Document* out) override;

 private:
  // ReadEmployer runs `read` if the caller may see the employer's books;
  // an employer out of sight answers as a missing one.
  grpc::Status ReadEmployer(grpc::ServerContext* ctx, int64_t employer_id,
                            const std::function<absl::Status(pqxx::transaction_base&)>& read);
  // TaxCodeWrite records a tax code notice or starter for an employee
  // (`record` returns the notice's id) and answers the employee's codes.
  grpc::Status TaxCodeWrite(
      grpc::ServerContext* ctx, const google::protobuf::Message& request,
      const std::string& request_id, const std::string& operation, int64_t employee_id,
      const std::function<absl::StatusOr<int64_t>(pqxx::work&, const std::string&)>& record,
      v1::TaxCodes* out);
  // EmployerWrite runs an idempotent write on one employer's books, if the
  // caller may operate them: an officer of its authority, an internal
  // service, or an ISO linked to its agreement.
  grpc::Status EmployerWrite(grpc::ServerContext* ctx, const google::protobuf::Message& request,
                             const std::string& request_id, const std::string& operation,
                             int64_t employer_id, const service::WriteFn& write,
                             const service::ReloadFn& reload);

  // FillEmployee answers with an employee as stored.
  absl::Status FillEmployee(pqxx::transaction_base& tx, int64_t employee_id, v1::Employee* out);
  // EmployerOfEmployee finds an employee's employer, NOT_FOUND first.
  absl::StatusOr<int64_t> EmployerOfEmployee(int64_t employee_id);

  service::ServiceHost& host_;
  const payroll::TaxYears years_;
  const db::RequestLog requests_{"payroll.requests"};
};

}  // namespace dp::payroll_service

#endif  // DP_SERVICES_PAYROLL_PAYROLL_SERVICE_H_
