#include "service/auth.h"

#include "base/refusal.h"
#include "base/sha256.h"
#include "base/strings.h"
#include "iam/policy.h"
#include "service/status.h"

namespace dp::service {

grpc::Status AuthProcessor::Process(const InputMetadata& metadata, grpc::AuthContext* context,
                                    OutputMetadata*, OutputMetadata*) {
  std::string method;
  if (auto it = metadata.find(":path"); it != metadata.end()) {
    method.assign(it->second.data(), it->second.size());
  }
  std::string principal;
  grpc::Status status = Decide(method, context, &principal);
  if (!status.ok() && on_refused_) {
    on_refused_(method, principal, principal.empty() ? PeerOf(*context) : "", status);
  }
  return status;
}

grpc::Status AuthProcessor::Decide(const std::string& method, grpc::AuthContext* context,
                                   std::string* principal_name) {
  const iam::MethodPolicy* policy = iam::FindPolicy(method);
  if (policy == nullptr) {
    return RefusalStatus(grpc::StatusCode::PERMISSION_DENIED, reason::kRoleNotAllowed,
                         dp::StrCat(method, " has no declared permission; refused by default"));
  }
  if (policy->needs_no_principal) return grpc::Status::OK;
  const auto pems = context->FindPropertyValues("x509_pem_cert");
  if (pems.empty()) {
    return RefusalStatus(grpc::StatusCode::UNAUTHENTICATED, reason::kUnauthenticated,
                         "a client certificate is required; pass --cert and --key to dpctl");
  }
  auto name = names_.NameOf(std::string_view(pems[0].data(), pems[0].size()));
  if (!name.ok()) return ToGrpcStatus(name.status());
  *principal_name = *name;
  absl::StatusOr<iam::Principal> principal;
  try {
    principal = directory_.Find(*name);
  } catch (const std::exception& e) {
    return RefusalStatus(grpc::StatusCode::UNAVAILABLE, reason::kUnavailable,
                         "cannot check the caller's identity right now; retry");
  }
  if (!principal.ok()) return ToGrpcStatus(principal.status());
  if (!iam::Allows(*policy, principal->role)) {
    return RefusalStatus(grpc::StatusCode::PERMISSION_DENIED, reason::kRoleNotAllowed,
                         dp::StrCat("role ", iam::RoleName(principal->role), " may not call ",
                                    method));
  }
  return grpc::Status::OK;
}

std::string PeerOf(const grpc::AuthContext& context) {
  const auto pems = context.FindPropertyValues("x509_pem_cert");
  if (pems.empty()) return "none";
  return "sha256:" + Sha256Hex(std::string_view(pems[0].data(), pems[0].size())).substr(0, 16);
}

absl::StatusOr<std::string> CertificateNames::NameOf(std::string_view pem) {
  {
    std::lock_guard lock(mu_);
    if (auto it = names_.find(std::string(pem)); it != names_.end()) return it->second;
  }
  auto name = verifier_.CommonNameOf(pem);
  if (!name.ok()) return name.status();
  std::lock_guard lock(mu_);
  if (names_.size() >= kMaxRemembered) names_.clear();  // bounded; refilled as calls come
  names_.emplace(std::string(pem), *name);
  return *name;
}

absl::StatusOr<iam::Principal> CallerOf(const grpc::ServerContextBase& context,
                                        iam::PrincipalDirectory* directory,
                                        CertificateNames* names) {
  if (directory == nullptr || names == nullptr) return iam::DevelopmentPrincipal();
  const auto auth = context.auth_context();
  const auto pems = auth ? auth->FindPropertyValues("x509_pem_cert")
                         : std::vector<grpc::string_ref>{};
  if (pems.empty()) return absl::UnauthenticatedError("the call carries no client certificate");
  auto name = names->NameOf(std::string_view(pems[0].data(), pems[0].size()));
  if (!name.ok()) return name.status();
  return directory->Find(*name);
}

}  // namespace dp::service
