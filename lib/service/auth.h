#ifndef DP_LIB_SERVICE_AUTH_H_
#define DP_LIB_SERVICE_AUTH_H_

#include <grpcpp/security/auth_metadata_processor.h>
#include <grpcpp/server_context.h>

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "iam/certificate.h"
#include "iam/directory.h"

namespace dp::service {

// AuthProcessor authenticates and authorises every call before any handler
// runs, deny by default:
//   - a method with no declared policy (lib/iam/policy.cc): PERMISSION_DENIED;
//   - no client certificate, one our CA did not issue, or an unknown or
//     disabled principal: UNAUTHENTICATED;
//   - a role the method's policy does not list: PERMISSION_DENIED.
// It records the principal's name on the call's AuthContext for handlers.
class AuthProcessor : public grpc::AuthMetadataProcessor {
 public:
  // `on_refused` is told of every refused call (for the audit trail).
  using RefusalFn = std::function<void(const std::string& method, const std::string& principal,
                                       const grpc::Status& status)>;
  AuthProcessor(iam::CertificateVerifier verifier, iam::PrincipalDirectory& directory,
                RefusalFn on_refused)
      : verifier_(std::move(verifier)), directory_(directory), on_refused_(std::move(on_refused)) {}

  bool IsBlocking() const override { return true; }  // may query the directory
  grpc::Status Process(const InputMetadata& metadata, grpc::AuthContext* context,
                       OutputMetadata* consumed, OutputMetadata* response) override;

 private:
  grpc::Status Decide(const std::string& method, grpc::AuthContext* context,
                      std::string* principal);

  iam::CertificateVerifier verifier_;
  iam::PrincipalDirectory& directory_;
  RefusalFn on_refused_;
};

// kPrincipalProperty names the AuthContext property holding the caller's name.
inline constexpr char kPrincipalProperty[] = "dp_principal";

// CallerOf returns the principal of a call that AuthProcessor admitted, or
// the development principal when the server runs in plaintext development
// mode (`directory` is null then).
absl::StatusOr<iam::Principal> CallerOf(const grpc::ServerContextBase& context,
                                        iam::PrincipalDirectory* directory);

}  // namespace dp::service

#endif  // DP_LIB_SERVICE_AUTH_H_
