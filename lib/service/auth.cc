#include "service/auth.h"

#include "base/refusal.h"
#include "base/sha256.h"
#include "base/strings.h"
#include "iam/policy.h"
#include "service/status.h"

namespace dp::service {
namespace {

// ActingFor reads the user a call names in kActingForHeader ("" if none).
template <typename Metadata>
std::string ActingFor(const Metadata& metadata) {
  auto it = metadata.find(iam::kActingForHeader);
  return it == metadata.end() ? "" : std::string(it->second.data(), it->second.size());
}

}  // namespace

absl::StatusOr<iam::Principal> ActAs(iam::PrincipalDirectory& directory,
                                     iam::Principal certificate_holder,
                                     const std::string& acting_for) {
  if (certificate_holder.role != iam::Role::kConsole) {
    if (acting_for.empty()) return certificate_holder;
    return absl::PermissionDeniedError(
        dp::StrCat("only the console may act for a user; ", certificate_holder.name,
                   " has role ", iam::RoleName(certificate_holder.role)));
  }
  if (acting_for.empty()) {
    return absl::PermissionDeniedError(
        "the console may call only for a signed-in user, named in dp-acting-for");
  }
  auto user = directory.Find(acting_for);
  if (!user.ok()) return user.status();
  if (!iam::SignsInToConsole(user->role)) {
    return absl::PermissionDeniedError(dp::StrCat("the console may not act for ", acting_for,
                                                  ", of role ", iam::RoleName(user->role)));
  }
  user->via = certificate_holder.name;
  return user;
}

grpc::Status AuthProcessor::Process(const InputMetadata& metadata, grpc::AuthContext* context,
                                    OutputMetadata*, OutputMetadata*) {
  std::string method;
  if (auto it = metadata.find(":path"); it != metadata.end()) {
    method.assign(it->second.data(), it->second.size());
  }
  std::string principal;
  grpc::Status status = Decide(method, ActingFor(metadata), context, &principal);
  if (!status.ok() && on_refused_) {
    on_refused_(method, principal, principal.empty() ? PeerOf(*context) : "", status);
  }
  return status;
}

grpc::Status AuthProcessor::Decide(const std::string& method, const std::string& acting_for,
                                   grpc::AuthContext* context, std::string* principal_name) {
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
    if (principal.ok()) principal = ActAs(directory_, *std::move(principal), acting_for);
  } catch (const std::exception& e) {
    return RefusalStatus(grpc::StatusCode::UNAVAILABLE, reason::kUnavailable,
                         "cannot check the caller's identity right now; retry");
  }
  if (!principal.ok()) {
    const grpc::Status refused = ToGrpcStatus(principal.status());
    if (refused.error_code() != grpc::StatusCode::PERMISSION_DENIED) return refused;
    return RefusalStatus(grpc::StatusCode::PERMISSION_DENIED, reason::kRoleNotAllowed,
                         refused.error_message());
  }
  *principal_name = principal->AuditName();
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
  auto holder = directory->Find(*name);
  if (!holder.ok()) return holder.status();
  return ActAs(*directory, *std::move(holder), ActingFor(context.client_metadata()));
}

}  // namespace dp::service
