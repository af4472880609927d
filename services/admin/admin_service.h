#ifndef DP_SERVICES_ADMIN_ADMIN_SERVICE_H_
#define DP_SERVICES_ADMIN_ADMIN_SERVICE_H_

#include <functional>

#include "db/idempotency.h"
#include "iam/admin_store.h"
#include "dp/v1/admin.grpc.pb.h"
#include "service/host.h"
#include "service/write.h"

namespace dp::admin_service {

// AdminServiceImpl manages organisations, principals and grants. It runs
// inside dp-ledger; every write is idempotent by request_id.
class AdminServiceImpl final : public v1::AdminService::Service {
 public:
  explicit AdminServiceImpl(service::ServiceHost& host) : host_(host) {}

  grpc::Status WhoAmI(grpc::ServerContext* ctx, const v1::WhoAmIRequest*,
                      v1::PrincipalInfo* out) override;
  grpc::Status CreateOrganisation(grpc::ServerContext*, const v1::CreateOrganisationRequest* req,
                                  v1::Organisation* out) override;
  grpc::Status CreatePrincipal(grpc::ServerContext*, const v1::CreatePrincipalRequest* req,
                               v1::PrincipalInfo* out) override;
  grpc::Status SetPrincipalDisabled(grpc::ServerContext*,
                                    const v1::SetPrincipalDisabledRequest* req,
                                    v1::PrincipalInfo* out) override;
  grpc::Status ListPrincipals(grpc::ServerContext*, const v1::ListPrincipalsRequest* req,
                              v1::ListPrincipalsResponse* out) override;
  grpc::Status Grant(grpc::ServerContext*, const v1::GrantRequest* req,
                     v1::ScopeGrant* out) override;
  grpc::Status Revoke(grpc::ServerContext*, const v1::RevokeRequest* req,
                      v1::ScopeGrant* out) override;
  grpc::Status ListGrants(grpc::ServerContext*, const v1::ListGrantsRequest* req,
                          v1::ListGrantsResponse* out) override;
  grpc::Status InviteStaff(grpc::ServerContext*, const v1::InviteStaffRequest* req,
                           v1::StaffInvitation* out) override;
  grpc::Status InvitePerson(grpc::ServerContext*, const v1::InvitePersonRequest* req,
                            v1::PersonInvitation* out) override;
  grpc::Status RotateKeys(grpc::ServerContext*, const v1::RotateKeysRequest* req,
                          v1::RotateKeysResponse* out) override;

 private:
  // Write runs `write` once per request_id (see service/write.h).
  grpc::Status Write(const grpc::ServerContext& ctx, const google::protobuf::Message& request, const std::string& request_id,
                     const std::string& operation, service::WriteFn write,
                     service::ReloadFn reload);

  // NameGrant names a grant in the call's audit event.
  void NameGrant(const grpc::ServerContext& ctx, const iam::ScopeGrant& grant);
  // WriteGrant adds or removes a grant, idempotently.
  using GrantFn = absl::StatusOr<iam::ScopeGrant> (*)(pqxx::work&, const iam::ScopeGrant&);
  grpc::Status WriteGrant(const grpc::ServerContext& ctx, const google::protobuf::Message& request, const std::string& request_id,
                          const std::string& operation, const v1::ScopeGrant& grant,
                          GrantFn change, v1::ScopeGrant* out);

  service::ServiceHost& host_;
  const db::RequestLog requests_{"iam.requests"};
};

}  // namespace dp::admin_service

#endif  // DP_SERVICES_ADMIN_ADMIN_SERVICE_H_
