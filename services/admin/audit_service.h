#ifndef DP_SERVICES_ADMIN_AUDIT_SERVICE_H_
#define DP_SERVICES_ADMIN_AUDIT_SERVICE_H_

#include "dp/v1/admin.grpc.pb.h"
#include "service/host.h"

namespace dp::admin_service {

// AuditServiceImpl lets auditors read the audit trail of the authorities
// granted to them, and anyone with the role check the whole chain.
class AuditServiceImpl final : public v1::AuditService::Service {
 public:
  explicit AuditServiceImpl(service::ServiceHost& host) : host_(host) {}

  grpc::Status ListAuditEvents(grpc::ServerContext* ctx, const v1::ListAuditEventsRequest* req,
                               v1::ListAuditEventsResponse* out) override;
  grpc::Status VerifyAuditChain(grpc::ServerContext* ctx, const v1::VerifyAuditChainRequest*,
                                v1::VerifyAuditChainResponse* out) override;
  grpc::Status GetAuditHead(grpc::ServerContext* ctx, const v1::GetAuditHeadRequest*,
                            v1::AuditHead* out) override;

 private:
  service::ServiceHost& host_;
};

}  // namespace dp::admin_service

#endif  // DP_SERVICES_ADMIN_AUDIT_SERVICE_H_
