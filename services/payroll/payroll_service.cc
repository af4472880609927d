#include "payroll_service.h"

#include <cstdio>

#include "payroll/ni.h"
#include "payroll/paye.h"
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
      return absl::InvalidArgumentError(
          "pay_frequency must be WEEKLY, FORTNIGHTLY, FOUR_WEEKLY or MONTHLY");
  }
}

}  // namespace

grpc::Status PayrollServiceImpl::GetServiceInfo(grpc::ServerContext*,
                                                const v1::GetServiceInfoRequest*,
                                                v1::ServiceInfo* out) {
  return service::DescribeService(host_.config(), host_.pool(), out);
}

grpc::Status PayrollServiceImpl::Calculate(grpc::ServerContext*, const v1::CalculateRequest* req,
                                           v1::CalculateResponse* out) {
  absl::StatusOr<const payroll::TaxYear*> year = absl::InvalidArgumentError(
      "tax_year (e.g. 2025-26) or payment_date is required");
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
    return ToGrpcStatus(absl::InvalidArgumentError("pay amounts must not be negative"));
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
