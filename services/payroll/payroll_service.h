#ifndef DP_SERVICES_PAYROLL_PAYROLL_SERVICE_H_
#define DP_SERVICES_PAYROLL_PAYROLL_SERVICE_H_

#include "dp/v1/payroll.grpc.pb.h"
#include "payroll/tax_year.h"
#include "service/host.h"

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

 private:
  service::ServiceHost& host_;
  const payroll::TaxYears years_;
};

}  // namespace dp::payroll_service

#endif  // DP_SERVICES_PAYROLL_PAYROLL_SERVICE_H_
