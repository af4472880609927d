#ifndef DP_SERVICES_PAYROLL_CONVERT_H_
#define DP_SERVICES_PAYROLL_CONVERT_H_

#include "absl/status/statusor.h"
#include "dp/v1/payroll.pb.h"
#include "payroll/books/book.h"
#include "payroll/books/leave.h"
#include "payroll/books/lists.h"
#include "payroll/books/pay_run.h"
#include "people/person_store.h"

// Conversions between PayrollService messages and lib/payroll types.
// Request conversions fail with INVALID_ARGUMENT naming the field; the
// domain's own checks (payroll::CheckEmployee, ...) are lib/payroll's.
namespace dp::payroll_service {

absl::StatusOr<payroll::PayFrequency> FrequencyFromProto(v1::PayFrequency f);
v1::PayFrequency ToProto(payroll::PayFrequency f);
absl::StatusOr<payroll::Liability> LiabilityFromProto(v1::Liability liability);
absl::StatusOr<payroll::LoanPlan> LoanPlanFromProto(v1::StudentLoanPlan plan);
v1::StudentLoanPlan ToProto(payroll::LoanPlan plan);
void ToProto(int64_t employee_id, const std::vector<payroll::StudentLoan>& loans,
             v1::StudentLoans* out);

// EmployeeFromProto reads the employment's terms (not the person: name,
// NI number and date of birth go to people::Person).
absl::StatusOr<payroll::Employee> EmployeeFromProto(const v1::CreateEmployeeRequest& req);
// TimesheetFromProto reads a period's hours and sick days; `total_centi`
// is the hours it adds up to.
absl::StatusOr<payroll::Timesheet> TimesheetFromProto(const v1::SubmitTimesheetRequest& req,
                                                      int32_t* total_centi);
absl::StatusOr<payroll::RunRequest> RunRequestFromProto(const v1::RunPayrollRequest& req);

void ToProto(const payroll::Employee& employee, const std::vector<payroll::TaxCodeNotice>& notices,
             absl::CivilDay today, const payroll::TaxYear* year, v1::TaxCodes* out);
void ToProto(const payroll::Employer& e, v1::Employer* out);
void ToProto(const payroll::TimesheetSummary& t, v1::TimesheetSummary* out);
void ToProto(const payroll::RunTotals& t, v1::PayRun* out);
void ToProto(const payroll::PayRun& run, v1::PayRun* out);
void ToProto(const payroll::Employee& e, const people::Person& person, v1::Employee* out);

absl::StatusOr<payroll::FamilyPayKind> FamilyPayKindFromProto(v1::FamilyLeaveKind kind);
// FamilyLeaveFromProto reads the kind and the date its qualifying week
// needs (due_date, matching_date or date_of_death); a missing one is left
// unset for RecordFamilyLeave to name.
absl::StatusOr<payroll::FamilyLeaveRequest> FamilyLeaveFromProto(
    const v1::RecordFamilyLeaveRequest& req);
void ToProto(const payroll::FamilyLeaveRecord& r, v1::FamilyLeave* out);

}  // namespace dp::payroll_service

#endif  // DP_SERVICES_PAYROLL_CONVERT_H_
